"""Chapter 10: a local window — what one layer lets a token see, and how far information travels in L layers."""
import ipywidgets as widgets
import numpy as np

from .. import reference as ref
from ..i18n import N_, tr
from ..style import COLORS
from .base import SLIDER_STYLE, Explorer, control_layout, register_explorer

__all__ = ["LocalWindowExplorer", "explore_local_window"]

N_TOKENS = 32


def reachable(n, window, layers):
    """Boolean (n, n): can information from token j reach token i through ``layers`` local layers?"""
    step = ref.local_mask(n, window).astype(int)
    reach = np.eye(n, dtype=int)
    for _ in range(layers):
        reach = np.minimum(reach @ step, 1)
    return reach.astype(bool)


@register_explorer
class LocalWindowExplorer(Explorer):
    """Drag the window and the number of layers: one layer's mask, and what each token can reach."""

    name = "local_window"
    chapter = 10
    title = N_("local attention: window and layers")
    figsize = (8.4, 3.8)
    bench_values = ([{"window": w} for w in (1, 2, 4, 8, 0, 3)] + [{"layers": k} for k in (2, 3, 4, 6, 1)]
                    + [{"window": 5}, {"layers": 3}])

    def build(self):
        slider = dict(style=SLIDER_STYLE, layout=control_layout("330px"), continuous_update=True)
        self.controls["window"] = widgets.IntSlider(2, min=0, max=12, description=tr("window"), **slider)
        self.controls["layers"] = widgets.IntSlider(1, min=1, max=8, description=tr("layers"), **slider)
        ax_m, ax_r = self.fig.subplots(1, 2)
        self.im_mask = ax_m.imshow(np.zeros((N_TOKENS, N_TOKENS)), cmap="cividis", vmin=0, vmax=1)
        self.im_reach = ax_r.imshow(np.zeros((N_TOKENS, N_TOKENS)), cmap="cividis", vmin=0, vmax=1)
        for ax, title in ((ax_m, tr("one layer: |i − j| ≤ window")), (ax_r, tr("reachable through the layers"))):
            ax.set_xlabel(tr("token j"))
            ax.set_ylabel(tr("token i"))
            ax.grid(False)
            ax.set_title(title, fontsize=10)
        self.fig.get_layout_engine().set(rect=(0, 0, 1, 0.9))  # a band on top for the numbers
        self.note = self.fig.text(0.5, 0.985, " ", ha="center", va="top", fontsize=10, color=COLORS["black"])
        self.animated = [self.im_mask, self.im_reach, self.note]

    def result(self):
        w, layers = self.value("window"), self.value("layers")
        mask = ref.local_mask(N_TOKENS, w)
        reach = reachable(N_TOKENS, w, layers)
        return {"window": w, "layers": layers, "mask": mask, "reach": reach, "pairs": int(mask.sum()),
                "first_token_reach": int(reach[0].sum()), "all_connected": bool(reach.all())}

    def update(self):
        r = self.result()
        self.im_mask.set_data(r["mask"].astype(float))
        self.im_reach.set_data(r["reach"].astype(float))
        share = r["pairs"] / N_TOKENS**2
        where = tr("every token reaches every token") if r["all_connected"] else \
            tr("token 0 reaches {reach} of {n} tokens", reach=r["first_token_reach"], n=N_TOKENS)
        pairs, layers = r["pairs"], r["layers"]
        if layers == 1:
            self.note.set_text(tr("{pairs} of {n}² = {total} scores per layer ({share:.0%});  after 1 layer: {where}",
                                  pairs=pairs, n=N_TOKENS, total=N_TOKENS**2, share=share, where=where))
        else:
            self.note.set_text(tr("{pairs} of {n}² = {total} scores per layer ({share:.0%});  "
                                  "after {layers} layers: {where}", pairs=pairs, n=N_TOKENS, total=N_TOKENS**2,
                                  share=share, layers=layers, where=where))

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["window"], c["layers"]]), self.fig.canvas])


def explore_local_window():
    return LocalWindowExplorer()
