"""The Performance page's tables and figures, generated from the committed benchmarks/results.json.

`make bench` measures and commits the numbers; this module only formats them, so every number
on the page comes from one run of the suite on one machine (named on the page).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from report.figures import ACCENT, ORANGE, line_chart, save
from report.results import ROOT

RESULTS = ROOT / "benchmarks" / "results.json"
CASES = (
    "mlp",
    "overhead",
    "scalar",
    "adam",
    "conv",
    "build",
    "hvp",
)  # as in benchmarks/__main__.py
COLOURS = (ACCENT, ORANGE, "#2e7d32", "grey", "#6a1b9a")


def number(value: float) -> str:
    """Three significant figures or so, without scientific notation."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def group_table(g: dict) -> str:
    """One benchmark table: median, interquartile range and ratio to the reference."""
    ratio = f"ratio to {g['reference']}" if g["reference"] else ""
    lines = [
        f"| {g['title']} | median ({g['unit']}) | IQR | {ratio} |",
        "|---|--:|--:|--:|",
    ]
    for row in g["rows"]:
        times = "" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        iqr = f"{number(row['q1'])} – {number(row['q3'])}"
        lines.append(f"| {row['name']} | {number(row['median'])} | {iqr} | {times} |")
    return "\n".join(lines) + "\n"


def scaling_table(groups: list[dict], shape: str) -> str:
    """Time per node of each engine (rows) against graph size (columns), with the ratio."""
    mine = sorted((g for g in groups if g.get("shape") == shape), key=lambda g: g["nodes"])
    header = " | ".join(f"{g['nodes']:,} nodes" for g in mine)
    lines = [
        f"| {shape}: {mine[0]['unit']} (ratio to {mine[0]['reference']}) | {header} |",
        "|---|" + "--:|" * len(mine),
    ]
    for name in [row["name"] for row in mine[0]["rows"]]:
        cells = [next(r for r in g["rows"] if r["name"] == name) for g in mine]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{number(r['median'])} ({r['ratio']:.2f}×)" for r in cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def case_tables(case: dict) -> str:
    """Every table of a case (graphs of growing size in one table per shape), then notes."""
    shapes = dict.fromkeys(g["shape"] for g in case["groups"] if "shape" in g)
    parts = [group_table(g) for g in case["groups"] if "shape" not in g]
    parts += [scaling_table(case["groups"], shape) for shape in shapes]
    parts += [f"- *Skipped:* {peer}: {why}\n" for peer, why in case.get("skipped", {}).items()]
    parts += [f"- {note}\n" for note in case.get("notes", [])]
    return "\n".join(parts)


def not_measured(case: str) -> str:
    """What the page shows for a case the results file does not hold (yet)."""
    return f"*Not in this results file: run `python -m benchmarks --only {case}`.*\n"


def environment_table(env: dict) -> str:
    """Where and with what the numbers were measured."""
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    rows = [
        ("Measured", env["date"]),
        ("Machine", env["machine"]),
        ("NumPy's BLAS", f"{env['numpy_blas']}, {env['numpy_blas_threads']} thread(s)"),
        ("PyTorch's BLAS", f"{env['torch_blas']}, {env['torch_threads']} thread(s)"),
        ("Versions", versions),
    ]
    return "| This run | Value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)


def targets_table(cases: dict) -> str:
    """Each target of the performance issue, its measured value and whether it is met."""
    lines = ["| Target | measured | limit | met |", "|---|--:|--:|---|"]
    for case in cases.values():
        for t in case["targets"]:
            mark = "met" if t["met"] else "**missed**"
            unit = "×" if t["unit"] == "x" else f" {t['unit']}"
            lines.append(f"| {t['what']} | {t['value']:.2f}{unit} | {t['limit']}{unit} | {mark} |")
    return "\n".join(lines) + "\n"


