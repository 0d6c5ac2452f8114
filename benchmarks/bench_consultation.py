"""Benchmark of the consultation analysis (notebook 04) on synthetic answers, each with free text.

    python benchmarks/bench_consultation.py [--n 100000] [--cartography FILE.ods]
    python benchmarks/bench_consultation.py --series 100000,300000,1000000

With --series, each size runs in its own process (so each peak memory is its own) and a table gives
time, peak memory and the cost per 100,000 answers relative to the smallest size (linearity).

Builds the cartography tables (the official file when found beside the project, else the synthetic
cartography), generates the export (timed apart), then runs the whole analysis end to end: reading,
exclusions, campaigns, matching, free text, outputs. Prints the elapsed seconds and the peak resident
memory of the process (the cartography and the export are prepared in a child process, so neither the
generator nor its check counts). Targets on a 2-core machine (issue 12): 100k ≤ 40 s; 1M ≤ 10 min and
≤ 6 GB; cost per answer at 1M ≤ 1.2 × the cost at 100k.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFICIAL = ROOT.parent / "shared" / "data" / "cartographie-sante-2014" / \
    "Cartographie-des-donnees-publiques-de-sante-6-mai-2014.ods"


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far, every thread included (less sensitive than the
    elapsed time to other work on a shared machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def prepare(workdir: Path, n: int, cartography: Path | None) -> None:
    """Child process: the cartography tables and the export of `n` answers in `workdir`; prints one PREPARED
    line (generation seconds, share of exact duplicate free texts, source name, bases). Run apart so that the
    generator's memory is not counted in the analysis's peak."""
    import pandas as pd

    from helpers.cartography.synthetic import generate_cartography_ods
    from helpers.consultation.synthetic import write_synthetic_consultation
    from helpers.core.tables import load_table
    from helpers.steps.s01_clean import clean_cartography

    source = cartography or (OFFICIAL if OFFICIAL.is_file() else None)
    if source is None:
        source = generate_cartography_ods(workdir / "cartographie-synthetique.ods")
    clean_cartography(source, workdir / "processed")
    bases = load_table(workdir / "processed", "bases")
    start = time.perf_counter()
    export, _, _ = write_synthetic_consultation(workdir / "export", bases, n=n, free_text_share=1.0)
    generated = time.perf_counter() - start
    texts = pd.read_csv(export, dtype=str, keep_default_na=False, usecols=["Précisez votre réponse"]).iloc[:, 0]
    duplicated = texts[texts != ""].duplicated(keep="first").mean()
    print(f"PREPARED {generated:.2f} {100 * duplicated:.2f} {bases['base_id'].nunique()} {source.name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="nombre de réponses (défaut : 100 000)")
    parser.add_argument("--cartography", type=Path, default=None, help="cartographie (ODS) à utiliser")
    parser.add_argument("--series", default="", help="tailles séparées par des virgules, un processus chacune")
    parser.add_argument("--prepare", type=Path, default=None, help=argparse.SUPPRESS)  # internal: child process
    args = parser.parse_args()
    if args.series:
        return series([int(n) for n in args.series.split(",")], args.cartography)
    os.environ.setdefault("CARTO_SANTE_OFFLINE", "1")
    if args.prepare:
        prepare(args.prepare, args.n, args.cartography)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-consultation-") as tmp:
        command = [sys.executable, __file__, "--n", str(args.n), "--prepare", tmp]
        if args.cartography:
            command += ["--cartography", str(args.cartography)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("PREPARED "))
        _, generated, duplicated, n_bases, source = line.split(maxsplit=4)
        export = Path(tmp) / "export" / "consultation_synthetique.csv"

        from helpers.steps.s04_consultation import analyse_consultation

        start, cpu = time.perf_counter(), cpu_seconds()
        run = analyse_consultation(export, Path(tmp) / "export" / "questionnaire_synthetique.yml",
                                   Path(tmp) / "processed")
        elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        total_cpu, total_peak = cpu, peak_rss_mb()
        print(f"cartographie           : {source} ({n_bases} bases)")
        campaign = int((run.screened["campagne"] != "").sum())
        print(f"réponses               : {len(run.screened)} reçues, {len(run.analysed)} analysées, "
              f"{campaign} en campagne ({len(run.campaigns)} campagnes)")
        print(f"textes libres en double: {float(duplicated):.1f} % (exactement identiques à un texte antérieur)")
        print(f"mentions distinctes    : {len(run.matching)}, thèmes : {len(run.texts.themes)}")
        print(f"génération de l'export : {float(generated):.1f} s ({export.stat().st_size / 1e6:.0f} Mo), "
              "dans un processus à part")
        print(f"analyse de bout en bout: {elapsed:.1f} s (temps processeur : {total_cpu:.1f} s)")
        print(f"mémoire résidente max. : {total_peak:.0f} Mo")
        print(f"RESULT {args.n} {elapsed:.2f} {total_peak:.0f} {float(duplicated):.1f} {total_cpu:.2f}")
        print(f"processeurs            : {os.cpu_count()}, charge : {os.getloadavg()[0]:.2f}")
    return 0


def series(sizes: list[int], cartography: Path | None) -> int:
    """Run each size in a fresh process; print time, peak memory and cost per 100k against the first."""
    results = []
    for n in sizes:
        command = [sys.executable, __file__, "--n", str(n)]
        if cartography:
            command += ["--cartography", str(cartography)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        _, size, seconds, peak, duplicated, cpu = line.split()
        results.append((int(size), float(seconds), float(peak), float(duplicated), float(cpu)))
        print(done.stdout.replace(line + "\n", ""), flush=True)
    base, base_cpu = results[0][1] / results[0][0], results[0][4] / results[0][0]
    print("| Réponses | Temps | Temps processeur | Mémoire max. | Doublons exacts |",
          f"Coût par réponse / coût à {sizes[0]:,} (temps ; processeur) |")
    print("|---|---|---|---|---|---|")
    for size, seconds, peak, duplicated, cpu in results:
        print(f"| {size:,} | {seconds:.1f} s | {cpu:.1f} s | {peak:,.0f} Mo | {duplicated:.1f} % | "
              f"{seconds / size / base:.2f} ; {cpu / size / base_cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
