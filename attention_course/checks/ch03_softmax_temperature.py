"""Checks for chapter 03: softmax and temperature.

3.1 runs on 1-D, 2-D and 3-D arrays whose sizes all differ (3×4, 2×3×4), along every axis, and on
scores far apart; a square 4×4 case comes first, where a sum without ``keepdims`` still runs (and
can be named from its values). Whether the answer takes an ``axis`` at all is read from its
signature, and a call that fails is explained from the shapes involved.
"""
import inspect

import numpy as np

from .. import reference as ref
from ..i18n import tr
from .core import Mistake, as_array, as_number, call, close, diagnose, fmt, register


def _stable(x, axis):
    return np.exp(x - x.max(axis=axis, keepdims=True))


def _cases():
    """(desc, x, axis or None for the default)."""
    return [
        ("softmax([51, 49])", np.array([51.0, 49.0]), None),
        ("softmax([2, -1, 0.5, 3])", np.array([2.0, -1.0, 0.5, 3.0]), None),
        (tr("softmax(S) for a 4×4 S"), np.random.default_rng(33).normal(size=(4, 4)) * 3, None),
        (tr("softmax(X) for a 3×4 X"), np.random.default_rng(31).normal(size=(3, 4)) * 3, None),
        (tr("softmax(X, axis=0) for a 3×4 X"), np.random.default_rng(32).normal(size=(3, 4)) * 3, 0),
        (tr("softmax(T, axis=1) for a 2×3×4 T"), np.random.default_rng(34).normal(size=(2, 3, 4)), 1),
        (tr("softmax(T, axis=-1) for a 2×3×4 T"), np.random.default_rng(35).normal(size=(2, 3, 4)) * 2, -1),
        ("softmax([1000, 999])", np.array([1000.0, 999.0]), None),
        ("softmax([[1000, 999], [0, 1]])", np.array([[1000.0, 999.0], [0.0, 1.0]]), None),
        ("softmax([-1000, -1001])", np.array([-1000.0, -1001.0]), None),
    ]


def _signature_mistake(softmax):
    """A Mistake if the signature shows that softmax cannot take an axis, or None (also when it cannot be read)."""
    try:
        params = list(inspect.signature(softmax).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL,) for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) < 2:
        return Mistake("no-axis-argument", tr("your softmax takes no `axis` argument; define it as softmax(x, "
                                              "axis=-1) and normalise along that axis."))
    if positional[1].default is inspect.Parameter.empty and all(
            p.default is inspect.Parameter.empty for p in positional[2:]):
        return Mistake("axis-no-default", tr("softmax(x) needs an argument `{name}` that has no default; give it "
                                             "one, softmax(x, {name}=-1), so that softmax(x) works along the last "
                                             "axis.", name=positional[1].name))
    return None


def _explain_failure(mistake, desc, x, axis):
    """A call that raised: explain it from the shapes, if a sum without keepdims cannot line up with x."""
    axis = -1 if axis is None else axis
    if mistake.id != "raised" or x.ndim < 2:
        return mistake
    reduced = np.sum(x, axis=axis).shape
    try:
        np.broadcast_shapes(x.shape, reduced)
    except ValueError:
        return Mistake("no-keepdims", tr("{message}. The maximum or the sum along axis={axis} of an array of shape "
                                         "{shape} has shape {reduced}, which cannot line up with the array; with "
                                         "keepdims=True they keep that axis (length 1), so that each slice is shifted "
                                         "and divided by its own numbers.",
                                         message=mistake.message.rstrip().rstrip("."), axis=axis, shape=x.shape,
                                         reduced=reduced))
    return Mistake("axis-not-general", tr("{message}. Make every step follow `axis`: the maximum and the sum are "
                                          "taken along axis={axis} with keepdims=True, for arrays of any number of "
                                          "dimensions.", message=mistake.message.rstrip().rstrip("."), axis=axis))


