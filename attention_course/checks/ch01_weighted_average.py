"""Checks for chapter 01: a weighted average (中年人的平均收入).

Each check runs the answer on the course's table (eight people) and on a made-up table of another
size (five people), so a function that reads the course's global arrays instead of its arguments,
or that returns one number per person, gives itself away. An answer that is not finite for a tiny σ is
named (no shift, the minimum or the mean subtracted) by what it gives for σ = 0.01, 0.1 and 0.4; an
attention_pool that gives the same for σ = 0.5, 5 and 100 ignores σ, or copies the nearest income.
"""
import numpy as np

from .. import reference as ref
from ..data import load_incomes
from ..i18n import tr
from .core import Mistake, as_array, as_number, call, close, diagnose, expect_raises, fmt, register

# A second, made-up table of another size: a function that reads the course's global arrays
# instead of its arguments gives itself away on it.
OTHER_AGES = np.array([20.0, 30.0, 40.0, 50.0, 60.0])
OTHER_INCOMES = np.array([10.0, 20.0, 30.0, 40.0, 100.0])


def _mean_or_nan(x):
    return float(np.mean(x)) if len(x) else float("nan")


def _shape_of(value):
    """np.shape(value), or None for a value NumPy cannot give a shape (a ragged list)."""
    try:
        return np.shape(np.asarray(value, dtype=float))
    except Exception:
        return None


# --- 1.1 --------------------------------------------------------------------------------------

def _crisp_mistakes(desc, got, low, high):
    def wrong(select, use="incomes", how=_mean_or_nan):
        def f(a, inc, lo, hi):
            inside = select(a, lo, hi)
            return how((inc if use == "incomes" else a)[inside])
        return f

    inclusive = lambda a, lo, hi: (a >= lo) & (a <= hi)  # noqa: E731
    return [
        ("exclusive-bounds", wrong(lambda a, lo, hi: (a > lo) & (a < hi)),
         tr("{desc} gave {got}: people exactly at age {low} or {high} were left out. The bounds are included: "
            "use >= and <=, not > and <.", desc=desc, got=fmt(got), low=low, high=high)),
        ("upper-bound-excluded", wrong(lambda a, lo, hi: (a >= lo) & (a < hi)),
         tr("{desc} gave {got}: someone aged exactly {high} was left out; the upper bound is included (<=).",
            desc=desc, got=fmt(got), high=high)),
        ("lower-bound-excluded", wrong(lambda a, lo, hi: (a > lo) & (a <= hi)),
         tr("{desc} gave {got}: someone aged exactly {low} was left out; the lower bound is included (>=).",
            desc=desc, got=fmt(got), low=low)),
        ("averaged-ages", wrong(inclusive, use="ages"),
         tr("{desc} gave {got}, the average *age* of the people in range; average their incomes.", desc=desc,
            got=fmt(got))),
        ("sum", wrong(inclusive, how=np.sum),
         tr("{desc} gave {got}, the sum of their incomes; divide by how many people are in range.", desc=desc,
            got=fmt(got))),
        ("mean-of-all", lambda a, inc, lo, hi: float(np.mean(inc)),
         tr("{desc} gave {got}, the average of everybody: keep only the people with low <= age <= high.",
            desc=desc, got=fmt(got))),
        ("lower-bound-only", wrong(lambda a, lo, hi: a >= lo),
         tr("{desc} gave {got}: only the lower bound was applied; also require age <= {high}.", desc=desc,
            got=fmt(got), high=high)),
        ("upper-bound-only", wrong(lambda a, lo, hi: a <= hi),
         tr("{desc} gave {got}: only the upper bound was applied; also require age >= {low}.", desc=desc,
            got=fmt(got), low=low)),
    ]


