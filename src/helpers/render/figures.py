"""Charts in the house style: seaborn's « whitegrid » look drawn with matplotlib alone, French labels,
colour-blind-safe palette, n shown, alt text, and the numbers behind the chart given as a table.

seaborn itself is not imported: it imports scipy.stats (about 1.5 s of a kernel's start on 2 cores, most of a
producer fiche's cost above an empty notebook), for two chart kinds matplotlib draws in a few lines."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from cycler import cycler  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter  # noqa: E402

from helpers.core import formats  # noqa: E402
from helpers.render.blocks import macro  # noqa: E402
from helpers.render.html import BLOCKS, details, table_html  # noqa: E402

#: seaborn's « colorblind » palette (Okabe–Ito-like, safe for the common colour-vision deficiencies).
PALETTE = ["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133",
           "#56b4e9"]
# What seaborn.set_theme(style="whitegrid", palette="colorblind", font_scale=0.95) sets, written out.
THEME = {"axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
         "axes.labelsize": 11.4, "axes.linewidth": 1.25, "axes.prop_cycle": cycler("color", PALETTE),
         "axes.titlesize": 11.4, "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans",
                                                      "Bitstream Vera Sans", "sans-serif"],
         "font.size": 11.4, "grid.color": ".8", "grid.linewidth": 1.0, "legend.fontsize": 10.45,
         "legend.title_fontsize": 11.4, "lines.solid_capstyle": "round", "patch.edgecolor": "w",
         "patch.force_edgecolor": True, "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15",
         "xtick.labelsize": 10.45, "xtick.major.size": 6.0, "xtick.major.width": 1.25, "xtick.minor.size": 4.0,
         "xtick.minor.width": 1.0, "ytick.color": ".15", "ytick.labelsize": 10.45, "ytick.left": False,
         "ytick.major.size": 6.0, "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0}
matplotlib.rcParams.update(THEME)


def _despine(ax, left: bool = False) -> None:
    """Top and right frame lines removed (and the left one with `left`), as seaborn.despine."""
    for side in ("top", "right", *(("left",) if left else ())):
        ax.spines[side].set_visible(False)


def _levels(column: pd.Series) -> list:
    """The categories of `column` in order: a categorical's own order, else the order of appearance."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return list(column.cat.categories)
    return list(dict.fromkeys(column))


def png_data_uri(fig) -> str:
    """The matplotlib figure `fig` as a ``data:image/png;base64,…`` URI (110 dpi, tight bounding box),
    without the PNG's « Software » metadata so that the same chart gives the same bytes. Closes `fig`."""
    buffer = io.BytesIO()
    # No metadata: same data, same bytes.
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def figure_html(fig, alt: str, caption: str, data: pd.DataFrame, data_caption: str) -> HTML:
    """The chart as an embedded image with alt text (required: a chart without one raises ``ValueError``),
    followed by its numbers as a table folded in a native ``<details>`` « Voir les données »."""
    if not alt.strip():
        raise ValueError(f"graphique sans texte alternatif : {caption}")
    for ax in fig.axes:
        _french_ticks(ax)
    return HTML(str(macro(BLOCKS, "figure")(png_data_uri(fig), alt, caption))
                + details("Voir les données", table_html(data, data_caption)))


def _french_ticks(ax) -> None:
    """Numeric tick labels in French (decimal comma, narrow no-break space between thousands), through
    ``core.formats``; categorical axes are left as they are."""
    for axis in (ax.xaxis, ax.yaxis):
        if isinstance(axis.get_major_formatter(), ScalarFormatter):
            ticks = [t for t in axis.get_majorticklocs() if t == t]
            digits = 0 if all(float(t).is_integer() for t in ticks) else 2
            axis.set_major_formatter(FuncFormatter(lambda value, _pos, d=digits: formats.number(value, d)))


def _count_axis(axis) -> None:
    """An axis of counts (respondents, lines): whole-number ticks only, never « 0,25 » of a respondent."""
    axis.set_major_locator(MaxNLocator(integer=True))


