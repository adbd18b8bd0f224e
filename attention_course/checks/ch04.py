"""Checks for chapter 04: query, key, value — one query, many queries, and the column convention."""
import numpy as np

from .. import reference as ref
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(4)
# d_k = 3 and d_v = 2 differ, so keys returned instead of values give themselves away by shape
Q = _RNG.normal(size=(3, 3)) * 2
K = _RNG.normal(size=(4, 3)) * 2
V = _RNG.normal(size=(4, 2))
KV = _RNG.normal(size=(4, 3))  # values with d_v = d_k, to recognise "keys instead of values"
MASK = np.array([[True, True, False, False], [True, True, True, False], [False, True, True, True]])


def _softmax(x, axis=-1):
    return ref.softmax(x, axis=axis)


@register("4.1", "attend")
def check_attend(attend):
    for q, keys, values, label, d_v in [(Q[0], K, V, "q, K, V", 2), (Q[1], K, KV, "q, K, V2", 3)]:
        desc = f"attend({label})"
        result = call(attend, q, keys, values, desc=desc)
        if isinstance(result, tuple):
            raise Mistake(f"{desc} returned a tuple; return only the output vector (the weighted sum of values).")
        got = as_array(result, desc)
        if got.shape == (q.shape[0],) and q.shape[0] != d_v and close(got, ref.attend(q, keys, keys)):
            raise Mistake(f"{desc} is a weighted sum of the *keys* (shape {got.shape}); keys decide the weights, "
                          f"the values are what is averaged (shape ({d_v},)).")
        if got.shape == (keys.shape[0],):
            raise Mistake(f"{desc} has shape {got.shape}, one number per key: those are the weights. "
                          f"Return their weighted sum of the values, shape ({d_v},).")
        if got.shape != (d_v,):
            raise Mistake(f"{desc} should have shape ({d_v},) like one value vector; yours has {got.shape}.")
        expected = ref.attend(q, keys, values)
        if close(got, expected):
            continue
        d = q.shape[0]
        diagnose(got, (q, keys, values), [
            (lambda q, K, V: _softmax(K @ q) @ V,
             f"{desc} gave {fmt(got)}: the scores were not divided by √d_k (here √{d})."),
            (lambda q, K, V: _softmax(K @ q / d) @ V,
             f"{desc} gave {fmt(got)}: you divided by d_k; divide by its square root, √d_k."),
            (lambda q, K, V: _softmax(K @ q / np.sqrt(d)) @ K,
             f"{desc} gave {fmt(got)}: that is a weighted sum of the *keys*; keys decide the weights, "
             "the values are what is averaged."),
            (lambda q, K, V: (K @ q / np.sqrt(d)) @ V,
             f"{desc} gave {fmt(got)}: the scores were used as weights without softmax."),
            (lambda q, K, V: np.exp(K @ q / np.sqrt(d)) @ V,
             f"{desc} gave {fmt(got)}: the exponentials were not normalised (divide by their sum)."),
        ])
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")
    return "softmax(K q / √d_k) V: one output vector, a weighted average of the values."


def _sdpa_mistakes(desc, d):
    def masked(scores, mask):
        return scores if mask is None else np.where(mask, scores, -np.inf)

    return [
        (lambda Q, K, V, m: _softmax(masked(Q @ K.T, m)) @ V,
         f"{desc}: the scores were not divided by √d_k (here √{d})."),
        (lambda Q, K, V, m: _softmax(masked(Q @ K.T / d, m)) @ V,
         f"{desc}: you divided by d_k; divide by √d_k."),
        (lambda Q, K, V, m: _softmax(masked(Q @ K.T / np.sqrt(d), m), axis=0) @ V,
         f"{desc}: softmax ran down the columns (axis=0); each query's row of weights must sum to 1 (axis=-1)."),
        (lambda Q, K, V, m: (_softmax(Q @ K.T / np.sqrt(d)) * (1 if m is None else m)) @ V,
         f"{desc}: the mask was applied after the softmax (the weights were zeroed, so rows no longer sum to 1). "
         "Set masked scores to -inf *before* the softmax."),
        (lambda Q, K, V, m: _softmax(Q @ K.T / np.sqrt(d)) @ V,
         f"{desc}: the mask was ignored; where mask is False, the score must become -inf before the softmax."),
        (lambda Q, K, V, m: _softmax(masked(Q @ K.T / np.sqrt(d), None if m is None else ~m)) @ V,
         f"{desc}: the mask is inverted: True means 'may attend'; block the positions where it is False."),
    ]


