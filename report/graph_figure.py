"""The stepped graph figure: a trace (report/graph.py) laid out by dagre and drawn as an SVG that
is complete on its own (no JavaScript, print), with the states docs/javascripts/graph.js steps
through embedded beside it.

The layout runs at build time in Node, which the site already needs for KaTeX: dagre comes from
the npm registry (pinned in package-lock.json), so no Debian package joins the set-up and the
reader's browser downloads no layout code.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from html import escape
from itertools import pairwise
from pathlib import Path

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from report import show
from report.graph import bar, num, shape_text
from report.results import ROOT

FONT = 13  # px at the figure's natural size; it shrinks only to fit a column narrower than that
LINE = 17  # px between text lines
PAD = 6  # px around a box's text
# dagre lays the graph out top to bottom: inputs first, the output last, as the forward pass runs
LAYOUT = """
const dagre = require("@dagrejs/dagre");
const spec = JSON.parse(require("fs").readFileSync(0, "utf8"));
const g = new dagre.graphlib.Graph({ multigraph: true });
g.setGraph(spec.graph);
for (const n of spec.nodes) g.setNode(n.id, { width: n.width, height: n.height });
for (const e of spec.edges) g.setEdge(e.from, e.to, {}, e.id);
dagre.layout(g);
const nodes = Object.fromEntries(g.nodes().map((id) => [id, g.node(id)]));
const edges = Object.fromEntries(g.edges().map((e) => [e.name, g.edge(e).points]));
process.stdout.write(JSON.stringify({ width: g.graph().width, height: g.graph().height, nodes, edges }));
"""
GRAPH = {"rankdir": "TB", "nodesep": 8, "ranksep": 26, "edgesep": 4, "marginx": 2, "marginy": 2}


@cache
def text_px(text: str) -> float:
    """Width of a line at FONT px in DejaVu Sans, the widest of the fonts the page may use."""
    font = FontProperties(family="DejaVu Sans", size=FONT)
    return TextToPath().get_text_width_height_descent(text, font, ismath=False)[0]


def layout(nodes: list[dict], edges: list[dict]) -> dict:
    """Node centres and edge points from dagre (nodes: id, width, height; edges: id, from, to)."""
    spec = json.dumps({"graph": GRAPH, "nodes": nodes, "edges": edges})
    try:
        done = subprocess.run(
            ["node", "-e", LAYOUT], input=spec, capture_output=True, text=True, cwd=ROOT, check=True
        )
    except FileNotFoundError as error:
        raise RuntimeError(
            "the graph layout needs Node.js (see the README's prerequisites)"
        ) from error
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"dagre failed (run `make setup`?):\n{error.stderr}") from error
    return json.loads(done.stdout)


# --- What each box says, at the end and at each step ---------------------------------------------


def value_line(node: dict) -> str:
    return node["value_text"] if not node["shape"] else shape_text(tuple(node["shape"]))


def adjoint_line(node: dict, adjoint) -> str:
    if node["shape"]:
        return f"{bar(node['name'])} {shape_text(tuple(node['shape']))}"
    return f"{bar(node['name'])} = {num(adjoint)}"


def adjoint_text(node: dict, adjoint) -> str:
    """An adjoint as the step's text says it, with its numbers at any shape."""
    return f"{bar(node['name'])} = {num(adjoint)}"


def box_lines(node: dict) -> list[str]:
    """Head (name, and what the node computes), value, and final adjoint; a constant is one line
    (its value) or two (a named constant tensor: name and shape)."""
    if node["kind"] == "constant":
        return [node["name"]] + ([value_line(node)] if node["shape"] else [])
    head = f"{node['name']} = {node['expression']}" if node["op"] else node["name"]
    return [head, value_line(node), adjoint_line(node, node["adjoint"])]


# --- The states a reader steps through -----------------------------------------------------------


