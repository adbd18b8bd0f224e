"""Checks for chapter 06: multi-head attention — splitting into heads, and the whole layer.

6.1 splits a 3 × 8 matrix whose entries say where they came from (token t, column c holds 8 t + c)
into h = 2 heads (d_k = 4) and h = 4 heads (d_k = 2): n, h and d_k all differ, so a transpose or a
reshape in the wrong order cannot pass by a coincidence of shapes; h = 3 must be refused.
6.2 runs on S2 with the two hand-made heads, then on random data with n = 5 tokens, d_model = 8 and
h = 2 (d_k = 4) or h = 4 (d_k = 2), with and without a causal mask: n ≠ d_model ≠ d_k ≠ h, so
√d_model, √n or a head-count slip cannot pass for the per-head √d_k.
"""
import re

import numpy as np

from .. import reference as ref
from ..data import S2, embed, two_head_projections
from ..i18n import tr
from .core import (Mistake, as_array, as_pair, call, close, diagnose, expect_raises, fmt, register, scaling_mistakes,
                   short_repr)

_RNG = np.random.default_rng(6)
X8 = _RNG.normal(size=(5, 8))  # n = 5 tokens, d_model = 8: 2 or 4 heads
W8 = tuple(_RNG.normal(size=(8, 8)) * 0.6 for _ in range(4))


# --- 6.1 ---------------------------------------------------------------------------------------

def _call_split(split_heads, X, h, desc):
    try:
        return call(split_heads, X, h, desc=desc)
    except Mistake as mistake:
        if mistake.id == "raised" and "TypeError" in mistake.message and "integer" in mistake.message:
            raise Mistake("float-division", tr("{desc} raised a TypeError: reshape needs whole numbers, and d_model / "
                                               "n_heads is a float ({d_model} / {h} = {value}). Use integer division, "
                                               "d_model // n_heads.", desc=desc, d_model=X.shape[1], h=h,
                                               value=X.shape[1] / h)) from None
        raise


@register("6.1", "split_heads")
def check_split_heads(split_heads):
    X = np.arange(24.0).reshape(3, 8)  # token t, column c holds 8 t + c: every entry says where it came from
    n = len(X)
    for h in (2, 4):
        d_k = 8 // h
        desc = f"split_heads(X (3×8), {h})"
        got = as_array(_call_split(split_heads, X, h, desc), desc)
        expected = ref.split_heads(X, h)
        if close(got, expected):
            continue
        if got.shape == (n, h, d_k) and close(got, X.reshape(n, h, d_k)):
            raise Mistake("no-transpose", tr("{desc} has shape (n, h, d_k) = {shape}: after the reshape, move the head "
                                             "axis to the front (a transpose of the first two axes) to get (h, n, d_k).",
                                             desc=desc, shape=got.shape))
        if got.shape == (h, d_k, n) and close(got, expected.transpose(0, 2, 1)):
            raise Mistake("tokens-as-columns", tr("{desc}: each head came out as (d_k, n), tokens as columns; each head "
                                                  "must be (n, d_k), one row per token.", desc=desc))
        diagnose(got, (X,), [
            ("plain-reshape", lambda X: X.reshape(h, n, d_k),
             tr("{desc}: a plain reshape to (h, n, d_k) cuts the array in memory order, so a head gets pieces of "
                "different tokens (head 1's first 'token' is X[0, :{d_k}], its second X[0, {d_k}:{two_d_k}]). Cut each "
                "token's row into heads first, shape (n, h, d_k), then move the head axis to the front.",
                desc=desc, d_k=d_k, two_d_k=2 * d_k)),
            ("strided", lambda X: X.reshape(n, d_k, h).transpose(2, 0, 1),
             tr("{desc}: head i got the columns i, i + h, i + 2h, … (every h-th column); it should get the block of "
                "d_k neighbouring columns i·d_k … (i+1)·d_k − 1. Reshape to (n, h, d_k), not (n, d_k, h).",
                desc=desc)),
            ("reversed-heads", lambda X: X.reshape(n, h, d_k).transpose(1, 0, 2)[::-1],
             tr("{desc}: the heads are in reverse order; head 1 takes the first d_k columns.", desc=desc)),
        ])
        if got.shape != expected.shape:
            raise Mistake("wrong-shape", tr("{desc} should have shape (h, n, d_k) = {expected}; yours has {shape}.",
                                            desc=desc, expected=expected.shape, shape=got.shape))
        raise Mistake(tr("{desc}: head 1 should hold the first {d_k} columns of X; yours holds {got}.", desc=desc,
                         d_k=d_k, got=fmt(got[0])))
    desc = "split_heads(X (3×8), 3)"
    outcome = expect_raises(split_heads, X, 3, exception=ValueError)
    if outcome.kind == "returned":
        raise Mistake("no-refusal", tr("{desc} returned {kind} of shape {shape}, but 3 heads cannot share 8 columns "
                                       "equally: check that n_heads divides d_model and raise a ValueError if it does "
                                       "not.", desc=desc, kind=type(outcome.value).__name__,
                                       shape=_shape(outcome.value)))
    if outcome.kind == "other":
        raise Mistake("wrong-exception", tr("{desc} raised {error}: {text}. 3 heads do not divide d_model = 8: check "
                                            "that first and raise a ValueError that says so.", desc=desc,
                                            error=type(outcome.value).__name__, text=short_repr(str(outcome.value), 80)))
    if "cannot reshape" in str(outcome.value):
        raise Mistake("numpy-error", tr("{desc} raised NumPy's own ValueError ({text}), which does not tell the user "
                                        "what is wrong. Check d_model % n_heads first and raise a ValueError that says "
                                        "n_heads does not divide d_model.", desc=desc,
                                        text=short_repr(str(outcome.value), 60)))
    text = str(outcome.value).strip()
    if not text:
        raise Mistake("vague-error", tr("{desc} raised a ValueError without a message, so the user cannot tell what is "
                                        "wrong. Say it in the message: the number of heads (3) does not divide "
                                        "d_model (8).", desc=desc))
    if not _says_what_is_wrong(text):
        raise Mistake("vague-error", tr("{desc} raised ValueError({text}), which does not say what is wrong. Say it in "
                                        "the message: the number of heads (3) does not divide d_model (8).",
                                        desc=desc, text=short_repr(text, 60)))
    return tr("(n, d_model) → reshape (n, h, d_k) → transpose to (h, n, d_k); a head count that does not divide is "
              "refused.")


