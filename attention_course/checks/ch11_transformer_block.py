"""Checks for chapter 11: the Transformer block — LayerNorm, the feed-forward network, and the block.

Every test case has its sizes different (LayerNorm: n = 3 tokens, d = 5 features, and n = 2, d = 4; the FFN: n = 3, d = 4,
d_ff = 7; the block: n = 5, d = 8, h = 2 heads of d_k = 4, d_ff = 12), so that normalising over the wrong
axis, a transpose or scaling by the wrong size cannot pass by a coincidence of shapes. Every γ, β and bias
is non-trivial (γ ≠ 1, β ≠ 0, biases ≠ 0), so that forgetting one of them changes the numbers, and one
LayerNorm row has a tiny variance (≈ 1e-6, below eps = 1e-5), where eps inside or outside the square
root makes a visible difference.
"""
import copy

import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(11)

# --- 11.1 LayerNorm -----------------------------------------------------------------------------

LN_N, LN_D = 3, 5
LN_X = _RNG.normal(size=(LN_N, LN_D)) * np.array([[1.0], [3.0], [0.5]]) + np.array([[2.0], [-1.0], [0.5]])
LN_GAMMA = 1.0 + 0.5 * _RNG.normal(size=LN_D)
LN_BETA = 0.5 * _RNG.normal(size=LN_D)
# row 0: almost constant (standard deviation ≈ 1e-3, variance ≈ 1e-6 < eps); row 1: an ordinary row
LN_TINY = np.array([[1.0, 1.001, 0.999, 1.0015, 0.9985], [0.3, -1.2, 2.0, 0.7, -0.4]])
# another width, d = 4 (n = 2): γ and β of another length, so that a layer_norm that uses arrays from outside the
# function (the notebook's ones and zeros, say) instead of its gamma and beta arguments cannot pass
LN_X4 = _RNG.normal(size=(2, 4)) * 2.0 - 0.5
LN_GAMMA4 = 1.0 + 0.5 * _RNG.normal(size=4)
LN_BETA4 = 0.5 * _RNG.normal(size=4)
# a square X (d = n = 5): a missing keepdims broadcasts there without an error, arrays of another length do not
LN_SQUARE = _RNG.normal(size=(LN_D, LN_D))


def _standardise(X, eps, axis=-1, ddof=0, where="inside", center=True, rms=False):
    mean = X.mean(axis=axis, keepdims=True) if center else 0.0
    if rms:
        return X / np.sqrt((X ** 2).mean(axis=axis, keepdims=True) + eps)
    var = X.var(axis=axis, keepdims=True, ddof=ddof)
    if where == "inside":
        return (X - mean) / np.sqrt(var + eps)
    if where == "outside":
        return (X - mean) / (np.sqrt(var) + eps)
    if where == "none":
        return (X - mean) / np.sqrt(var)
    return (X - mean) / (var + eps)  # "variance": divided by the variance, not its square root


def _ln_mistakes(desc, eps):
    def affine(Z, g, b):
        return Z * g + b

    return [
        ("over-tokens", lambda X, g, b: affine(_standardise(X, eps, axis=0), g, b),
         tr("{desc}: you normalised each feature over the tokens (down the columns, axis 0). LayerNorm normalises "
            "each token on its own, over its d features (along the row, axis -1): a token's result must not depend "
            "on the other tokens.", desc=desc)),
        ("whole-array", lambda X, g, b: affine((X - X.mean()) / np.sqrt(X.var() + eps), g, b),
         tr("{desc}: you used one mean and one variance for the whole array; LayerNorm computes them per token, "
            "over that token's features (axis -1, keepdims=True).", desc=desc)),
        ("unbiased-variance", lambda X, g, b: affine(_standardise(X, eps, ddof=1), g, b),
         tr("{desc}: you used the unbiased variance (divided by d − 1); LayerNorm uses the plain mean of the squared "
            "deviations, divided by d (NumPy's default, ddof=0).", desc=desc)),
        ("eps-outside-root", lambda X, g, b: affine(_standardise(X, eps, where="outside"), g, b),
         tr("{desc}: eps was added after the square root, √var + eps; it belongs inside, √(var + eps). The "
            "difference shows on a row whose variance is tiny, like the first row here.", desc=desc)),
        ("no-eps", lambda X, g, b: affine(_standardise(X, eps, where="none"), g, b),
         tr("{desc}: eps is missing: divide by √(var + eps), so that a row whose features are (almost) equal "
            "does not blow up.", desc=desc)),
        ("eps-ignored", lambda X, g, b: affine(_standardise(X, 1e-5), g, b),
         tr("{desc}: the eps argument was ignored (you always used 1e-5); use the eps that was passed in.",
            desc=desc)),
        ("divided-by-variance", lambda X, g, b: affine(_standardise(X, eps, where="variance"), g, b),
         tr("{desc}: you divided by the variance; divide by the standard deviation, √(var + eps).", desc=desc)),
        ("rms-norm", lambda X, g, b: affine(_standardise(X, eps, rms=True), g, b),
         tr("{desc}: this is RMSNorm (the root of the mean of x², no mean subtracted), used by some later models; "
            "LayerNorm first subtracts each token's mean and divides by its standard deviation.", desc=desc)),
        ("no-centering", lambda X, g, b: affine(_standardise(X, eps, center=False), g, b),
         tr("{desc}: the mean was not subtracted: each token becomes (x − mean) / √(var + eps).", desc=desc)),
        ("no-gamma-beta", lambda X, g, b: _standardise(X, eps),
         tr("{desc}: γ and β were not used: after normalising, scale by gamma and shift by beta (one of each per "
            "feature).", desc=desc)),
        ("no-gamma", lambda X, g, b: _standardise(X, eps) + b,
         tr("{desc}: gamma is missing: multiply the normalised token by γ (one scale per feature) before adding "
            "β.", desc=desc)),
        ("no-beta", lambda X, g, b: _standardise(X, eps) * g,
         tr("{desc}: beta is missing: after scaling by γ, add β (one shift per feature).", desc=desc)),
        ("gamma-beta-swapped", lambda X, g, b: _standardise(X, eps) * b + g,
         tr("{desc}: gamma and beta are swapped: γ multiplies (a scale), β is added (a shift).", desc=desc)),
        ("affine-first", lambda X, g, b: _standardise(X * g + b, eps),
         tr("{desc}: γ and β were applied before normalising, so the normalisation undid them; normalise first, "
            "then scale by γ and shift by β.", desc=desc)),
    ]


