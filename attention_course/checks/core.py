"""The check protocol: results, the registry of exercise checks, and helpers.

A check is a small function registered for one exercise id. It receives the
student's answer (a function), calls it on the course's data and on edge
cases, and either returns a sentence saying what is right, or raises
``Mistake(id, message)``: ``id`` is a short stable name of the mistake
("unscaled", "axis-0"), ``message`` a sentence naming the concrete mistake and
the idea of its fix. ``run_check`` turns that into a ``CheckResult`` whose
``mistake`` is "<exercise>/<id>" (e.g. "4.2/unscaled"), so a class report can
count who made which mistake. It never raises for a wrong, missing or crashing
answer — not even when a check itself has a bug (see ``CHECK_ERROR``).

Every message is a template passed through ``tr`` (``attention_course.i18n``), so
it can be shown in the student's language. The helpers below turn any return
value into what the check needs (a number, an array, a pair, a mask) or into a
``Mistake`` with a generic id: ``GENERIC_MISTAKES`` lists them.
"""
import html
import warnings
from dataclasses import dataclass

import numpy as np

from ..i18n import tr

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
_ICON = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳"}
_COLOR = {PASSED: ("#009E73", "#e6f5f0"), FAILED: ("#D55E00", "#fbece5"), NOT_ATTEMPTED: ("#7F7F7F", "#f2f2f2")}


def _title(status, exercise):
    if status == PASSED:
        return tr("Exercise {exercise} passed", exercise=exercise)
    if status == FAILED:
        return tr("Exercise {exercise} not yet right", exercise=exercise)
    return tr("Exercise {exercise} not attempted yet", exercise=exercise)


REGISTRY = {}  # exercise id -> Check


# Mistakes that the helpers here recognise, whatever the exercise; a check names its own for the rest.
GENERIC_MISTAKES = {
    "not-a-function": "the answer passed to check() is not a function",
    "raised": "the student's function raised an exception",
    "returned-none": "the function returned None (a missing `return`)",
    "wrong-type": "the function returned something of the wrong kind (a string, a dict, ...)",
    "wrong-shape": "the function returned an array of the wrong shape",
    "not-a-pair": "the function should return two things and did not",
    "swapped-pair": "the two things returned are in the wrong order",
    "mutated-input": "the function changed its input array in place",
    "recursion": "the function called itself without end",
    "other": "a wrong answer the check has no name for",
    "check-error": "the check itself failed (a bug in the course, never the student's fault)",
}
OTHER = "other"
CHECK_ERROR = "check-error"


class Mistake(Exception):
    """A wrong answer: ``Mistake(id, message)``. The message is what the student reads; the id
    (a short name such as "unscaled") is what a class report counts."""

    def __init__(self, id, message=None):
        if message is None:  # Mistake(message): a mistake without a name of its own
            id, message = OTHER, id
        super().__init__(message)
        self.id = id
        self.message = message

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Check:
    exercise: str
    name: str  # the function the student writes, e.g. "crisp_average"
    run: callable


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    status: str
    message: str
    mistake: str = ""  # "<exercise>/<id>" when the check failed, e.g. "4.2/unscaled"

    @property
    def passed(self):
        return self.status == PASSED

    def __str__(self):
        return f"{_ICON[self.status]} {_title(self.status, self.exercise)}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        border, background = _COLOR[self.status]
        return (
            f'<div style="border-left: 6px solid {border}; background: {background}; '
            f'padding: 6px 12px; margin: 4px 0; color: #1a1a1a; font-size: 14px;">'
            f"<b>{_ICON[self.status]} {html.escape(_title(self.status, self.exercise))}:</b> "
            f"{html.escape(self.message)}</div>"
        )


def register(exercise, name):
    """Decorator: register ``fn(answer) -> success message`` as the check of ``exercise``."""

    def decorate(fn):
        if exercise in REGISTRY:
            raise ValueError(f"exercise {exercise} has two checks")
        REGISTRY[exercise] = Check(exercise, name, fn)
        return fn

    return decorate