def _says_what_is_wrong(text):
    """Does a refusal's message name the problem: the heads, the division, d_model, or both numbers 3 and 8?"""
    lower = text.lower()
    # the Chinese for "head" (tou) and "divides" (zhengchu, chujin) as escapes: they are matched, never shown,
    # so the widget font (the characters the package displays) need not hold them
    chinese = ("\u5934", "\u6574\u9664", "\u9664\u5c3d")
    if any(word in lower for word in ("head", "divi", "d_model", "multiple", *chinese)):
        return True
    return bool(re.search(r"(?<!\d)3(?!\d)", text) and re.search(r"(?<!\d)8(?!\d)", text))


def _shape(value):
    try:
        return np.shape(value)
    except Exception:
        return "?"


# --- 6.2 ---------------------------------------------------------------------------------------

def _mha(X, Wq, Wk, Wv, Wo, h, mask=None, split="right", join="right", divisor=None, wo="right", axis=-1,
         mask_how="before", reverse=False):
    """Multi-head attention and its typical variants, for recognising mistakes."""
    n, d_model = X.shape
    d_k = d_model // h

    def to_heads(M):
        if split == "plain":
            return M.reshape(h, n, d_k)
        if split == "strided":
            return M.reshape(n, d_k, h).transpose(2, 0, 1)
        return M.reshape(n, h, d_k).transpose(1, 0, 2)

    Q, K, V = to_heads(X @ Wq), to_heads(X @ Wk), to_heads(X @ Wv)
    scores = Q @ K.transpose(0, 2, 1) / (np.sqrt(d_k) if divisor is None else divisor)
    if mask is not None and mask_how in ("before", "inverted"):
        scores = np.where(mask if mask_how == "before" else ~mask, scores, -np.inf)
    weights = ref.softmax(scores, axis=axis)
    if mask is not None and mask_how == "after":
        weights = weights * mask
    heads = weights @ V
    if reverse:
        heads = heads[::-1]
    concat = heads.reshape(n, d_model) if join == "plain" else heads.transpose(1, 0, 2).reshape(n, d_model)
    return {"right": concat @ Wo, "transposed": concat @ Wo.T, "none": concat}[wo]


