"""The reader's side of every page, in a real Chromium: accessible (axe-core finds nothing serious,
light and dark), usable on a phone, found by keyboard and search, and printable."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from test_browser import Visit, pages

pytestmark = pytest.mark.browser
SCHEMES = ("light", "dark")
PHONE = 375
SERIOUS = {"serious", "critical"}
CHAPTERS = ("autodiff", "adam", "receptive-field", "parameters")
# Elements sticking out past the right edge of the window, outside any box that scrolls or clips.
STICKING_OUT = """() => [...document.querySelectorAll("body *")].filter((e) => {
  if (e.getBoundingClientRect().right <= innerWidth + 1) return false;
  for (let a = e.parentElement; a; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== "visible") return false;
  return true;
}).map((e) => e.outerHTML.slice(0, 80))"""
FIGURES_TABLES_MATH = """() => ({
  alts: [...document.querySelectorAll("article img")].map((i) => i.alt),
  headless: [...document.querySelectorAll("article table")].filter((t) => !t.querySelector("th"))
    .length,
  katex: document.querySelectorAll(".katex").length,
  mathml: document.querySelectorAll(".katex .katex-mathml math").length,
})"""


def url(server: str, path: str) -> str:
    return server + ("" if path == "." else path + "/")


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings, one line each: rule, count, first element."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ×{len(v['nodes'])}: {v['nodes'][0]['target']}"
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_serious_accessibility_violation(site, server, browser, scheme):
    for path in [*pages(site), "404.html"]:
        target = server + path if path.endswith(".html") else url(server, path)
        visit = Visit(browser, target, scheme=scheme)
        visit.page.wait_for_function("() => document.fonts.status === 'loaded'")
        assert visit.page.evaluate("() => document.body.dataset.mdColorScheme") == (
            "slate" if scheme == "dark" else "default"
        )
        violations = serious_violations(visit.page)
        visit.page.close()
        assert not violations, f"{path} ({scheme}): {violations}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_fits_a_phone(site, server, browser, scheme):
    for path in pages(site):
        visit = Visit(browser, url(server, path), scheme=scheme, width=PHONE)
        visit.page.wait_for_function("() => document.fonts.status === 'loaded'")
        width = visit.page.evaluate("() => document.documentElement.scrollWidth")
        sticking_out = visit.page.evaluate(STICKING_OUT)
        violations = serious_violations(visit.page)
        visit.page.close()
        assert width <= PHONE, f"{path} ({scheme}) scrolls sideways: {width} px"
        assert not sticking_out, f"{path} ({scheme}): wider than the phone {sticking_out}"
        assert not violations, f"{path} ({scheme}, phone): {violations}"


def test_figures_tables_and_formulas_speak_to_screen_readers(site, server, browser):
    for path in pages(site):
        visit = Visit(browser, url(server, path))
        visit.math()
        found = visit.page.evaluate(FIGURES_TABLES_MATH)
        visit.page.close()
        short = [alt for alt in found["alts"] if len(alt.split()) < 5]
        assert not short, f"{path}: figures whose alt text does not say what they show {short}"
        assert found["headless"] == 0, f"{path}: {found['headless']} tables without a header"
        assert found["mathml"] == found["katex"], f"{path}: formulas without MathML {found}"


def test_keyboard_reaches_content_and_search(site, server, browser):
    visit = Visit(browser, server)
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.name") == "query"
    page.keyboard.type("Adam")
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*adam.*"))
    assert not visit.errors and not visit.blocked
    page.close()


def test_a_printed_chapter_keeps_its_formulas_and_drops_the_navigation(site, server, browser):
    visit = Visit(browser, url(server, "autodiff"))
    visit.math()
    visit.page.emulate_media(media="print")
    shown = visit.page.evaluate("""() => ({
      navigation: [...document.querySelectorAll(".md-header, .md-tabs, .md-sidebar, .md-footer")]
        .filter((e) => e.offsetParent !== null).length,
      cut: [...document.querySelectorAll(".katex-display, table")]
        .filter((e) => e.parentElement.scrollWidth > e.parentElement.clientWidth + 1).length,
    })""")
    pdf = visit.page.pdf(format="A4")
    visit.page.close()
    assert shown == {"navigation": 0, "cut": 0}
    assert pdf.startswith(b"%PDF") and b"KaTeX_Main" in pdf  # formulas printed as KaTeX text


@pytest.mark.site
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_says_what_it_teaches_and_where_its_numbers_come_from(site, chapter):
    html = (site / chapter / "index.html").read_text()
    first = html.index('class="admonition')
    assert "After this page you can" in html[first : first + 300]
    assert "Where each number comes from" in html
    assert re.search(r'href="[^"]*generated/notebooks/\w+/"', html), "no executed notebook link"


@pytest.mark.site
def test_every_page_has_a_title_and_a_description_for_link_previews(site):
    titles = set()
    for path in pages(site):
        html = (site / path / "index.html").read_text()
        title = re.search(r"<title>(.+?)</title>", html)[1]
        assert title not in titles, f"{path}: title {title!r} is not unique"
        titles.add(title)
        for tag in ('name="description"', 'property="og:title"', 'property="og:description"'):
            assert re.search(rf'<meta {tag} content="[^"]{{10,}}"', html), f"{path}: no {tag}"


@pytest.mark.site
def test_the_404_page_lists_every_page(site):
    html = (site / "404.html").read_text()
    assert "Page not found" in html and 'content="noindex"' in html
    for path in pages(site):
        link = "/" if path == "." else f"/{path}/"
        assert f'href="{link}"' in html, f"404 page does not link to {link}"
