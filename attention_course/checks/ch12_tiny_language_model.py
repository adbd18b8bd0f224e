"""Checks for chapter 12: sampling with a temperature, top-k filtering, and one step of a KV cache.

Sampling is random, so 12.1's check is statistical but never flaky: every draw comes from a generator
with a fixed seed (the check's verdict on a given answer is always the same), thousands of draws are
compared with softmax(logits / T) with a tolerance of five standard deviations (a right answer cannot
miss it, whatever way it draws), and the wrong distributions it names are far outside it. Two runs
with generators seeded alike must give the same tokens: an answer that draws from ``np.random`` or
``random`` instead of the ``rng`` it is given cannot pass.

12.3's case has all its sizes different (d = 6 features in x, d_k = 4, d_v = 3, t = 6 cached tokens, so t + 1 = 7
keys), so scaling by √d, √d_v or √(number of keys), swapped caches or a transposed cache cannot pass by a coincidence
of shapes.
"""
import numbers

import numpy as np

from .. import reference as ref
from .. import tiny_lm
from ..i18n import tr
from .core import Mistake, as_array, call, close, fmt, short_repr, register

# --- 12.1 sample_next ------------------------------------------------------------------------------

LOGITS = np.array([1.0, 2.5, 0.2, -0.5, 1.8])        # 5 tokens, the largest is token 1
LOGITS_T0 = np.array([0.3, -1.2, 2.0, 4.1, 3.9, 0.0, 1.1])  # 7 tokens, the largest is token 3
BIG = np.array([900.0, 1000.0, 999.3, 0.0])           # token 1; exp(BIG / T) overflows without the max trick
N_DRAWS = 3000
TEMPERATURES = (2.0, 1.0, 0.5)


def _as_index(value, desc, V):
    """A token id: an integer in [0, V), or a Mistake that says what came back instead."""
    if value is None:
        raise Mistake("returned-none", tr("{desc} returned None: did you forget `return`?", desc=desc))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (np.ndarray, list, tuple)) and np.shape(_quiet(value)) == (V,):
        raise Mistake("returned-distribution", tr("{desc} returned {V} numbers: one per token, the probabilities. "
                                                  "Return one token id drawn from them (an integer).",
                                                  desc=desc, V=V))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise Mistake("wrong-type", tr("{desc} should return one token id (an integer), not {kind} {value}.",
                                       desc=desc, kind=type(value).__name__, value=short_repr(value, 40)))
    if not isinstance(value, numbers.Integral):
        if np.isfinite(value) and value == int(value):
            raise Mistake("float-id", tr("{desc} returned {value}, a float. A token id is an index into the "
                                         "vocabulary, an int: return int(...) of the id you drew (the course uses it "
                                         "as tiny_lm.VOCAB[id] and in arrays of ids).", desc=desc,
                                         value=short_repr(value, 40)))
        raise Mistake("wrong-type", tr("{desc} should return one token id (an integer), not {value}: a number that is "
                                       "not whole cannot be an index. Return the index of the token you drew.",
                                       desc=desc, value=short_repr(value, 40)))
    index = int(value)
    if not 0 <= index < V:
        raise Mistake("out-of-range", tr("{desc} returned {index}; a token id is between 0 and {last} "
                                         "(there are {V} logits).", desc=desc, index=index, last=V - 1, V=V))
    return index


def _numeric_failure(message):
    """True if an exception's text says that numbers went wrong (a division by zero, inf or nan)."""
    return any(word in message for word in ("ZeroDivision", "FloatingPoint", "NaN", "nan", "inf", "divide"))


def _p_positional(m, desc):
    """rng.choice(n, probabilities): the probabilities went in as ``size`` and rng.choice raised a TypeError."""
    if m.id == "raised" and "TypeError" in m.message and "interpreted as an integer" in m.message:
        raise Mistake("p-positional", tr("{desc} failed ({message}). If you called rng.choice(n, probabilities): the "
                                         "second positional argument of rng.choice is size, the number of draws. Pass "
                                         "the probabilities by name, as p=….", desc=desc, message=m.message)) from None


def _draws(sample_next, logits, T, seed, n, desc):
    rng = np.random.default_rng(seed)
    return np.array([_as_index(call(sample_next, logits, T, rng, desc=desc), desc, len(logits)) for _ in range(n)])


def _tolerance(p, n):
    return 5 * np.sqrt(p * (1 - p) / n) + 0.005


def _softmax_t(logits, T):
    return ref.softmax(logits / T)


