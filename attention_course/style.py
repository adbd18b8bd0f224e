"""One plotting style for the whole course, and the bundled CJK font.

``use_course_style()`` runs when the package is imported. It registers the
bundled subset of Noto Sans CJK SC with matplotlib and puts it behind DejaVu
Sans in the font list, so Latin text uses DejaVu and every Chinese character
falls back to the bundled font: no tofu boxes and no "Glyph missing" warning,
even on a machine without any CJK font installed.
"""
import base64
import dataclasses

import matplotlib
from matplotlib import font_manager

from .data import asset
from .i18n import language

CJK_FONT_FILE = "NotoSansCJKsc-Subset.otf"
# The bundled font is registered under a family name of its own, so that a Noto Sans CJK SC
# installed on the machine can never take its place (the figures and the printed font name
# would then depend on the machine).
CJK_FONT_NAME = "Attention Course Noto Sans CJK SC"

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#7F7F7F",
    "black": "#000000",
}
HEATMAP_CMAP = "viridis"  # perceptually uniform and colour-blind-safe

_RC = {
    # Both families named explicitly: matplotlib falls back glyph by glyph along
    # font.family (a generic "sans-serif" entry would resolve to one font only).
    "font.family": ["DejaVu Sans", CJK_FONT_NAME],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS.values())),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "image.cmap": HEATMAP_CMAP,
    "axes.unicode_minus": True,
}


def cjk_font_path():
    """Path of the bundled CJK font file."""
    return asset("fonts", CJK_FONT_FILE)


def use_course_style():
    """Register the bundled CJK font and apply the course's matplotlib style."""
    path = str(cjk_font_path())
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        entry = font_manager.ttfFontProperty(font_manager.get_font(path))
        font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=CJK_FONT_NAME))
        font_manager.fontManager._findfont_cached.cache_clear()
    matplotlib.rcParams.update(_RC)


UI_FONT_FILE = "NotoSansCJKsc-UI.otf"
UI_FONT_FILES = {"en": UI_FONT_FILE, "zh": "NotoSansCJKsc-UI-zh.otf"}  # by language (see i18n)
UI_FONT_FAMILY = "Attention Course CJK"
EXPLORER_CLASS = "ac-explorer"
_css_cache = {}


def widget_font_css():
    """A <style> that lets the widgets of an explorer draw Chinese in any browser.

    Browsers use their own fonts for widget labels and HTML tables, and a machine
    without a CJK font shows boxes. This embeds a small subset of the bundled font
    as a data URL, as the last fallback for everything inside ``.ac-explorer``: in
    English, only the characters of the helper package's source and data (tokens,
    names); in Chinese, those and the characters of its translations (both made by
    ``ci/subset_font.py --ui``).
    """
    file = UI_FONT_FILES.get(language(), UI_FONT_FILE)
    if file not in _css_cache:
        data = base64.b64encode(asset("fonts", file).read_bytes()).decode("ascii")
        _css_cache[file] = (
            f'<style>@font-face {{font-family: "{UI_FONT_FAMILY}"; src: url(data:font/otf;base64,{data}) format("opentype");}}'
            f" .{EXPLORER_CLASS}, .{EXPLORER_CLASS} * {{font-family: var(--jp-ui-font-family, sans-serif), "
            f'"{UI_FONT_FAMILY}" !important;}}</style>'
            # Chromium lays out the text of a <select> or <input> once and keeps the boxes it drew if the
            # font arrives a moment later; a short letter-spacing animation makes it lay the text out again.
            f"<style>@keyframes ac-font-refresh {{from {{letter-spacing: 0.01px;}} to {{letter-spacing: 0px;}}}}"
            f" .{EXPLORER_CLASS} select, .{EXPLORER_CLASS} input {{animation: ac-font-refresh 1.5s steps(3) 1;}}</style>"
        )
    return _css_cache[file]


def label_tokens(ax, rows, cols):
    """Label a heatmap's axes with tokens (rows on y, columns on x)."""
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.grid(False)
