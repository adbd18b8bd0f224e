"""Right answers and typical mistakes for the checks of chapter 11 (The Transformer block).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks").

The wrong answers are written here independently of the check module (which has its own versions of them
to recognise), on top of the reference's pieces."""
import math

import numpy as np

from attention_course import reference as ref

relu = lambda x: np.maximum(x, 0.0)  # noqa: E731


# --- 11.1 -------------------------------------------------------------------------------------------

def _ln(X, gamma, beta, eps=1e-5, axis=-1, ddof=0, eps_at="inside", affine="right", center=True):
    mu = X.mean(axis=axis, keepdims=True) if center else 0
    sd = {"inside": lambda v: np.sqrt(v + eps), "outside": lambda v: np.sqrt(v) + eps,
          "none": np.sqrt, "fixed": lambda v: np.sqrt(v + 1e-5)}[eps_at](X.var(axis=axis, keepdims=True, ddof=ddof))
    Z = (X - mu) / sd
    return {"right": Z * gamma + beta, "none": Z, "gamma": Z * gamma, "beta": Z + beta, "swapped": Z * beta + gamma}[affine]


def _ln_no_keepdims(X, gamma, beta, eps=1e-5):
    return (X - X.mean(axis=-1)) / np.sqrt(X.var(axis=-1) + eps) * gamma + beta


NOTEBOOK_ONES, NOTEBOOK_ZEROS = np.ones(6), np.zeros(6)  # chapter 11's `ones` and `zeros`: d = 6 there


def _ln_with_globals(X, gamma, beta, eps=1e-5):
    """The notebook's ones and zeros instead of the gamma and beta arguments."""
    return _ln(X, NOTEBOOK_ONES, NOTEBOOK_ZEROS, eps)


def _rms_norm(X, gamma, beta, eps=1e-5):
    return X / np.sqrt((X ** 2).mean(axis=-1, keepdims=True) + eps) * gamma + beta


# --- 11.2 -------------------------------------------------------------------------------------------

