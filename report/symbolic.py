"""Symbolic differentiation with SymPy, for chapter 1's comparison with our engine.

SymPy is one more independent method here, used by the report only (never by `src/backprop`).
Sizes are counted two ways: by SymPy (`count_ops`, `preorder_traversal`) and by our own walk
(`size`), which must agree; the engine's nodes are counted by `topological_order` and by our own
walk, its backward rule applications as they are issued and from the graph's edges.
"""

from __future__ import annotations

import math
import operator
import struct
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from statistics import median

import sympy as sp
from sympy.core.cache import clear_cache

from backprop import Tensor
from backprop.engine import topological_order
from backprop.ops import Primitive


class Symbolic:
    """A SymPy expression with the one method the chapter's f calls beyond arithmetic, `.log()`,
    so SymPy differentiates the very function our engine runs."""

    __slots__ = ("expr",)

    def __init__(self, expr) -> None:
        self.expr = sp.sympify(expr)

    def log(self) -> Symbolic:
        return Symbolic(sp.log(self.expr))

    def __neg__(self) -> Symbolic:
        return Symbolic(-self.expr)


def _lifted(op: Callable, reflected: bool = False) -> Callable:
    """An arithmetic dunder of Symbolic: apply `op` to the expressions, wrap the result."""

    def method(self: Symbolic, other) -> Symbolic:
        other = other.expr if isinstance(other, Symbolic) else other
        return Symbolic(op(other, self.expr) if reflected else op(self.expr, other))

    return method


for _name in ("add", "sub", "mul", "truediv", "pow"):
    _op = getattr(operator, _name)
    setattr(Symbolic, f"__{_name}__", _lifted(_op))
    setattr(Symbolic, f"__r{_name}__", _lifted(_op, reflected=True))


def expression(fn: Callable, *symbols: sp.Symbol) -> sp.Expr:
    """fn, run on SymPy symbols: the expression of the program."""
    return fn(*(Symbolic(s) for s in symbols)).expr


def logistic(x, n: int):
    """The logistic map l₁ = x, lₙ₊₁ = 4lₙ(1 − lₙ), on Tensors and SymPy expressions alike."""
    value = x
    for _ in range(n - 1):
        value = 4 * value * (1 - value)
    return value


def compose(fn: Callable, k: int) -> Callable:
    """(x, c) ↦ fn(fn(…fn(x, c)…, c), c), fn applied k times."""

    def composed(x, c):
        for _ in range(k):
            x = fn(x, c)
        return x

    return composed


def gradient(expr: sp.Expr, symbols: Iterable[sp.Symbol]) -> list[sp.Expr]:
    """SymPy's derivative by each symbol, as `diff` returns it."""
    return [sp.diff(expr, s) for s in symbols]


@dataclass(frozen=True)
class Size:
    """An expression's size: operations (as count_ops counts them), tree nodes with every
    repetition, and distinct subexpressions (the nodes of the same expression as a DAG)."""

    ops: int
    nodes: int
    distinct: int

    def __add__(self, other: Size) -> Size:
        return Size(self.ops + other.ops, self.nodes + other.nodes, self.distinct + other.distinct)


def size(exprs: sp.Basic | Iterable[sp.Basic]) -> Size:
    """Our own count (summed over a list), one visit per distinct subexpression: memoised, so
    fast on huge trees.

    Operations follow count_ops's convention: an n-ary sum or product is n − 1 operations, a
    power or a function one, a minus sign one (NEG, or SUB in place of an ADD), 1/y one (DIV).
    """
    total = Size(0, 0, 0)
    for expr in _each(exprs):
        nodes: dict[sp.Basic, int] = {}
        total += Size(_count_ops(expr, {}), _tree_nodes(expr, nodes), len(nodes))
    return total


def _each(exprs: sp.Basic | Iterable[sp.Basic]) -> list[sp.Basic]:
    return [exprs] if isinstance(exprs, sp.Basic) else list(exprs)