@register("1.1", "crisp_average")
def check_crisp_average(crisp_average):
    names, ages, incomes = load_incomes()
    for low, high in [(40, 55), (45, 50), (60, 60), (20, 30)]:
        desc = tr("crisp_average(ages, incomes, {low}, {high})", low=low, high=high)
        result = call(crisp_average, ages, incomes, low, high, desc=desc)
        inside = (ages >= low) & (ages <= high)
        shape = _shape_of(result) if isinstance(result, (list, tuple, np.ndarray)) else None
        if shape is not None and len(shape) == 1 and shape[0] in (inside.sum(), len(ages)) and shape[0] > 1:
            raise Mistake("returned-array", tr("{desc} returned {count} numbers; return one number: the mean of "
                                               "the selected incomes.", desc=desc, count=shape[0]))
        got = as_number(result, desc)
        expected = ref.crisp_average(ages, incomes, low, high)
        if close(got, expected):
            continue
        if (low, high) != (40, 55) and close(got, ref.crisp_average(ages, incomes, 40, 55)):
            raise Mistake("hard-coded-bounds", tr("{desc} gave {got}, the answer for 40–55: the bounds 40 and 55 are "
                                                  "written into the function. Use the arguments low and high.",
                                                  desc=desc, got=fmt(got)))
        diagnose(got, (ages, incomes, low, high), _crisp_mistakes(desc, got, low, high))
        who = ", ".join(n for n, keep in zip(names, inside) if keep)
        raise Mistake(tr("{desc} gave {got}; the average income of {who} is {expected}.", desc=desc, got=fmt(got),
                         who=who, expected=fmt(expected)))

    desc = "crisp_average(other_ages, other_incomes, 35, 55)"
    got = as_number(call(crisp_average, OTHER_AGES, OTHER_INCOMES, 35, 55, desc=desc), desc)
    if not close(got, ref.crisp_average(OTHER_AGES, OTHER_INCOMES, 35, 55)):
        raise Mistake("uses-global", tr("on another table, {desc} gave {got} instead of 35: use the function's "
                                        "arguments, not the course's table from outside the function.", desc=desc,
                                        got=fmt(got)))

    desc = "crisp_average(ages, incomes, 58, 59)"
    outcome = expect_raises(crisp_average, ages, incomes, 58, 59, exception=ValueError)
    if outcome.kind == "raised" and not str(outcome.value).strip():
        raise Mistake("empty-no-message", tr("{desc} raised ValueError with no message; say why, e.g. "
                                             "ValueError('nobody is between 58 and 59').", desc=desc))
    if outcome.kind == "other" and isinstance(outcome.value, ZeroDivisionError):
        raise Mistake("empty-zero-division", tr("{desc} raised ZeroDivisionError; nobody is 58 or 59, so check "
                                                "for an empty selection first and raise ValueError with a message "
                                                "that says so.", desc=desc))
    if outcome.kind == "other":
        raise Mistake("empty-wrong-error", tr("{desc} raised {error}: {text}. Nobody is 58 or 59: raise ValueError "
                                              "with a message that says so.", desc=desc,
                                              error=type(outcome.value).__name__, text=str(outcome.value)[:120]))
    if outcome.kind == "returned":
        raise Mistake("empty-no-error", tr("{desc} returned {value}, but nobody is 58 or 59: the average of nobody "
                                           "is undefined. Raise ValueError with a message that says so.", desc=desc,
                                           value=fmt(outcome.value)))
    return tr("crisp_average(ages, incomes, 40, 55) = {value}; bounds are included, and an empty range raises "
              "ValueError.", value=fmt(ref.crisp_average(ages, incomes, 40, 55)))


# --- 1.2 --------------------------------------------------------------------------------------

def _d2(q, k):
    return (q - np.asarray(k, dtype=float)) ** 2


def _gaussian_mistakes():
    """(id, wrong weights function, what is wrong) for the typical wrong ways to compute the Gaussian weights."""
    return [
        ("unnormalised", lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)),
         tr("the exponentials were not divided by their sum, so the weights do not add up to 1 (that division is "
            "what makes it a softmax)")),
        ("divided-by-max", lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)) / np.max(np.exp(-_d2(q, k) / (2 * s**2))),
         tr("the exponentials were divided by the largest one; divide by their sum so the weights add up to 1")),
        ("scores-not-weights", lambda q, k, s: -_d2(q, k) / (2 * s**2),
         tr("these are the scores -(q - k)²/(2σ²) themselves; exponentiate them and divide by their sum (softmax) "
            "to get weights")),
        ("missing-2", lambda q, k, s: ref.softmax(-_d2(q, k) / s**2),
         tr("the 2 of the exponent -(q - k)²/(2σ²) was left out, so the weights are too sharp")),
        ("sigma-not-squared", lambda q, k, s: ref.softmax(-_d2(q, k) / (2 * s)),
         tr("the exponent divides by 2σ instead of 2σ²: square σ")),
        ("precedence", lambda q, k, s: ref.softmax(-_d2(q, k) / 2 * s**2),
         tr("the exponent was multiplied by σ² instead of divided by it: `/ 2 * sigma**2` means (… / 2) · σ². "
            "Put the whole denominator in parentheses")),
        ("missing-minus", lambda q, k, s: ref.softmax(_d2(q, k) / (2 * s**2)),
         tr("the most weight goes to the person *farthest* from the query: the exponent needs a minus sign")),
        ("abs-difference", lambda q, k, s: ref.softmax(-np.sqrt(_d2(q, k)) / (2 * s**2)),
         tr("it uses |q - k|; the Gaussian uses the squared difference (q - k)²")),
    ]


