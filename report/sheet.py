"""The sheet's text, kept as received in `sheet/sheet.md` (the students' names withheld), and
its page on the site.

The text is Markdown-like with TeX. Shown as is, Markdown would misread some of it, so the page
adapts the layout only, never a word or a number: headings go one level down (the page has its
own title), display math starts a paragraph, a line starting "18." is not renumbered as a list,
"[ ]:" is not a link definition, ~~struck~~ text is struck through, and tab-separated lines
become a table.
"""

from __future__ import annotations

import re

from report.results import ROOT

SHEET = ROOT / "sheet" / "sheet.md"


def sheet_markdown(text: str | None = None) -> str:
    """The sheet's text (by default the kept copy) laid out for the site."""
    text = SHEET.read_text() if text is None else text
    lines, in_code = [], False
    for line in text.splitlines():
        in_code ^= line.startswith("```")
        if in_code or line.startswith("```"):
            lines.append(line)
            continue
        line = re.sub(r"^(#+ )", r"#\1", line)  # one level down
        line = re.sub(r"^(\d+)\. ", r"\1\\. ", line)  # "18. MaxPool": not a list item
        line = re.sub(r"^\[( ?\d*)\]:", r"\\[\1]:", line)  # a notebook prompt, not a link
        line = re.sub(r"~~(.+?)~~", r"<del>\1</del>", line)
        if line.startswith("$$") and lines and lines[-1].strip():
            lines.append("")  # display math is a paragraph of its own
        lines.append(line)
    return "\n".join(tabulate(lines)) + "\n"


def excerpt(first: int, last: int) -> str:
    """Lines `first` to `last` (counted from 1, both included) of the kept sheet, laid out."""
    lines = SHEET.read_text().splitlines()
    if not 1 <= first <= last <= len(lines):
        raise ValueError(f"lines {first}–{last} are not in the sheet's {len(lines)} lines")
    return sheet_markdown("\n".join(lines[first - 1 : last]))


def tabulate(lines: list[str]) -> list[str]:
    """Runs of tab-separated lines as a Markdown table, the first line its header."""
    out: list[str] = []
    for line in lines:
        if "\t" not in line:
            out.append(line)
            continue
        row = "| " + " | ".join(cell.strip() for cell in line.split("\t")) + " |"
        if not out or not out[-1].startswith("|"):
            out += ["", row, "|" + "---|" * (line.count("\t") + 1)]
        else:
            out.append(row)
    return out
