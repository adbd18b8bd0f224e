"""The course's interactive figures ("explorers"), one module per chapter.

Each module is named like its chapter's notebook (``ch06_multi_head.py`` for
``06_multi_head.ipynb``) and lists what notebooks import from it in ``__all__``
(its explorer classes and their ``explore_…`` functions); every module here whose
name starts with ``ch`` is imported and its ``__all__`` re-exported, so
``from attention_course.explorers import explore_multi_head`` works and a new
chapter needs no edit of this file. ``EXPLORERS`` maps each explorer's name to its
class; the benchmark and the tests drive every one of them without a browser.
"""
import importlib
import pkgutil

from .base import EXPLORERS, Explorer, register_explorer

__all__ = ["EXPLORERS", "Explorer", "register_explorer"]
CHAPTER_MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))
for _name in CHAPTER_MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _export in _module.__all__:
        globals()[_export] = getattr(_module, _export)
        __all__.append(_export)
