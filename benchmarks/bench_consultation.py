"""Benchmark of the consultation analysis (notebook 04) on synthetic answers, each with free text.

    python benchmarks/bench_consultation.py [--n 100000] [--cartography FILE.ods]
    python benchmarks/bench_consultation.py --series 100000,300000,1000000

With --series, each size runs in its own process (so each peak memory is its own) and a table gives
time, peak memory and the cost per 100,000 answers relative to the smallest size (linearity).

Builds the cartography tables (the official file when found beside the project, else the synthetic
cartography), generates the export (timed apart), then runs the whole analysis end to end: reading,
exclusions, campaigns, matching, free text, outputs. Prints the elapsed seconds and the peak resident
memory of the process. Target on a 2-core machine: at most 90 s and 4 GB.
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


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="nombre de réponses (défaut : 100 000)")
    parser.add_argument("--cartography", type=Path, default=None, help="cartographie (ODS) à utiliser")
    parser.add_argument("--series", default="", help="tailles séparées par des virgules, un processus chacune")
    args = parser.parse_args()
    if args.series:
        return series([int(n) for n in args.series.split(",")], args.cartography)
    os.environ.setdefault("CARTO_SANTE_OFFLINE", "1")

    import pandas as pd

    from helpers.cartography.synthetic import generate_cartography_ods
    from helpers.consultation.synthetic import write_synthetic_consultation
    from helpers.core.tables import load_table
    from helpers.steps.s01_clean import clean_cartography
    from helpers.steps.s04_consultation import analyse_consultation

    with tempfile.TemporaryDirectory(prefix="bench-consultation-") as tmp:
        processed = Path(tmp) / "processed"
        source = args.cartography or (OFFICIAL if OFFICIAL.is_file() else None)
        if source is None:
            source = generate_cartography_ods(Path(tmp) / "cartographie-synthetique.ods")
        clean_cartography(source, processed)
        bases = load_table(processed, "bases")

        start = time.perf_counter()
        export, spec, _ = write_synthetic_consultation(Path(tmp) / "export", bases, n=args.n, free_text_share=1.0)
        generated = time.perf_counter() - start
        texts = pd.read_csv(export, dtype=str, keep_default_na=False)["Précisez votre réponse"]
        duplicated = texts[texts != ""].duplicated(keep="first").mean()

        start = time.perf_counter()
        run = analyse_consultation(export, spec, processed)
        elapsed = time.perf_counter() - start
        print(f"cartographie           : {source.name} ({bases['base_id'].nunique()} bases)")
        campaign = int((run.screened["campagne"] != "").sum())
        print(f"réponses               : {len(run.screened)} reçues, {len(run.analysed)} analysées, "
              f"{campaign} en campagne ({len(run.campaigns)} campagnes)")
        print(f"textes libres en double: {100 * duplicated:.1f} % (exactement identiques à un texte antérieur)")
        print(f"mentions distinctes    : {len(run.matching)}, thèmes : {len(run.texts.themes)}")
        print(f"génération de l'export : {generated:.1f} s ({export.stat().st_size / 1e6:.0f} Mo)")
        print(f"analyse de bout en bout: {elapsed:.1f} s")
        print(f"mémoire résidente max. : {peak_rss_mb():.0f} Mo")
        print(f"RESULT {args.n} {elapsed:.2f} {peak_rss_mb():.0f} {100 * duplicated:.1f}")
        print(f"processeurs            : {os.cpu_count()}")
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
        _, size, seconds, peak, duplicated = line.split()
        results.append((int(size), float(seconds), float(peak), float(duplicated)))
        print(done.stdout.replace(line + "\n", ""), flush=True)
    base = results[0][1] / results[0][0]
    print("| Réponses | Temps | Mémoire max. | Doublons exacts | Coût par réponse / coût à", f"{sizes[0]:,} |")
    print("|---|---|---|---|---|")
    for size, seconds, peak, duplicated in results:
        print(f"| {size:,} | {seconds:.1f} s | {peak:,.0f} Mo | {duplicated:.1f} % | {seconds / size / base:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
