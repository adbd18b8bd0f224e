"""Chapter 09: a decoder step asking the encoder (cross-attention), and a colour query over image patches."""
import colorsys

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import reference as ref
from ..data import SOURCE, STATE_DIMS, TARGET, image_patches, load_image, translation_states
from ..i18n import N_, tr, translate
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["CrossAttentionExplorer", "ImageAttentionExplorer", "explore_cross_attention", "explore_image_attention"]

STEPS = {f"step {t + 1}: about to say '{word}'": t for t, word in enumerate(TARGET)}
SCORING = [N_("dot product"), N_("additive (untrained)")]


def additive_parameters(d=4, hidden=6, seed=9):
    """Random, untrained parameters for the additive score vᵀ tanh(W_h h + W_s s)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(hidden, d)), rng.normal(size=(hidden, d)), rng.normal(size=hidden)


def alignment(scoring, S, H):
    """The (target × source) weights: each decoder state's softmax over the encoder states."""
    if scoring == SCORING[0]:
        return np.stack([ref.cross_attention(h, S)[0] for h in H])
    W_h, W_s, v = additive_parameters(S.shape[1])
    return np.stack([ref.softmax(ref.additive_scores(h, S, W_h, W_s, v)) for h in H])


@register_explorer
class CrossAttentionExplorer(Explorer):
    """Pick the decoder step: its row of the alignment, the weights, and the context vector it receives."""

    name = "cross_attention"
    chapter = 9
    title = N_("cross-attention: 我是中国人 → I am Chinese")
    figsize = (9.4, 3.3)
    bench_values = ([{"step": s} for s in list(STEPS)[1:] + list(STEPS)[:1]]
                    + [{"scoring": SCORING[1]}] + [{"step": s} for s in list(STEPS)[1:]] + [{"scoring": SCORING[0]}])

    def build(self):
        self.S, self.H = translation_states()
        steps = [(tr("step {t}: about to say '{word}'", t=t + 1, word=TARGET[t]), key) for key, t in STEPS.items()]
        self.controls["step"] = widgets.Dropdown(options=steps, value=list(STEPS)[0], description=tr("decoder"),
                                                 style=SLIDER_STYLE, layout=control_layout("360px"))
        self.controls["scoring"] = widgets.ToggleButtons(options=[(translate(s), s) for s in SCORING], value=SCORING[0],
                                                         description=tr("scores"),
                                                         style={"description_width": "60px", "button_width": "160px"})
        ax_a, ax_w, ax_c = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.2, 1, 1]})
        m, T = len(SOURCE), len(TARGET)
        self.im = ax_a.imshow(np.zeros((T, m)), cmap="viridis", vmin=0, vmax=1)
        ax_a.set_xticks(range(m), SOURCE)
        ax_a.set_yticks(range(T), TARGET)
        ax_a.grid(False)
        ax_a.set_xlabel(tr("source (encoder)"))
        ax_a.set_title(tr("alignment (rows sum to 1)"), fontsize=10)
        self.row_box = ax_a.add_patch(Rectangle((-0.5, -0.5), m, 1, fill=False, edgecolor=COLORS["vermillion"], lw=2.5))
        self.bars = ax_w.bar(range(m), np.zeros(m), color=COLORS["blue"])
        self.bar_texts = [ax_w.text(j, 0, "", ha="center", va="bottom", fontsize=9) for j in range(m)]
        ax_w.set_xticks(range(m), SOURCE)
        ax_w.set_ylim(0, 1.08)
        ax_w.set_title(tr("this step's weights"), fontsize=10)
        self.ctx_bars = ax_c.bar(range(len(STATE_DIMS)), np.zeros(len(STATE_DIMS)), color=COLORS["green"])
        names = {"speaker": tr("speaker"), "be": tr("be"), "country": tr("country"), "person": tr("person")}
        ax_c.set_xticks(range(len(STATE_DIMS)), [names.get(d, d) for d in STATE_DIMS], fontsize=8)
        ax_c.set_ylim(0, 1.08)
        ax_c.set_title(tr("context vector = weights · S"), fontsize=10)
        self.animated = [self.im, self.row_box, *self.bars, *self.bar_texts, *self.ctx_bars]

    def result(self):
        t = STEPS[self.value("step")]
        A = alignment(self.value("scoring"), self.S, self.H)
        return {"step": t, "word": TARGET[t], "alignment": A, "weights": A[t], "context": A[t] @ self.S}

    def update(self):
        r = self.result()
        self.im.set_data(r["alignment"])
        self.row_box.set_y(r["step"] - 0.5)
        for bar, text, w in zip(self.bars, self.bar_texts, r["weights"]):
            bar.set_height(w)
            text.set_position((text.get_position()[0], w + 0.01))
            text.set_text(f"{w:.2f}")
        for bar, c in zip(self.ctx_bars, r["context"]):
            bar.set_height(c)

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["step"], c["scoring"]]), self.fig.canvas])


# --- attention over an image -----------------------------------------------------------------

