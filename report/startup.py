"""Adam's start-up on a stream of noisy gradients: ways to start it, run side by side on one
stream by our `adam_update` and by `torch.optim.Adam`, and the closed forms they must follow."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from backprop.optim import adam_update

Stepper = Callable[[np.ndarray, int], np.ndarray]  # (g_t, t) -> the step Δθ_t


@dataclass(frozen=True)
class Stream:
    """Gradients g_t = μ + σ ξ_t (ξ standard normal) for n parameters, t = 1 … steps; every pass
    yields the same numbers."""

    mu: float
    sigma: float
    n: int
    steps: int
    seed: int

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        rng = np.random.default_rng(self.seed)
        for t in range(1, self.steps + 1):
            yield t, self.mu + self.sigma * rng.standard_normal(self.n)

    @property
    def mean_square(self) -> float:
        """E[g²] = μ² + σ², the value v_t averages towards."""
        return self.mu**2 + self.sigma**2

    def first(self) -> np.ndarray:
        """g₁."""
        return next(iter(self))[1]


@dataclass(frozen=True)
class Start:
    """One way to start Adam: the constants m₀, v₀, which averages are bias-corrected
    (m, v), and a linear learning-rate warm-up over `warm` steps (1: none)."""

    m0: float = 0.0
    v0: float = 0.0
    correct: tuple[bool, bool] = (True, True)
    warm: int = 1

    def warm_factor(self, t: int) -> float:
        """α_t/α = min(1, t/T_w)."""
        return min(1.0, t / self.warm)

    def divisors(self, t: int, beta1: float, beta2: float) -> tuple[float, float]:
        """What m_t and v_t are divided by at step t: 1 − βᵗ, 1 − δᵗ, or 1 when not corrected."""
        correct_m, correct_v = self.correct
        return (1 - beta1**t if correct_m else 1.0), (1 - beta2**t if correct_v else 1.0)


def ours(start: Start, n: int, *, lr: float, beta1: float, beta2: float, eps: float) -> Stepper:
    """Steps of our adam_update from `start`, on n parameters from θ = 0."""
    theta, m, v = np.zeros(n), np.full(n, start.m0), np.full(n, start.v0)

    def step(g: np.ndarray, t: int) -> np.ndarray:
        before = theta.copy()
        adam_update(
            theta,
            g,
            m,
            v,
            t,
            lr=lr * start.warm_factor(t),
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            bias_correction=start.correct,
        )
        return theta - before

    return step


def torch_adam(
    start: Start, n: int, *, lr: float, beta1: float, beta2: float, eps: float
) -> Stepper:
    """Steps of torch.optim.Adam from `start`: its state set to (m₀, v₀) before step 1, and a
    LambdaLR factor that applies the warm-up and undoes a correction we switch off.

    torch always divides m by 1 − βᵗ and √v by √(1 − δᵗ); multiplying α by 1 − βᵗ, or dividing it
    by √(1 − δᵗ), undoes that exactly, except that ε then stands where √(1 − δᵗ)·ε would: a
    relative change of at most ε/√v_t per parameter.
    """
    theta = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=lr, betas=(beta1, beta2), eps=eps)
    optimizer.state[theta].update(
        step=torch.tensor(0.0),
        exp_avg=torch.full((n,), start.m0, dtype=torch.float64),
        exp_avg_sq=torch.full((n,), start.v0, dtype=torch.float64),
    )

    def factor(epoch: int) -> float:
        t, (correct_m, correct_v) = epoch + 1, start.correct
        undo_m = 1.0 if correct_m else 1 - beta1**t
        undo_v = 1.0 if correct_v else math.sqrt(1 - beta2**t)
        return start.warm_factor(t) * undo_m / undo_v

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    def step(g: np.ndarray, t: int) -> np.ndarray:
        before = theta.detach().clone()
        theta.grad = torch.from_numpy(g)
        optimizer.step()
        schedule.step()
        return (theta.detach() - before).numpy()

    return step


def effective_steps(stream: Stream, steppers: dict, lr: float) -> dict[object, np.ndarray]:
    """Mean |Δθ_t|/α over the parameters, t = 1 … steps, for every stepper on the same stream."""
    curves: dict[object, list[float]] = {key: [] for key in steppers}
    for t, g in stream:
        for key, step in steppers.items():
            curves[key].append(float(np.mean(np.abs(step(g, t)))) / lr)
    return {key: np.array(curve) for key, curve in curves.items()}


def first_step(start: Start, g1: np.ndarray, *, beta1: float, beta2: float, eps: float) -> float:
    """Closed form of the mean |Δθ₁|/α: |βm₀ + (1−β)g₁|/c₁ over √((δv₀ + (1−δ)g₁²)/c₂) + ε."""
    c1, c2 = start.divisors(1, beta1, beta2)
    m1 = (beta1 * start.m0 + (1 - beta1) * g1) / c1
    v1 = (beta2 * start.v0 + (1 - beta2) * g1**2) / c2
    return start.warm_factor(1) * float(np.mean(np.abs(m1) / (np.sqrt(v1) + eps)))


def folded_mean(mean: float, var: float) -> float:
    """E|X| for X ~ N(mean, var)."""
    s = math.sqrt(var)
    return s * math.sqrt(2 / math.pi) * math.exp(-(mean**2) / (2 * var)) + mean * math.erf(
        mean / (s * math.sqrt(2))
    )


def mean_field_step(start: Start, stream: Stream, t: int, *, beta1: float, beta2: float) -> float:
    """Mean |Δθ_t|/α with v_t replaced by its expected value (ε neglected): exact in m_t, which
    is normal with mean βᵗm₀ + (1 − βᵗ)μ and variance σ²(1 − β)²(1 − β²ᵗ)/(1 − β²)."""
    c1, c2 = start.divisors(t, beta1, beta2)
    mean = beta1**t * start.m0 + (1 - beta1**t) * stream.mu
    var = stream.sigma**2 * (1 - beta1) ** 2 * (1 - beta1 ** (2 * t)) / (1 - beta1**2)
    v_t = beta2**t * start.v0 + (1 - beta2**t) * stream.mean_square
    return start.warm_factor(t) * folded_mean(mean, var) / c1 / math.sqrt(v_t / c2)


def steady_step(stream: Stream, *, beta1: float) -> float:
    """The t → ∞ limit that every start approaches: E|m_∞|/√E[g²], m_∞ ~ N(μ, σ²(1−β)/(1+β))."""
    var = stream.sigma**2 * (1 - beta1) / (1 + beta1)
    return folded_mean(stream.mu, var) / math.sqrt(stream.mean_square)
