"""Checks for chapter 10: fitting the exponent of a cost, and a local (windowed) mask."""
import numpy as np

from .. import reference as ref
from .core import Mistake, as_bool_mask, as_number, call, register

N = np.array([128, 256, 512, 1024, 2048])


@register("10.1", "fit_exponent")
def check_fit_exponent(fit_exponent):
    rng = np.random.default_rng(10)
    cases = [(N, 3e-9 * N ** 2.0, 2.0, "t = c n²"),
             (N, 5e-7 * N ** 1.0 * np.exp(rng.normal(size=len(N)) * 0.05), None, "t ≈ c n, noisy"),
             (np.array([10, 100, 1000]), np.array([2.0, 2.0, 2.0]) * np.array([10, 100, 1000]) ** 1.5, 1.5,
              "t = 2 n^1.5")]
    for n, t, exact, label in cases:
        desc = f"fit_exponent(n, t) for {label}"
        got = as_number(call(fit_exponent, n, t, desc=desc), desc)
        expected = ref.fit_exponent(n, t)
        if np.isclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        ln, lt = np.log(n.astype(float)), np.log(t)
        if np.isclose(got, np.polyfit(n, t, 1)[0], rtol=1e-6):
            raise Mistake(f"{desc} = {got:.3g}: that is the slope of t against n. A power law is a straight line "
                          "in log–log: fit log t against log n.")
        if np.isclose(got, np.polyfit(lt, ln, 1)[0], rtol=1e-6):
            raise Mistake(f"{desc} = {got:.3g}: log n was fitted against log t (the inverse, 1/k); fit log t "
                          "against log n.")
        if np.isclose(got, np.polyfit(np.log10(n), lt, 1)[0], rtol=1e-6) or np.isclose(
                got, np.polyfit(ln, np.log10(t), 1)[0], rtol=1e-6):
            raise Mistake(f"{desc} = {got:.3g}: one axis is log10 and the other ln; use the same logarithm on both.")
        if np.isclose(got, (lt[-1] - lt[0]) / (ln[-1] - ln[0]), rtol=1e-6):
            raise Mistake(f"{desc} = {got:.3g}: only the first and last points were used; fit a line through all of "
                          "them (np.polyfit(log n, log t, 1)).")
        if np.isclose(got, np.polyfit(ln, lt, 1)[1], rtol=1e-6):
            raise Mistake(f"{desc} = {got:.3g}: that is the intercept, log c; the exponent is the slope, "
                          "np.polyfit(...)[0].")
        raise Mistake(f"{desc} = {got:.4g}; the slope of log t against log n is {expected:.4g}.")
    return "the slope of log t against log n: t ∝ n^k is a straight line of slope k in a log–log plot."


@register("10.2", "local_mask")
def check_local_mask(local_mask):
    for n, window in [(6, 1), (7, 2), (4, 0), (3, 5)]:
        desc = f"local_mask({n}, {window})"
        got = as_bool_mask(call(local_mask, n, window, desc=desc), desc, n)
        expected = ref.local_mask(n, window)
        if np.array_equal(got, expected):
            continue
        i = np.arange(n)
        dist = np.abs(i[:, None] - i[None, :])
        if np.array_equal(got, dist < window):
            raise Mistake(f"{desc} uses |i − j| < window; the window is inclusive: |i − j| ≤ window "
                          f"(window {window} sees {window} neighbours on each side).")
        if np.array_equal(got, (i[None, :] - i[:, None] <= window) & (i[None, :] >= i[:, None])):
            raise Mistake(f"{desc} only looks ahead (j ≥ i); a local window looks both ways: |i − j| ≤ window.")
        if np.array_equal(got, (i[:, None] - i[None, :] <= window) & (i[:, None] >= i[None, :])):
            raise Mistake(f"{desc} only looks back (j ≤ i): that is a causal local window; this one looks both "
                          "ways: |i − j| ≤ window.")
        if np.array_equal(got, dist > window):
            raise Mistake(f"{desc} is inverted: True where |i − j| ≤ window.")
        if np.array_equal(got, dist == window):
            raise Mistake(f"{desc} is True only at distance exactly {window}; everything up to it counts: ≤.")
        raise Mistake(f"{desc} should be True where |i − j| ≤ {window}; expected\n{expected.astype(int)}\n"
                      f"got\n{got.astype(int)}.")
    return "True where |i − j| ≤ window: a band around the diagonal, 2·window + 1 wide."
