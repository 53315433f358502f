"""(f) `python -m report` and `mkdocs build`, cold (a fresh copy of the repository) and warm.

The copy holds the working tree's tracked and untracked files (not the ignored ones, so no
docs/generated/ and no caches): what a fresh clone would hold, without touching this one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import group

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -m report": [sys.executable, "-m", "report"],
    "mkdocs build": [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "site"],
}


def fresh_copy(into: Path) -> None:
    """The repository's files as a fresh clone would have them, plus a link to node_modules."""
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    files = subprocess.run(listing, cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    (into / "node_modules").symlink_to(ROOT / "node_modules")


def seconds(command: list[str], cwd: Path) -> float:
    """Wall time of one run of `command` in `cwd`, importing the copy's own code."""
    env = os.environ | {"PYTHONPATH": f"{cwd / 'src'}{os.pathsep}{cwd}", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def run() -> dict:
    """Each command twice in a fresh copy: cold (nothing generated, no caches) then warm."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        fresh_copy(copy)
        times = {}
        for label in ("cold", "warm"):
            for name, command in COMMANDS.items():
                times[f"{name}, {label}"] = [seconds(command, copy)]
    # NB: one run each (a build takes seconds, not microseconds): the quartiles equal the median.
    return {
        "title": "Report and site build",
        "groups": [group("wall time, one run each", times, None, "s")],
        "skipped": {},
        "targets": [],
    }
