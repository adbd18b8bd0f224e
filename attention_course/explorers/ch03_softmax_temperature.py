"""Chapter 03: scores -> weights with a temperature; and why scores are scaled by √d_k."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["TemperatureExplorer", "ScalingExplorer", "explore_temperature", "explore_scaling"]

TEMPERATURES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 1000.0)
PRESETS = {"51, 49": (51.0, 49.0), "80, 20": (80.0, 20.0), "10, 3": (10.0, 3.0), "1000, 999": (1000.0, 999.0),
           "2, 1, 0.5, -1": (2.0, 1.0, 0.5, -1.0)}
N_MAX = 4


@register_explorer
class TemperatureExplorer(Explorer):
    """Up to four scores and a temperature; the softmax weights, the plain ratios and the entropy."""

    name = "temperature"
    chapter = 3
    title = N_("softmax with a temperature")
    figsize = (8.5, 3.6)
    bench_values = (
        [{"T": t} for t in TEMPERATURES]
        + [{"s1": s} for s in (60.0, 30.0, 1000.0, -50.0)]
        + [{"preset": p} for p in PRESETS]
    )

    def build(self):
        slider = dict(style=SLIDER_STYLE, layout=control_layout("320px"), continuous_update=True)
        c = self.controls
        c["preset"] = widgets.Dropdown(options=[(tr("(your own)"), "(your own)"), *((p, p) for p in PRESETS)],
                                       value="51, 49", description=tr("preset"),
                                       style=SLIDER_STYLE, layout=control_layout("320px"))
        c["n"] = widgets.IntSlider(2, min=2, max=N_MAX, description=tr("scores shown"), **slider)
        for i, v in enumerate((51.0, 49.0, 40.0, 10.0)):
            c[f"s{i + 1}"] = widgets.FloatSlider(v, min=-50, max=1000, step=1, description=tr("score {i}", i=i + 1),
                                                 **slider)
        c["T"] = widgets.SelectionSlider(options=TEMPERATURES, value=1.0, description=tr("temperature T"), **slider)

        ax = self.ax = self.fig.subplots()
        x = np.arange(N_MAX)
        self.bars = ax.bar(x, np.zeros(N_MAX), color=COLORS["blue"], label=tr("softmax(scores / T)"))
        (self.ratio_marks,) = ax.plot(x, np.zeros(N_MAX), "_", color="black", ms=40, mew=2.5,
                                      label=tr("score / sum (plain division)"))
        ax.set_xticks(x, [tr("score {i}", i=i + 1) for i in x])
        ax.set_ylim(0, 1.25)
        ax.set_ylabel(tr("weight"))
        ax.legend(loc="upper right", fontsize=9, frameon=False, markerscale=0.4)
        self.value_texts = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=10) for i in x]
        self.info = ax.set_title("Tg\nTg", fontsize=10, loc="left")  # two lines reserved by the layout
        self.animated = [*self.bars, self.ratio_marks, *self.value_texts, self.info]

    def scores(self):
        return np.array([self.value(f"s{i + 1}") for i in range(self.value("n"))])

    def result(self):
        s, T = self.scores(), self.value("T")
        weights = ref.softmax_with_temperature(s, T)
        ratios = s / s.sum() if np.all(s > 0) else None
        return {"scores": s, "T": T, "weights": weights, "ratios": ratios, "entropy": float(ref.entropy(weights))}

    def _on_change(self, change):
        owner = change["owner"]
        if owner is self.controls["preset"] and change["new"] in PRESETS:
            values = PRESETS[change["new"]]
            self.set_quietly(n=len(values), **{f"s{i + 1}": v for i, v in enumerate(values)})
        elif owner is not None and owner is not self.controls["T"] and owner is not self.controls["preset"] \
                and PRESETS.get(self.controls["preset"].value) not in (None, tuple(self.scores())):
            self.controls["preset"].value = "(your own)"  # a score was dragged away from the preset
            return  # that change of the preset comes back here and redraws
        super()._on_change(change)

    def update(self):
        r = self.result()
        n, w = len(r["scores"]), r["weights"]
        ratios = np.full(N_MAX, np.nan)
        if r["ratios"] is not None:
            ratios[:n] = r["ratios"]
        for i, (bar, text) in enumerate(zip(self.bars, self.value_texts)):
            shown = i < n
            self.controls[f"s{i + 1}"].disabled = not shown  # sliders of hidden scores are greyed out
            bar.set_height(w[i] if shown else 0)
            text.set_text(f"{w[i]:.3g}" if shown else "")
            # above the bar, and above the black mark of plain division when that is higher or close
            top = w[i] if shown else 0
            if shown and np.isfinite(ratios[i]) and ratios[i] > top - 0.06:
                top = max(top, ratios[i])
            text.set_position((i, min(top, 1.12) + 0.025))
        self.ratio_marks.set_ydata(ratios)
        note = tr("the weights sum to 1")  # always two lines: the frozen layout made room for two
        if w.max() > 0.9999:
            note = tr("nearly all the weight is on the largest score (softmax → argmax)")
        elif r["ratios"] is None:
            note = tr("plain division is meaningless here: a score is ≤ 0")
        self.info.set_text(tr("T = {T:g}   entropy {h:.3f} nats (most: ln {n} = {most:.3f})", T=r["T"],
                              h=r["entropy"], n=n, most=np.log(n)) + "\n" + note)

    def layout(self):
        c = self.controls
        left = widgets.VBox([c["preset"], c["n"], c["T"]])
        right = widgets.VBox([c[f"s{i + 1}"] for i in range(N_MAX)])
        return widgets.VBox([widgets.HBox([left, right]), self.fig.canvas])


def explore_temperature():
    return TemperatureExplorer()


D_KS = tuple(2**i for i in range(10))  # 1 ... 512
N_PAIRS = 4000
N_KEYS = 10
RAW_TOP, SCALED_TOP = 0.15, 0.5  # the density axes' tops


def dot_product_samples(seed=3):
    """For each d in D_KS: q·k for N_PAIRS random pairs, and the mean softmax entropy over N_KEYS keys,
    unscaled and scaled by √d (components independent, mean 0, variance 1)."""
    rng = np.random.default_rng(seed)
    out = {}
    for d in D_KS:
        dots = np.einsum("ij,ij->i", rng.normal(size=(N_PAIRS, d)), rng.normal(size=(N_PAIRS, d)))
        scores = np.einsum("qd,qkd->qk", rng.normal(size=(400, d)), rng.normal(size=(400, N_KEYS, d)))
        out[d] = {
            "dots": dots,
            "entropy": float(ref.entropy(ref.softmax(scores)).mean()),
            "entropy_scaled": float(ref.entropy(ref.softmax(scores / np.sqrt(d))).mean()),
        }
    return out


@register_explorer
class ScalingExplorer(Explorer):
    """The distribution of q·k for random unit-variance vectors, unscaled and divided by √d_k."""

    name = "scaling"
    chapter = 3
    title = N_("why the scores are divided by √d_k")
    figsize = (9.4, 3.3)
    bench_values = tuple({"d_k": d} for d in D_KS)

    def build(self):
        self.samples = dot_product_samples()
        self.controls["d_k"] = widgets.SelectionSlider(options=D_KS, value=64, description="d_k",
                                                       style=SLIDER_STYLE, layout=control_layout("420px"))
        self.ax_raw, self.ax_scaled = self.fig.subplots(1, 2)
        self.edges_raw = np.linspace(-80, 80, 81)
        self.edges_scaled = np.linspace(-5, 5, 51)
        self.histograms = {  # computed once: a slider change only swaps them in
            d: (np.histogram(s["dots"], bins=self.edges_raw, density=True)[0],
                np.histogram(s["dots"] / np.sqrt(d), bins=self.edges_scaled, density=True)[0])
            for d, s in self.samples.items()}
        # one StepPatch per histogram: a single artist to redraw, not 130 bars
        self.hist_raw = self.ax_raw.stairs(np.zeros(80), self.edges_raw, fill=True, color=COLORS["vermillion"])
        self.hist_scaled = self.ax_scaled.stairs(np.zeros(50), self.edges_scaled, fill=True, color=COLORS["blue"])
        z = np.linspace(-5, 5, 200)
        self.ax_scaled.plot(z, np.exp(-z**2 / 2) / np.sqrt(2 * np.pi), color="black", lw=1,
                            label=tr("normal, variance 1"))
        self.ax_scaled.legend(loc="center right", fontsize=8, frameon=False)
        for ax in (self.ax_raw, self.ax_scaled):
            ax.set_xlabel(tr("score"))
            ax.set_ylabel(tr("density"))
        self.ax_raw.set_ylim(0, RAW_TOP)
        self.ax_scaled.set_ylim(0, SCALED_TOP)
        # The numbers go on a line above each panel, under its (static) title, where no histogram can
        # reach them; only the numbers are redrawn per change (text is the costly part of a frame).
        self.ax_raw.set_title(tr("q·k, unscaled (softmax over {n} keys)", n=N_KEYS), fontsize=10, pad=18)
        self.ax_scaled.set_title(tr("q·k / √d_k, scaled (entropy at most ln {n} = {most:.2f})", n=N_KEYS,
                                    most=np.log(N_KEYS)), fontsize=10, pad=18)
        line = dict(ha="center", va="bottom", fontsize=9)
        self.text_raw = self.ax_raw.text(0.5, 1.02, "Tg", transform=self.ax_raw.transAxes, **line)
        self.text_scaled = self.ax_scaled.text(0.5, 1.02, "Tg", transform=self.ax_scaled.transAxes, **line)
        # Notes about clipping sit in the left part of the panel, away from the peak in the middle.
        self.note_raw = self.ax_raw.text(0.02, 0.6, "", transform=self.ax_raw.transAxes, va="center", fontsize=8)
        self.note_scaled = self.ax_scaled.text(0.02, 0.6, "", transform=self.ax_scaled.transAxes, va="center",
                                               fontsize=8)
        self.animated = [self.hist_raw, self.hist_scaled, self.text_raw, self.text_scaled, self.note_raw,
                         self.note_scaled]

    def result(self):
        d = self.value("d_k")
        s = self.samples[d]
        return {"d_k": d, "variance": float(s["dots"].var()), "variance_scaled": float((s["dots"] / np.sqrt(d)).var()),
                "entropy": s["entropy"], "entropy_scaled": s["entropy_scaled"], "max_entropy": float(np.log(N_KEYS))}

    def update(self):
        r = self.result()
        dots = self.samples[r["d_k"]]["dots"]
        raw, scaled = self.histograms[r["d_k"]]
        self.hist_raw.set_data(np.minimum(raw, RAW_TOP))  # clipped at the axis top (the note says so)
        self.hist_scaled.set_data(np.minimum(scaled, SCALED_TOP))
        outside = np.mean(np.abs(dots) > 80)
        notes = [tr("{outside:.0%} of the scores\nare off this axis", outside=outside)] if outside > 0.005 else []
        if raw.max() > RAW_TOP:
            notes.append(tr("the peak is taller\nthan this axis"))
        self.note_raw.set_text("\n".join(notes))
        self.note_scaled.set_text(tr("the peak is taller\nthan this axis") if scaled.max() > SCALED_TOP else "")
        self.text_raw.set_text(tr("d_k = {d_k}: variance {variance:.1f}, entropy {entropy:.2f} nats", d_k=r["d_k"],
                                  variance=r["variance"], entropy=r["entropy"]))
        self.text_scaled.set_text(tr("variance {variance:.2f}, entropy {entropy:.2f} nats",
                                     variance=r["variance_scaled"], entropy=r["entropy_scaled"]))

    def layout(self):
        return widgets.VBox([self.controls["d_k"], self.fig.canvas])


def explore_scaling():
    return ScalingExplorer()
