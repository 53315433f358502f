# %% [markdown]
# # Exercise 1 · Reverse-mode autodiff, executed
#
# We differentiate the sheet's function
# $f(x, c) = \left(\frac{x^2}{\ln x} + c\right)\left(\frac{x^2}{\ln x} - c\right)$ at $x = 3$,
# $c = 5$ with our own reverse-mode engine, then confirm every number by independent methods:
# our forward mode, PyTorch's autograd, the closed form, and central finite differences.
# Each result is recorded in the report's registry, which fails the build if a check disagrees.

# %% tags=["hide-input"]
import math
import time

import mpmath
import numpy as np
import sympy as sp
import torch

from backprop import Tensor, jvp
from backprop.engine import topological_order
from report.exercises import Exercise, exercises
from report.figures import line_chart
from report.graph import largest_gap, name_nodes, torch_replay, trace
from report.graph_figure import write_figure
from report.results import Check, Claim, Registry
from report.symbolic import exact, expression, gradient, ulp_steps, ulps

results = Registry("autodiff", page="autodiff.md")

# %%
X, C = 3.0, 5.0


def f(x, c):
    """The sheet's function, written once for our Tensor, PyTorch tensors and dual numbers."""
    u = x**2 / x.log()
    return (u + c) * (u - c)


# %% [markdown]
# ## Our engine
#
# One forward pass records the graph; one backward pass from $\bar f = 1$ fills in both
# partial derivatives.

# %%
x = Tensor(X, requires_grad=True)
c = Tensor(C, requires_grad=True)
out = f(x, c)
graph = topological_order(out)
for node in graph:
    if node.op is not None:
        node.retain_grad()  # keep every adjoint, to draw them
out.backward()
ours = {"f": out.item(), "df_dx": x.grad.item(), "df_dc": c.grad.item()}
ours

# %% [markdown]
# ## The graph our engine recorded
#
# These are the engine's own nodes (`topological_order`, `.op`, `.parents`), so division
# appears as multiplication by a reciprocal and subtraction as adding a negation. We name them as
# the derivation does (v₁ = ln x, v₂ = x², u, v₃ = u + c, v₄ = u − c, f) and call the engine's two
# extra nodes w₁ = v₁⁻¹ and w₂ = −c. The trace reads each node's value and adjoint from the run
# above; its backward steps are the nodes in the order `Tensor.backward` processes them, each
# parent's contribution from the engine's rule table, next to the rule written out on its numbers.

# %%
# the primitives in the order the engine made them, and the name the page gives each
NODE_NAMES = [
    ("pow", "v₂"),
    ("log", "v₁"),
    ("pow", "w₁"),
    ("mul", "u"),
    ("add", "v₃"),
    ("neg", "w₂"),
    ("add", "v₄"),
    ("mul", "f"),
]
nodes = name_nodes(out, {"x": x, "c": c}, NODE_NAMES)
f_trace = trace(out, nodes)
f_replay = torch_replay(f_trace)
write_figure(
    results.out,
    "graph",
    f_trace,
    "f",
    label=(
        "The computational graph of f(3, 5) as our engine recorded it, from the inputs x and c at "
        "the top to f at the bottom; each box shows what its node computes, its value and its "
        "adjoint."
    ),
    caption=(
        "The graph of f(3, 5), laid out by dagre. Each box: the node, its value, its adjoint "
        "(∂f/∂node). Grey pills are constants, which take no adjoint."
    ),
)
adjoints = ["| Node | Computes | Value | Adjoint ∂f/∂node |", "|---|---|---:|---:|"]
for node in f_trace["nodes"]:
    if node["kind"] != "constant":
        adjoints.append(
            f"| {node['name']} | {node['expression'] or 'input'} | {node['value']:.10g} "
            f"| {node['adjoint']:.10g} |"
        )
results.write_text("adjoints.md", "\n".join(adjoints))

# The page's backward pass by hand, rule by rule on the forward values, against the engine's
# adjoints: the numbers the derivation shows are the engine's, and the rules must reproduce them.
named = {node.name: node.tensor for node in nodes.values()}
val = {name: named[name].item() for name in ("x", "v₁", "v₂", "v₃", "v₄")}
bar: dict[str, float] = {"v₃": val["v₄"], "v₄": val["v₃"]}
bar |= {"u": bar["v₃"] + bar["v₄"], "c": bar["v₃"] - bar["v₄"]}
bar |= {"v₂": bar["u"] / val["v₁"], "v₁": -bar["u"] * val["v₂"] / val["v₁"] ** 2}
bar["x"] = 2 * val["x"] * bar["v₂"] + bar["v₁"] / val["x"]
BY_HAND = {
    "v₃": ("\\bar v_3", "v_4"),
    "v₄": ("\\bar v_4", "v_3"),
    "u": ("\\bar u", "\\bar v_3 + \\bar v_4"),
    "c": ("\\bar c", "\\bar v_3 - \\bar v_4"),
    "v₂": ("\\bar v_2", "\\bar u / v_1"),
    "v₁": ("\\bar v_1", "-\\bar u\\, v_2 / v_1^2"),
    "x": ("\\bar x", "2x\\,\\bar v_2 + \\bar v_1 / x"),
}
engine_bar = {name: named[name].grad.item() for name in BY_HAND}
wrong = {
    k: (bar[k], engine_bar[k])
    for k in BY_HAND
    if not math.isclose(bar[k], engine_bar[k], rel_tol=1e-12)
}
if wrong:
    raise AssertionError(f"the rules by hand and the engine's adjoints differ: {wrong}")
by_hand = " \\\\\n".join(
    f"{lhs} &= {rule} = {engine_bar[name]:.5f}" for name, (lhs, rule) in BY_HAND.items()
)
results.write_text("by_hand.md", f"$$\n\\begin{{aligned}}\n{by_hand}\n\\end{{aligned}}\n$$")
for step in f_trace["backward"]:
    for part in step["contributions"]:
        print(
            f"{part['rule']} = {part['numbers']}   "
            f"PyTorch: {f_replay['contributions'][part['edge']]:.5g}"
        )

# %% [markdown]
# The figure's numbers, checked: what the last step shows for x̄ and c̄ (the sum of the
# contributions each received) against the adjoint table (`.grad` after the engine's backward
# pass), and every number of the trace against PyTorch, which rebuilds the graph op by op from
# the trace's inputs alone (its own adjoints, and each contribution by `torch.autograd.grad` of
# the one primitive).

# %%
GRAPH_ROUND_OFF = "the same dozen float64 operations, in the same order up to round-off"


def received(trace_: dict, name: str) -> float:
    """The sum of the contributions the backward steps send to the node called `name`."""
    (node,) = (n["id"] for n in trace_["nodes"] if n["name"] == name)
    parts = [c["value"] for s in trace_["backward"] for c in s["contributions"] if c["to"] == node]
    return float(np.sum(parts))


for leaf, tensor in (("x", x), ("c", c)):
    (leaf_id,) = (n["id"] for n in f_trace["nodes"] if n["name"] == leaf)
    results.record(
        f"graph_d{leaf}",
        received(f_trace, leaf),
        title=f"∂f/∂{leaf} as the stepped graph adds it up",
        fmt=".3f",
        checks=[
            Check("the adjoint table (.grad after backward)", tensor.grad.item(), rtol=1e-12,
                  why=GRAPH_ROUND_OFF),
            Check("PyTorch, the graph replayed op by op (float64)",
                  f_replay["adjoints"][leaf_id].item(), rtol=1e-12, why=GRAPH_ROUND_OFF),
        ],
    )  # fmt: skip
GAP = "values, adjoints, contributions and formulas: float64 round-off, margin 1e3"
results.record(
    "graph_torch_gap",
    largest_gap(f_trace, f_replay),
    title="Largest relative difference, any number of the stepped graph of f vs PyTorch",
    fmt=".1e",
    checks=[Check("PyTorch replay: agreement to round-off", 0.0, atol=1e-12, why=GAP)],
)

# %% [markdown]
# ## The same rules at tensor shapes: a two-layer network
#
# One example (a batch of one, 1 × 2) through h = relu(x W₁ + b₁), y = h W₂ + b₂ and the squared
# error L = Σ (y − t)². The example and the target are data, not parameters: the backward pass
# skips them. b₁ is added to a 1 × 3 row, so its adjoint is summed back over the batch axis (the
# engine's `unbroadcast`); the relu passes adjoints only where its input was positive.

# %%
x_net = Tensor([[0.5, -1.0]])  # one example: data, so no adjoint
W1 = Tensor([[0.4, -0.6, 0.9], [-0.7, 0.3, -0.2]], requires_grad=True)
b1 = Tensor([0.1, -0.1, 0.2], requires_grad=True)
W2 = Tensor([[0.5, -0.4], [-0.3, 0.8], [0.6, 0.2]], requires_grad=True)
b2 = Tensor([0.05, -0.05], requires_grad=True)
target = Tensor([[1.0, 0.0]])
loss = (((x_net @ W1 + b1).relu() @ W2 + b2 - target) ** 2).sum()
for node in topological_order(loss):
    if node.op is not None and node.requires_grad:
        node.retain_grad()
loss.backward()
NET_NAMES = [
    ("matmul", "a₁"),
    ("add", "z₁"),
    ("relu", "h"),
    ("matmul", "a₂"),
    ("add", "y"),
    ("neg", "−t"),
    ("add", "e"),
    ("pow", "s"),
    ("sum", "L"),
]
net_leaves = {"x": x_net, "W₁": W1, "b₁": b1, "W₂": W2, "b₂": b2, "t": target}
net_trace = trace(loss, name_nodes(loss, net_leaves, NET_NAMES))
net_replay = torch_replay(net_trace)
write_figure(
    results.out,
    "network",
    net_trace,
    "L",
    label=(
        "The computational graph of a two-layer network on one example, from the example x, the "
        "weights and the target at the top to the loss L at the bottom; each box shows its "
        "node's shape."
    ),
    caption=(
        "The backward pass through a two-layer network on one example. Each box: the node and "
        "its shape; its adjoint has the same shape. Grey pills are data, which take no adjoint."
    ),
)
for step in net_trace["backward"]:
    for part in step["contributions"]:
        print(f"{part['rule']} = {part['numbers']}")