def _run(sample_next, logits, T, seed, n, desc):
    """``n`` draws, with the failures of a sampler that does not hand rng.choice probabilities named."""
    try:
        return _draws(sample_next, logits, T, seed, n, desc)
    except Mistake as m:
        if m.id == "raised" and "non-negative" in m.message:
            raise Mistake("no-softmax", tr("{desc} failed ({message}). Logits can be negative: they are not "
                                           "probabilities. Sample from softmax(logits / T).",
                                           desc=desc, message=m.message)) from None
        _p_positional(m, desc)
        if m.id == "raised" and "sum to 1" in m.message:
            raise Mistake("divided-after-softmax", tr("{desc} failed ({message}). Dividing the probabilities by T "
                                                      "leaves numbers that no longer sum to 1; divide the logits by "
                                                      "T *before* the softmax.", desc=desc, message=m.message)) from None
        raise


@register("12.1", "sample_next")
def check_sample_next(sample_next):
    # T = 0: the argmax, without dividing by zero
    for logits in (LOGITS_T0, LOGITS):
        desc = tr("sample_next(logits, 0, rng) with {V} logits", V=len(logits))
        try:
            got = _draws(sample_next, logits, 0.0, 0, 20, desc)
        except Mistake as m:
            _p_positional(m, desc)
            if m.id == "raised" and _numeric_failure(m.message):
                raise Mistake("t0-crash", tr("{desc} failed ({message}). T = 0 means 'always the most likely token': "
                                             "return the argmax of the logits when the temperature is 0, without "
                                             "dividing by it.", desc=desc, message=m.message)) from None
            raise
        best = int(np.argmax(logits))
        if not np.all(got == best):
            raise Mistake("t0-not-argmax", tr("{desc} gave the tokens {got}; at T = 0 every call must return the "
                                              "argmax, token {best} (greedy decoding: no randomness at all).",
                                              desc=desc, got=fmt(np.unique(got)), best=best))
    # the distribution, at three temperatures (T = 2 first: there the most likely token has only 0.39)
    for i, T in enumerate(TEMPERATURES):
        desc = tr("sample_next(logits, {T}, rng)", T=T)
        draws = _run(sample_next, LOGITS, T, 1000 + i, N_DRAWS, desc)
        freq = np.bincount(draws, minlength=len(LOGITS)) / N_DRAWS
        expected = _softmax_t(LOGITS, T)
        tol = _tolerance(expected, N_DRAWS)
        if np.all(np.abs(freq - expected) <= tol):
            continue
        if len(np.unique(draws)) == 1:
            if draws[0] == np.argmax(LOGITS):
                raise Mistake("always-argmax", tr("{desc} returned the most likely token every time; at T = {T} the "
                                                  "other tokens must come up too, as often as softmax(logits / T) "
                                                  "says.", desc=desc, T=T))
            raise Mistake("same-token", tr("{desc} returned token {token} on every one of {n} calls. If you create a "
                                           "generator inside the function, it starts from the same state every "
                                           "call: draw with the rng you are given.", desc=desc, token=int(draws[0]),
                                           n=N_DRAWS))
        wrong = [
            ("temperature-ignored", ref.softmax(LOGITS),
             tr("{desc}: your draws follow softmax(logits), whatever T is. Divide the logits by T before the softmax "
                "(if you divided the probabilities by T and renormalised, T cancels out).", desc=desc)),
            ("multiplied-by-t", ref.softmax(LOGITS * T),
             tr("{desc}: your draws follow softmax(logits × T); the temperature divides the logits: softmax(logits "
                "/ T), so that T < 1 sharpens and T > 1 flattens.", desc=desc)),
            ("uniform", np.full(len(LOGITS), 1 / len(LOGITS)),
             tr("{desc}: every token comes up about equally often; the draws must follow softmax(logits / T), "
                "not ignore the logits.", desc=desc)),
            ("negated", ref.softmax(-LOGITS / T),
             tr("{desc}: the least likely tokens come up most often: the sign of the logits is flipped.", desc=desc)),
        ]
        for mistake_id, p, message in wrong:
            if np.max(np.abs(p - expected)) > 2 * tol.max() and np.all(np.abs(freq - p) <= _tolerance(p, N_DRAWS)):
                raise Mistake(mistake_id, message)
        raise Mistake(tr("{desc}: in {n} draws the tokens came up with frequencies {freq}; softmax(logits / T) "
                         "gives {expected}.", desc=desc, n=N_DRAWS, freq=fmt(freq, 3), expected=fmt(expected, 3)))
    # the rng it is given, and nothing else
    desc = "sample_next(logits, 1, rng)"
    first = _run(sample_next, LOGITS, 1.0, 123, 200, desc)
    again = _run(sample_next, LOGITS, 1.0, 123, 200, desc)
    if not np.array_equal(first, again):
        raise Mistake("ignores-rng", tr("two runs of 200 draws with generators seeded alike gave different tokens: "
                                        "{desc} draws from somewhere else (np.random, random, or a new generator). "
                                        "Draw with the rng you are given (rng.choice or rng.random), so that a "
                                        "seed makes the text reproducible.", desc=desc))
    # a tiny temperature on large logits: a stable softmax, or the argmax
    desc = "sample_next([900, 1000, 999.3, 0], 0.001, rng)"
    try:
        got = _draws(sample_next, BIG, 1e-3, 1, 20, desc)
    except Mistake as m:
        if m.id == "raised" and _numeric_failure(m.message):
            raise Mistake("overflow", tr("{desc} failed ({message}): exp(logits / T) overflows for a small T. "
                                         "Subtract the largest scaled logit before exp (softmax does not change), "
                                         "as in chapter 03.", desc=desc, message=m.message)) from None
        raise
    if not np.all(got == 1):
        raise Mistake("overflow", tr("{desc} gave the tokens {got}; at T = 0.001 the largest logit (token 1) has "
                                     "all the probability. If exp overflowed to inf or nan, subtract the largest "
                                     "scaled logit first (chapter 03).", desc=desc, got=fmt(np.unique(got))))
    return tr("argmax at T = 0, and draws with the rng you are given that follow softmax(logits / T) at T = 2, 1 "
              "and 0.5 ({n} draws each, within 5 standard deviations).", n=N_DRAWS)