PATCH = 8
SCORES = [N_("−distance² (how alike)"), N_("dot product (how bright)")]


def hue_colour(hue):
    """The query colour for a hue in degrees (saturated, fairly bright)."""
    return np.array(colorsys.hsv_to_rgb((hue % 360) / 360.0, 0.85, 0.8))


def patch_weights(patches, query, temperature, score=SCORES[0]):
    """Softmax over all patches of their score against the query colour, divided by the temperature."""
    flat = patches.reshape(-1, 3)
    if score == SCORES[0]:
        s = -np.sum((flat - query) ** 2, axis=1)
    else:
        s = flat @ query
    return ref.softmax(s / temperature).reshape(patches.shape[:2])


@register_explorer
class ImageAttentionExplorer(Explorer):
    """Drag the query colour (and the temperature): the attention weights over the patches move across the image."""

    name = "image_attention"
    chapter = 9
    title = N_("attention over image patches")
    figsize = (8.4, 3.6)
    bench_values = ([{"hue": h} for h in (20, 60, 120, 200, 230, 300, 0)]
                    + [{"temperature": t} for t in (0.01, 0.3, 0.05)] + [{"score": SCORES[1]}, {"hue": 120},
                                                                         {"score": SCORES[0]}])

    def build(self):
        self.image = load_image()
        self.patches = image_patches(self.image, PATCH)
        slider = dict(style=SLIDER_STYLE, layout=control_layout("330px"), continuous_update=True)
        self.controls["hue"] = widgets.IntSlider(0, min=0, max=359, step=5, description=tr("query hue (°)"), **slider)
        self.controls["temperature"] = widgets.FloatLogSlider(0.05, base=10, min=-2.5, max=0, step=0.1,
                                                               description=tr("temperature"), readout_format=".3f",
                                                               **slider)
        self.controls["score"] = widgets.ToggleButtons(options=[(translate(s), s) for s in SCORES], value=SCORES[0],
                                                       description=tr("score"),
                                                       style={"description_width": "60px", "button_width": "190px"})
        ax_i, ax_q = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
        H, W, _ = self.image.shape
        ax_i.imshow(self.image, extent=(0, W, H, 0), interpolation="nearest")
        rows, cols = self.patches.shape[:2]
        # a spotlight: patches with little weight are darkened, the attended ones stay lit
        self.heat = ax_i.imshow(np.zeros((rows, cols, 4)), extent=(0, W, H, 0), interpolation="nearest")
        ax_i.set_xticks(np.arange(0, W + 1, 32))
        ax_i.set_yticks(np.arange(0, H + 1, 32))
        ax_i.grid(False)
        ax_i.set_xlabel(tr("{cols} × {rows} patches of {size} × {size} pixels", cols=cols, rows=rows, size=PATCH))
        self.best = ax_i.add_patch(Rectangle((0, 0), PATCH, PATCH, fill=False, edgecolor="white", lw=2))
        ax_i.set_title(tr("where attention goes (dark = little weight)"), fontsize=10)
        ax_q.set_xlim(0, 1)
        ax_q.set_ylim(0, 2.2)
        ax_q.axis("off")
        self.query_swatch = ax_q.add_patch(Rectangle((0.1, 1.2), 0.8, 0.8, color="red"))
        self.context_swatch = ax_q.add_patch(Rectangle((0.1, 0.1), 0.8, 0.8, color="grey"))
        ax_q.text(0.5, 2.05, tr("query colour"), ha="center", fontsize=9)
        ax_q.text(0.5, 0.95, tr("what attention returns"), ha="center", fontsize=9)
        self.top_text = ax_q.text(0.5, -0.05, "", ha="center", va="top", fontsize=9)
        self.animated = [self.heat, self.best, self.query_swatch, self.context_swatch, self.top_text]

    def result(self):
        query = hue_colour(self.value("hue"))
        weights = patch_weights(self.patches, query, self.value("temperature"), self.value("score"))
        r, c = np.unravel_index(np.argmax(weights), weights.shape)
        context = weights.reshape(-1) @ self.patches.reshape(-1, 3)
        return {"query": query, "weights": weights, "best": (int(r), int(c)), "top_weight": float(weights.max()),
                "context": context}

    def update(self):
        res = self.result()
        shade = np.zeros(res["weights"].shape + (4,))
        shade[..., 3] = 0.8 * (1 - res["weights"] / res["weights"].max())
        self.heat.set_data(shade)
        r, c = res["best"]
        self.best.set_xy((c * PATCH, r * PATCH))
        self.query_swatch.set_color(res["query"])
        self.context_swatch.set_color(np.clip(res["context"], 0, 1))
        self.top_text.set_text(tr("top patch: {weight:.3f}", weight=res["top_weight"]))

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["hue"], c["temperature"]]), c["score"], self.fig.canvas])


def explore_cross_attention():
    return CrossAttentionExplorer()


def explore_image_attention():
    return ImageAttentionExplorer()
