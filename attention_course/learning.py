"""Chapter 08's model, its gradients and its training loop — the reference the checks and the explorer use.

The model reads one word, 苹果, in a sentence: one self-attention layer gives 苹果 a new vector,
o = softmax(q Kᵀ / √d) V with q = x_苹果 W_q, K = X W_k, V = X W_v (padding masked out), and a linear
read-out z = o · w + b gives the probability that 苹果 is a phone, σ(z). The word vectors are the
fixed, hand-made ones of chapter 05; only W_q, W_k, W_v, w and b are learned.

Parameters are a dict {"W_q", "W_k", "W_v" (d, d), "w" (d,), "b" (float)}; a batch is the dict of
``data.make_batch``. The chapter derives every line of ``loss_and_gradients`` in its cells; those cells
define ``init_params``, ``forward``, ``loss_fn`` and ``loss_and_gradients`` exactly as here, and train
exactly as ``train`` does — ``ci/tests/test_learning.py`` runs the notebook's definitions against these
and compares its printed training history with ``train``'s, so the two cannot drift apart.
"""
import numpy as np

from .reference import softmax, softmax_backward

PARAM_NAMES = ("W_q", "W_k", "W_v", "w", "b")


def init_params(d=6, seed=8, scale=0.1):
    """Small random W_q, W_k, W_v (at the start 苹果 attends to every word about equally) and a read-out of
    zeros (at the start every prediction is 0.5: the model knows nothing yet)."""
    rng = np.random.default_rng(seed)
    return {"W_q": rng.normal(size=(d, d)) * scale, "W_k": rng.normal(size=(d, d)) * scale,
            "W_v": rng.normal(size=(d, d)) * scale, "w": np.zeros(d), "b": 0.0}


def forward(params, batch):
    """Returns (probability of 'phone' (B,), 苹果's attention weights (B, L), a cache for the backward pass)."""
    X, mask, apple = batch["X"], batch["mask"], batch["apple"]
    d = X.shape[-1]
    x_a = X[np.arange(len(X)), apple]                       # (B, d): 苹果's word vector
    q = x_a @ params["W_q"]                                 # (B, d)
    K, V = X @ params["W_k"], X @ params["W_v"]             # (B, L, d)
    scores = np.einsum("bd,bld->bl", q, K) / np.sqrt(d)     # (B, L)
    p = softmax(np.where(mask, scores, -np.inf), axis=-1)   # padding gets weight 0
    o = np.einsum("bl,bld->bd", p, V)                       # (B, d): 苹果's new vector
    z = o @ params["w"] + params["b"]                       # (B,)
    prob = 0.5 * (1 + np.tanh(z / 2))                       # σ(z), without overflow
    return prob, p, {"x_a": x_a, "q": q, "K": K, "V": V, "p": p, "o": o, "z": z}


def loss_fn(z, y):
    """Mean binary cross-entropy from the logits: log(1 + e^z) − y z, computed stably."""
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def loss_and_gradients(params, batch):
    """(loss, grads) with grads a dict of the same shapes as params."""
    X, y = batch["X"], batch["y"]
    d = X.shape[-1]
    prob, p, c = forward(params, batch)
    loss = loss_fn(c["z"], y)
    dz = (prob - y) / len(y)                              # (B,)
    grads = {"w": c["o"].T @ dz, "b": float(np.sum(dz))}
    do = np.outer(dz, params["w"])                        # (B, d)
    dp = np.einsum("bd,bld->bl", do, c["V"])              # (B, L)
    dV = np.einsum("bl,bd->bld", p, do)                   # (B, L, d)
    ds = softmax_backward(p, dp)                          # (B, L); 0 on padding, where p = 0
    dq = np.einsum("bl,bld->bd", ds, c["K"]) / np.sqrt(d)  # (B, d): the scores are q · k / √d
    dK = np.einsum("bl,bd->bld", ds, c["q"]) / np.sqrt(d)  # (B, L, d)
    grads["W_q"] = c["x_a"].T @ dq
    grads["W_k"] = np.einsum("bld,ble->de", X, dK)
    grads["W_v"] = np.einsum("bld,ble->de", X, dV)
    return loss, grads


def train_step(params, batch, lr):
    """One step of gradient descent: (new params, the loss at the old params). ``params`` is not changed."""
    loss, grads = loss_and_gradients(params, batch)
    return {k: params[k] - lr * grads[k] for k in PARAM_NAMES}, loss


def accuracy(params, batch):
    prob, _, _ = forward(params, batch)
    return float(np.mean((prob > 0.5) == (batch["y"] == 1)))


def train(train_batch, held_out_batch, steps=300, lr=0.5, seed=8, every=10, on_step=None):
    """Plain gradient descent. Returns (params, history): history has per-step "loss", "train_acc",
    "held_out_acc" and a snapshot of the parameters every ``every`` steps ("snapshots": {step: params})."""
    params = init_params(train_batch["X"].shape[-1], seed=seed)
    history = {"loss": [], "train_acc": [], "held_out_acc": [], "snapshots": {0: params}}
    for step in range(1, steps + 1):
        params, loss = train_step(params, train_batch, lr)
        history["loss"].append(loss)
        history["train_acc"].append(accuracy(params, train_batch))
        history["held_out_acc"].append(accuracy(params, held_out_batch))
        if step % every == 0 or step == steps:
            history["snapshots"][step] = params
        if on_step is not None:
            on_step(step)
    return params, history
