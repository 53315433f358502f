"""SGD, Adam and AdamW against torch.optim step by step, and Adam's closed forms (Exercise 2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np
import pytest
import torch

from backprop.optim import SGD, Adam, AdamW, adam_update, sgd_update

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


@dataclass
class Param:
    """A stand-in for backprop.Tensor (values and gradient), so these tests need no engine."""

    data: np.ndarray
    grad: np.ndarray | None = None


class Quadratic:
    """f(θ) = ½ Σ c·(θ − θ*)² over a 6×5 matrix and a 7-vector, badly scaled on purpose.

    Curvatures c span 1e-3..1e3 and the starting values' magnitudes 1e-3..1e3; the gradient
    c·(θ − θ* + ξₜ) carries a fixed noise sequence ξₜ so that m, v and v_max keep moving.
    """

    shapes = ((6, 5), (7,))

    def __init__(self, steps: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        scales = [rng.permutation(np.logspace(-3, 3, np.prod(s))).reshape(s) for s in self.shapes]
        self.c = [rng.permutation(s.ravel()).reshape(s.shape) for s in scales]
        self.theta_star = [rng.standard_normal(s.shape) for s in scales]
        self.theta0 = [rng.choice([-1.0, 1.0], s.shape) * s for s in scales]
        self.noise = [0.1 * rng.standard_normal((steps, *s)) for s in self.shapes]

    def grad(self, i: int, theta: np.ndarray, t: int) -> np.ndarray:
        """∂f/∂θ of parameter i at step t (noisy), in θ's dtype."""
        return (self.c[i] * (theta - self.theta_star[i] + self.noise[i][t])).astype(theta.dtype)


def torch_params(arrays: list[np.ndarray]) -> list[torch.Tensor]:
    """Leaf tensors holding copies of `arrays`, in their dtype."""
    return [torch.tensor(a.copy(), requires_grad=True) for a in arrays]


