"""What report 03 (one producer's fiche) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA, criterion_labels
from helpers.core.formats import decimal, percent, percent_range
from helpers.views.v02_openness import LEVELS, SHORT, quick_wins

__all__ = ["quick_wins", "sheet_bases", "sheet_figures", "sheet_place"]


def sheet_figures(sheet) -> dict[str, str]:
    figures = {"lignes dans la cartographie": str(len(sheet.bases)),
               "bases distinctes": str(sheet.bases["base_id"].nunique()),
               "lignes cogérées": str(int(sheet.bases["co_gestion"].sum()))}
    for level, label in LEVELS.items():
        row = sheet.summary[sheet.summary["niveau"] == level]
        if row.empty:
            figures[f"{label.lower()} : bases ouvertes"] = "non évaluées"
            continue
        row = row.iloc[0]
        figures[f"{label.lower()} : bases ouvertes"] = f"{row['n_ouvertes']} / {row['n_evaluees']}"
        ranked = sheet.producers[(sheet.producers["niveau"] == level) & sheet.producers["classe"]]
        figures[f"{label.lower()} : rang"] = (f"{row['rang']} sur {len(ranked)}" if row["classe"]
                                              else "non classé (trop peu de bases)")
    return figures


def sheet_bases(sheet) -> pd.DataFrame:
    """Each base of the producer at each level: criterion values, open or not, and what it would take
    (values of the base's first line in the source)."""
    rows = []
    scored = sheet.scored.set_index(["ligne_source", "niveau"])
    # One row per base and level: a base listed under several categories shows them all.
    categories = sheet.bases.groupby("base_id")["typologie_2"].agg(lambda s: " ; ".join(dict.fromkeys(s)))
    for base in sheet.bases.drop_duplicates("base_id").itertuples():
        for level, label in LEVELS.items():
            key = (base.ligne_source, level)
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
    """The producer beside the median of ranked producers, per level."""
    rows = []
    for level, label in LEVELS.items():
        mine = sheet.summary[sheet.summary["niveau"] == level]
        ranked = sheet.producers[(sheet.producers["niveau"] == level) & sheet.producers["classe"]]
        if mine.empty:
            continue
        m = mine.iloc[0]
        rows.append({
            "Niveau": label, "Bases évaluées": m["n_evaluees"], "Part ouverte": percent(m["part_ouvertes"]),
            "Intervalle à 95 %": percent_range(m["ic_bas"], m["ic_haut"]),
            "Score moyen": m["score_moyen"],
            "Score moyen médian des gestionnaires classés": round(float(ranked["score_moyen"].median()), 1)
            if len(ranked) else "",
            "Rang": f"{m['rang']} sur {len(ranked)}" if m["classe"] else "non classé",
            "Étendue des rangs selon la pondération": f"{m['rang_min']} – {m['rang_max']}" if m["classe"] else "",
        })
    return pd.DataFrame(rows)


