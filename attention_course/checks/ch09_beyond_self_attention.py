"""Checks for chapter 09: cross-attention for one decoder state, and an attention-pooled sentence vector.

9.1 runs on the chapter's hand-made states ("Chinese" asking 我/是/中国/人: m = d = 4), on a random
case with m = 5 encoder states of size d = 3, where dividing by √m instead of √d, or a transposed S,
cannot pass by coincidence, and on the hand-made states × 100, whose scores (up to 19,500) overflow a
softmax that does not subtract the largest score first. 9.2 runs on S1 (n = 12 words, d = 6, d_a = 3) and on a random case
(n = 7, d = 4, d_a = 5): every size differs from the others in both.
"""
import numpy as np

from .. import reference as ref
from ..data import S1, embed, translation_states
from ..i18n import tr
from .core import Mistake, as_pair, call, close, diagnose, fmt, register

_RNG = np.random.default_rng(9)
sm = ref.softmax


def _raised_at(mistake, a, b):
    """Did the student's function raise the error NumPy raises for a @ b? (The end of its message names the
    two sizes that do not match, e.g. "(size 12 is different from 6)".)"""
    try:
        np.asarray(a, dtype=float) @ np.asarray(b, dtype=float)
    except ValueError as e:
        return str(e)[-32:] in mistake.message
    return False


def _shape(x):
    """np.shape(x), or None for a value that is not array-like (a ragged list)."""
    try:
        return np.shape(x)
    except Exception:
        return None


def _cross_attention_mistakes(desc, m, d):
    return [
        ("unscaled", lambda h, S: sm(S @ h),
         tr("{desc}: the scores S h were not divided by √d (here √{d}).", desc=desc, d=d)),
        ("sqrt-m", lambda h, S: sm(S @ h / np.sqrt(len(S))),
         tr("{desc}: you divided by √{m}, the square root of the number of encoder states; the scale is √d, the "
            "size of the vectors being compared (here √{d}).", desc=desc, m=m, d=d)),
        ("divided-by-d", lambda h, S: sm(S @ h / len(h)),
         tr("{desc}: you divided by d = {d}; divide by its square root, √d.", desc=desc, d=d)),
        ("no-softmax", lambda h, S: S @ h / np.sqrt(len(h)),
         tr("{desc}: the scores were used as weights, without softmax.", desc=desc)),
        ("unnormalised", lambda h, S: np.exp(S @ h / np.sqrt(len(h))),
         tr("{desc}: the exponentials were not normalised; softmax divides them by their sum, so the weights sum to "
            "1.", desc=desc)),
        ("distance", lambda h, S: sm(-np.sum((S - h) ** 2, axis=1) / np.sqrt(len(h))),
         tr("{desc}: that scores by distance; this chapter's cross-attention scores with the dot product of h with "
            "each encoder state, scaled by √d.", desc=desc)),
    ]


