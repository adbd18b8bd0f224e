"""Keypress-to-new-pixels in Chromium: for one interactive figure per chapter (the first one in
each solutions/ notebook), press → on its first slider and time until its canvas changes.

    python ci/bench_browser.py
"""
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402


def main():
    if not Path(browser.CHROMIUM).exists():
        print(f"no Chromium at {browser.CHROMIUM}: nothing measured")
        return 0
    lab = browser.start_lab(tempfile.mkdtemp())
    if lab.url is None:
        print(lab.log_text())
        return 1
    try:
        with browser.chromium() as chromium:
            print(f"{'notebook':<32} {'median ms':>10} {'p95 ms':>8}")
            for path in sorted((browser.ROOT / "solutions").glob("*.ipynb")):
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                notebook = path.relative_to(browser.ROOT).as_posix()
                browser.run_all(page, lab.url, lab.token, notebook)
                if page.locator(browser.FIGURE).filter(has=page.locator(".widget-slider")).count():
                    ms = sorted(browser.keypress_latencies(page))
                    print(f"{path.name:<32} {statistics.median(ms):>10.1f} {ms[int(0.95 * (len(ms) - 1))]:>8.1f}")
                page.close()
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
