"""The stepped graph: the trace follows the engine's own run, its numbers agree with the adjoint
table and PyTorch, its texts show those numbers, and dagre's layout keeps boxes apart."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from backprop import Tensor
from backprop.engine import topological_order
from backprop.ops import Primitive
from report.graph import largest_gap, name_nodes, num, torch_replay, trace
from report.graph_figure import layout, sizes, svg, timeline

F_NAMES = [
    ("pow", "v₂"),
    ("log", "v₁"),
    ("pow", "w₁"),
    ("mul", "u"),
    ("add", "v₃"),
    ("neg", "w₂"),
    ("add", "v₄"),
    ("mul", "f"),
]
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


def retained(root: Tensor) -> Tensor:
    """root's graph with every adjoint kept, after one backward pass."""
    for node in topological_order(root):
        if node.op is not None and node.requires_grad:
            node.retain_grad()
    root.backward()
    return root


def sheet() -> tuple[Tensor, dict]:
    x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    u = x**2 / x.log()
    return (u + c) * (u - c), {"x": x, "c": c}


def network(seed: int = 0) -> tuple[Tensor, dict]:
    rng = np.random.default_rng(seed)
    leaves = {
        "x": Tensor(rng.normal(size=(1, 2))),
        "W₁": Tensor(rng.normal(size=(2, 3)), requires_grad=True),
        "b₁": Tensor(rng.normal(size=3), requires_grad=True),
        "W₂": Tensor(rng.normal(size=(3, 2)), requires_grad=True),
        "b₂": Tensor(rng.normal(size=2), requires_grad=True),
        "t": Tensor(rng.normal(size=(1, 2))),
    }
    x, W1, b1, W2, b2, t = leaves.values()
    return ((((x @ W1 + b1).relu() @ W2 + b2) - t) ** 2).sum(), leaves


@pytest.fixture(params=["sheet", "network"])
def traced(request) -> tuple[dict, Tensor, dict]:
    root, leaves = sheet() if request.param == "sheet" else network()
    nodes = name_nodes(root, leaves, F_NAMES if request.param == "sheet" else NET_NAMES)
    return trace(retained(root), nodes), root, nodes


@pytest.fixture(scope="module")
def f_trace() -> dict:
    root, leaves = sheet()
    return trace(retained(root), name_nodes(root, leaves, F_NAMES))


def test_nodes_come_in_creation_order_with_op_inputs_and_value(f_trace):
    ops = [n["op"] for n in f_trace["nodes"]]
    assert ops == [None, None, None, "pow", "log", None, "pow", "mul", "add", "neg", "add", "mul"]
    position = {n["id"]: k for k, n in enumerate(f_trace["nodes"])}
    for node in f_trace["nodes"]:
        assert all(position[i] < position[node["id"]] for i in node["inputs"])
    by_name = {n["name"]: n for n in f_trace["nodes"]}
    assert by_name["v₁"]["value"] == pytest.approx(np.log(3), rel=1e-15)
    assert by_name["f"]["value"] == pytest.approx(42.11137142490805, rel=1e-14)  # FACTS.md
    assert by_name["v₂"]["expression"] == "x²" and by_name["w₁"]["expression"] == "v₁⁻¹"


def test_backward_steps_are_the_engines_own_order(traced, monkeypatch):
    """Spy on the rule calls of a real backward pass: the same nodes and parents, in order."""
    recorded, root, nodes = traced
    by_data = {id(t.data): nodes[id(t)].id for t in topological_order(root)}
    calls = []
    original = Primitive.cotangent

    def spy(self, i, g, ans, inputs, params):
        calls.append((by_data[id(ans)], i))
        return original(self, i, g, ans, inputs, params)

    monkeypatch.setattr(Primitive, "cotangent", spy)
    root.backward()  # a second pass: accumulates, but the order is what we look at
    ours = []
    for step in recorded["backward"]:
        incoming = [e["id"] for e in recorded["edges"] if e["to"] == step["node"]]
        ours += [(step["node"], incoming.index(c["edge"])) for c in step["contributions"]]
    assert calls == ours
    processed = [nodes[id(t)].id for t in reversed(topological_order(root, grad_only=True))]
    assert [s["node"] for s in recorded["backward"]] == processed


def test_contributions_add_up_to_the_adjoint_table(traced):
    recorded, root, nodes = traced
    received: dict[str, np.ndarray] = {}
    for step in recorded["backward"]:
        for c in step["contributions"]:
            received[c["to"]] = received.get(c["to"], 0) + np.asarray(c["value"])
    for t in topological_order(root, grad_only=True):
        if t is not root:
            np.testing.assert_allclose(received[nodes[id(t)].id], t.grad, rtol=1e-12, atol=1e-15)


