"""Checks for chapter 12: A tiny language model.

Exercise 12.1 is the scaffold's example (a softmax of scores scaled by √d_k); replace it with the
chapter's own exercises, keeping the pattern: every message through tr(), every named mistake with its
own id, at least one test case whose sizes all differ.
"""
import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, call, close, diagnose, fmt, register

SCORES = np.array([3.0, 1.0, -2.0, 0.5, 2.5])  # 5 scores: the length differs from d_k
D_K = 16
BIG = np.array([1000.0, 999.0, 990.0])  # overflows a softmax that does not subtract the maximum


@register("12.1", "tiny_language_model_example")
def check_tiny_language_model_example(tiny_language_model_example):
    for scores, d_k in ((SCORES, D_K), (BIG, 1)):
        desc = "tiny_language_model_example({scores}, {d_k})".format(scores=fmt(scores, 3), d_k=d_k)
        got = as_array(call(tiny_language_model_example, scores, d_k, desc=desc), desc, shape=scores.shape)
        expected = ref.softmax(scores / np.sqrt(d_k))
        if close(got, expected):
            continue
        if np.isnan(got).any():
            raise Mistake("overflow", tr("{desc} gave nan: exp of large scores overflows; subtract the largest "
                                         "score first (softmax does not change).", desc=desc))
        diagnose(got, (scores, d_k), [
            ("unscaled", lambda s, d: ref.softmax(s),
             tr("{desc}: the scores were not divided by √d_k (here √{d_k}).", desc=desc, d_k=d_k)),
            ("divided-by-d_k", lambda s, d: ref.softmax(s / d),
             tr("{desc}: you divided by d_k; divide by its square root.", desc=desc)),
            ("sqrt-length", lambda s, d: ref.softmax(s / np.sqrt(len(s))),
             tr("{desc}: you divided by the square root of the number of scores ({n}); the scale is √d_k.",
                desc=desc, n=len(scores))),
            ("no-softmax", lambda s, d: s / np.sqrt(d),
             tr("{desc}: the scaled scores came back as they are; turn them into weights with softmax.", desc=desc)),
        ])
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got),
                         expected=fmt(expected)))
    return tr("softmax(scores / √d_k): scaled, stable, and the weights sum to 1.")
