"""Right answers and typical mistakes for the checks of chapter 09 (Beyond self-attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax


def _xattn(h, S, scale="d", soft=True, ctx="right", swap=False):
    divisor = {"d": np.sqrt(len(h)), "none": 1.0, "m": np.sqrt(len(S)), "d, no root": len(h)}[scale]
    s = S @ h / divisor
    w = {True: sm(s), False: s, "exp": np.exp(s), "naive": np.exp(s) / np.sum(np.exp(s))}[soft]
    c = {"right": w @ S, "mean": S.mean(axis=0), "best": S[np.argmax(w)], "plus": h + w @ S,
         "times": w.sum() * S[0]}[ctx]
    return (c, w) if swap else (w, c)


def _pool(H, W1, w2, tanh=True, soft=True, ctx="right", divisor=1.0):
    z = W1 @ H.T
    s = w2 @ (np.tanh(z) if tanh else z) / divisor
    a = {True: sm(s), False: s, "exp": np.exp(s)}[soft]
    c = {"right": a @ H, "mean": H.mean(axis=0), "sum": H.sum(axis=0), "tanh": np.tanh(W1 @ H.T) @ a,
         "first": a[0] * H[0]}[ctx]
    return c, a


RIGHT = {
    "9.1": ref.cross_attention,
    "9.2": ref.attention_pooling,
}

MISTAKES = {
    "9.1": [
        (lambda h, S: _xattn(h, S, scale="none"), "unscaled", "not divided by √d"),
        (lambda h, S: _xattn(h, S, scale="m"), "sqrt-m", "number of encoder states"),
        (lambda h, S: _xattn(h, S, scale="d, no root"), "divided-by-d", "square root"),
        (lambda h, S: _xattn(h, S, soft=False), "no-softmax", "without softmax"),
        (lambda h, S: _xattn(h, S, soft="exp"), "unnormalised", "not normalised"),
        (lambda h, S: _xattn(h, S, soft="naive"), "overflow", "Subtract the largest score"),
        (lambda h, S: _xattn(h, S, ctx="mean"), "plain-average", "plain average"),
        (lambda h, S: _xattn(h, S, ctx="best"), "best-state", "only the best state"),
        (lambda h, S: _xattn(h, S, ctx="plus"), "added-h", "decoder state was added"),
        (lambda h, S: _xattn(h, S, ctx="times"), "wrong-context", "the weights are right"),
        (lambda h, S: _xattn(h, S, swap=True), "swapped-pair", "return (weights, context)"),
        (lambda h, S: (lambda w: (w, w @ S))(sm(-np.sum((S - h) ** 2, axis=1) / np.sqrt(len(h)))), "distance",
         "by distance"),
        (lambda h, S: (lambda w: (w, w @ S))(sm(S.T @ h / np.sqrt(len(h)))), "transposed-S", "S.T @ h"),
        (lambda h, S: (lambda w: (w, w @ S))(sm(h @ S / np.sqrt(len(h)))), "transposed-S", "S.T @ h"),
        (lambda h, S: (lambda w: (w, w @ S))(sm(S @ h / np.sqrt(len(h))) * 2), "not-normalised", "sum to 1"),
        (lambda h, S: _xattn(h, S)[0], "not-a-pair", "should return a pair"),
    ],
    "9.2": [
        (lambda H, W1, w2: _pool(H, W1, w2, tanh=False), "no-tanh", "tanh is missing"),
        (lambda H, W1, w2: _pool(H, W1, w2, soft=False), "no-softmax", "without softmax"),
        (lambda H, W1, w2: _pool(H, W1, w2, soft="exp"), "unnormalised", "not normalised"),
        (lambda H, W1, w2: (lambda a: (a @ H, a))(sm(np.tanh(w2 @ (W1 @ H.T)))), "tanh-after-w2", "after w2"),
        (lambda H, W1, w2: (H.mean(axis=0), np.full(len(H), 1 / len(H))), "uniform", "same weight 1/n"),
        (lambda H, W1, w2: _pool(H, W1, w2, divisor=np.sqrt(len(W1))), "scaled", "√d_a"),
        (lambda H, W1, w2: _pool(H, W1, w2, divisor=np.sqrt(H.shape[1])), "scaled", "divided by √d"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="mean"), "plain-mean", "plain mean"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="sum"), "plain-sum", "plain sum"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="first"), "wrong-summary", "the weights are right"),
        (lambda H, W1, w2: _pool(H, W1, w2, ctx="tanh"), "c-of-size-d_a", "the size of W1"),
        (lambda H, W1, w2: _pool(H, W1, w2)[::-1], "swapped-pair", "return (c, a)"),
        (lambda H, W1, w2: (lambda a: (a @ H, a))(sm(w2 @ np.tanh(W1 @ H))), "w1-h-not-transposed", "W1 @ H"),
        (lambda H, W1, w2: (lambda a: (a @ H, a))(sm(np.tanh(H @ W1) @ w2)), "h-w1", "H @ W1"),
        (lambda H, W1, w2: _pool(H, W1, w2)[0], "not-a-pair", "should return a pair"),
    ],
}