results.record(
    "network_torch_gap",
    largest_gap(net_trace, net_replay),
    title="Largest relative difference, any number of the stepped network vs PyTorch",
    fmt=".1e",
    checks=[Check("PyTorch replay: agreement to round-off", 0.0, atol=1e-12, why=GAP)],
)

# %% [markdown]
# ## Independent check 1: PyTorch autograd, in float64
#
# The sheet ran the same function in PyTorch's default float32; we use float64 so that the
# comparison is limited by round-off, not by single precision.

# %%
xt = torch.tensor(X, dtype=torch.float64, requires_grad=True)
ct = torch.tensor(C, dtype=torch.float64, requires_grad=True)
out_t = f(xt, ct)
out_t.backward()
torch_ = {"f": out_t.item(), "df_dx": xt.grad.item(), "df_dc": ct.grad.item()}
torch_

# %% [markdown]
# ## Independent check 2: the closed form
#
# With $u = x^2/\ln x$: $f = u^2 - c^2$, $\partial f/\partial x = 2x^3(2\ln x - 1)/(\ln x)^3$ and
# $\partial f/\partial c = -2c$. We also evaluate the sheet's closed form
# $\frac{2x^2}{(\ln x)^2}(2x\ln x - x)$, to show what it gives.


# %%
def u_closed(x: float, log=math.log) -> float:
    return x**2 / log(x)


def du_dx_closed(x: float) -> float:
    return x * (2 * math.log(x) - 1) / math.log(x) ** 2


def df_dx_closed(x: float, log=math.log) -> float:
    """Ours; `log` lets SymPy and mpmath evaluate the same formula (below)."""
    return 2 * x**3 * (2 * log(x) - 1) / log(x) ** 3


def df_dx_sheet(x: float, log=math.log) -> float:
    """The sheet's closed form, as printed (with x^c read as x², as its code does)."""
    return 2 * x**2 / log(x) ** 2 * (2 * x * log(x) - x)


closed = {"f": u_closed(X) ** 2 - C**2, "df_dx": df_dx_closed(X), "df_dc": -2 * C}
closed, df_dx_sheet(X)

# %% [markdown]
# ## Independent check 3: central finite differences
#
# $\partial f/\partial x \approx \frac{f(x + h) - f(x - h)}{2h}$ on plain Python floats. With
# $h = 10^{-5}$ the truncation error is $O(h^2)$ and the round-off $O(\varepsilon |f| / h)$, both
# around $10^{-9}$ here; $f$ is quadratic in $c$, so there the difference is exact up to round-off.

# %%
H = 1e-5


def f_float(x: float, c: float) -> float:
    return (x**2 / math.log(x) + c) * (x**2 / math.log(x) - c)


finite = {
    "df_dx": (f_float(X + H, C) - f_float(X - H, C)) / (2 * H),
    "df_dc": (f_float(X, C + H) - f_float(X, C - H)) / (2 * H),
}
finite

# %% [markdown]
# ## Independent check 4: our forward mode
#
# Dual numbers (`backprop.jvp`, with derivative rules of their own, not the reverse-mode
# table) push one tangent forward per pass: the tangent $(1, 0)$ gives $\partial f/\partial x$,
# $(0, 1)$ gives $\partial f/\partial c$ — two passes for two inputs, where reverse mode
# needed one backward pass.

# %%
value_fwd, df_dx_fwd = jvp(f, (X, C), (1.0, 0.0))
_, df_dc_fwd = jvp(f, (X, C), (0.0, 1.0))
forward = {"f": float(value_fwd), "df_dx": float(df_dx_fwd), "df_dc": float(df_dc_fwd)}
forward

# %% [markdown]
# ## Independent check 5: SymPy, exactly
#
# SymPy, a computer algebra system, differentiates the same `f` run on symbols instead of
# numbers (`report/symbolic.py` lends its expressions the one method `f` calls, `.log()`), and
# evaluates the derivatives at exactly $x = 3$, $c = 5$ to 30 significant digits. Against a
# reference without round-off our float64 engine's error can be counted in units in the last
# place (ulps); mpmath, evaluating our closed form to 40 digits, checks SymPy's value.

# %%
x_sym, c_sym = sp.Symbol("x", positive=True), sp.Symbol("c", real=True)
f_sym = expression(f, x_sym, c_sym)
grad_sym = gradient(f_sym, (x_sym, c_sym))
exact_ = dict(zip(("f", "df_dx", "df_dc"), exact([f_sym, *grad_sym], {x_sym: 3, c_sym: 5})))
with mpmath.workdps(40):
    x_mp = mpmath.mpf(X)
    high = {"f": u_closed(x_mp, mpmath.log) ** 2 - C**2, "df_dx": df_dx_closed(x_mp, mpmath.log)}
    error_ulps = {k: ulps(ours[k], exact_[k]) for k in ("f", "df_dx")}
    error_ulps_mp = {k: ulps(ours[k], sp.Float(high[k], 40)) for k in ("f", "df_dx")}
ulps_counted = {k: ulp_steps(ours[k], float(exact_[k])) for k in ("f", "df_dx")}
exact_, error_ulps, error_ulps_mp, ulps_counted

# %% [markdown]
# SymPy also decides between the two closed forms, the sheet's and ours, run on the same
# symbols: divided by SymPy's derivative the sheet's should leave $\ln x$, and ours minus
# SymPy's should leave $0$.

# %%
ratio = sp.simplify(df_dx_sheet(x_sym, sp.log) / grad_sym[0])
difference = sp.simplify(df_dx_closed(x_sym, sp.log) - grad_sym[0])
if (ratio, difference) != (sp.log(x_sym), 0):
    raise AssertionError(f"sheet/SymPy simplifies to {ratio}, ours − SymPy to {difference}")
proof = (
    f"the sheet's form divided by SymPy's derivative simplifies to ${sp.latex(ratio)}$, and our "
    f"closed form minus SymPy's derivative to ${sp.latex(difference)}$"
)


def factor_lines(expr: sp.Expr) -> list[str]:
    """A sum of products as the lines of an aligned block, one per factor: a phone shows it."""
    lines = []
    for n, term in enumerate(expr.as_ordered_terms()):
        negative = term.could_extract_minus_sign()
        head, *tail = (
            f"\\left({sp.latex(k)}\\right)" if k.is_Add else sp.latex(k)
            for k in (-term if negative else term).as_ordered_factors()
        )
        sign = "- " if negative else ("" if n == 0 else "+ ")
        indent = "" if n == 0 else "\\quad "
        lines += [indent + sign + head, *("\\qquad \\cdot " + k for k in tail)]
    return lines


first, *rest = factor_lines(grad_sym[0])
rows = ["\\frac{\\partial f}{\\partial x} &= " + first, *("&" + line for line in rest)]
derivative_tex = "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"
results.write_text(
    "symbolic_proof.md", f"$$\n{derivative_tex}\n$$\n\nRun on the same symbols, {proof}."
)
(ratio, sp.log(x_sym)), (difference, 0)

# %% [markdown]
# ## Intermediate values
#
# The derivation on the page uses $u$ and $du/dx$; our engine gives them too ($du/dx$ by
# backpropagating from $u$ alone).

# %%
xu = Tensor(X, requires_grad=True)
u = xu**2 / xu.log()
u.backward()
u_ours, du_dx_ours = u.item(), xu.grad.item()

xu_t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
u_t = xu_t**2 / xu_t.log()
u_t.backward()
(u_ours, u_closed(X), u_t.item()), (du_dx_ours, du_dx_closed(X), xu_t.grad.item())

# %% [markdown]
# ## Recording the results
#
# Each result carries its checks and tolerances. PyTorch and the closed form agree with our
# engine to a few units in the last place (relative $10^{-12}$ leaves room for a dozen
# operations' round-off); finite differences to relative $10^{-7}$ (their error estimate above,
# with a margin of 100).

# %%
ROUND_OFF = "a dozen float64 operations: round-off of order 1e-15, with a wide margin"
FD = "central differences, h = 1e-5: truncation and round-off near 1e-9, margin 100"


def checks(name: str, with_fd: bool = True) -> list[Check]:
    """The independent checks of one of f, df/dx, df/dc."""
    found = [
        Check("PyTorch autograd (float64)", torch_[name], rtol=1e-12, why=ROUND_OFF),
        Check("closed form", closed[name], rtol=1e-12, atol=1e-12, why=ROUND_OFF),
        Check(
            "our forward mode (dual numbers)", forward[name], rtol=1e-12, atol=1e-12, why=ROUND_OFF
        ),
        Check("SymPy, exact (30 digits)", float(exact_[name]), rtol=1e-12, why=ROUND_OFF),
    ]
    if with_fd:
        found.append(Check("central differences", finite[name], rtol=1e-7, atol=1e-7, why=FD))
    return found


