"""Figures: each saved with a dark twin, recoloured for the dark scheme, on a transparent ground."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, to_hex

from report.figures import ACCENT, DARK, ORANGE, dark_twin, recolour, save


def drawing():
    """A figure with each kind of artist the chapters draw: text, lines, bars, a hatched patch,
    a collection and a colour-mapped image."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color=ACCENT, marker="o", markerfacecolor="black")
    ax.bar([0], [1], color=ORANGE)
    ax.add_patch(plt.Rectangle((0, 0), 1, 1, fill=False, ec=ORANGE, hatch="//"))
    ax.scatter([0], [0], color=ACCENT)
    ax.imshow(np.ones((2, 2)), cmap=ListedColormap([ACCENT]))
    ax.set_title("title")
    ax.text(0, 0, "cell", color="black")  # a label on the image's cell: keeps its colour
    return fig, ax


def test_recolour_swaps_every_artist_to_its_dark_counterpart():
    fig, ax = drawing()
    recolour(fig, DARK)
    line, bar, hatched = ax.lines[0], ax.patches[0], ax.patches[1]
    assert to_hex(line.get_color()) == DARK[ACCENT]
    assert to_hex(line.get_markerfacecolor()) == DARK["#000000"]
    assert to_hex(bar.get_facecolor()) == DARK[ORANGE]
    assert to_hex(hatched.get_hatchcolor()) == DARK[ORANGE]
    assert to_hex(ax.collections[0].get_facecolor()[0]) == DARK[ACCENT]
    assert to_hex(ax.images[0].get_cmap().colors[0]) == DARK[ACCENT]
    assert to_hex(ax.title.get_color()) == DARK["#000000"]
    assert to_hex(ax.texts[0].get_color()) == "#000000"
    plt.close(fig)


def test_save_writes_the_light_figure_and_its_transparent_dark_twin(tmp_path):
    fig, _ = drawing()
    path = save(fig, tmp_path / "figure.svg")
    light, dark = path.read_text(), dark_twin(path).read_text()
    assert dark_twin(path).name == "figure-dark.svg"
    assert "fill: #ffffff" in light and "fill: #ffffff" not in dark  # white card, no ground
    assert f"fill: {ACCENT}" in light and f"fill: {ACCENT}" not in dark
    assert f"fill: {DARK[ACCENT]}" in dark