def memory_table(memory: dict) -> str:
    """Peak resident memory of the MLP step, whole process and the step's own share."""
    lines = [
        "| MLP step | implementation | peak RSS (MB) | the step's working memory (MB) |",
        "|---|---|--:|--:|",
    ]
    for config, by_name in memory.items():
        for name, m in by_name.items():
            lines.append(f"| {config} | {name} | {m['peak_mb']:.1f} | {m['step_mb']:.1f} |")
    return "\n".join(lines) + "\n"


def overhead_table(case: dict) -> str:
    """One row per setting: both steps' medians, their ratio and each one's page faults a step."""
    lines = [
        (
            "| MLP step, interleaved | backprop (ms) | NumPy by hand (ms) | ratio "
            "| page faults a step (backprop / by hand) |"
        ),
        "|---|--:|--:|--:|--:|",
    ]
    for g in case["groups"]:
        ours, hand = (
            next(r for r in g["rows"] if r["name"] == n) for n in ("backprop", "NumPy by hand")
        )
        faults = " / ".join(f"{g['faults'][n]:,.0f}" for n in ("backprop", "NumPy by hand"))
        lines.append(
            f"| {g['title']} | {number(ours['median'])} | {number(hand['median'])} "
            f"| {ours['ratio']:.2f}× | {faults} |"
        )
    return "\n".join(lines) + "\n"


def step_chart(groups: list[dict], path: Path) -> Path:
    """Grouped bars: time per MLP step of each implementation, one group per dtype and batch."""
    names = list(dict.fromkeys(row["name"] for g in groups for row in g["rows"]))
    fig, ax = plt.subplots(figsize=(7, 3.4))
    width = 0.8 / len(names)
    for k, (name, colour) in enumerate(zip(names, COLOURS)):
        medians = [
            next((r["median"] for r in g["rows"] if r["name"] == name), np.nan) for g in groups
        ]
        ax.bar(np.arange(len(groups)) + k * width, medians, width, label=name, color=colour)
    ax.set_xticks(np.arange(len(groups)) + 0.4 - width / 2, [g["title"] for g in groups])
    ax.set_yscale("log")
    ax.set_ylabel(groups[0]["unit"])
    ax.legend(
        frameon=False, fontsize=8, ncols=len(names), loc="lower center", bbox_to_anchor=(0.5, 1)
    )
    return save(fig, path)


def scaling_chart(groups: list[dict], shape: str, path: Path) -> Path:
    """Time per node against graph size, log-log, one line per engine."""
    mine = sorted((g for g in groups if g.get("shape") == shape), key=lambda g: g["nodes"])
    names = [row["name"] for row in mine[0]["rows"]]
    series = {
        name: [next(r["median"] for r in g["rows"] if r["name"] == name) for g in mine]
        for name in names
    }
    sizes = [g["nodes"] for g in mine]
    return line_chart(sizes, series, path, f"nodes in the {shape}", mine[0]["unit"])


def write_performance_pages(generated_dir: Path, results: Path = RESULTS) -> list[Path]:
    """docs/generated/performance/*.md and *.svg from the benchmark results file."""
    data = json.loads(results.read_text())
    out = generated_dir / "performance"
    out.mkdir(parents=True, exist_ok=True)
    cases = data["cases"]
    pages = {
        "environment.md": environment_table(data["environment"]),
        "targets.md": targets_table(cases),
    }
    pages |= {
        f"{name}.md": case_tables(cases[name]) if name in cases else not_measured(name)
        for name in CASES
    }
    if "overhead" in cases:
        pages["overhead.md"] = overhead_table(cases["overhead"])
    if "mlp" in cases:
        pages["memory.md"] = memory_table(cases["mlp"]["memory"])
    written = []
    for name, text in pages.items():
        (out / name).write_text(text)
        written.append(out / name)
    if "mlp" in cases:
        written.append(step_chart(cases["mlp"]["groups"], out / "mlp.svg"))
    if "scalar" in cases:
        written += [
            scaling_chart(cases["scalar"]["groups"], s, out / f"{s}.svg") for s in ("chain", "tree")
        ]
    return written
