"""Checks for chapter 10: fitting the exponent of a cost, and a local (windowed) mask.

10.1 is tried on three made-up measurements (exactly c·n², a noisy c·n and exactly 2·n^1.5), so that a
fit on the wrong axes, the inverse fit or one with mixed logarithms cannot pass. 10.2 is tried on
windows 3 (first: no two of the typical wrong masks agree there), 1, 2 and 0, and on one wider
than the sequence.
"""
import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, as_bool_mask, as_number, call, register

N = np.array([128, 256, 512, 1024, 2048])
_LOG_FACTORS = {"ln/log10": np.log(10), "log10/ln": 1 / np.log(10), "ln/log2": np.log(2), "log2/ln": 1 / np.log(2)}


def _cases():
    rng = np.random.default_rng(10)
    return [(N, 3e-9 * N ** 2.0, tr("t = c·n² exactly (n = 128 … 2048)")),
            (N, 5e-7 * N ** 1.0 * np.exp(rng.normal(size=len(N)) * 0.05), tr("noisy times that grow like c·n")),
            (np.array([10, 100, 1000]), 2.0 * np.array([10, 100, 1000]) ** 1.5, tr("t = 2·n^1.5 exactly"))]


@register("10.1", "fit_exponent")
def check_fit_exponent(fit_exponent):
    for n, t, label in _cases():
        desc = tr("fit_exponent(n, t), with {label},", label=label)
        result = call(fit_exponent, n, t, desc=desc)
        ln, lt = np.log(n.astype(float)), np.log(t)
        slope, intercept = np.polyfit(ln, lt, 1)
        if (isinstance(result, (list, tuple)) and len(result) == 2) or (isinstance(result, np.ndarray) and
                                                                       result.size == 2):
            both = as_array(result, desc)
            if both.shape == (2,) and np.isclose(both[0], slope, rtol=1e-6):
                raise Mistake("both-coefficients", tr("{desc} returned both coefficients of the line, (slope, "
                                                      "intercept); the exponent is the slope alone.", desc=desc))
        got = as_number(result, desc)
        expected = ref.fit_exponent(n, t)
        if np.isclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        shown = f"{got:.3g}"
        if np.isclose(got, np.polyfit(n, t, 1)[0], rtol=1e-6):
            raise Mistake("linear-axes", tr("{desc} returned {got}: that is the slope of t against n. A power law is a "
                                            "straight line only in log–log: fit log t against log n.", desc=desc,
                                            got=shown))
        if np.isclose(got, np.polyfit(lt, ln, 1)[0], rtol=1e-6) or np.isclose(got, 1 / expected, rtol=1e-6):
            raise Mistake("inverse", tr("{desc} returned {got}: log n was fitted against log t (that gives about 1/k); "
                                        "fit log t against log n.", desc=desc, got=shown))
        if any(np.isclose(got, expected * f, rtol=1e-6) for f in _LOG_FACTORS.values()):
            raise Mistake("mixed-logs", tr("{desc} returned {got}: one axis uses one logarithm (ln, log10, log2) and "
                                           "the other another; the same logarithm on both axes gives the exponent.",
                                           desc=desc, got=shown))
        if np.isclose(got, (lt[-1] - lt[0]) / (ln[-1] - ln[0]), rtol=1e-6):
            raise Mistake("endpoints", tr("{desc} returned {got}: that is the slope between the first and last "
                                          "points, so only those two count. (The average of the slopes between "
                                          "neighbouring points is the same number: here n doubles at each step, "
                                          "so log n is evenly spaced, and the sum of the neighbouring slopes "
                                          "telescopes to the first-to-last one.) Fit one line through all the "
                                          "points, so one disturbed measurement counts less.", desc=desc,
                                          got=shown))
        if np.isclose(got, intercept, rtol=1e-6):
            raise Mistake("intercept", tr("{desc} returned {got}: that is the intercept, log c; the exponent is the "
                                          "slope of the line.", desc=desc, got=shown))
        if np.isclose(got, np.mean(lt / ln), rtol=1e-6) or np.isclose(got, lt[-1] / ln[-1], rtol=1e-6):
            raise Mistake("log-ratio", tr("{desc} returned {got}: log t / log n is not the exponent, because log t = "
                                          "log c + k log n has an intercept; the exponent is the slope of the "
                                          "line through the points (log n, log t).", desc=desc, got=shown))
        if float(got).is_integer() and abs(got - expected) < 0.5:
            raise Mistake("rounded", tr("{desc} returned {got}, a whole number; return the fitted slope as it is — "
                                        "measured exponents are rarely whole.", desc=desc, got=shown))
        raise Mistake(tr("{desc} returned {got}, which is not the slope of the straight line through the points "
                         "(log n, log t).", desc=desc, got=f"{got:.4g}"))
    return tr("the slope of log t against log n: t ∝ n^k is a straight line of slope k in a log–log plot.")


