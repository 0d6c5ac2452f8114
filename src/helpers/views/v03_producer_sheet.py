"""What report 03 (one producer's fiche) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA, criterion_labels
from helpers.core.formats import decimal, of_name, percent, percent_range, share_of
from helpers.openness.aggregation import one_per_base
from helpers.steps.base import changed_parameters
from helpers.views.v02_openness import (
    LEVELS,
    RULE_LABELS,
    RULE_NAMES,
    SHORT,
    level_rule,
    measure_text,
    quick_wins,
    rank_reading,
    rank_text,
    ranked_at,
    score_interval,
)
from helpers.views.v02_routes import route_lines

__all__ = ["quick_wins", "sheet_bases", "sheet_figures", "sheet_place", "sheet_rank_readings", "sheet_settings"]


def of_producer(sheet) -> str:
    """« d'INVS », « de DREES »: the fiche's producer after « de », elided before a vowel, for its titles
    (:func:`helpers.core.formats.of_name`)."""
    return of_name(sheet.producer)


def sheet_settings(sheet) -> list[str]:
    """Report 02's parameters that differ from their defaults, as its tables recorded them (``ponderation``,
    ``min_bases_classe``): the fiche's scores and ranks depend on them, so its first screen names them
    (« Pondération : Global Open Data Index 2016 (défaut : Poids égaux) »); [] with the defaults."""
    if sheet.producers.empty:
        return []
    row = sheet.producers.iloc[0]
    return changed_parameters("02_openness", {"weighting": row["ponderation"],
                                              "min_bases_ranked": int(row["min_bases_classe"])})


def sheet_figures(sheet) -> dict[str, str]:
    """The fiche's key figures, each label naming its unit: French label → text (lines in the cartography,
    distinct bases, co-managed lines, and per level the open bases « k sur n (p %) » — « non évaluées » when
    none is assessed — and the rank by the level's one rule (:func:`~helpers.views.v02_openness.rank_text`,
    out of the ranked producers), or « non classé (moins de N bases évaluées) »)."""
    figures = {"lignes dans la cartographie": str(len(sheet.bases)),
               "bases distinctes (une base peut avoir plusieurs lignes)": str(sheet.bases["base_id"].nunique()),
               "lignes cogérées": str(int(sheet.bases["co_gestion"].sum()))}
    for level, label in LEVELS.items():
        row = sheet.summary[sheet.summary["niveau"] == level]
        if row.empty:
            figures[f"{label.lower()} : bases ouvertes"] = "non évaluées"
            continue
        row = row.iloc[0]
        figures[f"{label.lower()} : bases ouvertes"] = share_of(int(row["n_ouvertes"]), int(row["n_evaluees"]))
        rule = level_rule(sheet.producers, level)
        key = f"{label.lower()} : rang {RULE_LABELS[rule]}" if rule else f"{label.lower()} : rang"
        figures[key] = (rank_text(row["rang"], row["rang_min"], row["rang_max"], len(ranked_at(sheet, level)))
                        if row["classe"] else f"non classé (moins de {int(row['min_bases_classe'])} bases évaluées)")
    return figures


def sheet_rank_readings(sheet) -> list[str]:
    """One French line per level where the producer is ranked: the level's rule, the score or share the rank
    rests on, the rank as :func:`~helpers.views.v02_openness.rank_text` writes it (« non départagé (rang
    possible : 1 à 9 sur 11) » when its interval spans the field) and the reading of its 95 % interval
    (« Données granulaires, classement selon le score moyen (score moyen 50 sur 100 ; 0 base ouverte sur 32,
    soit 0 %) : 8ᵉ sur 11 (entre 7ᵉ et 11ᵉ). Ne peut être distingué que de 4 … »)."""
    lines = []
    for level, label in LEVELS.items():
        row = sheet.summary[sheet.summary["niveau"] == level]
        if row.empty or not row.iloc[0]["classe"]:
            continue
        row = row.iloc[0]
        n_ranked, rule = len(ranked_at(sheet, level)), level_rule(sheet.producers, level)
        reading = rank_reading(int(row["rang_min"]), int(row["rang_max"]), n_ranked)
        lines.append(f"{label}, classement {RULE_LABELS[rule]} ({measure_text(row, rule)}) : "
                     f"{rank_text(row['rang'], row['rang_min'], row['rang_max'], n_ranked)}. {reading}")
    return lines


def sheet_bases(sheet) -> pd.DataFrame:
    """Each base of the producer at each level, from the base's least open line there (as the aggregates, so
    its « oui » count is the card's open count): one row per base × level; columns Base, Typologie (all its
    level-2 categories, « ; »-joined), Niveau, one per criterion (value, or « sans objet » when access is
    closed), Ouverte (oui / non / non évalué), Score (0–100, integer), Ce qu'il faudrait faire (or « vérifier : »
    the unknown criteria)."""
    rows = []
    scored = one_per_base(sheet.scored, []).set_index(["base_id", "niveau"])
    # One row per base and level: a base listed under several categories shows them all.
    categories = sheet.bases.groupby("base_id")["typologie_2"].agg(lambda s: " ; ".join(dict.fromkeys(s)))
    for base in sheet.bases.drop_duplicates("base_id").itertuples():
        for level, label in LEVELS.items():
            key = (base.base_id, level)
            record = {"Base": base.base, "Typologie": categories[base.base_id], "Niveau": label}
            if key not in scored.index:
                record.update({SHORT[c]: "" for c in CRITERIA} | {"Ouverte": "non évalué", "Score": "",
                                                                  "Ce qu'il faudrait faire": ""})
            else:
                line = scored.loc[key]
                record.update({SHORT[c]: (line[c] if line[f"statut_{c}"] != "sans objet" else "sans objet")
                               for c in CRITERIA})
                record.update({"Ouverte": "oui" if line["ouvert"] else "non", "Score": decimal(line["score"], 0)
                               if pd.notna(line["score"]) else "",
                               "Ce qu'il faudrait faire": line["actions"] or (
                                   "vérifier : " + criterion_labels(line["criteres_inconnus"])
                                   if line["criteres_inconnus"] else "")})
            rows.append(record)
    return pd.DataFrame(rows)


def sheet_place(sheet) -> pd.DataFrame:
    """The producer beside the ranked producers, per level where it is assessed: columns Niveau, Bases
    évaluées, Part ouverte with its Wilson 95 % interval, Score moyen with its Student interval, Score moyen
    médian des gestionnaires classés, Rang (the level's one rule, as report 02 and the cards show it, or
    « non classé »), Classé selon, Étendue des rangs selon la pondération (« a à b sur N »; empty when not
    ranked)."""
    rows = []
    for level, label in LEVELS.items():
        mine = sheet.summary[sheet.summary["niveau"] == level]
        ranked = ranked_at(sheet, level)
        if mine.empty:
            continue
        m, n = mine.iloc[0], len(ranked)
        low, high = m["rang_ponderation_min"], m["rang_ponderation_max"]
        rows.append({
            "Niveau": label, "Bases évaluées": m["n_evaluees"], "Part ouverte": percent(m["part_ouvertes"]),
            "Part ouverte : intervalle à 95 %": percent_range(m["ic_bas"], m["ic_haut"]),
            "Score moyen": m["score_moyen"],
            "Score moyen : intervalle à 95 %": score_interval(m["score_ic_bas"], m["score_ic_haut"]),
            "Score moyen médian des gestionnaires classés": round(float(ranked["score_moyen"].median()), 1)
            if n else "",
            "Rang (intervalle à 95 %)": rank_text(m["rang"], m["rang_min"], m["rang_max"], n) if m["classe"]
            else "non classé",
            "Classé selon": RULE_NAMES[level_rule(sheet.producers, level)] if m["classe"] else "",
            "Étendue des rangs selon la pondération": (f"{low} à {high} sur {n}" if low != high else f"{low} sur {n}")
            if m["classe"] else "",
        })
    return pd.DataFrame(rows)


def sheet_routes(sheet) -> pd.DataFrame:
    """The producer's non-open lines, one row per line and level, cheapest path first: path, base, level,
    what to do, who decides, and the caveat (individual data) or the reason of a restriction."""
    rows = route_lines(sheet.scored)
    notes = [" ; ".join(filter(None, [reason, caveat])) for reason, caveat in
             zip(rows["motif_acces"], rows["precaution"], strict=True)]
    return pd.DataFrame({"Voie": rows["voie"], "Base": rows["base"], "Niveau": rows["niveau_libelle"],
                         "Ce qu'il faudrait faire": rows["actions"], "Qui décide": rows["decideur"],
                         "Motif, précaution": notes}).reset_index(drop=True)
