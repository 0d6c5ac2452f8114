"""HTML building blocks of the reports: banner, boxes, key figures and accessible tables.

Every text that enters the HTML goes through html.escape; tables have a caption and column headers.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from helpers.core.config import data_text
from helpers.core.config import paths as config_paths
from helpers.steps.base import ANSWERS, CARTOGRAPHY, Run

SYNTHETIC_TEXT = (
    "<strong>Données synthétiques</strong> — ce rapport a été produit à partir d'un échantillon "
    "généré par le projet, pas à partir de la cartographie officielle. Ses chiffres ne décrivent "
    "aucune base réelle et ne doivent pas être cités."
)
SYNTHETIC_ANSWERS = (
    "<strong>Données synthétiques</strong> — les réponses analysées ici ont été générées par le projet : les "
    "réponses à la consultation de 2014 n'ont jamais été publiées. Leurs chiffres ne décrivent aucun répondant "
    "réel et ne doivent pas être cités."
)


def esc(value: object) -> str:
    """Escaped text; line breaks become <br>."""
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def page_style() -> HTML:
    css = data_text("report.css")
    return HTML(f"<style>{css}</style>")


def banner(run: Run) -> HTML:
    """The visible « Données synthétiques » banner of a step's `run` (any :class:`helpers.steps.base.Run`),
    saying which of its sources are synthetic; empty when none is. The notes come from the sources
    (French sentences written by the project, never an exception text) and are escaped."""
    if not run.synthetic:
        return HTML("")
    cartography, answers = run.source_of(CARTOGRAPHY), run.source_of(ANSWERS)
    notes = []
    if cartography is not None and cartography.synthetic:
        text = SYNTHETIC_TEXT
        if answers is not None and answers.synthetic:
            notes.append("Les réponses à la consultation sont elles aussi synthétiques.")
        notes.append(cartography.note)
    else:
        text = SYNTHETIC_ANSWERS
        if cartography is not None:
            notes.append("La cartographie est le fichier officiel : les bases sont réelles, les demandes non.")
    note = " ".join(n for n in notes if n)
    extra = f"<br>{esc(note)}" if note else ""
    return HTML(f'<div class="carto-banner" role="alert">{text}{extra}</div>')


def box(text_html: str) -> HTML:
    """A highlighted box; `text_html` is trusted markup written by the project."""
    return HTML(f'<div class="carto-box">{text_html}</div>')


def key_figures(figures: dict[str, object]) -> HTML:
    items = "".join(f'<li><span class="n">{esc(v)}</span>{esc(k)}</li>' for k, v in figures.items())
    return HTML(f'<ul class="carto-kpis">{items}</ul>')


def definitions(terms: dict[str, str]) -> HTML:
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in terms.items())
    return HTML(f'<dl class="carto">{items}</dl>')


def table_html(frame: pd.DataFrame, caption: str, max_rows: int | None = None) -> str:
    shown = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for value in row:
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
            if isinstance(text, bool):
                text = "oui" if text else "non"
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{esc(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f" ({max_rows} premières lignes sur {len(frame)})"
    return (f'<table class="carto"><caption>{esc(caption)}{esc(more)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def table(frame: pd.DataFrame, caption: str, max_rows: int | None = None) -> HTML:
    return HTML(table_html(frame, caption, max_rows))


def file_links(paths, reports_dir=None) -> HTML:
    """Links from a report in `reports_dir` (default: the project's ``reports/``) to the files it produced,
    relative so they work offline. `paths` are the written files; returns an HTML list."""
    import os

    reports_dir = reports_dir if reports_dir is not None else config_paths().reports

    items = "".join(
        f'<li><a href="{esc(os.path.relpath(p, reports_dir))}">{esc(os.path.basename(p))}</a></li>'
        for p in paths
    )
    return HTML(f"<ul>{items}</ul>")


def title(text: str, subtitle: str = "") -> HTML:
    """The report's main heading, when it depends on a parameter."""
    sub = f"<p class=\"carto-subtitle\">{esc(subtitle)}</p>" if subtitle and subtitle != text else ""
    return HTML(f"<h1>{esc(text)}</h1>{sub}")
