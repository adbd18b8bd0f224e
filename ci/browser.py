"""JupyterLab on localhost and Debian's Chromium via Playwright: shared by the browser tests
(ci/tests/test_browser.py) and the keypress-latency benchmark (ci/bench_browser.py)."""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIGURE = ".jupyter-widgets:has(canvas)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    process: subprocess.Popen
    url: str
    token: str
    log: Path

    def log_text(self):
        return self.log.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# A kernel WebSocket that sends each message at once. Jupyter Server leaves Nagle's algorithm on, so a
# small message written while the previous one is not yet acknowledged waits for the browser's delayed
# ACK (up to ~40 ms on Linux): a widget's echo and the figure's new frame often do. Only with nodelay=True.
NODELAY_MODULE = """from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayConnection(ZMQChannelsWebsocketConnection):
    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()
"""


def start_lab(home, nodelay=False):
    """Start JupyterLab on a free localhost port with a token and no first-run pop-ups (and, with
    ``nodelay``, kernel WebSockets without Nagle's algorithm).

    Returns a Lab whose ``url`` is None if the server did not answer within a minute."""
    settings = Path(home) / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = free_port(), "attention-course-test"
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(Path(home) / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(Path(home) / "ws"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
           f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url="]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    if nodelay:
        (Path(home) / "ac_nodelay.py").write_text(NODELAY_MODULE)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(home), env.get("PYTHONPATH")]))
        cmd.append("--ServerApp.kernel_websocket_connection_class=ac_nodelay.NoDelayConnection")
    log = Path(home) / "lab.log"
    process = subprocess.Popen(cmd, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            return Lab(process, url, token, log)
        except OSError:
            time.sleep(0.5)
    process.kill()
    return Lab(process, None, token, log)


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def run_all(page, url, token, notebook):
    """Open ``notebook`` (a path relative to the repository), clear its outputs, Run All, wait until done."""
    page.goto(f"{url}/lab/tree/{notebook}?token={token}&reset")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60000)
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
               && w.sessionContext.session.kernel.status === 'idle'; }""", timeout=60000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        const cells = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
        return cells.every(c => c.model.executionCount !== null)
               && w.sessionContext.session.kernel.status === 'idle'; }""", timeout=240000)
    page.wait_for_timeout(1500)


CONTROLS = ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox"


def interactive_figures(page):
    return page.locator(FIGURE).filter(has=page.locator(CONTROLS))


def first_slider_changes_canvas(page, shot=None):
    """Move the first control of the first interactive figure (→ on a slider, or ← when it starts at its
    maximum; else the next option of a drop-down, else a toggle button not yet pressed, else a checkbox);
    True if the canvas pixels change."""
    figure = interactive_figures(page).first
    figure.scroll_into_view_if_needed()
    canvas = figure.locator("canvas").first
    page.wait_for_timeout(800)
    if shot:
        figure.screenshot(path=shot)
    before = canvas.screenshot()
    def changed(tries):
        for _ in range(tries):
            page.wait_for_timeout(100)
            if canvas.screenshot() != before:
                return True
        return False

    if figure.locator(".widget-slider").count():
        figure.locator(".widget-slider .noUi-handle").first.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        if changed(20):
            return True
        for _ in range(10):  # the slider may start at its maximum
            page.keyboard.press("ArrowLeft")
        return changed(40)
    if figure.locator(".widget-dropdown select").count():
        figure.locator(".widget-dropdown select").first.select_option(index=1)
    elif figure.locator(".widget-toggle-buttons").count():
        figure.locator(".widget-toggle-buttons button:not(.mod-active)").first.click()
    else:
        figure.locator(".widget-checkbox input").first.click()
    return changed(40)


def shutdown_kernel(page):
    """Shut down the kernel of the notebook open in ``page`` (frees its memory before the next notebook)."""
    from playwright.sync_api import Error

    with contextlib.suppress(Error):  # the page may be gone already; the server stops the kernel with itself
        page.evaluate("""async () => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            if (w && w.sessionContext) await w.sessionContext.shutdown(); }""")
