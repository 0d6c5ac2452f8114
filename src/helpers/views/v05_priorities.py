"""What report 05 (priorities) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.steps.s05_priorities import PriorityRun, rules
from helpers.views.v01_clean import shorten
from helpers.views.v02_openness import SHORT
from helpers.views.v04_consultation import pct

LEVEL_LABELS = {"agrege": "Agrégé", "granulaire": "Granulaire"}


def _missing(criteria: object) -> str:
    if not isinstance(criteria, str) or not criteria:
        return ""
    return " + ".join(SHORT[c] for c in criteria.split("|"))


def _level(opened: object, score: object, criteria: object, unknown: object) -> str:
    if pd.isna(score):
        return "non évalué"
    if opened is True:
        return "ouverte"
    parts = [f"{score:.0f}"]
    if _missing(criteria):
        parts.append(f"manque : {_missing(criteria)}")
    if _missing(unknown):
        parts.append(f"à vérifier : {_missing(unknown)}")
    return " — ".join(parts)


def headline(run: PriorityRun) -> dict[str, str]:
    table = run.priorities
    requested = table[table["n_repondants"] > 0]
    firsts = table["classe_priorite"].str.startswith("Priorité")
    return {
        "bases de la cartographie": str(len(table)),
        "bases demandées": str(len(requested)),
        f"très demandées (≥ {run.strong_threshold} répondants)": str(int((table["niveau_demande"] == "forte").sum())),
        "demandées et non ouvertes": str(int((~requested["ouvert_a_un_niveau"]).sum())),
        "bases en priorité 1 à 3": str(int(firsts.sum())),
    }


def classes(run: PriorityRun) -> pd.DataFrame:
    """Bases per priority class, with the rule of each class."""
    spec, table = rules(), run.priorities
    demand, openness = spec["libelles_demande"], spec["libelles_ouverture"]
    counts = table["classe_priorite"].value_counts()
    return pd.DataFrame([{"Classe": c["libelle"], "Bases": int(counts.get(c["libelle"], 0)),
                          "Demande": " ou ".join(demand[d] for d in c["demande"]),
                          "Ouverture": " ou ".join(openness[o] for o in c["ouverture"])} for c in spec["classes"]])


def ranked(run: PriorityRun) -> pd.DataFrame:
    """Requested bases, most requested and least open first."""
    rows = run.priorities[run.priorities["n_repondants"] > 0]
    return pd.DataFrame({
        "Rang": rows["rang"], "Base": rows["base"].map(lambda b: shorten(b, 90)), "Gestionnaire": rows["gestionnaire"],
        "Répondants": rows["n_repondants"], "Part": rows["part_repondants"].map(pct),
        **{f"{label} (score ou statut)": [_level(*values) for values in zip(
            rows[f"ouvert_{level}"], rows[f"score_{level}"], rows[f"criteres_manquants_{level}"],
            rows[f"criteres_inconnus_{level}"], strict=True)] for level, label in LEVEL_LABELS.items()},
        "Classe": rows["classe_priorite"].str.split(" : ").str[0]})


def producers(run: PriorityRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per producer with assessed bases: demand vs mean openness score (chart data and table)."""
    rows = run.producers[run.producers["n_evaluees"] > 0].copy()
    table = pd.DataFrame({
        "Gestionnaire": rows["gestionnaire"], "Répondants": rows["n_repondants"],
        "Bases demandées / bases": [f"{d} / {b}" for d, b in zip(rows["n_bases_demandees"], rows["n_bases"],
                                                                  strict=True)],
        "Ouvertes à un niveau / évaluées": [f"{o} / {e}" for o, e in zip(rows["n_ouvertes"], rows["n_evaluees"],
                                                                          strict=True)],
        "Part ouverte": rows["part_ouvertes"].map(pct), "Score moyen (meilleur niveau)": rows["score_moyen"]})
    return rows, table


def shortlist(run: PriorityRun) -> pd.DataFrame:
    """What the commission can act on: the first bases of priority classes 1 to 3."""
    rows = run.priorities[run.priorities["classe_priorite"].str.startswith("Priorité")].head(rules()["liste_courte"])
    return pd.DataFrame({
        "Rang": rows["rang"], "Base à ouvrir": rows["base"],
        "Qui la détient": [f"{g} — {n}" if n and n != g else g for g, n in zip(
            rows["gestionnaire"], rows["gestionnaire_nom_complet"], strict=True)],
        "Demandée par": [f"{n} répondants ({pct(p)})" for n, p in zip(rows["n_repondants"], rows["part_repondants"],
                                                                       strict=True)],
        "Ce qu'il faudrait faire": rows["actions"],
        "Classe": rows["classe_priorite"].str.split(" : ").str[0]})


def to_investigate(run: PriorityRun) -> pd.DataFrame:
    rows = run.priorities[run.priorities["niveau_ouverture"].isin(["non_evaluee", "ouverte"])
                          & (run.priorities["n_repondants"] > 0)]
    return pd.DataFrame({"Base": rows["base"], "Gestionnaire": rows["gestionnaire"],
                         "Répondants": rows["n_repondants"], "Classe": rows["classe_priorite"]})


def reading_guide(run: PriorityRun) -> dict[str, str]:
    spec = rules()
    quantile = str(spec["demande"]["quantile_forte"]).replace(".", ",")
    return {
        "Demande": f"Nombre de répondants de la consultation ayant nommé la base (rapprochements sûrs seulement, "
                   f"un répondant compte une fois ; {run.analysed} réponses analysées). « Très demandée » : au moins "
                   f"{run.strong_threshold} répondants, soit les 10 % des bases demandées qui le sont le plus "
                   f"(quantile {quantile}, et au moins {spec['demande']['min_forte']}).",
        "Ouverture": f"Celle de la cartographie de 2014 (rapport 02), poids égaux : « ouverte » si les quatre "
                     f"critères sont au maximum à l'un des niveaux ; sinon « partiellement ouverte » si le meilleur "
                     f"score atteint {spec['ouverture']['score_partiel']}, « fermée ou peu ouverte » en dessous. Une "
                     "base listée sur plusieurs lignes prend la moins ouverte.",
        "Classes": "La première classe dont la base remplit les conditions (tableau des classes). Dans une classe, "
                   "les bases sont rangées par demande décroissante, puis par ouverture croissante.",
        "Précautions": "La consultation n'est ni un vote ni un sondage représentatif : une forte demande signale un "
                       "besoin à instruire, pas une majorité. Les mentions incertaines ne sont pas comptées (rapport "
                       "04, section 5). L'ouverture est celle d'avril-mai 2014 : elle a pu changer depuis. Le score "
                       "résume quatre critères déclaratifs ; « ce qu'il faudrait faire » ne chiffre ni le coût ni les "
                       "contraintes juridiques (secret statistique, secret médical, données personnelles).",
    }