def horizontal_bars(data: pd.DataFrame, y: str, x: str, hue: str | None, *, title: str, xlabel: str,
                    ylabel: str, alt: str, caption: str, data_caption: str) -> HTML:
    """Horizontal bar chart: one bar per value of column `y` (and of `hue`, when given), length the
    count in column `x` (integers: bars are labelled « %d »). `data` is long format; it is also the
    table under the chart. Raises ``ValueError`` without `alt` (:func:`figure_html`)."""
    height = 0.45 * data[y].nunique() * (1 if hue is None else 1 + 0.5 * (data[hue].nunique() - 1)) + 1.5
    fig, ax = plt.subplots(figsize=(8.5, max(3.0, height)))
    rows = _levels(data[y])
    hues = _levels(data[hue]) if hue else [None]
    width = 0.8 / len(hues)
    means = data.groupby([y, hue] if hue else [y], observed=True, sort=False)[x].mean()
    for number, level in enumerate(hues):
        values = [means.get((row, level) if hue else row, 0) for row in rows]
        offsets = [i - 0.4 + width * (number + 0.5) for i in range(len(rows))]
        ax.barh(offsets, values, height=width, color=PALETTE[number % len(PALETTE)],
                label=str(level) if hue else None)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first category on top
    ax.grid(axis="y", visible=False)
    for container in ax.containers:
        ax.bar_label(container, labels=[formats.integer(v) for v in container.datavalues], padding=2, fontsize=8)
    _count_axis(ax.xaxis)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if hue:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=data[hue].nunique(), title=None,
                  frameon=False)
    _despine(ax, left=True)
    return figure_html(fig, alt, caption, data, data_caption)


def heatmap(matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, alt: str, caption: str,
            data: pd.DataFrame, data_caption: str, fmt: str = ".0f", vmax: float = 100) -> HTML:
    """Annotated heatmap of `matrix` (rows × columns, values from 0 to `vmax`, e.g. % of bases at the top
    value, producer × criterion, annotated with `fmt`); `data` is the table under the chart. cividis is
    perceptually uniform and readable with colour-vision deficiencies. Raises ``ValueError`` without `alt`."""
    fig, ax = plt.subplots(figsize=(1.6 * matrix.shape[1] + 3.5, 0.42 * matrix.shape[0] + 1.8))
    digits = int(fmt.strip(".f") or 0)  # annotations in French, halves rounded up (core.formats)
    labels = matrix.apply(lambda column: column.map(lambda v: formats.decimal(v, digits)))
    mesh = ax.pcolormesh(matrix.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=vmax, edgecolors="white",
                         linewidth=0.5)
    colours = mesh.cmap(mesh.norm(matrix.to_numpy(dtype=float)))
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            if matrix.iloc[i, j] == matrix.iloc[i, j]:  # no annotation on an empty cell
                red, green, blue = colours[i, j, :3]
                dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.408  # seaborn's rule for white text
                ax.text(j + 0.5, i + 0.5, labels.iloc[i, j], ha="center", va="center", fontsize=8,
                        color="white" if dark else ".15")
    ax.set_xticks([j + 0.5 for j in range(matrix.shape[1])], [str(c) for c in matrix.columns])
    ax.set_yticks([i + 0.5 for i in range(matrix.shape[0])], [str(r) for r in matrix.index], va="center")
    ax.set_xlim(0, matrix.shape[1])
    ax.set_ylim(matrix.shape[0], 0)  # first row on top
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.colorbar(mesh, ax=ax, label="%", shrink=0.7).outline.set_visible(False)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", rotation=0)
    return figure_html(fig, alt, caption, data, data_caption)


