"""Shared fixtures: the report's results and one strict build of the site per test session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

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
