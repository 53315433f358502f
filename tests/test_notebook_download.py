"""Each notebook page and each chapter page offers its executed notebook as a visible download."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from reader import Visit, url

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_OF = {
    "autodiff": "autodiff",
    "generated/notebooks/autodiff": "autodiff",
    "adam": "adam",
    "generated/notebooks/adam": "adam",
    "receptive-field": "cnn",
    "parameters": "cnn",
    "generated/notebooks/cnn": "cnn",
}


@pytest.mark.parametrize("path", NOTEBOOK_OF)
def test_the_page_downloads_its_executed_notebook(server, browser, path):
    visit = Visit(browser, url(server, path))
    try:
        link = visit.page.get_by_role("link", name="Download the executed notebook")
        assert link.count() == 1, "one download link, named for what it downloads"
        assert link.is_visible(), "the download link is visible"
        chapter = NOTEBOOK_OF[path]
        assert link.get_attribute("download") == f"{chapter}.ipynb"
        response = visit.page.request.get(link.evaluate("a => a.href"))
        assert response.ok, f"{response.status} for the notebook"
        notebook = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert code and all(c.execution_count for c in code), "every code cell was executed"
        assert any(c.outputs for c in code), "the notebook carries its outputs"
        assert json.loads(response.text())["metadata"], "the file is the notebook itself"
    finally:
        visit.page.close()


def streams(notebook) -> list[str]:
    """The printed text of every code cell, in order."""
    return [
        "".join(o.get("text", "") for o in c.outputs)
        for c in notebook.cells
        if c.cell_type == "code"
    ]


def test_a_downloaded_notebook_runs_as_its_first_cell_says(server, browser, tmp_path):
    """The first cell says how to run the notebook; done in a fresh kernel, away from the clone,
    the cnn notebook prints what the site's copy printed (it has no timings)."""
    visit = Visit(browser, url(server, "generated/notebooks/cnn"))
    try:
        link = visit.page.get_by_role("link", name="Download the executed notebook")
        text = visit.page.request.get(link.evaluate("a => a.href")).text()
    finally:
        visit.page.close()
    site_copy = nbformat.reads(text, as_version=4)
    first = site_copy.cells[0]
    assert first.cell_type == "markdown" and "make setup" in first.source
    command = re.search(r"`<clone>/(\S+) (execute --inplace cnn\.ipynb)`", first.source)
    assert command, "the first cell gives the command"
    saved = tmp_path / "cnn.ipynb"
    saved.write_text(text)
    jupyter = ROOT / command.group(1)
    subprocess.run(
        [jupyter, *command.group(2).split()], cwd=tmp_path, check=True, capture_output=True
    )
    assert streams(nbformat.read(saved, as_version=4)) == streams(site_copy)