def run_check(exercise, answer):
    """Check ``answer`` for ``exercise``; return a CheckResult, never raise for the answer."""
    if exercise not in REGISTRY:
        raise KeyError(f"no exercise {exercise!r}; known: {', '.join(sorted(REGISTRY))}")
    spec = REGISTRY[exercise]

    def failed(mistake_id, message):
        return CheckResult(exercise, FAILED, message, f"{exercise}/{mistake_id}")

    if not callable(answer):
        return failed("not-a-function", tr("pass your function itself, e.g. check({exercise!r}, {name}), "
                                           "not {kind} {value}.", exercise=exercise, name=spec.name,
                                           kind=type(answer).__name__, value=short_repr(answer, 40)))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            message = spec.run(answer)
    except NotImplementedError:
        return CheckResult(exercise, NOT_ATTEMPTED,
                           tr("replace `raise NotImplementedError()` in {name} with your code, "
                              "run that cell, then run this one again.", name=spec.name))
    except Mistake as mistake:
        return failed(mistake.id, mistake.message)
    except RecursionError:
        return failed("recursion", tr("{name} called itself without end (RecursionError).", name=spec.name))
    except Exception as e:  # a bug in the check itself: still a result, never a traceback for the student
        return failed(CHECK_ERROR, tr("the check could not judge this answer ({error}: {text}); look at what "
                                      "{name} returns, and tell your instructor: this is the course's bug, not yours.",
                                      error=type(e).__name__, text=short_repr(str(e), 80), name=spec.name))
    return CheckResult(exercise, PASSED, message)


# --- helpers for writing checks --------------------------------------------------------------

def short_repr(x, limit=80):
    """repr(x), cut to ``limit`` characters (never raises)."""
    try:
        text = repr(x)
    except Exception:
        text = f"<{type(x).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fmt(x, digits=4):
    """A short, readable rendering of a number or array for messages (never raises)."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, float, np.integer, np.floating)):
        return f"{float(x):.{digits}g}"
    if isinstance(x, np.ndarray) or isinstance(x, (list, tuple)):
        try:
            a = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            return short_repr(x)
        flat = a.ravel()
        body = ", ".join(f"{v:.{digits}g}" for v in flat[:6]) + (", …" if flat.size > 6 else "")
        return f"[{body}]" if a.ndim <= 1 else tr("[{body}] (shape {shape})", body=body, shape=a.shape)
    return short_repr(x)


def call(fn, *args, desc):
    """Call the student's function on copies of ``args``.

    ``desc`` describes the call for messages, e.g. "crisp_average(ages, incomes, 40, 55)".
    NotImplementedError passes through (the exercise is not attempted); any other
    exception becomes a Mistake that says which call raised what.
    """
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    try:
        result = fn(*copies)
    except (NotImplementedError, Mistake, RecursionError):
        raise
    except Exception as e:  # the student's code raised: say where and what
        raise Mistake("raised", tr("{desc} raised {error}: {text}", desc=desc, error=type(e).__name__,
                                   text=_cut(str(e), 200))) from None
    for original, copy in zip(args, copies):
        if isinstance(original, np.ndarray) and not np.array_equal(original, copy, equal_nan=True):
            raise Mistake("mutated-input", tr("{desc} changed its input array in place; work on a copy (or build a "
                                              "new array) instead.", desc=desc))
    return result


@dataclass(frozen=True)
class Outcome:
    """What a call did: ``raised`` (an instance of the expected exception), ``other`` (another
    exception) or ``returned`` (a value)."""
    kind: str
    value: object


def expect_raises(fn, *args, exception=ValueError):
    """Call ``fn(*args)`` (on copies) when it *should* raise ``exception``; say what it did instead of failing.

    NotImplementedError passes through (not attempted). Returns an ``Outcome``; the check
    decides which message each outcome deserves."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    try:
        value = fn(*copies)
    except NotImplementedError:
        raise
    except exception as e:
        return Outcome("raised", e)
    except Exception as e:
        return Outcome("other", e)
    return Outcome("returned", value)


