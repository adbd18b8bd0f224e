"""Chapter 12: the grammar corpus, the tiny language model's forward and backward passes (against the
chapter 11 block, finite differences and PyTorch's autograd), Adam, the reproducible training run behind the
committed checkpoint, sampling, the KV cache and its multiply–add count."""
import numpy as np
import pytest

from attention_course import corpus
from attention_course import reference as ref
from attention_course import tiny_lm as lm
from attention_course.data import ASSETS


# --- the corpus --------------------------------------------------------------------------------------------

def test_corpus_is_deterministic_and_its_parts_are_what_the_chapter_says():
    train, held_out = corpus.train_and_held_out()
    assert (len(train), len(held_out)) == (4000, 500)
    assert corpus.sentences(4000, 12) == list(train)  # the same seed, the same text
    assert corpus.sentences(10, 13) != corpus.sentences(10, 12)
    assert not set(held_out) & set(train)
    assert all(corpus.accepts(s) for s in train + held_out)
    assert len(corpus.language()) == 8073
    assert max(len(s) for s in corpus.language()) + 1 <= lm.Config.n_ctx + 1  # 。 + sentence fits the context
    assert lm.VOCAB == (corpus.END,) + tuple(sorted(set("".join(corpus.language())) - {corpus.END}))


def test_grammar_accepts_exactly_its_sentences():
    ok = ["张三昨天吃了两根香蕉。", "我想吃葡萄。", "黄七用苹果给钱八打了电话。", "刘九给妈妈买了一串葡萄。",
          "马六买了一部苹果手机。"]
    bad = {"张三吃了两个香蕉。": "other",       # measure word: 一根香蕉
           "张三吃了二个苹果。": "other",       # 两, not 二, before a measure word
           "张三想吃手机。": "other",           # a phone is not eaten
           "李四用手机给李四打电话。": "self",  # nobody calls themselves
           "王五给王五买了一个梨。": "self",
           "张三吃了一个苹果": "unfinished"}
    assert all(corpus.accepts(s) and corpus.rejection(s) is None for s in ok)
    for s, why in bad.items():
        assert not corpus.accepts(s) and corpus.rejection(s) == why, s


def test_probabilities_are_those_of_the_generator():
    P = corpus._probabilities()
    assert sum(P.values()) == pytest.approx(1.0, abs=1e-12)
    draws = corpus.sentences(20000, 99)
    assert np.mean([s.startswith("张三") for s in draws]) == pytest.approx(1 / 9, abs=0.01)
    nxt = corpus.next_char_probabilities("张三吃了两")
    assert nxt == pytest.approx({"个": 4 / 7, "根": 1 / 7, "串": 1 / 7, "块": 1 / 7})
    after = [s[5] for s in draws if s.startswith("张三吃了两")]
    assert np.mean([c == "个" for c in after]) == pytest.approx(4 / 7, abs=0.1)
    assert corpus.next_char_probabilities("张三吃了手") == {}
    s = "我想吃葡萄。"
    assert corpus.best_loss([s]) == pytest.approx(-np.log(corpus.probability(s)) / len(s))


# --- the model ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    """Random (not initial) parameters, so that no LayerNorm γ is 1 and no bias 0, and a batch of 5 sentences."""
    rng = np.random.default_rng(7)
    params = {k: v + rng.normal(size=v.shape) * 0.1 for k, v in lm.init_params(lm.Config(), seed=3).items()}
    (x, y, m), _ = lm.datasets()
    return params, x[:5], y[:5], m[:5]


def test_forward_is_chapter_11s_block_and_the_hand_written_pass_agrees(small):
    params, x, y, m = small
    c = lm.Config()
    X = params["tok"][x] + params["pos"][: x.shape[1]]
    for l in range(c.n_layers):
        X = ref.transformer_block(X, lm.block(params, l), c.n_heads, ref.causal_mask(x.shape[1]), norm_first=True)
    logits = ref.layer_norm(X, params["lnf_gamma"], params["lnf_beta"]) @ params["tok"].T
    assert np.allclose(lm.forward(params, x), logits, atol=1e-12)
    value, _ = lm.loss_and_gradients(params, x, y, m)
    assert value == pytest.approx(lm.loss(params, x, y, m), abs=1e-12)
    assert np.allclose(lm.forward(params, x[2]), lm.forward(params, x)[2], atol=1e-12)  # one row = a batch of one


def test_causal_a_later_character_never_changes_an_earlier_prediction(small):
    params, x, _, _ = small
    changed = x.copy()
    changed[:, 6:] = (changed[:, 6:] + 5) % lm.Config.vocab_size
    assert np.allclose(lm.forward(params, x)[:, :6], lm.forward(params, changed)[:, :6], atol=1e-12)
    assert not np.allclose(lm.forward(params, x)[:, 6:], lm.forward(params, changed)[:, 6:])