# --- 12.2 top_k_filter -----------------------------------------------------------------------------------

_RNG = np.random.default_rng(12)
LOGITS_1D = np.array([1.5, -0.3, 2.2, 0.7, -1.1, 3.0, 0.1])     # 7 logits, no ties
LOGITS_2D = np.round(_RNG.normal(size=(4, 7)) * 2, 3)            # 4 rows of 7: k per row, not per column
assert all(len(set(row)) == len(row) for row in LOGITS_2D)


def _top_k(logits, k, axis=-1, smallest=False):
    """Keep the k largest (or smallest) along ``axis``; the rest -inf."""
    order = np.argsort(-logits if smallest else logits, axis=axis)
    keep = np.take(order, range(logits.shape[axis] - k, logits.shape[axis]), axis=axis)
    out = np.full_like(logits, -np.inf)
    np.put_along_axis(out, keep, np.take_along_axis(logits, keep, axis=axis), axis=axis)
    return out


def _each_row_right(top_k_filter, logits, k):
    """True if the answer gets every row right when it is given that row alone (a 1-D-only answer)."""
    for row in logits:
        try:
            got = np.asarray(call(top_k_filter, row, k, desc=""), dtype=float)
        except Exception:
            return False
        if not np.array_equal(got, tiny_lm.top_k_filter(row, k)):
            return False
    return True


