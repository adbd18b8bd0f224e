"""Every check: the right answer passes, a stub is 'not attempted', and each typical mistake
fails with its own message. Also the protocol: never raise for the answer, unknown ids do."""
import numpy as np
import pytest

from attention_course import learning
from attention_course import reference as ref
from attention_course.checks import REGISTRY, check, exercise_ids
from attention_course.checks.core import FAILED, NOT_ATTEMPTED, PASSED


def stub(*args):
    raise NotImplementedError()


RIGHT = {
    "0.1": lambda incomes: sum(incomes) / len(incomes),
    "1.1": ref.crisp_average,
    "1.2": ref.gaussian_weights,
    "1.3": ref.attention_pool,
    "2.1": ref.dot_scores,
    "2.2": ref.cosine_scores,
    "2.3": ref.additive_scores,
    "3.1": ref.softmax,
    "3.2": ref.softmax_with_temperature,
    "3.3": ref.temperature_for_51_49,
    "4.1": ref.attend,
    "4.2": ref.scaled_dot_product_attention,
    "4.3": ref.attention_columns,
    "5.1": ref.self_attention,
    "5.2": ref.self_attention_qkv,
    "5.3": ref.most_attended_word,
    "6.1": ref.split_heads,
    "6.2": ref.multi_head_attention,
    "7.1": ref.sinusoidal_positions,
    "7.2": ref.causal_mask,
    "7.3": ref.graph_mask,
    "8.1": ref.softmax_backward,
    "8.2": learning.train_step,
    "9.1": ref.cross_attention,
    "9.2": ref.attention_pooling,
    "10.1": ref.fit_exponent,
    "10.2": ref.local_mask,
}

sm = ref.softmax
sdpa = ref.scaled_dot_product_attention


def _attn(Q, K, V, mask=None, scale=True, axis=-1, after=False, invert=False, ignore=False, renorm=False):
    s = Q @ K.T / (np.sqrt(Q.shape[1]) if scale else 1)
    if mask is not None and not (after or ignore or renorm):
        s = np.where(~mask if invert else mask, s, -np.inf)
    w = sm(s, axis=axis)
    if mask is not None and (after or renorm):
        w = w * mask
        if renorm:
            w = w / w.sum(-1, keepdims=True)
    return w @ V, w


def _naive_softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _no_keepdims(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)


def _wrong_axis(x, axis=-1):
    return ref.softmax(x, axis=0)


def _ignores_axis(x, axis=-1):
    return ref.softmax(x, axis=-1)


