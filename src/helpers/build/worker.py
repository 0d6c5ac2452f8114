"""The worker of the report build, which knows no step: runs one Task's notebook with papermill (timeout, one retry
when the kernel fails to start), reads the run record the step wrote (:func:`helpers.steps.base.finish`, location
passed in ``CARTO_SANTE_RUN_RECORD``), and publishes the HTML report with a provenance block built from that record;
a failed run gets a French error page whose provenance names the files that run read.
"""

from __future__ import annotations

import html
import os
import signal
from pathlib import Path

import nbformat
import papermill

from helpers.build.tasks import Context, Outcome, Status, Task, remove_error_files, source_line, summary
from helpers.core.config import ENV_RUN_RECORD
from helpers.core.processes import end_with_parent
from helpers.core.storage import sha256_file
from helpers.render.export import DATE_LABEL, export_html, normalise_notebook
from helpers.steps.base import SourceRecord, read_record, read_takeaways, read_written

KERNEL_ATTEMPTS = 2


def provenance(task: Task, context: Context, sources: list[SourceRecord]) -> dict[str, str]:
    """The « Provenance du rapport » block: the run's sources (or, when the run failed before writing
    its record, the declared input files it read), code, parameters, date."""
    if sources:
        data = {s.role.capitalize(): source_line(s) for s in sources}
        data["Nature des données"] = summary(sources)
    else:
        read = [f"{p.name} (sha256 {sha256_file(p)})" for p in task.inputs if p.is_file()]
        data = {"Fichiers lus par cette exécution": ", ".join(read) or "aucun (échec avant toute lecture)"}
    return {**data, **context.static,
            "Paramètres": dict(sorted(task.parameters.items())),
            DATE_LABEL: context.generated}


def _readable_failure(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The failed notebook as the error page shows it: without papermill's error banners (an English
    sentence and an empty link: our French cell replaces them), and tracebacks without terminal colours
    (ANSI colours become inline styles too pale to read, by the WCAG contrast rule)."""
    from nbconvert.filters import strip_ansi

    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [strip_ansi(line) for line in output.get("traceback", [])]
            elif output.get("output_type") == "stream":
                output["text"] = strip_ansi(output.get("text", ""))
    return nb


def _failure_cell(task: Task, error: str) -> nbformat.NotebookNode:
    """A French explanation on top of the error page (the error text escaped)."""
    return nbformat.v4.new_markdown_cell(
        f"<h2>Ce rapport n'a pas pu être construit</h2><p>Erreur : {html.escape(error)}</p>"
        f"<p>La version précédente du rapport, s'il y en a une, reste publiée : "
        f'<a href="{html.escape(task.stem.name)}.html">{html.escape(task.title)}</a>. '
        "Le détail technique (la cellule en échec et son message) suit.</p>")


def _papermill(task: Task, context: Context, attempt: Path) -> str | None:
    """Run the notebook into `attempt` (a fresh kernel each time); the French one-line error, or None on
    success."""
    def on_timeout(signum, frame):
        raise TimeoutError(f"délai de {context.timeout} s dépassé")

    signal.signal(signal.SIGALRM, on_timeout)
    error = None
    for number in range(1, KERNEL_ATTEMPTS + 1):
        signal.alarm(context.timeout)
        try:
            papermill.execute_notebook(str(task.notebook), str(attempt), parameters=task.parameters,
                                       cwd=str(context.root), kernel_name="python3", progress_bar=False,
                                       log_output=False)
            return None
        except papermill.PapermillExecutionError as exc:
            return f"{exc.ename} : {exc.evalue}".strip()
        except Exception as exc:  # noqa: BLE001 - kernel start failures are retried, others reported
            error = f"{type(exc).__name__} : {exc}".strip()
            if "kernel" not in error.lower() or number == KERNEL_ATTEMPTS:
                return error
        finally:
            signal.alarm(0)
    return error


def execute(task: Task, context: Context) -> Outcome:
    """Worker: run one notebook, publish its HTML report (or its error page). Returns the Outcome.

    On success: ``<reports_dir>/<stem>.html`` and the executed notebook under ``reports/notebooks/``,
    any earlier error page removed; status BUILT with the sources of the run record. On failure
    (papermill error, kernel that would not start, timeout): ``<stem>.erreur.html`` with the code shown
    (when papermill got as far as writing a notebook), status FAILED with the one-line French error.
    Raises nothing for a failed notebook; sets ``CARTO_SANTE_RUN_RECORD`` in this worker's environment."""
    reports_dir = context.reports_dir
    executed_dir = reports_dir / "notebooks" / task.stem.parent
    executed_dir.mkdir(parents=True, exist_ok=True)
    attempt = executed_dir / f".{task.stem.name}.en-cours.ipynb"
    record = executed_dir / f".{task.stem.name}.run.json"
    record.unlink(missing_ok=True)
    os.environ[ENV_RUN_RECORD] = str(record)  # this worker runs one task at a time; the kernel inherits it
    error = _papermill(task, context, attempt)
    sources = read_record(record) if error is None else []
    written = read_written(record) if error is None else []
    takeaways = read_takeaways(record) if error is None else []
    record.unlink(missing_ok=True)
    facts = provenance(task, context, sources)
    if attempt.exists():
        nbformat.write(normalise_notebook(nbformat.read(str(attempt), as_version=4)), str(attempt))
    html_path = reports_dir / task.stem.parent / f"{task.stem.name}.html"
    if error is None:
        export_html(attempt, html_path, task.title, facts)
        os.replace(attempt, executed_dir / f"{task.stem.name}.ipynb")
        remove_error_files(reports_dir, task.stem)
        return Outcome(task, Status.BUILT, sources=sources, written=written, takeaways=takeaways)
    error_html = reports_dir / task.stem.parent / f"{task.stem.name}.erreur.html"
    failed = executed_dir / f"{task.stem.name}.erreur.ipynb"
    if attempt.exists():
        os.replace(attempt, failed)
        nb = _readable_failure(nbformat.read(str(failed), as_version=4))
        nb.cells.insert(0, _failure_cell(task, error))
        nbformat.write(nb, str(failed))
        export_html(failed, error_html, f"Échec — {task.title}", facts, show_code=True)
    href = str(error_html.relative_to(reports_dir)) if error_html.exists() else ""
    return Outcome(task, Status.FAILED, error, href)


def quiet_worker() -> None:
    """Worker initializer: the kernels' and jupyter_client's chatter (« Kernel is running over TCP without
    encryption », « KeyboardInterrupt caught in kernel ») goes nowhere, not into the user's terminal; the
    worker and its kernels end with the runner (:func:`helpers.core.processes.end_with_parent`)."""
    end_with_parent()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
