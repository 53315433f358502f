"""What a report job reads: an audit hook (PEP 578) that writes down every file of the repository
the process opens for reading, so the cache is keyed on the code and data a run really used.

A declared list of inputs can be forgotten, and a static walk of the imports sees neither a data
file nor a dynamic import; every read goes through `open`, which the hook sees, whatever the path
was built from. A compiled module (`__pycache__/*.pyc`) counts as its source.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from report.results import ROOT

WRITING = os.O_WRONLY | os.O_RDWR


def start(record: str | Path, root: Path = ROOT) -> None:
    """From now on, append to `record` (one path per line, relative to `root`) each file under
    `root` this process reads, outside the virtualenv; the modules already imported count too."""
    top = os.path.realpath(root) + os.sep
    venv = os.path.realpath(sys.prefix) + os.sep
    out = open(record, "a", buffering=1)  # noqa: SIM115 (open for the life of the process)
    seen: set[str] = set()

    def note(path: str) -> None:
        real = os.path.realpath(path)
        if not real.startswith(top) or real.startswith(venv):
            return
        if "__pycache__" in real:
            real = importlib.util.source_from_cache(real)
        if real not in seen:
            seen.add(real)
            out.write(os.path.relpath(real, top) + "\n")

    def hook(event: str, args: tuple) -> None:
        if event == "open" and not isinstance(args[0], int) and not args[2] & WRITING:
            note(os.fsdecode(args[0]))

    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None):
            note(module.__file__)
    sys.addaudithook(hook)
