"""grad and value_and_grad: the derivative as a function."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine import DF_DC, DF_DX, F_VALUE, sheet

from backprop import Tensor, grad, value_and_grad


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
