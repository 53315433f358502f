"""How one job of the report runs: a chapter in a fresh kernel, the Performance pages in a fresh
interpreter, each with report/trace.py writing down what it reads.

A chapter (a jupytext percent script) runs with nbclient; its executed notebook goes to
`docs/generated/notebooks/` for mkdocs-jupyter to render without re-executing, so the numbers a
page embeds and the notebook a reader downloads come from one run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from asyncio.subprocess import PIPE, STDOUT
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal

from report.cache import PERFORMANCE
from report.results import GENERATED, ROOT

NOTEBOOKS = GENERATED / "notebooks"
# The tag of a chapter's cells of plumbing (imports, the registry): the site shows their outputs
# only (mkdocs.yml: remove_input_tags), JupyterLab folds their code; they run like any other.
HIDE_INPUT = "hide-input"
# One BLAS/OpenMP thread per process: the jobs run one per core, and a result must not depend
# on how many ran beside it.
ONE_THREAD = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")


class JobFailed(Exception):
    """A job stopped with an error; the message is what it printed."""


def clear(job: str) -> None:
    """Remove what the job wrote last time, so nothing of an older run survives this one."""
    shutil.rmtree(GENERATED / job, ignore_errors=True)
    (NOTEBOOKS / f"{job}.ipynb").unlink(missing_ok=True)


async def run(job: str, record: Path) -> None:
    """Run a job from a clean slate, its reads appended to `record`."""
    clear(job)
    env = {**os.environ, **ONE_THREAD}
    if job == PERFORMANCE:
        await performance_pages(record, env)
    else:
        await chapter(job, record, env)
    if not record.is_file():
        raise JobFailed("report/trace.py did not start in the job's process: its reads are unknown")


def tracing(record: Path) -> str:
    """Python that starts the trace: the first thing a job's process runs."""
    return f"import report.trace; report.trace.start({str(record)!r})"


def how_to_run(name: str) -> str:
    """The downloaded notebook's first cell: how to run it (the clone's venv has `report`)."""
    return (
        f"*To run this notebook:* clone the repository and run `make setup` at its root; then "
        f"`<clone>/.venv/bin/jupyter execute --inplace {name}.ipynb` re-runs it where you saved it.  \n"
        f"It is made from the script `report/{name}.py`, which jupytext opens as a notebook."
    )


def fold_hidden_inputs(nb: nbformat.NotebookNode) -> None:
    """Mark the code of each cell tagged HIDE_INPUT hidden for JupyterLab, as the site hides it."""
    for cell in nb.cells:
        if HIDE_INPUT in cell.metadata.get("tags", []):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


async def chapter(name: str, record: Path, env: dict) -> None:
    """Execute report/<name>.py as a notebook and save the executed copy."""
    nb = jupytext.read(ROOT / "report" / f"{name}.py")
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(how_to_run(name)))
    fold_hidden_inputs(nb)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    with tempfile.TemporaryDirectory() as sockets:  # local sockets, not TCP, kept out of the repo
        kernel = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(
            nb,
            km=kernel,
            timeout=900,
            resources={"metadata": {"path": str(ROOT)}},
            extra_arguments=[f"--IPKernelApp.exec_lines={tracing(record)}"],
        )
        # A cell that fails or times out raises a CellControlSignal; a dead kernel, RuntimeError.
        try:
            await client.async_execute(cleanup_kc=True, env=env)  # then shut the kernel down
        except (CellControlSignal, RuntimeError) as error:
            raise JobFailed(str(error)) from None
    NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, NOTEBOOKS / f"{name}.ipynb")


async def performance_pages(record: Path, env: dict) -> None:
    """Write docs/generated/performance/ from the committed benchmarks/results.json."""
    code = (
        f"{tracing(record)}\n"
        "from report.benchmark_pages import write_performance_pages\n"
        "from report.results import GENERATED\n"
        "write_performance_pages(GENERATED)\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, env=env, stdout=PIPE, stderr=STDOUT
    )
    printed, _ = await process.communicate()
    if process.returncode:
        raise JobFailed(printed.decode(errors="replace"))