def _broadcast_mistake(layer_norm, mistake, desc, X):
    """A broadcasting error: a missing keepdims (the per-token mean of shape (n,) against X of shape (n, d)), or
    arrays of another length than X's d features (not the gamma and beta arguments)."""
    n, d = X.shape
    square = np.resize(LN_SQUARE, (d, d))
    try:
        call(layer_norm, square, np.resize(LN_GAMMA, d), np.resize(LN_BETA, d), desc=desc)
    except Mistake as again:
        if again.id == "raised" and "broadcast" in again.message:
            error = mistake.message.split(" raised ", 1)[-1]
            return Mistake("used-globals", tr(
                "{desc} raised {error}. X has shape ({n}, {d}) and gamma and beta have length {d}, so the error does "
                "not come from them (and it stays with a square X, where a missing keepdims would not raise): "
                "something of another length was used. Compute with the arguments gamma, beta and eps, not with arrays "
                "defined outside the function (such as the notebook's ones and zeros, of length 6).",
                desc=desc, error=error, n=n, d=d))
    except Exception:
        pass
    return Mistake("keepdims", tr("{desc} raised a broadcasting error: the per-token mean has shape ({n},) but X has "
                                  "shape ({n}, {d}). Keep the reduced axis (keepdims=True) so that each row subtracts "
                                  "its own mean.", desc=desc, n=n, d=d))


def _implied_eps(got, X, gamma, beta):
    """If ``got`` is LayerNorm of X with some other eps > 0, that eps (else None): each row of (got − β) / γ is
    (x − μ) / √(var + eps), so (x − μ)² / ((got − β) / γ)² − var is that eps."""
    with np.errstate(all="ignore"):
        z = (got - beta) / gamma
        dev = X - X.mean(axis=-1, keepdims=True)
        s2 = np.where(np.abs(z) > 1e-6, dev ** 2 / z ** 2, np.nan)
        if np.all(np.isnan(s2)):
            return None
        eps = float(np.median(np.nanmedian(s2, axis=-1) - X.var(axis=-1)))
    if not np.isfinite(eps) or eps <= 1e-12:
        return None
    return eps if close(got, ref.layer_norm(X, gamma, beta, eps)) else None


def _eps_mistake(got, X, gamma, beta, eps, desc):
    """LayerNorm with another eps than the one passed (or the default): the difference hides in the last digits of
    an ordinary row, so say what eps it was."""
    used = _implied_eps(got, X, gamma, beta)
    if used is None or abs(used - eps) <= 1e-3 * eps:
        return
    if eps == 1e-5 and "eps=" not in desc:
        raise Mistake("eps-default", tr(
            "{desc}: with eps left out, your layer_norm computed with eps ≈ {used}, not 1e-5. The difference hides in "
            "the last digits here, and grows on a row of tiny variance. Make the default eps=1e-5 in the def line, and "
            "use the eps argument in the formula.", desc=desc, used=f"{used:.0e}"))
    raise Mistake("eps-ignored", tr("{desc}: the eps argument was ignored (you computed with eps ≈ {used}); use the eps "
                                    "that was passed in.", desc=desc, used=f"{used:.0e}"))


