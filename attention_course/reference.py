"""Reference implementations: the maths the checks and the later chapters use.

Row convention throughout (as in the Transformer paper): a sequence is an array
of shape ``(n, d)`` with one token per row, and ``Q = X @ W_q``. Every function
here is numerically stable: no overflow for large scores, no ``nan`` for masked
entries, no division by zero for a tiny sigma. (The one ``nan`` is on purpose: the
cosine of a zero vector, which has no direction, in ``cosine_scores``.)

A chapter always writes its own maths out in its cells; these are the versions
that the checks compare a student's answer against, and that later chapters use
so that an unfinished exercise never breaks them.
"""
import numpy as np

__all__ = [
    "softmax",
    "scaled_dot_product_attention",
    "multi_head_attention",
    "sinusoidal_positions",
    "causal_mask",
    "crisp_average",
    "gaussian_weights",
    "attention_pool",
    "dot_scores",
    "cosine_scores",
    "neg_sq_distance_scores",
    "additive_scores",
    "softmax_with_temperature",
    "temperature_for_51_49",
    "entropy",
    "attend",
    "attention_columns",
    "self_attention",
    "self_attention_qkv",
    "most_attended_word",
    "split_heads",
    "graph_mask",
    "softmax_backward",
    "cross_attention",
    "attention_pooling",
    "fit_exponent",
    "local_mask",
    "local_attention",
    "layer_norm",
    "feed_forward",
    "block_attention",
    "transformer_block",
    "random_block_params",
]


# --- the core API --------------------------------------------------------------------------

def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, computed stably.

    The maximum is subtracted first (softmax(x + c) = softmax(x)), so large
    scores never overflow. Entries equal to ``-inf`` get weight 0. A slice in
    which every entry is ``-inf`` (nothing may be attended to) gets all-zero
    weights rather than ``nan``.
    """
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(x - m)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q Kᵀ / √d_k) V.

    Q: (..., n, d_k), K: (..., m, d_k), V: (..., m, d_v).
    mask: optional boolean array broadcastable to (..., n, m); True means query i
    may attend to key j. Masked scores become -inf *before* the softmax.
    Returns (output of shape (..., n, d_v), weights of shape (..., n, m)).
    """
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights


