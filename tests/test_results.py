"""The results registry: checks, the sheet's claims, errata and formatting."""

import json

import pytest

from report import pages
from report.results import Check, Claim, Registry, format_value


@pytest.fixture
def registry(tmp_path, monkeypatch):
    monkeypatch.setattr("report.results.GENERATED", tmp_path)
    return Registry("demo", page="demo.md")


def test_check_agrees_within_its_tolerance():
    assert Check("m", 1.0 + 1e-13, rtol=1e-12).agrees_with(1.0)
    assert not Check("m", 1.0 + 1e-11, rtol=1e-12).agrees_with(1.0)
    assert not Check("m", 212.5).agrees_with(212)


def test_claim_agrees_to_half_a_unit_in_its_last_printed_digit():
    assert Claim("48.76", where="1 a)").agrees_with(48.75689335076091)
    assert not Claim("48.76", where="1 a)").agrees_with(53.564922192426394)
    assert Claim("1.23646E+08", where="3 b)").agrees_with(123_646_336)
    assert not Claim("1.23646E+08", where="3 b)").agrees_with(138_357_544)
    assert Claim("212", where="3 a)").agrees_with(212)
    assert not Claim("212", where="3 a)").agrees_with(213)


def test_claim_with_a_stated_tolerance():
    float32 = Claim("48.756893157958984", where="1 d)", rtol=1e-6)
    assert float32.agrees_with(48.75689335076091)
    assert not Claim("48.756893157958984", where="1 d)").agrees_with(48.75689335076091)


def test_a_failed_check_fails_the_result(registry):
    assert registry.record("x", 1.0, title="x", fmt=".1f", checks=[Check("m", 1.0)]).passed
    assert not registry.record("y", 1.0, title="y", fmt=".1f", checks=[Check("m", 2.0)]).passed


def test_a_disagreement_with_the_sheet_needs_an_erratum_and_only_it_has_one(registry):
    claim = Claim("2.0", where="s")
    ok = registry.record(
        "a",
        1.0,
        title="a",
        fmt=".1f",
        checks=[Check("m", 1.0)],
        sheet=claim,
        erratum="The sheet doubles it.",
    )
    unexplained = registry.record(
        "b", 1.0, title="b", fmt=".1f", checks=[Check("m", 1.0)], sheet=claim
    )
    stale = registry.record(
        "c",
        2.0,
        title="c",
        fmt=".1f",
        checks=[Check("m", 2.0)],
        sheet=claim,
        erratum="No longer true.",
    )
    assert (ok.passed, unexplained.passed, stale.passed) == (True, False, False)


def test_a_result_needs_a_check_and_a_number(registry):
    with pytest.raises(ValueError, match="at least one independent check"):
        registry.record("x", 1.0, title="x", fmt=".1f", checks=[])
    with pytest.raises(TypeError, match="got str"):
        registry.record("x", "1", title="x", fmt=".1f", checks=[Check("m", 1.0)])


def test_format_value_writes_exponents_compactly():
    assert format_value(123_646_336, ".3e") == "1.236e8"
    assert format_value(1.02496e-4, ".5e") == "1.02496e-4"
    assert format_value(138_357_544, ",d") == "138,357,544"
    assert format_value(-10.0, ".0f") == "-10"


def test_pages_generate_the_table_errata_and_anchors(registry, tmp_path):
    registry.record(
        "v",
        3.0,
        title="The value",
        fmt=".1f",
        checks=[Check("oracle", 3.0)],
        sheet=Claim("4.0", where="2 c)"),
        erratum="The sheet adds one.",
    )
    results = json.loads(registry.write().read_text())
    table = pages.results_table(results)
    assert "[The value](demo.md#demo-v) | 4.0 ✗ | **3.0** | 1/1: oracle |" in table
    errata = pages.errata(results)
    assert "The sheet (2 c)) | 4.0 |" in errata and "The sheet adds one." in errata
    assert '<span id="demo-v"></span>The value' in pages.checks_table(results)


def test_a_formula_claim_agrees_through_the_value_it_gives():
    formula = Claim("(βg₁ + g₂)/(1 − β)", where="2 c)", value=-0.3701666)
    assert formula.agrees_with(-0.3701666)
    assert not formula.agrees_with(-0.8710639)
