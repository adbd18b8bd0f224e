"""Checks for chapter 02: similarity scores between a query and each key (the rows of K).

The cases have every size different (m ≠ d, and for 2.3 h ≠ m ≠ d), so nothing passes by a
coincidence of shapes. Mistakes that only *run* when two sizes agree (``q @ K``, a norm down the
wrong axis, ``K @ W_k``, an (h,) vector broadcast along the keys) raise on those cases; the check
then runs the answer once more on a square case (all sizes equal), where such a mistake runs, and
names it from what it gives there. A case with the chapter's shapes and other numbers comes second: an
answer that reads the notebook's q or K runs there and is named, before another size makes it raise.
"""
from itertools import product

import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(2)
Q = np.array([2.0, 1.0])
K = np.array([[1.0, 0.0], [3.0, 3.0], [-1.0, 2.0], [0.5, -2.0]])  # the chapter's keys: m = 4, d = 2
Q5 = _RNG.normal(size=5)
K35 = _RNG.normal(size=(3, 5)) * np.array([[1.0], [3.0], [0.5]])  # m = 3, d = 5, keys of different lengths
Q3 = np.array([1.0, -2.0, 0.5])
K3 = np.array([[2.0, 0.5, 0.0], [0.0, 3.0, -1.0], [-1.0, 0.5, 2.0]])  # square: m = d = 3
# The chapter's shapes with other numbers (no row a multiple of the chapter's, q not parallel to its q): an
# answer that reads the notebook's q or K instead of its arguments runs here and gives itself away.
Q_OTHER = np.array([-1.0, 3.0])
K_OTHER = np.array([[2.0, -1.0], [0.5, 1.0], [-3.0, -1.0], [1.0, 4.0]])


def _cases():
    """((q, K), the case in words) with m ≠ d, and the square case (m = d) used to name mistakes."""
    cases = [((Q, K), tr("for the chapter's q and K (m = 4 keys, d = 2)")),
             ((Q_OTHER, K_OTHER), tr("for another q and K of the chapter's shapes (m = 4, d = 2)")),
             ((Q5, K35), tr("for q of size 5 and K of shape (3, 5)"))]
    return cases, ((Q3, K3), tr("for q of size 3 and a square K, shape (3, 3)"))


def _uses_chapter_arrays(desc, got, reference, args, chapter_args, names):
    """``got`` for ``args``: if it is what ``reference`` gives with some of the arguments replaced by the
    notebook's arrays of the same shapes (``chapter_args``, ``names``), say which were read from outside."""
    for use_chapter in product((False, True), repeat=len(args)):
        if not any(use_chapter):
            continue
        mixed = [c if use else a for a, c, use in zip(args, chapter_args, use_chapter)]
        if close(got, reference(*mixed)):
            which = ", ".join(n for n, use in zip(names, use_chapter) if use)
            raise Mistake("uses-global", tr("{desc} gave {got}: the scores of the notebook's own {which}. The "
                                            "function reads {which} from outside instead of taking its arguments: "
                                            "use the arguments q and K (the check passes other arrays).", desc=desc,
                                            got=fmt(got), which=which))


def _strip(message):
    return message.rstrip().rstrip(".")


def _call_or_probe(fn, args, desc, square, expected_square, name_mistakes, hint):
    """Call ``fn(*args)``. If it raises, run it on the ``square`` case: a mistake that runs there is named
    (``name_mistakes(desc, got)`` gives the (id, wrong, message) triples), a right answer there means some shape
    lined up only by coincidence; otherwise the original error stands."""
    try:
        return call(fn, *args, desc=desc)
    except Mistake as raised:
        if raised.id != "raised":
            raise
        square_args, square_desc = square
        try:
            got = as_array(call(fn, *square_args, desc=square_desc), square_desc)
        except Mistake:
            raise raised from None
        if got.shape != np.shape(expected_square):
            raise raised from None
        if close(got, expected_square):
            raise Mistake("shape-coincidence", tr("{raised}. Yet {square_desc} gives the right answer: some product "
                                                  "or sum lines up only when two sizes happen to be equal. {hint}",
                                                  raised=_strip(raised.message), square_desc=square_desc,
                                                  hint=hint)) from None
        try:
            diagnose(got, square_args, name_mistakes(square_desc, got))
        except Mistake as named:
            raise Mistake(named.id, tr("{raised}. {named}", raised=_strip(raised.message),
                                       named=named.message)) from None
        raise raised from None