def _tree_nodes(expr: sp.Basic, memo: dict) -> int:
    """Nodes of the tree below and at expr, repetitions included; memo gets one key per
    distinct subexpression."""
    if expr not in memo:
        memo[expr] = 1 + sum(_tree_nodes(a, memo) for a in expr.args)
    return memo[expr]


def _count_ops(expr: sp.Basic, memo: dict) -> int:
    """The operations of expr, each distinct subexpression's counted once into memo."""
    if expr not in memo:
        memo[expr] = _ops_at(expr, lambda e: _count_ops(e, memo))
    return memo[expr]


def _ops_at(e: sp.Basic, ops: Callable[[sp.Basic], int]) -> int:
    """The operations of e, given `ops` for any subexpression."""
    if e.is_Rational:
        return (e.p < 0) + (e.q != 1)  # −1/3 is NEG + DIV
    if e.is_Symbol:
        return 0
    if e.is_Add:  # a − b is one SUB; −a − b is NEG + SUB
        terms = [-t if _negative(t) else t for t in e.args]
        negative = sum(map(_negative, e.args))
        return len(terms) - 1 + (negative == len(terms)) + sum(map(ops, terms))
    if e.is_Mul:
        if _negative(e):
            return 1 + ops(-e)
        numerator, denominator = sp.fraction(e)
        if denominator != 1:
            return 1 + ops(numerator) + ops(denominator)
        return len(e.args) - 1 + sum(map(ops, e.args))
    if e.is_Pow and e.exp == -1:
        return 1 + ops(e.base)
    if e.is_Pow or e.is_Function:
        return 1 + sum(map(ops, e.args))
    raise TypeError(f"size: no operation count for {type(e).__name__} ({e})")


def _negative(e: sp.Basic) -> bool:
    """Whether e is written with a leading minus sign: a negative number, or a product with one."""
    return bool(e.as_coeff_Mul()[0].is_negative)


def size_by_sympy(exprs: sp.Basic | Iterable[sp.Basic]) -> Size:
    """The same three numbers from SymPy's own count_ops and preorder_traversal."""
    total = Size(0, 0, 0)
    for expr in _each(exprs):
        nodes = list(sp.preorder_traversal(expr))
        total += Size(sp.count_ops(expr), len(nodes), len(set(nodes)))
    return total


def measured(exprs: sp.Basic | Iterable[sp.Basic]) -> Size:
    """SymPy's count of an expression (or the sum over a list), once our own walk agrees."""
    ours, theirs = size(exprs), size_by_sympy(exprs)
    if ours != theirs:
        raise AssertionError(f"sizes disagree: our walk {ours}, SymPy {theirs}")
    return theirs


def after_cse(exprs: list[sp.Expr]) -> list[sp.Expr]:
    """cse(): each shared subexpression computed once; its assignments and the results, as the
    list of right-hand sides (their sizes add up to the program's)."""
    assignments, reduced = sp.cse(exprs)
    return [rhs for _, rhs in assignments] + list(reduced)


def exact(exprs: list[sp.Expr], point: dict, digits: int = 30) -> list[sp.Rational | sp.Float]:
    """Each expression at `point` (exact inputs): a rational value as it is, any other to
    `digits` significant digits."""
    values = [e.subs(point) for e in exprs]
    return [v if v.is_Rational else sp.N(v, digits) for v in values]


def ulps(value: float, reference) -> float:
    """value − reference in units in the last place of the float nearest the reference."""
    return float((sp.Float(value, 40) - reference) / math.ulp(float(reference)))


def ulp_steps(value: float, reference: float) -> int:
    """How many floats lie from reference to value (signed): the same error, counted."""
    return _ordinal(value) - _ordinal(reference)


def _ordinal(v: float) -> int:
    """The float's position among all floats in order: its bits as an integer, mirrored below 0."""
    (bits,) = struct.unpack("<q", struct.pack("<d", v))
    return bits if bits >= 0 else -(bits & 0x7FFF_FFFF_FFFF_FFFF)


FORMS = ("function", "derivative", "expanded", "simplified", "after cse()")


