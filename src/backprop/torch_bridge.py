"""PyTorch twins of layer specs, for cross-checks only: torch is imported inside the functions,
so `import backprop` never needs it."""

from collections.abc import Sequence
from dataclasses import fields
from math import prod
from typing import TYPE_CHECKING

from backprop.footprint import Gradient, footprint, measure
from backprop.layers import Conv2d, Layer, Pair, Window
from backprop.receptive_field import ReceptiveField

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


def torch_engine(stack: tuple[Window, ...], size: Pair) -> tuple[Pair, Gradient]:
    """PyTorch as a footprint `Engine`: each window layer becomes a float64 convolution with
    constant weights 1/k, i.e. an average over the window. Max and average pooling have the same
    receptive field as this average, which, unlike torch's max, sends gradient to every input it
    sees; positive weights and no ReLU, so nothing cancels."""
    import torch

    copy = to_torch(
        [Conv2d(1, 1, w.kernel_size, w.stride, w.padding, w.dilation, bias=False) for w in stack]
    ).double()
    with torch.no_grad():
        for conv in copy:
            conv.weight.fill_(1 / prod(conv.kernel_size))
    x = torch.zeros(1, 1, *size, dtype=torch.float64, requires_grad=True)
    y = copy(x)[0, 0]

    def gradient(unit: Pair) -> "np.ndarray":
        (g,) = torch.autograd.grad(y[unit], x, retain_graph=True)
        return g[0, 0].numpy()

    return tuple(y.shape), gradient


def measure_receptive_field(layers: Sequence[Layer]) -> ReceptiveField:
    """r, S, P measured in PyTorch: the footprint of one output unit's gradient on the input."""
    return measure(layers, torch_engine)


def gradient_footprint(layers: Sequence[Layer], size: int, unit: Pair) -> "np.ndarray":
    """d y[unit] / d x on a size × size input, in PyTorch (see footprint.footprint)."""
    return footprint(layers, size, unit, torch_engine)
