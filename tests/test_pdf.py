"""The whole report as one PDF (report/pdf.py), printed once from the session's built site: its
length, every page's title in nav order with a bookmark, the headline numbers, nothing past the
paper's edge, and the home page's link to it, there only where the PDF is."""

from __future__ import annotations

import html
import io
import re
import shutil
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from reader import Visit, page_paths, serve, url

from report import pdf as report_pdf
from report.results import format_value

ROOT = Path(__file__).resolve().parent.parent
# The numbers a reader of the report must find in it (their values come from results.json)
HEADLINE = (
    "autodiff.df_dx",
    "autodiff.df_dc",
    "adam.second_step_1",
    "adam.second_step_2",
    "cnn.rf_size",
    "cnn.rf_stride",
    "cnn.rf_padding",
    "cnn.params_total",
    "cnn.params_conv",
    "cnn.params_fc",
)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")

pytestmark = [pytest.mark.site, pytest.mark.browser]


@dataclass
class Printed:
    """The report as printed, and a copy of the site it is published in."""

    reader: object
    chapters: list[report_pdf.Chapter]
    site: Path
    texts: dict[int, str] = field(default_factory=dict)

    def text(self, index: int) -> str:
        """Page `index`'s text, extracted once (pypdf takes ~0.2 s a page: only when asked)."""
        if index not in self.texts:
            self.texts[index] = plain(self.reader.pages[index].extract_text())
        return self.texts[index]

    def spans(self) -> dict[str, range]:
        """Each chapter's pages, by its built path."""
        found, start = {}, report_pdf.FRONT_PAGES
        for chapter in self.chapters:
            found[chapter.path] = range(start, start + chapter.pages)
            start += chapter.pages
        return found


def plain(text: str) -> str:
    """Text as compared: one space for any run of spaces, an ASCII minus."""
    return SPACES.sub(" ", text.replace("\u2212", "-")).strip()


@pytest.fixture(scope="session")
def printed(site, server, browser, tmp_path_factory) -> Printed:
    """Printed from the session's site and published into a copy of it, as `make pdf` does."""
    from mkdocs.config import load_config
    from pypdf import PdfReader

    pdf, chapters = report_pdf.render(browser, server, load_config(str(ROOT / "mkdocs.yml")))
    published = tmp_path_factory.mktemp("published") / "site"
    shutil.copytree(site, published)
    report_pdf.publish(published, published / "backprop.pdf", pdf)
    return Printed(PdfReader(io.BytesIO(pdf)), chapters, published)


def title(site: Path, path: str) -> str:
    """A built page's h1, as text."""
    (heading,) = H1.findall((site / path / "index.html").read_text())
    return plain(html.unescape(re.sub(r"<[^>]+>|&para;", "", heading)))


def markdown_pages() -> list[str]:
    """Every Markdown page of the site (from docs/), as built paths in the nav's order."""
    from mkdocs.config import load_config

    nav = [c.path for c in report_pdf.contents(load_config(str(ROOT / "mkdocs.yml")).nav)]
    pages = [p for p in page_paths() if not p.startswith("generated/")]
    assert sorted(nav) == sorted(pages), "a Markdown page is not in the nav, or not printed"
    return nav


def bookmarks(outline: list) -> list:
    """The outline's entries, nested ones included."""
    return [m for e in outline for m in (bookmarks(e) if isinstance(e, list) else [e])]


def test_the_report_is_the_cover_the_contents_and_every_chapter(printed):
    pages = len(printed.reader.pages)
    assert 30 <= pages <= 300, f"{pages} pages"
    assert pages == report_pdf.FRONT_PAGES + sum(c.pages for c in printed.chapters)
    assert "backprop" in printed.text(0) and "Built " in printed.text(0)
    assert "Contents" in printed.text(1)
    ends = {i for span in printed.spans().values() for i in (span[0], span[-1])}
    unnumbered = [i + 1 for i in sorted(ends) if not printed.text(i).startswith(f"{i + 1} ")]
    assert not unnumbered, f"pages empty or not numbered in the whole: {unnumbered[:10]}"


def test_every_page_of_the_nav_is_printed_in_order_with_a_bookmark_and_its_page_number(
    printed, site
):
    expected = [title(site, path) for path in markdown_pages()]
    marks = {
        plain(mark.title): printed.reader.get_destination_page_number(mark)
        for mark in bookmarks(printed.reader.outline)
    }
    starts = []
    for heading in expected:
        assert heading in marks, f"no bookmark for {heading!r}"
        start = marks[heading]
        assert heading in printed.text(start), f"{heading!r} is not on its bookmark's page"
        assert re.search(rf"{re.escape(heading)} {start + 1}\b", printed.text(1)), (
            f"the contents do not give {heading!r} its page, {start + 1}"
        )
        starts.append(start)
    assert starts == sorted(starts), "the pages are not in the nav's order"


def test_the_headline_numbers_are_in_the_chapters_that_compute_them(printed, results):
    spans = printed.spans()
    missing = {}
    for key in HEADLINE:
        number = format_value(results[key]["value"], results[key]["fmt"])
        span = spans[results[key]["page"].removesuffix(".md")]
        if not any(number in printed.text(i) for i in span):
            missing[key] = number
    assert not missing, f"not in their chapters of the PDF: {missing}"


def test_nothing_is_wider_than_the_paper(printed):
    too_wide = {c.path: c.too_wide for c in printed.chapters if c.too_wide}
    assert not too_wide, f"cut off at the paper's edge: {too_wide}"


def test_its_links_point_at_the_published_site_not_the_server_that_printed_it(
    site, site_port, browser
):
    from pypdf import PdfReader

    httpd = serve(site)  # another port than the build's site_url
    try:
        chapter = report_pdf.Chapter(None, "errata")
        report_pdf.print_chapter(
            browser, f"http://127.0.0.1:{httpd.server_address[1]}/", chapter, 1
        )
    finally:
        httpd.shutdown()
    uris = [
        link["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(chapter.pdf)).pages
        for link in (a.get_object() for a in page.get("/Annots", []))
        if "/URI" in link.get("/A", {})
    ]
    assert uris, "the errata link to nothing"
    elsewhere = [u for u in uris if not u.startswith(f"http://127.0.0.1:{site_port}/")]
    assert not elsewhere, f"links not to the site_url: {elsewhere[:5]}"


def test_the_home_page_links_the_pdf_where_it_is_published_and_only_there(printed, site, browser):
    assert 'href="backprop.pdf"' not in (site / "index.html").read_text()
    assert "report-download" not in (site / "index.html").read_text()
    httpd = serve(printed.site)
    server = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        visit = Visit(browser, url(server, "."))
        link = visit.page.get_by_role("link", name="Download the whole report as one PDF")
        assert link.is_visible()
        href = link.evaluate("(a) => a.href")
        visit.page.close()
        with urllib.request.urlopen(href) as response:
            assert response.read() == (printed.site / "backprop.pdf").read_bytes()
    finally:
        httpd.shutdown()