def _softmax_mistakes(desc, got, axis, ndim):
    a = -1 if axis is None else axis
    wrong_axes = [
        ("ignores-axis" if other == ndim - 1 and axis is not None else "wrong-axis",
         lambda x, other=other: ref.softmax(x, axis=other),
         tr("{desc} gave {got}: softmax went along axis {other}; normalise along the `axis` argument (default -1, "
            "the last axis), and pass it on to max and sum.", desc=desc, got=fmt(got), other=other))
        for other in range(ndim) if ndim > 1 and other != a % ndim]
    return [*wrong_axes,
        ("plain-division", lambda x: x / x.sum(axis=a, keepdims=True),
         tr("{desc} gave {got}: that is plain division by the sum, not softmax — it keeps ratios (51/49 -> "
            "0.51/0.49) and breaks for negative scores. Exponentiate first.", desc=desc, got=fmt(got))),
        ("whole-array", lambda x: np.exp(x) / np.exp(x).sum(),
         tr("{desc} gave {got}: you normalised over the whole array; each slice along axis={axis} must sum to 1 "
            "(sum along that axis, keeping it with keepdims=True).", desc=desc, got=fmt(got), axis=a)),
        ("log-softmax", lambda x: x - x.max(axis=a, keepdims=True) - np.log(_stable(x, a).sum(axis=a, keepdims=True)),
         tr("{desc} gave {got}: that is log-softmax (x minus its log-sum-exp), the logarithm of the weights. Take "
            "the exponentials divided by their sum.", desc=desc, got=fmt(got))),
        ("no-keepdims", lambda x: _stable(x, a) / _stable(x, a).sum(axis=a),
         tr("{desc} gave {got}: the sum was taken without keepdims=True, so NumPy lined the sums up with the wrong "
            "axis (it runs here only because the array is square). Keep the summed axis: keepdims=True.",
            desc=desc, got=fmt(got))),
        ("max-no-keepdims", lambda x: (lambda e: e / e.sum(axis=a, keepdims=True))(np.exp(x - x.max(axis=a))),
         tr("{desc} gave {got}: the maximum was taken without keepdims=True, so NumPy subtracted the slices' maxima "
            "from the wrong entries (it runs here only because the array is square). Subtracting changes nothing "
            "only when every score of a slice is shifted by the same number: keep the axis with keepdims=True.",
            desc=desc, got=fmt(got))),
        ("no-keepdims", lambda x: (lambda e: e / e.sum(axis=a))(np.exp(x - x.max(axis=a))),
         tr("{desc} gave {got}: the maximum and the sum were taken without keepdims=True, so NumPy lined them up "
            "with the wrong axis (it runs here only because the array is square). Keep the reduced axis: "
            "keepdims=True.", desc=desc, got=fmt(got))),
        ("shift-mismatch", lambda x: _stable(x, a) / np.exp(x).sum(axis=a, keepdims=True),
         tr("{desc} gave {got}: the maximum was subtracted in the numerator but not in the sum below it; shift "
            "both the same way (the shift cancels only then).", desc=desc, got=fmt(got))),
        ("divided-by-max", lambda x: _stable(x, a) / _stable(x, a).max(axis=a, keepdims=True),
         tr("{desc} gave {got}: the exponentials were divided by the largest one; divide by their sum so each "
            "slice sums to 1.", desc=desc, got=fmt(got))),
    ]


