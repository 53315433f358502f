"""Higher orders: second and third derivatives of every primitive, Hessians, hvp, nesting."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gradcheck import (
    assert_close,
    assert_derivative_matches_differences,
    derivative,
    directions,
    torch_derivative,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import STEPS, expression, sheet
from test_ops import CASES, Case, case_id

from backprop import Tensor, grad, gradients, hessian, hvp, nn, value_and_grad


def variables(case: Case, seed: int) -> list[np.ndarray]:
    """The case's inputs and a random cotangent u of its output: the variables V."""
    xs = case.inputs(seed)
    out = case.ours(*(Tensor(x) for x in xs))
    return [*xs, np.random.default_rng(seed + 1).standard_normal(out.shape)]


@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_higher_derivatives_match_torch(case: Case, order: int):
    values = variables(case, seed=3)
    ws = directions(values, order - 1, seed=4)
    for ours, theirs in zip(
        derivative(case.ours, values, ws), torch_derivative(case.theirs, values, ws)
    ):
        assert_close(ours, theirs, rtol=1e-10)


@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_higher_derivatives_match_differences_of_the_order_below(case: Case, order: int):
    values = variables(case, seed=5)
    assert_derivative_matches_differences(case.ours, values, directions(values, order - 1, 6))


def test_tied_maxima_share_every_derivative_like_torch_amax():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    values = [x, np.array([0.7, -1.3])]
    ws = directions(values, 1, seed=0)
    ours = derivative(lambda x: x.max(axis=1), values, ws)
    theirs = torch_derivative(lambda x: x.amax(dim=1), values, ws)
    for a, b in zip(ours, theirs):
        assert_close(a, b, rtol=1e-12)


def test_grad_composes_to_the_third_derivative_of_tanh():
    x = np.array([-1.5, -0.2, 0.4, 2.0])
    t = np.tanh(x)
    d1 = grad(lambda x: x.tanh().sum())
    d2 = grad(lambda x: d1(x).sum())
    d3 = grad(lambda x: d2(x).sum())
    np.testing.assert_allclose(d1(x), 1 - t**2, rtol=1e-14)
    np.testing.assert_allclose(d2(x), -2 * t * (1 - t**2), rtol=1e-13)
    np.testing.assert_allclose(d3(x), (1 - t**2) * (6 * t**2 - 2), rtol=1e-12)
    xt = torch.tensor(x, requires_grad=True)
    (g1,) = torch.autograd.grad(torch.tanh(xt).sum(), xt, create_graph=True)
    (g2,) = torch.autograd.grad(g1.sum(), xt, create_graph=True)
    (g3,) = torch.autograd.grad(g2.sum(), xt)
    np.testing.assert_allclose(d3(x), g3.numpy(), rtol=1e-13)


def test_grad_of_grad_of_the_sheet_function_is_the_closed_form():
    ln = np.log(3.0)
    d_xx = grad(grad(sheet, 0), 0)(3.0, 5.0)
    assert d_xx == pytest.approx(2 * 9 * (6 * ln**2 - 7 * ln + 3) / ln**4, rel=1e-13)
    assert grad(grad(sheet, 0), 1)(3.0, 5.0) == 0.0
    assert grad(grad(sheet, 1), 1)(3.0, 5.0) == -2.0
    assert isinstance(d_xx, np.ndarray) and d_xx.shape == ()


def test_results_are_tensors_inside_an_outer_grad_and_arrays_outside():
    seen = []

    def f(x):
        g = grad(lambda y: (y * y * x).sum())(x)
        seen.append(g)
        return g.sum()

    outer = grad(f)(np.array([1.0, 2.0]))
    assert isinstance(seen[0], Tensor) and isinstance(outer, np.ndarray)
    np.testing.assert_allclose(outer, [4.0, 8.0])  # the inner grad is 2yx at y = x: d/dx Σ 2x² = 4x


def test_argnums_tuples_compose():
    d_x_of_d_c = grad(lambda x, c: grad(sheet, argnums=(0, 1))(x, c)[1], argnums=(0, 1))
    assert [float(d) for d in d_x_of_d_c(3.0, 5.0)] == [0.0, -2.0]
    value, (d_x, d_c) = value_and_grad(grad(sheet, 0), argnums=(0, 1))(3.0, 5.0)
    assert value == pytest.approx(grad(sheet)(3.0, 5.0), rel=1e-15) and d_c == 0.0
    assert d_x == grad(grad(sheet, 0), 0)(3.0, 5.0)


