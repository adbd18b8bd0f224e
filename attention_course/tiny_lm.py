"""Chapter 12's tiny language model: a decoder-only Transformer that writes the sentences of
``attention_course.corpus`` one character at a time — model, loss, backward pass, Adam, training,
sampling, a KV cache, and measures of what it writes.

The model (row convention, as everywhere in the course):

    X  = E[tokens] + P[positions]                        token and position embeddings, (B, n, d)
    X  = transformer_block(X, block_l, h, causal mask)   l = 1, 2: chapter 11's pre-LN block
    Y  = layer_norm(X, γ_f, β_f)                         the final LayerNorm
    logits = Y Eᵀ                                        read-out tied to the token embedding E

``forward`` is exactly that, built from ``reference.transformer_block``. Training needs the
intermediate values too, so ``loss_and_gradients`` runs the same computation piece by piece, keeping
what the backward pass needs, and then goes backwards through it with chapter 08's tools
(``reference.softmax_backward`` for every softmax); ``ci/tests/test_tiny_lm.py`` checks that both
forward passes agree, that the gradients match finite differences and PyTorch's autograd, and that
training again from the same random seed reproduces the checkpoint in ``assets/models/``.

Parameters are one flat dict of arrays: "tok" (V, d), "pos" (n_ctx, d), "lnf_gamma", "lnf_beta" (d,),
and for block l the keys of ``reference.transformer_block`` prefixed with "l." ("0.W_q", "1.b_2", …).
"""
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from . import corpus
from .reference import causal_mask, feed_forward, layer_norm, softmax, softmax_backward, transformer_block

BLOCK_KEYS = ("W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o", "ln1_gamma", "ln1_beta",
              "ln2_gamma", "ln2_beta", "W_1", "b_1", "W_2", "b_2")
EPS = 1e-5  # LayerNorm's, as in reference.layer_norm


@dataclass(frozen=True)
class Config:
    vocab_size: int = len(corpus.vocabulary())
    d: int = 32          # d_model
    n_heads: int = 4     # d_k = 8
    d_ff: int = 128      # 4 d, as in GPT-2
    n_layers: int = 2
    n_ctx: int = 16      # the longest input: 。 and the first 15 characters of a sentence


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1500
    batch_size: int = 32
    lr: float = 3e-3
    betas: tuple = (0.9, 0.99)
    eps: float = 1e-8
    min_lr: float = 3e-4  # the learning rate falls from lr to min_lr along a cosine
    seed: int = 12
    eval_every: int = 100


# --- characters <-> numbers -------------------------------------------------------------------

VOCAB = corpus.vocabulary()
INDEX = {c: i for i, c in enumerate(VOCAB)}
START = corpus.END  # every sequence starts with 。, the end of the sentence before


def encode(text):
    """Characters -> token ids (a KeyError names a character outside the vocabulary)."""
    return np.array([INDEX[c] for c in text], dtype=np.int64)


def decode(ids):
    return "".join(VOCAB[int(i)] for i in ids)


def unknown_characters(text):
    """The characters of ``text`` that are not in the vocabulary, in order, without repeats."""
    return list(dict.fromkeys(c for c in text if c not in INDEX))


def make_dataset(sentences, n_ctx=Config.n_ctx):
    """Inputs, targets and a loss mask for a list of sentences: each becomes 。 + sentence, padded.

    Returns (inputs (N, n_ctx) int, targets (N, n_ctx) int, mask (N, n_ctx) bool): position t of a
    row predicts targets[t] from inputs[:t + 1]; mask is False after the sentence's closing 。 (the
    padding repeats 。 and is never counted in the loss — and, thanks to the causal mask, never
    seen by a real position)."""
    N = len(sentences)
    seq = np.full((N, n_ctx + 1), INDEX[START], dtype=np.int64)
    mask = np.zeros((N, n_ctx), dtype=bool)
    for i, s in enumerate(sentences):
        ids = encode(START + s)
        if len(ids) > n_ctx + 1:
            raise ValueError(f"sentence longer than the context ({n_ctx}): {s}")
        seq[i, : len(ids)] = ids
        mask[i, : len(ids) - 1] = True
    return seq[:, :-1], seq[:, 1:], mask


# --- parameters --------------------------------------------------------------------------------

