"""(g) The engine's overhead as a user meets it: our MLP step and the hand-written NumPy step
interleaved in one process, batch 256, at NumPy's default BLAS threads and at one thread, each
with the engine's malloc thresholds (backprop.allocator) and with glibc's defaults, and the
minor page faults of a step: what the interleaved gap was made of.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import numpy as np

from benchmarks.mlp import numpy_by_hand, ours, problem
from benchmarks.timing import group, ratio_of, target, timings

DTYPES, BATCH = (np.float32, np.float64), 256
SETTINGS = {  # title: (BLAS threads, malloc)
    "default threads": (str(os.cpu_count()), "backprop"),
    "default threads, glibc's malloc defaults": (str(os.cpu_count()), "system"),
    "one thread": ("1", "backprop"),
    "one thread, glibc's malloc defaults": ("1", "system"),
}
LIMITS = {"default threads": 1.15, "one thread": 1.10}  # the targets


def faults_per_step(step, steps: int = 20) -> float:
    """Minor page faults (a fresh page handed over by the kernel) per call of step."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / steps


def measure() -> list[dict]:
    """This process's setting: one interleaved table per dtype, with faults per step."""
    groups = []
    for dtype in DTYPES:
        arrays, x, labels = problem(dtype, BATCH)
        steps = {"backprop": ours(arrays, x, labels)[0]}
        steps["NumPy by hand"] = numpy_by_hand(arrays, x, labels)[0]
        seconds = timings(steps, warmup=3, repeats=21, number=3)
        faults = {name: faults_per_step(step) for name, step in steps.items()}
        title = f"{np.dtype(dtype).name}, batch {BATCH}"
        groups.append(group(title, seconds, "NumPy by hand", "ms per step", faults=faults))
    return groups


def in_process(threads: str, malloc: str) -> list[dict]:
    """measure() in a fresh process with that many BLAS threads and that malloc setting."""
    env = os.environ | {"BENCH_THREADS": threads, "BACKPROP_MALLOC": malloc}
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(variable, None)  # benchmarks/__init__.py sets them from BENCH_THREADS
    command = [
        sys.executable,
        "-c",
        "import json, benchmarks.overhead as o; print(json.dumps(o.measure()))",
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def run() -> dict:
    """Every setting, then the targets on the engine as shipped (its malloc thresholds)."""
    groups = []
    for setting, (threads, malloc) in SETTINGS.items():
        for g in in_process(threads, malloc):
            g["title"] = f"{g['title']}, {setting}"
            groups.append(g)
    targets = [
        target(
            f"MLP step interleaved, {g['title']}: backprop / NumPy by hand",
            ratio_of(g, "backprop"),
            limit,
        )
        for setting, limit in LIMITS.items()
        for g in groups
        if g["title"].endswith(f", {setting}")
    ]
    return {
        "title": "The engine's overhead, interleaved",
        "groups": groups,
        "skipped": {},
        "targets": targets,
    }
