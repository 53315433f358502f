"""The primitives: one table of forward functions and VJP rules, plus `unbroadcast`.

A VJP rule maps the cotangent `g` of a primitive's output `ans` to the cotangent of one input,
`rule(g, ans, *inputs, **params)` (for add, mul and pow still at the broadcast shape: see
Primitive). Everything else (sub, div, mean, softmax, cross-entropy...) is
composed of these primitives and needs no rule of its own.
"""

import operator
from collections.abc import Callable
from itertools import product

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Rule = Callable[..., np.ndarray]
Shape = tuple[int, ...]


class Primitive:
    """A forward function and one VJP rule per input, so unneeded cotangents are never computed.

    (In an MLP step, the gradient of the data batch alone would cost a quarter of the backward
    FLOPs; and x ** 2 must not take ln x for the constant exponent's cotangent.)

    The rules of a `broadcasting` primitive return cotangents of the output's shape; `cotangent`
    sums each back to its input's shape with `unbroadcast`.
    """

    __slots__ = ("broadcasting", "forward", "vjps")

    def __init__(
        self, forward: Callable[..., np.ndarray], *vjps: Rule, broadcasting: bool = False
    ) -> None:
        self.forward, self.vjps, self.broadcasting = forward, vjps, broadcasting

    def cotangent(self, i: int, g: np.ndarray, ans: np.ndarray, inputs: tuple, params: dict):
        """The cotangent of input i, at that input's shape (a NumPy scalar, from a 0-d output,
        had nothing to broadcast)."""
        c = self.vjps[i](g, ans, *inputs, **params)
        if self.broadcasting and type(c) is np.ndarray:
            c = unbroadcast(c, np.shape(inputs[i]))
        return c

    def vjp(self, g: np.ndarray, ans: np.ndarray, *inputs: np.ndarray, **params) -> tuple:
        """All cotangents at once, one per input: vjp(g, ans, *inputs, **params)."""
        return tuple(self.cotangent(i, g, ans, inputs, params) for i in range(len(self.vjps)))


def unbroadcast(g: np.ndarray, shape: Shape) -> np.ndarray:
    """Sum g over the axes NumPy broadcasting prepended or stretched, so it has `shape` again."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


def _keepdims(g: np.ndarray, ndim: int, axis, keepdims: bool) -> np.ndarray:
    """A reduction's output with the reduced axes kept as length 1, as keepdims=True leaves them."""
    return g if keepdims else np.expand_dims(g, tuple(range(ndim)) if axis is None else axis)


def _unreduce(g: np.ndarray, shape: Shape, axis, keepdims: bool) -> np.ndarray:
    """Broadcast a reduction's output back over the axes it reduced (a read-only view)."""
    return np.broadcast_to(_keepdims(g, len(shape), axis, keepdims), shape)


def _max_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, axis, keepdims: bool) -> np.ndarray:
    """Route g to the maxima of x; tied maxima share it evenly, as torch.amax does."""
    winners = x == _keepdims(ans, x.ndim, axis, keepdims)
    # each maximum's share, computed at the reduced size and broadcast by the one product
    share = _keepdims(g, x.ndim, axis, keepdims) / winners.sum(axis, keepdims=True, dtype=g.dtype)
    return winners * share


