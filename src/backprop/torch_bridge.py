"""PyTorch twins of layer specs, for cross-checks only: torch is imported inside the functions,
so `import backprop` never needs it."""

from collections.abc import Sequence
from dataclasses import fields
from math import prod
from typing import TYPE_CHECKING

from backprop.layers import Conv2d, Layer
from backprop.receptive_field import Geometry, ReceptiveField, geometry

if TYPE_CHECKING:
    import numpy as np
    import torch


def to_torch(layers: Sequence[Layer]) -> "torch.nn.Sequential":
    """Equivalent torch modules: a spec's class and fields are torch's class and arguments.

    Build under `with torch.device("meta"):` to get shapes and parameter counts without memory.
    """
    from torch import nn

    return nn.Sequential(
        *(getattr(nn, type(layer).__name__)(**_arguments(layer)) for layer in layers)
    )


def _arguments(layer: Layer) -> dict[str, object]:
    return {f.name: getattr(layer, f.name) for f in fields(layer) if f.name != "name"}


def measure_receptive_field(layers: Sequence[Layer]) -> ReceptiveField:
    """r, S, P measured in torch: the footprint of one output unit's gradient on the input.

    One axis at a time, on a geometry copy of the (local) stack: every window layer becomes a
    1-channel float64 convolution with the same k, s, p, d along that axis (size 1 across it)
    and constant weights 1/k, i.e. an average over the window. Max and average pooling have
    the same receptive field as this average, which, unlike max, sends gradient to every
    input it sees; no ReLU and positive weights, so nothing cancels. Channels do not change
    geometry, and pointwise layers are dropped. The input is zero (the copy is linear, so the
    gradient does not depend on it) of length 2 r_max + 4 prod(s), where the loose bound
    r_max = 1 + sum(k_eff - 1) * prod(s) keeps the formulas under test out of the set-up, so the
    adjacent units j, j+1 in the middle of the output have their regions well inside it; their
    footprints are checked to lie off the border and to be translates (else RuntimeError).
    Then r = width of unit j's footprint (first to last nonzero, holes included),
    S = shift between the two footprints and P = S*j - first input pixel of unit j.
    """
    h, w = (_measure_axis(geometry(layers, axis)) for axis in (0, 1))
    return ReceptiveField(*zip(h, w))


def _measure_axis(stack: list[Geometry]) -> tuple[int, int, int]:
    """(r, S, P) along one axis; see measure_receptive_field."""
    import torch

    copy = _averaging_copy(stack, [POINT] * len(stack))
    total_stride = prod(g.s for g in stack)
    r_bound = 1 + sum(g.k_eff - 1 for g in stack) * total_stride  # loose: no formula under test
    n = 2 * r_bound + 4 * total_stride
    x = torch.zeros(1, 1, n, 1, dtype=torch.float64, requires_grad=True)
    y = copy(x)[0, 0, :, 0]
    j = (len(y) - 2) // 2
    first, second = (_footprint(y[i], x) for i in (j, j + 1))
    S = second[0] - first[0]
    if not (first[0] > 0 and second[-1] < n - 1 and second == [i + S for i in first]):
        raise RuntimeError(f"footprints {first} and {second} of units {j}, {j + 1} are clipped")
    return first[-1] - first[0] + 1, S, S * j - first[0]


POINT = Geometry(k=1, s=1, p=0, d=1)  # an axis a layer leaves alone


def _averaging_copy(rows: list[Geometry], cols: list[Geometry]) -> "torch.nn.Sequential":
    """1-channel float64 convolutions with each layer's geometry, averaging over the window."""
    import torch

    copy = to_torch(
        [
            Conv2d(1, 1, (h.k, w.k), (h.s, w.s), (h.p, w.p), (h.d, w.d), bias=False)
            for h, w in zip(rows, cols)
        ]
    ).double()
    with torch.no_grad():
        for conv, h, w in zip(copy, rows, cols):
            conv.weight.fill_(1 / (h.k * w.k))
    return copy


def gradient_footprint(layers: Sequence[Layer], size: int, unit: tuple[int, int]) -> "np.ndarray":
    """d y[unit] / d x on a size × size input, with the geometry copy of measure_receptive_field.

    Nonzero exactly on the input pixels that output `unit` (row, column) sees, clipped to the
    image: the picture of its receptive field.
    """
    import torch

    copy = _averaging_copy(geometry(layers, 0), geometry(layers, 1))
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    y = copy(x)[0, 0]
    if not (0 <= unit[0] < y.shape[0] and 0 <= unit[1] < y.shape[1]):
        raise ValueError(f"unit {unit} is outside the {tuple(y.shape)} output")
    (g,) = torch.autograd.grad(y[unit], x)
    return g[0, 0].numpy()


def _footprint(unit: "torch.Tensor", x: "torch.Tensor") -> list[int]:
    """Input pixels (along the strip) where d unit / d x is nonzero."""
    import torch

    (g,) = torch.autograd.grad(unit, x, retain_graph=True)
    return torch.nonzero(g[0, 0, :, 0]).flatten().tolist()