# --- 2.1 and 2.2 ------------------------------------------------------------------------------

def _shape_mistakes(desc, got, m, d):
    if got.shape == (d,) and d != m:
        raise Mistake("summed-over-keys", tr("{desc} has shape {shape}, one number per *dimension*: you summed over "
                                             "the keys (axis 0). Sum over the dimensions instead: one score per "
                                             "key, shape ({m},).", desc=desc, shape=got.shape, m=m))
    if got.shape == (m, d):
        raise Mistake("no-sum", tr("{desc} has shape {shape}: you multiplied element by element but did not sum over "
                                   "the dimensions; the score of key j is the sum over i of q[i] · K[j, i], shape "
                                   "({m},).", desc=desc, shape=got.shape, m=m))
    if got.shape == (m, m) and m != d:
        raise Mistake("broadcast-m-m", tr("{desc} has shape {shape}: an array of shape ({m},) combined with one of "
                                          "shape ({m}, 1) — such as key lengths computed with keepdims=True — "
                                          "broadcasts to ({m}, {m}), every score paired with every key's length. "
                                          "Keep both of shape ({m},): drop keepdims=True (or flatten the lengths).",
                                          desc=desc, shape=got.shape, m=m))
    if got.shape == ():
        raise Mistake("single-number", tr("{desc} is a single number; the answer is one score per key, shape ({m},). "
                                          "Did you sum all the products at once instead of one sum per key (row)?",
                                          desc=desc, m=m))
    if got.shape != (m,):
        raise Mistake("wrong-shape", tr("{desc} should have shape ({m},), one score per key; yours has shape "
                                        "{shape}.", desc=desc, m=m, shape=got.shape))


def _scores_check(fn, name, reference, mistakes, extra_cases=()):
    def named(desc, got):
        return [(mistake_id, wrong, tr("{desc} gave {got}: {reason}", desc=desc, got=fmt(got), reason=reason))
                for mistake_id, wrong, reason in mistakes]

    cases, (square_args, square_case) = _cases()
    square = (square_args, tr("{name}(q, K) {case}", name=name, case=square_case))
    for args, case in [*cases, *extra_cases, (square_args, square_case)]:
        q, keys = args
        m, d = keys.shape
        desc = tr("{name}(q, K) {case}", name=name, case=case)
        result = _call_or_probe(fn, args, desc, square, reference(*square_args), named,
                                tr("Check each shape: q is (d,), K is (m, d) with one key per row, and the result is "
                                   "(m,)."))
        got = as_array(result, desc)
        _shape_mistakes(desc, got, m, d)
        expected = reference(q, keys)
        if close(got, expected):
            continue
        if q is Q_OTHER:
            _uses_chapter_arrays(desc, got, reference, (q, keys), (Q, K), ("q", "K"))
        diagnose(got, (q, keys), named(desc, got))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))


def _norms(K):
    return np.linalg.norm(K, axis=1)