def _global_max(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _d2(q, k):
    return (q - np.asarray(k, dtype=float)) ** 2


def _naive_gauss(q, k, s):
    e = np.exp(-_d2(q, k) / (2 * s**2))
    return e / e.sum()


def _exclusive_but_raises(a, inc, lo, hi):
    inside = (a > lo) & (a < hi)
    if not inside.any():
        raise ValueError("nobody")
    return inc[inside].mean()


def _inclusive(a, inc, lo, hi, use_ages=False, how=np.mean):
    inside = (a >= lo) & (a <= hi)
    if not inside.any():
        raise ValueError("nobody in range")
    return how((a if use_ages else inc)[inside])


def _no_error(a, inc, lo, hi):
    inside = (a >= lo) & (a <= hi)
    return inc[inside].mean() if inside.any() else float("nan")


def _zero_division(a, inc, lo, hi):
    inside = [x for x, y in zip(inc, a) if lo <= y <= hi]
    return sum(inside) / len(inside)


def _uses_globals(a, inc, lo, hi):
    from attention_course.data import load_incomes
    _, ages, incomes = load_incomes()
    return _inclusive(ages, incomes, lo, hi)


MISTAKES = {
    "0.1": [
        (lambda x: float(np.sum(x)), "the sum"),
        (lambda x: float(np.median(x)), "median"),
        (lambda x: np.sum(x) / (len(x) - 1), "len(incomes) - 1"),
        (lambda x: float(np.sum(x) // len(x)), "keep the decimals"),
        (lambda x: 36.875, "not the table defined outside"),
        (lambda x: None, "forget `return`"),
    ],
    "1.1": [
        (_exclusive_but_raises, "The bounds are included"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, use_ages=True), "average *age*"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, how=np.sum), "the sum of their incomes"),
        (lambda a, inc, lo, hi: float(np.mean(inc)), "the average of everybody"),
        (_no_error, "Raise ValueError"),
        (_zero_division, "ZeroDivisionError"),
        (_uses_globals, "use the function's arguments"),
        (lambda a, inc, lo, hi: inc[(a >= lo) & (a <= hi)], "should return one number"),
    ],
    "1.2": [
        (lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)), "divide the exponentials by their sum"),
        (lambda q, k, s: ref.softmax(-_d2(q, k) / s**2), "you left out the 2"),
        (lambda q, k, s: ref.softmax(-_d2(q, k) / (2 * s)), "square σ"),
        (lambda q, k, s: ref.softmax(_d2(q, k) / (2 * s**2)), "needs a minus sign"),
        (lambda q, k, s: ref.softmax(-np.abs(q - k) / (2 * s**2)), "squared difference"),
        (_naive_gauss, "underflows"),
        (lambda q, k, s: ref.gaussian_weights(q, k, s)[:-1], "should have shape"),
    ],
    "1.3": [
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s) @ k, "average the incomes (values)"),
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s), "return one number"),
        (lambda q, k, v, s: np.exp(-(q - k) ** 2 / (2 * s**2)) @ v, "not normalised"),
        (lambda q, k, v, s: float(np.mean(v)), "plain mean"),
        (lambda q, k, v, s: float(np.mean(ref.gaussian_weights(q, k, s) * v)), "take the sum"),
        (lambda q, k, v, s: _naive_gauss(q, k, s) @ v, "stable weights"),
    ],
    "2.1": [
        (lambda q, K: np.sum(q * K, axis=0), "you summed over the keys"),
        (lambda q, K: q * K, "did not sum over the dimensions"),
        (lambda q, K: np.sum(q * K), "a single number"),
        (ref.cosine_scores, "not divided by the lengths"),
        (lambda q, K: ref.softmax(K @ q), "you applied softmax"),
        (lambda q, K: np.abs(K @ q), "no absolute value"),
        (lambda q, K: np.linalg.norm(K, axis=1) * np.linalg.norm(q), "without the cos θ"),
    ],
    "2.2": [
        (ref.dot_scores, "plain dot products"),
        (lambda q, K: K @ q / (np.linalg.norm(K) * np.linalg.norm(q)), "norm of the whole matrix"),
        (lambda q, K: K @ q / np.linalg.norm(K, axis=1), "but not by |q|"),
        (lambda q, K: K @ q / np.linalg.norm(q), "but not by each key's length"),
        (lambda q, K: K @ q / (np.sum(K**2, axis=1) * np.sum(q**2)), "squared lengths"),
    ],
    "2.3": [
        (lambda q, K, Wq, Wk, v: (K @ Wk.T + Wq @ q) @ v, "the tanh is missing"),
        (lambda q, K, Wq, Wk, v: np.tanh((K @ Wk.T + Wq @ q) @ v), "before the product with v"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wq.T + Wk @ q) @ v, "swapped"),
        (lambda q, K, Wq, Wk, v: np.sum(np.tanh(K @ Wk.T + Wq @ q), axis=1), "weight them with v"),
        (lambda q, K, Wq, Wk, v: np.maximum(K @ Wk.T + Wq @ q, 0) @ v, "ReLU"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T + Wq @ q), "should have shape"),
    ],
    "3.1": [
        (_naive_softmax, "Subtract the maximum first"),
        (lambda x, axis=-1: x / x.sum(axis=axis, keepdims=True), "plain division by the sum"),
        (lambda x, axis=-1: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "normalised over the whole array"),
        (_log_softmax, "log-softmax"),
        (_wrong_axis, "wrong axis"),
        (_ignores_axis, "wrong axis"),
        (_no_keepdims, "keepdims"),
        (_global_max, "maximum of the whole array"),
        (lambda x: ref.softmax(x), "takes no `axis` argument"),
    ],
    "3.2": [
        (lambda x, T: ref.softmax(x * T), "you multiplied by T"),
        (lambda x, T: ref.softmax(x) / T, "dividing after the softmax"),
        (lambda x, T: ref.softmax(x + T), "adding T changes nothing"),
        (lambda x, T: ref.softmax(x) ** (1 / T), "not normalised"),
        (lambda x, T: _naive_softmax(x / T), "stable"),
    ],
    "3.3": [
        (lambda: 50, "close, not exact"),
        (lambda: np.log(51 / 49), "that is 2/T"),
        (lambda: 2 * np.log(51 / 49), "2 divided by ln(51/49)"),
        (lambda: 1 / 50, "not 1/50"),
        (lambda: 51 / 49, "the ratio"),
        (lambda: -49.99, "must be positive"),
    ],
    "4.1": [
        (lambda q, K, V: sm(K @ q) @ V, "not divided by √d_k"),
        (lambda q, K, V: sm(K @ q / len(q)) @ V, "square root"),
        (lambda q, K, V: sm(K @ q / np.sqrt(len(q))) @ K, "weighted sum of the *keys*"),
        (lambda q, K, V: (K @ q / np.sqrt(len(q))) @ V, "without softmax"),
        (lambda q, K, V: sm(K @ q / np.sqrt(len(q))), "those are the weights"),
        (lambda q, K, V: np.exp(K @ q / np.sqrt(len(q))) @ V, "not normalised"),
        (lambda q, K, V: (sm(K @ q / np.sqrt(len(q))) @ V, None), "returned a tuple"),
    ],
    "4.2": [
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, scale=False), "not divided by √d_k"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, axis=0), "down the columns"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, after=True), "applied after the softmax"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, ignore=True), "the mask was ignored"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask, invert=True), "inverted"),
        (lambda Q, K, V, mask=None: (lambda o, w: (o, w.T))(*_attn(Q, K, V, mask)), "transposed"),
        (lambda Q, K, V, mask=None: (lambda o, w: (w, o))(*_attn(Q, K, V, mask)), "returned (weights, output)"),
        (lambda Q, K, V, mask=None: _attn(Q, K, V, mask)[0], "should return a pair"),
        (lambda Q, K, V, mask=None: (sm(Q @ K.T / np.sqrt(Q.shape[1])) @ K, sm(Q @ K.T / np.sqrt(Q.shape[1])))
         if K.shape == V.shape else _attn(Q, K, V, mask), "weighted sum of the keys"),
    ],
    "4.3": [
        (lambda Qc, Kc, Vc: sdpa(Qc.T, Kc.T, Vc.T)[0], "the row form"),
        (lambda Qc, Kc, Vc: Vc @ sm(Kc.T @ Qc / np.sqrt(len(Qc)), axis=-1), "each *column*"),
        (lambda Qc, Kc, Vc: Vc @ sm(Kc.T @ Qc, axis=0), "not divided by √d_k"),
        (lambda Qc, Kc, Vc: Kc[:, :] @ sm(Kc.T @ Qc / np.sqrt(len(Qc)), axis=0), "should have shape"),
    ],
    "5.1": [
        (lambda X: (sm(X @ X.T) @ X, sm(X @ X.T)), "not divided by √d"),
        (lambda X: (sm(X @ X.T / np.sqrt(X.shape[1]), axis=0) @ X, sm(X @ X.T / np.sqrt(X.shape[1]), axis=0)),
         "down the columns"),
        (lambda X: ((X @ X.T / np.sqrt(X.shape[1])) @ X, X @ X.T), "without softmax"),
        (lambda X: (X, np.eye(len(X))), "the output is X itself"),
        (lambda X: (lambda o, w: (o, w.T))(*ref.self_attention(X)), "transposed"),
        (lambda X: ref.self_attention(X)[0], "should return a pair"),
    ],
    "5.2": [
        (lambda X, a, b, c: sdpa(X @ a, X @ a, X @ a), "one matrix (W_q)"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X), "the values are X itself"),
        (lambda X, a, b, c: sdpa(X @ a.T, X @ b.T, X @ c.T), "transposed"),
        (lambda X, a, b, c: sdpa(X @ b, X @ a, X @ c), "swapped"),
        (lambda X, a, b, c: (lambda Q, K, V: (sm(Q @ K.T) @ V, sm(Q @ K.T)))(X @ a, X @ b, X @ c), "not divided"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X @ b), "projected with W_k"),
    ],
    "5.3": [
        (lambda t, w, word: int(np.argmax(np.where(np.arange(len(t)) == t.index(word), -1, w[t.index(word)]))),
         "returned the index"),
        (lambda t, w, word: t[int(np.argmax(w[t.index(word)]))], "itself"),
        (lambda t, w, word: t[int(np.argmin(w[t.index(word)]))], "*smallest* weight"),
        (lambda t, w, word: "联系", "Use the arguments"),
        (lambda t, w, word: t[int(np.argmax(np.where(np.arange(len(t)) == t.index(word), -1, w[:, t.index(word)])))],
         "column"),
    ],
}




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


