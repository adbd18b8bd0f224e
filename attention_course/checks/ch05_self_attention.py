"""Checks for chapter 05: self-attention on the two 苹果 sentences.

5.1 runs on S1 (n = 12 tokens, d = 6) and on random data (n = 5, d = 4), so √n cannot pass for √d.
5.2 runs on a square random case (every matrix 4 × 4, not symmetric: a transposed W shows), on S2 with
the hand-made projections, and on a case where every size differs (n = 5 tokens, d_model = 7,
d_k = 3, d_v = 2), so √d_model, √n or √d_v cannot pass for √d_k.
5.3 runs on a made-up 5 × 5 matrix for two words (one whose own weight is the largest in its row, one
whose own weight is not), then on S2.
"""
import numpy as np

from .. import reference as ref
from ..data import S1, S2, embed, hand_projections
from ..i18n import tr
from .core import Mistake, as_pair, call, check_weights, close, diagnose, fmt, register, scaling_mistakes, short_repr

_RNG = np.random.default_rng(5)
X_RANDOM = _RNG.normal(size=(5, 4)) * 1.5  # n = 5 tokens, d = 4
# 5.2: a square case (W not symmetric, so W and Wᵀ give different answers) ...
X_SQUARE = _RNG.normal(size=(5, 4))
W_SQUARE = tuple(_RNG.normal(size=(4, 4)) for _ in range(3))
# ... and one where every size differs: n = 5, d_model = 7, d_k = 3, d_v = 2
N, D_MODEL, D_K, D_V = 5, 7, 3, 2
X_WIDE = _RNG.normal(size=(N, D_MODEL))
W_WIDE = (_RNG.normal(size=(D_MODEL, D_K)), _RNG.normal(size=(D_MODEL, D_K)), _RNG.normal(size=(D_MODEL, D_V)))

sm = ref.softmax


def _names():
    return (tr("output"), tr("weights"))


# --- 5.1 ---------------------------------------------------------------------------------------

def _plain(X, divisor, axis=-1):
    w = sm(X @ X.T / divisor, axis=axis)
    return w @ X


@register("5.1", "self_attention")
def check_self_attention(self_attention):
    for X, label in [(embed(S1), "X1"), (X_RANDOM, "X")]:
        n, d = X.shape
        desc = f"self_attention({label})"
        result = call(self_attention, X, desc=desc)
        out, weights = as_pair(result, desc, _names(), shapes=((n, d), (n, n)))
        expected_out, expected_w = ref.self_attention(X)
        if close(out, expected_out) and close(weights, expected_w):
            continue
        diagnose(out, (X,), [
            ("unscaled", lambda X: _plain(X, 1.0),
             tr("{desc}: the scores X Xᵀ were not divided by √d, the length of one token vector (here √{d}).",
                desc=desc, d=d)),
            ("divided-by-d", lambda X: _plain(X, d),
             tr("{desc}: you divided the scores by d = {d}; divide by its square root, √d.", desc=desc, d=d)),
            ("sqrt-n", lambda X: _plain(X, np.sqrt(n)),
             tr("{desc}: you divided by √{n}, the square root of the number of tokens; the scale is √d, the length "
                "of one token vector (here √{d}).", desc=desc, n=n, d=d)),
            ("axis-0", lambda X: _plain(X, np.sqrt(d), axis=0),
             tr("{desc}: softmax ran down the columns (axis=0); each token's row of weights must sum to 1 "
                "(axis=-1).", desc=desc)),
            ("no-softmax", lambda X: (X @ X.T / np.sqrt(d)) @ X,
             tr("{desc}: the scores were used as weights without softmax.", desc=desc)),
            ("unnormalised", lambda X: np.exp(X @ X.T / np.sqrt(d)) @ X,
             tr("{desc}: the exponentials were not normalised (divide each row by its sum, as softmax does).",
                desc=desc)),
            ("returned-x", lambda X: X,
             tr("{desc}: the output is X itself; it should be the weights times X, each token a weighted average "
                "of the sentence.", desc=desc)),
        ])
        check_weights(desc, out, weights, expected_out, expected_w)
    return tr("softmax(X Xᵀ / √d) X, with one row of weights per token.")


