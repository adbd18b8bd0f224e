"""Chapter 06: split the same hand-made weights into 1, 2, 3 or 6 heads and see what each head looks at."""
import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import reference as ref
from ..data import S1, S2, SENTENCES, embed, load_word_vectors, two_head_projections
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, dimension_label, register_explorer

__all__ = ["MultiHeadExplorer", "explore_multi_head"]

D_MODEL = 6
N_MAX = max(len(S1), len(S2))
HEAD_COLORS = [COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"], COLORS["sky"], COLORS["grey"]]


@register_explorer
class MultiHeadExplorer(Explorer):
    """Number of heads, which head to show: its heatmap, 苹果's row in every head, 苹果's output by head."""

    name = "multi_head"
    chapter = 6
    title = N_("multi-head attention on the 苹果 sentences")
    figsize = (9.4, 4.6)
    bench_values = (
        [{"head": 2}, {"head": 1}, {"n_heads": 6}]
        + [{"head": k} for k in (2, 3, 4, 6)]
        + [{"n_heads": 4}, {"n_heads": 5}, {"n_heads": 3}, {"n_heads": 1}, {"sentence": list(SENTENCES)[1]},
           {"n_heads": 2}, {"head": 2}, {"sentence": list(SENTENCES)[0]}]
    )

    def build(self):
        self.W = two_head_projections()
        _, _, self.dims, _ = load_word_vectors()
        self.controls["head"] = widgets.IntSlider(1, min=1, max=2, description=tr("show head"), style=SLIDER_STYLE,
                                                  layout=control_layout("300px"), continuous_update=True)
        heads = [(tr("1 head"), 1)] + [(tr("{h} heads", h=h), h) for h in range(2, 7)]
        self.controls["n_heads"] = widgets.Dropdown(options=heads,
                                                    value=2, description=tr("split into"), style=SLIDER_STYLE,
                                                    layout=control_layout("240px"))
        # two sentences: toggle buttons show both at once
        self.controls["sentence"] = widgets.ToggleButtons(options=list(SENTENCES), value=list(SENTENCES)[0],
                                                          description=tr("sentence"),
                                                          style={"description_width": "110px", "button_width": "290px"})
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1, 1.25], height_ratios=[1, 1])
        ax_h = self.fig.add_subplot(grid[:, 0])
        ax_r = self.fig.add_subplot(grid[0, 1])
        ax_o = self.fig.add_subplot(grid[1, 1])
        self.ax_h, self.ax_r = ax_h, ax_r
        self.im = ax_h.imshow(np.full((N_MAX, N_MAX), np.nan), cmap="viridis", vmin=0, vmax=1)
        self.fig.colorbar(self.im, ax=ax_h, shrink=0.7, label=tr("attention weight"))
        self.reserve_token_ticks(ax_h, N_MAX)  # the sentence's words are set in update()
        self.reserve_token_ticks(ax_r, N_MAX, axis="x")
        ax_h.set_xlabel(tr("attends to (keys)"))
        self.head_title = ax_h.set_title(tr("head {k} of {h}", k=1, h=2), fontsize=10)
        self.row_box = ax_h.add_patch(Rectangle((-0.5, 0), N_MAX, 1, fill=False, edgecolor=COLORS["vermillion"], lw=2))
        self.im_rows = ax_r.imshow(np.full((D_MODEL, N_MAX), np.nan), cmap="viridis", vmin=0, vmax=1, aspect="auto")
        ax_r.set_yticks(range(D_MODEL), [tr("head {k}", k=k + 1) for k in range(D_MODEL)], fontsize=8)
        ax_r.set_title(tr("苹果's weights in every head (rows)"), fontsize=10)
        self.head_box = ax_r.add_patch(Rectangle((-0.5, -0.5), N_MAX, 1, fill=False, edgecolor=COLORS["vermillion"], lw=2))
        self.note = ax_r.text(0.5, 0.5, "", transform=ax_r.transAxes, ha="center", va="center", fontsize=10,
                              wrap=True, bbox=dict(facecolor="white", edgecolor=COLORS["vermillion"]))
        self.bars = ax_o.bar(range(D_MODEL), np.zeros(D_MODEL), color=COLORS["grey"])
        ax_o.set_xticks(range(D_MODEL), [dimension_label(d) for d in self.dims], fontsize=8)
        ax_o.set_ylim(0, 1.3)
        ax_o.set_ylabel(tr("value"))
        ax_o.set_title(tr("苹果's output, Concat(heads) W_o: bar colour = head"), fontsize=10)
        self.animated = [self.im, self.row_box, self.head_title, self.im_rows, self.head_box, self.note, *self.bars]
        self.keyed = [ax_h.xaxis, ax_h.yaxis, ax_r.xaxis, ax_r.yaxis]  # the sentence's words, the heads' rows

    def background_key(self):
        # the token labels and the rows of the heads panel are part of the (cached) background
        h = self.value("n_heads")
        return self.value("sentence"), h if D_MODEL % h == 0 else D_MODEL

    def _on_change(self, change):
        if change["owner"] is self.controls["n_heads"] and D_MODEL % change["new"] == 0:
            self._quiet = True  # the slider's range follows the number of heads; that is not a change of its own
            try:
                self.controls["head"].max = change["new"]
            finally:
                self._quiet = False
        super()._on_change(change)

    def result(self):
        tokens = SENTENCES[self.value("sentence")]
        h = self.value("n_heads")
        r = {"tokens": tokens, "n_heads": h, "head": self.value("head"), "error": None}
        try:
            out, weights = ref.multi_head_attention(embed(tokens), *self.W, h)
        except ValueError as e:
            r["error"] = str(e)
            return r
        i = tokens.index("苹果")
        r.update(weights=weights, apple_rows=weights[:, i, :], apple_output=out[i], d_k=D_MODEL // h)
        return r

    def update(self):
        r = self.result()
        tokens, n, h = r["tokens"], len(r["tokens"]), r["n_heads"]
        self.set_token_ticks([self.ax_h], tokens, N_MAX)
        self.set_token_ticks([self.ax_r], tokens, N_MAX, axis="x")
        i = tokens.index("苹果")
        self.controls["head"].disabled = bool(r["error"])  # no head to show when the split is refused
        rows_shown = D_MODEL if r["error"] else h  # one row per head: 2 heads, 2 rows
        self.ax_r.set_ylim(rows_shown - 0.5, -0.5)
        if r["error"]:
            self.im.set_data(np.full((N_MAX, N_MAX), np.nan))
            self.im_rows.set_data(np.full((D_MODEL, N_MAX), np.nan))
            self.head_title.set_text(tr("{h} heads: refused", h=h))
            self.note.set_text(tr("{h} heads cannot share d_model = {d} columns equally\n"
                                  "({d} / {h} = {ratio:.2f}): ValueError.\nChoose 1, 2, 3 or 6 heads.",
                                  h=h, d=D_MODEL, ratio=D_MODEL / h))
            self.head_box.set_visible(False)
            self.row_box.set_visible(False)
            for bar in self.bars:
                bar.set_height(0)
            return
        self.note.set_text("")
        k = min(r["head"], h) - 1
        grid = np.full((N_MAX, N_MAX), np.nan)
        grid[:n, :n] = r["weights"][k]
        self.im.set_data(grid)
        d_k = r["d_k"]
        if d_k == 1:
            heading = tr("head {k} of {h}: column {first} of W_q, W_k, W_v", k=k + 1, h=h, first=k * d_k)
        else:
            heading = tr("head {k} of {h}: columns {first}–{last} of W_q, W_k, W_v", k=k + 1, h=h, first=k * d_k,
                         last=(k + 1) * d_k - 1)
        self.head_title.set_text(heading)
        self.row_box.set_visible(True)
        self.row_box.set_y(i - 0.5)
        self.row_box.set_width(n)
        rows = np.full((D_MODEL, N_MAX), np.nan)
        rows[:h, :n] = r["apple_rows"]
        self.im_rows.set_data(rows)
        self.head_box.set_visible(True)
        self.head_box.set_bounds(-0.5, k - 0.5, n, 1)
        for j, bar in enumerate(self.bars):
            bar.set_height(r["apple_output"][j])
            bar.set_color(HEAD_COLORS[j // d_k])
            bar.set_alpha(1.0 if j // d_k == k else 0.45)

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["head"], c["n_heads"]]), c["sentence"], self.fig.canvas])


def explore_multi_head():
    return MultiHeadExplorer()