@register("9.1", "cross_attention")
def check_cross_attention(cross_attention):
    S, H = translation_states()
    S5 = _RNG.normal(size=(5, 3)) * 1.5
    cases = [(H[2], S, tr("H[2], S (about to say 'Chinese')")),
             (np.array([1.0, -2.0, 0.5]), S5, tr("h (3,), S (5, 3): 5 random encoder states")),
             (H[2] * 100, S * 100, tr("H[2] × 100, S × 100: the same states, with large scores"))]
    for h, states, label in cases:
        m, d = states.shape
        desc = tr("cross_attention({label})", label=label)
        try:
            result = call(cross_attention, h, states, desc=desc)
        except Mistake as mistake:
            if mistake.id == "raised" and (_raised_at(mistake, states.T, h) or _raised_at(mistake, h, states)):
                raise Mistake("transposed-S", tr(
                    "{desc} raised a shape error: S is (m, d) = ({m}, {d}), one encoder state per row, and h has {d} "
                    "numbers. One score per state is the product of S itself with h (S.T @ h or h @ S do not line "
                    "up).", desc=desc, m=m, d=d)) from None
            raise
        weights, context = as_pair(result, desc, (tr("weights"), tr("context")), shapes=((m,), (d,)))
        expected_w, expected_c = ref.cross_attention(h, states)
        if m == d and close(weights, expected_c) and close(context, expected_w):
            raise Mistake("swapped-pair", tr("{desc} returned (context, weights); return (weights, context).",
                                             desc=desc))
        if close(weights, expected_w) and close(context, expected_c):
            continue
        top = np.max(states @ h) / np.sqrt(d)
        if top > 700 and not (np.all(np.isfinite(weights)) and np.all(np.isfinite(context))):
            raise Mistake("overflow", tr(
                "{desc}: the result contains nan or inf. These scores are large (up to {top}), and e^s overflows "
                "to inf once s is above about 709; inf / inf is nan. Subtract the largest score from every score "
                "before the exponential (the stable softmax of chapter 03): the weights do not change, and the "
                "largest e^s becomes e^0 = 1.", desc=desc, top=f"{top:,.0f}"))
        if not close(weights, expected_w):
            diagnose(weights, (h, states), [
                *_cross_attention_mistakes(desc, m, d),
                ("transposed-S", lambda h, S: sm(S.T @ h / np.sqrt(len(h))),
                 tr("{desc}: the scores were computed with S.T @ h, which mixes the dimensions of all the states; "
                    "each row of S is one encoder state, and its score is its dot product with h.", desc=desc)),
            ])
            if not close(weights.sum(), 1.0):
                raise Mistake("not-normalised", tr("{desc}: the weights should sum to 1; yours sum to {total}.",
                                                   desc=desc, total=fmt(weights.sum())))
        else:
            diagnose(context, (h, states), [
                ("plain-average", lambda h, S: S.mean(axis=0),
                 tr("{desc}: the context is the plain average of the states; weight each state by its attention "
                    "weight.", desc=desc)),
                ("best-state", lambda h, S: S[np.argmax(expected_w)],
                 tr("{desc}: the context is only the best state; attention mixes all of them, each by its weight.",
                    desc=desc)),
                ("added-h", lambda h, S: h + expected_w @ S,
                 tr("{desc}: the decoder state was added to the context; the context is the weighted sum of the "
                    "encoder states alone (the decoder combines the two in its next step).", desc=desc)),
            ])
            raise Mistake("wrong-context", tr("{desc}: the weights are right; the context should be their weighted sum "
                                              "of the encoder states, yours is {got}.", desc=desc, got=fmt(context)))
        raise Mistake(tr("{desc}: the weights {got} differ from softmax(S h / √d) = {expected}.", desc=desc,
                         got=fmt(weights), expected=fmt(expected_w)))
    w, _ = ref.cross_attention(H[2], S)
    return tr("softmax(S h / √d), then the weighted sum of the states; 'Chinese' looks at 中国 ({china}) and 人 "
              "({person}).", china=f"{w[2]:.2f}", person=f"{w[3]:.2f}")


def _pooling_mistakes(desc, n, d, d_a):
    def pool(H, A, v, divisor):
        return sm(v @ np.tanh(A @ H.T) / divisor)

    return [
        ("no-tanh", lambda H, A, v: sm(v @ (A @ H.T)),
         tr("{desc}: the tanh is missing: W1 Hᵀ goes through tanh before w2 weighs it.", desc=desc)),
        ("no-softmax", lambda H, A, v: v @ np.tanh(A @ H.T),
         tr("{desc}: the scores were used as weights, without softmax.", desc=desc)),
        ("unnormalised", lambda H, A, v: np.exp(v @ np.tanh(A @ H.T)),
         tr("{desc}: the exponentials were not normalised; softmax divides them by their sum, so the weights sum to "
            "1.", desc=desc)),
        ("tanh-after-w2", lambda H, A, v: sm(np.tanh(v @ (A @ H.T))),
         tr("{desc}: tanh was applied after w2; it belongs inside, on W1 Hᵀ, and w2 then weighs its {d_a} rows.",
            desc=desc, d_a=d_a)),
        ("uniform", lambda H, A, v: np.full(n, 1 / n),
         tr("{desc}: every word got the same weight 1/n; the weights come from the scores.", desc=desc)),
        ("scaled", lambda H, A, v: pool(H, A, v, np.sqrt(d_a)),
         tr("{desc}: the scores were divided by √d_a (√{d_a}); this score has no scale factor: tanh already keeps "
            "each term between −1 and 1.", desc=desc, d_a=d_a)),
        ("scaled", lambda H, A, v: pool(H, A, v, np.sqrt(d)),
         tr("{desc}: the scores were divided by √d (√{d}); this score has no scale factor: tanh already keeps each "
            "term between −1 and 1.", desc=desc, d=d)),
    ]


