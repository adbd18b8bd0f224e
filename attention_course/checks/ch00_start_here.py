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


@register("0.1", "mean_income")
def check_mean_income(mean_income):
    _, _, incomes = load_incomes()
    for values, desc in ((incomes, "mean_income(incomes)"), (OTHER, "mean_income([1, 2, 6, 8, 0.5])")):
        got = as_number(call(mean_income, values, desc=desc), desc)
        if close(got, values.mean()):
            continue
        diagnose(got, (values,), _mistakes(desc, got, len(values)))
        if values is OTHER and close(got, incomes.mean()):
            raise Mistake("uses-global", tr("{desc} gave {got}, the mean of the course's table: use the argument "
                                            "`incomes`, not the table defined outside the function.", desc=desc,
                                            got=fmt(got)))
        raise Mistake(tr("{desc} gave {got}; the mean is the sum of the numbers divided by how many there are.",
                         desc=desc, got=fmt(got)))
    return tr("mean_income(incomes) = {mean} (10k yuan), and it works on other lists too.", mean=fmt(incomes.mean(), 5))
