"""Tensor: a NumPy array that records the primitives applied to it, and the backward pass."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import count
from operator import attrgetter

import numpy as np

from backprop.ops import ARRAY, PRIMITIVES

NDARRAY = ARRAY[0]  # np.ndarray, as a name: the hot loops below skip a module lookup


def _as_float_array(data) -> np.ndarray:
    """Float arrays keep their dtype (float32 stays float32); ints, bools, lists become float64."""
    array = np.asarray(data)
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise TypeError(f"cannot make a Tensor from {type(data).__name__} (dtype {array.dtype})")


_serials = count()  # every Tensor's serial number, in creation order
_by_serial = attrgetter("_serial")


def apply(op: str, *inputs: Tensor, **params) -> Tensor:
    """Run primitive `op` forward and record it: the one place graph nodes are made."""
    arrays, requires_grad = [], False
    for t in inputs:  # a plain loop: on scalars a comprehension costs more than the arithmetic
        data = t.data
        if type(data) is NDARRAY and not data.ndim:
            data = data[()]  # a 0-d leaf as a NumPy scalar: 5x cheaper arithmetic, here and in VJPs
        arrays.append(data)
        requires_grad = requires_grad or t.requires_grad
    try:
        data = PRIMITIVES[op].forward(*arrays, **params)
    except ValueError as error:
        shapes = " and ".join(str(a.shape) for a in arrays)
        raise ValueError(f"{op}: cannot apply to shapes {shapes}: {error}") from error
    # the VJP rules will read the arrays this forward pass used; as a tuple, not the list: holding
    # no Python objects that can form cycles, the collector untracks it, so a deep graph brings on
    # fewer full garbage collections (each of which walks the whole heap)
    return _record(data, requires_grad, op, inputs, tuple(arrays), params)


def _record(
    data, requires_grad: bool, op: str | None, parents: tuple, inputs: tuple, params: dict
) -> Tensor:
    """A Tensor holding `data` exactly as given: a primitive's result, or a lifted constant."""
    out = Tensor.__new__(Tensor)
    out.data, out.grad, out.requires_grad, out._retains_grad = data, None, requires_grad, False
    out.op, out.parents, out._inputs, out._params = op, parents, inputs, params
    out._serial = next(_serials)
    return out


def _binary(f: Callable[[Tensor, Tensor], Tensor]) -> tuple[Callable, Callable]:
    """The pair of dunders (x op y, y op x); an unsupported operand gets Python's TypeError."""

    def method(self: Tensor, other) -> Tensor:
        other = self._lift(other)
        return NotImplemented if other is None else f(self, other)

    def reflected(self: Tensor, other) -> Tensor:
        other = self._lift(other)
        return NotImplemented if other is None else f(other, self)

    return method, reflected


