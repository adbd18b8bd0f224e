"""Chapter 11: stack chapter 05's attention layer 1…12 times on a 苹果 sentence, with and without residual
connections and LayerNorm, and watch how alike the tokens become (over-smoothing)."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..data import S1, S2, SENTENCES, embed, hand_projections
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["OverSmoothingExplorer", "explore_over_smoothing"]

MAX_LAYERS = 12
N_MAX = max(len(S1), len(S2))
NORMS = ("off", "pre", "post")


def _attention_layer(X):
    """Chapter 05's self-attention with the hand-made projections (W_v = identity): (n, d) -> (n, d)."""
    W_q, W_k, W_v = hand_projections()
    return ref.scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v)[0]


def _layer_norm(X):
    d = X.shape[-1]
    return ref.layer_norm(X, np.ones(d), np.zeros(d))


def _step(X, residual, norm):
    """One layer: attention, with an optional residual connection and LayerNorm before (pre) or after (post)."""
    Y = _attention_layer(_layer_norm(X) if norm == "pre" else X)
    if residual:
        Y = X + Y
    return _layer_norm(Y) if norm == "post" else Y


def stack_states(tokens, residual=False, norm="off", layers=MAX_LAYERS):
    """The token vectors after 0, 1, …, ``layers`` layers: a list of (n, d) arrays (0 = the word vectors)."""
    X = embed(tokens)
    states = [X]
    for _ in range(layers):
        X = _step(X, residual, norm)
        states.append(X)
    return states


def cosine_matrix(X):
    U = X / np.linalg.norm(X, axis=-1, keepdims=True)
    return U @ U.T


def mean_pairwise_cosine(X):
    """The mean cosine similarity over all pairs of different tokens."""
    i, j = np.triu_indices(len(X), k=1)
    return float(cosine_matrix(X)[i, j].mean())


def _label(residual, norm):
    if not residual and norm == "off":
        return tr("attention only")
    parts = [tr("attention")] + ([tr("residual")] if residual else []) + \
        ([tr("pre-LN")] if norm == "pre" else [tr("post-LN")] if norm == "post" else [])
    return " + ".join(parts)


