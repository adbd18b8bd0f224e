"""Right answers and typical mistakes for the checks of chapter 06 (Multi-head attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax
sdpa = ref.scaled_dot_product_attention


def _split(M, h, how="right"):
    n, d = M.shape
    if how == "plain":
        return M.reshape(h, n, d // h)
    if how == "strided":
        return M.reshape(n, d // h, h).transpose(2, 0, 1)
    return M.reshape(n, h, d // h).transpose(1, 0, 2)


def _split_checked(X, h, how="right", message="n_heads does not divide d_model"):
    if X.shape[1] % h:
        raise ValueError(message)
    return _split(X, h, how)


def _mha(X, Wq, Wk, Wv, Wo, h, mask=None, split="right", join="right", scale="d_k", wo=True, reverse=False,
         ignore_mask=False, invert_mask=False, axis=-1):
    n, d = X.shape
    Q, K, V = (_split(X @ W, h, split) for W in (Wq, Wk, Wv))
    divisor = {"d_k": np.sqrt(d // h), "d_model": np.sqrt(d), "n": np.sqrt(n), "h": np.sqrt(h), "none": 1.0,
               "d_k, no root": d // h}[scale]
    s = Q @ np.swapaxes(K, -1, -2) / divisor
    if mask is not None and not ignore_mask:
        s = np.where(~mask if invert_mask else mask, s, -np.inf)
    w = sm(s, axis=axis)
    heads = w @ V
    if reverse:
        heads = heads[::-1]
    concat = heads.reshape(n, d) if join == "plain" else heads.transpose(1, 0, 2).reshape(n, d)
    return (concat @ Wo if wo == "right" or wo is True else concat @ Wo.T if wo == "T" else concat), w


def _sdpa_2d(Q, K, V, mask=None):
    """Chapter 04's attention written for one (n, d_k) matrix: K.T reverses every axis of a stack of heads."""
    s = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    w = sm(s)
    return w @ V, w


def _mha_with_2d_attention(X, Wq, Wk, Wv, Wo, h, mask=None):
    n, d = X.shape
    heads, w = _sdpa_2d(*(_split(X @ W, h) for W in (Wq, Wk, Wv)), mask)
    return heads.transpose(1, 0, 2).reshape(n, d) @ Wo, w


def _mha_after(X, Wq, Wk, Wv, Wo, h, mask=None):
    n, d = X.shape
    Q, K, V = (_split(X @ W, h) for W in (Wq, Wk, Wv))
    w = sm(Q @ np.swapaxes(K, -1, -2) / np.sqrt(d // h))
    if mask is not None:
        w = w * mask
    return (w @ V).transpose(1, 0, 2).reshape(n, d) @ Wo, w


def _with_weights(fix):
    """The right output, with the weights changed by ``fix``."""
    return lambda X, Wq, Wk, Wv, Wo, h, mask=None: (lambda o, w: (o, fix(w)))(*_mha(X, Wq, Wk, Wv, Wo, h, mask))


RIGHT = {
    "6.1": ref.split_heads,
    "6.2": ref.multi_head_attention,
}

MISTAKES = {
    "6.1": [
        (lambda X, h: _split_checked(X, h, "plain"), "plain-reshape", "plain reshape"),
        (lambda X, h: _split_checked(X, h, "strided"), "strided", "every h-th column"),
        (lambda X, h: X.reshape(len(X), h, -1), "no-transpose", "move the head"),
        (lambda X, h: _split_checked(X, h)[::-1], "reversed-heads", "reverse order"),
        (lambda X, h: _split_checked(X, h).transpose(0, 2, 1), "tokens-as-columns", "tokens as columns"),
        (lambda X, h: X.reshape(len(X), h, X.shape[1] // h).transpose(1, 0, 2), "numpy-error", "NumPy's own"),
        (lambda X, h: X.reshape(h, -1, 2) if X.shape[1] % h else _split(X, h), "no-refusal", "cannot share 8 columns"),
        (lambda X, h: _split(X, h) if X.shape[1] % h == 0 else {}[h], "wrong-exception", "raised KeyError"),
        (lambda X, h: X.reshape(len(X), h, X.shape[1] / h).transpose(1, 0, 2), "float-division", "integer division"),
        (lambda X, h: X, "wrong-shape", "should have shape (h, n, d_k)"),
        (lambda X, h: _split_checked(X, h, message=""), "vague-error", "without a message"),
        (lambda X, h: _split_checked(X, h, message="bad input"), "vague-error", "does not say what is wrong"),
    ],
    "6.2": [
        (lambda *a: _mha(*a, wo=False), "no-w_o", "not projected"),
        (lambda *a: _mha(*a, wo="T"), "w_o-transposed", "W_o was transposed"),
        (lambda *a: _mha(*a, scale="none"), "unscaled", "not divided by √d_k"),
        (lambda *a: _mha(*a, scale="d_k, no root"), "divided-by-d_k", "its square root"),
        (lambda *a: _mha(*a, scale="d_model"), "sqrt-d_model", "d_model, the width of X"),
        (lambda *a: _mha(*a, scale="n"), "sqrt-n", "number of tokens"),
        (lambda *a: _mha(*a, scale="h"), "sqrt-h", "number of heads"),
        (lambda *a: _mha(*a, split="plain"), "plain-split", "split with a plain reshape"),
        (lambda *a: _mha(*a, split="strided"), "strided-split", "every h-th column"),
        (lambda *a: _mha(*a, join="plain"), "plain-join", "joined with a plain reshape"),
        (lambda *a: _mha(*a, split="plain", join="plain"), "plain-split-and-join", "the two reshapes undo each other"),
        (_mha_with_2d_attention, "transpose-3d", "K.T reverses *all* axes"),
        (lambda *a: _mha(*a, reverse=True), "reversed-heads", "reverse order"),
        (lambda *a: _mha(*a, axis=0), "axis-heads", "across the heads"),
        (lambda *a: _mha(*a, axis=-2), "axis-columns", "down the columns"),
        (lambda *a: _mha(*a, ignore_mask=True), "mask-ignored", "mask was ignored"),
        (lambda *a: _mha(*a, invert_mask=True), "mask-inverted", "inverted"),
        (lambda X, Wq, Wk, Wv, Wo, h, mask=None: _mha_after(X, Wq, Wk, Wv, Wo, h, mask), "mask-after-softmax",
         "after the softmax"),
        (lambda X, Wq, Wk, Wv, Wo, h, mask=None: (lambda o, w: (o @ Wo, np.stack([w] * h)))(
            *sdpa(X @ Wq, X @ Wk, X @ Wv, mask)), "one-head", "one head of width d_model"),
        (_with_weights(lambda w: w.mean(axis=0)), "averaged-weights", "averaged over the heads"),
        (_with_weights(lambda w: w.transpose(1, 0, 2)), "weights-axes", "head axis first"),
        (_with_weights(lambda w: w.transpose(0, 2, 1)), "weights-transposed", "transposed"),
        (_with_weights(lambda w: np.ones_like(w) / w.shape[-1]), "weights-not-used", "the weights are not"),
        (lambda *a: _mha(*a)[::-1], "swapped-pair", "returned (weights, output)"),
        (lambda *a: _mha(*a)[0], "not-a-pair", "should return a pair"),
    ],
}
