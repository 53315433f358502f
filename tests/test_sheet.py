"""The sheet's page: the kept text laid out for the site, never reworded."""

import re

from report.sheet import SHEET, sheet_markdown


def words(text: str) -> list[str]:
    """The words, numbers and formulas of a text, its markup (and "del") left out."""
    return re.findall(r"[\w$=]+", text.replace("del", ""))


def test_the_layout_changes_no_word():
    text = "## 1. Part\n\n2. a) $m$ ~~struck~~ text\n[ ]: d)\n\nLayer\tr\n18. Pool:\t$r = 1$\n"
    shown = sheet_markdown(text)
    assert shown.splitlines()[:3] == ["### 1. Part", "", r"2\. a) $m$ <del>struck</del> text"]
    assert r"\[ ]: d)" in shown  # a notebook prompt, not a link definition
    assert "| Layer | r |\n|---|---|\n| 18\\. Pool: | $r = 1$ |" in shown
    assert words(shown) == words(text)


def test_code_is_left_alone_and_display_math_starts_a_paragraph():
    text = "```\n# a comment\n1. not a list\n```\na)\n$$x$$\n"
    assert sheet_markdown(text) == "```\n# a comment\n1. not a list\n```\na)\n\n$$x$$\n"


def test_the_kept_text_is_the_sheet():
    text = SHEET.read_text()
    assert text.count("$$") % 2 == 0 and "Exercise Sheet 7" in text
    assert "Total parameters: 1.23646E+08 Ratio: 1.02496E-04" in text
