"""HTML building blocks of the reports: banner, boxes, key figures and accessible tables.

Every text that enters the HTML goes through html.escape; tables have a caption and column headers.
"""

from __future__ import annotations

import functools
import html
import numbers
import os
import re
from pathlib import Path

import jinja2
import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from helpers.core import formats
from helpers.core.config import data_file, folders
from helpers.steps.base import ANSWERS, CARTOGRAPHY, Run

#: Folder of ``reports/`` holding the published tables the reports link to.
DATA_DIR = "donnees"

#: The synthetic wording (``data/mentions_synthetiques.yml``, its one home).
WORDING = data_file("mentions_synthetiques.yml")
SYNTHETIC_TEXT = f"<strong>{WORDING['bandeau']['titre']}</strong> — {WORDING['bandeau'][CARTOGRAPHY]}"
SYNTHETIC_ANSWERS = f"<strong>{WORDING['bandeau']['titre']}</strong> — {WORDING['bandeau'][ANSWERS]}"


def esc(value: object) -> str:
    """`value` as escaped HTML text (``str`` of it; None → ""); line breaks become <br>."""
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


class _Loader(jinja2.PackageLoader):
    """The block templates of ``render/templates/blocks/``, written on several lines for the reader: a line break
    and the indentation after it are not part of the output."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return re.sub(r"\n\s*", "", source), filename, uptodate


@functools.cache
def templates() -> jinja2.Environment:
    """The Jinja environment of the report blocks (``render/templates/blocks/*.html.j2``): every value is
    escaped as :func:`html.escape` does (trusted markup passes as ``Markup``: another block's HTML, or
    ``|safe``); the ``esc`` filter escapes as :func:`esc` (line breaks become ``<br>``)."""
    environment = jinja2.Environment(
        loader=_Loader("helpers.render", "templates/blocks"), autoescape=True,
        finalize=lambda v: v if hasattr(v, "__html__") else Markup(html.escape("" if v is None else str(v))))
    environment.filters["esc"] = lambda v: Markup(esc(v))
    return environment


def render(template: str, **values) -> HTML:
    """The block `template` (a file name under ``render/templates/blocks/``) filled with `values`, as a
    notebook output."""
    return HTML(templates().get_template(template).render(**values))


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
    roles = [role for role, source in (("cartographie", cartography), ("réponses", answers))
             if source is not None and source.synthetic]
    notes = []
    if cartography is not None and cartography.synthetic:
        text = SYNTHETIC_TEXT
        if answers is not None and answers.synthetic:
            notes.append(WORDING["bandeau"]["réponses_aussi"])
        notes.append(cartography.note)
    else:
        text = SYNTHETIC_ANSWERS
        if cartography is not None:
            notes.append(WORDING["bandeau"]["cartographie_officielle"])
    note = " ".join(n for n in notes if n)
    extra = f"<br>{esc(note)}" if note else ""
    return HTML(f'<div class="carto-banner" role="alert" data-synthetique="{" ".join(roles)}">{text}{extra}</div>')


def settings(changed: list[str]) -> HTML:
    """The report's non-default parameters (French phrases of ``steps.base.changed_parameters``) as a box on its
    first screen, « Paramètres modifiés : Pondération : … »; empty when there is none."""
    if not changed:
        return HTML("")
    items = "".join(f"<li>{esc(c)}</li>" for c in changed)
    return HTML(f'<div class="carto-box carto-parametres"><strong>Paramètres modifiés</strong> (ce rapport ne suit '
                f"pas les réglages par défaut) :<ul>{items}</ul></div>")


def box(text_html: str) -> HTML:
    """A highlighted box; `text_html` is trusted markup written by the project."""
    return HTML(f'<div class="carto-box">{text_html}</div>')


def key_figures(figures: dict[str, object]) -> HTML:
    """Headline cards: label → value; a numeric value is written in French (helpers.core.formats.number),
    text is escaped as it is."""
    items = "".join(f'<li><span class="n">{esc(formats.number(v))}</span>{esc(k)}</li>' for k, v in figures.items())
    return HTML(f'<ul class="carto-kpis">{items}</ul>')


def sentences(lines: list[str]) -> HTML:
    """Plain sentences (escaped) as paragraphs; nothing when `lines` is empty."""
    return HTML("".join(f'<p class="carto-sentence">{esc(line)}</p>' for line in lines))


def takeaways(lines: list[str], figures: dict[str, object] | None = None) -> HTML:
    """The « Ce qu'il faut retenir » block opening a report: a heading, the sentences as a list (escaped),
    then the headline cards."""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    cards = key_figures(figures).data if figures else ""
    return HTML(f'<section class="carto-retenir" aria-labelledby="retenir"><h2 id="retenir">Ce qu\'il faut '
                f"retenir</h2><ul>{items}</ul>{cards}</section>")


def definitions(terms: dict[str, str]) -> HTML:
    """A definition list (``<dl>``): term → definition, both escaped, in the order given."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in terms.items())
    return HTML(f'<dl class="carto">{items}</dl>')


def _cell(value: object) -> str:
    """One table cell: numbers in French (helpers.core.formats.number, right-aligned), booleans as
    « oui »/« non », missing values empty, any other text escaped."""
    if isinstance(value, bool):
        return f"<td>{'oui' if value else 'non'}</td>"
    if isinstance(value, numbers.Real):
        return f'<td class="num">{esc(formats.number(value))}</td>'
    text = "" if value is None or value is pd.NA or value is pd.NaT else value
    return f"<td>{esc(text)}</td>"


def _rows(frame: pd.DataFrame) -> str:
    return "".join(f"<tr>{''.join(_cell(v) for v in row)}</tr>" for row in frame.itertuples(index=False))


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
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in frame.columns)
    shown, rest = frame.head(limit), frame.iloc[limit:]
    more = f" ({formats.integer(len(shown))} premières lignes sur {formats.integer(len(frame))})" if len(rest) else ""
    out = _wrap(f'<table class="carto"><caption>{esc(caption)}{esc(more)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{_rows(shown)}</tbody></table>", caption)
    if not len(rest):
        return out
    if csv:
        return out + (f'<p class="carto-more">Tableau complet ({formats.integer(len(frame))} lignes) : '
                      f'<a href="donnees/{esc(csv)}">{esc(csv)}</a>.</p>')
    return out + details(f"Voir les {formats.integer(len(rest))} lignes suivantes",
                         _wrap(f'<table class="carto"><caption>{esc(caption)} (suite)</caption>'
                               f"<thead><tr>{head}</tr></thead><tbody>{_rows(rest)}</tbody></table>",
                               f"{caption} (suite)"))


def _wrap(table_markup: str, caption: str) -> str:
    """A wide table scrolls sideways in its own region (focusable and named, so keyboards reach it)."""
    return (f'<div class="carto-table" role="region" tabindex="0" aria-label="{esc(caption)}">'
            f"{table_markup}</div>")


def details(summary: str, content_html: str) -> str:
    """A native ``<details>`` block (closed; opened by the reader, always open in print) with the escaped
    `summary` and the trusted markup `content_html`."""
    return f'<details class="carto-data"><summary>{esc(summary)}</summary>{content_html}</details>'


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
    items = "".join(
        f'<li><a href="{esc(os.path.relpath(data_dir / Path(p).name, reports_dir))}">{esc(Path(p).name)}</a></li>'
        for p in paths
    )
    return HTML(f"<ul>{items}</ul>")


def n(count: int) -> str:
    """A count for a chart title or a sentence written in a notebook, in French (« 1 408 »)."""
    return formats.integer(count)


def title(text: str, subtitle: str = "") -> HTML:
    """The report's main heading (``<h1>``, escaped), when it depends on a parameter, and an optional
    subtitle paragraph (left out when empty or equal to the heading)."""
    sub = f"<p class=\"carto-subtitle\">{esc(subtitle)}</p>" if subtitle and subtitle != text else ""
    return HTML(f"<h1>{esc(text)}</h1>{sub}")
