"""Executed notebook -> self-contained French HTML report (in-process nbconvert, no code shown),
with a provenance block; error reports; the index of every report.

The reports work offline: the JupyterLab template's network scripts (require.js, MathJax, mermaid)
are dropped. Two builds from the same inputs differ only in the generation date.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from helpers.core.config import data_text
from helpers.core.storage import write_bytes_atomic

HIDDEN_TAGS = {"parameters", "injected-parameters"}
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.S | re.I)
MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->\s*", re.S)
TIMING_KEYS = ("start_time", "end_time", "duration")
DATE_LABEL = "Date de génération"


def exporter(show_code: bool = False) -> HTMLExporter:
    exporter_ = HTMLExporter(template_name="lab", exclude_input=not show_code, exclude_input_prompt=not show_code,
                             exclude_output_prompt=True, embed_images=True)
    if not show_code:
        exporter_.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
    return exporter_


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop execution timestamps and give the injected cell a fixed id (same inputs, same notebook)."""
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


def provenance_html(provenance: dict) -> str:
    """The « Provenance du rapport » block: data, code, parameters, versions, date."""
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in provenance.items())
    return (f'<section class="carto-provenance" aria-labelledby="provenance-titre">'
            f'<h2 id="provenance-titre">Provenance du rapport</h2><dl class="carto">{rows}</dl></section>')


def _finish(body: str, extra: str = "") -> str:
    body = MATHJAX_BLOCK.sub("", body)
    body = SCRIPT.sub(lambda m: "" if re.search(r"https?://", m.group(0)) else m.group(0), body)
    body = re.sub(r"<html(\s[^>]*)?>", '<html lang="fr">', body, count=1)
    if extra:
        body = body.replace("</main>", f"{extra}</main>", 1) if "</main>" in body else \
            body.replace("</body>", f"{extra}</body>", 1)
    return body


def to_html(notebook: nbformat.NotebookNode, title: str, provenance: dict | None = None,
            show_code: bool = False) -> str:
    nb = nbformat.from_dict(notebook)
    nb.metadata["title"] = title
    body, _ = exporter(show_code).from_notebook_node(nb)
    return _finish(body, provenance_html(provenance) if provenance else "")


def export_html(executed: str | Path, target: str | Path, title: str, provenance: dict | None = None,
                show_code: bool = False) -> Path:
    notebook = nbformat.read(str(executed), as_version=4)
    return write_bytes_atomic(target, to_html(notebook, title, provenance, show_code).encode("utf-8"))


def index_html(entries: list[dict], data: dict, generated: str) -> str:
    """reports/index.html: each report with its status; producer fiches under their own heading.

    `entries`: dicts with title, status (a :class:`helpers.build.tasks.Status`), href, error, error_href,
    fiche; `data`: fichier, sha256, origine, synthetique, resume (« cartographie officielle, … »)."""
    css = data_text("report.css")
    def row(e: dict) -> str:
        link = f'<a href="{html.escape(e["href"])}">{html.escape(e["title"])}</a>' if e.get("href") else \
            html.escape(e["title"])
        error = f'<a href="{html.escape(e["error_href"])}">rapport d\'erreur</a> : ' if e.get("error_href") else ""
        detail = f"{error}{html.escape(e.get('error', ''))}"
        return (f"<tr><td>{link}</td><td>{html.escape(e['status'].label)}</td>"
                f"<td>{detail}</td></tr>")

    def table(items: list[dict], caption: str) -> str:
        if not items:
            return "<p>Aucun.</p>"
        return (f'<table class="carto"><caption>{html.escape(caption)}</caption><thead><tr>'
                f'<th scope="col">Rapport</th><th scope="col">Statut</th><th scope="col">Détail</th></tr></thead>'
                f"<tbody>{''.join(row(e) for e in items)}</tbody></table>")

    main = [e for e in entries if not e.get("fiche")]
    fiches = [e for e in entries if e.get("fiche")]
    banner = ""
    if data.get("synthetique"):
        banner = ('<div class="carto-banner" role="alert"><strong>Données synthétiques</strong> — ces rapports '
                  "ont été produits à partir d'un échantillon généré par le projet.</div>")
    facts = {"Fichier de données": data.get("fichier", "inconnu"), "Empreinte sha256": data.get("sha256", ""),
             "Provenance": data.get("origine", ""),
             "Données": data.get("resume", ""), DATE_LABEL: generated}
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts.items())
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>Rapports carto-santé</title>'
            f"<style>body{{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
            f"color:#111;line-height:1.45}} a{{color:#0b4f9c}}\n{css}</style></head><body><main>"
            f"<h1>Rapports sur la cartographie des bases de données publiques en santé</h1>{banner}"
            f"<h2>Rapports</h2>{table(main, 'Rapports principaux')}"
            f"<h2>Fiches gestionnaires</h2>{table(fiches, 'Une fiche par gestionnaire')}"
            f'<h2>Données</h2><dl class="carto">{dl}</dl></main></body></html>\n')


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
