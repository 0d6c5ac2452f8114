"""Step 03 (notebook 03): everything the fiche of one producer needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.cartography.producers import producers_of
from helpers.core.config import PROCESSED_DIR, resolve_path
from helpers.core.errors import CartoError
from helpers.core.tables import load_table
from helpers.steps.base import Run, SourceRecord, finish
from helpers.steps.s01_clean import read_provenance


@dataclass
class ProducerSheet(Run):
    """Notebook 03's result: one producer (canonical name and full name) and its rows of the processed
    tables, every producer for comparison, and notebook 01's provenance. Writes nothing."""

    producer: str
    full_name: str
    bases: pd.DataFrame  # the producer's lines (bases.csv)
    scored: pd.DataFrame  # the producer's assessed lines and levels (ouverture.csv)
    summary: pd.DataFrame  # its rows of ouverture_par_gestionnaire.csv
    producers: pd.DataFrame  # every producer, for comparison
    provenance: dict


def producer_names(processed_dir: str | Path = PROCESSED_DIR, min_lines: int = 1) -> list[str]:
    """Canonical names of the individual producers with at least `min_lines` lines in ``bases.csv``
    (a co-managed line counts for each of its producers), sorted; the fan-out values of report 03.

    Raises ``SourceError`` when ``bases.csv`` is absent from `processed_dir`."""
    bases = load_table(resolve_path(processed_dir), "bases")
    counts = bases["gestionnaires"].map(producers_of).explode().value_counts()
    return sorted(name for name, n in counts.items() if name and n >= min_lines)


def producer_sheet(processed_dir: str | Path = PROCESSED_DIR, producer: str = "") -> ProducerSheet:
    """Notebook 03: everything the fiche of one `producer` (canonical name) needs; writes nothing.

    Returns a ``ProducerSheet`` whose frames keep the processed tables' columns: its lines (co-managed ones
    included), their scored line-levels, its rows of ``ouverture_par_gestionnaire`` and every producer's.

    Raises
    ------
    CartoError
        `producer` is not a producer of ``bases.csv``, before any other work; the message lists the valid names.
    SourceError
        A processed table or ``provenance.json`` is absent (run notebooks 01 and 02 first)."""
    processed = resolve_path(processed_dir)
    valid = producer_names(processed)
    if producer not in valid:
        raise CartoError(processed / "bases.csv",
                         f"gestionnaire inconnu « {producer} » ; noms valides : {', '.join(valid)}")
    bases = load_table(processed, "bases")
    mine = bases[bases["gestionnaires"].map(lambda cell: producer in producers_of(cell))]
    scored = load_table(processed, "ouverture")
    producers = load_table(processed, "ouverture_par_gestionnaire")
    provenance = read_provenance(processed)
    return finish(ProducerSheet(producer, _full_name(mine, producer), mine,
                                scored[scored["ligne_source"].isin(mine["ligne_source"])],
                                producers[producers["gestionnaire"] == producer], producers, provenance,
                                sources=[SourceRecord.cartography(provenance)]))


def _full_name(lines: pd.DataFrame, producer: str) -> str:
    for names, full in zip(lines["gestionnaires"], lines["gestionnaire_nom_complet"], strict=True):
        parts, fulls = producers_of(names), full.split(" / ")
        if len(parts) == len(fulls):
            return fulls[parts.index(producer)]
    return producer
