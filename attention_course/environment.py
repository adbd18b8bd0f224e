"""Chapter 00's setup check: versions, the bundled CJK font, and a widget."""
import importlib.metadata
import platform
import warnings

PACKAGES = ["numpy", "matplotlib", "ipywidgets", "ipympl", "jupyterlab", "nbval"]


def versions():
    """{name: version} for Python and the course's core packages ("missing" if absent)."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def render_chinese(text="注意力机制，一步一步"):
    """Draw ``text`` with the course style; return (figure, list of warnings raised while drawing).

    The figure is a pyplot figure, so in a notebook it is shown when the cell ends. The text is drawn
    in an axes (with its frame and ticks hidden): IPython shows no image for a figure without axes.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 1.0))
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=20, transform=ax.transAxes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return fig, [str(w.message) for w in caught]


def font_for(char):
    """The font file matplotlib uses for ``char`` under the course style."""
    from matplotlib import font_manager, rcParams
    from matplotlib.ft2font import FT2Font

    for path in font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=rcParams["font.family"])):
        if ord(char) in FT2Font(str(path)).get_charmap():
            return str(path)
    return None
