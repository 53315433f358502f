"""(a) One SGD training step of an MLP 784-512-512-10 (ReLU, softmax cross-entropy).

Ours against a hand-written NumPy forward/backward (no autodiff: the practical limit for an
engine built on NumPy), PyTorch on CPU, HIPS autograd and jax.jit, all from the same weights, in
float32 and float64, batch 64 and 256; and the peak memory of our step against NumPy's.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise

import numpy as np

from backprop import Tensor, nn
from benchmarks.timing import group, peer, ratio_of, target, timings

SIZES, LR = (784, 512, 512, 10), 0.1
CONFIGS = [(np.float32, 64), (np.float32, 256), (np.float64, 64), (np.float64, 256)]
Make = Callable[[list, np.ndarray, np.ndarray], tuple[Callable, list]]


def problem(dtype, batch: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """He-initialised [W1, b1, W2, b2, W3, b3], a random batch x and its integer labels."""
    rng = np.random.default_rng(0)
    arrays = []
    for n_in, n_out in pairwise(SIZES):
        arrays += [rng.standard_normal((n_in, n_out)) * (2 / n_in) ** 0.5, np.zeros(n_out)]
    x = rng.standard_normal((batch, SIZES[0]))
    return [a.astype(dtype) for a in arrays], x.astype(dtype), rng.integers(0, SIZES[-1], batch)


def mlp(params: list, x):
    """Logits: (h @ W + b).relu() per hidden layer; for our Tensors and torch's alike."""
    h = x
    for i in range(0, len(params) - 2, 2):
        h = (h @ params[i] + params[i + 1]).relu()
    return h @ params[-2] + params[-1]


def ours(arrays: list, x: np.ndarray, labels: np.ndarray) -> tuple[Callable, list]:
    """Forward with Tensors, loss.backward(), then p.data -= lr * p.grad."""
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]

    def step() -> None:
        nn.cross_entropy(mlp(params, x), labels).backward()
        for p in params:
            p.data -= LR * p.grad
            p.grad = None

    return step, [p.data for p in params]


def numpy_by_hand(arrays: list, x: np.ndarray, labels: np.ndarray) -> tuple[Callable, list]:
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


def pytorch(arrays: list, x: np.ndarray, labels: np.ndarray) -> tuple[Callable, list]:
    """torch autograd, then an in-place SGD update under no_grad."""
    import torch
    import torch.nn.functional as F

    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    xt, lt = torch.from_numpy(x), torch.from_numpy(labels)

    def step() -> None:
        F.cross_entropy(mlp(params, xt), lt).backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None

    return step, [p.detach().numpy() for p in params]


def hips_autograd(arrays: list, x: np.ndarray, labels: np.ndarray) -> tuple[Callable, list]:
    """HIPS autograd's grad of the loss written with autograd.numpy, then the same update."""
    import autograd
    import autograd.numpy as anp

    params = [a.copy() for a in arrays]
    rows = np.arange(len(labels))

    def loss(ps: list):
        h = x
        for i in range(0, len(ps) - 2, 2):
            h = anp.maximum(h @ ps[i] + ps[i + 1], 0)
        z = h @ ps[-2] + ps[-1]
        z = z - anp.max(z, axis=1, keepdims=True)
        return -anp.mean((z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True)))[rows, labels])

    d_loss = autograd.grad(loss)

    def step() -> None:
        for p, g in zip(params, d_loss(params)):
            p -= LR * g

    return step, params


def jax_jit(arrays: list, x: np.ndarray, labels: np.ndarray) -> tuple[Callable, list]:
    """jax.value_and_grad of the loss and the update, compiled into one XLA program by jit."""
    import jax
    import jax.numpy as jnp

    def loss(ps, x, labels):
        h = x
        for i in range(0, len(ps) - 2, 2):
            h = jax.nn.relu(h @ ps[i] + ps[i + 1])
        log_p = jax.nn.log_softmax(h @ ps[-2] + ps[-1])
        return -jnp.mean(log_p[jnp.arange(len(labels)), labels])

    @jax.jit
    def update(ps, x, labels):
        grads = jax.grad(loss)(ps, x, labels)
        return [p - LR * g for p, g in zip(ps, grads)]

    params = [jnp.asarray(a) for a in arrays]
    xj, lj = jnp.asarray(x), jnp.asarray(labels)

    def step() -> None:
        params[:] = update(params, xj, lj)
        params[0].block_until_ready()

    return step, params


def contenders(skipped: dict[str, str]) -> dict[str, Make]:
    """Every implementation whose library is installed; NumPy-based ones first."""
    makers = {"backprop": ours, "NumPy by hand": numpy_by_hand, "PyTorch": pytorch}
    if peer("autograd", skipped, "HIPS autograd"):
        makers["HIPS autograd"] = hips_autograd
    if jax := peer("jax", skipped, "jax.jit"):
        jax.config.update("jax_enable_x64", True)  # float64 stays float64; float32 stays float32
        makers["jax.jit"] = jax_jit
    return makers


def agreement(made: dict) -> float:
    """Largest difference in W1 across implementations after one step from the same weights."""
    for step, _ in made.values():
        step()
    w1 = {name: np.asarray(params[0]) for name, (_, params) in made.items()}
    return max(float(np.abs(w - w1["NumPy by hand"]).max()) for w in w1.values())


# NumPy's OpenBLAS threads and torch's (and XLA's) slow each other down when interleaved, each
# pool spinning while the other works: so each library family is timed in its own session.
FAMILIES = [("backprop", "NumPy by hand", "HIPS autograd"), ("PyTorch",), ("jax.jit",)]


def time_config(dtype, batch: int, makers: dict[str, Make]) -> dict:
    """One table: ms per step for every contender at one dtype and batch size."""
    arrays, x, labels = problem(dtype, batch)
    made = {name: make(arrays, x, labels) for name, make in makers.items()}
    spread = agreement(made)
    seconds = {}
    for family in FAMILIES:
        steps = {name: made[name][0] for name in family if name in made}
        if steps:
            seconds |= timings(steps, warmup=3, repeats=15, number=3)
    title = f"{np.dtype(dtype).name}, batch {batch}"
    return group(title, seconds, "NumPy by hand", "ms per step", agreement=spread)


def peak_memory(name: str, dtype, batch: int) -> dict:
    """Peak resident memory of 5 steps, in a fresh process (benchmarks.memory)."""
    command = [sys.executable, "-m", "benchmarks.memory", name, np.dtype(dtype).name, str(batch)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return {"peak_mb": float(out[0]), "step_mb": float(out[1])}


def run() -> dict:
    """Time every configuration, measure memory, and check the issue's targets."""
    skipped: dict[str, str] = {}
    makers = contenders(skipped)
    groups = [time_config(dtype, batch, makers) for dtype, batch in CONFIGS]
    memory = {
        f"{np.dtype(dtype).name}, batch {batch}": {
            name: peak_memory(name, dtype, batch) for name in ("backprop", "NumPy by hand")
        }
        for dtype, batch in CONFIGS
    }
    targets = [
        target(f"MLP step, {g['title']}: backprop / NumPy by hand", ratio_of(g, "backprop"), 1.10)
        for g in groups
    ]
    targets += [
        target(
            f"MLP step, {config}: memory of the step, backprop / NumPy by hand",
            m["backprop"]["step_mb"] / m["NumPy by hand"]["step_mb"],
            1.5,
        )
        for config, m in memory.items()
    ]
    return {
        "title": "MLP 784-512-512-10 training step",
        "groups": groups,
        "memory": memory,
        "skipped": skipped,
        "targets": targets,
    }
