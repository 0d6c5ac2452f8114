"""Benchmark of the report build (make bench): the naive baseline against `python -m helpers reports`.

Same notebooks, same parameters, one run of each, in a fresh copy of the project:
  1. baseline: sequential `papermill` CLI, then a `jupyter nbconvert --to html --no-input` subprocess per
     notebook (the reports are listed from reports.yml exactly as the runner lists them);
  2. `python -m helpers reports --no-pdf` cold (empty reports directory: nothing cached): the same HTML
     reports as the baseline (plus the index and reports/donnees/), so the ratio compares like with like;
  3. the same command again, nothing changed (the unchanged re-run, against the cold time);
  4. the command without --no-pdf: every report reused, only reports/dossier.pdf (WeasyPrint) is written —
     its time is printed apart, since the baseline builds no PDF — then once more, nothing changed.
Prints the times, the ratios against the baseline and the load average (other processes share the machine:
baseline and runner are measured in the same run so that the ratio holds); uses the official file when
../shared has it.
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


def main() -> None:
    env = {**os.environ, "CARTO_SANTE_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        base_root = project(Path(tmp), "baseline")
        env_base = {**env, "CARTO_SANTE_ROOT": str(base_root)}
        base_time, count = baseline(base_root, env_base)
        runner_root = project(Path(tmp), "runner")
        env_run = {**env, "CARTO_SANTE_ROOT": str(runner_root)}
        command = [sys.executable, "-m", "helpers", "reports"]
        cold = timed([*command, "--no-pdf"], env_run, runner_root)
        warm = timed([*command, "--no-pdf"], env_run, runner_root)
        pdf = timed(command, env_run, runner_root)
        warm_pdf = timed(command, env_run, runner_root)
    data = "officielles" if OFFICIAL.is_file() else "synthétiques"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Rapports : {count} notebooks, données {data}, {os.cpu_count()} cœurs, charge (1, 5, 15 min) {load}")
    print(f"  référence (papermill puis nbconvert en sous-processus, en série) : {base_time:7.1f} s")
    print(f"  make reports à froid, rapports HTML : {cold:7.1f} s  → {base_time / cold:4.1f} × plus rapide "
          "(cible ≥ 5 ×)")
    print(f"  dossier PDF (WeasyPrint), à part : {pdf:7.1f} s  (la référence n'en construit pas)")
    print(f"  make reports inchangé : {warm:7.1f} s  → {100 * warm / cold:4.1f} % du temps à froid (cible ≤ 3 %)")
    print(f"  make reports inchangé, dossier PDF compris : {warm_pdf:7.1f} s  → {100 * warm_pdf / cold:4.1f} %")


if __name__ == "__main__":
    main()
