"""Figures for the site: matplotlib, saved as reproducible SVG (same data, same bytes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

plt.rcParams.update(
    {
        "svg.hashsalt": "backprop",  # stable element ids
        "svg.fonttype": "none",  # text stays text: searchable, and sharp at any zoom
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.facecolor": "white",  # readable on the light and the dark theme alike
    }
)
ACCENT = "#3f51b5"  # the site's indigo


def save(fig: plt.Figure, path: Path) -> Path:
    """Write `fig` as SVG without a timestamp, close it, and return the path."""
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return path


def bar_chart(labels: Sequence[str], values: Sequence[float], path: Path, ylabel: str) -> Path:
    """One bar per label on a logarithmic axis (values spanning orders of magnitude)."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(labels, values, color=ACCENT)
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=60)
    return save(fig, path)


def footprint_image(footprint: np.ndarray, path: Path, title: str) -> Path:
    """The input pixels that one unit's gradient reaches, over the image's outline."""
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.imshow(footprint != 0, cmap="Blues", vmin=0, vmax=1.4, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel("input column (pixels)")
    ax.set_ylabel("input row (pixels)")
    return save(fig, path)
