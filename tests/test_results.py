"""The results registry: checks, the sheet's claims, errata and formatting."""

import json
import re

import pytest

from report import pages
from report.parts import SHEET_PARTS, Part
from report.results import (
    PARTS,
    Check,
    Claim,
    Registry,
    chapter_results,
    checks_markdown,
    describe,
    format_value,
)


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
    claim = Claim("2.0", where="2 c), s")
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
    printed = '<span class="claim" data-kind="printed">printed</span>'
    assert (
        f'[The value](demo.md#demo-v) | 4.0 <span class="claim-mark">{printed} ✗</span> | **3.0** | 1/1: oracle |'
        in table
    )
    errata = pages.errata(results)
    assert "### The value {#erratum-demo-v}" in errata
    assert (
        "*2 c).* The sheet: 4.0" in errata and "we compute **3.0**. The sheet adds one." in errata
    )
    assert '<span id="demo-v"></span>The value' in pages.checks_table(results)


def test_a_formula_claim_agrees_through_the_value_it_gives():
    formula = Claim("(βg₁ + g₂)/(1 − β)", where="2 c)", value=-0.3701666)
    assert formula.agrees_with(-0.3701666)
    assert not formula.agrees_with(-0.8710639)


def test_a_claim_is_labelled_by_its_kind():
    assert Claim("212", where="3 a), r₀").kind == "printed"
    assert Claim("19, the weights summed", where="2 c), formula", value=19.0).kind == "evaluated"
    assert Claim("xᶜ for x²", where="1 a), derivation", kind="slip").kind == "slip"
    assert Claim("212", where="3 a), r₀").part == "3a"
    with pytest.raises(ValueError, match="kind 'typo' is not one of"):
        Claim("x", where="1 a)", kind="typo")
    with pytest.raises(ValueError, match="a formula evaluated needs its value"):
        Claim("(βg₁ + g₂)/(1 − β)", where="2 c)", kind="evaluated")
    with pytest.raises(ValueError, match="must start with the sheet's part"):
        Claim("212", where="the table")
    with pytest.raises(ValueError, match="must start with the sheet's part"):
        Claim("212", where="4 a), no such part")


def test_a_slip_is_always_an_erratum(registry):
    slip = Claim("β ∈ [0, 1]", where="2 a), range", kind="slip", value=1.0)
    assert not slip.agrees_with(1.0)
    shown = registry.record("s", 0.0, title="s", fmt="g", checks=[Check("m", 0.0)], sheet=slip)
    assert not shown.passed  # unexplained
    explained = registry.record(
        "t", 0.0, title="t", fmt="g", checks=[Check("m", 0.0)], sheet=slip, erratum="At 1 …"
    )
    assert explained.passed and explained.sheet["kind"] == "slip"


def test_a_number_beside_a_formula_is_judged_against_the_answer_it_gives(registry):
    registry.record("answer", 48.757, title="∂f/∂x", fmt=".3f", checks=[Check("m", 48.757)])
    beside = Claim("48.76", where="1 a), closed form", answers="answer")
    formula = registry.record(
        "formula",
        53.565,
        title="formula",
        fmt=".3f",
        checks=[Check("m", 53.565)],
        sheet=beside,
        erratum="The formula lacks 1/ln x.",
    )
    assert formula.passed
    assert formula.sheet["agrees"] is False  # the formula does not give the number beside it
    assert formula.sheet["confirmed"] is True  # but the number is the right answer
    assert formula.sheet["answers"] == "demo.answer"
    with pytest.raises(ValueError, match="record that first"):
        registry.record(
            "other",
            1.0,
            title="o",
            fmt="g",
            checks=[Check("m", 1.0)],
            sheet=Claim("1", where="1 a)", answers="missing"),
        )