def timeline(trace: dict, output: str) -> list[dict]:
    """Forward: the inputs, then one primitive per step; backward: one node per step, in the
    engine's order, each with the text its live region reads out and the adjoints so far."""
    nodes = {n["id"]: n for n in trace["nodes"]}
    incoming = {}
    for e in trace["edges"]:
        incoming.setdefault(e["to"], []).append(e["id"])
    given = [n["id"] for n in trace["nodes"] if n["op"] is None]
    leaves = [n for n in trace["nodes"] if n["op"] is None and n["name"] != n["value_text"]]
    inputs = ", ".join(f"{n['name']} = {n['value_text']}" for n in leaves)
    forward = len(trace["forward"])
    states = [
        {
            "part": "forward",
            "label": f"Forward pass: step 0 of {forward}",
            "active": [],
            "edges": [],
            "targets": [],
            "known": given,
            "adjoints": {},
            "lines": [f"The inputs: {inputs}. Next, the engine evaluates one primitive per step."],
        }
    ]
    for k, node_id in enumerate(trace["forward"], 1):
        states.append(
            {
                **states[0],
                "label": f"Forward pass: step {k} of {forward}",
                "active": [node_id],
                "edges": incoming.get(node_id, []),
                "known": given + trace["forward"][:k],
                "lines": [nodes[node_id]["forward"]],
            }
        )
    states[-1]["lines"].append(
        "The forward pass is done; every value is kept for the backward pass."
    )
    totals: dict[str, np.ndarray] = {}
    known = given + trace["forward"]
    steps = trace["backward"]
    for k, step in enumerate(steps, 1):
        node = nodes[step["node"]]
        totals.setdefault(node["id"], np.asarray(step["adjoint"]))
        lines = [head_line(node, step, output)]
        for c in step["contributions"]:
            before = c["to"] in totals
            totals[c["to"]] = totals.get(c["to"], 0) + np.asarray(c["value"])
            now = f"; now {adjoint_text(nodes[c['to']], totals[c['to']])}" if before else ""
            lines.append(f"{c['rule']} = {c['numbers']}{now}")
        lines += [f"{nodes[s['to']]['name']} is a constant: no adjoint." for s in step["skipped"]]
        if k == len(steps):
            lines += summary(trace, output)
        states.append(
            {
                "part": "backward",
                "label": f"Backward pass: step {k} of {len(steps)}",
                "active": [node["id"]],
                "edges": [c["edge"] for c in step["contributions"]],
                "targets": [c["to"] for c in step["contributions"]],
                "known": known,
                "adjoints": {i: adjoint_line(nodes[i], t) for i, t in totals.items()},
                "lines": lines,
            }
        )
    return states


def head_line(node: dict, step: dict, output: str) -> str:
    """The first line of a backward step: the node and the adjoint it brings."""
    adjoint = adjoint_text(node, step["adjoint"])
    if node["name"] == output:
        return f"{adjoint}: the seed, ∂{output}/∂{output}."
    if node["op"] is None:
        return f"{adjoint} is complete: the engine adds it into {node['name']}.grad."
    return f"{adjoint} is complete (every node that uses {node['name']} is done)."


def summary(trace: dict, output: str) -> list[str]:
    """The gradient, once the last input is done: ∂f/∂x = x̄ = 48.757, one line per input."""
    return ["The backward pass is done:"] + [
        f"∂{output}/∂{n['name']} = {adjoint_text(n, n['adjoint'])}"
        for n in trace["nodes"]
        if n["kind"] == "input"
    ]


# --- The SVG -------------------------------------------------------------------------------------


def sizes(trace: dict, states: list[dict]) -> dict[str, tuple[float, float]]:
    """Each box's width and height: room for the longest text it ever shows."""
    found = {}
    for node in trace["nodes"]:
        lines = box_lines(node) + [
            s["adjoints"][node["id"]] for s in states if node["id"] in s["adjoints"]
        ]
        width = max(map(text_px, lines)) + 2 * PAD
        found[node["id"]] = (round(width, 1), len(box_lines(node)) * LINE + PAD)
    return found


def curve(points: list[dict]) -> str:
    """A smooth path through dagre's edge points: straight to the first, curving through the
    midpoints of the inner ones, straight into the last (along the arrowhead)."""
    p = [(q["x"], q["y"]) for q in points]
    path = [f"M{p[0][0]:.1f},{p[0][1]:.1f}"]
    for (x1, y1), (x2, y2) in pairwise(p[1:]):
        path.append(f"Q{x1:.1f},{y1:.1f} {(x1 + x2) / 2:.1f},{(y1 + y2) / 2:.1f}")
    path.append(f"L{p[-1][0]:.1f},{p[-1][1]:.1f}")
    return "".join(path)


