"""The reference maths (attention_course.reference) against the facts the chapters state — softmax of
51/49, 80/20, 10/3 and 1000/999, chapter 01's averages, the paper's positional encodings — against
hand-written loops, and against PyTorch's softmax, attention, multi-head attention, LayerNorm and
TransformerEncoderLayer (when PyTorch is installed)."""
import numpy as np
import pytest

import attention_course as ac
from attention_course import reference as ref

RNG = np.random.default_rng(0)


# --- softmax ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scores, expected", [
    ([51, 49], [0.8807970779778823, 0.11920292202211755]),
    ([10, 3], [0.9990889488055994, 0.0009110511944006454]),
    ([1000, 999], [0.7310585786300049, 0.2689414213699951]),
])
def test_softmax_facts(scores, expected):
    assert np.allclose(ac.softmax(scores), expected, rtol=1e-12)


def test_softmax_80_20_tail():
    p = ac.softmax([80.0, 20.0])
    assert p[1] == pytest.approx(8.756510762696521e-27, rel=1e-9)
    assert p[0] == 1.0  # 1 - 8.8e-27 rounds to 1 in float64


def test_softmax_shift_invariant_and_scale_dependent():
    x = RNG.normal(size=(4, 5))
    assert np.allclose(ac.softmax(x + 123.4), ac.softmax(x))
    assert not np.allclose(ac.softmax(x / 50), ac.softmax(x))
    assert np.allclose(ac.softmax([51, 49], axis=-1), ac.softmax(np.array([51, 49]) / 1.0))
    assert np.allclose(ac.softmax(np.array([51.0, 49.0]) / 50), [0.5099986667, 0.4900013333])


def test_softmax_any_axis_matches_direct_formula():
    x = RNG.normal(size=(3, 4, 5))
    for axis in (0, 1, 2, -1):
        e = np.exp(x)
        assert np.allclose(ac.softmax(x, axis=axis), e / e.sum(axis=axis, keepdims=True))


def test_softmax_masked_entries_and_fully_masked_rows():
    x = np.array([[1.0, -np.inf, 2.0], [-np.inf, -np.inf, -np.inf]])
    p = ac.softmax(x)
    assert np.all(np.isfinite(p))
    assert p[0, 1] == 0 and np.isclose(p[0].sum(), 1)
    assert np.all(p[1] == 0)


# --- attention ----------------------------------------------------------------------------------

def loop_attention(Q, K, V, mask=None):
    """One query at a time, with Python loops: an independent implementation."""
    n, m = len(Q), len(K)
    out, weights = np.zeros((n, V.shape[1])), np.zeros((n, m))
    for i in range(n):
        scores = [float(np.dot(Q[i], K[j])) / np.sqrt(Q.shape[1]) for j in range(m)]
        allowed = [j for j in range(m) if mask is None or mask[i, j]]
        top = max(scores[j] for j in allowed)
        e = {j: np.exp(scores[j] - top) for j in allowed}
        total = sum(e.values())
        for j in allowed:
            weights[i, j] = e[j] / total
            out[i] += weights[i, j] * V[j]
    return out, weights


def test_scaled_dot_product_attention_matches_loops():
    Q, K, V = RNG.normal(size=(3, 4)), RNG.normal(size=(5, 4)), RNG.normal(size=(5, 2))
    mask = RNG.random((3, 5)) > 0.4
    mask[:, 0] = True
    for m in (None, mask):
        out, w = ac.scaled_dot_product_attention(Q, K, V, mask=m)
        out2, w2 = loop_attention(Q, K, V, m)
        assert out.shape == (3, 2) and w.shape == (3, 5)
        assert np.allclose(out, out2) and np.allclose(w, w2)
        assert np.allclose(w.sum(axis=-1), 1)


def test_attention_is_stable_for_huge_scores():
    Q = np.array([[1000.0, 0.0]])
    K = np.array([[1000.0, 0.0], [999.0, 0.0]])
    out, w = ac.scaled_dot_product_attention(Q, K, np.eye(2))
    assert np.all(np.isfinite(w)) and np.isclose(w.sum(), 1)


def loop_multi_head(X, W_q, W_k, W_v, W_o, h, mask=None):
    d_k = X.shape[1] // h
    heads, weights = [], []
    for i in range(h):
        cols = slice(i * d_k, (i + 1) * d_k)
        o, w = loop_attention(X @ W_q[:, cols], X @ W_k[:, cols], X @ W_v[:, cols], mask)
        heads.append(o)
        weights.append(w)
    return np.concatenate(heads, axis=1) @ W_o, np.stack(weights)


@pytest.mark.parametrize("h", [1, 2, 4])
def test_multi_head_matches_loops(h):
    X = RNG.normal(size=(5, 8))
    W = [RNG.normal(size=(8, 8)) for _ in range(4)]
    for mask in (None, ac.causal_mask(5)):
        out, w = ac.multi_head_attention(X, *W, n_heads=h, mask=mask)
        out2, w2 = loop_multi_head(X, *W, h, mask)
        assert out.shape == (5, 8) and w.shape == (h, 5, 5)
        assert np.allclose(out, out2) and np.allclose(w, w2)


