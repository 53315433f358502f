"""Figures for the site: matplotlib, saved as reproducible SVG (same data, same bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, LogNorm, to_hex, to_rgba
from matplotlib.image import AxesImage
from matplotlib.patches import Patch

from report import show

plt.rcParams.update(
    {
        "svg.hashsalt": "backprop",  # stable element ids
        "svg.fonttype": "none",  # text stays text: searchable, and sharp at any zoom
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.facecolor": "white",  # the light scheme's figures are white cards; see save()
    }
)
ACCENT = "#3f51b5"  # the site's indigo
ORANGE = "#e65100"  # a second colour that reads on white
# Each colour the figures draw with, and its counterpart on the dark scheme's background
# (mkdocs-material's slate): lighter tints of the same hues, light grey for black.
DARK = {
    "#000000": "#e3e3e8",
    ACCENT: "#9fa8da",
    ORANGE: "#ffab66",
    "#2e7d32": "#81c784",
    "#6a1b9a": "#ce93d8",
    "#808080": "#a6a6a6",
    "#bdbdbd": "#5c5f66",
}


def save(fig: plt.Figure, path: Path) -> Path:
    """Write `fig` as SVG without a timestamp, then its twin for the dark scheme beside it
    (`name-dark.svg`: transparent, colours from DARK), close it, show it in the notebook (the
    light one, as the page embeds it), and return the path."""
    options = {"format": "svg", "bbox_inches": "tight", "metadata": {"Date": None}}
    light = io.BytesIO()
    fig.savefig(light, **options)
    path.write_bytes(light.getvalue())
    recolour(fig, DARK)
    fig.savefig(dark_twin(path), transparent=True, **options)
    plt.close(fig)
    show.svg(light.getvalue())
    return show.Written(path)


def dark_twin(path: Path) -> Path:
    """Where the dark scheme's version of a figure is written: `name-dark.svg`."""
    return path.with_name(f"{path.stem}-dark{path.suffix}")


def recolour(fig: plt.Figure, colours: dict[str, str]) -> None:
    """Swap every colour of `fig` found in `colours` (text, lines, markers, patches, hatches,
    collections, colour-mapped images), keeping its opacity; other colours stay."""

    def swap(colour):
        rgba = to_rgba(colour)
        new = colours.get(to_hex(rgba))
        return rgba if new is None else (*to_rgba(new)[:3], rgba[3])

    for artist in fig.findobj():
        if on_an_image(artist):
            continue  # its colour was chosen against the image's cells, which stay as they are
        for name in ("color", "facecolor", "edgecolor", "markerfacecolor", "markeredgecolor"):
            get, put = getattr(artist, f"get_{name}", None), getattr(artist, f"set_{name}", None)
            current = get() if get and put else None
            if isinstance(current, str) and current in ("none", "auto", "face"):
                continue
            if current is not None and np.ndim(current) == 2:  # a collection: one colour a row
                put([swap(c) for c in current])
            elif current is not None:
                put(swap(current))
        if isinstance(artist, Patch) and artist.get_hatch():
            artist.set_hatchcolor(swap(artist.get_hatchcolor()))
        if isinstance(artist, AxesImage) and isinstance(artist.get_cmap(), ListedColormap):
            artist.set_cmap(ListedColormap([swap(c) for c in artist.get_cmap().colors]))


def on_an_image(artist) -> bool:
    """Whether `artist` is text placed in the data coordinates of axes that show an image (a
    heat map's cell labels)."""
    ax = getattr(artist, "axes", None)
    return (
        isinstance(artist, plt.Text)
        and bool(ax and ax.images)
        and artist.get_transform() is ax.transData
    )


def line_chart(
    x: Sequence[float], series: dict[str, Sequence[float]], path: Path, xlabel: str, ylabel: str
) -> Path:
    """One line per series on log-log axes (sizes and times spanning orders of magnitude)."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for (name, y), marker in zip(series.items(), "os^v"):
        ax.plot(x, y, marker=marker, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    return save(fig, path)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    path: Path,
    ylabel: str,
    groups: Sequence[str] | None = None,
) -> Path:
    """One bar per label on a linear axis (so that shares compare by their lengths), coloured
    and labelled in the legend by each bar's group when `groups` is given."""
    colours = dict(zip(dict.fromkeys(groups or []), (ACCENT, ORANGE, "grey")))
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(labels, values, color=[colours[g] for g in groups] if groups else ACCENT)
    if groups:
        handles = [Patch(color=colour, label=group) for group, colour in colours.items()]
        ax.legend(handles=handles, frameon=False, loc="upper left")
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=60)
    return save(fig, path)


def footprint_panels(
    panels: Sequence[tuple[str, np.ndarray, tuple[int, int, int]]], path: Path
) -> Path:
    """Per (title, footprint, (top, left, r)): the pixels one unit's gradient reaches, the image's
    border, and the unit's whole r × r region from (top, left), which may reach past the image."""
    size = panels[0][1].shape[0]
    corners = [corner for _, _, (top, left, r) in panels for corner in (top, left, top + r)]
    lo, hi = min(0, *corners) - 12, max(size, *corners) + 12
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.6), squeeze=False)
    for ax, (title, footprint, (top, left, r)) in zip(axes[0], panels):
        corner = (left - 0.5, top - 0.5)
        style = {"ls": "--", "lw": 1.5, "ec": ORANGE, "fill": False}
        label = f"the unit's whole region, {r} × {r} (computed r, S, P)"
        ax.add_patch(plt.Rectangle(corner, r, r, **style, hatch="//", label=label))
        ax.add_patch(plt.Rectangle(corner, r, r, **style, zorder=4))  # its edge, over the footprint
        seen = np.ma.masked_equal(footprint != 0, False)
        ax.imshow(seen, cmap=ListedColormap([ACCENT]), interpolation="nearest", zorder=2)
        ax.plot([], [], "s", ms=10, color=ACCENT, label="gradient footprint (measured)")
        image = f"the {size} × {size} image"
        ax.add_patch(
            plt.Rectangle((-0.5, -0.5), size, size, fill=False, lw=1.5, zorder=3, label=image)
        )
        ax.set(xlim=(lo, hi), ylim=(hi, lo), title=title, xlabel="input column (pixels)")
    axes[0, 0].set_ylabel("input row (pixels)")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center", ncol=3, frameon=False)
    fig.subplots_adjust(bottom=0.2)
    return save(fig, path)


