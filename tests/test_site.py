"""The built site: headline numbers on the right pages, none of them typed into docs/."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report.pages import verdict
from report.parts import SHEET_PARTS
from report.results import KINDS, PARTS, format_value
from report.sheet import SHEET

DOCS = Path(__file__).resolve().parent.parent / "docs"
NOTEBOOKS = DOCS / "generated" / "notebooks"
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
# Markdown markup, not words: strike-through, escapes, headings, and *emphasis* asterisks
EMPHASIS = r"~~|\\|^#+ |(?<!\S)\*|\*(?!\S)"
# In a formula: words (\text{in}, \operatorname{sign}, \mathbb{R}, environments) and sub- and
# superscripts (r_{l-1}, \beta^t) are not symbols of their own; other commands (\frac, \ln,
# \partial, \sum) are operators.
WORDS = re.compile(r"\\(?:text|operatorname|mathrm|mathbb|begin|end)\{[^}]*\}")
SCRIPTS = re.compile(r"[_^](?:\{[^{}]*\}|\\[A-Za-z]+|.)")
GREEK = [
    *["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta"],
    *["lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi"],
    *["omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"],
]
KEPT = {*GREEK, "bar", "hat", "tilde"}
SYMBOL = re.compile(
    r"\\(?:bar|hat|tilde)\s*\{?\s*(?:\\[A-Za-z]+|[A-Za-z])\}?"
    rf"|\\(?:{'|'.join(GREEK)})(?![A-Za-z])"
    r"|(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])"
)

# page (as built) -> numbers its HTML must show
SHOWN = {
    "index.html": ["48.757", "-10", "212", "1.23646E+08", "138,357,544"],
    "autodiff/index.html": ["48.757", "-10", "53.565", "31.52641", "1.648721270700128"],
    "adam/index.html": ["-0.8710639468", "-0.5595034902", "-0.3701666124", "0.4736842105"],
    "receptive-field/index.html": ["212", "196"],
    "parameters/index.html": ["138,357,544", "14,714,688", "123,642,856", "1.236e8"],
    "errata/index.html": ["53.565", "138,357,544", "1.23646E+08", "-0.8710639468", "-0.3701666"],
    "results/index.html": ["48.757", "53.565", "138,357,544", "1.236e8", "-0.8710639468"],
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
        r"|31\.526|1\.64872|86\.985|369\.31|2\.1228|0\.62162"
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


def symbols(markdown: str) -> set[str]:
    """The symbols in a page's formulas (code blocks skipped): letters, Greek letters, and
    letters with a bar or a hat, as written in TeX (`\\bar{v}` and `\\bar v` alike)."""
    found = set()
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    markdown = re.sub(r"\{\{.*?\}\}", "0", markdown)  # a {{ key }} is a number, not a symbol
    for match in MATH.finditer(markdown):
        tex = SCRIPTS.sub(" ", WORDS.sub(" ", match[1] or match[2]))
        tex = re.sub(r"\\([A-Za-z]+)", lambda m: m[0] if m[1] in KEPT else " ", tex)
        found |= {re.sub(r"[\s{}]", "", s) for s in SYMBOL.findall(tex)}
    return found


def test_symbols_are_found():
    found = symbols(
        r"$\hat m_t = m_t/(1 - \beta^t)$, $$\bar{v}_3 = \frac{du}{dx}\text{ at } k'_l$$"
        r" ${{ adam.first_step_1 }}\,\alpha$"
    )
    assert found == {r"\hatm", "m", r"\beta", r"\barv", "k", r"\alpha"}


@pytest.mark.site
def test_the_notation_page_has_every_symbol_of_the_site():
    """Every symbol in a formula of a page or an executed notebook is on the notation page."""
    notation = symbols((DOCS / "notation.md").read_text())
    texts = {p.name: p.read_text() for p in DOCS.glob("*.md") if p.name != "notation.md"}
    for nb in NOTEBOOKS.glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        texts[nb.name] = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    missing = {name: sorted(symbols(text) - notation) for name, text in texts.items()}
    assert not any(missing.values()), f"symbols not on the notation page: {missing}"


@pytest.mark.site
def test_the_header_links_the_repository_and_the_footer_the_licence(site):
    from conftest import REPOSITORY

    for page in ("index.html", "autodiff/index.html"):
        html = (site / page).read_text()
        assert f'href="{REPOSITORY["REPO_URL"]}"' in html, f"{page}: no repository link"
        assert 'data-md-component="source"' not in html, f"{page}: fetches repository facts"
        (licence,) = re.findall(r'href="([^"]*)">MIT licence</a>', html)
        target = (site / page).parent / licence / "index.html"
        assert "Permission is hereby granted" in target.read_text()


class Cells(HTMLParser):
    """The rows of an HTML fragment's tables: per cell its text and the links in it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[dict]] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = {"text": "", "links": []}
            self.rows[-1].append(self.cell)
        elif tag == "a" and self.cell:
            self.cell["links"].append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell["text"] = self.cell["text"].strip()
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.cell["text"] += data


