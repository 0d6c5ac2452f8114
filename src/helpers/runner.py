"""Build the HTML reports declared in reports.yml: papermill execution, then HTML export.

A failing notebook does not stop the others, keeps the previous good report, leaves its executed
notebook (with the error) beside the good ones for audit, and makes the command exit non-zero.
"""

from __future__ import annotations

import ast
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import papermill
import yaml

from helpers.errors import CartoError
from helpers.pipeline import producer_names, project_root
from helpers.publishing import export_html
from helpers.text import slugify


@dataclass
class Outcome:
    name: str
    ok: bool
    html: Path | None = None
    error: str = ""


def load_reports(root: Path) -> list[dict]:
    return yaml.safe_load((root / "reports.yml").read_text(encoding="utf-8"))["reports"]


def parse_overrides(items: list[str]) -> dict[str, dict[str, object]]:
    """["01_clean_cartography.processed_dir=/tmp/x", ...] -> {report: {param: value}}."""
    overrides: dict[str, dict[str, object]] = {}
    for item in items:
        target, _, raw = item.partition("=")
        name, _, param = target.partition(".")
        if not (name and param and _):
            raise SystemExit(f"--set attend NOM.PARAMETRE=VALEUR, reçu « {item} »")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        overrides.setdefault(name, {})[param] = value
    return overrides


def expand(report: dict, parameters: dict) -> list[tuple[str, str, Path, dict]]:
    """(label, title, relative output stem, parameters) of each report a declaration stands for."""
    per = report.get("per_producer")
    if not per:
        return [(report["name"], report["title"], Path(report["name"]), parameters)]
    processed = parameters.get("processed_dir", "data/processed")
    return [(f"{report['name']}:{name}", f"{report['title']} — {name}", Path(per["directory"]) / slugify(name),
             {**parameters, "producer": name})
            for name in producer_names(processed, per.get("min_lines", 1))]


def build(notebook: Path, stem: Path, title: str, root: Path, reports_dir: Path, parameters: dict,
          label: str) -> Outcome:
    executed_dir = reports_dir / "notebooks" / stem.parent
    executed_dir.mkdir(parents=True, exist_ok=True)
    executed = executed_dir / f"{stem.name}.ipynb"
    attempt = executed_dir / f".{stem.name}.en-cours.ipynb"
    failed = executed_dir / f"{stem.name}.erreur.ipynb"
    name = label
    try:
        papermill.execute_notebook(
            str(notebook), str(attempt), parameters=parameters, cwd=str(root),
            kernel_name="python3", progress_bar=False, log_output=False,
        )
        html = export_html(attempt, reports_dir / stem.parent / f"{stem.name}.html", title)
        os.replace(attempt, executed)
        failed.unlink(missing_ok=True)
        return Outcome(name, True, html)
    except Exception as exc:  # noqa: BLE001 - any failure of one report is reported, not fatal
        if attempt.exists():
            os.replace(attempt, failed)
        message = str(exc).strip().splitlines()
        summary = next((line for line in reversed(message) if line.strip()), type(exc).__name__)
        if not isinstance(exc, papermill.PapermillExecutionError):
            summary = "".join(traceback.format_exception_only(exc)).strip()
        return Outcome(name, False, error=summary)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers reports", description=__doc__)
    parser.add_argument("--only", nargs="+", metavar="NOM", help="ne construire que ces rapports")
    parser.add_argument("--set", action="append", default=[], metavar="NOM.PARAM=VALEUR",
                        help="remplacer un paramètre d'un notebook (répétable)")
    parser.add_argument("--reports-dir", default="reports", help="dossier des rapports (défaut : reports)")
    args = parser.parse_args(argv)

    root = project_root()
    reports = load_reports(root)
    known = {r["name"] for r in reports}
    unknown = sorted(set(args.only or []) - known)
    overrides = parse_overrides(args.set)
    unknown += sorted(set(overrides) - known)
    if unknown:
        print(f"Rapport inconnu : {', '.join(unknown)}. Rapports : {', '.join(sorted(known))}", file=sys.stderr)
        return 2
    reports_dir = Path(args.reports_dir)
    reports_dir = reports_dir if reports_dir.is_absolute() else root / reports_dir
    outcomes = []
    for report in reports:
        if args.only and report["name"] not in args.only:
            continue
        params = {**report.get("parameters", {}), **overrides.get(report["name"], {})}
        try:
            targets = expand(report, params)
        except CartoError as exc:
            outcomes.append(Outcome(report["name"], False, error=str(exc)))
            print(f"  ÉCHEC {report['name']} : {exc}", flush=True)
            continue
        for label, title, stem, parameters in targets:
            print(f"→ {label} …", flush=True)
            outcome = build(root / report["notebook"], stem, title, root, reports_dir, parameters, label)
            print(f"  {'ok' if outcome.ok else 'ÉCHEC'} {outcome.html or outcome.error}", flush=True)
            outcomes.append(outcome)
    failures = [o for o in outcomes if not o.ok]
    for o in failures:
        print(f"Échec de {o.name} : {o.error}", file=sys.stderr)
    return 1 if failures else 0