def _as_matrices(g: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Promote 1-D operands of x @ y (and g with them) to matrices, as np.matmul does."""
    if y.ndim == 1:
        y, g = y[:, None], g[..., None]
    if x.ndim == 1:
        x, g = x[None, :], np.expand_dims(g, -2)
    return g, x, y


def _matmul_dx(g: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """g yᵀ, summed over broadcast batch axes."""
    g, x2, y2 = _as_matrices(g, x, y)
    return unbroadcast(g @ np.swapaxes(y2, -1, -2), x2.shape).reshape(x.shape)


def _matmul_dy(g: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """xᵀ g, summed over broadcast batch axes."""
    g, x2, y2 = _as_matrices(g, x, y)
    return unbroadcast(np.swapaxes(x2, -1, -2) @ g, y2.shape).reshape(y.shape)


def _scatter(g: np.ndarray, shape: Shape, index) -> np.ndarray:
    """Zeros of `shape` with g added at `index` (repeated indices add up)."""
    z = np.zeros(shape, g.dtype)
    np.add.at(z, index, g)
    return z


def _filled(shape: Shape, value: float, dtype, strides: tuple[int, ...]) -> np.ndarray:
    """An array of `shape` filled with `value`, its axes in memory in the order of `strides`."""
    order = sorted(range(len(shape)), key=lambda a: -strides[a])
    return np.full([shape[a] for a in order], value, dtype).transpose(np.argsort(order))


def _pad(x: np.ndarray, widths: tuple[tuple[int, int], ...], value: float) -> np.ndarray:
    """x surrounded by `value`: widths[i] = (before, after) for axis i.

    Laid out in memory as x is (np.pad makes C order): after a convolution, whose output is
    channels-last in memory, the next im2col copy then moves runs of channels.
    """
    shape = tuple(lo + n + hi for (lo, hi), n in zip(widths, x.shape))
    z = _filled(shape, value, x.dtype, x.strides)
    _crop(z, widths)[...] = x
    return z


def _crop(g: np.ndarray, widths: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The inverse of _pad: cut the border back off."""
    return g[tuple(slice(lo, n - hi) for (lo, hi), n in zip(widths, g.shape))]


def _windows(x: np.ndarray, kernel: Shape, stride: Shape, dilation: Shape) -> np.ndarray:
    """Sliding windows over the last two axes, (..., H, W) -> (..., OH, OW, KH, KW), as a view."""
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, span, axis=(-2, -1))
    return view[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _windows_vjp(g, ans, x, kernel: Shape, stride: Shape, dilation: Shape) -> np.ndarray:
    """Add each window's cotangent back onto the pixels it covered (col2im), tap by tap."""
    # z is laid out in memory as g's windows are (channels last after im2col), so each tap's add
    # walks both arrays in memory order
    z = _filled(x.shape, 0.0, g.dtype, g.strides[: x.ndim])
    oh, ow = g.shape[-4:-2]
    for i, j in product(range(kernel[0]), range(kernel[1])):
        rows = slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0])
        cols = slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1, stride[1])
        z[..., rows, cols] += g[..., i, j]
    return z


# Arithmetic goes through Python's operators rather than np.add & co.: the same ufuncs for arrays,
# but on NumPy scalars (a 0-d result) they skip the ufunc machinery, ten times faster.
# --8<-- [start:primitives]
PRIMITIVES: dict[str, Primitive] = {
    "add": Primitive(  # d(x + y) = dx + dy
        operator.add,
        lambda g, ans, x, y: g,
        lambda g, ans, x, y: g,
        broadcasting=True,
    ),
    "mul": Primitive(  # d(xy) = y dx + x dy
        operator.mul,
        lambda g, ans, x, y: g * y,
        lambda g, ans, x, y: g * x,
        broadcasting=True,
    ),
    "pow": Primitive(  # d(x^y) = y x^(y-1) dx + x^y ln(x) dy
        operator.pow,
        lambda g, ans, x, y: g * y * x ** (y - 1),
        lambda g, ans, x, y: g * ans * np.log(x),
        broadcasting=True,
    ),
    "matmul": Primitive(  # d(xy) = dx y + x dy
        operator.matmul,
        lambda g, ans, x, y: _matmul_dx(g, x, y),
        lambda g, ans, x, y: _matmul_dy(g, x, y),
    ),
    "neg": Primitive(operator.neg, lambda g, ans, x: -g),  # d(-x) = -dx
    "log": Primitive(np.log, lambda g, ans, x: g / x),  # d(ln x) = dx / x
    "exp": Primitive(np.exp, lambda g, ans, x: g * ans),  # d(e^x) = e^x dx
    "tanh": Primitive(np.tanh, lambda g, ans, x: g * (1 - ans * ans)),  # d(tanh x) = (1-tanh²x)dx
    "relu": Primitive(  # d(max(x, 0)) = [x > 0] dx
        lambda x: np.maximum(x, 0),
        lambda g, ans, x: g * (x > 0),
    ),
    "sum": Primitive(  # d(Σ x) = Σ dx: every summand receives g
        np.sum,
        lambda g, ans, x, axis, keepdims: _unreduce(g, x.shape, axis, keepdims),
    ),
    "max": Primitive(np.max, _max_vjp),  # d(max x) = dx at the argmax (ties split evenly)
    "reshape": Primitive(  # same numbers, new shape: reshape g back
        lambda x, shape: x.reshape(shape),
        lambda g, ans, x, shape: g.reshape(x.shape),
    ),
    "transpose": Primitive(  # a permutation of axes: undo it with the inverse permutation
        np.transpose,
        lambda g, ans, x, axes: np.transpose(g, np.argsort(axes)),
    ),
    "getitem": Primitive(  # d(x[i]) = dx[i]: g goes back to where it was read from
        lambda x, index: x[index],
        lambda g, ans, x, index: _scatter(g, x.shape, index),
    ),
    "pad": Primitive(  # the border is constant: crop it off g
        _pad,
        lambda g, ans, x, widths, value: _crop(g, widths),
    ),
    "windows": Primitive(_windows, _windows_vjp),  # im2col view; pixels sum g over their windows
}
# --8<-- [end:primitives]