@register("12.2", "top_k_filter")
def check_top_k_filter(top_k_filter):
    cases = [(LOGITS_1D, 3), (LOGITS_2D, 2), (LOGITS_1D, 1), (LOGITS_1D, 7), (LOGITS_1D, 9), (LOGITS_2D, 8)]
    for logits, k in cases:
        desc = tr("top_k_filter(logits of shape {shape}, {k})", shape=logits.shape, k=k)
        V = logits.shape[-1]
        try:
            result = call(top_k_filter, logits, k, desc=desc)
        except Mistake as m:
            if m.id == "raised" and k > V:
                raise Mistake("k-above-v", tr("{desc} failed ({message}). k = {k} is more than the {V} logits of a row: "
                                              "then there is nothing to drop, and every logit stays as it is (k ≥ the "
                                              "number of logits keeps them all).", desc=desc, message=m.message, k=k,
                                              V=V)) from None
            if m.id == "raised" and logits.ndim == 2:
                raise Mistake("one-row-only", tr("{desc} failed ({message}). The logits may be a batch, one row per "
                                                 "sequence (here {rows} rows of {V}): work along the last axis "
                                                 "(axis=-1), so that each row keeps its own k largest.", desc=desc,
                                                 message=m.message, rows=len(logits), V=V)) from None
            raise
        if isinstance(result, np.ndarray) and result.dtype == bool and result.shape == logits.shape:
            raise Mistake("returned-mask", tr("{desc} returned a boolean mask; return the logits themselves, with "
                                              "−inf where a logit is dropped.", desc=desc))
        if np.shape(_quiet(result)) == logits.shape[:-1] + (k,) and k < logits.shape[-1]:
            raise Mistake("returned-top-k", tr("{desc} has shape {shape}: only the k kept values (or their indices). "
                                               "Return an array of the logits' own shape {expected}, with −inf in "
                                               "place of every dropped logit, so that softmax can take it as it is.",
                                               desc=desc, shape=np.shape(_quiet(result)), expected=logits.shape))
        got = as_array(result, desc, shape=logits.shape)
        expected = tiny_lm.top_k_filter(logits, k)
        if np.array_equal(got, expected):
            continue
        kept = np.isfinite(got)
        n_kept = kept.sum(axis=-1)
        if not np.isnan(got).any() and np.all(np.isclose(got.sum(axis=-1), 1.0)) and np.all(got >= 0):
            raise Mistake("returned-probabilities", tr("{desc} returned probabilities (each row sums to 1); return "
                                                       "the filtered logits: sampling divides them by T and takes the "
                                                       "softmax afterwards.", desc=desc))
        if k > V:
            raise Mistake("k-above-v", tr("{desc}: k = {k} is more than the {V} logits of a row, so nothing is dropped: "
                                          "every logit stays as it is (k ≥ the number of logits keeps them all). Yours "
                                          "gave {got}.", desc=desc, k=k, V=V, got=fmt(got)))
        dropped = expected == -np.inf
        if np.all(kept) and k < logits.shape[-1]:
            filler = got[dropped]
            if np.all(filler == 0):
                raise Mistake("zeros", tr("{desc}: the dropped logits became 0, but a logit of 0 still has weight "
                                          "e⁰ = 1 in the softmax (here more than some kept ones). Use −inf: "
                                          "e^(−inf) = 0.", desc=desc))
            if np.all(filler <= -1e3) and np.array_equal(got[~dropped], logits[~dropped]):
                raise Mistake("finite-fill", tr("{desc}: the dropped logits became {value}, a large negative number. "
                                                "Use −inf (np.inf with a minus): e^(−inf) is exactly 0, whatever "
                                                "the temperature.", desc=desc, value=fmt(filler.max())))
        if logits.ndim == 2 and np.array_equal(got, _top_k(logits, k, axis=0)):
            raise Mistake("axis-0", tr("{desc}: the k largest were kept in each *column*; keep the k largest of each "
                                       "row (axis=-1: one row of logits per sequence).", desc=desc))
        if logits.ndim == 2:
            flat = _top_k(logits.ravel(), k * len(logits)).reshape(logits.shape)
            single = _top_k(logits.ravel(), k).reshape(logits.shape)
            if np.array_equal(got, flat) or np.array_equal(got, single):
                raise Mistake("whole-array", tr("{desc}: the largest logits of the whole array were kept; each row "
                                                "is its own distribution: keep the k largest of every row.",
                                                desc=desc))
        if np.array_equal(got, _top_k(logits, k, smallest=True)):
            raise Mistake("k-smallest", tr("{desc} kept the k *smallest* logits; keep the k largest (np.sort and "
                                           "np.argsort sort in ascending order: the largest are at the end).",
                                           desc=desc))
        if np.all(np.isin(got[kept], logits)) and np.all(n_kept == min(k + 1, logits.shape[-1])):
            raise Mistake("k-plus-one", tr("{desc} kept {n} logits per row, one too many (an off-by-one in the "
                                           "slice or the threshold index).", desc=desc, n=int(n_kept.max())))
        if np.all(n_kept == k - 1):
            raise Mistake("k-minus-one", tr("{desc} kept {n} logits per row, one too few (an off-by-one in the "
                                            "slice or the threshold index).", desc=desc, n=int(n_kept.max())))
        if logits.ndim == 2 and _each_row_right(top_k_filter, logits, k):
            raise Mistake("one-row-only", tr("{desc}: each row alone comes out right, the batch does not. The logits "
                                             "may be a batch, one row per sequence (here {rows} rows of {V}): work "
                                             "along the last axis (axis=-1, and keep that axis when you compare "
                                             "with a threshold per row).", desc=desc, rows=len(logits), V=V))
        if np.array_equal(np.isfinite(got), np.isfinite(expected)):
            raise Mistake("kept-changed", tr("{desc}: the right logits were kept, but their values changed; leave "
                                             "the kept logits as they are (sampling applies T and softmax later).",
                                             desc=desc))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("the k largest logits of each row stay as they are, all the others become −inf (and k = V keeps "
              "them all).")


