"""Keypress (or click) to new pixels, in JupyterLab + headless Chromium, for every control of every
interactive figure of every chapter, with the path's parts where they can be seen.

    python ci/bench_browser.py                 # every chapter: a table, then a summary per explorer
    python ci/bench_browser.py --only 06 07    # chapters 06 and 07 only
    python ci/bench_browser.py --json          # the same, then one JSON object on the last line
    python ci/bench_browser.py --presses 20    # more presses per control (default 12)

Each notebook of ``solutions/`` is opened and run (Run All). Every explorer it shows is found through
the kernel (each explorer's widget and controls get a CSS class), and each control that changes its
figure is moved, one step at a time, waiting for the kernel to go idle between steps:

- sliders: → or ← on the (lower) handle, walking to one end and back (← first when the slider starts at
  its maximum); a step that leaves the figure as it was (chapter 12's top-k past the characters that
  matter) is counted under "miss" and the walk goes on, until --presses steps changed the figure;
- drop-downs: the next option; toggle buttons: the next button; a grid of single toggle buttons: a few
  of them, each pressed twice; checkboxes: a click; text boxes: a value from the explorer's
  ``bench_values``, typed, then committed with Enter (the keypress is the Enter).

Latency is the time from the input event (``event.timeStamp`` of the keydown, mousedown or change) to
the moment ipympl draws a frame with changed pixels onto the figure's visible canvas (the compositor
shows it on the next frame). An init script wraps ``WebSocket`` (message sizes and arrival times),
``drawImage`` and ``toDataURL``, and a few lines run in the kernel time each explorer callback and the
PNG that ipympl encodes. So every step is split into:

    front end out   input event -> the widget's update message leaves on the WebSocket
    kernel + wire   that message -> the image message arrives (kernel callback, encoding, transport)
    decode + paint  the image arrives -> changed pixels on the canvas (ipympl's handle_binary, which
                    also re-encodes the whole canvas with toDataURL, the PNG decode, the redraw)

with the bytes received per step, the image messages per step, and the kernel's own figures
(callback = update() + blit + the diff PNG; encode = the diff PNG alone). Budget per control:
median <= 100 ms and p95 <= 150 ms. The numbers are only meaningful on an idle machine: it prints
the 1-minute load average next to them. It is a benchmark, not a test: it never fails on a slow run.
"""
import argparse
import ast
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402

MEDIAN_BUDGET_MS = 100.0
P95_BUDGET_MS = 150.0
SETTLE_MS = 120  # after a step: no new kernel message for this long (and the kernel idle) -> next step
STEP_TIMEOUT_S = 3.0

