"""The course's data: paths into assets/ and loaders for its tables."""
import csv
import itertools
from functools import lru_cache
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


@lru_cache(maxsize=1)
def _word_table():
    """The word-vector table, read once: (words, glosses, dims, matrix, {word: row})."""
    with open(asset("data", "word_vectors.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    dims = [k for k in rows[0] if k not in ("word", "gloss")]
    words = [r["word"] for r in rows]
    vectors = np.array([[float(r[d]) for d in dims] for r in rows])
    vectors.setflags(write=False)
    return words, [r["gloss"] for r in rows], dims, vectors, {w: i for i, w in enumerate(words)}


def load_word_vectors():
    """The hand-made word vectors of chapter 05: (words, glosses, dimension names, matrix (n_words, d))."""
    words, glosses, dims, vectors, _ = _word_table()
    return list(words), list(glosses), list(dims), vectors.copy()


# The two 苹果 sentences of chapter 05, segmented into words
S1 = "一 回到 家 我 就 吃 了 一个 非常 美味 的 苹果".split()
S2 = "一 回到 家 我 就 用 苹果 跟 朋友 联系".split()
# The two sentences as the explorers offer them: a label (the sentence as written) -> its words
SENTENCES = {"S1 一回到家我就吃了一个非常美味的苹果": S1, "S2 一回到家我就用苹果跟朋友联系": S2}


def embed(tokens):
    """The matrix X (n, d) of the tokens' hand-made vectors, one token per row."""
    _, _, _, vectors, index = _word_table()
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


# --- chapter 08: a small labelled set of 苹果 sentences ----------------------------------------

FRUIT, PHONE = 0, 1
LABELS = {FRUIT: "fruit", PHONE: "phone"}
_FILL = {"subj": ["我", "他", "朋友"], "when": ["今天", "就"], "deg": ["很", "非常"]}
# (template, label); {adj} is filled from the words given with each set
TRAIN_TEMPLATES = [
    ("{subj} {when} 吃 了 一个 {adj} 的 苹果", FRUIT),
    ("{subj} 洗 了 {adj} 的 苹果", FRUIT),
    ("苹果 {deg} {adj}", FRUIT),
    ("{subj} 买 了 一个 苹果 很 {adj}", FRUIT),
    ("{subj} {when} 用 苹果 联系 朋友", PHONE),
    ("{subj} {when} 用 苹果 打电话", PHONE),
    ("{subj} {when} 在 家 给 苹果 充电", PHONE),
    ("{subj} 买 了 一个 新 的 苹果 {when} 用 它", PHONE),
]
TRAIN_ADJ = ["美味", "甜"]
# held out: words never seen in training (削 peel, 红 red, 拍照 take photos, 下载 download), and seen
# words in new combinations
HELD_OUT_TEMPLATES = [
    ("{subj} 削 了 一个 {adj} 的 苹果", FRUIT),
    ("{subj} {when} 洗 了 一个 {adj} 的 苹果", FRUIT),
    ("{subj} 在 家 吃 苹果", FRUIT),
    ("{subj} 用 苹果 拍照", PHONE),
    ("{subj} {when} 用 苹果 下载", PHONE),
    ("{subj} {when} 给 苹果 充电", PHONE),
    ("{subj} 跟 朋友 用 苹果 联系", PHONE),
]
HELD_OUT_ADJ = ["红", "甜"]


def _expand(templates, adjectives):
    out = []
    for template, label in templates:
        slots = [s for s in ("subj", "when", "deg", "adj") if "{" + s + "}" in template]
        choices = [adjectives if s == "adj" else _FILL[s] for s in slots]
        for combo in itertools.product(*choices):
            out.append((template.format(**dict(zip(slots, combo))).split(), label))
    return out


def apple_sentences(seed=8):
    """Chapter 08's data: (train, held_out), each a list of (tokens, label), label 0 = fruit, 1 = phone.

    Generated from the templates above (every combination of the fillers), shuffled with a fixed seed.
    The held-out sentences use words never seen in training and seen words in new combinations."""
    rng = np.random.default_rng(seed)
    train, held_out = _expand(TRAIN_TEMPLATES, TRAIN_ADJ), _expand(HELD_OUT_TEMPLATES, HELD_OUT_ADJ)
    return [train[i] for i in rng.permutation(len(train))], [held_out[i] for i in rng.permutation(len(held_out))]


def make_batch(sentences):
    """Pad a list of (tokens, label) into arrays: X (B, L, d), mask (B, L) True for real tokens,
    apple (B,) the index of 苹果 in each sentence, y (B,) the labels."""
    L = max(len(tokens) for tokens, _ in sentences)
    d = len(_word_table()[2])
    X, mask = np.zeros((len(sentences), L, d)), np.zeros((len(sentences), L), dtype=bool)
    for b, (tokens, _) in enumerate(sentences):
        X[b, :len(tokens)] = embed(tokens)
        mask[b, :len(tokens)] = True
    apple = np.array([tokens.index("苹果") for tokens, _ in sentences])
    y = np.array([label for _, label in sentences], dtype=float)
    return {"X": X, "mask": mask, "apple": apple, "y": y}


# --- chapter 09: a translation, and an image ----------------------------------------------------

SOURCE = ["我", "是", "中国", "人"]  # 我是中国人: I am Chinese
TARGET = ["I", "am", "Chinese"]
STATE_DIMS = ["speaker", "be", "country", "person"]


def translation_states():
    """Hand-made encoder states S (4 source words × 4) and decoder states H (3 target words × 4).

    The dimensions have names (STATE_DIMS). Decoder state t is the state that is about to produce
    TARGET[t]: it asks for what that word needs (\"Chinese\" needs a country *and* a person)."""
    S = np.array([[1.0, 0.0, 0.0, 0.3],    # 我 I
                  [0.0, 1.0, 0.0, 0.0],    # 是 am
                  [0.0, 0.0, 1.0, 0.2],    # 中国 China
                  [0.2, 0.0, 0.3, 1.0]])   # 人 person
    H = np.array([[4.0, 0.0, 0.0, 0.0],    # about to say "I"
                  [0.5, 4.0, 0.0, 0.0],    # about to say "am"
                  [0.0, 0.0, 3.0, 3.0]])   # about to say "Chinese"
    return S, H


def load_image():
    """Chapter 09's still life (an apple, a leaf, a lemon, a phone): float RGB in [0, 1], shape (96, 128, 3)."""
    from PIL import Image

    with Image.open(asset("images", "still_life.png")) as im:
        return np.asarray(im.convert("RGB"), dtype=float) / 255.0


def image_patches(image, size=8):
    """Cut an image (H, W, 3) into size × size patches: (grid rows, grid cols, mean colour of each patch (3,))."""
    H, W, C = image.shape
    rows, cols = H // size, W // size
    return image[:rows * size, :cols * size].reshape(rows, size, cols, size, C).mean(axis=(1, 3))