class Tensor:
    """An array in the computation graph: `.data` is the ndarray itself, `.grad` its adjoint.

    `.grad` of a leaf (or of a tensor that called `retain_grad`) ACCUMULATES across backward
    calls, in place, as in PyTorch: reset it with `t.grad = None`. A float ndarray passed in is
    shared, not copied, so `p.data -= lr * p.grad` updates the caller's array too.

    A 0-d result of an operation holds a NumPy scalar (np.float64), as NumPy's own arithmetic
    returns: scalar arithmetic skips the array machinery, the fast path for scalar graphs.
    Leaves (what you create) always hold an ndarray, so in-place updates reach them.
    """

    __slots__ = (
        "_inputs",
        "_params",
        "_retains_grad",
        "_serial",
        "data",
        "grad",
        "op",
        "parents",
        "requires_grad",
    )
    __array_ufunc__ = None  # NumPy defers to our reflected operators: array * tensor is a Tensor

    def __init__(self, data, requires_grad: bool = False) -> None:
        self.data: np.ndarray = _as_float_array(data)
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self.op: str | None = None  # the primitive that made this tensor; None for leaves
        self.parents: tuple[Tensor, ...] = ()  # its inputs, in order: a + a has (a, a)
        self._inputs: tuple = ()  # the parents' arrays, as the forward pass read them
        self._params: dict = {}
        self._retains_grad = False
        self._serial = next(_serials)  # creation order (see topological_order)

    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    T = property(lambda self: self.transpose())

    def _lift(self, other) -> Tensor | None:
        """Other operand as a constant Tensor; Python numbers take our dtype, like NumPy's."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, int | float):  # a NumPy scalar, like a 0-d result (see the class)
            return _record(self.data.dtype.type(other), False, None, (), (), {})
        if isinstance(other, np.ndarray | np.generic | list):
            array = np.asarray(other)  # a mask takes our dtype, as NumPy's bool * float32 does
            return Tensor(array.astype(self.dtype) if array.dtype == bool else array)
        return None

    __add__, __radd__ = _binary(partial(apply, "add"))
    __mul__, __rmul__ = _binary(partial(apply, "mul"))
    __pow__, __rpow__ = _binary(partial(apply, "pow"))
    __matmul__, __rmatmul__ = _binary(partial(apply, "matmul"))
    __sub__, __rsub__ = _binary(lambda x, y: x + -y)
    __truediv__, __rtruediv__ = _binary(lambda x, y: x * y**-1)

    def __neg__(self) -> Tensor:
        return apply("neg", self)

    def __getitem__(self, index) -> Tensor:
        return apply("getitem", self, index=index)

    def log(self) -> Tensor:
        return apply("log", self)

    def exp(self) -> Tensor:
        return apply("exp", self)

    def tanh(self) -> Tensor:
        return apply("tanh", self)

    def relu(self) -> Tensor:
        return apply("relu", self)

    def sigmoid(self) -> Tensor:
        """σ(x) = (1 + tanh(x/2)) / 2: the same function as 1 / (1 + e^-x), without overflow."""
        return (self * 0.5).tanh() * 0.5 + 0.5

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        return apply("sum", self, axis=_axis(axis), keepdims=keepdims)

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        total = self.sum(axis, keepdims)
        return total / (self.size // total.size)

    def max(self, axis=None, keepdims: bool = False) -> Tensor:
        """Largest entries; the gradient goes to the maxima, ties sharing it evenly (torch.amax)."""
        return apply("max", self, axis=_axis(axis), keepdims=keepdims)

    def reshape(self, *shape) -> Tensor:
        """reshape(2, 3) or reshape((2, 3)), as in NumPy."""
        return apply("reshape", self, shape=_varargs(shape))

    def transpose(self, *axes) -> Tensor:
        """Permute axes (reverse them if none are given), as in NumPy."""
        axes = _varargs(axes) or tuple(reversed(range(self.ndim)))
        return apply("transpose", self, axes=tuple(a % self.ndim for a in axes))

    def retain_grad(self) -> None:
        """Keep this intermediate's adjoint in `.grad` after backward (leaves always do)."""
        self._retains_grad = True

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The ndarray itself (shared, like torch's .numpy()); a 0-d result as a 0-d array."""
        return np.asarray(self.data)

    def __repr__(self) -> str:
        notes = [f"dtype={self.dtype}"] if self.dtype != np.float64 else []
        if self.op is not None:
            notes.append(f"op={self.op!r}")
        elif self.requires_grad:
            notes.append("requires_grad=True")
        body = np.array2string(self.data, separator=", ", prefix="Tensor(", floatmode="unique")
        return f"Tensor({', '.join([body, *notes])})"

    def backward(self, grad=None, create_graph: bool = False) -> None:
        """Add d(self)/d(leaf)ᵀ·grad into each leaf's .grad; `grad` defaults to 1 for a scalar.

        With `create_graph` the .grads are Tensors, recorded on the graph: differentiable again.
        """
        # NB: the graph is kept afterwards (PyTorch frees it unless retain_graph=True), so a second
        #     backward() simply accumulates again.
        seed, owned = self._seed(grad, create_graph)
        _backpropagate(self, seed, owned, _ancestors(self), None, create_graph)

    def _seed(self, grad, create_graph: bool) -> tuple:
        """The cotangent backward starts from (given, or 1 for a single-element tensor), and the
        set of nodes whose buffer the pass allocated (the seed's, if it made one)."""
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: "
                "make its inputs with requires_grad=True"
            )
        owned = set()
        if grad is None:
            if self.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a scalar, got shape {self.shape}: "
                    "pass grad= with that shape"
                )
            if self.ndim:
                seed, owned = np.ones(self.shape, self.dtype), {self}
            else:  # a 0-d result holds a NumPy scalar: its seed is one too (immutable, no buffer)
                seed = self.dtype.type(1)
        elif not isinstance(grad, Tensor):
            seed = np.asarray(grad, self.dtype)
        else:  # with create_graph, a cotangent may depend on what we differentiate
            seed = grad if create_graph else grad.data
        if seed.shape != self.shape:
            raise ValueError(f"gradient has shape {seed.shape} but the tensor has {self.shape}")
        if create_graph and not isinstance(seed, Tensor):
            seed = Tensor(seed)  # a constant: the cotangents built from it are Tensors
        return seed, owned

    def _add_to_grad(self, g, owned: bool) -> None:
        """Accumulate g into .grad; an array .grad is always one of its own, so += is safe.
        With a Tensor on either side (create_graph) the sum is recorded instead."""
        if self.grad is None:
            if type(g) is Tensor:
                self.grad = g
            else:
                self.grad = np.asarray(g, self.dtype) if owned else np.array(g, self.dtype)
        elif type(g) is Tensor or type(self.grad) is Tensor:
            self.grad = self.grad + g
        else:
            self.grad += g


