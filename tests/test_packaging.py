"""Packaging: the wheel builds without a deprecation warning and carries its licence."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src", "report")


def built_wheel(project: Path) -> tuple[Path, str]:
    """Build a wheel of a copy of the project (so nothing is left in the repository) with the
    installed setuptools; the wheel and everything the build printed."""
    project.mkdir()
    for name in INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy(ROOT / name, project / name)
    build = subprocess.run(
        [sys.executable, "-c", "import setuptools.build_meta as b; b.build_wheel('dist')"],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
    )
    output = build.stdout + build.stderr
    assert build.returncode == 0, output[-3000:]
    (wheel,) = (project / "dist").glob("*.whl")
    return wheel, output


def test_the_wheel_builds_without_a_deprecation_warning_and_names_its_licence(tmp_path):
    wheel, output = built_wheel(tmp_path / "project")
    assert "deprecat" not in output.lower(), output[-3000:]
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
        shipped = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert "License-Expression: MIT" in text
    assert "License-File: LICENSE" in text
    assert shipped, "the wheel does not ship the LICENSE file"