def _first_difference(got, expected):
    """(i, j, the student's value) at the first position where the masks differ."""
    i, j = np.argwhere(got != expected)[0]
    return int(i), int(j), bool(got[i, j])


@register("10.2", "local_mask")
def check_local_mask(local_mask):
    for n, window in [(9, 3), (6, 1), (7, 2), (4, 0), (3, 5)]:
        desc = f"local_mask({n}, {window})"
        got = as_bool_mask(call(local_mask, n, window, desc=desc), desc, n)
        expected = ref.local_mask(n, window)
        if np.array_equal(got, expected):
            continue
        i = np.arange(n)
        dist = np.abs(i[:, None] - i[None, :])
        ahead = i[None, :] - i[:, None]  # j − i
        if window == 1:
            each_side = tr("window 1 sees 1 neighbour on each side")
        else:
            each_side = tr("window {w} sees {w} neighbours on each side", w=window)
        if np.array_equal(got, dist < window):
            raise Mistake("exclusive", tr("{desc} uses |i − j| < window; the window is inclusive: |i − j| ≤ window "
                                          "({each_side}).", desc=desc, each_side=each_side))
        if np.array_equal(got, dist <= window + 1):
            raise Mistake("one-too-wide", tr("{desc} lets tokens see one further than the window; the window is the "
                                             "largest distance allowed: |i − j| ≤ window ({each_side}).", desc=desc,
                                             each_side=each_side))
        if np.array_equal(got, dist <= window // 2) or np.array_equal(got, 2 * dist + 1 <= window):
            raise Mistake("window-as-width", tr("{desc} treats the window as the width of the band; it is the distance "
                                                "on each side ({each_side}), so the band is 2·window + 1 wide.",
                                                desc=desc, each_side=each_side))
        if np.array_equal(got, (ahead <= window) & (ahead >= 0)):
            raise Mistake("ahead-only", tr("{desc} only looks ahead (j ≥ i); a local window looks both ways: "
                                           "|i − j| ≤ window.", desc=desc))
        if np.array_equal(got, (-ahead <= window) & (ahead <= 0)):
            raise Mistake("back-only", tr("{desc} only looks back (j ≤ i): that is a causal local window; this one "
                                          "looks both ways: |i − j| ≤ window.", desc=desc))
        if np.array_equal(got, dist > window):
            raise Mistake("inverted", tr("{desc} is inverted: True is where attention is allowed, within the window.",
                                         desc=desc))
        if np.array_equal(got, dist == window):
            raise Mistake("exactly", tr("{desc} is True only at distance exactly {w}; every distance up to the window "
                                        "counts.", desc=desc, w=window))
        if np.array_equal(got, (dist <= window) & (dist > 0)):
            raise Mistake("no-diagonal", tr("{desc} leaves out the diagonal; a token also attends to itself (its "
                                            "distance to itself, 0, is within every window).", desc=desc))
        row, col, yours = _first_difference(got, expected)
        raise Mistake(tr("{desc} differs from the rule |i − j| ≤ {w} at {count} of the {total} positions, e.g. row "
                         "{i}, column {j} (distance {dist}): yours is {yours} there.", desc=desc, w=window,
                         count=int(np.sum(got != expected)), total=n * n, i=row, j=col, dist=abs(row - col),
                         yours=yours))
    return tr("True where |i − j| ≤ window: a band around the diagonal, 2·window + 1 wide.")
