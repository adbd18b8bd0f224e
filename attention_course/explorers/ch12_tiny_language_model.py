"""Chapter 12: type the start of a sentence, drag the temperature and top-k — the trained model's next
character (bars, with the grammar's own probabilities as black marks), three sampled continuations, and
what each head looks at from the last character of the prompt."""
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from .. import corpus, tiny_lm
from ..i18n import N_, tr
from ..style import COLORS, cjk_font_path
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["TinyLanguageModelExplorer", "explore_tiny_language_model"]

N_BARS = 12          # the 12 most likely characters (at T = 1) of the prompt, and one bar for the rest
N_SAMPLES = 3        # sampled continuations, seeds fixed
DEFAULT_PROMPT = "张三吃了两"


@lru_cache(maxsize=1)
def _drawable():
    """The characters the figure can draw: the bundled CJK font's and DejaVu Sans's."""
    chars = set()
    for path in (str(cjk_font_path()), font_manager.findfont("DejaVu Sans")):
        chars |= set(FT2Font(path).get_charmap())
    return chars


def _shown(char):
    """A character as the figure can draw it: itself, "space", or its code point (U+1F34E) if no font has it."""
    if char.isspace():
        return tr("space")
    return char if ord(char) in _drawable() and char.isprintable() else f"U+{ord(char):04X}"


