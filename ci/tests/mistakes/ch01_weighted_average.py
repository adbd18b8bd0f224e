"""Right answers and typical mistakes for the checks of chapter 01 (A weighted average — 中年人的平均收入).

RIGHT: exercise id -> a right answer. MISTAKES: exercise id -> (wrong answer, mistake id, fragment of
its message) triples; ci/tests/test_checks.py runs them all (see CONTRIBUTING.md, "Checks")."""
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


def _wrong_error(a, inc, lo, hi):
    inside = (a >= lo) & (a <= hi)
    if not inside.any():
        raise IndexError("nobody")
    return inc[inside].mean()


def _silent_error(a, inc, lo, hi):
    inside = (a >= lo) & (a <= hi)
    if not inside.any():
        raise ValueError()
    return inc[inside].mean()


def _weights(q, k, s, exponent=lambda d2, s: -d2 / (2 * s**2)):
    return ref.softmax(exponent(_d2(q, k), s))


def _shifted_unnormalised(q, k, v, s):
    """Stable exponentials (the largest score subtracted) but never divided by their sum."""
    scores = -_d2(q, k) / (2 * s**2)
    return float(np.exp(scores - scores.max()) @ v)


def _shifted(shift):
    """Gaussian weights with shift(scores) subtracted before exp: right for an ordinary σ, nan for a tiny one."""
    def weights(q, k, s):
        scores = -_d2(q, k) / (2 * s**2)
        e = np.exp(scores - shift(scores))
        return e / e.sum()
    return weights


def _hard_attention(q, k, v, s):
    """The income of the most similar person: hard attention, the limit σ → 0."""
    return float(v[np.argmax(ref.gaussian_weights(q, k, s))])


def _global_incomes(q, k, v, s):
    from attention_course.data import load_incomes
    return float(ref.gaussian_weights(q, k, s) @ load_incomes()[2])


def _global_ages(q, k, v, s):
    from attention_course.data import load_incomes
    return float(ref.gaussian_weights(q, load_incomes()[1], s) @ v)


RIGHT = {
    "1.1": ref.crisp_average,
    "1.2": ref.gaussian_weights,
    "1.3": ref.attention_pool,
}