@register("9.2", "attention_pooling")
def check_attention_pooling(attention_pooling):
    H1 = embed(S1)
    W1 = _RNG.normal(size=(3, 6)) * 1.5
    w2 = _RNG.normal(size=3) * 2
    Hr = _RNG.normal(size=(7, 4))
    W1r = _RNG.normal(size=(5, 4))
    w2r = _RNG.normal(size=5)
    for H, A, v, label in [(H1, W1, w2, tr("H (S1: 12 × 6), W1 (3 × 6), w2 (3,)")),
                           (Hr, W1r, w2r, tr("H (7 × 4), W1 (5 × 4), w2 (5,)"))]:
        n, d = H.shape
        d_a = len(A)
        desc = tr("attention_pooling({label})", label=label)
        try:
            result = call(attention_pooling, H, A, v, desc=desc)
        except Mistake as mistake:
            if mistake.id != "raised":
                raise
            if _raised_at(mistake, A, H):
                raise Mistake("w1-h-not-transposed", tr(
                    "{desc} raised a shape error at W1 @ H: W1 is (d_a, d) = ({d_a}, {d}) and H is (n, d) = ({n}, {d}), "
                    "one word per row. W1 acts on each word's d numbers, so the words must stand as columns: use "
                    "the transpose of H, shape ({d}, {n}).", desc=desc, d_a=d_a, d=d, n=n)) from None
            if _raised_at(mistake, H, A):
                raise Mistake("h-w1", tr(
                    "{desc} raised a shape error at H @ W1: H is (n, d) = ({n}, {d}) and W1 is (d_a, d) = ({d_a}, {d}); "
                    "the inner sizes must match, so one of them has to be transposed (W1 applied to every word gives "
                    "{d_a} numbers per word).", desc=desc, n=n, d=d, d_a=d_a)) from None
            raise
        if isinstance(result, (tuple, list)) and len(result) == 2 and _shape(result[0]) == (d_a,):
            raise Mistake("c-of-size-d_a", tr("{desc}: c has shape ({d_a},), the size of W1's output; the summary "
                                              "averages the word vectors themselves, so it has shape ({d},).",
                                              desc=desc, d_a=d_a, d=d))
        c, a = as_pair(result, desc, ("c", "a"), shapes=((d,), (n,)))
        expected_c, expected_a = ref.attention_pooling(H, A, v)
        if close(c, expected_c) and close(a, expected_a):
            continue
        diagnose(a, (H, A, v), _pooling_mistakes(desc, n, d, d_a))
        if not close(a.sum(), 1.0):
            raise Mistake("not-normalised", tr("{desc}: the weights a should sum to 1; yours sum to {total}.",
                                               desc=desc, total=fmt(a.sum())))
        if close(a, expected_a):
            diagnose(c, (H, A, v), [
                ("plain-mean", lambda H, A, v: H.mean(axis=0),
                 tr("{desc}: c is the plain mean of the words; weight each word by its a.", desc=desc)),
                ("plain-sum", lambda H, A, v: H.sum(axis=0),
                 tr("{desc}: c is the plain sum of the words; weight each word by its a.", desc=desc)),
            ])
            raise Mistake("wrong-summary", tr("{desc}: the weights are right; c should be the weighted average of the "
                                              "word vectors (rows of H), yours is {got}.", desc=desc, got=fmt(c)))
        raise Mistake(tr("{desc}: the weights {got} differ from softmax(w2ᵀ tanh(W1 Hᵀ)) = {expected}.", desc=desc,
                         got=fmt(a), expected=fmt(expected_a)))
    return tr("a = softmax(w2ᵀ tanh(W1 Hᵀ)) over the words, c = a H: one vector for the whole sentence.")
