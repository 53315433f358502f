"""The GitHub workflows: they parse, pin every action to a commit, would find a Chromium on
GitHub's runners, cache on the lock files; zizmor, GitHub Actions' security linter, finds nothing.
`.ci/run` (CI on this project's own machines) keeps Debian's Chromium and the README's command."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")  # owner/repo[/path]@<commit SHA>


def workflows() -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text()) for path in sorted(WORKFLOWS.glob("*.yml"))}


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on:` as true


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    audit = subprocess.run(
        [zizmor, "--offline", WORKFLOWS], check=False, capture_output=True, text=True
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout


def test_the_pages_workflow_names_the_repository_it_runs_in():
    build = (WORKFLOWS / "pages.yml").read_text()
    assert "REPO_URL: ${{ github.server_url }}/${{ github.repository }}" in build
    assert "REPO_NAME: ${{ github.repository }}" in build


def test_without_a_repository_the_site_links_none(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.delenv("REPO_URL", raising=False)
    monkeypatch.delenv("REPO_NAME", raising=False)
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.repo_url is None


def test_every_workflow_parses_and_pins_its_actions_to_commits():
    found = workflows()
    assert {"test.yml", "pages.yml"} <= set(found)
    for name, workflow in found.items():
        assert triggers(workflow) and workflow["jobs"], name
        for job in workflow["jobs"].values():
            assert job["runs-on"] and job["steps"], name
            for step in job["steps"]:
                assert "run" in step or PINNED.match(step["uses"]), (
                    f"{name}: {step['uses']} is not pinned to a commit SHA"
                )


def test_the_test_workflow_finds_a_chromium_caches_and_runs_make_test():
    workflow = workflows()["test.yml"]
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers(workflow))
    (job,) = workflow["jobs"].values()
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert commands[-1] == "make test"
    browser = next(c for c in commands if "chromium" in c)
    assert "tests/chromium.py ||" in browser  # the runner's own /usr/bin/chromium, when present
    assert "playwright install --with-deps chromium" in browser
    assert not any(re.search(r"\b(apt|apt-get|snap) install\b", c) for c in commands)
    setup = {s["uses"].split("@")[0]: s.get("with", {}) for s in job["steps"] if "uses" in s}
    for action, cache, lock in [
        ("actions/setup-python", "pip", "requirements.lock"),
        ("actions/setup-node", "npm", "package-lock.json"),
    ]:
        assert (setup[action]["cache"], setup[action]["cache-dependency-path"]) == (cache, lock)
        assert (ROOT / lock).is_file()


def test_ci_run_installs_debians_chromium_and_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"apt-get install .*\bchromium\b", script)
    assert script.strip().splitlines()[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text().split("## Tests")[0]


def test_the_pages_workflow_prints_the_report_and_publishes_it_with_the_site():
    (job,) = [workflows()["pages.yml"]["jobs"]["build"]]
    commands = [step["run"] for step in job["steps"] if "run" in step]
    browser = next(i for i, c in enumerate(commands) if "tests/chromium.py ||" in c)
    assert browser < commands.index("make pdf")  # a Chromium to print with, found first
    assert "$(PY) -m report.pdf site site/backprop.pdf" in (ROOT / "Makefile").read_text()
    upload = next(s for s in job["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
