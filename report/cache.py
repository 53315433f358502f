"""When a job's generated files can be reused: while every file it read and every file it wrote
still hashes as they did when it ran. The same check decides what `python -m report` re-runs
and lets the mkdocs hook refuse a stale report.

A job is a chapter (report/<chapter>.py, run as a notebook) or the Performance pages (from the
committed benchmarks/results.json). What a job read is recorded while it runs (report/trace.py);
besides that, each job depends on the lock files (the library versions) and on the runner.
"""

from __future__ import annotations

import hashlib
import json
import py_compile
from collections.abc import Iterable
from pathlib import Path

from report import CHAPTERS
from report.results import GENERATED, ROOT, chapter_results

PERFORMANCE = "performance"
JOBS = (*CHAPTERS, PERFORMANCE)
# Not opened by the job's own process, but shape its output: the Python and the npm packages (the
# report runs dagre in Node to lay out the graph figures) and the runner.
ALWAYS = ("requirements.lock", "package-lock.json", "report/execute.py")
RECORD = "run.json"

Hashes = dict[str, str | None]  # path relative to ROOT → SHA-256, None for a missing file


def declared(job: str) -> list[str]:
    """The inputs a job's own process does not open: the runner reads a chapter's script."""
    script = [f"report/{job}.py"] if job in CHAPTERS else []
    return [*script, *ALWAYS]


def outputs(job: str) -> list[Path]:
    """Every file the job wrote: its folder under docs/generated, and a chapter's notebook."""
    files = [p for p in (GENERATED / job).rglob("*") if p.is_file() and p.name != RECORD]
    notebook = GENERATED / "notebooks" / f"{job}.ipynb"
    return sorted(files + ([notebook] if job in CHAPTERS else []))


def digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def hashes(paths: Iterable[str | Path]) -> Hashes:
    """Each path (absolute or relative to ROOT) by its path relative to ROOT, with its digest."""
    relative = {Path(ROOT, p).relative_to(ROOT).as_posix() for p in paths}
    return {p: digest(ROOT / p) for p in sorted(relative)}


def differ(recorded: Hashes) -> list[str]:
    """The recorded files whose content is no longer what it was."""
    return [p for p, h in hashes(recorded).items() if h != recorded[p]]


def why_stale(record: dict | None) -> str | None:
    """Why a job must run again ('never run', or the files that changed); None when fresh."""
    if record is None:
        return "never run"
    files = differ(record["inputs"]) + [f"{p} (output)" for p in differ(record["outputs"])]
    return f"changed: {', '.join(files)}" if files else None


def stale(payload: dict) -> dict[str, str]:
    """What in a merged results.json no longer matches the tree: each stale job with the reason,
    the pages merged from the jobs' results, and the merged results themselves."""
    reasons = {job: why_stale(payload.get("runs", {}).get(job)) for job in JOBS}
    pages = differ(payload["pages"]) if "pages" in payload else ["not recorded"]
    if pages:
        reasons["merged pages"] = f"changed: {', '.join(pages)}"
    if payload.get("results") != chapter_results(CHAPTERS):
        reasons["merged results"] = "not those of the chapters' results.json"
    return {what: why for what, why in reasons.items() if why}


def load(job: str) -> dict | None:
    """The record of the job's last successful run, if there is one."""
    path = GENERATED / job / RECORD
    return json.loads(path.read_text()) if path.is_file() else None


def snapshot(job: str) -> Hashes:
    """The files a run of the job may read, hashed before it starts: what it declares and read
    last time, and all the code in src/ and report/."""
    last = load(job)
    code = [p for folder in ("src", "report") for p in (ROOT / folder).rglob("*.py")]
    return hashes([*declared(job), *(last["inputs"] if last else ()), *code])


def recompile(paths: Iterable[str]) -> None:
    """Byte-compile these modules, checked against their source's hash: a timestamp .pyc
    misses an edit that keeps the size within the same second, and would run old code."""
    for path in paths:
        if path.endswith(".py") and (ROOT / path).is_file():
            py_compile.compile(
                ROOT / path, quiet=2, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH
            )


def save(job: str, read: Iterable[str], before: Hashes, seconds: float) -> dict:
    """Record a successful run: inputs hashed as they were before it started where known (a file
    edited while the job ran then counts as changed), its outputs as they are now."""
    inputs = {p: before.get(p, h) for p, h in hashes([*read, *declared(job)]).items()}
    record = {"inputs": inputs, "outputs": hashes(outputs(job)), "seconds": round(seconds, 1)}
    (GENERATED / job / RECORD).write_text(json.dumps(record, indent=1) + "\n")
    return record