def test_the_cell_output_names_the_claims_kind(registry, capsys):
    registry.record(
        "v",
        3.0,
        title="v",
        fmt=".1f",
        checks=[Check("m", 3.0)],
        sheet=Claim("4.0", where="2 c), s"),
        erratum="Off by one.",
    )
    assert "sheet, printed (2 c), s): 4.0  differs (see errata)" in capsys.readouterr().out


def demo_results(registry) -> dict:
    """A registry with one claim of every sort, as written to results.json."""
    ok = [Check("m", 1.0)]
    registry.record(
        "right",
        48.75689335,
        title="∂f/∂x",
        fmt=".3f",
        checks=[Check("m", 48.75689335)],
        sheet=Claim("48.756893157958984", where="1 d), run", rtol=1e-6),
    )
    registry.record(
        "formula",
        53.565,
        title="its formula",
        fmt=".3f",
        checks=[Check("m", 53.565)],
        sheet=Claim("48.76", where="1 a), closed form", answers="right"),
        erratum="Lacks 1/ln x.",
    )
    registry.record(
        "typo",
        1.0,
        title="typo",
        fmt="g",
        checks=ok,
        sheet=Claim("xᶜ for x²", where="1 a), derivation", kind="slip"),
        erratum="Its code has x².",
    )
    registry.record(
        "beta",
        1.0,
        title="β",
        fmt="g",
        checks=ok,
        sheet=Claim("β ∈ [0, 1]", where="2 a), range", kind="slip"),
        erratum="β = 1 divides by zero.",
    )
    registry.record(
        "step",
        -0.871,
        title="step",
        fmt=".3f",
        checks=[Check("m", -0.871)],
        sheet=Claim("-0.370, its formula", where="2 c), formula", value=-0.370),
        erratum="1 + β, not 1 − β.",
    )
    registry.record(
        "r", 212, title="r", fmt="d", checks=[Check("m", 212)], sheet=Claim("212", where="3 a), r₀")
    )
    return json.loads(registry.write().read_text())


def test_each_part_gets_its_verdict_from_its_claims(registry):
    results = demo_results(registry)
    verdicts = {
        p.name: pages.verdict(
            [r for r in results.values() if r["sheet"] and r["sheet"]["part"] == p.name]
        )
        for p in SHEET_PARTS
    }
    assert verdicts["1a"] == "[erratum](errata.md#erratum-demo-formula)"  # a wrong formula
    assert verdicts["1d"] == "correct"
    assert verdicts["2a"] == "[slip](errata.md#erratum-demo-beta)"
    assert verdicts["2c"] == "[erratum](errata.md#erratum-demo-step)"
    assert verdicts["3a"] == "correct"
    assert verdicts["1b"] == "—"  # no claim of the sheet's to check


def test_the_table_of_answers_has_every_part_of_the_sheet_in_order():
    assert (
        tuple(p.name for p in SHEET_PARTS)
        == PARTS
        == ("1a", "1b", "1c", "1d", "2a", "2b", "2c", "2d", "2e", "3a", "3b")
    )
    sections = [p.section.split("#") for p in SHEET_PARTS]
    assert all(page.endswith(".md") and heading for page, heading in sections)


def test_no_cross_beside_a_number_our_results_confirm(registry):
    """48.76, written beside the sheet's wrong formula, is the right derivative: ✓ wherever it is
    shown; the formula's own value is ours, labelled; the sheet's wrong step gets its ✗."""
    results = demo_results(registry)
    parts = (
        Part("1a", "∂f/∂x", "a.md#x", ours=(("∂f/∂x", "demo.right"),)),
        Part("2c", "step", "a.md#y", ours=(("step", "demo.step"),)),
    )
    shown = {
        "answers": pages.parts_table(results, parts),
        "all results": pages.results_table(results),
        "errata": pages.errata(results),
    }
    for where, markup in shown.items():
        text = re.sub(r"<[^>]+>", "", markup)
        assert "48.76 printed ✓" in text and "48.76 printed ✗" not in text, where
        assert "-0.37" in text and re.search(
            r"-0\.37[^|]*? its formula, evaluated by us ✗", text
        ), where
    assert (
        "gives **53.565** <span" in shown["errata"]
        and "written beside it is right" in shown["errata"]
    )


