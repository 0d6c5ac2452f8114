"""Notebook 05: demand (consultation, notebook 04) joined with openness (notebook 02), one row per base.

Openness of a base at a level is that of its least open line (as in notebook 02's aggregates). Demand
and openness levels, and the priority classes built from them, are data (data/priorites.yml); the
first class whose conditions a base meets is its class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cartography.cleaning import criterion_labels
from helpers.cartography.producers import one_row_per_producer
from helpers.cartography.sources import official
from helpers.core.config import PROCESSED_DIR, data_file, resolve_path
from helpers.core.tables import load_table, schema, write_processed
from helpers.openness.aggregation import one_per_base
from helpers.steps.base import Run, SourceRecord, finish
from helpers.steps.s01_clean import read_provenance
from helpers.steps.s04_consultation import read_consultation_provenance

WORKBOOK_05 = "priorites.xlsx"
LEVELS = ("agrege", "granulaire")


@dataclass
class PriorityRun(Run):
    """Notebook 05's result: one row per base (demand, openness, class), demand and openness per
    producer, the threshold of strong demand; sources: the cartography and the answers."""

    priorities: pd.DataFrame  # priorites.csv, in priority order
    producers: pd.DataFrame  # demand and openness per producer
    strong_threshold: int  # respondents from which demand is "forte"
    analysed: int  # analysed answers of the consultation
    provenance: dict  # cartography (notebook 01)
    consultation: dict  # consultation (notebook 04)
    processed_dir: Path


def openness_per_base(scored: pd.DataFrame) -> pd.DataFrame:
    """Openness per base from `scored` (``ouverture.csv`` rows), each level taken at the base's
    least open line (as notebook 02's aggregates).

    Returns one row per ``base_id``; per level (``_agrege``, ``_granulaire``): ``ouvert_``, ``score_`` (equal
    weights, 0–100), ``criteres_manquants_``, ``criteres_inconnus_``, ``acces_``, ``voie_``, ``actions_``
    (NaN where not assessed); then ``ouvert_a_un_niveau``, ``meilleur_score``, ``acces_ferme`` (closed at every
    assessed level) and ``actions`` (both levels, « ; »-joined)."""
    least = one_per_base(scored, [])
    labels = data_file("vocabulaire.yml")["niveaux"]
    out = pd.DataFrame({"base_id": sorted(scored["base_id"].unique())}).set_index("base_id")
    for level in LEVELS:
        rows = least[least["niveau"] == level].set_index("base_id")
        out[f"ouvert_{level}"] = rows["ouvert"].astype(object)
        out[f"score_{level}"] = rows["score_equal"]
        out[f"criteres_manquants_{level}"] = rows["criteres_manquants"]
        out[f"criteres_inconnus_{level}"] = rows["criteres_inconnus"]
        out[f"acces_{level}"] = rows["acces"]
        out[f"voie_{level}"] = rows["voie_ouverture"]  # opening path of the least open line (issue 13)
        todo = [" ; ".join(([a] if a else []) + ([f"vérifier {criterion_labels(u)} (non renseigné ou hors "
                                                  "vocabulaire)"] if u else []))
                for a, u in zip(rows["actions"], rows["criteres_inconnus"], strict=True)]
        todo = pd.Series(todo, index=rows.index)
        out[f"actions_{level}"] = (labels[level].lower() + " : " + todo[todo != ""])
    out["ouvert_a_un_niveau"] = out[[f"ouvert_{lv}" for lv in LEVELS]].eq(True).any(axis=1)
    out["meilleur_score"] = out[[f"score_{lv}" for lv in LEVELS]].max(axis=1)
    access = out[[f"acces_{lv}" for lv in LEVELS]]
    out["acces_ferme"] = (access.eq("Accès fermé") | access.isna()).all(axis=1) & access.notna().any(axis=1)
    out["actions"] = out[[f"actions_{lv}" for lv in LEVELS]].apply(
        lambda row: " ; ".join(a for a in row if isinstance(a, str)), axis=1)
    return out.reset_index()


def demand_levels(counts: pd.Series) -> tuple[pd.Series, int]:
    """Demand level per base from `counts` (respondents per base, indexed by base_id).

    Returns the levels (« forte » from the threshold up, « moyenne » above zero, « aucune ») on the same index,
    and the threshold: the ``quantile_forte`` quantile of the non-zero counts rounded up, at least ``min_forte``
    (``priorites.yml``)."""
    spec = data_file("priorites.yml")["demande"]
    requested = counts[counts > 0]
    quantile = float(np.quantile(requested, spec["quantile_forte"])) if len(requested) else 0.0
    threshold = max(int(np.ceil(quantile)), spec["min_forte"])
    levels = np.where(counts >= threshold, "forte", np.where(counts > 0, "moyenne", "aucune"))
    return pd.Series(levels, index=counts.index), threshold


def openness_level(row: pd.Series) -> str:
    """Openness level of one row of the priorities table: ``non_evaluee`` (no score at any level),
    ``ouverte`` (open at one level at least), ``partielle`` (best score ≥ ``ouverture.score_partiel`` of
    ``priorites.yml``) or ``fermee``."""
    if pd.isna(row["meilleur_score"]):
        return "non_evaluee"
    if row["ouvert_a_un_niveau"]:
        return "ouverte"
    threshold = data_file("priorites.yml")["ouverture"]["score_partiel"]
    return "partielle" if row["meilleur_score"] >= threshold else "fermee"


def priority_class(demand: str, openness: str) -> tuple[int, str]:
    """The priority class of a (`demand`, `openness`) pair: (index, French label) of the first class of
    ``priorites.yml`` whose ``demande`` and ``ouverture`` lists both contain them; (number of classes,
    « Sans classe ») when none does."""
    classes = data_file("priorites.yml")["classes"]
    for i, spec in enumerate(classes):
        if demand in spec["demande"] and openness in spec["ouverture"]:
            return i, spec["libelle"]
    return len(classes), "Sans classe"


def per_producer(table: pd.DataFrame, bases: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """Demand and openness per producer (a co-managed base counts for each of its producers).

    Parameters
    ----------
    table : DataFrame
        The priorities table (one row per base).
    bases : DataFrame
        ``bases.csv`` (for ``gestionnaires``).
    requests : DataFrame
        ``consultation_par_gestionnaire.csv`` (``n_repondants``, ``n_bases_demandees`` per producer).

    Returns
    -------
    DataFrame
        One row per producer, most requested first: gestionnaire, n_bases, n_evaluees, n_ouvertes (open at one
        level), score_moyen (best score, 0–100, one decimal), part_ouvertes (0–1, NaN without assessed bases),
        n_repondants, n_bases_demandees."""
    owners = bases.drop_duplicates("base_id")[["base_id", "gestionnaires"]]
    rows = one_row_per_producer(owners).merge(table.drop(columns="gestionnaire"), on="base_id")
    assessed = rows[rows["niveau_ouverture"] != "non_evaluee"]
    out = pd.DataFrame({"n_bases": rows.groupby("gestionnaire")["base_id"].nunique(),
                        "n_evaluees": assessed.groupby("gestionnaire")["base_id"].nunique(),
                        "n_ouvertes": assessed.groupby("gestionnaire")["ouvert_a_un_niveau"].sum(),
                        "score_moyen": assessed.groupby("gestionnaire")["meilleur_score"].mean().round(1)})
    out = out.fillna({"n_evaluees": 0, "n_ouvertes": 0}).astype({"n_evaluees": int, "n_ouvertes": int})
    out["part_ouvertes"] = (out["n_ouvertes"] / out["n_evaluees"].replace(0, np.nan)).round(4)
    demand = requests.set_index("gestionnaire")
    out["n_repondants"] = demand["n_repondants"].reindex(out.index).fillna(0).astype(int)
    out["n_bases_demandees"] = demand["n_bases_demandees"].reindex(out.index).fillna(0).astype(int)
    return out.reset_index().sort_values(["n_repondants", "gestionnaire"], ascending=[False, True])


def prioritise(processed_dir: str | Path = PROCESSED_DIR) -> PriorityRun:
    """Notebook 05: one row per base with its demand, openness and priority class, written as
    ``priorites`` (CSV, ``priorites.xlsx``, ``datapackage.json``; formula-neutralised), in priority order (class,
    then most respondents, then lowest best score).

    Raises ``SourceError`` when a processed table of notebooks 01, 02 or 04, or their provenance file, is
    absent."""
    processed = resolve_path(processed_dir)
    provenance, consultation = read_provenance(processed), read_consultation_provenance(processed)
    bases = load_table(processed, "bases")
    scored = load_table(processed, "ouverture")
    requests = load_table(processed, "consultation_demandes")
    producers_demand = load_table(processed, "consultation_par_gestionnaire")
    unique = bases.drop_duplicates("base_id").set_index("base_id")
    table = pd.DataFrame({"base_id": unique.index, "base": unique["base"].to_numpy(),
                          "gestionnaire": unique["gestionnaire"].to_numpy(),
                          "gestionnaire_nom_complet": unique["gestionnaire_nom_complet"].to_numpy()})
    counts = requests.set_index("base_id")["n_repondants"].astype(int)
    table["n_repondants"] = table["base_id"].map(counts).fillna(0).astype(int)
    analysed = int(consultation.get("analysees", 0))
    table["part_repondants"] = (table["n_repondants"] / max(analysed, 1)).round(4)
    levels, threshold = demand_levels(table.set_index("base_id")["n_repondants"])
    table["niveau_demande"] = table["base_id"].map(levels)
    table = table.merge(openness_per_base(scored), on="base_id", how="left")
    table["ouvert_a_un_niveau"] = table["ouvert_a_un_niveau"].eq(True)
    table["acces_ferme"] = table["acces_ferme"].eq(True)
    table["actions"] = table["actions"].fillna("")
    table["niveau_ouverture"] = table.apply(openness_level, axis=1)
    classes = [priority_class(d, o) for d, o in zip(table["niveau_demande"], table["niveau_ouverture"], strict=True)]
    table["_classe"], table["classe_priorite"] = [c[0] for c in classes], [c[1] for c in classes]
    table["_score"] = table["meilleur_score"].fillna(-1)
    table = table.sort_values(["_classe", "n_repondants", "_score", "base_id"], ascending=[True, False, True, True])
    table["rang"] = range(1, len(table) + 1)
    table = table[list(schema()["priorites"]["champs"])].reset_index(drop=True)
    run = PriorityRun(table, per_producer(table, bases, producers_demand), threshold, analysed, provenance,
                      consultation, processed,
                      sources=[SourceRecord.cartography(provenance), SourceRecord.answers(consultation)])
    run.written = write_processed(processed, {"priorites": table}, workbook_name=WORKBOOK_05,
                                  source=official())
    return finish(run)
