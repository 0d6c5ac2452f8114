"""Step 02 (notebook 02): score every assessed line and level, aggregate by producer and category."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.cartography.sources import official
from helpers.core.config import PROCESSED_DIR, resolve_path
from helpers.core.tables import load_table, schema, write_processed
from helpers.openness import aggregation, routes, scoring
from helpers.steps.base import Run, SourceRecord, finish
from helpers.steps.s01_clean import read_provenance

WORKBOOK_02 = "ouverture.xlsx"
BASE_COLUMNS = ["base", "gestionnaire", "gestionnaires", "typologie_1", "typologie_2"]


@dataclass
class OpennessRun(Run):
    """Notebook 02's result: the processed tables read, every line and level scored, the aggregates by
    producer and category, the best level per base, notebook 01's provenance and the parameters."""

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


def score_openness(processed_dir: str | Path = PROCESSED_DIR, min_bases_ranked: int = 5,
                   weighting: str = "equal") -> OpennessRun:
    """Notebook 02: score every assessed line and level, aggregate by producer and category, write.

    Parameters
    ----------
    processed_dir : str or Path
        Notebook 01's output folder (``bases.csv``, ``evaluations.csv``, ``provenance.json``).
    min_bases_ranked : int
        Assessed bases a producer or category needs at a level to be ranked there.
    weighting : str
        Criteria weighting of ``ponderations.yml`` used for ``score`` and the score ranks: ``equal``,
        ``godi_2014``, ``godi_2016`` (Global Open Data Index) or ``odb`` (Open Data Barometer).

    Returns
    -------
    OpennessRun
        With ``written``: ``ouverture`` (one row per line × level), ``ouverture_par_gestionnaire``,
        ``ouverture_par_typologie`` (CSV, ``ouverture.xlsx``, ``datapackage.json``).

    Raises
    ------
    ValueError
        Unknown `weighting`, before any work (``scoring.weights``).
    SourceError
        A processed table or ``provenance.json`` is absent or lacks declared columns."""
    scoring.weights(weighting)  # unknown weighting: fail before any work
    processed = resolve_path(processed_dir)
    provenance = read_provenance(processed)
    bases = load_table(processed, "bases")
    evaluations = load_table(processed, "evaluations")
    merged = evaluations.merge(bases[["ligne_source", *BASE_COLUMNS]], on="ligne_source", how="left")
    scored = scoring.score_lines(merged)
    scored["score"] = scored[f"score_{weighting}"]
    scored = scored.join(routes.assign_routes(scored))  # opening path, decider, privacy flag (issue 13)
    producers = aggregation.by_producer(scored, min_bases_ranked, weighting)
    categories = aggregation.by_category(scored, min_bases_ranked, weighting)
    for table in (producers, categories):  # a CSV read alone says what its scores and ranks depend on
        table["ponderation"], table["min_bases_classe"] = weighting, min_bases_ranked
    tables = {"ouverture": scored, "ouverture_par_gestionnaire": producers,
              "ouverture_par_typologie": categories}
    tables = {name: frame[list(schema()[name]["champs"])] for name, frame in tables.items()}
    written = write_processed(processed, tables, workbook_name=WORKBOOK_02, source=official())
    return finish(OpennessRun(bases, evaluations, scored, producers, categories, scoring.best_level(scored),
                              provenance, weighting, min_bases_ranked, processed,
                              sources=[SourceRecord.cartography(provenance)], written=written))
