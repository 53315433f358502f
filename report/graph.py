"""Draw a computational graph from the engine's own nodes, each with its value and adjoint."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from backprop import Tensor
from backprop.engine import topological_order
from report.figures import ACCENT, save

SYMBOL = {"add": "+", "mul": "×", "neg": "−", "log": "ln", "pow": "^", "exp": "exp"}


def columns(root: Tensor) -> dict[int, int]:
    """Column of each node (by id): inputs at 0, the output last, every other node just left
    of its first consumer (as late as possible), which keeps edges short."""
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    consumers: dict[int, list[int]] = {id(node): [] for node in order}
    for node in order:
        for parent in node.parents:
            consumers[id(parent)].append(id(node))
    column = {id(root): depth[id(root)]}
    for node in reversed(order[:-1]):
        late = min(column[c] for c in consumers[id(node)]) - 1
        column[id(node)] = 0 if not node.parents else late
    return column


def rows(root: Tensor, column: dict[int, int]) -> dict[int, float]:
    """Row of each node: in each column, nodes sorted by the mean row of their parents."""
    row: dict[int, float] = {}
    by_column: dict[int, list[Tensor]] = {}
    for node in topological_order(root):
        by_column.setdefault(column[id(node)], []).append(node)
    for col in sorted(by_column):
        nodes = by_column[col]
        mean = {
            id(n): sum(row[id(p)] for p in n.parents) / len(n.parents) for n in nodes if n.parents
        }
        nodes.sort(key=lambda n: mean.get(id(n), 0.0))
        for i, node in enumerate(nodes):
            row[id(node)] = float(i)
    return row


def name_nodes(root: Tensor, leaves: dict[str, Tensor]) -> dict[int, str]:
    """Names by id: the given leaves by name, constants by value, the rest v₁, v₂, … in order."""
    names = {id(t): name for name, t in leaves.items()}
    count = 0
    for node in topological_order(root):
        if id(node) in names:
            continue
        if node.op is None:
            names[id(node)] = f"{node.item():g}"
        else:
            count += 1
            names[id(node)] = f"v{count}"
    return names


def label(node: Tensor, name: str) -> str:
    """What a box says: name and primitive, forward value, adjoint (if it has one)."""
    if not node.requires_grad:
        return f"constant\n{name}"
    head = name if node.op is None else f"{name} = {SYMBOL.get(node.op, node.op)}"
    if node.grad is None:
        return f"{head}\nvalue {node.item():.5g}"
    return f"{head}\nvalue {node.item():.5g}\nadjoint {node.grad.item():.5g}"


def draw_graph(root: Tensor, leaves: dict[str, Tensor], path: Path) -> Path:
    """Boxes in columns, arrows from inputs to outputs; run backward (with retain_grad on
    intermediates) first so every box shows its adjoint."""
    order, names = topological_order(root), name_nodes(root, leaves)
    column = columns(root)
    row = rows(root, column)
    place = {id(n): (2.6 * column[id(n)], -1.5 * row[id(n)]) for n in order}
    width, height = max(column.values()) + 1, max(row.values()) + 1
    fig, ax = plt.subplots(figsize=(1.5 * width, 0.95 * height + 0.4))
    for node in order:
        for parent in node.parents:
            _arrow(ax, place[id(parent)], place[id(node)])
    for node in order:
        _box(ax, place[id(node)], label(node, names[id(node)]), constant=not node.requires_grad)
    ax.set_axis_off()
    ax.margins(0.12)
    return save(fig, path)


HALF_WIDTH = 0.95  # of a box, in data units


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    """From the right side of an input's box to the left side of its consumer's; an edge
    that skips columns bends upwards so it does not run behind the boxes between."""
    skips = end[0] - start[0] > 2.6 + 1e-9
    style = {"arrowstyle": "-|>", "color": "#666666", "lw": 1, "shrinkA": 0, "shrinkB": 0}
    style["connectionstyle"] = f"arc3,rad={-0.3 if skips else 0}"
    tail, head = (start[0] + HALF_WIDTH, start[1]), (end[0] - HALF_WIDTH, end[1])
    ax.annotate("", head, tail, arrowprops=style, zorder=1)


def _box(ax: plt.Axes, xy: tuple[float, float], text: str, constant: bool) -> None:
    """One node: a rounded box, grey for constants, the site's accent for the rest."""
    colour = "#bdbdbd" if constant else ACCENT
    ax.text(*xy, text, ha="center", va="center", fontsize=9, zorder=3)
    ax.add_patch(
        FancyBboxPatch(
            (xy[0] - HALF_WIDTH, xy[1] - 0.55),
            2 * HALF_WIDTH,
            1.1,
            boxstyle="round,pad=0.02",
            facecolor="white",
            edgecolor=colour,
            lw=1.5,
            zorder=2,
        )
    )