def init_params(config=Config(), seed=0):
    """Random parameters with a fixed seed: embeddings ~ N(0, 0.1²), weights ~ N(0, 1/fan-in)
    (the residual projections W_o and W_2 scaled down by √(2 · n_layers), as in GPT-2), biases and β
    zero, γ one."""
    rng = np.random.default_rng(seed)
    c = config
    p = {"tok": rng.normal(size=(c.vocab_size, c.d)) * 0.1, "pos": rng.normal(size=(c.n_ctx, c.d)) * 0.1}
    res = 1 / np.sqrt(2 * c.n_layers)
    for l in range(c.n_layers):
        shapes = {"W_q": (c.d, c.d), "W_k": (c.d, c.d), "W_v": (c.d, c.d), "W_o": (c.d, c.d),
                  "W_1": (c.d, c.d_ff), "W_2": (c.d_ff, c.d)}
        for k, (rows, cols) in shapes.items():
            p[f"{l}.{k}"] = rng.normal(size=(rows, cols)) / np.sqrt(rows) * (res if k in ("W_o", "W_2") else 1)
        for k in ("b_q", "b_k", "b_v", "b_o", "b_2", "ln1_beta", "ln2_beta"):
            p[f"{l}.{k}"] = np.zeros(c.d)
        p[f"{l}.b_1"] = np.zeros(c.d_ff)
        p[f"{l}.ln1_gamma"], p[f"{l}.ln2_gamma"] = np.ones(c.d), np.ones(c.d)
    p["lnf_gamma"], p["lnf_beta"] = np.ones(c.d), np.zeros(c.d)
    return p


def block(params, l):
    """Block l's parameters under chapter 11's names (W_q, b_q, …, ln2_beta), for transformer_block."""
    return {k: params[f"{l}.{k}"] for k in BLOCK_KEYS}


def n_parameters(params):
    return int(sum(np.size(v) for v in params.values()))


# --- the forward pass: chapter 11's blocks ---------------------------------------------------------

def forward(params, tokens, config=Config()):
    """Logits (B, n, V) for token ids (B, n) — or (n, V) for (n,) — with n ≤ n_ctx."""
    tokens = np.asarray(tokens)
    single = tokens.ndim == 1
    tokens = np.atleast_2d(tokens)
    n = tokens.shape[1]
    X = params["tok"][tokens] + params["pos"][:n]
    mask = causal_mask(n)
    for l in range(config.n_layers):
        X = transformer_block(X, block(params, l), config.n_heads, mask, norm_first=True)
    logits = layer_norm(X, params["lnf_gamma"], params["lnf_beta"]) @ params["tok"].T
    return logits[0] if single else logits


def attention_maps(params, tokens, config=Config()):
    """Every head's attention weights on one sequence (n,): an array (n_layers, n_heads, n, n)."""
    from .reference import block_attention

    tokens = np.asarray(tokens)
    n = len(tokens)
    X = params["tok"][tokens] + params["pos"][:n]
    mask = causal_mask(n)
    maps = []
    for l in range(config.n_layers):
        p = block(params, l)
        maps.append(block_attention(layer_norm(X, p["ln1_gamma"], p["ln1_beta"]), p, config.n_heads, mask)[1])
        X = transformer_block(X, p, config.n_heads, mask, norm_first=True)
    return np.array(maps)


def cross_entropy(logits, targets, mask):
    """Mean of −log softmax(logits)[target] over the positions where mask is True."""
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]
    return float(-(picked * mask).sum() / mask.sum())


def loss(params, inputs, targets, mask, config=Config()):
    return cross_entropy(forward(params, inputs, config), targets, mask)


# --- the same forward pass, piece by piece, and the backward pass ---------------------------------

def _ln_forward(X, gamma, beta):
    mean = X.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(X.var(axis=-1, keepdims=True) + EPS)
    xhat = (X - mean) * rstd
    return xhat * gamma + beta, (xhat, rstd, gamma)


def _ln_backward(dY, cache):
    """LayerNorm's backward pass: (dX, dγ, dβ). With x̂ = (x − μ)/σ and g = dY ⊙ γ,
    dX = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / σ, means over the features of each token."""
    xhat, rstd, gamma = cache
    g = dY * gamma
    dX = rstd * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dX, _sum_rows(dY * xhat), _sum_rows(dY)


