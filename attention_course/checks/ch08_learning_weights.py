"""Checks for chapter 08: the softmax backward pass, and one training step.

8.1 is tried on p of shapes (3, 5) and (2, 3, 4) — no axis has the length of another, so a sum over
the wrong axis, a missing keepdims or a transpose cannot pass by a coincidence of shapes — on a row
with masked (zero) weights, and on a 1-D p of 7 weights (no leading axes at all, which the task allows).
An answer written for one number of axes (the n × n Jacobian of one row, a loop over the first axis, a
sum over axis 1) is recognised by calling it again on fewer axes. 8.2 takes one step on 12 training
sentences (B = 12, L = 10, d = 6).
"""
import warnings

import numpy as np

from .. import learning
from .. import reference as ref
from ..data import apple_sentences, make_batch
from ..i18n import tr
from .core import Mistake, as_array, as_number, call, close, diagnose, fmt, register, short_repr

_RNG = np.random.default_rng(8)
S2D = _RNG.normal(size=(3, 5)) * 2
S3D = _RNG.normal(size=(2, 3, 4))
G2D = _RNG.normal(size=(3, 5))
G3D = _RNG.normal(size=(2, 3, 4))
S1D = _RNG.normal(size=7) * 2
G1D = _RNG.normal(size=7)


def _numeric_softmax_grad(scores, grad_p, eps=1e-6):
    """dL/ds by central differences, for L = Σ grad_p ⊙ softmax(s)."""
    out = np.zeros_like(scores)
    for idx in np.ndindex(scores.shape):
        plus, minus = scores.copy(), scores.copy()
        plus[idx] += eps
        minus[idx] -= eps
        out[idx] = np.sum(grad_p * (ref.softmax(plus) - ref.softmax(minus))) / (2 * eps)
    return out


def _softmax_backward_mistakes(desc):
    return [
        ("diagonal-only", lambda p, g: p * (1 - p) * g,
         tr("{desc}: only the diagonal of the softmax's Jacobian was used (p_i (1 − p_i) g_i). Each score moves "
            "*every* weight (∂p_j/∂s_i = −p_i p_j for j ≠ i), so each gradient also needs the weighted sum of all the "
            "g_j of its row.", desc=desc)),
        ("first-term-only", lambda p, g: p * g,
         tr("{desc}: that is p ⊙ g, the first term only; the weighted sum Σ_j p_j g_j is forgotten. Raising one "
            "score lowers all the other weights, and that term accounts for it.", desc=desc)),
        ("missing-p", lambda p, g: g - np.sum(p * g, axis=-1, keepdims=True),
         tr("{desc}: the bracket (g − Σ p g) is right, but it was not multiplied by p: each score's gradient is "
            "scaled by its own weight p_i (a weight of 0 gets no gradient).", desc=desc)),
        ("unweighted-sum", lambda p, g: p * (g - np.sum(g, axis=-1, keepdims=True)),
         tr("{desc}: the sum Σ_j g_j is not weighted by p_j; each g_j should count in proportion to its weight p_j.", desc=desc)),
        ("sign-flipped", lambda p, g: p * (np.sum(p * g, axis=-1, keepdims=True) - g),
         tr("{desc}: the sign is flipped: the weighted sum is subtracted from g, not g from the weighted sum.",
            desc=desc)),
        ("axis-0", lambda p, g: p * (g - np.sum(p * g, axis=0, keepdims=True)),
         tr("{desc}: the sum ran over the wrong axis (axis=0); softmax was taken along the last axis, so the sum "
            "runs along axis=-1, one sum per row.", desc=desc)),
        ("axis-1", lambda p, g: p * (g - np.sum(p * g, axis=1, keepdims=True)),
         tr("{desc}: the sum ran over axis 1 instead of the last axis. For a 2-D p the two are the same axis, but "
            "this p has 3 axes and softmax was taken along the last one: sum along axis=-1, which is the last axis "
            "whatever the number of leading axes.", desc=desc)),
        ("whole-array-sum", lambda p, g: p * (g - np.sum(p * g)),
         tr("{desc}: the sum ran over the whole array; each row has its own softmax, so each row needs its own sum "
            "(along axis=-1, keeping that axis so it lines up with p).", desc=desc)),
        ("grad-unchanged", lambda p, g: g,
         tr("{desc}: that returns grad_p unchanged; it must go through the softmax's Jacobian.", desc=desc)),
    ]