def _pe_wrong(n, d, first=np.sin, second=np.cos, expo=lambda i, d: 2 * i / d, halves=False):
    pos = np.arange(n)[:, None]
    i = np.arange(d // 2)[None, :]
    a = pos / 10000.0 ** expo(i, d)
    if halves:
        return np.concatenate([first(a), second(a)], axis=1)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = first(a), second(a)
    return pe


def _no_divide_check(X, h):
    n, d = X.shape
    return X.reshape(n, h, -1).transpose(1, 0, 2) if d % h == 0 else np.zeros((h, n, d // h))


MISTAKES.update({
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
    "7.1": [
        (lambda n, d: _pe_wrong(n, d, np.cos, np.sin), "swapped"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: i / d), "2i/d"),
        (lambda n, d: _pe_wrong(n, d, halves=True), "interleaves"),
        (lambda n, d: _pe_wrong(n + 1, d)[1:], "counted from 1"),
        (lambda n, d: _pe_wrong(n, d).T, "(d, n)"),
        (lambda n, d: _pe_wrong(n, d, expo=lambda i, d: -2 * i / d), "multiplied by 10000"),
        (lambda n, d: _pe_wrong(n, d, np.sin, np.cos, expo=lambda i, d: 2 * i / d) * 0 + np.sin(np.deg2rad(
            np.arange(n)[:, None] / 10000.0 ** (2 * (np.arange(d) // 2) / d) + (np.arange(d) % 2) * 90)), "degrees"),
    ],
    "7.2": [
        (lambda n: np.triu(np.ones((n, n), dtype=bool)), "upper-triangular"),
        (lambda n: np.tril(np.ones((n, n), dtype=bool), -1), "leaves out the diagonal"),
        (lambda n: ~np.tril(np.ones((n, n), dtype=bool)), "inverted"),
        (lambda n: np.tril(np.ones((n, n))), "dtype float64"),
        (lambda n: np.where(np.tril(np.ones((n, n), dtype=bool)), 0.0, -np.inf), "additive mask"),
        (lambda n: np.ones((n, n), dtype=bool), "all True"),
        (lambda n: np.eye(n, dtype=bool), "only the diagonal"),
    ],
    "7.3": [
        (lambda A: np.asarray(A) != 0, "no self-loops"),
        (lambda A: ~((np.asarray(A) != 0) | np.eye(len(A), dtype=bool)), "inverted"),
        (lambda A: np.ones(np.shape(A), dtype=bool), "every node"),
        (lambda A: np.asarray(A) + np.eye(len(A)), "dtype float64"),
        (lambda A: (lambda B: B | (B.astype(int) @ B.astype(int) > 0))((np.asarray(A) != 0)), "neighbours of neighbours"),
    ],
})


def _step(params, batch, lr, sign=-1, scale=1.0, mutate=False, skip=(), after=False, swap=False):
    loss, grads = learning.loss_and_gradients(params, batch)
    if mutate:
        for k in params:
            params[k] = params[k] - lr * grads[k]
        new = params
    else:
        new = {k: (params[k] if k in skip else params[k] + sign * lr * scale * grads[k]) for k in params}
    if after:
        loss = learning.loss_and_gradients(new, batch)[0]
    return (loss, new) if swap else (new, loss)


def _jacobian_product(p, g):
    J = p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])
    return J


MISTAKES.update({
    "8.1": [
        (lambda p, g: p * (1 - p) * g, "only the diagonal"),
        (lambda p, g: p * g, "the first term only"),
        (lambda p, g: p * (g - g.sum(-1, keepdims=True)), "not weighted by p_j"),
        (lambda p, g: p * ((p * g).sum(-1, keepdims=True) - g), "sign is flipped"),
        (lambda p, g: p * (g - (p * g).sum(0, keepdims=True)), "wrong axis"),
        (lambda p, g: p * (g - (p * g).sum()), "whole array"),
        (lambda p, g: g, "grad_p unchanged"),
        (_jacobian_product, "the Jacobian matrix"),
    ],
    "8.2": [
        (lambda p, b, lr: _step(p, b, lr, sign=+1), "*along* its gradient"),
        (lambda p, b, lr: _step(p, b, lr, mutate=True), "in place"),
        (lambda p, b, lr: _step(p, b, lr, scale=1 / lr), "whole gradient"),
        (lambda p, b, lr: _step(p, b, lr, after=True), "*after* the update"),
        (lambda p, b, lr: _step(p, b, lr, skip=("b", "W_v")), "did not update W_v, b"),
        (lambda p, b, lr: _step(p, b, lr, swap=True), "(loss, new_params)"),
        (lambda p, b, lr: _step(p, b, lr)[0], "should return a pair"),
        (lambda p, b, lr: _step(p, b, lr, scale=1 / len(b["y"])), "too small"),
    ],
})


def _xattn(h, S, scale=True, soft=True, ctx="right", swap=False):
    s = S @ h / (np.sqrt(len(h)) if scale else 1)
    w = sm(s) if soft else s
    c = {"right": w @ S, "mean": S.mean(axis=0), "best": S[np.argmax(w)], "plus": h + w @ S}[ctx]
    return (c, w) if swap else (w, c)


def _pool(H, W1, w2, tanh=True, soft=True, ctx="right"):
    z = W1 @ H.T
    s = w2 @ (np.tanh(z) if tanh else z)
    a = sm(s) if soft else s
    c = {"right": a @ H, "mean": H.mean(axis=0), "tanh": np.tanh(W1 @ H.T) @ a}[ctx]
    return c, a


MISTAKES.update({
    "9.1": [
        (lambda h, S: _xattn(h, S, scale=False), "not divided by √d"),
        (lambda h, S: _xattn(h, S, soft=False), "without softmax"),
        (lambda h, S: _xattn(h, S, ctx="mean"), "plain average"),
        (lambda h, S: _xattn(h, S, ctx="best"), "only the best state"),
        (lambda h, S: _xattn(h, S, ctx="plus"), "decoder state was added"),
        (lambda h, S: _xattn(h, S, swap=True), "return (weights, context)"),
        (lambda h, S: (lambda w: (w, w @ S))(sm(-np.sum((S - h) ** 2, axis=1) / np.sqrt(len(h)))), "by distance"),
    ],
    "9.2": [
        (lambda H, W1, w2: _pool(H, W1, w2, tanh=False), "tanh is missing"),
        (lambda H, W1, w2: _pool(H, W1, w2, soft=False), "without softmax"),
        (lambda H, W1, w2: (lambda a: (a @ H, a))(sm(np.tanh(w2 @ (W1 @ H.T)))), "after w2"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="mean"), "plain mean"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="tanh"), "the size of W1"),
        (lambda H, W1, w2: _pool(H, W1, w2)[::-1], "return (c, a)"),
    ],
    "10.1": [
        (lambda n, t: np.polyfit(n, t, 1)[0], "slope of t against n"),
        (lambda n, t: np.polyfit(np.log(t), np.log(n), 1)[0], "the inverse"),
        (lambda n, t: np.polyfit(np.log10(n), np.log(t), 1)[0], "same logarithm"),
        (lambda n, t: (np.log(t[-1]) - np.log(t[0])) / (np.log(n[-1]) - np.log(n[0])), "first and last"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1)[1], "intercept"),
        (lambda n, t: np.polyfit(np.log(n), np.log(t), 1), "one number"),
    ],
    "10.2": [
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) < w, "inclusive"),
        (lambda n, w: (lambda d: (d >= 0) & (d <= w))(np.subtract.outer(np.arange(n), np.arange(n))), "looks back"),
        (lambda n, w: (lambda d: (d >= 0) & (d <= w))(-np.subtract.outer(np.arange(n), np.arange(n))), "looks ahead"),
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) > w, "inverted"),
        (lambda n, w: np.abs(np.subtract.outer(np.arange(n), np.arange(n))) == w, "exactly"),
        (lambda n, w: (np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= w).astype(int), "dtype int64"),
    ],
})