def _shifted_weights(shift):
    """Gaussian weights with ``shift(scores)`` subtracted before exp: right for an ordinary σ, not for a tiny one."""
    def weights(q, k, s):
        scores = -_d2(q, k) / (2 * s**2)
        e = np.exp(scores - shift(scores))
        return e / e.sum()
    return weights


def _unstable_mistakes():
    """(id, wrong weights function, what went wrong) for weights that are right for an ordinary σ and nan for a
    tiny one."""
    largest = tr("Subtract the LARGEST score before exp: every exponent is then ≤ 0, and the largest exponential is "
                 "exactly 1")
    return [
        ("unstable", lambda q, k, s: np.exp(-_d2(q, k) / (2 * s**2)) / np.exp(-_d2(q, k) / (2 * s**2)).sum(),
         tr("with a tiny σ every exp(-(q - k)²/(2σ²)) underflows to 0, and 0/0 is nan. {largest}", largest=largest)),
        ("subtract-min", _shifted_weights(np.min),
         tr("you subtracted the smallest score before exp. The scores are ≤ 0, so x − min(x) is ≥ 0, and with a tiny "
            "σ the exponentials of the people near the query OVERFLOW to inf (inf/inf is nan). {largest}",
            largest=largest)),
        ("subtract-mean", _shifted_weights(np.mean),
         tr("you subtracted the mean score before exp; with a tiny σ the people near the query score far above the "
            "mean, and their exponentials OVERFLOW to inf (inf/inf is nan). {largest}", largest=largest)),
    ]


_UNSTABLE_SIGMAS = (0.01, 0.1, 0.4)  # naive weights fail below σ ≈ 0.013, the mean below 0.25, the minimum below 0.52


def _name_unstable(answer, wrong_answer, what_happened):
    """Name an answer that is not finite for a tiny σ by what it gives for σ = 0.01, 0.1 and 0.4 (where the
    wrong shifts fail or not), or return: ``answer(σ)`` calls the student's function, ``wrong_answer(wrong, σ)``
    what a wrong weights function gives in its place."""
    got = []
    for s in _UNSTABLE_SIGMAS:
        try:
            got.append(np.asarray(answer(s), dtype=float))
        except Exception:
            return
    for mistake_id, wrong, what in _unstable_mistakes():
        with np.errstate(all="ignore"):
            expected = [wrong_answer(wrong, s) for s in _UNSTABLE_SIGMAS]
        if all(g.shape == np.shape(e) and close(g, e) for g, e in zip(got, expected)):
            raise Mistake(mistake_id, tr("{what_happened}: {what}.", what_happened=what_happened, what=what))


def _rounded_decimals(got, expected):
    """The number of decimals (1 to 10) ``expected`` was rounded to, to give ``got``; None if it was not."""
    for decimals in range(1, 11):
        rounded = np.round(expected, decimals)
        if not np.array_equal(rounded, expected) and np.max(np.abs(got - rounded)) < 1e-12:
            return decimals
    return None


