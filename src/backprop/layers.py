"""Frozen layer specs with PyTorch's argument names, and the shape each one outputs.

A network is plain data: a tuple of these layers. Kernel-like arguments accept an int or an
(h, w) pair and are stored as (h, w) pairs. Every layer takes an optional keyword `name`.
"""

from dataclasses import dataclass, field
from math import prod

Pair = tuple[int, int]
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Layer:
    """Base of all specs: holds the optional name used in tables and error messages."""

    name: str = field(default="", kw_only=True)

    @property
    def title(self) -> str:
        """The name, or the class name when unnamed: a table's first column."""
        return self.name or type(self).__name__

    @property
    def label(self) -> str:
        """`Conv2d 'conv1_1'`, or just the class name when unnamed."""
        return f"{type(self).__name__} {self.name!r}" if self.name else self.title

    def _check(self, field_name: str, ok: bool, rule: str) -> None:
        """The one validation error: names the layer, the field, its value and the rule."""
        if not ok:
            raise ValueError(f"{self.label}: {field_name}={getattr(self, field_name)!r} {rule}")

    def _pairs(self, *field_names: str) -> None:
        """Store int-or-(h, w) fields as (h, w) pairs (in place: the dataclass is frozen)."""
        for field_name in field_names:
            value = getattr(self, field_name)
            pair = tuple(value) if isinstance(value, tuple | list) else (value, value)
            self._check(
                field_name,
                len(pair) == 2 and all(isinstance(v, int) for v in pair),
                "must be an int or an (h, w) pair of ints",
            )
            object.__setattr__(self, field_name, pair)

    def _at_least(self, minimum: int, *field_names: str) -> None:
        for field_name in field_names:
            value = getattr(self, field_name)
            values = value if isinstance(value, tuple) else (value,)
            self._check(field_name, min(values) >= minimum, f"must be >= {minimum}")

    def _pool_padding(self) -> None:
        """torch refuses pool padding above half the kernel: 2p <= k on each axis.

        (Half the kernel, not of its dilated span: torch 2.13 checks both; this one is stricter.)
        """
        ok = all(2 * p <= k for p, k in zip(self.padding, self.kernel_size))
        self._check("padding", ok, f"must be at most half of kernel_size={self.kernel_size}")


@dataclass(frozen=True)
class Conv2d(Layer):
    """2-D convolution (cross-correlation), as torch.nn.Conv2d."""

    # NB: no groups and no string padding ("same"); integer padding only.
    in_channels: int
    out_channels: int
    kernel_size: int | Pair
    stride: int | Pair = 1
    padding: int | Pair = 0
    dilation: int | Pair = 1
    bias: bool = True

    def __post_init__(self) -> None:
        self._pairs("kernel_size", "stride", "padding", "dilation")
        self._at_least(1, "in_channels", "out_channels", "kernel_size", "stride", "dilation")
        self._at_least(0, "padding")


@dataclass(frozen=True)
class MaxPool2d(Layer):
    """Max pooling, as torch.nn.MaxPool2d; stride None means stride = kernel_size."""

    # NB: ceil_mode is not modelled (torch's default False: output sizes are floored).
    kernel_size: int | Pair
    stride: int | Pair | None = None
    padding: int | Pair = 0
    dilation: int | Pair = 1

    def __post_init__(self) -> None:
        if self.stride is None:
            object.__setattr__(self, "stride", self.kernel_size)
        self._pairs("kernel_size", "stride", "padding", "dilation")
        self._at_least(1, "kernel_size", "stride", "dilation")
        self._at_least(0, "padding")
        self._pool_padding()


@dataclass(frozen=True)
class AvgPool2d(Layer):
    """Average pooling, as torch.nn.AvgPool2d; stride None means stride = kernel_size."""

    # NB: ceil_mode, count_include_pad and divisor_override keep torch's defaults.
    kernel_size: int | Pair
    stride: int | Pair | None = None
    padding: int | Pair = 0

    def __post_init__(self) -> None:
        if self.stride is None:
            object.__setattr__(self, "stride", self.kernel_size)
        self._pairs("kernel_size", "stride", "padding")
        self._at_least(1, "kernel_size", "stride")
        self._at_least(0, "padding")
        self._pool_padding()

    @property
    def dilation(self) -> Pair:
        """Average pooling has no dilation in torch; 1 lets it share the window arithmetic."""
        return (1, 1)


