"""The report's cache never serves a stale number: each job re-runs when, and only when, a file it
read or wrote changed; the site build refuses what the cache would re-run.

Every test that edits a file does so in a copy of the repository (its generated report
included), never in the real tree, and runs the copy's own code (PYTHONPATH).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import py_compile
import queue
import re
import socket
import struct
import subprocess
import sys
import termios
import threading
from modulefinder import ModuleFinder
from pathlib import Path

import pytest
from workcopy import ROOT, copy_repo, env, reproduced

from report import CHAPTERS
from report.cache import JOBS, PERFORMANCE
from report.pages import load_results

pytestmark = pytest.mark.report


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository to edit; `python -m report` first brings its report up to date
    (nothing to run when the real tree's report is fresh, as `make test` leaves it)."""
    copy = copy_repo(tmp_path / "repo")
    first = report(copy)
    assert first.returncode == 0, first.stdout + first.stderr
    return copy


def report(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m report` in the copy."""
    return subprocess.run(
        [sys.executable, "-m", "report", *args],
        cwd=repo,
        env=env(repo),
        capture_output=True,
        text=True,
        check=False,
    )


def started(log: str) -> list[str]:
    """The jobs a report run started, in order."""
    return re.findall(r"^report: (\S+) started", log, re.MULTILINE)


def payload(repo: Path) -> dict:
    return load_results(repo / "docs" / "generated" / "results.json")


def readers(repo: Path, path: str) -> set[str]:
    """The jobs whose last run read `path`, by their records."""
    return {job for job, record in payload(repo)["runs"].items() if path in record["inputs"]}


def importers(repo: Path, module: str) -> set[str]:
    """The chapters whose script imports `module`, directly or not, by a static walk of the
    imports (modulefinder, restricted to the repository's packages): the trace's second opinion."""
    found = set()
    for chapter in CHAPTERS:
        finder = ModuleFinder(path=[str(repo / "src"), str(repo)])
        finder.run_script(str(repo / "report" / f"{chapter}.py"))
        if module in finder.modules:
            found.add(chapter)
    return found


def hook_check(repo: Path) -> subprocess.CompletedProcess:
    """What the site build's results hook says about the copy's report (no site is built)."""
    code = (
        "import sys; sys.path.insert(0, 'hooks'); import results as hook\n"
        "hook.on_startup('build', False); hook.on_pre_build(None)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        env=env(repo),
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_changed_src_function_reruns_its_chapter_even_behind_a_valid_looking_pyc(repo):
    """An edit to vgg16() (more classes) re-runs the chapters that read its module, and VGG16's
    parameter count grows by one row of fc8 per class, its PyTorch check along: even when the
    edit keeps the file's size and time, which a timestamp .pyc of the old code takes as current."""
    module = repo / "src" / "backprop" / "architectures.py"
    before = payload(repo)["results"]["cnn.params_total"]["value"]
    wrapper = (
        "\n_vgg16 = vgg16\n\n\n"
        "def vgg16(batch_norm=False, num_classes=1000 + {n}):  # the test's edit\n"
        "    return _vgg16(batch_norm, num_classes)\n"
    )
    module.write_text(module.read_text() + wrapper.format(n=1))
    py_compile.compile(module, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    stamp = module.stat()
    module.write_text(module.read_text().replace(wrapper.format(n=1), wrapper.format(n=2)))
    os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert module.stat().st_size == stamp.st_size

    run = report(repo)
    assert started(run.stdout) == ["cnn"] == sorted(readers(repo, "src/backprop/architectures.py"))
    after = payload(repo)["results"]["cnn.params_total"]
    assert after["value"] == before + 2 * (4096 + 1)  # two more rows of fc8: weights and a bias
    assert [c["value"] for c in after["checks"]] == [after["value"]]


def test_an_edited_chapter_script_reruns_only_that_chapter(repo):
    runs = payload(repo)["runs"]
    quickest = min(CHAPTERS, key=lambda chapter: runs[chapter]["seconds"])
    script = repo / "report" / f"{quickest}.py"
    script.write_text(script.read_text() + '\n# %%\nprint("one more cell")\n')
    run = report(repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert started(run.stdout) == [quickest]
    assert re.search(rf"^report: {quickest} done in \d+\.\d s$", run.stdout, re.MULTILINE)
    others = ", ".join(job for job in JOBS if job != quickest)
    assert f"report: up to date: {others}" in run.stdout
    notebook = json.loads((repo / "docs/generated/notebooks" / f"{quickest}.ipynb").read_text())
    printed = "".join("".join(o["text"]) for o in notebook["cells"][-1]["outputs"])
    assert printed == "one more cell\n"  # the kernel may send the line and its newline apart


def test_a_failing_chapter_leaves_no_report_to_build_from(repo):
    """A chapter that raises fails the run, and the merged results.json goes with it, so the
    site build stops instead of showing the last run's numbers."""
    runs = payload(repo)["runs"]
    quickest = min(CHAPTERS, key=lambda chapter: runs[chapter]["seconds"])
    script = repo / "report" / f"{quickest}.py"
    script.write_text('# %%\nraise RuntimeError("a broken chapter")\n\n' + script.read_text())
    run = report(repo)
    assert run.returncode == 1 and started(run.stdout) == [quickest]
    assert f"report: {quickest} FAILED" in run.stdout and "a broken chapter" in run.stdout
    assert not (repo / "docs" / "generated" / "results.json").exists()
    assert "results.json is missing" in hook_check(repo).stderr


def test_a_committed_data_file_reruns_the_job_that_read_it_with_a_progress_bar(repo):
    """benchmarks/results.json is read by the Performance pages only; on a terminal the report
    shows tqdm's bar, elsewhere only its lines."""
    data = repo / "benchmarks" / "results.json"
    benchmarks = json.loads(data.read_text())
    benchmarks["environment"]["machine"] = "a machine the test made up"
    data.write_text(json.dumps(benchmarks))
    assert readers(repo, "benchmarks/results.json") == {PERFORMANCE}

    log = on_a_terminal([sys.executable, "-m", "report"], repo)
    assert started(re.sub(r"\r\n?", "\n", log)) == [PERFORMANCE]  # the bar's line starts with \r
    assert re.search(r"\| [01]/1 \[\d\d:\d\d.*job", log)  # tqdm's bar: jobs done, time
    environment = repo / "docs/generated/performance/environment.md"
    assert "a machine the test made up" in environment.read_text()
    data.write_text(data.read_text() + "\n")
    piped = report(repo)
    assert started(piped.stdout) == [PERFORMANCE] and "/1 [" not in piped.stdout


def on_a_terminal(command: list[str], repo: Path) -> str:
    """Run a command with a pseudo-terminal of 24 × 100 as its output; return what it printed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(command, cwd=repo, env=env(repo), stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait() == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


def test_serve_reruns_only_the_job_an_edit_affects_and_says_so(repo):
    """`mkdocs serve` watches the data a job read, outside the folders mkdocs.yml names, and on
    an edit re-runs that job alone, naming it and the file in its log."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=repo,
        env=env(repo, NO_MKDOCS_2_WARNING="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in serve.stdout], daemon=True).start()
    try:
        wait_for(lines, "Serving on")
        data = repo / "benchmarks" / "results.json"
        data.write_text(data.read_text() + "\n")
        log = wait_for(lines, "Documentation built")
    finally:
        serve.terminate()
        serve.wait()
    stale = "results: performance is stale (changed: benchmarks/results.json): re-running it"
    assert stale in log
    assert started(log) == [PERFORMANCE]


def wait_for(lines: queue.Queue, text: str, seconds: float = 120) -> str:
    """The lines up to the first one holding `text` (a test failure after `seconds`)."""
    seen = []
    while not seen or text not in seen[-1]:
        try:
            seen.append(lines.get(timeout=seconds))
        except queue.Empty:
            pytest.fail(f"no {text!r} in {seconds} s:\n{''.join(seen)}")
    return "".join(seen)


def test_force_reruns_every_job_in_parallel_and_finds_what_the_cache_served(repo):
    cached = payload(repo)
    run = report(repo, "--force")
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(started(run.stdout)) == sorted(JOBS)
    forced = payload(repo)
    assert forced["results"].keys() == cached["results"].keys()
    for key, result in forced["results"].items():
        assert reproduced(result, cached["results"][key]), key
    assert {j: r["inputs"] for j, r in forced["runs"].items()} == {
        j: r["inputs"] for j, r in cached["runs"].items()
    }
    if len(os.sched_getaffinity(0)) > 1:
        events = re.findall(r"^report: \S+ (started|done)", run.stdout, re.MULTILINE)
        assert events[:2] == ["started", "started"]  # a second job began before the first ended


def test_the_site_build_refuses_exactly_the_stale_chapters(repo):
    """The hook names each stale job and why; an edit to src/backprop/optim.py makes stale just
    the chapters that import it (by a static walk of their imports), and undoing it is enough."""
    assert hook_check(repo).returncode == 0
    optim = repo / "src" / "backprop" / "optim.py"
    original = optim.read_text()
    optim.write_text(original + "# an edit\n")
    refused = hook_check(repo)
    assert refused.returncode != 0 and "docs/generated is stale" in refused.stderr
    stale = r"^  (\S+): changed: src/backprop/optim.py$"
    named = set(re.findall(stale, refused.stderr, re.MULTILINE))
    assert named == importers(repo, "backprop.optim") == readers(repo, "src/backprop/optim.py")
    assert 0 < len(named) < len(CHAPTERS)
    optim.write_text(original)
    assert hook_check(repo).returncode == 0


def test_an_altered_or_removed_output_is_stale_and_regenerated(repo):
    runs = payload(repo)["runs"]
    quickest = min(JOBS, key=lambda job: runs[job]["seconds"])
    output = next(p for p in runs[quickest]["outputs"] if p.endswith(".md"))
    (repo / output).unlink()
    refused = hook_check(repo)
    assert f"  {quickest}: changed: {output} (output)" in refused.stderr
    run = report(repo)
    assert started(run.stdout) == [quickest] and (repo / output).is_file()
    assert hook_check(repo).returncode == 0

    table = repo / "docs" / "generated" / "results_table.md"
    table.write_text(table.read_text().replace("|", "!", 1))
    merged = repo / "docs" / "generated" / "results.json"
    tampered = json.loads(merged.read_text())
    tampered["results"]["cnn.params_total"]["value"] += 1
    merged.write_text(json.dumps(tampered))
    refused = hook_check(repo).stderr
    assert "merged pages: changed: docs/generated/results_table.md" in refused
    assert "merged results: not those of the chapters' results.json" in refused
    assert started(report(repo).stdout) == []
    assert hook_check(repo).returncode == 0


def test_a_new_chapter_that_never_ran_is_stale(repo):
    init = repo / "report" / "__init__.py"
    init.write_text(init.read_text() + 'CHAPTERS = (*CHAPTERS, "later")\n')
    assert "  later: never run" in hook_check(repo).stderr


def test_the_trace_records_code_and_data_read_but_not_files_written(tmp_path):
    """In a made-up project: an imported module (from source, then from its .pyc) and a data
    file count; a file written, and the interpreter's own libraries, do not."""
    (tmp_path / "mod.py").write_text("VALUE = 1\n")
    (tmp_path / "data.txt").write_text("42\n")
    program = (
        "import sys; from report.trace import start; from pathlib import Path\n"
        f"root = Path({str(tmp_path)!r}); sys.path.insert(0, str(root))\n"
        "start(root / 'read.txt', root)\n"
        "import json, mod\n"
        "(root / 'data.txt').read_text(); (root / 'out.txt').write_text('x')\n"
    )
    for compiled in (False, True):  # the module from its source, then from its .pyc
        if compiled:
            py_compile.compile(tmp_path / "mod.py")
        (tmp_path / "read.txt").unlink(missing_ok=True)
        subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True)
        assert sorted((tmp_path / "read.txt").read_text().splitlines()) == ["data.txt", "mod.py"]


def test_each_chapter_records_the_modules_a_static_walk_of_its_imports_finds():
    """The trace (report/trace.py) and modulefinder agree on the modules of src/ each chapter
    uses; report/ modules the trace sees beyond those are the runner's own."""
    runs = load_results()["runs"]
    for chapter in CHAPTERS:
        finder = ModuleFinder(path=[str(ROOT / "src"), str(ROOT)])
        finder.run_script(str(ROOT / "report" / f"{chapter}.py"))
        static = {
            Path(m.__file__).resolve().relative_to(ROOT).as_posix()
            for m in finder.modules.values()
            if m.__file__
        }
        traced = set(runs[chapter]["inputs"])
        assert static <= traced, chapter
        assert {p for p in traced if p.startswith("src/")} == {
            p for p in static if p.startswith("src/")
        }
