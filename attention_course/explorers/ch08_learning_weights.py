"""Chapter 08: replay training step by step, and ask the trained model about a sentence of your own."""
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .. import learning
from ..data import FRUIT, PHONE, apple_sentences, embed, load_word_vectors, make_batch
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, dimension_label, register_explorer

__all__ = ["TrainingExplorer", "explore_training"]

STEPS, EVERY = 300, 10
L_MAX = 10  # the longest sentence the right-hand panel shows
SHOWN_WORDS = ["削", "洗", "吃", "拍照", "下载", "联系"]  # held-out sentences in the replay heatmap
SHOWN = len(SHOWN_WORDS)
DEFAULT_SENTENCE = "我 买 了 一个 新 的 苹果"


@lru_cache(maxsize=1)
def trained():
    """(history, train sentences, held-out sentences): the chapter's training run (0.2 s, cached)."""
    train, held_out = apple_sentences()
    _, history = learning.train(make_batch(train), make_batch(held_out), steps=STEPS, lr=0.5, every=EVERY)
    return history, train, held_out


def looks_for(params):
    """What 苹果's query rewards in a key, per word-vector dimension: W_k q with q = x_苹果 W_q."""
    return params["W_k"] @ (embed(["苹果"])[0] @ params["W_q"])


@register_explorer
class TrainingExplorer(Explorer):
    """A slider over the training steps, and a sentence to type; everything shows the model at that step."""

    name = "training"
    chapter = 8
    title = N_("learning W_q, W_k, W_v")
    figsize = (9.4, 6.2)
    bench_values = ([{"step": s} for s in (0, 10, 20, 30, 50, 100, 200, 300)]
                    + [{"sentence": t} for t in ("他 用 苹果 拍照", "我 吃 香蕉", "我 喝 水", DEFAULT_SENTENCE)]
                    + [{"step": s} for s in (40, 0, 300)])

    def build(self):
        self.history, _, held_out = trained()
        self.words, _, self.dims, _ = load_word_vectors()
        # one held-out sentence per deciding word (削 peel, 拍照 take photos and 下载 download never occur in training)
        self.shown = [next(s for s in held_out if word in s[0]) for word in SHOWN_WORDS]
        self.shown_batch = make_batch(self.shown)
        self.controls["step"] = widgets.IntSlider(STEPS, min=0, max=STEPS, step=EVERY, description=tr("training step"),
                                                  style=SLIDER_STYLE, layout=control_layout("420px"),
                                                  continuous_update=True)
        self.controls["sentence"] = widgets.Text(DEFAULT_SENTENCE, description=tr("your sentence"), style=SLIDER_STYLE,
                                                 layout=control_layout("420px"), continuous_update=False)
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1, 1])
        ax_h, ax_c = self.fig.add_subplot(grid[0, 0]), self.fig.add_subplot(grid[0, 1])
        ax_s, ax_u = self.fig.add_subplot(grid[1, 0]), self.fig.add_subplot(grid[1, 1])
        L = self.shown_batch["X"].shape[1]
        # A mesh, not an image (60 cells redraw in ~1 ms; a resampled image this size takes ~9 ms). Each
        # sentence is a band of coloured cells with its words just below, in an empty (nan) band: the words
        # belong to the static background, and the moving cells never cover them.
        edges = np.append(np.ravel([[r - 0.5, r + 0.05] for r in range(SHOWN)]), SHOWN - 0.5)
        self.im = ax_h.pcolormesh(np.arange(L + 1) - 0.5, edges, np.full((2 * SHOWN, L), np.nan),
                                  cmap="viridis", vmin=0, vmax=0.6)
        ax_h.set_ylim(SHOWN - 0.5, -0.5)
        for r, (tokens, label) in enumerate(self.shown):
            for j, t in enumerate(tokens):
                ax_h.text(j, r + 0.27, t, ha="center", va="center", fontsize=8)
        names = {FRUIT: tr("fruit"), PHONE: tr("phone")}  # the sentences' labels (data.LABELS), as a student reads them
        ax_h.set_yticks(np.arange(SHOWN) - 0.22, [names[label] for _, label in self.shown], fontsize=8)
        ax_h.set_xticks([])
        ax_h.grid(False)
        self.fig.colorbar(self.im, ax=ax_h, shrink=0.9)
        ax_h.set_title(tr("held-out sentences: 苹果's attention (row)"), fontsize=10)
        steps = np.arange(1, STEPS + 1)
        ax_c.plot(steps, self.history["loss"], color=COLORS["vermillion"], label=tr("training loss"))
        ax_c.plot(steps, self.history["train_acc"], color=COLORS["blue"], label=tr("train accuracy"))
        ax_c.plot(steps, self.history["held_out_acc"], "--", color=COLORS["green"], label=tr("held-out accuracy"))
        ax_c.set_xlim(0, STEPS)
        ax_c.set_ylim(0, 1.05)
        ax_c.set_xlabel(tr("step"))
        ax_c.legend(fontsize=8, loc="center right", frameon=False)
        self.vline = ax_c.axvline(0, color=COLORS["grey"], lw=1.5)
        ax_c.set_title(tr("training curves (line: the step shown)"), fontsize=10)
        self.bars = ax_s.bar(range(L_MAX), np.zeros(L_MAX), color=COLORS["sky"])
        ax_s.set_ylim(0, 1)
        ax_s.set_ylabel(tr("苹果's weight"))
        self.reserve_token_ticks(ax_s, L_MAX, axis="x", rotation=0, heatmap=False)  # real words in update()
        ax_s.set_xlim(-0.6, L_MAX - 0.4)
        self.ax_s = ax_s
        self.pred_title = ax_s.set_title(tr("P(phone)"), fontsize=10)
        self.note = ax_s.text(0.5, 0.6, "", transform=ax_s.transAxes, ha="center", va="center", fontsize=9,
                              color=COLORS["vermillion"])
        self.u_bars = ax_u.bar(range(len(self.dims)), np.zeros(len(self.dims)), color=COLORS["grey"])
        ax_u.axhline(0, color="black", lw=0.8)
        ax_u.set_xticks(range(len(self.dims)), [dimension_label(d) for d in self.dims], fontsize=8, rotation=20)
        ax_u.set_ylim(-3, 3)
        ax_u.set_title(tr("what 苹果's query looks for: W_k q"), fontsize=10)
        self.animated = [self.im, self.vline, *self.bars, self.pred_title,
                         self.note, *self.u_bars]
        self.keyed = [ax_s.xaxis]  # the words of your sentence

    def tokens(self):
        return self.value("sentence").split()

    def background_key(self):
        return tuple(self.tokens())  # the sentence's words are tick labels, part of the background

    def result(self):
        # snapshots are kept every EVERY steps; a value set from code (set(step=155)) shows the nearest one
        step = int(np.clip(round(self.value("step") / EVERY) * EVERY, 0, STEPS))
        params = self.history["snapshots"][step]
        tokens = self.tokens()
        _, shown_weights, _ = learning.forward(params, self.shown_batch)
        r = {"step": step, "shown_weights": shown_weights, "looks_for": looks_for(params), "tokens": tokens,
             "prob_phone": None, "weights": None, "problem": None,
             "loss": self.history["loss"][step - 1] if step else None}
        unknown = [t for t in tokens if t not in self.words]
        if unknown:
            r["problem"] = tr("not in the vocabulary: {words}", words=" ".join(unknown))
        elif "苹果" not in tokens:
            r["problem"] = tr("the sentence needs the word 苹果")
        elif len(tokens) > L_MAX:
            r["problem"] = tr("at most {n} words, please", n=L_MAX)
        else:
            prob, weights, _ = learning.forward(params, make_batch([(tokens, 0)]))
            r["prob_phone"], r["weights"] = float(prob[0]), weights[0]
        return r

    def update(self):
        r = self.result()
        bands = np.full((2 * SHOWN, r["shown_weights"].shape[1]), np.nan)
        bands[0::2] = np.where(self.shown_batch["mask"], r["shown_weights"], np.nan)  # no cells for padding
        self.im.set_array(bands)
        self.vline.set_xdata([r["step"], r["step"]])
        labels = r["tokens"][:L_MAX] + [""] * (L_MAX - len(r["tokens"][:L_MAX]))
        self.set_token_ticks([self.ax_s], labels, L_MAX, axis="x")
        weights = np.zeros(L_MAX) if r["weights"] is None else np.pad(r["weights"], (0, L_MAX - len(r["weights"])))
        for bar, w, t in zip(self.bars, weights, labels):
            bar.set_height(w)
            bar.set_color(COLORS["vermillion"] if t == "苹果" else COLORS["sky"])
        if r["problem"]:
            self.note.set_text(r["problem"])
            self.pred_title.set_text(tr("no prediction"))
        else:
            p = r["prob_phone"]
            self.note.set_text("")
            label = tr("phone") if p > 0.5 else tr("fruit")
            self.pred_title.set_text(tr("P(phone) = {p:.3f}, so: {label}", p=p, label=label))
        for bar, u in zip(self.u_bars, np.clip(r["looks_for"], -3, 3)):
            bar.set_height(u)
            bar.set_color(COLORS["blue"] if u >= 0 else COLORS["orange"])

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["step"], c["sentence"]]), self.fig.canvas])


def explore_training():
    return TrainingExplorer()