results.record(
    "u",
    u_ours,
    title="u = x²/ln x at x = 3",
    fmt=".5f",
    checks=[
        Check("PyTorch (float64)", u_t.item(), rtol=1e-12, why=ROUND_OFF),
        Check("closed form", u_closed(X), rtol=1e-12, why=ROUND_OFF),
    ],
)
results.record(
    "du_dx",
    du_dx_ours,
    title="du/dx at x = 3",
    fmt=".5f",
    checks=[
        Check("PyTorch autograd (float64)", xu_t.grad.item(), rtol=1e-12, why=ROUND_OFF),
        Check("closed form x(2 ln x − 1)/(ln x)²", du_dx_closed(X), rtol=1e-12, why=ROUND_OFF),
    ],
)
results.record(
    "f",
    ours["f"],
    title="f(3, 5)",
    fmt=".5f",
    checks=checks("f", with_fd=False),
)
results.record(
    "df_dx",
    ours["df_dx"],
    title="∂f/∂x at (3, 5)",
    fmt=".3f",
    checks=checks("df_dx"),
)
results.record(
    "df_dc",
    ours["df_dc"],
    title="∂f/∂c at (3, 5)",
    fmt=".0f",
    checks=checks("df_dc"),
    sheet=Claim("-10.0", where="1 d), PyTorch output"),
)
results.record(
    "sheet_closed_form",
    df_dx_sheet(X),
    title="The sheet's closed form for ∂f/∂x, evaluated at x = 3",
    fmt=".3f",
    checks=[
        Check(
            "ln 3 × our reverse-mode ∂f/∂x (the sheet's form is ln x times the derivative)",
            math.log(X) * ours["df_dx"],
            rtol=1e-12,
            why=ROUND_OFF,
        )
    ],
    sheet=Claim("48.76", where="1 a), closed form", answers="df_dx"),
    erratum=(
        "The sheet's closed form 2x²/(ln x)² · (2x ln x − x) lacks a factor 1/ln x: "
        f"the derivative is 2x³(2 ln x − 1)/(ln x)³. SymPy proves it: {proof}. The value the "
        "sheet writes beside the formula is the correct derivative (its PyTorch run prints it), "
        "but the formula itself evaluates to the number above."
    ),
)
ULP = "the float nearest the exact value is within half an ulp of it"
MPMATH = "SymPy's 30 digits against mpmath's 40: agree to 1e-29, far below an ulp (7e-15)"
for name, title in (("f", "f(3, 5)"), ("df_dx", "∂f/∂x at (3, 5)")):
    results.record(
        f"{name}_ulps",
        error_ulps[name],
        title=f"Our engine's error in {title} against SymPy's exact value, in ulps",
        fmt=".2f",
        checks=[
            Check(
                "floats counted from the rounded exact value", ulps_counted[name], atol=0.5, why=ULP
            ),
            Check(
                "against mpmath, our closed form at 40 digits",
                error_ulps_mp[name],
                atol=1e-9,
                why=MPMATH,
            ),
        ],
    )

# %% [markdown]
# The sheet's derivation writes $x^c$ where its code has `x**2`. Read as written, $f(3, 5)$
# would be $(3^5/\ln 3)^2 - 5^2$, far from the value its PyTorch run prints.

# %%
f_x_to_the_c = (X**C / math.log(X)) ** 2 - C**2
xc = torch.tensor(X, dtype=torch.float64)
results.record(
    "f_x_to_the_c",
    f_x_to_the_c,
    title="f(3, 5) with the derivation's xᶜ read as written",
    fmt=",.1f",
    checks=[
        Check(
            "PyTorch (float64)", ((xc**C / xc.log()) ** 2 - C**2).item(), rtol=1e-12, why=ROUND_OFF
        )
    ],
    sheet=Claim("xᶜ for x²", where="1 a), throughout the derivation", kind="slip"),
    erratum=(
        f"Read as written, f(3, 5) would be {f_x_to_the_c:,.1f}, not the {ours['f']:.3f} its "
        "PyTorch run prints: that is the value with x², which its code uses, and so do we."
    ),
)

# %% [markdown]
# ## In float32, as the sheet ran it
#
# The sheet's PyTorch code makes its tensors from Python floats without a dtype, so PyTorch
# computes in float32 (a 24-bit significand, machine epsilon $2^{-23}$), and `.item()` prints the
# float32's binary value, converted to a Python float, with all 17 digits. Run on float32 inputs
# in the sheet's order of operations, our engine should print the same bits; and if they are the
# float32 nearest the exact value, the digits past the seventh belong to float32, not to $f$.


# %%
def nearest_float32(value: sp.Float) -> np.float32:
    """The float32 nearest a high-precision value: its rounding and both neighbours, compared in
    SymPy's 30 digits (no double rounding through float64)."""
    guess = np.float32(float(value))
    around = [np.nextafter(guess, np.float32(side)) for side in (-np.inf, np.inf)]
    return min([guess, *around], key=lambda v: abs(sp.Float(float(v), 30) - value))


x32, c32 = Tensor(np.float32(X), requires_grad=True), Tensor(np.float32(C), requires_grad=True)
out32 = f(x32, c32)
out32.backward()
ours32 = {"f": out32.item(), "df_dx": x32.grad.item(), "df_dc": c32.grad.item()}

xt32 = torch.tensor(3.0, requires_grad=True)  # the sheet's cell, as it is
ct32 = torch.tensor(5.0, requires_grad=True)
log_x = torch.log(xt32)
div = (xt32**2) / log_x
mult = (div + ct32) * (div - ct32)
mult.backward()
sheet32 = {"f": mult.item(), "df_dx": xt32.grad.item(), "df_dc": ct32.grad.item()}

u32 = x32**2 / x32.log()
squares32 = (u32 * u32 - c32 * c32).item()  # the same f written u² − c²
nearest = {k: float(nearest_float32(exact_[k])) for k in ("f", "df_dx")}
spacing32 = float(np.spacing(np.float32(ours32["df_dx"])))
ours32, sheet32, nearest, squares32, spacing32

# %%
BITS = "the same float32 operations in the same order give the same bits: exact"
PRINTED = {"f": "42.11137008666992", "df_dx": "48.756893157958984"}  # the sheet's output, quoted
for name, title in (("f", "f(3, 5)"), ("df_dx", "∂f/∂x at (3, 5)")):
    results.record(
        f"f32_{name}",
        float(ours32[name]),
        title=f"{title} in float32, our engine",
        fmt="",  # as Python prints it: the float32's value in the fewest digits that pin it
        checks=[
            Check("PyTorch float32, the sheet's code", sheet32[name], why=BITS),
            Check(
                "the float32 nearest SymPy's exact value",
                nearest[name],
                why="rounding the exact value to float32: exact",
            ),
        ],
        sheet=Claim(PRINTED[name], where="1 d), PyTorch output"),
    )
results.record(
    "f32_squares",
    squares32,
    title="f(3, 5) in float32 written u² − c², our engine",
    fmt="",
    checks=[
        Check("PyTorch float32, u² − c²", ((div * div) - (ct32 * ct32)).item(), why=BITS),
        Check(
            "the next float32 above the sheet's order of operations",
            float(np.nextafter(np.float32(ours32["f"]), np.float32(np.inf))),
            why="one float32 apart, as measured: exact",
        ),
    ],
)
results.record(
    "f32_spacing",
    spacing32,
    title="The spacing of float32 numbers near ∂f/∂x (between 32 and 64)",
    fmt=".3g",
    checks=[
        Check("machine epsilon × 2⁵", float(np.finfo(np.float32).eps) * 2**5, why="exact in binary")
    ],
)
results.record(
    "f32_eps",
    float(np.finfo(np.float32).eps),
    title="float32's machine epsilon",
    fmt=".3g",
    checks=[Check("2⁻²³, a 24-bit significand", 2.0**-23, why="exact in binary")],
)
for name in ("f", "df_dx"):
    results.record(
        f"f32_{name}_gap",
        (ours32[name] - float(exact_[name])) / spacing32,
        title=f"float32 {name} minus the exact value, in float32 spacings",
        fmt=".2f",
        checks=[
            Check(
                "SymPy's 30 digits",
                float((sp.Float(ours32[name], 30) - exact_[name]) / spacing32),
                atol=1e-9,
                why="the same difference, taken in 30 digits: round-off below 1e-9 spacings",
            )
        ],
    )

# %% [markdown]
# ## The same derivatives by every method

# %%
rows = [
    ("Our reverse mode (`backprop.Tensor`)", ours),
    ("Our forward mode (`backprop.jvp`)", forward),
    ("PyTorch autograd, float64", torch_),
    ("Closed form", closed),
    ("Central differences, h = 1e-5", {"f": float("nan"), **finite}),
    ("SymPy, exact (30 significant digits)", exact_),
    ("Our reverse mode, float32", ours32),
    ("PyTorch float32, the sheet's code", sheet32),
]


def digits(v, decimals: int) -> str:
    """A float to `decimals` places; SymPy's exact values in full, with a line break allowed
    where the floats' digits end (the column stays narrow); an integer marked exact."""
    if isinstance(v, sp.Integer):
        return f"{v} (exact)"
    if isinstance(v, sp.Float):
        cut = len(f"{float(v):.{decimals}f}")
        return f"{v}"[:cut] + "<wbr>" + f"{v}"[cut:]
    return f"{v:.{decimals}f}"


table = ["| Method | f(3, 5) | ∂f/∂x | ∂f/∂c | \\|∂f/∂x − ours\\| |", "|---|---|---|---|---|"]
for method, v in rows:
    gap = f"{float(abs(v['df_dx'] - ours['df_dx'])):.1e}"
    if v is exact_:
        gap += f" = {abs(error_ulps['df_dx']):.2f} ulp"
    f_text = "—" if math.isnan(v["f"]) else digits(v["f"], 12)
    table.append(
        f"| {method} | {f_text} | {digits(v['df_dx'], 12)} | {digits(v['df_dc'], 9)} | {gap} |"
    )
results.write_text("methods.md", "\n".join(table))

