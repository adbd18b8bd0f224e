"""Checks for chapter 08: the softmax backward pass, and one training step."""
import numpy as np

from .. import learning
from .. import reference as ref
from ..data import apple_sentences, make_batch
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(8)
S2D = _RNG.normal(size=(3, 5)) * 2
S3D = _RNG.normal(size=(2, 3, 4))
G2D = _RNG.normal(size=(3, 5))
G3D = _RNG.normal(size=(2, 3, 4))


def _numeric_softmax_grad(scores, grad_p, eps=1e-6):
    """dL/ds by central differences, for L = Σ grad_p ⊙ softmax(s)."""
    out = np.zeros_like(scores)
    for idx in np.ndindex(scores.shape):
        plus, minus = scores.copy(), scores.copy()
        plus[idx] += eps
        minus[idx] -= eps
        out[idx] = np.sum(grad_p * (ref.softmax(plus) - ref.softmax(minus))) / (2 * eps)
    return out


@register("8.1", "softmax_backward")
def check_softmax_backward(softmax_backward):
    masked = S2D.copy()
    masked[0, 3:] = -np.inf  # a row with masked entries: p = 0 there, and so must the gradient be
    for scores, g, label in [(S2D, G2D, "(3, 5)"), (S3D, G3D, "(2, 3, 4)"), (masked, G2D, "(3, 5) with zeros in p")]:
        p = ref.softmax(scores)
        desc = f"softmax_backward(p, grad_p) for p of shape {label}"
        got = call(softmax_backward, p, g, desc=desc)
        if got is None:
            raise Mistake(f"{desc} returned None: did you forget `return`?")
        got = np.asarray(got, dtype=float)
        if got.shape == p.shape[:-1] + (p.shape[-1], p.shape[-1]):
            raise Mistake(f"{desc} returned the Jacobian matrix {got.shape}; multiply it with grad_p to get one "
                          f"gradient per score, shape {p.shape} (or use the shortcut p ⊙ (g − Σ p g)).")
        if got.shape != p.shape:
            raise Mistake(f"{desc} should have the shape of p, {p.shape}; yours has {got.shape}.")
        expected = ref.softmax_backward(p, g)
        if close(got, expected):
            continue
        diagnose(got, (p, g), [
            (lambda p, g: p * (1 - p) * g,
             f"{desc}: only the diagonal of the Jacobian was used (p_i (1 − p_i) g_i). Each score moves *every* "
             "p_j (∂p_j/∂s_i = −p_i p_j for j ≠ i): subtract the weighted sum, p ⊙ (g − Σ_j p_j g_j)."),
            (lambda p, g: p * g,
             f"{desc}: that is p ⊙ g, the first term only; the sum Σ_j p_j g_j is forgotten. Raising one score "
             "lowers all the other weights, and that term accounts for it."),
            (lambda p, g: p * (g - np.sum(g, axis=-1, keepdims=True)),
             f"{desc}: the sum Σ_j g_j is not weighted by p_j; use Σ_j p_j g_j."),
            (lambda p, g: p * (np.sum(p * g, axis=-1, keepdims=True) - g),
             f"{desc}: the sign is flipped: it is p ⊙ (g − Σ p g), not p ⊙ (Σ p g − g)."),
            (lambda p, g: p * (g - np.sum(p * g, axis=0, keepdims=True)),
             f"{desc}: the sum ran over the wrong axis (axis=0); softmax was taken along the last axis, so sum "
             "along axis=-1 with keepdims=True."),
            (lambda p, g: p * (g - np.sum(p * g)),
             f"{desc}: the sum ran over the whole array; each row has its own softmax: sum along axis=-1 with "
             "keepdims=True."),
            (lambda p, g: g,
             f"{desc}: that returns grad_p unchanged; it must go through the softmax's Jacobian."),
        ])
        numeric = _numeric_softmax_grad(scores, g)
        raise Mistake(f"{desc}: finite differences give {fmt(numeric)}; yours is {fmt(got)}.")
    numeric = _numeric_softmax_grad(S2D, G2D)
    error = np.max(np.abs(numeric - ref.softmax_backward(ref.softmax(S2D), G2D)))
    return f"p ⊙ (g − Σ p g) along the last axis; it agrees with finite differences to {error:.0e}."


