"""Pipeline steps called by the notebooks: each resolves its inputs, computes, writes its outputs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.cleaning import Cleaned, clean
from helpers.errors import CartoError, SourceError
from helpers.outputs import load_table, schema, write_processed
from helpers.reading import Cartography, read_cartography
from helpers.sources import Source, official, resolve_cartography
from helpers.storage import write_bytes_atomic
from helpers.text import comparison_key

WORKBOOK_01 = "cartographie_nettoyee.xlsx"
PROVENANCE = "provenance.json"


def project_root() -> Path:
    """The checkout holding this package (src layout), whatever the current directory;
    CARTO_SANTE_ROOT points elsewhere (e.g. a copy of the project in a test)."""
    override = os.environ.get("CARTO_SANTE_ROOT")
    return Path(override).resolve() if override else Path(__file__).resolve().parents[2]


def resolve_path(path: str | Path) -> Path:
    """Relative paths are taken from the project root, so notebooks work from JupyterLab
    (kernel in notebooks/) and from papermill (kernel wherever it was started)."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_root() / path


@dataclass
class CleaningRun:
    source: Source
    carto: Cartography
    cleaned: Cleaned
    processed_dir: Path
    written: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """Generated here, or a file whose metadata sheet says it is synthetic."""
        title = " ".join(" ".join(row) for row in (self.carto.metadata_sheet or [])[:1])
        return self.source.synthetic or "synthetique" in comparison_key(title).replace("é", "e")


def clean_cartography(cartography_path: str | Path | None = None,
                      processed_dir: str | Path = "data/processed",
                      raw_dir: str | Path = "data/raw") -> CleaningRun:
    """Notebook 01: resolve the source, read, clean, and write the processed tables."""
    processed = resolve_path(processed_dir)
    explicit = None
    if cartography_path:
        explicit = Path(cartography_path).expanduser()
        explicit = explicit if explicit.exists() else resolve_path(explicit)
    source = resolve_cartography(explicit, resolve_path(raw_dir), processed)
    carto = read_cartography(source.path)
    cleaned = clean(carto)
    tables = {"bases": cleaned.bases, "evaluations": cleaned.evaluations, "anomalies": cleaned.anomalies}
    written = write_processed(processed, tables, workbook_name=WORKBOOK_01, source=official())
    run = CleaningRun(source, carto, cleaned, processed, written)
    provenance = {"fichier": source.path.name, "sha256": source.sha256, "origine": source.origin,
                  "officiel": source.official, "synthetique": run.synthetic, "note": source.note}
    text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    run.written.append(write_bytes_atomic(processed / PROVENANCE, text.encode()))
    return run


def read_provenance(processed_dir: str | Path = "data/processed", name: str = PROVENANCE,
                    notebook: str = "01") -> dict:
    """A provenance file written by an earlier notebook (by default 01's source description)."""
    path = resolve_path(processed_dir) / name
    if not path.is_file():
        raise SourceError(path, f"absent : exécutez d'abord le notebook {notebook} (make reports)")
    return json.loads(path.read_text(encoding="utf-8"))


WORKBOOK_02 = "ouverture.xlsx"
BASE_COLUMNS = ["base", "gestionnaire", "gestionnaires", "typologie_1", "typologie_2"]


@dataclass
class OpennessRun:
    bases: pd.DataFrame
    evaluations: pd.DataFrame
    scored: pd.DataFrame
    producers: pd.DataFrame
    categories: pd.DataFrame
    per_base: pd.DataFrame
    provenance: dict
    weighting: str
    min_bases_ranked: int
    processed_dir: Path
    written: list[Path] = field(default_factory=list)


def score_openness(processed_dir: str | Path = "data/processed", min_bases_ranked: int = 5,
                   weighting: str = "equal") -> OpennessRun:
    """Notebook 02: score every assessed line and level, aggregate by producer and category, write."""
    from helpers import aggregation, scoring

    scoring.weights(weighting)  # unknown weighting: fail before any work
    processed = resolve_path(processed_dir)
    provenance = read_provenance(processed)
    bases = load_table(processed, "bases")
    evaluations = load_table(processed, "evaluations")
    merged = evaluations.merge(bases[["ligne_source", *BASE_COLUMNS]], on="ligne_source", how="left")
    scored = scoring.score_lines(merged)
    scored["score"] = scored[f"score_{weighting}"]
    producers = aggregation.by_producer(scored, min_bases_ranked, weighting)
    categories = aggregation.by_category(scored, min_bases_ranked, weighting)
    columns = list(schema()["ouverture"]["champs"])
    tables = {"ouverture": scored[columns], "ouverture_par_gestionnaire": producers,
              "ouverture_par_typologie": categories}
    tables = {name: frame[list(schema()[name]["champs"])] for name, frame in tables.items()}
    written = write_processed(processed, tables, workbook_name=WORKBOOK_02, source=official())
    return OpennessRun(bases, evaluations, scored, producers, categories, scoring.best_level(scored),
                       provenance, weighting, min_bases_ranked, processed, written)


@dataclass
class ProducerSheet:
    producer: str
    full_name: str
    bases: pd.DataFrame  # the producer's lines (bases.csv)
    scored: pd.DataFrame  # the producer's assessed lines and levels (ouverture.csv)
    summary: pd.DataFrame  # its rows of ouverture_par_gestionnaire.csv
    producers: pd.DataFrame  # every producer, for comparison
    provenance: dict


def producer_names(processed_dir: str | Path = "data/processed", min_lines: int = 1) -> list[str]:
    """Individual producers with at least `min_lines` lines (co-managed lines count for each)."""
    bases = load_table(resolve_path(processed_dir), "bases")
    counts = bases["gestionnaires"].str.split("|").explode().value_counts()
    return sorted(name for name, n in counts.items() if name and n >= min_lines)


def producer_sheet(processed_dir: str | Path = "data/processed", producer: str = "") -> ProducerSheet:
    """Notebook 03: everything about one producer; an unknown name fails before any other work."""
    processed = resolve_path(processed_dir)
    valid = producer_names(processed)
    if producer not in valid:
        raise CartoError(processed / "bases.csv",
                         f"gestionnaire inconnu « {producer} » ; noms valides : {', '.join(valid)}")
    bases = load_table(processed, "bases")
    mine = bases[bases["gestionnaires"].str.split("|").map(lambda names: producer in names)]
    scored = load_table(processed, "ouverture")
    producers = load_table(processed, "ouverture_par_gestionnaire")
    return ProducerSheet(producer, _full_name(mine, producer), mine,
                         scored[scored["ligne_source"].isin(mine["ligne_source"])],
                         producers[producers["gestionnaire"] == producer], producers, read_provenance(processed))


def _full_name(lines: pd.DataFrame, producer: str) -> str:
    for names, full in zip(lines["gestionnaires"], lines["gestionnaire_nom_complet"], strict=True):
        parts, fulls = names.split("|"), full.split(" / ")
        if len(parts) == len(fulls):
            return fulls[parts.index(producer)]
    return producer