# %% [markdown]
# ## What reverse mode buys: counting the passes
#
# A full Jacobian takes forward mode one `jvp` per input direction, and reverse mode one
# recorded evaluation plus one backward pass per output. We count both, not assume them:
# each evaluation of the function goes through a counter, each backward pass is counted as it
# is issued, and the two Jacobians must agree. Three functions: the sheet's
# $f: \mathbb{R}^2 \to \mathbb{R}$, a curve $h: \mathbb{R} \to \mathbb{R}^5$,
# $h(t)_k = \tanh(k t)$, and $g: \mathbb{R}^{100} \to \mathbb{R}$, $g(x) = \sum_i x_i \tanh x_i$.


# %%
def counted(fn):
    """fn, plus a list whose one entry counts its calls (each call is one forward pass)."""
    calls = [0]

    def wrapper(*args):
        calls[0] += 1
        return fn(*args)

    return wrapper, calls


def directions(primals: tuple) -> list[tuple]:
    """One one-hot tangent per input element, shaped like the primals."""
    shapes = [np.shape(p) for p in primals]
    sizes = [int(np.prod(s)) for s in shapes]
    basis = np.eye(sum(sizes))
    return [
        tuple(part.reshape(s) for part, s in zip(np.split(e, np.cumsum(sizes)[:-1]), shapes))
        for e in basis
    ]


def forward_jacobian(fn, primals: tuple) -> tuple[np.ndarray, dict]:
    """Jacobian column by column, one jvp per input direction; returns it and the passes."""
    fn, calls = counted(fn)
    columns = [np.ravel(jvp(fn, primals, t)[1]) for t in directions(primals)]
    return np.column_stack(columns), {"evaluations": calls[0], "backward": 0}


def reverse_jacobian(fn, primals: tuple) -> tuple[np.ndarray, dict]:
    """Jacobian row by row: one recorded evaluation, then one backward pass per output."""
    fn, calls = counted(fn)
    leaves = [Tensor(p, requires_grad=True) for p in primals]
    out, jacobian_rows, backward = fn(*leaves), [], 0
    for e in np.eye(out.size):
        for leaf in leaves:
            leaf.grad = None
        out.backward(e.reshape(out.shape))
        backward += 1
        jacobian_rows.append(np.concatenate([np.ravel(leaf.grad) for leaf in leaves]))
    return np.array(jacobian_rows), {"evaluations": calls[0], "backward": backward}


def g(x):
    """A scalar function of n inputs."""
    return (x * x.tanh()).sum()


def h(t):
    """A curve: one input, five outputs."""
    return (t * np.arange(1.0, 6.0)).tanh()


rng = np.random.default_rng(0)
cases = [
    ("sheet's f", "ℝ² → ℝ", f, (X, C)),
    ("h(t) = tanh(k t), k = 1..5", "ℝ → ℝ⁵", h, (0.3,)),
    ("g(x) = Σ xᵢ tanh xᵢ", "ℝ¹⁰⁰ → ℝ", g, (rng.normal(size=100),)),
]
passes = [
    (
        "| Function | Shape | forward mode: jvp passes | reverse mode: evaluations + backward "
        "passes | max \\|J_forward − J_reverse\\| |"
    ),
    "|---|---|---:|---:|---:|",
]
for name, shape, fn, primals in cases:
    J_fwd, fwd = forward_jacobian(fn, primals)
    J_rev, rev = reverse_jacobian(fn, primals)
    gap = np.max(np.abs(J_fwd - J_rev))
    passes.append(
        f"| {name} | {shape} | {fwd['evaluations']} | {rev['evaluations']} + {rev['backward']} "
        f"| {gap:.1e} |"
    )
results.write_text("passes.md", "\n".join(passes))

# %% [markdown]
# ## What reverse mode buys: the time
#
# For $g: \mathbb{R}^n \to \mathbb{R}$ with growing $n$ we time both Jacobians (here: gradients)
# with our engine, median of 5 runs after a warm-up, and check again that they agree.


# %%
def median_time(fn, *args) -> float:
    """Median wall time of 5 calls, in seconds (one warm-up call first)."""
    fn(*args)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def evaluate(fn, primals: tuple):
    """The function alone, on our Tensors, recording nothing: the baseline a gradient costs."""
    return fn(*(Tensor(p) for p in primals))


def gradient_over_function(primals: tuple) -> float:
    """Median time of reverse mode's gradient of g over that of evaluating g alone."""
    return median_time(reverse_jacobian, g, primals) / median_time(evaluate, g, primals)


SIZES = (1, 10, 100, 1000)
cost = []
for n in SIZES:
    primals = (rng.normal(size=n),)
    (J_rev, rev), (J_fwd, fwd) = reverse_jacobian(g, primals), forward_jacobian(g, primals)
    t_rev, t_fwd, t_g = (
        median_time(reverse_jacobian, g, primals),
        median_time(forward_jacobian, g, primals),
        median_time(evaluate, g, primals),
    )
    gap = np.max(np.abs(J_rev - J_fwd))
    cost.append((n, rev["backward"], fwd["evaluations"], t_rev, t_fwd, t_g, gap))

