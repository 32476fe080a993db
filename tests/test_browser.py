"""Notebook 04 in a real browser: JupyterLab on 127.0.0.1, driven through Playwright in Debian's
chromium (its own executable; no browser download). All cells run in smoke mode; then an
attribute of the explorer is toggled, and the drawn face must change. A screenshot of the
explorer is saved (``WORKSHOP_SCREENSHOT_DIR``, else the test's temporary folder).

Skipped, with a one-line reason, where chromium, Playwright or JupyterLab is missing (.ci/run
installs chromium with apt)."""

import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (Debian: apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None, reason="JupyterLab is not installed"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab serving a copy of notebook 04 (so autosave never touches the repository)."""
    shutil.copy(ROOT / "notebooks" / "04_conditional_faces.ipynb", tmp_path / "04_conditional_faces.ipynb")
    for plugin, values in {"apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
                           "notebook-extension/tracker": {"windowingMode": "none"}}.items():  # render every cell
        path = tmp_path / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, WORKSHOP_MODE="smoke", WORKSHOP_CACHE_DIR=str(tmp_path / "cache"),
               WORKSHOP_OUTPUT_DIR=str(tmp_path / "outputs"), JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}", "--ServerApp.port_retries=0", "--allow-root"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.5)
    yield f"{url}/lab/tree/04_conditional_faces.ipynb?token={token}"
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_notebook_04_runs_in_jupyterlab_and_its_explorer_redraws_the_face(jupyterlab, tmp_path):
    import ipywidgets

    if ipywidgets.__version__.startswith("7."):  # measured: a JavaScript error where the explorer should be
        pytest.skip("JupyterLab 4 cannot draw ipywidgets 7 (Colab's version; Colab draws widgets its own way)")
    sync_playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").sync_playwright
    shots = Path(os.environ.get("WORKSHOP_SCREENSHOT_DIR", tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(jupyterlab)
        try:
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)  # the kernel is up
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            toggle = page.locator("button.widget-toggle-button", has_text="Smiling")
            toggle.wait_for(state="attached", timeout=300_000)  # the explorer is the last cell: all above ran
            face = page.locator("img.widget-image").last
            face.wait_for(state="attached", timeout=60_000)
        except Exception:
            page.screenshot(path=str(shots / "notebook04_failure.png"), full_page=True)
            raise
        assert page.locator("text=Traceback").count() == 0, "a cell raised an error"
        before = face.get_attribute("src")
        toggle.scroll_into_view_if_needed()
        toggle.click()
        deadline = time.monotonic() + 60
        while face.get_attribute("src") == before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        after = face.get_attribute("src")
        face.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "notebook04_explorer.png"))
        browser.close()
    assert after != before, "toggling Smiling did not redraw the face"
    assert (shots / "notebook04_explorer.png").stat().st_size > 10_000
