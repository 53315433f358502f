"""grad and value_and_grad: the derivative as a function."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine import DF_DC, DF_DX, F_VALUE, sheet

from backprop import Tensor, grad, hessian, hvp, value_and_grad


def test_value_and_grad_of_the_sheet_function():
    value, (df_dx, df_dc) = value_and_grad(sheet, argnums=(0, 1))(3.0, 5.0)
    assert value == pytest.approx(F_VALUE, rel=1e-15)
    assert df_dx == pytest.approx(DF_DX, rel=1e-15) and df_dc == DF_DC
    assert isinstance(df_dx, np.ndarray) and df_dx.shape == ()


def test_an_int_argnums_gives_one_gradient():
    assert grad(sheet)(3.0, 5.0) == pytest.approx(DF_DX, rel=1e-15)
    assert grad(sheet, argnums=1)(3.0, 5.0) == DF_DC


def test_gradients_have_their_arguments_shapes():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    w = np.array([0.3, -0.7])
    dx, dw = grad(lambda x, w: ((x @ w).tanh() ** 2).sum(), argnums=(0, 1))(x, w)
    s = np.tanh(x @ w)
    np.testing.assert_allclose(dx, np.outer(2 * s * (1 - s**2), w), rtol=1e-14)
    np.testing.assert_allclose(dw, x.T @ (2 * s * (1 - s**2)), rtol=1e-14)


def test_the_callers_tensors_are_left_alone():
    x = Tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(grad(lambda x: (x * x).sum())(x), [2.0, 4.0])
    assert x.grad is None


def test_an_unused_argument_has_a_zero_gradient():
    np.testing.assert_array_equal(grad(lambda x, y: x.exp(), argnums=1)(0.0, np.ones(2)), [0, 0])


def test_the_hessian_of_a_linear_function_is_zero_in_the_arguments_dtype():
    x = np.ones(3, np.float32)
    h = hessian(lambda a: (a * 2.0).sum())(x)
    assert h.shape == (3, 3) and h.dtype == np.float32 and not h.any()
    np.testing.assert_array_equal(hessian(lambda a: (a * a).sum())(x), 2 * np.eye(3))


def test_grad_differentiates_the_first_argument_by_default_and_takes_python_floats():
    value, slope = value_and_grad(lambda a, b: a * b * b)(2.0, 3.0)
    assert (value, slope) == (18.0, 9.0)
    assert grad(lambda a: Tensor(5.0))(np.ones(2)).tolist() == [0.0, 0.0]  # f ignores a


def test_hessian_refuses_to_nest_and_says_what_to_use():
    with pytest.raises(NotImplementedError, match="^hessian does not nest inside grad: nest grad"):
        grad(lambda a: Tensor(hessian(lambda b: (b * b).sum())(a.data)).sum())(np.ones(2))


def test_nested_values_and_hessian_products_stay_on_the_graph():
    """d/da of the inner value a² is 2a; d/da Σ(H v) for f = Σb³ (H = diag 6b) is 6v."""
    assert grad(lambda a: value_and_grad(lambda b: b * b)(a)[0])(3.0) == 6.0
    v = np.array([1.0, -2.0])
    nested = grad(lambda a: hvp(lambda b: (b**3).sum())(a, v).sum())(np.array([0.5, 2.0]))
    np.testing.assert_allclose(nested, 6 * v, rtol=1e-15)


def test_derivatives_take_an_int_and_a_constant_function_has_zero_ones():
    assert grad(lambda a: a * a)(3) == 6.0
    np.testing.assert_array_equal(hvp(lambda a: Tensor(5.0))(np.ones(2), np.ones(2)), [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^hvp needs f to return a scalar, got shape \(2,\)$"):
        hvp(lambda a: a * 2.0)(np.ones(2), np.ones(2))
