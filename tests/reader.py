"""A reader's look at one page of the built site, in Chromium: opened once per colour scheme,
offline, and inspected at desktop width (axe-core, math, figures, tables) and then at phone width
(sideways scroll), so that each test asserts on a look already taken instead of loading the page
again. Used by test_browser.py and test_accessibility.py; also runnable by hand to take the
screenshots a person should look at:

    python tests/reader.py SITE_DIR OUT_DIR [PAGE ...]
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Any request to another host: matched by the browser's side of Playwright, so the local
# requests (every one a page makes) never wait for Python.
ELSEWHERE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])")
DESKTOP, PHONE = 1280, 375
SCHEMES = {"light": "default", "dark": "slate"}  # scheme asked for -> mkdocs-material's name
SERIOUS = {"serious", "critical"}
# The axe-core rules whose outcome depends on colour, run in both schemes; the others look at the
# markup, the same in both, and run in the light scheme only.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
DOCS = Path(__file__).resolve().parent.parent / "docs"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Everything measured on a page in one round trip, at the width it is shown at. A table hides a
# column when the box around it scrolls, and is stacked (tables.js) when it did not fit; a figure's background is the mean luminance (0 black,
# 1 white) of its outermost pixels as drawn on the page's background; an exercise's solution is
# shown when any of it but its summary is visible.
MEASURE = """async () => {
  const article = document.querySelector("article");
  const box = (t) => t.closest(".md-typeset__scrollwrap") || t.parentElement;
  const background = async (img) => {
    await img.decode();
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [64, Math.max(8, Math.round(64 * img.height / img.width))];
    const pen = canvas.getContext("2d");
    pen.fillStyle = getComputedStyle(document.body).backgroundColor;
    pen.fillRect(0, 0, canvas.width, canvas.height);
    pen.drawImage(img, 0, 0, canvas.width, canvas.height);
    const { data, width, height } = pen.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0, n = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      if (x > 1 && y > 1 && x < width - 2 && y < height - 2) continue;
      const i = 4 * (y * width + x);
      sum += (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]) / 255;
      n++;
    }
    return sum / n;
  };
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, .katex, script, .clipboard-copy-txt").forEach((e) => e.remove());
  return {
    scheme: document.body.dataset.mdColorScheme,
    title: document.title,
    arithmatex: article.querySelectorAll(".arithmatex").length,
    typeset: article.querySelectorAll(".arithmatex .katex").length,
    katex: article.querySelectorAll(".katex").length,
    mathml: article.querySelectorAll(".katex .katex-mathml math").length,
    katexErrors: article.querySelectorAll(".katex-error").length,
    untypeset: prose.innerText,
    alts: [...article.querySelectorAll("img")].map((i) => i.alt),
    headless: [...article.querySelectorAll("table")]
      .filter((t) => !t.querySelector("thead th, tr:first-child th")).length,
    hiddenColumns: [...article.querySelectorAll("table")]
      .filter((t) => box(t).scrollWidth > box(t).clientWidth + 1)
      .map((t) => t.querySelector("th")?.textContent.trim()),
    stackedTables: [...article.querySelectorAll("table[data-stacked]")]
      .map((t) => t.querySelector("th")?.textContent.trim()),
    figures: await Promise.all([...article.querySelectorAll("img")]
      .filter((i) => i.checkVisibility())
      .map(async (i) => ({ src: i.getAttribute("src"), background: await background(i) }))),
    solutions: [...article.querySelectorAll(".admonition.question details")].map((d) => ({
      open: d.open,
      shown: [...d.children].some((c) => c.tagName !== "SUMMARY" && c.checkVisibility()),
    })),
  };
}"""
# At phone width: how wide the document is, and elements sticking out past the window's right
# edge that no box around them scrolls or clips (the page itself does not count: the theme's
# <html> clips sideways, which hides what sticks out instead of making it reachable); tables with
# a cell, or anything in one, past the window's edge (to be scrolled to), and display formulas
# cut off by their box (but for the sheet's own, quoted as written in "The sheet's answer"
# boxes, which scroll: the sheet's page keeps them to a strict xfail of their own).
PHONE_MEASURE = """() => {
  const UNSEEN = ".katex-mathml, .katex-mathml *, svg *";  // clipped MathML, an SVG's insides
  return {
    scrollWidth: document.documentElement.scrollWidth,
    stickingOut: [...document.querySelectorAll("body *")].filter((e) => {
      if (e.getBoundingClientRect().right <= innerWidth + 1) return false;
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== "visible") return false;
      return true;
    }).map((e) => e.outerHTML.slice(0, 100)),
    images: [...document.querySelectorAll("article img")]
      .filter((i) => i.getBoundingClientRect().width > innerWidth).length,
    tablesPastTheEdge: [...document.querySelectorAll("article table")]
      .filter((t) => [...t.querySelectorAll(`td, td *:not(${UNSEEN})`)]
        .some((c) => c.getBoundingClientRect().right > innerWidth + 1))
      .map((t) => t.querySelector("th")?.textContent.trim()),
    clippedFormulas: [...document.querySelectorAll("article div.arithmatex")]
      .filter((b) => !b.closest(".sheet-answer") && b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.querySelector("annotation")?.textContent.trim().slice(0, 60)),
  };
}"""
# Before the colour rules: remove every text leaf whose colour, size, weight, shadow, opacity and
# background (the nearest ancestor's that has one) repeat one already kept, so that axe-core
# checks each distinct text style once. Links stay (their rule compares them with the text around
# them). axe's contrast check costs time per element on the page, and a notebook's code is
# thousands of highlighted tokens in a handful of styles: this cuts its check from ~8 s to ~1 s.
ONE_OF_EACH_STYLE = """() => {
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const leaves = new Set();
  for (let t; (t = texts.nextNode()); ) {
    const e = t.parentElement;
    if (t.textContent.trim() && !e.children.length && !e.closest("a")) leaves.add(e);
  }
  const seen = new Set();
  const repeated = [];
  for (const e of leaves) {
    const style = getComputedStyle(e);
    let background = "", opacity = 1;
    for (let a = e; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      opacity *= Number(s.opacity);
      if (!background && (s.backgroundColor !== "rgba(0, 0, 0, 0)" || s.backgroundImage !== "none"))
        background = s.backgroundColor + " " + s.backgroundImage;
    }
    const key = [style.color, style.fontSize, style.fontWeight, style.textShadow, style.visibility,
      background, opacity].join("|");
    if (seen.has(key)) repeated.push(e);
    else seen.add(key);
  }
  repeated.forEach((e) => e.remove());  // after all styles are read: one style recalculation
  return repeated.length;
}"""
# Math on the page now (for a page that changed without a load).
MATH_COUNTS = """() => ({
  arithmatex: document.querySelectorAll(".arithmatex").length,
  typeset: document.querySelectorAll(".arithmatex .katex").length,
  errors: document.querySelectorAll(".katex-error").length,
})"""
# The page has run its scripts (KaTeX typesets on load) and the fonts the math uses have arrived,
# so widths are final.
SETTLED = """async () => {
  while (typeof renderMathInElement !== "function")
    await new Promise((next) => setTimeout(next, 20));
  await new Promise((next) => requestAnimationFrame(next));
  await document.fonts.ready;
}"""
# No transitions: after a resize the theme would fade its tabs in, and axe-core would measure
# half-transparent text (tests only; nothing else on the page changes).
STILL = "*, ::before, ::after { transition: none !important; animation: none !important; }"
# After a resize: the next frame, and the theme's transitions (tabs fading in) finished.
RESIZED = """async () => {
  await new Promise((next) => requestAnimationFrame(next));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
}"""
MISSING = "no/such/page"  # a path the site does not have: the server answers with 404.html


def page_paths() -> list[str]:
    """Every page the site should have, from the sources: Markdown pages and executed notebooks,
    as built paths ("." for the home page). The tests check this against the built site."""
    paths = [p.stem for p in DOCS.glob("*.md")]
    paths += [
        f"generated/notebooks/{p.stem}" for p in (DOCS / "generated/notebooks").glob("*.ipynb")
    ]
    return sorted("." if p == "index" else p for p in paths)


def built_pages(site: Path) -> list[str]:
    """Every page of the built site, as paths relative to its root ("." for the home page)."""
    return sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))


def url(server: str, path: str) -> str:
    """The page's address; `autodiff` and `autodiff/` alike (a doubled slash never loads)."""
    path = path.strip("/")
    return server + ("" if path in (".", "") else path + "/")


