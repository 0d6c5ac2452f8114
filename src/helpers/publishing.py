"""Executed notebook -> self-contained French HTML report (in-process nbconvert, no code shown)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from helpers.storage import write_bytes_atomic

HIDDEN_TAGS = {"parameters", "injected-parameters"}
# The lab template loads require.js, MathJax and mermaid from a CDN; the reports must work offline
# and use none of them, so every script that refers to the network is dropped.
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.S | re.I)
MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->\s*", re.S)


def exporter() -> HTMLExporter:
    remove = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    html = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, embed_images=True)
    html.register_preprocessor(remove, enabled=True)
    return html


def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    nb = nbformat.from_dict(notebook)
    nb.metadata["title"] = title
    body, _ = exporter().from_notebook_node(nb)
    body = MATHJAX_BLOCK.sub("", body)
    body = SCRIPT.sub(lambda m: "" if re.search(r"https?://", m.group(0)) else m.group(0), body)
    body = re.sub(r"<html(\s[^>]*)?>", '<html lang="fr">', body, count=1)
    return body


def export_html(executed: str | Path, target: str | Path, title: str) -> Path:
    notebook = nbformat.read(str(executed), as_version=4)
    return write_bytes_atomic(target, to_html(notebook, title).encode("utf-8"))
