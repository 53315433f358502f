"""What every case shares: interleaved timing, median and IQR, optional peers, the machine."""

from __future__ import annotations

import ctypes
import datetime
import gc
import importlib
import os
import platform
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

Step = Callable[[], object]


def timings(steps: dict[str, Step], *, warmup: int, repeats: int, number: int) -> dict:
    """Seconds per call, one value per block of `number` calls, for each contender.

    Contenders take turns block by block, in an order rotated every round, so neither a slow
    spell of a shared machine nor a thread pool another library leaves spinning favours anyone.
    What exists before timing starts (the libraries of every contender) is frozen out of the
    garbage collector, whose full passes would otherwise walk torch's and jax's heaps as well,
    and each block starts collected, so no one pays for the cycles another contender left.
    """
    for step in steps.values():
        for _ in range(warmup):
            step()
    gc.collect()
    gc.freeze()
    names = list(steps)
    seconds = {name: np.empty(repeats) for name in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                steps[name]()
            seconds[name][r] = (time.perf_counter() - start) / number
    return seconds


def group(title: str, seconds: dict, reference: str | None, unit: str, **extra) -> dict:
    """One table: median [q1, q3] of each contender in `unit`, and its ratio to `reference`."""
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6}[unit.split()[0]]
    base = np.median(seconds[reference]) if reference else None
    rows = []
    for name, t in seconds.items():
        q1, median, q3 = np.percentile(np.asarray(t) * scale, [25, 50, 75])
        ratio = None if base is None else float(np.median(t) / base)
        rows.append({"name": name, "median": median, "q1": q1, "q3": q3, "ratio": ratio})
    return {"title": title, "unit": unit, "reference": reference, "rows": rows, **extra}


def target(what: str, value: float, limit: float, unit: str = "x") -> dict:
    """A goal from the issue: `value` must be at most `limit`."""
    return {
        "what": what,
        "value": float(value),
        "limit": limit,
        "unit": unit,
        "met": value <= limit,
    }


def peer(module: str, skipped: dict[str, str], label: str) -> ModuleType | None:
    """An optional peer (pip install .[bench]); a missing one is recorded as skipped, not faked."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        skipped[label] = f"not installed ({error}); pip install .[bench]"
        return None


def median_of(g: dict, name: str) -> float:
    """The median of contender `name` in group g."""
    return next(row["median"] for row in g["rows"] if row["name"] == name)


def ratio_of(g: dict, name: str) -> float:
    """The ratio to the reference of contender `name` in group g."""
    return next(row["ratio"] for row in g["rows"] if row["name"] == name)


def _openblas_threads() -> int | None:
    """Threads NumPy's OpenBLAS will use, asked of the loaded library itself."""
    maps = Path("/proc/self/maps")
    libs = set(re.findall(r"\S*openblas\S*\.so\S*", maps.read_text())) if maps.exists() else set()
    for lib in libs:
        for symbol in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads"):
            function = getattr(ctypes.CDLL(lib), symbol, None)
            if function is not None:
                return int(function())
    return None


def _cpu() -> str:
    """The processor's model name."""
    info = Path("/proc/cpuinfo")
    found = re.search(r"model name\s*:\s*(.+)", info.read_text()) if info.exists() else None
    return found.group(1) if found else platform.processor()


def environment() -> dict:
    """The machine, the libraries and their BLAS and thread counts: what a number depends on."""
    import torch  # a project dependency ([dev]); imported here so the peers' cases stay light

    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    torch_blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    versions["torch"] = torch.__version__
    for name in ("micrograd", "autograd", "jax"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu()}, {os.cpu_count()} logical cores, {platform.system()}",
        "versions": versions,
        "numpy_blas": f"{blas['name']} {blas['version']}",
        "numpy_blas_threads": _openblas_threads(),
        "torch_blas": torch_blas.group(1) if torch_blas else None,
        "torch_threads": torch.get_num_threads(),
    }