@register_explorer
class TinyLanguageModelExplorer(Explorer):
    """A prompt, a temperature, a top-k: the next-character distribution, continuations, the heads."""

    name = "tiny_language_model"
    chapter = 12
    title = N_("the tiny language model: prompt, temperature, top-k")
    figsize = (9.6, 5.0)
    bench_values = (
        [{"temperature": t} for t in (0.5, 0.2, 0.0, 1.5, 2.0)]
        + [{"top_k": k} for k in (5, 2, 1, 0)]
        + [{"prompt": p} for p in ("李四用苹果给", "王五昨天买了一部", "", "张三想吃手", "张三吃了x两🍎", "张三 吃",
                                   "张三吃了两个苹果。李四今天想吃梨", "我今天给妈妈买了")]
        + [{"temperature": t} for t in (1.0, 0.8)] + [{"top_k": 2}] + [{"prompt": DEFAULT_PROMPT}, {"top_k": 0}]
    )

    def build(self):
        self.params, _, self.config = tiny_lm.load_checkpoint()
        self._cache = {}
        self._heads_shown = None
        self.why = {"self": tr("to oneself"), "unfinished": tr("unfinished"), "other": ""}
        c = self.controls
        c["prompt"] = widgets.Text(DEFAULT_PROMPT, description=tr("prompt"), style=SLIDER_STYLE,
                                   layout=control_layout("330px"), continuous_update=False)
        c["temperature"] = widgets.FloatSlider(1.0, min=0.0, max=2.0, step=0.05, description=tr("temperature T"),
                                               style=SLIDER_STYLE, layout=control_layout("330px"),
                                               continuous_update=True)
        c["top_k"] = widgets.IntSlider(0, min=0, max=20, description=tr("top-k (0: off)"), style=SLIDER_STYLE,
                                       layout=control_layout("330px"), continuous_update=True)
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.15, 1], height_ratios=[1.6, 1])
        ax_b = self.fig.add_subplot(grid[0, 0])
        ax_t = self.fig.add_subplot(grid[1, 0])
        ax_h = self.fig.add_subplot(grid[:, 1])
        self.ax_b, self.ax_h = ax_b, ax_h
        self.bars = ax_b.bar(range(N_BARS + 1), np.zeros(N_BARS + 1), color=COLORS["blue"], width=0.7)
        self.bars[-1].set_color(COLORS["grey"])
        self.truth = ax_b.scatter(range(N_BARS), np.full(N_BARS, np.nan), marker="_", s=260, linewidths=2.5,
                                  color="black", zorder=3, label=tr("the grammar's own probability"))
        self.reserve_token_ticks(ax_b, N_BARS + 1, axis="x", rotation=0, heatmap=False)
        ax_b.set_xlim(-0.6, N_BARS + 0.6)
        ax_b.set_ylim(0, 1.05)
        ax_b.set_ylabel(tr("probability"))
        ax_b.legend(loc="upper right", fontsize=8, frameon=False)
        self.heading = ax_b.set_title("", fontsize=10)
        ax_t.axis("off")
        ax_t.set_xlim(0, 1)
        ax_t.set_ylim(0, 1)
        ax_t.text(0, 0.97, tr("three continuations (seed 0); ✓: the grammar accepts it"),
                  fontsize=9, va="top")
        self.samples = [ax_t.text(0.02, 0.72 - 0.24 * i, "", fontsize=11, va="top") for i in range(N_SAMPLES)]
        self.note = ax_b.text(0.5, 0.55, "", transform=ax_b.transAxes, ha="center", va="center", fontsize=10,
                              color=COLORS["vermillion"], wrap=True,
                              bbox=dict(facecolor="white", edgecolor=COLORS["vermillion"]))
        n_heads = self.config.n_layers * self.config.n_heads
        # a mesh, not an image: redrawn with each new prompt, and a resampled image costs ~5 ms more
        self.im = ax_h.pcolormesh(np.arange(self.config.n_ctx + 1) - 0.5, np.arange(n_heads + 1) - 0.5,
                                  np.ma.masked_all((n_heads, self.config.n_ctx)), cmap="viridis", vmin=0, vmax=1)
        ax_h.set_ylim(n_heads - 0.5, -0.5)  # head 1.1 at the top
        self.fig.colorbar(self.im, ax=ax_h, shrink=0.8, label=tr("attention weight"))
        ax_h.set_yticks(range(n_heads), [tr("head {l}.{h}", l=l + 1, h=h + 1) for l in range(self.config.n_layers)
                                         for h in range(self.config.n_heads)], fontsize=8)
        self.reserve_token_ticks(ax_h, self.config.n_ctx, axis="x", rotation=0, fontsize=8)
        ax_h.set_xlabel(tr("the prompt's characters (keys)"))
        ax_h.set_title(tr("where each head looks from the last character"), fontsize=10)
        self.animated = [*self.bars, self.truth, *self.samples, self.note]  # the marks drawn over the bars
        # they change with the prompt only (the heads' frame goes over their image, as in a full draw)
        self.keyed = [self.heading, ax_b.xaxis, self.im, ax_h.xaxis, *ax_h.spines.values()]

    # -- the numbers ------------------------------------------------------------------------------------
    def prompt(self):
        """The typed prompt without spaces (characters are the tokens: no spaces between words) and without a
        leading 。 (the model puts one there itself)."""
        text = "".join(self.value("prompt").split())
        return text[1:] if text.startswith(corpus.END) else text

    def background_key(self):
        return self.prompt()  # the bars' characters, the grammar's marks and the heads depend only on it

    def result(self):
        """The numbers behind the picture: a dict with the prompt, its problem (or None), the characters
        of the bars, their probabilities at this T and top-k, the grammar's, the continuations, the heads."""
        prompt, T, k = self.prompt(), float(self.value("temperature")), int(self.value("top_k"))
        r = {"prompt": prompt, "temperature": T, "top_k": k or None, "problem": None, "chars": [],
             "probabilities": None, "rest": None, "grammar": {}, "continuations": [], "heads": None}
        unknown = tiny_lm.unknown_characters(prompt)
        if unknown:
            shown = ", ".join(_shown(ch) for ch in unknown[:6]) + (", …" if len(unknown) > 6 else "")
            r["problem"] = tr("not in the model's vocabulary: {chars}\n(it knows the {n} characters of its grammar)",
                              chars=shown, n=self.config.vocab_size)
            return r
        if len(prompt) >= self.config.n_ctx:
            r["problem"] = tr("at most {n} characters: the model's context holds {m} (。 and the prompt)",
                              n=self.config.n_ctx - 1, m=self.config.n_ctx)
            return r
        logits, order, grammar, heads = self._of_prompt(prompt)
        p = tiny_lm.next_distribution(logits, T, k or None)
        r["chars"] = [tiny_lm.VOCAB[i] for i in order]
        r["probabilities"] = p[order]
        r["rest"] = float(max(1.0 - p[order].sum(), 0.0))
        r["grammar"] = grammar
        r["continuations"] = tiny_lm.generate(self.params, N_SAMPLES, T, np.random.default_rng(0), top_k=k or None,
                                              prompt=prompt, config=self.config)
        r["heads"] = heads
        return r

    def _of_prompt(self, prompt):
        """What depends only on the prompt (computed once per prompt): the logits of the next character, the
        12 most likely characters, the grammar's probabilities, each head's weights from the last position."""
        if prompt not in self._cache:
            if len(self._cache) > 32:
                self._cache.clear()
            ids = tiny_lm.encode(corpus.END + prompt)
            logits = tiny_lm.forward(self.params, ids, self.config)[-1]
            order = np.argsort(-logits, kind="stable")[:N_BARS]
            heads = tiny_lm.attention_maps(self.params, ids, self.config)[:, :, -1, :].reshape(-1, len(ids))
            self._cache[prompt] = (logits, order, corpus.next_char_probabilities(prompt), heads)
        return self._cache[prompt]

    # -- the picture ----------------------------------------------------------------------------------------
    def update(self):
        r = self.result()
        self.heading.set_text(tr("the next character after 。{prompt}", prompt=r["prompt"]) if not r["problem"]
                              else tr("no prediction"))  # part of the background: it changes with the prompt only
        if r["problem"]:
            self.note.set_text(r["problem"])
            self.note.set_visible(True)
            for bar in self.bars:
                bar.set_height(0)
            for text in self.samples:
                text.set_text("")
            self.truth.set_offsets(np.column_stack([range(N_BARS), np.full(N_BARS, np.nan)]))
            self.set_token_ticks([self.ax_b], [], N_BARS + 1, axis="x")
            self._show_heads(np.full((self.im.get_array().shape[0], 1), np.nan), [""])
            return
        self.note.set_visible(not r["grammar"])
        self.note.set_text(tr("the grammar has no sentence that starts like this") if not r["grammar"] else "")
        for bar, p in zip(self.bars, [*r["probabilities"], r["rest"]]):
            bar.set_height(p)
        self.set_token_ticks([self.ax_b], [*r["chars"], tr("rest")], N_BARS + 1, axis="x")
        truth = [r["grammar"].get(ch, 0.0) if r["grammar"] else np.nan for ch in r["chars"]]
        self.truth.set_offsets(np.column_stack([range(N_BARS), truth]))
        for text, s in zip(self.samples, r["continuations"]):
            why = corpus.rejection(r["prompt"] + s)
            text.set_text(f"…{s}  ✓" if why is None else f"…{s}  ✗ {self.why[why]}")
            text.set_color("black" if why is None else COLORS["vermillion"])
        self._show_heads(r["heads"], [corpus.END, *r["prompt"]])

    def _show_heads(self, weights, chars):
        """The heads' rows for this prompt, one column per character (part of the background: prompt only)."""
        if self._heads_shown == chars:
            return
        self._heads_shown = chars
        n = len(chars)
        cells = np.ma.masked_all(self.im.get_array().shape)
        cells[:, :n] = np.ma.masked_invalid(weights)
        self.im.set_array(cells)
        self.ax_h.set_xlim(-0.5, n - 0.5)
        self.ax_h.set_xticks(range(n), chars)

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["prompt"], c["temperature"], c["top_k"]]), self.fig.canvas])


def explore_tiny_language_model():
    return TinyLanguageModelExplorer()
