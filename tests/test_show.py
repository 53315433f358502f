"""Outside a kernel the report shows nothing extra: a figure, a table or a result is written, and
a result is printed as lines of text, as `python -m report`'s Performance job needs."""

import matplotlib.pyplot as plt

from report import show
from report.figures import save
from report.results import Check, Registry


def test_outside_a_kernel_figures_and_tables_show_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("report.results.GENERATED", tmp_path)
    assert not show.in_kernel()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    save(fig, tmp_path / "figure.svg")
    Registry("demo", page="demo.md").write_text("table.md", "| a |\n|---|\n| 1 |")
    assert capsys.readouterr().out == ""


def test_a_result_is_printed_and_reads_as_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("report.results.GENERATED", tmp_path)
    result = Registry("demo", page="demo.md").record(
        "x", 1.5, title="x", fmt=".1f", checks=[Check("closed form", 1.5)]
    )
    assert capsys.readouterr().out == "demo.x = 1.5  [ok]\n  closed form: 1.5  agrees\n"
    assert repr(result) == "demo.x = 1.5  [ok]"