@register("2.1", "dot_scores")
def check_dot_scores(dot_scores):
    _scores_check(dot_scores, "dot_scores", ref.dot_scores, [
        ("transposed", lambda q, K: K.T @ q,
         tr("that is q times the *columns* of K (q @ K, which runs only when K is square). Each key is a row of K: "
            "multiply every row by q and sum.")),
        ("summed-over-keys", lambda q, K: np.sum(q * K, axis=0),
         tr("you summed over the keys (axis 0); sum over the dimensions of each key instead.")),
        ("cosine", ref.cosine_scores,
         tr("these are cosine similarities: the dot product is not divided by the lengths.")),
        ("softmax", lambda q, K: ref.softmax(K @ q),
         tr("these sum to 1: you applied softmax. Return the raw scores; softmax comes later.")),
        ("norms-only", lambda q, K: _norms(K) * np.linalg.norm(q),
         tr("that is |q|·|k| without the cos θ: use the sum of the products q[i] · k[i].")),
        ("absolute", lambda q, K: np.abs(K @ q),
         tr("no absolute value — a key pointing away from q has a negative score.")),
        ("scaled", lambda q, K: K @ q / np.sqrt(len(q)),
         tr("you divided by √d; exercise 2.1 asks for the raw dot products (the division by √d_k belongs to "
            "scaled dot-product attention, chapters 03 and 04).")),
        ("scaled", lambda q, K: K @ q / len(q),
         tr("you divided by d; exercise 2.1 asks for the raw dot products, without any scaling.")),
    ])
    return tr("one score per key, shape (m,): dot_scores(q, K) = {scores}.", scores=fmt(ref.dot_scores(Q, K)))


@register("2.2", "cosine_scores")
def check_cosine_scores(cosine_scores):
    _scores_check(cosine_scores, "cosine_scores", ref.cosine_scores, [
        ("dot", ref.dot_scores,
         tr("these are the plain dot products: divide each by |q| and by |k_j|.")),
        ("norm-axis-0", lambda q, K: K @ q / (np.linalg.norm(K, axis=0) * np.linalg.norm(q)),
         tr("you divided by the lengths of the *columns* of K (a norm down axis 0, which runs only when K is "
            "square); each key is a row: divide by the length of each row.")),
        ("matrix-norm", lambda q, K: K @ q / (np.linalg.norm(K) * np.linalg.norm(q)),
         tr("you divided by the norm of the whole matrix K; divide each score by the length of its own key (one "
            "length per row).")),
        ("only-key-norm", lambda q, K: K @ q / _norms(K),
         tr("divided by |k_j| but not by |q|.")),
        ("only-query-norm", lambda q, K: K @ q / np.linalg.norm(q),
         tr("divided by |q| but not by each key's length |k_j|.")),
        ("squared-norms", lambda q, K: K @ q / (np.sum(K**2, axis=1) * np.sum(q**2)),
         tr("you divided by the squared lengths; use the lengths (their square roots).")),
        ("angle", lambda q, K: np.arccos(np.clip(ref.cosine_scores(q, K), -1, 1)),
         tr("these are the angles θ (in radians); the cosine similarity is cos θ itself, no arccos.")),
    ], extra_cases=[((Q, K * 100.0), tr("for the chapter's q and the keys made 100 times longer (100 K)"))])
    return tr("cosine similarities in [-1, 1], unchanged when the keys are made 100 times longer.")


# --- 2.3 --------------------------------------------------------------------------------------

_RNG23 = np.random.default_rng(23)


def _weights(h, d):
    return _RNG23.normal(size=(h, d)), _RNG23.normal(size=(h, d)), _RNG23.normal(size=h)


# (q, K, W_q, W_k, v) of each case. The first two have h ≠ m ≠ d; the square one (h = m = d = 3) is where
# the mistakes that only run when two sizes agree (a broadcast along the wrong axis needs h = m, K @ W_k
# needs h = d) run, so that they can be named.
_ADDITIVE_ARGS = [(Q, K, *_weights(3, 2)), (Q5, K35, *_weights(4, 5)), (Q3, K3, *_weights(3, 3))]
# The chapter's shapes with other numbers, the same weights as the first case: reading the notebook's q or K shows.
_ADDITIVE_ARGS.insert(1, (Q_OTHER, K_OTHER, *_ADDITIVE_ARGS[0][2:]))


def _additive_cases():
    labels = [tr("with h = 3, m = 4, d = 2"), tr("with h = 3, m = 4, d = 2 and another q and K"),
              tr("with h = 4, m = 3, d = 5"), tr("with h = m = d = 3")]
    return list(zip(_ADDITIVE_ARGS, labels))


