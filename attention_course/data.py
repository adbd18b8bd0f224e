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


def load_word_vectors():
    """The hand-made word vectors of chapter 05: (words, glosses, dimension names, matrix (n_words, d))."""
    with open(asset("data", "word_vectors.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    dims = [k for k in rows[0] if k not in ("word", "gloss")]
    words = [r["word"] for r in rows]
    glosses = [r["gloss"] for r in rows]
    return words, glosses, dims, np.array([[float(r[d]) for d in dims] for r in rows])


# The two 苹果 sentences of chapter 05, segmented into words
S1 = "一 回到 家 我 就 吃 了 一个 非常 美味 的 苹果".split()
S2 = "一 回到 家 我 就 用 苹果 跟 朋友 联系".split()


def embed(tokens):
    """The matrix X (n, d) of the tokens' hand-made vectors, one token per row."""
    words, _, _, vectors = load_word_vectors()
    index = {w: i for i, w in enumerate(words)}
    missing = [t for t in tokens if t not in index]
    if missing:
        raise KeyError(f"not in the word table: {', '.join(missing)}")
    return vectors[[index[t] for t in tokens]]


def hand_projections():
    """Chapter 05's hand-chosen W_q, W_k, W_v (d, d), row convention (Q = X @ W_q).

    Queries ask "is there food or technology around?" (a word about food or technology
    asks about both), keys expose only a word's food and technology content, and the
    values keep every meaning dimension (W_v = identity). Chapter 08 learns such
    matrices from data instead."""
    _, _, dims, _ = load_word_vectors()
    d = len(dims)
    food, tech = dims.index("food"), dims.index("technology")
    W_q = np.zeros((d, d))
    W_q[[food, tech], food] = 2.0
    W_q[[food, tech], tech] = 2.0
    W_k = np.zeros((d, d))
    W_k[food, food] = 2.0
    W_k[tech, tech] = 2.0
    return W_q, W_k, np.eye(d)


def two_head_projections():
    """Chapter 06's hand-made multi-head weights W_q, W_k, W_v, W_o, each (6, 6), for 2 heads of d_k = 3.

    Row convention; head i uses columns i*3:(i+1)*3 (as ``multi_head_attention`` splits them).
    Head 1, "what kind of thing is around?": chapter 05's food/technology question (query
    columns 0-1, key columns 0-1). Head 2, "who is here?": every word asks for a person (its
    query column 3 is twice the sum of its features) and only the person dimension answers
    (key column 3). W_v = W_o = identity, so head 1 brings back food, technology and action,
    head 2 person, place and function, and the output's dimensions keep their names."""
    _, _, dims, _ = load_word_vectors()
    d = len(dims)
    food, tech, person = dims.index("food"), dims.index("technology"), dims.index("person")
    W_q, W_k = np.zeros((d, d)), np.zeros((d, d))
    W_q[[food, tech], 0] = 2.0  # head 1 (columns 0-2)
    W_q[[food, tech], 1] = 2.0
    W_k[food, 0] = 2.0
    W_k[tech, 1] = 2.0
    W_q[:, 3] = 2.0  # head 2 (columns 3-5): everyone asks "who?"
    W_k[person, 3] = 2.0
    return W_q, W_k, np.eye(d), np.eye(d)
