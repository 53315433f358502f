"""The GitHub workflows: zizmor, GitHub Actions' security linter, finds nothing."""

import subprocess
import sys
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    audit = subprocess.run(
        [zizmor, "--offline", WORKFLOWS], check=False, capture_output=True, text=True
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout
