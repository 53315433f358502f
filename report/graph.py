"""A trace of the engine's own run, for a reader to step through: the nodes in creation order and
the backward pass in the order the engine processes it, each rule written out with its numbers.

The trace reads the graph the engine recorded (`topological_order`, `.op`, `.parents`, `.grad`
after a backward pass with every adjoint retained); it computes no adjoint of its own. Each
parent's contribution comes from the engine's rule table, and the reader's formula beside it is
evaluated on the numbers it shows, so the chapter can check one against the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from backprop import Tensor
from backprop.engine import topological_order
from backprop.ops import PRIMITIVES

MINUS = "\N{MINUS SIGN}"
SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def num(value, digits: int = 5) -> str:
    """A number as the figure prints it: `digits` significant (3 in an array), a true minus."""
    array = np.asarray(value)
    if array.ndim:
        return "[" + ", ".join(num(v, 3) for v in array) + "]"
    text = f"{float(array):.{digits}g}"
    return "0" if text in ("-0", "0") else text.replace("-", MINUS)


def bar(name: str) -> str:
    """The adjoint's symbol: a macron over the name's first letter (x → x̄, v₂ → v̄₂)."""
    return name[0] + "\N{COMBINING MACRON}" + name[1:]


def wrap(text: str) -> str:
    """A value or name that is a compound (−5, −t) in parentheses when an operator precedes it."""
    return f"({text})" if text.startswith(MINUS) else text


def chain(*parts: str) -> str:
    """a = b = c, each step once: "w₂ = −c = −5", not "w₂ = −c = −5 = −5"."""
    return " = ".join(dict.fromkeys(parts))


def shape_text(shape: tuple[int, ...]) -> str:
    """2 × 3 for a matrix, "length 3" for a vector."""
    return " × ".join(map(str, shape)) if len(shape) > 1 else f"length {shape[0]}"


@dataclass
class Node:
    """One node of the trace: the engine's tensor, its id in the figure and its symbol."""

    id: str
    name: str
    tensor: Tensor

    @property
    def value(self):
        return self.tensor.numpy()

    @property
    def shown(self) -> str:
        """The node's value as printed, in parentheses if negative (it follows an operator)."""
        return wrap(num(self.value))


def name_nodes(root: Tensor, leaves: dict[str, Tensor], ops: Sequence[tuple[str, str]]) -> dict:
    """Each tensor of root's graph (by id) → Node: leaves by the given names, constants by their
    value, and the results of primitives, in the order the engine made them, by `ops`: pairs
    (primitive, name), so a change in that order is an error, not a silent renaming."""
    order = topological_order(root)
    names = {id(t): name for name, t in leaves.items()}
    made = [t for t in order if t.op is not None]
    if [t.op for t in made] != [op for op, _ in ops]:
        raise ValueError(
            f"the engine made the primitives {[t.op for t in made]}, "
            f"but names were given for {[op for op, _ in ops]}"
        )
    names.update({id(t): name for t, (_, name) in zip(made, ops)})
    nodes = {}
    for i, t in enumerate(order):
        if id(t) not in names and t.requires_grad:
            raise ValueError(f"an input of the graph has no name: {t!r}")
        nodes[id(t)] = Node(f"n{i}", names.get(id(t)) or num(t.numpy()), t)
    return nodes


# --- The forward pass: each primitive as math, its operands' names, then their values -----------


def superscript(k: float) -> str:
    """An exponent as superscript digits: 2 → ², −1 → ⁻¹."""
    return num(k).replace(MINUS, "-").translate(SUPERSCRIPT)


def powered(base: str, power: str) -> str:
    """base raised to a superscript power; a number or a compound in parentheses: x², (1.0986)⁻¹."""
    bare = base.isdigit() or base[0].isalpha() and " " not in base
    return (base if bare else f"({base})") + power


def expression(op: str, operands: list[str], tensors: list[Tensor]) -> str:
    """What a node computes, written over its operands (names or numbers): x², ln x, u + c."""
    exponent = tensors[-1]
    if op == "pow" and not exponent.requires_grad and float(exponent.numpy()).is_integer():
        return powered(operands[0], superscript(exponent.item()))
    scalar = all(t.ndim == 0 for t in tensors)
    forms = {
        "add": "{0} + {1}",
        "mul": "{0} × {1}" if scalar else "{0} ⊙ {1}",
        "pow": "{0}^{1}",
        "neg": MINUS + "{0}",
        "log": "ln {0}",
        "exp": "exp {0}",
        "tanh": "tanh {0}",
        "relu": "relu {0}",
        "matmul": "{0} · {1}",
        "sum": "Σ {0}",
    }
    if op not in forms:
        raise ValueError(f"no way to write the primitive {op!r} in the figure")
    return forms[op].format(*(wrap(o) for o in operands))