@register("3.1", "softmax")
def check_softmax(softmax):
    mistake = _signature_mistake(softmax)
    if mistake is not None:
        raise mistake
    for desc, x, axis in _cases():
        try:
            result = call(softmax, x, desc=desc) if axis is None else call(softmax, x, axis, desc=desc)
        except Mistake as m:
            raise _explain_failure(m, desc, x, axis) from None
        got = as_array(result, desc)
        expected = ref.softmax(x, axis=-1 if axis is None else axis)
        if got.shape != expected.shape:
            raise Mistake("wrong-shape", tr("{desc} should have the shape of its input, {expected}; yours has "
                                            "{shape}: one weight per score.", desc=desc, expected=expected.shape,
                                            shape=got.shape))
        if close(got, expected):
            continue
        a = -1 if axis is None else axis
        if np.any(~np.isfinite(got)):
            diagnose(got, (x,), [
                ("global-max", lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(axis=a, keepdims=True),
                 tr("{desc} gave {got}: you subtracted the maximum of the whole array; a row far below it underflows "
                    "to 0/0. Subtract each slice's own maximum (along axis, with keepdims=True).", desc=desc,
                    got=fmt(got))),
            ])
            if np.max(x) > 700:
                raise Mistake("overflow", tr("{desc} gave {got}: exp overflowed to inf, and inf/inf is nan. Subtract "
                                             "the maximum first: softmax(x - max(x)) = softmax(x), and the largest "
                                             "exponential is then exactly 1.", desc=desc, got=fmt(got)))
            raise Mistake("underflow", tr("{desc} gave {got}: every exp underflowed to 0, and 0/0 is nan. Subtract the "
                                          "maximum first: softmax(x - max(x)) = softmax(x), and the largest "
                                          "exponential is then exactly 1.", desc=desc, got=fmt(got)))
        diagnose(got, (x,), _softmax_mistakes(desc, got, axis, x.ndim))
        if not close(got.sum(axis=a), 1.0):
            raise Mistake("sum-not-1", tr("{desc}: each slice along axis={axis} should sum to 1; yours sum to {sums}.",
                                          desc=desc, axis=a, sums=fmt(got.sum(axis=a))))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("stable (softmax([1000, 999]) = [0.731, 0.269]), along any axis, and each slice sums to 1.")


# --- 3.2 --------------------------------------------------------------------------------------

def _temperature_mistakes(desc, got):
    return [
        ("multiplied-by-t", lambda x, T: ref.softmax(x * T),
         tr("{desc} gave {got}: you multiplied by T; divide the scores by T (a high temperature flattens).",
            desc=desc, got=fmt(got))),
        ("divided-after", lambda x, T: ref.softmax(x) / T,
         tr("{desc} gave {got}: dividing after the softmax only rescales the weights (they no longer sum to 1); "
            "the temperature divides the scores, before the softmax.", desc=desc, got=fmt(got))),
        ("temperature-ignored", lambda x, T: ref.softmax(x),
         tr("{desc} gave {got}, the same as with T = 1: the temperature had no effect. Adding or subtracting T "
            "changes nothing (softmax is shift-invariant); the scores are divided by T.", desc=desc, got=fmt(got))),
        ("power", lambda x, T: ref.softmax(x) ** (1 / T),
         tr("{desc} gave {got}: softmax(x)^(1/T) has the right shape but is not normalised; divide the scores by T "
            "before the softmax.", desc=desc, got=fmt(got))),
        ("numerator-only", lambda x, T: np.exp(x / T) / np.exp(x).sum(axis=-1, keepdims=True),
         tr("{desc} gave {got}: T divides the scores in the numerator only; the sum below must be of the same "
            "exponentials, exp(x / T).", desc=desc, got=fmt(got))),
        ("whole-array", lambda x, T: np.exp(x / T) / np.exp(x / T).sum(),
         tr("{desc} gave {got}: you normalised over the whole array; each row (last axis) must sum to 1.",
            desc=desc, got=fmt(got))),
        ("axis-0", lambda x, T: ref.softmax(x / T, axis=0),
         tr("{desc} gave {got}: softmax went down the columns (axis 0); each row (the last axis) must sum to 1.",
            desc=desc, got=fmt(got))),
    ]


@register("3.2", "softmax_with_temperature")
def check_softmax_with_temperature(softmax_with_temperature):
    x = np.array([51.0, 49.0, 40.0])
    X = np.array([[2.0, -1.0, 0.5], [4.0, 4.5, -3.0]])  # 2 rows of 3 scores: rows along the last axis
    cases = [(x, T, tr("softmax_with_temperature([51, 49, 40], {T})", T=f"{T:g}")) for T in (1.0, 0.5, 50.0)]
    cases += [(X, 3.0, tr("softmax_with_temperature(X, 3) for a 2×3 X")),
              (x, 0.01, tr("softmax_with_temperature([51, 49, 40], 0.01)"))]
    for scores, T, desc in cases:
        got = as_array(call(softmax_with_temperature, scores, T, desc=desc), desc)
        if got.shape != scores.shape:
            raise Mistake("wrong-shape", tr("{desc} should have the shape of the scores, {expected}; yours has "
                                            "{shape}.", desc=desc, expected=scores.shape, shape=got.shape))
        expected = ref.softmax_with_temperature(scores, T)
        if close(got, expected):
            continue
        if np.any(~np.isfinite(got)):
            raise Mistake("overflow", tr("{desc} gave {got}: with a small T the scores x / T are huge and exp "
                                         "overflows; use a stable softmax (subtract the maximum).", desc=desc,
                                         got=fmt(got)))
        diagnose(got, (scores, T), _temperature_mistakes(desc, got))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected)))
    return tr("softmax(x / T): sharper below T = 1, flatter above, stable for T = 0.01.")


