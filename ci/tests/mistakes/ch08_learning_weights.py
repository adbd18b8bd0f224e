"""Right answers and typical mistakes for the checks of chapter 08 (Learning W_q, W_k, W_v).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import learning
from attention_course import reference as ref


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


RIGHT = {
    "8.1": ref.softmax_backward,
    "8.2": learning.train_step,
}

MISTAKES = {
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
}
