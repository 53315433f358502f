"""The headline numbers, as the report recorded them, against the reference values."""

import math

import pytest

from report.results import format_value

# Reference values from shared/FACTS.md (verified with PyTorch): expected values, not inputs.
DF_DX = 48.75689335076091


def test_every_result_passed_its_checks(results):
    failed = [key for key, r in results.items() if not r["passed"]]
    assert not failed, f"results that failed a check or lack an erratum: {failed}"


def test_every_result_has_an_independent_check(results):
    assert all(r["checks"] for r in results.values())


def test_df_dx(results):
    df_dx = results["autodiff.df_dx"]
    assert df_dx["value"] == pytest.approx(DF_DX, rel=1e-6)
    assert format_value(df_dx["value"], df_dx["fmt"]) == "48.757"


def test_df_dc(results):
    assert results["autodiff.df_dc"]["value"] == -10


def test_vgg16_receptive_field(results):
    assert results["cnn.rf_size"]["value"] == 212
    assert (results["cnn.rf_stride"]["value"], results["cnn.rf_padding"]["value"]) == (32, 90)


def test_the_sheets_parameter_formula_gives_1_236e8(results):
    assert f"{results['cnn.params_sheet_formula']['value']:.4g}" == "1.236e+08"


def test_vgg16_parameters(results):
    assert results["cnn.params_total"]["value"] == 138_357_544
    assert results["cnn.params_conv"]["value"] == 14_714_688
    assert results["cnn.params_fc"]["value"] == 123_642_856


def test_adam_second_step(results):
    # FACTS.md: torch's second step for g₁ = (3, −0.5), g₂ = (1, 2), lr = 1; the sheet's 1/(1 − β)
    # gives (−0.3701666…, −0.2377661…): both printed to 10 and 7 digits, so compared to 1e-9 / 1e-7
    assert results["adam.second_step_1"]["value"] == pytest.approx(-0.8710639468, abs=1e-9)
    assert results["adam.second_step_2"]["value"] == pytest.approx(-0.5595034902, abs=1e-9)
    assert results["adam.second_step_1"]["sheet"]["value"] == pytest.approx(-0.3701666, abs=1e-7)
    assert results["adam.second_step_2"]["sheet"]["value"] == pytest.approx(-0.2377661, abs=1e-7)


def test_adam_first_step_with_decay(results):
    # FACTS.md: L2 under Adam is normalised away (−sign(g + λθ)); AdamW adds −λθ (λ = 0.01, θ = 10).
    # "≈": ε = 1e-8 against |g| = 0.01 moves the step by ε/|g| = 1e-6, hence abs 2e-6
    assert results["adam.l2_first_step_large"]["value"] == pytest.approx(-1.0, abs=2e-6)
    assert results["adam.adamw_first_step_large"]["value"] == pytest.approx(-1.1, abs=2e-6)


def test_the_sheets_wrong_claims_are_in_errata(results):
    differing = {k for k, r in results.items() if r["sheet"] and not r["sheet"]["agrees"]}
    assert {
        "autodiff.sheet_closed_form",
        "adam.second_step_1",
        "adam.second_step_2",
        "cnn.params_total",
        "cnn.params_ratio",
    } <= differing


def test_second_derivatives_of_the_sheet_function(results):
    # closed forms (derived on the page): ∂²f/∂x² = 2x²(6 ln²x − 7 ln x + 3)/ln⁴x, 0 and −2
    ln3 = math.log(3.0)
    f_xx = 2 * 9 * (6 * ln3**2 - 7 * ln3 + 3) / ln3**4
    assert results["autodiff.f_xx"]["value"] == pytest.approx(f_xx, rel=1e-12)
    assert format_value(results["autodiff.f_xx"]["value"], results["autodiff.f_xx"]["fmt"]) == (
        "31.52641"
    )
    assert results["autodiff.f_xc"]["value"] == 0 and results["autodiff.f_cc"]["value"] == -2


def test_newton_converges_quadratically_to_sqrt_e(results):
    assert results["autodiff.newton_root"]["value"] == pytest.approx(math.sqrt(math.e), rel=3e-16)
    assert results["autodiff.newton_rate"]["value"] == pytest.approx(
        -7 / (2 * math.sqrt(math.e)), rel=1e-3
    )
    assert results["autodiff.f_xx_root"]["value"] == pytest.approx(32 * math.e, rel=1e-12)
    assert results["autodiff.f_xxx_root"]["value"] == pytest.approx(
        -224 * math.sqrt(math.e), rel=1e-12
    )


def test_third_derivative_of_tanh_and_the_network_hessian(results):
    t = math.tanh(1.0)
    assert results["autodiff.tanh_d3"]["value"] == pytest.approx((1 - t**2) * (6 * t**2 - 2))
    assert results["autodiff.net_flat_directions"]["value"] == 3 + 1  # hidden units + 1
    assert (
        results["autodiff.net_lambda_min"]["value"]
        < 0
        < results["autodiff.net_lambda_max"]["value"]
    )
