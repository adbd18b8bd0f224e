"""Right answers and typical mistakes for the checks of chapter 00 (Start here).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np



RIGHT = {
    "0.1": lambda incomes: sum(incomes) / len(incomes),
}

MISTAKES = {
    "0.1": [
        (lambda x: float(np.sum(x)), "the sum"),
        (lambda x: float(np.median(x)), "median"),
        (lambda x: np.sum(x) / (len(x) - 1), "len(incomes) - 1"),
        (lambda x: float(np.sum(x) // len(x)), "keep the decimals"),
        (lambda x: 36.875, "not the table defined outside"),
        (lambda x: None, "forget `return`"),
    ],
}
