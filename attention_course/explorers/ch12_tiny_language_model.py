"""Chapter 12: A tiny language model — the scaffold's example figure (one slider); replace it with the chapter's own."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..i18n import tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["TinyLanguageModelExplorer", "explore_tiny_language_model"]

SCORES = np.array([3.0, 1.0, -2.0, 0.5, 2.5])


@register_explorer
class TinyLanguageModelExplorer(Explorer):
    """Drag d_k: the weights of softmax(scores / √d_k) as bars."""

    name = "tiny_language_model"
    chapter = 12
    title = "softmax(scores / √d_k) against d_k"
    figsize = (6.5, 3.0)
    bench_values = tuple({"d_k": d} for d in (1, 4, 16, 64, 256, 16, 2))

    def build(self):
        self.controls["d_k"] = widgets.IntSlider(16, min=1, max=256, description="d_k", style=SLIDER_STYLE,
                                                 layout=control_layout("420px"))
        ax = self.fig.subplots()
        self.bars = ax.bar(range(len(SCORES)), np.zeros(len(SCORES)), color=COLORS["blue"])
        ax.set_xticks(range(len(SCORES)), [f"{s:g}" for s in SCORES])
        ax.set_xlabel(tr("score"))
        ax.set_ylabel(tr("weight"))
        ax.set_ylim(0, 1.05)
        self.heading = ax.set_title("")
        self.animated = [*self.bars, self.heading]

    def result(self):
        d_k = self.value("d_k")
        return {"d_k": d_k, "weights": ref.softmax(SCORES / np.sqrt(d_k))}

    def update(self):
        r = self.result()
        for bar, w in zip(self.bars, r["weights"]):
            bar.set_height(w)
        self.heading.set_text(tr("d_k = {d_k}: the largest weight is {top:.2f}", d_k=r["d_k"],
                                 top=r["weights"].max()))

    def layout(self):
        return widgets.VBox([self.controls["d_k"], self.fig.canvas])


def explore_tiny_language_model():
    return TinyLanguageModelExplorer()