def _check_none(value, desc):
    if value is None:
        raise Mistake("returned-none", tr("{desc} returned None: did you forget `return`?", desc=desc))


def as_number(value, desc):
    """The answer as a float, or a Mistake that says what came back instead."""
    _check_none(value, desc)
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray, dict, set)):
        raise Mistake("wrong-type", tr("{desc} should return one number, not {kind} {value}.", desc=desc,
                                       kind=type(value).__name__, value=fmt(value)))
    if isinstance(value, (str, bytes, complex)):
        raise Mistake("wrong-type", tr("{desc} should return a number, not {kind} {value}.", desc=desc,
                                       kind=type(value).__name__, value=short_repr(value, 40)))
    try:
        return float(value)
    except Exception:
        raise Mistake("wrong-type", tr("{desc} should return a number, not {kind} {value}.", desc=desc,
                                       kind=type(value).__name__, value=short_repr(value, 40))) from None


def as_array(value, desc, shape=None):
    """The answer as a float array (of ``shape`` if given), or a Mistake."""
    _check_none(value, desc)
    bad = tr("{desc} should return an array of numbers, not {kind} {value}.", desc=desc,
             kind=type(value).__name__, value=short_repr(value, 40))
    if isinstance(value, (str, bytes, dict, set)):
        raise Mistake("wrong-type", bad)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # complex numbers would silently lose their imaginary part
            arr = np.asarray(value, dtype=float)
    except Exception:
        raise Mistake("wrong-type", bad) from None
    if shape is not None and arr.shape != tuple(shape):
        raise Mistake("wrong-shape", tr("{desc} should have shape {expected}; yours has shape {shape}.",
                                        desc=desc, expected=tuple(shape), shape=arr.shape))
    return arr


def as_pair(value, desc, names, shapes=None):
    """An answer that must return two arrays, e.g. ``(output, weights)``: both as float arrays.

    ``names`` name the two parts for messages, e.g. ("output", "weights"); with ``shapes``
    (their expected shapes) the parts are checked, and two parts returned in the wrong order
    are recognised when the shapes tell them apart."""
    _check_none(value, desc)
    first, second = names
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = f"{type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        raise Mistake("not-a-pair", tr("{desc} should return a pair ({first}, {second}); yours returned {kind}.",
                                       desc=desc, first=first, second=second, kind=kind))
    a, b = value
    if shapes is not None and tuple(shapes[0]) != tuple(shapes[1]):
        if np.shape(_quiet_array(a)) == tuple(shapes[1]) and np.shape(_quiet_array(b)) == tuple(shapes[0]):
            raise Mistake("swapped-pair", tr("{desc} returned ({second}, {first}); return ({first}, {second}).",
                                             desc=desc, first=first, second=second))
    return (as_array(a, tr("{desc}[0] (the {name})", desc=desc, name=first), None if shapes is None else shapes[0]),
            as_array(b, tr("{desc}[1] (the {name})", desc=desc, name=second), None if shapes is None else shapes[1]))


def _quiet_array(x):
    try:
        return np.asarray(x, dtype=float)
    except Exception:
        return None


def close(a, b, rtol=1e-6, atol=1e-9):
    """True if ``a`` and ``b`` are numerically equal: same shape (or one of them a single number)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if a.shape != b.shape and a.ndim and b.ndim:
            return False
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
    except Exception:
        return False


def diagnose(got, args, mistakes):
    """If ``got`` equals what a known wrong implementation gives on ``args``, raise that mistake.

    ``mistakes`` is a list of (id, wrong_function, message) triples.
    """
    for mistake_id, wrong, message in mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                expected_wrong = wrong(*args)
            except Exception:
                continue
        if np.shape(got) == np.shape(expected_wrong) and close(got, expected_wrong):
            raise Mistake(mistake_id, message)


def _size_name(size):
    """What a wrong divisor's size is, for messages (each a literal template, so it can be translated)."""
    if size == "n":
        return tr("the number of queries")
    if size == "tokens":
        return tr("the number of tokens")
    if size == "m":
        return tr("the number of keys")
    if size == "d_model":
        return tr("d_model, the width of X")
    if size == "d_v":
        return tr("d_v, the width of the values")
    if size == "h":
        return tr("the number of heads")
    raise ValueError(size)


