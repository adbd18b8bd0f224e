"""The course's data: paths into assets/ and loaders for its tables."""
import csv
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def asset(*parts):
    """Path of a file in the repository's assets/ folder (it must exist)."""
    path = ASSETS.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the course expects to run from its repository "
            "(installed with `pip install -e .`, which requirements.txt does)."
        )
    return path


def load_incomes():
    """The chapter 01 table: names, ages (years) and yearly incomes (10k yuan)."""
    with open(asset("data", "incomes.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [r["name"] for r in rows]
    ages = np.array([float(r["age"]) for r in rows])
    incomes = np.array([float(r["income"]) for r in rows])
    return names, ages, incomes