def _mha_mistakes(desc, n, d_model, h, mask):
    d_k = d_model // h

    def variant(**kw):
        return lambda X, Wq, Wk, Wv, Wo, m: _mha(X, Wq, Wk, Wv, Wo, h, m, **kw)

    scaling = scaling_mistakes(desc, d_k, d_model=d_model, tokens=n, h=h)
    mistakes = [(i, variant(divisor=s), m) for i, s, m in scaling if not np.isclose(s, np.sqrt(d_k))]
    mistakes += [
        ("no-w_o", variant(wo="none"),
         tr("{desc}: the heads were concatenated but not projected; the layer ends with Concat(head₁…head_h) W_o.",
            desc=desc)),
        ("w_o-transposed", variant(wo="transposed"),
         tr("{desc}: W_o was transposed; in the row convention the output is concat @ W_o.", desc=desc)),
        ("plain-split", variant(split="plain"),
         tr("{desc}: Q, K and V were split with a plain reshape to (h, n, d_k), which mixes tokens; reshape to "
            "(n, h, d_k) and transpose to (h, n, d_k).", desc=desc)),
        ("strided-split", variant(split="strided"),
         tr("{desc}: head i got every h-th column of Q, K and V; it should get the block of columns i·d_k … "
            "(i+1)·d_k − 1. Reshape to (n, h, d_k), not (n, d_k, h).", desc=desc)),
        ("plain-split-and-join", variant(split="plain", join="plain"),
         tr("{desc}: Q, K and V were split with a plain reshape to (h, n, d_k) and the heads joined with a plain "
            "reshape back to (n, d_model); the two reshapes undo each other, but in between each 'head' held pieces "
            "of different tokens. Split with reshape (n, h, d_k) and a transpose, and transpose back before the "
            "join.", desc=desc)),
        ("plain-join", variant(join="plain"),
         tr("{desc}: the heads were joined with a plain reshape of (h, n, d_k) to (n, d_model), which mixes tokens; "
            "transpose back to (n, h, d_k) first, then reshape.", desc=desc)),
        ("reversed-heads", variant(reverse=True),
         tr("{desc}: the heads were concatenated in reverse order; head 1 fills the first d_k columns.", desc=desc)),
        ("axis-heads", variant(axis=0),
         tr("{desc}: softmax ran across the heads (axis=0); in every head, each token's row of weights must sum to "
            "1 (axis=-1).", desc=desc)),
        ("axis-columns", variant(axis=-2),
         tr("{desc}: softmax ran down the columns (axis=-2); in every head, each token's row of weights must sum to "
            "1 (axis=-1).", desc=desc)),
        ("one-head", lambda X, Wq, Wk, Wv, Wo, m: ref.scaled_dot_product_attention(X @ Wq, X @ Wk, X @ Wv, mask=m)[0] @ Wo,
         tr("{desc}: that is one head of width d_model; split Q, K and V into {h} heads of d_k = {d_k} columns.",
            desc=desc, h=h, d_k=d_k)),
    ]
    if mask is not None:
        mistakes += [
            ("mask-after-softmax", variant(mask_how="after"),
             tr("{desc}: the mask was applied after the softmax (weights zeroed, so rows no longer sum to 1); set the "
                "masked scores to -inf *before* the softmax.", desc=desc)),
            ("mask-ignored", variant(mask_how="ignored"),
             tr("{desc}: the mask was ignored; pass it to every head's attention (False → -inf before the softmax).",
                desc=desc)),
            ("mask-inverted", variant(mask_how="inverted"),
             tr("{desc}: the mask is inverted: True means 'may attend'; block the positions where it is False.",
                desc=desc)),
        ]
    return mistakes


