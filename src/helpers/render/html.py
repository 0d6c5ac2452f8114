"""HTML building blocks of the reports: banner, boxes, key figures and accessible tables.

The markup lives in ``render/templates/blocks/report.html.j2`` (helpers.render.blocks); every text that enters
the HTML is escaped there; tables have a caption and column headers.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from helpers.core import formats
from helpers.core.config import data_file, folders
from helpers.render.blocks import esc, macro
from helpers.render.blocks import render as render_text
from helpers.steps.base import ANSWERS, CARTOGRAPHY, Run

__all__ = ["esc"]

#: Folder of ``reports/`` holding the published tables the reports link to.
DATA_DIR = "donnees"
BLOCKS = "report.html.j2"

#: The synthetic wording (``data/mentions_synthetiques.yml``, its one home).
WORDING = data_file("mentions_synthetiques.yml")


def _block(name: str, *args) -> str:
    return str(macro(BLOCKS, name)(*args))


def render(template: str, **values) -> HTML:
    """The block `template` (a file name under ``render/templates/blocks/``) filled with `values`, as a
    notebook output."""
    return HTML(render_text(template, **values))


def note(text: str) -> HTML:
    """A highlighted box holding the plain sentence `text` (escaped)."""
    return box(esc(text))


def banner(run: Run) -> HTML:
    """The visible « Données synthétiques » banner of a step's `run` (any :class:`helpers.steps.base.Run`),
    saying which of its sources are synthetic; empty when none is. The notes come from the sources
    (French sentences written by the project, never an exception text) and are escaped."""
    if not run.synthetic:
        return HTML("")
    cartography, answers = run.source_of(CARTOGRAPHY), run.source_of(ANSWERS)
    # The synthetic roles, for the printed dossier's running header on every page (helpers.render.dossier).
    roles = [role for role, source in ((CARTOGRAPHY, cartography), (ANSWERS, answers))
             if source is not None and source.synthetic]
    notes = []
    if cartography is not None and cartography.synthetic:
        text = WORDING["bandeau"][CARTOGRAPHY]
        if answers is not None and answers.synthetic:
            notes.append(WORDING["bandeau"]["réponses_aussi"])
        notes.append(cartography.note)
    else:
        text = WORDING["bandeau"][ANSWERS]
        if cartography is not None:
            notes.append(WORDING["bandeau"]["cartographie_officielle"])
    return HTML(_block("banner", " ".join(roles), WORDING["bandeau"]["titre"], text, " ".join(n for n in notes if n)))


def settings(changed: list[str]) -> HTML:
    """The report's non-default parameters (French phrases of ``steps.base.changed_parameters``) as a box on its
    first screen, « Paramètres modifiés : Pondération : … »; empty when there is none."""
    return HTML(_block("settings", changed) if changed else "")


def box(text_html: str) -> HTML:
    """A highlighted box; `text_html` is trusted markup written by the project."""
    return HTML(_block("box", text_html))


def key_figures(figures: dict[str, object]) -> HTML:
    """Headline cards: label → value; a numeric value is written in French (helpers.core.formats.number),
    text is escaped as it is."""
    return HTML(_block("key_figures", [(k, formats.number(v)) for k, v in figures.items()]))


def sentences(lines: list[str]) -> HTML:
    """Plain sentences (escaped) as paragraphs; nothing when `lines` is empty."""
    return HTML(_block("sentences", lines))


def takeaways(lines: list[str], figures: dict[str, object] | None = None) -> HTML:
    """The « Ce qu'il faut retenir » block opening a report: a heading, the sentences as a list (escaped),
    then the headline cards."""
    return HTML(_block("takeaways", lines, Markup(key_figures(figures).data) if figures else ""))


def definitions(terms: dict[str, str]) -> HTML:
    """A definition list (``<dl>``): term → definition, both escaped, in the order given."""
    return HTML(_block("definitions", list(terms.items())))


def _cell(value: object) -> tuple[bool, object]:
    """One table cell as (numeric, text): numbers in French (helpers.core.formats.number, right-aligned),
    booleans as « oui »/« non », missing values empty, any other value as it is (escaped in the template)."""
    if isinstance(value, bool):
        return False, "oui" if value else "non"
    if isinstance(value, numbers.Real):
        return True, formats.number(value)
    return False, "" if value is None or value is pd.NA or value is pd.NaT else value


def _table(frame: pd.DataFrame, caption: str, more: str = "") -> str:
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return _block("table", caption, more, list(frame.columns), rows)


def long_table_rows() -> int:
    """Rows shown before a long table folds the rest (``lignes_max`` in ``data/affichage.yml``)."""
    return int(data_file("affichage.yml")["lignes_max"])


def table_html(frame: pd.DataFrame, caption: str, max_rows: int | None = None, csv: str | None = None) -> str:
    """`frame` as an accessible HTML table (caption, column headers, French numbers).

    A table longer than `max_rows` (default: :func:`long_table_rows`, about 25) shows its first rows; the full
    table is pointed to in the published CSV `csv` (a file name under ``donnees/``) when given, otherwise the
    remaining rows follow in a native ``<details>`` — never silently cut.
    """
    limit = long_table_rows() if max_rows is None else max_rows
    shown, rest = frame.head(limit), frame.iloc[limit:]
    more = f" ({formats.integer(len(shown))} premières lignes sur {formats.integer(len(frame))})" if len(rest) else ""
    out = _table(shown, caption, more)
    if not len(rest):
        return out
    if csv:
        return out + _block("full_table", formats.integer(len(frame)), csv)
    return out + details(f"Voir les {formats.integer(len(rest))} lignes suivantes", _table(rest, f"{caption} (suite)"))


def details(summary: str, content_html: str) -> str:
    """A native ``<details>`` block (closed; opened by the reader, always open in print) with the escaped
    `summary` and the trusted markup `content_html`."""
    return _block("details", summary, content_html)


def table(frame: pd.DataFrame, caption: str, max_rows: int | None = None, csv: str | None = None) -> HTML:
    """:func:`table_html` as a notebook output."""
    return HTML(table_html(frame, caption, max_rows, csv))


def tables(frames: list[tuple[pd.DataFrame, str]]) -> HTML:
    """Several tables (frame, caption) one after the other (:func:`table_html`), as one notebook output."""
    return HTML("".join(table_html(frame, caption) for frame, caption in frames))


def file_links(paths, reports_dir=None) -> HTML:
    """Links from a report in `reports_dir` (default: the project's ``reports/``) to the files it produced,
    as copied by the build into ``reports/donnees/`` (helpers.render.dossier.publish_data), so that the
    folder is self-contained. `paths` are the written files; returns an HTML list of relative links."""
    reports_dir = Path(reports_dir) if reports_dir is not None else folders().reports
    data_dir = folders().reports / DATA_DIR
    return HTML(_block("file_links", [(os.path.relpath(data_dir / Path(p).name, reports_dir), Path(p).name)
                                      for p in paths]))


def n(count: int) -> str:
    """A count for a chart title or a sentence written in a notebook, in French (« 1 408 »)."""
    return formats.integer(count)


def title(text: str, subtitle: str = "") -> HTML:
    """The report's main heading (``<h1>``, escaped), when it depends on a parameter, and an optional
    subtitle paragraph (left out when empty or equal to the heading)."""
    return HTML(_block("title", text, subtitle if subtitle != text else ""))