@dataclass(frozen=True)
class AdaptiveAvgPool2d(Layer):
    """Average pooling to a fixed output size, as torch.nn.AdaptiveAvgPool2d.

    torchvision's VGG ends its features with AdaptiveAvgPool2d((7, 7)): at a 224x224 input
    pool5 is already 7x7 and this layer is the identity.
    """

    # NB: no None entries in output_size (torch's "keep this axis").
    output_size: int | Pair

    def __post_init__(self) -> None:
        self._pairs("output_size")
        self._at_least(1, "output_size")


@dataclass(frozen=True)
class Linear(Layer):
    """Fully connected layer y = x W^T + b, as torch.nn.Linear."""

    in_features: int
    out_features: int
    bias: bool = True

    def __post_init__(self) -> None:
        self._at_least(1, "in_features", "out_features")


@dataclass(frozen=True)
class BatchNorm2d(Layer):
    """Per-channel normalisation with learnt scale and shift, as torch.nn.BatchNorm2d."""

    num_features: int

    def __post_init__(self) -> None:
        self._at_least(1, "num_features")


@dataclass(frozen=True)
class Dropout(Layer):
    """Zeroes each activation with probability p during training, as torch.nn.Dropout."""

    p: float = 0.5

    def __post_init__(self) -> None:
        self._check("p", 0 <= self.p <= 1, "must be in [0, 1]")


@dataclass(frozen=True)
class ReLU(Layer):
    """max(x, 0), elementwise."""


@dataclass(frozen=True)
class Flatten(Layer):
    """(C, H, W) -> (C*H*W,), as torch.nn.Flatten on a batch."""


# How a layer relates input positions to output positions (receptive field geometry):
Window = Conv2d | MaxPool2d | AvgPool2d  # each output sees a k x k window, moved by s
Pointwise = ReLU | Dropout | BatchNorm2d  # each output sees its own position only
# NB: BatchNorm2d is pointwise in eval mode; in training its batch statistics mix all positions.
Global = AdaptiveAvgPool2d | Flatten | Linear  # an output may see every position


def output_size(n: int, k: int, s: int, p: int, d: int) -> int:
    """Output length of a window along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1, as torch."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def output_shape(layer: Layer, shape: Shape) -> Shape:
    """Shape (C, H, W) or (F,) of one example after `layer`; ValueError where torch would fail."""
    match layer:
        case Conv2d():
            _image(layer, shape, "in_channels")
            return (layer.out_channels, *_window(layer, shape))
        case MaxPool2d() | AvgPool2d():
            _image(layer, shape)
            return (shape[0], *_window(layer, shape))
        case BatchNorm2d():
            _image(layer, shape, "num_features")
            return shape
        case AdaptiveAvgPool2d():
            _image(layer, shape)
            return (shape[0], *layer.output_size)
        case Flatten():
            return (prod(shape),)
        case Linear():
            if shape != (layer.in_features,):
                raise ValueError(
                    f"{layer.label}: in_features={layer.in_features} but the incoming shape is "
                    f"{shape} (flattened size {prod(shape)})"
                )
            return (layer.out_features,)
        case _:
            return shape


def _image(layer: Layer, shape: Shape, channels: str | None = None) -> None:
    """Raise unless `shape` is (C, H, W), with C equal to the field `channels` when given."""
    if len(shape) != 3 or (channels and shape[0] != getattr(layer, channels)):
        need = f"{channels}={getattr(layer, channels)}" if channels else "a (C, H, W) input"
        raise ValueError(f"{layer.label}: {need} but the incoming shape is {shape}")


def _window(layer: Window, shape: Shape) -> Pair:
    """(H, W) after a window layer; ValueError if the padded input is smaller than the window."""
    geometry = zip(shape[1:], layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    spatial = tuple(output_size(*axis) for axis in geometry)
    if min(spatial) < 1:
        raise ValueError(f"{layer.label}: the incoming shape {shape} is smaller than the window")
    return spatial
