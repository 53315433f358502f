"""The built site: headline numbers on the right pages, none of them typed into docs/."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

# page (as built) -> numbers its HTML must show
SHOWN = {
    "index.html": ["48.757", "-10", "212", "1.236e8", "138,357,544"],
    "autodiff/index.html": ["48.757", "-10", "53.565"],
    "adam/index.html": ["-0.8710639468", "-0.5595034902", "-0.3701666124", "0.4736842105"],
    "receptive-field/index.html": ["212", "196"],
    "parameters/index.html": ["138,357,544", "14,714,688", "123,642,856", "1.236e8"],
    "errata/index.html": ["53.565", "138,357,544", "1.23646E+08", "-0.8710639468", "-0.3701666"],
}


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, so numbers split by markup still match."""
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.site
@pytest.mark.parametrize("page", SHOWN)
def test_the_page_shows_its_numbers(site, page):
    text = text_of((site / page).read_text())
    missing = [n for n in SHOWN[page] if n not in text]
    assert not missing, f"{page} does not show {missing}"


@pytest.mark.site
def test_no_headline_number_is_typed_into_the_docs():
    typed = re.compile(
        r"48\.75|42\.11|53\.56|138,357|138357|1\.236|14,714|123,642|0\.119|0\.87106|0\.37016"
    )
    for page in DOCS.glob("*.md"):
        hits = typed.findall(page.read_text())
        assert not hits, f"{page.name} types computed numbers by hand: {hits}"


@pytest.mark.site
def test_notebooks_are_pages_with_a_download(site):
    for chapter in ("autodiff", "adam", "cnn"):
        page = site / "generated" / "notebooks" / chapter / "index.html"
        assert "jupyter-wrapper" in page.read_text()
        assert (page.parent / f"{chapter}.ipynb").is_file()


@pytest.mark.site
def test_katex_is_served_by_the_site(site):
    assert (site / "assets" / "katex" / "katex.min.js").is_file()
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))
