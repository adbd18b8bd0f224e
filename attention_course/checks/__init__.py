"""Exercise checks: ``check("1.2", gaussian_weights)``.

``check`` returns a ``CheckResult`` (``.passed``, ``.message``, ``.mistake``) that shows
itself as a coloured box in JupyterLab and as one line of text elsewhere. It
never raises for a wrong, missing or crashing answer; an unfinished exercise is
reported as "not attempted yet". An unknown exercise id raises ``KeyError``.

The checks of each chapter live in their own module, named like the chapter's
notebook (``ch01_weighted_average.py`` for ``01_weighted_average.ipynb``), and
are registered with ``@register("1.2", "gaussian_weights")``. Every module here
whose name starts with ``ch`` is imported, so a new chapter's checks need no
edit of this file (the chapter manifest, ``course.toml``, lists them).
"""
import importlib
import pkgutil

from ..manifest import exercise_key
from .core import REGISTRY, CheckResult, Mistake, run_check

CHAPTER_MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))
for _name in CHAPTER_MODULES:
    importlib.import_module(f"{__name__}.{_name}")  # importing registers the checks

__all__ = ["check", "CheckResult", "Mistake", "REGISTRY", "exercise_ids"]


def check(exercise, answer):
    """Check the student's ``answer`` (a function) for ``exercise`` and return the result."""
    return run_check(exercise, answer)


def exercise_ids():
    """All exercise ids in course order ("0.1", "1.1", …, "10.2")."""
    return sorted(REGISTRY, key=exercise_key)
