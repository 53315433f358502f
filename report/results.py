"""The results registry: every number the site shows, with the independent checks that agreed.

A chapter records each result with `Registry.record`; `python -m report` merges the chapters'
files into `docs/generated/results.json`, from which the home page's table, the errata page and
the numbers in prose are all generated.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from report import show

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "generated"

Number = int | float


@dataclass(frozen=True)
class Check:
    """An independent computation of a result, and how close it must come (rtol, atol)."""

    method: str
    value: Number
    rtol: float = 0.0
    atol: float = 0.0
    why: str = ""  # why this tolerance, e.g. "O(h²) truncation of central differences"

    def agrees_with(self, value: Number) -> bool:
        return math.isclose(self.value, value, rel_tol=self.rtol, abs_tol=self.atol)


# What a claim of the sheet is: the label every page shows beside it.
KINDS = {
    "printed": "printed",  # a number the sheet prints
    "evaluated": "its formula, evaluated by us",  # a value the sheet never printed
    "slip": "slip",  # a typo or a wrong statement
}
PARTS = ("1a", "1b", "1c", "1d", "2a", "2b", "2c", "2d", "2e", "3a", "3b")  # the sheet's parts
WHERE = re.compile(r"(\d) ([a-e])\)")  # "1 d), PyTorch output": the part, then the place


@dataclass(frozen=True)
class Claim:
    """What the sheet says: a number as printed (`kind="printed"`, agreeing to half a unit in its
    last digit); a formula (`text`) with the `value` we get when we evaluate it (`"evaluated"`);
    or a slip (`"slip"`: a typo or a wrong statement, shown by the result it is recorded with).

    `where` starts with the sheet's part, as in "1 d), PyTorch output". `answers` names the
    result a printed number is the sheet's answer for, when the result recording the claim is
    the formula written beside it, evaluated: then the number is judged against that answer."""

    text: str
    where: str
    rtol: float | None = None  # set when the sheet's digits carry a known error (e.g. float32)
    why: str = ""
    value: float | None = None  # a formula's value (or a slip's, as written), computed by us
    kind: str = ""  # "printed" or "evaluated" by default, as `value` is absent or given
    answers: str | None = None  # key, within the chapter, of the result the number answers

    def __post_init__(self) -> None:
        kind = self.kind or ("printed" if self.value is None else "evaluated")
        object.__setattr__(self, "kind", kind)
        if kind not in KINDS:
            raise ValueError(f"claim {self.text!r}: kind {kind!r} is not one of {list(KINDS)}")
        if (kind == "evaluated") != (self.value is not None) and kind != "slip":
            raise ValueError(
                f"claim {self.text!r}: a formula evaluated needs its value, and only it"
            )
        if not WHERE.match(self.where) or self.part not in PARTS:
            raise ValueError(
                f"claim {self.text!r}: where={self.where!r} must start with the sheet's part, "
                'as in "1 d), PyTorch output"'
            )

    @property
    def part(self) -> str:
        """The sheet's part, e.g. "1d"."""
        return "".join(WHERE.match(self.where).groups())

    def agrees_with(self, value: Number) -> bool:
        if self.kind == "slip":
            return False  # a slip is an erratum by definition; its result shows what goes wrong
        if self.value is not None:
            return math.isclose(self.value, value, rel_tol=self.rtol or 1e-12)
        if self.rtol is not None:
            return math.isclose(float(self.text), value, rel_tol=self.rtol)
        half_unit = Decimal(5).scaleb(Decimal(self.text).as_tuple().exponent - 1)
        return abs(Decimal(repr(value)) - Decimal(self.text)) <= half_unit


@dataclass
class Result:
    """One recorded number: its value, display format, checks and the sheet's claim if any."""

    key: str
    title: str
    value: Number
    fmt: str
    page: str
    checks: list[dict] = field(default_factory=list)
    sheet: dict | None = None
    erratum: str = ""
    passed: bool = True

    def __repr__(self) -> str:
        """One line, not the dataclass's every field: key, value and the verdict of its checks."""
        return describe(self).splitlines()[0]

    def _ipython_display_(self) -> None:
        """Nothing: `Registry.record` showed the result, so a cell ending with it shows no more."""


def format_value(value: Number, fmt: str) -> str:
    """Format with a Python format spec; exponents are written compactly (1.236e8, not e+08)."""
    text = format(value, fmt)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


