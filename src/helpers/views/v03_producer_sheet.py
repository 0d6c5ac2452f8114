"""What report 03 (one producer's fiche) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA, criterion_labels
from helpers.core.formats import decimal, percent, percent_range, share_of
from helpers.views.v02_openness import LEVELS, SHORT, quick_wins, rank_reading, rank_text

__all__ = ["quick_wins", "sheet_bases", "sheet_figures", "sheet_place", "sheet_rank_readings"]


def sheet_figures(sheet) -> dict[str, str]:
    """The fiche's key figures: French label → text (lines in the cartography, distinct bases,
    co-managed lines, and per level the open bases « k sur n (p %) » — « non évaluées » when none is assessed —
    and the rank with its 95 % interval among the ranked producers, or « non classé (trop peu de bases) »)."""
    figures = {"lignes dans la cartographie": str(len(sheet.bases)),
               "bases distinctes": str(sheet.bases["base_id"].nunique()),
               "lignes cogérées": str(int(sheet.bases["co_gestion"].sum()))}
    for level, label in LEVELS.items():
        row = sheet.summary[sheet.summary["niveau"] == level]
        if row.empty:
            figures[f"{label.lower()} : bases ouvertes"] = "non évaluées"
            continue
        row = row.iloc[0]
        figures[f"{label.lower()} : bases ouvertes"] = share_of(int(row["n_ouvertes"]), int(row["n_evaluees"]))
        ranked = sheet.producers[(sheet.producers["niveau"] == level) & sheet.producers["classe"]]
        figures[f"{label.lower()} : rang sur {len(ranked)} gestionnaires classés"] = (
            rank_text(row["rang"], row["rang_min"], row["rang_max"]) if row["classe"]
            else "non classé (trop peu de bases)")
    return figures


def sheet_rank_readings(sheet) -> list[str]:
    """One French line per level where the producer is ranked, reading its 95 % rank interval
    (« Données granulaires : 11ᵉ (entre 1ᵉʳ et 11ᵉ) sur 11 — ne peut être distingué … »)."""
    lines = []
    for level, label in LEVELS.items():
        row = sheet.summary[sheet.summary["niveau"] == level]
        if row.empty or not row.iloc[0]["classe"]:
            continue
        row = row.iloc[0]
        n_ranked = int((sheet.producers["classe"] & (sheet.producers["niveau"] == level)).sum())
        lines.append(f"{label} : {rank_text(row['rang'], row['rang_min'], row['rang_max'])} sur {n_ranked} "
                     f"selon la part ouverte. {rank_reading(int(row['rang_min']), int(row['rang_max']), n_ranked)}")
    return lines


def sheet_bases(sheet) -> pd.DataFrame:
    """Each base of the producer at each level, from the base's first line in the source: one row per
    base × level; columns Base, Typologie (all its level-2 categories, « ; »-joined), Niveau, one per criterion
    (value, or « sans objet » when access is closed), Ouverte (oui / non / non évalué), Score (0–100, integer),
    Ce qu'il faudrait faire (or « vérifier : » the unknown criteria)."""
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
    """The producer beside the ranked producers, per level where it is assessed: columns Niveau, Bases
    évaluées, Part ouverte with its Wilson 95 % interval, Score moyen, Score moyen médian des gestionnaires
    classés, Rang selon la part ouverte (« … sur N » or « non classé »), Rang selon le score moyen, Étendue des
    rangs selon la pondération (empty when not ranked)."""
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
            "Rang selon la part ouverte": f"{rank_text(m['rang'], m['rang_min'], m['rang_max'])} sur {len(ranked)}"
            if m["classe"] else "non classé",
            "Rang selon le score moyen": rank_text(m["rang_score"], m["rang_score_min"], m["rang_score_max"])
            if m["classe"] else "",
            "Étendue des rangs selon la pondération": f"{m['rang_ponderation_min']} – {m['rang_ponderation_max']}"
            if m["classe"] else "",
        })
    return pd.DataFrame(rows)




def sheet_paths(sheet) -> pd.DataFrame:
    """The producer's non-open lines, one row per line and level, cheapest path first: path, base, level,
    what to do, who decides, and the caveat (individual data) or the reason of a restriction."""
    from helpers.views.v02_paths import path_lines

    rows = path_lines(sheet.scored)
    notes = [" ; ".join(filter(None, [reason, caveat])) for reason, caveat in
             zip(rows["motif_acces"], rows["precaution"], strict=True)]
    return pd.DataFrame({"Voie": rows["voie"], "Base": rows["base"], "Niveau": rows["niveau_libelle"],
                         "Ce qu'il faudrait faire": rows["actions"], "Qui décide": rows["decideur"],
                         "Motif, précaution": notes}).reset_index(drop=True)


def sheet_paths_chart(sheet):
    """Report 02's chart of lines by path and level, for this producer's lines (HTML)."""
    from helpers.views.v02_paths import paths_chart

    return paths_chart(sheet.scored, sheet.producer)
