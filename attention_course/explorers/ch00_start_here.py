"""Chapter 00: a first slider — share one unit of weight between two people."""
import ipywidgets as widgets
import numpy as np

from ..data import load_incomes
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["TwoPeopleExplorer", "explore_two_people"]


@register_explorer
class TwoPeopleExplorer(Explorer):
    """A weighted average of two incomes: w on 张三, 1 - w on 李四."""

    name = "two_people"
    chapter = 0
    title = N_("a weighted average of two incomes")
    figsize = (6.5, 2.8)
    bench_values = tuple({"w": w} for w in np.linspace(0, 1, 11))

    def build(self):
        names, _, incomes = load_incomes()
        self.names, self.incomes = names[:2], incomes[:2]
        self.controls["w"] = widgets.FloatSlider(0.5, min=0, max=1, step=0.05,
                                                 description=tr("weight on {name}", name=names[0]),
                                                 style=SLIDER_STYLE, layout=control_layout("420px"))
        ax_w, ax_avg = self.fig.subplots(1, 2)
        self.bars = ax_w.bar([0, 1], [0.5, 0.5], color=[COLORS["blue"], COLORS["orange"]])
        ax_w.set_xticks([0, 1], self.names)
        ax_w.set_ylim(0, 1.05)
        ax_w.set_ylabel(tr("weight"))
        ax_w.set_title(tr("the two weights (they sum to 1)"))
        ax_avg.set_xlim(15, 45)
        ax_avg.set_ylim(-1, 1)
        ax_avg.set_yticks([])
        ax_avg.set_xlabel(tr("income (10k yuan / year)"))
        ax_avg.set_title(tr("the weighted average"))
        for name, income, color in zip(self.names, self.incomes, [COLORS["blue"], COLORS["orange"]]):
            ax_avg.plot([income], [0], "o", color=color, ms=10)
            ax_avg.annotate(f"{name} {income:g}", (income, 0), xytext=(0, 12), textcoords="offset points",
                            ha="center")
        (self.marker,) = ax_avg.plot([], [], "^", color=COLORS["black"], ms=12)
        self.value_text = ax_avg.text(0.5, 0.08, "", transform=ax_avg.transAxes, ha="center")
        self.animated = [*self.bars, self.marker, self.value_text]

    def average(self):
        w = self.value("w")
        return float(w * self.incomes[0] + (1 - w) * self.incomes[1])

    def update(self):
        w = self.value("w")
        self.bars[0].set_height(w)
        self.bars[1].set_height(1 - w)
        avg = self.average()
        self.marker.set_data([avg], [-0.3])
        self.value_text.set_text(f"{w:.2f} × {self.incomes[0]:g} + {1 - w:.2f} × {self.incomes[1]:g} = {avg:.2f}")

    def layout(self):
        return widgets.VBox([self.controls["w"], self.fig.canvas])


def explore_two_people():
    return TwoPeopleExplorer()
