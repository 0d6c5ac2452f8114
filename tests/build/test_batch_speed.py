"""Batch speed (issue 12) without changing a byte: the producer fiches run in a kept kernel give the
executed notebooks and HTML of fresh kernels; the reused HTML exporter gives the pages a fresh one gives;
the runner's own process imports no papermill, WeasyPrint or rfc3987 grammars before it needs them;
--no-pdf never leaves a stale dossier. (The times themselves are measured by benchmarks/bench_reports.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import copy_project

from helpers.build import runner, tasks, worker
from helpers.core.config import ENV_ROOT, ENV_RUN_RECORD
from helpers.core.text import slugify
from helpers.render import dossier, export, html
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness
from helpers.steps.s03_producer_sheet import producer_names


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
# index changes, the fan-out function (pandas) when its values are not cached; nbformat, once imported, does not
# bring the rfc3987 grammars.
@pytest.mark.parametrize(("imported", "absent"), [
    ("helpers.build.runner, nbformat", ("papermill", "weasyprint", "rfc3987_syntax", "seaborn")),
    ("helpers.build.runner", ("nbformat", "nbconvert", "pandas", "helpers.build.worker")),
])
def test_the_runner_process_imports_no_heavy_module_before_it_needs_it(imported, absent):
    code = f"import sys, {imported}; print(sorted(m for m in {absent!r} if sys.modules.get(m) is not None))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_runner_names_the_published_files_as_the_dossier_does():
    assert runner.PUBLISHED == (dossier.DATA_DIR, dossier.DOSSIER, dossier.SYNTHESIS)
    assert dossier.DATA_DIR == html.DATA_DIR


def test_no_pdf_removes_a_dossier_older_than_rebuilt_reports(tmp_path):
    reports, processed = tmp_path / "reports", tmp_path / "processed"
    reports.mkdir()
    processed.mkdir()
    pdf = reports / dossier.DOSSIER
    pdf.write_bytes(b"%PDF ancien")
    runner.publish(reports, processed, built=False, no_pdf=True)
    assert pdf.read_bytes() == b"%PDF ancien"  # nothing rebuilt: the dossier is still that of the reports
    runner.publish(reports, processed, built=True, no_pdf=True)
    assert not pdf.exists()


def _fiches(root: Path, processed: Path, producers: list[str], reports: Path, keep: bool) -> list[int | None]:
    """Run the fiches of `producers` through the worker's `execute` into `reports`; with `keep`, the worker's
    kept kernel serves them all, else each gets a fresh one. Returns the kept kernel's id after each run."""
    context = tasks.Context(root, reports, 600, {"Versions": "test"}, "1 janvier 2026")
    kernels = []
    for producer in producers:
        if not keep:
            worker.KEEPER.discard()
        task = tasks.Task("03_producer_sheet", f"03_producer_sheet:{producer}",
                          root / "notebooks" / "03_producer_sheet.ipynb", Path("producteurs") / slugify(producer),
                          f"Fiche gestionnaire — {producer}", {"processed_dir": str(processed), "producer": producer},
                          value=producer)
        assert worker.execute(task, context).status is tasks.Status.BUILT
        kernels.append(id(worker.KEEPER.manager) if worker.KEEPER.manager else None)
    worker.KEEPER.discard()
    return kernels


def test_fiches_in_a_kept_kernel_are_byte_identical_to_fresh_kernel_runs(real_ods, tmp_path, monkeypatch):
    root = copy_project(tmp_path / "projet")
    monkeypatch.setenv(ENV_ROOT, str(root))
    monkeypatch.setenv(ENV_RUN_RECORD, "")
    processed = tmp_path / "processed"
    clean_cartography(real_ods, processed)
    score_openness(processed)
    producers = producer_names(processed, min_lines=3)[:3]
    kept = _fiches(root, processed, producers, tmp_path / "gardé", keep=True)
    assert len(set(kept)) == 1  # one kernel served the three fiches
    _fiches(root, processed, producers, tmp_path / "frais", keep=False)
    for producer in producers:
        for relative in (f"producteurs/{slugify(producer)}.html", f"notebooks/producteurs/{slugify(producer)}.ipynb"):
            assert (tmp_path / "gardé" / relative).read_bytes() == (tmp_path / "frais" / relative).read_bytes(), \
                relative
    executed = nbformat.read(tmp_path / "gardé" / f"notebooks/producteurs/{slugify(producers[-1])}.ipynb", 4)
    counts = [c.execution_count for c in executed.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # the third fiche counts from 1, as in a fresh kernel
