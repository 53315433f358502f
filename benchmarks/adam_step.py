"""Time one Adam / AdamW step on an MLP 784-512-512-10's parameters (669,706 float32 numbers).

Ours (backprop.optim) against torch.optim (default, foreach, fused) and a hand-written in-place
NumPy update, each with its defaults (Adam: no weight decay; AdamW: λ = 1e-2).
Not a test: run `python benchmarks/adam_step.py [--torch-threads N]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from backprop.optim import Adam, AdamW

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


def numpy_by_hand(arrays: list[np.ndarray], grads: list[np.ndarray], wd: float) -> Step:
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


def timings(
    steps: dict[str, Step], warmup: int, repeats: int, number: int
) -> dict[str, np.ndarray]:
    """Milliseconds per step, one value per block of `number` steps per contender.

    Contenders take turns block by block, so a slow spell of a shared machine hits all alike.
    """
    for step in steps.values():
        for _ in range(warmup):
            step()
    ms = {name: np.empty(repeats) for name in steps}
    for r in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(number):
                step()
            ms[name][r] = (time.perf_counter() - start) * 1e3 / number
    return ms


def contenders(cls: type[Adam], torch_cls: type, wd: float) -> dict[str, Step]:
    """Every implementation of one optimizer, on the same float32 values and gradients."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]
    steps = {
        "backprop.optim": ours(cls, arrays, grads),
        "NumPy by hand (out=)": numpy_by_hand(arrays, grads, wd),
        "torch default": theirs(torch_cls, arrays, grads),
        "torch foreach": theirs(torch_cls, arrays, grads, foreach=True),
    }
    try:
        steps["torch fused"] = theirs(torch_cls, arrays, grads, fused=True)
    except (RuntimeError, ValueError) as error:  # fused kernels are missing on some builds
        print(f"torch fused unavailable: {error}")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--number", type=int, default=10, help="steps per timed block")
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    n = sum(int(np.prod(s)) for s in SHAPES)
    print(
        f"{n:,} float32 parameters; torch {torch.__version__} on {args.torch_threads} "
        f"thread(s), NumPy {np.__version__} (single-threaded ufuncs)"
    )
    for name, cls, torch_cls, wd in [
        ("Adam", Adam, torch.optim.Adam, 0.0),
        ("AdamW", AdamW, torch.optim.AdamW, 1e-2),
    ]:
        print(f"\n{name}: ms per step, median [IQR] of {args.repeats} blocks of {args.number}")
        ms = timings(contenders(cls, torch_cls, wd), 20, args.repeats, args.number)
        base = np.median(ms["backprop.optim"])
        for label, t in ms.items():
            q1, med, q3 = np.percentile(t, [25, 50, 75])
            print(
                f"  {label:22s} {med:7.3f} [{q1:6.3f}, {q3:6.3f}]   ours / this = {base / med:5.2f}"
            )


if __name__ == "__main__":
    main()
