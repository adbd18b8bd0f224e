"""Right answers and typical mistakes for the checks of chapter 12 (A tiny language model).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of its
message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref
from attention_course import tiny_lm

sm = ref.softmax


def _sample(draw, scale=lambda logits, T: logits / T, t0="argmax"):
    """A sampler: T = 0 handled as ``t0`` says, otherwise ``draw(p, rng)`` with p from ``scale``."""
    def sample_next(logits, T, rng):
        if T == 0 and t0 == "argmax":
            return int(np.argmax(logits))
        if T == 0 and t0 == "as-one":
            T = 1.0
        return draw(sm(scale(logits, T)) if scale is not None else None, logits, T, rng)
    return sample_next


def _choice(p, logits, T, rng):
    return int(rng.choice(len(p), p=p))


def _choice_p_positional(p, logits, T, rng):
    return int(rng.choice(len(p), p))  # p lands in `size`


def _top_k_one_row(logits, k):
    """Written for one row: indexes the array with the order of its elements."""
    out = np.array(logits, dtype=float)
    out[np.argsort(out)[:-k]] = -np.inf
    return out


def _top_k_one_row_threshold(logits, k):
    """Written for one row: the k-th largest of a *sorted array*, not of each row."""
    logits = np.asarray(logits, dtype=float)
    return np.where(logits >= np.sort(logits)[-k], logits, -np.inf)


def _top_k_unguarded(logits, k):
    """The k-th largest as a threshold, without the case k > V."""
    logits = np.asarray(logits, dtype=float)
    return np.where(logits >= np.sort(logits, axis=-1)[..., -k][..., None], logits, -np.inf)


def _kv_concatenate(x, W_q, W_k, W_v, K, V):
    q, k, v = x @ W_q, x @ W_k, x @ W_v
    K, V = np.concatenate([K, k]), np.concatenate([V, v])  # k is 1-D: "same number of dimensions"
    return sm(K @ q / np.sqrt(len(q))) @ V, K, V


def _naive_exp(logits, T, rng):
    if T == 0:
        return int(np.argmax(logits))
    e = np.exp(logits / T)
    return int(rng.choice(len(e), p=e / e.sum()))


def _top_k(logits, k, axis=-1, smallest=False, fill=-np.inf, extra=0):
    logits = np.asarray(logits, dtype=float)
    V = logits.shape[axis]
    k = min(k + extra, V)
    order = np.argsort(-logits if smallest else logits, axis=axis)
    keep = np.take(order, range(V - k, V), axis=axis)
    out = np.full_like(logits, fill)
    np.put_along_axis(out, keep, np.take_along_axis(logits, keep, axis=axis), axis=axis)
    return out


def _kv(x, W_q, W_k, W_v, K, V, scale="d_k", append=True, attend_old=False, prepend=False, transpose=False,
        swap=False, query_from=None, softmax=True, weights=False, cache_query=False):
    q, k, v = x @ (W_k if query_from == "k" else W_q), x @ W_k, x @ W_v
    K_new = np.vstack([k, K]) if prepend else np.vstack([K, x @ W_q if cache_query else k])
    V_new = np.vstack([v, V]) if prepend else np.vstack([V, v])
    K_att, V_att = (K, V) if attend_old else (K_new, V_new)
    s = K_att @ q / {"d_k": np.sqrt(len(q)), "none": 1.0, "d": np.sqrt(len(x)), "d_v": np.sqrt(len(v)),
                     "keys": np.sqrt(len(K_att)), "d_k, no root": len(q)}[scale]
    w = sm(s) if softmax else s
    out = w if weights else w @ V_att
    if not append:
        K_new, V_new = K, V
    if transpose:
        K_new, V_new = K_new.T, V_new.T
    return (out, V_new, K_new) if swap else (out, K_new, V_new)


RIGHT = {
    "12.1": tiny_lm.sample_next,
    "12.2": tiny_lm.top_k_filter,
    "12.3": tiny_lm.kv_cache_step,
}

MISTAKES = {
    "12.1": [
        (_sample(_choice, t0="divide"), "t0-crash", "T = 0 means"),
        (_sample(_choice, t0="as-one"), "t0-not-argmax", "greedy decoding"),
        (_sample(lambda p, l, T, rng: int(np.random.choice(len(p), p=p))), "ignores-rng", "seeded alike"),
        (_sample(lambda p, l, T, rng: int(np.random.default_rng().choice(len(p), p=p))), "ignores-rng",
         "seeded alike"),
        (_sample(lambda p, l, T, rng: int(rng.choice(len(l), p=sm(l) / T))), "divided-after-softmax",
         "*before* the softmax"),
        (_sample(lambda p, l, T, rng: int(rng.choice(len(l), p=(sm(l) / T) / (sm(l) / T).sum()))),
         "temperature-ignored", "whatever T is"),
        (_sample(_choice, scale=lambda l, T: l * T), "multiplied-by-t", "softmax(logits × T)"),
        (_sample(lambda p, l, T, rng: int(np.argmax(l))), "always-argmax", "most likely token every time"),
        (_sample(lambda p, l, T, rng: int(np.random.default_rng(0).choice(len(p), p=p))), "same-token",
         "same state every call"),
        (_naive_exp, "overflow", "overflows"),
        (_sample(lambda p, l, T, rng: int(rng.choice(len(l), p=(l / T) / (l / T).sum()))), "no-softmax",
         "not probabilities"),
        (_sample(lambda p, l, T, rng: int(rng.integers(len(l)))), "uniform", "about equally often"),
        (_sample(_choice, scale=lambda l, T: -l / T), "negated", "sign of the logits"),
        (_sample(lambda p, l, T, rng: p), "returned-distribution", "one per token"),
        (_sample(lambda p, l, T, rng: len(l)), "out-of-range", "a token id is between"),
        (_sample(_choice_p_positional), "p-positional", "as p="),
        (_sample(lambda p, l, T, rng: float(_choice(p, l, T, rng))), "float-id", "return int(...)"),
        (lambda l, T, rng: float(np.argmax(l)), "float-id", "return int(...)"),
        (lambda l, T, rng: np.float64(2.5), "wrong-type", "not whole"),
    ],
    "12.2": [
        (lambda l, k: _top_k(l, k, smallest=True), "k-smallest", "*smallest*"),
        (lambda l, k: _top_k(l, k, extra=1), "k-plus-one", "one too many"),
        (lambda l, k: _top_k(l, k, extra=-1), "k-minus-one", "one too few"),
        (lambda l, k: _top_k(l, k, fill=0.0), "zeros", "e⁰ = 1"),
        (lambda l, k: _top_k(l, k, fill=-1e9), "finite-fill", "large negative number"),
        (lambda l, k: _top_k(l, k, axis=0), "axis-0", "*column*"),
        (lambda l, k: _top_k(np.ravel(l), k).reshape(np.shape(l)), "whole-array", "whole array"),
        (lambda l, k: np.isfinite(_top_k(l, k)), "returned-mask", "boolean mask"),
        (lambda l, k: np.argsort(l, axis=-1)[..., -k:], "returned-top-k", "only the k kept values"),
        (lambda l, k: sm(_top_k(l, k)), "returned-probabilities", "returned probabilities"),
        (lambda l, k: _top_k(l, k) / 2, "kept-changed", "values changed"),
        (_top_k_one_row, "one-row-only", "may be a batch"),
        (_top_k_one_row_threshold, "one-row-only", "may be a batch"),
        (_top_k_unguarded, "k-above-v", "nothing to drop"),
        (lambda l, k: _top_k(l, k) if k <= np.shape(l)[-1] else np.full(np.shape(l), -np.inf), "k-above-v",
         "nothing is dropped"),
    ],
    "12.3": [
        (lambda *a: _kv(*a, append=False), "not-appended", "Append the new token's k and v"),
        (lambda *a: _kv(*a, attend_old=True), "stale-cache", "Append first, then attend"),
        (lambda *a: _kv(*a, prepend=True), "prepended", "*first* rows"),
        (lambda *a: _kv(*a, transpose=True), "cache-transposed", "one *column* per token"),
        (lambda *a: _kv(*a, swap=True), "swapped-caches", "caches swapped"),
        (lambda *a: _kv(*a, scale="none"), "unscaled", "not divided by √d_k"),
        (lambda *a: _kv(*a, scale="d"), "sqrt-d", "x's size d"),
        (lambda *a: _kv(*a, scale="keys"), "sqrt-m", "the number of keys"),
        (lambda *a: _kv(*a, scale="d_k, no root"), "divided-by-d_k", "its square root"),
        (_kv_concatenate, "append-1d", "k[None]"),
        (lambda *a: _kv(*a, scale="d_v"), "sqrt-d_v", "square root of d_v"),
        (lambda *a: _kv(*a, query_from="k"), "query-from-w_k", "made with W_k"),
        (lambda *a: _kv(*a, softmax=False), "no-softmax", "without softmax"),
        (lambda *a: _kv(*a, weights=True), "returned-weights", "attention weights"),
        (lambda *a: _kv(*a, cache_query=True), "query-cached", "went into K_cache"),
        (lambda *a: _kv(*a)[:2], "not-a-triple", "three things"),
    ],
}