def derivative_forms(
    expr: sp.Expr, symbols: tuple[sp.Symbol, ...], *, expand: Callable | None, simplify: bool
) -> dict[str, list[sp.Expr] | None]:
    """expr and its derivatives by each symbol: as diff returns them, expanded by `expand`
    (how depends on the expression), simplified, and after cse(); None where not computed."""
    derivative = gradient(expr, symbols)
    return {
        "function": [expr],
        "derivative": derivative,
        "expanded": None if expand is None else expand(derivative),
        "simplified": [sp.simplify(d) for d in derivative] if simplify else None,
        "after cse()": after_cse(derivative),
    }


@dataclass(frozen=True)
class Recorded:
    """What our engine records for one evaluation and does in its backward pass."""

    nodes: int  # tensors in the forward graph: inputs, constants and one per primitive applied
    rules: int  # VJP rule applications in the backward pass (one per edge into a grad input)
    gradient: tuple[float, ...]


def engine_counts(fn: Callable, primals: tuple[float, ...]) -> Recorded:
    """Run fn on fresh leaves, backpropagate, and count: nodes by topological_order and by our
    own walk, rule applications as the engine issues them and from the graph's edges."""
    leaves = [Tensor(p, requires_grad=True) for p in primals]
    out = fn(*leaves)
    graph = topological_order(out)
    edges = sum(parent.requires_grad for node in graph for parent in node.parents)
    with counted_rules() as calls:
        out.backward()
    if len(graph) != _reachable(out) or calls[0] != edges:
        raise AssertionError(
            f"engine counts disagree: {len(graph)} nodes sorted, {_reachable(out)} walked; "
            f"{calls[0]} rules applied, {edges} edges"
        )
    return Recorded(len(graph), calls[0], tuple(leaf.grad.item() for leaf in leaves))


@contextmanager
def counted_rules():
    """Count the engine's VJP rule applications while the block runs (a one-element list)."""
    calls, original = [0], Primitive.cotangent

    def counting(self, *args):
        calls[0] += 1
        return original(self, *args)

    Primitive.cotangent = counting
    try:
        yield calls
    finally:
        Primitive.cotangent = original


def _reachable(out: Tensor) -> int:
    """The tensors out depends on, itself included, by a walk of our own over .parents."""
    seen, stack = {id(out)}, [out]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


@dataclass(frozen=True)
class Timing:
    """Median times of the repeats, in seconds: wall clock, and this process's CPU time (which
    leaves out the time other processes on a shared machine held the core)."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Race:
    """SymPy's diff + evaluation against our engine's forward and backward pass: the times, and
    the derivatives each gave in its last run (they must agree)."""

    sympy: Timing
    forward: Timing
    backward: Timing
    by_sympy: tuple[float, ...]
    by_engine: tuple[float, ...]


def race(
    expr: sp.Expr,
    symbols: tuple[sp.Symbol, ...],
    fn: Callable,
    primals: tuple[float, ...],
    repeats: int,
) -> Race:
    """Time SymPy and our engine at `primals`, taking turns within each round (so the machine's
    load falls on both alike), after one untimed round. SymPy's cache is cleared before each of
    its runs: a repeat would otherwise find the derivative's pieces already built."""
    point = dict(zip(symbols, primals))
    samples: dict[str, list[tuple[float, float]]] = {"sympy": [], "forward": [], "backward": []}
    for _ in range(repeats + 1):
        clear_cache()
        with _stopwatch(samples["sympy"]):
            by_sympy = tuple(float(d.subs(point)) for d in gradient(expr, symbols))
        leaves = [Tensor(p, requires_grad=True) for p in primals]
        with _stopwatch(samples["forward"]):
            out = fn(*leaves)
        with _stopwatch(samples["backward"]):
            out.backward()
    medians = {
        name: Timing(median(w for w, _ in s[1:]), median(c for _, c in s[1:]))
        for name, s in samples.items()
    }
    return Race(**medians, by_sympy=by_sympy, by_engine=tuple(t.grad.item() for t in leaves))


@contextmanager
def _stopwatch(samples: list[tuple[float, float]]):
    """Append the block's (wall, CPU) seconds to samples."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    samples.append((time.perf_counter() - wall, time.process_time() - cpu))
