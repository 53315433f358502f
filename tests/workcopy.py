"""A copy of the repository to run or edit instead of the real tree, and how to tell that a
result it computes again is the one the real tree's report holds."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "site", "__pycache__", ".*cache", ".hypothesis", "*.egg-info"
)


def copy_repo(to: Path) -> Path:
    """The working tree (its generated report included) copied to `to`, sharing node_modules."""
    shutil.copytree(ROOT, to, ignore=NOT_COPIED)
    (to / "node_modules").symlink_to(ROOT / "node_modules")  # dagre (report), KaTeX (site)
    return to


def env(repo: Path, **extra: str) -> dict:
    """The environment that runs the copy's packages rather than the installed ones."""
    return {**os.environ, "PYTHONPATH": f"{repo / 'src'}{os.pathsep}{repo}", **extra}


def reproduced(result: dict, cached: dict) -> bool:
    """The same result again: identical, or for a timing (a measurement whose own checks allow
    it to vary from run to run by 10 % or more) equal within the tolerance of its checks."""
    if result == cached:
        return True
    spread = min(c["rtol"] for c in result["checks"])
    same = {k: v for k, v in result.items() if k not in ("value", "checks")}
    return (
        spread >= 0.1
        and same == {k: v for k, v in cached.items() if k not in ("value", "checks")}
        and math.isclose(result["value"], cached["value"], rel_tol=spread)
    )
