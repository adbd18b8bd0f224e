"""Chapter 04: edit a small Q, K and V; the scores, the weights and the outputs move together."""
import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import reference as ref
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["QKVExplorer", "explore_qkv"]

Q0 = np.array([[1.0, 0.0], [0.0, 1.5], [1.0, 1.0]])
K0 = np.array([[2.0, 0.0], [0.0, 2.0], [-1.5, 0.5], [1.0, -1.0]])
V0 = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
ROWS = [f"q{i + 1}" for i in range(3)] + [f"k{i + 1}" for i in range(4)] + [f"v{i + 1}" for i in range(4)]
KEY_COLORS = [COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"]]


@register_explorer
class QKVExplorer(Explorer):
    """Three queries, four keys, four values (2-D); pick a row and drag its two numbers."""

    name = "qkv"
    chapter = 4
    title = N_("queries, keys and values")
    figsize = (9.4, 3.4)
    bench_values = (
        [{"x": x} for x in (-2.0, -1.0, 0.0, 1.5, 3.0)]
        + [{"row": "k2"}, {"y": -2.0}, {"y": 2.5}, {"row": "v3"}, {"x": 2.0}, {"y": -2.0}, {"row": "q3"}, {"y": 0.0}]
    )

    def build(self):
        self.M = {"q": Q0.copy(), "k": K0.copy(), "v": V0.copy()}
        slider = dict(style=SLIDER_STYLE, layout=control_layout("300px"), continuous_update=True)
        self.controls["row"] = widgets.Dropdown(options=ROWS, value="q1", description=tr("edit row"),
                                                style=SLIDER_STYLE, layout=control_layout("220px"))
        self.controls["x"] = widgets.FloatSlider(1.0, min=-3, max=3, step=0.1, description=tr("first number"), **slider)
        self.controls["y"] = widgets.FloatSlider(0.0, min=-3, max=3, step=0.1, description=tr("second number"),
                                                 **slider)
        ax_s, ax_w, ax_v = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.1]})
        # meshes, not images: a 3 × 4 mesh draws in a fraction of a resampled image's time
        edges_x, edges_y = np.arange(5) - 0.5, np.arange(4) - 0.5
        self.im_scores = ax_s.pcolormesh(edges_x, edges_y, np.zeros((3, 4)), cmap="cividis", vmin=-6, vmax=6)
        self.im_weights = ax_w.pcolormesh(edges_x, edges_y, np.zeros((3, 4)), cmap="viridis", vmin=0, vmax=1)
        for ax, title in ((ax_s, tr("scores Q Kᵀ / √d_k")), (ax_w, tr("weights (rows sum to 1)"))):
            ax.set_aspect("equal")
            ax.invert_yaxis()  # q1 on top, as in the matrix
            ax.set_xticks(range(4), [f"k{j + 1}" for j in range(4)])
            ax.set_yticks(range(3), [f"q{i + 1}" for i in range(3)])
            ax.grid(False)
            ax.set_title(title, fontsize=10)
        self.fig.colorbar(self.im_scores, ax=ax_s, shrink=0.8)
        self.fig.colorbar(self.im_weights, ax=ax_w, shrink=0.8)
        self.weight_texts = [[ax_w.text(j, i, "", ha="center", va="center", fontsize=8) for j in range(4)]
                             for i in range(3)]
        ax_v.set_xlim(-3.2, 3.2)
        ax_v.set_ylim(-3.2, 3.2)
        ax_v.set_aspect("equal")
        ax_v.set_title(tr("values (colours) and outputs (black)"), fontsize=10)
        self.values = ax_v.scatter(*V0.T, c=KEY_COLORS, s=60, zorder=3)
        self.outputs = [ax_v.plot([], [], ls="", marker=m, color="black", ms=8, zorder=4)[0] for m in "^sX"]
        handles = [Line2D([], [], ls="", marker="o", color=c, label=f"v{j + 1}") for j, c in enumerate(KEY_COLORS)]
        handles += [Line2D([], [], ls="", marker=m, color="black", label=f"o{i + 1}") for i, m in enumerate("^sX")]
        ax_v.legend(handles=handles, fontsize=8, ncols=2, loc="upper left", frameon=False, handletextpad=0.1,
                    columnspacing=0.6)
        # the row being edited: outlined in the weights (a query's row or a key's column) or ringed (a value)
        self.selection = ax_w.add_patch(Rectangle((-0.5, -0.5), 4, 1, fill=False, edgecolor=COLORS["vermillion"], lw=2.5))
        (self.value_ring,) = ax_v.plot([], [], "o", ms=16, mfc="none", mec=COLORS["vermillion"], mew=2)
        self.animated = [self.im_scores, self.im_weights, *np.ravel(self.weight_texts), self.selection,
                         self.values, *self.outputs, self.value_ring]

    def _selected(self):
        row = self.value("row")
        return self.M[row[0]], int(row[1:]) - 1

    def _on_change(self, change):
        matrix, i = self._selected()
        if change["owner"] is self.controls["row"]:
            self.set_quietly(x=float(matrix[i][0]), y=float(matrix[i][1]))
        else:
            matrix[i] = [self.value("x"), self.value("y")]
        super()._on_change(change)

    def result(self):
        Q, K, V = self.M["q"], self.M["k"], self.M["v"]
        out, weights = ref.scaled_dot_product_attention(Q, K, V)
        return {"Q": Q.copy(), "K": K.copy(), "V": V.copy(), "scores": Q @ K.T / np.sqrt(Q.shape[1]),
                "weights": weights, "output": out}

    def update(self):
        r = self.result()
        self.im_scores.set_array(r["scores"])
        self.im_weights.set_array(r["weights"])
        for i in range(3):
            for j in range(4):
                w = r["weights"][i, j]
                self.weight_texts[i][j].set_text(f"{w:.2f}")
                self.weight_texts[i][j].set_color("black" if w > 0.6 else "white")
        kind, i = self.value("row")[0], int(self.value("row")[1:]) - 1
        self.selection.set_visible(kind in "qk")
        if kind == "q":
            self.selection.set_bounds(-0.5, i - 0.5, 4, 1)
        elif kind == "k":
            self.selection.set_bounds(i - 0.5, -0.5, 1, 3)
        self.value_ring.set_data(([r["V"][i, 0]], [r["V"][i, 1]]) if kind == "v" else ([], []))
        self.values.set_offsets(r["V"])
        for marker, o in zip(self.outputs, r["output"]):
            marker.set_data([o[0]], [o[1]])

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["row"], c["x"], c["y"]]), self.fig.canvas])


def explore_qkv():
    return QKVExplorer()
