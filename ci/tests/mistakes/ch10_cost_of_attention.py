"""Right answers and typical mistakes for the checks of chapter 10 (The cost of attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


RIGHT = {
    "10.1": ref.fit_exponent,
    "10.2": ref.local_mask,
}

MISTAKES = {
    "10.1": [
        (lambda n, t: np.polyfit(n, t, 1)[0], "slope of t against n"),
        (lambda n, t: np.polyfit(np.log(t), np.log(n), 1)[0], "the inverse"),
        (lambda n, t: np.polyfit(np.log10(n), np.log(t), 1)[0], "same logarithm"),
        (lambda n, t: (np.log(t[-1]) - np.log(t[0])) / (np.log(n[-1]) - np.log(n[0])), "first and last"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1)[1], "intercept"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1), "one number"),
    ],
    "10.2": [
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) < w, "inclusive"),
        (lambda n, w: (lambda d: (d >= 0) & (d <= w))(np.subtract.outer(np.arange(n), np.arange(n))), "looks back"),
        (lambda n, w: (lambda d: (d >= 0) & (d <= w))(-np.subtract.outer(np.arange(n), np.arange(n))), "looks ahead"),
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) > w, "inverted"),
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) == w, "exactly"),
        (lambda n, w: (np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= w).astype(int), "dtype int64"),
    ],
}