# --- 3.3 --------------------------------------------------------------------------------------

@register("3.3", "temperature_for_51_49")
def check_temperature_for_51_49(temperature_for_51_49):
    desc = "temperature_for_51_49()"
    T = as_number(call(temperature_for_51_49, desc=desc), desc)
    idea = tr("softmax([51, 49] / T) gives weights in the ratio e^(2/T) (only the difference 51 − 49 = 2 counts, "
              "divided by T); choose T so that this ratio is 51/49 — a logarithm undoes the e^.")
    if not np.isfinite(T):
        raise Mistake("not-finite", tr("{desc} returned {value}, not a number a temperature can be. {idea}",
                                       desc=desc, value=fmt(T), idea=idea))
    if T <= 0:
        raise Mistake("not-positive", tr("{desc} returned {value}: a temperature must be positive.", desc=desc,
                                         value=fmt(T)))
    p = ref.softmax_with_temperature([51.0, 49.0], T)
    if abs(p[0] - 0.51) < 1e-9:
        return tr("T = 2 / ln(51/49) = {T}: softmax([51, 49] / T) = [0.51, 0.49] exactly.", T=f"{T:.4f}")
    log_ratio = np.log(51 / 49)
    wrong = [
        ("log-ratio", log_ratio,
         tr("{desc} returned {value} = ln(51/49): that is 2/T, not T. {idea}", desc=desc, value=fmt(T), idea=idea)),
        ("two-log-ratio", 2 * log_ratio,
         tr("{desc} returned {value} = 2·ln(51/49): T is in the denominator of the exponent, so solving for it "
            "does not multiply by the difference 2. {idea}", desc=desc, value=fmt(T), idea=idea)),
        ("reciprocal", log_ratio / 2,
         tr("{desc} returned {value}, which is 1/T: the scores are *divided* by T, so T is large (about 50). Invert "
            "it.", desc=desc, value=fmt(T))),
        ("reciprocal", 1 / 50,
         tr("{desc} returned 1/50; the scores are *divided* by T, so T is about 50, not 1/50.", desc=desc)),
        ("ratio", 51 / 49,
         tr("{desc} returned 51/49, the ratio of the weights; softmax sees the difference 2/T. {idea}", desc=desc,
            idea=idea)),
        ("difference-1", 1 / log_ratio,
         tr("{desc} returned {value}: the two scores differ by 2, not 1, so the ratio of the weights is e^(2/T).",
            desc=desc, value=fmt(T))),
        ("log-base", 2 / np.log10(51 / 49),
         tr("{desc} returned {value}: that used a base-10 logarithm; e^ is undone by the natural logarithm "
            "(np.log).", desc=desc, value=fmt(T))),
        ("log-base", 2 / np.log2(51 / 49),
         tr("{desc} returned {value}: that used a base-2 logarithm; e^ is undone by the natural logarithm "
            "(np.log).", desc=desc, value=fmt(T))),
    ]
    for mistake_id, value, message in wrong:
        if close(T, value):
            raise Mistake(mistake_id, message)
    if abs(T - ref.temperature_for_51_49()) < 0.05:
        raise Mistake("rounded", tr("{desc} returned {value}, which gives {p0} / {p1} — close, not exact. Compute T "
                                    "from the equation instead of rounding it. {idea}", desc=desc, value=fmt(T, 6),
                                    p0=fmt(p[0], 7), p1=fmt(p[1], 7), idea=idea))
    raise Mistake(tr("{desc} returned {value}, which turns 51/49 into {p0}/{p1}. {idea}", desc=desc, value=fmt(T),
                     p0=fmt(p[0]), p1=fmt(p[1]), idea=idea))
