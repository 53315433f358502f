"""The whole report as one PDF, printed from the built site: a cover, a table of contents with
page numbers, then every page of the site's nav but the executed notebooks (they repeat the
chapters with their code), in nav order, with an outline (bookmarks) per section and page.

Chromium prints each page through Playwright with the site's own print stylesheet, so the PDF
shows the math, figures and tables exactly as the site typesets them; pypdf binds the parts.

    python -m report.pdf SITE_DIR OUT.pdf

An OUT inside SITE_DIR is linked from the site's home page (`make pdf`: site/backprop.pdf).
"""

from __future__ import annotations

import datetime
import html
import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test reader's static server and browser

from chromium import HOW_TO_INSTALL, find_chromium
from reader import Visit, launch, serve, url

PAPER = "A4"
MARGIN_MM = 16  # left and right; the page number sits in the bottom margin
PRINT_WIDTH = round((210 - 2 * MARGIN_MM) / 25.4 * 96)  # CSS px a printed line is wide
FRONT_PAGES = 2  # the cover and the table of contents, one page each
MARKER = "<!-- report-pdf -->"  # where the home page's link goes (overrides/main.html)
# Before printing, in print media at the printed width: a display formula wider than its column
# is zoomed down to fit (KaTeX does not wrap display math); links point at the published site
# (site_url, from the canonical link) instead of the local server that printed it. Returns what
# still sticks out, and the title.
FIT = """() => {
  const here = document.querySelector('link[rel="canonical"]')?.href || location.href;
  const [served, published] = [location.origin + "/", here.slice(0, 1 - location.pathname.length)];
  for (const a of document.querySelectorAll("article a[href]"))
    if (a.href.startsWith(served)) a.href = published + a.href.slice(served.length);
  window.dispatchEvent(new Event("resize"));  // tables.js stacks the tables that do not fit
  for (const b of document.querySelectorAll("article div.arithmatex")) {
    b.style.zoom = "";
    if (b.scrollWidth > b.clientWidth + 1) b.style.zoom = b.clientWidth / b.scrollWidth;
  }
  const box = (t) => t.closest(".md-typeset__scrollwrap") || t.parentElement;
  const wide = (e) => e.scrollWidth > e.clientWidth + 1;
  return {
    title: document.querySelector("article h1")?.textContent.replace("¶", "").trim() || "",
    tooWide: [
      ...[...document.querySelectorAll("article div.arithmatex")].filter(wide)
        .map((b) => "formula " + b.querySelector("annotation")?.textContent.trim().slice(0, 60)),
      ...[...document.querySelectorAll("article table")].filter((t) => wide(box(t)))
        .map((t) => "table " + t.querySelector("th")?.textContent.trim()),
    ],
  };
}"""


@dataclass
class Chapter:
    """One page of the site as printed: where it sits in the nav, and what printing it gave."""

    section: str | None
    path: str  # built path, "." for the home page
    title: str = ""
    pdf: bytes = b""
    pages: int = 0
    too_wide: list[str] = field(default_factory=list)


def contents(nav: list) -> list[Chapter]:
    """The report's pages in nav order: every Markdown page of the nav, with its section."""
    chapters: list[Chapter] = []

    def walk(items: list, section: str | None) -> None:
        for item in items:
            for name, value in item.items():
                if isinstance(value, list):
                    walk(value, name)
                elif value.endswith(".md"):
                    path = value.removesuffix(".md").removesuffix("index") or "."
                    chapters.append(Chapter(section, path))

    walk(nav, None)
    return chapters


def page_style(first: int) -> str:
    """The paper, margins and page number; this print job's first page is number `first`."""
    number = "content: counter(page); font: 9pt sans-serif; color: #555"
    return (
        f"@page {{ size: {PAPER}; margin: 18mm {MARGIN_MM}mm 16mm;"
        f" @bottom-center {{ {number} }} }}"
        f" @page :first {{ counter-increment: page {first}; }}"
    )


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def print_chapter(browser, server: str, chapter: Chapter, first: int) -> None:
    """Print one page of the site, numbered from `first`, after fitting it to the paper."""
    visit = Visit(browser, url(server, chapter.path), width=PRINT_WIDTH)
    try:
        visit.settle()
        if visit.errors or visit.blocked or visit.missing:
            problems = visit.errors + visit.blocked + visit.missing
            raise RuntimeError(f"{chapter.path}: the page did not load cleanly: {problems}")
        visit.page.emulate_media(media="print")
        visit.page.add_style_tag(content=page_style(first))
        fitted = visit.page.evaluate(FIT)
        chapter.title, chapter.too_wide = fitted["title"], fitted["tooWide"]
        chapter.pdf = visit.page.pdf(prefer_css_page_size=True, print_background=True)
        chapter.pages = pdf_pages(chapter.pdf)
    finally:
        visit.page.close()


