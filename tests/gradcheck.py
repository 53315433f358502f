"""Gradient checks: ⟨u, J v⟩ by central differences vs ⟨Jᵀu, v⟩ by backward; and PyTorch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop.engine import Tensor


def gradcheck(
    f: Callable[..., Tensor], *inputs: np.ndarray, eps: float = 1e-6, seed: int = 0
) -> tuple[float, float]:
    """(⟨u, J v⟩, ⟨Jᵀu, v⟩) for random u, v in float64: the same number if our VJPs are right.

    One backward pass with a random cotangent u (not all-ones, which hides transposition bugs)
    against two evaluations of f at x ± eps·v. Keep inputs farther than eps from kinks and poles.
    """
    rng = np.random.default_rng(seed)
    xs = [Tensor(np.array(x, np.float64), requires_grad=True) for x in inputs]
    vs = [rng.standard_normal(x.shape) for x in xs]
    out = f(*xs)
    u = rng.standard_normal(out.shape)
    out.backward(u)
    reverse = sum(np.vdot(x.grad, v) for x, v in zip(xs, vs) if x.grad is not None)

    def f_along_v(t: float) -> np.ndarray:
        return f(*(Tensor(x.data + t * v) for x, v in zip(xs, vs))).data

    forward = np.vdot(u, (f_along_v(eps) - f_along_v(-eps)) / (2 * eps))
    return float(forward), float(reverse)


def assert_gradcheck(f: Callable[..., Tensor], *inputs: np.ndarray, rtol: float = 1e-6) -> None:
    """gradcheck's two numbers agree to rtol (relative to their size, or absolutely near 0)."""
    forward, reverse = gradcheck(f, *inputs)
    assert abs(forward - reverse) <= rtol * max(1.0, abs(forward)), (forward, reverse)


def assert_close(actual, expected, rtol: float) -> None:
    """Equal to rtol, relative to the largest expected entry (so cancellations near 0 pass)."""
    expected = np.asarray(expected)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


def assert_matches_torch(
    ours: Callable, theirs: Callable, *inputs: np.ndarray, rtol: float = 1e-10, seed: int = 0
) -> None:
    """Our value and our VJP of a random cotangent equal PyTorch's (float64, same inputs)."""
    import torch  # the oracle; imported here so the finite-difference check needs no torch

    xs = [Tensor(np.array(x, np.float64), requires_grad=True) for x in inputs]
    ts = [torch.tensor(np.array(x, np.float64), requires_grad=True) for x in inputs]
    out, expected = ours(*xs), theirs(*ts)
    assert out.shape == tuple(expected.shape)
    assert_close(out.data, expected.detach().numpy(), rtol)
    u = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(u)
    grads = torch.autograd.grad(expected, ts, torch.from_numpy(u), allow_unused=True)
    for x, g in zip(xs, grads):
        assert_close(_or_zeros(x.grad, x), _or_zeros(g, x), rtol)


def _or_zeros(g, x: Tensor) -> np.ndarray:
    """A missing gradient is a zero gradient."""
    return np.zeros(x.shape) if g is None else np.asarray(g)
