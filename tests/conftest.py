"""Shared fixtures: the report's results, one strict build of the site per test session, and a
Chromium that visits it through a local server."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from chromium import HOW_TO_INSTALL, find_chromium

from report.pages import load_results

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def results() -> dict:
    """The merged registry from the last `python -m report` (make test runs it when stale)."""
    return load_results()["results"]


@pytest.fixture(scope="session")
def site_port() -> int:
    """A free local port for serving the site: its URL must be the build's site_url, or
    instant navigation (which reads sitemap.xml) falls back to full page loads."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site(tmp_path_factory, site_port) -> Path:
    """The site, built with `mkdocs build --strict` into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "SITE_URL": f"http://127.0.0.1:{site_port}/"},
        check=False,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr[-3000:]}"
    return out


FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(site, site_port):
    handler = functools.partial(QuietHandler, directory=site)
    httpd = ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=FLAGS
        )
        yield context
        context.close()
