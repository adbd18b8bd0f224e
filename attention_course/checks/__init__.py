"""Exercise checks: ``check("1.2", gaussian_weights)``.

``check`` returns a ``CheckResult`` (``.passed``, ``.message``) that shows
itself as a coloured box in JupyterLab and as one line of text elsewhere. It
never raises for a wrong, missing or crashing answer; an unfinished exercise is
reported as "not attempted yet". An unknown exercise id raises ``KeyError``.

The checks of each chapter live in their own module (``ch01.py``, …) and are
registered with ``@register("1.2", "gaussian_weights")``.
"""
from . import ch00, ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10  # noqa: F401  (importing registers the checks)
from .core import REGISTRY, CheckResult, Mistake, run_check

__all__ = ["check", "CheckResult", "Mistake", "REGISTRY", "exercise_ids"]


def check(exercise, answer):
    """Check the student's ``answer`` (a function) for ``exercise`` and return the result."""
    return run_check(exercise, answer)


def exercise_ids():
    """All exercise ids in course order ("0.1", "1.1", …, "10.2")."""
    return sorted(REGISTRY, key=lambda e: tuple(int(p) for p in e.split(".")))
