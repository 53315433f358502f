"""grad and value_and_grad: the derivative as a function, over functions of Tensors."""

from collections.abc import Callable, Sequence

import numpy as np

from backprop.engine import Tensor

Gradients = np.ndarray | tuple[np.ndarray, ...]


def value_and_grad(
    f: Callable[..., Tensor], argnums: int | Sequence[int] = 0
) -> Callable[..., tuple[np.ndarray, Gradients]]:
    """x ↦ (f(x), ∇f(x)) for a scalar-valued f, as arrays (0-d for scalars).

    Arguments in `argnums` become fresh leaves (the caller's tensors are left alone); other
    floats and float arrays become constant Tensors, anything else (int labels...) passes as is.
    An int `argnums` gives one gradient, a tuple a tuple of them.
    """
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    def value_and_grad_f(*args) -> tuple[np.ndarray, Gradients]:
        args = [_constant(a) for a in args]
        for i in nums:
            args[i] = Tensor(args[i].data if isinstance(args[i], Tensor) else args[i], True)
        out = f(*args)
        if out.requires_grad:  # otherwise f ignores the arguments: zero gradients
            out.backward()
        grads = tuple(_gradient(args[i]) for i in nums)
        return out.data, grads[0] if isinstance(argnums, int) else grads

    return value_and_grad_f


def grad(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., Gradients]:
    """x ↦ ∇f(x): value_and_grad without the value."""
    value_and_grad_f = value_and_grad(f, argnums)
    return lambda *args: value_and_grad_f(*args)[1]


def _constant(x):
    """Floats and float arrays as constant Tensors, so f can use Tensor methods on them."""
    is_float = isinstance(x, float) or (isinstance(x, np.ndarray) and x.dtype.kind == "f")
    return Tensor(x) if is_float else x


def _gradient(leaf: Tensor) -> np.ndarray:
    """The leaf's gradient; zeros if the output does not depend on it."""
    return np.zeros_like(leaf.data) if leaf.grad is None else leaf.grad
