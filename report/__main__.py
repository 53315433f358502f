"""`python -m report`: re-run the chapters whose inputs changed, in parallel, then write the merged
results and the pages generated from them.

A job (a chapter, or the Performance pages) runs again when a file it read changed (its script,
the modules of src/ and report/ it imported, a data file it opened), when the lock file or the
runner did, or when one of its generated files was altered or removed; `--force` re-runs all.
Jobs run one per core, longest first; a line tells when each starts and ends, and a progress bar
follows them when the output is a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from report.cache import JOBS, load, recompile, save, snapshot, why_stale
from report.pages import write_pages
from report.results import GENERATED, ROOT

LOCK = ROOT / ".cache" / "report.lock"  # outside docs/, which `mkdocs serve` watches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--force", action="store_true", help="re-run every job, cached or not")
    args = parser.parse_args(argv)
    with one_at_a_time():
        return update(force=args.force)


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Hold the report's lock: a second `python -m report` in the same tree (`mkdocs serve`'s
    and `make site`'s, say) waits instead of running the same chapters into the same files."""
    LOCK.parent.mkdir(exist_ok=True)
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def update(force: bool) -> int:
    """Re-run what is stale (everything, with `force`), merge, print the summary."""
    records = {job: load(job) for job in JOBS}
    reasons = {job: "--force" if force else why_stale(records[job]) for job in JOBS}
    todo = [job for job in JOBS if reasons[job]]
    if len(todo) < len(JOBS):
        print(f"report: up to date: {', '.join(j for j in JOBS if j not in todo)}")
    if todo:
        failed = asyncio.run(run_all(todo, reasons, records))
        if failed:
            (GENERATED / "results.json").unlink(missing_ok=True)  # no half-updated report
            print(f"report: failed: {', '.join(failed)}", file=sys.stderr)
            return 1
    results = write_pages({job: load(job) for job in JOBS})
    print_summary(results)
    failed = [key for key, r in results.items() if not r["passed"]]
    if failed:
        print(f"report: {len(failed)} result(s) failed their checks: {', '.join(failed)}")
        return 1
    return 0


async def run_all(todo: list[str], reasons: dict, records: dict) -> list[str]:
    """Run the jobs, the longest last time first, one per core; return those that failed."""
    from report import execute  # jupytext and nbclient: slow to import, needless when all is fresh

    cores = len(os.sched_getaffinity(0))
    todo = sorted(todo, key=lambda job: -(records[job] or {}).get("seconds", math.inf))
    before = {job: snapshot(job) for job in todo}
    recompile({path for hashes in before.values() for path in hashes})
    say(f"report: running {len(todo)} job(s), {min(cores, len(todo))} at a time")
    slots = asyncio.Semaphore(cores)
    bar = tqdm(
        total=len(todo), unit="job", file=sys.stdout, disable=not sys.stdout.isatty(), leave=False
    )
    running: list[str] = []

    async def one(job: str, trace: Path) -> bool:
        async with slots:
            say(f"report: {job} started ({reasons[job]})")
            running.append(job)
            bar.set_postfix_str(", ".join(running))
            start = time.perf_counter()
            try:
                await execute.run(job, trace)
            except execute.JobFailed as error:
                say(f"report: {job} FAILED after {time.perf_counter() - start:.1f} s:\n{error}")
                return False
            finally:
                running.remove(job)
                bar.update()
            seconds = time.perf_counter() - start
            save(job, trace.read_text().splitlines(), before[job], seconds)
            say(f"report: {job} done in {seconds:.1f} s")
            return True

    with bar, tempfile.TemporaryDirectory() as traces:
        done = await asyncio.gather(*(one(job, Path(traces, job)) for job in todo))
    return [job for job, ok in zip(todo, done, strict=True) if not ok]


def say(line: str) -> None:
    """A line of the log, printed above the progress bar and flushed at once."""
    tqdm.write(line, file=sys.stdout)
    sys.stdout.flush()


def print_summary(results: dict) -> None:
    """A short table on the terminal: key, value, checks agreeing."""
    width = max(map(len, results), default=10)
    print(f"\n{'result':<{width}}  {'value':>22}  checks")
    for key, r in results.items():
        agreeing = sum(c["agrees"] for c in r["checks"])
        status = "ok" if r["passed"] else "FAILED"
        print(f"{key:<{width}}  {r['value']!r:>22}  {agreeing}/{len(r['checks'])} {status}")


if __name__ == "__main__":
    sys.exit(main())