def test_multi_head_with_one_head_is_attention_then_w_o():
    X = RNG.normal(size=(4, 6))
    W_q, W_k, W_v, W_o = (RNG.normal(size=(6, 6)) for _ in range(4))
    out, _ = ac.multi_head_attention(X, W_q, W_k, W_v, W_o, n_heads=1)
    single, _ = ac.scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v)
    assert np.allclose(out, single @ W_o)


def test_multi_head_refuses_heads_that_do_not_divide():
    with pytest.raises(ValueError, match="does not divide"):
        ac.multi_head_attention(np.zeros((2, 6)), *(np.eye(6),) * 4, n_heads=4)


# --- positions and masks ------------------------------------------------------------------------

def test_sinusoidal_positions_follow_the_paper():
    n, d = 7, 6
    pe = ac.sinusoidal_positions(n, d)
    assert pe.shape == (n, d)
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert pe[pos, 2 * i] == pytest.approx(np.sin(angle))
            assert pe[pos, 2 * i + 1] == pytest.approx(np.cos(angle))
    assert ac.sinusoidal_positions(4, 5).shape == (4, 5)


def test_causal_mask():
    m = ac.causal_mask(4)
    assert m.dtype == bool
    assert all(m[i, j] == (j <= i) for i in range(4) for j in range(4))


# --- chapter 01 ----------------------------------------------------------------------------------

def test_chapter_01_numbers():
    from attention_course.data import load_incomes

    names, ages, incomes = load_incomes()
    assert ref.crisp_average(ages, incomes, 40, 55) == 39.5
    got = [round(ref.attention_pool(47.5, ages, incomes, s), 3) for s in (2, 5, 10, 100)]
    assert got == [43.484, 38.817, 36.992, 36.872]
    assert ref.attention_pool(47.5, ages, incomes, 1e-3) == pytest.approx(50.0)
    assert ref.attention_pool(47.5, ages, incomes, 1e6) == pytest.approx(36.875)
    with pytest.raises(ValueError, match="nobody"):
        ref.crisp_average(ages, incomes, 58, 59)


# --- against PyTorch (installed by .ci/run in the test environment only) -------------------------

def test_against_pytorch_sdpa_and_softmax():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (ci/run installs it for CI)")
    x = RNG.normal(size=(3, 7)) * 20
    assert np.allclose(ac.softmax(x, axis=0), torch.softmax(torch.tensor(x), dim=0).numpy(), atol=1e-6)
    Q, K, V = RNG.normal(size=(2, 4, 8)), RNG.normal(size=(2, 6, 8)), RNG.normal(size=(2, 6, 3))
    mask = RNG.random((4, 6)) > 0.3
    mask[:, 0] = True
    for m in (None, mask):
        expected = torch.nn.functional.scaled_dot_product_attention(
            torch.tensor(Q), torch.tensor(K), torch.tensor(V),
            attn_mask=None if m is None else torch.tensor(m)).numpy()
        out, _ = ac.scaled_dot_product_attention(Q, K, V, mask=m)
        assert np.allclose(out, expected, atol=1e-6)


@pytest.mark.parametrize("h", [1, 2, 4])
def test_against_pytorch_multi_head_attention(h):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (ci/run installs it for CI)")
    n, d = 5, 8
    X = RNG.normal(size=(n, d))
    W_q, W_k, W_v, W_o = (RNG.normal(size=(d, d)) / np.sqrt(d) for _ in range(4))
    mha = torch.nn.MultiheadAttention(d, h, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch computes x @ W.T, so its weights are our transposes
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([W_q.T, W_k.T, W_v.T])))
        mha.out_proj.weight.copy_(torch.tensor(W_o.T))
    for mask in (None, ac.causal_mask(n)):
        t_mask = None if mask is None else torch.tensor(~mask)  # torch: True = may NOT attend
        x = torch.tensor(X)[None]
        expected, expected_w = mha(x, x, x, attn_mask=t_mask, need_weights=True, average_attn_weights=False)
        out, w = ac.multi_head_attention(X, W_q, W_k, W_v, W_o, n_heads=h, mask=mask)
        assert np.allclose(out, expected[0].detach().numpy(), atol=1e-6)
        assert np.allclose(w, expected_w[0].detach().numpy(), atol=1e-6)


# --- the Transformer block (chapter 11) ------------------------------------------------------------

def _random_params(d, d_ff, seed):
    """Block parameters with non-zero biases and LayerNorm γ, β, so that every parameter matters."""
    rng = np.random.default_rng(seed)
    p = ref.random_block_params(d, d_ff, seed=seed)
    for k in p:
        if k.startswith("b_") or k.endswith("_beta"):
            p[k] = rng.normal(size=p[k].shape) * 0.3
        if k.endswith("_gamma"):
            p[k] = 1 + rng.normal(size=p[k].shape) * 0.3
    return p


