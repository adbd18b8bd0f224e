"""Checks for chapter 07: positions and masks."""
import numpy as np

from .. import reference as ref
from .core import Mistake, as_array, as_bool_mask, call, close, diagnose, fmt, register


def _pe(n, d, angle_of, layout="interleaved", first="sin", start=0):
    """Variants of the positional encoding, for recognising mistakes."""
    pos = np.arange(start, start + n)[:, None]
    i = np.arange(d // 2)[None, :]
    a, b = angle_of(pos, i, d)
    f, g = (np.sin, np.cos) if first == "sin" else (np.cos, np.sin)
    if layout == "halves":
        return np.concatenate([f(a), g(b)], axis=1)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = f(a), g(b)
    return pe


def _paper(pos, i, d):
    angle = pos / 10000.0 ** (2 * i / d)
    return angle, angle


@register("7.1", "sinusoidal_positions")
def check_sinusoidal_positions(sinusoidal_positions):
    for n, d in [(6, 4), (50, 16)]:
        desc = f"sinusoidal_positions({n}, {d})"
        got = as_array(call(sinusoidal_positions, n, d, desc=desc), desc)
        if got.shape == (d, n) and n != d:
            raise Mistake(f"{desc} has shape (d, n) = {got.shape}: one row per *position*, so (n, d) = {(n, d)}.")
        if got.shape != (n, d):
            raise Mistake(f"{desc} should have shape (n, d) = {(n, d)}; yours has {got.shape}.")
        expected = ref.sinusoidal_positions(n, d)
        if close(got, expected):
            continue
        diagnose(got, (n, d), [
            (lambda n, d: _pe(n, d, _paper, first="cos"),
             f"{desc}: sine and cosine are swapped; column 2i is the sine, column 2i+1 the cosine (row 0 is then "
             "[0, 1, 0, 1, …])."),
            (lambda n, d: _pe(n, d, lambda p, i, d: (p / 10000.0 ** (i / d),) * 2),
             f"{desc}: the exponent used i/d; the paper's is 2i/d, where 2i is the even column of the pair "
             "(so the wavelengths run from 2π up to 10000·2π)."),
            (lambda n, d: _pe(n, d, _paper, layout="halves"),
             f"{desc}: the sines fill the first half and the cosines the second; the paper interleaves them: "
             "column 2i sin, column 2i+1 cos (pe[:, 0::2] and pe[:, 1::2])."),
            (lambda n, d: _pe(n, d, lambda p, i, d: (p / 10000.0 ** (2 * i / d), p / 10000.0 ** ((2 * i + 1) / d))),
             f"{desc}: the cosine column 2i+1 used its own index in the exponent; both columns of a pair share "
             "the angle pos / 10000^(2i/d)."),
            (lambda n, d: _pe(n, d, _paper, start=1),
             f"{desc}: positions were counted from 1; the first token is position 0 (row 0 is [0, 1, 0, 1, …])."),
            (lambda n, d: _pe(n, d, lambda p, i, d: (p * 10000.0 ** (2 * i / d),) * 2),
             f"{desc}: the position was multiplied by 10000^(2i/d); divide by it (the later columns turn slowly)."),
            (lambda n, d: _pe(n, d, lambda p, i, d: (np.deg2rad(p / 10000.0 ** (2 * i / d)),) * 2),
             f"{desc}: the angles were taken in degrees; np.sin and np.cos take radians, use the angle as it is."),
        ])
        raise Mistake(f"{desc}: row 1 should be {fmt(expected[1])}; yours is {fmt(got[1])}.")
    return "column 2i = sin(pos / 10000^(2i/d)), column 2i+1 = cos of the same angle, one row per position."


@register("7.2", "causal_mask")
def check_causal_mask(causal_mask):
    for n in (4, 7, 1):
        desc = f"causal_mask({n})"
        got = as_bool_mask(call(causal_mask, n, desc=desc), desc, n)
        expected = ref.causal_mask(n)
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, expected.T):
            raise Mistake(f"{desc} is upper-triangular: token i may see j > i, the future. Token i may attend to "
                          "j ≤ i: the lower triangle, np.tril.")
        if np.array_equal(got, np.tril(expected, -1)):
            raise Mistake(f"{desc} leaves out the diagonal: a token may attend to itself (j ≤ i, not j < i). "
                          "Without it, the first token sees nothing at all.")
        if np.array_equal(got, ~expected):
            raise Mistake(f"{desc} is inverted: True means 'may attend', so True on and below the diagonal.")
        if got.all() and n > 1:
            raise Mistake(f"{desc} is all True: every token would see the future. Only j ≤ i may be attended to.")
        if np.array_equal(got, np.eye(n, dtype=bool)) and n > 1:
            raise Mistake(f"{desc} is only the diagonal: each token would see nothing but itself; also the past, j < i.")
        raise Mistake(f"{desc} should be True where j ≤ i; expected\n{expected.astype(int)}\ngot\n{got.astype(int)}.")
    return "True on and below the diagonal: token i sees tokens 0…i, never the future."


ADJ = np.array([[0, 1, 0, 0, 1],
                [1, 0, 1, 0, 0],
                [0, 1, 0, 1, 1],
                [0, 0, 1, 0, 0],
                [1, 0, 1, 0, 0]])


@register("7.3", "graph_mask")
def check_graph_mask(graph_mask):
    for adj, label in [(ADJ, "A (5 nodes)"), (ADJ.astype(bool), "A.astype(bool)"), (np.zeros((3, 3), int), "no edges")]:
        n = len(adj)
        desc = f"graph_mask({label})"
        got = as_bool_mask(call(graph_mask, adj, desc=desc), desc, n)
        expected = ref.graph_mask(adj)
        if np.array_equal(got, expected):
            continue
        A = adj != 0
        if np.array_equal(got, A):
            raise Mistake(f"{desc} has no self-loops: a node must also attend to itself (True on the diagonal). "
                          "Otherwise a node forgets its own features, and a node with no edges sees nothing.")
        if np.array_equal(got, ~A) or np.array_equal(got, ~expected):
            raise Mistake(f"{desc} is inverted: True where an edge joins i and j (and on the diagonal).")
        if got.all():
            raise Mistake(f"{desc} lets every node attend to every node; only edges (and the node itself) count.")
        if np.array_equal(got, A | A @ A):
            raise Mistake(f"{desc} also allows neighbours of neighbours; one step only: the edges and the node itself.")
        raise Mistake(f"{desc} should be A | I; expected\n{expected.astype(int)}\ngot\n{got.astype(int)}.")
    return "the adjacency plus the diagonal: each node attends to its neighbours and itself."
