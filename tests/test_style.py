"""House style is checked, not hoped for: ruff's lint rules and formatting over all code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["src", "report", "hooks", "tests", "benchmarks"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [ruff, *args, *CODE], cwd=ROOT, check=False, capture_output=True, text=True
    )


def test_ruff_finds_nothing():
    lint = ruff("check", "--no-cache")
    assert lint.returncode == 0, lint.stdout


def test_code_is_formatted():
    fmt = ruff("format", "--check", "--no-cache")
    assert fmt.returncode == 0, fmt.stdout