def test_no_perturbation_confusion():
    # d/dx [x · d/dy (x + y)] at y = 1 is 1: the inner derivative is 1, whatever x is
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(2.0) == 1.0
    # the same with y = x: differentiating by the inner argument must not count the outer x
    assert grad(lambda x: x * grad(lambda y: x + y)(x))(2.0) == 1.0
    # d/dx [x · d/dy (x y)] = d/dx x² = 2x
    assert grad(lambda x: x * grad(lambda y: x * y)(x))(3.0) == 6.0


def test_backward_create_graph_leaves_differentiable_grads():
    x = Tensor(np.array([0.3, -0.8]), requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad
    np.testing.assert_allclose(x.grad.data, 3 * x.data**2)
    (second,) = gradients(x.grad.sum(), x)
    np.testing.assert_allclose(second, 6 * x.data)


def test_gradients_by_intermediates_leave_grad_alone():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    u = x * x
    y = (u.exp() * 3.0).sum()
    d_u, d_x = gradients(y, [u, x])
    np.testing.assert_allclose(d_u, 3 * np.exp(u.data))
    np.testing.assert_allclose(d_x, 3 * np.exp(u.data) * 2 * x.data)
    assert x.grad is None and u.grad is None
    d_x[0] = 0.0  # an array of its own
    (again,) = gradients(y, x)
    assert again[0] != 0.0
    (unused,) = gradients(y, Tensor(np.ones(3), requires_grad=True))
    np.testing.assert_array_equal(unused, np.zeros(3))


def flat(steps):
    """A random broadcasting expression of x (3, 4), y (4,), z (3, 1), as a function of one vector."""
    g = expression(steps)

    def f(theta):
        return g(theta[:12].reshape(3, 4), theta[12:16], theta[16:].reshape(3, 1))

    return f


@settings(max_examples=30, deadline=None)
@given(steps=STEPS, seed=st.integers(0, 2**16))
def test_hessians_of_random_expressions_match_torch(steps, seed):
    theta = np.random.default_rng(seed).uniform(-2, 2, 19)
    ours = hessian(flat(steps))(theta)
    theirs = torch.autograd.functional.hessian(flat(steps), torch.tensor(theta)).numpy()
    assert_close(ours, theirs, rtol=1e-8)
    assert_close(ours, ours.T, rtol=1e-12)
    v = np.random.default_rng(seed + 1).standard_normal(19)
    assert_close(hvp(flat(steps))(theta, v), ours @ v, rtol=1e-10)


def mlp_loss(w1, b1, w2, x, labels):
    """A small network's loss: tanh hidden layer, softmax cross-entropy."""
    return nn.cross_entropy((x @ w1 + b1).tanh() @ w2, labels)


def test_hvp_of_a_network_loss_matches_torch_and_the_hessian():
    rng = np.random.default_rng(0)
    w1, b1, w2 = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((4, 2))
    x, labels = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    vs = tuple(rng.standard_normal(p.shape) for p in (w1, b1, w2))
    ours = hvp(mlp_loss, argnums=(0, 1, 2))(w1, b1, w2, x, labels, vs)

    def loss_t(w1, b1, w2):
        h = torch.tanh(torch.from_numpy(x) @ w1 + b1)
        return F.cross_entropy(h @ w2, torch.from_numpy(labels))

    params_t = tuple(torch.tensor(p) for p in (w1, b1, w2))
    _, theirs = torch.autograd.functional.hvp(loss_t, params_t, tuple(map(torch.tensor, vs)))
    for a, b in zip(ours, theirs):
        assert_close(a, b.numpy(), rtol=1e-12)
    by_w2 = hessian(lambda w2: mlp_loss(Tensor(w1), b1, w2, x, labels))(w2)
    assert by_w2.shape == (4, 2, 4, 2)
    assert_close(
        hvp(mlp_loss, argnums=2)(w1, b1, w2, x, labels, vs[2]),
        np.tensordot(by_w2, vs[2], 2),
        rtol=1e-12,
    )


def conv_pool_loss(w, b, x):
    """conv2d (stride, padding, dilation) → tanh → max-pool with padding → squared sum."""
    h = nn.conv2d(x, w, b, stride=(1, 2), padding=1, dilation=(2, 1)).tanh()
    return (nn.max_pool2d(h, 2, padding=1) ** 2).sum()


def conv_pool_loss_torch(w, b, x):
    h = torch.tanh(F.conv2d(x, w, b, stride=(1, 2), padding=1, dilation=(2, 1)))
    return (F.max_pool2d(h, 2, padding=1) ** 2).sum()


def test_grad_of_grad_through_conv2d_and_max_pool_matches_torch():
    rng = np.random.default_rng(1)
    w, b, x = (
        rng.standard_normal((3, 2, 2, 3)),
        rng.standard_normal(3),
        rng.standard_normal((2, 2, 6, 7)),
    )
    v = rng.standard_normal(w.shape)
    ours = hvp(conv_pool_loss)(w, b, x, v)
    wt = torch.tensor(w, requires_grad=True)
    (g,) = torch.autograd.grad(
        conv_pool_loss_torch(wt, torch.tensor(b), torch.tensor(x)), wt, create_graph=True
    )
    (theirs,) = torch.autograd.grad((g * torch.tensor(v)).sum(), wt)
    assert_close(ours, theirs.numpy(), rtol=1e-10)
    # and by the input image, a gradient of a gradient through pad, windows, fold and max
    d_x = grad(lambda x: (grad(conv_pool_loss)(w, b, x) ** 2).sum())(x)
    xt = torch.tensor(x, requires_grad=True)
    (g,) = torch.autograd.grad(conv_pool_loss_torch(wt, torch.tensor(b), xt), wt, create_graph=True)
    (theirs,) = torch.autograd.grad((g**2).sum(), xt)
    assert_close(d_x, theirs.numpy(), rtol=1e-10)


def test_float32_stays_float32_at_second_order():
    x = np.array([0.5, -1.0], np.float32)
    h = hessian(lambda x: (x.tanh() * x).sigmoid().sum())(x)
    assert h.dtype == np.float32


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"hessian needs f to return a scalar, got shape \(2,\)"):
        hessian(lambda x: x * 2.0)(np.ones(2))
    with pytest.raises(ValueError, match=r"grad needs f to return a scalar, got shape \(2,\)"):
        grad(lambda x: x.exp())(np.ones(2))
    with pytest.raises(ValueError, match=r"v has shape \(3,\) but its argument \(2,\)"):
        hvp(lambda x: (x * x).sum())(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="2 arguments to differentiate but 1 vectors"):
        hvp(lambda x, y: (x * y).sum(), argnums=(0, 1))(np.ones(2), np.ones(2), [np.ones(2)])
    with pytest.raises(TypeError, match="one argument's index"):
        hessian(lambda x, y: (x * y).sum(), (0, 1))
    with pytest.raises(NotImplementedError, match="nest grad or hvp instead"):
        grad(lambda x: hessian(lambda y: (x * y * y).sum())(x).sum())(np.ones(2))
    with pytest.raises(TypeError, match="inputs must be Tensors, got ndarray"):
        gradients(Tensor(np.ones(2), requires_grad=True).sum(), [np.ones(2)])


def test_array_and_tensor_grads_accumulate_into_each_other():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()  # an array .grad, 2x
    (x * x * x).sum().backward(create_graph=True)  # plus a recorded 3x²
    assert isinstance(x.grad, Tensor)
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 3 * x.data**2)
    y = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (y * y).sum().backward(create_graph=True)
    (y * 3.0).sum().backward()  # an array onto a Tensor .grad
    np.testing.assert_allclose(y.grad.data, 2 * y.data + 3.0)


def test_gradients_by_an_intermediate_never_pull_back_past_it():
    def nodes_made(depth: int) -> int:
        """Nodes a recorded gradient by u creates, with `depth` operations before u."""
        a = Tensor(np.array([0.5, 1.5]), requires_grad=True)
        for _ in range(depth):
            a = a.tanh()
        u = a * 2.0
        y = (u * u * a).sum()  # a path to y that bypasses u too
        before = Tensor(0.0)._serial
        gradients(y, u, create_graph=True)
        return Tensor(0.0)._serial - before

    assert nodes_made(1) == nodes_made(30)