# --- 5.2 ---------------------------------------------------------------------------------------

def _qkv(X, Wq, Wk, Wv, divisor=None, axis=-1):
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    s = Q @ K.T / (np.sqrt(K.shape[1]) if divisor is None else divisor)
    return sm(s, axis=axis) @ V


def _qkv_mistakes(desc, n, d, d_k, d_v):
    sdpa = ref.scaled_dot_product_attention
    scaling = scaling_mistakes(desc, d_k, d_model=d, tokens=n, d_v=d_v)
    # a divisor that coincides with the right one (a square case) is no mistake there
    mistakes = [(i, lambda X, a, b, c, s=s: _qkv(X, a, b, c, divisor=s), m) for i, s, m in scaling
                if not np.isclose(s, np.sqrt(d_k))]
    same_q_k = tr("{desc}: the queries and the keys were made with the same matrix; they are two projections, "
                  "Q = X @ W_q and K = X @ W_k (with one matrix the scores come out symmetric: token i scores token j "
                  "exactly as j scores i).", desc=desc)
    return mistakes + [
        ("one-matrix", lambda X, a, b, c: sdpa(X @ a, X @ a, X @ a)[0],
         tr("{desc}: one matrix (W_q) made the queries, the keys and the values; each role has its own: "
            "Q = X @ W_q, K = X @ W_k, V = X @ W_v.", desc=desc)),
        ("same-w-q-k", lambda X, a, b, c: sdpa(X @ a, X @ a, X @ c)[0], same_q_k),  # W_q for both
        ("same-w-q-k", lambda X, a, b, c: sdpa(X @ b, X @ b, X @ c)[0], same_q_k),  # W_k for both
        ("values-not-projected", lambda X, a, b, c: sdpa(X @ a, X @ b, X)[0],
         tr("{desc}: the values are X itself (the output has X's width); project them too: V = X @ W_v.", desc=desc)),
        ("values-from-w_k", lambda X, a, b, c: sdpa(X @ a, X @ b, X @ b)[0],
         tr("{desc}: the values were projected with W_k; the values are X @ W_v.", desc=desc)),
        ("scores-from-x", lambda X, a, b, c: sm(X @ X.T / np.sqrt(d_k)) @ (X @ c),
         tr("{desc}: the scores compare X with X; compare the projected queries Q = X @ W_q with the projected keys "
            "K = X @ W_k.", desc=desc)),
        ("swapped-q-k", lambda X, a, b, c: sdpa(X @ b, X @ a, X @ c)[0],
         tr("{desc}: W_q and W_k are swapped: the queries are X @ W_q, the keys X @ W_k (the weights come out "
            "transposed).", desc=desc)),
        ("transposed-w", lambda X, a, b, c: sdpa(X @ a.T, X @ b.T, X @ c.T)[0],
         tr("{desc}: the weight matrices were transposed. Here W has shape (d_model, d_k) and multiplies from the "
            "right, Q = X @ W_q (the row convention), not W_qᵀ; chapter 02's W_q @ q was the column convention.",
            desc=desc)),
        ("axis-0", lambda X, a, b, c: _qkv(X, a, b, c, axis=0),
         tr("{desc}: softmax ran down the columns (axis=0); each token's row of weights must sum to 1 (axis=-1).",
            desc=desc)),
        ("no-softmax", lambda X, a, b, c: (X @ a) @ (X @ b).T / np.sqrt(d_k) @ (X @ c),
         tr("{desc}: the scores were used as weights without softmax.", desc=desc)),
    ]


