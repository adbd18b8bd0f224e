"""Right answers and typical mistakes for the checks of chapter 06 (Multi-head attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
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


def _mha(X, Wq, Wk, Wv, Wo, h, mask=None, split="right", join="right", scale="d_k", wo=True, reverse=False,
         ignore_mask=False, mean_weights=False):
    n, d = X.shape
    Q, K, V = (_split(X @ W, h, split) for W in (Wq, Wk, Wv))
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d // h if scale == "d_k" else d)
    if mask is not None and not ignore_mask:
        s = np.where(mask, s, -np.inf)
    w = sm(s)
    heads = w @ V
    if reverse:
        heads = heads[::-1]
    concat = heads.reshape(n, d) if join == "plain" else heads.transpose(1, 0, 2).reshape(n, d)
    return (concat @ Wo if wo else concat), (w.mean(axis=0) if mean_weights else w)


def _mha_after(X, Wq, Wk, Wv, Wo, h, mask=None):
    n, d = X.shape
    Q, K, V = (_split(X @ W, h) for W in (Wq, Wk, Wv))
    w = sm(Q @ np.swapaxes(K, -1, -2) / np.sqrt(d // h))
    if mask is not None:
        w = w * mask
    return (w @ V).transpose(1, 0, 2).reshape(n, d) @ Wo, w


def _no_divide_check(X, h):
    n, d = X.shape
    return X.reshape(n, h, -1).transpose(1, 0, 2) if d % h == 0 else np.zeros((h, n, d // h))


RIGHT = {
    "6.1": ref.split_heads,
    "6.2": ref.multi_head_attention,
}

MISTAKES = {
    "6.1": [
        (lambda X, h: _split(X, h, "plain"), "plain reshape"),
        (lambda X, h: _split(X, h, "strided"), "every h-th column"),
        (lambda X, h: X.reshape(len(X), h, -1), "move the head axis"),
        (lambda X, h: _split(X, h)[::-1], "reverse order"),
        (lambda X, h: _split(X, h).transpose(0, 2, 1), "tokens as columns"),
        (_no_divide_check, "cannot share 8 columns"),
        (lambda X, h: X.reshape(len(X), h, X.shape[1] / h).transpose(1, 0, 2), "raised TypeError"),
    ],
    "6.2": [
        (lambda *a: _mha(*a, wo=False), "not projected"),
        (lambda *a: _mha(*a, scale="d_model"), "√d_model"),
        (lambda *a: _mha(*a, split="plain"), "split with a plain reshape"),
        (lambda *a: _mha(*a, join="plain"), "joined with a plain reshape"),
        (lambda *a: _mha(*a, reverse=True), "reverse order"),
        (lambda X, Wq, Wk, Wv, Wo, h, mask=None: _mha(X, Wq, Wk, Wv, Wo.T, h, mask), "W_o was transposed"),
        (lambda *a: _mha(*a, ignore_mask=True), "mask was ignored"),
        (lambda X, Wq, Wk, Wv, Wo, h, mask=None: _mha_after(X, Wq, Wk, Wv, Wo, h, mask), "after the softmax"),
        (lambda *a: _mha(*a, mean_weights=True), "averaged over the heads"),
        (lambda X, Wq, Wk, Wv, Wo, h, mask=None: (lambda o, w: (o @ Wo, np.stack([w] * h)))(
            *sdpa(X @ Wq, X @ Wk, X @ Wv, mask)), "one head of size d_model"),
        (lambda *a: _mha(*a)[0], "should return a pair"),
    ],
}
