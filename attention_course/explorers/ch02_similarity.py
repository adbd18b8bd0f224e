"""Chapter 02: drag a 2-D query among four keys; see each key's score and softmax weight."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..i18n import N_, tr, translate
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["SimilarityExplorer", "explore_similarity"]

KEYS = np.array([[1.0, 0.0], [3.0, 3.0], [-1.0, 2.0], [0.5, -2.0]])
KEY_NAMES = ["k1", "k2", "k3", "k4"]
KEY_COLORS = [COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"]]
# a fixed small perceptron for the additive score (hidden size 3)
_RNG = np.random.default_rng(20)
W_Q, W_K, V = _RNG.normal(size=(3, 2)), _RNG.normal(size=(3, 2)), _RNG.normal(size=3)

SCORES = {
    N_("dot product q·k"): (lambda q, K: ref.dot_scores(q, K), (-20, 20)),
    N_("cosine similarity"): (lambda q, K: ref.cosine_scores(q, K), (-1.1, 1.1)),
    "−|q − k|²": (lambda q, K: ref.neg_sq_distance_scores(q, K), (-72, 3)),  # lowest: −67.94 (q at 4, 225°)
    N_("additive vᵀtanh(W_q q + W_k k)"): (lambda q, K: ref.additive_scores(q, K, W_Q, W_K, V), (-3, 3)),
}


@register_explorer
class SimilarityExplorer(Explorer):
    """A query vector (angle, length) among four fixed keys; scores and weights per key."""

    name = "similarity"
    chapter = 2
    title = N_("a query among four keys: scores and weights")
    figsize = (9.4, 3.6)
    bench_values = (
        [{"angle": a} for a in range(0, 360, 30)]
        + [{"length": r} for r in (0.1, 1.0, 2.5, 4.0)]
        + [{"score": name} for name in SCORES]
    )

    def __init__(self, choose_score=True, interactive=None):
        self.choose_score = choose_score
        super().__init__(interactive=interactive)

    def build(self):
        slider = dict(style=SLIDER_STYLE, layout=control_layout(), continuous_update=True)
        self.controls["angle"] = widgets.FloatSlider(30, min=0, max=355, step=5, description=tr("query angle (°)"),
                                                     **slider)
        self.controls["length"] = widgets.FloatSlider(2.0, min=0.1, max=4, step=0.1, description=tr("query length"),
                                                      **slider)
        self.controls["score"] = widgets.Dropdown(options=[(translate(k), k) for k in SCORES], value="dot product q·k",
                                                  description=tr("score"),
                                                  style=SLIDER_STYLE, layout=control_layout("360px"),
                                                  disabled=not self.choose_score)
        ax, self.ax_scores, self.ax_weights = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1, 1]})
        self.ax_vectors = ax
        ax.set_aspect("equal")
        ax.set_xlim(-4.2, 4.2)
        ax.set_ylim(-4.2, 4.2)
        ax.set_title(tr("vectors"))
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        for k, name, color in zip(KEYS, KEY_NAMES, KEY_COLORS):
            ax.annotate("", xy=k, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=color, lw=2))
            ax.annotate(name, xy=k, xytext=(4, 4), textcoords="offset points", color=color, fontsize=11)
        self.query_arrow = ax.annotate("", xy=(1, 1), xytext=(0, 0),
                                       arrowprops=dict(arrowstyle="-|>", color=COLORS["black"], lw=2.5))
        self.query_label = ax.annotate("q", xy=(1, 1), xytext=(4, 4), textcoords="offset points", fontsize=13)
        x = np.arange(len(KEYS))
        self.score_bars = self.ax_scores.bar(x, np.zeros(len(KEYS)), color=KEY_COLORS)
        self.ax_scores.set_xticks(x, KEY_NAMES)
        self.score_zero = self.ax_scores.axhline(0, color="grey", lw=0.6)
        self.weight_bars = self.ax_weights.bar(x, np.zeros(len(KEYS)), color=KEY_COLORS)
        (self.dot_marks,) = self.ax_weights.plot(x, np.zeros(len(KEYS)), "_", color="black", ms=28, mew=2,
                                                 label=tr("weights of the dot product"))
        self.dot_marks.set_visible(self.choose_score)
        self.ax_weights.set_xticks(x, KEY_NAMES)
        self.ax_weights.set_ylim(0, 1.05)
        self.ax_weights.set_title(tr("softmax weights\n(black lines: the dot product's)") if self.choose_score
                                  else tr("softmax weights"), fontsize=10)
        self.score_texts = [self.ax_scores.text(i, 0, "", ha="center", fontsize=9) for i in x]
        self.animated = [self.query_arrow, self.query_label, *self.score_bars, *self.weight_bars, self.dot_marks,
                         *self.score_texts]
        # what a score function changes: the scores' y axis (limits, ticks, grid), its zero line, its title
        self.keyed = [self.ax_scores.yaxis, self.score_zero, self.ax_scores.title]
        self._set_score_axes()

    def _set_score_axes(self):
        name = self.value("score")
        self.ax_scores.set_ylim(*SCORES[name][1])
        self.ax_scores.set_title(tr("scores: {name}", name=translate(name)), fontsize=10)

    def background_key(self):
        return self.value("score")

    def _on_change(self, change):
        if change["owner"] is self.controls["score"]:
            self._set_score_axes()
        super()._on_change(change)

    def query(self):
        a = np.deg2rad(self.value("angle"))
        return self.value("length") * np.array([np.cos(a), np.sin(a)])

    def result(self):
        """Scores and softmax weights of the chosen score function, and the dot product's weights."""
        q = self.query()
        scores = SCORES[self.value("score")][0](q, KEYS)
        return {"query": q, "scores": scores, "weights": ref.softmax(scores),
                "dot_weights": ref.softmax(ref.dot_scores(q, KEYS))}

    def update(self):
        r = self.result()
        q = r["query"]
        self.query_arrow.xy = tuple(q)
        self._place_query_label(q)
        low, high = SCORES[self.value("score")][1]
        for bar, text, s, w, i in zip(self.score_bars, self.score_texts, r["scores"], r["weights"], range(4)):
            bar.set_height(s)
            text.set_text(f"{s:.2f}".replace("-0.00", "0.00"))
            y = s + (0.02 if s >= 0 else -0.08) * (high - low)
            text.set_position((i, min(max(y, low + 0.02 * (high - low)), high - 0.08 * (high - low))))
        for bar, w in zip(self.weight_bars, r["weights"]):
            bar.set_height(w)
        self.dot_marks.set_ydata(r["dot_weights"])

    def _place_query_label(self, q):
        """Put "q" just beyond the arrow's tip, along its direction; beside the tip instead when a key's tip
        (and its label) is close by."""
        length = max(np.linalg.norm(q), 1e-9)
        u = q / length
        if np.min(np.linalg.norm(KEYS - q, axis=1)) < 0.9:
            # turned a quarter, towards the lower left: away from the key's label (above-right of its tip)
            u = min((np.array([u[1], -u[0]]), np.array([-u[1], u[0]])), key=lambda p: p[0] + p[1])
        self.query_label.xy = tuple(q)
        self.query_label.xyann = tuple(9 * u)
        self.query_label.set_ha("left" if u[0] > 0.35 else "right" if u[0] < -0.35 else "center")
        self.query_label.set_va("bottom" if u[1] > 0.35 else "top" if u[1] < -0.35 else "center")

    def layout(self):
        controls = [self.controls["angle"], self.controls["length"]]
        if self.choose_score:
            controls.append(self.controls["score"])
        return widgets.VBox([widgets.HBox(controls[:2]), *controls[2:], self.fig.canvas])


def explore_similarity(choose_score=False):
    """Chapter 02's explorer: the dot product only, or (choose_score=True) any of four score functions."""
    return SimilarityExplorer(choose_score=choose_score)