@register("5.2", "self_attention_qkv")
def check_self_attention_qkv(self_attention_qkv):
    cases = [(X_SQUARE, W_SQUARE, tr("X, W_q, W_k, W_v (random, all 4 × 4)")),
             (embed(S2), hand_projections(), "X2, W_q, W_k, W_v"),
             (X_WIDE, W_WIDE, tr("X ({n} × {d}), W_q and W_k ({d} × {d_k}), W_v ({d} × {d_v})", n=N, d=D_MODEL,
                                 d_k=D_K, d_v=D_V))]
    for X, (wq, wk, wv), label in cases:
        n, d = X.shape
        d_k, d_v = wk.shape[1], wv.shape[1]
        desc = f"self_attention_qkv({label})"
        try:
            result = call(self_attention_qkv, X, wq, wk, wv, desc=desc)
        except Mistake as mistake:
            if mistake.id == "raised" and "mismatch" in mistake.message:
                raise Mistake("raised", tr("{message} — shapes: X is (n, d_model) = {x}, W_q and W_k are (d_model, d_k) = "
                                           "{w}: in the row convention each W multiplies from the right, X @ W_q.",
                                           message=mistake.message, x=X.shape, w=wk.shape)) from None
            raise
        out, weights = as_pair(result, desc, _names())  # the kind of answer first; its shapes below
        expected_out, expected_w = ref.self_attention_qkv(X, wq, wk, wv)
        if not (close(out, expected_out) and close(weights, expected_w)):
            diagnose(out, (X, wq, wk, wv), _qkv_mistakes(desc, n, d, d_k, d_v))
        out, weights = as_pair(result, desc, _names(), shapes=((n, d_v), (n, n)))
        if close(out, expected_out) and close(weights, expected_w):
            continue
        check_weights(desc, out, weights, expected_out, expected_w)
    return tr("Q = X W_q, K = X W_k, V = X W_v, then softmax(Q Kᵀ / √d_k) V, scaled by the keys' width d_k.")


# --- 5.3 ---------------------------------------------------------------------------------------

TOKENS = ["a", "b", "c", "d", "e"]
# Row "c": its own weight is the largest, and the right answer ("e") lies past it. Row "b": its own weight
# is not the largest. In row "c" the right answer, the word itself, the smallest weight, the column's
# largest and the argmax of the row with its own entry deleted (np.delete, then that index used in tokens:
# "d") are five different tokens; the second-largest of the row shows in row "b". So every mistake
# gives its own answer.
WEIGHTS = np.array([[0.40, 0.30, 0.10, 0.15, 0.05],
                    [0.30, 0.20, 0.25, 0.15, 0.10],
                    [0.05, 0.15, 0.40, 0.12, 0.28],
                    [0.05, 0.10, 0.10, 0.60, 0.15],
                    [0.10, 0.35, 0.15, 0.15, 0.25]])


def _as_token(value, desc, tokens):
    """The answer as one of ``tokens`` (a string), or a Mistake that says what came back instead."""
    if value is None:
        raise Mistake("returned-none", tr("{desc} returned None: did you forget `return`?", desc=desc))
    if isinstance(value, (bool, np.bool_)):
        raise Mistake("wrong-type", tr("{desc} returned {value}; return the token itself, a string such as "
                                       "tokens[j].", desc=desc, value=value))
    if isinstance(value, (int, np.integer)):
        raise Mistake("returned-index", tr("{desc} returned the index {got}; return the token itself, tokens[{got}].",
                                           desc=desc, got=int(value)))
    if isinstance(value, (float, np.floating)):
        raise Mistake("returned-weight", tr("{desc} returned the number {got}: a weight, not a word. Return the token "
                                            "whose weight is largest.", desc=desc, got=fmt(value)))
    if isinstance(value, np.ndarray) and value.ndim == 0 and isinstance(value.item(), str):
        value = value.item()
    if not isinstance(value, str):
        raise Mistake("wrong-type", tr("{desc} should return one token (a string), not {kind} {value}.", desc=desc,
                                       kind=type(value).__name__, value=short_repr(value, 40)))
    if value not in tokens:
        raise Mistake("not-a-token", tr("{desc} returned {got!r}, which is not one of the tokens {tokens}; compute the "
                                        "answer from the arguments tokens, weights and word.", desc=desc, got=value,
                                        tokens=" / ".join(tokens)))
    return value


