"""The Performance page generator, on a tiny made-up results file (no benchmark is run)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from report.benchmark_pages import write_performance_pages


def row(name: str, median: float, ratio: float | None) -> dict:
    return {"name": name, "median": median, "q1": 0.9 * median, "q3": 1.1 * median, "ratio": ratio}


def scaling(shape: str, n: int) -> dict:
    rows = [row("backprop", 3.0 + n / 1e5, 0.5), row("PyTorch", 12.0, 1.0)]
    return {
        "title": f"{shape} of {n}",
        "unit": "µs per node",
        "reference": "PyTorch",
        "rows": rows,
        "shape": shape,
        "nodes": n,
    }


FAKE = {
    "environment": {
        "date": "2000-01-01 00:00 UTC",
        "machine": "a test machine",
        "versions": {"numpy": "9.9", "jax": None},
        "numpy_blas": "someblas 1",
        "numpy_blas_threads": 2,
        "torch_blas": "mkl",
        "torch_threads": 2,
    },
    "cases": {
        "mlp": {
            "title": "MLP",
            "skipped": {"jax.jit": "not installed"},
            "groups": [
                {
                    "title": "float32, batch 64",
                    "unit": "ms per step",
                    "reference": "NumPy by hand",
                    "rows": [row("backprop", 6.25, 1.04), row("NumPy by hand", 6.0, 1.0)],
                }
            ],
            "memory": {"float32, batch 64": {"backprop": {"peak_mb": 43.5, "step_mb": 6.7}}},
            "targets": [
                {"what": "MLP ratio", "value": 1.04, "limit": 1.1, "unit": "x", "met": True},
                {"what": "chain", "value": 7.5, "limit": 5.0, "unit": "µs", "met": False},
            ],
        },
        "overhead": {
            "title": "Interleaved",
            "skipped": {},
            "targets": [],
            "groups": [
                {
                    "title": "float32, batch 256, one thread",
                    "unit": "ms per step",
                    "reference": "NumPy by hand",
                    "rows": [row("backprop", 12.5, 1.25), row("NumPy by hand", 10.0, 1.0)],
                    "faults": {"backprop": 1933.2, "NumPy by hand": 0.05},
                }
            ],
        },
        "scalar": {
            "title": "Scalar graphs",
            "skipped": {},
            "notes": ["a note"],
            "targets": [],
            "groups": [scaling(s, n) for s in ("chain", "tree") for n in (1000, 10000, 100000)],
        },
    },
}


def test_pages_show_the_results_files_numbers(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(FAKE))
    written = write_performance_pages(tmp_path / "generated", results)
    out = tmp_path / "generated" / "performance"
    assert {p.name for p in written} == {
        "environment.md",
        "targets.md",
        "mlp.md",
        "overhead.md",
        "scalar.md",
        "adam.md",
        "conv.md",
        "build.md",
        "hvp.md",
        "memory.md",
        "mlp.svg",
        "chain.svg",
        "tree.svg",
    }
    assert "| backprop | 6.25 | 5.62 – 6.88 | 1.04× |" in (out / "mlp.md").read_text()
    assert (
        "| float32, batch 256, one thread | 12.5 | 10.0 | 1.25× | 1,933 / 0 |"
        in (out / "overhead.md").read_text()
    )
    assert "jax.jit: not installed" in (out / "mlp.md").read_text()
    assert "--only conv" in (out / "conv.md").read_text()  # a case not measured says so
    assert "| chain | 7.50 µs | 5.0 µs | **missed** |" in (out / "targets.md").read_text()
    assert (
        "| backprop | 3.01 (0.50×) | 3.10 (0.50×) | 4.00 (0.50×) |"
        in (out / "scalar.md").read_text()
    )
    assert "someblas 1, 2 thread(s)" in (out / "environment.md").read_text()
    assert "jax" not in (out / "environment.md").read_text()  # a missing peer has no version
    for svg in out.glob("*.svg"):
        assert ET.parse(svg).getroot().tag.endswith("svg")


def test_pages_are_the_same_bytes_every_time(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(FAKE))
    first = {p.name: p.read_bytes() for p in write_performance_pages(tmp_path / "a", results)}
    second = {p.name: p.read_bytes() for p in write_performance_pages(tmp_path / "b", results)}
    assert first == second
