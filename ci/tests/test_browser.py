"""Every notebook of both folders, in English and in Chinese (zh/), in JupyterLab in headless Chromium:
Run All, no error output, widgets rendered, every Chinese character of the widgets in the font they
embed (no tofu), the Chinese edition's widgets in Chinese, and moving an interactive figure's first
slider changes its pixels.

Needs Debian's Chromium (/usr/bin/chromium; .ci/run installs it) and Python Playwright (never
`playwright install`). Skips, with the reason, when no Chromium is found. Set
SCREENSHOTS=<folder> to keep a screenshot of each notebook's first interactive figure.
"""
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import browser as browser_tools  # noqa: E402

ROOT = browser_tools.ROOT
CHROMIUM = browser_tools.CHROMIUM
NOTEBOOKS = [p.relative_to(ROOT).as_posix() for folder in ("solutions", "chapters", "zh/solutions", "zh/chapters")
             for p in sorted(ROOT.glob(f"{folder}/*.ipynb"))]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def embedded_font_characters(page):
    """The characters of the CJK font the explorers embed in the page (a data: URL in their CSS)."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    css = page.evaluate("""() => [...document.querySelectorAll('.ac-explorer style')]
        .map(s => s.textContent).find(t => t.includes('@font-face')) || ''""")
    found = re.search(r"base64,([A-Za-z0-9+/=]+)", css)
    assert found, "the explorers embed no CJK font"
    font = TTFont(io.BytesIO(base64.b64decode(found.group(1))))
    return {chr(c) for c in font.getBestCmap()}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = browser_tools.start_lab(tmp_path_factory.mktemp("lab"))
    if server.url is None:
        pytest.fail("JupyterLab did not start:\n" + server.log_text())
    yield server.url, server.token
    server.stop()


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    with browser_tools.chromium() as b:
        yield b


run_all = browser_tools.run_all
first_slider_changes_canvas = browser_tools.first_slider_changes_canvas


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab(lab, browser, notebook):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        run_all(page, url, token, notebook)
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator(".jp-OutputArea-output .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
        body = page.inner_text(".jp-Notebook")
        for bad in ("Error displaying widget", "model not found", "Traceback"):
            assert bad not in body, bad
        source = (ROOT / notebook).read_text(encoding="utf-8")
        n_explorers = len(re.findall(r"= explore_\w+\(", source))  # cells that build an interactive figure
        rendered = browser_tools.interactive_figures(page)
        assert rendered.count() >= n_explorers, f"{rendered.count()} interactive figures rendered, {n_explorers} expected"
        if n_explorers:  # the widgets' Chinese labels have a font even without system CJK fonts
            assert page.evaluate("document.fonts.check('14px \"Attention Course CJK\"', '张三')")
            # textContent, not innerText: JupyterLab does not lay out cells far off screen
            widget_text = "".join(page.evaluate(
                "() => [...document.querySelectorAll('.ac-explorer')].map(e => e.textContent)"))
            missing = set(CJK.findall(widget_text)) - embedded_font_characters(page)
            assert not missing, f"tofu: the widgets' font lacks {''.join(sorted(missing))} (python ci/subset_font.py --ui)"
            if notebook.startswith("zh/"):  # the Chinese edition's controls are labelled in Chinese
                labels = "".join(page.evaluate(
                    "() => [...document.querySelectorAll('.ac-explorer .widget-label')].map(e => e.textContent)"))
                assert CJK.search(labels), f"no Chinese in the widgets' labels: {labels[:200]!r}"
        shot = None
        if os.environ.get("SCREENSHOTS") and notebook.startswith(("solutions/", "zh/solutions/")):
            Path(os.environ["SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
            prefix = "zh_" if notebook.startswith("zh/") else ""
            shot = str(Path(os.environ["SCREENSHOTS"]) / (prefix + Path(notebook).stem + ".png"))
        if n_explorers:
            assert first_slider_changes_canvas(page, shot), "moving the first slider did not change the figure"
        assert not errors, errors
    finally:
        page.close()
