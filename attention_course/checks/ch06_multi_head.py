"""Checks for chapter 06: multi-head attention — splitting into heads, and the whole layer."""
import numpy as np

from .. import reference as ref
from ..data import S2, embed, two_head_projections
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(6)
X8 = _RNG.normal(size=(5, 8))  # n = 5 tokens, d_model = 8: 2 or 4 heads
W8 = tuple(_RNG.normal(size=(8, 8)) * 0.6 for _ in range(4))


@register("6.1", "split_heads")
def check_split_heads(split_heads):
    X = np.arange(24.0).reshape(3, 8)  # token t, column c holds 8 t + c: every entry says where it came from
    for h in (2, 4):
        d_k = 8 // h
        desc = f"split_heads(X (3×8), {h})"
        got = call(split_heads, X, h, desc=desc)
        if got is None:
            raise Mistake(f"{desc} returned None: did you forget `return`?")
        got = np.asarray(got, dtype=float)
        expected = ref.split_heads(X, h)
        if got.shape == (3, h, d_k) and close(got, X.reshape(3, h, d_k)):
            raise Mistake(f"{desc} has shape (n, h, d_k) = {got.shape}: after the reshape, move the head axis "
                          "to the front with .transpose(1, 0, 2), to get (h, n, d_k).")
        if got.shape == (h, d_k, 3) and close(got, expected.transpose(0, 2, 1)):
            raise Mistake(f"{desc}: each head came out as (d_k, n), tokens as columns; use .transpose(1, 0, 2) "
                          "to get (h, n, d_k).")
        if got.shape != expected.shape:
            raise Mistake(f"{desc} should have shape (h, n, d_k) = {expected.shape}; yours has {got.shape}.")
        if close(got, expected):
            continue
        diagnose(got, (X,), [
            (lambda X: X.reshape(h, 3, d_k),
             f"{desc}: a plain reshape to (h, n, d_k) cuts the *rows* apart, so a head gets pieces of different "
             "tokens (head 0 got X[0, :4] and X[0, 4:] as two 'tokens'). Reshape to (n, h, d_k) first, then transpose."),
            (lambda X: X.reshape(3, d_k, h).transpose(2, 0, 1),
             f"{desc}: head i got the columns i, i + h, i + 2h, … (every h-th column); it should get the block "
             f"i*d_k:(i+1)*d_k. Reshape to (n, h, d_k), not (n, d_k, h)."),
            (lambda X: X.reshape(3, h, d_k).transpose(1, 0, 2)[::-1],
             f"{desc}: the heads are in reverse order; head 0 takes the first d_k columns."),
        ])
        raise Mistake(f"{desc}: head 0 should be X[:, 0:{d_k}] = {fmt(expected[0])}; yours is {fmt(got[0])}.")
    desc = "split_heads(X (3×8), 3)"
    try:
        got = split_heads(X.copy(), 3)
    except NotImplementedError:
        raise
    except ValueError:
        pass
    except Exception as e:
        raise Mistake(f"{desc} raised {type(e).__name__}: {e}. 3 heads do not divide d_model = 8: raise a "
                      "ValueError that says so (and compute d_k with integer division, d_model // n_heads).") from None
    else:
        raise Mistake(f"{desc} returned an array of shape {np.shape(got)}, but 3 heads cannot share 8 columns "
                      "equally: raise ValueError('n_heads does not divide d_model').")
    return "(n, d_model) → reshape (n, h, d_k) → transpose to (h, n, d_k); a head count that does not divide is refused."


