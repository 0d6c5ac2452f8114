"""Charts in the house style: seaborn, French labels, colour-blind-safe palette, n shown, alt text,
and the numbers behind the chart given as a table."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from IPython.display import HTML  # noqa: E402

from helpers.report import esc, table_html  # noqa: E402

PALETTE = "colorblind"
sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=0.95)


def png_data_uri(fig) -> str:
    buffer = io.BytesIO()
    # No metadata: same data, same bytes.
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def figure_html(fig, alt: str, caption: str, data: pd.DataFrame, data_caption: str) -> HTML:
    """The chart as an embedded image with alt text, followed by its numbers as a table."""
    img = f'<img src="{png_data_uri(fig)}" alt="{esc(alt)}">'
    return HTML(f'<figure class="carto">{img}<figcaption>{esc(caption)}</figcaption></figure>'
                + table_html(data, data_caption))


def horizontal_bars(data: pd.DataFrame, y: str, x: str, hue: str | None, *, title: str, xlabel: str,
                    ylabel: str, alt: str, caption: str, data_caption: str) -> HTML:
    """Horizontal bar chart (categories on y), counts on x, bars labelled with their value."""
    height = 0.45 * data[y].nunique() * (1 if hue is None else 1 + 0.5 * (data[hue].nunique() - 1)) + 1.5
    fig, ax = plt.subplots(figsize=(8.5, max(3.0, height)))
    sns.barplot(data=data, y=y, x=x, hue=hue, ax=ax, orient="h", palette=PALETTE if hue else None,
                color=None if hue else sns.color_palette(PALETTE)[0])
    for container in ax.containers:
        ax.bar_label(container, fmt="%d", padding=2, fontsize=8)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if hue:
        sns.move_legend(ax, "upper center", bbox_to_anchor=(0.5, -0.14), ncol=data[hue].nunique(),
                        title=None, frameon=False)
    sns.despine(ax=ax, left=True)
    return figure_html(fig, alt, caption, data, data_caption)
