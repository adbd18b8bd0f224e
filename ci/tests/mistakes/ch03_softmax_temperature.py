"""Right answers and typical mistakes for the checks of chapter 03 (Softmax and temperature).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


def _naive_softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _no_keepdims(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)


def _wrong_axis(x, axis=-1):
    return ref.softmax(x, axis=0)


def _ignores_axis(x, axis=-1):
    return ref.softmax(x, axis=-1)


def _global_max(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


def _max_no_keepdims(x, axis=-1):
    e = np.exp(x - x.max(axis=axis))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _shift_mismatch(x, axis=-1):
    return np.exp(x - x.max(axis=axis, keepdims=True)) / np.exp(x).sum(axis=axis, keepdims=True)


def _rows_only(x, axis=-1):
    """Right along the last axis of a matrix, by reshaping by hand: fails for axis=0."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    sums = e.sum(axis=axis)
    return e / (sums[..., None] if e.ndim > 1 else sums)


def _shifted(shift):
    """A softmax that subtracts shift(x, axis) before exp: right in exact arithmetic, unstable unless the shift is
    the maximum."""
    def softmax(x, axis=-1):
        e = np.exp(x - shift(x, axis))
        return e / e.sum(axis=axis, keepdims=True)
    return softmax


def _nan_to_num(x, axis=-1):
    return np.nan_to_num(_naive_softmax(x, axis))


def _clipped(x, axis=-1):
    e = np.exp(np.clip(x, -500, 500))
    return e / e.sum(axis=axis, keepdims=True)


def _divides_exponentials(x, T):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True)) / T
    return e / e.sum(axis=-1, keepdims=True)


def _whole_array(x, axis=-1):
    return np.exp(x - x.max()) / np.exp(x - x.max()).sum()


# Adding T, subtracting it and dividing the exponentials by it all give softmax(x): one message names them all.
_NO_EFFECT = "changes nothing (softmax is shift-invariant), and dividing or multiplying the exponentials by T cancels"

RIGHT = {
    "3.1": ref.softmax,
    "3.2": ref.softmax_with_temperature,
    "3.3": ref.temperature_for_51_49,
}

MISTAKES = {
    "3.1": [
        (_naive_softmax, "overflow", "Subtract the maximum first"),
        (lambda x, axis=-1: x / x.sum(axis=axis, keepdims=True), "plain-division", "plain division by the sum"),
        (_whole_array, "whole-array", "normalised over the whole array"),
        (_log_softmax, "log-softmax", "log-softmax"),
        (_wrong_axis, "wrong-axis", "softmax went along axis 0"),
        (_ignores_axis, "ignores-axis", "softmax went along axis 1"),
        (_no_keepdims, "no-keepdims", "the sum was taken without keepdims=True"),
        (_max_no_keepdims, "max-no-keepdims", "the maximum was taken without keepdims=True"),
        (_global_max, "global-max", "maximum of the whole array"),
        (_shift_mismatch, "shift-mismatch", "subtracted in the numerator but not in the sum"),
        (_shifted(lambda x, a: x.min(axis=a, keepdims=True)), "subtract-min", "you subtracted the SMALLEST score"),
        (_shifted(lambda x, a: x.mean(axis=a, keepdims=True)), "subtract-mean", "you subtracted the mean"),
        (_shifted(lambda x, a: np.take(x, [0], axis=a)), "subtract-first", "you subtracted the first score"),
        (_shifted(lambda x, a: np.take(x, [-1], axis=a)), "subtract-last", "you subtracted the last score"),
        (_shifted(lambda x, a: np.median(x, axis=a, keepdims=True)), "overflow", "only subtracting the LARGEST"),
        (_nan_to_num, "nan-to-num", "hides the overflow"),
        (lambda x, axis=-1: np.nan_to_num(_shifted(lambda x, a: x.min(axis=a, keepdims=True))(x, axis)), "nan-to-num",
         "hides the overflow"),
        (_clipped, "overflow-hidden", "clipping the scores"),
        (lambda x, axis=-1: np.exp(x - x.max(axis=axis, keepdims=True)) / np.exp(
            x - x.max(axis=axis, keepdims=True)).max(axis=axis, keepdims=True), "divided-by-max",
         "divided by the largest one"),
        (_rows_only, "axis-not-general", "Make every step follow `axis`"),
        (lambda x: ref.softmax(x), "no-axis-argument", "takes no `axis` argument"),
        (lambda x, axis: ref.softmax(x, axis), "axis-no-default", "has no default"),
        (lambda x, axis=-1: ref.softmax(x, axis).sum(axis=axis), "wrong-shape", "should have the shape of its input"),
    ],
    "3.2": [
        (lambda x, T: ref.softmax(x * T), "multiplied-by-t", "you multiplied by T"),
        (lambda x, T: ref.softmax(x) / T, "divided-after", "dividing after the softmax"),
        (lambda x, T: ref.softmax(x + T), "temperature-ignored", _NO_EFFECT),
        (lambda x, T: ref.softmax(x - T), "temperature-ignored", _NO_EFFECT),
        (_divides_exponentials, "temperature-ignored", _NO_EFFECT),
        (lambda x, T: ref.softmax(x) ** (1 / T), "power", "not normalised"),
        (lambda x, T: np.exp(x / T) / np.exp(x).sum(axis=-1, keepdims=True), "numerator-only", "numerator only"),
        (lambda x, T: np.exp(x / T - np.max(x / T)) / np.exp(x / T - np.max(x / T)).sum(), "whole-array",
         "normalised over the whole array"),
        (lambda x, T: ref.softmax(x / T, axis=0), "axis-0", "down the columns"),
        (lambda x, T: _naive_softmax(x / T), "overflow", "stable"),
        (lambda x, T: ref.softmax(x / T)[..., :-1], "wrong-shape", "should have the shape of the scores"),
    ],
    "3.3": [
        (lambda: 50, "rounded", "close, not exact"),
        (lambda: 49.99, "rounded", "instead of rounding"),
        (lambda: np.log(51 / 49), "log-ratio", "that is 2/T"),
        (lambda: 2 * np.log(51 / 49), "two-log-ratio", "in the denominator of the exponent"),
        (lambda: np.log(51 / 49) / 2, "reciprocal", "which is 1/T"),
        (lambda: 1 / 50, "reciprocal", "not 1/50"),
        (lambda: 51 / 49, "ratio", "the ratio of the weights"),
        (lambda: 1 / np.log(51 / 49), "difference-1", "differ by 2, not 1"),
        (lambda: 2 / np.log10(51 / 49), "log-base", "base-10 logarithm"),
        (lambda: -49.99, "not-positive", "must be positive"),
        (lambda: float("inf"), "not-finite", "not a number a temperature can be"),
        (lambda: 10.0, "other", "turns 51/49 into"),
        (lambda: "49.99", "wrong-type", "should return a number"),
    ],
}
