"""Right answers and typical mistakes for the checks of chapter 12 (A tiny language model).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

RIGHT = {
    "12.1": lambda s, d: ref.softmax(np.asarray(s) / np.sqrt(d)),
}

MISTAKES = {
    "12.1": [
        (lambda s, d: ref.softmax(s), "unscaled", "not divided by √d_k"),
        (lambda s, d: ref.softmax(s / d), "divided-by-d_k", "square root"),
        (lambda s, d: ref.softmax(s / np.sqrt(len(s))), "sqrt-length", "number of scores"),
        (lambda s, d: s / np.sqrt(d), "no-softmax", "turn them into weights"),
        (lambda s, d: np.exp(s / np.sqrt(d)) / np.exp(s / np.sqrt(d)).sum(), "overflow", "subtract the largest"),
    ],
}
