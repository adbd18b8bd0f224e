"""Right answers and typical mistakes for the checks of chapter 01 (A weighted average — 中年人的平均收入).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, fragment of its message)
pairs; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
import numpy as np

from attention_course import reference as ref


def _d2(q, k):
    return (q - np.asarray(k, dtype=float)) ** 2


def _naive_gauss(q, k, s):
    e = np.exp(-_d2(q, k) / (2 * s**2))
    return e / e.sum()


def _exclusive_but_raises(a, inc, lo, hi):
    inside = (a > lo) & (a < hi)
    if not inside.any():
        raise ValueError("nobody")
    return inc[inside].mean()


def _inclusive(a, inc, lo, hi, use_ages=False, how=np.mean):
    inside = (a >= lo) & (a <= hi)
    if not inside.any():
        raise ValueError("nobody in range")
    return how((a if use_ages else inc)[inside])


def _no_error(a, inc, lo, hi):
    inside = (a >= lo) & (a <= hi)
    return inc[inside].mean() if inside.any() else float("nan")


def _zero_division(a, inc, lo, hi):
    inside = [x for x, y in zip(inc, a) if lo <= y <= hi]
    return sum(inside) / len(inside)


def _uses_globals(a, inc, lo, hi):
    from attention_course.data import load_incomes
    _, ages, incomes = load_incomes()
    return _inclusive(ages, incomes, lo, hi)


RIGHT = {
    "1.1": ref.crisp_average,
    "1.2": ref.gaussian_weights,
    "1.3": ref.attention_pool,
}

MISTAKES = {
    "1.1": [
        (_exclusive_but_raises, "The bounds are included"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, use_ages=True), "average *age*"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, how=np.sum), "the sum of their incomes"),
        (lambda a, inc, lo, hi: float(np.mean(inc)), "the average of everybody"),
        (_no_error, "Raise ValueError"),
        (_zero_division, "ZeroDivisionError"),
        (_uses_globals, "use the function's arguments"),
        (lambda a, inc, lo, hi: inc[(a >= lo) & (a <= hi)], "should return one number"),
    ],
    "1.2": [
        (lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)), "divide the exponentials by their sum"),
        (lambda q, k, s: ref.softmax(-_d2(q, k) / s**2), "you left out the 2"),
        (lambda q, k, s: ref.softmax(-_d2(q, k) / (2 * s)), "square σ"),
        (lambda q, k, s: ref.softmax(_d2(q, k) / (2 * s**2)), "needs a minus sign"),
        (lambda q, k, s: ref.softmax(-np.abs(q - k) / (2 * s**2)), "squared difference"),
        (_naive_gauss, "underflows"),
        (lambda q, k, s: ref.gaussian_weights(q, k, s)[:-1], "should have shape"),
    ],
    "1.3": [
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s) @ k, "average the incomes (values)"),
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s), "return one number"),
        (lambda q, k, v, s: np.exp(-(q - k) ** 2 / (2 * s**2)) @ v, "not normalised"),
        (lambda q, k, v, s: float(np.mean(v)), "plain mean"),
        (lambda q, k, v, s: float(np.mean(ref.gaussian_weights(q, k, s) * v)), "take the sum"),
        (lambda q, k, v, s: _naive_gauss(q, k, s) @ v, "stable weights"),
    ],
}
