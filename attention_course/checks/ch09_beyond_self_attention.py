"""Checks for chapter 09: cross-attention for one decoder state, and an attention-pooled sentence vector."""
import numpy as np

from .. import reference as ref
from ..data import S1, embed, translation_states
from .core import Mistake, as_array, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(9)


def _pair(result, desc, shapes, names):
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Mistake(f"{desc} should return a pair ({names[0]}, {names[1]}); yours returned {type(result).__name__}.")
    a, b = (np.asarray(x, dtype=float) for x in result)
    if a.shape == shapes[1] and b.shape == shapes[0] and shapes[0] != shapes[1]:
        raise Mistake(f"{desc} returned ({names[1]}, {names[0]}); return ({names[0]}, {names[1]}).")
    return (as_array(a, f"{desc}[0] (the {names[0]})", shape=shapes[0]),
            as_array(b, f"{desc}[1] (the {names[1]})", shape=shapes[1]))


@register("9.1", "cross_attention")
def check_cross_attention(cross_attention):
    S, H = translation_states()
    S5 = _RNG.normal(size=(5, 3)) * 1.5
    cases = [(H[2], S, "H[2], S (about to say 'Chinese')"), (np.array([1.0, -2.0, 0.5]), S5, "h, S (random, 5 states)")]
    for h, states, label in cases:
        m, d = states.shape
        desc = f"cross_attention({label})"
        weights, context = _pair(call(cross_attention, h, states, desc=desc), desc, [(m,), (d,)], ["weights", "context"])
        expected_w, expected_c = ref.cross_attention(h, states)
        if close(weights, expected_c) and close(context, expected_w):
            raise Mistake(f"{desc} returned (context, weights); return (weights, context).")
        if close(weights, expected_w) and close(context, expected_c):
            continue
        sm = ref.softmax
        diagnose(weights, (h, states), [
            (lambda h, S: sm(S @ h), f"{desc}: the scores S h were not divided by √d (here √{d})."),
            (lambda h, S: S @ h / np.sqrt(d), f"{desc}: the scores were used as weights, without softmax."),
            (lambda h, S: sm(-np.sum((S - h) ** 2, axis=1) / np.sqrt(d)),
             f"{desc}: that scores by distance; this chapter's cross-attention scores with the dot product S h / √d."),
        ])
        if close(weights, expected_w):
            diagnose(context, (h, states), [
                (lambda h, S: S.T @ np.ones(m) / m,
                 f"{desc}: the context is the plain average of the states; weight them: weights @ S."),
                (lambda h, S: states[np.argmax(expected_w)],
                 f"{desc}: the context is only the best state; attention mixes all of them, weights @ S."),
                (lambda h, S: h + expected_w @ S,
                 f"{desc}: the decoder state was added to the context; the context is weights @ S alone (the decoder "
                 "combines the two in its next step)."),
            ])
            raise Mistake(f"{desc}: the weights are right; the context should be weights @ S = {fmt(expected_c)}, "
                          f"yours is {fmt(context)}.")
        raise Mistake(f"{desc}: expected weights {fmt(expected_w)}, got {fmt(weights)}.")
    w, _ = ref.cross_attention(H[2], S)
    return f"softmax(S h / √d), then weights @ S; 'Chinese' looks at 中国 ({w[2]:.2f}) and 人 ({w[3]:.2f})."


@register("9.2", "attention_pooling")
def check_attention_pooling(attention_pooling):
    H1 = embed(S1)
    W1 = _RNG.normal(size=(3, 6)) * 1.5
    w2 = _RNG.normal(size=3) * 2
    Hr = _RNG.normal(size=(7, 4))
    W1r = _RNG.normal(size=(5, 4))
    w2r = _RNG.normal(size=5)
    for H, A, v, label in [(H1, W1, w2, "H1 (S1), W1, w2"), (Hr, W1r, w2r, "H (7×4), W1 (5×4), w2 (5,)")]:
        n, d = H.shape
        desc = f"attention_pooling({label})"
        result = call(attention_pooling, H, A, v, desc=desc)
        if isinstance(result, tuple) and len(result) == 2 and np.shape(result[0]) == (len(A),) and len(A) != d:
            raise Mistake(f"{desc}: c has shape {np.shape(result[0])}, the size of W1's output; the summary averages "
                          f"the word vectors themselves, c = a @ H, shape ({d},).")
        c, a = _pair(result, desc, [(d,), (n,)], ["c", "a"])
        expected_c, expected_a = ref.attention_pooling(H, A, v)
        if close(c, expected_c) and close(a, expected_a):
            continue
        sm = ref.softmax
        diagnose(a, (H, A, v), [
            (lambda H, A, v: sm(v @ (A @ H.T)), f"{desc}: the tanh is missing: a = softmax(w2ᵀ tanh(W1 Hᵀ))."),
            (lambda H, A, v: v @ np.tanh(A @ H.T), f"{desc}: the scores were used as weights, without softmax."),
            (lambda H, A, v: sm(np.tanh(v @ (A @ H.T))),
             f"{desc}: tanh was applied after w2; it belongs inside: w2ᵀ tanh(W1 Hᵀ)."),
            (lambda H, A, v: np.full(n, 1 / n),
             f"{desc}: every word got the same weight 1/n; the weights come from the scores."),
        ])
        if close(a, expected_a):
            diagnose(c, (H, A, v), [
                (lambda H, A, v: H.mean(axis=0), f"{desc}: c is the plain mean of the words; weight it: c = a @ H."),
                (lambda H, A, v: np.tanh(A @ H.T) @ expected_a,
                 f"{desc}: c was built from tanh(W1 Hᵀ); the summary averages the word vectors themselves: c = a @ H."),
            ])
            raise Mistake(f"{desc}: the weights are right; c should be a @ H = {fmt(expected_c)}, yours is {fmt(c)}.")
        raise Mistake(f"{desc}: expected weights {fmt(expected_a)}, got {fmt(a)}.")
    return "a = softmax(w2ᵀ tanh(W1 Hᵀ)) over the words, c = a H: one vector for the whole sentence."
