"""Chapter 05: the two 苹果 sentences — swap context words and watch 苹果 move between 水果 and 手机."""
import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import reference as ref
from ..data import S1, S2, SENTENCES, embed, hand_projections, load_word_vectors
from ..i18n import N_, tr, translate
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["SelfAttentionExplorer", "explore_self_attention"]

VERBS = ["吃", "用", "喝", "充电"]  # the word at position 5 of both sentences
OTHERS = ["美味", "甜", "联系", "打电话"]  # the word at position 9
N_MAX = max(len(S1), len(S2))
MODES = {"Q = K = V = X": False, N_("X W_q, X W_k, X W_v (hand-made)"): True}


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@register_explorer
class SelfAttentionExplorer(Explorer):
    """Choose a sentence and swap its verb or its other content word; heatmap and 苹果's output move."""

    name = "self_attention"
    chapter = 5
    title = N_("self-attention on the two 苹果 sentences")
    figsize = (9.4, 4.3)
    bench_values = (
        [{"mode": m} for m in list(MODES)[::-1]]
        + [{"verb": v} for v in VERBS[1:] + VERBS[:1]]
        + [{"other": o} for o in OTHERS[1:] + OTHERS[:1]]
        + [{"sentence": s} for s in list(SENTENCES)[::-1]]
        + [{"mode": m} for m in MODES]
    )

    def build(self):
        words, _, dims, vectors = load_word_vectors()
        self.dims = dims
        self.food, self.tech = dims.index("food"), dims.index("technology")
        self.reference = {w: vectors[words.index(w)] for w in ("水果", "手机", "苹果")}
        self.W = hand_projections()
        wide = dict(style=SLIDER_STYLE, layout=control_layout("420px"))
        self.controls["sentence"] = widgets.Dropdown(options=list(SENTENCES), value=list(SENTENCES)[0],
                                                     description=tr("sentence"), **wide)
        self.controls["verb"] = widgets.Dropdown(options=VERBS, value="吃", description=tr("word 6 (verb)"),
                                                 style=SLIDER_STYLE, layout=control_layout("240px"))
        self.controls["other"] = widgets.Dropdown(options=OTHERS, value="美味", description=tr("word 10"),
                                                  style=SLIDER_STYLE, layout=control_layout("240px"))
        self.controls["mode"] = widgets.ToggleButtons(options=[(translate(m), m) for m in MODES], value=list(MODES)[1],
                                                      description="Q, K, V", style={"description_width": "60px", "button_width": "250px"})
        ax_h, ax_p = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        # both panels have a fixed aspect, for which constrained layout leaves no room above: keep a band
        self.fig.get_layout_engine().set(rect=(0, 0, 1, 0.95))
        self.im = ax_h.imshow(np.full((N_MAX, N_MAX), np.nan), cmap="viridis", vmin=0, vmax=0.6)
        self.fig.colorbar(self.im, ax=ax_h, shrink=0.8, label=tr("attention weight"))
        self.ax_h = ax_h
        # the widest word reserves room in the layout; the real labels are set in update()
        self.reserve_token_ticks(ax_h, N_MAX)
        ax_h.set_xlabel(tr("attends to (keys)"))
        ax_h.set_ylabel(tr("token (queries)"))
        self.row_box = ax_h.add_patch(Rectangle(
            (-0.5, 0), N_MAX, 1, fill=False, edgecolor=COLORS["vermillion"], lw=2))
        ax_p.set_xlabel(tr("food (dimension 1 of 6)"))
        ax_p.set_ylabel(tr("technology (dimension 2 of 6)"))
        ax_p.set_xlim(-0.05, 1.45)
        ax_p.set_ylim(-0.05, 1.45)
        ax_p.set_aspect("equal")
        for w, color in (("水果", COLORS["green"]), ("手机", COLORS["blue"]), ("苹果", COLORS["grey"])):
            v = self.reference[w]
            ax_p.plot(v[self.food], v[self.tech], "o", color=color, ms=9)
            ax_p.annotate(tr("{word} (before)", word=w) if w == "苹果" else w, (v[self.food], v[self.tech]),
                          xytext=(6, 4), textcoords="offset points", color=color)
        (self.after,) = ax_p.plot([], [], "*", color=COLORS["vermillion"], ms=16)
        (self.path,) = ax_p.plot([], [], "--", color=COLORS["vermillion"], lw=1)
        self.after_text = ax_p.annotate(tr("{word} after", word="苹果"), (0, 0), xytext=(6, -14),
                                        textcoords="offset points",
                                        color=COLORS["vermillion"])
        self.cos_text = ax_p.set_title("cos(苹果, 水果) 0.000    cos(苹果, 手机) 0.000", fontsize=10)
        self.animated = [self.im, self.row_box, self.after, self.path, self.after_text, self.cos_text]
        self.keyed = [ax_h.xaxis, ax_h.yaxis]  # the sentence's words

    def background_key(self):
        return tuple(self.tokens())  # the token labels are part of the (cached) background

    def tokens(self):
        tokens = list(SENTENCES[self.value("sentence")])
        tokens[5], tokens[9] = self.value("verb"), self.value("other")
        return tokens

    def _on_change(self, change):
        if change["owner"] is self.controls["sentence"]:
            original = SENTENCES[change["new"]]
            self.set_quietly(verb=original[5], other=original[9])
        super()._on_change(change)

    def result(self):
        tokens = self.tokens()
        X = embed(tokens)
        if MODES[self.value("mode")]:
            out, weights = ref.self_attention_qkv(X, *self.W)
        else:
            out, weights = ref.self_attention(X)
        i = tokens.index("苹果")
        return {"tokens": tokens, "weights": weights, "apple": out[i], "apple_row": weights[i],
                "cos_fruit": cosine(out[i], self.reference["水果"]), "cos_phone": cosine(out[i], self.reference["手机"])}

    def update(self):
        r = self.result()
        n = len(r["tokens"])
        grid = np.full((N_MAX, N_MAX), np.nan)
        grid[:n, :n] = r["weights"]
        self.im.set_data(grid)
        self.set_token_ticks([self.ax_h], r["tokens"], N_MAX)
        i = r["tokens"].index("苹果")
        self.row_box.set_y(i - 0.5)
        self.row_box.set_width(n)
        a = r["apple"]
        before = self.reference["苹果"]
        self.after.set_data([a[self.food]], [a[self.tech]])
        self.path.set_data([before[self.food], a[self.food]], [before[self.tech], a[self.tech]])
        self.after_text.xy = (a[self.food], a[self.tech])
        self.cos_text.set_text(f"cos(苹果, 水果) {r['cos_fruit']:.3f}    cos(苹果, 手机) {r['cos_phone']:.3f}")

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["sentence"], c["verb"], c["other"]]), c["mode"], self.fig.canvas])


def explore_self_attention():
    return SelfAttentionExplorer()
