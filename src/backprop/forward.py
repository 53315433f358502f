"""Forward mode: dual numbers carry (value, tangent) through f, so jvp(f, x, v) = (f(x), J v).

Written from the calculus again, independently of the VJP table in ops.py: agreement between the
two modes is evidence, not a tautology. Values and tangents are float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from backprop.engine import _varargs  # reshape(2, 3) or reshape((2, 3)): the Tensor's parsing


class Dual:
    """A value and its tangent (directional derivative), propagated together."""

    __slots__ = ("tangent", "value")
    __array_ufunc__ = None  # NumPy defers to our reflected operators: array * dual is a Dual

    def __init__(self, value, tangent=0.0) -> None:
        self.value = np.asarray(value, np.float64)
        self.tangent = np.broadcast_to(np.asarray(tangent, np.float64), self.value.shape)

    def __add__(self, other) -> Dual:
        other = _dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __sub__(self, other) -> Dual:
        other = _dual(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)

    def __mul__(self, other) -> Dual:
        other = _dual(other)
        return Dual(
            self.value * other.value, self.tangent * other.value + self.value * other.tangent
        )

    def __truediv__(self, other) -> Dual:
        """Quotient rule: (a/b)' = (a' b - a b') / b²."""
        a, b = self, _dual(other)
        return Dual(a.value / b.value, (a.tangent * b.value - a.value * b.tangent) / b.value**2)

    def __pow__(self, other) -> Dual:
        """(a^b)' = b a^(b-1) a' + a^b ln(a) b', the last term only for a dual exponent."""
        if not isinstance(other, Dual):
            p = np.asarray(other, np.float64)
            return Dual(self.value**p, p * self.value ** (p - 1) * self.tangent)
        a, b = self, other
        value = a.value**b.value
        return Dual(
            value,
            b.value * a.value ** (b.value - 1) * a.tangent + value * np.log(a.value) * b.tangent,
        )

    def __matmul__(self, other) -> Dual:
        """Product rule for matrices: (AB)' = A'B + AB'."""
        other = _dual(other)
        return Dual(
            self.value @ other.value, self.tangent @ other.value + self.value @ other.tangent
        )

    __radd__ = __add__
    __rmul__ = __mul__

    def __rmatmul__(self, other) -> Dual:
        return _dual(other) @ self

    def __rsub__(self, other) -> Dual:
        return _dual(other) - self

    def __rtruediv__(self, other) -> Dual:
        return _dual(other) / self

    def __rpow__(self, other) -> Dual:
        return _dual(other) ** self

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def log(self) -> Dual:
        return Dual(np.log(self.value), self.tangent / self.value)

    def exp(self) -> Dual:
        e = np.exp(self.value)
        return Dual(e, e * self.tangent)

    def tanh(self) -> Dual:
        t = np.tanh(self.value)
        return Dual(t, (1 - t**2) * self.tangent)

    def relu(self) -> Dual:
        """max(x, 0)' = [x > 0] x': at 0 the derivative is taken as 0, as reverse mode and torch do."""
        return Dual(np.maximum(self.value, 0), (self.value > 0) * self.tangent)

    def sigmoid(self) -> Dual:
        """σ' = σ(1 − σ), with σ(x) = (1 + tanh(x/2))/2 (no overflow for large |x|)."""
        s = (1 + np.tanh(self.value / 2)) / 2
        return Dual(s, s * (1 - s) * self.tangent)

    def sum(self, axis=None, keepdims: bool = False) -> Dual:
        return Dual(
            self.value.sum(axis, keepdims=keepdims), self.tangent.sum(axis, keepdims=keepdims)
        )

    def mean(self, axis=None, keepdims: bool = False) -> Dual:
        total = self.sum(axis, keepdims)
        return total / (self.value.size // total.value.size)

    def max(self, axis=None, keepdims: bool = False) -> Dual:
        """Tied maxima share the derivative: the mean of their tangents (torch.amax's rule)."""
        at_max = self.value == self.value.max(axis, keepdims=True)
        count = at_max.sum(axis, keepdims=keepdims)
        tangent = np.where(at_max, self.tangent, 0).sum(axis, keepdims=keepdims) / count
        return Dual(self.value.max(axis, keepdims=keepdims), tangent)

    def __getitem__(self, index) -> Dual:
        return Dual(self.value[index], self.tangent[index])

    def reshape(self, *shape) -> Dual:
        """reshape(2, 3) or reshape((2, 3)), as in NumPy."""
        shape = _varargs(shape)
        return Dual(self.value.reshape(shape), self.tangent.reshape(shape))

    def transpose(self, *axes) -> Dual:
        """Permute axes (reverse them if none are given), as in NumPy."""
        axes = _varargs(axes) or None
        return Dual(self.value.transpose(axes), self.tangent.transpose(axes))

    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, tangent={self.tangent!r})"


def _dual(x) -> Dual:
    """A constant's dual: its tangent is zero."""
    if isinstance(x, Dual):
        return x
    if isinstance(x, int | float | np.ndarray | np.generic | list):
        return Dual(x)
    raise TypeError(f"unsupported operand type for Dual: {type(x).__name__}")


def jvp(
    f: Callable[..., Dual], primals: Sequence, tangents: Sequence
) -> tuple[np.ndarray, np.ndarray]:
    """(f(*primals), J·tangents): push the tangents through f with dual numbers."""
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    out = f(*(Dual(p, t) for p, t in zip(primals, tangents)))
    return out.value, np.array(out.tangent)
