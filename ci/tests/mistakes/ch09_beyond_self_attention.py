"""Right answers and typical mistakes for the checks of chapter 09 (Beyond self-attention).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax

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


RIGHT = {
    "9.1": ref.cross_attention,
    "9.2": ref.attention_pooling,
}

MISTAKES = {
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
}
