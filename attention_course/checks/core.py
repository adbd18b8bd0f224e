"""The check protocol: results, the registry of exercise checks, and helpers.

A check is a small function registered for one exercise id. It receives the
student's answer (a function), calls it on the course's data and on edge
cases, and either returns a sentence saying what is right, or raises
``Mistake`` with a sentence naming the concrete mistake. ``run_check`` turns
that into a ``CheckResult``; it never raises for a wrong, missing or crashing
answer.
"""
import html
import warnings
from dataclasses import dataclass

import numpy as np

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
_ICON = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳"}
_COLOR = {PASSED: ("#009E73", "#e6f5f0"), FAILED: ("#D55E00", "#fbece5"), NOT_ATTEMPTED: ("#7F7F7F", "#f2f2f2")}
_TITLE = {PASSED: "passed", FAILED: "not yet right", NOT_ATTEMPTED: "not attempted yet"}

REGISTRY = {}  # exercise id -> Check


class Mistake(Exception):
    """A wrong answer. Its message is what the student reads."""


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

    @property
    def passed(self):
        return self.status == PASSED

    def __str__(self):
        return f"{_ICON[self.status]} Exercise {self.exercise} {_TITLE[self.status]}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        border, background = _COLOR[self.status]
        return (
            f'<div style="border-left: 6px solid {border}; background: {background}; '
            f'padding: 6px 12px; margin: 4px 0; color: #1a1a1a; font-size: 14px;">'
            f"<b>{_ICON[self.status]} Exercise {self.exercise} {_TITLE[self.status]}:</b> "
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
    if not callable(answer):
        return CheckResult(exercise, FAILED, f"pass your function itself, e.g. check({exercise!r}, {spec.name}), "
                                             f"not {type(answer).__name__} {answer!r:.40}.")
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            message = spec.run(answer)
    except NotImplementedError:
        return CheckResult(exercise, NOT_ATTEMPTED,
                           f"replace `raise NotImplementedError()` in {spec.name} with your code, "
                           "run that cell, then run this one again.")
    except Mistake as mistake:
        return CheckResult(exercise, FAILED, str(mistake))
    except RecursionError:
        return CheckResult(exercise, FAILED, f"{spec.name} called itself without end (RecursionError).")
    return CheckResult(exercise, PASSED, message)


# --- helpers for writing checks --------------------------------------------------------------

def fmt(x, digits=4):
    """A short, readable rendering of a number or array for messages."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, float, np.integer, np.floating)):
        return f"{float(x):.{digits}g}"
    if isinstance(x, np.ndarray) or isinstance(x, (list, tuple)):
        try:
            a = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            return repr(x)[:80]
        flat = a.ravel()
        body = ", ".join(f"{v:.{digits}g}" for v in flat[:6]) + (", …" if flat.size > 6 else "")
        return f"[{body}]" if a.ndim <= 1 else f"[{body}] (shape {a.shape})"
    return repr(x)[:80]


def call(fn, *args, desc):
    """Call the student's function on copies of ``args``.

    ``desc`` describes the call for messages, e.g. "crisp_average(ages, incomes, 40, 55)".
    NotImplementedError passes through (the exercise is not attempted); any other
    exception becomes a Mistake that says which call raised what.
    """
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    try:
        result = fn(*copies)
    except NotImplementedError:
        raise
    except Mistake:
        raise
    except Exception as e:  # the student's code raised: say where and what
        raise Mistake(f"{desc} raised {type(e).__name__}: {e}") from None
    for original, copy in zip(args, copies):
        if isinstance(original, np.ndarray) and not np.array_equal(original, copy, equal_nan=True):
            raise Mistake(f"{desc} changed its input array in place; work on a copy (or build a new array) instead.")
    return result


def as_number(value, desc):
    """The answer as a float, or a Mistake that says what came back instead."""
    if value is None:
        raise Mistake(f"{desc} returned None: did you forget `return`?")
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        raise Mistake(f"{desc} should return one number, not {type(value).__name__} {fmt(value)}.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Mistake(f"{desc} should return a number, not {type(value).__name__} {value!r:.40}.") from None


def as_array(value, desc, shape=None):
    """The answer as a float array (of ``shape`` if given), or a Mistake."""
    if value is None:
        raise Mistake(f"{desc} returned None: did you forget `return`?")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Mistake(f"{desc} should return an array of numbers, not {type(value).__name__}.") from None
    if shape is not None and arr.shape != tuple(shape):
        raise Mistake(f"{desc} should have shape {tuple(shape)}; yours has shape {arr.shape}.")
    return arr


def close(a, b, rtol=1e-6, atol=1e-9):
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol,
                                equal_nan=True))
    except (TypeError, ValueError):
        return False


def diagnose(got, args, mistakes):
    """If ``got`` equals what a known wrong implementation gives on ``args``, raise its message.

    ``mistakes`` is a list of (wrong_function, message) pairs.
    """
    for wrong, message in mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                expected_wrong = wrong(*args)
            except Exception:
                continue
        if np.shape(got) == np.shape(expected_wrong) and close(got, expected_wrong):
            raise Mistake(message)


def as_bool_mask(value, desc, n):
    """The answer as a boolean (n, n) mask, or a Mistake (None, wrong shape, numbers instead of booleans)."""
    if value is None:
        raise Mistake(f"{desc} returned None: did you forget `return`?")
    arr = np.asarray(value)
    if arr.shape != (n, n):
        raise Mistake(f"{desc} should have shape ({n}, {n}); yours has {arr.shape}.")
    if arr.dtype != bool:
        if np.issubdtype(arr.dtype, np.floating) and np.isneginf(arr).any():
            raise Mistake(f"{desc} is an additive mask of 0 and -inf; the course's masks are boolean, True where "
                          "attention is allowed (the -inf is put in by the attention function).")
        raise Mistake(f"{desc} has dtype {arr.dtype}; return a boolean array (True = may attend), e.g. with "
                      "dtype=bool or a comparison.")
    return arr
