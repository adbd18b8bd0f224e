"""Chapter 08: the dataset, the hand-written gradients (against finite differences and PyTorch's
autograd), the training run the chapter and its explorer rely on, and one model: the functions the
chapter's cells define, and the training history it prints, equal attention_course.learning's."""
import ast
import json
import re
from pathlib import Path

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


def test_training_learns_the_task_deterministically(batches):
    params, history = learning.train(*batches, steps=300, lr=0.5)
    assert history["loss"][0] == pytest.approx(np.log(2))
    assert history["loss"][-1] < 0.01 and history["train_acc"][-1] == 1 and history["held_out_acc"][-1] == 1
    assert all(b <= a + 1e-12 for a, b in zip(history["loss"], history["loss"][1:]))  # never goes up
    again, _ = learning.train(*batches, steps=300, lr=0.5)
    assert all(np.array_equal(params[k], again[k]) for k in learning.PARAM_NAMES)
    # 苹果 learns to look at the deciding word
    _, att, _ = learning.forward(params, make_batch([("他 削 了 一个 红 的 苹果".split(), 0)]))
    assert att[0].argmax() == 1


# --- one model: the chapter's cells and learning.py ----------------------------------------------

NOTEBOOK = Path(__file__).resolve().parents[2] / "solutions" / "08_learning_weights.ipynb"
SHARED = ("init_params", "forward", "loss_fn", "loss_and_gradients")


def notebook_cells():
    return ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]


@pytest.fixture(scope="module")
def chapter():
    """The functions the chapter's cells define (only the definitions are run, in the names the chapter
    imports: softmax, and the reference softmax_backward used before exercise 8.1)."""
    namespace = {"np": np, "softmax": ref.softmax, "reference_softmax_backward": ref.softmax_backward}
    defined = []
    for source in notebook_cells():
        tree = ast.parse(source)
        functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in SHARED]
        if functions:
            exec(compile(ast.Module(body=functions, type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
            defined += [f.name for f in functions]
    assert sorted(defined) == sorted(SHARED), f"the chapter should define each of {SHARED} once; found {defined}"
    return namespace


def test_the_chapter_model_is_learning_py(chapter, batches):
    for seed in (8, 3):
        assert all(np.array_equal(np.asarray(chapter["init_params"](seed=seed)[k]),
                                  np.asarray(learning.init_params(seed=seed)[k])) for k in learning.PARAM_NAMES)
    rng = np.random.default_rng(11)
    params = {k: np.asarray(v) + rng.normal(size=np.shape(v)) * 0.7 for k, v in learning.init_params().items()}
    for batch in batches:
        prob, p, cache = chapter["forward"](params, batch)
        prob_ref, p_ref, cache_ref = learning.forward(params, batch)
        assert np.allclose(prob, prob_ref, rtol=1e-12, atol=0) and np.allclose(p, p_ref, rtol=1e-12, atol=0)
        assert cache.keys() == cache_ref.keys() and all(np.allclose(cache[k], cache_ref[k]) for k in cache)
        assert chapter["loss_fn"](cache["z"], batch["y"]) == pytest.approx(learning.loss_fn(cache["z"], batch["y"]))
        loss, grads = chapter["loss_and_gradients"](params, batch)
        loss_ref, grads_ref = learning.loss_and_gradients(params, batch)
        assert loss == pytest.approx(loss_ref, rel=1e-12)
        assert all(np.allclose(grads[k], grads_ref[k], rtol=1e-12, atol=1e-15) for k in learning.PARAM_NAMES)
    # a large logit: both compute σ(z) without overflow, and agree
    big = {**params, "b": 800.0}
    assert np.array_equal(chapter["forward"](big, batches[0])[0], learning.forward(big, batches[0])[0])


def test_the_chapter_prints_the_training_history_of_learning_py(batches):
    """The chapter trains with its own loop (it is the lesson) and prints its history; nbval keeps that output
    equal to a fresh run, and this test keeps it equal to learning.train, which the explorer replays."""
    _, history = learning.train(*batches, steps=300, lr=0.5)
    line = re.compile(r"step +(\d+): loss ([\d.]+), train accuracy ([\d.]+), held-out accuracy ([\d.]+)")
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                      and "".join(c["source"]).startswith("for step in (") for o in c["outputs"])
    rows = line.findall(printed)
    assert len(rows) >= 6, printed
    for step, loss, train_acc, held_out_acc in rows:
        i = int(step) - 1
        assert (loss, train_acc, held_out_acc) == (f"{history['loss'][i]:.4f}", f"{history['train_acc'][i]:.3f}",
                                                   f"{history['held_out_acc'][i]:.3f}"), step
    first = [1 + int(np.argmax(np.array(history[k]) == 1)) for k in ("held_out_acc", "train_acc")]
    assert f"first reached at step {first[0]} (held-out) and step {first[1]} (training)" in printed
