"""Right answers and typical mistakes for the checks of chapter 02 (Similarity).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


RIGHT = {
    "2.1": ref.dot_scores,
    "2.2": ref.cosine_scores,
    "2.3": ref.additive_scores,
}

MISTAKES = {
    "2.1": [
        (lambda q, K: np.sum(q * K, axis=0), "you summed over the keys"),
        (lambda q, K: q * K, "did not sum over the dimensions"),
        (lambda q, K: np.sum(q * K), "a single number"),
        (ref.cosine_scores, "not divided by the lengths"),
        (lambda q, K: ref.softmax(K @ q), "you applied softmax"),
        (lambda q, K: np.abs(K @ q), "no absolute value"),
        (lambda q, K: np.linalg.norm(K, axis=1) * np.linalg.norm(q), "without the cos θ"),
    ],
    "2.2": [
        (ref.dot_scores, "plain dot products"),
        (lambda q, K: K @ q / (np.linalg.norm(K) * np.linalg.norm(q)), "norm of the whole matrix"),
        (lambda q, K: K @ q / np.linalg.norm(K, axis=1), "but not by |q|"),
        (lambda q, K: K @ q / np.linalg.norm(q), "but not by each key's length"),
        (lambda q, K: K @ q / (np.sum(K**2, axis=1) * np.sum(q**2)), "squared lengths"),
    ],
    "2.3": [
        (lambda q, K, Wq, Wk, v: (K @ Wk.T + Wq @ q) @ v, "the tanh is missing"),
        (lambda q, K, Wq, Wk, v: np.tanh((K @ Wk.T + Wq @ q) @ v), "before the product with v"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wq.T + Wk @ q) @ v, "swapped"),
        (lambda q, K, Wq, Wk, v: np.sum(np.tanh(K @ Wk.T + Wq @ q), axis=1), "weight them with v"),
        (lambda q, K, Wq, Wk, v: np.maximum(K @ Wk.T + Wq @ q, 0) @ v, "ReLU"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T + Wq @ q), "should have shape"),
    ],
}