@register("1.2", "gaussian_weights")
def check_gaussian_weights(gaussian_weights):
    names, ages, _ = load_incomes()
    for query, keys, sigma, keys_desc in [(47.5, ages, 5.0, "ages"), (47.5, ages, 2.0, "ages"),
                                          (30.0, OTHER_AGES, 10.0, "other_ages")]:
        desc = tr("gaussian_weights({query}, {keys}, {sigma})", query=query, keys=keys_desc, sigma=sigma)
        got = as_array(call(gaussian_weights, query, keys, sigma, desc=desc), desc)
        if got.shape != keys.shape:
            if keys is OTHER_AGES and got.shape == ages.shape:
                raise Mistake("uses-global", tr("{desc} has {n} weights, one per person of the course's table: use "
                                                "the argument `keys`, not the table from outside the function.",
                                                desc=desc, n=len(ages)))
            raise Mistake("wrong-shape", tr("{desc} should have shape {expected}, one weight per key; yours has "
                                            "shape {shape}.", desc=desc, expected=keys.shape, shape=got.shape))
        expected = ref.gaussian_weights(query, keys, sigma)
        if close(got, expected):
            continue
        diagnose(got, (query, keys, sigma), [(mistake_id, wrong, tr("{desc}: {reason}.", desc=desc, reason=reason))
                                             for mistake_id, wrong, reason in _gaussian_mistakes()])
        if np.any(~np.isfinite(got)):
            raise Mistake("not-finite", tr("{desc} contains nan or inf: {got}.", desc=desc, got=fmt(got)))
        decimals = _rounded_decimals(got, expected)
        if decimals is not None:
            raise Mistake("rounded", tr("{desc}: the weights are rounded to {decimals} decimal places (they differ from "
                                        "the exact weights by up to {diff}). Return them unrounded; round only when "
                                        "you print them.", desc=desc, decimals=decimals,
                                        diff=fmt(np.max(np.abs(got - expected)), 2)))
        if not close(np.sum(got), 1.0):
            raise Mistake("sum-not-1", tr("{desc} sums to {total}; the weights must sum to 1.", desc=desc,
                                          total=fmt(np.sum(got), 10)))
        worst = int(np.argmax(np.abs(got - expected)))
        raise Mistake(tr("{desc} gave {got}; expected {expected}. The largest difference is {diff}, in weights[{i}] "
                         "({got_i} instead of {expected_i}).", desc=desc, got=fmt(got), expected=fmt(expected),
                         diff=fmt(abs(got[worst] - expected[worst]), 3), i=worst, got_i=fmt(got[worst], 10),
                         expected_i=fmt(expected[worst], 10)))

    desc = "gaussian_weights(47.5, ages, 0.01)"
    got = as_array(call(gaussian_weights, 47.5, ages, 0.01, desc=desc), desc, shape=ages.shape)
    if np.any(~np.isfinite(got)):
        _name_unstable(lambda s: call(gaussian_weights, 47.5, ages, s, desc=desc), lambda wrong, s: wrong(47.5, ages, s),
                       tr("{desc} gave {got}", desc=desc, got=fmt(got)))
        raise Mistake("unstable", tr("{desc} gave {got}: with a tiny σ the exponentials underflow to 0 or overflow to "
                                     "inf, and 0/0 or inf/inf is nan. Subtract the largest score before exp (the "
                                     "stable softmax).", desc=desc, got=fmt(got)))
    if not close(got, ref.gaussian_weights(47.5, ages, 0.01)):
        nearest = int(np.argmin(np.abs(ages - 47.5)))
        raise Mistake(tr("{desc} gave {got}; with a tiny σ all the weight should go to the nearest person ({name}, "
                         "{age}).", desc=desc, got=fmt(got), name=names[nearest], age=fmt(ages[nearest])))
    return tr("the weights sum to 1, peak at the nearest age, and stay finite for a tiny σ.")


# --- 1.3 --------------------------------------------------------------------------------------