def _sum_rows(A):
    return A.reshape(-1, A.shape[-1]).sum(axis=0)


def _dW(X, dY):
    """The gradient of W in Y = X W + b, summed over every token of the batch: Xᵀ dY."""
    return X.reshape(-1, X.shape[-1]).T @ dY.reshape(-1, dY.shape[-1])


def _split(M, h):  # (B, n, d) -> (B, h, n, d_k)
    B, n, d = M.shape
    return M.reshape(B, n, h, d // h).transpose(0, 2, 1, 3)


def _merge(M):  # (B, h, n, d_k) -> (B, n, d)
    B, h, n, dk = M.shape
    return M.transpose(0, 2, 1, 3).reshape(B, n, h * dk)


def _block_forward(X, p, h, mask):
    """Chapter 11's pre-LN block, written out, returning (output, what the backward pass needs)."""
    a, ln1 = _ln_forward(X, p["ln1_gamma"], p["ln1_beta"])
    Q, K, V = (_split(a @ p[f"W_{c}"] + p[f"b_{c}"], h) for c in "qkv")
    dk = Q.shape[-1]
    S = np.where(mask, Q @ K.transpose(0, 1, 3, 2) / np.sqrt(dk), -np.inf)
    P = softmax(S, axis=-1)
    heads = _merge(P @ V)
    X1 = X + heads @ p["W_o"] + p["b_o"]
    c, ln2 = _ln_forward(X1, p["ln2_gamma"], p["ln2_beta"])
    U = c @ p["W_1"] + p["b_1"]
    R = np.maximum(U, 0.0)
    X2 = X1 + R @ p["W_2"] + p["b_2"]
    return X2, dict(a=a, ln1=ln1, Q=Q, K=K, V=V, P=P, heads=heads, c=c, ln2=ln2, U=U, R=R)


def _block_backward(dX2, p, cache):
    """(dX, grads of the block's parameters) from dL/d(output)."""
    g = {}
    C = cache
    # the feed-forward sublayer: X2 = X1 + ReLU(c W_1 + b_1) W_2 + b_2, c = LN₂(X1)
    g["W_2"], g["b_2"] = _dW(C["R"], dX2), _sum_rows(dX2)
    dU = (dX2 @ p["W_2"].T) * (C["U"] > 0)
    g["W_1"], g["b_1"] = _dW(C["c"], dU), _sum_rows(dU)
    dX1_ln, g["ln2_gamma"], g["ln2_beta"] = _ln_backward(dU @ p["W_1"].T, C["ln2"])
    dX1 = dX2 + dX1_ln                                     # the residual path carries dX2 straight through
    # the attention sublayer: X1 = X + Concat(P V) W_o + b_o
    g["W_o"], g["b_o"] = _dW(C["heads"], dX1), _sum_rows(dX1)
    dheads = _split(dX1 @ p["W_o"].T, C["Q"].shape[1])     # (B, h, n, d_k)
    dP = dheads @ C["V"].transpose(0, 1, 3, 2)             # o = P V (chapter 08, step 2)
    dV = C["P"].transpose(0, 1, 3, 2) @ dheads
    dS = softmax_backward(C["P"], dP) / np.sqrt(C["Q"].shape[-1])  # chapter 08, step 3; 0 where masked
    dQ = dS @ C["K"]                                       # S = Q Kᵀ / √d_k (chapter 08, step 4)
    dK = dS.transpose(0, 1, 3, 2) @ C["Q"]
    da = 0
    for name, dM in (("q", dQ), ("k", dK), ("v", dV)):
        dM = _merge(dM)
        g[f"W_{name}"], g[f"b_{name}"] = _dW(C["a"], dM), _sum_rows(dM)
        da = da + dM @ p[f"W_{name}"].T                    # a feeds Q, K and V: the three gradients add up
    dX_ln, g["ln1_gamma"], g["ln1_beta"] = _ln_backward(da, C["ln1"])
    return dX1 + dX_ln, g


def loss_and_gradients(params, inputs, targets, mask, config=Config()):
    """(loss, grads): the mean cross-entropy of the next character over the positions in ``mask``, and its
    gradient with respect to every parameter (a dict like ``params``)."""
    B, n = inputs.shape
    cmask = causal_mask(n)
    X = params["tok"][inputs] + params["pos"][:n]
    caches = []
    for l in range(config.n_layers):
        X, cache = _block_forward(X, block(params, l), config.n_heads, cmask)
        caches.append(cache)
    Y, lnf = _ln_forward(X, params["lnf_gamma"], params["lnf_beta"])
    logits = Y @ params["tok"].T
    # loss: softmax cross-entropy; its gradient with respect to the logits is (softmax − one-hot) / count
    probs = softmax(logits, axis=-1)
    count = mask.sum()
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    value = float(-np.log(np.where(mask, picked, 1.0)).sum() / count)
    dlogits = probs
    np.put_along_axis(dlogits, targets[..., None], picked[..., None] - 1.0, axis=-1)
    dlogits *= (mask / count)[..., None]
    grads = {}
    # tied read-out: logits = Y Eᵀ, so E gets a gradient here and another one from the embedding lookup
    grads["tok"] = _dW(dlogits, Y)                         # (V, d): dlogitsᵀ Y
    dX, grads["lnf_gamma"], grads["lnf_beta"] = _ln_backward(dlogits @ params["tok"], lnf)
    for l in reversed(range(config.n_layers)):
        dX, g = _block_backward(dX, block(params, l), caches[l])
        grads.update({f"{l}.{k}": v for k, v in g.items()})
    np.add.at(grads["tok"], inputs.reshape(-1), dX.reshape(-1, dX.shape[-1]))
    grads["pos"] = np.zeros_like(params["pos"])
    grads["pos"][:n] = dX.sum(axis=0)
    return value, {k: grads[k] for k in params}


# --- one BLAS thread ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _openblas():
    """(get, set) of the number of threads of the OpenBLAS that NumPy loaded, or None (another BLAS)."""
    import ctypes
    import glob
    import os

    paths = []
    if os.path.exists("/proc/self/maps"):
        with open("/proc/self/maps") as f:
            found = {line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line}
        paths = sorted(found, key=lambda path: ("numpy" not in path, path))  # NumPy's own first (SciPy has one too)
    if not paths:
        here = os.path.dirname(np.__file__)  # where NumPy's wheels keep their OpenBLAS (Linux/Windows, macOS)
        paths = glob.glob(os.path.join(here, os.pardir, "numpy*libs", "*openblas*")) + \
            glob.glob(os.path.join(here, ".dylibs", "*openblas*"))
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "_64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    return get, put
    return None


class blas_threads:
    """``with blas_threads(1):`` runs NumPy's matrix products on one thread (when NumPy uses OpenBLAS;
    otherwise it does nothing). For matrices this small, one thread is about as fast as two on an idle
    machine and much faster on a busy one; and a product computed by one thread always adds in the same
    order, so training is reproducible bit for bit on a given machine."""

    def __init__(self, n):
        self.n, self.before, self.api = n, None, None

    def __enter__(self):
        try:
            self.api = _openblas()
        except Exception:
            self.api = None
        if self.api is not None:
            get, put = self.api
            self.before = get()
            put(self.n)
        return self

    def __exit__(self, *exc):
        if self.api is not None:
            self.api[1](self.before)
        return False


# --- Adam and training -----------------------------------------------------------------------------

def adam_step(params, grads, state, lr, betas=(0.9, 0.99), eps=1e-8):
    """One step of Adam (Kingma & Ba 2015), in place on ``params`` and ``state`` {"t", "m", "v"}:
    m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − lr · m̂ / (√v̂ + ε), with the bias
    corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)."""
    b1, b2 = betas
    state["t"] += 1
    t = state["t"]
    for k, g in grads.items():
        m = state["m"].setdefault(k, np.zeros_like(g))
        v = state["v"].setdefault(k, np.zeros_like(g))
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        params[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)


EVAL_TRAIN = corpus.HELD_OUT_SENTENCES


def learning_rate(step, tc=TrainConfig()):
    """Cosine decay from tc.lr at step 1 to tc.min_lr at step tc.steps."""
    progress = (step - 1) / max(tc.steps - 1, 1)
    return tc.min_lr + 0.5 * (tc.lr - tc.min_lr) * (1 + np.cos(np.pi * min(progress, 1.0)))


@lru_cache(maxsize=1)
def datasets(n_ctx=Config.n_ctx):
    """(train, held_out), each (inputs, targets, mask) of ``make_dataset`` on chapter 12's sentences."""
    train, held_out = corpus.train_and_held_out()
    return make_dataset(train, n_ctx), make_dataset(held_out, n_ctx)


def train(config=Config(), tc=TrainConfig(), steps=None, on_step=None, init_seed=0):
    """Train from a fixed seed with Adam on minibatches of training sentences.

    Returns (params, history): history["step"], ["train_loss"] (the minibatch loss of every step),
    ["eval_step"], ["eval_train_loss"], ["eval_held_out_loss"] (the loss on the first 500 training sentences
    and on the 500 held-out ones, every ``tc.eval_every`` steps and at the end), ["seconds"]. ``on_step(step, loss)`` is
    called after every step (a progress bar). ``steps`` (default tc.steps) stops early with the same
    sequence of batches — the first 200 steps of the full run are the same 200 steps."""
    steps = tc.steps if steps is None else steps
    (x_tr, y_tr, m_tr), held = datasets(config.n_ctx)
    train_sample = (x_tr[:EVAL_TRAIN], y_tr[:EVAL_TRAIN], m_tr[:EVAL_TRAIN])  # as many as held out
    params = init_params(config, seed=init_seed)
    state = {"t": 0, "m": {}, "v": {}}
    rng = np.random.default_rng(tc.seed)
    history = {k: [] for k in ("step", "train_loss", "eval_step", "eval_train_loss", "eval_held_out_loss")}

    def evaluate(step):
        history["eval_step"].append(step)
        history["eval_train_loss"].append(loss(params, *train_sample, config))
        history["eval_held_out_loss"].append(loss(params, *held, config))

    start = time.perf_counter()
    with blas_threads(1):
        evaluate(0)
        for step in range(1, steps + 1):
            idx = rng.integers(len(x_tr), size=tc.batch_size)
            value, grads = loss_and_gradients(params, x_tr[idx], y_tr[idx], m_tr[idx], config)
            adam_step(params, grads, state, learning_rate(step, tc), tc.betas, tc.eps)
            history["step"].append(step)
            history["train_loss"].append(value)
            if step % tc.eval_every == 0 or step == steps:
                evaluate(step)
            if on_step is not None:
                on_step(step, value)
    history["seconds"] = time.perf_counter() - start
    return params, history


# --- the checkpoint ----------------------------------------------------------------------------------

CHECKPOINT = ("models", "tiny_lm.npz")


def save_checkpoint(path, params, history, config=Config(), tc=TrainConfig()):
    """Parameters (as float32: 4 bytes a number is plenty for a model that is used, not trained further),
    the loss curves and the configuration, in one compressed .npz."""
    arrays = {f"param/{k}": np.asarray(v, dtype=np.float32) for k, v in params.items()}
    arrays.update({f"history/{k}": np.asarray(v) for k, v in history.items() if k != "seconds"})
    arrays.update({f"config/{k}": np.asarray(v) for k, v in asdict(config).items()})
    arrays.update({f"train/{k}": np.asarray(v) for k, v in asdict(tc).items()})
    np.savez_compressed(path, **arrays)


@lru_cache(maxsize=1)
def _load(path):
    with np.load(path) as f:
        params = {k.split("/", 1)[1]: f[k].astype(float) for k in f.files if k.startswith("param/")}
        history = {k.split("/", 1)[1]: f[k] for k in f.files if k.startswith("history/")}
        config = Config(**{k.split("/", 1)[1]: int(f[k]) for k in f.files if k.startswith("config/")})
        train_config = {k.split("/", 1)[1]: f[k].tolist() for k in f.files if k.startswith("train/")}
    history["train_config"] = train_config
    for v in params.values():
        v.setflags(write=False)
    return params, history, config


def load_checkpoint(path=None):
    """(params, history, config) of the committed checkpoint (params read-only; copy before training)."""
    from .data import asset

    params, history, config = _load(str(path or asset(*CHECKPOINT)))
    return dict(params), {k: (v.copy() if isinstance(v, np.ndarray) else dict(v)) for k, v in history.items()}, config


# --- sampling ---------------------------------------------------------------------------------------------

def top_k_filter(logits, k):
    """All but the k largest logits along the last axis become −inf (k ≥ V keeps everything). Ties at the
    k-th value keep the one np.argsort puts last — exactly k survive."""
    logits = np.asarray(logits, dtype=float)
    V = logits.shape[-1]
    if k >= V:
        return logits.copy()
    order = np.argsort(logits, axis=-1, kind="stable")
    out = np.full_like(logits, -np.inf)
    keep = order[..., V - k:]
    np.put_along_axis(out, keep, np.take_along_axis(logits, keep, axis=-1), axis=-1)
    return out


def next_distribution(logits, temperature=1.0, top_k=None):
    """The probabilities that sampling uses: softmax(top_k_filter(logits) / T); T = 0 puts all the mass on
    the largest logit (the first one, if several are equal)."""
    logits = np.asarray(logits, dtype=float)
    if top_k:
        logits = top_k_filter(logits, top_k)
    if temperature == 0:
        out = np.zeros_like(logits)
        np.put_along_axis(out, np.argmax(logits, axis=-1)[..., None], 1.0, axis=-1)
        return out
    return softmax(logits / temperature, axis=-1)


def sample_batch(logits, temperature, rng, top_k=None):
    """One token id per row of ``logits`` (B, V): argmax for T = 0, otherwise a draw from
    ``next_distribution`` with one uniform number per row (inverse CDF)."""
    logits = np.atleast_2d(logits)
    if temperature == 0:
        return np.argmax(top_k_filter(logits, top_k) if top_k else logits, axis=-1)
    p = next_distribution(logits, temperature, top_k)
    cdf = np.cumsum(p, axis=-1)
    u = rng.random(len(p))[:, None] * cdf[:, -1:]
    return np.minimum((cdf <= u).sum(axis=-1), p.shape[-1] - 1)


def sample_next(logits, temperature, rng):
    """Exercise 12.1's reference: one token id from a 1-D row of logits at temperature T (T = 0: argmax)."""
    return int(sample_batch(np.asarray(logits, dtype=float)[None], temperature, rng)[0])


# --- the KV cache ------------------------------------------------------------------------------------------

def kv_cache_step(x, W_q, W_k, W_v, K_cache, V_cache):
    """Exercise 12.3's reference, one head without biases: the new token's x (d,) gives q, k, v; k and v
    are appended to the caches (t, d_k) and (t, d_v) as their last row; q attends to all t + 1 rows.
    Returns (output (d_v,), K_cache (t + 1, d_k), V_cache (t + 1, d_v))."""
    x = np.asarray(x, dtype=float)
    q, k, v = x @ W_q, x @ W_k, x @ W_v
    K = np.vstack([np.asarray(K_cache, dtype=float).reshape(-1, len(k)), k])
    V = np.vstack([np.asarray(V_cache, dtype=float).reshape(-1, len(v)), v])
    return softmax(K @ q / np.sqrt(len(q))) @ V, K, V


class KVCache:
    """Keys and values of every layer for the tokens seen so far, for a batch of B sequences.

    ``step(tokens)`` feeds one new token per sequence (B,) at the next position and returns the logits
    for the token after it (B, V): only the new token's q, k, v are computed, its k and v are appended,
    and its q attends to every cached key. Equal to ``forward`` on the whole prefix, at a fraction of
    the work (``macs_per_token``)."""

    def __init__(self, params, batch_size, config=Config()):
        self.params, self.config = params, config
        c = config
        shape = (batch_size, c.n_heads, 0, c.d // c.n_heads)
        self.K = [np.zeros(shape) for _ in range(c.n_layers)]
        self.V = [np.zeros(shape) for _ in range(c.n_layers)]
        self.t = 0

    def step(self, tokens):
        p, c = self.params, self.config
        if self.t >= c.n_ctx:
            raise ValueError(f"the context holds {c.n_ctx} tokens")
        x = p["tok"][np.asarray(tokens)] + p["pos"][self.t]             # (B, d)
        B = len(x)
        for l in range(c.n_layers):
            b = block(p, l)
            a = layer_norm(x, b["ln1_gamma"], b["ln1_beta"])
            q, k, v = ((a @ b[f"W_{n}"] + b[f"b_{n}"]).reshape(B, c.n_heads, 1, -1) for n in "qkv")
            self.K[l] = np.concatenate([self.K[l], k], axis=2)          # (B, h, t + 1, d_k)
            self.V[l] = np.concatenate([self.V[l], v], axis=2)
            w = softmax(q @ self.K[l].transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1]), axis=-1)  # (B, h, 1, t + 1)
            x = x + (w @ self.V[l]).reshape(B, c.d) @ b["W_o"] + b["b_o"]
            x = x + feed_forward(layer_norm(x, b["ln2_gamma"], b["ln2_beta"]), b["W_1"], b["b_1"], b["W_2"], b["b_2"])
        self.t += 1
        return layer_norm(x, p["lnf_gamma"], p["lnf_beta"]) @ p["tok"].T