def _snapshot(params):
    return {k: np.array(v, copy=True) for k, v in params.items()}


@register("8.2", "train_step")
def check_train_step(train_step):
    train, _ = apple_sentences()
    batch = make_batch(train[:12])
    params = learning.init_params(seed=82, scale=0.5)
    params["w"] = np.random.default_rng(82).normal(size=len(params["w"]))  # nonzero, so every gradient is
    lr = 0.3
    desc = "train_step(params, batch, 0.3)"
    before = _snapshot(params)
    result = call(train_step, params, batch, lr, desc=desc)
    if any(not np.array_equal(before[k], params[k]) for k in params):
        raise Mistake(f"{desc} changed the params it was given (in place, e.g. with -=). Return a new dict: "
                      "{k: params[k] - lr * grads[k] for k in params}.")
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Mistake(f"{desc} should return a pair (new_params, loss); yours returned {type(result).__name__}.")
    new, loss = result
    if isinstance(new, (int, float, np.floating)) and isinstance(loss, dict):
        raise Mistake(f"{desc} returned (loss, new_params); return (new_params, loss).")
    if not isinstance(new, dict):
        raise Mistake(f"{desc}[0] should be the dict of new parameters; yours is {type(new).__name__}.")
    missing = [k for k in learning.PARAM_NAMES if k not in new]
    if missing:
        raise Mistake(f"{desc}[0] has no {', '.join(missing)}; return every parameter, updated.")
    expected_new, expected_loss = learning.train_step(params, batch, lr)
    loss_value = float(np.asarray(loss, dtype=float))
    old_loss = learning.loss_and_gradients(params, batch)[0]
    new_loss = learning.loss_and_gradients(expected_new, batch)[0]
    if not close(loss_value, expected_loss):
        if close(loss_value, new_loss):
            raise Mistake(f"{desc} returned the loss *after* the update ({loss_value:.4f}); return the loss at the "
                          f"params you were given ({expected_loss:.4f}), the one the gradients belong to.")
        raise Mistake(f"{desc} returned the loss {fmt(loss_value)}; at these params it is {expected_loss:.4f}.")
    _, grads = learning.loss_and_gradients(params, batch)
    stale = [k for k in learning.PARAM_NAMES if close(new[k], params[k]) and not close(grads[k], 0 * grads[k])]
    if stale and len(stale) < len(learning.PARAM_NAMES):
        raise Mistake(f"{desc} did not update {', '.join(stale)}; every parameter takes a step against its gradient.")
    for k in learning.PARAM_NAMES:
        got = as_array(new[k], f"{desc}[0][{k!r}]", shape=np.shape(params[k]))
        if close(got, expected_new[k]):
            continue
        step = got - np.asarray(params[k], dtype=float)
        if close(step, lr * grads[k]):
            raise Mistake(f"{desc}: {k} moved *along* its gradient (params + lr · grad), which increases the loss; "
                          "gradient descent subtracts: params − lr · grad.")
        if close(step, -grads[k]):
            raise Mistake(f"{desc}: {k} moved by the whole gradient; multiply it by the learning rate lr first.")
        if close(step, -lr * grads[k] / len(batch["y"])):
            raise Mistake(f"{desc}: {k}'s step is {len(batch['y'])} times too small: the gradients of "
                          "loss_and_gradients are already averaged over the batch.")
        raise Mistake(f"{desc}: new {k} should be {fmt(expected_new[k])}; yours is {fmt(got)}.")
    # against finite differences: the step taken is −lr × the numerical gradient
    eps, k, idx = 1e-6, "W_k", (0, 1)
    plus, minus = _snapshot(params), _snapshot(params)
    plus[k][idx] += eps
    minus[k][idx] -= eps
    numeric = (learning.loss_and_gradients(plus, batch)[0] - learning.loss_and_gradients(minus, batch)[0]) / (2 * eps)
    taken = (params[k][idx] - np.asarray(new[k], dtype=float)[idx]) / lr
    if not np.isclose(taken, numeric, rtol=1e-4, atol=1e-8):
        raise Mistake(f"{desc}: W_k[0, 1] moved by {taken * lr:.3g}; finite differences say −lr × {numeric:.4g}.")
    return (f"new params = params − lr · grads, and the loss ({old_loss:.4f}) falls to {new_loss:.4f} after the step; "
            "the step agrees with finite differences.")
