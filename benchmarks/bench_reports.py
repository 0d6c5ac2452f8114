"""Benchmark of the report build (make bench): the naive baseline against `python -m helpers reports`.

Same notebooks, same parameters, one run of each, in fresh copies of the project:
  1. baseline: sequential `papermill` CLI, then a `jupyter nbconvert --to html --no-input` subprocess per
     notebook (the reports are listed from reports.yml exactly as the runner lists them); no PDF;
  2. `python -m helpers reports` cold (empty reports directory: nothing cached), both PDFs included
     (reports/dossier.pdf and reports/synthese.pdf);
  3. the same command again, nothing changed (against the cold time; every file under reports/ compared);
  4. one report rebuilt and the dossier with it: `--force --only 05_priorities` (the analyst's edit);
  5. the analyst's path: one producer fiche run alone by the `papermill` CLI against the same run of an empty
     notebook (the kernel's floor), best of two each.
Prints the times, the ratios and the load average (other processes share the machine: everything is measured
in the same run so that the ratios hold); uses the official file when ../shared has it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFICIAL = ROOT.parent / "shared" / "data" / "cartographie-sante-2014" / \
    "Cartographie-des-donnees-publiques-de-sante-6-mai-2014.ods"
BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def project(base: Path, name: str) -> Path:
    root = base / name
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(ROOT / "reports.yml", root / "reports.yml")
    if OFFICIAL.is_file():
        (root / "data" / "raw").mkdir(parents=True)
        shutil.copy(OFFICIAL, root / "data" / "raw" / OFFICIAL.name)
    return root


def baseline(root: Path, env: dict) -> tuple[float, int]:
    """Sequential papermill + nbconvert subprocesses, in the runner's order, with its parameters."""
    os.environ.update(env)
    from helpers.build import catalog
    from helpers.build.runner import Build

    reports = catalog.ordered(catalog.load(root), root)
    build = Build(root, root / "reports-baseline", 1, True, 900)
    out = root / "baseline"
    out.mkdir()
    elapsed, count = 0.0, 0
    for report in reports:
        for task in build.tasks(report):  # listed after the reports it depends on are built
            executed = out / f"{count:03d}.ipynb"
            command = [str(BIN / "papermill"), str(task.notebook), str(executed), "--cwd", str(root)]
            for name, value in task.parameters.items():
                command += ["-y", f"{name}: null"] if value is None else ["-p", name, str(value)]
            elapsed += timed(command, env, root)
            elapsed += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                             env, root)
            count += 1
    return elapsed, count


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def analyst_path(root: Path, env: dict, tmp: Path) -> tuple[float, float]:
    """(empty notebook, one producer fiche): the best of two `papermill` CLI runs each, in `root` (built)."""
    import nbformat

    empty = tmp / "vide.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, str(empty))
    papermill = str(BIN / "papermill")
    runs = {"vide": [papermill, str(empty), str(tmp / "vide.out.ipynb"), "--cwd", str(root)],
            "fiche": [papermill, str(root / "notebooks" / "03_producer_sheet.ipynb"), str(tmp / "fiche.out.ipynb"),
                      "--cwd", str(root), "-p", "producer", "DREES"]}
    best = {name: min(timed(command, env, root) for _ in range(2)) for name, command in runs.items()}
    return best["vide"], best["fiche"]


def main() -> None:
    env = {**os.environ, "CARTO_SANTE_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        base_root = project(Path(tmp), "baseline")
        env_base = {**env, "CARTO_SANTE_ROOT": str(base_root)}
        base_time, count = baseline(base_root, env_base)
        runner_root = project(Path(tmp), "runner")
        env_run = {**env, "CARTO_SANTE_ROOT": str(runner_root)}
        command = [sys.executable, "-m", "helpers", "reports"]
        cold = timed(command, env_run, runner_root)
        before = snapshot(runner_root / "reports")
        warm = timed(command, env_run, runner_root)
        unchanged = snapshot(runner_root / "reports") == before
        one = timed([*command, "--force", "--only", "05_priorities"], env_run, runner_root)
        empty, fiche = analyst_path(runner_root, env_run, Path(tmp))
    data = "officielles" if OFFICIAL.is_file() else "synthétiques"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Rapports : {count} notebooks, données {data}, {os.cpu_count()} cœurs, charge (1, 5, 15 min) {load}")
    print(f"  référence (papermill puis nbconvert en sous-processus, en série, sans PDF) : {base_time:7.1f} s")
    print(f"  make reports à froid, les deux PDF compris : {cold:7.1f} s  → {base_time / cold:4.1f} × plus rapide "
          "(cible ≥ 4 ×)")
    print(f"  make reports inchangé : {warm:7.1f} s  → {100 * warm / cold:4.1f} % du temps à froid (cible ≤ 3 %) ; "
          f"{'aucun fichier modifié' if unchanged else 'DES FICHIERS ONT CHANGÉ'}")
    print(f"  un rapport reconstruit et le dossier (--force --only 05_priorities) : {one:7.1f} s (cible ≤ 15 s)")
    print(f"  papermill seul : notebook vide {empty:5.1f} s, fiche gestionnaire {fiche:5.1f} s → "
          f"{fiche - empty:+.1f} s (cible ≤ +2 s)")


if __name__ == "__main__":
    main()
