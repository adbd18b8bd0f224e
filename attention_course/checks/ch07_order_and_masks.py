"""Checks for chapter 07: positions and masks.

7.1 runs on (n, d) = (6, 4) and (50, 16): n ≠ d, so a transposed encoding shows, and 50 positions
reach the slow pairs, so every wrong exponent gives different numbers. 7.2 and 7.3 build masks of
several sizes (including n = 1, a graph without edges, and one whose adjacency already has a self-loop).
"""
import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, as_bool_mask, call, close, diagnose, fmt, register


def _pe(n, d, angle_of, layout="interleaved", first="sin", start=0):
    """Variants of the positional encoding, for recognising mistakes: ``angle_of(pos, i, d)`` gives the
    angles of the sine and of the cosine column of pair i."""
    pos = np.arange(start, start + n)[:, None]
    i = np.arange(d // 2)[None, :]
    a, b = angle_of(pos, i, d)
    f, g = {"sin": (np.sin, np.cos), "cos": (np.cos, np.sin), "sin-sin": (np.sin, np.sin)}[first]
    if layout == "halves":
        return np.concatenate([f(a), g(b)], axis=1)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = f(a), g(b)
    return pe


def _paper(pos, i, d):
    angle = pos / 10000.0 ** (2 * i / d)
    return angle, angle


def _same(exponent):
    """Both columns of a pair share the angle pos / 10000^exponent(i, d)."""
    def angle_of(pos, i, d):
        angle = pos / 10000.0 ** exponent(i, d)
        return angle, angle
    return angle_of


@register("7.1", "sinusoidal_positions")
def check_sinusoidal_positions(sinusoidal_positions):
    for n, d in [(6, 4), (50, 16)]:
        desc = f"sinusoidal_positions({n}, {d})"
        got = as_array(call(sinusoidal_positions, n, d, desc=desc), desc)
        if got.shape == (d, n):
            raise Mistake("transposed", tr("{desc} has shape (d, n) = {shape}: one row per *position*, so (n, d) = "
                                           "{expected}.", desc=desc, shape=got.shape, expected=(n, d)))
        if got.shape != (n, d):
            raise Mistake("wrong-shape", tr("{desc} should have shape (n, d) = {expected}; yours has {shape}.",
                                            desc=desc, expected=(n, d), shape=got.shape))
        expected = ref.sinusoidal_positions(n, d)
        if close(got, expected):
            continue
        diagnose(got, (n, d), [
            ("sin-cos-swapped", lambda n, d: _pe(n, d, _paper, first="cos"),
             tr("{desc}: sine and cosine are swapped; column 2i is the sine, column 2i+1 the cosine (row 0, position "
                "0, is then 0, 1, 0, 1, …).", desc=desc)),
            ("only-sin", lambda n, d: _pe(n, d, _paper, first="sin-sin"),
             tr("{desc}: both columns of a pair hold the sine; the odd column 2i+1 holds the cosine of the same angle.",
                desc=desc)),
            ("doubled-exponent", lambda n, d: _pe(n, d, _same(lambda i, d: 4 * i / d)),
             tr("{desc}: the exponent is doubled, 10000^(4i/d): you put the column index j = 2i where the formula "
                "has i, so 2·j/d. In 2i/d the 2i *is* the even column's index: pair i (columns 2i and 2i+1) uses "
                "10000^(2i/d), i.e. j/d with j = 0, 2, 4, … (the paper's wavelengths stay between 2π and 10000·2π; "
                "doubled, they run far beyond).", desc=desc)),
            ("own-index-doubled", lambda n, d: _pe(n, d, lambda p, i, d: (p / 10000.0 ** (2 * (2 * i) / d),
                                                                          p / 10000.0 ** (2 * (2 * i + 1) / d))),
             tr("{desc}: each column j used its own angle pos / 10000^(2j/d), j = 0, 1, 2, 3, …: that doubles the "
                "exponent, and gives the cosine column another angle than its sine. Pair i — columns 2i and 2i+1 — "
                "shares one angle, pos / 10000^(2i/d): the exponent is the even column's index over d.", desc=desc)),
            ("half-exponent", lambda n, d: _pe(n, d, _same(lambda i, d: i / d)),
             tr("{desc}: the exponent used i/d with the pair number i = 0, 1, 2, …; the paper's is 2i/d, where 2i is "
                "the even column of the pair (with i/d the slowest pair stops near 100·2π instead of approaching "
                "10000·2π).", desc=desc)),
            ("halves", lambda n, d: _pe(n, d, _paper, layout="halves"),
             tr("{desc}: the sines fill the first half and the cosines the second; the paper interleaves them: "
                "column 2i sin, column 2i+1 cos (the even and the odd columns).", desc=desc)),
            ("odd-own-exponent", lambda n, d: _pe(n, d, lambda p, i, d: (p / 10000.0 ** (2 * i / d),
                                                                         p / 10000.0 ** ((2 * i + 1) / d))),
             tr("{desc}: the cosine column 2i+1 used its own index in the exponent; both columns of a pair share "
                "the angle pos / 10000^(2i/d).", desc=desc)),
            ("positions-from-1", lambda n, d: _pe(n, d, _paper, start=1),
             tr("{desc}: positions were counted from 1; the first token is position 0 (its row is 0, 1, 0, 1, …).",
                desc=desc)),
            ("multiplied", lambda n, d: _pe(n, d, _same(lambda i, d: -2 * i / d)),
             tr("{desc}: the position was multiplied by 10000^(2i/d); divide by it (the later columns turn slowly).",
                desc=desc)),
            ("degrees", lambda n, d: _pe(n, d, lambda p, i, d: (np.deg2rad(p / 10000.0 ** (2 * i / d)),) * 2),
             tr("{desc}: the angles were taken in degrees; np.sin and np.cos take radians, use the angle as it is.",
                desc=desc)),
        ])
        bad = np.argwhere(~np.isclose(got, expected, rtol=1e-6, atol=1e-9))
        pos, j = (int(x) for x in bad[np.lexsort((bad[:, 0], bad[:, 1]))][0])
        kind = tr("sine") if j % 2 == 0 else tr("cosine")
        raise Mistake(tr("{desc}: column {j} is the first that differs (at position {pos} yours is {got}). Column {j} "
                         "should hold the {kind} of pos / 10000^({two_i}/{d}).", desc=desc, j=j, pos=pos,
                         got=fmt(got[pos, j]), kind=kind, two_i=j - j % 2, d=d))
    return tr("column 2i = sin(pos / 10000^(2i/d)), column 2i+1 = cos of the same angle, one row per position.")


def _allowed(mask, i):
    cols = [str(j) for j in np.flatnonzero(mask[i])]
    return ", ".join(cols) if cols else tr("none")


@register("7.2", "causal_mask")
def check_causal_mask(causal_mask):
    for n in (4, 7, 1):
        desc = f"causal_mask({n})"
        got = as_bool_mask(call(causal_mask, n, desc=desc), desc, n)
        expected = ref.causal_mask(n)
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, expected.T):
            raise Mistake("upper-triangle", tr("{desc} is upper-triangular: token i may see j > i, the future. Token i "
                                               "may attend to j ≤ i: the lower triangle.", desc=desc))
        if np.array_equal(got, np.tril(expected, -1)):
            raise Mistake("no-diagonal", tr("{desc} leaves out the diagonal: a token may attend to itself (j ≤ i, not "
                                            "j < i). Without it, the first token sees nothing at all.", desc=desc))
        if np.array_equal(got, ~expected):
            raise Mistake("inverted", tr("{desc} is inverted: it is True where attention is *blocked* (the "
                                         "convention of torch.nn.MultiheadAttention's attn_mask); the course's masks are True where token i may "
                                         "attend, on and below the diagonal.", desc=desc))
        if got.all() and n > 1:
            raise Mistake("all-true", tr("{desc} is all True: every token would see the future. Only j ≤ i may be "
                                         "attended to.", desc=desc))
        if np.array_equal(got, np.eye(n, dtype=bool)) and n > 1:
            raise Mistake("diagonal-only", tr("{desc} is only the diagonal: each token would see nothing but itself; "
                                              "it may also see the past, j < i.", desc=desc))
        i = int(np.flatnonzero((got != expected).any(axis=1))[0])
        raise Mistake(tr("{desc} should be True exactly where j ≤ i; row {i} (token {i}) allows columns {cols}.",
                         desc=desc, i=i, cols=_allowed(got, i)))
    return tr("True on and below the diagonal: token i sees tokens 0…i, never the future.")