def _mha_mistakes(desc, d_model, h):
    d_k = d_model // h
    sdpa = ref.scaled_dot_product_attention

    def parts(X, Wq, Wk, Wv, split):
        return split(X @ Wq), split(X @ Wk), split(X @ Wv)

    def good_split(M):
        return M.reshape(len(M), h, d_k).transpose(1, 0, 2)

    def concat(heads):
        return heads.transpose(1, 0, 2).reshape(heads.shape[1], d_model)

    def mha(X, Wq, Wk, Wv, Wo, m, split=good_split, join=concat, scale=None, out=True, wo=lambda W: W):
        Q, K, V = parts(X, Wq, Wk, Wv, split)
        if scale is not None:
            Q = Q * np.sqrt(d_k) / np.sqrt(scale)
        heads, _ = sdpa(Q, K, V, mask=m)
        c = join(heads)
        return c @ wo(Wo) if out else c

    def after_softmax(X, Wq, Wk, Wv, Wo, m):
        Q, K, V = parts(X, Wq, Wk, Wv, good_split)
        weights = ref.softmax(Q @ K.transpose(0, 2, 1) / np.sqrt(d_k)) * m
        return concat(weights @ V) @ Wo

    return [
        (lambda *a: mha(*a, out=False),
         f"{desc}: the heads were concatenated but not projected; the layer ends with Concat(head₁…head_h) W_o."),
        (lambda *a: mha(*a, scale=d_model),
         f"{desc}: the scores were divided by √d_model = √{d_model}; each head divides by its own √d_k = √{d_k}."),
        (lambda *a: mha(*a, split=lambda M: M.reshape(h, len(M), d_k)),
         f"{desc}: Q, K and V were split with a plain reshape to (h, n, d_k), which mixes tokens; reshape to "
         "(n, h, d_k) and transpose to (h, n, d_k)."),
        (lambda *a: mha(*a, join=lambda H: H.reshape(H.shape[1], d_model)),
         f"{desc}: the heads were joined with a plain reshape of (h, n, d_k) to (n, d_model), which mixes tokens; "
         "transpose back to (n, h, d_k) first, then reshape."),
        (lambda *a: mha(*a, join=lambda H: concat(H[::-1])),
         f"{desc}: the heads were concatenated in reverse order; head 1 fills the first d_k columns."),
        (lambda *a: mha(*a, wo=lambda W: W.T),
         f"{desc}: W_o was transposed; in the row convention the output is concat @ W_o."),
        (lambda X, Wq, Wk, Wv, Wo, m: None if m is None else after_softmax(X, Wq, Wk, Wv, Wo, m),
         f"{desc}: the mask was applied after the softmax (weights zeroed, so rows no longer sum to 1); set the "
         "masked scores to -inf *before* the softmax."),
        (lambda X, Wq, Wk, Wv, Wo, m: mha(X, Wq, Wk, Wv, Wo, None),
         f"{desc}: the mask was ignored; pass it to every head's attention (False → -inf before the softmax)."),
        (lambda X, Wq, Wk, Wv, Wo, m: ref.scaled_dot_product_attention(X @ Wq, X @ Wk, X @ Wv, mask=m)[0] @ Wo,
         f"{desc}: that is one head of size d_model; split Q, K and V into {h} heads of d_k = {d_k} columns."),
    ]


@register("6.2", "multi_head_attention")
def check_multi_head_attention(multi_head_attention):
    X2 = embed(S2)
    cases = [(X2, two_head_projections(), 2, None, "X2, *two_head_projections(), 2"),
             (X8, W8, 2, None, "X (5×8), W_q, W_k, W_v, W_o, 2"),
             (X8, W8, 4, None, "X (5×8), W_q, W_k, W_v, W_o, 4"),
             (X8, W8, 4, ref.causal_mask(5), "X (5×8), W_q, W_k, W_v, W_o, 4, mask=causal_mask(5)")]
    for X, Ws, h, mask, label in cases:
        n, d_model = X.shape
        desc = f"multi_head_attention({label})"
        result = call(multi_head_attention, X, *Ws, h, mask, desc=desc)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise Mistake(f"{desc} should return a pair (output, weights); yours returned {type(result).__name__}.")
        out = as_array(result[0], desc + "[0] (the output)", shape=(n, d_model))
        weights = as_array(result[1], desc + "[1] (the weights)")
        expected_out, expected_w = ref.multi_head_attention(X, *Ws, h, mask=mask)
        if weights.shape == (n, n) and close(weights, expected_w.mean(axis=0)):
            raise Mistake(f"{desc}: the weights were averaged over the heads; return every head's, shape (h, n, n) "
                          f"= {expected_w.shape}.")
        if weights.shape != expected_w.shape:
            raise Mistake(f"{desc}[1] (the weights) should have shape (h, n, n) = {expected_w.shape}; "
                          f"yours has {weights.shape}.")
        if close(out, expected_out) and close(weights, expected_w):
            continue
        diagnose(out, (X, *Ws, mask), _mha_mistakes(desc, d_model, h))
        if close(out, expected_out):
            raise Mistake(f"{desc}: the output is right but the weights are not; return each head's softmax "
                          "weights, stacked to (h, n, n).")
        raise Mistake(f"{desc}: expected output {fmt(expected_out)}, got {fmt(out)}.")
    # one head is single-head attention followed by W_o
    W_q, W_k, W_v, W_o = W8
    desc = "multi_head_attention(X (5×8), W_q, W_k, W_v, W_o, 1)"
    result = call(multi_head_attention, X8, *W8, 1, None, desc=desc)
    single, _ = ref.scaled_dot_product_attention(X8 @ W_q, X8 @ W_k, X8 @ W_v)
    if not close(np.asarray(result[0], dtype=float), single @ W_o):
        raise Mistake(f"{desc} should equal single-head attention followed by W_o; it does not.")
    return "split into heads, attend in each (scaled by √d_k), concatenate, project with W_o; h = 1 is one head + W_o."
