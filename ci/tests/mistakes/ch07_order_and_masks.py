"""Right answers and typical mistakes for the checks of chapter 07 (Order and masks).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
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


def _pe_doubled(n, d):
    """The column index j = 2i put where the formula has i: pos / 10000^(2j/d)."""
    pos = np.arange(n)[:, None]
    j = np.arange(0, d, 2)[None, :]
    angle = pos / 10000 ** (2 * j / d)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


def _pe_own_exponent(n, d):
    """Every column j uses its own index: sin(pos / 10000^(j/d)) for even j, cos(…) for odd j."""
    pos = np.arange(n)[:, None]
    j = np.arange(d)[None, :]
    angle = pos / 10000 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def _pe_own_index_doubled(n, d):
    """Each column j with its own angle pos / 10000^(2j/d): sines from the even columns, cosines from the odd."""
    pos = np.arange(n)[:, None]
    j = np.arange(d)[None, :]
    angle = pos / 10000 ** (2 * j / d)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle[:, 0::2]), np.cos(angle[:, 1::2])
    return pe


def _pe_degrees(n, d):
    """The angle read as degrees and converted to radians before sin and cos."""
    return _pe_wrong(n, d, lambda a: np.sin(np.deg2rad(a)), lambda a: np.cos(np.deg2rad(a)))


def _first_difference(n, d):
    pe = _pe_wrong(n, d)
    pe[:, -1] = 0.0  # the last cosine column forgotten
    return pe


RIGHT = {
    "7.1": ref.sinusoidal_positions,
    "7.2": ref.causal_mask,
    "7.3": ref.graph_mask,
}

MISTAKES = {
    "7.1": [
        (lambda n, d: _pe_wrong(n, d, np.cos, np.sin), "sin-cos-swapped", "swapped"),
        (lambda n, d: _pe_wrong(n, d, np.sin, np.sin), "only-sin", "both columns of a pair hold the sine"),
        (_pe_doubled, "doubled-exponent", "the exponent is doubled"),
        (_pe_own_index_doubled, "own-index-doubled", "its own angle"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: i / d), "half-exponent", "2i/d"),
        (lambda n, d: _pe_wrong(n, d, halves=True), "halves", "interleaves"),
        (_pe_own_exponent, "odd-own-exponent", "its own index"),
        (lambda n, d: _pe_wrong(n + 1, d)[1:], "positions-from-1", "counted from 1"),
        (lambda n, d: _pe_wrong(n, d).T, "transposed", "(d, n)"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: -2 * i / d), "multiplied", "multiplied by 10000"),
        (_pe_degrees, "degrees", "degrees"),
        (_first_difference, "other", "is the first that differs"),
        (lambda n, d: _pe_wrong(n, d)[:, : d // 2], "wrong-shape", "should have shape (n, d)"),
    ],
    "7.2": [
        (lambda n: np.triu(np.ones((n, n), dtype=bool)), "upper-triangle", "upper-triangular"),
        (lambda n: np.tril(np.ones((n, n), dtype=bool), -1), "no-diagonal", "leaves out the diagonal"),
        (lambda n: ~np.tril(np.ones((n, n), dtype=bool)), "inverted", "inverted"),
        (lambda n: np.tril(np.ones((n, n))), "not-boolean", "dtype float64"),
        (lambda n: np.where(np.tril(np.ones((n, n), dtype=bool)), 0.0, -np.inf), "additive-mask", "additive mask"),
        (lambda n: np.ones((n, n), dtype=bool), "all-true", "all True"),
        (lambda n: np.eye(n, dtype=bool), "diagonal-only", "only the diagonal"),
        (lambda n: np.tril(np.ones((n, n), dtype=bool), 1), "other", "should be True exactly where j ≤ i"),
    ],
    "7.3": [
        (lambda A: np.asarray(A) != 0, "no-self-loops", "no self-loops"),
        (lambda A: ~((np.asarray(A) != 0) | np.eye(len(A), dtype=bool)), "inverted", "inverted"),
        (lambda A: np.ones(np.shape(A), dtype=bool), "all-true", "every node"),
        (lambda A: np.eye(len(A), dtype=bool), "diagonal-only", "only the diagonal"),
        (lambda A: np.asarray(A) + np.eye(len(A)), "not-boolean", "dtype float64"),
        (lambda A: (lambda B: B | (B.astype(int) @ B.astype(int) > 0))(np.asarray(A) != 0), "two-step",
         "neighbours of neighbours"),
        (lambda A: np.fill_diagonal(A, 1) or A.astype(bool), "mutated-input", "changed its input"),
        (lambda A: (np.asarray(A) + np.eye(len(A))) == 1, "self-loop-dropped", "already has a self-loop"),
        (lambda A: (np.asarray(A) != 0) ^ np.eye(len(A), dtype=bool), "self-loop-dropped", "already has a self-loop"),  # A XOR I
        (lambda A: (np.asarray(A) != 0) | np.eye(len(A), k=1, dtype=bool), "other", "should be True exactly"),
    ],
}
