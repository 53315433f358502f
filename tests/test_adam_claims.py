"""What the Adam page says in words about its experiments, against the numbers the report
recorded: if a rerun changes the picture, these fail, and the prose must change with it."""

import pytest

BETA1, BETA2 = 0.9, 0.999


@pytest.fixture
def adam(results):
    """adam.<key> -> value."""
    return {
        k.removeprefix("adam."): r["value"] for k, r in results.items() if k.startswith("adam.")
    }


def test_without_correction_the_first_step_is_multiplied(adam):
    assert adam["startup_neither_first"] == pytest.approx(
        (1 - BETA1) / (1 - BETA2) ** 0.5, rel=1e-4
    )
    assert adam["startup_neither_end"] > 1.2  # "still ... times the steady one" after 1000


def test_the_sheets_start_is_between_and_then_the_uncorrected_run(adam):
    assert adam["startup_adam_first"] < adam["startup_sheet_first"] < adam["startup_neither_first"]
    for when in ("t100", "end"):
        assert adam[f"startup_sheet_{when}"] == pytest.approx(
            adam[f"startup_neither_{when}"], rel=0.02
        )


def test_the_right_constant_v0_does_as_well_as_the_correction(adam):
    assert adam["startup_v0_first"] < adam["startup_adam_first"]
    assert adam["startup_v0_first"] > 2 * adam["startup_steady"]  # m̂₁ = g₁ keeps it large
    assert adam["startup_v0_t10"] == pytest.approx(adam["startup_adam_t10"], rel=0.05)
    assert adam["startup_v0_end"] == pytest.approx(1, abs=0.01)


def test_warm_up_alone_keeps_the_early_steps_below_the_steady_state(adam):
    steady = adam["startup_steady"]
    assert adam["startup_adam_first"] > adam["startup_adam_t10"] > steady
    assert adam["startup_warmup_first"] < adam["startup_warmup_t10"] < steady
    assert adam["startup_warmup_t100"] == pytest.approx(adam["startup_adam_t100"], rel=1e-12)


def test_a_wrong_constant_is_costly_either_way(adam):
    assert adam["startup_sweep_small_first"] > adam["startup_neither_first"]
    assert adam["startup_sweep_large_end"] < 0.05


def test_the_decay_grid_reads_as_the_page_says(adam):
    se = adam["decay_standard_error"]
    assert adam["decay_l2_edge"] > adam["decay_l2_best"] + 10 * se  # "many times that"
    assert adam["decay_adamw_middle"] < adam["decay_l2_edge"] - 10 * se
    assert adam["decay_adamw_edge"] > adam["decay_adamw_best"] + 10 * se
    assert adam["decay_adamw_best"] < adam["decay_none_best"] < adam["decay_adamw_best"] + 2 * se
    assert abs(adam["decay_l2_best"] - adam["decay_none_best"]) < 2 * se  # "within noise"


def test_adamw_is_lowest_at_lambda_one(results):
    assert results["adam.decay_adamw_best"]["title"].endswith("λ = 1)")