def test_layer_norm_by_hand():
    X = RNG.normal(size=(3, 5)) * 4 + 2
    gamma, beta = RNG.normal(size=5), RNG.normal(size=5)
    by_hand = np.array([(x - x.mean()) / np.sqrt(((x - x.mean()) ** 2).mean() + 1e-5) * gamma + beta for x in X])
    assert np.allclose(ref.layer_norm(X, gamma, beta), by_hand)
    Y = ref.layer_norm(X, np.ones(5), np.zeros(5))
    assert np.allclose(Y.mean(axis=-1), 0) and np.allclose(Y.var(axis=-1), 1, atol=1e-4)


def test_feed_forward_is_position_wise():
    d, d_ff = 4, 16
    p = _random_params(d, d_ff, 1)
    X = RNG.normal(size=(6, d))
    perm = RNG.permutation(6)
    out = ref.feed_forward(X, p["W_1"], p["b_1"], p["W_2"], p["b_2"])
    assert np.allclose(ref.feed_forward(X[perm], p["W_1"], p["b_1"], p["W_2"], p["b_2"]), out[perm])
    assert np.allclose(out[2], ref.feed_forward(X[2:3], p["W_1"], p["b_1"], p["W_2"], p["b_2"])[0])


def test_block_attention_without_biases_is_multi_head_attention():
    d, h = 6, 3
    p = ref.random_block_params(d, 4 * d, seed=2)
    X = RNG.normal(size=(5, d))
    out, w = ref.block_attention(X, p, h, ref.causal_mask(5))
    expected, expected_w = ref.multi_head_attention(X, p["W_q"], p["W_k"], p["W_v"], p["W_o"], h, ref.causal_mask(5))
    assert np.allclose(out, expected) and np.allclose(w, expected_w)


def test_transformer_block_handles_a_batch():
    d, h = 8, 2
    p = _random_params(d, 32, 3)
    Xb = RNG.normal(size=(3, 5, d))
    for norm_first in (True, False):
        batched = ref.transformer_block(Xb, p, h, ref.causal_mask(5), norm_first)
        one_by_one = np.stack([ref.transformer_block(x, p, h, ref.causal_mask(5), norm_first) for x in Xb])
        assert np.allclose(batched, one_by_one)


@pytest.mark.parametrize("norm_first", [True, False])
@pytest.mark.parametrize("causal", [False, True])
def test_against_pytorch_transformer_encoder_layer(norm_first, causal):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (ci/run installs it for CI)")
    n, d, h, d_ff = 5, 8, 2, 24
    p = _random_params(d, d_ff, 4)
    X = RNG.normal(size=(2, n, d))
    layer = torch.nn.TransformerEncoderLayer(d, h, d_ff, dropout=0.0, batch_first=True, norm_first=norm_first,
                                             dtype=torch.float64)
    t = lambda a: torch.tensor(a)  # noqa: E731
    with torch.no_grad():  # torch computes x @ W.T + b, so its weights are our transposes
        layer.self_attn.in_proj_weight.copy_(t(np.concatenate([p["W_q"].T, p["W_k"].T, p["W_v"].T])))
        layer.self_attn.in_proj_bias.copy_(t(np.concatenate([p["b_q"], p["b_k"], p["b_v"]])))
        layer.self_attn.out_proj.weight.copy_(t(p["W_o"].T))
        layer.self_attn.out_proj.bias.copy_(t(p["b_o"]))
        layer.linear1.weight.copy_(t(p["W_1"].T))
        layer.linear1.bias.copy_(t(p["b_1"]))
        layer.linear2.weight.copy_(t(p["W_2"].T))
        layer.linear2.bias.copy_(t(p["b_2"]))
        for k, norm in ((1, layer.norm1), (2, layer.norm2)):
            norm.weight.copy_(t(p[f"ln{k}_gamma"]))
            norm.bias.copy_(t(p[f"ln{k}_beta"]))
    mask = ref.causal_mask(n) if causal else None
    with torch.no_grad():
        expected = layer(t(X), src_mask=None if mask is None else t(~mask)).numpy()  # torch: True = may NOT attend
    assert np.allclose(ref.transformer_block(X, p, h, mask, norm_first), expected, atol=1e-6)


def test_layer_norm_against_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (ci/run installs it for CI)")
    X = RNG.normal(size=(4, 7)) * 3
    norm = torch.nn.LayerNorm(7, dtype=torch.float64)
    gamma, beta = RNG.normal(size=7), RNG.normal(size=7)
    with torch.no_grad():
        norm.weight.copy_(torch.tensor(gamma))
        norm.bias.copy_(torch.tensor(beta))
        expected = norm(torch.tensor(X)).numpy()
    assert np.allclose(ref.layer_norm(X, gamma, beta), expected, atol=1e-6)
