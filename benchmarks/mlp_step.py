"""Time one SGD training step of an MLP 784-512-512-10 (ReLU, softmax cross-entropy, batch 256).

Our engine against a hand-written NumPy forward/backward (no autodiff: the practical limit for an
engine built on NumPy) and PyTorch on CPU, all float32 from the same initial weights; then the
sheet's f(x, c) forward + backward, ours against PyTorch (float64 scalars: pure overhead).
Not a test: run `python benchmarks/mlp_step.py`.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from itertools import pairwise

import numpy as np
import torch
import torch.nn.functional as F

from backprop import Tensor, nn

SIZES, BATCH, LR = (784, 512, 512, 10), 256, 0.1
Step = Callable[[], None]


def timings(
    steps: dict[str, Step], warmup: int, repeats: int, number: int
) -> dict[str, np.ndarray]:
    """Milliseconds per step, one value per block of `number` steps per contender.

    Contenders take turns block by block, in an order rotated every round, so neither a slow
    spell of a shared machine nor the thread pool another library leaves spinning favours anyone.
    """
    for step in steps.values():
        for _ in range(warmup):
            step()
    names = list(steps)
    ms = {name: np.empty(repeats) for name in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            for _ in range(number):
                steps[name]()
            ms[name][r] = (time.perf_counter() - start) * 1e3 / number
    return ms


def initial_weights(rng: np.random.Generator) -> list[np.ndarray]:
    """[W1, b1, W2, b2, W3, b3], He-initialised, float32."""
    arrays = []
    for n_in, n_out in pairwise(SIZES):
        arrays.append(rng.standard_normal((n_in, n_out), dtype=np.float32) * (2 / n_in) ** 0.5)
        arrays.append(np.zeros(n_out, np.float32))
    return arrays


def mlp(params: list, x):
    """Logits of the MLP: (h @ W + b).relu() per hidden layer; for our Tensors and torch's alike."""
    h = x
    for i in range(0, len(params) - 2, 2):
        h = (h @ params[i] + params[i + 1]).relu()
    return h @ params[-2] + params[-1]


def ours(arrays: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> tuple[Step, list]:
    """Forward with Tensors, loss.backward(), then p.data -= lr * p.grad."""
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]

    def step() -> None:
        nn.cross_entropy(mlp(params, x), labels).backward()
        for p in params:
            p.data -= LR * p.grad
            p.grad = None

    return step, [p.data for p in params]


def numpy_by_hand(arrays: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> tuple[Step, list]:
    """The same step with the backward pass written out: dz = (softmax - onehot) / n, and so on."""
    params = [a.copy() for a in arrays]
    rows = np.arange(len(labels))

    def step() -> None:
        hs = [x]
        for i in range(0, len(params), 2):
            z = hs[-1] @ params[i] + params[i + 1]
            hs.append(np.maximum(z, 0) if i < len(params) - 2 else z)
        z = hs.pop()
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        _loss = -np.log(p[rows, labels]).mean()
        dz = p
        dz[rows, labels] -= 1
        dz /= len(labels)
        for i in range(len(params) - 2, -1, -2):
            h = hs.pop()
            dW, db = h.T @ dz, dz.sum(axis=0)
            if i:
                dz = dz @ params[i].T
                dz *= h > 0
            params[i] -= LR * dW
            params[i + 1] -= LR * db

    return step, params


def pytorch(arrays: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> tuple[Step, list]:
    """torch autograd, then an in-place SGD update under no_grad."""
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    xt, lt = torch.from_numpy(x), torch.from_numpy(labels)

    def step() -> None:
        F.cross_entropy(mlp(params, xt), lt).backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None

    return step, [p.detach().numpy() for p in params]


def sheet(x, c):
    """Exercise 1's f(x, c) = (x²/ln x + c)(x²/ln x − c), for Tensor and torch.Tensor alike."""
    u = x**2 / x.log()
    return (u + c) * (u - c)


def sheet_steps() -> dict[str, Step]:
    """f(3, 5) forward + backward, ours and torch's (float64 scalars)."""

    def ours_sheet() -> None:
        x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
        sheet(x, c).backward()

    def torch_sheet() -> None:
        x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        c = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
        sheet(x, c).backward()

    return {"backprop": ours_sheet, "PyTorch": torch_sheet}


def blas() -> str:
    """The BLAS behind NumPy and behind torch."""
    numpy_blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    torch_blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return (
        f"NumPy {np.__version__}: {numpy_blas['name']} {numpy_blas['version']}; "
        f"torch {torch.__version__}: {torch_blas.group(1) if torch_blas else '?'}, "
        f"{torch.get_num_threads()} thread(s)"
    )


def report(title: str, ms: dict[str, np.ndarray], base: str, unit: str, scale: float) -> None:
    """Median [IQR] per contender and the ratio of each to `base`."""
    print(f"\n{title}")
    reference = np.median(ms[base])
    for name, t in ms.items():
        q1, med, q3 = np.percentile(t * scale, [25, 50, 75])
        ratio = np.median(t) / reference
        print(f"  {name:16s} {med:8.3f} [{q1:7.3f}, {q3:7.3f}] {unit}   {ratio:5.2f}x {base}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--number", type=int, default=5, help="steps per timed block")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    arrays = initial_weights(rng)
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    labels = rng.integers(0, SIZES[-1], BATCH)
    print(blas())

    contenders = {"backprop": ours, "NumPy by hand": numpy_by_hand, "PyTorch": pytorch}
    made = {name: make(arrays, x, labels) for name, make in contenders.items()}
    for step, _ in made.values():
        step()
    w1 = {name: params[0] for name, (_, params) in made.items()}
    spread = max(np.abs(w - w1["NumPy by hand"]).max() for w in w1.values())
    print(f"after one step, W1 agrees across the three to {spread:.1e} (float32)")

    # NumPy (OpenBLAS threads) and torch (OpenMP threads) slow each other down when interleaved,
    # each pool spinning while the other works: so the NumPy contenders share one session, torch
    # has its own.
    numpy_steps = {name: made[name][0] for name in ("backprop", "NumPy by hand")}
    ms = timings(numpy_steps, warmup=5, repeats=args.repeats, number=args.number)
    ms |= timings({"PyTorch": made["PyTorch"][0]}, 5, args.repeats, args.number)
    title = f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float32: median [IQR] per step"
    report(title, ms, "NumPy by hand", "ms", 1.0)

    ms = timings(sheet_steps(), warmup=100, repeats=args.repeats, number=200)
    report("Exercise 1 f(3, 5), forward + backward: median [IQR]", ms, "PyTorch", "µs", 1e3)


if __name__ == "__main__":
    main()
