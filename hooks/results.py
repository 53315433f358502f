"""MkDocs hook: numbers in prose come from `docs/generated/results.json`, never typed by hand.

In a page, `{{ autodiff.df_dx }}` is the result in its own format, `{{ autodiff.df_dx:.10f }}`
the same value in another format spec, and `{{ cnn.params_total|sheet }}` the sheet's claim (its
number as printed, the value of its formula, or the words of its slip) followed by the label of
its kind; inside $…$ the label follows the formula. An unknown key, a missing results file or a
stale report fails the build: every job's recorded inputs and outputs (report/cache.py) must
still hash as they did. Under `mkdocs serve` the report re-runs instead, only the stale jobs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from report.cache import stale
from report.pages import label, load_results
from report.results import ROOT, format_value

CODE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)  # fenced code: no math, no shortcodes
MATH = re.compile(r"\$\$.+?\$\$|\$.+?\$", re.DOTALL)
SHORTCODE = re.compile(r"\{\{\s*([a-z_]\w*(?:\.\w+)+)\s*(?:\|\s*(sheet)\s*|:\s*([^}\s]+)\s*)?\}\}")
_command = "build"
_results: dict = {}
log = get_plugin_logger("results")


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_pre_build(config) -> None:
    """Load the results; re-run the stale jobs under `mkdocs serve`, refuse them otherwise."""
    global _results
    if _command == "serve":
        refresh()
    payload = load_or_fail()
    reasons = stale(payload)
    if reasons:
        lines = "".join(f"\n  {what}: {why}" for what, why in reasons.items())
        raise PluginError(f"docs/generated is stale: run `make report`{lines}")
    _results = payload["results"]


def refresh() -> None:
    """Re-run the report when anything in it is stale or missing, saying what and why."""
    try:
        reasons = stale(load_results())
    except FileNotFoundError:
        reasons = {"docs/generated/results.json": "missing"}
    for what, why in reasons.items():
        log.info(f"{what} is stale ({why}): re-running it")
    if reasons:
        subprocess.run([sys.executable, "-m", "report"], cwd=ROOT, check=False)


def on_serve(server, config, builder):
    """Watch every file a job read outside the folders already watched: data, the lock file."""
    watched = [Path(folder).resolve() for folder in [config["docs_dir"], *config["watch"]]]
    try:
        runs = load_results()["runs"]
    except FileNotFoundError:  # a failed report: the first build says so
        runs = {}
    for record in runs.values():
        for path in map(ROOT.joinpath, record["inputs"]):
            if not any(path.is_relative_to(folder) for folder in watched):
                server.watch(str(path))
    return server


def load_or_fail() -> dict:
    try:
        return load_results()
    except FileNotFoundError as error:
        raise PluginError(str(error)) from None


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return markdown  # notebooks print their own numbers
    where, pieces, start = page.file.src_uri, [], 0
    for code in CODE.finditer(markdown):
        pieces += [fill(markdown[start : code.start()], where), code[0]]
        start = code.end()
    return "".join([*pieces, fill(markdown[start:], where)])


def fill(markdown: str, where: str) -> str:
    """Shortcodes replaced: in a formula by the number alone, its labels after the formula."""

    def formula(math: re.Match) -> str:
        labels: list[str] = []
        text = SHORTCODE.sub(lambda m: render(m, where, labels), math[0])
        if labels and text.startswith("$$"):
            raise PluginError(f"{where}: a sheet's claim in display math; write it inline")
        return text + "".join(f" {badge}" for badge in labels)

    markdown = MATH.sub(formula, markdown)
    return SHORTCODE.sub(lambda m: render(m, where), markdown)


def render(match: re.Match, where: str, labels: list[str] | None = None) -> str:
    """A shortcode's text; a sheet's claim is labelled here or, given `labels`, there."""
    key, sheet, fmt = match.groups()
    if key not in _results:
        raise PluginError(f"{where}: unknown result {key!r} in {match.group(0)!r}")
    result = _results[key]
    if not sheet:
        return format_value(result["value"], fmt or result["fmt"])
    claim = result["sheet"]
    if claim is None:
        raise PluginError(f"{where}: result {key!r} has no sheet claim")
    text = (
        claim["text"]
        if claim["kind"] != "evaluated"
        else format_value(claim["value"], result["fmt"])
    )
    if labels is None:
        return f"{text} {label(claim['kind'])}"
    labels.append(label(claim["kind"]))
    return text