rows = [
    (
        "| n | backward passes | jvp passes | g alone (ms) | reverse (ms) | forward (ms) "
        "| reverse / g | max \\|J_rev − J_fwd\\| |"
    ),
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for n, p_rev, p_fwd, t_rev, t_fwd, t_g, gap in cost:
    rows.append(
        f"| {n:,} | {p_rev} | {p_fwd:,} | {1e3 * t_g:.3f} | {1e3 * t_rev:.3f} "
        f"| {1e3 * t_fwd:.3f} | {t_rev / t_g:.1f} | {gap:.1e} |"
    )
results.write_text("cost.md", "\n".join(rows))
ratios = [t_rev / t_g for _, _, _, t_rev, _, t_g, _ in cost]
results.record(
    "cost_ratio_max",
    max(ratios),
    title="Reverse mode's gradient of g over evaluating g alone, the largest over n",
    fmt=".1f",
    checks=[
        Check(
            "timed again, all sizes",
            max(gradient_over_function((rng.normal(size=n),)) for n in SIZES),
            rtol=0.5,
            why="medians of 5 timings on a shared machine: a second run within 50 %",
        )
    ],
)
line_chart(
    [n for n, *_ in cost],
    {
        "reverse mode (1 backward pass)": [row[3] for row in cost],
        "forward mode (n jvp passes)": [row[4] for row in cost],
        "g alone (no gradient)": [row[5] for row in cost],
    },
    results.out / "cost.svg",
    xlabel="number of inputs n",
    ylabel="time for the gradient (s)",
)

# %% [markdown]
# Reverse mode wins when there are few outputs and many inputs — training, where one loss
# depends on millions of parameters; forward mode wins for few inputs and many outputs.

# %% [markdown]
# ## Symbolic versus automatic: expression swell, measured
#
# Both apply the chain rule, as the sheet's part (c) says: SymPy to *expressions*, our engine to
# *numbers*. What that costs shows on the logistic map $l_1 = x$, $l_{n+1} = 4 l_n (1 - l_n)$
# (Baydin et al., *Automatic differentiation in machine learning: a survey*, JMLR 2018, §2). One
# `logistic` function runs on SymPy symbols, on SymPy polynomials (to expand) and on our
# Tensors. Every SymPy size is counted twice, by SymPy (`count_ops`, `preorder_traversal`) and
# by our own walk (`report/symbolic.py`), which must agree; so must our engine's nodes
# (`topological_order` and a walk of our own) and its backward rule applications (as issued,
# and from the graph's edges).

# %%
from functools import partial

from backprop import gradients
from report.figures import curve_panels
from report.pages import table as markdown_table
from report.symbolic import (
    FORMS,
    compose,
    derivative_forms,
    engine_counts,
    logistic,
    measured,
    race,
    size,
)

N_MAX = 10  # up to l₁₀: SymPy's dl₁₀/dx is already a tree of about 70,000 nodes
SIMPLIFY_UP_TO = 4  # simplify() takes seconds per step beyond, and returns the expansion
X0 = 0.3  # where our engine evaluates lₙ (it records the same nodes at any point)
x_l = sp.Symbol("x")


def expanded_logistic(n: int):
    """dlₙ/dx expanded, by iterating the map on polynomials (expand() on SymPy's derivative
    takes seconds from n = 6 on; the two agree, checked below)."""
    return lambda _: [logistic(sp.Poly(x_l, x_l), n).diff(x_l).as_expr()]


def measure(expr, symbols, fn, primals, expand, simplify: bool) -> tuple[dict, dict, object]:
    """expr's forms, their sizes (SymPy's count, ours agreeing) and what our engine records."""
    forms = derivative_forms(expr, symbols, expand=expand, simplify=simplify)
    sizes = {form: None if e is None else measured(e) for form, e in forms.items()}
    return forms, sizes, engine_counts(fn, primals)


logistic_rows = {}
for n in range(1, N_MAX + 1):
    simplify = n <= SIMPLIFY_UP_TO
    row = measure(
        logistic(x_l, n), (x_l,), partial(logistic, n=n), (X0,), expanded_logistic(n), simplify
    )
    if simplify and row[0]["simplified"] != row[0]["expanded"]:
        raise AssertionError(f"n = {n}: simplify() gave {row[0]['simplified']}")
    logistic_rows[n] = row


def ops(counted) -> str:
    return "—" if counted is None else f"{counted.ops:,}"


swell_table = markdown_table(
    ("n", "lₙ", "dlₙ/dx as returned", "expanded", "simplify()", "cse()"),
    [(str(n), *(ops(sizes[form]) for form in FORMS)) for n, (_, sizes, _) in logistic_rows.items()],
)
results.write_text(
    "swell.md",
    swell_table
    + f"\nOperations, n = 1 … {N_MAX}: the tree more than doubles per step, and so does the "
    "time to differentiate and count it, so the table stops there to keep the report quick. "
    f"simplify() up to n = {SIMPLIFY_UP_TO} only (—: not run): it takes a second or more per "
    "step beyond, and up to there it returns the expanded polynomial.",
)
graph_table = markdown_table(
    (
        "n",
        "SymPy's dlₙ/dx: tree nodes",
        "distinct subexpressions",
        "our engine: graph nodes",
        "our engine: backward rule calls",
    ),
    [
        (str(n), f"{s['derivative'].nodes:,}", f"{s['derivative'].distinct:,}")
        + (f"{engine.nodes:,}", f"{engine.rules:,}")
        for n, (_, s, engine) in logistic_rows.items()
    ],
)
results.write_text("swell_graph.md", graph_table)

# %% [markdown]
# The survey prints the expansion of $dl_n/dx$ for small $n$. Ours for $n = 4$, by the
# polynomial route above and by `expand()` on SymPy's derivative, which must be one expression:

# %%
dl4 = logistic_rows[4][0]["expanded"][0]
dl4_expand = sp.expand(sp.diff(logistic(x_l, 4), x_l))
if dl4 != dl4_expand:
    raise AssertionError(f"expanded dl4/dx: {dl4} from polynomials, {dl4_expand} from expand()")
content, primitive = sp.Poly(dl4, x_l).primitive()
terms = [sp.latex(k * x_l**d) for (d,), k in reversed(primitive.terms())]  # rising powers
signed = [t if t.startswith("-") else f"+ {t}" for t in terms[1:]]
rows = [" ".join(signed[i : i + 3]) for i in range(2, len(signed), 3)]  # three terms a line
dl4_tex = (
    f"\\begin{{aligned}}\n{content}\\,\\bigl({terms[0]} &{' '.join(signed[:2])} \\\\\n"
    + " \\\\\n".join("&" + row for row in rows)
    + "\\bigr)\n\\end{aligned}"
)  # a phone shows it whole
results.write_text("survey_dl4.md", f"$$\n{dl4_tex}\n$$")
sp.factor_terms(dl4), dl4 == dl4_expand

# %% [markdown]
# ## The sheet's f, composed with itself
#
# The same for $f$ and for $f$ applied to its own value $k$ times,
# $f_k(x, c) = f(f_{k-1}(x, c), c)$, differentiated by both inputs: SymPy's gradient is two
# expressions, our engine's one backward pass. `expand()` and `simplify()` run for small $k$
# only: at $k = 3$ `expand()` alone takes seconds and returns tens of thousands of operations.

# %%
K_MAX = 4  # f₅(3, 5) is near 1e290; f₆ overflows float64
EXPAND_UP_TO = 2


def expand_each(derivative: list) -> list:
    return [sp.expand(d) for d in derivative]


compositions = [  # (name, our engine's function, SymPy's expression, expand and simplify?)
    (name, compose(f, k), expression(compose(f, k), x_sym, c_sym), k <= EXPAND_UP_TO)
    for k, name in enumerate(("f", "f∘f", "f∘f∘f", "f∘f∘f∘f")[:K_MAX], start=1)
]
f_cases = [  # and ∂f/∂x differentiated once more: our engine records its own backward pass
    *compositions,
    ("∂f/∂x", lambda x, c: gradients(f(x, c), x, create_graph=True)[0], grad_sym[0], True),
]
f_rows = {
    name: measure(expr, (x_sym, c_sym), fn, (X, C), expand_each if small else None, small)
    for name, fn, expr, small in f_cases
}
f_table = markdown_table(
    ("function", "itself", "∇ as returned", "expanded", "simplify()", "cse()", "our engine"),
    [
        (name, *(ops(sizes[form]) for form in FORMS), f"{engine.rules:,}")
        for name, (_, sizes, engine) in f_rows.items()
    ],
)
results.write_text(
    "swell_f.md",
    f_table + "\nSymPy: operations as count_ops counts them; our engine: rule applications in its "
    f"backward pass. expand() and simplify() for k ≤ {EXPAND_UP_TO} only (—: not run): at "
    f"k = {EXPAND_UP_TO + 1} expand() alone takes seconds.",
)

# %% [markdown]
# ## The time it takes
#
# SymPy's `diff` plus evaluating its result at a point, against our engine's forward pass
# (recording the graph) and backward pass: medians of 3 runs after an untimed one, the two
# taking turns, SymPy's cache cleared before each of its runs. CPU time of this process,
# because the machine is shared with other jobs (the wall clock adds the time they held the
# core: up to several times as much). Both must give the same derivative.

# %%
REPEATS = 3
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
timed_cases = {  # name: (SymPy's expression, its symbols, our engine's function, the point)
    "l" + str(n).translate(SUBSCRIPTS): (logistic(x_l, n), (x_l,), partial(logistic, n=n), (X0,))
    for n in range(2, N_MAX + 1, 2)
} | {name: (expr, (x_sym, c_sym), fn, (X, C)) for name, fn, expr, _ in f_cases}
times = {name: race(*case, REPEATS) for name, case in timed_cases.items()}
for name, t in times.items():
    if not np.allclose(t.by_sympy, t.by_engine, rtol=1e-12, atol=0):
        raise AssertionError(f"{name}: SymPy and our engine differ: {t}")

time_table = markdown_table(
    (
        "function",
        "SymPy: diff + evaluation (ms)",
        "our engine: forward (ms)",
        "our engine: backward (ms)",
        "SymPy ÷ backward",
    ),
    [
        (
            name,
            f"{1e3 * t.sympy.cpu:.3f}",
            f"{1e3 * t.forward.cpu:.3f}",
            f"{1e3 * t.backward.cpu:.3f}",
            f"{t.sympy.cpu / t.backward.cpu:,.0f}",
        )
        for name, t in times.items()
    ],
)
results.write_text("swell_time.md", time_table)

# %% [markdown]
# On a logarithmic axis, from $n = 2$ ($l_1 = x$ has no operation to count):

# %%
SERIES = {
    "SymPy's dlₙ/dx, as returned": "derivative",
    "SymPy's dlₙ/dx, expanded": "expanded",
    "SymPy's dlₙ/dx after cse()": "after cse()",
}
ns = list(logistic_rows)[1:]
curves = {
    label: (ns, [logistic_rows[n][1][form].ops for n in ns]) for label, form in SERIES.items()
}
curves["our engine: graph nodes of lₙ"] = (ns, [logistic_rows[n][2].nodes for n in ns])
curves["our engine: backward rule calls"] = (ns, [logistic_rows[n][2].rules for n in ns])
curve_panels(
    [("n (the logistic map lₙ)", "operations, nodes or rule calls", curves)],
    results.out / "swell.svg",
    yscale="log",
    styles={label: {"marker": "o", "ms": 4} for label in SERIES}
    | {label: {"marker": "s", "ms": 4, "ls": "--"} for label in list(curves)[3:]},
    legend="outside",
)

# %% [markdown]
# ## Recording the comparison
#
# Each size is recorded as SymPy counts it, checked by our own walk; our engine's counts by
# what the primitives predict (each step of $l_n$ adds 4 primitives and their 2 constants to the
# graph, 5 rule applications to the backward pass; each $f$ 12 rule applications); the time
# ratio by running that race once more.

# %%
OURS = "two independent counts of the same integer"
BY_HAND = "counted by hand from the primitives each step applies"
TIMER = (
    "CPU times of a few runs vary by tens of per cent on a shared machine; a factor 2 is a fault"
)
KEYS = {"derivative": "dl", "expanded": "expanded", "after cse()": "cse"}
DESCRIBED = {
    "derivative": "as diff returns it",
    "expanded": "expanded",
    "after cse()": "after cse()",
}
FIELDS = {"ops": "operations", "nodes": "tree nodes", "distinct": "distinct subexpressions"}


def sympy_count(rows: dict, row, form: str, field: str = "ops") -> tuple[int, int]:
    """A size as SymPy counted it (in the table), and our own walk's count of it, afresh."""
    forms, sizes, _ = rows[row]
    return getattr(sizes[form], field), getattr(size(forms[form]), field)


def record_sympy(key: str, rows: dict, row, form: str, field: str = "ops") -> None:
    value, ours = sympy_count(rows, row, form, field)
    label = "l" + str(row).translate(SUBSCRIPTS) if rows is logistic_rows else row
    results.record(
        key,
        value,
        title=f"SymPy's derivative of {label}, {DESCRIBED[form]}: {FIELDS[field]}",
        fmt=",d",
        checks=[Check("our own walk (report/symbolic.py)", ours, why=OURS)],
    )


def record_engine(key: str, what: str, value: int, predicted: int) -> None:
    check = Check("predicted from the primitives", predicted, why=BY_HAND)
    results.record(key, value, title=f"Our engine: {what}", fmt=",d", checks=[check])


for n, tag in ((4, "4"), (N_MAX, "max")):
    for form, name in KEYS.items():
        record_sympy(f"swell_{name}_{tag}", logistic_rows, n, form)
    engine, l_n = logistic_rows[n][2], "l" + str(n).translate(SUBSCRIPTS)
    record_engine(
        f"swell_nodes_{tag}", f"nodes in the graph of {l_n}", engine.nodes, 1 + 6 * (n - 1)
    )
    record_engine(f"swell_rules_{tag}", f"rule applications for {l_n}", engine.rules, 5 * (n - 1))
record_sympy("swell_tree_max", logistic_rows, N_MAX, "derivative", "nodes")
record_sympy("swell_distinct_max", logistic_rows, N_MAX, "derivative", "distinct")
last, before = logistic_rows[N_MAX][2], logistic_rows[N_MAX - 1][2]
record_engine("swell_nodes_step", "graph nodes added per step of lₙ", last.nodes - before.nodes, 6)
record_engine("swell_rules_step", "rule applications added per step", last.rules - before.rules, 5)
for k, tag in ((1, "f"), (K_MAX, "fk")):
    name = f_cases[k - 1][0]
    for form in ("derivative", "after cse()"):
        record_sympy(f"swell_{tag}_{KEYS[form]}", f_rows, name, form)
    record_engine(
        f"swell_{tag}_rules", f"rule applications for {name}", f_rows[name][2].rules, 12 * k
    )
for key, what, value, rows in (
    ("swell_n", "n of lₙ", N_MAX, logistic_rows),
    ("swell_k", "k of f∘…∘f", K_MAX, compositions),
):
    check = Check("rows of its table", len(rows), why="the table reached the size asked for")
    results.record(key, value, title=f"Largest {what} in the tables", fmt="d", checks=[check])

(dl_top, dl_top_ours), (dl_before, dl_before_ours) = (
    sympy_count(logistic_rows, n, "derivative") for n in (N_MAX, N_MAX - 1)
)
results.record(
    "swell_growth",
    dl_top / dl_before,
    title=f"Growth of SymPy's dlₙ/dx from n = {N_MAX - 1} to {N_MAX}: factor",
    fmt=".2f",
    checks=[Check("our own walk (report/symbolic.py)", dl_top_ours / dl_before_ours, why=OURS)],
)
top_name = "l" + str(N_MAX).translate(SUBSCRIPTS)
top, again = times[top_name], race(*timed_cases[top_name], REPEATS)  # the same, once more
results.record(
    "swell_time_ratio",
    top.sympy.cpu / top.backward.cpu,
    title=f"SymPy diff + evaluation ÷ our engine's backward pass, n = {N_MAX}: CPU time",
    fmt=",.0f",
    checks=[
        Check("the same race run again", again.sympy.cpu / again.backward.cpu, rtol=0.5, why=TIMER)
    ],
)

# %% [markdown]
# ## One derivative further
#
# Backward runs each primitive's VJP rule on plain arrays; asked to record
# (`create_graph=True`), it runs the same rules on the graph's own tensors, so the backward pass
# becomes part of the graph and can be differentiated again. `grad` does that whenever it is
# called inside another `grad`: `grad(grad(f))` is a second derivative. First, the three second
# derivatives of the sheet's function at $(3, 5)$.

# %%
from backprop import grad, hessian, nn

f_x, f_c = grad(f, 0), grad(f, 1)
second = {
    "f_xx": float(grad(f_x, 0)(X, C)),
    "f_xc": float(grad(f_x, 1)(X, C)),
    "f_cc": float(grad(f_c, 1)(X, C)),
}
# the same three from our hessian() of (x, c) ↦ f: one recorded gradient, one pass per row
H_f = hessian(lambda p: f(p[0], p[1]))(np.array([X, C]))
second, H_f

# %% [markdown]
# Independent checks: PyTorch's double backward, the closed forms
# $\partial^2 f/\partial x^2 = 2x^2(6\ln^2 x - 7\ln x + 3)/\ln^4 x$,
# $\partial^2 f/\partial x\,\partial c = 0$, $\partial^2 f/\partial c^2 = -2$ (derived on the
# page), and central differences of our own gradient.


# %%
def torch_second(x: float, c: float) -> dict:
    """The three second derivatives by PyTorch's double backward (create_graph=True)."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ct = torch.tensor(c, dtype=torch.float64, requires_grad=True)
    dx, dc = torch.autograd.grad(f(xt, ct), (xt, ct), create_graph=True)
    dxx, dxc = torch.autograd.grad(dx, (xt, ct), retain_graph=True)
    (dcc,) = torch.autograd.grad(dc, ct)
    return {"f_xx": dxx.item(), "f_xc": dxc.item(), "f_cc": dcc.item()}


def f_xx_closed(x: float) -> float:
    ln = math.log(x)
    return 2 * x**2 * (6 * ln**2 - 7 * ln + 3) / ln**4


second_torch = torch_second(X, C)
second_closed = {"f_xx": f_xx_closed(X), "f_xc": 0.0, "f_cc": -2.0}
second_fd = {
    "f_xx": float(f_x(X + H, C) - f_x(X - H, C)) / (2 * H),
    "f_xc": float(f_x(X, C + H) - f_x(X, C - H)) / (2 * H),
    "f_cc": float(f_c(X, C + H) - f_c(X, C - H)) / (2 * H),
}
FD_GRAD = "central differences of our gradient, h = 1e-5: truncation and round-off near 1e-9"
for key, title in [
    ("f_xx", "∂²f/∂x² at (3, 5)"),
    ("f_xc", "∂²f/∂x∂c at (3, 5)"),
    ("f_cc", "∂²f/∂c² at (3, 5)"),
]:
    results.record(
        key,
        second[key],
        title=title,
        fmt=".5f" if key == "f_xx" else ".0f",
        checks=[
            Check("PyTorch double backward (float64)", second_torch[key], 1e-12, 1e-12, ROUND_OFF),
            Check("closed form", second_closed[key], rtol=1e-12, atol=1e-12, why=ROUND_OFF),
            Check("central differences of our gradient", second_fd[key], 1e-7, 1e-7, FD_GRAD),
        ],
    )

rows = [
    ("Our engine, `grad(grad(f))`", second),
    ("Our engine, `hessian` of (x, c) ↦ f", dict(zip(second, H_f[[0, 0, 1], [0, 1, 1]]))),
    ("PyTorch double backward, float64", second_torch),
    ("Closed form", second_closed),
    ("Central differences of our gradient, h = 1e-5", second_fd),
]
table = ["| Method | ∂²f/∂x² | ∂²f/∂x∂c | ∂²f/∂c² |", "|---|--:|--:|--:|"]
table += [f"| {m} | {v['f_xx']:.12f} | {v['f_xc']:.3g} | {v['f_cc']:.9f} |" for m, v in rows]
results.write_text("second.md", "\n".join(table))

# %% [markdown]
# ### Newton's method on $f(\cdot, 5)$
#
# $f'$ and $f''$ from our engine drive Newton's iteration $x_{k+1} = x_k - f'(x_k)/f''(x_k)$
# from $x_0 = 3$; PyTorch's double backward drives an iteration of its own. The stationary point
# is $\sqrt{\mathrm{e}}$, where $2 \ln x = 1$ (derived on the page).


# %%
def newton(derivatives, x: float, steps: int = 12, stop: bool = True) -> list[tuple]:
    """(x_k, f'(x_k), f''(x_k)) from x_0 = x, until the step is below float64's spacing at x
    (beyond that it only hops between neighbouring floats) or for `steps` steps."""
    rows = []
    for _ in range(steps + 1):
        d1, d2 = derivatives(x)
        rows.append((x, d1, d2))
        if stop and abs(d1 / d2) < np.spacing(x):
            break
        x = x - d1 / d2
    return rows


def ours_d1_d2(x: float) -> tuple[float, float]:
    return float(f_x(x, C)), float(grad(f_x)(x, C))


def torch_d1_d2(x: float) -> tuple[float, float]:
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (d1,) = torch.autograd.grad(f(xt, torch.tensor(C, dtype=torch.float64)), xt, create_graph=True)
    (d2,) = torch.autograd.grad(d1, xt)
    return d1.item(), d2.item()


X0, X_STAR = 3.0, math.sqrt(math.e)
iterates = newton(ours_d1_d2, X0)
iterates_torch = newton(torch_d1_d2, X0, steps=len(iterates) - 1, stop=False)


def digits(x: float) -> float:
    """Correct significant digits of x as an approximation of √e; inf when x is √e in float64."""
    return -math.log10(abs(x - X_STAR) / X_STAR) if x != X_STAR else math.inf


def converged_at(rows) -> int:
    """The first step whose x is √e to float64's precision (within one unit in the last place)."""
    return next(k for k, (x, _, _) in enumerate(rows) if abs(x - X_STAR) <= np.spacing(X_STAR))


newton_rows = [
    "| k | x_k | f′(x_k) | f″(x_k) | correct digits of √e | x_k − PyTorch's x_k |",
    "|--:|--:|--:|--:|--:|--:|",
]
for k, ((x, d1, d2), (x_t, _, _)) in enumerate(zip(iterates, iterates_torch)):
    shown = "all" if digits(x) == math.inf else f"{digits(x):.1f}"
    newton_rows.append(f"| {k} | {x:.16f} | {d1:.3g} | {d2:.5g} | {shown} | {x - x_t:.0e} |")
results.write_text("newton.md", "\n".join(newton_rows))

# %% [markdown]
# Quadratic convergence: near $x^\star$ each error is about $C$ times the square of the last,
# $x_{k+1} - x^\star \approx C (x_k - x^\star)^2$ with $C = f'''(x^\star) / (2 f''(x^\star))$;
# the page derives $f''(x^\star) = 32\mathrm{e}$, $f'''(x^\star) = -224\sqrt{\mathrm{e}}$ and
# $C = -7/(2\sqrt{\mathrm{e}})$. We measure $C$ at the last step whose next error is still far
# above round-off, and take $f'''$ from `grad(grad(grad(f)))`.

# %%
f_xxx = grad(grad(f_x))
at_root = {"f_xx": float(grad(f_x)(X_STAR, C)), "f_xxx": float(f_xxx(X_STAR, C))}
xt = torch.tensor(X_STAR, dtype=torch.float64, requires_grad=True)
(t1,) = torch.autograd.grad(f(xt, torch.tensor(C, dtype=torch.float64)), xt, create_graph=True)
(t2,) = torch.autograd.grad(t1, xt, create_graph=True)
(t3,) = torch.autograd.grad(t2, xt)
errors = [x - X_STAR for x, _, _ in iterates]
k_rate = max(k for k in range(len(errors) - 1) if abs(errors[k + 1]) > 1e-9 * X_STAR)
rate = errors[k_rate + 1] / errors[k_rate] ** 2
RATE = (
    f"(x_k+1 − x*)/(x_k − x*)² = C + O(x_k − x*): here |x_k − x*| = {abs(errors[k_rate]):.1e}, "
    "so agreement to ten times that"
)
results.record(
    "newton_root",
    iterates[-1][0],
    title="Newton's method on f(·, 5) from x₀ = 3: where it stops",
    fmt=".15f",
    checks=[
        Check("closed form √e", X_STAR, rtol=2.3e-16, why="one unit in the last place of float64"),
        Check(
            "Newton driven by PyTorch's double backward",
            iterates_torch[-1][0],
            rtol=2.3e-16,
            why="one unit in the last place of float64",
        ),
    ],
)
results.record(
    "newton_steps",
    converged_at(iterates),
    title="Newton steps from x₀ = 3 until x is √e to float64 precision",
    fmt="d",
    checks=[Check("Newton driven by PyTorch's double backward", converged_at(iterates_torch))],
)
results.record(
    "f_xx_root",
    at_root["f_xx"],
    title="f''(√e) for c = 5 (Newton's denominator at the minimum)",
    fmt=".6f",
    checks=[
        Check("closed form 32e", 32 * math.e, rtol=1e-12, why=ROUND_OFF),
        Check("PyTorch double backward (float64)", t2.item(), rtol=1e-12, why=ROUND_OFF),
    ],
)
results.record(
    "f_xxx_root",
    at_root["f_xxx"],
    title="f'''(√e) for c = 5, by grad(grad(grad(f)))",
    fmt=".6f",
    checks=[
        Check("closed form −224√e", -224 * X_STAR, rtol=1e-12, why=ROUND_OFF),
        Check("PyTorch triple backward (float64)", t3.item(), rtol=1e-12, why=ROUND_OFF),
        Check(
            "central differences of our f''",
            (float(grad(f_x)(X_STAR + H, C)) - float(grad(f_x)(X_STAR - H, C))) / (2 * H),
            rtol=1e-7,
            why=FD_GRAD.replace("gradient", "second derivative"),
        ),
    ],
)
results.record(
    "newton_rate",
    rate,
    title=f"Newton's error ratio (x_{k_rate + 1} − √e)/(x_{k_rate} − √e)²",
    fmt=".4f",
    checks=[
        Check("closed form −7/(2√e)", -7 / (2 * X_STAR), rtol=10 * abs(errors[k_rate]), why=RATE),
        Check(
            "f'''/(2f'') at √e from our engine",
            at_root["f_xxx"] / (2 * at_root["f_xx"]),
            rtol=10 * abs(errors[k_rate]),
            why=RATE,
        ),
    ],
)

# %%
import matplotlib.pyplot as plt

from report.figures import ACCENT, ORANGE, save

shown = [(k, abs(e)) for k, e in enumerate(errors) if e != 0]
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.semilogy(*zip(*shown), "o-", color=ACCENT, label="distance to √e, our engine's f′ and f″")
ax.semilogy(
    [k for k, _ in shown[1:]],
    [abs(-7 / (2 * X_STAR)) * e**2 for _, e in shown[:-1]],
    "--",
    color=ORANGE,
    label="|C| × (the previous distance)², C = −7/(2√e)",
)
ax.axhline(np.spacing(X_STAR), color="grey", lw=0.8)
ax.annotate(
    "float64 spacing at √e",
    (0, np.spacing(X_STAR)),
    xytext=(0, 4),
    textcoords="offset points",
    fontsize=8,
    color="grey",
)
exact = [k for k, e in enumerate(errors) if e == 0]
if exact:
    ax.annotate(
        f"x{str(exact[0]).translate(str.maketrans('0123456789', '₀₁₂₃₄₅₆₇₈₉'))} = √e exactly",
        (exact[0], np.spacing(X_STAR)),
        xytext=(-60, 12),
        textcoords="offset points",
        fontsize=8,
    )
for k, e in shown:
    ax.annotate(
        f"{digits(iterates[k][0]):.1f}",
        (k, e),
        xytext=(5, 5),
        textcoords="offset points",
        fontsize=8,
    )
ax.set_xlim(-0.3, len(errors) - 0.5)
ax.set_xlabel("Newton step k (labels: correct digits)")
ax.set_ylabel("distance to √e")
ax.legend(frameon=False, fontsize=8)
save(fig, results.out / "newton.svg")

# %% [markdown]
# ### The third derivative of tanh
#
# `grad` three times over, at a few points, against the closed forms
# $\tanh' = 1 - \tanh^2$, $\tanh'' = -2\tanh\,(1 - \tanh^2)$,
# $\tanh''' = (1 - \tanh^2)(6\tanh^2 - 2)$ and PyTorch's triple backward.

# %%
POINTS = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
d_tanh = [grad(lambda x: x.tanh().sum())]
for _ in range(2):
    d_tanh.append(grad(lambda x, d=d_tanh[-1]: d(x).sum()))
ours_tanh = [d(POINTS) for d in d_tanh]
t = np.tanh(POINTS)
closed_tanh = [1 - t**2, -2 * t * (1 - t**2), (1 - t**2) * (6 * t**2 - 2)]
pt = torch.tensor(POINTS, requires_grad=True)
torch_tanh, out_t = [], torch.tanh(pt).sum()
for order in range(3):
    (d,) = torch.autograd.grad(out_t, pt, create_graph=order < 2)
    torch_tanh.append(d.detach().numpy())
    out_t = d.sum()
tanh_rows = [
    "| x | tanh′ x | tanh″ x | tanh‴ x | max \\|ours − closed form\\| | max \\|ours − PyTorch\\| |",
    "|--:|--:|--:|--:|--:|--:|",
]
for i, x in enumerate(POINTS):
    ours_i = [d[i] for d in ours_tanh]
    gap_closed = max(abs(o - c[i]) for o, c in zip(ours_i, closed_tanh))
    gap_torch = max(abs(o - p[i]) for o, p in zip(ours_i, torch_tanh))
    tanh_rows.append(
        f"| {x:g} | {ours_i[0]:.12f} | {ours_i[1] + 0.0:.12f} | {ours_i[2]:.12f} "
        f"| {gap_closed:.1e} | {gap_torch:.1e} |"
    )
results.write_text("tanh.md", "\n".join(tanh_rows))
ONE = int(np.flatnonzero(POINTS == 1.0)[0])
results.record(
    "tanh_d3",
    float(ours_tanh[2][ONE]),
    title="tanh'''(1) by grad(grad(grad(tanh)))",
    fmt=".6f",
    checks=[
        Check(
            "closed form (1 − tanh²)(6 tanh² − 2)", float(closed_tanh[2][ONE]), 1e-12, 0, ROUND_OFF
        ),
        Check("PyTorch triple backward (float64)", float(torch_tanh[2][ONE]), 1e-12, 0, ROUND_OFF),
        Check(
            "central differences of our tanh''",
            float(np.subtract(*d_tanh[1](np.array([1.0 + H, 1.0 - H])))) / (2 * H),
            rtol=1e-7,
            why=FD_GRAD.replace("gradient", "second derivative"),
        ),
    ],
)

# %% [markdown]
# ### The Hessian of a small network's loss
#
# A network 2 → 3 (tanh) → 2 with softmax cross-entropy on eight points, its 17 parameters
# $\theta$ in one vector (sliced and reshaped inside the loss, so `getitem` and `reshape` are
# differentiated twice too). `hessian` records the gradient once and pulls one row of $H$ back
# per parameter; PyTorch's `torch.autograd.functional.hessian` and central differences of our
# gradient, column by column, check it.

# %%
net_rng = np.random.default_rng(7)
NET_X = net_rng.normal(size=(8, 2))
NET_LABELS = (NET_X[:, 0] * NET_X[:, 1] > 0).astype(int)  # XOR-like: not linearly separable
NET_SHAPES = {"W₁": (2, 3), "b₁": (3,), "W₂": (3, 2), "b₂": (2,)}
THETA = net_rng.normal(size=sum(math.prod(s) for s in NET_SHAPES.values()))


def logits(theta, x):
    """The network's outputs, for our Tensors and torch's alike: θ sliced into W₁, b₁, W₂, b₂."""
    params, start = [], 0
    for shape in NET_SHAPES.values():
        size = math.prod(shape)
        params.append(theta[start : start + size].reshape(shape))
        start += size
    w1, b1, w2, b2 = params
    return (x @ w1 + b1).tanh() @ w2 + b2


def net_loss(theta):
    return nn.cross_entropy(logits(theta, Tensor(NET_X)), NET_LABELS)


def net_loss_torch(theta):
    x, labels = torch.from_numpy(NET_X), torch.from_numpy(NET_LABELS)
    return torch.nn.functional.cross_entropy(logits(theta, x), labels)


H_net = hessian(net_loss)(THETA)
H_torch = torch.autograd.functional.hessian(net_loss_torch, torch.from_numpy(THETA)).numpy()
net_grad = grad(net_loss)
H_fd = np.column_stack(
    [(net_grad(THETA + H * e) - net_grad(THETA - H * e)) / (2 * H) for e in np.eye(THETA.size)]
)
eig, eig_torch = np.linalg.eigvalsh(H_net), np.linalg.eigvalsh(H_torch)
ZERO = 1e-10 * eig.max()  # round-off of a 17 × 17 symmetric eigenproblem, with a wide margin
# adding one number to every logit changes no softmax: through b₂, or through W₂ (one per hidden
# unit), so the loss is flat along hidden units + 1 directions
flat = NET_SHAPES["W₁"][1] + 1
(
    np.abs(H_net - H_torch).max(),
    np.abs(H_net - H_fd).max(),
    np.abs(H_net - H_net.T).max(),
    eig.round(6),
)

# %%
HESS_FD = "central differences of our gradient, h = 1e-5, per column: near 1e-9"
EIG = "the same symmetric eigensolver on two Hessians equal to about 1e-15"
results.record(
    "net_trace",
    float(np.trace(H_net)),
    title="Trace of the network loss's Hessian",
    fmt=".6f",
    checks=[
        Check("PyTorch's Hessian (float64)", float(np.trace(H_torch)), rtol=1e-12, why=ROUND_OFF),
        Check("central differences of our gradient", float(np.trace(H_fd)), 1e-7, 1e-7, HESS_FD),
    ],
)
results.record(
    "net_lambda_max",
    float(eig.max()),
    title="Largest eigenvalue of the network loss's Hessian",
    fmt=".6f",
    checks=[Check("eigenvalues of PyTorch's Hessian", float(eig_torch.max()), 1e-10, 0, EIG)],
)
results.record(
    "net_lambda_min",
    float(eig.min()),
    title="Smallest eigenvalue of the network loss's Hessian (negative: not convex here)",
    fmt=".6f",
    checks=[Check("eigenvalues of PyTorch's Hessian", float(eig_torch.min()), 1e-10, 1e-12, EIG)],
)
results.record(
    "net_flat_directions",
    int(np.sum(np.abs(eig) < ZERO)),
    title="Zero eigenvalues of the network loss's Hessian",
    fmt="d",
    checks=[
        Check("eigenvalues of PyTorch's Hessian", int(np.sum(np.abs(eig_torch) < ZERO))),
        Check("softmax's shift invariance: hidden units + 1", flat),
    ],
)

# %%
bounds = np.cumsum([0] + [math.prod(s) for s in NET_SHAPES.values()])
fig, ax = plt.subplots(figsize=(4.6, 4))
limit = np.abs(H_net).max()
image = ax.imshow(H_net, cmap="RdBu_r", vmin=-limit, vmax=limit)
for b in bounds[1:-1]:
    ax.axhline(b - 0.5, color="black", lw=0.6)
    ax.axvline(b - 0.5, color="black", lw=0.6)
centres = (bounds[:-1] + bounds[1:]) / 2 - 0.5
ax.set_xticks(centres, list(NET_SHAPES))
ax.set_yticks(centres, list(NET_SHAPES))
ax.tick_params(length=0)
fig.colorbar(image, ax=ax, shrink=0.8, label="second derivative")
save(fig, results.out / "hessian.svg")

# %% [markdown]
# ## Check yourself
#
# Exercises for the page, each solved by the engine and checked by a closed form or PyTorch.

# %%
EXERCISE = "a few float64 operations: round-off of order 1e-15, with a wide margin"
X2, C2 = 2.0, 1.0  # Exercise 1's point
x2, c2 = Tensor(X2, requires_grad=True), Tensor(C2, requires_grad=True)
u2 = x2**2 / x2.log()
u2.retain_grad()
((u2 + c2) * (u2 - c2)).backward()
v1_2 = math.log(X2)
u_bar, v1_bar = u2.grad.item(), -u2.grad.item() * X2**2 / v1_2**2
results.record(
    "exercise_u_bar",
    u_bar,
    title="Exercise: the adjoint of u at (2, 1)",
    fmt=".5f",
    checks=[Check("2u, u by the closed form", 2 * u_closed(X2), rtol=1e-12, why=EXERCISE)],
)
results.record(
    "exercise_dc_at_2",
    c2.grad.item(),
    title="Exercise: ∂f/∂c at (2, 1)",
    fmt="g",
    checks=[Check("−2c", -2 * C2, rtol=1e-12, why=EXERCISE)],
)
results.record(
    "exercise_dx_at_2",
    x2.grad.item(),
    title="Exercise: ∂f/∂x at (2, 1)",
    fmt=".5f",
    checks=[
        Check("the rule x̄ = 2x ū/v₁ + v̄₁/x, by hand", 2 * X2 * u_bar / v1_2 + v1_bar / X2,
              rtol=1e-12, why=EXERCISE),
        Check("closed form 2x³(2 ln x − 1)/ln³x", df_dx_closed(X2), rtol=1e-12, why=EXERCISE),
    ],
)  # fmt: skip


def torch_gradient_at(g, *point: float) -> list[float]:
    """PyTorch's gradient of g at a point, in float64."""
    leaves = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    g(*leaves).backward()
    return [leaf.grad.item() for leaf in leaves]


E = math.e
df_dx_at_e = float(reverse_jacobian(f, (E, C))[0][0, 0])
results.record(
    "exercise_df_dx_at_e",
    df_dx_at_e,
    title="Exercise: ∂f/∂x at x = e, c = 5",
    fmt=".5f",
    checks=[
        Check("the sheet's closed form at e", df_dx_sheet(E), rtol=1e-12, why=EXERCISE),
        Check("2e³, our closed form at e", 2 * E**3, rtol=1e-12, why=EXERCISE),
    ],
)


def squares(x, c):
    """f with x² for x²/ln x: (x² + c)(x² − c)."""
    return (x**2 + c) * (x**2 - c)


squares_grad = reverse_jacobian(squares, (X, C))[0][0].tolist()
for name, value, closed_form, torch_value in zip(
    ("x", "c"), squares_grad, (4 * X**3, -2 * C), torch_gradient_at(squares, X, C)
):
    results.record(
        f"exercise_squares_d{name}",
        value,
        title=f"Exercise: ∂/∂{name} of (x² + c)(x² − c) at (3, 5)",
        fmt="g",
        checks=[
            Check("closed form (4x³, −2c)", closed_form, rtol=1e-12, why=EXERCISE),
            Check("PyTorch autograd (float64)", torch_value, rtol=1e-12, why=EXERCISE),
        ],
    )
DC = 0.01
delta_f = f(Tensor(X), Tensor(C + DC)).item() - ours["f"]
results.record(
    "exercise_delta_f",
    delta_f,
    title="Exercise: f(3, 5.01) − f(3, 5)",
    fmt=".4f",
    checks=[
        Check(
            "−((c + Δc)² − c²), c entering f only as −c²",
            -((C + DC) ** 2 - C**2),
            rtol=1e-9,
            why="a difference of two values near 42: cancellation leaves about 1e-13 relative",
        )
    ],
)
f_exercises = [
    Exercise(
        "Run the backward pass of (b) by hand at $x = 2$, $c = 1$: what are $\\bar u$, "
        "$\\partial f/\\partial c$ and $\\partial f/\\partial x$?",
        f"Forward: $v_1 = \\ln 2 = {v1_2:.5f}$, $v_2 = 4$, $u = {u2.item():.5f}$, "
        f"$v_3 = {u2.item() + C2:.5f}$, $v_4 = {u2.item() - C2:.5f}$. Backward: "
        f"$\\bar u = v_4 + v_3 = {u_bar:.5f}$, $\\bar c = v_4 - v_3 = {c2.grad.item():g}$, "
        f"$\\bar v_2 = \\bar u / v_1 = {u_bar / v1_2:.5f}$, "
        f"$\\bar v_1 = -\\bar u\\, v_2/v_1^2 = {v1_bar:.5f}$, and "
        f"$\\bar x = 2x\\,\\bar v_2 + \\bar v_1/x = {x2.grad.item():.5f}$, as our engine gives.",
    ),
    Exercise(
        "The sheet's closed form is $\\ln x$ times the derivative. At which $x$ does it give the "
        "right $\\partial f/\\partial x$ anyway, and what is the derivative there?",
        "Where $\\ln x = 1$: at $x = \\mathrm{e}$. There both forms give "
        f"$2x^3(2 \\ln x - 1)/\\ln^3 x = 2\\mathrm{{e}}^3 = {df_dx_at_e:.5f}$, as our engine does "
        "at $x = \\mathrm{e}$ (any $c$: $c$ only shifts $f$ by $-c^2$).",
    ),
    Exercise(
        "Replace $x^2/\\ln x$ by $x^2$: $g(x, c) = (x^2 + c)(x^2 - c)$. Write its primitives, run "
        "the backward pass by hand and evaluate $\\partial g/\\partial x$ and "
        "$\\partial g/\\partial c$ at $(3, 5)$.",
        "With $v = x^2$, $a = v + c$, $b = v - c$, $g = ab$: $\\bar a = b$, $\\bar b = a$, "
        "$\\bar v = \\bar a + \\bar b = 2v$, $\\bar c = \\bar a - \\bar b = -2c$ and "
        f"$\\bar x = 2x \\bar v = 4x^3$: at $(3, 5)$, ${squares_grad[0]:g}$ and "
        f"${squares_grad[1]:g}$.",
    ),
    Exercise(
        "To first order, how much does $f(3, c)$ change when $c$ grows from 5 to 5.01? Compare "
        "with the exact change.",
        "$\\Delta f \\approx \\partial f/\\partial c \\cdot 0.01 = "
        f"{ours['df_dc']:g} \\cdot 0.01 = "
        f"{ours['df_dc'] * DC:g}$. Exactly, $f(3, 5.01) - f(3, 5) = -(5.01^2 - 5^2) = "
        f"{delta_f:.4f}$: the first-order term and the second, $-\\Delta c^2$.",
    ),
]
results.write_text("exercises.md", exercises(f_exercises))

# %% tags=["hide-input"]
results.write()
