"""glibc's malloc told to keep freed memory for reuse: without it, a training step's fresh
buffers come back from the kernel as new, zero-filled pages, thousands of page faults a step.

glibc returns the top of its heap to the kernel once more than a "trim threshold" is free there,
and its thresholds adapt to the largest buffer freed so far. An engine that keeps a step's
activations until the loss goes, then frees them together, crosses that threshold every step;
the next step faults every page back in (measured: ≈ 2,000 minor faults and 1.3–1.5× the time of
the hand-written NumPy step, interleaved, MLP batch 256). Fixed thresholds end it. PyTorch's
CPU tuning guides reach the same end by preloading jemalloc or tcmalloc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters, from glibc's <malloc.h>
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest allowed: bigger buffers still get their own mmap
TRIM_THRESHOLD = 128 * 2**20  # free memory kept at the heap's top before any is given back
OPT_OUT = "BACKPROP_MALLOC"  # set to "system" to leave malloc's defaults alone


def keep_freed_memory() -> bool:
    """Fix glibc's trim and mmap thresholds for this process; False where there is no glibc
    mallopt (macOS, musl) or the user opted out with BACKPROP_MALLOC=system."""
    if os.environ.get(OPT_OUT) == "system":
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
