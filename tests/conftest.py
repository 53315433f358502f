"""Shared fixtures: the report's results, one strict build of the site per test session, and a
Chromium that visits it through a local server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from chromium import HOW_TO_INSTALL, find_chromium
from reader import Look, launch, look, serve

from report.pages import load_results

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def results() -> dict:
    """The merged registry from the last `python -m report` (make test runs it when stale)."""
    return load_results()["results"]


@pytest.fixture(scope="module")
def one_torch_thread():
    """torch on one thread for a module of small-tensor runs: a second thread only contends on a
    shared two-core machine (measured up to 10x slower); the old count is restored after."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def site_port() -> int:
    """A free local port for serving the site: its URL must be the build's site_url, or
    instant navigation (which reads sitemap.xml) falls back to full page loads."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The repository the Pages workflow names (REPO_URL, REPO_NAME): the tests build with one, so the
# browser tests see the deployed header, repository link included.
REPOSITORY = {"REPO_URL": "https://github.com/example/backprop", "REPO_NAME": "example/backprop"}


@pytest.fixture(scope="session")
def site(tmp_path_factory, site_port) -> Path:
    """The site, built with `mkdocs build --strict` into a temporary folder, as deployed."""
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, **REPOSITORY, "SITE_URL": f"http://127.0.0.1:{site_port}/"},
        check=False,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr[-3000:]}"
    return out


@pytest.fixture(scope="session")
def server(site, site_port):
    """The built site on its site_url, a missing path answered with its 404 page."""
    httpd = serve(site, site_port)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole session."""
    executable = find_chromium()
    if executable is None:
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = launch(p, executable, tmp_path_factory.mktemp("chromium-profile"))
        yield context
        context.close()


@pytest.fixture(scope="session")
def looks(server, browser):
    """Each page looked at once per colour scheme, when a test first asks: `looks(path, scheme)`.
    With BACKPROP_SCREENSHOTS=DIR, each look also saves desktop and phone screenshots there."""
    shots = os.environ.get("BACKPROP_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    taken: dict[tuple[str, str], Look] = {}

    def get(path: str, scheme: str = "light") -> Look:
        if (path, scheme) not in taken:
            taken[path, scheme] = look(
                browser, server, path, scheme, Path(shots) if shots else None
            )
        return taken[path, scheme]

    return get
