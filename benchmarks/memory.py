"""Peak memory of one MLP step: `python -m benchmarks.memory NAME DTYPE BATCH` prints two numbers.

The process's peak resident set (MB) over 5 steps, and the step's own working memory (MB):
the peak of what NumPy and Python allocated during the steps above what was live before them
(activations, gradients, temporaries), counted by tracemalloc, so how malloc keeps or returns
freed pages (backprop.allocator) does not enter it, as it does the resident set.
"""

from __future__ import annotations

import gc
import re
import sys
import tracemalloc
from pathlib import Path

from benchmarks.mlp import numpy_by_hand, ours, problem

# NB: Linux only: the numbers come from /proc/self/status.


def status_mb(field: str) -> float:
    """VmHWM (peak resident) or another /proc/self/status field, in MB."""
    found = re.search(rf"{field}:\s*(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024


def main() -> None:
    name, dtype, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    make = {"backprop": ours, "NumPy by hand": numpy_by_hand}[name]
    step, _ = make(*problem(dtype, batch))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(5):
        step()
    working = (tracemalloc.get_traced_memory()[1] - before) / 2**20
    tracemalloc.stop()
    print(f"{status_mb('VmHWM'):.1f} {working:.1f}")


if __name__ == "__main__":
    main()