# --- The backward pass: each rule as a reader writes it, and evaluated on the numbers it shows ---


@dataclass(frozen=True)
class Formula:
    """A VJP rule for a reader: the symbols, the same with numbers, and the value it gives."""

    symbols: str
    numbers: str
    value: object


def formula(op: str, i: int, node: Node, parents: list[Node], g) -> Formula:
    """The rule that sends node's adjoint g to its i-th parent, as math, on the node's numbers."""
    G, g_text = bar(node.name), num(g)
    a, ans = parents[i], node.value
    other = parents[1 - i] if len(parents) == 2 else None
    if op == "add":
        if np.shape(g) != np.shape(a.value):  # broadcast in the forward pass: summed back
            lead = tuple(range(np.ndim(g) - np.ndim(a.value)))
            return Formula(f"Σ over the batch of {G}", f"Σ {g_text}", np.sum(g, axis=lead))
        return Formula(G, g_text, g)
    if op == "mul":
        dot = " · " if np.ndim(g) == 0 else " ⊙ "
        return Formula(f"{other.name}{dot}{G}", f"{other.shown}{dot}{g_text}", other.value * g)
    if op == "pow" and i == 0:
        k, times = other.value.item(), " · " if np.ndim(g) == 0 else " ⊙ "
        power = "" if k == 2 else superscript(k - 1)
        name, number = a.name + power, powered(num(a.value), power) if power else a.shown
        value = k * a.value ** (k - 1) * g
        if k == -1:
            return Formula(f"{MINUS}{name}{times}{G}", f"{MINUS}{number}{times}{g_text}", value)
        return Formula(f"{num(k)}{name}{times}{G}", f"{num(k)} · {number}{times}{g_text}", value)
    if op == "pow":
        base = parents[0]
        return Formula(
            f"ln {base.name} · {node.name} · {G}",
            f"ln {base.shown} · {num(ans)} · {g_text}",
            np.log(base.value) * ans * g,
        )
    if op == "neg":
        return Formula(MINUS + G, MINUS + wrap(g_text), -g)
    if op == "log":
        return Formula(f"{G} / {a.name}", f"{g_text} / {a.shown}", g / a.value)
    if op == "relu":
        mask = (a.value > 0).astype(float)
        return Formula(f"[{a.name} > 0] ⊙ {G}", f"{num(mask)} ⊙ {g_text}", mask * g)
    if op == "matmul" and i == 0:
        b = other.value
        return Formula(f"{G} · {other.name}ᵀ", f"{g_text} · {num(b.T)}", g @ b.T)
    if op == "matmul":
        x = parents[0].value
        return Formula(f"{parents[0].name}ᵀ · {G}", f"{num(x.T)} · {g_text}", x.T @ g)
    if op == "sum":
        value = np.broadcast_to(g, np.shape(a.value))
        return Formula(f"{G} in every entry", f"{g_text} in every entry", value)
    raise ValueError(f"no formula for the rule of {op!r}, input {i}")


# --- The trace ------------------------------------------------------------------------------------


def node_record(node: Node, nodes: dict) -> dict:
    """A node as the JSON trace holds it: op, inputs, forward value, shape, final adjoint."""
    t = node.tensor
    kind = "constant" if not t.requires_grad else "input" if t.op is None else "op"
    parents = [nodes[id(p)] for p in t.parents]
    record = {
        "id": node.id,
        "name": node.name,
        "kind": kind,
        "op": t.op,
        "inputs": [p.id for p in parents],
        "expression": expression(t.op, [p.name for p in parents], t.parents) if t.op else None,
        "shape": list(t.shape),
        "value": np.asarray(t.numpy()).tolist(),
        "value_text": num(t.numpy()),
        "adjoint": None if t.grad is None else np.asarray(t.grad).tolist(),
        "params": t._params,
    }
    if t.op:
        numbers = expression(t.op, [p.shown for p in parents], t.parents)
        record["forward"] = chain(node.name, record["expression"], numbers, num(t.numpy()))
    return record


def backward_step(node: Node, nodes: dict, edges: dict) -> dict:
    """What the engine does with one node: its adjoint in, and per parent that needs one, the
    rule's contribution (the engine's number, from its rule table, and the reader's formula)."""
    t = node.tensor
    g = t.grad
    step = {"node": node.id, "adjoint": np.asarray(g).tolist(), "contributions": [], "skipped": []}
    if t.op is None:
        return step
    primitive, parents = PRIMITIVES[t.op], [nodes[id(p)] for p in t.parents]
    inputs = tuple(p.data for p in t.parents)
    for i, parent in enumerate(parents):
        edge = edges[node.id, i]
        if not parent.tensor.requires_grad:
            step["skipped"].append({"to": parent.id, "edge": edge})
            continue
        value = primitive.cotangent(i, g, t.data, inputs, t._params)
        shown = formula(t.op, i, node, parents, g)
        step["contributions"].append(
            {
                "to": parent.id,
                "edge": edge,
                "value": np.asarray(value).tolist(),
                "formula": np.asarray(shown.value).tolist(),
                "rule": f"{bar(parent.name)} += {shown.symbols}",
                "numbers": chain(shown.numbers, num(value)),
            }
        )
    return step


