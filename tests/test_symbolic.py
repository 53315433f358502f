"""SymPy as the fourth method: its derivatives against our engine's, the sizes the autodiff page
tabulates counted again independently, and SymPy kept out of src/backprop."""

import ast
import math
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.ops import Primitive
from report.results import GENERATED, format_value
from report.symbolic import (
    Size,
    compose,
    counted_rules,
    engine_counts,
    exact,
    expression,
    gradient,
    logistic,
    measured,
    size,
    size_by_sympy,
    ulp_steps,
    ulps,
)

ROOT = Path(__file__).resolve().parent.parent
X, C = sp.Symbol("x", positive=True), sp.Symbol("c", real=True)
# The survey's expanded dl₄/dx (Baydin et al. 2018, Table 1), as issue #12 quotes it
SURVEY_DL4 = "64*(1 - 42*x + 504*x**2 - 2640*x**3 + 7040*x**4 - 9984*x**5 + 7168*x**6 - 2048*x**7)"


def f(x, c):
    """The sheet's function, (x²/ln x + c)(x²/ln x − c)."""
    u = x**2 / x.log()
    return (u + c) * (u - c)


def test_src_backprop_never_imports_sympy():
    for path in (ROOT / "src" / "backprop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "sympy" for n in names), f"{path.name} imports sympy"
    code = "import sys, backprop, backprop.functional, backprop.nn; print('sympy' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"


@pytest.mark.parametrize("k", [1, 2])
def test_sympy_gradient_equals_ours_at_random_points(k):
    fk = compose(f, k)
    derivatives = gradient(expression(fk, X, C), (X, C))
    rng = np.random.default_rng(k)
    for x0, c0 in zip(rng.uniform(2, 10, 10), rng.uniform(-5, 5, 10)):
        ours = engine_counts(fk, (x0, c0)).gradient
        reference = exact(derivatives, {X: sp.Rational(x0), C: sp.Rational(c0)})
        assert ours == pytest.approx([float(r) for r in reference], rel=1e-13)


@pytest.mark.parametrize("n", range(2, 8))
def test_sympy_derivative_of_the_logistic_map_equals_ours(n):
    """|dlₙ/dx| ≤ 4ⁿ⁻¹ on [0, 1] (each step multiplies it by 4|1 − 2lₙ| ≤ 4), and near its
    many roots a relative error means nothing: the error is measured against that bound."""
    x = sp.Symbol("x")
    derivative = sp.diff(logistic(x, n), x)
    for x0 in np.random.default_rng(n).uniform(0, 1, 10):
        (ours,) = engine_counts(partial(logistic, n=n), (x0,)).gradient
        (reference,) = exact([derivative], {x: sp.Rational(x0)})
        assert abs(ours - float(reference)) <= 1e-13 * 4 ** (n - 1)


def test_the_survey_polynomial_is_sympys_expanded_dl4_dx():
    x = sp.Symbol("x")
    expanded = sp.expand(sp.diff(logistic(x, 4), x))
    assert expanded == sp.expand(sp.sympify(SURVEY_DL4, locals={"x": x}))
    by_polynomials = logistic(sp.Poly(x, x), 4).diff(x).as_expr()  # the chapter's route
    assert by_polynomials == expanded


def test_the_sheets_closed_form_is_ln_x_times_the_derivative():
    derivative = sp.diff(expression(f, X, C), X)
    sheet = 2 * X**2 / sp.log(X) ** 2 * (2 * X * sp.log(X) - X)
    ours = 2 * X**3 * (2 * sp.log(X) - 1) / sp.log(X) ** 3
    assert sp.simplify(sheet / derivative) == sp.log(X)
    assert sp.simplify(ours - derivative) == 0


def expressions():
    """Random SymPy expressions of the kinds the chapter counts: sums and products with minus
    signs and rational coefficients, integer powers (reciprocals too) and logarithms."""
    atoms = st.sampled_from(sp.symbols("x y z")) | st.fractions(max_denominator=4).map(sp.Rational)
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=4).map(lambda a: sp.Add(*a)),
            st.lists(inner, min_size=2, max_size=4).map(lambda a: sp.Mul(*a)),
            st.tuples(inner, st.integers(-3, 3)).map(lambda be: sp.Pow(*be)),
            inner.map(lambda e: -e),
            st.sampled_from(sp.symbols("x y z")).map(sp.log),
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(expressions().filter(lambda e: not e.has(sp.zoo, sp.nan)))  # 0**-1 is no expression
def test_our_walk_counts_like_sympy(expr):
    assert size(expr) == size_by_sympy(expr)


def test_sizes_add_over_a_list_and_disagreement_is_an_error(monkeypatch):
    x = sp.Symbol("x")
    exprs = [x**2 + 1, sp.log(x) / x]
    assert size(exprs) == size(exprs[0]) + size(exprs[1])
    assert measured(exprs).ops == sp.count_ops(exprs)
    monkeypatch.setattr("report.symbolic.size", lambda e: Size(0, 0, 0))
    with pytest.raises(AssertionError, match="sizes disagree"):
        measured(exprs)


