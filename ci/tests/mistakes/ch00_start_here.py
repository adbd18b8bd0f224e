"""Right answers and typical mistakes for the checks of chapter 00 (Start here).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np


def _uses_global(x):
    from attention_course.data import load_incomes
    _, _, incomes = load_incomes()
    return float(np.mean(incomes))


RIGHT = {
    "0.1": lambda incomes: sum(incomes) / len(incomes),
}

MISTAKES = {
    "0.1": [
        (lambda x: float(np.sum(x)), "sum", "the sum"),
        (lambda x: float(np.median(x)), "median", "median"),
        (lambda x: np.sum(x) / (len(x) - 1), "n-minus-1", "you divided by 7"),
        (lambda x: float(np.sum(x) // len(x)), "integer-division", "keep the decimals"),
        (lambda x: round(sum(x) / len(x)), "rounded", "rounded to a whole number"),
        (lambda x: round(sum(x) / len(x), 2), "rounded-decimals", "rounded to 2 decimal places"),
        (lambda x: float(f"{np.mean(x):.1f}"), "rounded-decimals", "rounded to one decimal place"),
        (lambda x: sum(x) / 8, "divided-by-8", "the size of the course's table"),
        (_uses_global, "uses-global", "not the table defined outside"),
        (lambda x: 36.875, "uses-global", "not the table defined outside"),
        (lambda x: None, "returned-none", "forget `return`"),
        (lambda x: [sum(x) / len(x)] * len(x), "wrong-type", "should return one number"),
        (lambda x: str(sum(x) / len(x)), "wrong-type", "should return a number"),
        (lambda x: sum(x) / len(x) + 1, "other", "divided by how many there are"),
    ],
}