# Runs in the page before JupyterLab: times and sizes of what crosses the kernel's WebSocket, the
# moment a changed frame lands on the benchmarked figure's canvas, and ipympl's toDataURL calls.
INIT_SCRIPT = r"""
(() => {
  if (window.__acBench) return;
  const B = window.__acBench = {rec: null, target: null};
  const now = () => performance.now();
  const text = new TextDecoder();

  function parts(data, protocol) {
    // The kernel channel's two wire formats: JupyterLab 4's v1 binary protocol, or JSON (+ buffers).
    if (typeof data === 'string') {
      const m = JSON.parse(data);
      return {channel: m.channel, header: m.header, content: m.content, size: data.length};
    }
    const buf = data instanceof ArrayBuffer ? data : data.buffer;
    const view = new DataView(buf);
    if (protocol && protocol.startsWith('v1')) {
      const n = Number(view.getBigUint64(0, true));
      const off = [];
      for (let i = 0; i < n; i++) off.push(Number(view.getBigUint64(8 * (i + 1), true)));
      const part = k => text.decode(new Uint8Array(buf, off[k], (k + 1 < n ? off[k + 1] : buf.byteLength) - off[k]));
      return {channel: part(0), header: JSON.parse(part(1)), content: JSON.parse(part(4)), size: buf.byteLength};
    }
    const nbufs = view.getUint32(0);
    const start = view.getUint32(4), end = nbufs > 1 ? view.getUint32(8) : buf.byteLength;
    const m = JSON.parse(text.decode(new Uint8Array(buf, start, end - start)));
    return {channel: m.channel, header: m.header, content: m.content, size: buf.byteLength};
  }

  function describe(data, protocol, dir) {
    const t = now();
    const e = {t, dir, size: 0, kind: 'other'};
    try {
      const p = parts(data, protocol);
      e.size = p.size;
      const type = p.header && p.header.msg_type;
      if (type === 'status') e.kind = 'status:' + p.content.execution_state;
      else if (type === 'comm_msg') {
        const d = p.content.data || {};
        if (d.method) e.kind = d.method;                      // update, echo_update, custom
        if (d.state) e.state = JSON.stringify(d.state).slice(0, 60);
        const custom = d.method === 'custom' && d.content && d.content.data;
        if (typeof custom === 'string' && custom.includes('"binary"')) e.kind = 'image';  // ipympl's frame
      } else if (type) e.kind = type;
    } catch (err) { e.kind = 'unparsed'; e.size = data.byteLength || data.length || 0; }
    return e;
  }

  const Native = window.WebSocket;
  function BenchSocket(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).includes('/channels')) {
      ws.addEventListener('message', ev => { if (B.rec) B.rec.msgs.push(describe(ev.data, ws.protocol, 'in')); });
      const send = ws.send.bind(ws);
      ws.send = data => { if (B.rec) B.rec.msgs.push(describe(data, ws.protocol, 'out')); return send(data); };
    }
    return ws;
  }
  BenchSocket.prototype = Native.prototype;
  Object.assign(BenchSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = BenchSocket;

  B.hash = () => {
    let h = 0;
    if (!B.target) return h;
    for (const c of B.target.querySelectorAll('canvas')) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
    }
    return h;
  };

  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    const r = B.rec;
    if (r) {
      const t = now();
      if (args[0] instanceof HTMLImageElement && !this.canvas.isConnected) r.decoded.push(t);  // ipympl: frame decoded
      else if (B.target && B.target.contains(this.canvas)) {
        r.draws.push(t);
        if (r.pixels === null && B.hash() !== r.base) r.pixels = t;
      }
    }
    return result;
  };
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function (...args) {
    const t = now();
    const result = toDataURL.apply(this, args);
    if (B.rec) B.rec.dataurl.push(now() - t);
    return result;
  };

  for (const type of ['keydown', 'mousedown', 'input', 'change'])
    window.addEventListener(type, ev => { if (B.rec && B.rec.input === null && B.rec.armed) B.rec.input = ev.timeStamp; }, true);

  B.arm = selector => {
    B.target = document.querySelector(selector);
    B.rec = null;
    const base = B.hash();
    B.rec = {armed: true, t_arm: now(), input: null, pixels: null, base, msgs: [], draws: [], decoded: [], dataurl: []};
  };
  B.settled = settleMs => {
    // done: new pixels and then quiet; or the kernel answered (a frame, or idle) without changing a pixel
    // and stayed quiet for longer (then the step is counted as "unchanged")
    const r = B.rec;
    if (!r || r.input === null) return false;
    const w = window.jupyterapp.shell.currentWidget;
    if (!(w && w.sessionContext.session.kernel.status === 'idle')) return false;
    const last = Math.max(r.input, r.pixels || 0, ...r.msgs.map(m => m.t));
    if (r.pixels !== null) return now() - last > settleMs;
    const answered = r.msgs.some(m => m.t > r.input && (m.kind === 'image' || m.kind === 'status:idle'));
    return answered && now() - last > 4 * settleMs;
  };
  B.take = () => {
    const r = B.rec;
    B.rec = null;
    if (r) { r.changed = B.target ? B.hash() !== r.base : false; r.origin = performance.timeOrigin; }
    return r;
  };
})();
"""

