"""Chapter 01: drag the query age, σ, the crisp window, or one person's age and income."""
import html

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.transforms import blended_transform_factory

from .. import reference as ref
from ..data import load_incomes
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["WeightedAverageExplorer", "explore_weighted_average"]

AGE_RANGE = (20, 70)
# Where each name sits next to its point (offset in points, horizontal and vertical alignment): 钱八 (43, 33)
# and 张三 (45, 30) are close, and 马六 (57, 35) sits just below the estimate lines, so their names go
# left, below-right and below-left instead of the default above-right.
LABEL_PLACES = {"钱八": ((-8, 3), "right", "bottom"), "张三": ((8, -3), "left", "top"),
                "马六": ((-7, -3), "right", "top")}
DEFAULT_PLACE = ((8, 6), "left", "bottom")  # clear of the ring around the selected person
SIGMAS = (0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0, 200.0)


@register_explorer
class WeightedAverageExplorer(Explorer):
    """Soft (Gaussian-weighted) and crisp averages of the income table, side by side."""

    name = "weighted_average"
    chapter = 1
    title = N_("中年人的平均收入: soft and crisp averages")
    figsize = (9.5, 3.7)
    bench_values = (
        [{"query": q} for q in np.linspace(30, 60, 7)]
        + [{"sigma": s} for s in (0.1, 0.5, 2.0, 5.0, 20.0, 200.0)]
        + [{"window": w} for w in ((40, 55), (58, 59), (20, 70))]
        + [{"person": "李四"}, {"age": 48.0}, {"income": 80.0}]
    )

    def __init__(self, edit_people=True, interactive=None):
        self.edit_people = edit_people
        self.names, self.ages0, self.incomes0 = load_incomes()
        self.ages, self.incomes = self.ages0.copy(), self.incomes0.copy()
        super().__init__(interactive=interactive)

    # -- building --------------------------------------------------------------------------
    def build(self):
        c = self.controls
        slider = dict(style=SLIDER_STYLE, layout=control_layout(), continuous_update=True)
        c["query"] = widgets.FloatSlider(47.5, min=20, max=65, step=0.5, description=tr("query age"), **slider)
        # σ on a roughly logarithmic grid of round values (a FloatLogSlider would snap 5 to 5.012)
        c["sigma"] = widgets.SelectionSlider(options=SIGMAS, value=5.0, description=tr("σ (years)"), **slider)
        c["window"] = widgets.IntRangeSlider(value=(40, 55), min=20, max=65, description=tr("crisp window"), **slider)
        if self.edit_people:
            c["person"] = widgets.Dropdown(options=self.names, value="孙十", description=tr("person"),
                                           style=SLIDER_STYLE, layout=control_layout())
            c["age"] = widgets.FloatSlider(47, min=20, max=65, step=0.5, description=tr("their age"), **slider)
            c["income"] = widgets.FloatSlider(50, min=0, max=80, step=1, description=tr("their income"), **slider)
        self.table = widgets.HTML(layout=widgets.Layout(width="480px"))
        self._headers = [tr("name"), tr("age"), tr("income"), tr("weight"), tr("in window")]
        self._build_figure()

    def _build_figure(self):
        fig = self.fig
        self.ax_people, self.ax_weights = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        ax = self.ax_people
        ax.set_xlim(*AGE_RANGE)
        ax.set_xlabel(tr("age (years)"))
        ax.set_ylabel(tr("income (10k yuan / year)"))
        self.window_span = ax.axvspan(40, 55, color=COLORS["orange"], alpha=0.15, lw=0, label=tr("crisp window"))
        self.grid_ages = np.linspace(*AGE_RANGE, 300)
        bottom = blended_transform_factory(ax.transData, ax.transAxes)
        (self.kernel_line,) = ax.plot([], [], color=COLORS["sky"], lw=1.5, transform=bottom,
                                      label=tr("Gaussian kernel (shape)"))
        self.query_line = ax.axvline(47.5, color=COLORS["black"], lw=1.2, ls=":", label=tr("query age"))
        self.soft_line = ax.axhline(0, color=COLORS["blue"], lw=2, label=tr("soft estimate"))
        self.crisp_line = ax.axhline(0, color=COLORS["orange"], lw=2, ls="--", label=tr("crisp average"))
        self.points = ax.scatter(self.ages, self.incomes, s=40, c=np.zeros(len(self.ages)),
                                 cmap=colormaps["viridis"], vmin=0, vmax=1, edgecolors="black", zorder=3)
        (self.selected_ring,) = ax.plot([], [], "o", ms=18, mfc="none", mec=COLORS["vermillion"], mew=2,
                                        zorder=4, label=tr("selected person") if self.edit_people else None)
        self.name_texts = []
        for n, a, i in zip(self.names, self.ages, self.incomes):
            offset, ha, va = LABEL_PLACES.get(n, DEFAULT_PLACE)
            self.name_texts.append(ax.annotate(n, (a, i), xytext=offset, textcoords="offset points", fontsize=9,
                                               ha=ha, va=va))
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, ncols=3, frameon=False, markerscale=0.5)
        ax.set_ylim(0, 100)  # room above an income of 80 (the slider's top) for its name, below the note
        self.note = ax.text(0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=9,
                            color=COLORS["vermillion"], bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))

        ax = self.ax_weights
        x = np.arange(len(self.names))
        self.bars = ax.bar(x, np.zeros(len(x)), color=COLORS["blue"], edgecolor="black", linewidth=0)
        ax.set_xticks(x, self.names)
        ax.set_ylim(0, 1.08)
        ax.set_ylabel(tr("attention weight"))
        ax.set_title(tr("weights (outlined: inside the crisp window)"), fontsize=10)
        self.title_text = fig.suptitle(" ", fontsize=13)
        # Only the selected person's name can move, so only it is redrawn per update (text is the
        # costly part of a frame); the others are drawn once per selection and places (background_key).
        self.animated = [self.window_span, self.kernel_line, self.query_line, self.soft_line, self.crisp_line,
                         self.points, self.selected_ring, self.note, *self.bars, self.title_text]
        self.keyed = list(self.name_texts)
        if self.edit_people:
            self.animated.append(self.name_texts[self.names.index("孙十")])

    # -- updating --------------------------------------------------------------------------
    def _sync_person_sliders(self):
        """Show the selected person's current age and income on their sliders."""
        i = self.names.index(self.value("person"))
        self.set_quietly(age=float(self.ages[i]), income=float(self.incomes[i]))

    def _on_change(self, change):
        if self.edit_people:
            i = self.names.index(self.value("person"))
            if change["owner"] is self.controls["person"]:
                self._sync_person_sliders()
                self._select_label(i)
            else:
                self.ages[i], self.incomes[i] = self.value("age"), self.value("income")
        super()._on_change(change)

    def _select_label(self, i):
        """Make person i's name label the moving one (the others are drawn with the background)."""
        self.animated.pop()
        self.animated.append(self.name_texts[i])

    def background_key(self):
        """The names that stand still: who is selected, and where everybody else is."""
        if not self.edit_people:
            return None
        i = self.names.index(self.value("person"))
        return i, tuple(np.delete(self.ages, i)), tuple(np.delete(self.incomes, i))

    def result(self):
        """The numbers behind the picture: weights, soft estimate, crisp average (or None)."""
        q, sigma = self.value("query"), self.value("sigma")
        low, high = self.value("window")
        weights = ref.gaussian_weights(q, self.ages, sigma)
        soft = float(weights @ self.incomes)
        inside = (self.ages >= low) & (self.ages <= high)
        crisp = float(self.incomes[inside].mean()) if inside.any() else None
        return {"weights": weights, "soft": soft, "crisp": crisp, "inside": inside}

    def update(self):
        r = self.result()
        q, sigma = self.value("query"), self.value("sigma")
        low, high = self.value("window")
        weights, inside = r["weights"], r["inside"]

        self.window_span.set_x(low)
        self.window_span.set_width(high - low)
        self.query_line.set_xdata([q, q])
        self.kernel_line.set_data(self.grid_ages, 0.3 * np.exp(-((self.grid_ages - q) ** 2) / (2 * sigma**2)))
        self.soft_line.set_ydata([r["soft"], r["soft"]])
        self.crisp_line.set_visible(r["crisp"] is not None)
        if r["crisp"] is not None:
            self.crisp_line.set_ydata([r["crisp"], r["crisp"]])
        self.points.set_offsets(np.column_stack([self.ages, self.incomes]))
        self.points.set_array(weights)
        self.points.set_sizes(30 + 400 * weights)
        if self.edit_people:
            k = self.names.index(self.value("person"))
            self.selected_ring.set_data([self.ages[k]], [self.incomes[k]])
        for text, a, i in zip(self.name_texts, self.ages, self.incomes):
            text.xy = (a, i)
        for bar, w, ins in zip(self.bars, weights, inside):  # exact weights are in the table beside
            bar.set_height(w)
            bar.set_linewidth(2.0 if ins else 0.0)

        notes = []
        nearest = self.names[int(np.argmax(weights))]
        if weights.max() > 0.999:
            notes.append(tr("σ is tiny: all the weight is on the nearest person ({nearest})", nearest=nearest))
        if np.ptp(weights) < 0.01:
            notes.append(tr("σ is huge: everybody counts equally (the plain mean)"))
        if r["crisp"] is None:
            notes.append(tr("nobody is between {low} and {high}: the crisp average is undefined", low=low, high=high))
        self.note.set_text("\n".join(notes))
        crisp = tr("undefined") if r["crisp"] is None else f"{r['crisp']:.3f}"
        self.title_text.set_text(tr("soft estimate {soft:.3f}    crisp average {crisp}", soft=r["soft"], crisp=crisp))
        self._update_table(weights, inside)

    def _update_table(self, weights, inside):
        cmap = colormaps["viridis"]
        rows = []
        for n, a, i, w, ins in zip(self.names, self.ages, self.incomes, weights, inside):
            r, g, b, _ = cmap(0.35 + 0.65 * w)
            shade = f"rgba({int(r * 255)},{int(g * 255)},{int(b * 255)},{0.15 + 0.6 * w:.2f})"
            rows.append(f'<tr style="background:{shade}"><td style="padding:2px 10px">{html.escape(n)}</td><td>{a:g}</td><td>{i:g}</td>'
                        f"<td>{w:.3f}</td><td>{'✓' if ins else ''}</td></tr>")
        self.table.value = (
            '<table style="border-collapse:collapse;font-size:13px" cellpadding="4">'
            + "<tr>" + "".join(f'<th style="padding:2px 10px">{html.escape(h)}</th>' for h in self._headers) + "</tr>"
            + "".join(rows) + "</table>"
        )

    def layout(self):
        left = widgets.VBox(list(self.controls.values()))
        return widgets.VBox([self.fig.canvas, widgets.HBox([left, self.table])])


def explore_weighted_average(edit_people=True):
    """The chapter 01 explorer: query age, σ, crisp window and (optionally) one person's data."""
    return WeightedAverageExplorer(edit_people=edit_people)
