"""Learnable parameters per layer and in total, with output shapes flowing through the stack."""

from collections.abc import Sequence
from dataclasses import dataclass

from backprop.layers import BatchNorm2d, Conv2d, Layer, Linear, Shape, output_shape


@dataclass(frozen=True)
class ParameterRow:
    """One layer: the shape it outputs for one example and the parameters it holds."""

    name: str
    output_shape: Shape
    weights: int
    biases: int
    total: int
    share: float  # of the whole network's parameters


@dataclass(frozen=True)
class ParameterTotals:
    """Parameters split by kind of layer, and the weights-only count."""

    conv: int  # Conv2d
    fc: int  # Linear (fully connected)
    norm: int  # BatchNorm2d scale and shift
    weights: int  # every kind, biases excluded (BatchNorm's scale counts as a weight, as in torch)

    @property
    def total(self) -> int:
        return self.conv + self.fc + self.norm


def weights_and_biases(layer: Layer) -> tuple[int, int]:
    """(weights, biases) of one layer; zero for layers without parameters."""
    match layer:
        case Conv2d():
            k_h, k_w = layer.kernel_size
            c_in, c_out = layer.in_channels, layer.out_channels
            return c_in * c_out * k_h * k_w, c_out if layer.bias else 0
        case Linear():
            return layer.in_features * layer.out_features, layer.out_features if layer.bias else 0
        case BatchNorm2d():
            # NB: running mean and variance are buffers, not learnable parameters.
            return layer.num_features, layer.num_features
        case _:
            return 0, 0


def count_parameters(layers: Sequence[Layer]) -> int:
    """Total number of learnable parameters."""
    return sum(sum(weights_and_biases(layer)) for layer in layers)


def parameter_totals(layers: Sequence[Layer]) -> ParameterTotals:
    """Totals by kind (conv, fully connected, batch norm) and the weights-only total."""

    def of(kind: type) -> int:
        return count_parameters([layer for layer in layers if isinstance(layer, kind)])

    weights = sum(weights_and_biases(layer)[0] for layer in layers)
    return ParameterTotals(of(Conv2d), of(Linear), of(BatchNorm2d), weights)


def parameter_table(
    layers: Sequence[Layer], input_shape: Shape = (3, 224, 224)
) -> tuple[ParameterRow, ...]:
    """One row per layer, shapes flowing from `input_shape` (C, H, W); ValueError on a mismatch."""
    total = count_parameters(layers)
    shape = input_shape
    rows = []
    for layer in layers:
        shape = output_shape(layer, shape)
        w, b = weights_and_biases(layer)
        rows.append(
            ParameterRow(layer.title, shape, w, b, w + b, (w + b) / total if total else 0.0)
        )
    return tuple(rows)