def agree_to_1e10(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Float64 agreement with torch, element by element, relative 1e-10."""
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=0)


def run_both(ours, theirs, params, tensors, problem: Quadratic, steps: range, check) -> None:
    """Step our optimizer and torch's side by side, each on its own trajectory, then `check`."""
    for t in steps:
        for i, (p, q) in enumerate(zip(params, tensors)):
            p.grad = problem.grad(i, p.data, t)
            q.grad = torch.from_numpy(problem.grad(i, q.detach().numpy(), t))
        ours.step()
        theirs.step()
        for p, q in zip(params, tensors):
            check(p.data, q.detach().numpy())


AGAINST_TORCH = [
    (SGD, torch.optim.SGD, {"lr": 1e-3}),
    (SGD, torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9}),
    (SGD, torch.optim.SGD, {"lr": 1e-3, "weight_decay": 1e-2}),
    (SGD, torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9, "weight_decay": 1e-2}),
    (Adam, torch.optim.Adam, {"lr": 1e-2}),
    (Adam, torch.optim.Adam, {"lr": 1e-2, "weight_decay": 0.1}),
    (Adam, torch.optim.Adam, {"lr": 1e-2, "amsgrad": True}),
    (Adam, torch.optim.Adam, {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    (AdamW, torch.optim.AdamW, {"lr": 1e-2}),
    (AdamW, torch.optim.AdamW, {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
]


AGAINST_TORCH_IDS = [f"{c.__name__}-{h}" for c, _, h in AGAINST_TORCH]


@pytest.mark.parametrize("cls, torch_cls, hyper", AGAINST_TORCH, ids=AGAINST_TORCH_IDS)
def test_matches_torch_optim_step_by_step(cls, torch_cls, hyper):
    problem = Quadratic(steps=1000)
    params = [Param(x.copy()) for x in problem.theta0]
    tensors = torch_params(problem.theta0)
    ours, theirs = cls(params, **hyper), torch_cls(tensors, **hyper)
    run_both(ours, theirs, params, tensors, problem, range(1000), agree_to_1e10)


def test_first_step_is_lr_g_over_abs_g_plus_eps():
    g = np.array([3.0, -0.5, 1e-4, -1e4, 2e-8, -5e-9, 0.0])  # |g| ≫ ε, |g| ~ ε, g = 0
    theta, m, v, lr = np.zeros_like(g), np.zeros_like(g), np.zeros_like(g), 0.1
    adam_update(theta, g, m, v, 1, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS)
    np.testing.assert_allclose(theta, -lr * g / (np.abs(g) + EPS), rtol=1e-13, atol=0)
    large = np.abs(g) >= 1e-4
    np.testing.assert_allclose(theta[large], -lr * np.sign(g[large]), rtol=1e-4)  # ≈ −lr·sign(g)


def test_second_step_closed_forms():
    rng = np.random.default_rng(1)
    g1, g2 = rng.standard_normal(50), rng.standard_normal(50)
    theta, m, v, lr = np.zeros(50), np.zeros(50), np.zeros(50), 0.01
    adam_update(theta, g1, m, v, 1, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS)
    theta1 = theta.copy()
    adam_update(theta, g2, m, v, 2, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS)
    m_hat, v_hat = m / (1 - BETA1**2), v / (1 - BETA2**2)
    np.testing.assert_allclose(m_hat, (BETA1 * g1 + g2) / (1 + BETA1), rtol=1e-13)
    np.testing.assert_allclose(v_hat, (BETA2 * g1**2 + g2**2) / (1 + BETA2), rtol=1e-13)
    np.testing.assert_allclose(theta - theta1, -lr * m_hat / (np.sqrt(v_hat) + EPS), rtol=1e-13)


def second_step(cls, g1: np.ndarray, g2: np.ndarray, **hyper) -> np.ndarray:
    """θ₂ − θ₁ for the gradients g₁, g₂: our Adam on a Param, or torch's on a tensor view of θ."""
    ours, theta = cls is Adam, np.zeros_like(g1)
    p = Param(theta) if ours else torch.from_numpy(theta)
    opt, thetas = cls([p], **hyper), []
    for g in (g1, g2):
        p.grad = g if ours else torch.from_numpy(g)
        opt.step()
        thetas.append(theta.copy())
    return thetas[1] - thetas[0]


def sheet_second_step(g1, g2, *, lr, beta1, beta2, eps):
    """The sheet's step 2: it divides by (1−β)² where 1−β² = (1−β)(1+β) is due."""
    m_hat = (beta1 * g1 + g2) / (1 - beta1)
    v_hat = (beta2 * g1**2 + g2**2) / (1 - beta2)
    return -lr * m_hat / (np.sqrt(v_hat) + eps)


def test_facts_example_second_step_and_the_sheets_factor():
    g1, g2 = np.array([3.0, -0.5]), np.array([1.0, 2.0])
    hyper = {"lr": 1.0, "betas": (BETA1, BETA2), "eps": EPS}
    ours = second_step(Adam, g1, g2, **hyper)
    np.testing.assert_allclose(ours, [-0.8710639468, -0.5595034902], atol=1e-10)
    np.testing.assert_allclose(ours, second_step(torch.optim.Adam, g1, g2, **hyper), rtol=1e-14)
    sheet = sheet_second_step(g1, g2, lr=1.0, beta1=BETA1, beta2=BETA2, eps=EPS)
    np.testing.assert_allclose(sheet, [-0.3701666, -0.2377661], atol=1e-7)
    assert np.all(np.abs(sheet - ours) > 0.3)


def test_amsgrad_normalises_by_the_largest_v_so_far():
    theta, m, v, v_max = np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1)
    for t, g in enumerate([10.0, 0.1], start=1):
        adam_update(
            theta, np.array([g]), m, v, t, lr=0.1, beta1=BETA1, beta2=BETA2, eps=EPS, v_max=v_max
        )
    v1 = (1 - BETA2) * 10.0**2
    assert v_max[0] == v1 and v[0] < v1  # v_max ← max(v_max, v) kept step 1's v


G_DECAY, THETA0_DECAY = np.array([1.0, -2.0, 0.5, -0.5]), np.array([5.0, 5.0, -20.0, 30.0])


def test_l2_in_adam_first_step_is_minus_lr_sign_of_g_plus_lambda_theta():
    g, theta0, lam, lr = G_DECAY, THETA0_DECAY, 0.1, 1e-3
    p = Param(theta0.copy(), g)
    Adam([p], lr=lr, weight_decay=lam).step()
    assert np.any(np.sign(g + lam * theta0) != np.sign(g))  # the decay flips some signs
    np.testing.assert_allclose(p.data - theta0, -lr * np.sign(g + lam * theta0), rtol=1e-7)


def test_adamw_first_step_is_about_minus_lr_times_sign_g_plus_lambda_theta():
    g, theta0, lam, lr = G_DECAY, THETA0_DECAY, 0.1, 1e-3
    p = Param(theta0.copy(), g)
    AdamW([p], lr=lr, weight_decay=lam).step()
    np.testing.assert_allclose(p.data - theta0, -lr * (np.sign(g) + lam * theta0), rtol=1e-7)


def test_without_bias_correction_the_first_step_is_off_by_a_constant():
    g, lr = np.array([3.0, -0.5, 0.1]), 0.1
    theta, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    adam_update(theta, g, m, v, 1, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS, bias_correction=False)
    factor = (1 - BETA1) / np.sqrt(1 - BETA2)  # m₁/√v₁ = (1−β₁)g / (√(1−β₂)|g|) ≈ 3.16·sign(g)
    np.testing.assert_allclose(theta, -lr * factor * np.sign(g), rtol=1e-4)


def test_nonzero_v0_shrinks_the_first_step():
    g, v0, lr = np.array([3.0, -0.5, 1e-3]), 1.0, 0.1
    theta, m, v = np.zeros(3), np.zeros(3), np.full(3, v0)
    adam_update(theta, g, m, v, 1, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS)
    v_hat = (BETA2 * v0 + (1 - BETA2) * g**2) / (1 - BETA2)
    np.testing.assert_allclose(theta, -lr * g / (np.sqrt(v_hat) + EPS), rtol=1e-13)
    assert np.all(np.abs(theta) < lr * np.abs(g) / (np.abs(g) + EPS))


def first_step_with(g, m0, v0, bias_correction, lr=0.1):
    """θ₁ − θ₀ from m₀, v₀ with the given bias correction, by our adam_update."""
    theta, m, v = np.zeros_like(g), np.full_like(g, m0), np.full_like(g, v0)
    adam_update(
        theta, g, m, v, 1, lr=lr, beta1=BETA1, beta2=BETA2, eps=EPS, bias_correction=bias_correction
    )
    return theta


def test_the_two_corrections_can_be_switched_separately():
    g, m0, v0, lr = np.array([3.0, -0.5, 1e-3]), 0.2, 0.7, 0.1
    m1, v1 = BETA1 * m0 + (1 - BETA1) * g, BETA2 * v0 + (1 - BETA2) * g**2
    for (correct_m, correct_v), expected in {
        (True, True): (m1 / (1 - BETA1)) / (np.sqrt(v1 / (1 - BETA2)) + EPS),
        (True, False): (m1 / (1 - BETA1)) / (np.sqrt(v1) + EPS),  # only m̂ = m/(1 − β)
        (False, True): m1 / (np.sqrt(v1 / (1 - BETA2)) + EPS),  # only v̂ = v/(1 − δ)
        (False, False): m1 / (np.sqrt(v1) + EPS),
    }.items():
        theta = first_step_with(g, m0, v0, (correct_m, correct_v), lr)
        np.testing.assert_allclose(theta, -lr * expected, rtol=1e-13, atol=0)
    firsts = {first_step_with(g, m0, v0, pair)[0] for pair in product((True, False), repeat=2)}
    assert len(firsts) == 4  # the four settings give four different steps


def test_one_flag_means_both_corrections():
    g = np.array([3.0, -0.5, 1e-3])
    for flag in (True, False):
        np.testing.assert_array_equal(
            first_step_with(g, 0.2, 0.7, flag), first_step_with(g, 0.2, 0.7, (flag, flag))
        )


@pytest.mark.parametrize("bad", [(True,), (True, False, True), (1, 0), "mv", None])
def test_a_bad_bias_correction_is_refused(bad):
    with pytest.raises(ValueError, match="bias_correction must be a bool or a pair"):
        first_step_with(np.ones(2), 0.0, 0.0, bad)


ROUND_TRIP = [
    (SGD, {"lr": 1e-3, "momentum": 0.9, "weight_decay": 1e-2}),
    (Adam, {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    (AdamW, {"lr": 1e-2}),
]


@pytest.mark.parametrize("cls, hyper", ROUND_TRIP, ids=[c.__name__ for c, _ in ROUND_TRIP])
def test_state_dict_round_trip_resumes_the_same_trajectory(cls, hyper):
    problem = Quadratic(steps=20)
    params = [Param(x.copy()) for x in problem.theta0]
    opt = cls(params, **hyper)

    def steps(opt, params, ts):
        for t in ts:
            for i, p in enumerate(params):
                p.grad = problem.grad(i, p.data, t)
            opt.step()

    steps(opt, params, range(10))
    saved, snapshot = opt.state_dict(), [p.data.copy() for p in params]
    steps(opt, params, range(10, 20))  # must not alter `saved`: state_dict copies
    resumed = [Param(x) for x in snapshot]
    fresh = cls(resumed, lr=123.0)
    fresh.load_state_dict(saved)
    assert fresh.hyper == opt.hyper
    steps(fresh, resumed, range(10, 20))
    for p, q in zip(params, resumed):
        np.testing.assert_array_equal(p.data, q.data)


def test_load_state_dict_refuses_a_mismatch():
    a, b = Param(np.zeros(3), np.ones(3)), Param(np.zeros((2, 2)), np.ones((2, 2)))
    adam = Adam([a, b])
    adam.step()
    saved = adam.state_dict()
    with pytest.raises(ValueError, match="state_dict is for 'Adam', not 'SGD'"):
        SGD([a, b], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="state_dict has 2 parameters, optimizer has 1"):
        Adam([a]).load_state_dict(saved)
    with pytest.raises(ValueError, match=re.escape("parameter 1: state 'm' has shape (2, 2)")):
        Adam([a, Param(np.zeros(4))]).load_state_dict(saved)
    saved["state"][0].pop("v")
    with pytest.raises(ValueError, match="parameter 0: state"):
        Adam([a, b]).load_state_dict(saved)


INVALID = [
    (SGD, {"lr": -0.1}, "Invalid learning rate: -0.1"),
    (SGD, {"lr": 0.1, "momentum": -0.5}, "Invalid momentum value: -0.5"),
    (SGD, {"lr": 0.1, "weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    (Adam, {"lr": float("nan")}, "Invalid learning rate: nan"),
    (Adam, {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    (Adam, {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    (Adam, {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    (AdamW, {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
]


@pytest.mark.parametrize("cls, hyper, message", INVALID, ids=[m for _, _, m in INVALID])
def test_invalid_hyperparameters_are_refused_with_torchs_message(cls, hyper, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cls([Param(np.zeros(1))], **hyper)
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)], **hyper)


def test_zero_eps_and_empty_parameter_lists_are_refused():
    with pytest.raises(ValueError, match="Invalid epsilon value: 0.0"):  # torch accepts eps = 0
        Adam([Param(np.zeros(1))], eps=0.0)
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        AdamW([])


def test_params_whose_grad_is_none_are_skipped_like_torch():
    problem = Quadratic(steps=10)
    params = [Param(x.copy()) for x in problem.theta0]
    tensors = torch_params(problem.theta0)
    opt, ref = Adam(params, lr=1e-2), torch.optim.Adam(tensors, lr=1e-2)
    for t in range(3):  # only parameter 0 has a gradient
        params[0].grad = problem.grad(0, params[0].data, t)
        tensors[0].grad = torch.from_numpy(problem.grad(0, tensors[0].detach().numpy(), t))
        opt.step()
        ref.step()
    np.testing.assert_array_equal(params[1].data, problem.theta0[1])
    assert opt.state[1] == {} and opt.state[0]["t"] == 3
    run_both(opt, ref, params, tensors, problem, range(3, 10), agree_to_1e10)  # per-parameter t


def test_zero_grad_sets_grads_to_none():
    p = Param(np.zeros(2), np.ones(2))
    SGD([p], lr=0.1).zero_grad()
    assert p.grad is None


def test_a_grad_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=re.escape("grad shape (1,) != (3,)")):
        Adam([Param(np.zeros(3), np.ones(1))]).step()


@pytest.mark.parametrize("cls, torch_cls, hyper", AGAINST_TORCH[1::3], ids=AGAINST_TORCH_IDS[1::3])
def test_float32_params_stay_float32(cls, torch_cls, hyper):
    problem = Quadratic(steps=100)
    theta0 = [x.astype(np.float32) for x in problem.theta0]
    params, tensors = [Param(x.copy()) for x in theta0], torch_params(theta0)
    opt = cls(params, **hyper)

    def check(ours, theirs):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)  # ulps near 0 crossings

    run_both(opt, torch_cls(tensors, **hyper), params, tensors, problem, range(100), check)
    assert all(a.dtype == np.float32 for s in opt.state for a in s.values() if hasattr(a, "dtype"))


def test_adam_trains_a_backprop_tensor_end_to_end():
    engine = pytest.importorskip("backprop.engine")
    target = np.array([[1.0, -2.0], [3.0, 0.5]])
    w = engine.Tensor(np.zeros((2, 2)), requires_grad=True)
    w_ref = torch.zeros((2, 2), dtype=torch.float64, requires_grad=True)
    opt, ref = Adam([w], lr=0.1), torch.optim.Adam([w_ref], lr=0.1)
    for _ in range(100):
        opt.zero_grad()
        ref.zero_grad()
        ((w - target) * (w - target)).sum().backward()
        ((w_ref - torch.from_numpy(target)) ** 2).sum().backward()
        opt.step()
        ref.step()
    np.testing.assert_allclose(w.data, w_ref.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.data, target, atol=0.1)


def test_loaded_state_is_a_copy_of_the_state_dict():
    """Stepping after load_state_dict leaves the dict alone, so it can be loaded again."""
    p = Param(np.array([1.0, -2.0]), np.array([0.5, 0.5]))
    adam = Adam([p], lr=0.1)
    adam.step()
    saved = adam.state_dict()
    m, v = saved["state"][0]["m"].copy(), saved["state"][0]["v"].copy()
    adam.load_state_dict(saved)
    adam.step()
    adam.step()
    np.testing.assert_array_equal(saved["state"][0]["m"], m)
    np.testing.assert_array_equal(saved["state"][0]["v"], v)
    assert saved["state"][0]["t"] == 1 and adam.state[0]["t"] == 3


def test_a_learning_rate_of_zero_is_accepted_and_changes_nothing():
    for cls in (SGD, Adam, AdamW):
        p = Param(np.array([1.0, -2.0]), np.array([0.5, 0.5]))
        cls([p], lr=0.0).step()
        np.testing.assert_array_equal(p.data, [1.0, -2.0])
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.0)  # torch accepts it too


def test_loaded_state_takes_the_parameters_dtype_and_keeps_the_step_count_an_int():
    """A state saved as plain lists (as JSON would keep it) loads as float32 arrays and int t."""
    p = Param(np.ones(2, np.float32), np.ones(2, np.float32))
    saved = {
        "optimizer": "Adam",
        "hyper": Adam([p]).hyper,
        "state": [{"t": 3, "m": [0.5, 0.25], "v": [0.125, 1.0]}],
    }
    adam = Adam([p])
    adam.load_state_dict(saved)
    state = adam.state[0]
    assert state["m"].dtype == state["v"].dtype == np.float32 and type(state["t"]) is int
    np.testing.assert_array_equal(state["m"], [0.5, 0.25])
    adam.step()
    assert adam.state[0]["t"] == 4 and adam.state[0]["m"].dtype == np.float32


def test_load_state_dict_names_the_hyper_parameters_that_differ():
    adam = Adam([Param(np.zeros(1))])
    saved = adam.state_dict()
    del saved["hyper"]["eps"]
    expected = "hyper-parameters ['amsgrad', 'betas', 'lr', 'weight_decay'] != "
    expected += "['amsgrad', 'betas', 'eps', 'lr', 'weight_decay']"
    with pytest.raises(ValueError, match=re.escape(expected)):
        adam.load_state_dict(saved)


def test_sgd_update_alone_is_theta_minus_lr_g_by_default():
    """Called directly, without momentum, weight decay or scratch: θ ← θ − lr·g."""
    theta, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    sgd_update(theta, g, None, lr=0.1)
    np.testing.assert_array_equal(theta, [1.0 - 0.05, -2.0 - 0.4])
    np.testing.assert_array_equal(g, [0.5, 4.0])  # g is only read


def test_sgd_without_momentum_keeps_no_state():
    p = Param(np.ones(2), np.ones(2))
    sgd = SGD([p], lr=0.1)
    sgd.step()
    assert sgd.state == [{}] and sgd.state_dict()["state"] == [{}]


@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_defaults_are_torchs_and_every_argument_is_kept(cls):
    theirs = getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)]).defaults
    ours = cls([Param(np.zeros(1))]).hyper
    assert ours == {k: theirs[k] for k in ours}
    given = {"lr": 0.5, "betas": (0.5, 0.75), "eps": 1e-4, "weight_decay": 0.25, "amsgrad": True}
    assert cls([Param(np.zeros(1))], **given).hyper == given


def test_adam_update_folds_weight_decay_into_the_gradient_unless_decoupled():
    """θ = 1, g = 0, λ = 0.5, lr = 0.1: L2 makes g = 0.5, a first step of about −lr; decoupled
    decay only shrinks θ to 1 − lr·λ = 0.95, with nothing left to step on."""
    hyper = {"lr": 0.1, "beta1": BETA1, "beta2": BETA2, "eps": EPS, "weight_decay": 0.5}
    steps = {}
    for decoupled in (None, True):
        theta, g, m, v = np.ones(1), np.zeros(1), np.zeros(1), np.zeros(1)
        given = {} if decoupled is None else {"decoupled": decoupled}
        adam_update(theta, g, m, v, 1, **hyper, **given)
        steps[decoupled] = theta[0]
    assert steps[None] == pytest.approx(0.9, rel=1e-7) and steps[True] == 0.95


def test_a_parameter_without_grad_does_not_stop_the_ones_after_it():
    first, second = Param(np.ones(2)), Param(np.ones(2), np.ones(2))
    SGD([first, second], lr=0.5).step()
    np.testing.assert_array_equal(first.data, [1.0, 1.0])
    np.testing.assert_array_equal(second.data, [0.5, 0.5])


def test_hyper_parameters_become_python_floats():
    """NumPy scalars or ints in, Python floats out: a float32 parameter stays float32."""
    p = Param(np.ones(1, np.float32))
    sgd = SGD([p], lr=np.float64(0.5), momentum=np.float64(0.5), weight_decay=1)
    adam = Adam([p], lr=1, betas=(np.float64(0.5), 0), eps=np.float64(0.25), weight_decay=2)
    assert {type(v) for v in sgd.hyper.values()} == {float}
    assert {type(v) for k, v in adam.hyper.items() if k not in ("betas", "amsgrad")} == {float}
    assert {type(beta) for beta in adam.hyper["betas"]} == {float}


def test_sgd_update_given_a_buffer_without_momentum_makes_it_the_gradient():
    """b ← μb + g with the default μ = 0: whatever b held, it becomes g."""
    theta, g, b = np.zeros(2), np.array([1.0, 2.0]), np.array([5.0, 5.0])
    sgd_update(theta, g, b, lr=1.0)
    np.testing.assert_array_equal(b, [1.0, 2.0])
    np.testing.assert_array_equal(theta, [-1.0, -2.0])