def test_gradients_match_finite_differences(small):
    params, x, y, m = small
    _, grads = lm.loss_and_gradients(params, x, y, m)
    rng = np.random.default_rng(0)
    for name, value in params.items():
        for _ in range(4):
            idx = tuple(int(rng.integers(s)) for s in value.shape)
            plus, minus = value.copy(), value.copy()
            plus[idx] += 1e-5
            minus[idx] -= 1e-5
            numeric = (lm.loss({**params, name: plus}, x, y, m) - lm.loss({**params, name: minus}, x, y, m)) / 2e-5
            analytic = grads[name][idx]
            if name.endswith("b_k"):  # a bias on the keys shifts a whole row of scores: softmax ignores it
                assert abs(analytic) < 1e-12 and abs(numeric) < 1e-8, (name, analytic, numeric)
                continue
            assert abs(numeric - analytic) <= 1e-6 * (abs(numeric) + abs(analytic)) + 1e-10, (name, idx, numeric,
                                                                                               analytic)


def _torch_model(torch, params, c=lm.Config()):
    """The same model built from torch.nn.TransformerEncoderLayer (norm_first=True): returns (our parameters as
    leaf tensors, loss(x, y, m)). Every call of loss puts the current values in (transposed, as torch computes
    x @ W.T), so an optimiser stepping the leaf tensors is seen by the next call."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    layers = []
    for _ in range(c.n_layers):
        layer = torch.nn.TransformerEncoderLayer(c.d, c.n_heads, c.d_ff, dropout=0.0, batch_first=True,
                                                 norm_first=True, dtype=torch.float64)
        for name in [n for n, _ in layer.named_parameters()]:  # torch's own parameters make way for ours
            module_name, attr = name.rsplit(".", 1)
            delattr(layer.get_submodule(module_name), attr)
        layers.append(layer)

    def load(layer, p):
        sa = layer.self_attn
        sa.in_proj_weight = torch.cat([p["W_q"].T, p["W_k"].T, p["W_v"].T])
        sa.in_proj_bias = torch.cat([p["b_q"], p["b_k"], p["b_v"]])
        sa.out_proj.weight, sa.out_proj.bias = p["W_o"].T, p["b_o"]
        layer.linear1.weight, layer.linear1.bias = p["W_1"].T, p["b_1"]
        layer.linear2.weight, layer.linear2.bias = p["W_2"].T, p["b_2"]
        layer.norm1.weight, layer.norm1.bias = p["ln1_gamma"], p["ln1_beta"]
        layer.norm2.weight, layer.norm2.bias = p["ln2_gamma"], p["ln2_beta"]

    def loss(x, y, m):
        n = x.shape[1]
        X = t["tok"][torch.tensor(x)] + t["pos"][:n]
        not_allowed = ~torch.tril(torch.ones(n, n, dtype=torch.bool))  # torch: True = may NOT attend
        for l, layer in enumerate(layers):
            load(layer, {k: t[f"{l}.{k}"] for k in lm.BLOCK_KEYS})
            X = layer(X, src_mask=not_allowed)
        Y = torch.nn.functional.layer_norm(X, (c.d,), t["lnf_gamma"], t["lnf_beta"], eps=1e-5)
        logits = Y @ t["tok"].T  # the read-out tied to the token embedding
        per_token = torch.nn.functional.cross_entropy(logits.reshape(-1, c.vocab_size), torch.tensor(y).reshape(-1),
                                                      reduction="none")
        mask = torch.tensor(m, dtype=torch.float64).reshape(-1)
        return (per_token * mask).sum() / mask.sum()

    return t, loss


def test_gradients_equal_pytorch_autograd(small):
    torch = pytest.importorskip("torch")
    params, x, y, m = small
    t, torch_loss = _torch_model(torch, params)
    value = torch_loss(x, y, m)
    value.backward()
    ours, grads = lm.loss_and_gradients(params, x, y, m)
    assert ours == pytest.approx(value.item(), abs=1e-12)
    for k in params:
        assert np.allclose(grads[k], t[k].grad.numpy(), rtol=1e-9, atol=1e-12), k


def test_adam_equals_pytorch(small):
    torch = pytest.importorskip("torch")
    params, x, y, m = small
    ours = {k: v.copy() for k, v in params.items()}
    state = {"t": 0, "m": {}, "v": {}}
    t, torch_loss = _torch_model(torch, params)
    opt = torch.optim.Adam(list(t.values()), lr=3e-3, betas=(0.9, 0.99), eps=1e-8)
    for _ in range(3):
        _, grads = lm.loss_and_gradients(ours, x, y, m)
        lm.adam_step(ours, grads, state, 3e-3, (0.9, 0.99), 1e-8)
        opt.zero_grad()
        torch_loss(x, y, m).backward()
        opt.step()
    for k in params:
        assert np.allclose(ours[k], t[k].detach().numpy(), rtol=1e-9, atol=1e-12), k


# --- training and the checkpoint ------------------------------------------------------------------------------

def test_checkpoint_is_what_the_chapter_loads():
    params, history, config = lm.load_checkpoint()
    assert config == lm.Config() and lm.n_parameters(params) == 27808
    assert set(params) == set(lm.init_params(config))
    assert len(history["train_loss"]) == lm.TrainConfig().steps
    assert history["train_config"]["seed"] == lm.TrainConfig().seed
    assert (ASSETS / "models" / "README.md").exists()


def test_a_short_run_follows_the_checkpoints_first_steps():
    """train(steps=40) takes the same batches and learning rates as the first 40 steps of the full run."""
    _, history = lm.train(steps=40)
    _, saved, _ = lm.load_checkpoint()
    assert np.allclose(history["train_loss"], saved["train_loss"][:40], rtol=1e-9, atol=0)
    assert history["eval_held_out_loss"][0] == pytest.approx(saved["eval_held_out_loss"][0], abs=1e-12)


def test_training_from_the_seed_reproduces_the_checkpoint():
    """The whole run (about 15–40 s). On the machine that made the checkpoint the result is the same bit for
    bit (one BLAS thread); another CPU's BLAS may round differently, so the test allows 1e-6 — a 1e-15
    change of the initial embedding moves the trained parameters by about 1e-11."""
    params, history = lm.train()
    saved, saved_history, _ = lm.load_checkpoint()
    diff = max(float(np.max(np.abs(np.float32(params[k]).astype(float) - saved[k]))) for k in params)
    assert diff <= 1e-6
    assert np.allclose(history["eval_held_out_loss"], saved_history["eval_held_out_loss"], atol=1e-6)
    assert history["eval_held_out_loss"][-1] < 0.8 < 4.0 < history["eval_held_out_loss"][0]


def test_blas_threads_restores_the_setting():
    api = lm._openblas()
    if api is None:
        pytest.skip("NumPy does not use OpenBLAS here")
    get, _ = api
    before = get()
    with lm.blas_threads(1):
        assert get() == 1
    assert get() == before


# --- sampling, the KV cache, measuring ---------------------------------------------------------------------------

def test_sampling_follows_the_distribution():
    logits = np.array([[2.0, 1.0, -1.0, 0.5], [0.0, 3.0, 1.0, 1.0]])
    rng = np.random.default_rng(0)
    draws = np.array([lm.sample_batch(logits, 0.7, rng) for _ in range(4000)])
    for row in range(2):
        freq = np.bincount(draws[:, row], minlength=4) / 4000
        assert np.allclose(freq, ref.softmax(logits[row] / 0.7), atol=0.03)
    assert list(lm.sample_batch(logits, 0, rng)) == [0, 1]
    top2 = np.array([lm.sample_batch(logits, 5.0, rng, top_k=2) for _ in range(500)])
    assert set(top2[:, 0]) == {0, 1} and set(top2[:, 1]) <= {1, 2, 3}
    assert np.isfinite(lm.top_k_filter(logits, 2)).sum(axis=1).tolist() == [2, 2]
    assert np.allclose(lm.next_distribution(logits, 2.0, 3).sum(axis=1), 1)


def test_kv_cache_gives_the_full_recomputations_logits():
    params, _, config = lm.load_checkpoint()
    rng = np.random.default_rng(1)
    tokens = rng.integers(config.vocab_size, size=(3, config.n_ctx))
    cache = lm.KVCache(params, 3)
    for t in range(config.n_ctx):
        cached = cache.step(tokens[:, t])
        full = lm.forward(params, tokens[:, : t + 1])[:, -1]
        assert np.max(np.abs(cached - full)) < 1e-12
    with pytest.raises(ValueError, match="context"):
        cache.step(tokens[:, 0])


def test_kv_cache_step_is_causal_attention_one_token_at_a_time():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 6))
    W_q, W_k, W_v = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    full, _ = ref.scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v, mask=ref.causal_mask(5))
    K, V = np.zeros((0, 4)), np.zeros((0, 3))
    for i in range(5):
        out, K, V = lm.kv_cache_step(X[i], W_q, W_k, W_v, K, V)
        assert np.allclose(out, full[i]) and K.shape == (i + 1, 4) and V.shape == (i + 1, 3)


class _Counter:
    """Matrix products that count their multiply–adds: an (a × b) @ (b × c) product is a·b·c of them."""

    def __init__(self):
        self.macs = 0

    def mm(self, A, B):
        self.macs += int(np.prod(A.shape[:-1])) * A.shape[-1] * B.shape[-1]
        return A @ B


def _counted_logits(params, ids, counter, c=lm.Config()):
    """The last position's logits, recomputing the whole prefix, every product counted."""
    n = len(ids)
    X = params["tok"][ids] + params["pos"][:n]
    for l in range(c.n_layers):
        p = lm.block(params, l)
        a = ref.layer_norm(X, p["ln1_gamma"], p["ln1_beta"])
        Q, K, V = (counter.mm(a, p[f"W_{x}"]) + p[f"b_{x}"] for x in "qkv")
        heads = []
        for h in range(c.n_heads):
            cols = slice(h * c.d // c.n_heads, (h + 1) * c.d // c.n_heads)
            S = counter.mm(Q[:, cols], K[:, cols].T) / np.sqrt(c.d // c.n_heads)
            heads.append(counter.mm(ref.softmax(np.where(ref.causal_mask(n), S, -np.inf)), V[:, cols]))
        X = X + counter.mm(np.concatenate(heads, axis=1), p["W_o"]) + p["b_o"]
        hidden = np.maximum(counter.mm(ref.layer_norm(X, p["ln2_gamma"], p["ln2_beta"]), p["W_1"]) + p["b_1"], 0)
        X = X + counter.mm(hidden, p["W_2"]) + p["b_2"]
    Y = ref.layer_norm(X[-1:], params["lnf_gamma"], params["lnf_beta"])
    return counter.mm(Y, params["tok"].T)[0]


def _counted_cached_step(params, token, t, caches, counter, c=lm.Config()):
    """The logits after the token at position t, computing only that token's q, k, v: every product counted."""
    x = params["tok"][token][None] + params["pos"][t]
    for l in range(c.n_layers):
        p = lm.block(params, l)
        a = ref.layer_norm(x, p["ln1_gamma"], p["ln1_beta"])
        q, k, v = (counter.mm(a, p[f"W_{n}"]) + p[f"b_{n}"] for n in "qkv")
        caches[l] = (np.vstack([caches[l][0], k]), np.vstack([caches[l][1], v]))
        K, V = caches[l]
        heads = []
        for h in range(c.n_heads):
            cols = slice(h * c.d // c.n_heads, (h + 1) * c.d // c.n_heads)
            s = counter.mm(q[:, cols], K[:, cols].T) / np.sqrt(c.d // c.n_heads)
            heads.append(counter.mm(ref.softmax(s), V[:, cols]))
        x = x + counter.mm(np.concatenate(heads, axis=1), p["W_o"]) + p["b_o"]
        hidden = np.maximum(counter.mm(ref.layer_norm(x, p["ln2_gamma"], p["ln2_beta"]), p["W_1"]) + p["b_1"], 0)
        x = x + counter.mm(hidden, p["W_2"]) + p["b_2"]
    return counter.mm(ref.layer_norm(x, params["lnf_gamma"], params["lnf_beta"]), params["tok"].T)[0]


def test_multiply_adds_per_token_are_counted_right():
    params, _, c = lm.load_checkpoint()
    ids = lm.encode("。刘九昨天用苹果给王五打了电话")
    caches = [(np.zeros((0, c.d)), np.zeros((0, c.d))) for _ in range(c.n_layers)]
    for t in range(len(ids)):
        full, step = _Counter(), _Counter()
        expected = lm.forward(params, ids[: t + 1])[-1]
        assert np.allclose(_counted_logits(params, ids[: t + 1], full), expected, atol=1e-12)
        assert np.allclose(_counted_cached_step(params, ids[t], t, caches, step), expected, atol=1e-12)
        assert full.macs == lm.macs_per_token(t + 1, cached=False)
        assert step.macs == lm.macs_per_token(t + 1, cached=True)


def test_generate_is_reproducible_and_quality_counts_right():
    params, _, _ = lm.load_checkpoint()
    a = lm.generate(params, 20, 1.0, np.random.default_rng(3))
    assert a == lm.generate(params, 20, 1.0, np.random.default_rng(3))
    assert all(s.endswith("。") or len(s) == lm.Config.n_ctx for s in a)
    greedy = lm.generate(params, 4, 0.0, np.random.default_rng(0))
    assert len(set(greedy)) == 1
    train = {"我想吃葡萄。"}
    q = lm.quality(["我想吃葡萄。", "我想吃梨。", "我想吃梨。", "我想吃手机。"], train)
    assert q == {"accepted": 0.75, "new": 0.5, "distinct": 0.75}
    prompt = lm.generate(params, 3, 0.5, np.random.default_rng(0), prompt="张三吃了两")
    assert all(s[0] in "个根串块" for s in prompt)