def test_engine_counts_match_the_primitives_and_restore_the_engine():
    original = Primitive.cotangent
    # per step of lₙ: 4 primitives (mul by 4, neg, add 1, mul) and their 2 constants; 5 cotangents
    for n in (1, 2, 7):
        recorded = engine_counts(partial(logistic, n=n), (0.3,))
        assert (recorded.nodes, recorded.rules) == (1 + 6 * (n - 1), 5 * (n - 1))
    # f: pow, log, pow (reciprocal), mul, add, neg, add, mul, plus 2 constants; 12 cotangents
    assert (engine_counts(f, (3.0, 5.0)).nodes, engine_counts(f, (3.0, 5.0)).rules) == (12, 12)
    assert Primitive.cotangent is original
    with pytest.raises(RuntimeError, match="inside"), counted_rules():
        raise RuntimeError("inside the block")
    assert Primitive.cotangent is original


def test_ulps_count_floats():
    one = 1.0
    above = math.nextafter(one, 2.0)
    assert ulp_steps(above, one) == 1
    assert ulp_steps(-above, -one) == -1
    assert ulp_steps(math.nextafter(0.0, -1.0), math.nextafter(0.0, 1.0)) == -2
    assert ulps(above, sp.Integer(1)) == pytest.approx(1.0)
    third = sp.Rational(1, 3)
    assert abs(ulps(1 / 3, third) - ulp_steps(1 / 3, float(third))) <= 0.5


def cells(markdown: str) -> list[list[str]]:
    """The body rows of a generated Markdown table, cells stripped and thousands joined."""
    rows = [line.strip("|").split("|") for line in markdown.splitlines() if line.startswith("|")]
    return [[c.strip().replace(",", "") for c in row] for row in rows[2:]]


def test_the_size_table_agrees_with_an_independent_count():
    """The logistic map's table as the report wrote it: SymPy's count_ops and our own walk of
    freshly built expressions, the engine's columns against the primitives per step."""
    rows = cells((GENERATED / "autodiff" / "swell.md").read_text())
    graph_rows = cells((GENERATED / "autodiff" / "swell_graph.md").read_text())
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    assert [row[0] for row in graph_rows] == [row[0] for row in rows]
    x = sp.Symbol("x")
    for row, graph_row in list(zip(rows, graph_rows))[:8]:  # to n = 8: the rest only takes longer
        n = int(row[0])
        l_n = logistic(x, n)
        derivative = sp.diff(l_n, x)
        assert int(row[1]) == sp.count_ops(l_n) == size(l_n).ops
        assert int(row[2]) == sp.count_ops(derivative) == size(derivative).ops
        assignments, reduced = sp.cse(derivative)
        assert int(row[5]) == sp.count_ops([rhs for _, rhs in assignments] + reduced)
        nodes = list(sp.preorder_traversal(derivative))
        assert (int(graph_row[1]), int(graph_row[2])) == (len(nodes), len(set(nodes)))
        assert (int(graph_row[3]), int(graph_row[4])) == (1 + 6 * (n - 1), 5 * (n - 1))


# the autodiff page's new results, as recorded, must be on the built page
NEW = [
    "autodiff.df_dx_ulps",
    "autodiff.f_ulps",
    "autodiff.swell_dl_max",
    "autodiff.swell_tree_max",
    "autodiff.swell_distinct_max",
    "autodiff.swell_cse_max",
    "autodiff.swell_expanded_max",
    "autodiff.swell_rules_max",
    "autodiff.swell_growth",
    "autodiff.swell_time_ratio",
    "autodiff.swell_fk_dl",
    "autodiff.swell_fk_cse",
]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.site
def test_the_page_shows_the_symbolic_results(site, results):
    page = visible((site / "autodiff" / "index.html").read_text())
    for key in NEW:
        shown = format_value(results[key]["value"], results[key]["fmt"])
        assert shown in page, f"{key} = {shown} is not on the autodiff page"
    # SymPy's exact values, 30 significant digits, computed here again
    derivative = gradient(expression(f, X, C), (X, C))
    for value in exact([expression(f, X, C), *derivative], {X: 3, C: 5}):
        assert str(value) in page
    assert "SymPy, exact (30 significant digits)" in page


@pytest.mark.site
def test_the_erratum_carries_the_symbolic_proof(site):
    for page in ("errata/index.html", "autodiff/index.html"):
        html = (site / page).read_text()
        assert "simplifies to" in html, f"{page}: no symbolic proof"
        assert r"\log{\left(x \right)}" in html, f"{page}: the ratio is not ln x"


def test_no_symbolic_result_is_typed_into_the_docs(results):
    docs = "\n".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    docs = re.sub(r"\{\{.*?\}\}", "", docs)
    keys = [k for k in results if k.startswith("autodiff.swell_") or k.endswith("_ulps")]
    assert set(NEW) <= set(keys)
    for key in keys:
        shown = format_value(results[key]["value"], results[key]["fmt"])
        if len(shown.strip("-")) >= 3:  # a digit or two also appears as a parameter (x = 3)
            assert shown not in docs, f"{key} = {shown} is typed into docs/"