def scaling_mistakes(desc, d_k, **sizes):
    """The typical wrong scalings of attention scores, as (id, divisor, message) for ``diagnose``.

    Always: no scaling ("unscaled") and d_k instead of √d_k ("divided-by-d_k"); then √size for every
    wrong size given (``n``, ``tokens``, ``m``, ``d_model``, ``d_v``, ``h`` = its value in this test case),
    with id "sqrt-<size>" ("tokens" counts as "sqrt-n"). A size equal to d_k is left out: there it is
    no mistake. A check turns each divisor into the wrong function of its own arguments."""
    found = [
        ("unscaled", 1.0, tr("{desc}: the scores were not divided by √d_k, the width of one query or key "
                             "(here √{d_k}).", desc=desc, d_k=d_k)),
        ("divided-by-d_k", float(d_k), tr("{desc}: you divided by d_k = {d_k}; divide by its square root, √d_k.",
                                          desc=desc, d_k=d_k)),
    ]
    for size, value in sizes.items():
        if value != d_k:
            found.append((f"sqrt-{'n' if size == 'tokens' else size}", float(np.sqrt(value)),
                          tr("{desc}: you divided by √{value}, the square root of {what}; the scale is √d_k, the "
                             "width of one query or key (here √{d_k}).", desc=desc, value=value,
                             what=_size_name(size), d_k=d_k)))
    return found


def check_weights(desc, out, weights, expected_out, expected_weights):
    """After the output was diagnosed: name what is wrong with returned attention weights (transposed, rows
    that do not sum to 1, not the weights used), or say that the output differs. Always raises."""
    if close(out, expected_out) and close(weights, np.swapaxes(expected_weights, -1, -2)):
        raise Mistake("weights-transposed", tr("{desc}: the output is right but the weights are transposed: row i "
                                               "holds how much query i attends to each key.", desc=desc))
    sums = weights.sum(axis=-1)
    if not close(sums, np.ones(sums.shape)):
        raise Mistake("rows-not-normalised", tr("{desc}: each row of the weights should sum to 1; yours sum to "
                                                "{sums}.", desc=desc, sums=fmt(sums)))
    if close(out, expected_out):
        raise Mistake("weights-not-used", tr("{desc}: the output is right but the weights returned are not the ones "
                                             "used; return the softmax weights.", desc=desc))
    raise Mistake(tr("{desc}: the output {got} differs from the expected {expected}.", desc=desc, got=fmt(out),
                     expected=fmt(expected_out)))


def as_bool_mask(value, desc, n):
    """The answer as a boolean (n, n) mask, or a Mistake (None, wrong shape, numbers instead of booleans)."""
    _check_none(value, desc)
    if isinstance(value, (str, bytes, dict, set)):
        raise Mistake("wrong-type", tr("{desc} should return a boolean array, not {kind}.", desc=desc,
                                       kind=type(value).__name__))
    try:
        arr = np.asarray(value)
    except Exception:
        raise Mistake("wrong-type", tr("{desc} should return a boolean array, not {kind}.", desc=desc,
                                       kind=type(value).__name__)) from None
    if arr.shape != (n, n):
        raise Mistake("wrong-shape", tr("{desc} should have shape ({n}, {n}); yours has {shape}.", desc=desc, n=n,
                                        shape=arr.shape))
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.floating) and np.isneginf(arr).any():
            raise Mistake("additive-mask", tr("{desc} is an additive mask of 0 and -inf; the course's masks are "
                                              "boolean, True where attention is allowed (the -inf is put in by the "
                                              "attention function).", desc=desc))
        raise Mistake("not-boolean", tr("{desc} has dtype {dtype}; return a boolean array (True = may attend), e.g. "
                                        "with dtype=bool or a comparison.", desc=desc, dtype=arr.dtype))
    return arr
