"""Right answers and typical mistakes for the checks of chapter 02 (Similarity).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


def _needs_square(q, K):
    """Right only when K is square (it would raise for any other shape)."""
    if K.shape[0] != K.shape[1]:
        raise ValueError("shapes do not fit")
    return K @ q


def _right_only_when_square(q, K, Wq, Wk, v):
    """Right when h = m = d; with other sizes it raises."""
    if not Wq.shape[0] == Wq.shape[1] == K.shape[0]:
        raise ValueError("shapes do not fit")
    return np.tanh(K @ Wk.T + Wq @ q) @ v


# The notebook's own arrays (cell 3): an answer that reads them instead of its arguments.
_q = np.array([2.0, 1.0])
_K = np.array([[1.0, 0.0], [3.0, 3.0], [-1.0, 2.0], [0.5, -2.0]])


def _cosine(q, K):
    return K @ q / (np.linalg.norm(K, axis=1) * np.linalg.norm(q))


RIGHT = {
    "2.1": ref.dot_scores,
    "2.2": ref.cosine_scores,
    "2.3": ref.additive_scores,
}

MISTAKES = {
    "2.1": [
        (lambda q, K: q @ K, "transposed", "the *columns* of K"),
        (lambda q, K: np.dot(q, K), "transposed", "raised ValueError"),
        (lambda q, K: np.sum(q * K, axis=0), "summed-over-keys", "you summed over the keys"),
        (lambda q, K: q * K, "no-sum", "did not sum over the dimensions"),
        (lambda q, K: np.sum(q * K), "single-number", "a single number"),
        (ref.cosine_scores, "cosine", "not divided by the lengths"),
        (lambda q, K: ref.softmax(K @ q), "softmax", "you applied softmax"),
        (lambda q, K: np.abs(K @ q), "absolute", "no absolute value"),
        (lambda q, K: np.linalg.norm(K, axis=1) * np.linalg.norm(q), "norms-only", "without the cos θ"),
        (_needs_square, "shape-coincidence", "lines up only when two sizes happen to be equal"),
        (lambda q, K: (K @ q)[:-1], "wrong-shape", "should have shape"),
        (lambda q, K: _K @ q, "uses-global", "the scores of the notebook's own K"),
        (lambda q, K: K @ _q, "uses-global", "the scores of the notebook's own q"),
        (lambda q, K: _K @ _q, "uses-global", "the scores of the notebook's own q, K"),
        (lambda q, K: K @ q / np.sqrt(len(q)), "scaled", "you divided by √d"),
        (lambda q, K: K @ q / len(q), "scaled", "you divided by d;"),
    ],
    "2.2": [
        (ref.dot_scores, "dot", "plain dot products"),
        (lambda q, K: K @ q / (np.linalg.norm(K, axis=0) * np.linalg.norm(q)), "norm-axis-0", "*columns* of K"),
        (lambda q, K: K @ q / (np.linalg.norm(K) * np.linalg.norm(q)), "matrix-norm", "norm of the whole matrix"),
        (lambda q, K: K @ q / np.linalg.norm(K, axis=1), "only-key-norm", "but not by |q|"),
        (lambda q, K: K @ q / np.linalg.norm(q), "only-query-norm", "but not by each key's length"),
        (lambda q, K: K @ q / (np.sum(K**2, axis=1) * np.sum(q**2)), "squared-norms", "squared lengths"),
        (lambda q, K: np.arccos(ref.cosine_scores(q, K)), "angle", "no arccos"),
        (lambda q, K: np.sum(q * K, axis=0) / np.linalg.norm(q), "summed-over-keys", "you summed over the keys"),
        (lambda q, K: K @ q / (np.linalg.norm(K, axis=1, keepdims=True) * np.linalg.norm(q)), "broadcast-m-m",
         "keepdims=True — broadcasts to (4, 4)"),
        (lambda q, K: _cosine(q, _K), "uses-global", "the scores of the notebook's own K"),
        (lambda q, K: _cosine(_q, K), "uses-global", "the scores of the notebook's own q"),
    ],
    "2.3": [
        (lambda q, K, Wq, Wk, v: v @ np.tanh(Wk @ K.T + Wq @ q), "broadcast-axis", "broadcasts an (h,) vector"),
        (lambda q, K, Wq, Wk, v: np.tanh(Wq @ q + Wk @ K.T).T @ v, "broadcast-axis", "could not be broadcast"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk + Wq @ q) @ v, "transposed-w_k", "K @ W_k.T"),
        (lambda q, K, Wq, Wk, v: (K @ Wk.T + Wq @ q) @ v, "no-tanh", "the tanh is missing"),
        (lambda q, K, Wq, Wk, v: np.tanh((K @ Wk.T + Wq @ q) @ v), "tanh-after-v", "before the product with v"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wq.T + Wk @ q) @ v, "swapped-weights", "swapped"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T) @ v, "no-query", "the query's part W_q q is missing"),
        (lambda q, K, Wq, Wk, v: np.sum(np.tanh(K @ Wk.T + Wq @ q), axis=1), "sum-not-v", "weight them with v"),
        (lambda q, K, Wq, Wk, v: np.maximum(K @ Wk.T + Wq @ q, 0) @ v, "relu", "ReLU"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T + Wq @ q), "returned-hidden", "those are the hidden vectors"),
        (_right_only_when_square, "shape-coincidence", "lines up only when two sizes happen to be equal"),
        (lambda q, K, Wq, Wk, v: (np.tanh(K @ Wk.T + Wq @ q) @ v)[:-1], "wrong-shape", "should have shape"),
        (lambda q, K, Wq, Wk, v: np.tanh(_K @ Wk.T + Wq @ q) @ v, "uses-global", "the scores of the notebook's own K"),
        (lambda q, K, Wq, Wk, v: np.tanh(K @ Wk.T + Wq @ _q) @ v, "uses-global", "the scores of the notebook's own q"),
    ],
}
