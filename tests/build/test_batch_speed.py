"""Batch speed (issue 12) without changing a byte: the reused HTML exporter gives the pages a fresh one gives;
the runner's own process imports no papermill or WeasyPrint before it needs them; --no-pdf never leaves a stale
dossier. (The times themselves are measured by benchmarks/bench_reports.py.)"""

from __future__ import annotations

import subprocess
import sys

import nbformat

from helpers.build import runner
from helpers.render import dossier, export, html


def _notebook(text: str) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell(f"# {text}"),
             nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output(
                 "display_data", data={"text/html": f"<p>{text}</p>", "text/plain": text})])]
    for number, cell in enumerate(cells):
        cell["id"] = f"c{number}"
    return nbformat.v4.new_notebook(cells=cells)


def test_the_reused_exporter_gives_the_bytes_of_a_fresh_one():
    pages = [(_notebook("Premier"), "Un", {"Date de génération": "1 janvier 2026"}),
             (_notebook("Second « é »"), "Deux", None)]
    reused = [export.to_html(nb, title, facts) for nb, title, facts in pages * 2]
    fresh = []
    for nb, title, facts in pages:
        export.exporter.cache_clear()
        fresh.append(export.to_html(nb, title, facts))
    assert reused == fresh * 2
    assert export.exporter() is export.exporter() and export.exporter(True) is not export.exporter()


# The runner imports the worker (nbformat, nbconvert, papermill) when a task runs, the index's renderer when the
# index changes.
def test_the_runner_process_imports_no_heavy_module_before_it_needs_it():
    absent = ("nbformat", "nbconvert", "papermill", "weasyprint", "helpers.build.worker")
    code = f"import sys, helpers.build.runner; print(sorted(m for m in {absent!r} if sys.modules.get(m) is not None))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_dossier_names_the_data_folder_as_the_reports_do():
    assert dossier.DATA_DIR == html.DATA_DIR


def test_no_pdf_removes_a_dossier_older_than_rebuilt_reports(tmp_path):
    reports, processed = tmp_path / "reports", tmp_path / "processed"
    reports.mkdir()
    processed.mkdir()
    pdf = reports / dossier.DOSSIER
    pdf.write_bytes(b"%PDF ancien")
    runner.publish(reports, processed, [], built=False, no_pdf=True)
    assert pdf.read_bytes() == b"%PDF ancien"  # nothing rebuilt: the dossier is still that of the reports
    runner.publish(reports, processed, [], built=True, no_pdf=True)
    assert not pdf.exists()