PALETTE = (ACCENT, ORANGE, "#2e7d32", "#6a1b9a", "grey")  # one colour per series, in order
Series = dict[str, tuple[Sequence[float], Sequence[float]]]  # name -> (x, y)


def curve_panels(
    panels: Sequence[tuple[str, str, Series]],
    path: Path,
    *,
    xscale: str = "linear",
    yscale: str | Sequence[str] = "linear",
    marks: dict[str, float] | None = None,
    styles: dict[str, dict] | None = None,
    legend: str = "best",
) -> Path:
    """Side by side, per (xlabel, ylabel, {name: (x, y)}), one line per series, a series keeping
    its colour in every panel; `marks` labels vertical lines at x, `styles` restyles a series,
    `legend` places the first panel's legend (a matplotlib `loc`, or "outside": to its right)."""
    yscales = [yscale] * len(panels) if isinstance(yscale, str) else yscale
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 3.6), squeeze=False)
    colours: dict[str, str] = {}
    for ax, (xlabel, ylabel, series), ys in zip(axes[0], panels, yscales):
        for name, (x, y) in series.items():
            colour = colours.setdefault(name, PALETTE[len(colours) % len(PALETTE)])
            ax.plot(x, y, color=colour, label=name, **{"lw": 1.6, **(styles or {}).get(name, {})})
        for label, x in (marks or {}).items():
            ax.axvline(x, color="grey", ls=":", lw=1)
            ax.annotate(
                label,
                (x, 0.5),
                xycoords=("data", "axes fraction"),
                xytext=(4, 0),
                textcoords="offset points",
                color="grey",
            )
        ax.set(xscale=xscale, yscale=ys, xlabel=xlabel, ylabel=ylabel)
    outside = {"loc": "upper left", "bbox_to_anchor": (1.02, 1)}
    axes[0, 0].legend(frameon=False, **(outside if legend == "outside" else {"loc": legend}))
    return save(fig, path)


def trajectories(f, paths: dict[str, np.ndarray], path: Path, minimum: tuple[float, float]) -> Path:
    """One panel per path (points × 2), over the same contours of log(1 + f) on a box around all
    of them: start (round marker), end (dot) and the minimum (star). `f` takes a (2, ...) array."""
    points = np.concatenate(list(paths.values()))
    lo, hi = points.min(axis=0), points.max(axis=0)
    lo, hi = lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo)
    x, y = np.meshgrid(np.linspace(lo[0], hi[0], 240), np.linspace(lo[1], hi[1], 240))
    levels = np.log1p(f(np.stack([x, y])))
    columns = 2
    rows = -(-len(paths) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(9, 3.4 * rows), sharex=True, sharey=True)
    for ax, (name, p), colour in zip(axes.flat, paths.items(), PALETTE):
        ax.contour(x, y, levels, levels=14, colors="#bdbdbd", linewidths=0.7)
        ax.plot(p[:, 0], p[:, 1], color=colour, lw=1.4)
        ax.plot(*p[0], "o", color="black", ms=6)
        ax.plot(*p[-1], "o", color=colour, ms=5)
        ax.plot(*minimum, "*", color="black", ms=12)
        ax.set_title(name, fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    return save(fig, path)


def heat_maps(
    panels: Sequence[tuple[str, np.ndarray]],
    path: Path,
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    ylabel: str,
    xlabel: str,
    label: str,
) -> Path:
    """Side by side, per (title, fractions[row, column]), one cell per value on one logarithmic
    colour scale shared by all panels, each cell printed in percent; the lowest cell of each
    panel outlined. Row 0 is drawn at the bottom."""
    values = np.array([v for _, v in panels])
    norm = LogNorm(values.min(), values.max())
    fig, axes = plt.subplots(
        1, len(panels), figsize=(3.5 * len(panels) + 1.1, 3.6), sharey=True, squeeze=False
    )
    for ax, (title, v) in zip(axes[0], panels):
        image = ax.imshow(v, cmap="viridis", norm=norm, origin="lower", aspect="auto")
        for (i, j), value in np.ndenumerate(v):
            colour = "white" if norm(value) < 0.6 else "black"  # on viridis' dark (low) end
            ax.text(j, i, f"{100 * value:.1f}", ha="center", va="center", size=9, color=colour)
        i, j = np.unravel_index(np.argmin(v), v.shape)
        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec=ORANGE, lw=2.5))
        ax.set(title=title, xlabel=xlabel, xticks=range(len(columns)), yticks=range(len(rows)))
        ax.set_xticklabels(columns)
        ax.spines[:].set_visible(False)
    axes[0, 0].set_yticklabels(rows)
    axes[0, 0].set_ylabel(ylabel)
    ticks = [t for t in (0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 0.9) if norm.vmin <= t <= norm.vmax]
    bar = fig.colorbar(image, ax=axes[0].tolist(), label=label, ticks=ticks, fraction=0.04)
    bar.ax.yaxis.set_major_formatter(lambda x, _: f"{100 * x:g}%")
    bar.ax.yaxis.set_minor_formatter(lambda x, _: "")
    return save(fig, path)
