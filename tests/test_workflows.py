"""The GitHub workflows: zizmor, GitHub Actions' security linter, finds nothing."""

import subprocess
import sys
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    audit = subprocess.run(
        [zizmor, "--offline", WORKFLOWS], check=False, capture_output=True, text=True
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout


def test_the_pages_workflow_names_the_repository_it_runs_in():
    build = (WORKFLOWS / "pages.yml").read_text()
    assert "REPO_URL: ${{ github.server_url }}/${{ github.repository }}" in build
    assert "REPO_NAME: ${{ github.repository }}" in build


def test_without_a_repository_the_site_links_none(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.delenv("REPO_URL", raising=False)
    monkeypatch.delenv("REPO_NAME", raising=False)
    config = load_config(str(WORKFLOWS.parent.parent / "mkdocs.yml"))
    assert config.repo_url is None
