"""Right answers and typical mistakes for the checks of chapter 05 (Self-attention — the two 苹果 sentences).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref

sm = ref.softmax
sdpa = ref.scaled_dot_product_attention

RIGHT = {
    "5.1": ref.self_attention,
    "5.2": ref.self_attention_qkv,
    "5.3": ref.most_attended_word,
}

MISTAKES = {
    "5.1": [
        (lambda X: (sm(X @ X.T) @ X, sm(X @ X.T)), "not divided by √d"),
        (lambda X: (sm(X @ X.T / np.sqrt(X.shape[1]), axis=0) @ X, sm(X @ X.T / np.sqrt(X.shape[1]), axis=0)),
         "down the columns"),
        (lambda X: ((X @ X.T / np.sqrt(X.shape[1])) @ X, X @ X.T), "without softmax"),
        (lambda X: (X, np.eye(len(X))), "the output is X itself"),
        (lambda X: (lambda o, w: (o, w.T))(*ref.self_attention(X)), "transposed"),
        (lambda X: ref.self_attention(X)[0], "should return a pair"),
    ],
    "5.2": [
        (lambda X, a, b, c: sdpa(X @ a, X @ a, X @ a), "one matrix (W_q)"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X), "the values are X itself"),
        (lambda X, a, b, c: sdpa(X @ a.T, X @ b.T, X @ c.T), "transposed"),
        (lambda X, a, b, c: sdpa(X @ b, X @ a, X @ c), "swapped"),
        (lambda X, a, b, c: (lambda Q, K, V: (sm(Q @ K.T) @ V, sm(Q @ K.T)))(X @ a, X @ b, X @ c), "not divided"),
        (lambda X, a, b, c: sdpa(X @ a, X @ b, X @ b), "projected with W_k"),
    ],
    "5.3": [
        (lambda t, w, word: int(np.argmax(np.where(np.arange(len(t)) == t.index(word), -1, w[t.index(word)]))),
         "returned the index"),
        (lambda t, w, word: t[int(np.argmax(w[t.index(word)]))], "itself"),
        (lambda t, w, word: t[int(np.argmin(w[t.index(word)]))], "*smallest* weight"),
        (lambda t, w, word: "联系", "Use the arguments"),
        (lambda t, w, word: t[int(np.argmax(np.where(np.arange(len(t)) == t.index(word), -1, w[:, t.index(word)])))],
         "column"),
    ],
}