def section(html: str, heading_id: str) -> str:
    """The HTML from a heading to the next heading of its level or higher."""
    start = html.index(f'id="{heading_id}"')
    level = html[html.rindex("<h", 0, start) + 2]
    ends = [m.start() for m in re.finditer(rf"<h[1-{level}][ >]", html[start:])]
    return html[start : start + ends[0]] if ends else html[start:]


def ids(site, page: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', (site / page / "index.html").read_text()))


@pytest.mark.site
def test_the_home_page_answers_every_part_of_the_sheet(site, results):
    """One row per part, in the sheet's order, linked to a heading that exists, with the sheet's
    answer, ours, and the verdict its claims give."""
    table = Cells()
    table.feed(section((site / "index.html").read_text(), "the-answers-at-a-glance"))
    header, *rows = table.rows
    assert [c["text"] for c in header] == [
        "Part",
        "Question",
        "The sheet",
        "Ours",
        "Verdict",
    ]
    assert [r[0]["text"] for r in rows] == [f"{p[0]} {p[1]}" for p in PARTS]  # all eleven
    for part, row in zip(SHEET_PARTS, rows):
        page, heading = row[0]["links"][0].removeprefix("./").split("#")
        assert heading in ids(site, page.strip("/") or "."), f"{part.name}: no #{heading} on {page}"
        claimed = [r for r in results.values() if r["sheet"] and r["sheet"]["part"] == part.name]
        assert row[4]["text"] == re.sub(r"\[(\w+)\]\(.*\)", r"\1", verdict(claimed))
        for _, key in part.ours:
            number = format_value(results[key]["value"], results[key]["fmt"])
            assert number in row[3]["text"], f"{part.name}: our {key} = {number} is not shown"
    verdicts = [r[4]["text"] for r in rows]
    assert {"correct", "erratum", "slip"} <= set(verdicts), verdicts


@pytest.mark.site
@pytest.mark.parametrize("part", SHEET_PARTS, ids=lambda p: p.name)
def test_each_part_has_its_heading_and_the_sheets_answer(site, results, part):
    """The heading the home page links to names the part in the sheet's lettering (or the page is
    the part's own), and holds a folded box quoting the sheet's answer: its lines of the sheet,
    every word outside the formulas, among them each number the sheet prints for the part."""
    page, heading = part.section.split("#")
    built = (site / page.removesuffix(".md") / "index.html").read_text()
    here = section(built, heading)
    title = text_of(here[: here.index("</h")])
    assert f"({part.name[1]})" in title or f"Exercise {part.name}" in built, title
    box = re.search(r'<details class="quote sheet-answer">(.*?)</details>', here, re.DOTALL)
    assert box, f"{part.name}: no folded box with the sheet's answer under #{heading}"
    assert f"The sheet's answer ({part.label})" in html.unescape(text_of(box[1]))
    first, last = part.lines or (1, 0)
    lines = SHEET.read_text().splitlines()[first - 1 : last]
    assert not words_missing("\n".join(lines), box[1]), f"{part.name}: words of the sheet missing"
    printed = [
        r["sheet"]["text"]
        for r in results.values()
        if r["sheet"] and r["sheet"]["part"] == part.name and r["sheet"]["kind"] == "printed"
    ]
    assert all(t in html.unescape(text_of(box[1])) for t in printed), (part.name, printed)


def claimed_numbers(results: dict) -> tuple[set[str], set[str]]:
    """(confirmed, unconfirmed): the sheet's numbers our results bear out, with our own values
    beside them, and the sheet's numbers they do not (a formula's, by its value too)."""
    confirmed, unconfirmed = set(), set()
    for r in results.values():
        claim = r["sheet"]
        if claim is None or claim["kind"] == "slip":
            continue
        if claim["confirmed"]:
            confirmed |= {claim["text"], format_value(r["value"], r["fmt"])}
        else:
            unconfirmed |= {claim["text"].split()[-1], claim["text"].split(",")[0]}
            if claim["value"] is not None:
                unconfirmed.add(format(claim["value"], ".7g"))
    return confirmed, unconfirmed


@pytest.mark.site
@pytest.mark.parametrize("page", ["index.html", "results/index.html", "errata/index.html"])
def test_no_cross_beside_a_number_our_checks_confirm(site, results, page):
    """A ✗ marks a number of the sheet's that we do not confirm: never one we do, like the 48.76
    written beside the sheet's wrong formula, nor one we compute."""
    text = text_of((site / page).read_text())
    labels = "|".join(map(re.escape, KINDS.values()))
    marked = {n for n in re.findall(rf"(\S+)\s+(?:(?:{labels})\s+)?✗", text) if re.search(r"\d", n)}
    assert marked, f"{page}: no ✗ at all (the sheet does have errata)"
    confirmed, unconfirmed = claimed_numbers(results)
    assert not marked & confirmed, f"{page}: ✗ beside confirmed numbers {marked & confirmed}"
    assert marked <= unconfirmed, f"{page}: ✗ beside {marked - unconfirmed}, no claim we reject"


@pytest.mark.site
def test_every_claim_is_shown_with_its_kind(site, results):
    """On All results each claim's row carries its kind's label; the errata label each entry;
    a {{ key|sheet }} in a page is followed by its label."""
    html = (site / "results" / "index.html").read_text()
    rows = {re.search(r'#([\w-]+)"', row)[1]: row for row in html.split("<tr>")[2:]}
    badge = '<span class="claim" data-kind="{}">{}</span>'
    for key, r in results.items():
        if r["sheet"]:
            row = rows[key.replace(".", "-")]
            kind = r["sheet"]["kind"]
            assert badge.format(kind, KINDS[kind]) in row, f"{key}: no {kind!r} label"
    errata = (site / "errata" / "index.html").read_text()
    for key, r in results.items():
        if r["erratum"]:
            entry = section(errata, f"erratum-{key.replace('.', '-')}")
            assert f'data-kind="{r["sheet"]["kind"]}"' in entry, f"{key}: erratum unlabelled"
    for page in DOCS.glob("*.md"):
        uses = page.read_text().count("|sheet }}")
        built = site / ("" if page.stem == "index" else page.stem) / "index.html"
        article = built.read_text().split("<article")[1]
        assert article.count('<span class="claim"') >= uses, f"{page.name}: unlabelled claims"


@pytest.mark.site
def test_the_notebooks_print_each_claims_kind():
    cells = json.loads((NOTEBOOKS / "cnn.ipynb").read_text())["cells"]
    printed = "".join(  # a stream, or the plain text beside a result's rendered table
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for c in cells
        for o in c.get("outputs", [])
    )
    assert "sheet, printed (3 b), total): 1.23646E+08" in printed
    assert "sheet, slip (3 a), the layers): max pooling" in printed


@pytest.mark.site
def test_the_sheet_is_shown_whole(site):
    """Every word and number of the sheet's text, outside its formulas, is on its page; every
    number the registry says the sheet prints is in that text."""
    missing = words_missing(SHEET.read_text(), (site / "sheet" / "index.html").read_text())
    assert not missing, f"words of the sheet not on its page: {missing[:10]}"


def words_missing(sheet: str, page: str) -> list[str]:
    """The words and numbers of the sheet's text, outside its formulas, not in a page's HTML."""
    shown = re.sub(r"\s+", " ", html.unescape(text_of(page)))
    prose = MATH.sub(" ", re.sub(EMPHASIS, " ", sheet, flags=re.MULTILINE))
    return [w for w in re.findall(r"[\w.+\-*/=()\[\]'\"]+", prose) if w not in shown]


@pytest.mark.site
def test_every_printed_claim_is_in_the_sheet(results):
    sheet = SHEET.read_text()
    printed = [
        r["sheet"]["text"]
        for r in results.values()
        if r["sheet"] and r["sheet"]["kind"] == "printed"
    ]
    assert printed and all(text in sheet for text in printed), printed


@pytest.mark.site
@pytest.mark.parametrize("chapter", ["autodiff", "adam", "receptive-field", "parameters"])
def test_a_chapter_ends_with_exercises_and_folded_solutions(site, chapter):
    html = section((site / chapter / "index.html").read_text(), "check-yourself")
    exercises = html.split('<div class="admonition question">')[1:]
    assert 3 <= len(exercises) <= 5, f"{len(exercises)} exercises"
    for exercise in exercises:
        solution = re.search(r'<details class="success">(.*?)</details>', exercise, re.DOTALL)
        assert solution, "an exercise without a folded solution"
        assert re.search(r"\d", text_of(solution[1]).split("Solution", 1)[1]), "no worked numbers"