def trace(root: Tensor, nodes: dict) -> dict:
    """The engine's run on root's graph, after `root.backward()` with every adjoint retained:
    nodes in creation order, edges, and the backward steps in the engine's processing order
    (reversed `topological_order(root, grad_only=True)`, the loop `Tensor.backward` runs)."""
    order = topological_order(root)
    if any(t.requires_grad and t.grad is None for t in order):
        raise ValueError("run backward() with retain_grad() on every intermediate first")
    edges, edge_list = {}, []
    for t in order:
        for i, p in enumerate(t.parents):
            edge = f"e{len(edge_list)}"
            edges[nodes[id(t)].id, i] = edge
            edge_list.append({"id": edge, "from": nodes[id(p)].id, "to": nodes[id(t)].id})
    processing = reversed(topological_order(root, grad_only=True))
    return {
        "nodes": [node_record(nodes[id(t)], nodes) for t in order],
        "edges": edge_list,
        "forward": [nodes[id(t)].id for t in order if t.op is not None],
        "backward": [backward_step(nodes[id(t)], nodes, edges) for t in processing],
    }


# --- The independent check: the same graph rebuilt in PyTorch, from the trace alone --------------

TORCH = {
    "add": torch.add,
    "mul": torch.mul,
    "pow": torch.pow,
    "neg": torch.neg,
    "log": torch.log,
    "relu": torch.relu,
    "matmul": torch.matmul,
    "sum": lambda x, axis, keepdims: x.sum() if axis is None else x.sum(axis, keepdims),
}


def torch_apply(node: dict, operands: list[torch.Tensor]) -> torch.Tensor:
    if node["op"] not in TORCH:
        raise ValueError(f"no PyTorch counterpart for the primitive {node['op']!r}")
    return TORCH[node["op"]](*operands, **node["params"])


def torch_replay(trace: dict) -> dict:
    """Each node's value and adjoint, and each contribution (one primitive's VJP at torch's
    adjoint, by torch.autograd.grad), from PyTorch in float64 given only the trace's inputs."""
    made: dict[str, torch.Tensor] = {}
    for node in trace["nodes"]:
        if node["op"] is None:
            made[node["id"]] = torch.tensor(
                node["value"], dtype=torch.float64, requires_grad=node["kind"] == "input"
            )
        else:
            made[node["id"]] = torch_apply(node, [made[i] for i in node["inputs"]])
            if made[node["id"]].requires_grad:
                made[node["id"]].retain_grad()
    root = made[trace["nodes"][-1]["id"]]
    root.backward()
    by_id = {n["id"]: n for n in trace["nodes"]}
    contributions = {}
    for step in trace["backward"]:
        node = by_id[step["node"]]
        for c in step["contributions"]:
            operands = [made[i].detach().requires_grad_() for i in node["inputs"]]
            slot = [e["id"] for e in trace["edges"] if e["to"] == node["id"]].index(c["edge"])
            out = torch_apply(node, operands)
            (vjp,) = torch.autograd.grad(out, operands[slot], made[node["id"]].grad)
            contributions[c["edge"]] = vjp.numpy()
    return {
        "values": {i: t.detach().numpy() for i, t in made.items()},
        "adjoints": {i: t.grad.numpy() for i, t in made.items() if t.grad is not None},
        "contributions": contributions,
    }


def largest_gap(trace: dict, replay: dict) -> float:
    """The largest relative difference between a number of the trace (value, adjoint, a rule's
    contribution, the reader's formula for it) and PyTorch's."""
    pairs = [(n["value"], replay["values"][n["id"]]) for n in trace["nodes"]]
    pairs += [
        (n["adjoint"], replay["adjoints"][n["id"]])
        for n in trace["nodes"]
        if n["adjoint"] is not None
    ]
    for step in trace["backward"]:
        for c in step["contributions"]:
            pairs += [(c[k], replay["contributions"][c["edge"]]) for k in ("value", "formula")]
    return max(
        float(np.max(np.abs(np.subtract(ours, theirs)) / (np.abs(theirs) + 1e-300), initial=0))
        for ours, theirs in pairs
    )
