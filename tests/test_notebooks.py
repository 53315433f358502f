"""The executed notebooks read like the pages: each figure inline as the SVG the page embeds, each
table rendered, each result a small table; the registry's plumbing runs but is not shown on
the site; code fits 100 columns."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from reader import DESKTOP, Visit, url

from report import CHAPTERS
from report.execute import HIDE_INPUT

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "generated"
HEAD = re.compile(r"`([\w.]+)`: .+\n\n\| ")  # a result's table: its key and title, then rows
REPR = re.compile(r"\b(Result|Check|Claim|Registry|PosixPath|Written)\(")


def notebook(chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(GENERATED / "notebooks" / f"{chapter}.ipynb", as_version=4)


def written(chapter: str, suffix: str) -> list[Path]:
    """The files of a kind the chapter's last run wrote, by its record (dark twins left out)."""
    outputs = json.loads((GENERATED / chapter / "run.json").read_text())["outputs"]
    paths = [ROOT / p for p in outputs if p.endswith(suffix) and not p.endswith("-dark.svg")]
    assert paths, f"{chapter} wrote no {suffix} file"
    return paths


def shown(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    """Every output of that MIME type, in order."""
    return [
        o.data[mime]
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if mime in o.get("data", {})
    ]


def canonical(svg: str) -> str:
    """An SVG's element tree as canonical XML: the file and IPython's copy of it compare equal."""
    return ET.canonicalize(svg[svg.index("<svg") :], strip_text=True)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_figure_is_shown_inline_as_the_page_embeds_it(chapter):
    svgs = [canonical(s) for s in shown(notebook(chapter), "image/svg+xml")]
    for path in written(chapter, ".svg"):
        assert svgs.count(canonical(path.read_text())) == 1, f"{path.name} is not shown once"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_table_is_rendered_markdown(chapter):
    rendered = [text.strip() for text in shown(notebook(chapter), "text/markdown")]
    tables = [p for p in written(chapter, ".md") if p.read_text().startswith("|")]
    assert tables
    for path in tables:
        assert path.read_text().strip() in rendered, f"{path.name} is not shown as Markdown"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_result_is_shown_once_as_a_small_table_and_no_repr(chapter):
    nb = notebook(chapter)
    keys = json.loads((GENERATED / chapter / "results.json").read_text())
    heads = [m[1] for text in shown(nb, "text/markdown") if (m := HEAD.match(text))]
    assert sorted(heads) == sorted(keys), "each result shown once, as a table headed by its key"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") + "".join(map(str, output.get("data", {}).values()))
            assert not REPR.search(text), f"a repr in the output of:\n{cell.source[:200]}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_code_line_is_wider_than_100_columns(chapter):
    for cell in notebook(chapter).cells:
        if cell.cell_type == "code":
            wide = [line for line in cell.source.splitlines() if len(line) > 100]
            assert not wide, f"{chapter}: {wide}"


def page_text(page: Path) -> str:
    """The text of a built page, markup and highlighting dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


@pytest.mark.site
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_plumbing_runs_in_the_notebook_but_is_hidden_on_the_site(site, chapter):
    nb = notebook(chapter)
    hidden = [c for c in nb.cells if HIDE_INPUT in c.metadata.get("tags", [])]
    assert any(f'Registry("{chapter}"' in c.source for c in hidden), "the registry's cell"
    assert all(c.execution_count and c.metadata.jupyter.source_hidden for c in hidden)
    text = page_text(site / "generated" / "notebooks" / chapter / "index.html")
    for cell in nb.cells:
        if cell.cell_type == "code":
            line = next(line for line in cell.source.splitlines() if line.strip())
            assert (line in text) != (cell in hidden), f"shown or hidden wrongly: {line}"


# The code blocks of a page whose lines do not fit: they would scroll sideways.
CUT = """() => [...document.querySelectorAll('.jp-InputArea pre')]
  .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
  .map((pre) => pre.textContent.split('\\n')[0])"""


@pytest.mark.browser
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_of_100_columns_fits_a_notebook_page_at_1280_px(server, browser, chapter):
    visit = Visit(browser, url(server, f"generated/notebooks/{chapter}"), width=DESKTOP)
    try:
        visit.settle()
        assert visit.page.locator(".jp-InputArea pre").count() > 10
        assert visit.page.evaluate(CUT) == [], "code that scrolls sideways at 1280 px"
    finally:
        visit.page.close()