def test_a_checks_relative_tolerance_scales_with_the_value():
    """rtol = 1e-6 of 1000 is 1e-3: just inside and just outside that edge, far from 1."""
    check = Check("m", 1000.0, rtol=1e-6)
    assert check.agrees_with(1000.0009) and check.agrees_with(999.9991)
    assert not check.agrees_with(1000.0011) and not check.agrees_with(999.9989)


def test_a_checks_absolute_tolerance_is_its_own_edge():
    """atol = 1e-9 near 0, where no relative tolerance can help: both sides of the edge."""
    check = Check("m", 0.0, atol=1e-9)
    assert check.agrees_with(0.9e-9) and check.agrees_with(-0.9e-9)
    assert not check.agrees_with(1.1e-9) and not check.agrees_with(-1.1e-9)
    assert not Check("m", 0.0, rtol=1e-9).agrees_with(0.9e-9)  # rtol is not atol


def test_a_check_takes_the_looser_of_its_two_tolerances():
    assert Check("m", 1e6, rtol=1e-9, atol=0.5).agrees_with(1e6 + 0.4)  # atol wins
    assert Check("m", 1e6, rtol=1e-6, atol=1e-9).agrees_with(1e6 + 0.9)  # rtol wins
    assert not Check("m", 1e6, rtol=1e-9, atol=0.5).agrees_with(1e6 + 0.6)


def test_a_formula_claims_default_tolerance_is_1e_12_relative():
    formula = Claim("6! / 3!", where="3 a), formula", value=120.0)
    assert formula.agrees_with(120.0 * (1 + 0.5e-12)) and formula.agrees_with(120.0 * (1 - 0.5e-12))
    assert not formula.agrees_with(120.0 * (1 + 2e-12))
    assert not formula.agrees_with(120.0 * (1 - 2e-12))
    loose = Claim("6! / 3!", where="3 a), formula", value=120.0, rtol=1e-3)
    assert loose.agrees_with(120.1) and not loose.agrees_with(120.2)


def test_a_printed_number_agrees_up_to_exactly_half_a_unit_in_its_last_digit():
    claim = Claim("48.76", where="1 a)")
    assert claim.agrees_with(48.765) and claim.agrees_with(48.755)  # the edges themselves
    assert not claim.agrees_with(48.7651) and not claim.agrees_with(48.7549)
    big = Claim("1.23646E+08", where="3 b)")  # last digit: thousands, so ±500
    assert big.agrees_with(123_646_500) and big.agrees_with(123_645_500)
    assert not big.agrees_with(123_646_501) and not big.agrees_with(123_645_499)
    assert Claim("212", where="3 a)").agrees_with(212.5)
    assert not Claim("212", where="3 a)").agrees_with(212.51)


def test_a_stated_tolerance_on_printed_digits_is_relative_both_ways():
    claim = Claim("2000", where="1 d)", rtol=1e-3)
    assert claim.agrees_with(2001.9) and claim.agrees_with(1998.1)
    assert not claim.agrees_with(2002.1) and not claim.agrees_with(1997.9)


@pytest.mark.parametrize("off", [0, 1, 2])
def test_a_result_passes_only_when_every_one_of_its_checks_agrees(registry, off):
    """Three checks, the one at `off` disagreeing: the result fails; without it, it passes."""
    checks = [Check("a", 5.0), Check("b", 5.0, atol=0.1), Check("c", 5.0, rtol=0.1)]
    checks[off] = Check("off", 7.0, rtol=0.1)
    result = registry.record("r", 5.0, title="r", fmt="g", checks=checks)
    assert not result.passed
    assert [c["agrees"] for c in result.checks] == [i != off for i in range(3)]
    assert [c["method"] for c in result.checks] == [c.method for c in checks]
    rest = [c for i, c in enumerate(checks) if i != off]
    assert registry.record("s", 5.0, title="s", fmt="g", checks=rest).passed


