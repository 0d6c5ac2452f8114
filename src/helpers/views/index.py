"""What the front page (reports/index.html) shows besides the runner's entries: the producer fiches' open counts
and the rule saying who has one (laid out by helpers.render.sections.front_page). The headline sentences it
quotes come from each report's run record (helpers.steps.base.record_takeaways)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core.errors import CartoError
from helpers.core.formats import count_of, share_of
from helpers.core.tables import load_table
from helpers.views.v02_openness import LEVELS


def fiche_counts(processed_dir: Path) -> pd.DataFrame:
    """Per producer (alphabetical, case-insensitive): « k / n (p %) » open bases at each level, from
    ouverture_par_gestionnaire.csv; empty frame when the table is absent."""
    try:
        table = load_table(processed_dir, "ouverture_par_gestionnaire")
    except (CartoError, OSError):  # no table yet (report 02 failed): the list shows names only
        return pd.DataFrame(columns=["gestionnaire"])
    out = pd.DataFrame({"gestionnaire": sorted(table["gestionnaire"].unique(), key=str.casefold)})
    for level, label in LEVELS.items():
        rows = table[table["niveau"] == level].set_index("gestionnaire")
        counts = {g: share_of(int(r.n_ouvertes), int(r.n_evaluees)) for g, r in rows.iterrows()}
        out[label] = out["gestionnaire"].map(counts).fillna("non évaluées")
    return out


def fiche_rule(n_fiches: int, processed_dir: Path, min_lines: int | None) -> str:
    """Which producers have a fiche, in words: « Une fiche par gestionnaire ayant au moins 3 lignes dans la
    cartographie : 22 des 66 gestionnaires » (producers counted as in ``bases.csv``, a co-managed line counting
    for each); without the rule (one fiche built on request) « 1 fiche sur 66 gestionnaires »; the count
    alone when ``bases.csv`` is absent."""
    from helpers.steps.s03_producer_sheet import producer_names

    try:
        total = len(producer_names(processed_dir, 1))
    except (CartoError, OSError):
        return f"{count_of(n_fiches, 'fiche', 'fiches')} de gestionnaire"
    if min_lines is None:
        return f"{count_of(n_fiches, 'fiche', 'fiches')} sur {count_of(total, 'gestionnaire', 'gestionnaires')}"
    return (f"Une fiche par gestionnaire ayant au moins {count_of(min_lines, 'ligne', 'lignes')} dans la "
            f"cartographie : {n_fiches} des {count_of(total, 'gestionnaire', 'gestionnaires')}")