def macs_per_token(t, config=Config(), cached=True):
    """Multiply–adds of the matrix products to get the logits of the t-th token (t tokens in context).

    Per layer, with a cache: q, k, v and the output projection of the new token (4 d²), its feed-forward
    network (2 d d_ff), its t scores and the weighted sum of t values (2 t d). Without a cache the whole
    prefix is recomputed: t (4 d² + 2 d d_ff) + 2 t² d (the full t × t score matrix and P V). Both read out
    one row of logits (d V). LayerNorm, softmax and the embedding lookup are not multiply–adds of matrices
    and are left out of both."""
    c = config
    per_token = 4 * c.d * c.d + 2 * c.d * c.d_ff
    if cached:
        layer = per_token + 2 * t * c.d
    else:
        layer = t * per_token + 2 * t * t * c.d
    return c.n_layers * layer + c.d * c.vocab_size


# --- writing, and measuring what is written -------------------------------------------------------------

def generate(params, n, temperature, rng, top_k=None, prompt="", config=Config(), max_new=None):
    """``n`` continuations of ``prompt`` (after a 。), sampled together with a KV cache, each up to its
    first 。 (included) or until the context is full. Returns a list of strings (the prompt not repeated)."""
    ids = encode(START + prompt)
    if len(ids) > config.n_ctx:
        raise ValueError(f"the prompt is longer than the context ({config.n_ctx - 1} characters)")
    with blas_threads(1):
        return _generate(params, n, temperature, rng, top_k, ids, config, max_new)


