"""Checks for chapter 03: softmax and temperature.

3.1 runs on 1-D, 2-D and 3-D arrays whose sizes all differ (3×4, 2×3×4), along every axis, and on
scores far apart; a square 4×4 case comes first, where a sum without ``keepdims`` still runs (and
can be named from its values). The cases with scores far apart come last: an answer that fails only
there is right in exact arithmetic and unstable, and is named (subtracting the minimum, the mean, the
first or the last score, nan_to_num) by what it gives on all of them. Whether the answer takes an ``axis`` at all is read from its
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
        # Scores far apart: only the largest score keeps every exponent ≤ 0. Subtracting the smallest
        # fails on [1000, 0], the first on [0, 1000], the mean on [1000, -1000], and each of them along axis 0.
        *_wide_cases(),
    ]


def _wide_cases():
    """(desc, x, axis or None) with scores far apart, after the ordinary cases."""
    return [
        ("softmax([1000, 0])", np.array([1000.0, 0.0]), None),
        ("softmax([0, 1000])", np.array([0.0, 1000.0]), None),
        ("softmax([1000, -1000])", np.array([1000.0, -1000.0]), None),
        (tr("softmax(W, axis=0) for a 3×2 W of scores ±1000"),
         np.array([[1000.0, 0.0], [0.0, 1000.0], [-1000.0, 5.0]]), 0),
    ]


def _is_wide(x):
    """Scores far enough apart (or large enough) that exp overflows or underflows without the right shift."""
    return bool(np.max(np.abs(x)) > 700)


def _shifted(shift):
    """The softmax that subtracts ``shift(x, axis)`` (keepdims) before exp: right on ordinary scores."""
    def f(x, axis):
        e = np.exp(x - shift(x, axis))
        return e / e.sum(axis=axis, keepdims=True)
    return f


def _naive(x, axis):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _largest():
    return tr("Any shift cancels in softmax, but only subtracting the LARGEST score of each slice makes every "
              "exponent ≤ 0: the largest exponential is then exactly 1, and nothing overflows.")


def _unstable_mistakes():
    """(id, wrong softmax(x, axis), what it did) for the softmaxes that are right on ordinary scores and wrong
    on scores far apart. Each is named only when it agrees with the answer on every wide case."""
    return [
        ("overflow", _naive,
         tr("exp overflowed to inf, and inf/inf is nan. Subtract the maximum first, before exp.")),
        ("subtract-min", _shifted(lambda x, a: x.min(axis=a, keepdims=True)),
         tr("you subtracted the SMALLEST score, so every exponent x − min(x) is ≥ 0 and exp(1000) overflows to inf "
            "(inf/inf is nan).")),
        ("subtract-mean", _shifted(lambda x, a: x.mean(axis=a, keepdims=True)),
         tr("you subtracted the mean of the scores; a score far above the mean still overflows (exp(1000) is inf, "
            "and inf/inf is nan).")),
        ("subtract-first", _shifted(lambda x, a: np.take(x, [0], axis=a)),
         tr("you subtracted the first score; a later score far above it still overflows (exp(1000) is inf, and "
            "inf/inf is nan).")),
        ("subtract-last", _shifted(lambda x, a: np.take(x, [-1], axis=a)),
         tr("you subtracted the last score; an earlier score far above it still overflows (exp(1000) is inf, and "
            "inf/inf is nan).")),
        ("nan-to-num", lambda x, a: np.nan_to_num(_naive(x, a)),
         tr("np.nan_to_num (or replacing nan afterwards) hides the overflow instead of avoiding it: exp(1000) is "
            "still inf, inf/inf is still nan, and the nan became 0.")),
    ]


def _wide_outputs(softmax):
    """The answer on every wide case, or None if it raises or returns something else there."""
    outputs = []
    for desc, x, axis in _wide_cases():
        try:
            result = call(softmax, x, desc=desc) if axis is None else call(softmax, x, axis, desc=desc)
            outputs.append(as_array(result, desc))
        except NotImplementedError:
            raise
        except Exception:
            return None
    return outputs


def _name_unstable(softmax, desc, got, x):
    """An answer right on ordinary scores and wrong on ``x`` (scores far apart): raise a Mistake that says why."""
    outputs = _wide_outputs(softmax)
    if outputs is not None:
        for mistake_id, wrong, what in _unstable_mistakes():
            with np.errstate(all="ignore"):
                expected = [wrong(wx, -1 if axis is None else axis) for _, wx, axis in _wide_cases()]
            if all(out.shape == e.shape and close(out, e) for out, e in zip(outputs, expected)):
                raise Mistake(mistake_id, tr("{desc} gave {got}: {what} {largest}", desc=desc, got=fmt(got),
                                             what=what, largest=_largest()))
    if np.all(np.isfinite(got)):
        raise Mistake("overflow-hidden", tr("{desc} gave {got}: your softmax is right on ordinary scores but not on "
                                            "scores this far apart. exp(1000) overflows to inf and exp(−1000) "
                                            "underflows to 0; clipping the scores or replacing nan afterwards "
                                            "(np.nan_to_num) hides that but changes the weights. {largest}",
                                            desc=desc, got=fmt(got), largest=_largest()))
    if np.max(x) > 700:
        raise Mistake("overflow", tr("{desc} gave {got}: exp overflowed to inf, and inf/inf is nan. Subtract the "
                                     "maximum first, before exp. {largest}", desc=desc, got=fmt(got),
                                     largest=_largest()))
    raise Mistake("underflow", tr("{desc} gave {got}: every exp underflowed to 0, and 0/0 is nan. Subtract the "
                                  "maximum first, before exp. {largest}", desc=desc, got=fmt(got),
                                  largest=_largest()))


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
        if _is_wide(x):  # right on every ordinary case before it: a question of stability
            _name_unstable(softmax, desc, got, x)
        if np.any(~np.isfinite(got)):
            raise Mistake("not-finite", tr("{desc} gave {got}: nan or inf, for scores that are not even large. Look "
                                           "for a division by zero or a logarithm of 0.", desc=desc, got=fmt(got)))
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
            "changes nothing (softmax is shift-invariant), and dividing or multiplying the exponentials by T cancels "
            "in the normalisation (T is in the numerator and in the sum below it). Divide the scores by T, before "
            "exp.", desc=desc, got=fmt(got))),
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
                                         "overflows; use a stable softmax (subtract the largest of the scores x / T "
                                         "before exp).", desc=desc, got=fmt(got)))
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
