"""Checks for chapter 01: a weighted average (中年人的平均收入)."""
import numpy as np

from .. import reference as ref
from ..data import load_incomes
from .core import Mistake, as_array, as_number, call, close, diagnose, fmt, register

# A second, made-up table: a function that reads the course's global arrays
# instead of its arguments gives itself away on it.
OTHER_AGES = np.array([20.0, 30.0, 40.0, 50.0, 60.0])
OTHER_INCOMES = np.array([10.0, 20.0, 30.0, 40.0, 100.0])


def _mean_or_nan(x):
    return float(np.mean(x)) if len(x) else float("nan")


@register("1.1", "crisp_average")
def check_crisp_average(crisp_average):
    names, ages, incomes = load_incomes()

    def wrong(select, use="incomes", how=_mean_or_nan):
        def f(a, inc, low, high):
            inside = select(a, low, high)
            return how((inc if use == "incomes" else a)[inside])
        return f

    inclusive = lambda a, lo, hi: (a >= lo) & (a <= hi)  # noqa: E731
    cases = [(40, 55), (45, 50), (60, 60), (20, 30)]
    for low, high in cases:
        desc = f"crisp_average(ages, incomes, {low}, {high})"
        got = as_number(call(crisp_average, ages, incomes, low, high, desc=desc), desc)
        expected = ref.crisp_average(ages, incomes, low, high)
        if close(got, expected):
            continue
        who = ", ".join(n for n, a in zip(names, ages) if low <= a <= high)
        diagnose(got, (ages, incomes, low, high), [
            (wrong(lambda a, lo, hi: (a > lo) & (a < hi)),
             f"{desc} gave {fmt(got)}: people exactly at age {low} or {high} were left out. "
             "The bounds are included: use >= and <=, not > and <."),
            (wrong(lambda a, lo, hi: (a >= lo) & (a < hi)),
             f"{desc} gave {fmt(got)}: someone aged exactly {high} was left out; the upper bound is included (<=)."),
            (wrong(lambda a, lo, hi: (a > lo) & (a <= hi)),
             f"{desc} gave {fmt(got)}: someone aged exactly {low} was left out; the lower bound is included (>=)."),
            (wrong(inclusive, use="ages"),
             f"{desc} gave {fmt(got)}, the average *age* of the people in range; average their incomes."),
            (wrong(inclusive, how=np.sum),
             f"{desc} gave {fmt(got)}, the sum of their incomes; divide by how many people are in range."),
            (lambda a, inc, lo, hi: float(np.mean(inc)),
             f"{desc} gave {fmt(got)}, the average of everybody: keep only the people with low <= age <= high."),
            (wrong(lambda a, lo, hi: a >= lo),
             f"{desc} gave {fmt(got)}: only the lower bound was applied; also require age <= {high}."),
            (wrong(lambda a, lo, hi: a <= hi),
             f"{desc} gave {fmt(got)}: only the upper bound was applied; also require age >= {low}."),
        ])
        raise Mistake(f"{desc} gave {fmt(got)}; the average income of {who} is {fmt(expected)}.")

    desc = "crisp_average(other_ages, other_incomes, 35, 55)"
    got = as_number(call(crisp_average, OTHER_AGES, OTHER_INCOMES, 35, 55, desc=desc), desc)
    if not close(got, 35.0):
        raise Mistake(f"on another table, {desc} gave {fmt(got)} instead of 35: "
                      "use the function's arguments, not the course's table from outside the function.")

    desc = "crisp_average(ages, incomes, 58, 59)"
    try:
        value = crisp_average(ages.copy(), incomes.copy(), 58, 59)
    except NotImplementedError:
        raise
    except ValueError as e:
        if not str(e).strip():
            raise Mistake(f"{desc} raised ValueError with no message; say why, e.g. "
                          "ValueError('nobody is between 58 and 59').") from None
    except ZeroDivisionError:
        raise Mistake(f"{desc} raised ZeroDivisionError; nobody is 58 or 59, so check for an empty "
                      "selection first and raise ValueError with a message that says so.") from None
    except Exception as e:
        raise Mistake(f"{desc} raised {type(e).__name__}: {e}. Nobody is 58 or 59: raise ValueError "
                      "with a message that says so.") from None
    else:
        raise Mistake(f"{desc} returned {fmt(value)}, but nobody is 58 or 59: the average of nobody is "
                      "undefined. Raise ValueError with a message that says so.")
    return ("crisp_average(ages, incomes, 40, 55) = 39.5; bounds are included, "
            "and an empty range raises ValueError.")


def _gaussian_mistakes(desc, got):
    d2 = lambda q, k: (q - np.asarray(k, dtype=float)) ** 2  # noqa: E731
    return [
        (lambda q, k, s: np.exp(-d2(q, k) / (2 * s**2)),
         f"{desc} sums to {fmt(np.sum(got))}, not 1: divide the exponentials by their sum (that is the softmax)."),
        (lambda q, k, s: ref.softmax(-d2(q, k) / s**2),
         f"{desc} is too sharp: the exponent is -(q-k)²/(2σ²); you left out the 2."),
        (lambda q, k, s: ref.softmax(-d2(q, k) / (2 * s)),
         f"{desc} divides by 2σ instead of 2σ²: square σ."),
        (lambda q, k, s: ref.softmax(d2(q, k) / (2 * s**2)),
         f"{desc} gives the most weight to the person *farthest* from the query: the exponent needs a minus sign."),
        (lambda q, k, s: ref.softmax(-np.abs(q - np.asarray(k, dtype=float)) / (2 * s**2)),
         f"{desc} uses |q - k|; the Gaussian uses the squared difference (q - k)²."),
        (lambda q, k, s: np.exp(-d2(q, k) / (2 * s**2)) / np.max(np.exp(-d2(q, k) / (2 * s**2))),
         f"{desc} divides by the largest exponential; divide by their sum so the weights add up to 1."),
    ]