def provenance() -> str:
    """The date and the commit the report was built from."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    day = datetime.datetime.now(datetime.UTC).date().isoformat()
    return f"Built {day} from commit {commit or 'unknown (not a git checkout)'}"


def front_matter(chapters: list[Chapter], config) -> str:
    """The cover and the table of contents, as one HTML document of FRONT_PAGES pages."""
    rows, section = [], object()
    start = FRONT_PAGES + 1
    for chapter in chapters:
        if chapter.section != section and chapter.section:
            rows.append(f'<li class="section">{html.escape(chapter.section)}</li>')
        section = chapter.section
        rows.append(
            f'<li><span>{html.escape(chapter.title)}</span><span class="dots"></span>'
            f"<span>{start}</span></li>"
        )
        start += chapter.pages
    return f"""<!doctype html><html lang="en"><meta charset="utf-8"><style>
      {page_style(1)} body {{ font: 11pt/1.5 sans-serif; color: #222; }}
      .cover {{ height: 240mm; display: flex; flex-direction: column; justify-content: center; }}
      h1 {{ font-size: 40pt; font-weight: 300; margin: 0 0 8mm; color: #3f51b5; }}
      .what {{ font-size: 14pt; max-width: 150mm; }} .meta {{ color: #555; margin-top: 12mm; }}
      .toc {{ break-before: page; }} h2 {{ font-weight: 300; font-size: 22pt; }}
      ul {{ list-style: none; padding: 0; }} li {{ display: flex; margin: 1.5mm 0; }}
      li.section {{ font-weight: bold; margin-top: 5mm; }}
      .dots {{ flex: 1; border-bottom: 1px dotted #999; margin: 0 2mm 1.2mm; }}
    </style>
    <section class="cover"><h1>{html.escape(config.site_name)}</h1>
      <p class="what">{html.escape(config.site_description)}</p>
      <p class="what">The whole report, printed from its site: every chapter, the errata and
        the reference pages.</p>
      <p class="meta">{provenance()}<br>Online: {html.escape(config.site_url or "")}<br>
        {html.escape(config.copyright or "")}</p></section>
    <section class="toc"><h2>Contents</h2><ul>{"".join(rows)}</ul></section></html>"""


def print_front(browser, chapters: list[Chapter], config) -> bytes:
    """The cover and contents printed; a contents longer than one page is an error."""
    page = browser.new_page()
    try:
        page.set_content(front_matter(chapters, config))
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    if pdf_pages(pdf) != FRONT_PAGES:
        raise RuntimeError(f"the cover and contents take {pdf_pages(pdf)} pages, not {FRONT_PAGES}")
    return pdf


def bind(front: bytes, chapters: list[Chapter], config) -> bytes:
    """One PDF: the front matter then the chapters, an outline entry per section and page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    writer.add_outline_item(title="Contents", page_number=1)
    sections: dict[str, object] = {}
    for chapter in chapters:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(chapter.pdf)), import_outline=False)
        parent = None
        if chapter.section:
            if chapter.section not in sections:
                sections[chapter.section] = writer.add_outline_item(
                    title=chapter.section, page_number=start
                )
            parent = sections[chapter.section]
        writer.add_outline_item(title=chapter.title, page_number=start, parent=parent)
    writer.add_metadata({"/Title": config.site_name, "/Subject": config.site_description})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def link_home(site: Path, pdf: Path) -> None:
    """Put the download link where the home page's marker is: the file exists from now on."""
    home = site / "index.html"
    text = home.read_text()
    if MARKER not in text:
        raise RuntimeError(f"{home} has no {MARKER} (overrides/main.html puts it there)")
    href = html.escape(pdf.relative_to(site).as_posix())
    link = (
        f'<a href="{href}" download class="md-button md-button--primary report-download"'
        ' aria-label="Download the whole report as one PDF">Download the report (PDF)</a>'
    )
    home.write_text(text.replace(MARKER, link, 1))


def render(browser, server: str, config) -> tuple[bytes, list[Chapter]]:
    """The whole report as one PDF from the site on `server`, and its chapters as printed."""
    chapters = contents(config.nav)
    first = FRONT_PAGES + 1
    for chapter in chapters:
        print_chapter(browser, server, chapter, first)
        first += chapter.pages
    return bind(print_front(browser, chapters, config), chapters, config), chapters


def publish(site: Path, out: Path, pdf: bytes) -> None:
    """Write the PDF; one inside the site is linked from its home page."""
    out.write_bytes(pdf)
    if out.resolve().is_relative_to(site.resolve()):
        link_home(site.resolve(), out.resolve())


def build(site: Path, out: Path) -> list[Chapter]:
    """Serve the built `site`, print it into `out` and return the chapters as printed."""
    from mkdocs.config import load_config
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError(HOW_TO_INSTALL)
    config = load_config(str(ROOT / "mkdocs.yml"))
    httpd = serve(site)
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            browser = launch(p, executable, Path(profile))
            try:
                pdf, chapters = render(
                    browser, f"http://127.0.0.1:{httpd.server_address[1]}/", config
                )
            finally:
                browser.close()
    finally:
        httpd.shutdown()
    publish(site, out, pdf)
    return chapters


def main(site: str, out: str) -> None:
    chapters = build(Path(site), Path(out))
    for chapter in chapters:
        print(f"{chapter.pages:3d} pages  {chapter.title}")
    too_wide = {c.path: c.too_wide for c in chapters if c.too_wide}
    if too_wide:
        sys.exit(f"wider than the paper, cut off in {out}: {json.dumps(too_wide, indent=1)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
