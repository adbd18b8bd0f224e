"""Benchmark every registered interactive figure, kernel side, without a browser.

    python ci/bench_widgets.py          # a table
    python ci/bench_widgets.py --json   # only a JSON array, one object per figure

For each explorer it plays its ``bench_values`` (the same path as dragging the
controls) and times each update: the callback, the blitted redraw, and the PNG
encoding of the canvas that ipympl sends to the browser. In the same run it
times the naive way for the same figure and values: a new figure per change,
rendered to PNG. Budget: median <= 50 ms and at least 3x faster than naive.
It prints; it never fails on a slow machine.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore, FigureManagerWebAgg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from attention_course.explorers import EXPLORERS  # noqa: E402

BUDGET_MS = 50.0
REPEATS = 3


def webagg(explorer):
    """Give the explorer matplotlib's WebAgg canvas, the one ipympl's canvas is built on, so
    that ``get_diff_image()`` does exactly ipympl's kernel-side work after each frame (the PNG
    of the changed pixels that is sent to the browser)."""
    canvas = FigureCanvasWebAggCore(explorer.fig)
    FigureManagerWebAgg(canvas, 0)
    explorer._background = None
    explorer.refresh()
    canvas.get_diff_image()
    return explorer


def encode_canvas(explorer):
    return explorer.fig.canvas.get_diff_image()


def steps_of(cls):
    steps = list(cls.bench_values)
    return steps * REPEATS


def bench_fast(cls):
    explorer = webagg(cls(interactive=False))
    times = []
    for step in steps_of(cls):
        t0 = time.perf_counter()
        explorer.set(**step)
        encode_canvas(explorer)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_naive(cls):
    state = cls(interactive=False)
    times = []
    for step in cls.bench_values:
        state.set(**step)
        values = {k: c.value for k, c in state.controls.items()}
        t0 = time.perf_counter()
        fresh = cls(interactive=False)  # a whole new figure for this change...
        fresh.set(**values)
        fresh.png()  # ...rendered from scratch
        times.append((time.perf_counter() - t0) * 1000)
        fresh.fig.clear()
    return times


def run():
    rows = []
    for name, cls in sorted(EXPLORERS.items(), key=lambda kv: (kv[1].chapter, kv[0])):
        fast, naive = bench_fast(cls), bench_naive(cls)
        rows.append({
            "name": name,
            "chapter": int(cls.chapter),
            "median_ms": round(statistics.median(fast), 2),
            "p95_ms": round(float(np.percentile(fast, 95)), 2),
            "naive_median_ms": round(statistics.median(naive), 2),
        })
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="benchmark the course's interactive figures")
    parser.add_argument("--json", action="store_true", help="print only a JSON array")
    args = parser.parse_args(argv)
    rows = run()
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'figure':<22} {'ch':>3} {'median ms':>10} {'p95 ms':>8} {'naive ms':>9} {'speed-up':>9}  budget")
    for r in rows:
        speedup = r["naive_median_ms"] / r["median_ms"]
        ok = r["median_ms"] <= BUDGET_MS and speedup >= 3
        print(f"{r['name']:<22} {r['chapter']:>3} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} "
              f"{r['naive_median_ms']:>9.1f} {speedup:>8.1f}x  {'ok' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
