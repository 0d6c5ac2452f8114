"""`python -m helpers reports`: build every report declared in reports.yml.

Parameters are validated before any kernel starts; notebooks run in parallel worker processes in the
order their inputs and outputs imply; an unchanged report is reused from the cache; a failing report
gets an error report, keeps its previous good version, and its dependents are not built; the command
ends with a summary and a non-zero exit when anything failed. reports/index.html lists everything.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
from tqdm import tqdm

from helpers.build import cache, catalog
from helpers.core import formats
from helpers.core.config import project_root, resolve_path
from helpers.core.errors import CartoError
from helpers.core.storage import write_bytes_atomic
from helpers.core.text import slugify
from helpers.render.dossier import DOSSIER, build_dossier, publish_data
from helpers.render.export import DATE_LABEL, export_html, index_html, normalise_notebook, read_json
from helpers.steps.s03_producer_sheet import producer_names

PACKAGES = ("pandas", "matplotlib", "seaborn", "scipy", "papermill", "nbconvert", "carto-sante")
DEFAULT_TIMEOUT = 900
KERNEL_ATTEMPTS = 2


def parse_overrides(items: list[str]) -> dict[str, dict[str, object]]:
    """["02_openness.min_bases_ranked=3", ...] -> {report: {param: value}} (values as Python literals)."""
    overrides: dict[str, dict[str, object]] = {}
    for item in items:
        target, sep, raw = item.partition("=")
        name, _, param = target.partition(".")
        if not (name and param and sep):
            raise catalog.ParameterError(None, f"--set attend NOM.PARAMETRE=VALEUR, reçu « {item} »")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        overrides.setdefault(name, {})[param] = value
    return overrides


def static_provenance() -> dict[str, str]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_root(), capture_output=True, text=True,
                                timeout=10).stdout.strip() or "inconnu (pas un dépôt git)"
    except OSError:
        commit = "inconnu"
    versions = [f"python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return {"Commit git": commit, "Versions": ", ".join(versions)}


def answers_provenance(task: dict) -> dict[str, str]:
    """For the reports that read the consultation (04 writes consultation.json, 05 reads it)."""
    if not any(p.endswith("consultation.json") for p in task["inputs"] + task["outputs"]):
        return {}
    answers = read_json(Path(task["processed_dir"]) / "consultation.json")
    if not answers:
        return {}
    nature = "synthétiques (échantillon généré)" if answers.get("synthetique") else "export fourni"
    return {"Réponses à la consultation": f"{answers.get('fichier')} (sha256 {answers.get('sha256')}), {nature}"}


def execute(task: dict) -> dict:
    """Worker: run one notebook (timeout, retry when the kernel fails to start), publish its HTML."""
    reports_dir, stem = Path(task["reports_dir"]), Path(task["stem"])
    executed_dir = reports_dir / "notebooks" / stem.parent
    executed_dir.mkdir(parents=True, exist_ok=True)
    attempt = executed_dir / f".{stem.name}.en-cours.ipynb"
    failed = executed_dir / f"{stem.name}.erreur.ipynb"

    def on_timeout(signum, frame):
        raise TimeoutError(f"délai de {task['timeout']} s dépassé")

    signal.signal(signal.SIGALRM, on_timeout)
    for number in range(1, KERNEL_ATTEMPTS + 1):
        signal.alarm(task["timeout"])
        try:
            papermill.execute_notebook(task["notebook"], str(attempt), parameters=task["parameters"],
                                       cwd=task["root"], kernel_name="python3", progress_bar=False,
                                       log_output=False)
            error = None
            break
        except papermill.PapermillExecutionError as exc:
            error = f"{exc.ename} : {exc.evalue}".strip()
            break
        except Exception as exc:  # noqa: BLE001 - kernel start failures are retried, others reported
            error = f"{type(exc).__name__} : {exc}".strip()
            if "kernel" not in error.lower() or number == KERNEL_ATTEMPTS:
                break
        finally:
            signal.alarm(0)
    data = read_json(Path(task["processed_dir"]) / "provenance.json")
    provenance = {
        "Données": f"{data.get('fichier', 'inconnues')} (sha256 {data.get('sha256', '?')})",
        "Nature des données": "synthétiques (échantillon généré)" if data.get("synthetique")
        else "officielles" if data.get("officiel") else "non officielles",
        **answers_provenance(task),
        **task["static"],
        "Paramètres": task["parameters"],
        DATE_LABEL: task["generated"],
    }
    if attempt.exists():
        nb = normalise_notebook(nbformat.read(str(attempt), as_version=4))
        nbformat.write(nb, str(attempt))
    html_path = reports_dir / stem.parent / f"{stem.name}.html"
    error_html = reports_dir / stem.parent / f"{stem.name}.erreur.html"
    if error is None:
        export_html(attempt, html_path, task["title"], provenance)
        os.replace(attempt, executed_dir / f"{stem.name}.ipynb")
        failed.unlink(missing_ok=True)
        error_html.unlink(missing_ok=True)
        return {"label": task["label"], "status": "construit"}
    if attempt.exists():
        os.replace(attempt, failed)
        export_html(failed, error_html, f"Échec — {task['title']}", provenance, show_code=True)
    return {"label": task["label"], "status": "echec", "error": error,
            "error_href": str(error_html.relative_to(reports_dir)) if error_html.exists() else ""}


class Build:
    def __init__(self, root: Path, reports_dir: Path, jobs: int, force: bool, timeout: int):
        self.root, self.reports_dir, self.jobs, self.force, self.timeout = root, reports_dir, jobs, force, timeout
        self.sources = cache.source_digest(Path(__file__).resolve().parents[1])
        self.record = cache.read(reports_dir)
        self.static = static_provenance()
        self.generated = formats.timestamp(dt.datetime.now(dt.UTC))
        self.entries: list[dict] = []

    def tasks(self, report: catalog.Report) -> list[dict]:
        per = report.per_producer
        if per and "producer" not in report.given:
            names = producer_names(report.parameters.get("processed_dir", "data/processed"), per.get("min_lines", 1))
            stems = {name: Path(per["directory"]) / slugify(name) for name in names}
            self._remove_stale(Path(per["directory"]), set(stems.values()))
            return [self._task(report, stems[n], f"{report.title} — {n}", {"producer": n}, n) for n in names]
        if per:
            name = report.parameters["producer"]
            return [self._task(report, Path(per["directory"]) / slugify(name), f"{report.title} — {name}", {}, name)]
        return [self._task(report, Path(report.name), report.title, {}, None)]

    def _task(self, report, stem, title, extra, fiche) -> dict:
        parameters = {**report.parameters, **extra}
        processed = parameters.get("processed_dir", "data/processed")
        return {"label": f"{report.name}:{fiche}" if fiche else report.name, "report": report.name,
                "notebook": str(report.notebook), "stem": str(stem), "title": title, "parameters": parameters,
                "root": str(self.root), "reports_dir": str(self.reports_dir), "timeout": self.timeout,
                "processed_dir": str(resolve_path(processed)),
                "static": self.static, "generated": self.generated, "fiche": fiche,
                "inputs": [str(p) for p in report.paths(report.inputs, self.root)],
                "outputs": [str(p) for p in report.paths(report.outputs, self.root)]}

    def _remove_stale(self, directory: Path, keep: set[Path]) -> None:
        for path in (self.reports_dir / directory).glob("*.html"):
            if directory / path.stem not in keep and not path.stem.endswith(".erreur"):
                path.unlink()

    def cache_key(self, task: dict) -> str:
        return cache.key(Path(task["notebook"]), task["parameters"], [Path(p) for p in task["inputs"]], self.sources)

    def reusable(self, task: dict) -> bool:
        """Same key as the last successful build, and its report and outputs still as it left them."""
        html = self.reports_dir / f"{task['stem']}.html"
        return not self.force and html.is_file() and self.record.get(task["stem"]) == self.fingerprint(task)

    def fingerprint(self, task: dict) -> dict:
        return {"cle": self.cache_key(task), "sorties": cache.digests([Path(p) for p in task["outputs"]])}

    def entry(self, task: dict, status: str, error: str = "", error_href: str = "") -> dict:
        href = f"{task['stem']}.html" if (self.reports_dir / f"{task['stem']}.html").is_file() else ""
        entry = {"title": task["title"], "status": status, "href": href, "error": error, "error_href": error_href,
                 "fiche": bool(task["fiche"]), "label": task["label"]}
        self.entries.append(entry)
        return entry

    def run(self, reports: list[catalog.Report]) -> list[dict]:
        deps = catalog.dependencies(reports, self.root)
        pending = {r.name: r for r in catalog.ordered(reports, self.root)}
        state: dict[str, str] = {}  # report name -> "ok" / "echec"
        running: dict = {}
        progress = tqdm(total=len(reports), desc="rapports", unit="rapport", file=sys.stderr, leave=False)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context) as pool:
            while pending or running:
                for name, report in list(pending.items()):
                    if not deps[name] <= set(state):
                        continue
                    del pending[name]
                    failed = sorted(d for d in deps[name] if state[d] != "ok")
                    if failed:
                        state[name] = "echec"
                        task = self._task(report, Path(report.name), report.title, {}, None)
                        self.entry(task, "ignore", f"non construit : dépend de {', '.join(failed)} (échec)")
                        progress.update(1)
                        continue
                    try:
                        tasks = self.tasks(report)
                    except CartoError as exc:
                        state[name] = "echec"
                        self.entry(self._task(report, Path(report.name), report.title, {}, None), "echec", str(exc))
                        progress.update(1)
                        continue
                    progress.total += len(tasks) - 1
                    progress.refresh()
                    state_of = running.setdefault(name, {"left": len(tasks), "ok": True})
                    for task in tasks:
                        if self.reusable(task):
                            self.entry(task, "cache")
                            state_of["left"] -= 1
                            progress.update(1)
                        else:
                            state_of.setdefault("futures", {})[pool.submit(execute, task)] = task
                    self._settle(name, running, state)
                futures = {f: (n, t) for n, s in running.items() for f, t in s.get("futures", {}).items()}
                if not futures:
                    continue
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    name, task = futures[future]
                    del running[name]["futures"][future]
                    result = future.result()
                    running[name]["left"] -= 1
                    if result["status"] == "construit":
                        self.record[task["stem"]] = self.fingerprint(task)
                        cache.write(self.reports_dir, self.record)
                    else:
                        running[name]["ok"] = False
                    self.entry(task, result["status"], result.get("error", ""), result.get("error_href", ""))
                    progress.update(1)
                    self._settle(name, running, state)
        progress.close()
        return self.entries

    @staticmethod
    def _settle(name: str, running: dict, state: dict) -> None:
        if name in running and running[name]["left"] == 0:
            state[name] = "ok" if running.pop(name)["ok"] else "echec"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers reports", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NOM", help="ne construire que ces rapports")
    parser.add_argument("--set", action="append", default=[], metavar="NOM.PARAM=VALEUR",
                        help="remplacer un paramètre d'un notebook (répétable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processus en parallèle")
    parser.add_argument("--force", action="store_true", help="tout reconstruire, sans le cache")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="délai par notebook, en secondes")
    parser.add_argument("--reports-dir", default="reports", help="dossier des rapports (défaut : reports)")
    args = parser.parse_args(argv)

    root = project_root()
    try:
        reports = catalog.load(root, parse_overrides(args.set))
        known = [r.name for r in reports]
        unknown = sorted(set(args.only or []) - set(known))
        if unknown:
            raise catalog.ParameterError(root / "reports.yml",
                                         f"rapport inconnu : {', '.join(unknown)} ; rapports : {', '.join(known)}")
    except CartoError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    selected = [r for r in reports if not args.only or r.name in args.only]
    reports_dir = resolve_path(args.reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    build = Build(root, reports_dir, max(1, args.jobs), args.force, args.timeout)
    entries = build.run(selected)
    processed = selected[0].parameters.get("processed_dir", "data/processed") if selected else "data/processed"
    processed_path = resolve_path(processed)
    order = {r.name: i for i, r in enumerate(catalog.ordered(selected, root))}
    # Completion order varies with parallel jobs: the index lists reports in build order, fiches by name.
    entries.sort(key=lambda e: (e["fiche"], order.get(e["label"].split(":")[0], 0), e["title"]))
    index = index_html(entries, read_json(processed_path / "provenance.json"), build.generated)
    write_bytes_atomic(reports_dir / "index.html", index.encode("utf-8"))
    try:  # reports/ self-contained, and the PDF dossier when every core report is there
        publish_data(reports_dir, processed_path)
        if any(e["status"] == "construit" for e in entries) or not (reports_dir / DOSSIER).is_file():
            build_dossier(reports_dir)
    except CartoError as exc:
        print(f"Dossier PDF non construit : {exc}", file=sys.stderr)
    summary = {s: sum(e["status"] == s for e in entries) for s in ("construit", "cache", "echec", "ignore")}
    print(f"Rapports : {summary['construit']} construits, {summary['cache']} réutilisés, "
          f"{summary['echec']} en échec, {summary['ignore']} non construits → {reports_dir / 'index.html'}")
    failures = [e for e in entries if e["status"] in ("echec", "ignore")]
    for entry in failures:
        print(f"Échec de {entry['label']} : {entry['error']}", file=sys.stderr)
    return 1 if failures else 0
