"""The interactive-figure pattern every chapter uses, and the registry of explorers.

An explorer builds its matplotlib figure and its ipywidgets controls once.
When a control changes, ``update()`` moves the existing artists (``set_data``,
``set_height``, ``set_text`` …) and ``refresh()`` shows them: never a new
figure per change. To stay well inside the 50 ms budget the figure is blitted:
the layout is frozen and, after each full draw, the static part (axes,
ticks, labels, legends) is cached as a background; a change restores that
background and redraws only the artists listed in ``self.animated``. (The layout is
computed once, when the explorer is built, with every artist counted.) What changes
only with a choice of words or of a score function (token tick labels, a y axis) is
listed in ``self.keyed``: it is drawn over the cached static part once per value of
``background_key()``, never in a full redraw. In a Jupyter kernel the canvas is an ipympl widget; anywhere else
(tests, the benchmark) it is a plain Agg canvas, so every explorer can be
driven without a browser:

    ex = WeightedAverageExplorer(interactive=False)
    ex.set(sigma=2.0)          # same path as dragging the slider
    ex.values()                # the numbers behind the picture

Displaying an explorer shows its controls and live figure; the saved notebook
also keeps a PNG of the figure as it was first drawn, for readers who never
run anything (GitHub, nbviewer, a printed page).
"""
import base64
import contextlib
import io
import struct
import sys
import zlib

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..i18n import tr, translate
from ..style import EXPLORER_CLASS, use_course_style, widget_font_css

EXPLORERS = {}  # name -> explorer class, for the benchmark and the tests


def register_explorer(cls):
    """Class decorator: add an explorer to the course's registry (by its ``name``)."""
    if not cls.name or cls.name in EXPLORERS:
        raise ValueError(f"explorer needs a unique name, got {cls.name!r}")
    EXPLORERS[cls.name] = cls
    return cls


def in_notebook_kernel():
    """True inside a Jupyter kernel (where ipympl canvases can be displayed)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and getattr(shell, "kernel", None) is not None


def new_figure(figsize, interactive):
    """A figure with an ipympl canvas (interactive) or an Agg canvas, outside pyplot."""
    fig = Figure(figsize=figsize)
    if interactive:
        backend = matplotlib.get_backend()
        from ipympl.backend_nbagg import FigureManager

        Canvas = _explorer_canvas_class()
        if matplotlib.get_backend() != backend:
            _restore_backend(backend)

        canvas = Canvas(fig)
        FigureManager(canvas, 0)
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
        canvas.capture_scroll = False
    else:
        FigureCanvasAgg(fig)
    return fig


_CANVAS_CLASS = []


def _explorer_canvas_class():
    """ipympl's canvas widget, with a faster frame encoder and its first image made a valid URL.

    Until the browser's view has said hello, ipympl keeps the last frame in ``_data_url`` for the
    front end to start from, but without the ``data:image/png;base64,`` prefix. A notebook run with
    Run All changes an explorer in a later cell before that hello arrives (``ex.set(w=0.8)`` in a check),
    the front end loads the bare base64 as a URL, the image breaks, and ipympl's resize handler throws on
    it: the figure never appears ("Error setting state: ... drawImage ... broken state" in the console)."""
    if not _CANVAS_CLASS:
        from ipympl.backend_nbagg import Canvas
        from PIL import Image

        class ExplorerCanvas(Canvas):
            def get_diff_image(self):
                """The frame for the browser, as matplotlib's: the pixels that changed (the rest transparent),
                or the whole canvas. Cheaper to make and to decode: cropped after the last changed row and
                column (the browser draws it at the top left, at its own size), unfiltered, zlib level 1
                (2 ms instead of 7 for a typical frame; a few kB larger)."""
                if not self._png_is_old:
                    return None
                pixels = np.asarray(self.get_renderer().buffer_rgba())
                buff = pixels.view(np.uint32).squeeze(2)
                if self._force_full or buff.shape != self._last_buff.shape or (pixels[:, :, 3] != 255).any():
                    self.set_image_mode("full")
                    output = buff
                else:
                    self.set_image_mode("diff")
                    changed = buff != self._last_buff
                    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
                    h, w = (rows[-1] + 1, cols[-1] + 1) if len(rows) else (1, 1)
                    output = np.where(changed[:h, :w], buff[:h, :w], 0)
                self._last_buff = buff.copy()
                self._force_full = False
                self._png_is_old = False
                return _png(output.view(np.uint8).reshape((*output.shape, 4)))

            def send_binary(self, data):
                if self.syncing_data_url:
                    frame = self._last_buff.view(dtype="uint8").reshape((*self._last_buff.shape, 4))
                    with io.BytesIO() as png:
                        Image.fromarray(frame).save(png, format="png")
                        self._data_url = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")
                self.send({"data": '{"type": "binary"}'}, buffers=[data])

        _CANVAS_CLASS.append(ExplorerCanvas)
    return _CANVAS_CLASS[0]


def _png(rgba):
    """An RGBA array as PNG bytes: no row filters, zlib level 1 (fast to make and to decode)."""
    h, w, _ = rgba.shape
    rows = np.zeros((h, 4 * w + 1), np.uint8)  # each row: filter type 0, then its pixels
    rows[:, 1:] = rgba.reshape(h, 4 * w)
    zipper = zlib.compressobj(1)
    data = zipper.compress(rows) + zipper.flush()

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _restore_backend(backend):
    """Importing ipympl switches pyplot to ipympl's backend (and IPython drops the inline PNG
    display); put pyplot back as it was, so the course's static figures stay inline images."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is not None and "inline" in backend:
        shell.run_line_magic("matplotlib", "inline")
        use_course_style()
    else:
        matplotlib.use(backend)