class QuietHandler(SimpleHTTPRequestHandler):
    """A static host as the site will have: quiet, and a missing page answered with 404.html."""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(site: Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve the built site from a thread; the caller shuts it down."""
    handler = functools.partial(QuietHandler, directory=site)
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def launch(playwright, executable: str, profile: Path):
    """One headless Chromium for the whole session (a persistent context: a real profile)."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=executable, headless=True, args=FLAGS
    )


class Visit:
    """One page opened with every non-local request blocked and counted, and errors collected;
    in the given colour scheme (the palette the reader last chose is forgotten) and width."""

    def __init__(self, browser, url: str, scheme: str = "light", width: int = DESKTOP) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.missing: list[str] = []  # files the page asked for that the server does not have
        self.page = browser.new_page()
        self.page.set_default_timeout(15_000)
        self.page.set_viewport_size({"width": width, "height": 800})
        self.page.emulate_media(color_scheme=scheme)
        self.page.add_init_script("localStorage.clear()")
        self.page.route(ELSEWHERE, self.block)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self.respond)
        self.response = self.page.goto(url, wait_until="load")

    def block(self, route) -> None:
        self.blocked.append(route.request.url)
        route.abort()

    def respond(self, response) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            self.missing.append(f"{response.status} {response.url}")

    def settle(self) -> None:
        """Wait until the math is typeset and the fonts have loaded: widths are final."""
        self.page.evaluate(SETTLED)