def test_the_readers_formula_gives_the_engines_number(traced):
    recorded, _, _ = traced
    for step in recorded["backward"]:
        for c in step["contributions"]:
            np.testing.assert_allclose(c["formula"], c["value"], rtol=1e-12, atol=1e-15)


def test_pytorch_agrees_and_would_catch_a_wrong_number(traced):
    recorded, _, _ = traced
    replay = torch_replay(recorded)
    assert largest_gap(recorded, replay) < 1e-12
    broken = copy.deepcopy(recorded)
    last = broken["backward"][0]["contributions"][-1]
    last["value"] = (np.asarray(last["value"]) * 1.001).tolist()
    assert largest_gap(broken, replay) > 1e-4


def test_each_step_shows_its_numbers(f_trace):
    """Every contribution's text ends with the engine's number; the last state gives the
    gradient (FACTS.md: ∂f/∂x = 48.75689…, ∂f/∂c = −10)."""
    for step in f_trace["backward"]:
        for c in step["contributions"]:
            assert c["numbers"].endswith(f"= {num(c['value'])}") or c["numbers"] == num(c["value"])
            shown = re.findall(r"−?\d+(?:\.\d+)?", c["numbers"].split(" = ")[-1])
            assert float(shown[-1].replace("−", "-")) == pytest.approx(c["value"], rel=1e-4)
    states = timeline(f_trace, "f")
    assert [s["part"] for s in states].count("backward") == len(f_trace["backward"])
    last = " ".join(states[-1]["lines"])
    assert "x̄ = 48.757" in last and "c̄ = −10" in last
    x2 = next(
        c
        for s in f_trace["backward"]
        for c in s["contributions"]
        if c["rule"].startswith("x̄ += 2x")
    )
    assert x2["numbers"] == "2 · 3 · 14.914 = 89.482"


def test_a_changed_creation_order_is_an_error_not_a_renaming():
    root, leaves = sheet()
    swapped = [F_NAMES[1], F_NAMES[0], *F_NAMES[2:]]
    with pytest.raises(ValueError, match="made the primitives"):
        name_nodes(root, leaves, swapped)
    with pytest.raises(ValueError, match="has no name"):
        name_nodes(root, {"x": leaves["x"]}, F_NAMES)


def test_a_trace_needs_every_adjoint():
    root, leaves = sheet()
    with pytest.raises(ValueError, match="retain_grad"):
        trace(root, name_nodes(root, leaves, F_NAMES))


def test_dagre_keeps_boxes_apart_and_inputs_above_what_uses_them(f_trace):
    size = sizes(f_trace, timeline(f_trace, "f"))
    placed = layout(
        [{"id": i, "width": w, "height": h} for i, (w, h) in size.items()],
        [{"id": e["id"], "from": e["from"], "to": e["to"]} for e in f_trace["edges"]],
    )
    boxes = placed["nodes"]
    ids = list(boxes)
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            apart_x = abs(boxes[a]["x"] - boxes[b]["x"]) >= (size[a][0] + size[b][0]) / 2
            apart_y = abs(boxes[a]["y"] - boxes[b]["y"]) >= (size[a][1] + size[b][1]) / 2
            assert apart_x or apart_y, f"{a} and {b} overlap"
    for e in f_trace["edges"]:
        assert boxes[e["from"]]["y"] < boxes[e["to"]]["y"]
        for point, node in (
            (placed["edges"][e["id"]][-1], e["to"]),
            (placed["edges"][e["id"]][0], e["from"]),
        ):
            dx, dy = abs(point["x"] - boxes[node]["x"]), abs(point["y"] - boxes[node]["y"])
            w, h = size[node][0] / 2, size[node][1] / 2
            assert dx <= w + 1 and dy <= h + 1, f"edge {e['id']} ends away from {node}"
            assert dx >= w - 1 or dy >= h - 1, f"edge {e['id']} ends inside {node}"


def test_the_static_svg_shows_every_node_value_and_final_adjoint(f_trace):
    drawing = svg(f_trace, timeline(f_trace, "f"), "the graph")
    assert drawing.count('class="bp-node') == len(f_trace["nodes"])
    assert drawing.count('class="bp-edge"') == len(f_trace["edges"])
    assert "x̄ = 48.757" in drawing and "c̄ = −10" in drawing and "v₂ = x²" in drawing
