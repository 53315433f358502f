"""The engine: the sheet's function, graph bookkeeping, accumulation, dtypes and error messages."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from gradcheck import assert_matches_torch
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.engine import Tensor, as_tensor, gradients, topological_order

# Exercise 1 at x = 3, c = 5 (FACTS.md; PyTorch float64 agrees to the last digit)
F_VALUE, DF_DX, DF_DC, DF_DU = 42.11137142490805, 48.75689335076091, -10.0, 16.38430607928307


def sheet(x, c):
    """f(x, c) = (x²/ln x + c)(x²/ln x − c), written once for Tensor, Dual and torch.Tensor."""
    u = x**2 / x.log()
    return (u + c) * (u - c)


def test_sheet_function_value_and_gradients():
    x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    f = sheet(x, c)
    f.backward()
    assert f.item() == pytest.approx(F_VALUE, rel=1e-15)
    assert x.grad == pytest.approx(DF_DX, rel=1e-15)
    assert c.grad == -10.0


def test_sheet_function_adjoint_of_u_is_2u():
    x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    u = x**2 / x.log()
    u.retain_grad()
    ((u + c) * (u - c)).backward()
    assert u.grad == pytest.approx(DF_DU, rel=1e-15)


def test_sheet_function_closed_form_and_torch():
    x = 3.0
    assert DF_DX == pytest.approx(2 * x**3 * (2 * np.log(x) - 1) / np.log(x) ** 3, rel=1e-14)
    assert_matches_torch(sheet, sheet, np.array(3.0), np.array(5.0), rtol=1e-15)


def test_reuse_counts_every_use():
    a = Tensor(1.5, requires_grad=True)
    b = a + a
    b.backward()
    assert b.parents == (a, a) and a.grad == 2.0
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0, 6.0])


def test_leaf_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * 2 * x.data)
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_gradients_are_arrays_of_their_own():
    a, b = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    (a + b).backward(np.array([1.0, 2.0, 3.0]))
    a.grad *= 10  # an in-place update of one gradient leaves the other alone
    np.testing.assert_array_equal(b.grad, [1.0, 2.0, 3.0])
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    x.sum().backward()
    assert x.grad.flags.writeable and x.grad.strides != (0, 0)


def test_a_100000_deep_chain_backprops_without_recursion():
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = -y
    y.backward()
    assert x.grad == 1.0 and len(topological_order(y)) == 100_001


def test_topological_order_puts_parents_first_and_root_last():
    x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    f = sheet(x, c)
    order = topological_order(f)
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is f and len(position) == len(order)
    assert all(position[p] < position[node] for node in order for p in node.parents)
    assert {node.op for node in order} == {None, "pow", "log", "mul", "add", "neg"}


def test_leaves_and_results():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    assert (x.op, x.parents) == (None, ()) and (y.op, y.parents) == ("exp", (x,))
    y.sum().backward()
    assert y.grad is None  # an intermediate keeps no gradient unless it asked to


def test_data_is_the_array_itself():
    w = np.array([1.0, 2.0])
    p = Tensor(w, requires_grad=True)
    (p * p).sum().backward()
    p.data -= 0.1 * p.grad
    np.testing.assert_allclose(w, [0.8, 1.6])
    assert p.numpy() is w


def test_numbers_on_either_side_and_arrays_on_either_side():
    t = Tensor([1.0, 2.0])
    a = np.array([3.0, 4.0])
    for result, expected in [
        (2 - t, [1.0, 0.0]),
        (2 / t, [2.0, 1.0]),
        (2**t, [2.0, 4.0]),
        (a * t, [3.0, 8.0]),
        (t - a, [-2.0, -2.0]),
        (a @ t, 11.0),
        (np.float64(2.0) * t, [2.0, 4.0]),
        ([1.0, 1.0] + t, [2.0, 3.0]),
    ]:
        assert isinstance(result, Tensor)
        np.testing.assert_array_equal(result.data, expected)


def test_dtypes_default_to_float64_and_float32_is_preserved():
    assert Tensor(3).dtype == Tensor([1, 2]).dtype == Tensor(True).dtype == np.float64
    x = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    w = Tensor(np.ones((3, 2), np.float32), requires_grad=True)
    y = ((x @ w) * 2.0 + 1).tanh().sigmoid().mean() / 3
    y.backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == np.float32


def test_repr_shows_value_and_provenance():
    x = Tensor(3.0, requires_grad=True)
    assert repr(x) == "Tensor(3., requires_grad=True)"
    assert repr(sheet(x, 5.0)) == "Tensor(42.11137142490805, op='mul')"
    assert "dtype=float32" in repr(Tensor(np.zeros(2, np.float32)))


def test_backward_of_a_non_scalar_needs_a_seed_and_says_the_shape():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2.0
    with pytest.raises(ValueError, match=r"needs a scalar, got shape \(2, 3\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"shape \(3,\) but the tensor has \(2, 3\)"):
        y.backward(np.ones(3))


def test_error_messages_name_the_problem():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"matmul: .*\(2, 3\) and \(2, 3\)"):
        a @ b
    with pytest.raises(TypeError, match="'Tensor' and 'str'"):
        a + "1"
    with pytest.raises(TypeError, match="from str"):
        Tensor("1")
    with pytest.raises(RuntimeError, match="does not require grad"):
        a.sum().backward()


UNARY = [
    lambda a: a.tanh(),
    lambda a: a.tanh().exp(),
    lambda a: (a * a + 1).log(),
    lambda a: a.sigmoid(),
    lambda a: -a,
    lambda a: a**2,
    lambda a: a.sum(0, True),
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1),
]
STEPS = st.lists(
    st.tuples(st.integers(0, len(UNARY) + len(BINARY) - 1), st.integers(0, 99), st.integers(0, 99)),
    min_size=1,
    max_size=8,
)


def expression(steps):
    """A random expression of x (3, 4), y (4,), z (3, 1) that runs on Tensors and torch tensors."""

    def f(*leaves):
        values = list(leaves)
        for op, i, j in steps:
            a, b = values[i % len(values)], values[j % len(values)]
            values.append(UNARY[op](a) if op < len(UNARY) else BINARY[op - len(UNARY)](a, b))
        return (values[-1] * values[0]).sum()

    return f


@settings(max_examples=40, deadline=None)
@given(steps=STEPS, seed=st.integers(0, 2**16))
def test_random_expressions_agree_with_torch(steps, seed):
    rng = np.random.default_rng(seed)
    leaves = [rng.uniform(-2, 2, shape) for shape in [(3, 4), (4,), (3, 1)]]
    assert_matches_torch(expression(steps), expression(steps), *leaves, rtol=1e-8)


def test_importing_the_engine_does_not_import_torch():
    code = "import sys, backprop, backprop.nn; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_callers_seed_is_never_a_leafs_grad():
    """backward(g) on a leaf: .grad starts as a copy of g, so accumulating leaves g alone."""
    x = Tensor([1.0, 2.0], requires_grad=True)
    g = np.array([1.0, 3.0])
    x.backward(g)
    x.backward(g)
    np.testing.assert_array_equal(x.grad, [2.0, 6.0])
    np.testing.assert_array_equal(g, [1.0, 3.0])


def test_transpose_takes_negative_axes_like_numpy():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = x.transpose(-1, 0, -2)
    np.testing.assert_array_equal(y.data, x.data.transpose(2, 0, 1))
    (y * np.arange(24.0).reshape(4, 2, 3)).sum().backward()
    np.testing.assert_array_equal(x.grad, np.arange(24.0).reshape(4, 2, 3).transpose(1, 2, 0))
    np.testing.assert_array_equal(x.T.data, x.data.T)


def test_relu_has_derivative_0_at_0_as_torch():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_integer_and_boolean_inputs_become_float64():
    for data in [np.array([1, 2], np.int32), np.array([1, 2], np.uint8), np.array([True, False])]:
        t = Tensor(data)
        assert t.dtype == np.float64
        np.testing.assert_array_equal(t.data, data.astype(np.float64))
    with pytest.raises(TypeError, match=r"from ndarray \(dtype complex128\)"):
        Tensor(np.array([1j]))


def test_backward_from_a_one_element_vector_seeds_it_with_one():
    x = Tensor([3.0], requires_grad=True)
    y = x * x
    y.backward()
    assert y.shape == (1,) and x.grad.shape == (1,)
    np.testing.assert_array_equal(x.grad, [6.0])
    y.backward()  # the seed of ones is the pass's own buffer: the second pass sees ones again
    np.testing.assert_array_equal(x.grad, [12.0])


def test_repr_of_a_matrix_lines_up_its_rows_under_the_first():
    assert repr(Tensor([[1.0, 2.0], [3.0, 4.0]])) == "Tensor([[1., 2.],\n        [3., 4.]])"


def test_gradients_of_an_input_out_does_not_use_are_zeros_like_it():
    x = Tensor(np.ones(2, np.float32), requires_grad=True)
    unused = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    out = (x * x).sum()
    for create_graph in (False, True):
        _, g = gradients(out, [x, unused], create_graph=create_graph)
        assert isinstance(g, Tensor) == create_graph
        zeros = g.data if create_graph else g
        assert zeros.shape == (2, 3) and zeros.dtype == np.float32 and not zeros.any()


def test_a_cotangent_on_the_graph_is_differentiated_through():
    """g = ∂(x²)/∂x ᵀ v = 2x·v, recorded with create_graph: ∂(Σg)/∂v = 2x."""
    x, v = Tensor([1.0, 2.0], requires_grad=True), Tensor([1.0, 1.0], requires_grad=True)
    (g,) = gradients(x * x, x, grad=v, create_graph=True)
    np.testing.assert_array_equal(g.data, [2.0, 4.0])
    (dv,) = gradients(g.sum(), v)
    np.testing.assert_array_equal(dv, [2.0, 4.0])


def test_gradients_name_what_is_not_a_tensor():
    x = Tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="^gradients: inputs must be Tensors, got Tensor, float$"):
        gradients(x * x, [x, 3.0])


def test_a_mean_keeps_the_axis_when_asked():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    m = x.mean(axis=1, keepdims=True)
    np.testing.assert_array_equal(m.data, [[1.0], [4.0]])
    m.sum().backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 1 / 3))


def test_gradients_are_in_each_inputs_dtype_and_never_the_callers_array():
    """float32 inputs of a float64 result get float32 gradients, whether the engine's last
    buffer was its own (x: mul's fresh product) or a view (z: reshape's); a seed comes back copied."""
    x = Tensor(np.ones(4, np.float32), requires_grad=True)
    z = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    w = Tensor(np.arange(4.0))
    gx, gz = gradients((x * w + z.reshape(4) * w).sum(), [x, z])
    assert gx.dtype == gz.dtype == np.float32
    np.testing.assert_array_equal(gz, [[0.0, 1.0], [2.0, 3.0]])
    v = np.array([1.0, 2.0])
    leaf = Tensor([3.0, 4.0], requires_grad=True)
    (same,) = gradients(leaf, leaf, grad=v)
    (viewed,) = gradients(leaf.reshape(2, 1), leaf, grad=v.reshape(2, 1))
    same[0] = viewed[0] = 7.0
    np.testing.assert_array_equal(v, [1.0, 2.0])


def test_as_tensor_wraps_anything_but_a_tensor():
    t = Tensor([1.0])
    assert as_tensor(t) is t
    made = as_tensor([1, 2])
    assert isinstance(made, Tensor) and not made.requires_grad and made.dtype == np.float64


def test_axes_may_be_given_as_a_list():
    x = Tensor(np.arange(6.0).reshape(1, 2, 3), requires_grad=True)
    y = x.sum(axis=[0, 2])
    np.testing.assert_array_equal(y.data, [3.0, 12.0])
    (y * np.array([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]])
    np.testing.assert_array_equal(x.max(axis=[1, 2]).data, [5.0])


def test_leaf_grads_take_the_leafs_dtype_and_accumulate_in_place():
    """A float32 leaf in a float64 graph gets a float32 .grad, by a fresh buffer (x: mul's) or a
    view (z: reshape's); a second backward adds into that same array, as the class says."""
    x = Tensor(np.ones(4, np.float32), requires_grad=True)
    z = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    w = Tensor(np.arange(4.0))
    out = (x * w + z.reshape(4) * w).sum()
    out.backward()
    assert x.grad.dtype == z.grad.dtype == np.float32
    held = x.grad
    out.backward()
    assert x.grad is held
    np.testing.assert_array_equal(held, 2 * np.arange(4.0))


def test_constants_lifted_into_a_graph_keep_numpys_dtype_rules():
    """A mask takes the tensor's dtype (as bool * float32 does in NumPy); a float64 array
    promotes a float32 tensor; a result of constants only requires no grad."""
    t = Tensor(np.ones(2, np.float32))
    assert (t * np.array([True, False])).dtype == np.float32
    assert (t * np.ones(2)).dtype == np.float64
    assert (Tensor([1.0]) * 2).requires_grad is False


def test_with_create_graph_every_grad_is_a_tensor():
    x = Tensor(2.0, requires_grad=True)
    (x + 1.0).backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.item() == 1.0


def test_backward_without_grad_says_how_to_ask_for_one():
    message = "^backward\\(\\) on a tensor that does not require grad: make its inputs with "
    with pytest.raises(RuntimeError, match=message + "requires_grad=True$"):
        Tensor(1.0).backward()


def test_a_tensor_seed_without_create_graph_gives_array_grads():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).backward(Tensor([1.0, 1.0]))
    assert type(x.grad) is np.ndarray
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_backward_of_a_non_scalar_says_how_to_seed_it():
    with pytest.raises(ValueError, match=r"got shape \(2,\): pass grad= with that shape$"):
        (Tensor([1.0, 2.0], requires_grad=True) * 2.0).backward()
