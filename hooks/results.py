"""MkDocs hook: numbers in prose come from `docs/generated/results.json`, never typed by hand.

In a page, `{{ autodiff.df_dx }}` is the result in its own format, `{{ autodiff.df_dx:.10f }}`
the same value in another format spec, and `{{ cnn.params_total|sheet }}` the sheet's number
(as printed, or the value of the sheet's formula). An unknown key, a missing results file or a
report older than the code fails the build.
"""

from __future__ import annotations

import re
import subprocess
import sys

from mkdocs.exceptions import PluginError

from report.pages import fingerprint, load_results
from report.results import format_value

SHORTCODE = re.compile(r"\{\{\s*([a-z_]\w*(?:\.\w+)+)\s*(?:\|\s*(sheet)\s*|:\s*([^}\s]+)\s*)?\}\}")
_command = "build"
_results: dict = {}


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_pre_build(config) -> None:
    """Load the results; regenerate them under `mkdocs serve`, refuse stale ones otherwise."""
    global _results
    payload = load_or_fail()
    if payload["fingerprint"] != fingerprint():
        if _command != "serve":
            raise PluginError(
                "docs/generated is stale (src/ or report/ changed): run `make report`"
            )
        subprocess.run([sys.executable, "-m", "report"], check=False)
        payload = load_or_fail()
    _results = payload["results"]


def load_or_fail() -> dict:
    try:
        return load_results()
    except FileNotFoundError as error:
        raise PluginError(str(error)) from None


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return markdown  # notebooks print their own numbers
    return SHORTCODE.sub(lambda m: render(m, page.file.src_uri), markdown)


def render(match: re.Match, where: str) -> str:
    key, sheet, fmt = match.groups()
    if key not in _results:
        raise PluginError(f"{where}: unknown result {key!r} in {match.group(0)!r}")
    result = _results[key]
    if sheet:
        if result["sheet"] is None:
            raise PluginError(f"{where}: result {key!r} has no sheet claim")
        claim = result["sheet"]
        return (
            claim["text"] if claim["value"] is None else format_value(claim["value"], result["fmt"])
        )
    return format_value(result["value"], fmt or result["fmt"])
