"""Checks for chapter 02: similarity scores between a query and each key (the rows of K)."""
import numpy as np

from .. import reference as ref
from .core import Mistake, as_array, call, close, diagnose, fmt, register

RNG = np.random.default_rng(2)
Q = np.array([2.0, 1.0])
K = np.array([[1.0, 0.0], [3.0, 3.0], [-1.0, 2.0], [0.5, -2.0]])  # keys of different lengths
# A second case with d != m, so shapes that only work by accident fail
Q5 = RNG.normal(size=5)
K3 = RNG.normal(size=(3, 5)) * np.array([[1.0], [3.0], [0.5]])


def _shape_mistakes(desc, got, m, d):
    if got.shape == (d,) and d != m:
        raise Mistake(f"{desc} has shape {got.shape}, one number per *dimension*: you summed over the keys "
                      f"(axis 0). Sum over the dimensions instead: one score per key, shape ({m},).")
    if got.shape == (m, d):
        raise Mistake(f"{desc} has shape {got.shape}: you multiplied element by element but did not sum "
                      f"over the dimensions; the score of key j is sum_i q[i] * K[j, i], shape ({m},).")
    if got.shape == ():
        raise Mistake(f"{desc} is a single number; the answer is one score per key, shape ({m},). "
                      "Did you sum everything (np.sum(q * K)) instead of each row?")


def _scores_check(fn, name, reference, mistakes, extra_cases=()):
    for q, keys, label in [(Q, K, "q, K"), (Q5, K3, "q5, K3"), *extra_cases]:
        m, d = keys.shape
        desc = f"{name}({label})"
        got = as_array(call(fn, q, keys, desc=desc), desc)
        _shape_mistakes(desc, got, m, d)
        if got.shape != (m,):
            raise Mistake(f"{desc} should have shape ({m},), one score per key; yours has shape {got.shape}.")
        expected = reference(q, keys)
        if close(got, expected):
            continue
        diagnose(got, (q, keys), [(w, msg.format(desc=desc, got=fmt(got))) for w, msg in mistakes])
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")


@register("2.1", "dot_scores")
def check_dot_scores(dot_scores):
    _scores_check(dot_scores, "dot_scores", ref.dot_scores, [
        (ref.cosine_scores, "{desc} gave {got}, the cosine similarities: the dot product is not divided by the lengths."),
        (lambda q, K: ref.softmax(ref.dot_scores(q, K)),
         "{desc} gave {got}, which sums to 1: you applied softmax. Return the raw scores; softmax comes later."),
        (lambda q, K: np.linalg.norm(K, axis=1) * np.linalg.norm(q),
         "{desc} gave {got}, |q|·|k| without the cos θ: use the sum of products q[i] * k[i]."),
        (lambda q, K: np.abs(ref.dot_scores(q, K)),
         "{desc} gave {got}: no absolute value — a key pointing away from q has a negative score."),
    ])
    return "one score per key: K @ q (shape (m,)), e.g. dot_scores(q, K) = " + fmt(ref.dot_scores(Q, K)) + "."


@register("2.2", "cosine_scores")
def check_cosine_scores(cosine_scores):
    long_keys = (Q, K * 100.0, "q, 100 * K")
    _scores_check(cosine_scores, "cosine_scores", ref.cosine_scores, [
        (ref.dot_scores, "{desc} gave {got}, the plain dot products: divide each by |q| and by |k_j|."),
        (lambda q, K: K @ q / (np.linalg.norm(K) * np.linalg.norm(q)),
         "{desc} gave {got}: you divided by the norm of the whole matrix K; divide each score by the length "
         "of its own key, np.linalg.norm(K, axis=1)."),
        (lambda q, K: K @ q / np.linalg.norm(K, axis=1),
         "{desc} gave {got}: divided by |k_j| but not by |q|."),
        (lambda q, K: K @ q / np.linalg.norm(q),
         "{desc} gave {got}: divided by |q| but not by each key's length |k_j|."),
        (lambda q, K: K @ q / (np.sum(K**2, axis=1) * np.sum(q**2)),
         "{desc} gave {got}: you divided by the squared lengths; use the lengths (square roots)."),
    ], extra_cases=[long_keys])
    got = as_array(call(cosine_scores, Q, K * 100.0, desc="cosine_scores(q, 100 * K)"), "cosine_scores")
    if np.any(np.abs(got) > 1 + 1e-9):
        raise Mistake(f"cosine similarities lie between -1 and 1; yours reach {fmt(np.max(np.abs(got)))}.")
    return "cosine similarities in [-1, 1], unchanged when the keys are made 100 times longer."


@register("2.3", "additive_scores")
def check_additive_scores(additive_scores):
    h, d = 4, 2
    rng = np.random.default_rng(23)
    W_q, W_k, v = rng.normal(size=(h, d)), rng.normal(size=(h, d)), rng.normal(size=h)
    W_q5, W_k5, v5 = rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    cases = [(Q, K, W_q, W_k, v, "q, K, W_q, W_k, v"), (Q5, K3, W_q5, W_k5, v5, "q5, K3, W_q5, W_k5, v5")]
    for q, keys, wq, wk, vv, label in cases:
        m = keys.shape[0]
        desc = f"additive_scores({label})"
        got = as_array(call(additive_scores, q, keys, wq, wk, vv, desc=desc), desc)
        if got.shape != (m,):
            raise Mistake(f"{desc} should have shape ({m},), one score per key; yours has shape {got.shape}. "
                          f"Hidden layer: tanh(W_q q + W_k k_j) has shape ({wq.shape[0]},); then v · (that).")
        expected = ref.additive_scores(q, keys, wq, wk, vv)
        if close(got, expected):
            continue
        diagnose(got, (q, keys, wq, wk, vv), [
            (lambda q, K, Wq, Wk, v: (K @ Wk.T + Wq @ q) @ v,
             f"{desc} gave {fmt(got)}: the tanh is missing. Without it the score is linear, and the query's "
             "part is the same for every key — softmax would ignore the query altogether."),
            (lambda q, K, Wq, Wk, v: np.tanh((K @ Wk.T + Wq @ q) @ v),
             f"{desc} gave {fmt(got)}: tanh goes on the hidden vector W_q q + W_k k_j, before the product with v."),
            (lambda q, K, Wq, Wk, v: np.tanh(K @ Wq.T + Wk @ q) @ v,
             f"{desc} gave {fmt(got)}: W_q and W_k are swapped — W_q multiplies the query, W_k each key."),
            (lambda q, K, Wq, Wk, v: np.sum(np.tanh(K @ Wk.T + Wq @ q), axis=1),
             f"{desc} gave {fmt(got)}: you summed the hidden units; weight them with v (a dot product with v)."),
            (lambda q, K, Wq, Wk, v: np.maximum(K @ Wk.T + Wq @ q, 0) @ v,
             f"{desc} gave {fmt(got)}: that is ReLU; the additive score uses tanh."),
        ])
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")
    return "vᵀ tanh(W_q q + W_k k_j) for every key, with the right shapes for any h, d and m."
