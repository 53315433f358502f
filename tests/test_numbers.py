"""The headline numbers, as the report recorded them, against the reference values."""

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


def test_the_sheets_wrong_claims_are_in_errata(results):
    differing = {k for k, r in results.items() if r["sheet"] and not r["sheet"]["agrees"]}
    assert {"autodiff.sheet_closed_form", "cnn.params_total", "cnn.params_ratio"} <= differing
