"""(d) One Adam / AdamW step on an MLP 784-512-512-10's parameters (669,706 float32 numbers).

Ours (backprop.optim) against torch.optim (default, foreach, fused) and a hand-written in-place
NumPy update, each with its defaults (Adam: no weight decay; AdamW: λ = 1e-2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from backprop.optim import Adam, AdamW
from benchmarks.timing import group, ratio_of, target, timings

SHAPES = [(784, 512), (512,), (512, 512), (512,), (512, 10), (10,)]
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
Step = Callable[[], None]


@dataclass
class Param:
    """A stand-in for backprop.Tensor: values and gradient."""

    data: np.ndarray
    grad: np.ndarray | None = None


def ours(cls: type[Adam], arrays: list[np.ndarray], grads: list[np.ndarray]) -> Step:
    """Our optimizer's step over parameters holding copies of `arrays`."""
    return cls([Param(a.copy(), g) for a, g in zip(arrays, grads)], lr=LR).step


def theirs(cls: type, arrays: list[np.ndarray], grads: list[np.ndarray], **kw: bool) -> Step:
    """torch.optim's step over tensors holding copies of `arrays`; `kw` picks foreach or fused."""
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(g)
    return cls(params, lr=LR, **kw).step


def numpy_in_place(arrays: list[np.ndarray], grads: list[np.ndarray], wd: float) -> Step:
    """Adam (wd = 0) or AdamW by hand: every ufunc writes into preallocated memory (out=)."""
    thetas = [a.copy() for a in arrays]
    ms, vs, scratch = ([np.zeros_like(a) for a in arrays] for _ in range(3))
    t = 0

    def step() -> None:
        nonlocal t
        t += 1
        step_size, bc2_sqrt = LR / (1 - BETA1**t), (1 - BETA2**t) ** 0.5
        for theta, g, m, v, s in zip(thetas, grads, ms, vs, scratch):
            if wd:
                theta *= 1 - LR * wd
            np.subtract(g, m, out=s)
            s *= 1 - BETA1
            m += s
            v *= BETA2
            np.multiply(g, g, out=s)
            s *= 1 - BETA2
            v += s
            np.sqrt(v, out=s)
            s /= bc2_sqrt
            s += EPS
            np.divide(m, s, out=s)
            s *= -step_size
            theta += s

    return step


def contenders(cls: type[Adam], torch_cls: type, wd: float) -> dict[str, Step]:
    """Every implementation of one optimizer, on the same float32 values and gradients."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    steps = {
        "backprop.optim": ours(cls, arrays, grads),
        "NumPy in place": numpy_in_place(arrays, grads, wd),
        "torch.optim": theirs(torch_cls, arrays, grads),
        "torch.optim foreach": theirs(torch_cls, arrays, grads, foreach=True),
    }
    try:
        steps["torch.optim fused"] = theirs(torch_cls, arrays, grads, fused=True)
    except (RuntimeError, ValueError):  # fused kernels are missing on some builds
        pass
    return steps


def run() -> dict:
    """Adam, then AdamW: ms per step of every contender."""
    groups = [
        group(
            name,
            timings(contenders(*spec), warmup=20, repeats=25, number=10),
            "NumPy in place",
            "ms per step",
        )
        for name, spec in [
            ("Adam", (Adam, torch.optim.Adam, 0.0)),
            ("AdamW", (AdamW, torch.optim.AdamW, 1e-2)),
        ]
    ]
    targets = [
        target(
            f"{g['title']} step: backprop.optim / NumPy in place",
            ratio_of(g, "backprop.optim"),
            1.1,
        )
        for g in groups
    ]
    n = sum(int(np.prod(s)) for s in SHAPES)
    return {
        "title": f"Adam and AdamW on {n:,} float32 parameters",
        "groups": groups,
        "skipped": {},
        "targets": targets,
    }
