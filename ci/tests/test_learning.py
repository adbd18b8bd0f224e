"""Chapter 08: the dataset, the hand-written gradients (against finite differences and PyTorch's
autograd), and the training run the chapter and its explorer rely on."""
import numpy as np
import pytest

from attention_course import learning
from attention_course import reference as ref
from attention_course.data import apple_sentences, make_batch


@pytest.fixture(scope="module")
def batches():
    train, held_out = apple_sentences()
    return make_batch(train), make_batch(held_out)


def test_dataset_is_fixed_balanced_enough_and_held_out_is_new():
    train, held_out = apple_sentences()
    assert (len(train), len(held_out)) == (52, 39)
    assert apple_sentences() == (train, held_out)  # deterministic
    assert 0.4 < np.mean([y for _, y in train]) < 0.6
    train_words = {t for tokens, _ in train for t in tokens}
    assert {"削", "红", "拍照", "下载"}.isdisjoint(train_words)
    assert not {tuple(t) for t, _ in train} & {tuple(t) for t, _ in held_out}
    assert all(tokens.count("苹果") == 1 for tokens, _ in train + held_out)


def test_padding_does_not_change_a_sentence(batches):
    train, _ = apple_sentences()
    params = learning.init_params(scale=0.7)
    params["w"] = np.arange(6.0) - 2
    prob_batch, att_batch, _ = learning.forward(params, batches[0])
    for b in (0, 5, 17):
        prob, att, _ = learning.forward(params, make_batch([train[b]]))
        n = len(train[b][0])
        assert np.allclose(prob_batch[b], prob[0]) and np.allclose(att_batch[b, :n], att[0])
        assert np.all(att_batch[b, n:] == 0)


def numeric(params, batch, name, eps=1e-6):
    value = np.array(params[name], dtype=float)
    grad = np.zeros_like(value)
    for idx in np.ndindex(value.shape):
        for sign in (1, -1):
            shifted = value.copy()
            shifted[idx] += sign * eps
            grad[idx] += sign * learning.loss_and_gradients({**params, name: shifted}, batch)[0] / (2 * eps)
    return grad


def test_gradients_match_finite_differences(batches):
    rng = np.random.default_rng(3)
    params = {k: np.asarray(v) + rng.normal(size=np.shape(v)) * 0.5 for k, v in learning.init_params().items()}
    _, grads = learning.loss_and_gradients(params, batches[0])
    for name in learning.PARAM_NAMES:
        num = numeric(params, batches[0], name)
        err = np.linalg.norm(num - grads[name]) / (np.linalg.norm(num) + np.linalg.norm(grads[name]))
        assert err < 1e-6, (name, err)


def test_gradients_match_pytorch_autograd(batches):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    params = {k: np.asarray(v) + rng.normal(size=np.shape(v)) * 0.5 for k, v in learning.init_params().items()}
    batch = batches[0]
    t = {k: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    X = torch.tensor(batch["X"])
    x_a = X[torch.arange(len(X)), torch.tensor(batch["apple"])]
    q = x_a @ t["W_q"]
    s = torch.einsum("bd,bld->bl", q, X @ t["W_k"]) / np.sqrt(6)
    s = s.masked_fill(~torch.tensor(batch["mask"]), float("-inf"))
    o = torch.einsum("bl,bld->bd", torch.softmax(s, dim=-1), X @ t["W_v"])
    z = o @ t["w"] + t["b"]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(batch["y"]))
    loss.backward()
    ours_loss, grads = learning.loss_and_gradients(params, batch)
    assert np.isclose(ours_loss, loss.item(), rtol=1e-12)
    for k in learning.PARAM_NAMES:
        assert np.allclose(grads[k], t[k].grad.numpy(), rtol=1e-9, atol=1e-12), k


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(5)
    p = ref.softmax(rng.normal(size=(4, 7)))
    g = rng.normal(size=(4, 7))
    J = p[:, :, None] * (np.eye(7)[None] - p[:, None, :])  # J[b, j, i] = ∂p_j/∂s_i
    assert np.allclose(ref.softmax_backward(p, g), np.einsum("bj,bji->bi", g, J))


def test_training_learns_the_task_quickly_and_deterministically(batches):
    import time

    t0 = time.perf_counter()
    params, history = learning.train(*batches, steps=300, lr=0.5)
    assert time.perf_counter() - t0 < 5
    assert history["loss"][0] == pytest.approx(np.log(2))
    assert history["loss"][-1] < 0.01 and history["train_acc"][-1] == 1 and history["held_out_acc"][-1] == 1
    assert all(b <= a + 1e-12 for a, b in zip(history["loss"], history["loss"][1:]))  # never goes up
    again, _ = learning.train(*batches, steps=300, lr=0.5)
    assert all(np.array_equal(params[k], again[k]) for k in learning.PARAM_NAMES)
    # 苹果 learns to look at the deciding word
    _, att, _ = learning.forward(params, make_batch([("他 削 了 一个 红 的 苹果".split(), 0)]))
    assert att[0].argmax() == 1
