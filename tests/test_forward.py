"""Forward mode (dual numbers) against reverse mode, closed forms and torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_engine import DF_DC, DF_DX, F_VALUE, sheet

from backprop import Tensor, grad, jvp
from backprop.forward import Dual


def test_jvp_of_the_sheet_function_gives_both_partials():
    value, df_dx = jvp(sheet, (3.0, 5.0), (1.0, 0.0))
    _, df_dc = jvp(sheet, (3.0, 5.0), (0.0, 1.0))
    assert value == pytest.approx(F_VALUE, rel=1e-15)
    assert df_dx == pytest.approx(DF_DX, rel=1e-14) and df_dc == pytest.approx(DF_DC, rel=1e-15)


def test_one_function_runs_on_tensor_dual_and_torch():
    results = [
        sheet(Tensor(3.0), Tensor(5.0)).item(),
        float(sheet(Dual(3.0), Dual(5.0)).value),
        sheet(
            torch.tensor(3.0, dtype=torch.float64), torch.tensor(5.0, dtype=torch.float64)
        ).item(),
    ]
    assert results == pytest.approx([F_VALUE] * 3, rel=1e-15)


def test_jvp_of_a_curve_in_r_n_matches_its_closed_form():
    a = np.array([0.5, -1.0, 2.0])
    t = 0.3
    _, velocity = jvp(lambda t: (t * a).tanh() + (t**2).exp(), (t,), (1.0,))
    expected = a * (1 - np.tanh(a * t) ** 2) + 2 * t * np.exp(t**2)
    np.testing.assert_allclose(velocity, expected, rtol=1e-14)


def field(x):
    """f: R³ → R², built from exp, tanh, log, pow, division and sums."""
    y = (x * x + 1).log() / (x.tanh() + 2)
    return (y**3).sum() * np.array([1.0, -0.5]) + x.exp().sum() ** 0.5


def test_forward_and_reverse_mode_build_the_same_jacobian():
    x = np.array([0.3, -1.2, 0.8])
    columns = [jvp(field, (x,), (e,))[1] for e in np.eye(3)]
    rows = [grad(lambda x, u=u: (field(x) * u).sum())(x) for u in np.eye(2)]
    np.testing.assert_allclose(np.stack(columns, axis=1), np.stack(rows), rtol=1e-13)


A = np.random.default_rng(1).normal(size=(2, 3))  # a constant for the reflected matmul
METHODS = {  # name -> (function, shapes of its inputs): every Tensor method Dual also has
    "matmul": (lambda a, b: a @ b, [(3, 4), (4, 2)]),
    "rmatmul by a constant": (lambda a: A @ a, [(3, 2)]),
    "getitem": (lambda a: a[1:, ::2], [(3, 4)]),
    "relu": (lambda a: a.relu(), [(3, 4)]),
    "sigmoid": (lambda a: a.sigmoid(), [(3, 4)]),
    "mean over an axis": (lambda a: a.mean(axis=0), [(3, 4)]),
    "mean of all": (lambda a: a.mean(), [(3, 4)]),
    "max of all": (lambda a: a.max(), [(3, 4)]),
    "max over an axis, kept": (lambda a: a.max(axis=1, keepdims=True), [(3, 4)]),
    "reshape": (lambda a: a.reshape(2, 6), [(3, 4)]),
    "transpose": (lambda a: a.transpose(), [(3, 4)]),
    "transpose given axes": (lambda a: a.transpose((1, 0, 2)), [(2, 3, 4)]),
}


@pytest.mark.parametrize("name", METHODS)
def test_forward_mode_agrees_with_reverse_mode_on_every_method(name):
    """The dot-product test: u·(J v) from one jvp equals (Jᵀu)·v from one backward pass."""
    f, shapes = METHODS[name]
    rng = np.random.default_rng(0)
    primals = [rng.normal(size=s) for s in shapes]
    tangents = [rng.normal(size=s) for s in shapes]
    value, jv = jvp(f, primals, tangents)
    leaves = [Tensor(p, requires_grad=True) for p in primals]
    u = rng.normal(size=np.shape(value))
    out = f(*leaves)
    np.testing.assert_allclose(value, out.data, rtol=1e-15)  # the same value in both modes
    out.backward(u)
    # a handful of float64 operations either way: round-off only
    assert np.sum(u * jv) == pytest.approx(
        sum(np.sum(leaf.grad * t) for leaf, t in zip(leaves, tangents)), rel=1e-12
    )


def test_tied_maxima_share_the_derivative_in_both_modes():
    x, v = np.array([1.0, 3.0, 3.0]), np.array([0.0, 1.0, 0.5])
    _, tangent = jvp(lambda a: a.max(), (x,), (v,))
    assert tangent == pytest.approx(0.75)  # the mean of the tied maxima's tangents
    assert grad(lambda a: a.max())(x) == pytest.approx([0.0, 0.5, 0.5])


def test_dual_exponent_and_reflected_operators():
    _, tangent = jvp(lambda x, y: 2**x / (1 - y) + x**y, (1.5, 0.5), (1.0, 1.0))
    _, along_y = jvp(lambda x, y: x**y, (1.5, 0.5), (0.0, 2.0))  # (x^y)' = x^y ln x · y'
    assert along_y == pytest.approx(1.5**0.5 * np.log(1.5) * 2.0, rel=1e-14)
    x, y = 1.5, 0.5
    expected = 2**x * np.log(2) / (1 - y) + 2**x / (1 - y) ** 2
    expected += y * x ** (y - 1) + x**y * np.log(x)
    assert tangent == pytest.approx(expected, rel=1e-14)


def test_dual_errors_name_the_problem():
    with pytest.raises(TypeError, match="str"):
        Dual(1.0) + "1"
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(sheet, (3.0, 5.0), (1.0,))


def test_relu_has_derivative_0_at_0_in_forward_mode_too():
    _, tangent = jvp(lambda a: a.relu(), (np.array([-1.0, 0.0, 2.0]),), (np.ones(3),))
    np.testing.assert_array_equal(tangent, [0.0, 0.0, 1.0])


def test_negation_and_a_constant_over_a_dual():
    """(−a)' = −a' and (c/a)' = −c a'/a², at a = 2, a' = 3, c = 5."""
    a = Dual(2.0, 3.0)
    assert ((-a).value, (-a).tangent) == (-2.0, -3.0)
    quotient = 5.0 / a
    assert (quotient.value, quotient.tangent) == (2.5, -5.0 * 3.0 / 4.0)
    difference = 5.0 - a
    assert (difference.value, difference.tangent) == (3.0, -3.0)


def test_duals_are_float64_whatever_they_are_made_of():
    for value, tangent in [(3, 1), (np.float32(0.5), np.float32(2.0)), ([1, 2], [0, 1])]:
        dual = Dual(value, tangent)
        assert dual.value.dtype == dual.tangent.dtype == np.float64


def test_sums_and_means_keep_or_drop_the_axis_as_asked():
    a = Dual(np.arange(6.0).reshape(2, 3), np.ones((2, 3)))
    assert a.sum().shape == () and a.sum(axis=0).shape == (3,)
    kept = a.sum(axis=1, keepdims=True)
    assert kept.value.shape == kept.tangent.shape == (2, 1)
    np.testing.assert_array_equal(kept.tangent, [[3.0], [3.0]])
    mean = a.mean(axis=0, keepdims=True)
    assert mean.value.shape == mean.tangent.shape == (1, 3)
    np.testing.assert_array_equal(mean.value, [[1.5, 2.5, 3.5]])
