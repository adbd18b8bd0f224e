"""Right answers and typical mistakes for the checks of chapter 10 (The cost of attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


def _dist(n):
    i = np.arange(n)
    return np.abs(i[:, None] - i[None, :])


def _ahead(n):
    i = np.arange(n)
    return i[None, :] - i[:, None]  # j − i


RIGHT = {
    "10.1": ref.fit_exponent,
    "10.2": ref.local_mask,
}

MISTAKES = {
    "10.1": [
        (lambda n, t: np.polyfit(n, t, 1)[0], "linear-axes", "slope of t against n"),
        (lambda n, t: np.polyfit(np.log(t), np.log(n), 1)[0], "inverse", "about 1/k"),
        (lambda n, t: np.polyfit(np.log10(n), np.log(t), 1)[0], "mixed-logs", "same logarithm"),
        (lambda n, t: np.polyfit(np.log(n), np.log2(t), 1)[0], "mixed-logs", "same logarithm"),
        (lambda n, t: (np.log(t[-1]) - np.log(t[0])) / (np.log(n[-1]) - np.log(n[0])), "endpoints", "first and last"),
        (lambda n, t: np.mean(np.diff(np.log(t)) / np.diff(np.log(n))), "endpoints", "telescopes"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1)[1], "intercept", "intercept"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1), "both-coefficients", "both coefficients"),
        (lambda n, t: np.mean(np.log(t) / np.log(n)), "log-ratio", "log t / log n"),
        (lambda n, t: float(round(np.polyfit(np.log(n), np.log(t), 1)[0])), "rounded", "a whole number"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 2)[1], "other", "not the slope"),
        (lambda n, t: str(np.polyfit(np.log(n), np.log(t), 1)[0]), "wrong-type", "should return a number"),
    ],
    "10.2": [
        (lambda n, w: _dist(n) < w, "exclusive", "inclusive"),
        (lambda n, w: _dist(n) <= w + 1, "one-too-wide", "one further"),
        (lambda n, w: _dist(n) <= w // 2, "window-as-width", "width of the band"),
        (lambda n, w: (_ahead(n) <= 0) & (_ahead(n) >= -w), "back-only", "looks back"),
        (lambda n, w: (_ahead(n) >= 0) & (_ahead(n) <= w), "ahead-only", "looks ahead"),
        (lambda n, w: _dist(n) > w, "inverted", "inverted"),
        (lambda n, w: _dist(n) == w, "exactly", "exactly"),
        (lambda n, w: (_dist(n) <= w) & (_dist(n) > 0), "no-diagonal", "diagonal"),
        (lambda n, w: (_dist(n) <= w).astype(int), "not-boolean", "dtype int64"),
        (lambda n, w: np.where(_dist(n) <= w, 0.0, -np.inf), "additive-mask", "additive mask"),
        (lambda n, w: (_dist(n) <= w) | (_dist(n) == n - 1), "other", "differs from the rule"),
    ],
}
