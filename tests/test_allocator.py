"""backprop.allocator: importing backprop keeps freed memory, so a training step stops faulting."""

from __future__ import annotations

import subprocess
import sys

from backprop import allocator

# A float64 MLP step (784-512-512-10, batch 256) run alone, after warm-up, in a process of its own:
# ≈ 3,500 minor page faults per step under glibc's adaptive thresholds, ≈ 1 with ours.
STEP_FAULTS = """
import resource, numpy as np
import backprop
from benchmarks.mlp import ours, problem
step, _ = ours(*problem(np.float64, 256))
for _ in range(5):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def test_a_training_step_reuses_its_memory():
    out = subprocess.run(
        [sys.executable, "-c", STEP_FAULTS], capture_output=True, text=True, check=True
    )
    assert float(out.stdout) < 50, f"{out.stdout.strip()} minor page faults per step"


def test_the_user_can_keep_mallocs_defaults(monkeypatch):
    monkeypatch.setenv(allocator.OPT_OUT, "system")
    assert allocator.keep_freed_memory() is False


def test_glibc_accepts_the_thresholds():
    assert allocator.keep_freed_memory() is True