def multi_head_attention(X, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Concat(head_1, ..., head_h) W_o with head_i = Attention(X W_q^i, X W_k^i, X W_v^i).

    X: (n, d_model). W_q, W_k, W_v, W_o: (d_model, d_model), row convention
    (``X @ W_q``); head i uses columns ``i*d_k:(i+1)*d_k`` of W_q, W_k and W_v,
    with d_k = d_model / n_heads, and scores are scaled by √d_k (per head).
    mask: optional boolean (n, n), True = may attend, shared by all heads.
    Returns (output (n, d_model), weights (n_heads, n, n)).
    """
    X = np.asarray(X, dtype=float)
    n, d_model = X.shape
    if n_heads < 1 or d_model % n_heads:
        raise ValueError(f"n_heads={n_heads} does not divide d_model={d_model}")
    d_k = d_model // n_heads

    def split(M):  # (n, d_model) -> (h, n, d_k)
        return M.reshape(n, n_heads, d_k).transpose(1, 0, 2)

    Q, K, V = split(X @ W_q), split(X @ W_k), split(X @ W_v)
    heads, weights = scaled_dot_product_attention(Q, K, V, mask=mask)
    concat = heads.transpose(1, 0, 2).reshape(n, d_model)
    return concat @ np.asarray(W_o, dtype=float), weights


def sinusoidal_positions(n, d):
    """The Transformer's positional encodings, shape (n, d), interleaved.

    Column 2i is sin(pos / 10000^(2i/d)) and column 2i+1 is cos of the same
    angle (Vaswani et al. 2017, §3.5).
    """
    pos = np.arange(n)[:, None]
    two_i = np.arange(0, d, 2)[None, :]
    angle = pos / np.power(10000.0, two_i / d)
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d // 2])
    return pe


def causal_mask(n):
    """Boolean (n, n): True where token i may attend to token j, i.e. j <= i."""
    return np.tril(np.ones((n, n), dtype=bool))


# --- chapter 01: a weighted average ---------------------------------------------------------

def crisp_average(ages, incomes, low, high):
    """Mean income of the people whose age is in [low, high] (bounds included).

    Raises ValueError (saying so) when nobody is in the range: the average of nobody is undefined."""
    ages, incomes = np.asarray(ages, dtype=float), np.asarray(incomes, dtype=float)
    inside = (ages >= low) & (ages <= high)
    if not inside.any():
        raise ValueError(f"nobody is between {low} and {high}: the average of nobody is undefined")
    return float(incomes[inside].mean())


def gaussian_weights(query, keys, sigma):
    """softmax(-(query - key)² / (2 σ²)) over the keys: one weight per key, summing to 1.

    Finite for any σ > 0, however small (the largest score is subtracted before exp); σ = 0 is undefined."""
    keys = np.asarray(keys, dtype=float)
    return softmax(-((query - keys) ** 2) / (2.0 * sigma**2))


def attention_pool(query, keys, values, sigma):
    """The Nadaraya–Watson estimate: the values averaged with Gaussian weights."""
    return float(gaussian_weights(query, keys, sigma) @ np.asarray(values, dtype=float))


# --- chapter 02: similarity ---------------------------------------------------------------------

def dot_scores(q, K):
    """One score per key (row of K): q · k_j. Shapes: q (d,), K (m, d) -> (m,)."""
    return np.asarray(K, dtype=float) @ np.asarray(q, dtype=float)


def cosine_scores(q, K):
    """Cosine similarity of q with each row of K: q · k_j / (|q| |k_j|), shape (m,).

    A zero vector has no direction: if q is zero, every score is nan, and a zero key gets nan (0/0, with
    NumPy's "invalid value" warning)."""
    q, K = np.asarray(q, dtype=float), np.asarray(K, dtype=float)
    return K @ q / (np.linalg.norm(K, axis=1) * np.linalg.norm(q))


def neg_sq_distance_scores(q, K):
    """-|q - k_j|² for each row of K, shape (m,)."""
    q, K = np.asarray(q, dtype=float), np.asarray(K, dtype=float)
    return -np.sum((K - q) ** 2, axis=1)


def additive_scores(q, K, W_q, W_k, v):
    """Additive (perceptron, Bahdanau) scores vᵀ tanh(W_q q + W_k k_j), shape (m,).

    q (d,), K (m, d), W_q and W_k (h, d), v (h,)."""
    q, K = np.asarray(q, dtype=float), np.asarray(K, dtype=float)
    return np.tanh(K @ np.asarray(W_k, dtype=float).T + np.asarray(W_q, dtype=float) @ q) @ np.asarray(v, dtype=float)


# --- chapter 03: softmax and temperature -------------------------------------------------------

def softmax_with_temperature(x, T):
    """softmax(x / T) along the last axis, for a temperature T > 0: T > 1 flattens, T < 1 sharpens.

    Stable for any T > 0 (the softmax subtracts the maximum), e.g. T = 0.01 on scores near 50."""
    return softmax(np.asarray(x, dtype=float) / T, axis=-1)


def temperature_for_51_49():
    """The T with softmax([51, 49] / T) = [0.51, 0.49]: e^(2/T) = 51/49, so T = 2 / ln(51/49)."""
    return 2.0 / np.log(51.0 / 49.0)


def entropy(p, axis=-1):
    """Shannon entropy (nats) of probability vectors along ``axis``; 0 log 0 counts as 0."""
    p = np.asarray(p, dtype=float)
    logp = np.log(np.where(p > 0, p, 1.0))
    return -np.sum(p * logp, axis=axis) + 0.0  # + 0.0 turns -0.0 into 0.0


# --- chapter 04: query, key, value -------------------------------------------------------------

def attend(q, K, V):
    """One query against many key-value pairs: softmax(K q / √d_k) V, shape (d_v,)."""
    q, K, V = (np.asarray(a, dtype=float) for a in (q, K, V))
    return softmax(K @ q / np.sqrt(q.shape[-1])) @ V


def attention_columns(Qc, Kc, Vc):
    """The column convention: tokens are columns. Qc (d_k, n), Kc (d_k, m), Vc (d_v, m) -> (d_v, n).

    A = Kcᵀ Qc / √d_k has one *column* per query; softmax runs down each column; output = Vc A'.
    It is the transpose of the row form: attention_columns(Q.T, K.T, V.T) == attention(Q, K, V).T."""
    Qc, Kc, Vc = (np.asarray(a, dtype=float) for a in (Qc, Kc, Vc))
    A = Kc.T @ Qc / np.sqrt(Qc.shape[0])
    return Vc @ softmax(A, axis=0)


# --- chapter 05: self-attention ----------------------------------------------------------------

def self_attention(X):
    """Q = K = V = X: softmax(X Xᵀ / √d) X. Returns (output (n, d), weights (n, n))."""
    X = np.asarray(X, dtype=float)
    return scaled_dot_product_attention(X, X, X)


def self_attention_qkv(X, W_q, W_k, W_v):
    """Self-attention with projections Q = X W_q, K = X W_k, V = X W_v. Returns (output, weights)."""
    X = np.asarray(X, dtype=float)
    return scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v)


def most_attended_word(tokens, weights, word):
    """The token, other than ``word`` itself, that ``word`` attends to most (row of ``word`` in weights)."""
    i = list(tokens).index(word)
    row = np.array(weights[i], dtype=float)
    row[i] = -np.inf
    return tokens[int(np.argmax(row))]


# --- chapter 06: multi-head attention ----------------------------------------------------------

def split_heads(X, n_heads):
    """(n, d_model) -> (n_heads, n, d_k): head i gets columns i*d_k:(i+1)*d_k, d_k = d_model / n_heads."""
    X = np.asarray(X, dtype=float)
    n, d_model = X.shape
    if n_heads < 1 or d_model % n_heads:
        raise ValueError(f"n_heads={n_heads} does not divide d_model={d_model}")
    return X.reshape(n, n_heads, d_model // n_heads).transpose(1, 0, 2)


# --- chapter 07: order and masks ---------------------------------------------------------------

def graph_mask(adjacency):
    """Boolean (n, n): True where an edge joins i and j, and on the diagonal (a node attends to itself)."""
    A = np.asarray(adjacency) != 0
    return A | np.eye(len(A), dtype=bool)


# --- chapter 08: learning ---------------------------------------------------------------------

def softmax_backward(p, grad_p):
    """The gradient with respect to the scores, given p = softmax(scores) along the last axis and
    grad_p = dL/dp: dL/ds = p ⊙ (grad_p − Σ_j p_j grad_p_j). (The model of chapter 08 is in learning.py.)"""
    p, grad_p = np.asarray(p, dtype=float), np.asarray(grad_p, dtype=float)
    return p * (grad_p - np.sum(p * grad_p, axis=-1, keepdims=True))


# --- chapter 09: beyond self-attention --------------------------------------------------------

def cross_attention(h, S):
    """One decoder state h (d,) asks the encoder states S (m, d), which are both keys and values.
    Returns (weights (m,) = softmax(S h / √d), context (d,) = weights @ S)."""
    h, S = np.asarray(h, dtype=float), np.asarray(S, dtype=float)
    weights = softmax(S @ h / np.sqrt(h.shape[0]))
    return weights, weights @ S


def attention_pooling(H, W1, w2):
    """Self-attentive sentence embedding (Lin et al. 2017): a = softmax(w2ᵀ tanh(W1 Hᵀ)), c = a H.
    H (n, d), W1 (d_a, d), w2 (d_a,). Returns (c (d,), a (n,))."""
    H = np.asarray(H, dtype=float)
    a = softmax(np.asarray(w2, dtype=float) @ np.tanh(np.asarray(W1, dtype=float) @ H.T))
    return a @ H, a


# --- chapter 10: the cost of attention ---------------------------------------------------------

def fit_exponent(n, t):
    """The k of t ≈ c · n^k: the slope of a straight line fitted to (log n, log t)."""
    return float(np.polyfit(np.log(np.asarray(n, dtype=float)), np.log(np.asarray(t, dtype=float)), 1)[0])


def local_mask(n, window):
    """Boolean (n, n): True where |i − j| ≤ window (each token sees its neighbours up to ``window`` away)."""
    i = np.arange(n)
    return np.abs(i[:, None] - i[None, :]) <= window


def local_attention(Q, K, V, window):
    """Attention restricted to |i − j| ≤ window, computing only those (2·window + 1) scores per query:
    O(n · window · d) time and memory instead of O(n² · d). Equals scaled_dot_product_attention with
    mask=local_mask(n, window). Q, K: (n, d_k), V: (n, d_v). Returns (output (n, d_v), band weights
    (n, 2·window + 1), column k holding key i − window + k, 0 where that key does not exist)."""
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    n, d = Q.shape
    offsets = np.arange(-window, window + 1)
    idx = np.arange(n)[:, None] + offsets[None, :]          # (n, 2w+1): which key each band slot holds
    valid = (idx >= 0) & (idx < n)
    idx = np.clip(idx, 0, n - 1)
    scores = np.einsum("nd,nkd->nk", Q, K[idx]) / np.sqrt(d)
    weights = softmax(np.where(valid, scores, -np.inf), axis=-1)
    return np.einsum("nk,nkd->nd", weights, V[idx]), weights


# --- chapter 11: the Transformer block ---------------------------------------------------------

def layer_norm(X, gamma, beta, eps=1e-5):
    """LayerNorm of each token (row) over its features: (x − mean) / √(var + eps) · γ + β.

    The variance is the biased one (divided by d, not d − 1), and eps sits inside the square root,
    as in Ba et al. (2016) and torch.nn.LayerNorm. X: (..., d); gamma, beta: (d,)."""
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=-1, keepdims=True)
    var = X.var(axis=-1, keepdims=True)
    return (X - mean) / np.sqrt(var + eps) * np.asarray(gamma, dtype=float) + np.asarray(beta, dtype=float)


def feed_forward(X, W_1, b_1, W_2, b_2):
    """The position-wise feed-forward network: ReLU(X W_1 + b_1) W_2 + b_2, applied to every token alone.

    X: (..., d), W_1: (d, d_ff), b_1: (d_ff,), W_2: (d_ff, d), b_2: (d,)."""
    X = np.asarray(X, dtype=float)
    return np.maximum(X @ np.asarray(W_1, dtype=float) + b_1, 0.0) @ np.asarray(W_2, dtype=float) + b_2


def block_attention(X, params, n_heads, mask=None):
    """Multi-head self-attention with biases, as inside a Transformer block: Q = X W_q + b_q (likewise K, V),
    heads as in ``multi_head_attention``, output Concat(heads) W_o + b_o.

    X: (..., n, d). Returns (output (..., n, d), weights (..., n_heads, n, n))."""
    X = np.asarray(X, dtype=float)
    *lead, n, d = X.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"n_heads={n_heads} does not divide d={d}")
    d_k = d // n_heads

    def split(M):  # (..., n, d) -> (..., h, n, d_k)
        return np.swapaxes(M.reshape(*lead, n, n_heads, d_k), -2, -3)

    Q, K, V = (split(X @ params[f"W_{c}"] + params[f"b_{c}"]) for c in "qkv")
    heads, weights = scaled_dot_product_attention(Q, K, V, mask=mask)
    concat = np.swapaxes(heads, -2, -3).reshape(*lead, n, d)
    return concat @ params["W_o"] + params["b_o"], weights


