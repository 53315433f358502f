"""Peak memory of one MLP step: `python -m benchmarks.memory NAME DTYPE BATCH` prints two numbers.

The process's peak resident set (MB) over 5 steps, and that peak minus the resident set just
before the first step (the step's own working memory: activations, gradients, temporaries).
"""

from __future__ import annotations

import gc
import re
import sys
from pathlib import Path

from benchmarks.mlp import numpy_by_hand, ours, problem

# NB: Linux only: the numbers come from /proc/self/status.


def status_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (peak resident) in MB."""
    found = re.search(rf"{field}:\s*(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024


def main() -> None:
    name, dtype, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    make = {"backprop": ours, "NumPy by hand": numpy_by_hand}[name]
    step, _ = make(*problem(dtype, batch))
    gc.collect()
    before = status_mb("VmRSS")
    for _ in range(5):
        step()
    peak = status_mb("VmHWM")
    print(f"{peak:.1f} {peak - before:.1f}")


if __name__ == "__main__":
    main()