@register("1.2", "gaussian_weights")
def check_gaussian_weights(gaussian_weights):
    names, ages, _ = load_incomes()
    for query, keys, sigma in [(47.5, ages, 5.0), (47.5, ages, 2.0), (30.0, OTHER_AGES, 10.0)]:
        keys_desc = "ages" if keys is ages else "other_ages"
        desc = f"gaussian_weights({query}, {keys_desc}, {sigma})"
        got = as_array(call(gaussian_weights, query, keys, sigma, desc=desc), desc, shape=keys.shape)
        expected = ref.gaussian_weights(query, keys, sigma)
        if close(got, expected):
            continue
        diagnose(got, (query, keys, sigma), _gaussian_mistakes(desc, got))
        if np.any(~np.isfinite(got)):
            raise Mistake(f"{desc} contains nan or inf: {fmt(got)}.")
        if not close(np.sum(got), 1.0):
            raise Mistake(f"{desc} sums to {fmt(np.sum(got))}; the weights must sum to 1.")
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected)}.")

    desc = "gaussian_weights(47.5, ages, 0.01)"
    got = as_array(call(gaussian_weights, 47.5, ages, 0.01, desc=desc), desc, shape=ages.shape)
    if np.any(~np.isfinite(got)):
        raise Mistake(f"{desc} gave {fmt(got)}: with a tiny σ every exp(-(q-k)²/(2σ²)) underflows to 0 "
                      "and 0/0 is nan. Subtract the largest exponent before exp (the stable softmax).")
    if not close(got, ref.gaussian_weights(47.5, ages, 0.01)):
        raise Mistake(f"{desc} gave {fmt(got)}; with a tiny σ all the weight should go to the nearest person "
                      f"({names[int(np.argmin(np.abs(ages - 47.5)))]}, 47).")
    return "the weights sum to 1, peak at the nearest age, and stay finite for a tiny σ."


@register("1.3", "attention_pool")
def check_attention_pool(attention_pool):
    names, ages, incomes = load_incomes()
    for sigma in (2.0, 5.0, 10.0, 100.0, 0.01, 1e4):
        desc = f"attention_pool(47.5, ages, incomes, {sigma:g})"
        result = call(attention_pool, 47.5, ages, incomes, sigma, desc=desc)
        if np.ndim(result) == 1 and np.shape(result) == ages.shape:
            raise Mistake(f"{desc} returned {len(ages)} numbers (the weights?); return one number: "
                          "the weighted sum of the incomes.")
        got = as_number(result, desc)
        expected = ref.attention_pool(47.5, ages, incomes, sigma)
        if close(got, expected):
            continue
        w = lambda q, k, s: ref.gaussian_weights(q, k, s)  # noqa: E731
        raw = lambda q, k, s: np.exp(-(q - k) ** 2 / (2 * s**2))  # noqa: E731
        diagnose(got, (47.5, ages, incomes, sigma), [
            (lambda q, k, v, s: w(q, k, s) @ k,
             f"{desc} gave {fmt(got)}, a weighted average of the *ages* (keys); average the incomes (values)."),
            (lambda q, k, v, s: raw(q, k, s) @ v,
             f"{desc} gave {fmt(got)}: the weights were not normalised; divide by their sum first."),
            (lambda q, k, v, s: float(np.mean(v)),
             f"{desc} gave {fmt(got)}, the plain mean of the incomes: weight each income by its Gaussian weight."),
            (lambda q, k, v, s: float(np.mean(w(q, k, s) * v)),
             f"{desc} gave {fmt(got)}: you took the mean of weight × income; take the sum (the weights already sum to 1)."),
        ])
        if not np.isfinite(got):
            raise Mistake(f"{desc} gave {fmt(got)}: for a tiny σ use stable weights (subtract the largest exponent).")
        raise Mistake(f"{desc} gave {fmt(got)}; expected {fmt(expected, 6)}.")

    desc = "attention_pool(45, other_ages, other_incomes, 5)"
    got = as_number(call(attention_pool, 45.0, OTHER_AGES, OTHER_INCOMES, 5.0, desc=desc), desc)
    if not close(got, ref.attention_pool(45.0, OTHER_AGES, OTHER_INCOMES, 5.0)):
        raise Mistake(f"on another table, {desc} gave {fmt(got)}: use the arguments query, keys, values and sigma, "
                      "not names defined outside the function.")
    return ("43.484, 38.817, 36.992, 36.872 for σ = 2, 5, 10, 100; the nearest person's income (50) "
            "for a tiny σ and the plain mean (36.875) for a huge one.")
