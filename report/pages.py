"""Merge the chapters' results into `results.json` and write the pages generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from report import CHAPTERS
from report.cache import hashes
from report.results import GENERATED, chapter_results, format_value


def load_results(path: Path = GENERATED / "results.json") -> dict:
    """The merged registry, as written by the last `python -m report`."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make report` (python -m report)")
    return json.loads(path.read_text())


def write_pages(runs: dict) -> dict:
    """Write results.json, the home page's results table, the errata page and each page's checks
    table from the chapters' results; return the results. `runs` are the jobs' records.

    results.json keeps the records and the digests of the pages written here, so the site build
    can tell that none of them is stale. A file whose text is unchanged is not rewritten (under
    `mkdocs serve` a write would start another build)."""
    results = chapter_results(CHAPTERS)
    pages = {"results_table.md": results_table(results), "errata.md": errata(results)}
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


def results_table(results: dict) -> str:
    """Home page table: the sheet's value, ours, and the checks that agreed."""
    rows = []
    for r in results.values():
        sheet = r["sheet"]
        said = "—" if sheet is None else f"{sheet['text']}{'' if sheet['agrees'] else ' ✗'}"
        agreeing = [c["method"] for c in r["checks"] if c["agrees"]]
        checks = f"{len(agreeing)}/{len(r['checks'])}: " + "; ".join(agreeing)
        rows.append((link(r), said, f"**{format_value(r['value'], r['fmt'])}**", checks))
    return table(("Result", "Sheet says", "We compute", "Independent checks"), rows)


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


def errata(results: dict) -> str:
    """One entry for every result where the sheet's claim differs from ours."""
    entries = [r for r in results.values() if r["sheet"] and not r["sheet"]["agrees"]]
    if not entries:
        return "The sheet agrees with every result we compute.\n"
    blocks = []
    for r in entries:
        values = [
            (f"The sheet ({r['sheet']['where']})", r["sheet"]["text"]),
            ("We compute", f"**{format_value(r['value'], r['fmt'])}**"),
        ]
        blocks.append(
            f"### {r['title']}\n\n{table(('Source', 'Value'), values)}\n"
            f"{r['erratum']} {link(r, 'Where it is computed')}.\n"
        )
    return "\n".join(blocks)
