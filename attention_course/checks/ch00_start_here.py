"""Checks for chapter 00 (Start here): a warm-up exercise that shows how checks work."""
import numpy as np

from ..data import load_incomes
from .core import Mistake, as_number, call, close, diagnose, fmt, register


@register("0.1", "mean_income")
def check_mean_income(mean_income):
    _, _, incomes = load_incomes()
    desc = "mean_income(incomes)"
    got = as_number(call(mean_income, incomes, desc=desc), desc)
    diagnose(got, (incomes,), [
        (np.sum, f"{desc} gave {fmt(got)}, the sum: divide it by how many numbers there are."),
        (np.median, f"{desc} gave {fmt(got)}, the median (the middle value), not the mean."),
        (lambda x: np.sum(x) / (len(x) - 1), f"{desc} gave {fmt(got)}: divide by len(incomes), not len(incomes) - 1."),
        (lambda x: float(np.mean(x) // 1), f"{desc} gave {fmt(got)}: keep the decimals (no integer division, no rounding)."),
    ])
    if not close(got, incomes.mean()):
        raise Mistake(f"{desc} gave {fmt(got)}; the mean of the eight incomes is {fmt(incomes.mean())}.")
    other = np.array([1.0, 2.0, 6.0])
    got_other = as_number(call(mean_income, other, desc="mean_income([1, 2, 6])"), "mean_income([1, 2, 6])")
    if not close(got_other, 3.0):
        raise Mistake(f"mean_income([1, 2, 6]) gave {fmt(got_other)}, not 3: "
                      "use the argument `incomes`, not the table defined outside the function.")
    return f"mean_income(incomes) = {fmt(got, 5)} (10k yuan), and it works on other lists too."