def _gelu(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# --- 11.3 -------------------------------------------------------------------------------------------

def _zeroed(params, *names):
    p = dict(params)
    for name in names:
        p[name] = np.zeros_like(p[name])
    return p


def _renamed(params, ln_a, ln_b):
    """LayerNorm 1 gets the parameters of ln_a, LayerNorm 2 those of ln_b."""
    p = dict(params)
    p["ln1_gamma"], p["ln1_beta"] = params[f"{ln_a}_gamma"], params[f"{ln_a}_beta"]
    p["ln2_gamma"], p["ln2_beta"] = params[f"{ln_b}_gamma"], params[f"{ln_b}_beta"]
    return p


def _pieces(p, n_heads, mask):
    def ln(Y, k):
        return ref.layer_norm(Y, p[f"ln{k}_gamma"], p[f"ln{k}_beta"])

    def mha(Y):
        return ref.block_attention(Y, p, n_heads, mask)[0]

    def ffn(Y):
        return ref.feed_forward(Y, p["W_1"], p["b_1"], p["W_2"], p["b_2"])

    return ln, mha, ffn


def _block_wiring(wiring):
    """A block whose pre-LN path is wired by ``wiring(X, ln, mha, ffn)``; post-LN stays right."""
    def block(X, params, n_heads, mask=None, norm_first=True):
        if not norm_first:
            return ref.transformer_block(X, params, n_heads, mask, norm_first=False)
        return wiring(X, *_pieces(params, n_heads, mask))
    return block


def _post_wiring(wiring):
    """A block whose post-LN path is wired by ``wiring(X, ln, mha, ffn)``; pre-LN stays right."""
    def block(X, params, n_heads, mask=None, norm_first=True):
        if norm_first:
            return ref.transformer_block(X, params, n_heads, mask, norm_first=True)
        return wiring(X, *_pieces(params, n_heads, mask))
    return block


def _block_sqrt_d(X, params, n_heads, mask=None, norm_first=True):
    """Every head's scores divided by √d instead of √d_k: the same as scaling the queries by √(d_k / d)."""
    p = dict(params)
    shrink = math.sqrt(1 / n_heads)
    p["W_q"], p["b_q"] = params["W_q"] * shrink, params["b_q"] * shrink
    return ref.transformer_block(X, p, n_heads, mask, norm_first)


def _block_no_w_o(X, params, n_heads, mask=None, norm_first=True):
    p = dict(params)
    p["W_o"] = np.eye(len(p["W_o"]))
    return ref.transformer_block(X, p, n_heads, mask, norm_first)


def _block_scaled(divisor):
    """Every head's scores divided by divisor(d_k) instead of √d_k: the queries scaled by √d_k / divisor(d_k)."""
    def block(X, params, n_heads, mask=None, norm_first=True):
        d_k = len(params["W_q"]) // n_heads
        p = dict(params)
        p["W_q"], p["b_q"] = params["W_q"] * math.sqrt(d_k) / divisor(d_k), params["b_q"] * math.sqrt(d_k) / divisor(d_k)
        return ref.transformer_block(X, p, n_heads, mask, norm_first)
    return block


def _block_gelu(X, params, n_heads, mask=None, norm_first=True):
    ln, mha, _ = _pieces(params, n_heads, mask)

    def ffn(Y):
        return _gelu(Y @ params["W_1"] + params["b_1"]) @ params["W_2"] + params["b_2"]

    if norm_first:
        H = X + mha(ln(X, 1))
        return H + ffn(ln(H, 2))
    H = ln(X + mha(X), 1)
    return ln(H + ffn(H), 2)


def _block_ln_no_affine(X, params, n_heads, mask=None, norm_first=True):
    p = dict(params)
    for k in (1, 2):
        p[f"ln{k}_gamma"], p[f"ln{k}_beta"] = np.ones_like(p[f"ln{k}_gamma"]), np.zeros_like(p[f"ln{k}_beta"])
    return ref.transformer_block(X, p, n_heads, mask, norm_first)


def _block_no_ffn_relu(X, params, n_heads, mask=None, norm_first=True):
    ln, mha, _ = _pieces(params, n_heads, mask)

    def ffn(Y):
        return (Y @ params["W_1"] + params["b_1"]) @ params["W_2"] + params["b_2"]

    if norm_first:
        H = X + mha(ln(X, 1))
        return H + ffn(ln(H, 2))
    H = ln(X + mha(X), 1)
    return ln(H + ffn(H), 2)


def _block_invert_mask(X, params, n_heads, mask=None, norm_first=True):
    return ref.transformer_block(X, params, n_heads, None if mask is None else ~np.asarray(mask), norm_first)


def _block_always_causal(X, params, n_heads, mask=None, norm_first=True):
    """mask=None read as "causal": every block gets a causal mask, asked for or not."""
    return ref.transformer_block(X, params, n_heads, ref.causal_mask(len(X)) if mask is None else mask, norm_first)


def _block_no_output_projection(X, params, n_heads, mask=None, norm_first=True):
    p = dict(params)
    p["W_o"], p["b_o"] = np.eye(len(p["W_o"])), np.zeros_like(p["b_o"])
    return ref.transformer_block(X, p, n_heads, mask, norm_first)


def _block_heads_by_rows(X, params, n_heads, mask=None, norm_first=True):
    """Heads split with reshape(h, n, d_k) — h blocks of rows, not of columns — and merged back the same way."""
    p = params

    def mha(Y):
        n, d = Y.shape
        Q, K, V = ((Y @ p[f"W_{c}"] + p[f"b_{c}"]).reshape(n_heads, n, d // n_heads) for c in "qkv")
        heads, _ = ref.scaled_dot_product_attention(Q, K, V, mask=mask)
        return heads.reshape(n, d) @ p["W_o"] + p["b_o"]

    ln, _, ffn = _pieces(p, n_heads, mask)
    if norm_first:
        H = X + mha(ln(X, 1))
        return H + ffn(ln(H, 2))
    H = ln(X + mha(X), 1)
    return ln(H + ffn(H), 2)


def _unit_ln(Y):
    return ref.layer_norm(Y, np.ones(Y.shape[-1]), np.zeros(Y.shape[-1]))


RIGHT = {
    "11.1": ref.layer_norm,
    "11.2": ref.feed_forward,
    "11.3": ref.transformer_block,
}

MISTAKES = {
    "11.1": [
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, axis=0), "over-tokens", "over the tokens"),
        (lambda X, g, b, eps=1e-5: (X - X.mean()) / np.sqrt(X.var() + eps) * g + b, "whole-array",
         "one mean and one variance for the whole array"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, ddof=1), "unbiased-variance", "unbiased variance"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, eps_at="outside"), "eps-outside-root",
         "added after the square root"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, eps_at="none"), "no-eps", "eps is missing"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, eps_at="fixed"), "eps-ignored", "eps argument was ignored"),
        (lambda X, g, b, eps=1e-5: (X - X.mean(-1, keepdims=True)) / (X.var(-1, keepdims=True) + eps) * g + b,
         "divided-by-variance", "divided by the variance"),
        (_rms_norm, "rms-norm", "RMSNorm"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, center=False), "no-centering", "mean was not subtracted"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, affine="none"), "no-gamma-beta", "γ and β were not used"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, affine="beta"), "no-gamma", "gamma is missing"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, affine="gamma"), "no-beta", "beta is missing"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps, affine="swapped"), "gamma-beta-swapped", "swapped"),
        (lambda X, g, b, eps=1e-5: _ln(X * g + b, 1, 0, eps), "affine-first", "applied before normalising"),
        (_ln_no_keepdims, "keepdims", "keepdims=True"),
        (_ln_with_globals, "used-globals", "not with arrays defined outside the function"),
        (lambda X, g, b, eps=1e-6: _ln(X, g, b, eps), "eps-default", "eps ≈ 1e-06, not 1e-5"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, 1e-3), "eps-default", "eps ≈ 1e-03"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, 1e-5 if eps == 1e-5 else 1e-2), "eps-ignored", "eps ≈ 1e-02"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps) + 1e-5 * (X > 2), "other", "They differ most in row 0"),
        (lambda X, g, b, eps=1e-5: (_ln(X, g, b, eps), X.mean(-1)), "returned-tuple", "returned a tuple"),
        (lambda X, g, b, eps=1e-5: _ln(X, g, b, eps).mean(-1), "reduced", "keeps the shape of X"),
    ],
    "11.2": [
        (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2, "no-relu", "there is no ReLU"),
        (lambda X, W1, b1, W2, b2: relu((X @ W1 + b1) @ W2 + b2), "relu-at-output", "on the output"),
        (lambda X, W1, b1, W2, b2: relu(relu(X @ W1 + b1) @ W2 + b2), "relu-twice", "applied twice"),
        (lambda X, W1, b1, W2, b2: (relu(X) @ W1 + b1) @ W2 + b2, "relu-on-input", "on the input X"),
        (lambda X, W1, b1, W2, b2: (relu(X @ W1) + b1) @ W2 + b2, "relu-before-bias", "before b_1 was added"),
        (lambda X, W1, b1, W2, b2: relu(X @ W1) @ W2, "no-biases", "both biases are missing"),
        (lambda X, W1, b1, W2, b2: relu(X @ W1) @ W2 + b2, "no-b1", "b_1 is missing"),
        (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2, "no-b2", "b_2 is missing"),
        (lambda X, W1, b1, W2, b2: _gelu(X @ W1 + b1) @ W2 + b2, "gelu", "GELU"),
        (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2, "tanh", "you used tanh"),
        (lambda X, W1, b1, W2, b2: X + relu(X @ W1 + b1) @ W2 + b2, "added-residual", "belongs to the block"),
        (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1), "returned-hidden", "that is the hidden layer"),
        (lambda X, W1, b1, W2, b2: (relu(X @ W1 + b1) @ W2 + b2, W1), "returned-tuple", "returned a tuple"),
    ],
    "11.3": [
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: ln(H, 2) + ffn(ln(H, 2)))(ln(X, 1) + mha(ln(X, 1)))),
         "residual-from-normalised", "adds the *normalised* input"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: H + ffn(ln(H, 2)))(mha(ln(X, 1)))),
         "no-residual-attention", "around the attention sub-layer is missing"),
        (_block_wiring(lambda X, ln, mha, ffn: ffn(ln(X + mha(ln(X, 1)), 2))),
         "no-residual-ffn", "around the feed-forward sub-layer is missing"),
        (_block_wiring(lambda X, ln, mha, ffn: ffn(ln(mha(ln(X, 1)), 2))), "no-residuals", "no residual connection"),
        (_post_wiring(lambda X, ln, mha, ffn: (lambda H: ln(ffn(H), 2))(ln(mha(X), 1))), "no-residuals",
         "no residual connection"),
        (_block_wiring(lambda X, ln, mha, ffn: X + mha(ln(X, 1)) + ffn(ln(X, 2))), "parallel-sublayers",
         "read the block's input X"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: ln(H + ffn(H), 2))(X + mha(ln(X, 1)))), "mixed-pre-post",
         "the feed-forward one is post-LN"),
        (_post_wiring(lambda X, ln, mha, ffn: (lambda H: H + ln(ffn(H), 2))(X + ln(mha(X), 1))), "norm-before-add",
         "normalised the sub-layer's output"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, h, mask, norm_first=True),
         "norm-first-ignored", "norm_first=False was ignored"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, h, mask, norm_first=False),
         "always-post-ln", "computed a post-LN block"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, h, mask, norm_first=not norm_first),
         "norm-first-inverted", "the wrong way round"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, h, None, norm_first),
         "mask-ignored", "the mask was ignored"),
        (_block_invert_mask, "mask-inverted", "the mask is inverted"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, _renamed(p, "ln1", "ln1"), h, mask,
                                                                           norm_first),
         "one-layernorm", "both LayerNorms used ln1's"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, _renamed(p, "ln2", "ln1"), h, mask,
                                                                           norm_first),
         "layernorms-swapped", "the two LayerNorms are swapped"),
        (_block_ln_no_affine, "ln-no-affine", "ignored their γ and β"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(
            X, _zeroed(p, "b_q", "b_k", "b_v", "b_o"), h, mask, norm_first), "attention-no-biases",
         "attention biases"),
        (_block_no_w_o, "no-w-o", "not projected with W_o"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, 1, mask, norm_first),
         "heads-ignored", "one head of size d"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, 2, mask, norm_first),
         "n-heads-ignored", "whatever n_heads was"),
        (_block_sqrt_d, "sqrt-d-model", "divided by √d (the model width)"),
        (_block_no_ffn_relu, "ffn-no-relu", "no ReLU on its hidden layer"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, _zeroed(p, "b_1", "b_2"), h, mask,
                                                                           norm_first),
         "ffn-no-biases", "left out b_1 and b_2"),
        (lambda X, p, h, mask=None, norm_first=True: (ref.transformer_block(X, p, h, mask, norm_first), None),
         "returned-tuple", "return only the block's output"),
        (lambda X, p, h, mask=None, norm_first=True: p.update(W_o=p["W_o"] * 0) or ref.transformer_block(
            X, p, h, mask, norm_first), "mutated-input", "changed the params dictionary"),
        (_block_scaled(lambda d_k: 1.0), "unscaled", "not divided by √d_k"),
        (_block_scaled(lambda d_k: d_k), "divided-by-d_k", "divide by its square root"),
        (_block_gelu, "ffn-gelu", "used GELU"),
        (_block_always_causal, "mask-always-causal", "mask=None means no mask"),
        (_block_no_output_projection, "no-w-o", "neither W_o nor b_o"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(
            X, _zeroed(p, "b_q", "b_k", "b_v"), h, mask, norm_first), "attention-no-biases", "b_q, b_k and b_v"),
        (_block_heads_by_rows, "heads-split-rows", "reshape(h, n, d_k)"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: H + mha(ln(H, 1)))(X + ffn(ln(X, 2)))), "ffn-first",
         "the attention sub-layer comes first"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: ln(H + ffn(ln(H, 2)), 2))(X + mha(ln(X, 1)))),
         "extra-layernorm", "one LayerNorm too many"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: _unit_ln(H + ffn(ln(H, 2))))(X + mha(ln(X, 1)))),
         "extra-layernorm", "one LayerNorm too many"),
        (_post_wiring(lambda X, ln, mha, ffn: (lambda H: ln(H + ffn(H), 2))(X + mha(X))), "missing-layernorm",
         "LayerNorm is missing"),
        (_block_wiring(lambda X, ln, mha, ffn: (lambda H: H + ffn(ln(H, 2)))(X + ln(mha(X), 1))), "norm-before-add",
         "X + LN₁(MHA(X))"),
        (_post_wiring(lambda X, ln, mha, ffn: (lambda H: ln(H + ffn(H), 2))(X + ln(mha(X), 1))), "norm-before-add",
         "X + LN₁(MHA(X))"),
        (lambda X, p, h, mask=None, norm_first=True: ref.transformer_block(X, p, h, mask, norm_first) + 1e-3,
         "other", "your block's output differs"),
    ],
}
