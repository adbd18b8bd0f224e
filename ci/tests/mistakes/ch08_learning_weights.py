"""Right answers and typical mistakes for the checks of chapter 08 (Learning W_q, W_k, W_v).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
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


def _mutate_arrays(params, batch, lr):
    """`params[k] -= lr * grads[k]` on the arrays themselves (b is a float, so it is rebound)."""
    loss, grads = learning.loss_and_gradients(params, batch)
    for k in params:
        params[k] -= lr * grads[k]
    return params, loss


def _per_sentence_loss(params, batch, lr):
    new, _ = _step(params, batch, lr)
    z = learning.forward(params, batch)[2]["z"]
    return new, np.logaddexp(0.0, z) - batch["y"] * z


def _jacobian(p, g):
    return p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])


def _no_keepdims(p, g):
    return p * (g - np.sum(p * g, axis=-1))


def _jacobian_of_one_row(p, g):
    """The n × n Jacobian, right for a 1-D p only (np.diag of a matrix is its diagonal; np.outer flattens)."""
    return (np.diag(p) - np.outer(p, p)) @ g


def _jacobian_flattened(p, g):
    return (np.diagflat(p) - np.outer(p, p)) @ g.ravel()


def _loop_over_first_axis(p, g):
    """The Jacobian row by row, for exactly one leading axis."""
    out = np.zeros_like(p)
    for i in range(p.shape[0]):
        out[i] = (np.diag(p[i]) - np.outer(p[i], p[i])) @ g[i]
    return out


def _index_for_two_axes(p, g):
    return p * (g - (p * g).sum(axis=-1)[:, None])


def _extra_axis_for_1d(p, g):
    """np.atleast_2d turns a 1-D p into one row, and the answer keeps that axis."""
    return np.atleast_2d(ref.softmax_backward(p, g))


def _axis_1_kept_for_1d(p, g):
    """The last axis for 2-D and 3-D p, but axis 1 for a 1-D p (which has no axis 1)."""
    return p * (g - (p * g).sum(axis=max(1, p.ndim - 1), keepdims=True))


def _masked_nan(p, g):
    """Divides by p somewhere: nan where p = 0."""
    return p * (g - np.sum(p * g, axis=-1, keepdims=True)) * (p / p)


def _masked_not_zero(p, g):
    right = ref.softmax_backward(p, g)
    return np.where(p == 0, g, right)


RIGHT = {
    "8.1": ref.softmax_backward,
    "8.2": learning.train_step,
}

MISTAKES = {
    "8.1": [
        (lambda p, g: p * (1 - p) * g, "diagonal-only", "only the diagonal"),
        (lambda p, g: p * g, "first-term-only", "the first term only"),
        (lambda p, g: g - (p * g).sum(-1, keepdims=True), "missing-p", "not multiplied by p"),
        (lambda p, g: p * (g - g.sum(-1, keepdims=True)), "unweighted-sum", "not weighted by p_j"),
        (lambda p, g: p * ((p * g).sum(-1, keepdims=True) - g), "sign-flipped", "sign is flipped"),
        (lambda p, g: p * (g - (p * g).sum(0, keepdims=True)), "axis-0", "wrong axis"),
        (lambda p, g: p * (g - (p * g).sum()), "whole-array-sum", "whole array"),
        (lambda p, g: g, "grad-unchanged", "grad_p unchanged"),
        (lambda p, g: p * (g - (p * g).sum(1, keepdims=True)), "axis-1", "axis 1 instead of the last axis"),
        (_axis_1_kept_for_1d, "axis-1", "which a 1-D p does not have"),
        (_jacobian, "jacobian", "Jacobian matrices"),
        (_jacobian_of_one_row, "jacobian-one-row", "is that of ONE row"),
        (_jacobian_flattened, "jacobian-one-row", "is that of ONE row"),
        (_loop_over_first_axis, "fixed-ndim", "exactly one leading axis"),
        (_index_for_two_axes, "fixed-ndim", "exactly one leading axis"),
        (_extra_axis_for_1d, "fixed-ndim", "A 1-D p has none"),
        (_no_keepdims, "no-keepdims", "keepdims=True"),
        (_masked_nan, "not-finite", "nan or inf"),
        (_masked_not_zero, "masked-not-zero", "must be 0"),
        (lambda p, g: (ref.softmax_backward(p, g), None), "wrong-type", "should return an array"),
    ],
    "8.2": [
        (lambda p, b, lr: _step(p, b, lr, sign=+1), "ascent", "*along* its gradient"),
        (lambda p, b, lr: _step(p, b, lr, mutate=True), "mutated-params", "in place"),
        (_mutate_arrays, "mutated-params", "in place"),
        (lambda p, b, lr: _step(p, b, lr, scale=1 / lr), "no-lr", "whole gradient"),
        (lambda p, b, lr: _step(p, b, lr, scale=lr), "lr-twice", "lr²"),
        (lambda p, b, lr: _step(p, b, lr, scale=2.0), "wrong-step-size", "2 times as far"),
        (lambda p, b, lr: _step(p, b, lr, after=True), "loss-after", "*after* the update"),
        (lambda p, b, lr: (_step(p, b, lr)[0], 0.5), "wrong-loss", "the loss 0.5"),
        (_per_sentence_loss, "loss-per-sentence", "one number per sentence"),
        (lambda p, b, lr: _step(p, b, lr, skip=("b", "W_v")), "not-updated", "did not update W_v, b"),
        (lambda p, b, lr: _step(p, b, lr, swap=True), "swapped-pair", "(loss, new_params)"),
        (lambda p, b, lr: _step(p, b, lr)[0], "not-a-pair", "only the dict"),
        (lambda p, b, lr: (_step(p, b, lr)[0],), "not-a-pair", "tuple of length 1"),
        (lambda p, b, lr: _step(p, b, lr, scale=1 / len(b["y"])), "divided-by-batch", "too small"),
        (lambda p, b, lr: learning.loss_and_gradients(p, b)[::-1], "returned-gradients", "the gradients themselves"),
        (lambda p, b, lr: ({k: v for k, v in _step(p, b, lr)[0].items() if k != "b"}, _step(p, b, lr)[1]),
         "missing-params", "has no b"),
        (lambda p, b, lr: (list(_step(p, b, lr)[0].values()), _step(p, b, lr)[1]), "not-a-dict", "dict of new"),
    ],
}