def transformer_block(X, params, n_heads, mask=None, norm_first=True):
    """One Transformer (encoder) block in the row convention.

    Pre-LN (``norm_first=True``, GPT-2 and most models since):
        X = X + MHA(LN₁(X));  X = X + FFN(LN₂(X))
    Post-LN (``norm_first=False``, Vaswani et al. 2017):
        X = LN₁(X + MHA(X));  X = LN₂(X + FFN(X))

    ``params``: W_q, W_k, W_v, W_o (d, d); b_q, b_k, b_v, b_o (d,); ln1_gamma, ln1_beta, ln2_gamma,
    ln2_beta (d,); W_1 (d, d_ff), b_1 (d_ff,), W_2 (d_ff, d), b_2 (d,). ``mask``: boolean (n, n),
    True = may attend. LayerNorm eps is 1e-5. It equals torch.nn.TransformerEncoderLayer(d, n_heads,
    d_ff, dropout=0, batch_first=True, norm_first=...) loaded with the transposed weights.
    X: (..., n, d); returns the same shape."""
    X = np.asarray(X, dtype=float)
    p = params

    def ln(Y, k):
        return layer_norm(Y, p[f"ln{k}_gamma"], p[f"ln{k}_beta"])

    def ffn(Y):
        return feed_forward(Y, p["W_1"], p["b_1"], p["W_2"], p["b_2"])

    if norm_first:
        X = X + block_attention(ln(X, 1), p, n_heads, mask)[0]
        return X + ffn(ln(X, 2))
    X = ln(X + block_attention(X, p, n_heads, mask)[0], 1)
    return ln(X + ffn(X), 2)


def random_block_params(d, d_ff, seed=0, scale=None):
    """Parameters of one Transformer block, drawn with a fixed seed: weights ~ N(0, scale²) with scale
    1/√(fan-in) by default, biases and β zero, γ one."""
    rng = np.random.default_rng(seed)

    def w(rows, cols):
        return rng.normal(size=(rows, cols)) * (scale if scale is not None else 1 / np.sqrt(rows))

    params = {f"W_{c}": w(d, d) for c in "qkvo"}
    params.update({f"b_{c}": np.zeros(d) for c in "qkvo"})
    params.update(W_1=w(d, d_ff), b_1=np.zeros(d_ff), W_2=w(d_ff, d), b_2=np.zeros(d))
    for k in (1, 2):
        params[f"ln{k}_gamma"], params[f"ln{k}_beta"] = np.ones(d), np.zeros(d)
    return params
