"""The stepped graph in a real Chromium, offline: every step shows the trace's numbers, the
keyboard alone reaches the end, it resumes after a reload and works after instant navigation,
it fits a phone, axe finds nothing serious mid-way in either scheme, and without JavaScript (or
in print) the finished graph is there."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from reader import COLOUR_RULES, DESKTOP, ELSEWHERE, PHONE, Visit, serious_violations, url

pytestmark = pytest.mark.browser
GENERATED = Path(__file__).resolve().parent.parent / "docs" / "generated" / "autodiff"
FIGURE = "#graph-graph"
# the smallest text in the figure, in CSS pixels: its font size times the SVG's scale
TEXT_PX = f"""() => Math.min(...[...document.querySelectorAll("{FIGURE} svg text")]
  .filter((t) => t.getBBox().width > 0)
  .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""


# axe-core does not check text inside an SVG: the contrast of each box's visible text on its fill
SVG_CONTRAST = """() => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratios = [];
  for (const node of document.querySelectorAll(".bp-node")) {
    const fill = luminance(getComputedStyle(node.querySelector("rect")).fill);
    for (const text of node.querySelectorAll("text")) {
      if (!text.textContent || getComputedStyle(text).visibility === "hidden") continue;
      const ink = luminance(getComputedStyle(text).fill);
      ratios.push((Math.max(ink, fill) + 0.05) / (Math.min(ink, fill) + 0.05));
    }
  }
  return Math.min(...ratios);
}"""


def states(name: str = "graph") -> list[dict]:
    """The states the report embedded in the figure."""
    html = (GENERATED / f"{name}.html").read_text()
    return json.loads(unescape(re.search(r'data-states="([^"]*)"', html)[1]))["states"]


def shown(page, figure: str = FIGURE) -> dict:
    return page.evaluate(
        """(figure) => {
      const f = document.querySelector(figure);
      return {
        label: f.querySelector(".bp-graph__label").textContent,
        lines: [...f.querySelectorAll(".bp-graph__text p")].map((p) => p.textContent),
        live: f.querySelector(".bp-graph__text").getAttribute("aria-live"),
        active: [...f.querySelectorAll(".bp-node.is-active")].map((n) => n.dataset.node),
        edges: [...f.querySelectorAll(".bp-edge.is-active")].map((e) => e.dataset.edge),
        now: Object.fromEntries([...f.querySelectorAll(".bp-node")].map((n) =>
          [n.dataset.node, n.querySelector(".bp-now")?.textContent ?? null])),
      };
    }""",
        figure,
    )


def opened(browser, server, width: int = DESKTOP, scheme: str = "light") -> Visit:
    visit = Visit(browser, url(server, "autodiff"), scheme=scheme, width=width)
    visit.settle()
    visit.page.evaluate("() => sessionStorage.clear()")
    visit.page.locator(f"{FIGURE} [data-go=reset]").click()
    return visit


@pytest.mark.parametrize("name", ["graph", "network"])
def test_every_step_shows_the_traces_numbers(browser, server, name):
    """Next through forward and backward: each state's text, highlighted node and edges, and
    every running adjoint are the report's; each backward step names each contribution with the
    numbers of the trace."""
    figure = f"#graph-{name}"
    expected = states(name)
    trace = json.loads((GENERATED / f"{name}.json").read_text())
    visit = Visit(browser, url(server, "autodiff"))
    visit.settle()
    visit.page.evaluate("() => sessionStorage.clear()")
    visit.page.locator(f"{figure} [data-go=reset]").click()
    steps = iter(trace["backward"])
    for k, state in enumerate(expected):
        seen = shown(visit.page, figure)
        assert seen["label"] == state["label"] and seen["lines"] == state["lines"], k
        assert seen["active"] == state["active"] and sorted(seen["edges"]) == sorted(state["edges"])
        assert {i: t for i, t in seen["now"].items() if t} == state["adjoints"]
        if state["part"] == "backward":
            for c in next(steps)["contributions"]:
                assert f"{c['rule']} = {c['numbers']}" in " ".join(seen["lines"])
        if k < len(expected) - 1:
            visit.page.locator(f"{figure} [data-go=next]").click()
    assert seen["live"] == "polite"
    assert not visit.errors and not visit.blocked
    visit.page.close()


def test_the_backward_pass_ends_with_the_gradient(browser, server):
    visit = opened(browser, server)
    visit.page.locator(f"{FIGURE} [data-go=backward]").click()
    assert shown(visit.page)["label"].startswith("Backward pass: step 1 of")
    visit.page.keyboard.press("End")  # focus is on the Backward button, inside the controls
    text = " ".join(shown(visit.page)["lines"])
    visit.page.close()
    assert "x̄ = 48.757" in text and "c̄ = −10" in text  # FACTS.md: 48.75689…, −10


def test_the_keyboard_alone_reaches_the_end(browser, server):
    """Tab to the figure's Next button (its focus visible), Enter through every step; the arrow
    keys step back and forth."""
    visit = Visit(browser, url(server, "autodiff"))  # a new tab: its sessionStorage is empty
    visit.settle()
    page = visit.page
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches('{FIGURE} [data-go=next]')"):
            break
    else:
        pytest.fail("Tab never reaches the figure's Next button")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    for _ in range(len(states()) - 1):
        page.keyboard.press("Enter")
    end = shown(page)
    assert end["lines"] == states()[-1]["lines"]
    assert page.evaluate("() => document.activeElement.dataset.go") == "next", "focus was lost"
    page.keyboard.press("ArrowLeft")
    assert shown(page)["label"] == states()[-2]["label"]
    page.keyboard.press("ArrowRight")
    assert shown(page)["lines"] == end["lines"]
    page.close()


def test_a_reload_resumes_at_the_same_step(browser, server):
    visit = opened(browser, server)
    for _ in range(12):
        visit.page.locator(f"{FIGURE} [data-go=next]").click()
    before = shown(visit.page)
    visit.page.reload(wait_until="load")
    visit.settle()
    after = shown(visit.page)
    visit.page.close()
    assert before["label"] == states()[12]["label"] and after == before


def test_play_steps_on_by_itself(browser, server):
    visit = opened(browser, server)
    visit.page.locator(f"{FIGURE} [data-go=play]").click()
    visit.page.wait_for_function(
        f"() => document.querySelector('{FIGURE} .bp-graph__label').textContent.includes('step 2 ')"
    )
    visit.page.locator(f"{FIGURE} [data-go=play]").click()  # pause
    label = shown(visit.page)["label"]
    visit.page.wait_for_timeout(2000)
    assert shown(visit.page)["label"] == label, "Pause does not stop"
    visit.page.close()


def test_the_figure_works_after_instant_navigation(browser, server):
    visit = Visit(browser, server)
    visit.page.evaluate("() => { window.notReloaded = true; }")
    visit.page.locator("article a[href$='/autodiff/']").first.click()
    visit.page.wait_for_selector(f"{FIGURE}.is-live [data-go=next]")
    assert visit.page.evaluate("() => window.notReloaded === true"), "navigation reloaded the page"
    visit.page.locator(f"{FIGURE} [data-go=next]").click()
    assert shown(visit.page)["lines"] in ([s["lines"] for s in states()[1:]])
    assert not visit.errors and not visit.blocked
    visit.page.close()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_figure_fits_and_its_text_is_legible(browser, server, width):
    visit = opened(browser, server, width=width)
    box = visit.page.locator(FIGURE).bounding_box()
    svg = visit.page.locator(f"{FIGURE} svg").bounding_box()
    smallest = visit.page.evaluate(TEXT_PX)
    visit.page.close()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= width, svg
    assert smallest >= (12 if width == DESKTOP else 11.5), f"text of {smallest:.1f} px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_mid_way(browser, server, scheme):
    """With a node and its edges highlighted, in each scheme (the page's own look checks step 0)."""
    visit = opened(browser, server, scheme=scheme)
    for _ in range(len(states()) - 4):
        visit.page.locator(f"{FIGURE} [data-go=next]").click()
    found = serious_violations(visit.page, skip=COLOUR_RULES)
    found += serious_violations(visit.page, rules=COLOUR_RULES)
    contrast = visit.page.evaluate(SVG_CONTRAST)
    visit.page.close()
    assert not found, found
    assert contrast >= 4.5, f"text in the figure at a contrast of {contrast:.2f}"


def test_without_javascript_the_finished_graph_is_there(browser, server):
    page = browser.new_page()
    page.route(ELSEWHERE, lambda route: route.abort())
    page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto(url(server, "autodiff"), wait_until="load")
    found = page.evaluate(f"""() => {{
      const f = document.querySelector("{FIGURE}");
      return {{
        visible: f.querySelector("svg").checkVisibility(),
        text: f.querySelector("svg").textContent,
        controls: f.querySelectorAll("button").length,
      }};
    }}""")
    page.close()
    assert found["visible"] and found["controls"] == 0
    assert "x̄ = 48.757" in found["text"] and "c̄ = −10" in found["text"]


def test_in_print_the_finished_graph_without_controls(browser, server):
    visit = opened(browser, server)
    visit.page.locator(f"{FIGURE} [data-go=next]").click()
    visit.page.emulate_media(media="print")
    found = visit.page.evaluate(f"""() => {{
      const f = document.querySelector("{FIGURE}");
      const seen = (e) => e.checkVisibility({{visibilityProperty: true}});
      return {{
        controls: [...f.querySelectorAll("button")].filter(seen).length,
        adjoints: [...f.querySelectorAll(".bp-adjoint")].filter(seen).map((t) => t.textContent),
        values: [...f.querySelectorAll(".bp-value")].filter(seen).length,
      }};
    }}""")
    visit.page.close()
    assert found["controls"] == 0
    assert "x̄ = 48.757" in found["adjoints"] and found["values"] == len(found["adjoints"])
