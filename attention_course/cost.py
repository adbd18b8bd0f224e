"""Chapter 10's measurements: how long attention takes as the sequence grows.

Timing is not the lesson's maths (that is written out in the chapter); these helpers make the
measurement repeatable: a fixed seed, the best of several repeats, and the same code for the
chapter, its explorer and the test that checks the fitted exponent loosely.
"""
import time

import numpy as np

from .reference import scaled_dot_product_attention


def best_time(fn, repeats=3):
    """The shortest of ``repeats`` wall-clock timings of fn() in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def random_qkv(n, d=64, seed=10):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)), rng.normal(size=(n, d))


def time_attention(ns, d=64, repeats=3, seed=10, attention=scaled_dot_product_attention):
    """Seconds for attention(Q, K, V) on random (n, d) inputs, for each n: the best of ``repeats`` runs.

    The repeats are interleaved (all sizes once, then all sizes again, ...), so that a busy moment of
    the machine does not land on one size only and bend the fitted exponent."""
    inputs = [random_qkv(n, d, seed) for n in ns]
    best = np.full(len(ns), np.inf)
    for _ in range(repeats):
        for i, (Q, K, V) in enumerate(inputs):
            best[i] = min(best[i], best_time(lambda: attention(Q, K, V), 1))
    return best