def _call_mha(multi_head_attention, X, Ws, h, mask, desc):
    """Call the student's function; a matmul error on (h, n, d_k) heads gets a hint about K.T on a 3-D array."""
    n, d_model = X.shape
    try:
        return call(multi_head_attention, X, *Ws, h, mask, desc=desc)
    except Mistake as mistake:
        # Q (h, n, d_k) @ K.T, where K.T is (d_k, n, h), or Q @ K untransposed: the core sizes n and d_k clash
        if mistake.id == "raised" and "mismatch" in mistake.message and \
                f"size {n} is different from {d_model // h}" in mistake.message:
            raise Mistake("transpose-3d", tr("{message} — the keys of all heads, K of shape (h, n, d_k), need their "
                                             "last two axes swapped for Q Kᵀ, and K.T reverses *all* axes of a 3-D "
                                             "array (giving (d_k, n, h)): use np.swapaxes(K, -1, -2), or "
                                             "K.transpose(0, 2, 1). A chapter 04 attention written with K.T does "
                                             "not work on heads; the course's scaled_dot_product_attention does.",
                                             message=mistake.message)) from None
        raise


def _mha_case(multi_head_attention, X, Ws, h, mask, label):
    n, d_model = X.shape
    desc = f"multi_head_attention({label})"
    result = _call_mha(multi_head_attention, X, Ws, h, mask, desc)
    out, weights = as_pair(result, desc, (tr("output"), tr("weights")))  # the kind of answer first; shapes below
    expected_out, expected_w = ref.multi_head_attention(X, *Ws, h, mask=mask)
    if not close(out, expected_out):
        diagnose(out, (X, *Ws, mask), _mha_mistakes(desc, n, d_model, h, mask))
    if weights.shape == (n, n) and close(weights, expected_w.mean(axis=0)):
        raise Mistake("averaged-weights", tr("{desc}: the weights were averaged over the heads; return every head's, "
                                             "shape (h, n, n) = {shape}.", desc=desc, shape=expected_w.shape))
    if weights.shape == (n, h, n) and close(weights, expected_w.transpose(1, 0, 2)):
        raise Mistake("weights-axes", tr("{desc}: the weights have shape (n, h, n) = {shape}; put the head axis first, "
                                         "(h, n, n) = {expected}.", desc=desc, shape=weights.shape,
                                         expected=expected_w.shape))
    out, weights = as_pair(result, desc, (tr("output"), tr("weights")), shapes=((n, d_model), expected_w.shape))
    if close(out, expected_out) and close(weights, expected_w):
        return
    if close(out, expected_out):
        if close(weights, expected_w.transpose(0, 2, 1)):
            raise Mistake("weights-transposed", tr("{desc}: the output is right but every head's weights are "
                                                   "transposed: row i holds how much token i attends to each token.",
                                                   desc=desc))
        raise Mistake("weights-not-used", tr("{desc}: the output is right but the weights are not; return each head's "
                                             "softmax weights, stacked to (h, n, n).", desc=desc))
    raise Mistake(tr("{desc}: the output {got} differs from the expected {expected}.", desc=desc, got=fmt(out),
                     expected=fmt(expected_out)))


@register("6.2", "multi_head_attention")
def check_multi_head_attention(multi_head_attention):
    # each label shows the call as it is made: seven arguments, the mask (or None) passed by position
    cases = [(embed(S2), two_head_projections(), 2, None, "X2, *two_head_projections(), 2, None"),
             (X8, W8, 2, None, "X (5×8), W_q, W_k, W_v, W_o, 2, None"),
             (X8, W8, 4, None, "X (5×8), W_q, W_k, W_v, W_o, 4, None"),
             (X8, W8, 4, ref.causal_mask(5), "X (5×8), W_q, W_k, W_v, W_o, 4, causal_mask(5)")]
    for X, Ws, h, mask, label in cases:
        _mha_case(multi_head_attention, X, Ws, h, mask, label)
    # one head is single-head attention followed by W_o
    W_q, W_k, W_v, W_o = W8
    desc = "multi_head_attention(X (5×8), W_q, W_k, W_v, W_o, 1, None)"
    out, _ = as_pair(_call_mha(multi_head_attention, X8, W8, 1, None, desc), desc, (tr("output"), tr("weights")),
                     shapes=((5, 8), (1, 5, 5)))
    single, _ = ref.scaled_dot_product_attention(X8 @ W_q, X8 @ W_k, X8 @ W_v)
    if not close(out, single @ W_o):
        raise Mistake("one-head-differs", tr("{desc} should equal single-head attention followed by W_o; it does not.",
                                             desc=desc))
    return tr("split into heads, attend in each (scaled by √d_k), concatenate, project with W_o; h = 1 is one head "
              "+ W_o.")
