"""The primitives: one table of forward functions and VJP rules, plus `unbroadcast`.

A VJP rule maps the cotangent `g` of a primitive's output `ans` to the cotangent of one input,
`rule(g, ans, *inputs, **params)` (for add, mul and pow still at the broadcast shape: see
Primitive). Everything else (sub, div, mean, softmax, cross-entropy...) is
composed of these primitives and needs no rule of its own.

The rules are written with Python's operators, the methods ndarrays and Tensors share (sum,
reshape, transpose, indexing) and `call` for the table's other primitives, so one rule runs on
plain arrays (a first-order backward pass, at NumPy's speed) and on Tensors, where the engine
records it (`create_graph`): the backward pass is then a graph of these same primitives, and can
be differentiated again. broadcast, scatter and fold are in the table for that: they are the
transposes the rules of sum, getitem and windows need, so the table is closed under its own VJPs.
"""

import operator
from collections.abc import Callable
from itertools import product

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Rule = Callable[..., np.ndarray]
Shape = tuple[int, ...]
ARRAY, SCALAR = (np.ndarray, np.generic), np.generic  # names: faster than np.X in hot paths


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

    def cotangent(self, i: int, g, ans, inputs: tuple, params: dict):
        """The cotangent of input i, at that input's shape (a NumPy scalar, from a 0-d output,
        had nothing to broadcast)."""
        c = self.vjps[i](g, ans, *inputs, **params)
        if self.broadcasting and not isinstance(c, SCALAR):
            c = unbroadcast(c, inputs[i].shape)
        return c

    def vjp(self, g: np.ndarray, ans: np.ndarray, *inputs: np.ndarray, **params) -> tuple:
        """All cotangents at once, one per input: vjp(g, ans, *inputs, **params)."""
        return tuple(self.cotangent(i, g, ans, inputs, params) for i in range(len(self.vjps)))


def call(op: str, x, **params):
    """Primitive `op` of the table on x: its forward function on an array, recorded on a Tensor."""
    if isinstance(x, ARRAY):
        return PRIMITIVES[op].forward(x, **params)
    from backprop.engine import apply  # the engine imports this module, so not at the top

    return apply(op, x, **params)


def _value(x) -> np.ndarray:
    """The array of an array or of a Tensor: for masks, whose derivative is zero."""
    return x if isinstance(x, ARRAY) else x.data


def unbroadcast(g, shape: Shape):
    """Sum g over the axes NumPy broadcasting prepended or stretched, so it has `shape` again."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    stretched = tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


def _keepdims(g, shape: Shape, axis, keepdims: bool):
    """A reduction's output with the reduced axes of `shape` kept as length 1 (keepdims=True)."""
    if keepdims:
        return g
    axes = range(len(shape)) if axis is None else [a % len(shape) for a in np.atleast_1d(axis)]
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _max_vjp(g, ans, x, axis, keepdims: bool):
    """Route g to the maxima of x; tied maxima share it evenly, as torch.amax does."""
    winners = _value(x) == _keepdims(_value(ans), x.shape, axis, keepdims)
    # each maximum's share, computed at the reduced size and broadcast by the one product
    share = _keepdims(g, x.shape, axis, keepdims) / winners.sum(axis, keepdims=True, dtype=g.dtype)
    return winners * share


def _as_matrices(g, x, y) -> tuple:
    """Promote 1-D operands of x @ y (and g with them) to matrices, as np.matmul does."""
    if y.ndim == 1:
        y, g = y.reshape(-1, 1), g.reshape(*g.shape, 1)
    if x.ndim == 1:
        x, g = x.reshape(1, -1), g.reshape(*g.shape[:-1], 1, g.shape[-1])
    return g, x, y


def _mT(a):
    """a with its last two axes swapped: the transpose of a stack of matrices."""
    return a.transpose(*range(a.ndim - 2), a.ndim - 1, a.ndim - 2)


def _matmul_dx(g, x, y):
    """g yᵀ, summed over broadcast batch axes."""
    g, x2, y2 = _as_matrices(g, x, y)
    return unbroadcast(g @ _mT(y2), x2.shape).reshape(x.shape)


def _matmul_dy(g, x, y):
    """xᵀ g, summed over broadcast batch axes."""
    g, x2, y2 = _as_matrices(g, x, y)
    return unbroadcast(_mT(x2) @ g, y2.shape).reshape(y.shape)


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


def _crop(g, widths: tuple[tuple[int, int], ...]):
    """The inverse of _pad: cut the border back off."""
    return g[tuple(slice(lo, n - hi) for (lo, hi), n in zip(widths, g.shape))]


def _windows(x: np.ndarray, kernel: Shape, stride: Shape, dilation: Shape) -> np.ndarray:
    """Sliding windows over the last two axes, (..., H, W) -> (..., OH, OW, KH, KW), as a view."""
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, span, axis=(-2, -1))
    return view[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _fold(g: np.ndarray, shape: Shape, kernel: Shape, stride: Shape, dilation: Shape):
    """Add each window back onto the pixels of `shape` it covered (col2im), tap by tap."""
    # z is laid out in memory as g's windows are (channels last after im2col), so each tap's add
    # walks both arrays in memory order
    z = _filled(shape, 0.0, g.dtype, g.strides[: len(shape)])
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
        lambda g, ans, x, y: g * ans * call("log", x),
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
        lambda g, ans, x: g * (_value(x) > 0),
    ),
    "sum": Primitive(  # d(Σ x) = Σ dx: every summand receives g
        np.sum,
        lambda g, ans, x, axis, keepdims: call(
            "broadcast", _keepdims(g, x.shape, axis, keepdims), shape=x.shape
        ),
    ),
    "broadcast": Primitive(  # stretched copies: their cotangents add up (sum's transpose)
        np.broadcast_to,
        lambda g, ans, x, shape: unbroadcast(g, x.shape),
    ),
    "max": Primitive(np.max, _max_vjp),  # d(max x) = dx at the argmax (ties split evenly)
    "reshape": Primitive(  # same numbers, new shape: reshape g back
        lambda x, shape: x.reshape(shape),
        lambda g, ans, x, shape: g.reshape(x.shape),
    ),
    "transpose": Primitive(  # a permutation of axes: undo it with the inverse permutation
        np.transpose,
        lambda g, ans, x, axes: g.transpose(np.argsort(axes).tolist()),
    ),
    "getitem": Primitive(  # d(x[i]) = dx[i]: g goes back to where it was read from
        lambda x, index: x[index],
        lambda g, ans, x, index: call("scatter", g, shape=x.shape, index=index),
    ),
    "scatter": Primitive(  # zeros with x added at index: read g back at index (getitem's transpose)
        _scatter,
        lambda g, ans, x, shape, index: g[index],
    ),
    "pad": Primitive(  # the border is constant: crop it off g
        _pad,
        lambda g, ans, x, widths, value: _crop(g, widths),
    ),
    "windows": Primitive(  # im2col view; pixels sum g over their windows
        _windows,
        lambda g, ans, x, kernel, stride, dilation: call(
            "fold", g, shape=x.shape, kernel=kernel, stride=stride, dilation=dilation
        ),
    ),
    "fold": Primitive(  # windows added back onto the image (col2im): windows' transpose
        _fold,
        lambda g, ans, x, shape, kernel, stride, dilation: call(
            "windows", g, kernel=kernel, stride=stride, dilation=dilation
        ),
    ),
}
# --8<-- [end:primitives]