# Runs in the kernel once per notebook: every displayed explorer gets a CSS class on its widget and on each
# control, and its callback and ipympl's diff PNG are timed. Returns what the benchmark needs to know.
KERNEL_SETUP = r"""
def __ac_bench_setup():
    import gc, json, math, time
    from attention_course.explorers.base import Explorer
    log = []
    explorers = [o for o in gc.get_objects()
                 if isinstance(o, Explorer) and o.interactive and o._widget is not None]
    info = []
    for i, ex in enumerate(explorers):
        ex._widget.add_class(f"ac-bench-{i}")
        keys = {id(c): k for k, c in ex.controls.items()}
        on_change, canvas = ex._on_change, ex.fig.canvas
        encode = canvas.get_diff_image

        def timed_change(change, on_change=on_change, keys=keys, i=i):
            wall, t0 = time.time(), time.perf_counter()
            on_change(change)
            log.append({"i": i, "key": keys.get(id(change["owner"])), "wall": wall * 1000,
                        "callback_ms": (time.perf_counter() - t0) * 1000})

        def timed_encode(encode=encode, canvas=canvas, i=i):
            t0 = time.perf_counter()
            png = encode()
            log.append({"i": i, "encode_ms": (time.perf_counter() - t0) * 1000, "png_bytes": len(png) if png else 0,
                        "mode": canvas._current_image_mode, "wall": time.time() * 1000})  # then sent at once
            return png

        ex._on_change = timed_change
        canvas.get_diff_image = timed_encode
        controls = {}
        for key, c in ex.controls.items():
            c.add_class(f"ac-bench-{i}-{key}")
            kind = type(c).__name__
            d = {"kind": kind, "description": c.description, "disabled": bool(getattr(c, "disabled", False)),
                 "continuous_update": getattr(c, "continuous_update", None), "value": repr(c.value)}
            if hasattr(c, "options") and not isinstance(c.options, dict):
                d["n_options"], d["index"] = len(c.options), c.index
            if kind in ("IntSlider", "FloatSlider", "IntRangeSlider", "FloatRangeSlider"):
                v = c.value[0] if isinstance(c.value, tuple) else c.value
                d["pos"], d["n"] = round((v - c.min) / c.step), round((c.max - c.min) / c.step)
                if isinstance(c.value, tuple):
                    d["n"] = round((c.value[1] - c.min) / c.step)
            elif kind == "FloatLogSlider":
                d["pos"] = round((math.log(c.value, c.base) - c.min) / c.step)
                d["n"] = round((c.max - c.min) / c.step)
            elif kind in ("SelectionSlider", "SelectionRangeSlider"):
                d["pos"], d["n"] = c.index if kind == "SelectionSlider" else c.index[0], len(c.options) - 1
            elif kind in ("Text", "Textarea"):
                d["candidates"] = [s[key] for s in type(ex).bench_values if key in s and s[key] != c.value]
            controls[key] = d
        ex.__ac_bench_initial = {k: c.value for k, c in ex.controls.items()}
        info.append({"i": i, "name": ex.name, "chapter": int(ex.chapter), "title": ex.title,
                     "figure_px": list(canvas.get_width_height(physical=True)), "controls": controls})
    globals()["__ac_bench_log"] = log
    globals()["__ac_bench_explorers"] = explorers
    gc_start = []

    def gc_pause(phase, info, gc_start=gc_start):  # garbage collections: a pause the callback cannot avoid
        if phase == "start":
            gc_start[:] = [time.time(), time.perf_counter()]
        elif gc_start:
            log.append({"gc_ms": (time.perf_counter() - gc_start[1]) * 1000, "wall": gc_start[0] * 1000,
                        "generation": info["generation"]})

    gc.callbacks[:] = [c for c in gc.callbacks if getattr(c, "__name__", "") != "gc_pause"] + [gc_pause]
    return info

__ac_bench_out = json.dumps(__ac_bench_setup())
"""

KERNEL_TAKE_LOG = "__ac_bench_out = json.dumps(__ac_bench_log[:]); __ac_bench_log.clear()"


def kernel_restore(i, key):
    """Put a control back where it started (not timed), so the next control starts from the default state."""
    return (f"__ex = __ac_bench_explorers[{i}]; __ex.controls[{key!r}].value = __ex.__ac_bench_initial[{key!r}]; "
            "__ac_bench_out = '0'")


