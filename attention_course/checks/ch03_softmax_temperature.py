"""Checks for chapter 03: softmax and temperature."""
import numpy as np

from .. import reference as ref
from .core import Mistake, as_array, as_number, call, close, diagnose, fmt, register


def _global_max(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


SOFTMAX_CASES = [
    ("softmax([51, 49])", np.array([51.0, 49.0]), {}),
    ("softmax([2, -1, 0.5, 3])", np.array([2.0, -1.0, 0.5, 3.0]), {}),
    ("softmax(X) for a 3×4 X", np.random.default_rng(31).normal(size=(3, 4)) * 3, {}),
    ("softmax(X, axis=0) for a 3×4 X", np.random.default_rng(32).normal(size=(3, 4)) * 3, {"axis": 0}),
    ("softmax(S, axis=-1) for a 4×4 S", np.random.default_rng(33).normal(size=(4, 4)) * 3, {"axis": -1}),
    ("softmax(T, axis=1) for a 2×3×4 T", np.random.default_rng(34).normal(size=(2, 3, 4)), {"axis": 1}),
    ("softmax([1000, 999])", np.array([1000.0, 999.0]), {}),
    ("softmax([[1000, 999], [0, 1]])", np.array([[1000.0, 999.0], [0.0, 1.0]]), {}),
    ("softmax([-1000, -1001])", np.array([-1000.0, -1001.0]), {}),
]


@register("3.1", "softmax")
def check_softmax(softmax):
    for desc, x, kwargs in SOFTMAX_CASES:
        axis = kwargs.get("axis", -1)
        got = as_array(_call_axis(softmax, x, kwargs.get("axis"), desc), desc)
        expected = ref.softmax(x, axis=axis)
        if got.shape != expected.shape:
            raise Mistake(f"{desc} should have the shape of its input, {expected.shape}; yours has {got.shape}. "
                          "Did you forget keepdims=True in the sum?")
        if close(got, expected):
            continue
        if np.any(~np.isfinite(got)):
            diagnose(got, (x,), [
                (lambda x: _global_max(x, axis),
                 f"{desc} gave {fmt(got)}: you subtracted the maximum of the whole array; a row far below it "
                 "underflows to 0/0. Subtract each slice's own maximum (max(axis=axis, keepdims=True))."),
            ])
            raise Mistake(f"{desc} gave {fmt(got)}: exp overflowed (or underflowed to 0/0). Subtract the maximum "
                          "first: softmax(x - max(x)) = softmax(x), and the largest exp is then exactly 1.")
        diagnose(got, (x,), [
            (lambda x: x / x.sum(axis=axis, keepdims=True),
             f"{desc} gave {fmt(got)}: that is plain division by the sum, not softmax — it keeps ratios "
             "(51/49 -> 0.51/0.49) and breaks for negative scores. Exponentiate first."),
            (lambda x: np.exp(x) / np.exp(x).sum(),
             f"{desc} gave {fmt(got)}: you normalised over the whole array; each slice along axis={axis} "
             "must sum to 1 (use axis=axis, keepdims=True)."),
            (lambda x: x - np.log(np.exp(x - x.max(axis=axis, keepdims=True)).sum(axis=axis, keepdims=True)) - x.max(axis=axis, keepdims=True),
             f"{desc} gave {fmt(got)}: that is log-softmax (x - logsumexp x). Take its exp, or compute exp(x)/sum exp(x)."),
            (lambda x: ref.softmax(x, axis=0 if axis != 0 else -1),
             f"{desc} gave {fmt(got)}: softmax went along the wrong axis; use the `axis` argument (default -1)."),
            (lambda x: np.exp(x - x.max(axis=axis, keepdims=True)) / np.exp(x - x.max(axis=axis, keepdims=True)).sum(axis=axis),
             f"{desc} gave {fmt(got)}: the sum was taken without keepdims=True, so it was broadcast along the "
             "wrong axis; use .sum(axis=axis, keepdims=True)."),
        ])
        if not close(got.sum(axis=axis), 1.0):
            raise Mistake(f"{desc}: each slice along axis={axis} should sum to 1; yours sum to {fmt(got.sum(axis=axis))}.")
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")
    return "stable (softmax([1000, 999]) = [0.731, 0.269]), along any axis, and each slice sums to 1."


def _call_axis(softmax, x, axis, desc):
    try:
        return call(softmax, x, axis, desc=desc) if axis is not None else call(softmax, x, desc=desc)
    except Mistake as m:
        if "positional argument" in str(m) or "takes 1" in str(m):
            raise Mistake(f"{desc}: your softmax takes no `axis` argument; define it as softmax(x, axis=-1).") from None
        if "could not be broadcast" in str(m):
            raise Mistake(f"{desc} failed to broadcast ({m}). Sum with keepdims=True, so the sums keep their "
                          "axis and divide each slice by its own sum.") from None
        raise


@register("3.2", "softmax_with_temperature")
def check_softmax_with_temperature(softmax_with_temperature):
    x = np.array([51.0, 49.0, 40.0])
    for T in (1.0, 0.5, 50.0, 0.01):
        desc = f"softmax_with_temperature([51, 49, 40], {T:g})"
        got = as_array(call(softmax_with_temperature, x, T, desc=desc), desc, shape=x.shape)
        expected = ref.softmax_with_temperature(x, T)
        if close(got, expected):
            continue
        diagnose(got, (x, T), [
            (lambda x, T: ref.softmax(x * T),
             f"{desc} gave {fmt(got)}: you multiplied by T; divide the scores by T (a high temperature flattens)."),
            (lambda x, T: ref.softmax(x) / T,
             f"{desc} gave {fmt(got)}: dividing after the softmax only rescales the weights (they no longer "
             "sum to 1); divide the scores before it: softmax(x / T)."),
            (lambda x, T: ref.softmax(x + T),
             f"{desc} gave {fmt(got)}: adding T changes nothing — softmax is shift-invariant. Divide by T."),
            (lambda x, T: ref.softmax(x) ** (1 / T),
             f"{desc} gave {fmt(got)}: softmax(x)^(1/T) has the right shape but is not normalised; "
             "use softmax(x / T)."),
            (lambda x, T: ref.softmax(x - T),
             f"{desc} gave {fmt(got)}: subtracting T changes nothing (shift invariance). Divide by T."),
        ])
        if np.any(~np.isfinite(got)):
            raise Mistake(f"{desc} gave {fmt(got)}: with a small T the scores x / T are huge; use a stable "
                          "softmax (subtract the maximum).")
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")
    return "softmax(x / T): sharper below T = 1, flatter above, stable for T = 0.01."


@register("3.3", "temperature_for_51_49")
def check_temperature_for_51_49(temperature_for_51_49):
    desc = "temperature_for_51_49()"
    T = as_number(call(temperature_for_51_49, desc=desc), desc)
    if T <= 0:
        raise Mistake(f"{desc} returned {fmt(T)}: a temperature must be positive.")
    p = ref.softmax_with_temperature([51.0, 49.0], T)
    exact = ref.temperature_for_51_49()
    if abs(p[0] - 0.51) < 1e-9:
        return f"T = 2 / ln(51/49) = {T:.4f}: softmax([51, 49] / T) = [0.51, 0.49] exactly."
    wrong = [
        (np.log(51 / 49), f"{desc} returned {fmt(T)} = ln(51/49); that is 2/T, not T. Solve e^(2/T) = 51/49 for T."),
        (2 * np.log(51 / 49), f"{desc} returned {fmt(T)} = 2·ln(51/49); T is 2 divided by ln(51/49)."),
        (1 / 50, f"{desc} returned 1/50; the scores are *divided* by T, so T is about 50, not 1/50."),
        (51 / 49, f"{desc} returned 51/49, the ratio; softmax sees the difference 2/T, so e^(2/T) = 51/49."),
    ]
    for value, message in wrong:
        if close(T, value):
            raise Mistake(message)
    if abs(T - exact) < 0.05:
        raise Mistake(f"{desc} returned {fmt(T, 6)}, which gives {fmt(p[0], 7)} / {fmt(p[1], 7)} — close, not exact. "
                      "Solve e^(2/T) = 51/49 exactly: T = 2 / ln(51/49).")
    raise Mistake(f"{desc} returned {fmt(T)}, which turns 51/49 into {fmt(p[0])}/{fmt(p[1])}. "
                  "softmax([51, 49] / T) has ratio e^(2/T); make that ratio 51/49.")