def _generate(params, n, temperature, rng, top_k, ids, config, max_new):
    cache = KVCache(params, n, config)
    for t in ids[:-1]:
        cache.step(np.full(n, t))
    token = np.full(n, ids[-1])
    out = np.zeros((n, 0), dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    budget = config.n_ctx - len(ids) + 1 if max_new is None else max_new
    for _ in range(budget):
        logits = cache.step(token)
        token = sample_batch(logits, temperature, rng, top_k)
        out = np.concatenate([out, token[:, None]], axis=1)
        done |= token == INDEX[START]
        if done.all() or cache.t >= config.n_ctx:
            break
    texts = []
    for row in out:
        text = decode(row)
        texts.append(text[: text.index(START) + 1] if START in text else text)
    return texts


def quality(samples, training_text):
    """Shares of ``samples``: accepted by the grammar; accepted and new (not in the training text);
    distinct (different sentences / samples)."""
    n = len(samples)
    accepted = [s for s in samples if corpus.accepts(s)]
    new = [s for s in accepted if s not in training_text]
    return {"accepted": len(accepted) / n, "new": len(new) / n, "distinct": len(set(samples)) / n}


SETTINGS = (("T = 0 (greedy)", 0.0, None), ("T = 0.5", 0.5, None), ("T = 0.8", 0.8, None), ("T = 1", 1.0, None),
            ("T = 1.5", 1.5, None), ("T = 2", 2.0, None), ("T = 1, top-k 5", 1.0, 5), ("T = 2, top-k 5", 2.0, 5))


def quality_table(params, n=500, seed=0, settings=SETTINGS, config=Config()):
    """For each (label, T, top-k) in ``settings``: ``n`` sentences sampled from the start (seed ``seed``)
    and their ``quality``. Returns a list of dicts (label, temperature, top_k, accepted, new, distinct, samples)."""
    training_text = set(corpus.train_and_held_out()[0])
    rows = []
    for label, T, k in settings:
        samples = generate(params, n, T, np.random.default_rng(seed), top_k=k, config=config)
        rows.append({"label": label, "temperature": T, "top_k": k, **quality(samples, training_text),
                     "samples": samples})
    return rows