class Registry:
    """The results of one chapter, written to `docs/generated/<chapter>/results.json`."""

    def __init__(self, chapter: str, page: str) -> None:
        self.chapter = chapter
        self.page = page
        self.results: dict[str, Result] = {}
        self.out = GENERATED / chapter
        self.out.mkdir(parents=True, exist_ok=True)

    def record(
        self,
        key: str,
        value: Number,
        *,
        title: str,
        fmt: str,
        checks: list[Check],
        sheet: Claim | None = None,
        erratum: str = "",
        page: str | None = None,
    ) -> Result:
        """Record a result; show it beside each check, as the chapter's cell output (a small
        table in a notebook, lines of text otherwise)."""
        if not checks:
            raise ValueError(f"{key}: a result needs at least one independent check")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{key}: value must be an int or float, got {type(value).__name__}")
        full_key = f"{self.chapter}.{key}"
        result = Result(full_key, title, value, fmt, page or self.page)
        for check in checks:
            result.checks.append({**asdict(check), "agrees": check.agrees_with(value)})
        result.passed = all(c["agrees"] for c in result.checks)
        if sheet is not None:
            agrees = sheet.agrees_with(value)
            result.sheet = {
                **asdict(sheet),
                "part": sheet.part,
                "answers": sheet.answers and f"{self.chapter}.{sheet.answers}",
                "agrees": agrees,
                "confirmed": self.confirms(sheet, agrees),
            }
            result.erratum = erratum
            result.passed &= agrees != bool(erratum)  # a disagreement needs an erratum, and only it
        elif erratum:
            raise ValueError(f"{key}: an erratum needs the sheet's claim")
        self.results[full_key] = result
        if show.in_kernel():
            show.markdown(checks_markdown(result), plain=describe(result))
        else:
            print(describe(result))
        return result

    def confirms(self, claim: Claim, agrees: bool) -> bool:
        """Whether our results confirm the sheet's number as an answer: the one it `answers`, if
        named (it must be recorded already), else the result it is recorded with. Never a slip."""
        if claim.kind == "slip" or claim.answers is None:
            return agrees
        answered = self.results.get(f"{self.chapter}.{claim.answers}")
        if answered is None:
            raise ValueError(f"claim {claim.text!r} answers {claim.answers!r}: record that first")
        return claim.agrees_with(answered.value)

    def write(self) -> Path:
        """Write this chapter's results; `python -m report` merges them."""
        path = self.out / "results.json"
        payload = {k: asdict(r) for k, r in self.results.items()}
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return show.Written(path)

    def write_text(self, name: str, text: str) -> Path:
        """Write a generated table or snippet next to the chapter's results, and show it in the
        notebook as the page shows it (not an exercise: its admonitions are the site's own)."""
        path = self.out / name
        path.write_text(text if text.endswith("\n") else text + "\n")
        if name.endswith(".md") and not text.lstrip().startswith(("!!!", "???")):
            show.markdown(text)
        return show.Written(path)


def chapter_results(chapters: Iterable[str]) -> dict:
    """The results the chapters' last runs wrote, merged in reading order."""
    merged: dict = {}
    for chapter in chapters:
        path = GENERATED / chapter / "results.json"
        merged.update(json.loads(path.read_text()) if path.is_file() else {})
    return merged


def checks_markdown(result: Result) -> str:
    """The result as a small Markdown table: its value, then each check's and the sheet's, and
    whether they agree."""
    rows = [("**ours**", f"**{result.value!r}**", "ok" if result.passed else "**FAILED**")]
    rows += [(c["method"], repr(c["value"]), mark(c["agrees"])) for c in result.checks]
    if result.sheet:
        claim = result.sheet
        rows.append((sheet_said(claim), claim["text"], sheet_verdict(claim)))
    lines = [
        f"`{result.key}`: {result.title}",
        "",
        "| computed by | value | verdict |",
        "|---|---:|---|",
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def mark(agrees: bool) -> str:
    """A check's verdict, as every view of a result words it."""
    return "agrees" if agrees else "DISAGREES"


def sheet_said(claim: dict) -> str:
    """Where and as what the sheet makes its claim."""
    return f"sheet, {KINDS[claim['kind']]} ({claim['where']})"


def sheet_verdict(claim: dict) -> str:
    """Whether the sheet's claim agrees, and, for a number beside a formula, whether it is right."""
    said = "agrees" if claim["agrees"] else "differs (see errata)"
    if claim["answers"]:
        said += f"; as {claim['answers']}: {'right' if claim['confirmed'] else 'wrong'}"
    return said


def describe(result: Result) -> str:
    """One line per check: computed value, the check's value, and whether they agree."""
    lines = [f"{result.key} = {result.value!r}  [{'ok' if result.passed else 'FAILED'}]"]
    for c in result.checks:
        lines.append(f"  {c['method']}: {c['value']!r}  {mark(c['agrees'])}")
    if result.sheet:
        claim = result.sheet
        lines.append(f"  {sheet_said(claim)}: {claim['text']}  {sheet_verdict(claim)}")
    return "\n".join(lines)