@register("4.2", "scaled_dot_product_attention")
def check_sdpa(scaled_dot_product_attention):
    d = Q.shape[1]
    for mask, label in [(None, "Q, K, V"), (MASK, "Q, K, V, mask")]:
        desc = f"scaled_dot_product_attention({label})"
        result = call(scaled_dot_product_attention, Q, K, V, *(() if mask is None else (mask,)), desc=desc)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise Mistake(f"{desc} should return a pair (output, weights); yours returned {type(result).__name__}.")
        out, weights = (np.asarray(a, dtype=float) for a in result)
        if out.shape == (3, 4) and weights.shape == (3, 2):
            raise Mistake(f"{desc} returned (weights, output); return (output, weights).")
        if weights.shape == (4, 3):
            raise Mistake(f"{desc}: the weights have shape (4, 3), transposed: one row per query (3), "
                          "one column per key (4), i.e. shape (n, m) = (3, 4).")
        out = as_array(out, desc + "[0] (the output)", shape=(3, 2))
        weights = as_array(weights, desc + "[1] (the weights)", shape=(3, 4))
        expected_out, expected_w = ref.scaled_dot_product_attention(Q, K, V, mask=mask)
        if close(out, expected_out) and close(weights, expected_w):
            continue
        diagnose(out, (Q, K, V, mask), _sdpa_mistakes(desc, d))
        if not close(weights.sum(axis=-1), 1.0):
            raise Mistake(f"{desc}: each row of the weights should sum to 1; yours sum to {fmt(weights.sum(axis=-1))}.")
        if close(out, expected_out):
            raise Mistake(f"{desc}: the output is right but the weights returned are not the ones used; "
                          "return the softmax weights (after masking).")
        raise Mistake(f"{desc}: the output {fmt(out)} differs from the expected {fmt(expected_out)}.")
    desc = "scaled_dot_product_attention(Q, K, K)"
    out, _ = call(scaled_dot_product_attention, Q, K, KV, desc=desc)
    if close(out, ref.scaled_dot_product_attention(Q, K, K)[0]) and not close(out, ref.scaled_dot_product_attention(Q, K, KV)[0]):
        raise Mistake("the output is a weighted sum of the keys; it must be a weighted sum of the values V.")
    return "(output, weights) with weights softmax(Q Kᵀ / √d_k) row by row, the mask applied before the softmax."


@register("4.3", "attention_columns")
def check_attention_columns(attention_columns):
    Qc, Kc, Vc = Q.T, K.T, V.T
    desc = "attention_columns(Qc, Kc, Vc)"
    got = as_array(call(attention_columns, Qc, Kc, Vc, desc=desc), desc)
    expected = ref.attention_columns(Qc, Kc, Vc)
    if got.shape == expected.T.shape and close(got, expected.T):
        raise Mistake(f"{desc} has shape {got.shape}, the row form: in the column convention each token is a "
                      f"column, so the output is (d_v, n) = {expected.shape}. Transpose, or compute Vc @ A'.")
    if got.shape != expected.shape:
        raise Mistake(f"{desc} should have shape (d_v, n) = {expected.shape}; yours has {got.shape}.")
    if close(got, expected):
        return "the column form Vc · softmax(Kcᵀ Qc / √d_k, down each column) is the row form transposed."
    d = Qc.shape[0]
    diagnose(got, (Qc, Kc, Vc), [
        (lambda Qc, Kc, Vc: Vc @ _softmax(Kc.T @ Qc / np.sqrt(d), axis=-1),
         f"{desc} gave {fmt(got)}: softmax went along the rows; here each *column* (one query) must sum to 1: axis=0."),
        (lambda Qc, Kc, Vc: Vc @ _softmax(Kc.T @ Qc, axis=0),
         f"{desc} gave {fmt(got)}: the scores were not divided by √d_k."),
        (lambda Qc, Kc, Vc: Kc @ _softmax(Kc.T @ Qc / np.sqrt(d), axis=0),
         f"{desc} gave {fmt(got)}: a weighted sum of the keys; use the values Vc."),
    ])
    raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")
