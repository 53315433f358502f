""" "Check yourself": exercises in the spirit of the sheet, each with a worked solution that stays
folded until the reader opens it. A chapter computes the numbers (and records them with their
checks), writes the exercises with `Registry.write_text(name, exercises(...))`, and its page
embeds them under a "Check yourself" heading with a `--8<--` snippet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from textwrap import indent


@dataclass(frozen=True)
class Exercise:
    """A question and its worked solution, both Markdown (math in $…$)."""

    question: str
    solution: str


def exercises(items: Sequence[Exercise]) -> str:
    """Markdown: per exercise a question box holding a collapsed ("???") solution."""
    if not 3 <= len(items) <= 5:
        raise ValueError(f"a chapter asks 3 to 5 exercises, not {len(items)}")
    return "\n".join(
        f'!!! question "Exercise {n}"\n\n{indent(e.question.strip(), "    ")}\n\n'
        f'    ??? success "Solution"\n\n{indent(e.solution.strip(), " " * 8)}\n'
        for n, e in enumerate(items, start=1)
    )
