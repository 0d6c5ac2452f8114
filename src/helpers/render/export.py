"""Executed notebook -> self-contained French HTML report (in-process nbconvert, no code shown),
with a provenance block; error reports; the index of every report.

Every page goes through one nbconvert template (``render/templates/carto``, extending ``lab``) and one style
sheet (``render/report.css``): the template loads nothing from the network (no require.js, MathJax, mermaid),
so the reports work offline, and nothing is patched in the exported HTML afterwards. Two builds from the same
inputs differ only in the generation date.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import nbformat
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from helpers.core.storage import write_bytes_atomic
from helpers.render.blocks import render, stylesheet

HIDDEN_TAGS = {"parameters", "injected-parameters"}
TIMING_KEYS = ("start_time", "end_time", "duration")
DATE_LABEL = "Date de génération"
TEMPLATE = "carto"


@functools.cache
def exporter(show_code: bool = False) -> HTMLExporter:
    """The nbconvert exporter of every page: the ``carto`` template, French, images embedded, no prompts;
    without `show_code`, no input cell and no parameters cell. One per process and kind, reused: building it
    loads the template and its Jinja environment, and exporting keeps no state from one notebook to the next
    (every call passes its own resources)."""
    with resources.as_file(resources.files("helpers.render").joinpath("templates")) as templates:
        exporter_ = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(templates)],
                                 exclude_input=not show_code, exclude_input_prompt=not show_code,
                                 exclude_output_prompt=True, embed_images=True, language_code="fr")
    if not show_code:
        exporter_.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
    return exporter_


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop execution timestamps and give the injected cell a fixed id (same inputs, same notebook).

    Also reduces papermill's input and output paths to file names. Changes `nb` in place and returns it."""
    papermill_meta = nb.metadata.get("papermill", {})
    for key in TIMING_KEYS:
        papermill_meta.pop(key, None)
    # Paths of the build folder: kept as file names, so that two checkouts build the same notebook.
    for key in ("input_path", "output_path"):
        if papermill_meta.get(key):
            papermill_meta[key] = Path(papermill_meta[key]).name
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for key in TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def _literal(value: object) -> str:
    if value is None:
        return "aucun"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def provenance_html(provenance: dict) -> str:
    """The « Provenance du rapport » block: data, code, parameters (a dict: shown as a list), versions, date.

    `provenance`: French label → value, in display order (:func:`helpers.build.tasks.provenance`); every
    label and value is escaped. Returns an HTML ``<section>``."""
    facts = [(k, [(str(n), _literal(x)) for n, x in sorted(v.items())] if isinstance(v, dict) else str(v))
             for k, v in provenance.items()]
    return render("provenance.html.j2", facts=facts)


def to_html(notebook: nbformat.NotebookNode, title: str, provenance: dict | None = None,
            show_code: bool = False) -> str:
    """An executed notebook as one self-contained HTML page titled `title`, with its provenance block.

    `provenance`: label → value (see :func:`provenance_html`), or None for no block; `show_code` keeps
    input cells and the parameters cells (error pages); without it, what the kernel wrote to stderr (a library's
    warning) is left out. Returns the page's HTML (text)."""
    nb = nbformat.from_dict(notebook)
    nb.metadata["title"] = title
    if not show_code:
        # A library's warning (English, the machine's paths) is not the reader's: the executed notebook under
        # reports/notebooks/ keeps it, the published report does not (error pages keep everything).
        for cell in nb.cells:
            if cell.get("outputs"):
                cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    extra = {"carto_css": stylesheet(), "carto_after": provenance_html(provenance) if provenance else ""}
    body, _ = exporter(show_code).from_notebook_node(nb, resources=extra)
    return body


def export_html(executed: str | Path, target: str | Path, title: str, provenance: dict | None = None,
                show_code: bool = False) -> Path:
    """Read the executed notebook `executed`, write its HTML page (:func:`to_html`, UTF-8) to `target`
    atomically; returns `target`. Raises ``OSError`` or nbformat's validation errors for an unreadable
    notebook (nothing is written then)."""
    notebook = nbformat.read(str(executed), as_version=4)
    return write_bytes_atomic(target, to_html(notebook, title, provenance, show_code).encode("utf-8"))


def index_html(entries: list[dict], data: dict, generated: str) -> str:
    """reports/index.html: the front page (:func:`helpers.render.sections.front_page`: headline sentences, one card per
    report, the fiches), then the build journal: each report with its status, the data used.  `entries`: dicts with
    title, status (a :class:`helpers.build.tasks.Status`), href, error, error_href, fiche, label and built_on (the
    French date of the report's last build, or ""); `data`: fichier, sha256, origine, synthetique, resume («
    cartographie officielle, … »); `generated`: the build date, in French. Returns the page's HTML."""
    from helpers.render.sections import front_page

    def built(e: dict) -> str:
        if not e.get("built_on"):
            return ""
        # a failed report's previous version stays published: say from when
        return f" (la version précédente, construite le {e['built_on']}, reste publiée)" if e.get("error") \
            else f"construit le {e['built_on']}"

    rows = [{**e, "built": built(e)} for e in entries]
    facts = {"Fichier de données": data.get("fichier", "inconnu"), "Empreinte sha256": data.get("sha256", ""),
             "Provenance": data.get("origine", ""),
             "Données": data.get("resume", ""), DATE_LABEL: generated}
    body = render("journal.html.j2", front_page=Markup(front_page(entries, data)), facts=list(facts.items()),
                  main=[e for e in rows if not e.get("fiche")], fiches=[e for e in rows if e.get("fiche")])
    # Exported through the same template and style sheet as the reports, as a notebook with one HTML output.
    cell = nbformat.v4.new_code_cell(source="", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": body})])
    cell["id"] = "page"
    return to_html(nbformat.v4.new_notebook(cells=[cell]), "Rapports carto-santé")
