"""Merge the chapters' results into `results.json` and write the pages generated from it."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import indent

from report import CHAPTERS
from report.cache import hashes
from report.parts import SHEET_PARTS, Part
from report.results import GENERATED, KINDS, chapter_results, format_value
from report.sheet import excerpt, sheet_markdown


def load_results(path: Path = GENERATED / "results.json") -> dict:
    """The merged registry, as written by the last `python -m report`."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make report` (python -m report)")
    return json.loads(path.read_text())


def write_pages(runs: dict) -> dict:
    """Write results.json and the pages generated from the chapters' results (the answers per
    part, all results, the errata, each page's checks) and the sheet's page; return the results.
    `runs` are the jobs' records.

    results.json keeps the records and the digests of the pages written here, so the site build
    can tell that none of them is stale. A file whose text is unchanged is not rewritten (under
    `mkdocs serve` a write would start another build)."""
    results = chapter_results(CHAPTERS)
    pages = {
        "parts_table.md": parts_table(results),
        "results_table.md": results_table(results),
        "errata.md": errata(results),
        "errata_slips.md": errata(results, slips=True),
        "sheet.md": sheet_markdown(),
        **{f"parts/{part.name}.md": sheet_answer_box(part) for part in SHEET_PARTS},
    }
    for page in {r["page"] for r in results.values()}:
        rows = {k: r for k, r in results.items() if r["page"] == page}
        pages[f"results/{page}"] = checks_table(rows)
    for old in (GENERATED / "results").glob("**/*.md"):
        if old.relative_to(GENERATED).as_posix() not in pages:
            old.unlink()
    for name, text in pages.items():
        write_if_changed(GENERATED / name, text)
    digests = hashes(GENERATED / name for name in pages)
    payload = {"runs": runs, "pages": digests, "results": results}
    write_if_changed(GENERATED / "results.json", json.dumps(payload, indent=2, ensure_ascii=False))
    return results


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` unless the file already holds it."""
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def anchor(key: str) -> str:
    """The HTML id of a result's row on its page: `autodiff.df_dx` → `autodiff-df_dx`."""
    return key.replace(".", "-")


def link(result: dict, text: str | None = None) -> str:
    """A Markdown link from a generated page to the result's row on its chapter page."""
    return f"[{text or result['title']}]({result['page']}#{anchor(result['key'])})"


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table; a `|` inside a cell (as in |g|) is escaped so it stays in its cell."""
    lines = [header, ("---",) * len(header), *rows]
    return "".join(
        "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |\n" for line in lines
    )


def label(kind: str, mark: str = "") -> str:
    """A claim's kind as the badge every page shows beside it, and the ✓ or ✗ that follows it
    (kept on the badge's line)."""
    badge = f'<span class="claim" data-kind="{kind}">{KINDS[kind]}</span>'
    return f'<span class="claim-mark">{badge} {mark}</span>' if mark else badge


def value(result: dict) -> str:
    """Our value, in bold; labelled when it is the sheet's formula, evaluated by us."""
    text = f"**{format_value(result['value'], result['fmt'])}**"
    claim = result["sheet"]
    return f"{text} {label('evaluated')}" if claim and claim["answers"] else text


def said(claim: dict | None, short: bool = False) -> str:
    """What the sheet says, labelled, and ✓ or ✗ as our results confirm its number or not
    (a slip is a statement, not a number: no mark); `short`: a formula by its value alone."""
    if claim is None:
        return "—"
    if claim["kind"] == "slip":
        return f"{claim['text']} {label('slip')}"
    text = (
        format(claim["value"], ".7g") if short and claim["kind"] == "evaluated" else claim["text"]
    )
    return f"{text} {label(claim['kind'], '✓' if claim['confirmed'] else '✗')}"


def results_table(results: dict) -> str:
    """The All results page: every result, the sheet's claim, ours and the checks that agreed."""
    rows = []
    for r in results.values():
        agreeing = [c["method"] for c in r["checks"] if c["agrees"]]
        checks = f"{len(agreeing)}/{len(r['checks'])}: " + "; ".join(agreeing)
        rows.append((link(r), said(r["sheet"]), value(r), checks))
    return table(("Result", "The sheet", "We compute", "Independent checks"), rows)


def verdict(claimed: list[dict]) -> str:
    """A part's verdict from the results that carry its claims: an erratum if a number or formula
    of the sheet's is not confirmed, else a slip if it has one, else correct; "—" if the sheet
    makes no claim there. An erratum or a slip links to the errata's first entry for it (an
    unexplained one, which fails the report, has none)."""
    wrong = [r for r in claimed if r["sheet"]["kind"] != "slip" and not confirmed(r["sheet"])]
    slips = [r for r in claimed if r["sheet"]["kind"] == "slip"]
    if not wrong and not slips:
        return "correct" if claimed else "—"
    word = "erratum" if wrong else "slip"
    entry = next((r for r in [*wrong, *slips, *claimed] if r["erratum"]), None)
    return word if entry is None else f"[{word}](errata.md#{erratum_anchor(entry)})"


def confirmed(claim: dict) -> bool:
    """Whether our results bear out the sheet entirely: its number, and the formula beside it."""
    return claim["agrees"] and claim["confirmed"]


def sheet_answer(part: Part, claimed: list[dict]) -> str:
    """The sheet's side of a part: its words, then each of its claims once, labelled and marked;
    a number written beside a formula of the sheet's says what the formula gives."""
    shown, seen = [f"“{part.quote}”"] if part.quote else [], set()
    for r in claimed:
        claim = r["sheet"]
        if claim["text"] in seen:
            continue
        seen.add(claim["text"])
        shown.append(said(claim, short=True))
        if claim["answers"] and not claim["agrees"]:
            shown[-1] += f"; its formula gives {format_value(r['value'], r['fmt'])}"
    return "<br>".join(shown) or "no answer in the sheet's text"


def sheet_answer_box(part: Part) -> str:
    """A part's heading's folded box (class `sheet-answer`): what the sheet writes for it, quoted
    whole and laid out as on the sheet's own page, its formulas as wide as the sheet wrote them."""
    if part.lines is None:
        quoted = "The sheet's text has no answer of its own to this part."
    else:
        quoted = excerpt(*part.lines) + f"\n*Lines {part.lines[0]}–{part.lines[1]} of "
        quoted += "[the sheet](sheet.md).*"
    title = f"The sheet's answer ({part.label})"
    return f'??? quote sheet-answer "{title}"\n\n{indent(quoted, "    ")}\n'


def our_answer(part: Part, results: dict) -> str:
    """Our side of a part: its numbers (`what = value`, further values after a comma), its words."""
    shown: list[str] = []
    for what, key in part.ours:
        number = f"**{format_value(results[key]['value'], results[key]['fmt'])}**"
        if what or not shown:
            shown.append(f"{what} = {number}" if what else number)
        else:
            shown[-1] += f", {number}"
    return "; ".join(filter(None, ["; ".join(shown), part.words]))


def parts_table(results: dict, parts: tuple[Part, ...] = SHEET_PARTS) -> str:
    """The home page: one row per part of the sheet, its answer and ours, and the verdict."""
    rows = []
    for part in parts:
        claimed = [r for r in results.values() if r["sheet"] and r["sheet"]["part"] == part.name]
        rows.append(
            (
                f"[{part.label}]({part.section})",
                part.question,
                sheet_answer(part, claimed),
                our_answer(part, results),
                verdict(claimed),
            )
        )
    return table(("Part", "Question", "The sheet", "Ours", "Verdict"), rows)


def tolerance(check: dict) -> str:
    """How close a check must come, in words a reader can verify."""
    parts = []
    if check["rtol"]:
        parts.append(f"rel {check['rtol']:g}")
    if check["atol"]:
        parts.append(f"abs {check['atol']:g}")
    return " or ".join(parts) or "exact"


def checks_table(results: dict) -> str:
    """A page's own results, each anchored, with every check's value and tolerance; the
    reasons for the tolerances follow the table as numbered notes."""
    reasons: dict[str, int] = {}
    rows = []
    for r in results.values():
        title = f'<span id="{anchor(r["key"])}"></span>{r["title"]}'
        value = f"**{format_value(r['value'], r['fmt'])}**"
        for c in r["checks"]:
            mark = "" if c["agrees"] else " ✗ disagrees"
            note = reasons.setdefault(c["why"], len(reasons) + 1)
            rows.append(
                (title, value, c["method"], f"{c['value']!r}{mark}", f"{tolerance(c)} ({note})")
            )
            title = value = ""
    notes = "**Why these tolerances**\n\n" + "".join(f"{n}. {why}\n" for why, n in reasons.items())
    return table(("Result", "Value", "Checked by", "Its value", "Tolerance"), rows) + "\n" + notes


def erratum_anchor(result: dict) -> str:
    """The HTML id of a result's entry on the errata page."""
    return f"erratum-{anchor(result['key'])}"


def what_is_wrong(result: dict, results: dict) -> str:
    """An erratum's first sentences: where on the sheet, what it says, labelled, against what we
    compute."""
    claim, ours = result["sheet"], format_value(result["value"], result["fmt"])
    where = f"*{claim['where']}.*"
    if claim["kind"] == "slip":
        return f"{where} The sheet writes “{claim['text']}” {label('slip')}."
    if claim["answers"]:
        answered = results[claim["answers"]]
        right = f"{answered['title']} is **{format_value(answered['value'], answered['fmt'])}**"
        mark = "✓" if claim["confirmed"] else "✗"
        return (
            f"{where} The sheet's formula as written gives **{ours}** {label('evaluated')}; "
            f"the value {claim['text']} {label('printed', mark)} written beside it is "
            f"{'right' if claim['confirmed'] else 'wrong too'}: {right}."
        )
    return f"{where} The sheet: {claim['text']} {label(claim['kind'], '✗')}; we compute **{ours}**."


def errata(results: dict, slips: bool = False) -> str:
    """One entry per erratum of the sheet's numbers and formulas (or, with `slips`, per slip):
    what it says against what we compute, in words, and why."""
    entries = [
        r for r in results.values() if r["erratum"] and (r["sheet"]["kind"] == "slip") == slips
    ]
    if not entries:
        return "None: the sheet agrees with every result we compute.\n"
    return "\n".join(
        f"### {r['sheet']['text'] if slips else r['title']} {{#{erratum_anchor(r)}}}\n\n"
        f"{what_is_wrong(r, results)} {r['erratum']} {link(r, 'Where it is computed')}.\n"
        for r in entries
    )