def test_every_registered_exercise_is_tested_here():
    assert set(RIGHT) == set(REGISTRY) == set(MISTAKES)
    assert exercise_ids() == sorted(REGISTRY, key=lambda e: tuple(map(int, e.split("."))))


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answer_passes(exercise):
    result = check(exercise, RIGHT[exercise])
    assert result.passed, result.message
    assert result.status == PASSED and "✅" in str(result)


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_stub_is_not_attempted(exercise):
    result = check(exercise, stub)
    assert result.status == NOT_ATTEMPTED and not result.passed
    assert "not attempted yet" in str(result) and "NotImplementedError" in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_crashing_answer_is_reported_not_raised(exercise):
    def crashes(*args):
        return [][1]

    result = check(exercise, crashes)
    assert result.status == FAILED
    assert "raised IndexError" in result.message


@pytest.mark.parametrize("exercise, wrong, fragment",
                         [(e, w, f) for e, items in MISTAKES.items() for w, f in items])
def test_typical_mistake_gets_its_own_message(exercise, wrong, fragment):
    result = check(exercise, wrong)
    assert result.status == FAILED, f"{exercise}: a wrong answer passed"
    assert fragment in result.message, result.message


@pytest.mark.parametrize("exercise", sorted(MISTAKES))
def test_messages_are_distinct(exercise):
    messages = [check(exercise, wrong).message for wrong, _ in MISTAKES[exercise]]
    assert len(set(messages)) >= 4
    assert len(set(messages)) >= len({fragment for _, fragment in MISTAKES[exercise]})


def test_not_a_function():
    result = check("1.1", 39.5)
    assert result.status == FAILED and "pass your function itself" in result.message


def test_input_mutation_is_caught():
    def mutates(a, inc, lo, hi):
        inc[:] = 0
        return 39.5

    assert "changed its input array" in check("1.1", mutates).message


def test_unknown_exercise_raises():
    with pytest.raises(KeyError, match="no exercise"):
        check("99.9", stub)


def test_result_displays_as_html_and_text():
    result = check("1.1", ref.crisp_average)
    assert "<div" in result._repr_html_() and "passed" in result._repr_html_()
    assert str(result).startswith("✅ Exercise 1.1 passed:")
    wrong = check("1.1", lambda a, inc, lo, hi: "<b>")
    assert "<b>" not in wrong._repr_html_().split("</b>", 1)[1]  # the student's text is escaped


def test_masking_after_the_softmax_and_renormalising_is_accepted():
    """Zeroing masked weights and renormalising equals masking the scores: a right answer, not a mistake."""
    assert check("4.2", lambda Q, K, V, mask=None: _attn(Q, K, V, mask, renorm=True)).passed