# --- 12.3 kv_cache_step --------------------------------------------------------------------------------

D, D_K, D_V, T_CACHED = 6, 4, 3, 6  # t + 1 = 7 keys: every size different
_RNG3 = np.random.default_rng(123)
W_Q, W_K, W_V = (_RNG3.normal(size=(D, c)) for c in (D_K, D_K, D_V))
X_TOKENS = _RNG3.normal(size=(T_CACHED + 1, D)) * 1.5            # 6 earlier tokens and the new one
K_CACHE, V_CACHE = X_TOKENS[:-1] @ W_K, X_TOKENS[:-1] @ W_V       # the cache holds their keys and values
X_NEW = X_TOKENS[-1]


def _attend(q, K, V, scale):
    return ref.softmax(K @ q / scale) @ V


@register("12.3", "kv_cache_step")
def check_kv_cache_step(kv_cache_step):
    desc = "kv_cache_step(x, W_q, W_k, W_v, K_cache, V_cache)"
    result = _call_step(kv_cache_step, X_NEW, K_CACHE, V_CACHE, desc)
    _check_step(result, X_NEW, K_CACHE, V_CACHE, desc)
    # from an empty cache, token by token: the same outputs as causal attention over the whole sequence
    full, _ = ref.scaled_dot_product_attention(X_TOKENS @ W_Q, X_TOKENS @ W_K, X_TOKENS @ W_V,
                                               mask=ref.causal_mask(len(X_TOKENS)))
    K, V = np.zeros((0, D_K)), np.zeros((0, D_V))
    for i, x in enumerate(X_TOKENS):
        desc_i = tr("token {i} of {n}, fed one by one from an empty cache", i=i + 1, n=len(X_TOKENS))
        result = _call_step(kv_cache_step, x, K, V, desc_i)
        out, K, V = _check_step(result, x, K, V, desc_i)
        if not close(out, full[i]):
            raise Mistake(tr("{desc}: the output differs from row {i} of causal attention over the whole sequence.",
                             desc=desc_i, i=i))
    return tr("q, k, v of the new token only; k and v appended as the caches' last rows; q attends to all t + 1 "
              "keys — token by token, exactly what causal attention over the whole sequence gives.")


def _call_step(kv_cache_step, x, K_cache, V_cache, desc):
    """Call the answer; a failed append of a 1-D row to a 2-D cache (np.concatenate, np.append) gets a hint."""
    try:
        return call(kv_cache_step, x, W_Q, W_K, W_V, K_cache, V_cache, desc=desc)
    except Mistake as m:
        if m.id == "raised" and "dimension" in m.message:
            raise Mistake("append-1d", tr("{desc} failed ({message}). The new k = x W_k is one row of shape (d_k,), 1-D, "
                                          "and the cache is 2-D, (t, d_k): make k a row of shape (1, d_k) first "
                                          "(k[None] or k.reshape(1, -1)), or use np.vstack, which does it for you.",
                                          desc=desc, message=m.message)) from None
        raise


