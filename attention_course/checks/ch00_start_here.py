"""Checks for chapter 00 (Start here): a warm-up exercise that shows how checks work.

The check runs the answer on the course's eight incomes and on a list of another length (five
numbers), so a function that divides by 8, or reads the course's table instead of its argument,
cannot pass.
"""
import numpy as np

from ..data import load_incomes
from ..i18n import tr
from .core import Mistake, as_number, call, close, diagnose, fmt, register

OTHER = np.array([1.0, 2.0, 6.0, 8.0, 0.5])  # five numbers: mean 3.5, median 2, sum 17.5


def _mistakes(desc, got, n):
    return [
        ("sum", lambda x: float(np.sum(x)),
         tr("{desc} gave {got}, the sum: divide it by how many numbers there are.", desc=desc, got=fmt(got))),
        ("median", lambda x: float(np.median(x)),
         tr("{desc} gave {got}, the median (the middle value), not the mean.", desc=desc, got=fmt(got))),
        ("n-minus-1", lambda x: float(np.sum(x) / (len(x) - 1)),
         tr("{desc} gave {got}: you divided by {n_minus_1}; divide by how many numbers there are, len(incomes) = "
            "{n}.", desc=desc, got=fmt(got), n_minus_1=n - 1, n=n)),
        ("integer-division", lambda x: float(np.sum(x) // len(x)),
         tr("{desc} gave {got}: keep the decimals (use /, not the integer division //).", desc=desc, got=fmt(got))),
        ("rounded", lambda x: float(round(np.sum(x) / len(x))),
         tr("{desc} gave {got}: the mean was rounded to a whole number; return it with its decimals.", desc=desc,
            got=fmt(got))),
        ("divided-by-8", lambda x: float(np.sum(x) / 8),
         tr("{desc} gave {got}: you divided by 8, the size of the course's table; divide by len(incomes), so the "
            "function works for a list of any length.", desc=desc, got=fmt(got))),
    ]


def _rounded_to(got, mean):
    """The number of decimals (1 to 6) that ``mean`` was rounded to, to give ``got``; None if it was not."""
    for decimals in range(1, 7):
        rounded = round(mean, decimals)
        if rounded != mean and abs(got - rounded) < 1e-12:
            return decimals
    return None


@register("0.1", "mean_income")
def check_mean_income(mean_income):
    _, _, incomes = load_incomes()
    for values, desc in ((incomes, "mean_income(incomes)"), (OTHER, "mean_income([1, 2, 6, 8, 0.5])")):
        got = as_number(call(mean_income, values, desc=desc), desc)
        if close(got, values.mean()):
            continue
        diagnose(got, (values,), _mistakes(desc, got, len(values)))
        decimals = _rounded_to(got, values.mean())
        if decimals is not None:
            places = tr("one decimal place") if decimals == 1 else tr("{n} decimal places", n=decimals)
            raise Mistake("rounded-decimals", tr("{desc} gave {got}: that is the mean rounded to {places} (the mean "
                                                 "has more). Return the mean itself; round only when you print it.",
                                                 desc=desc, got=fmt(got, 10), places=places))
        if values is OTHER and close(got, incomes.mean()):
            raise Mistake("uses-global", tr("{desc} gave {got}, the mean of the course's table: use the argument "
                                            "`incomes`, not the table defined outside the function.", desc=desc,
                                            got=fmt(got)))
        raise Mistake(tr("{desc} gave {got}; the mean is the sum of the numbers divided by how many there are.",
                         desc=desc, got=fmt(got)))
    return tr("mean_income(incomes) = {mean} (10k yuan), and it works on other lists too.", mean=fmt(incomes.mean(), 5))