def intervals(data: pd.DataFrame, *, label: str, value: str, low: str, high: str, hue: str, title: str,
              xlabel: str, alt: str, caption: str, table: pd.DataFrame, data_caption: str) -> HTML:
    """Point estimates with their confidence interval, one row per label, one colour per hue value.

    `data`: long format, the columns `value`, `low`, `high` holding shares in [0, 1] (drawn as % on a
    0–100 axis); `table` is shown under the chart. Raises ``ValueError`` without `alt`."""
    labels = list(dict.fromkeys(data[label]))
    hues = list(dict.fromkeys(data[hue]))
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(hues))]
    fig, ax = plt.subplots(figsize=(8.5, 0.38 * len(labels) * max(1, len(hues) * 0.7) + 1.8))
    step = 0.8 / max(1, len(hues))
    for i, (name, color) in enumerate(zip(hues, colors, strict=True)):
        sub = data[data[hue] == name]
        y = [labels.index(v) - 0.4 + step * (i + 0.5) for v in sub[label]]
        ax.errorbar(sub[value] * 100, y, xerr=[(sub[value] - sub[low]) * 100, (sub[high] - sub[value]) * 100],
                    fmt="o", color=color, ecolor=color, capsize=3, label=name, markersize=5)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(-2, 102)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(hues), frameon=False)
    _despine(ax, left=True)
    return figure_html(fig, alt, caption, table, data_caption)


def dumbbell(data: pd.DataFrame, *, label: str, left: str, right: str, left_name: str, right_name: str,
             title: str, xlabel: str, alt: str, caption: str, table: pd.DataFrame, data_caption: str) -> HTML:
    """Two values per row joined by a line (e.g. aggregated vs granular score per producer), on a 0–100
    axis, rows in `data`'s order from the top; `table` is shown under the chart. Raises ``ValueError``
    without `alt`."""
    colors = PALETTE[:2]
    fig, ax = plt.subplots(figsize=(8.5, 0.36 * len(data) + 1.8))
    y = range(len(data))
    ax.hlines(y, data[left], data[right], color="#999999", linewidth=2, zorder=1)
    ax.scatter(data[left], y, color=colors[0], label=left_name, zorder=2, s=36)
    ax.scatter(data[right], y, color=colors[1], label=right_name, zorder=2, s=36, marker="D")
    ax.set_yticks(list(y), data[label])
    ax.invert_yaxis()
    ax.set_xlim(-2, 102)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    _despine(ax, left=True)
    return figure_html(fig, alt, caption, table, data_caption)


def vertical_bars(data: pd.DataFrame, x: str, y: str, *, title: str, xlabel: str, ylabel: str, alt: str,
                  caption: str, table: pd.DataFrame, data_caption: str) -> HTML:
    """Counts over an ordered axis (e.g. answers per day): one bar per row of `data`, in its order, height
    column `y`, tick label column `x` (rotated); `table` is shown under the chart. Raises ``ValueError``
    without `alt`."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.bar(range(len(data)), data[y], color=PALETTE[0])
    _count_axis(ax.yaxis)
    ax.set_xticks(range(len(data)), data[x], rotation=60, ha="right", fontsize=8)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _despine(ax)
    return figure_html(fig, alt, caption, table, data_caption)


def scatter(data: pd.DataFrame, x: str, y: str, size: str, label: str, *, labelled: int, title: str, xlabel: str,
            ylabel: str, size_label: str, alt: str, caption: str, table: pd.DataFrame, data_caption: str) -> HTML:
    """One point per row, area proportional to `size`; the `labelled` rows with the highest x are named.

    `y` is on a 0–100 axis (a score or a percentage); the legend shows two sizes (5 and the maximum,
    as « n `size_label` »); `table` is shown under the chart. Raises ``ValueError`` without `alt`."""
    fig, ax = plt.subplots(figsize=(9, 5.5))
    sizes = 30 + 270 * data[size] / max(float(data[size].max()), 1)
    ax.scatter(data[x], data[y], s=sizes, color=PALETTE[0], alpha=0.6, edgecolor="#333333",
               linewidth=0.5)
    for i, row in enumerate(data.nlargest(labelled, x).itertuples()):
        ax.annotate(getattr(row, label), (getattr(row, x), getattr(row, y)), textcoords="offset points",
                    xytext=(6, 6 if i % 2 == 0 else -12), fontsize=8)  # alternate above/below: fewer overlaps
    for value in (min(data[size].max(), 5), data[size].max()):
        ax.scatter([], [], s=30 + 270 * value / max(float(data[size].max()), 1), color=PALETTE[0],
                   alpha=0.6, label=f"{int(value)} {size_label}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False, labelspacing=1.2)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-5, 105)
    _despine(ax)
    return figure_html(fig, alt, caption, table, data_caption)