def kernel_json(page, code):
    """Run ``code`` in the notebook's kernel (through the page's own connection) and return the JSON value
    it leaves in ``__ac_bench_out``."""
    code = "import json\n" + code
    text = page.evaluate("""async code => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const future = kernel.requestExecute({code, silent: false, store_history: false,
                                              user_expressions: {out: '__ac_bench_out'}});
        const reply = await future.done;
        if (reply.content.status !== 'ok') return 'ERROR ' + reply.content.ename + ': ' + reply.content.evalue;
        const out = reply.content.user_expressions.out;
        if (out.status !== 'ok') return 'ERROR ' + out.ename + ': ' + out.evalue;
        return out.data['text/plain']; }""", code)
    if text.startswith("ERROR"):
        raise RuntimeError(text)
    return json.loads(ast.literal_eval(text))


def percentile(values, q):
    """Linear interpolation between the closest ranks (numpy's default)."""
    values = sorted(values)
    if not values:
        return math.nan
    k = (len(values) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values):
    return statistics.median(values) if values else math.nan


# -- one step per control kind ----------------------------------------------------------------------------

def slider_steps(control, presses):
    """Arrow keys that walk the handle to one end and back, never pushing against an end."""
    pos, n = control["pos"], control["n"]
    direction = 1 if pos < n else -1
    keys = []
    for _ in range(presses):
        if not 0 <= pos + direction <= n:
            direction = -direction
        pos += direction
        keys.append("ArrowRight" if direction > 0 else "ArrowLeft")
    return keys


