"""Right answers and typical mistakes for the checks of chapter 05 (Self-attention — the two 苹果 sentences).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax
sdpa = ref.scaled_dot_product_attention


def _plain(X, divisor="d", axis=-1, softmax=True):
    n, d = X.shape
    s = X @ X.T / {"d": np.sqrt(d), "none": 1.0, "d, no root": d, "n": np.sqrt(n)}[divisor]
    w = sm(s, axis=axis) if softmax else s
    return w @ X, w


def _qkv(X, Wq, Wk, Wv, divisor="d_k", axis=-1):
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    n, d = X.shape
    d_k, d_v = K.shape[1], V.shape[1]
    s = Q @ K.T / {"d_k": np.sqrt(d_k), "none": 1.0, "d_k, no root": d_k, "d_model": np.sqrt(d), "n": np.sqrt(n),
                   "d_v": np.sqrt(d_v)}[divisor]
    w = sm(s, axis=axis)
    return w @ V, w


def _row_argmax(t, w, word, skip_self=True):
    i = list(t).index(word)
    row = np.array(w[i], dtype=float)
    if skip_self:
        row[i] = -np.inf
    return int(np.argmax(row))


RIGHT = {
    "5.1": ref.self_attention,
    "5.2": ref.self_attention_qkv,
    "5.3": ref.most_attended_word,
}

MISTAKES = {
    "5.1": [
        (lambda X: _plain(X, "none"), "unscaled", "not divided by √d"),
        (lambda X: _plain(X, "d, no root"), "divided-by-d", "its square root"),
        (lambda X: _plain(X, "n"), "sqrt-n", "number of tokens"),
        (lambda X: _plain(X, axis=0), "axis-0", "down the columns"),
        (lambda X: _plain(X, softmax=False), "no-softmax", "without softmax"),
        (lambda X: (np.exp(X @ X.T / np.sqrt(X.shape[1])) @ X, np.exp(X @ X.T / np.sqrt(X.shape[1]))),
         "unnormalised", "not normalised"),
        (lambda X: (X, np.eye(len(X))), "returned-x", "the output is X itself"),
        (lambda X: (lambda o, w: (o, w.T))(*_plain(X)), "weights-transposed", "transposed"),
        (lambda X: (_plain(X)[0], np.ones((len(X), len(X)))), "rows-not-normalised", "should sum to 1"),
        (lambda X: (_plain(X)[0], np.eye(len(X))), "weights-not-used", "not the ones used"),
        (lambda X: _plain(X)[0], "not-a-pair", "should return a pair"),
        (lambda X: _plain(X)[::-1], "swapped-pair", "returned (weights, output)"),
    ],
    "5.2": [
        (lambda X, a, b, c: _qkv(X, a, b, c, "none"), "unscaled", "not divided by √d_k"),
        (lambda X, a, b, c: _qkv(X, a, b, c, "d_k, no root"), "divided-by-d_k", "its square root"),
        (lambda X, a, b, c: _qkv(X, a, b, c, "d_model"), "sqrt-d_model", "d_model"),
        (lambda X, a, b, c: _qkv(X, a, b, c, "n"), "sqrt-n", "number of tokens"),
        (lambda X, a, b, c: _qkv(X, a, b, c, "d_v"), "sqrt-d_v", "the width of the values"),
        (lambda X, a, b, c: sdpa(X @ a, X @ a, X @ a), "one-matrix", "one matrix (W_q)"),
        (lambda X, a, b, c: sdpa(X @ a, X @ a, X @ c), "same-w-q-k", "the same matrix"),
        (lambda X, a, b, c: sdpa(X @ b, X @ b, X @ c), "same-w-q-k", "the same matrix"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X), "values-not-projected", "the values are X itself"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X @ b), "values-from-w_k", "projected with W_k"),
        (lambda X, a, b, c: sdpa(X, X, X @ c), "scores-from-x", "compare X with X"),
        (lambda X, a, b, c: sdpa(X @ b, X @ a, X @ c), "swapped-q-k", "swapped"),
        (lambda X, a, b, c: sdpa(X @ a.T, X @ b.T, X @ c.T), "transposed-w", "row convention"),
        (lambda X, a, b, c: _qkv(X, a, b, c, axis=0), "axis-0", "down the columns"),
        (lambda X, a, b, c: (lambda o, w: (o, w.T))(*_qkv(X, a, b, c)), "weights-transposed", "transposed"),
        (lambda X, a, b, c: _qkv(X, a, b, c)[::-1], "swapped-pair", "returned (weights, output)"),
        (lambda X, a, b, c: _qkv(X, a, b, c)[0], "not-a-pair", "should return a pair"),
    ],
    "5.3": [
        (lambda t, w, word: _row_argmax(t, w, word), "returned-index", "returned the index"),
        (lambda t, w, word: float(np.max(w[list(t).index(word)])), "returned-weight", "a weight, not a word"),
        (lambda t, w, word: t[_row_argmax(t, w, word, skip_self=False)], "included-itself", "itself"),
        (lambda t, w, word: t[int(np.argsort(w[list(t).index(word)])[-2])], "second-largest", "second-largest"),
        (lambda t, w, word: t[int(np.argmin(w[list(t).index(word)]))], "argmin", "*smallest* weight"),
        (lambda t, w, word: t[int(np.argmax(np.delete(w[list(t).index(word)], list(t).index(word))))],
         "index-shift", "shift by one"),
        (lambda t, w, word: t[_row_argmax(t, np.asarray(w).T, word)], "read-column", "column"),
        (lambda t, w, word: "联系", "not-a-token", "not one of the tokens"),
        (lambda t, w, word: [t[_row_argmax(t, w, word)]], "wrong-type", "one token (a string)"),
    ],
}
