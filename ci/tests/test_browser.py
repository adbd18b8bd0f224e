"""Every notebook of both folders in JupyterLab in headless Chromium: Run All, no error output,
widgets rendered, and moving an interactive figure's first slider changes its pixels.

Needs Debian's Chromium (/usr/bin/chromium; .ci/run installs it) and Python Playwright (never
`playwright install`). Skips, with the reason, when no Chromium is found. Set
SCREENSHOTS=<folder> to keep a screenshot of each notebook's first interactive figure.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOKS = [p.relative_to(ROOT).as_posix() for p in
             sorted(ROOT.glob("solutions/*.ipynb")) + sorted(ROOT.glob("chapters/*.ipynb"))]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on localhost, with first-run pop-ups switched off."""
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = free_port(), "attention-course-test"
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text())
    yield url, token
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def run_all(page, url, token, notebook):
    page.goto(f"{url}/lab/tree/{notebook}?token={token}&reset")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60000)
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
               && w.sessionContext.session.kernel.status === 'idle'; }""", timeout=60000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # done when every code cell has an execution count and the kernel is idle again
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        const cells = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
        return cells.every(c => c.model.executionCount !== null)
               && w.sessionContext.session.kernel.status === 'idle'; }""", timeout=240000)
    page.wait_for_timeout(1500)


def first_slider_changes_canvas(page, shot=None):
    """Press → on the first slider of the first interactive figure; True if the canvas pixels change."""
    figure = page.locator(".jupyter-widgets:has(canvas)").filter(has=page.locator(".widget-slider")).first
    figure.scroll_into_view_if_needed()
    canvas = figure.locator("canvas").first
    page.wait_for_timeout(800)
    if shot:
        figure.screenshot(path=shot)
    before = canvas.screenshot()
    handle = figure.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    for _ in range(40):
        page.wait_for_timeout(100)
        if canvas.screenshot() != before:
            return True
    return False


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
        n_explorers = source.count('"nbval-ignore-output"')
        rendered = page.locator(".jupyter-widgets:has(canvas)").filter(has=page.locator(".widget-slider"))
        assert rendered.count() >= n_explorers, f"{rendered.count()} interactive figures rendered, {n_explorers} expected"
        if n_explorers:  # the widgets' Chinese labels have a font even without system CJK fonts
            assert page.evaluate("document.fonts.check('14px \"Attention Course CJK\"', '张三')")
        shot = None
        if os.environ.get("SCREENSHOTS") and notebook.startswith("solutions/"):
            Path(os.environ["SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
            shot = str(Path(os.environ["SCREENSHOTS"]) / (Path(notebook).stem + ".png"))
        if n_explorers:
            assert first_slider_changes_canvas(page, shot), "moving the first slider did not change the figure"
        assert not errors, errors
    finally:
        page.close()
