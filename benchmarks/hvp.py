"""(f) A Hessian-vector product of the MLP 784-512-512-10's loss, against one gradient of it.

Ours (backprop.hvp: reverse over reverse, the recorded backward pass differentiated once more)
against PyTorch doing the same (torch.autograd.grad with create_graph, then the gradient of
⟨∇L, v⟩) and torch.autograd.functional.hvp, each as a multiple of its own library's gradient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop import grad, hvp, nn
from benchmarks.mlp import mlp, problem
from benchmarks.timing import group, ratio_of, target, timings

CONFIGS = [(np.float64, 64), (np.float32, 256)]
LIMIT = 4.0  # the FLOPs of an hvp are about 2.5 gradients' (see hvp_flops); the rest is overhead


def loss(*params_x_labels):
    """The MLP's softmax cross-entropy, as a function of its six parameters (then x, labels)."""
    *params, x, labels = params_x_labels
    return nn.cross_entropy(mlp(params, x), labels)


def ours(arrays: list, x: np.ndarray, labels: np.ndarray, v: list) -> dict[str, Callable]:
    """One gradient and one hvp by all six parameters, through the functional API."""
    nums = tuple(range(len(arrays)))
    gradient, product = grad(loss, nums), hvp(loss, nums)
    return {
        "gradient": lambda: gradient(*arrays, x, labels),
        "hvp": lambda: product(*arrays, x, labels, v),
    }


def pytorch(arrays: list, x: np.ndarray, labels: np.ndarray, v: list) -> dict[str, Callable]:
    """torch.autograd.grad, double backward (our algorithm) and torch.autograd.functional.hvp."""
    import torch
    import torch.nn.functional as F

    params = tuple(torch.tensor(a, requires_grad=True) for a in arrays)
    xt, lt, vt = torch.from_numpy(x), torch.from_numpy(labels), tuple(map(torch.from_numpy, v))

    def loss_t(*ps):
        return F.cross_entropy(mlp(ps, xt), lt)

    def double_backward():
        grads = torch.autograd.grad(loss_t(*params), params, create_graph=True)
        return torch.autograd.grad(sum((g * w).sum() for g, w in zip(grads, vt)), params)

    return {
        "gradient": lambda: torch.autograd.grad(loss_t(*params), params),
        "hvp, double backward": double_backward,
        "torch.autograd.functional.hvp": lambda: torch.autograd.functional.hvp(loss_t, params, vt)[
            1
        ],
    }


def agreement(mine: dict, theirs: dict) -> float:
    """Largest difference between our Hv and PyTorch's (double backward), relative to |Hv|."""
    a, b = mine["hvp"](), [t.numpy() for t in theirs["hvp, double backward"]()]
    scale = max(float(np.abs(t).max()) for t in b)
    return max(float(np.abs(p - q).max()) for p, q in zip(a, b)) / scale


def hvp_flops(batch: int) -> float:
    """Multiply-adds of the hvp's matrix products over the gradient's, from the graph's structure:
    a gradient is the forward's 3 products and 5 in backward (none for the data batch); the
    hvp differentiates those 8 recorded products again, 14 more (again none by the batch)."""
    n = (batch * 784 * 512, batch * 512 * 512, batch * 512 * 10)  # one product of each layer
    gradient = (n[0] + n[1] + n[2]) + (n[0] + 2 * n[1] + 2 * n[2])
    second = (n[0] + 2 * n[1] + 2 * n[2]) + (n[0] + 4 * n[1] + 4 * n[2])
    return (gradient + second) / gradient


def time_config(dtype, batch: int) -> list[dict]:
    """Two tables for one dtype and batch: ours and PyTorch's, each against its own gradient."""
    arrays, x, labels = problem(dtype, batch)
    v = [np.random.default_rng(1).standard_normal(a.shape).astype(dtype) for a in arrays]
    mine, theirs = ours(arrays, x, labels, v), pytorch(arrays, x, labels, v)
    spread = agreement(mine, theirs)
    title = f"{np.dtype(dtype).name}, batch {batch}"
    # each library in a session of its own (thread pools: see mlp.py)
    return [
        group(
            f"{title}: {name}",
            timings(steps, warmup=2, repeats=15, number=2),
            "gradient",
            "ms per call",
            agreement=spread,
        )
        for name, steps in (("backprop", mine), ("PyTorch", theirs))
    ]


def run() -> dict:
    """Time both configurations and check the issue's target: hvp a small multiple of a gradient."""
    groups = [g for dtype, batch in CONFIGS for g in time_config(dtype, batch)]
    targets = [
        target(f"hvp of the MLP loss, {g['title']}: hvp / gradient", ratio_of(g, "hvp"), LIMIT)
        for g in groups
        if g["title"].endswith("backprop")
    ]
    notes = [
        (
            "Matrix-product multiply-adds of an hvp over a gradient's, from the graph's structure "
            f"(3 + 5 products for a gradient, 14 more for the hvp): {hvp_flops(64):.2f}."
        ),
        "Agreement (the groups' `agreement`): largest |Hv ours − Hv PyTorch| relative to |Hv|.",
    ]
    return {
        "title": "Hessian-vector product of the MLP loss",
        "groups": groups,
        "skipped": {},
        "notes": notes,
        "targets": targets,
    }
