"""Checks for chapter 04: query, key, value — one query, many queries, and the column convention.

Every test case has all its sizes different (n queries = 3, m keys = 4, d_k = 5, d_v = 2), so that
scaling by the wrong size (√n, √m, √d_v), a transpose or keys used as values cannot pass by a
coincidence of shapes.
"""
import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, as_pair, call, check_weights, close, diagnose, fmt, register, scaling_mistakes

_RNG = np.random.default_rng(4)
N, M, D_K, D_V = 3, 4, 5, 2
Q = _RNG.normal(size=(N, D_K)) * 2
K = _RNG.normal(size=(M, D_K)) * 2
V = _RNG.normal(size=(M, D_V))
MASK = np.array([[True, True, False, False], [True, True, True, False], [False, True, True, True]])


def _softmax(x, axis=-1):
    return ref.softmax(x, axis=axis)


def _scaling_mistakes(desc):
    """(id, divisor, message) for every wrong way to scale the scores, given the sizes of the test case."""
    return scaling_mistakes(desc, D_K, n=N, m=M, d_v=D_V)


@register("4.1", "attend")
def check_attend(attend):
    for i in range(N):
        q = Q[i]
        desc = tr("attend(q, K, V) with q = Q[{i}]", i=i)
        result = call(attend, q, K, V, desc=desc)
        if isinstance(result, tuple):
            raise Mistake("returned-tuple", tr("{desc} returned a tuple; return only the output vector (the weighted "
                                               "sum of the values).", desc=desc))
        got = as_array(result, desc)
        if got.shape == (D_K,) and close(got, ref.attend(q, K, K)):
            raise Mistake("sum-of-keys", tr("{desc} is a weighted sum of the *keys* (shape {shape}); keys decide the "
                                            "weights, the values are what is averaged (shape ({d_v},)).",
                                            desc=desc, shape=got.shape, d_v=D_V))
        if got.shape == (M,):
            raise Mistake("returned-weights", tr("{desc} has shape {shape}, one number per key: those are the "
                                                 "weights. Return their weighted sum of the values, shape ({d_v},).",
                                                 desc=desc, shape=got.shape, d_v=D_V))
        if got.shape != (D_V,):
            raise Mistake("wrong-shape", tr("{desc} should have shape ({d_v},) like one value vector; yours has "
                                            "{shape}.", desc=desc, d_v=D_V, shape=got.shape))
        expected = ref.attend(q, K, V)
        if close(got, expected):
            continue
        diagnose(got, (q, K, V), [
            *((mistake_id, lambda q, K, V, s=s: _softmax(K @ q / s) @ V, message)
              for mistake_id, s, message in scaling_mistakes(desc, D_K, m=M, d_v=D_V)),
            ("no-softmax", lambda q, K, V: (K @ q / np.sqrt(D_K)) @ V,
             tr("{desc}: the scores were used as weights without softmax.", desc=desc)),
            ("unnormalised", lambda q, K, V: np.exp(K @ q / np.sqrt(D_K)) @ V,
             tr("{desc}: the exponentials were not normalised (divide them by their sum, as softmax does).",
                desc=desc)),
        ])
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("softmax(K q / √d_k) V: one output vector, a weighted average of the values.")


def _sdpa_mistakes(desc):
    def scores(Q, K, mask, s=np.sqrt(D_K), invert=False):
        raw = Q @ K.T / s
        if mask is None:
            return raw
        return np.where(~mask if invert else mask, raw, -np.inf)

    return [
        *((mistake_id, lambda Q, K, V, m, s=s: _softmax(scores(Q, K, m, s)) @ V, message)
          for mistake_id, s, message in _scaling_mistakes(desc)),
        ("axis-0", lambda Q, K, V, m: _softmax(scores(Q, K, m), axis=0) @ V,
         tr("{desc}: softmax ran down the columns (axis=0); each query's row of weights must sum to 1 (axis=-1).",
            desc=desc)),
        ("mask-after-softmax", lambda Q, K, V, m: (_softmax(Q @ K.T / np.sqrt(D_K)) * (1 if m is None else m)) @ V,
         tr("{desc}: the mask was applied after the softmax (the weights were zeroed, so rows no longer sum to 1). "
            "Set masked scores to -inf *before* the softmax.", desc=desc)),
        ("masked-to-zero", lambda Q, K, V, m: _softmax(Q @ K.T / np.sqrt(D_K) * (1 if m is None else m)) @ V,
         tr("{desc}: the masked scores were set to 0, but exp(0) = 1, so the masked keys still get weight. A blocked "
            "score must become -inf before the softmax: exp(-inf) = 0.", desc=desc)),
        ("mask-ignored", lambda Q, K, V, m: _softmax(Q @ K.T / np.sqrt(D_K)) @ V,
         tr("{desc}: the mask was ignored; where mask is False, the score must become -inf before the softmax.",
            desc=desc)),
        ("mask-inverted", lambda Q, K, V, m: _softmax(scores(Q, K, m, invert=True)) @ V,
         tr("{desc}: the mask is inverted: True means 'may attend'; block the positions where it is False.",
            desc=desc)),
        ("no-softmax", lambda Q, K, V, m: np.where(m if m is not None else True, Q @ K.T / np.sqrt(D_K), 0) @ V,
         tr("{desc}: the scores were used as weights without softmax.", desc=desc)),
    ]


