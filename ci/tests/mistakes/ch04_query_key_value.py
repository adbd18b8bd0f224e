"""Right answers and typical mistakes for the checks of chapter 04 (Query, key, value).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id,
fragment of its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax
sdpa = ref.scaled_dot_product_attention

def _attn(Q, K, V, mask=None, scale="d_k", axis=-1, after=False, invert=False, ignore=False, renorm=False,
          blocked=-np.inf):
    divisor = {"d_k": np.sqrt(Q.shape[1]), "none": 1.0, "n": np.sqrt(Q.shape[0]), "m": np.sqrt(K.shape[0]),
               "d_v": np.sqrt(V.shape[1]), "d_k, no root": Q.shape[1]}[scale]
    s = Q @ K.T / divisor
    if mask is not None and not (after or ignore or renorm):
        s = np.where(~mask if invert else mask, s, blocked)
    w = sm(s, axis=axis)
    if mask is not None and (after or renorm):
        w = w * mask
        if renorm:
            w = w / w.sum(-1, keepdims=True)
    return w @ V, w


def _attend(q, K, V, divisor):
    return sm(K @ q / divisor) @ V


RIGHT = {
    "4.1": ref.attend,
    "4.2": ref.scaled_dot_product_attention,
    "4.3": ref.attention_columns,
}

MISTAKES = {
    "4.1": [
        (lambda q, K, V: _attend(q, K, V, 1.0), "unscaled", "not divided by √d_k"),
        (lambda q, K, V: _attend(q, K, V, len(q)), "divided-by-d_k", "square root"),
        (lambda q, K, V: _attend(q, K, V, np.sqrt(len(K))), "sqrt-m", "number of keys"),
        (lambda q, K, V: _attend(q, K, V, np.sqrt(V.shape[1])), "sqrt-d_v", "the width of the values"),
        (lambda q, K, V: sm(K @ q / np.sqrt(len(q))) @ K, "sum-of-keys", "weighted sum of the *keys*"),
        (lambda q, K, V: (K @ q / np.sqrt(len(q))) @ V, "no-softmax", "without softmax"),
        (lambda q, K, V: sm(K @ q / np.sqrt(len(q))), "returned-weights", "those are the weights"),
        (lambda q, K, V: np.exp(K @ q / np.sqrt(len(q))) @ V, "unnormalised", "not normalised"),
        (lambda q, K, V: (sm(K @ q / np.sqrt(len(q))) @ V, None), "returned-tuple", "returned a tuple"),
    ],
    "4.2": [
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale="none"), "unscaled", "not divided by √d_k"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale="d_k, no root"), "divided-by-d_k", "square root"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale="n"), "sqrt-n", "number of queries"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale="m"), "sqrt-m", "number of keys"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale="d_v"), "sqrt-d_v", "the width of the values"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, axis=0), "axis-0", "down the columns"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, after=True), "mask-after-softmax", "after the softmax"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, blocked=0.0), "masked-to-zero", "exp(0) = 1"),
        (lambda Q, K, V, mask=None: (lambda w: (w @ V, w))(sm(Q @ K.T / np.sqrt(Q.shape[1])
                                                                * (1 if mask is None else mask))),
         "masked-to-zero", "exp(0) = 1"),  # scores * mask
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, ignore=True), "mask-ignored", "the mask was ignored"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, invert=True), "mask-inverted", "inverted"),
        (lambda Q, K, V, mask=None: (lambda o, w: (o, w.T))(*_attn(Q, K, V, mask)), "weights-transposed",
         "transposed"),
        (lambda Q, K, V, mask=None: (lambda o, w: (w, o))(*_attn(Q, K, V, mask)), "swapped-pair",
         "returned (weights, output)"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask)[0], "not-a-pair", "should return a pair"),
        (lambda Q, K, V, mask=None: _attn(Q, K, K, mask), "sum-of-keys", "weighted sum of the keys"),
    ],
    "4.3": [
        (lambda Qc, Kc, Vc: sdpa(Qc.T, Kc.T, Vc.T)[0], "row-form", "the row form"),
        (lambda Qc, Kc, Vc: Vc @ sm(Kc.T @ Qc / np.sqrt(len(Qc)), axis=-1), "axis-rows", "each *column*"),
        (lambda Qc, Kc, Vc: Vc @ sm(Kc.T @ Qc, axis=0), "unscaled", "not divided by √d_k"),
        (lambda Qc, Kc, Vc: Vc @ sm(Kc.T @ Qc / np.sqrt(Qc.shape[1]), axis=0), "sqrt-n", "number of queries"),
        (lambda Qc, Kc, Vc: Kc @ sm(Kc.T @ Qc / np.sqrt(len(Qc)), axis=0), "sum-of-keys", "weighted sum of the keys"),
    ],
}