MISTAKES = {
    "1.1": [
        (_exclusive_but_raises, "exclusive-bounds", "The bounds are included"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, use_ages=True), "averaged-ages", "average *age*"),
        (lambda a, inc, lo, hi: _inclusive(a, inc, lo, hi, how=np.sum), "sum", "the sum of their incomes"),
        (lambda a, inc, lo, hi: float(np.mean(inc)), "mean-of-all", "the average of everybody"),
        (lambda a, inc, lo, hi: float(np.mean(inc[a >= lo])), "lower-bound-only", "only the lower bound"),
        (lambda a, inc, lo, hi: float(np.mean(inc[(a >= lo) & (a < hi)])), "upper-bound-excluded",
         "the upper bound is included"),
        (_no_error, "empty-no-error", "Raise ValueError"),
        (_zero_division, "empty-zero-division", "ZeroDivisionError"),
        (_wrong_error, "empty-wrong-error", "raised IndexError"),
        (_silent_error, "empty-no-message", "with no message"),
        (_uses_globals, "uses-global", "use the function's arguments"),
        (lambda a, inc, lo, hi: ref.crisp_average(a, inc, 40, 55), "hard-coded-bounds",
         "Use the arguments low and high"),
        (lambda a, inc, lo, hi: inc[(a >= lo) & (a <= hi)], "returned-array", "return one number"),
    ],
    "1.2": [
        (lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)), "unnormalised", "not divided by their sum"),
        (lambda q, k, s: _weights(q, k, s, lambda d2, s: -d2 / s**2), "missing-2",
         "was left out, so the weights are too sharp"),
        (lambda q, k, s: _weights(q, k, s, lambda d2, s: -d2 / (2 * s)), "sigma-not-squared", "square σ"),
        (lambda q, k, s: _weights(q, k, s, lambda d2, s: -d2 / 2 * s**2), "precedence", "in parentheses"),
        (lambda q, k, s: _weights(q, k, s, lambda d2, s: d2 / (2 * s**2)), "missing-minus", "needs a minus sign"),
        (lambda q, k, s: ref.softmax(-np.abs(q - k) / (2 * s**2)), "abs-difference", "squared difference"),
        (lambda q, k, s: -_d2(q, k) / (2 * s**2), "scores-not-weights", "these are the scores"),
        (lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)) / np.exp(-_d2(q, k) / (2 * s**2)).max(), "divided-by-max",
         "divided by the largest one"),
        (_naive_gauss, "unstable", "underflows"),
        (_shifted(np.min), "subtract-min", "you subtracted the smallest score"),
        (_shifted(np.mean), "subtract-mean", "you subtracted the mean score"),
        (lambda q, k, s: np.round(ref.gaussian_weights(q, k, s), 8), "rounded", "rounded to 8 decimal places"),
        (lambda q, k, s: np.round(ref.gaussian_weights(q, k, s), 3), "rounded", "rounded to 3 decimal places"),
        (lambda q, k, s: ref.gaussian_weights(q, k, s) * 1.0003, "sum-not-1", "sums to 1.0003"),
        (lambda q, k, s: np.roll(ref.gaussian_weights(q, k, s), 1), "other", "The largest difference is"),
        (lambda q, k, s: ref.gaussian_weights(q, k, s)[:-1], "wrong-shape", "should have shape"),
        (lambda q, k, s: ref.gaussian_weights(47.5, np.array([45.0, 28, 50, 57, 39, 43, 60, 47]), s), "uses-global",
         "use the argument `keys`"),
    ],
    "1.3": [
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s) @ k, "averaged-keys", "average the incomes (values)"),
        (lambda q, k, v, s: ref.gaussian_weights(q, k, s), "returned-weights", "return one number"),
        (lambda q, k, v, s: np.exp(-(q - k) ** 2 / (2 * s**2)) @ v, "unnormalised", "not normalised"),
        (_shifted_unnormalised, "unnormalised", "your weights sum to"),
        (lambda q, k, v, s: float(np.mean(v)), "plain-mean", "plain mean"),
        (lambda q, k, v, s: float(np.mean(ref.gaussian_weights(q, k, s) * v)), "mean-not-sum", "take the sum"),
        (lambda q, k, v, s: _weights(q, k, s, lambda d2, s: -d2 / (2 * s)) @ v, "sigma-not-squared",
         "from wrong weights"),
        (lambda q, k, v, s: _weights(q, k, s, lambda d2, s: -d2 / s**2) @ v, "missing-2",
         "was left out, so the weights are too sharp"),
        (lambda q, k, v, s: _weights(q, k, s, lambda d2, s: d2 / (2 * s**2)) @ v, "missing-minus", "minus sign"),
        (lambda q, k, v, s: _naive_gauss(q, k, s) @ v, "unstable", "underflows to 0, and 0/0 is nan"),
        (lambda q, k, v, s: _shifted(np.min)(q, k, s) @ v, "subtract-min", "you subtracted the smallest score"),
        (lambda q, k, v, s: _shifted(np.mean)(q, k, s) @ v, "subtract-mean", "you subtracted the mean score"),
        (_hard_attention, "hard-attention", "that is hard attention"),
        (lambda q, k, v, s: float(ref.gaussian_weights(q, k, 5.0) @ v), "sigma-ignored", "σ has no effect"),
        (lambda q, k, v, s: float(ref.gaussian_weights(q, k, 1.0) @ v), "sigma-ignored", "σ has no effect"),
        (_global_incomes, "uses-global", "still has 8 entries"),
        (_global_ages, "uses-global", "still has 8 entries"),
        (lambda q, k, v, s: ref.attention_pool(q, np.array([45.0, 28, 50, 57, 39, 43, 60, 47]),
                                               np.array([30.0, 40, 45, 35, 20, 33, 42, 50]), s), "uses-global",
         "not names defined outside"),
    ],
}
