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


# Higher orders. Over the variables V = (x_1, ..., x_n, u), with u the cotangent of f's output:
#   s_0 = ⟨u, f(x)⟩,   s_{k+1} = Σ_j ⟨w_kj, ∂s_k/∂V_j⟩   (random w_k),
# so ∇s_0 is the VJP Jᵀu (and f itself), ∇s_1 a contraction of the second derivatives (including
# ∂/∂u of the VJP, which checks the recorded rules as functions of g) and ∇s_2 of the third.


def directions(values: list[np.ndarray], order: int, seed: int) -> list[list[np.ndarray]]:
    """`order` random directions w_k, one array per variable of V."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(np.shape(v)) for v in values] for _ in range(order)]


def derivative(f: Callable[..., Tensor], values: list[np.ndarray], ws: list) -> list[np.ndarray]:
    """∇s_k, k = len(ws), with our engine: every level but the last recorded (create_graph)."""
    from backprop import gradients

    vs = [Tensor(np.array(v, np.float64), requires_grad=True) for v in values]
    s = (vs[-1] * f(*vs[:-1])).sum()
    for level in range(len(ws) + 1):
        last = level == len(ws)
        if s.requires_grad:
            grads = gradients(s, vs, create_graph=not last)
        else:  # the previous level was constant: all higher derivatives vanish
            grads = [np.zeros(v.shape) if last else Tensor(np.zeros(v.shape)) for v in vs]
        if not last:
            s = sum((g * w).sum() for g, w in zip(grads, ws[level]))
    return [np.asarray(g) for g in grads]


def torch_derivative(f: Callable, values: list[np.ndarray], ws: list) -> list[np.ndarray]:
    """∇s_k with torch.autograd.grad(create_graph=True): the same contractions."""
    import torch

    vs = [torch.tensor(np.array(v, np.float64), requires_grad=True) for v in values]
    s = (vs[-1] * f(*vs[:-1])).sum()
    for w in [*ws, None]:
        if s.requires_grad:
            grads = torch.autograd.grad(
                s, vs, create_graph=True, allow_unused=True, materialize_grads=True
            )
        else:
            grads = [torch.zeros_like(v) for v in vs]
        if w is not None:
            s = sum((g * torch.from_numpy(wj)).sum() for g, wj in zip(grads, w))
    return [g.detach().numpy() for g in grads]


def assert_derivative_matches_differences(
    f: Callable[..., Tensor], values: list[np.ndarray], ws: list, eps: float = 1e-6, seed: int = 9
) -> None:
    """⟨∇s_k, d⟩ = central difference of s_k along d, s_k computed from our own (k-1)-th
    derivative: each order is checked against the one below it."""
    d = directions(values, 1, seed)[0]
    ours = sum(np.vdot(g, dj) for g, dj in zip(derivative(f, values, ws), d))

    def s(t: float) -> float:
        shifted = [v + t * dj for v, dj in zip(values, d)]
        return sum(np.vdot(g, w) for g, w in zip(derivative(f, shifted, ws[:-1]), ws[-1]))

    difference = (s(eps) - s(-eps)) / (2 * eps)
    assert abs(ours - difference) <= 1e-6 * max(1.0, abs(difference)), (ours, difference)
