"""What a chapter shows in its executed notebook, besides what it writes for the pages: a figure
as the SVG the page embeds, a table as rendered Markdown. Only in a kernel: a chapter's code run
by a plain interpreter (the Performance pages) prints nothing extra."""

from __future__ import annotations

import sys
from pathlib import Path


class Written(type(Path())):
    """A file the report wrote. A notebook shows what it holds where it is written (a figure, a
    table), so a cell ending with the path shows nothing more."""

    def _ipython_display_(self) -> None:
        """Nothing: IPython calls this instead of printing the path as the cell's value."""


def in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel, whose outputs a notebook keeps."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return getattr(shell, "kernel", None) is not None


def svg(data: str | bytes) -> None:
    """Show a figure inline: the SVG the page embeds, as written (not read back from its file,
    which would make the chapter's output one of its inputs, report/trace.py)."""
    if in_kernel():
        from IPython.display import SVG, display

        display(SVG(data))


def markdown(text: str, plain: str | None = None) -> None:
    """Show Markdown (a table, a formula) rendered, as the page shows it; `plain` (by default the
    Markdown itself) for a reader of the notebook as text."""
    if in_kernel():
        from IPython.display import display

        display({"text/markdown": text, "text/plain": plain or text}, raw=True)