def _index_shift_message(desc, word):
    return tr("{desc}: after deleting the entry of {word!r} itself from its row, the indices past it shift by one, "
              "so an index into the shortened row is one too small for the words after {word!r} (you got the token "
              "just before the right one). Shift the index back, or keep the row whole and leave the word out "
              "another way.", desc=desc, word=word)


def _made_up_case(most_attended_word, word):
    desc = f"most_attended_word(['a', 'b', 'c', 'd', 'e'], w, {word!r})"
    got = _as_token(call(most_attended_word, list(TOKENS), WEIGHTS, word, desc=desc), desc, TOKENS)
    expected = ref.most_attended_word(TOKENS, WEIGHTS, word)
    if got == expected:
        return
    i = TOKENS.index(word)
    row, column = WEIGHTS[i], WEIGHTS[:, i]
    others = np.arange(len(TOKENS)) != i
    named = [
        ("included-itself", TOKENS[int(np.argmax(row))],
         tr("{desc} returned {word!r} itself: we want the *context* word it attends to most, so leave its own "
            "position out before taking the largest weight.", desc=desc, word=word)),
        ("second-largest", TOKENS[int(np.argsort(row)[-2])],
         tr("{desc} returned the second-largest weight of the row, as if the word's own weight were always the "
            "largest; here it is not ({own} in row {word!r}). Leave the word's own position out, then take the "
            "largest.", desc=desc, own=fmt(row[i]), word=word)),
        ("index-shift", TOKENS[int(np.argmax(np.delete(row, i)))], _index_shift_message(desc, word)),
        ("argmin", TOKENS[int(np.argmin(np.where(others, row, np.inf)))],
         tr("{desc} returned the word with the *smallest* weight in the row; the most attended word has the "
            "largest (argmax).", desc=desc)),
        ("read-column", TOKENS[int(np.argmax(np.where(others, column, -np.inf)))],
         tr("{desc}: you read the column of {word!r} (who attends to {word!r}); read its row (whom {word!r} attends "
            "to), weights[i] with i the word's position.", desc=desc, word=word)),
    ]
    for mistake_id, answer, message in named:
        if got == answer != expected:
            raise Mistake(mistake_id, message)
    raise Mistake(tr("{desc} returned {got!r}, which does not have the largest weight in {word!r}'s row once "
                     "{word!r} itself is left out.", desc=desc, got=got, word=word))


@register("5.3", "most_attended_word")
def check_most_attended_word(most_attended_word):
    _made_up_case(most_attended_word, "c")  # its own weight is the largest of its row
    _made_up_case(most_attended_word, "b")  # its own weight is not
    _, weights = ref.self_attention_qkv(embed(S2), *hand_projections())
    desc = "most_attended_word(S2, weights, '苹果')"
    got = _as_token(call(most_attended_word, list(S2), weights, "苹果", desc=desc), desc, S2)
    expected = ref.most_attended_word(S2, weights, "苹果")
    if got == "苹果":
        raise Mistake("included-itself", tr("{desc} returned 苹果 itself: we want the *context* word it attends to "
                                            "most, so leave its own position out.", desc=desc))
    i = S2.index("苹果")
    if got != expected and got == S2[int(np.argmax(np.delete(weights[i], i)))]:
        raise Mistake("index-shift", _index_shift_message(desc, "苹果"))
    if got != expected:
        raise Mistake(tr("{desc} returned {got!r}, which does not have the largest weight in 苹果's row (苹果 itself "
                         "left out).", desc=desc, got=got))
    return tr("the largest weight in the word's row, its own position left out: right on a made-up matrix and on S2.")
