"""Chapter 12's corpus: a small grammar over the course's world, the sentences it writes, and whether
a sentence is one it can write.

The world is the one of the earlier chapters: the eight people of chapter 01's income table (张三 …
孙十) and 我, fruit (苹果 among them) and phones (苹果 among them too: 用苹果给李四打电话 is chapter
05's second sentence in another form). Every sentence is one of six patterns:

    S T 吃了 N M F 。          张三昨天吃了两根香蕉。      (eat)
    S T 想吃 F 。              李四想吃葡萄。              (want to eat)
    S T 买了 N M F 。          王五今天买了三个桃子。      (buy fruit)
    S T 买了一部 P 。          马六买了一部苹果手机。      (buy a phone)
    S T 用 H 给 O 打(了)电话 。 黄七用苹果给钱八打了电话。  (call someone)
    S T 给 O 买了 N M F 。      刘九给妈妈买了一串葡萄。    (buy fruit for someone)

S a subject, T an optional time (今天, 昨天), N a number (一, 两, 三 — never 二 before a measure
word), M the measure word that belongs to the fruit F (一个苹果, 一根香蕉, 一串葡萄, 一块西瓜),
P a phone, H what one calls with (手机, 新手机, 苹果), O another person (never the subject:
nobody calls themselves). The grammar is finite, so "the grammar accepts s" means exactly "s is one
of the sentences it can write": ``accepts`` looks s up in the whole language (``language()``).

Everything here is deterministic: ``sentences(n, seed)`` draws with ``np.random.default_rng(seed)``.
"""
import itertools
from functools import lru_cache

import numpy as np

PEOPLE = ("张三", "李四", "王五", "马六", "黄七", "钱八", "刘九", "孙十")  # chapter 01's table
SUBJECTS = PEOPLE + ("我",)
OTHERS = PEOPLE + ("朋友", "妈妈")  # who can be called, or given fruit
TIMES = ("", "今天", "昨天")
NUMBERS = ("一", "两", "三")
FRUIT = {"苹果": "个", "橘子": "个", "桃子": "个", "梨": "个", "香蕉": "根", "葡萄": "串", "西瓜": "块"}  # fruit: measure word
PHONES = ("手机", "新手机", "苹果手机", "华为手机")  # what one buys: 一部…
CALL_WITH = ("手机", "新手机", "苹果")  # 用…给某人打电话: here 苹果 is a phone
CALLS = ("打电话", "打了电话")

PATTERNS = ("eat", "want", "buy_fruit", "buy_phone", "call", "give")
END = "。"

# Train and held-out sizes and seeds of chapter 12
TRAIN_SENTENCES, TRAIN_SEED = 4000, 12
HELD_OUT_SENTENCES, HELD_OUT_SEED = 500, 1212


def _fruit_phrases():
    return [n + m + f for n in NUMBERS for f, m in FRUIT.items()]


def _sentence(pattern, s, t, pick):
    """One sentence of ``pattern`` with subject s and time t; ``pick(options)`` chooses the rest."""
    if pattern == "eat":
        return f"{s}{t}吃了{pick(_FRUIT_PHRASES)}{END}"
    if pattern == "want":
        return f"{s}{t}想吃{pick(tuple(FRUIT))}{END}"
    if pattern == "buy_fruit":
        return f"{s}{t}买了{pick(_FRUIT_PHRASES)}{END}"
    if pattern == "buy_phone":
        return f"{s}{t}买了一部{pick(PHONES)}{END}"
    others = tuple(o for o in OTHERS if o != s)
    if pattern == "call":
        return f"{s}{t}用{pick(CALL_WITH)}给{pick(others)}{pick(CALLS)}{END}"
    if pattern == "give":
        return f"{s}{t}给{pick(others)}买了{pick(_FRUIT_PHRASES)}{END}"
    raise ValueError(f"unknown pattern {pattern!r}")


_FRUIT_PHRASES = tuple(_fruit_phrases())


def sentences(n, seed):
    """``n`` sentences drawn with a fixed seed: a pattern uniformly, then every slot uniformly."""
    rng = np.random.default_rng(seed)

    def pick(options):
        return options[int(rng.integers(len(options)))]

    return [_sentence(pick(PATTERNS), pick(SUBJECTS), pick(TIMES), pick) for _ in range(n)]


