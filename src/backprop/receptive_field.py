"""Receptive field of a layer stack, in the notation of Araujo et al. (distill, 2019).

Per layer: kernel k, stride s, padding p, dilation d (a dilated kernel spans d(k-1)+1 pixels).
Per network: size r, effective stride S (the jump between adjacent output units, in input pixels)
and effective padding P: output unit j sees input pixels jS - P ... jS - P + r - 1.
Every quantity is per axis: ReceptiveField and the table rows hold (h, w) pairs.

Only local layers have a receptive field of this form. Window layers (Conv2d, MaxPool2d,
AvgPool2d) change it; pointwise layers (ReLU, Dropout, BatchNorm2d) keep it; a global layer
(AdaptiveAvgPool2d, Flatten, Linear) lets an output see the whole input, which no (r, S, P)
describes independently of the input size, so these functions refuse it with a TypeError.
For a classifier, take `spatial_part(layers)`: for VGG16 that ends at pool5.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, takewhile
from operator import mul
from typing import NamedTuple

from backprop.layers import Global, Layer, Pair, Pointwise, Window


class Geometry(NamedTuple):
    """One window layer along one axis."""

    k: int
    s: int
    p: int
    d: int

    @property
    def k_eff(self) -> int:
        """Pixels spanned by the dilated kernel: d(k-1) + 1."""
        return self.d * (self.k - 1) + 1


@dataclass(frozen=True)
class ReceptiveField:
    """r, S, P of a stack, each an (h, w) pair."""

    size: Pair  # r
    stride: Pair  # S
    padding: Pair  # P

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of output unit 0's region in input coordinates: (r - 1)/2 - P per axis."""
        return tuple((r - 1) / 2 - P for r, P in zip(self.size, self.padding))


@dataclass(frozen=True)
class ReceptiveFieldRow:
    """One window layer and the receptive field of the stack up to and including it."""

    name: str
    k: Pair
    s: Pair
    p: Pair
    d: Pair
    r: Pair
    S: Pair
    P: Pair
    centre: tuple[float, float]


def spatial_part(layers: Sequence[Layer]) -> tuple[Layer, ...]:
    """The layers before the first global one (AdaptiveAvgPool2d, Flatten or Linear)."""
    return tuple(takewhile(lambda layer: not isinstance(layer, Global), layers))


def windows(layers: Sequence[Layer]) -> tuple[Window, ...]:
    """The window layers of a local stack; pointwise layers are skipped as they keep r, S, P."""
    for layer in layers:
        if not isinstance(layer, Window | Pointwise):
            raise TypeError(
                f"{layer.label} is not local (an output may see the whole input), so no "
                "(r, S, P) describes it; take the receptive field of spatial_part(layers)"
            )
    return tuple(layer for layer in layers if isinstance(layer, Window))


def geometry(layers: Sequence[Layer], axis: int) -> list[Geometry]:
    """(k, s, p, d) of each window layer along `axis` (0 = h, 1 = w)."""
    return [
        Geometry(w.kernel_size[axis], w.stride[axis], w.padding[axis], w.dilation[axis])
        for w in windows(layers)
    ]


def _recurrence(stack: list[Geometry]) -> tuple[int, int, int]:
    """r, S, P by walking from the output unit back to the input."""
    r, S, P = 1, 1, 0
    for g in reversed(stack):
        r = g.s * r + (g.k_eff - g.s)  # r_{l-1} = s_l r_l + (k_l - s_l)
        S = g.s * S  # S_{l-1} = s_l S_l
        P = g.s * P + g.p  # P_{l-1} = s_l P_l + p_l
    return r, S, P


def _closed_form(stack: list[Geometry]) -> tuple[int, int, int]:
    """r, S, P as sums over layers, each term scaled by the strides below it."""
    jumps = list(accumulate((g.s for g in stack), mul, initial=1))  # prod_{i<l} s_i
    # r = 1 + sum (k_l - 1) prod_{i<l} s_i
    r = 1 + sum((g.k_eff - 1) * jump for g, jump in zip(stack, jumps))
    P = sum(g.p * jump for g, jump in zip(stack, jumps))  # sum p_l prod_{i<l} s_i
    return r, jumps[-1], P


def _per_axis(
    layers: Sequence[Layer], rule: Callable[[list[Geometry]], tuple[int, int, int]]
) -> ReceptiveField:
    h, w = (rule(geometry(layers, axis)) for axis in (0, 1))
    return ReceptiveField(*zip(h, w))


def receptive_field(layers: Sequence[Layer]) -> ReceptiveField:
    """r, S, P by the recurrence from the output back to the input."""
    return _per_axis(layers, _recurrence)


def receptive_field_closed_form(layers: Sequence[Layer]) -> ReceptiveField:
    """r, S, P by the closed-form sums (an independent route to the same numbers)."""
    return _per_axis(layers, _closed_form)


def receptive_field_table(layers: Sequence[Layer]) -> tuple[ReceptiveFieldRow, ...]:
    """One row per window layer, for the stack up to it; recurrence and closed form must agree.

    Pointwise layers get no row: theirs would repeat the row above.
    """
    stack = windows(layers)
    rows = []
    for depth, layer in enumerate(stack, start=1):
        field = receptive_field(stack[:depth])
        closed = receptive_field_closed_form(stack[:depth])
        if field != closed:
            raise AssertionError(f"{layer.label}: recurrence {field} != closed form {closed}")
        rows.append(
            ReceptiveFieldRow(
                layer.title,
                layer.kernel_size,
                layer.stride,
                layer.padding,
                layer.dilation,
                field.size,
                field.stride,
                field.padding,
                field.centre,
            )
        )
    return tuple(rows)