def _where_it_differs(got, expected):
    """The row where ``got`` and ``expected`` differ most, both written with enough digits to tell them apart."""
    diff = np.abs(got - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    i = int(np.unravel_index(np.argmax(diff), diff.shape)[0])
    for digits in range(4, 13):
        a, b = fmt(got[i], digits), fmt(expected[i], digits)
        if a != b:
            break
    return i, a, b


@register("11.1", "layer_norm")
def check_layer_norm(layer_norm):
    cases = (
        (LN_X, LN_GAMMA, LN_BETA, None, "layer_norm(X, gamma, beta)"),
        (LN_X, LN_GAMMA, LN_BETA, 0.1, "layer_norm(X, gamma, beta, eps=0.1)"),
        (LN_TINY, LN_GAMMA, LN_BETA, None, "layer_norm(X_tiny, gamma, beta)"),
        (LN_X4, LN_GAMMA4, LN_BETA4, None, tr("layer_norm(X, gamma, beta) with d = {d} features", d=4)),
    )
    for X, gamma, beta, eps, desc in cases:
        args = (X, gamma, beta) if eps is None else (X, gamma, beta, eps)
        try:
            result = call(layer_norm, *args, desc=desc)
        except Mistake as mistake:
            if mistake.id == "raised" and "broadcast" in mistake.message:
                raise _broadcast_mistake(layer_norm, mistake, desc, X) from None
            raise
        n, d = X.shape
        if isinstance(result, tuple):
            raise Mistake("returned-tuple", tr("{desc} returned a tuple; return only the normalised array, shape "
                                               "({n}, {d}).", desc=desc, n=n, d=d))
        got = as_array(result, desc)
        if got.shape in ((n,), (d,), (n, 1), (1, d)):
            raise Mistake("reduced", tr("{desc} has shape {shape}; LayerNorm keeps the shape of X, ({n}, {d}): every "
                                        "feature of every token is normalised.", desc=desc, shape=got.shape, n=n,
                                        d=d))
        if got.shape != (n, d):
            raise Mistake("wrong-shape", tr("{desc} should have the shape of X, ({n}, {d}); yours has {shape}.",
                                            desc=desc, n=n, d=d, shape=got.shape))
        eps_used = 1e-5 if eps is None else eps
        expected = ref.layer_norm(X, gamma, beta, eps_used)
        if close(got, expected):
            continue
        diagnose(got, (X, gamma, beta), _ln_mistakes(desc, eps_used))
        _eps_mistake(got, X, gamma, beta, eps_used, desc)
        if not np.all(np.isfinite(got)):
            raise Mistake("not-finite", tr("{desc} contains nan or inf; divide by √(var + eps), which is never 0.",
                                           desc=desc))
        row, yours, right = _where_it_differs(got, expected)
        raise Mistake(tr("{desc} gave {got}; expected {expected}. They differ most in row {row}: yours {yours}, "
                         "expected {right}.", desc=desc, got=fmt(got), expected=fmt(expected), row=row, yours=yours,
                         right=right))
    return tr("each token normalised over its own features (biased variance, eps inside the root), then scaled by "
              "γ and shifted by β.")


# --- 11.2 the position-wise feed-forward network ----------------------------------------------------

def _ffn_case(n, d, d_ff, rng):
    X = rng.normal(size=(n, d))
    W_1 = rng.normal(size=(d, d_ff)) / np.sqrt(d)
    b_1 = rng.normal(size=d_ff) * 0.5  # of both signs: ReLU cuts some units, not all
    W_2 = rng.normal(size=(d_ff, d)) / np.sqrt(d_ff)
    b_2 = rng.normal(size=d) * 0.5 + 0.2
    return X, W_1, b_1, W_2, b_2


FFN_CASES = (_ffn_case(3, 4, 7, _RNG), _ffn_case(5, 2, 8, _RNG))  # (n, d, d_ff) = (3, 4, 7) and (5, 2, 8 = 4d)


def _relu(x):
    return np.maximum(x, 0.0)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def _gelu_erf(x):
    from math import erf

    return 0.5 * x * (1 + np.vectorize(erf)(x / np.sqrt(2)))


def _ffn_mistakes(desc):
    return [
        ("no-relu", lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2,
         tr("{desc}: there is no ReLU, so the two layers collapse into one linear map; apply max(0, ·) to the "
            "hidden layer, X W_1 + b_1.", desc=desc)),
        ("relu-at-output", lambda X, W1, b1, W2, b2: _relu((X @ W1 + b1) @ W2 + b2),
         tr("{desc}: ReLU is in the wrong place, on the output; it goes on the hidden layer (after W_1 and b_1, "
            "before W_2). The output can be negative.", desc=desc)),
        ("relu-twice", lambda X, W1, b1, W2, b2: _relu(_relu(X @ W1 + b1) @ W2 + b2),
         tr("{desc}: ReLU was applied twice, also on the output; only the hidden layer has one, and the output "
            "can be negative.", desc=desc)),
        ("relu-on-input", lambda X, W1, b1, W2, b2: (_relu(X) @ W1 + b1) @ W2 + b2,
         tr("{desc}: ReLU is in the wrong place, on the input X; it goes on the hidden layer X W_1 + b_1.",
            desc=desc)),
        ("relu-before-bias", lambda X, W1, b1, W2, b2: (_relu(X @ W1) + b1) @ W2 + b2,
         tr("{desc}: ReLU came before b_1 was added; add the bias first: max(0, X W_1 + b_1).", desc=desc)),
        ("no-biases", lambda X, W1, b1, W2, b2: _relu(X @ W1) @ W2,
         tr("{desc}: both biases are missing: add b_1 to the hidden layer (before ReLU) and b_2 to the output.",
            desc=desc)),
        ("no-b1", lambda X, W1, b1, W2, b2: _relu(X @ W1) @ W2 + b2,
         tr("{desc}: b_1 is missing: the hidden layer is X W_1 + b_1, before the ReLU.", desc=desc)),
        ("no-b2", lambda X, W1, b1, W2, b2: _relu(X @ W1 + b1) @ W2,
         tr("{desc}: b_2 is missing: add it to the output, after W_2.", desc=desc)),
        ("gelu", lambda X, W1, b1, W2, b2: _gelu_tanh(X @ W1 + b1) @ W2 + b2,
         tr("{desc}: you used GELU (GPT-2's activation); this exercise, like the 2017 paper, uses ReLU, "
            "max(0, ·).", desc=desc)),
        ("gelu", lambda X, W1, b1, W2, b2: _gelu_erf(X @ W1 + b1) @ W2 + b2,
         tr("{desc}: you used GELU (GPT-2's activation); this exercise, like the 2017 paper, uses ReLU, "
            "max(0, ·).", desc=desc)),
        ("tanh", lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,
         tr("{desc}: you used tanh; the Transformer's feed-forward network uses ReLU, max(0, ·).", desc=desc)),
        ("added-residual", lambda X, W1, b1, W2, b2: X + _relu(X @ W1 + b1) @ W2 + b2,
         tr("{desc}: you added X to the result; the residual connection belongs to the block (exercise 11.3), "
            "not to the feed-forward network itself.", desc=desc)),
    ]


@register("11.2", "feed_forward")
def check_feed_forward(feed_forward):
    for X, W_1, b_1, W_2, b_2 in FFN_CASES:
        (n, d), d_ff = X.shape, len(b_1)
        desc = tr("feed_forward(X, W_1, b_1, W_2, b_2) with n = {n}, d = {d}, d_ff = {d_ff}", n=n, d=d, d_ff=d_ff)
        result = call(feed_forward, X, W_1, b_1, W_2, b_2, desc=desc)
        if isinstance(result, tuple):
            raise Mistake("returned-tuple", tr("{desc} returned a tuple; return only the output, shape ({n}, {d}).",
                                               desc=desc, n=n, d=d))
        got = as_array(result, desc)
        if got.shape == (n, d_ff):
            raise Mistake("returned-hidden", tr("{desc} has shape ({n}, {d_ff}): that is the hidden layer. Project it "
                                                "back with W_2 (and add b_2) to get one d = {d} vector per token.",
                                                desc=desc, n=n, d_ff=d_ff, d=d))
        if got.shape != (n, d):
            raise Mistake("wrong-shape", tr("{desc} should have the shape of X, ({n}, {d}); yours has {shape}.",
                                            desc=desc, n=n, d=d, shape=got.shape))
        expected = ref.feed_forward(X, W_1, b_1, W_2, b_2)
        if close(got, expected):
            continue
        diagnose(got, (X, W_1, b_1, W_2, b_2), _ffn_mistakes(desc))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("max(0, X W_1 + b_1) W_2 + b_2: d → d_ff → d, the same two layers for every token.")


# --- 11.3 the block --------------------------------------------------------------------------------

BLOCK_N, BLOCK_D, BLOCK_H, BLOCK_D_FF = 5, 8, 2, 12


def _block_params(d, d_ff, rng):
    p = ref.random_block_params(d, d_ff, seed=int(rng.integers(1 << 30)))
    for name in ("b_q", "b_k", "b_v", "b_o", "b_2", "ln1_beta", "ln2_beta"):
        p[name] = 0.3 * rng.normal(size=d)
    p["b_1"] = 0.3 * rng.normal(size=d_ff)
    for name in ("ln1_gamma", "ln2_gamma"):
        p[name] = 1.0 + 0.4 * rng.normal(size=d)
    return p


BLOCK_X = _RNG.normal(size=(BLOCK_N, BLOCK_D)) * 1.5 + 0.5
BLOCK_P = _block_params(BLOCK_D, BLOCK_D_FF, _RNG)
BLOCK_MASK = ref.causal_mask(BLOCK_N)


def _ln(Y, p, k, affine=True):
    if not affine:
        return ref.layer_norm(Y, np.ones(Y.shape[-1]), np.zeros(Y.shape[-1]))
    return ref.layer_norm(Y, p[f"ln{k}_gamma"], p[f"ln{k}_beta"])


def _attention(Y, p, h, mask, biases=True, qkv_biases=True, b_o=True, scale="d_k", w_o=True, split="columns"):
    """Multi-head attention with switches for the typical mistakes: ``biases=False`` drops all four biases,
    ``qkv_biases`` / ``b_o`` one part of them; ``split="rows"`` cuts Q, K, V with reshape(h, n, d_k) and merges
    back with reshape(n, d), ``"rows-transposed"`` the same split merged the right way."""
    n, d = Y.shape
    d_k = d // h

    def split_heads(M):
        return M.reshape(h, n, d_k) if split != "columns" else M.reshape(n, h, d_k).transpose(1, 0, 2)

    def merge(heads):
        return heads.reshape(n, d) if split == "rows" else heads.transpose(1, 0, 2).reshape(n, d)

    def bias(name):
        return p[name] if biases and (qkv_biases if name != "b_o" else b_o) else 0.0

    Q, K, V = (split_heads(Y @ p[f"W_{c}"] + bias(f"b_{c}")) for c in "qkv")
    scores = Q @ K.transpose(0, 2, 1) / {"d_k": np.sqrt(d_k), "d": np.sqrt(d), "none": 1.0, "d_k-no-root": d_k}[scale]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    concat = merge(ref.softmax(scores) @ V)
    return (concat @ p["W_o"] if w_o else concat) + bias("b_o")


def _ffn(Y, p, relu=True, biases=True, gelu=False):
    hidden = Y @ p["W_1"] + (p["b_1"] if biases else 0.0)
    active = _gelu_tanh(hidden) if gelu else np.maximum(hidden, 0.0) if relu else hidden
    return active @ p["W_2"] + (p["b_2"] if biases else 0.0)


def _block(X, p, h, mask, norm_first, attn=None, ffn=None, res_attn=True, res_ffn=True, from_normalised=False,
           lns=(1, 2), affine=True, parallel=False, mixed=False, norm_before_add=False):
    """A Transformer block with switches for the typical mistakes (the defaults give the right block)."""
    attn, ffn = attn or {}, ffn or {}
    k1, k2 = lns

    def ln(Y, k):
        return _ln(Y, p, k, affine)

    def mha(Y):
        return _attention(Y, p, h, mask, **attn)

    def feed(Y):
        return _ffn(Y, p, **ffn)

    if norm_first:
        if parallel:
            return X + mha(ln(X, k1)) + feed(ln(X, k2))
        Y = ln(X, k1)
        H = (Y if from_normalised else X if res_attn else 0.0) + mha(Y)
        if mixed:
            return ln(H + feed(H), k2)
        Y = ln(H, k2)
        return (Y if from_normalised else H if res_ffn else 0.0) + feed(Y)
    if norm_before_add:
        H = X + ln(mha(X), k1)
        return H + ln(feed(H), k2)
    H = ln((X if res_attn else 0.0) + mha(X), k1)
    return ln((H if res_ffn else 0.0) + feed(H), k2)


def _block_mistakes(desc, norm_first, mask, n_heads):
    def wrong(**switches):
        return lambda X, p, h: _block(X, p, h, mask, norm_first, **switches)

    mistakes = [
        ("no-residuals", wrong(res_attn=False, res_ffn=False),
         tr("{desc}: there is no residual connection at all; add the sub-layer's input back around both the "
            "attention and the feed-forward network.", desc=desc)),
        ("no-residual-attention", wrong(res_attn=False),
         tr("{desc}: the residual connection around the attention sub-layer is missing: its input must be added "
            "back to its output.", desc=desc)),
        ("no-residual-ffn", wrong(res_ffn=False),
         tr("{desc}: the residual connection around the feed-forward sub-layer is missing: its input must be "
            "added back to its output.", desc=desc)),
        ("one-layernorm", wrong(lns=(1, 1)),
         tr("{desc}: both LayerNorms used ln1's γ and β; the second LayerNorm has its own, ln2_gamma and ln2_beta.",
            desc=desc)),
        ("one-layernorm", wrong(lns=(2, 2)),
         tr("{desc}: both LayerNorms used ln2's γ and β; the first LayerNorm (around the attention) uses "
            "ln1_gamma and ln1_beta.", desc=desc)),
        ("layernorms-swapped", wrong(lns=(2, 1)),
         tr("{desc}: the two LayerNorms are swapped: ln1 goes with the attention sub-layer, ln2 with the "
            "feed-forward one.", desc=desc)),
        ("ln-no-affine", wrong(affine=False),
         tr("{desc}: the LayerNorms ignored their γ and β (params['ln1_gamma'], …); scale and shift with them.",
            desc=desc)),
        ("attention-no-biases", wrong(attn={"biases": False}),
         tr("{desc}: the attention biases b_q, b_k, b_v, b_o were left out: Q = X W_q + b_q (likewise K and V), "
            "and the output is Concat(heads) W_o + b_o.", desc=desc)),
        ("attention-no-biases", wrong(attn={"qkv_biases": False}),
         tr("{desc}: the biases b_q, b_k and b_v were left out (b_o is there): Q = X W_q + b_q, likewise K and V.",
            desc=desc)),
        ("attention-no-biases", wrong(attn={"b_o": False}),
         tr("{desc}: b_o was left out: the attention's output is Concat(heads) W_o + b_o.", desc=desc)),
        ("no-w-o", wrong(attn={"w_o": False}),
         tr("{desc}: the heads were concatenated but not projected with W_o (then + b_o).", desc=desc)),
        ("no-w-o", wrong(attn={"w_o": False, "b_o": False}),
         tr("{desc}: the concatenated heads are the attention's output here, with neither W_o nor b_o: the output "
            "is Concat(heads) W_o + b_o, a learned mix of the heads.", desc=desc)),
        ("heads-split-rows", wrong(attn={"split": "rows"}),
         tr("{desc}: the heads were split with reshape(h, n, d_k), which cuts the (n, d) array into h blocks of "
            "*rows* — tokens, not features. A head is a block of d_k columns: reshape(n, h, d_k), then put the head "
            "axis first (transpose(1, 0, 2)), as in chapter 06; merge back the opposite way.", desc=desc)),
        ("heads-split-rows", wrong(attn={"split": "rows-transposed"}),
         tr("{desc}: the heads were split with reshape(h, n, d_k), which cuts the (n, d) array into h blocks of "
            "*rows* — tokens, not features. A head is a block of d_k columns: reshape(n, h, d_k), then put the head "
            "axis first (transpose(1, 0, 2)), as in chapter 06.", desc=desc)),
        ("heads-ignored", lambda X, p, h: _block(X, p, 1, mask, norm_first),
         tr("{desc}: you attended with one head of size d; split Q, K and V into n_heads heads of d_k = d / n_heads "
            "columns, as in chapter 06.", desc=desc)),
        ("sqrt-d-model", wrong(attn={"scale": "d"}),
         tr("{desc}: the heads' scores were divided by √d (the model width); each head divides by √d_k, its own "
            "width (here √{d_k}).", desc=desc, d_k=BLOCK_D // n_heads)),
        ("unscaled", wrong(attn={"scale": "none"}),
         tr("{desc}: the heads' scores were not divided by √d_k (here √{d_k}).", desc=desc, d_k=BLOCK_D // n_heads)),
        ("divided-by-d_k", wrong(attn={"scale": "d_k-no-root"}),
         tr("{desc}: the heads' scores were divided by d_k = {d_k}; divide by its square root, √d_k.", desc=desc,
            d_k=BLOCK_D // n_heads)),
        ("ffn-gelu", wrong(ffn={"gelu": True}),
         tr("{desc}: the feed-forward network used GELU (GPT-2's choice); this block, like exercise 11.2, uses ReLU, "
            "max(0, ·).", desc=desc)),
        ("ffn-no-relu", wrong(ffn={"relu": False}),
         tr("{desc}: the feed-forward network has no ReLU on its hidden layer (see exercise 11.2).", desc=desc)),
        ("ffn-no-biases", wrong(ffn={"biases": False}),
         tr("{desc}: the feed-forward network left out b_1 and b_2 (see exercise 11.2).", desc=desc)),
    ]
    if norm_first:
        mistakes += [
            ("residual-from-normalised", wrong(from_normalised=True),
             tr("{desc}: the residual adds the *normalised* input, LN(X) + sub-layer(LN(X)); in pre-LN the stream "
                "itself is added back, X + sub-layer(LN(X)), so that X passes through unchanged.", desc=desc)),
            ("parallel-sublayers", wrong(parallel=True),
             tr("{desc}: the feed-forward network read the block's input X instead of the attention's result; the "
                "sub-layers are applied one after the other: first X + MHA(LN₁(X)), then the FFN on that.",
                desc=desc)),
            ("mixed-pre-post", wrong(mixed=True),
             tr("{desc}: the attention sub-layer is pre-LN but the feed-forward one is post-LN; with "
                "norm_first=True both normalise their input: H + FFN(LN₂(H)).", desc=desc)),
        ]
    else:
        mistakes += [
            ("norm-before-add", wrong(norm_before_add=True),
             tr("{desc}: you normalised the sub-layer's output and then added the residual, X + LN(MHA(X)); "
                "post-LN normalises the sum: LN(X + MHA(X)).", desc=desc)),
        ]
    if n_heads != BLOCK_H:
        mistakes += [
            ("n-heads-ignored", lambda X, p, h: _block(X, p, BLOCK_H, mask, norm_first),
             tr("{desc}: the block split into {fixed} heads whatever n_heads was; use the n_heads argument (here "
                "{h}).", desc=desc, fixed=BLOCK_H, h=n_heads)),
        ]
    if mask is None:
        mistakes += [
            ("mask-always-causal", lambda X, p, h: _block(X, p, h, ref.causal_mask(len(X)), norm_first),
             tr("{desc}: you applied a causal mask although none was passed: mask=None means no mask, every token "
                "may attend to every token. Use the mask argument as it is.", desc=desc)),
        ]
    if mask is not None:
        mistakes += [
            ("mask-ignored", lambda X, p, h: _block(X, p, h, None, norm_first),
             tr("{desc}: the mask was ignored; pass it on to the attention (masked scores become -inf before the "
                "softmax).", desc=desc)),
            ("mask-inverted", lambda X, p, h: _block(X, p, h, ~mask, norm_first),
             tr("{desc}: the mask is inverted: True means 'may attend'.", desc=desc)),
        ]
    return mistakes


# How a sub-layer F (attention or FFN, with its LayerNorm LNk) can be wired around its input Z: the right
# ones ("pre", "post") and the typical wrong ones. Each: (what it computes, its formula for messages).
_FORMS = {
    "pre": (lambda Z, f, ln: Z + f(ln(Z)), "{Z} + {F}(LN{k}({Z}))"),
    "post": (lambda Z, f, ln: ln(Z + f(Z)), "LN{k}({Z} + {F}({Z}))"),
    "norm-after": (lambda Z, f, ln: Z + ln(f(Z)), "{Z} + LN{k}({F}({Z}))"),
    "no-ln": (lambda Z, f, ln: Z + f(Z), "{Z} + {F}({Z})"),
    "no-res-pre": (lambda Z, f, ln: f(ln(Z)), "{F}(LN{k}({Z}))"),
    "no-res-post": (lambda Z, f, ln: ln(f(Z)), "LN{k}({F}({Z}))"),
    "from-normalised": (lambda Z, f, ln: ln(Z) + f(ln(Z)), "LN{k}({Z}) + {F}(LN{k}({Z}))"),
    "bare": (lambda Z, f, ln: f(Z), "{F}({Z})"),
}
_SUBSCRIPT = {1: "₁", 2: "₂"}


def _formula(form, Z, F, k):
    return _FORMS[form][1].format(Z=Z, F=F, k=_SUBSCRIPT[k])


def _wiring_mistake(got, X, p, h, mask, norm_first, desc):
    """Search the ways of wiring the two sub-layers — each in one of the _FORMS, attention or FFN first, ln1 and ln2
    in either place, an extra LayerNorm at the end or not — for the one the student's block computes; if found,
    raise a Mistake that writes out what it computes next to what it should."""
    right = "pre" if norm_first else "post"
    sub = {"MHA": lambda Y: _attention(Y, p, h, mask), "FFN": lambda Y: _ffn(Y, p)}
    finals = {None: None, 1: lambda Y: _ln(Y, p, 1), 2: lambda Y: _ln(Y, p, 2), 0: lambda Y: _ln(Y, p, 0, False)}
    with np.errstate(all="ignore"):
        for order in (("MHA", "FFN"), ("FFN", "MHA")):
            for lns in ((1, 2), (2, 1)):
                for form1, (wire1, _) in _FORMS.items():
                    H = wire1(X, sub[order[0]], lambda Y: _ln(Y, p, lns[0]))
                    for form2, (wire2, _) in _FORMS.items():
                        Y = wire2(H, sub[order[1]], lambda Y: _ln(Y, p, lns[1]))
                        for final, norm in finals.items():
                            if (order, lns, form1, form2, final) == (("MHA", "FFN"), (1, 2), right, right, None):
                                continue
                            if close(got, Y if norm is None else norm(Y)):
                                _raise_wiring(order, lns, (form1, form2), final, right, norm_first, desc)


def _raise_wiring(order, lns, forms, final, right, norm_first, desc):
    yours = tr("H = {first}, then Y = {second}", first=_formula(forms[0], "X", order[0], lns[0]),
               second=_formula(forms[1], "H", order[1], lns[1]))
    if final is not None:
        yours = tr("{yours}, then one more LayerNorm ({which}) of Y", yours=yours,
                   which={1: "ln1", 2: "ln2", 0: tr("without γ and β")}[final])
    should = tr("H = {first}, then Y = {second}", first=_formula(right, "X", "MHA", 1),
                second=_formula(right, "H", "FFN", 2))
    head = tr("{desc}: your block computes {yours}; with norm_first={nf} it is {should} (section 7's table).",
              desc=desc, yours=yours, nf=norm_first, should=should)
    if order != ("MHA", "FFN"):
        raise Mistake("ffn-first", tr("{head} The feed-forward network came first; the attention sub-layer comes first "
                                      "(tokens are mixed), then the feed-forward one (each token transformed).",
                                      head=head))
    if final is not None:
        raise Mistake("extra-layernorm", tr("{head} That is one LayerNorm too many: a block ends with the last residual "
                                            "sum (pre-LN) or with LN₂ (post-LN). The extra LayerNorm of a pre-LN model "
                                            "comes once, after the last block (GPT-2's final LayerNorm), not inside "
                                            "every block.", head=head))
    if lns != (1, 2):
        raise Mistake("layernorms-swapped", tr("{head} ln1 goes with the attention sub-layer, ln2 with the "
                                               "feed-forward one.", head=head))
    if "no-ln" in forms:
        raise Mistake("missing-layernorm", tr("{head} A LayerNorm is missing: each sub-layer has its own, LN₁ with the "
                                              "attention and LN₂ with the feed-forward network.", head=head))
    if "norm-after" in forms:
        raise Mistake("norm-before-add", tr("{head} You normalised a sub-layer's output before adding it: pre-LN "
                                            "normalises the sub-layer's input, post-LN the sum.", head=head))
    if any(f in ("no-res-pre", "no-res-post", "bare") for f in forms):
        which = [name for name, f in zip(("attention", "ffn"), forms) if f in ("no-res-pre", "no-res-post", "bare")]
        mistake_id = "no-residuals" if len(which) == 2 else f"no-residual-{which[0]}"
        raise Mistake(mistake_id, tr("{head} A residual connection is missing: each sub-layer's input is added back "
                                     "to its output.", head=head))
    if "from-normalised" in forms:
        raise Mistake("residual-from-normalised", tr("{head} The residual adds the stream itself, not its normalised "
                                                     "copy.", head=head))
    if set(forms) == {"pre", "post"}:
        raise Mistake("mixed-pre-post", tr("{head} Both sub-layers are wired the same way: pre-LN when norm_first is "
                                           "True, post-LN when it is False.", head=head))
    raise Mistake("wiring", head)


def _localise(transformer_block, got, args, mask, norm_first):
    """Which sub-layer differs: run the student's block again with the FFN switched off (W_1, b_1, W_2, b_2 = 0),
    then with the attention switched off (W_v, b_v, W_o, b_o = 0), and compare each with the reference. Returns a
    sentence that says where to look."""
    X, h = args[0], args[1]
    verdict = {}
    for part, names in (("ffn", ("W_1", "b_1", "W_2", "b_2")), ("attention", ("W_v", "b_v", "W_o", "b_o"))):
        params = _copy_params()
        for name in names:
            params[name] = np.zeros_like(params[name])
        expected = ref.transformer_block(X, params, h, mask=mask, norm_first=norm_first)
        try:
            result = call(transformer_block, X, params, *args[1:], desc="")
            verdict[part] = close(np.asarray(result, dtype=float), expected)
        except Exception:
            return tr("Compare your block with the table of section 7 piece by piece: the attention (heads, biases, "
                      "W_o, the mask), then which input each sub-layer reads, and what is added back.")
    if verdict["ffn"] and not verdict["attention"]:
        return tr("With the feed-forward weights set to 0 your block is right, so the difference is in the "
                  "feed-forward sub-layer: the FFN itself (exercise 11.2), LN₂ and its γ and β, its residual.")
    if verdict["attention"] and not verdict["ffn"]:
        return tr("With the attention's values and output weights set to 0 your block is right, so the difference "
                  "is in the attention sub-layer: the split into n_heads heads of d_k columns, the biases b_q, b_k, "
                  "b_v, W_o and b_o, the scale √d_k, the mask (None means no mask), LN₁ and its γ and β.")
    if verdict["attention"] and verdict["ffn"]:
        return tr("Each sub-layer alone is right (with the other one's weights set to 0), so the difference is in how "
                  "they are put together: the feed-forward sub-layer must read the attention sub-layer's result.")
    return tr("With either sub-layer's weights set to 0 your block still differs: look at the LayerNorms (11.1, and "
              "ln1_… / ln2_…) and at the wiring — which input each sub-layer reads, and what is added back.")


def _copy_params():
    return {k: v.copy() for k, v in BLOCK_P.items()}


def _run_block(transformer_block, args, desc):
    """Call the student's block with a fresh copy of the parameters; say so if the call changed them."""
    params = _copy_params()
    X, h, *rest = args
    result = call(transformer_block, X, params, h, *rest, desc=desc)
    if params.keys() != BLOCK_P.keys() or any(not np.array_equal(params[k], BLOCK_P[k]) for k in BLOCK_P):
        raise Mistake("mutated-input", tr("{desc} changed the params dictionary (or an array in it) in place; "
                                          "compute new arrays instead.", desc=desc))
    if isinstance(result, tuple):
        raise Mistake("returned-tuple", tr("{desc} returned a tuple; return only the block's output, an array of "
                                           "the shape of X ({n}, {d}).", desc=desc, n=BLOCK_N, d=BLOCK_D))
    return as_array(result, desc, shape=(BLOCK_N, BLOCK_D))


@register("11.3", "transformer_block")
def check_transformer_block(transformer_block):
    X, P, h = BLOCK_X, BLOCK_P, BLOCK_H
    cases = (
        ((X, h), True, None, "transformer_block(X, params, 2)"),
        ((X, h, None, False), False, None, "transformer_block(X, params, 2, None, False)"),
        ((X, h, BLOCK_MASK), True, BLOCK_MASK, "transformer_block(X, params, 2, causal)"),
        ((X, h, BLOCK_MASK, False), False, BLOCK_MASK, "transformer_block(X, params, 2, causal, False)"),
        ((X, 4), True, None, "transformer_block(X, params, 4)"),
    )
    pre, post = ref.transformer_block(X, P, h, norm_first=True), ref.transformer_block(X, P, h, norm_first=False)
    for args, norm_first, mask, desc in cases:
        got = _run_block(transformer_block, args, desc)
        expected = ref.transformer_block(X, P, args[1], mask=mask, norm_first=norm_first)
        if close(got, expected):
            continue
        if mask is None and args[1] == h:
            if norm_first and close(got, post):
                other = _run_block(transformer_block, (X, h, None, False), "transformer_block(X, params, 2, None, False)")
                if close(other, pre):
                    raise Mistake("norm-first-inverted", tr(
                        "{desc}: norm_first is the wrong way round: norm_first=True (the default) is pre-LN, "
                        "X + MHA(LN₁(X)); norm_first=False is post-LN, LN₁(X + MHA(X)).", desc=desc))
                raise Mistake("always-post-ln", tr(
                    "{desc} computed a post-LN block; with norm_first=True (the default) the block is pre-LN: "
                    "normalise each sub-layer's input, X + MHA(LN₁(X)), then H + FFN(LN₂(H)).", desc=desc))
            if not norm_first and close(got, pre):
                raise Mistake("norm-first-ignored", tr(
                    "{desc} computed a pre-LN block: norm_first=False was ignored. Post-LN normalises after each "
                    "residual sum: LN₁(X + MHA(X)), then LN₂(H + FFN(H)).", desc=desc))
        diagnose(got, (X, P, args[1]), _block_mistakes(desc, norm_first, mask, args[1]))
        _wiring_mistake(got, X, P, args[1], mask, norm_first, desc)
        raise Mistake(tr("{desc}: your block's output differs: {got}; expected {expected}. {where}", desc=desc,
                         got=fmt(got), expected=fmt(expected),
                         where=_localise(transformer_block, got, args, mask, norm_first)))
    return tr("pre-LN and post-LN blocks, with and without a causal mask, 2 and 4 heads: attention and FFN, each "
              "with its residual connection and its own LayerNorm.")
