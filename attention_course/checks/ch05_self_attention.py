"""Checks for chapter 05: self-attention on the two 苹果 sentences."""
import numpy as np

from .. import reference as ref
from ..data import S1, S2, embed, hand_projections
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(5)
X_RANDOM = _RNG.normal(size=(5, 4)) * 1.5


def _pair(result, desc, n, d):
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Mistake(f"{desc} should return a pair (output, weights); yours returned {type(result).__name__}.")
    out, weights = (np.asarray(a, dtype=float) for a in result)
    if out.shape == (n, n) and weights.shape == (n, d) and n != d:
        raise Mistake(f"{desc} returned (weights, output); return (output, weights).")
    return as_array(out, desc + "[0] (the output)", shape=(n, d)), as_array(weights, desc + "[1] (the weights)", shape=(n, n))


@register("5.1", "self_attention")
def check_self_attention(self_attention):
    for X, label in [(embed(S1), "X1"), (X_RANDOM, "X")]:
        n, d = X.shape
        desc = f"self_attention({label})"
        out, weights = _pair(call(self_attention, X, desc=desc), desc, n, d)
        expected_out, expected_w = ref.self_attention(X)
        if close(out, expected_out) and close(weights, expected_w):
            continue
        sm = ref.softmax
        diagnose(out, (X,), [
            (lambda X: sm(X @ X.T) @ X, f"{desc}: the scores X Xᵀ were not divided by √d (here √{d})."),
            (lambda X: sm(X @ X.T / np.sqrt(d), axis=0) @ X,
             f"{desc}: softmax ran down the columns; each token's row of weights must sum to 1 (axis=-1)."),
            (lambda X: (X @ X.T / np.sqrt(d)) @ X, f"{desc}: the scores were used without softmax."),
            (lambda X: X, f"{desc}: the output is X itself; it should be the weights times X."),
        ])
        if close(out, expected_out) and close(weights, expected_w.T):
            raise Mistake(f"{desc}: the weights are transposed: row i holds how much token i attends to each token.")
        raise Mistake(f"{desc}: expected output {fmt(expected_out)}, got {fmt(out)}.")
    return "softmax(X Xᵀ / √d) X, with one row of weights per token."


@register("5.2", "self_attention_qkv")
def check_self_attention_qkv(self_attention_qkv):
    W_q, W_k, W_v = hand_projections()
    rng = np.random.default_rng(52)
    cases = [(embed(S2), (W_q, W_k, W_v), "X2, W_q, W_k, W_v"),
             (X_RANDOM, tuple(rng.normal(size=(4, 4)) for _ in range(3)), "X, W_q, W_k, W_v (random)")]
    for X, (wq, wk, wv), label in cases:
        n, d = X.shape
        desc = f"self_attention_qkv({label})"
        out, weights = _pair(call(self_attention_qkv, X, wq, wk, wv, desc=desc), desc, n, d)
        expected_out, expected_w = ref.self_attention_qkv(X, wq, wk, wv)
        if close(out, expected_out) and close(weights, expected_w):
            continue
        sdpa = ref.scaled_dot_product_attention
        diagnose(out, (X, wq, wk, wv), [
            (lambda X, a, b, c: sdpa(X @ a, X @ a, X @ a)[0],
             f"{desc}: one matrix (W_q) was used for queries, keys and values; use W_q, W_k and W_v."),
            (lambda X, a, b, c: sdpa(X @ a, X @ b, X)[0],
             f"{desc}: the values are X itself; project them too: V = X @ W_v."),
            (lambda X, a, b, c: sdpa(X @ a.T, X @ b.T, X @ c.T)[0],
             f"{desc}: the weight matrices are transposed: in the row convention Q = X @ W_q (not W_qᵀ)."),
            (lambda X, a, b, c: sdpa(X @ b, X @ a, X @ c)[0],
             f"{desc}: W_q and W_k are swapped: the queries are X @ W_q, the keys X @ W_k."),
            (lambda X, a, b, c: (lambda Q, K, V: ref.softmax(Q @ K.T) @ V)(X @ a, X @ b, X @ c),
             f"{desc}: the scores were not divided by √d_k."),
            (lambda X, a, b, c: sdpa(X @ a, X @ b, X @ b)[0],
             f"{desc}: the values were projected with W_k; use W_v."),
        ])
        raise Mistake(f"{desc}: expected output {fmt(expected_out)}, got {fmt(out)}.")
    return "Q = X W_q, K = X W_k, V = X W_v, then softmax(Q Kᵀ / √d_k) V."


@register("5.3", "most_attended_word")
def check_most_attended_word(most_attended_word):
    # A made-up case first, where row and column, largest and smallest all point at different tokens.
    toks = ["a", "b", "c", "d"]
    w = np.array([[0.1, 0.1, 0.7, 0.1], [0.4, 0.3, 0.2, 0.1], [0.1, 0.5, 0.2, 0.2], [0.2, 0.1, 0.1, 0.6]])
    desc = "most_attended_word(['a', 'b', 'c', 'd'], w, 'b')"
    got = call(most_attended_word, toks, w, "b", desc=desc)
    if isinstance(got, (int, np.integer)):
        raise Mistake(f"{desc} returned the index {got}; return the token itself, e.g. tokens[{got}].")
    wrong = {"b": "returned 'b' itself; we want the *context* word it attends to most, so leave its own weight out.",
             "c": "returned 'c': you read b's column (who attends to b); read its row (whom b attends to): weights[i].",
             "d": "returned 'd', the word with the *smallest* weight in b's row; use argmax."}
    if got in wrong:
        raise Mistake(f"{desc} {wrong[got]}")
    if got != "a":
        raise Mistake(f"{desc} returned {got!r}; row 'b' is [0.4, 0.3, 0.2, 0.1], so the answer is 'a'. "
                      "Use the arguments tokens, weights and word.")
    _, weights = ref.self_attention_qkv(embed(S2), *hand_projections())
    desc = "most_attended_word(S2, weights, '苹果')"
    got = call(most_attended_word, S2, weights, "苹果", desc=desc)
    expected = ref.most_attended_word(S2, weights, "苹果")
    if got != expected:
        raise Mistake(f"{desc} returned {got!r}; 苹果's row of weights is largest (after itself) at {expected}.")
    return f"in S2, 苹果 attends most (after itself) to {expected}."