def test_chapters_results_are_merged_in_reading_order(tmp_path, monkeypatch):
    """Each chapter's results.json, read back by `python -m report`; a chapter never run adds none."""
    monkeypatch.setattr("report.results.GENERATED", tmp_path)
    first, second = Registry("one", page="one.md"), Registry("two", page="two.md")
    first.record("∂f/∂x", 1.5, title="∂f/∂x", fmt="g", checks=[Check("m", 1.5)])
    second.record("y", 2, title="y", fmt="d", checks=[Check("m", 2)])
    text = first.write().read_text()
    second.write()
    assert text.startswith('{\n  "one.∂f/∂x": {\n    "key"') and text.endswith("}\n")
    merged = chapter_results(["two", "never-run", "one"])
    assert list(merged) == ["two.y", "one.∂f/∂x"]
    assert merged["one.∂f/∂x"]["checks"] == [
        {"method": "m", "value": 1.5, "rtol": 0.0, "atol": 0.0, "why": "", "agrees": True}
    ]
    assert chapter_results([]) == {}


def test_a_generated_snippet_ends_with_one_newline(registry):
    assert registry.write_text("a.md", "| a |").read_text() == "| a |\n"
    assert registry.write_text("b.md", "| b |\n").read_text() == "| b |\n"
    assert registry.write_text("b.md", "| b |\n").name == "b.md"


def test_a_registry_makes_its_chapters_folder_and_may_be_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr("report.results.GENERATED", tmp_path / "docs" / "generated")
    Registry("demo", page="demo.md")
    again = Registry("demo", page="demo.md")  # a chapter re-run finds its folder there
    assert again.out == tmp_path / "docs" / "generated" / "demo" and again.out.is_dir()


def test_a_slip_never_confirms_even_naming_an_answer(registry):
    slip = Claim("x³", where="1 a), derivation", kind="slip", answers="not recorded")
    typo = registry.record("t", 1.0, title="t", fmt="g", checks=[Check("m", 1.0)], sheet=slip)
    assert typo.sheet["confirmed"] is False and typo.sheet["answers"] == "demo.not recorded"


def test_the_cell_output_lists_every_check_and_the_claim(registry, capsys):
    registry.record("answer", 48.757, title="a", fmt=".3f", checks=[Check("m", 48.757)])
    capsys.readouterr()
    registry.record(
        "formula",
        53.565,
        title="f",
        fmt=".3f",
        checks=[Check("torch", 53.565), Check("sympy", 53.0)],
        sheet=Claim("48.76", where="1 a), closed form", answers="answer"),
        erratum="Lacks 1/ln x.",
    )
    registry.record(
        "r", 212, title="r", fmt="d", checks=[Check("m", 212)], sheet=Claim("212", where="3 a)")
    )
    registry.record(
        "wrong",
        53.565,
        title="w",
        fmt=".3f",
        checks=[Check("m", 53.565)],
        sheet=Claim("50.00", where="1 a), closed form", answers="answer"),
        erratum="Wrong twice.",
    )
    assert capsys.readouterr().out == (
        "demo.formula = 53.565  [FAILED]\n"
        "  torch: 53.565  agrees\n"
        "  sympy: 53.0  DISAGREES\n"
        "  sheet, printed (1 a), closed form): 48.76  differs (see errata); as demo.answer: right\n"
        "demo.r = 212  [ok]\n"
        "  m: 212  agrees\n"
        "  sheet, printed (3 a)): 212  agrees\n"
        "demo.wrong = 53.565  [ok]\n"
        "  m: 53.565  agrees\n"
        "  sheet, printed (1 a), closed form): 50.00  differs (see errata); as demo.answer: wrong\n"
    )


