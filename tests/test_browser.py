"""Every page in a real Chromium, offline: it loads, typesets its math and asks no other host."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost"}
# Text left on the page outside code when math failed to typeset.
UNTYPESET = """() => {
  const main = document.querySelector("article").cloneNode(true);
  main.querySelectorAll("pre, code, .katex, script").forEach((e) => e.remove());
  return main.innerText;
}"""
MATH = """() => ({
  arithmatex: document.querySelectorAll(".arithmatex").length,
  typeset: document.querySelectorAll(".arithmatex .katex").length,
  katex: document.querySelectorAll(".katex").length,
  errors: document.querySelectorAll(".katex-error").length,
})"""


class Visit:
    """One page opened with every non-local request blocked and counted, and errors collected;
    in the given colour scheme (the palette the reader last chose is forgotten) and width."""

    def __init__(self, browser, url: str, scheme: str = "light", width: int = 1280) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page()
        self.page.set_viewport_size({"width": width, "height": 800})
        self.page.emulate_media(color_scheme=scheme)
        self.page.add_init_script("localStorage.clear()")
        self.page.route("**/*", self.route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.response = self.page.goto(url, wait_until="networkidle")

    def route(self, route) -> None:
        if urlparse(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def math(self) -> dict:
        self.page.wait_for_function("() => typeof renderMathInElement === 'function'")
        return self.page.evaluate(MATH)


def pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))


def test_every_page_is_found(site):
    assert {".", "autodiff", "errata", "generated/notebooks/autodiff"} <= set(pages(site))


def test_every_page_loads_offline_and_typesets_its_math(site, server, browser):
    for path in pages(site):
        visit = Visit(browser, server + ("" if path == "." else path + "/"))
        math = visit.math()
        text = visit.page.evaluate(UNTYPESET)
        visit.page.close()
        assert visit.response.status == 200, path
        assert not visit.errors, f"{path}: console errors {visit.errors}"
        assert not visit.blocked, f"{path}: requests to other hosts {visit.blocked}"
        assert math["errors"] == 0, f"{path}: {math['errors']} KaTeX errors"
        assert math["typeset"] == math["arithmatex"], f"{path}: untypeset math {math}"
        assert not any(d in text for d in ("\\(", "\\[", "$$")), f"{path}: raw TeX in {text!r}"


def test_notebook_pages_typeset_their_math(site, server, browser):
    visit = Visit(browser, server + "generated/notebooks/autodiff/")
    assert visit.math()["katex"] > 0
    visit.page.close()


def test_math_typesets_after_instant_navigation(site, server, browser):
    visit = Visit(browser, server)
    visit.page.evaluate("() => { window.notReloaded = true; }")
    # instant navigation rewrites links to absolute URLs
    visit.page.locator("article a[href$='/autodiff/']").first.click()
    visit.page.wait_for_url("**/autodiff/")
    visit.page.wait_for_function("() => document.querySelectorAll('.arithmatex .katex').length > 0")
    math = visit.page.evaluate(MATH)
    assert visit.page.evaluate("() => window.notReloaded === true"), "navigation reloaded the page"
    assert math["typeset"] == math["arithmatex"] > 0 and math["errors"] == 0
    assert not visit.errors and not visit.blocked
    visit.page.close()
