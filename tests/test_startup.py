"""Adam's start-up experiment (report/startup.py): the closed forms against the runs, and
torch.optim.Adam, started from the same state, against our adam_update."""

from __future__ import annotations

import numpy as np
import pytest

from report import startup

pytestmark = pytest.mark.usefixtures("one_torch_thread")
HYPER = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
STREAM = startup.Stream(mu=0.1, sigma=1.0, n=20_000, steps=120, seed=3)
E2 = STREAM.mean_square
STARTS = {
    "adam": startup.Start(),
    "neither": startup.Start(correct=(False, False)),
    "only m": startup.Start(v0=E2, correct=(True, False)),
    "only v": startup.Start(m0=0.05, correct=(False, True)),
    "sheet": startup.Start(m0=1e-3, v0=1e-3 / 0.999 * E2, correct=(False, False)),
    "large v0": startup.Start(v0=100 * E2, correct=(True, False)),
    "warm-up": startup.Start(warm=30),
}


@pytest.fixture(scope="module")
def curves() -> dict:
    """Every start, ours and torch's, on the same stream with α = 0.5."""
    steppers = {}
    for name, start in STARTS.items():
        steppers[name] = startup.ours(start, STREAM.n, lr=0.5, **HYPER)
        steppers["torch", name] = startup.torch_adam(start, STREAM.n, lr=0.5, **HYPER)
    return startup.effective_steps(STREAM, steppers, lr=0.5)


def test_a_stream_gives_the_same_gradients_on_every_pass():
    first, again = list(STREAM), list(STREAM)
    assert all(np.array_equal(g, h) for (_, g), (_, h) in zip(first, again))
    np.testing.assert_array_equal(STREAM.first(), first[0][1])
    assert [t for t, _ in first] == list(range(1, STREAM.steps + 1))


@pytest.mark.parametrize("name", STARTS)
def test_the_first_step_is_its_closed_form(curves, name):
    closed = startup.first_step(STARTS[name], STREAM.first(), **HYPER)
    assert curves[name][0] == pytest.approx(closed, rel=1e-12)


@pytest.mark.parametrize("name", STARTS)
def test_later_steps_follow_the_mean_field_form(curves, name):
    # v's spread is neglected (Jensen: ≲ 3/(4t)); the mean over 2·10⁴ parameters has ≈ 0.5% noise
    for t, rtol in ((10, 0.05), (100, 0.03)):
        closed = startup.mean_field_step(STARTS[name], STREAM, t, beta1=0.9, beta2=0.999)
        assert curves[name][t - 1] == pytest.approx(closed, rel=rtol), f"t = {t}"


@pytest.mark.parametrize("name", STARTS)
def test_torch_started_from_the_same_state_follows_ours(curves, name):
    # where a LambdaLR factor undoes a correction, ε moves: at most ε/√v relative per parameter
    exact = STARTS[name].correct == (True, True)
    np.testing.assert_allclose(curves["torch", name], curves[name], rtol=1e-12 if exact else 1e-5)


def test_the_steady_state_is_reached_by_a_long_run():
    stream = startup.Stream(mu=0.3, sigma=0.5, n=4000, steps=600, seed=4)
    run = startup.effective_steps(
        stream, {"adam": startup.ours(startup.Start(), 4000, lr=1.0, **HYPER)}, 1.0
    )
    # the mean of 4000 × 300 effective steps: noise ≈ 0.2%, v's spread ≈ 0.05%
    assert run["adam"][300:].mean() == pytest.approx(
        startup.steady_step(stream, beta1=0.9), rel=0.01
    )


def test_folded_mean_against_sampling():
    x = np.random.default_rng(5).normal(0.3, 0.7, size=2_000_000)
    assert startup.folded_mean(0.3, 0.7**2) == pytest.approx(np.abs(x).mean(), rel=2e-3)
    assert startup.folded_mean(0.0, 1.0) == pytest.approx(np.sqrt(2 / np.pi), rel=1e-15)


def test_the_sheets_start_keeps_the_bias_of_no_correction(curves):
    # δv₀ = (1 − δ)(μ² + σ²) only halves v₁'s shortfall: the first step shrinks by about √2,
    # and from t = 100 on the steps are those of no correction at all
    sheet, neither = curves["sheet"], curves["neither"]
    assert sheet[0] < neither[0] / 1.3 and sheet[0] > 1.3 * curves["adam"][0]
    np.testing.assert_allclose(sheet[99:], neither[99:], rtol=0.02)


def test_warm_up_scales_the_first_steps_and_then_is_adam(curves):
    ramp = np.arange(1, 31) / 30
    np.testing.assert_allclose(curves["warm-up"][:30], curves["adam"][:30] * ramp, rtol=1e-12)
    np.testing.assert_allclose(curves["warm-up"][30:], curves["adam"][30:], rtol=1e-12)