def gradients(out: Tensor, inputs, grad=None, create_graph: bool = False) -> tuple:
    """d(out)/d(input)ᵀ·grad for each of `inputs` (any tensors of out's graph, not only leaves),
    leaving every .grad alone, as torch.autograd.grad does.

    Arrays of their own; with `create_graph`, Tensors on the graph, to differentiate again.
    An input that out does not depend on gets zeros.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not all(isinstance(t, Tensor) for t in inputs):
        kinds = ", ".join(type(t).__name__ for t in inputs)
        raise TypeError(f"gradients: inputs must be Tensors, got {kinds}")
    seed, owned = out._seed(grad, create_graph)
    graph = _between(inputs, out)
    final = _backpropagate(out, seed, owned, graph, set(inputs), create_graph)
    results = []
    for t in inputs:
        g = final.get(t)
        if g is None:
            g = Tensor(np.zeros(t.shape, t.dtype)) if create_graph else np.zeros(t.shape, t.dtype)
        elif not create_graph:
            g = np.asarray(g, t.dtype) if t in owned else np.array(g, t.dtype)
        results.append(g)
    return tuple(results)


def _backpropagate(root, seed, owned: set, graph: set, keep: set | None, create_graph: bool):
    """The backward pass from root's cotangent `seed` through `graph` (the nodes to pull back
    through): into the .grad of leaves and retain_grad nodes, or, given `keep`, only into a
    dict of the final cotangents of the nodes in it, which it returns.

    The same rules run on arrays, or with `create_graph` on the nodes themselves (Tensors), so
    the engine records them as it would any computation.
    """
    grads, final = {root: seed}, {}
    for node in sorted(graph, key=_by_serial, reverse=True):
        g = grads.pop(node)  # popped: each buffer is released once it has been used
        if keep is not None:
            if node in keep:
                final[node] = g
        elif node.op is None or node._retains_grad:
            node._add_to_grad(g, node in owned)
        if node.op is None:
            continue
        primitive = PRIMITIVES[node.op]
        if create_graph:
            ans, inputs = node, node.parents
        else:
            ans, inputs = node.data, node._inputs
        for i, parent in enumerate(node.parents):
            if parent in graph:
                g_parent = primitive.cotangent(i, g, ans, inputs, node._params)
                _accumulate(grads, owned, parent, g_parent, g)
    return final


def _axis(axis):
    """NumPy accepts axis lists; keep them as tuples."""
    return tuple(axis) if isinstance(axis, list) else axis


def _varargs(args: tuple) -> tuple:
    """f(2, 3) and f((2, 3)) mean the same, as in NumPy's reshape and transpose."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], tuple | list) else args


def as_tensor(x) -> Tensor:
    """x itself if it is a Tensor, else a constant Tensor of it."""
    return x if isinstance(x, Tensor) else Tensor(x)


def topological_order(root: Tensor, *, grad_only: bool = False) -> list[Tensor]:
    """Every tensor root depends on, each after all its parents (root last).

    A tensor is always made after its parents, so creation order is a topological order: collect
    the graph with an explicit stack (no recursion, so no depth limit) and sort it by serial number.
    With `grad_only`, only the tensors a gradient flows into (backward skips constants).
    """
    return sorted(_ancestors(root, grad_only), key=_by_serial)


def _ancestors(root: Tensor, grad_only: bool = True) -> set[Tensor]:
    """root and every tensor it depends on (that requires grad, with `grad_only`)."""
    seen, stack = {root}, [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen and (parent.requires_grad or not grad_only):
                seen.add(parent)
                stack.append(parent)
    return seen


def _between(inputs: tuple[Tensor, ...], out: Tensor) -> set[Tensor]:
    """The nodes on a path from one of `inputs` to out: all a cotangent of out needs to cross."""
    ancestors = _ancestors(out)
    on_path = {t for t in inputs if t in ancestors}
    for node in sorted(ancestors, key=_by_serial):
        if any(parent in on_path for parent in node.parents):
            on_path.add(node)
    return on_path if out in on_path else set()


def _accumulate(grads: dict, owned: set, node: Tensor, g: np.ndarray, upstream: np.ndarray) -> None:
    """Add g into node's running total, in place only into a buffer nobody else can see."""
    if node not in grads:
        grads[node] = g
        # a fresh array of the rule's own (not upstream's g or a view of it) is ours to reuse;
        # a NumPy scalar (a 0-d result's cotangent) is immutable and never is
        if (
            type(g) is NDARRAY
            and g.flags.writeable
            and g is not upstream
            and not np.may_share_memory(g, upstream)
        ):
            owned.add(node)
    elif node in owned:
        grads[node] += g
    else:
        grads[node] = grads[node] + g
        owned.add(node)