@register_explorer
class OverSmoothingExplorer(Explorer):
    """Layers 1…12, residual on/off, LayerNorm off/pre/post: the tokens' cosine similarities and their mean."""

    name = "over_smoothing"
    chapter = 11
    title = N_("stacked attention layers: how alike the tokens become")
    figsize = (9.2, 4.6)
    bench_values = (
        {"layers": 2}, {"layers": 3}, {"residual": True}, {"layers": 6}, {"norm": "pre"}, {"layers": 12},
        {"norm": "post"}, {"residual": False}, {"layers": 4}, {"norm": "off"}, {"sentence": list(SENTENCES)[1]},
        {"layers": 1}, {"residual": True}, {"norm": "pre"}, {"layers": 9}, {"sentence": list(SENTENCES)[0]},
        {"norm": "off"}, {"residual": False}, {"layers": 3},
    )

    def build(self):
        # everything the figure can show, computed once: 2 sentences x 2 x 3 variants x 13 states
        self.table = {}
        for label, tokens in SENTENCES.items():
            for residual in (False, True):
                for norm in NORMS:
                    states = stack_states(tokens, residual, norm)
                    self.table[label, residual, norm] = {
                        "similarity": [cosine_matrix(X) for X in states],
                        "mean_cosine": np.array([mean_pairwise_cosine(X) for X in states]),
                        "mean_norm": np.array([np.linalg.norm(X, axis=-1).mean() for X in states]),
                    }
        self.controls["layers"] = widgets.IntSlider(1, min=1, max=MAX_LAYERS, description=tr("layers"),
                                                    style=SLIDER_STYLE, layout=control_layout("330px"))
        self.controls["residual"] = widgets.ToggleButtons(options=[(tr("off"), False), (tr("on"), True)],
                                                          value=False, description=tr("residual"),
                                                          style={"description_width": "110px", "button_width": "60px"})
        self.controls["norm"] = widgets.ToggleButtons(options=[(tr("off"), "off"), ("pre-LN", "pre"),
                                                               ("post-LN", "post")], value="off",
                                                      description="LayerNorm",
                                                      style={"description_width": "90px", "button_width": "70px"})
        self.controls["sentence"] = widgets.ToggleButtons(options=list(SENTENCES), value=list(SENTENCES)[0],
                                                          description=tr("sentence"),
                                                          style={"description_width": "110px",
                                                                 "button_width": "290px"})
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.1, 1])
        ax_h = self.fig.add_subplot(grid[:, 0])
        ax_c = self.fig.add_subplot(grid[0, 1])
        ax_n = self.fig.add_subplot(grid[1, 1], sharex=ax_c)
        self.ax_h = ax_h
        # a mesh of 12 x 12 cells: far cheaper to redraw than an image resampled to the screen
        edges = np.arange(N_MAX + 1) - 0.5
        self.im = ax_h.pcolormesh(edges, edges, np.ma.masked_all((N_MAX, N_MAX)), cmap="viridis", vmin=-1, vmax=1)
        ax_h.set_xlim(-0.5, N_MAX - 0.5)
        ax_h.set_ylim(N_MAX - 0.5, -0.5)  # first token at the top, as in a matrix
        ax_h.set_aspect("equal")
        self.fig.colorbar(self.im, ax=ax_h, shrink=0.75, label=tr("cosine similarity"))
        self.reserve_token_ticks(ax_h, N_MAX)
        self.heading = ax_h.set_title(" \n ", fontsize=10)  # two lines: the stack, then its numbers

        layers = np.arange(MAX_LAYERS + 1)
        self.others_c = [ax_c.plot(layers, np.zeros_like(layers, dtype=float), color=COLORS["grey"], lw=1,
                                   alpha=0.35)[0] for _ in range(6)]
        self.others_n = [ax_n.plot(layers, np.ones_like(layers, dtype=float), color=COLORS["grey"], lw=1,
                                   alpha=0.35)[0] for _ in range(6)]
        self.curve_c, = ax_c.plot(layers, np.zeros_like(layers, dtype=float), "-o", color=COLORS["blue"], lw=2, ms=3)
        self.curve_n, = ax_n.plot(layers, np.ones_like(layers, dtype=float), "-o", color=COLORS["blue"], lw=2, ms=3)
        self.dot_c, = ax_c.plot([0], [0], "o", color=COLORS["vermillion"], ms=8)
        self.dot_n, = ax_n.plot([0], [1], "o", color=COLORS["vermillion"], ms=8)
        ax_c.set_ylim(-0.05, 1.08)
        ax_c.set_ylabel(tr("mean cosine"))
        ax_c.set_title(tr("how alike: mean pairwise cosine"), fontsize=10)
        ax_c.tick_params(labelbottom=False)
        ax_n.set_yscale("log")
        ax_n.set_ylim(0.3, 2e4)
        ax_n.set_xlim(-0.4, MAX_LAYERS + 0.4)
        ax_n.set_xticks(range(0, MAX_LAYERS + 1, 2))
        ax_n.set_xlabel(tr("layers"))
        ax_n.set_ylabel(tr("mean ‖x‖"))
        ax_n.set_title(tr("how large: mean length of a token vector"), fontsize=10)
        self.animated = [self.im, self.heading, self.curve_c, self.curve_n, self.dot_c, self.dot_n]
        self.keyed = [ax_h.xaxis, ax_h.yaxis, *self.others_c, *self.others_n]  # they change with the sentence

    def background_key(self):
        return self.value("sentence")  # the token labels and the grey curves of the other variants

    def result(self):
        label, residual, norm, layers = (self.value(k) for k in ("sentence", "residual", "norm", "layers"))
        entry = self.table[label, residual, norm]
        return {"sentence": label, "tokens": SENTENCES[label], "layers": layers, "residual": residual, "norm": norm,
                "variant": _label(residual, norm), "similarity": entry["similarity"][layers],
                "mean_cosine": float(entry["mean_cosine"][layers]), "mean_norm": float(entry["mean_norm"][layers]),
                "curve": entry["mean_cosine"], "norms": entry["mean_norm"]}

    def update(self):
        r = self.result()
        tokens, n, layers = r["tokens"], len(r["tokens"]), r["layers"]
        self.set_token_ticks([self.ax_h], tokens, N_MAX)
        grid = np.ma.masked_all((N_MAX, N_MAX))
        grid[:n, :n] = r["similarity"]
        self.im.set_array(grid)
        # one text artist for the stack and its numbers: every text drawn costs several milliseconds
        if layers == 1:
            stack = tr("after 1 layer: {variant}", variant=r["variant"])
        else:
            stack = tr("after {layers} layers: {variant}", layers=layers, variant=r["variant"])
        numbers = tr("mean cosine {cosine:.3f}, mean ‖x‖ {norm:.3g}", cosine=r["mean_cosine"], norm=r["mean_norm"])
        self.heading.set_text(stack + "\n" + numbers)
        variants = [(res, norm) for res in (False, True) for norm in NORMS]  # all six in grey: they change only
        for line_c, line_n, key in zip(self.others_c, self.others_n, variants):  # with the sentence
            entry = self.table[r["sentence"], *key]
            line_c.set_ydata(entry["mean_cosine"])
            line_n.set_ydata(entry["mean_norm"])
        self.curve_c.set_ydata(r["curve"])
        self.curve_n.set_ydata(r["norms"])
        self.dot_c.set_data([layers], [r["mean_cosine"]])
        self.dot_n.set_data([layers], [r["mean_norm"]])

    def layout(self):
        c = self.controls
        return widgets.VBox([c["layers"], widgets.HBox([c["residual"], c["norm"]]), c["sentence"], self.fig.canvas])


def explore_over_smoothing():
    return OverSmoothingExplorer()