def _np_shape(shape):
    """A shape as NumPy writes it in its error messages: (3,5), or (3,) for one axis."""
    return "(" + ",".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _right_on(softmax_backward, p, g):
    """Does the answer give the right gradient (values and shape) for this p? Never raises."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            got = np.asarray(softmax_backward(p.copy(), g.copy()), dtype=float)
    except Exception:
        return False
    return got.shape == p.shape and close(got, ref.softmax_backward(p, g))


def _axes_mistake(softmax_backward, p, g, what):
    """For an answer that failed on p: is it right with another number of axes? Then say so (raises), since
    the task allows any number of leading axes. ``what`` says how it failed on p (the call included)."""
    what = what.rstrip(" .")
    n = p.shape[-1]
    rows, row_grads = p.reshape(-1, n), g.reshape(-1, n)
    if p.ndim == 1:
        if _right_on(softmax_backward, p[None], g[None]):
            raise Mistake("fixed-ndim", tr(
                "{what}. Yet the same function is right when p has rows (shape (1, {n}) here, and the cases "
                "before): it was written for a p with leading axes. A 1-D p has none, and the task allows that too: "
                "work along the last axis only (axis=-1), without indexing or reshaping the leading ones.",
                what=what, n=n))
        return
    if p.ndim > 2 and _right_on(softmax_backward, rows, row_grads):
        raise Mistake("fixed-ndim", tr(
            "{what}. Yet the same function is right for a 2-D p (the same rows as shape {rows}): it was written "
            "for exactly one leading axis (a loop over p's first axis, or an index such as [:, None] that assumes two "
            "axes). The task allows any number: work along the last axis only, e.g. with the vector form p ⊙ (g − Σ p g), the sum along axis=-1, which needs no "
            "loop.", what=what, rows=rows.shape))
    if all(_right_on(softmax_backward, r, rg) for r, rg in zip(rows, row_grads)):
        raise Mistake("jacobian-one-row", tr(
            "{what}. Yet the same function gives the right gradient for each row of p on its own (a 1-D p). "
            "The n × n Jacobian, np.diag(p) − np.outer(p, p), is that of ONE row: given a p with rows, np.diag takes "
            "the diagonal of the matrix and np.outer flattens it, and nothing lines up. Either go over the rows one "
            "at a time, or use the vector form of section 3, p ⊙ (g − Σ p g) with the sum along the last axis, which "
            "works for any number of leading axes.", what=what))


@register("8.1", "softmax_backward")
def check_softmax_backward(softmax_backward):
    masked = S2D.copy()
    masked[0, 3:] = -np.inf  # a row with masked entries: p = 0 there, and so must the gradient be
    for scores, g, label in [(S2D, G2D, "(3, 5)"), (S3D, G3D, "(2, 3, 4)"),
                             (masked, G2D, tr("(3, 5) with zeros in p")),
                             (S1D, G1D, "(7,)")]:
        p = ref.softmax(scores)
        desc = tr("softmax_backward(p, grad_p) for p of shape {shape}", shape=label)
        try:
            result = call(softmax_backward, p, g, desc=desc)
        except Mistake as mistake:
            if mistake.id != "raised":
                raise
            if "axis 1 is out of bounds" in mistake.message:
                raise Mistake("axis-1", tr(
                    "{desc}: the sum ran over axis 1, which a 1-D p does not have. For a 2-D p axis 1 is the last "
                    "axis, but softmax runs along the last axis whatever the number of leading axes: sum along "
                    "axis=-1.", desc=desc)) from None
            keepdims_error = _np_shape(p.shape) + " " + _np_shape(p.shape[:-1])
            if p.ndim > 1 and "broadcast" in mistake.message and keepdims_error in mistake.message:
                raise Mistake("no-keepdims", tr(
                    "{desc} raised a broadcasting error: a sum along the last axis leaves one number per row, shape "
                    "{short}, which does not line up with p, shape {shape}. Keep the summed axis (keepdims=True), "
                    "so the row sums broadcast along each row.", desc=desc, short=p.shape[:-1],
                    shape=p.shape)) from None
            _axes_mistake(softmax_backward, p, g, mistake.message)
            if p.ndim > 1 and "broadcast" in mistake.message:
                raise Mistake("no-keepdims", tr(
                    "{desc} raised a broadcasting error: a sum along the last axis leaves one number per row, shape "
                    "{short}, which does not line up with p, shape {shape}. Keep the summed axis (keepdims=True), "
                    "so the row sums broadcast along each row.", desc=desc, short=p.shape[:-1],
                    shape=p.shape)) from None
            raise
        got = as_array(result, desc)
        if got.shape == p.shape + (p.shape[-1],):
            raise Mistake("jacobian", tr("{desc} returned the Jacobian matrices, shape {got}; multiply each by its row "
                                         "of grad_p to get one gradient per score, shape {shape} (the formula of "
                                         "section 3 does it without ever building the matrix).", desc=desc,
                                         got=got.shape, shape=p.shape))
        if got.shape != p.shape:
            _axes_mistake(softmax_backward, p, g, tr("{desc} has shape {got}, not p's shape {shape}", desc=desc,
                                                     got=got.shape, shape=p.shape))
            raise Mistake("wrong-shape", tr("{desc} should have the shape of p, {shape}; yours has {got}.", desc=desc,
                                            shape=p.shape, got=got.shape))
        expected = ref.softmax_backward(p, g)
        if close(got, expected):
            continue
        diagnose(got, (p, g), _softmax_backward_mistakes(desc))
        if not np.all(np.isfinite(got)):
            raise Mistake("not-finite", tr("{desc} contains nan or inf; where p = 0 (a masked score) the gradient is "
                                           "0 — it needs no division and no log.", desc=desc))
        if not close(got[p == 0], 0 * got[p == 0]):
            raise Mistake("masked-not-zero", tr("{desc}: where p = 0 (a masked score) the gradient must be 0, since "
                                                "that score has no effect; yours is {got} there.", desc=desc,
                                                got=fmt(got[p == 0])))
        _axes_mistake(softmax_backward, p, g, tr("{desc} gives wrong numbers", desc=desc))
        numeric = _numeric_softmax_grad(scores, g)
        raise Mistake(tr("{desc}: finite differences give {numeric}; yours is {got}.", desc=desc,
                         numeric=fmt(numeric), got=fmt(got)))
    numeric = _numeric_softmax_grad(S2D, G2D)
    error = np.max(np.abs(numeric - ref.softmax_backward(ref.softmax(S2D), G2D)))
    return tr("p ⊙ (g − Σ p g) along the last axis; it agrees with finite differences to {error}.",
              error=f"{error:.0e}")


def _shape(x):
    """np.shape(x), or None for a value that is not array-like (a ragged list)."""
    try:
        return np.shape(x)
    except Exception:
        return None


def _snapshot(params):
    return {k: np.array(v, copy=True) for k, v in params.items()}


def _step_case():
    train, _ = apple_sentences()
    batch = make_batch(train[:12])
    params = learning.init_params(seed=82, scale=0.5)
    params["w"] = np.random.default_rng(82).normal(size=len(params["w"]))  # nonzero, so every gradient is
    return params, batch, 0.3


@register("8.2", "train_step")
def check_train_step(train_step):
    params, batch, lr = _step_case()
    B = len(batch["y"])
    desc = "train_step(params, batch, 0.3)"
    before = _snapshot(params)
    result = call(train_step, params, batch, lr, desc=desc)
    if any(k not in params or not close(before[k], params[k]) for k in before) or set(params) != set(before):
        raise Mistake("mutated-params", tr("{desc} changed the params dict it was given (in place, e.g. with -= or by "
                                           "assigning into it). Leave params as it was and return a new dict with "
                                           "the updated arrays.", desc=desc))
    if result is None:
        raise Mistake("returned-none", tr("{desc} returned None: did you forget `return`?", desc=desc))
    if isinstance(result, dict):
        raise Mistake("not-a-pair", tr("{desc} returned only the dict of parameters; return a pair "
                                       "(new_params, loss).", desc=desc))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        kind = (tr("{kind} of length {n}", kind=type(result).__name__, n=len(result))
                if isinstance(result, (tuple, list)) else type(result).__name__)
        raise Mistake("not-a-pair", tr("{desc} should return a pair (new_params, loss); yours returned {kind}.",
                                       desc=desc, kind=kind))
    new, loss = result
    if isinstance(loss, dict) and not isinstance(new, dict):
        raise Mistake("swapped-pair", tr("{desc} returned (loss, new_params); return (new_params, loss).", desc=desc))
    if not isinstance(new, dict):
        raise Mistake("not-a-dict", tr("{desc}[0] should be the dict of new parameters; yours is {kind} {value}.",
                                       desc=desc, kind=type(new).__name__, value=short_repr(new, 40)))
    missing = [k for k in learning.PARAM_NAMES if k not in new]
    if missing:
        raise Mistake("missing-params", tr("{desc}[0] has no {names}; return every parameter, updated.", desc=desc,
                                           names=", ".join(missing)))
    got = {k: as_array(new[k], tr("{desc}[0][{key}]", desc=desc, key=repr(k)), shape=np.shape(params[k]))
           for k in learning.PARAM_NAMES}
    expected_new, expected_loss = learning.train_step(params, batch, lr)
    old_loss, grads = learning.loss_and_gradients(params, batch)
    new_loss = learning.loss_and_gradients(expected_new, batch)[0]
    if isinstance(loss, (np.ndarray, list, tuple)) and _shape(loss) == (B,):
        raise Mistake("loss-per-sentence", tr("{desc}: the loss has one number per sentence, shape ({b},); return one "
                                              "number, the loss of the whole batch (their mean), as "
                                              "loss_and_gradients gives it.", desc=desc, b=B))
    loss_value = as_number(loss, tr("{desc}[1] (the loss)", desc=desc))
    if all(close(got[k], grads[k]) for k in learning.PARAM_NAMES):
        raise Mistake("returned-gradients", tr("{desc}[0] holds the gradients themselves; return the parameters after "
                                               "the step: each one moved by the learning rate times its gradient, "
                                               "downhill.", desc=desc))
    if not close(loss_value, expected_loss):
        if close(loss_value, new_loss):
            raise Mistake("loss-after", tr("{desc} returned the loss *after* the update ({got}); return the loss at "
                                           "the params you were given, the one the gradients belong to.", desc=desc,
                                           got=f"{loss_value:.4f}"))
        raise Mistake("wrong-loss", tr("{desc} returned the loss {got}; return the loss that loss_and_gradients "
                                       "gives for the params you were given.", desc=desc, got=fmt(loss_value)))
    moving = [k for k in learning.PARAM_NAMES if not close(grads[k], 0 * grads[k])]
    stale = [k for k in moving if close(got[k], params[k])]
    if stale and len(stale) < len(moving):
        raise Mistake("not-updated", tr("{desc} did not update {names}; every parameter takes a step against its "
                                        "gradient.", desc=desc, names=", ".join(stale)))
    for k in learning.PARAM_NAMES:
        if close(got[k], expected_new[k]):
            continue
        step = got[k] - np.asarray(params[k], dtype=float)
        if close(step, lr * grads[k]):
            raise Mistake("ascent", tr("{desc}: {key} moved *along* its gradient, which increases the loss; gradient "
                                       "descent steps the other way, against the gradient.", desc=desc, key=k))
        if close(step, -grads[k]):
            raise Mistake("no-lr", tr("{desc}: {key} moved by the whole gradient; the learning rate lr sets the size "
                                      "of the step.", desc=desc, key=k))
        if close(step, -lr * grads[k] / B):
            raise Mistake("divided-by-batch", tr("{desc}: {key}'s step is {b} times too small: the gradients of "
                                                 "loss_and_gradients are already averaged over the batch.", desc=desc,
                                                 key=k, b=B))
        if close(step, -lr * lr * grads[k]):
            raise Mistake("lr-twice", tr("{desc}: {key}'s step is lr² times the gradient; multiply by lr once.",
                                         desc=desc, key=k))
        if k in moving and not close(step, 0 * step):
            ratio = np.sum(step * -grads[k]) / np.sum(grads[k] * grads[k]) / lr
            if close(step, -lr * ratio * grads[k], rtol=1e-6, atol=1e-12):
                raise Mistake("wrong-step-size", tr("{desc}: {key} moved against its gradient, but {ratio} times as "
                                                    "far as lr · gradient.", desc=desc, key=k, ratio=fmt(ratio, 3)))
        raise Mistake(tr("{desc}: the new {key} is not params['{key}'] moved by the learning rate times its gradient "
                         "(it differs by up to {diff}).", desc=desc, key=k,
                         diff=fmt(np.max(np.abs(got[k] - expected_new[k])), 3)))
    # against finite differences: the step taken is −lr × the numerical gradient
    eps, k, idx = 1e-6, "W_k", (0, 1)
    plus, minus = _snapshot(params), _snapshot(params)
    plus[k][idx] += eps
    minus[k][idx] -= eps
    numeric = (learning.loss_and_gradients(plus, batch)[0] - learning.loss_and_gradients(minus, batch)[0]) / (2 * eps)
    taken = (params[k][idx] - got[k][idx]) / lr
    if not np.isclose(taken, numeric, rtol=1e-4, atol=1e-8):  # pragma: no cover - only if the reference were wrong
        raise Mistake(tr("{desc}: W_k[0, 1] moved by {taken}; finite differences say −lr × {numeric}.", desc=desc,
                         taken=f"{taken * lr:.3g}", numeric=f"{numeric:.4g}"))
    return tr("new params = params − lr · grads, and the loss ({old}) falls to {new} after the step; the step agrees "
              "with finite differences.", old=f"{old_loss:.4f}", new=f"{new_loss:.4f}")