@lru_cache(maxsize=1)
def _probabilities():
    """{sentence: the probability that ``sentences`` draws it}, for every sentence of the language.

    Each sentence has one derivation (the patterns never write the same string), so its probability
    is the product of the uniform choices that make it."""
    out = {}
    for pattern, s, t in itertools.product(PATTERNS, SUBJECTS, TIMES):
        slots = {"eat": [_FRUIT_PHRASES], "want": [tuple(FRUIT)], "buy_fruit": [_FRUIT_PHRASES],
                 "buy_phone": [PHONES], "call": [CALL_WITH, tuple(o for o in OTHERS if o != s), CALLS],
                 "give": [tuple(o for o in OTHERS if o != s), _FRUIT_PHRASES]}[pattern]
        p = 1 / (len(PATTERNS) * len(SUBJECTS) * len(TIMES) * np.prod([len(options) for options in slots]))
        for choice in itertools.product(*slots):
            it = iter(choice)
            sentence = _sentence(pattern, s, t, lambda options: next(it))
            assert sentence not in out, sentence
            out[sentence] = float(p)
    return out


def language():
    """Every sentence the grammar can write (a frozenset): all patterns, all choices."""
    return _language()


@lru_cache(maxsize=1)
def _language():
    return frozenset(_probabilities())


def probability(sentence):
    """The probability that the grammar's generator writes ``sentence`` (0 if it cannot)."""
    return _probabilities().get(sentence, 0.0)


def accepts(sentence):
    """True if the grammar can write ``sentence`` (ending with 。)."""
    return sentence in _language()


def rejection(sentence):
    """Why the grammar does not accept ``sentence``: None (it does), "unfinished" (no 。 at the end),
    "self" (someone calls, or buys fruit for, themselves — right with anybody else), or "other"."""
    if accepts(sentence):
        return None
    if not sentence.endswith(END):
        return "unfinished"
    for s in SUBJECTS:
        if sentence.startswith(s) and "给" + s in sentence:
            other = next(o for o in OTHERS if o != s)
            if accepts(sentence.replace("给" + s, "给" + other, 1)):
                return "self"
    return "other"


def next_char_probabilities(prefix):
    """{character: probability} of the character after ``prefix`` (the start of a sentence), under the
    grammar's own generator: P(c | prefix) = Σ P(s) over sentences s that start with prefix + c, divided by
    Σ P(s) over those that start with prefix. Empty if no sentence starts with ``prefix``."""
    total, out = 0.0, {}
    for sentence, p in _probabilities().items():
        if sentence.startswith(prefix) and len(sentence) > len(prefix):
            c = sentence[len(prefix)]
            out[c] = out.get(c, 0.0) + p
            total += p
    return {c: p / total for c, p in sorted(out.items(), key=lambda kv: -kv[1])} if total else {}


def best_loss(sentences):
    """The cross-entropy per character that the generator itself would score on ``sentences``:
    Σ −ln P(s) / Σ (characters of s, 。 included) — the lowest loss any model can expect on such text."""
    return float(sum(-np.log(probability(s)) for s in sentences) / sum(len(s) for s in sentences))


@lru_cache(maxsize=1)
def train_and_held_out():
    """Chapter 12's data: (training sentences, held-out sentences).

    4,000 training sentences (seed 12; the same sentence can occur more than once, as in real text) and
    500 held-out ones (seed 1212), drawn the same way but kept only if they are *not* in the training
    text: the held-out loss measures what the model does on sentences it never saw."""
    train = sentences(TRAIN_SENTENCES, TRAIN_SEED)
    seen = set(train)
    held_out, seed = [], HELD_OUT_SEED
    while len(held_out) < HELD_OUT_SENTENCES:
        held_out += [s for s in sentences(HELD_OUT_SENTENCES, seed) if s not in seen]
        seed += 1
    return tuple(train), tuple(held_out[:HELD_OUT_SENTENCES])


def vocabulary():
    """The characters of the language, in a fixed order: 。 first, then by Unicode code point."""
    words = PEOPLE + SUBJECTS + OTHERS + TIMES + NUMBERS + tuple(FRUIT) + tuple(FRUIT.values()) + PHONES \
        + CALL_WITH + CALLS + ("吃了", "想吃", "买了一部", "用", "给")
    return (END,) + tuple(sorted(set("".join(words))))
