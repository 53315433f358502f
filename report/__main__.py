"""`python -m report`: execute every chapter once, then write the merged results and their pages.

Each chapter (a jupytext percent script) runs in a fresh kernel with nbclient; its executed
notebook goes to `docs/generated/notebooks/` for mkdocs-jupyter to render without re-executing,
so the numbers a page embeds and the notebook a reader downloads come from one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

import jupytext
import nbclient
import nbformat
from jupyter_client.manager import KernelManager

from report import CHAPTERS
from report.benchmark_pages import write_performance_pages
from report.pages import write_pages
from report.results import GENERATED, ROOT

NOTEBOOKS = GENERATED / "notebooks"


def execute(chapter: str) -> None:
    """Run one chapter script as a notebook and save the executed copy."""
    nb = jupytext.read(ROOT / "report" / f"{chapter}.py")
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    with tempfile.TemporaryDirectory() as sockets:  # local sockets, not TCP, kept out of the repo
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = nbclient.NotebookClient(
            nb, km=kernel, timeout=900, resources={"metadata": {"path": str(ROOT)}}
        )
        client.execute()
    NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, NOTEBOOKS / f"{chapter}.ipynb")


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m report", description=__doc__).parse_args(argv)
    for chapter in CHAPTERS:
        start = time.perf_counter()
        try:
            execute(chapter)
        except nbclient.exceptions.CellExecutionError as error:
            print(f"report: chapter {chapter!r} failed:\n{error}", file=sys.stderr)
            return 1
        print(f"report: {chapter} executed in {time.perf_counter() - start:.1f} s")
    results = write_pages()
    write_performance_pages(GENERATED)  # from the committed benchmarks/results.json
    print_summary(results)
    failed = [key for key, r in results.items() if not r["passed"]]
    if failed:
        print(f"report: {len(failed)} result(s) failed their checks: {', '.join(failed)}")
        return 1
    return 0


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