@register("4.2", "scaled_dot_product_attention")
def check_sdpa(scaled_dot_product_attention):
    for mask in (None, MASK):
        desc = "scaled_dot_product_attention(Q, K, V)" if mask is None else \
            "scaled_dot_product_attention(Q, K, V, mask)"
        args = (Q, K, V) if mask is None else (Q, K, V, MASK)
        result = call(scaled_dot_product_attention, *args, desc=desc)
        expected_out, expected_w = ref.scaled_dot_product_attention(Q, K, V, mask=mask)
        out, weights = as_pair(result, desc, (tr("output"), tr("weights")))  # the kind of answer; shapes below
        if weights.shape == (M, N):
            raise Mistake("weights-transposed", tr("{desc}: the weights have shape ({m}, {n}), transposed: one row "
                                                   "per query ({n}), one column per key ({m}), i.e. shape (n, m) = "
                                                   "({n}, {m}).", desc=desc, n=N, m=M))
        if out.shape == (N, D_K):
            keys_out = ref.scaled_dot_product_attention(Q, K, K, mask=mask)[0]
            if close(out, keys_out):
                raise Mistake("sum-of-keys", tr("{desc}: the output is a weighted sum of the keys (shape (n, d_k) = "
                                                "({n}, {d_k})); it must be a weighted sum of the values V, shape "
                                                "(n, d_v) = ({n}, {d_v}).", desc=desc, n=N, d_k=D_K, d_v=D_V))
        out, weights = as_pair(result, desc, (tr("output"), tr("weights")), shapes=((N, D_V), (N, M)))
        if close(out, expected_out) and close(weights, expected_w):
            continue
        diagnose(out, (Q, K, V, mask), _sdpa_mistakes(desc))
        check_weights(desc, out, weights, expected_out, expected_w)
    return tr("(output, weights) with weights softmax(Q Kᵀ / √d_k) row by row, the mask applied before the softmax.")


@register("4.3", "attention_columns")
def check_attention_columns(attention_columns):
    Qc, Kc, Vc = Q.T, K.T, V.T
    desc = "attention_columns(Qc, Kc, Vc)"
    got = as_array(call(attention_columns, Qc, Kc, Vc, desc=desc), desc)
    expected = ref.attention_columns(Qc, Kc, Vc)
    if got.shape == expected.T.shape and close(got, expected.T):
        raise Mistake("row-form", tr("{desc} has shape {shape}, the row form: in the column convention each token is "
                                     "a column, so the output is (d_v, n) = {expected}. Transpose, or compute Vc A'.",
                                     desc=desc, shape=got.shape, expected=expected.shape))
    if got.shape == (D_K, N) and close(got, Kc @ ref.softmax(Kc.T @ Qc / np.sqrt(D_K), axis=0)):
        raise Mistake("sum-of-keys", tr("{desc} is a weighted sum of the keys, shape (d_k, n) = {shape}; use the "
                                        "values Vc, shape (d_v, m), to get (d_v, n) = {expected}.", desc=desc,
                                        shape=got.shape, expected=expected.shape))
    if got.shape != expected.shape:
        raise Mistake("wrong-shape", tr("{desc} should have shape (d_v, n) = {expected}; yours has {shape}.",
                                        desc=desc, expected=expected.shape, shape=got.shape))
    if close(got, expected):
        return tr("the column form Vc · softmax(Kcᵀ Qc / √d_k, down each column) is the row form transposed.")
    diagnose(got, (Qc, Kc, Vc), [
        ("axis-rows", lambda Qc, Kc, Vc: Vc @ _softmax(Kc.T @ Qc / np.sqrt(D_K), axis=-1),
         tr("{desc} gave {got}: softmax went along the rows; here each *column* (one query) must sum to 1: axis=0.",
            desc=desc, got=fmt(got))),
        *((mistake_id, lambda Qc, Kc, Vc, s=s: Vc @ _softmax(Kc.T @ Qc / s, axis=0), message)
          for mistake_id, s, message in _scaling_mistakes(desc)),
    ])
    raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
