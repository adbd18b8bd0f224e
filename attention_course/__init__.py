"""Attention, Step by Step — the course's helper package.

What is here is what is *not* the lesson: reference maths for the checks and
the later chapters, the exercise checks, the interactive figures, the plotting
style with its bundled CJK font, and the grader. Importing the package applies
the course's plotting style (see ``style.use_course_style``).
"""
from .reference import (
    causal_mask,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
    softmax,
)
from .i18n import set_language
from .style import use_course_style

__all__ = [
    "softmax",
    "scaled_dot_product_attention",
    "multi_head_attention",
    "sinusoidal_positions",
    "causal_mask",
    "set_language",
]
__version__ = "0.1.0"

use_course_style()