@register("1.3", "attention_pool")
def check_attention_pool(attention_pool):
    names, ages, incomes = load_incomes()
    for sigma in (5.0, 2.0, 10.0, 100.0, 0.01, 1e4):  # σ = 5 first: with σ = 2, 2σ = σ² hides a mistake
        desc = tr("attention_pool(47.5, ages, incomes, {sigma})", sigma=f"{sigma:g}")
        result = call(attention_pool, 47.5, ages, incomes, sigma, desc=desc)
        if isinstance(result, (list, tuple, np.ndarray)) and _shape_of(result) == ages.shape:
            raise Mistake("returned-weights", tr("{desc} returned {n} numbers (the weights?); return one number: "
                                                 "the weighted sum of the incomes.", desc=desc, n=len(ages)))
        got = as_number(result, desc)
        expected = ref.attention_pool(47.5, ages, incomes, sigma)
        if close(got, expected):
            continue
        _sigma_mistakes(attention_pool, desc, got, ages, incomes)
        w = lambda q, k, s: ref.gaussian_weights(q, k, s)  # noqa: E731
        diagnose(got, (47.5, ages, incomes, sigma), [
            ("averaged-keys", lambda q, k, v, s: w(q, k, s) @ k,
             tr("{desc} gave {got}, a weighted average of the *ages* (keys); average the incomes (values).",
                desc=desc, got=fmt(got))),
            ("plain-mean", lambda q, k, v, s: float(np.mean(v)),
             tr("{desc} gave {got}, the plain mean of the incomes: weight each income by its Gaussian weight.",
                desc=desc, got=fmt(got))),
            ("mean-not-sum", lambda q, k, v, s: float(np.mean(w(q, k, s) * v)),
             tr("{desc} gave {got}: you took the mean of weight × income; take the sum (the weights already sum to "
                "1).", desc=desc, got=fmt(got))),
            *((mistake_id, lambda q, k, v, s, wrong=wrong: wrong(q, k, s) @ v,
               tr("{desc} gave {got}, from wrong weights: {reason} (see exercise 1.2).", desc=desc,
                  got=fmt(got), reason=reason))
              for mistake_id, wrong, reason in _gaussian_mistakes()
              if mistake_id in ("missing-2", "sigma-not-squared", "precedence", "missing-minus", "abs-difference")),
        ])
        # Unnormalised weights give c × (the right answer) for some c ≠ 1, whatever was subtracted before exp:
        # averaging equal values shows it, since a weighted average of 1s is 1.
        ones_desc = tr("attention_pool(47.5, ages, [1, 1, …, 1], {sigma})", sigma=f"{sigma:g}")
        ones = _number_or_none(attention_pool, 47.5, ages, np.ones_like(incomes), sigma)
        if ones is not None and np.isfinite(ones) and not close(ones, 1.0):
            raise Mistake("unnormalised", tr("{desc} gave {got}: the weights were not normalised. A weighted average "
                                             "of equal values is that value, but {ones_desc} gave {ones}: your "
                                             "weights sum to {ones}, not 1. Divide them by their sum first.",
                                             desc=desc, got=fmt(got), ones_desc=ones_desc, ones=fmt(ones)))
        if not np.isfinite(got):
            _name_unstable(lambda s: call(attention_pool, 47.5, ages, incomes, s, desc=desc),
                           lambda wrong, s: wrong(47.5, ages, s) @ incomes,
                           tr("{desc} gave {got}, from weights that are not finite (see exercise 1.2)", desc=desc,
                              got=fmt(got)))
            raise Mistake("unstable", tr("{desc} gave {got}: for a tiny σ the exponentials underflow to 0 or overflow "
                                         "to inf, and 0/0 or inf/inf is nan; use stable weights (subtract the largest "
                                         "score before exp).", desc=desc, got=fmt(got)))
        raise Mistake(tr("{desc} gave {got}; expected {expected}.", desc=desc, got=fmt(got), expected=fmt(expected, 6)))

    desc = "attention_pool(45, other_ages, other_incomes, 5)"
    try:
        result = call(attention_pool, 45.0, OTHER_AGES, OTHER_INCOMES, 5.0, desc=desc)
    except Mistake as raised:
        if raised.id != "raised":
            raise
        raise Mistake("uses-global", tr("{raised}. It ran on the course's table of 8 people but not on a table of "
                                        "{n}: something in the function still has 8 entries — the course's `ages`, "
                                        "`incomes` or `weights` from outside the function. Use the arguments query, "
                                        "keys, values and sigma.", raised=raised.message.rstrip().rstrip("."),
                                        n=len(OTHER_AGES))) from None
    got = as_number(result, desc)
    if not close(got, ref.attention_pool(45.0, OTHER_AGES, OTHER_INCOMES, 5.0)):
        raise Mistake("uses-global", tr("on another table, {desc} gave {got}: use the arguments query, keys, values "
                                        "and sigma, not names defined outside the function.", desc=desc, got=fmt(got)))
    return tr("43.484, 38.817, 36.992, 36.872 for σ = 2, 5, 10, 100; the nearest person's income (50) for a tiny σ "
              "and the plain mean (36.875) for a huge one.")


def _sigma_mistakes(attention_pool, desc, got, ages, incomes):
    """If the answer is the same for every σ, say so: σ was ignored (a fixed σ, the notebook's own weights), or
    the answer copies the nearest person's income (hard attention)."""
    probes = [_number_or_none(attention_pool, 47.5, ages, incomes, s) for s in (0.5, 5.0, 100.0)]
    if any(p is None or not np.isfinite(p) for p in probes) or not all(close(p, probes[0]) for p in probes):
        return
    if close(probes[0], np.mean(incomes)):
        return  # the plain mean: named by diagnose
    nearest = int(np.argmin(np.abs(ages - 47.5)))
    if close(probes[0], incomes[nearest]):
        raise Mistake("hard-attention", tr("{desc} gave {got}, the income of the single most similar person, for "
                                           "every σ: that is hard attention (the limit σ → 0), values[argmax]. A soft "
                                           "query weights everyone: return the sum of weight × income over all "
                                           "people.", desc=desc, got=fmt(got)))
    raise Mistake("sigma-ignored", tr("{desc} gave {got}; σ = 0.5, 5 and 100 all give {value}: σ has no effect. Compute "
                                      "the weights from the argument sigma (not a fixed σ, nor weights computed "
                                      "outside the function).", desc=desc, got=fmt(got), value=fmt(probes[0], 6)))


def _number_or_none(fn, *args):
    """fn(*args) as a float, or None if it raises or returns something else (a probe, not the check itself)."""
    try:
        return as_number(call(fn, *args, desc=""), "")
    except NotImplementedError:
        raise
    except Exception:
        return None
