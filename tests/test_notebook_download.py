"""Each notebook page and each chapter page offers its executed notebook as a visible download,
which runs from a clone as its first cell says and records the results the site shows."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from reader import Visit, url
from workcopy import copy_repo, env, reproduced

from report import CHAPTERS
from report.execute import ONE_THREAD

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


def download(server: str, browser, chapter: str) -> str:
    """The notebook a chapter's notebook page offers, fetched as the reader's browser fetches it."""
    visit = Visit(browser, url(server, f"generated/notebooks/{chapter}"))
    try:
        link = visit.page.get_by_role("link", name="Download the executed notebook")
        return visit.page.request.get(link.evaluate("a => a.href")).text()
    finally:
        visit.page.close()


def run_as_the_first_cell_says(text: str, chapter: str, where: Path, clone: Path) -> Path:
    """Save the downloaded notebook in `where` and run it there with the command of its first
    cell, in a fresh kernel that imports the code of `clone`; return the notebook run."""
    first = nbformat.reads(text, as_version=4).cells[0]
    assert first.cell_type == "markdown" and "make setup" in first.source
    command = re.search(rf"`<clone>/(\S+) (execute --inplace {chapter}\.ipynb)`", first.source)
    assert command, f"{chapter}: the first cell gives the command"
    saved = where / f"{chapter}.ipynb"
    saved.write_text(text)
    run = subprocess.run(
        [ROOT / command.group(1), *command.group(2).split()],
        cwd=where,
        env=env(clone, **ONE_THREAD),  # one BLAS thread, as the report runs a chapter
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"{chapter}:\n{run.stderr[-3000:]}"
    return saved


@pytest.mark.report
def test_downloaded_notebooks_run_as_their_first_cell_says_and_record_the_same_results(
    server, browser, results, tmp_path
):
    """Each chapter's download, run top to bottom in a fresh kernel as its first cell says, saved
    away from the clone, against a copy of the clone with no report generated: it records the
    results results.json holds (a timing within its checks' tolerance) and prints what the
    site's copy printed. The chapters run one per core, as `python -m report` runs them."""
    clone = copy_repo(tmp_path / "clone")
    shutil.rmtree(clone / "docs" / "generated")
    texts = {chapter: download(server, browser, chapter) for chapter in CHAPTERS}
    cores = len(os.sched_getaffinity(0))
    with ThreadPoolExecutor(max_workers=cores) as pool:
        runs = {
            chapter: pool.submit(run_as_the_first_cell_says, text, chapter, tmp_path, clone)
            for chapter, text in texts.items()
        }
    for chapter, run in runs.items():
        recorded = json.loads((clone / "docs" / "generated" / chapter / "results.json").read_text())
        expected = {key: r for key, r in results.items() if key.startswith(f"{chapter}.")}
        assert recorded.keys() == expected.keys(), chapter
        for key, result in recorded.items():
            assert reproduced(result, expected[key]), f"{key}: {result} against {expected[key]}"
        site_copy = nbformat.reads(texts[chapter], as_version=4)
        assert streams(nbformat.read(run.result(), as_version=4)) == streams(site_copy)