def control_layout(width="340px"):
    return widgets.Layout(width=width)


def _same_value(a, b):
    """True if two control values differ at most by a rounding error (numbers, or tuples of them)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool) or not all(isinstance(v, (int, float)) for v in (a, b)):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def dimension_label(name):
    """A word-vector dimension's name (food, technology, …: the columns of assets/data/word_vectors.csv), as a
    student reads it."""
    return {"food": tr("food"), "technology": tr("technology"), "action": tr("action"), "person": tr("person"),
            "place": tr("place"), "function": tr("function")}.get(name, name)


SLIDER_STYLE = {"description_width": "110px"}
WIDEST_TOKEN = "打电话"  # the widest word on any token axis of the course


class Explorer:
    """Base class: subclasses set ``name``, ``chapter``, ``title`` (English, marked ``N_("...")``: it is
    translated when shown), ``figsize`` and implement ``build()`` (make artists and ``self.controls``),
    ``update()`` (move the artists to match the controls) and optionally ``layout()``. Every label a
    student reads goes through ``tr()`` in ``build()``/``update()`` (never at import time: a notebook
    chooses its language after importing); a drop-down shows translated labels of English keys,
    ``options=[(tr("(your own)"), "(your own)"), …]``, so ``.value`` and ``set()`` stay the same.

    ``bench_values`` is a list of {control: value} steps the benchmark plays.
    """

    name = ""
    chapter = 0
    title = ""
    figsize = (9.5, 3.8)
    bench_values = ()

    def __init__(self, interactive=None):
        self.interactive = in_notebook_kernel() if interactive is None else interactive
        self.fig = new_figure(self.figsize, self.interactive)
        self.controls = {}
        self.animated = []  # the artists update() changes; build() lists them
        self.keyed = []  # the artists that change only with background_key(); build() lists them
        self._base = None  # the static part without the keyed artists, after the last full draw
        self._background = None  # the base with the keyed artists drawn for the current key
        self._background_key = None
        self._backgrounds = {}  # (background_key(), canvas size) -> cached background
        self._quiet_values = {}  # control -> value set quietly (the front end may send it back, rounded)
        self._saving = False
        self._quiet = False
        self._widget = None
        self._token_labels = {}
        self.build()
        self.update()
        # Lay the figure out once, with every artist counted (animated ones are left out of layouts),
        # then freeze it: later frames only move artists inside the axes.
        self.fig.draw_without_rendering()
        self.fig.set_layout_engine("none")
        for artist in [*self.animated, *self.keyed]:
            artist.set_animated(True)
        self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)
        for control in self.controls.values():
            control.observe(self._on_control, names="value")

    # -- to be written by each explorer ------------------------------------------------------
    def build(self):
        raise NotImplementedError

    def update(self):
        raise NotImplementedError

    def layout(self):
        """The widget tree: by default the figure above a row of controls."""
        return widgets.VBox([self.fig.canvas, widgets.HBox(list(self.controls.values()))])

    # -- the shared machinery ------------------------------------------------------------------
    def _on_control(self, change):
        if self._quiet:
            self._quiet_values[change["owner"]] = change["new"]
            return
        sent = self._quiet_values.pop(change["owner"], None)
        if sent is not None and _same_value(change["new"], sent):
            # The browser's slider sends back a value the kernel set quietly, a rounding error away
            # (80 comes back as 79.99999999999997): not a change, and reacting would redraw twice and
            # take it for a drag (a preset would turn into "(your own)").
            return
        with contextlib.ExitStack() as held:
            # The new frame leaves first: what the callback changes in the other widgets (sliders set to a
            # preset, a table) is sent after it, so the browser does not lay those out before painting.
            for widget in self._companions():
                held.enter_context(widget.hold_sync())
            self._on_change(change)

    def _companions(self):
        """The explorer's widgets other than the figure: its controls and any other widget it keeps."""
        found = {id(w): w for w in self.controls.values()}
        for value in vars(self).values():
            if isinstance(value, widgets.Widget) and value is not self.fig.canvas:
                found.setdefault(id(value), value)
        return list(found.values())

    def set_quietly(self, **values):
        """Set controls without reacting to them (e.g. show a selected row's numbers on its sliders)."""
        self._quiet = True
        try:
            self.set(**values)
        finally:
            self._quiet = False

    def _on_change(self, change):
        self.update()
        self.refresh()

    def invalidate_background(self):
        """The static part changed (new axis limits, new tick labels): the next ``refresh()`` draws the
        whole figure once and caches its new background. (Cheaper: list what changes in ``self.keyed``
        and return what it depends on from ``background_key()``.)"""
        self._background = None
        self._base = None

    def reserve_token_ticks(self, ax, n, axis="xy", rotation=90, fontsize=9, heatmap=True):
        """Give ``ax`` room for ``n`` token labels on ``axis`` ("x", "y" or "xy") before the layout is frozen.

        The widest word of the course (打电话) stands in for the tokens, so the layout, computed once,
        fits every sentence; ``set_token_ticks`` puts in the real words later. A heatmap loses its grid."""
        if "x" in axis:
            ax.set_xticks(range(n), [WIDEST_TOKEN] * n, fontsize=fontsize, rotation=rotation)
        if "y" in axis:
            ax.set_yticks(range(n), [WIDEST_TOKEN] * n, fontsize=fontsize)
        if heatmap:
            ax.grid(False)

    def set_token_ticks(self, axes, tokens, n, axis="xy"):
        """Label ``axes`` with ``tokens`` (padded with blanks to ``n``), only when the words changed:
        relabelling is costly, and the labels are part of the cached background (see ``background_key``)."""
        labels = list(tokens) + [""] * (n - len(tokens))
        key = (tuple(id(ax) for ax in axes), axis)
        if self._token_labels.get(key) == labels:
            return
        self._token_labels[key] = labels
        for ax in axes:
            if "x" in axis:
                ax.set_xticks(range(n), labels)
            if "y" in axis:
                ax.set_yticks(range(n), labels)

    def _on_full_draw(self, event):
        """After every full draw: cache the static part, add the keyed artists and cache that as the current
        key's background, then add the moving artists."""
        if self._saving:  # savefig renders everything itself; the on-screen cache stays as it is
            return
        self._base = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._base_bounds = tuple(self.fig.bbox.bounds)
        self._backgrounds.clear()  # they were drawn over the old static part
        self._background_key = self.background_key()
        self._draw_keyed()
        self._draw_animated()

    def _draw_keyed(self):
        """Draw the keyed artists over the static part (already on the canvas) and cache the result."""
        for artist in self.keyed:
            if artist not in self.animated:  # a keyed artist can be moving for a while (ch01's selected name)
                self.fig.draw_artist(artist)
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        if len(self._backgrounds) >= 16:
            self._backgrounds.pop(next(iter(self._backgrounds)))
        self._backgrounds[(self._background_key, tuple(self.fig.bbox.bounds))] = self._background

    def _draw_animated(self):
        for artist in self.animated:
            self.fig.draw_artist(artist)

    def background_key(self):
        """What the background depends on, if anything changes it (e.g. the tokens on an axis).

        When the key changes, a background cached for the new key is reused; otherwise the artists
        in ``self.keyed`` are drawn over the static part and the result cached under the new key.
        (An explorer without keyed artists draws the whole figure once for each new key.)"""
        return None

    def refresh(self):
        """Show the current state of the artists: blit over the cached background."""
        canvas = self.fig.canvas
        key = self.background_key()
        bounds = tuple(self.fig.bbox.bounds)
        if key != self._background_key:
            self._background_key = key
            self._background = self._backgrounds.get((key, bounds))
        if self._background is None:
            if self._base is None or not self.keyed or self._base_bounds != bounds:
                canvas.draw()  # a full draw, which caches the static part and this key's background
                return
            canvas.restore_region(self._base)
            self._draw_keyed()
        else:
            canvas.restore_region(self._background)
        self._draw_animated()
        canvas.blit(self.fig.bbox)

    def set(self, **values):
        """Set controls by name, exactly as dragging them would (observers fire)."""
        for key, value in values.items():
            self.controls[key].value = value

    def value(self, key):
        return self.controls[key].value

    def png(self):
        """The figure as it is now, as PNG bytes (a full render, moving artists included)."""
        buf = io.BytesIO()
        self.save(buf, format="png")
        return buf.getvalue()

    def save(self, path, **kwargs):
        self._saving = True
        for artist in [*self.animated, *self.keyed]:
            artist.set_animated(False)
        try:
            self.fig.savefig(path, **kwargs)
        finally:
            for artist in [*self.animated, *self.keyed]:
                artist.set_animated(True)
            self._saving = False

    @property
    def widget(self):
        """The controls and the live figure, with the CJK font for the widget labels."""
        if self._widget is None:
            font = widgets.HTML(widget_font_css(), layout=widgets.Layout(display="none"))
            self._widget = widgets.VBox([font, self.layout()])
            self._widget.add_class(EXPLORER_CLASS)
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = {}
        if self.interactive:
            bundle.update(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        bundle["text/plain"] = tr("[interactive figure: {title}]", title=translate(self.title))
        return bundle