def _check_step(result, x, K_cache, V_cache, desc):
    t = len(K_cache)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        kind = f"{type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) \
            else type(result).__name__
        raise Mistake("not-a-triple", tr("{desc} should return three things (output, K_cache, V_cache); yours "
                                         "returned {kind}.", desc=desc, kind=kind))
    out, K, V = result
    q, k, v = x @ W_Q, x @ W_K, x @ W_V
    K_new, V_new = np.vstack([K_cache, k]), np.vstack([V_cache, v])
    shapes = [np.shape(_quiet(a)) for a in (out, K, V)]
    if shapes[1] == (t + 1, D_V) and shapes[2] == (t + 1, D_K):
        raise Mistake("swapped-caches", tr("{desc} returned the caches swapped: (output, K_cache, V_cache) is the "
                                           "order, K_cache of shape (t + 1, d_k) = {k_shape}.", desc=desc,
                                           k_shape=(t + 1, D_K)))
    if shapes[1] == (t, D_K) and shapes[2] == (t, D_V):
        raise Mistake("not-appended", tr("{desc}: the caches came back with {t} rows, as they went in. Append the "
                                         "new token's k and v as a last row (np.vstack or np.concatenate on axis 0): "
                                         "the next token must find them.", desc=desc, t=t))
    if shapes[1] == (D_K, t + 1) and t + 1 != D_K:
        raise Mistake("cache-transposed", tr("{desc}: K_cache has shape {shape}, one *column* per token. The course "
                                             "keeps one row per token: (t + 1, d_k) = {expected}, the new key "
                                             "appended along axis 0.", desc=desc, shape=shapes[1],
                                             expected=(t + 1, D_K)))
    if shapes[0] == (t + 1,) and t + 1 != D_V:
        raise Mistake("returned-weights", tr("{desc}: the output has {n} numbers, one per cached token: those are the "
                                             "attention weights. Return their weighted sum of the values, shape "
                                             "(d_v,) = ({d_v},).", desc=desc, n=t + 1, d_v=D_V))
    out = as_array(out, tr("{desc}[0] (the output)", desc=desc), shape=(D_V,))
    K = as_array(K, tr("{desc}[1] (K_cache)", desc=desc), shape=(t + 1, D_K))
    V = as_array(V, tr("{desc}[2] (V_cache)", desc=desc), shape=(t + 1, D_V))
    if t and close(K, np.vstack([k, K_cache])) and close(V, np.vstack([v, V_cache])):
        raise Mistake("prepended", tr("{desc}: the new key and value went in as the *first* rows. Row i of the cache "
                                      "is token i: append the new token's k and v at the end.", desc=desc))
    if not (close(K, K_new) and close(V, V_new)):
        if close(K, np.vstack([K_cache, x @ W_Q])):
            raise Mistake("query-cached", tr("{desc}: the query q = x W_q went into K_cache; the cache holds keys, "
                                             "k = x W_k (a query is used once, by its own token).", desc=desc))
        raise Mistake("wrong-cache", tr("{desc}: the caches should be the old ones with k = x W_k and v = x W_v "
                                        "appended as last rows.", desc=desc))
    expected = _attend(q, K_new, V_new, np.sqrt(D_K))
    if close(out, expected):
        return out, K, V
    if t and close(out, _attend(q, K_cache, V_cache, np.sqrt(D_K))):
        raise Mistake("stale-cache", tr("{desc}: q attended to the {t} old keys only. Append first, then attend: the "
                                        "new token also attends to itself (the causal mask allows j = i).",
                                        desc=desc, t=t))
    named = [
        ("unscaled", _attend(q, K_new, V_new, 1.0),
         tr("{desc}: the scores were not divided by √d_k (here √{d_k}).", desc=desc, d_k=D_K)),
        ("sqrt-m", _attend(q, K_new, V_new, np.sqrt(t + 1)),
         tr("{desc}: you divided by √{m}, the square root of the number of keys (t + 1 = {m}); the scale is √d_k, "
            "the size of q and k (here √{d_k}), whatever the length of the cache.", desc=desc, m=t + 1, d_k=D_K)),
        ("divided-by-d_k", _attend(q, K_new, V_new, D_K),
         tr("{desc}: you divided by d_k = {d_k}; divide by its square root, √d_k.", desc=desc, d_k=D_K)),
        ("sqrt-d", _attend(q, K_new, V_new, np.sqrt(D)),
         tr("{desc}: you divided by √{d}, the square root of x's size d; the scale is √d_k, the size of q and k "
            "(here √{d_k}).", desc=desc, d=D, d_k=D_K)),
        ("sqrt-d_v", _attend(q, K_new, V_new, np.sqrt(D_V)),
         tr("{desc}: you divided by √{d_v}, the square root of d_v; the scores are dot products of q and k, so the "
            "scale is √d_k (here √{d_k}).", desc=desc, d_v=D_V, d_k=D_K)),
        ("query-from-w_k", _attend(x @ W_K, K_new, V_new, np.sqrt(D_K)),
         tr("{desc}: the query was made with W_k; q = x W_q (keys come from W_k, queries from W_q).", desc=desc)),
        ("no-softmax", (K_new @ q / np.sqrt(D_K)) @ V_new,
         tr("{desc}: the scores were used as weights without softmax.", desc=desc)),
    ]
    for mistake_id, wrong, message in named:
        if close(out, wrong):
            raise Mistake(mistake_id, message)
    raise Mistake(tr("{desc}: the output {got} differs from the expected {expected}.", desc=desc, got=fmt(out),
                     expected=fmt(expected)))


def _quiet(x):
    try:
        return np.asarray(x, dtype=float)
    except Exception:
        return None
