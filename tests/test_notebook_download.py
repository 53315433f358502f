"""Each notebook page and each chapter page offers its executed notebook as a visible download."""

from __future__ import annotations

import json

import nbformat
import pytest
from reader import Visit, url

pytestmark = pytest.mark.browser
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