@dataclass
class Look:
    """What one page load showed, in one colour scheme."""

    path: str
    scheme: str
    status: int
    errors: list[str]
    blocked: list[str]
    missing: list[str]
    desktop: dict
    phone: dict
    violations: list[str] = field(default_factory=list)


def serious_violations(page, rules: list[str] | None = None, skip: list[str] = ()) -> list[str]:
    """axe-core's serious and critical findings, one line each: rule, count, first elements;
    only `rules` if given, all others but `skip`."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("() => typeof axe === 'object'"):
        page.evaluate(Axe().axe_script)
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    if skip:
        options["rules"] = {rule: {"enabled": False} for rule in skip}
    found = page.evaluate("(o) => axe.run(document, o)", options)["violations"]
    return [
        f"{v['id']} ({v['impact']}) ×{len(v['nodes'])}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def look(browser, server: str, path: str, scheme: str, shots: Path | None = None) -> Look:
    """Open the page once, at a phone's width, and measure it; widen the window to a desktop's,
    measure again and run axe-core's rules that look at the markup (in the light scheme only:
    the markup is the same in both); then keep one text leaf of each style and run the colour
    rules. With `shots`, save a screenshot at each width."""
    visit = Visit(browser, url(server, path), scheme=scheme, width=PHONE)
    page = visit.page
    name = {".": "home", MISSING: "404"}.get(path, path.replace("/", "-"))
    try:
        visit.settle()
        phone = page.evaluate(PHONE_MEASURE)
        if shots:
            page.screenshot(path=shots / f"{name}-{scheme}-phone.png", full_page=True)
        page.add_style_tag(content=STILL)
        page.set_viewport_size({"width": DESKTOP, "height": 800})
        page.evaluate(RESIZED)
        desktop = page.evaluate(MEASURE)
        if shots:
            page.screenshot(path=shots / f"{name}-{scheme}-desktop.png", full_page=True)
        violations = serious_violations(page, skip=COLOUR_RULES) if scheme == "light" else []
        page.evaluate(ONE_OF_EACH_STYLE)
        violations += serious_violations(page, rules=COLOUR_RULES)
        return Look(
            path, scheme, visit.response.status, visit.errors, visit.blocked, visit.missing,
            desktop, phone, violations,
        )  # fmt: skip
    finally:
        page.close()


def main(site: str, out: str, *paths: str) -> None:
    from chromium import find_chromium
    from playwright.sync_api import sync_playwright

    shots = Path(out)
    shots.mkdir(parents=True, exist_ok=True)
    httpd = serve(Path(site))
    server = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with sync_playwright() as p:
        browser = launch(p, find_chromium(), shots / ".profile")
        for path in paths or [*built_pages(Path(site)), MISSING]:
            for scheme in SCHEMES:
                seen = look(browser, server, path, scheme, shots)
                print(path, scheme, seen.phone["scrollWidth"], seen.violations, seen.errors)
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