def plan(control, presses):
    """(description, [one action per step]) for a control, or None if it cannot be stepped."""
    kind = control["kind"]
    if control["disabled"] or kind in ("Button", "HTML", "Label", "Output"):
        return None
    if kind.endswith("Slider"):  # walk on while steps leave the figure as it was (up to 3 x presses)
        return [("key", k) for k in slider_steps(control, 3 * presses)]
    if kind in ("Dropdown", "Select", "RadioButtons", "ToggleButtons"):
        n, start = control["n_options"], control["index"]
        if n < 2:
            return None
        return [("option", (start + 1 + k) % n) for k in range(presses)]
    if kind in ("ToggleButton", "Checkbox"):
        return [("click", None)] * presses
    if kind in ("Text", "Textarea"):
        candidates = control.get("candidates") or []
        if not candidates:
            return None
        original = ast.literal_eval(control["value"])
        values = [candidates[k // 2 % len(candidates)] if k % 2 == 0 else original for k in range(presses)]
        return [("text", v) for v in values]
    return None


def act(page, element, control, action):
    """Do one step; the input event it fires is the start of the measured interval."""
    what, arg = action
    kind = control["kind"]
    if what == "key":
        handle = element.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press(arg)
    elif what == "option":
        if kind == "ToggleButtons":
            element.locator("button").nth(arg).click()
        else:
            element.locator("select").select_option(index=arg)
    elif what == "click":
        target = element.locator("input") if kind == "Checkbox" else element
        target.first.click()
    elif what == "text":
        box = element.locator("input, textarea").first
        if control["continuous_update"]:
            box.fill(arg)
        else:
            page.evaluate("() => { window.__acBench.rec.armed = false; }")
            box.fill(arg)  # nothing is sent yet: the value is committed by Enter
            page.wait_for_timeout(150)  # typing is over before the Enter
            page.evaluate("() => { window.__acBench.rec.armed = true; }")
            box.press("Enter")


def one_step(page, selector, element, control, action):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("s => window.__acBench.arm(s)", selector)
    act(page, element, control, action)
    try:  # polled inside the page: no round trip to this process while the step is under way
        page.wait_for_function("ms => window.__acBench.settled(ms)", arg=SETTLE_MS, polling=25,
                               timeout=STEP_TIMEOUT_S * 1000)
        settled = True
    except PlaywrightTimeout:
        settled = False
    rec = page.evaluate("() => window.__acBench.take()")
    if not settled:  # no change within the time limit: let a late frame land before the next step
        page.wait_for_timeout(500)
    return step_figures(rec)


def step_figures(rec):
    """One step's latency and the parts the page can see (ms), with wall-clock marks to match the kernel's."""
    t0 = rec["input"]
    if t0 is None or rec["pixels"] is None:
        return {"changed": False}
    msgs = [m for m in rec["msgs"] if m["t"] >= t0]
    sent = [m for m in msgs if m["dir"] == "out" and m["kind"] == "update"]
    images = [m for m in msgs if m["dir"] == "in" and m["kind"] == "image"]
    shown = [m for m in images if m["t"] <= rec["pixels"]]
    image = shown[-1] if shown else None  # the frame that brought the new pixels
    wall = rec["origin"]
    f = {
        "changed": True,
        "latency_ms": rec["pixels"] - t0,
        "updates_sent": len(sent),
        "images": len(images),
        "image_bytes": sum(m["size"] for m in images),
        "bytes_in": sum(m["size"] for m in msgs if m["dir"] == "in"),
        "dataurl_ms": sum(rec["dataurl"]),
        "input_wall": wall + t0,
        "pixels_wall": wall + rec["pixels"],
    }
    if sent:
        f["front_out_ms"] = sent[0]["t"] - t0
        f["sent_wall"] = wall + sent[0]["t"]
    if image:
        f["image_wall"] = wall + image["t"]
        f["decode_paint_ms"] = rec["pixels"] - image["t"]
    return f


def add_kernel_parts(steps, kernel_log):
    """Split 'update sent -> image arrives' with the kernel's own clock marks (same machine, wall clock):
    wire in (server relay, the kernel reading the message, the echo), the kernel's work (callback, whose
    frame is encoded and sent from inside it), wire out (the image through the server to the page)."""
    callbacks = [e for e in kernel_log if "callback_ms" in e]
    encodes = [e for e in kernel_log if "encode_ms" in e]
    collections = [e for e in kernel_log if "gc_ms" in e]
    for f in steps:
        if not f["changed"]:
            continue
        lo, hi = f["input_wall"] - 5, f["pixels_wall"]
        mine = [e for e in callbacks if lo <= e["wall"] <= hi]
        frames = [e for e in encodes if lo <= e["wall"] <= f.get("image_wall", hi)]
        f["kernel_callbacks"] = len(mine)
        f["kernel_gc_ms"] = sum(e["gc_ms"] for e in collections if lo <= e["wall"] <= hi)
        if mine:
            f["kernel_callback_ms"] = sum(e["callback_ms"] for e in mine)
            if "sent_wall" in f:
                f["wire_in_ms"] = mine[0]["wall"] - f["sent_wall"]
        if frames:
            f["kernel_encode_ms"] = frames[-1]["encode_ms"]
            f["png_bytes"] = frames[-1]["png_bytes"]
            f["full_frame"] = frames[-1]["mode"] == "full"
            if mine:
                f["kernel_ms"] = frames[-1]["wall"] - mine[0]["wall"]
            if "image_wall" in f:
                f["wire_out_ms"] = f["image_wall"] - frames[-1]["wall"]
    return steps


def measure_control(page, ex, key, control, presses):
    selector = f".ac-bench-{ex['i']} .ac-bench-{ex['i']}-{key}"
    element = page.locator(selector).first
    if not page.locator(selector).count() or not element.is_visible():
        return None
    actions = plan(control, presses)
    if actions is None:
        return None
    figure = page.locator(f".ac-bench-{ex['i']}").first
    figure.scroll_into_view_if_needed()
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the page settles after scrolling, as it has before a student's first keypress
    steps = []
    for a in actions:
        steps.append(one_step(page, f".ac-bench-{ex['i']}", element, control, a))
        if sum(s["changed"] for s in steps) == presses:
            break
    return steps


PARTS = ("front_out_ms", "wire_in_ms", "kernel_ms", "wire_out_ms", "decode_paint_ms", "dataurl_ms",
         "kernel_callback_ms", "kernel_encode_ms", "kernel_gc_ms", "kernel_callbacks", "png_bytes", "image_bytes", "bytes_in",
         "images", "updates_sent")


def summarize(name, control_label, kind, steps):
    changed = [s for s in steps if s["changed"]]
    lat = [s["latency_ms"] for s in changed]
    row = {"explorer": name, "control": control_label, "kind": kind, "steps": len(steps),
           "unchanged": len(steps) - len(changed), "median_ms": round(median(lat), 1),
           "p95_ms": round(percentile(lat, 95), 1), "max_ms": round(max(lat), 1) if lat else math.nan}
    for part in PARTS:  # medians over the steps
        values = [s[part] for s in changed if part in s]
        row[part] = round(median(values), 1) if values else None
    row["full_frames"] = sum(1 for s in changed if s.get("full_frame"))
    row["ok"] = bool(lat) and row["median_ms"] <= MEDIAN_BUDGET_MS and row["p95_ms"] <= P95_BUDGET_MS
    return row


def bench_notebook(page, lab, notebook, presses, log):
    browser.run_all(page, lab.url, lab.token, notebook)
    explorers = kernel_json(page, KERNEL_SETUP)
    page.wait_for_timeout(800)  # the CSS classes reach the DOM
    rows = []
    for ex in explorers:
        controls = ex["controls"]
        grid = [k for k, c in controls.items() if c["kind"] == "ToggleButton" and not c["disabled"]]
        done_grid = False
        for key, control in controls.items():
            if key in grid and len(grid) > 2:
                if done_grid:
                    continue
                done_grid = True
                steps, keys = measure_toggle_grid(page, ex, grid, controls, presses)
                label = f"{grid[0]}…{grid[-1]} ({len(grid)} toggle buttons)"
            else:
                steps, keys = measure_control(page, ex, key, control, presses), [key]
                label = control["description"] or key
            if steps is None:
                continue
            add_kernel_parts(steps, kernel_json(page, KERNEL_TAKE_LOG))
            for k in keys:
                kernel_json(page, kernel_restore(ex["i"], k))
            page.wait_for_timeout(400)
            kernel_json(page, KERNEL_TAKE_LOG)  # the restore's own frames are not counted
            row = summarize(ex["name"], label, control["kind"], steps)
            row.update(notebook=notebook, chapter=ex["chapter"], key=keys[0] if len(keys) == 1 else "grid",
                       figure_px=ex["figure_px"], latencies_ms=[round(s["latency_ms"], 1) for s in steps if s["changed"]],
                       step_parts=[{k: round(v, 1) for k, v in s.items() if k.endswith("_ms") or k in ("images", "kernel_callbacks")}
                                   for s in steps if s["changed"]])
            rows.append(row)
            log(row)
    return rows


def measure_toggle_grid(page, ex, grid, controls, presses):
    """A grid of single toggle buttons (chapter 07's mask): a few cells spread over the grid, each clicked
    twice (off, then back on), one measured step per click."""
    n = max(1, presses // 2)
    cells = [grid[round(k * (len(grid) - 1) / max(1, n - 1))] for k in range(n)]
    steps = []
    for key in cells:
        selector = f".ac-bench-{ex['i']} .ac-bench-{ex['i']}-{key}"
        element = page.locator(selector).first
        if not element.count() or not element.is_visible():
            continue
        element.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        for _ in range(2):
            steps.append(one_step(page, f".ac-bench-{ex['i']}", element, controls[key], ("click", None)))
    return (steps or None), cells


# -- reporting ------------------------------------------------------------------------------------------------

COLUMNS = [("chapter", "ch", 3, "{:>3}"), ("explorer", "explorer", 19, "{:<19}"), ("control", "control", 18, "{:<18}"),
           ("median_ms", "median", 6, "{:>6.0f}"), ("p95_ms", "p95", 5, "{:>5.0f}"),
           ("front_out_ms", "f-out", 5, "{:>5.0f}"), ("wire_in_ms", "w-in", 5, "{:>5.0f}"),
           ("kernel_ms", "kernel", 6, "{:>6.0f}"), ("kernel_encode_ms", "k-png", 5, "{:>5.0f}"),
           ("wire_out_ms", "w-out", 5, "{:>5.0f}"), ("decode_paint_ms", "paint", 5, "{:>5.0f}"),
           ("dataurl_ms", "toURL", 5, "{:>5.0f}"), ("image_bytes", "kB", 5, "{:>5.1f}"),
           ("images", "imgs", 4, "{:>4.1f}"), ("kernel_callbacks", "cbs", 4, "{:>4.1f}"), ("unchanged", "miss", 4, "{:>4}")]


def fmt_row(row):
    cells = []
    for key, _, width, f in COLUMNS:
        v = row.get(key)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            cells.append(" " * (width - 1) + "–")
            continue
        if key == "image_bytes":
            v = v / 1000
        if key == "control":
            v = v[:width]
        cells.append(f.format(v))
    return " ".join(cells) + ("" if row["ok"] else "  OVER")


def header():
    return " ".join(f"{h:<{w}}" if k in ("explorer", "control") else f"{h:>{w}}" for k, h, w, _ in COLUMNS)


def explorer_summary(rows):
    out = {}
    for r in rows:
        s = out.setdefault(r["explorer"], {"explorer": r["explorer"], "chapter": r["chapter"], "controls": 0,
                                           "worst_median_ms": 0.0, "worst_p95_ms": 0.0, "ok": True})
        s["controls"] += 1
        s["worst_median_ms"] = max(s["worst_median_ms"], r["median_ms"])
        s["worst_p95_ms"] = max(s["worst_p95_ms"], r["p95_ms"])
        s["ok"] = s["ok"] and r["ok"]
    return sorted(out.values(), key=lambda s: (s["chapter"], s["explorer"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description="keypress -> new pixels for every control of every explorer")
    parser.add_argument("--only", nargs="*", default=[], help="chapter numbers (e.g. 06 07) or notebook name prefixes")
    parser.add_argument("--presses", type=int, default=12, help="steps per control (default 12)")
    parser.add_argument("--json", action="store_true", help="end with a JSON summary on one line")
    parser.add_argument("--folder", default="solutions", help="solutions (default) or chapters")
    parser.add_argument("--nodelay", action="store_true",
                        help="kernel WebSockets without Nagle's algorithm (not Jupyter Server's default; see browser.py)")
    args = parser.parse_args(argv)
    if not Path(browser.CHROMIUM).exists():
        print(f"no Chromium at {browser.CHROMIUM}: nothing measured")
        return 0
    notebooks = sorted((browser.ROOT / args.folder).glob("*.ipynb"))
    if args.only:
        notebooks = [p for p in notebooks if any(p.name.startswith(o.zfill(2) if o.isdigit() else o) for o in args.only)]
    load_before = os.getloadavg()[0]
    print(f"1-minute load average {load_before:.2f} (meaningful below ~0.5); {args.presses} steps per control; "
          f"budget median <= {MEDIAN_BUDGET_MS:.0f} ms, p95 <= {P95_BUDGET_MS:.0f} ms"
          + ("; kernel WebSockets without Nagle's algorithm" if args.nodelay else ""), flush=True)
    print("ms, medians per control: f-out input -> update sent | w-in -> kernel callback starts | kernel -> frame "
          "sent (k-png: its PNG) | w-out -> frame arrives | paint -> new pixels (toURL: ipympl's toDataURL, part of "
          "paint) | kB, imgs, cbs: bytes of frames, frames and kernel callbacks per step", flush=True)
    print(header(), flush=True)
    lab = browser.start_lab(tempfile.mkdtemp(), nodelay=args.nodelay)
    if lab.url is None:
        print(lab.log_text())
        return 1
    rows = []
    try:
        with browser.chromium() as chromium:
            for path in notebooks:
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                page.add_init_script(INIT_SCRIPT)
                notebook = path.relative_to(browser.ROOT).as_posix()
                try:
                    rows += bench_notebook(page, lab, notebook, args.presses, lambda r: print(fmt_row(r), flush=True))
                finally:
                    browser.shutdown_kernel(page)
                    page.close()
    finally:
        lab.stop()
    summary = explorer_summary(rows)
    load_after = os.getloadavg()[0]
    print(f"\nper explorer (worst control), load average {load_before:.2f} before, {load_after:.2f} after:")
    for s in summary:
        print(f"  {s['chapter']:>2} {s['explorer']:<20} median {s['worst_median_ms']:>6.1f} ms  "
              f"p95 {s['worst_p95_ms']:>6.1f} ms  {'ok' if s['ok'] else 'OVER BUDGET'}")
    print(f"{sum(s['ok'] for s in summary)} of {len(summary)} explorers within budget")
    if args.json:
        print(json.dumps({"load_before": load_before, "load_after": load_after, "presses": args.presses,
                          "nodelay": args.nodelay,
                          "budget": {"median_ms": MEDIAN_BUDGET_MS, "p95_ms": P95_BUDGET_MS},
                          "explorers": summary, "controls": rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
