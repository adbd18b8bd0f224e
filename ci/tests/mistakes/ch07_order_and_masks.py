"""Right answers and typical mistakes for the checks of chapter 07 (Order and masks).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


def _pe_wrong(n, d, first=np.sin, second=np.cos, expo=lambda i, d: 2 * i / d, halves=False):
    pos = np.arange(n)[:, None]
    i = np.arange(d // 2)[None, :]
    a = pos / 10000.0 ** expo(i, d)
    if halves:
        return np.concatenate([first(a), second(a)], axis=1)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = first(a), second(a)
    return pe


RIGHT = {
    "7.1": ref.sinusoidal_positions,
    "7.2": ref.causal_mask,
    "7.3": ref.graph_mask,
}

MISTAKES = {
    "7.1": [
        (lambda n, d: _pe_wrong(n, d, np.cos, np.sin), "swapped"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: i / d), "2i/d"),
        (lambda n, d: _pe_wrong(n, d, halves=True), "interleaves"),
        (lambda n, d: _pe_wrong(n + 1, d)[1:], "counted from 1"),
        (lambda n, d: _pe_wrong(n, d).T, "(d, n)"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: -2 * i / d), "multiplied by 10000"),
        (lambda n, d: _pe_wrong(n, d, np.sin, np.cos, expo=lambda i, d: 2 * i / d) * 0 + np.sin(np.deg2rad(
            np.arange(n)[:, None] / 10000.0 ** (2 * (np.arange(d) // 2) / d) + (np.arange(d) % 2) * 90)), "degrees"),
    ],
    "7.2": [
        (lambda n: np.triu(np.ones((n, n), dtype=bool)), "upper-triangular"),
        (lambda n: np.tril(np.ones((n, n), dtype=bool), -1), "leaves out the diagonal"),
        (lambda n: ~np.tril(np.ones((n, n), dtype=bool)), "inverted"),
        (lambda n: np.tril(np.ones((n, n))), "dtype float64"),
        (lambda n: np.where(np.tril(np.ones((n, n), dtype=bool)), 0.0, -np.inf), "additive mask"),
        (lambda n: np.ones((n, n), dtype=bool), "all True"),
        (lambda n: np.eye(n, dtype=bool), "only the diagonal"),
    ],
    "7.3": [
        (lambda A: np.asarray(A) != 0, "no self-loops"),
        (lambda A: ~((np.asarray(A) != 0) | np.eye(len(A), dtype=bool)), "inverted"),
        (lambda A: np.ones(np.shape(A), dtype=bool), "every node"),
        (lambda A: np.asarray(A) + np.eye(len(A)), "dtype float64"),
        (lambda A: (lambda B: B | (B.astype(int) @ B.astype(int) > 0))((np.asarray(A) != 0)), "neighbours of neighbours"),
    ],
}
