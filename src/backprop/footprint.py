"""Receptive fields measured, not computed: the footprint of one output unit's gradient.

The method is engine-neutral; an `Engine` runs a 1-channel copy of the stack forward and
backpropagates one unit. `ours` is our own engine (backprop.nn); torch_bridge supplies PyTorch's.
"""

from collections.abc import Callable, Sequence
from math import prod

import numpy as np

from backprop import nn
from backprop.engine import Tensor
from backprop.layers import AvgPool2d, Conv2d, Layer, MaxPool2d, Pair, Window
from backprop.receptive_field import Geometry, ReceptiveField, geometry, windows

Gradient = Callable[[Pair], np.ndarray]  # unit (row, column) ↦ d y[unit] / d x, an (h, w) array
Engine = Callable[[tuple[Window, ...], Pair], tuple[Pair, Gradient]]
"""Run a 1-channel stack on an h × w zero input: the output's (h, w) and its `Gradient`."""

POINT = Geometry(k=1, s=1, p=0, d=1)  # an axis a layer leaves alone


def measure(layers: Sequence[Layer], engine: Engine) -> ReceptiveField:
    """r, S, P of a local stack, read off gradient footprints computed by `engine`.

    One axis at a time, on a strip: every window layer keeps its k, s, p, d along that axis and
    gets size 1 across it. Channels do not change geometry and pointwise layers are dropped. The
    input is zero, of length 2 r_max + 4 prod(s), where the loose bound
    r_max = 1 + sum(k_eff - 1) * prod(s) keeps the formulas under test out of the set-up, so the
    adjacent units j, j+1 in the middle of the output have their regions well inside it; their
    footprints are checked to lie off the border and to be translates (else RuntimeError).
    Then r = width of unit j's footprint (first to last nonzero, holes included),
    S = shift between the two footprints and P = S*j - first input pixel of unit j.
    """
    h, w = (_measure_axis(layers, axis, engine) for axis in (0, 1))
    return ReceptiveField(*zip(h, w))


# --8<-- [start:measure]
def _measure_axis(layers: Sequence[Layer], axis: int, engine: Engine) -> tuple[int, int, int]:
    """(r, S, P) along one axis; see measure."""
    stack = geometry(layers, axis)
    total_stride = prod(g.s for g in stack)
    r_bound = 1 + sum(g.k_eff - 1 for g in stack) * total_stride  # loose: no formula under test
    n = 2 * r_bound + 4 * total_stride
    (m, _), gradient = engine(one_channel(layers, stack, [POINT] * len(stack)), (n, 1))
    j = (m - 2) // 2
    first, second = (np.flatnonzero(gradient((i, 0))).tolist() for i in (j, j + 1))
    S = second[0] - first[0]
    if not (first[0] > 0 and second[-1] < n - 1 and second == [i + S for i in first]):
        raise RuntimeError(f"footprints {first} and {second} of units {j}, {j + 1} are clipped")
    return first[-1] - first[0] + 1, S, S * j - first[0]


# --8<-- [end:measure]


def footprint(layers: Sequence[Layer], size: int, unit: Pair, engine: Engine) -> np.ndarray:
    """d y[unit] / d x on a size × size input, by `engine` on the 1-channel copy of the stack.

    Nonzero exactly on the input pixels that output `unit` (row, column) sees, clipped to the
    image: the picture of its receptive field.
    """
    copy = one_channel(layers, geometry(layers, 0), geometry(layers, 1))
    shape, gradient = engine(copy, (size, size))
    if not all(0 <= i < n for i, n in zip(unit, shape)):
        raise ValueError(f"unit {unit} is outside the {shape} output")
    return gradient(unit)


def one_channel(
    layers: Sequence[Layer], rows: list[Geometry], cols: list[Geometry]
) -> tuple[Window, ...]:
    """The window layers of a stack, 1 channel in and out, with geometry `rows` × `cols`."""
    copy = []
    for layer, h, w in zip(windows(layers), rows, cols):
        k, s, p, d = zip(h, w)
        if isinstance(layer, Conv2d):
            copy.append(Conv2d(1, 1, k, s, p, d, bias=False))
        elif isinstance(layer, MaxPool2d):
            copy.append(MaxPool2d(k, s, p, d))
        else:
            copy.append(AvgPool2d(k, s, p))
    return tuple(copy)


def ours(stack: tuple[Window, ...], size: Pair) -> tuple[Pair, Gradient]:
    """Our engine: convolutions averaging over their window (weights 1/k), pools as they are.

    At a zero input every element of a max-pooling window ties, and our max_pool2d shares the
    gradient among ties, so, as with the averages, every input a unit sees gets some gradient:
    all positive, nothing cancels.
    """
    x = Tensor(np.zeros((1, 1, *size)), requires_grad=True)
    y = x
    for layer in stack:
        y = _forward(layer, y)

    def gradient(unit: Pair) -> np.ndarray:
        x.grad = None
        y[(0, 0, *unit)].backward()
        return x.grad[0, 0]

    return y.shape[2:], gradient


def _forward(layer: Window, x: Tensor) -> Tensor:
    """One layer of the 1-channel copy, with backprop.nn."""
    match layer:
        case Conv2d():
            w = np.full((1, 1, *layer.kernel_size), 1 / prod(layer.kernel_size))
            return nn.conv2d(x, w, None, layer.stride, layer.padding, layer.dilation)
        case MaxPool2d():
            return nn.max_pool2d(x, layer.kernel_size, layer.stride, layer.padding, layer.dilation)
        case _:
            return nn.avg_pool2d(x, layer.kernel_size, layer.stride, layer.padding)


def measure_receptive_field(layers: Sequence[Layer]) -> ReceptiveField:
    """r, S, P measured with our own engine's conv2d and pooling (see measure)."""
    return measure(layers, ours)


def gradient_footprint(layers: Sequence[Layer], size: int, unit: Pair) -> np.ndarray:
    """d y[unit] / d x in our own engine (see footprint)."""
    return footprint(layers, size, unit, ours)