def test_a_failed_check_fails_the_result_even_when_the_sheet_agrees(registry):
    claim = Claim("5", where="3 a)")
    result = registry.record(
        "x", 5.0, title="x", fmt="g", checks=[Check("m", 5.0), Check("n", 6.0)], sheet=claim
    )
    assert result.sheet["agrees"] is True and not result.passed


def test_errors_in_claims_and_errata_say_what_is_expected(registry):
    with pytest.raises(ValueError, match=r"^x: an erratum needs the sheet's claim$"):
        registry.record("x", 1.0, title="x", fmt="g", checks=[Check("m", 1.0)], erratum="Why?")
    with pytest.raises(
        ValueError, match=r"must start with the sheet's part, as in \"1 d\), PyTorch"
    ):
        Claim("212", where="the table")


def test_in_a_notebook_a_result_is_a_table_of_its_checks(registry):
    registry.record("answer", 48.757, title="∂f/∂x", fmt=".3f", checks=[Check("m", 48.757)])
    result = registry.record(
        "formula",
        53.565,
        title="its formula",
        fmt=".3f",
        checks=[Check("closed form", 53.565), Check("a | b", 5.0)],
        sheet=Claim("48.76", where="1 a), beside", answers="answer"),
    )
    assert checks_markdown(result).splitlines() == [
        "`demo.formula`: its formula",
        "",
        "| computed by | value | verdict |",
        "|---|---:|---|",
        "| **ours** | **53.565** | **FAILED** |",
        "| closed form | 53.565 | agrees |",
        "| a \\| b | 5.0 | DISAGREES |",  # a | in a cell is escaped
        "| sheet, printed (1 a), beside) | 48.76 | differs (see errata); as demo.answer: right |",
    ]


def test_in_a_notebook_the_sheets_verdicts_read_as_words(registry):
    ok = registry.record(
        "v", 4.0, title="v", fmt=".1f", checks=[Check("m", 4.0)], sheet=Claim("4.0", where="2 c)")
    )
    assert checks_markdown(ok).splitlines()[-1] == "| sheet, printed (2 c)) | 4.0 | agrees |"
    assert checks_markdown(ok).splitlines()[-3] == "| **ours** | **4.0** | ok |"
    registry.record("u", 3.0, title="u", fmt=".1f", checks=[Check("m", 3.0)])
    wrong = registry.record(  # gives the sheet's 4.0, but the answer it stands beside is 3.0
        "w",
        4.0,
        title="w",
        fmt=".1f",
        checks=[Check("m", 4.0)],
        sheet=Claim("4.0", where="2 c), s", answers="u"),
    )
    assert checks_markdown(wrong).endswith("| 4.0 | agrees; as demo.u: wrong |")
    slip = Claim("xᶜ", where="1 a), derivation", kind="slip")
    typo = registry.record(
        "s", 0.0, title="s", fmt="g", checks=[Check("m", 0.0)], sheet=slip, erratum="At 1 …"
    )
    assert checks_markdown(typo).endswith(
        "| sheet, slip (1 a), derivation) | xᶜ | differs (see errata) |"
    )


def test_in_a_notebook_results_and_tables_are_shown_as_markdown(registry, monkeypatch):
    shown = []
    monkeypatch.setattr("report.show.in_kernel", lambda: True)
    monkeypatch.setattr(
        "report.show.markdown", lambda text, plain=None: shown.append((text, plain))
    )
    result = registry.record("x", 1.5, title="x", fmt=".1f", checks=[Check("m", 1.5)])
    registry.write_text("table.md", "| a |")
    registry.write_text("note.md", "  !!! note\n    An admonition: the site's own.")
    registry.write_text("more.md", "??? note\n    A folded one: the site's own too.")
    registry.write_text("data.txt", "| b |")
    assert shown == [(checks_markdown(result), describe(result)), ("| a |", None)]
