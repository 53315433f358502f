"""Drawing the engine's graph: layout and names."""

from backprop import Tensor
from backprop.engine import topological_order
from report.graph import columns, name_nodes, rows


def sheet_graph() -> tuple[Tensor, Tensor, Tensor]:
    x, c = Tensor(3.0, requires_grad=True), Tensor(5.0, requires_grad=True)
    u = x**2 / x.log()
    return (u + c) * (u - c), x, c


def test_every_node_sits_right_of_its_inputs_and_the_output_last():
    f, x, c = sheet_graph()
    column = columns(f)
    assert column[id(x)] == column[id(c)] == 0
    assert column[id(f)] == max(column.values())
    for node in topological_order(f):
        assert all(column[id(p)] < column[id(node)] for p in node.parents)


def test_no_two_nodes_share_a_place():
    f, _, _ = sheet_graph()
    column = columns(f)
    row = rows(f, column)
    places = [(column[id(n)], row[id(n)]) for n in topological_order(f)]
    assert len(places) == len(set(places))


def test_names_inputs_constants_and_intermediates():
    f, x, c = sheet_graph()
    names = name_nodes(f, {"x": x, "c": c, "f": f})
    assert {names[id(x)], names[id(c)], names[id(f)]} == {"x", "c", "f"}
    constants = {names[id(n)] for n in topological_order(f) if not n.requires_grad}
    assert constants == {"2", "-1"}
    assert len(set(names.values())) == len(names)
