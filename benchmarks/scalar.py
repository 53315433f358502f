"""(b) The sheet's f(3, 5) forward + backward and (c) scalar graphs of 10³-10⁵ nodes.

Every node of a scalar graph is pure overhead: the arithmetic is one multiply, the rest is the
engine's bookkeeping. Ours against micrograd (Karpathy's scalar engine), PyTorch and jax.jit.
"""

from __future__ import annotations

import gc
import math
import sys

import numpy as np

from backprop import Tensor
from benchmarks.timing import group, median_of, peer, target, timings

SIZES = (1_000, 10_000, 100_000)
W = 0.9999  # the chain's factor: y ← y·w, 10⁵ times, stays far from under- and overflow


def sheet(x, c, log=lambda t: t.log()):
    """Exercise 1's f(x, c) = (x²/ln x + c)(x²/ln x − c), for any engine's scalars."""
    u = x**2 / log(x)
    return (u + c) * (u - c)


def micrograd_log(x):
    """ln x as a micrograd Value, in micrograd's own style: its package has no log."""
    from micrograd.engine import Value

    out = Value(math.log(x.data), (x,), "log")

    def _backward() -> None:
        x.grad += out.grad / x.data

    out._backward = _backward
    return out


def sheet_steps(skipped: dict[str, str]) -> dict:
    """f(3, 5) forward + backward for each engine, float64 where the engine has a choice."""
    import torch

    def ours() -> None:
        x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
        sheet(x, c).backward()

    def pytorch() -> None:
        x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        c = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
        sheet(x, c).backward()

    steps = {"backprop": ours, "PyTorch": pytorch}
    if micrograd := peer("micrograd.engine", skipped, "micrograd"):
        steps["micrograd"] = lambda: sheet(
            micrograd.Value(3.0), micrograd.Value(5.0), micrograd_log
        ).backward()
    if jax := peer("jax", skipped, "jax.jit"):
        jax.config.update("jax_enable_x64", True)
        f = jax.jit(jax.value_and_grad(lambda x, c: sheet(x, c, jax.numpy.log), argnums=(0, 1)))
        steps["jax.jit"] = lambda: jax.block_until_ready(f(3.0, 5.0))
    return steps


def chain(leaf, n: int):
    """y ← y·w, n times, from y = w: n multiplications, each using the same leaf w."""
    y = leaf
    for _ in range(n):
        y = y * leaf
    return y


def tree(leaves: list):
    """Pairwise sums of the leaves, level by level, down to one: len(leaves) − 1 additions."""
    while len(leaves) > 1:
        leaves = [a + b for a, b in zip(leaves[::2], leaves[1::2])] + leaves[len(leaves) & ~1 :]
    return leaves[0]


def paused(step):
    """`step` with Python's cyclic garbage collector paused: what the collector costs, measured."""

    def without_gc() -> None:
        gc.disable()
        try:
            step()
        finally:
            gc.enable()

    return without_gc


def graph_steps(shape: str, n: int, skipped: dict[str, str]) -> dict:
    """Build the graph from fresh leaves and backprop through it, for each engine."""
    import torch

    rng = np.random.default_rng(0)
    values = (rng.uniform(0.5, 1.5, n + 1) if shape == "tree" else np.array([W])).tolist()

    def leaves(make) -> list:
        return [make(v) for v in values]

    def run(make) -> None:
        xs = leaves(make)
        (chain(xs[0], n) if shape == "chain" else tree(xs)).backward()

    def ours() -> None:
        run(lambda v: Tensor(v, requires_grad=True))

    steps = {
        "backprop": ours,
        "backprop, gc paused": paused(ours),
        "PyTorch": lambda: run(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)),
    }
    if micrograd := peer("micrograd.engine", skipped, "micrograd"):
        steps["micrograd"] = lambda: run(micrograd.Value)
    return steps


def run() -> dict:
    """The sheet's function, then chains and trees of growing size, time per node."""
    skipped: dict[str, str] = {}
    sheet_group = group(
        "f(3, 5), forward + backward",
        timings(sheet_steps(skipped), warmup=200, repeats=25, number=200),
        "micrograd" if "micrograd" not in skipped else "PyTorch",
        "µs per call",
    )
    # micrograd sorts its graph with a recursive function: a chain of n nodes needs n frames.
    sys.setrecursionlimit(2 * max(SIZES) + 1_000)
    groups = [sheet_group]
    for shape in ("chain", "tree"):
        for n in SIZES:
            repeats = 3 if n == max(SIZES) else 5
            number = max(1, 10_000 // n)
            seconds = timings(
                graph_steps(shape, n, skipped), warmup=1, repeats=repeats, number=number
            )
            per_node = {name: t / n for name, t in seconds.items()}
            title = f"{shape} of {n:,} nodes"
            groups.append(group(title, per_node, "PyTorch", "µs per node", shape=shape, nodes=n))
    big_chain = next(g for g in groups if g.get("shape") == "chain" and g["nodes"] == max(SIZES))
    targets = [target("chain of 10⁵ nodes: backprop", median_of(big_chain, "backprop"), 5.0, "µs")]
    if "micrograd" not in skipped:
        targets.append(
            target(
                "f(3, 5): backprop / micrograd",
                median_of(sheet_group, "backprop") / median_of(sheet_group, "micrograd"),
                1.0,
            )
        )
    notes = [
        f"micrograd runs with sys.setrecursionlimit({sys.getrecursionlimit():,}): "
        + "its topological sort is recursive, one frame per node of a chain.",
        "micrograd has no log: f(x, c) adds one in micrograd's own style.",
    ]
    return {
        "title": "Scalar graphs",
        "groups": groups,
        "skipped": skipped,
        "notes": notes,
        "targets": targets,
    }