def _additive_mistakes(desc, got):
    reasons = [
        ("broadcast-axis", lambda q, K, Wq, Wk, v: v @ np.tanh(Wk @ K.T + Wq @ q),
         tr("W_q q (shape (h,)) was added along the wrong axis of the keys' part W_k Kᵀ (shape (h, m)): NumPy "
            "broadcasts an (h,) vector along the *last* axis, so this runs only when h = m, and even then adds the "
            "query's numbers to the wrong entries. Each key's hidden vector is W_q q + W_k k_j, two (h,) vectors "
            "added: lay the keys' part out with one row per key, or add W_q q as a column.")),
        ("transposed-w_k", lambda q, K, Wq, Wk, v: np.tanh(K @ Wk + Wq @ q) @ v,
         tr("K @ W_k multiplies by W_k where its transpose is needed (it runs only when h = d). W_k has shape (h, d) "
            "and maps a key (d,) to (h,): with the keys as rows of K, that is K @ W_k.T.")),
        ("no-tanh", lambda q, K, Wq, Wk, v: (K @ Wk.T + Wq @ q) @ v,
         tr("the tanh is missing. Without it the score is linear, and the query's part is the same for every key "
            "— softmax would ignore the query altogether.")),
        ("tanh-after-v", lambda q, K, Wq, Wk, v: np.tanh((K @ Wk.T + Wq @ q) @ v),
         tr("tanh goes on the hidden vector W_q q + W_k k_j, before the product with v.")),
        ("swapped-weights", lambda q, K, Wq, Wk, v: np.tanh(K @ Wq.T + Wk @ q) @ v,
         tr("W_q and W_k are swapped — W_q multiplies the query, W_k each key.")),
        ("no-query", lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T) @ v,
         tr("the query's part W_q q is missing: every query would get the same scores.")),
        ("sum-not-v", lambda q, K, Wq, Wk, v: np.sum(np.tanh(K @ Wk.T + Wq @ q), axis=1),
         tr("you summed the hidden units; weight them with v (a dot product with v).")),
        ("relu", lambda q, K, Wq, Wk, v: np.maximum(K @ Wk.T + Wq @ q, 0) @ v,
         tr("that is ReLU; the additive score uses tanh.")),
    ]
    return [(mistake_id, wrong, tr("{desc} gave {got}: {reason}", desc=desc, got=fmt(got), reason=reason))
            for mistake_id, wrong, reason in reasons]


@register("2.3", "additive_scores")
def check_additive_scores(additive_scores):
    cases = _additive_cases()
    square_args, square_case = cases[-1]
    square = (square_args, tr("additive_scores(q, K, W_q, W_k, v) {case}", case=square_case))
    for args, case in cases:
        q, keys, wq, wk, vv = args
        (m, d), h = keys.shape, wq.shape[0]
        desc = tr("additive_scores(q, K, W_q, W_k, v) {case}", case=case)
        result = _call_or_probe(additive_scores, args, desc, square, ref.additive_scores(*square_args),
                                _additive_mistakes, tr("Check each shape: W_q q is (h,), W_k k_j is (h,) for each of "
                                                       "the m keys, and the result is (m,)."))
        got = as_array(result, desc)
        if got.shape in ((m, h), (h, m)) and got.shape != (m,):
            raise Mistake("returned-hidden", tr("{desc} has shape {shape}: those are the hidden vectors tanh(W_q q + "
                                                "W_k k_j), one per key. Take the dot product of each with v: one "
                                                "score per key, shape ({m},).", desc=desc, shape=got.shape, m=m))
        if got.shape != (m,):
            raise Mistake("wrong-shape", tr("{desc} should have shape ({m},), one score per key; yours has shape "
                                            "{shape}. Each key's hidden vector tanh(W_q q + W_k k_j) has shape ({h},); "
                                            "then one dot product with v.", desc=desc, m=m, shape=got.shape, h=h))
        expected = ref.additive_scores(*args)
        if close(got, expected):
            continue
        if q is Q_OTHER:
            _uses_chapter_arrays(desc, got, lambda q, K: ref.additive_scores(q, K, wq, wk, vv), (q, keys), (Q, K),
                                 ("q", "K"))
        diagnose(got, args, _additive_mistakes(desc, got))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("vᵀ tanh(W_q q + W_k k_j) for every key, right for any sizes h, m and d.")
