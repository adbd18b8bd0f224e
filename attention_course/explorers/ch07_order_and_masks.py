"""Chapter 07: the sinusoidal positional encodings, and a mask editor for a five-word sentence."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..data import embed, hand_projections
from ..i18n import N_, tr, translate
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["PositionsExplorer", "MaskExplorer", "explore_positions", "explore_mask_editor"]

N_POS, D_PE = 64, 32  # positions and dimensions shown by the positions explorer


@register_explorer
class PositionsExplorer(Explorer):
    """Drag a position and a dimension: the encoding's heatmap, one dimension's wave, and how alike positions are."""

    name = "positions"
    chapter = 7
    title = N_("sinusoidal positional encodings")
    figsize = (9.4, 3.6)
    bench_values = ([{"pos": p} for p in (5, 20, 40, 63, 0)]
                    + [{"dim": j} for j in (1, 2, 7, 12, 31, 0)] + [{"pos": 10}, {"dim": 4}])

    def build(self):
        self.pe = ref.sinusoidal_positions(N_POS, D_PE)
        self.sim = self.pe @ self.pe.T  # (N_POS, N_POS): how alike two positions' encodings are
        slider = dict(style=SLIDER_STYLE, layout=control_layout("330px"), continuous_update=True)
        self.controls["pos"] = widgets.IntSlider(10, min=0, max=N_POS - 1, description=tr("position"), **slider)
        self.controls["dim"] = widgets.IntSlider(4, min=0, max=D_PE - 1, description=tr("dimension"), **slider)
        ax_m, ax_c, ax_s = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [0.8, 1, 1]})
        im = ax_m.imshow(self.pe, cmap="cividis", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
        self.fig.colorbar(im, ax=ax_m, shrink=0.8)
        ax_m.set_xlabel(tr("dimension"))
        ax_m.set_ylabel(tr("position"))
        ax_m.grid(False)
        ax_m.set_title(tr("PE, {n} positions × {d} dims", n=N_POS, d=D_PE), fontsize=10)
        self.hline = ax_m.axhline(0, color=COLORS["vermillion"], lw=1.5)
        self.vline = ax_m.axvline(0, color=COLORS["vermillion"], lw=1.5)
        (self.cross,) = ax_m.plot([], [], "o", ms=9, mfc="none", mec="white", mew=2)
        positions = np.arange(N_POS)
        (self.wave,) = ax_c.plot(positions, self.pe[:, 0], color=COLORS["blue"], marker=".", ms=4, lw=1)
        (self.wave_dot,) = ax_c.plot([], [], "o", color=COLORS["vermillion"], ms=8)
        ax_c.set_xlim(-1, N_POS)
        ax_c.set_ylim(-1.15, 1.15)
        ax_c.set_xlabel(tr("position"))
        ax_c.set_ylabel(tr("PE[position, dimension]"))
        self.wave_title = ax_c.set_title(tr("dimension {dim}", dim=0), fontsize=10)
        (self.simline,) = ax_s.plot(positions, self.sim[0], color=COLORS["green"], lw=1.5)
        (self.sim_dot,) = ax_s.plot([], [], "o", color=COLORS["vermillion"], ms=8)
        ax_s.set_xlim(-1, N_POS)
        ax_s.set_ylim(self.sim.min() - 0.5, D_PE / 2 + 0.5)
        ax_s.set_xlabel(tr("other position j"))
        ax_s.set_ylabel(tr("PE[position] · PE[j]"))
        self.sim_title = ax_s.set_title(tr("position {pos} vs every position", pos=0), fontsize=10)
        self.animated = [self.hline, self.vline, self.cross, self.wave, self.wave_dot, self.wave_title, self.simline,
                         self.sim_dot, self.sim_title]

    def result(self):
        pos, dim = self.value("pos"), self.value("dim")
        i = dim // 2
        wavelength = 2 * np.pi * 10000 ** (2 * i / D_PE)
        return {"pos": pos, "dim": dim, "value": float(self.pe[pos, dim]), "kind": "sin" if dim % 2 == 0 else "cos",
                "wavelength": float(wavelength), "similarity": self.sim[pos].copy()}

    def update(self):
        r = self.result()
        pos, dim = r["pos"], r["dim"]
        self.hline.set_ydata([pos, pos])
        self.vline.set_xdata([dim, dim])
        self.cross.set_data([dim], [pos])
        self.wave.set_ydata(self.pe[:, dim])
        self.wave_dot.set_data([pos], [r["value"]])
        self.wave_title.set_text(tr("dim {dim}: {kind}, wavelength {wavelength:,.1f}; value {value:+.3f}", dim=dim,
                                    kind=r["kind"], wavelength=r["wavelength"], value=r["value"]))
        self.simline.set_ydata(r["similarity"])
        self.sim_dot.set_data([pos], [r["similarity"][pos]])
        self.sim_title.set_text(tr("position {pos} vs every position", pos=pos))

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["pos"], c["dim"]]), self.fig.canvas])


# --- the mask editor -------------------------------------------------------------------------

MASK_TOKENS = ["我", "用", "苹果", "联系", "朋友"]  # 我用苹果联系朋友: I use (my) Apple to contact friends
N_MASK = len(MASK_TOKENS)
_I, _J = np.indices((N_MASK, N_MASK))
PRESETS = {
    N_("no mask: everyone sees everyone"): np.ones((N_MASK, N_MASK), dtype=bool),
    N_("causal: j ≤ i (no peeking ahead)"): _J <= _I,
    N_("neighbours: |i − j| ≤ 1"): np.abs(_I - _J) <= 1,
    N_("only itself: the diagonal"): _I == _J,
    N_("padding: the last two words are padding"): np.broadcast_to(_J < 3, (N_MASK, N_MASK)).copy(),
}
OWN = N_("(your own: click the squares)")
MASK_CMAP, MASK_VMAX = "Greys", 1.25  # True (may attend) is dark grey, False (blocked) white: like the toggle buttons


def toggle_name(i, j):
    return f"m{i}{j}"


@register_explorer
class MaskExplorer(Explorer):
    """Click which token may see which (or pick a preset); the weights follow, masked before the softmax."""

    name = "mask_editor"
    chapter = 7
    title = N_("a mask editor")
    figsize = (7.2, 3.5)
    bench_values = ([{"preset": p} for p in list(PRESETS)[1:]] + [{"preset": list(PRESETS)[0]}]
                    + [{toggle_name(2, j): False} for j in range(N_MASK)]  # 苹果 sees nothing at the end
                    + [{toggle_name(2, 2): True}, {toggle_name(0, 4): False}, {"preset": list(PRESETS)[1]}])

    def build(self):
        self.W = hand_projections()
        self.X = embed(MASK_TOKENS)
        self.controls["preset"] = widgets.Dropdown(options=[(translate(k), k) for k in [*PRESETS, OWN]],
                                                   value=list(PRESETS)[0], description=tr("mask"), style=SLIDER_STYLE,
                                                   layout=control_layout("420px"))
        for i in range(N_MASK):
            for j in range(N_MASK):
                self.controls[toggle_name(i, j)] = widgets.ToggleButton(
                    value=True, description="",
                    tooltip=tr("{a} → {b}: click to allow or block", a=MASK_TOKENS[i], b=MASK_TOKENS[j]),
                    layout=widgets.Layout(width="52px", height="30px", padding="0px"))
        ax_m, ax_w = self.fig.subplots(1, 2)
        # dark = may attend, as a pressed (dark) toggle button; light = blocked, as a released one
        self.im_mask = ax_m.imshow(np.ones((N_MASK, N_MASK)), cmap=MASK_CMAP, vmin=0, vmax=MASK_VMAX)
        self.im_w = ax_w.imshow(np.zeros((N_MASK, N_MASK)), cmap="viridis", vmin=0, vmax=1)
        self.fig.colorbar(self.im_w, ax=ax_w, shrink=0.8, label=tr("attention weight"))
        for ax, title in ((ax_m, tr("mask: dark = may attend")), (ax_w, tr("weights: softmax(masked scores)"))):
            ax.set_xticks(range(N_MASK), MASK_TOKENS)
            ax.set_yticks(range(N_MASK), MASK_TOKENS)
            ax.grid(False)
            ax.set_xlabel(tr("key j"))
            ax.set_title(title, fontsize=10)
        ax_m.set_xticks(np.arange(N_MASK + 1) - 0.5, minor=True)  # cell borders, so light cells stay visible
        ax_m.set_yticks(np.arange(N_MASK + 1) - 0.5, minor=True)
        ax_m.tick_params(which="minor", length=0)
        ax_m.grid(True, which="minor", color=COLORS["grey"], lw=0.8)
        ax_m.set_ylabel(tr("query i"))
        self.fig.get_layout_engine().set(rect=(0, 0, 1, 0.92))  # a band on top for the note
        self.note = self.fig.text(0.5, 0.99, " ", ha="center", va="top", fontsize=9, color=COLORS["vermillion"])
        self.animated = [self.im_mask, self.im_w, self.note]

    def mask(self):
        return np.array([[self.value(toggle_name(i, j)) for j in range(N_MASK)] for i in range(N_MASK)])

    def _on_change(self, change):
        if change["owner"] is self.controls["preset"]:
            if change["new"] in PRESETS:
                m = PRESETS[change["new"]]
                self.set_quietly(**{toggle_name(i, j): bool(m[i, j]) for i in range(N_MASK) for j in range(N_MASK)})
        elif change["owner"] is not self.controls["preset"]:
            matching = [name for name, m in PRESETS.items() if np.array_equal(m, self.mask())]
            self.set_quietly(preset=matching[0] if matching else OWN)
        super()._on_change(change)

    def result(self):
        mask = self.mask()
        out, weights = ref.scaled_dot_product_attention(self.X @ self.W[0], self.X @ self.W[1], self.X @ self.W[2],
                                                        mask=mask)
        return {"tokens": MASK_TOKENS, "mask": mask, "weights": weights, "output": out,
                "blind_rows": [MASK_TOKENS[i] for i in range(N_MASK) if not mask[i].any()]}

    def update(self):
        r = self.result()
        self.im_mask.set_data(r["mask"].astype(float))
        self.im_w.set_data(r["weights"])
        for i in range(N_MASK):  # the buttons show the weights (drawing 25 numbers in the figure costs ~40 ms)
            for j in range(N_MASK):
                toggle = self.controls[toggle_name(i, j)]
                toggle.description = f"{r['weights'][i, j]:.2f}" if r["mask"][i, j] else "·"
        if r["blind_rows"]:
            self.note.set_text(tr("{words} may attend to nothing: no softmax is possible, its weights are all 0 here",
                                  words=", ".join(r["blind_rows"])))
        else:
            self.note.set_text(tr("every row sums to 1 over the squares it may see"))

    def layout(self):
        c = self.controls
        header = [widgets.Label(tr("sees →"), layout=widgets.Layout(width="72px"))]
        header += [widgets.Label(t, layout=widgets.Layout(width="52px")) for t in MASK_TOKENS]
        rows = [widgets.HBox([widgets.Label(t, layout=widgets.Layout(width="72px"))]
                             + [c[toggle_name(i, j)] for j in range(N_MASK)]) for i, t in enumerate(MASK_TOKENS)]
        editor = widgets.VBox([widgets.HBox(header)] + rows)
        return widgets.VBox([c["preset"], widgets.HBox([editor, self.fig.canvas])])


def explore_positions():
    return PositionsExplorer()


def explore_mask_editor():
    return MaskExplorer()
