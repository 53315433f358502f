"""SGD, Adam and AdamW with torch.optim's exact semantics, on NumPy arrays (engine-agnostic).

A parameter is anything with `.data` (an ndarray, updated in place) and `.grad` (an ndarray, or
None to skip it), so `backprop.Tensor` works without this module importing the engine.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol

import numpy as np

# NB: one flat list of parameters (no param groups), no closure in step(), no maximize, no
# Nesterov or dampening, no foreach/fused kernels: the update below is the whole algorithm.


class Param(Protocol):
    """What an optimizer needs from a parameter: its values and, maybe, their gradient."""

    data: np.ndarray
    grad: np.ndarray | None


def sgd_update(
    theta: np.ndarray,
    g: np.ndarray,
    b: np.ndarray | None,
    *,
    lr: float,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    scratch: np.ndarray | None = None,
) -> None:
    """One SGD step, IN PLACE on `theta` and the momentum buffer `b` (None: no momentum).

    `g` is only read; `scratch` (optional, `theta`'s shape and dtype) is overwritten. With b₀ = 0
    the first step gives b₁ = g₁, as torch's buffer does.
    """
    s = np.empty_like(theta) if scratch is None else scratch
    if weight_decay:
        g = g + weight_decay * theta  # g ← g + λθ, L2 folded into the gradient
    if b is not None:
        b *= momentum
        b += g  # b ← μb + g
        g = b
    theta -= np.multiply(g, lr, out=s)  # θ ← θ − lr·g


def adam_update(
    theta: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float = 0.0,
    decoupled: bool = False,
    v_max: np.ndarray | None = None,
    bias_correction: bool | tuple[bool, bool] = True,
    scratch: np.ndarray | None = None,
) -> None:
    """Adam's step t = 1, 2, …, IN PLACE on `theta`, `m`, `v` (and `v_max`); `g` is only read.

    `decoupled=True` is AdamW; passing `v_max` turns on AMSGrad. Ours, not torch's, to study the
    start-up: a non-zero m₀, v₀, and `bias_correction` False for neither average or a pair
    (correct m, correct v). `scratch` (optional, `theta`'s shape and dtype) is overwritten;
    passing it saves allocating on every call.
    """
    correct_m, correct_v = _corrections(bias_correction)
    s = np.empty_like(theta) if scratch is None else scratch
    if weight_decay and decoupled:
        theta *= 1 - lr * weight_decay  # AdamW: θ ← θ·(1 − lr·λ), decay outside the gradient
    elif weight_decay:
        g = g + weight_decay * theta  # Adam:  g ← g + λθ, L2 folded into the gradient
    np.subtract(g, m, out=s)
    s *= 1 - beta1
    m += s  # m ← β₁m + (1−β₁)g, in torch's lerp form m + (1−β₁)(g − m)
    np.multiply(g, 1 - beta2, out=s)
    s *= g
    v *= beta2
    v += s  # v ← β₂v + (1−β₂)g²
    if v_max is not None:
        v = np.maximum(v_max, v, out=v_max)  # AMSGrad: v_max ← max(v_max, v), used in place of v
    bc1 = 1 - beta1**t if correct_m else 1.0
    bc2 = 1 - beta2**t if correct_v else 1.0
    denom = np.sqrt(v, out=s)
    denom /= bc2**0.5
    denom += eps  # √v̂ + ε with v̂ = v/(1−β₂ᵗ): ε outside the root
    np.divide(m, denom, out=s)
    s *= lr / bc1
    theta -= s  # θ ← θ − lr·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), as torch: (lr/(1−β₁ᵗ))·(m/(√v̂ + ε))


def _corrections(bias_correction: bool | tuple[bool, bool]) -> tuple[bool, bool]:
    """(correct m, correct v) from one flag for both or a pair; anything else is refused."""
    if isinstance(bias_correction, bool):
        return bias_correction, bias_correction
    if (
        isinstance(bias_correction, tuple)
        and len(bias_correction) == 2
        and all(isinstance(flag, bool) for flag in bias_correction)
    ):
        return bias_correction
    raise ValueError(
        f"bias_correction must be a bool or a pair (m, v) of bools, got {bias_correction!r}"
    )


def _checked(hyper: dict[str, Any]) -> dict[str, Any]:
    """Refuse invalid hyper-parameters with torch's messages; numbers become Python floats.

    Python floats keep float32 parameters float32 (a NumPy float64 scalar would promote them).
    """
    hyper = dict(hyper)
    for name in ("lr", "eps", "weight_decay", "momentum"):
        if name in hyper:
            hyper[name] = float(hyper[name])
    if "betas" in hyper:
        hyper["betas"] = tuple(float(beta) for beta in hyper["betas"])
    if not hyper["lr"] >= 0.0:
        raise ValueError(f"Invalid learning rate: {hyper['lr']}")
    # NB: torch accepts eps = 0; we refuse it, since a zero gradient would then give 0/0.
    if "eps" in hyper and not hyper["eps"] > 0.0:
        raise ValueError(f"Invalid epsilon value: {hyper['eps']}")
    for i, beta in enumerate(hyper.get("betas", ())):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if not hyper["weight_decay"] >= 0.0:
        raise ValueError(f"Invalid weight_decay value: {hyper['weight_decay']}")
    if "momentum" in hyper and not hyper["momentum"] >= 0.0:
        raise ValueError(f"Invalid momentum value: {hyper['momentum']}")
    return hyper


class Optimizer:
    """What SGD, Adam and AdamW share: the parameters, their state, zero_grad and state_dict."""

    def __init__(self, params: Iterable[Param], **hyper: Any) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        self.hyper = _checked(hyper)
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        self._work: dict[np.dtype, np.ndarray] = {}

    def _new_state(self, theta: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        """A parameter's state before its first step, laid out for `hyper`, in `theta`'s dtype."""
        raise NotImplementedError

    def _update(
        self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], scratch: np.ndarray
    ) -> None:
        """Update `theta` and `state` in place from the gradient `g`, working in `scratch`."""
        raise NotImplementedError

    def _scratch(self, theta: np.ndarray) -> np.ndarray:
        """Working memory shaped like `theta`, shared by all parameters of its dtype (not state)."""
        work = self._work.get(theta.dtype)
        if work is None or work.size < theta.size:
            work = self._work[theta.dtype] = np.empty(theta.size, theta.dtype)
        return work[: theta.size].reshape(theta.shape)

    def step(self) -> None:
        """Update every parameter's `.data` in place; a parameter whose `.grad` is None is skipped."""
        for i, (p, state) in enumerate(zip(self.params, self.state)):
            if p.grad is None:
                continue
            if p.grad.shape != p.data.shape:
                raise ValueError(f"parameter {i}: grad shape {p.grad.shape} != {p.data.shape}")
            if not state:
                state.update(self._new_state(p.data, self.hyper))
            self._update(p.data, p.grad, state, self._scratch(p.data))

    def zero_grad(self) -> None:
        """Set every `.grad` to None (torch's default, set_to_none=True)."""
        for p in self.params:
            p.grad = None

    def state_dict(self) -> dict[str, Any]:
        """A deep copy of the hyper-parameters and per-parameter state (torch returns references)."""
        return {
            "optimizer": type(self).__name__,
            "hyper": dict(self.hyper),
            "state": copy.deepcopy(self.state),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Replace hyper-parameters and state by copies from `state_dict`, or raise ValueError."""
        name = type(self).__name__
        if state_dict.get("optimizer") != name:
            raise ValueError(f"state_dict is for {state_dict.get('optimizer')!r}, not {name!r}")
        hyper = _checked(state_dict["hyper"])
        if hyper.keys() != self.hyper.keys():
            raise ValueError(f"hyper-parameters {sorted(hyper)} != {sorted(self.hyper)}")
        states = state_dict["state"]
        if len(states) != len(self.params):
            raise ValueError(
                f"state_dict has {len(states)} parameters, optimizer has {len(self.params)}"
            )
        self.state = [
            self._loaded(i, p.data, s, hyper) for i, (p, s) in enumerate(zip(self.params, states))
        ]
        self.hyper = hyper

    def _loaded(
        self, i: int, theta: np.ndarray, state: dict[str, Any], hyper: dict[str, Any]
    ) -> dict[str, Any]:
        """A copy of `state` in `theta`'s dtype, checked against a fresh state's keys and shapes."""
        if not state:
            return {}
        fresh = self._new_state(theta, hyper)
        if state.keys() != fresh.keys():
            raise ValueError(f"parameter {i}: state {sorted(state)} != expected {sorted(fresh)}")
        for key, value in fresh.items():
            if isinstance(value, np.ndarray) and np.shape(state[key]) != value.shape:
                raise ValueError(
                    f"parameter {i}: state {key!r} has shape "
                    f"{np.shape(state[key])}, parameter has {value.shape}"
                )
        return {
            key: np.array(state[key], dtype=theta.dtype)
            if isinstance(value, np.ndarray)
            else copy.deepcopy(state[key])
            for key, value in fresh.items()
        }


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and L2 weight decay (torch.optim.SGD)."""

    def __init__(
        self, params: Iterable[Param], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay)

    def _new_state(self, theta: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        return {"b": np.zeros_like(theta)} if hyper["momentum"] else {}

    def _update(
        self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], scratch: np.ndarray
    ) -> None:
        sgd_update(
            theta,
            g,
            state.get("b"),
            lr=self.hyper["lr"],
            momentum=self.hyper["momentum"],
            weight_decay=self.hyper["weight_decay"],
            scratch=scratch,
        )


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with L2 weight decay in the gradient (torch.optim.Adam)."""

    decoupled: ClassVar[bool] = False

    def __init__(
        self,
        params: Iterable[Param],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=bool(amsgrad)
        )

    def _new_state(self, theta: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        state = {"t": 0, "m": np.zeros_like(theta), "v": np.zeros_like(theta)}
        if hyper["amsgrad"]:
            state["v_max"] = np.zeros_like(theta)
        return state

    def _update(
        self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], scratch: np.ndarray
    ) -> None:
        state["t"] += 1
        beta1, beta2 = self.hyper["betas"]
        adam_update(
            theta,
            g,
            state["m"],
            state["v"],
            state["t"],
            lr=self.hyper["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=self.hyper["eps"],
            weight_decay=self.hyper["weight_decay"],
            decoupled=self.decoupled,
            v_max=state.get("v_max"),
            scratch=scratch,
        )


class AdamW(Adam):
    """Adam with decoupled weight decay θ ← θ·(1 − lr·λ) (torch.optim.AdamW).

    Loshchilov & Hutter scale the decay by the schedule multiplier; torch, and we, by lr.
    """

    decoupled: ClassVar[bool] = True

    def __init__(
        self,
        params: Iterable[Param],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
        )
