"""grad, value_and_grad, hvp and hessian: derivatives as functions, over functions of Tensors.

They compose. While a grad evaluates its function, a grad called inside it records its backward
pass (create_graph) and returns Tensors, so grad(grad(f)) is f''; at the top level the results
are arrays.
"""

from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np

from backprop.engine import Tensor, as_tensor, gradients

Gradients = np.ndarray | Tensor | tuple
_depth = 0  # how many of these functions are evaluating f right now: > 0 means nested


def value_and_grad(
    f: Callable[..., Tensor], argnums: int | Sequence[int] = 0
) -> Callable[..., tuple[np.ndarray, Gradients]]:
    """x ↦ (f(x), ∇f(x)) for a scalar-valued f, as arrays (0-d for scalars); Tensors if nested.

    Arguments in `argnums` become fresh leaves (the caller's tensors are left alone); other
    floats and float arrays become constant Tensors, anything else (int labels...) passes as is.
    An int `argnums` gives one gradient, a tuple a tuple of them.
    """
    nums = _argnums(argnums)

    def value_and_grad_f(*args) -> tuple[np.ndarray, Gradients]:
        out, xs, nested = _evaluate(f, args, nums, "grad")
        grads = _gradients(out, xs, nested)
        return out if nested else out.data, grads[0] if isinstance(argnums, int) else grads

    return value_and_grad_f


def grad(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., Gradients]:
    """x ↦ ∇f(x): value_and_grad without the value."""
    value_and_grad_f = value_and_grad(f, argnums)
    return lambda *args: value_and_grad_f(*args)[1]


def hvp(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., Gradients]:
    """(*args, v) ↦ H·v, the Hessian of a scalar f by the `argnums` arguments times v (one array
    per argument), without forming H.

    Reverse over reverse: one backward pass recorded (∇f as Tensors), then one backward pass of
    the scalar ⟨∇f, v⟩ through it, which is Hv because H is symmetric.
    """
    nums = _argnums(argnums)

    def hvp_f(*args_and_v) -> Gradients:
        *args, v = args_and_v
        vs = (v,) if isinstance(argnums, int) else tuple(v)
        if len(vs) != len(nums):
            raise ValueError(f"hvp: {len(nums)} arguments to differentiate but {len(vs)} vectors")
        out, xs, nested = _evaluate(f, args, nums, "hvp")
        for x, vi in zip(xs, vs):
            if np.shape(vi) != x.shape:
                raise ValueError(f"hvp: v has shape {np.shape(vi)} but its argument {x.shape}")
        inner = sum(
            (g * as_tensor(vi)).sum() for g, vi in zip(_gradients(out, xs, True), vs, strict=True)
        )
        products = _gradients(inner, xs, nested)
        return products[0] if isinstance(argnums, int) else products

    return hvp_f


def hessian(f: Callable[..., Tensor], argnum: int = 0) -> Callable[..., np.ndarray]:
    """x ↦ ∇²f(x) for a scalar f, of shape x.shape + x.shape: (n, n) for a vector x.

    ∇f is recorded once; each row of the Hessian is then one backward pass through it.
    """
    # NB: returns an array, so it does not nest inside grad (grad and hvp do).
    if not isinstance(argnum, int):
        raise TypeError(f"hessian takes one argument's index (an int), got {argnum!r}")

    def hessian_f(*args) -> np.ndarray:
        if _depth:
            raise NotImplementedError("hessian does not nest inside grad: nest grad or hvp instead")
        out, (x,), _ = _evaluate(f, args, (argnum,), "hessian")
        (g,) = _gradients(out, [x], True)
        basis = np.eye(x.size, dtype=x.dtype).reshape(x.size, *x.shape)
        rows = [gradients(g, x, grad=e)[0] if g.requires_grad else 0 * e for e in basis]
        return np.stack(rows).reshape(x.shape + x.shape)

    return hessian_f


def _argnums(argnums: int | Sequence[int]) -> tuple[int, ...]:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


@contextmanager
def _nested():
    """While f runs, derivatives taken inside it know they are nested."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1


def _evaluate(f: Callable, args: tuple, nums: tuple[int, ...], name: str) -> tuple:
    """f(*args) with the `nums` arguments as the tensors to differentiate by: (out, those, nested).

    Nested, an argument that carries an outer derivative becomes a node of its own on top of the
    outer tensor: differentiating by that node counts f's uses of its argument and never the outer
    tensor's other uses (no perturbation confusion), while the outer derivative still flows
    through it. Otherwise it is a fresh leaf, and the caller's tensor is left alone.
    """
    nested = _depth > 0
    args = [_constant(a) for a in args]
    for i in nums:
        a = args[i]
        if nested and isinstance(a, Tensor) and a.requires_grad:
            args[i] = a.reshape(a.shape)  # the identity, as a new node
        else:
            args[i] = Tensor(a.data if isinstance(a, Tensor) else a, requires_grad=True)
    with _nested():
        out = as_tensor(f(*args))
    if out.size != 1:
        raise ValueError(f"{name} needs f to return a scalar, got shape {out.shape}")
    return out, [args[i] for i in nums], nested


def _gradients(out: Tensor, xs: list[Tensor], create_graph: bool) -> tuple:
    """gradients(out, xs), or zeros if out depends on none of them (nor on anything else)."""
    if out.requires_grad:
        return gradients(out, xs, create_graph=create_graph)
    zeros = [np.zeros_like(x.data) for x in xs]
    return tuple(Tensor(z) for z in zeros) if create_graph else tuple(zeros)


def _constant(x):
    """Floats and float arrays as constant Tensors, so f can use Tensor methods on them."""
    is_float = isinstance(x, float) or (isinstance(x, np.ndarray) and x.dtype.kind == "f")
    return Tensor(x) if is_float else x