def arrowhead(points: list[dict]) -> str:
    """A filled triangle at the edge's end, pointing along its last segment."""
    (x0, y0), (x1, y1) = (points[-2]["x"], points[-2]["y"]), (points[-1]["x"], points[-1]["y"])
    d = np.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    bx, by = x1 - 7 * ux, y1 - 7 * uy
    return f"M{x1:.1f},{y1:.1f}L{bx - 3.5 * uy:.1f},{by + 3.5 * ux:.1f}L{bx + 3.5 * uy:.1f},{by - 3.5 * ux:.1f}Z"


def svg(trace: dict, states: list[dict], label: str) -> str:
    """The whole graph with every value and final adjoint: the figure without JavaScript, and
    the stage the script animates (boxes and edges carry data-node / data-edge)."""
    size = sizes(trace, states)
    placed = layout(
        [{"id": i, "width": w, "height": h} for i, (w, h) in size.items()],
        [{"id": e["id"], "from": e["from"], "to": e["to"]} for e in trace["edges"]],
    )
    width, height = placed["width"], placed["height"]
    head = (
        f'<svg class="bp-graph__svg" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" font-family="sans-serif" font-size="{FONT}">'
    )
    parts = [head]
    for e in trace["edges"]:
        points = placed["edges"][e["id"]]
        parts.append(
            f'<g class="bp-edge" data-edge="{e["id"]}" fill="none" stroke="#757575">'
            f'<path d="{curve(points)}"/><path class="bp-edge__head" d="{arrowhead(points)}" '
            'fill="#757575" stroke="none"/></g>'
        )
    for node in trace["nodes"]:
        parts.append(box(node, placed["nodes"][node["id"]]))
    parts.append("</svg>")
    return "".join(parts)


def box(node: dict, at: dict) -> str:
    """One node: a rounded box and its lines of text (head, value, adjoint)."""
    w, h = at["width"], at["height"]
    x, y = at["x"] - w / 2, at["y"] - h / 2
    lines = box_lines(node)
    classes = ["bp-node", f"bp-node--{node['kind']}"]
    radius = h / 2 if node["kind"] == "constant" else 6
    stroke = "#9e9e9e" if node["kind"] == "constant" else "#3f51b5"
    text = []
    for k, line in enumerate(lines):
        role = ("bp-head", "bp-value", "bp-adjoint")[k] if node["kind"] != "constant" else "bp-head"
        ty = y + PAD / 2 + LINE * (k + 0.75)
        text.append(f'<text class="{role}" x="{at["x"]:.1f}" y="{ty:.1f}">{escape(line)}</text>')
    return (
        f'<g class="{" ".join(classes)}" data-node="{node["id"]}" text-anchor="middle">'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{radius:.1f}" '
        f'fill="#ffffff" stroke="{stroke}" stroke-width="1.5"/>{"".join(text)}</g>'
    )


def figure(graph_id: str, trace: dict, output: str, label: str, caption: str) -> tuple[str, str]:
    """The figure's HTML (SVG, caption, the states as JSON for the script) and the bare SVG."""
    states = timeline(trace, output)
    drawing = svg(trace, states, label)
    # the states in an attribute, not a <script>: instant navigation re-creates scripts as code
    data = escape(json.dumps({"states": states}, ensure_ascii=False))
    html = (
        f'<figure class="bp-graph" id="{graph_id}" data-states="{data}">\n'
        f'<div class="bp-graph__stage">{drawing}</div>\n'
        f"<figcaption>{escape(caption)}</figcaption>\n"
        "</figure>\n"
    )
    return html, drawing


def write_figure(
    out: Path, name: str, trace: dict, output: str, label: str, caption: str
) -> dict[str, Path]:
    """Write NAME.json (the trace), NAME.svg (the drawing alone) and NAME.html (the figure), and
    show the drawing in the notebook."""
    html, drawing = figure(f"graph-{name}", trace, output, label, caption)
    paths = {"json": out / f"{name}.json", "svg": out / f"{name}.svg", "html": out / f"{name}.html"}
    paths["json"].write_text(json.dumps(trace, indent=1, ensure_ascii=False) + "\n")
    paths["svg"].write_text(drawing + "\n")
    paths["html"].write_text(html)
    show.svg(drawing)
    return paths
