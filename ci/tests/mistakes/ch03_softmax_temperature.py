"""Right answers and typical mistakes for the checks of chapter 03 (Softmax and temperature).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
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


def _log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


RIGHT = {
    "3.1": ref.softmax,
    "3.2": ref.softmax_with_temperature,
    "3.3": ref.temperature_for_51_49,
}

MISTAKES = {
    "3.1": [
        (_naive_softmax, "Subtract the maximum first"),
        (lambda x, axis=-1: x / x.sum(axis=axis, keepdims=True), "plain division by the sum"),
        (lambda x, axis=-1: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "normalised over the whole array"),
        (_log_softmax, "log-softmax"),
        (_wrong_axis, "wrong axis"),
        (_ignores_axis, "wrong axis"),
        (_no_keepdims, "keepdims"),
        (_global_max, "maximum of the whole array"),
        (lambda x: ref.softmax(x), "takes no `axis` argument"),
    ],
    "3.2": [
        (lambda x, T: ref.softmax(x * T), "you multiplied by T"),
        (lambda x, T: ref.softmax(x) / T, "dividing after the softmax"),
        (lambda x, T: ref.softmax(x + T), "adding T changes nothing"),
        (lambda x, T: ref.softmax(x) ** (1 / T), "not normalised"),
        (lambda x, T: _naive_softmax(x / T), "stable"),
    ],
    "3.3": [
        (lambda: 50, "close, not exact"),
        (lambda: np.log(51 / 49), "that is 2/T"),
        (lambda: 2 * np.log(51 / 49), "2 divided by ln(51/49)"),
        (lambda: 1 / 50, "not 1/50"),
        (lambda: 51 / 49, "the ratio"),
        (lambda: -49.99, "must be positive"),
    ],
}