ADJ = np.array([[0, 1, 0, 0, 1],
                [1, 0, 1, 0, 0],
                [0, 1, 0, 1, 1],
                [0, 0, 1, 0, 0],
                [1, 0, 1, 0, 0]])
# 4 nodes in a chain, and node 2 with a self-loop already in the adjacency (A[2, 2] = 1): it must stay True
ADJ_LOOP = np.array([[0, 1, 0, 0],
                     [1, 0, 1, 0],
                     [0, 1, 1, 1],
                     [0, 0, 1, 0]])


@register("7.3", "graph_mask")
def check_graph_mask(graph_mask):
    for adj, label in [(ADJ, tr("A (5 nodes)")), (ADJ.astype(bool), "A.astype(bool)"),
                       (np.zeros((3, 3), int), tr("no edges")), (ADJ_LOOP, tr("A (4 nodes, node 2 with a self-loop)"))]:
        n = len(adj)
        desc = f"graph_mask({label})"
        got = as_bool_mask(call(graph_mask, adj, desc=desc), desc, n)
        expected = ref.graph_mask(adj)
        if np.array_equal(got, expected):
            continue
        A = adj != 0
        if np.array_equal(got, A):
            raise Mistake("no-self-loops", tr("{desc} has no self-loops: a node must also attend to itself (True on "
                                              "the diagonal). Otherwise a node forgets its own features, and a node "
                                              "with no edges sees nothing.", desc=desc))
        loops = np.flatnonzero(np.diag(A))
        if loops.size and np.array_equal(got, expected & ~np.diag(np.diag(A))):
            raise Mistake("self-loop-dropped", tr("{desc} blocks node {i} from itself, although the adjacency already "
                                                  "has a self-loop there (adjacency[{i}, {i}] = 1). Adding the "
                                                  "identity makes that entry 2, so (A + I) == 1 is False there, and "
                                                  "XOR turns 1 and 1 into 0. The diagonal is True whatever the "
                                                  "adjacency says: combine the edges and the diagonal with a logical "
                                                  "or.", desc=desc, i=int(loops[0])))
        if np.array_equal(got, ~A) or np.array_equal(got, ~expected):
            raise Mistake("inverted", tr("{desc} is inverted: it should be True where an edge joins i and j (and on the diagonal), False elsewhere.",
                                         desc=desc))
        if got.all():
            raise Mistake("all-true", tr("{desc} lets every node attend to every node; only edges (and the node "
                                         "itself) count.", desc=desc))
        if np.array_equal(got, np.eye(n, dtype=bool)):
            raise Mistake("diagonal-only", tr("{desc} is only the diagonal: each node would see only itself; add the "
                                              "edges of the adjacency.", desc=desc))
        two_steps = (A.astype(int) @ A.astype(int) > 0)
        if np.array_equal(got, A | two_steps) or np.array_equal(got, A | two_steps | np.eye(n, dtype=bool)):
            raise Mistake("two-step", tr("{desc} also allows neighbours of neighbours; one step only: the edges and "
                                         "the node itself.", desc=desc))
        i = int(np.flatnonzero((got != expected).any(axis=1))[0])
        raise Mistake(tr("{desc} should be True exactly on the edges and the diagonal; row {i} (node {i}) allows "
                         "columns {cols}.", desc=desc, i=i, cols=_allowed(got, i)))
    return tr("the adjacency plus the diagonal: each node attends to its neighbours and itself.")
