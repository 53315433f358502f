"""Every page in a real Chromium, offline: it loads, typesets its math and asks no other host."""

from __future__ import annotations

import re

import pytest
from reader import MATH_COUNTS, MISSING, SCHEMES, Visit, built_pages, page_paths

pytestmark = pytest.mark.browser
PAGES = page_paths()


def test_every_page_is_found(site):
    assert {".", "autodiff", "errata", "generated/notebooks/autodiff"} <= set(built_pages(site))


def test_every_built_page_is_checked(site):
    """The pages the browser tests are parametrized over (from docs/) are the pages built."""
    assert built_pages(site) == PAGES


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", PAGES)
def test_the_page_loads_offline_and_typesets_its_math(looks, path, scheme):
    seen = looks(path, scheme)
    shown = seen.desktop
    assert seen.status == 200
    assert shown["scheme"] == SCHEMES[scheme], "the colour scheme follows the reader's system"
    assert not seen.errors, f"console errors {seen.errors}"
    assert not seen.missing, f"files not found {seen.missing}"
    assert not seen.blocked, f"requests to other hosts {seen.blocked}"
    assert shown["katexErrors"] == 0, f"{shown['katexErrors']} KaTeX errors"
    assert shown["typeset"] == shown["arithmatex"], "untypeset math"
    text = shown["untypeset"]
    assert not any(d in text for d in ("\\(", "\\[", "$$")), f"raw TeX in {text!r}"


def test_notebook_pages_typeset_their_math(looks):
    assert looks("generated/notebooks/autodiff").desktop["katex"] > 0


def test_a_missing_page_is_answered_by_the_404_page(looks):
    seen = looks(MISSING)
    assert seen.status == 404
    assert seen.desktop["title"].startswith("Page not found")
    assert not seen.missing, f"its styles and scripts load from any depth: {seen.missing}"
    assert len(seen.errors) == 1 and "404" in seen.errors[0]  # the page itself, and only it
    assert not seen.blocked


def test_math_typesets_after_instant_navigation(server, browser):
    visit = Visit(browser, server)
    visit.page.evaluate("() => { window.notReloaded = true; }")
    # instant navigation rewrites links to absolute URLs
    visit.page.locator("article a[href$='/autodiff/']").first.click()
    visit.page.wait_for_url(re.compile(r"/autodiff/(#[\w-]*)?$"))  # the theme tracks the section
    visit.page.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 0")
    math = visit.page.evaluate(MATH_COUNTS)
    assert visit.page.evaluate("() => window.notReloaded === true"), "navigation reloaded the page"
    assert math["typeset"] == math["arithmatex"] > 0 and math["errors"] == 0
    assert not visit.errors and not visit.blocked
    visit.page.close()


def test_a_request_to_another_host_is_caught(server, browser):
    """The offline checks above can fail: a request elsewhere is blocked and reported."""
    visit = Visit(browser, server)
    visit.page.evaluate("""() => new Promise((done) => {
      const image = new Image();
      image.onerror = done;
      image.src = "https://example.org/pixel.png";
    })""")
    visit.page.close()
    assert visit.blocked == ["https://example.org/pixel.png"]
