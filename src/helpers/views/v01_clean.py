"""What notebook 01 shows: counts, the cleaning log by rule, unified producers, shared bases."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from helpers.cartography.cleaning import CRITERIA
from helpers.cartography.producers import producers_of
from helpers.cartography.sources import official
from helpers.core.config import data_file
from helpers.core.formats import date, percent, with_mark
from helpers.core.text import cut_at_word
from helpers.steps.s01_clean import CleaningRun

LEVEL_LABELS = data_file("vocabulaire.yml")["niveaux"]
CRITERION_LABELS = {k: v["libelle"] for k, v in data_file("vocabulaire.yml")["criteres"].items()}


#: A name's closing « (…) » of at most 15 characters: the acronym a reader knows the base by (« (FINESS) »).
ACRONYM = re.compile(r"\s*(\([^()]{1,15}\))$")


def shorten(text: str, width: int = 80) -> str:
    """`text` cut to at most `width` characters with an ellipsis « … »; line breaks (and the runs of spaces around
    them) become single spaces first, so a multi-line cell reads on one table line. A closing acronym in
    parentheses is kept after the ellipsis (« Fichier National des Etablissements Sanitaires… (FINESS) »): cut
    off, the base could no longer be recognised."""
    text = " ".join(str(text).split()) if "\n" in str(text) else str(text)
    if len(text) <= width:
        return text
    acronym = ACRONYM.search(text)
    if acronym and len(acronym[1]) * 3 < width:
        return cut_at_word(text, width - len(acronym[1]) - 2) + "… " + acronym[1]
    return cut_at_word(text, width - 1) + "…"


def source_facts(run: CleaningRun) -> dict[str, str]:
    """Report 01's « Source » card: French label → value (file name, provenance, official / synthetic
    status, sha256, cartography version, licence, attribution, sheet and first/last source row, criteria
    vocabulary, what the typologies were checked against), from the run's resolved source and ``sources.yml``."""
    ref = official()
    status = ("fichier officiel (empreinte vérifiée)" if run.source.official
              else "échantillon synthétique" if run.synthetic else "fichier non officiel (empreinte différente)")
    return {
        "Fichier": run.source.path.name,
        "Provenance": run.source.origin + (f" — {run.source.note}" if run.source.note else ""),
        "Statut": status,
        "Empreinte sha256": run.source.sha256,
        "Version de la cartographie": ("sans objet (données fictives)" if run.synthetic
                                       else f"mise à jour du {date(dt.date.fromisoformat(ref['date']))}"),
        "Licence": ref["licence"],
        "Attribution": ref["attribution"],
        "Feuille de données": f"{run.carto.data_sheet or 'export CSV'} "
                              f"({len(run.carto.rows)} lignes de données, lignes {run.carto.rows[0][0]} "
                              f"à {run.carto.rows[-1][0]})",
        "Vocabulaire des critères": run.cleaned.vocabulary_source,
        "Typologies vérifiées par": run.cleaned.typology_source,
    }


def key_counts(run: CleaningRun) -> dict[str, int]:
    """Report 01's key figures: French label → count (lines, distinct bases, distinct producers —
    a co-managed base counts for each —, level-1 and level-2 categories, lines assessed per level, cells
    corrected or flagged in ``anomalies.csv``)."""
    bases, ev = run.cleaned.bases, run.cleaned.evaluations
    assessed = ev[ev["evalue"]]
    return {
        "lignes": len(bases),
        "bases distinctes": bases["base_id"].nunique(),
        "gestionnaires distincts": bases["gestionnaires"].map(producers_of).explode().nunique(),
        "typologies de niveau 1": bases["typologie_1"].nunique(),
        "typologies de niveau 2": bases[["typologie_1", "typologie_2"]].drop_duplicates().shape[0],
        "lignes évaluées au niveau agrégé": int((assessed["niveau"] == "agrege").sum()),
        "lignes évaluées au niveau granulaire": int((assessed["niveau"] == "granulaire").sum()),
        "cellules corrigées ou signalées": len(run.cleaned.anomalies),
    }


def takeaways(run: CleaningRun) -> list[str]:
    """« Ce qu'il faut retenir » of report 01: 3–4 French sentences computed from the cleaning run (source,
    what it holds, how much is assessed, how much the cleaning changed)."""

    bases, ev, log = run.cleaned.bases, run.cleaned.evaluations, run.cleaned.anomalies
    source = ("le fichier officiel d'Etalab (empreinte vérifiée)" if run.source.official
              else "un échantillon synthétique généré par le projet : ses chiffres ne doivent pas être cités"
              if run.synthetic else "un fichier non officiel (empreinte différente du fichier publié)")
    distinct = bases["base_id"].nunique()
    assessed = ev.loc[ev["evalue"], "base_id"].nunique()
    counts = key_counts(run)
    return with_mark([
        f"Source : {source}.",
        f"La cartographie compte {len(bases)} lignes, soit {distinct} bases distinctes tenues par "
        f"{counts['gestionnaires distincts']} gestionnaires.",
        f"{assessed} des {distinct} bases ({percent(assessed / distinct)}) sont évaluées à au moins un niveau "
        f"(agrégé ou granulaire).",
        f"Le nettoyage a corrigé ou signalé {len(log)} cellules, chacune tracée dans anomalies.csv ; "
        f"{int((log['regle'] == 'hors_vocabulaire').sum())} valeurs hors vocabulaire ne sont converties en "
        f"aucun nombre.",
    ], data_file("mentions_synthetiques.yml")["marque"]["cartographie"] if run.synthetic else "", skip_first=True)


def rules_table(run: CleaningRun) -> pd.DataFrame:
    """The cleaning log by rule: one row per rule of ``vocabulaire.yml`` (``regles``, in that order,
    zeros kept); columns Règle, Description, Cellules (count in ``anomalies.csv``) and Exemple (the shortest
    source value of that rule, « cell : « source » → « kept » »)."""
    labels, names = data_file("vocabulaire.yml")["regles"], data_file("vocabulaire.yml")["regles_libelles"]
    log = run.cleaned.anomalies
    rows = []
    for rule, label in labels.items():
        subset = log[log["regle"] == rule]
        example = ""
        if len(subset):
            # The shortest case reads best as an example.
            first = subset.loc[subset["valeur_source"].str.len().idxmin()]
            example = (f"{first['cellule']} : « {shorten(first['valeur_source'])} » → "
                       f"« {shorten(first['valeur_retenue'])} »")
        rows.append({"Règle": names[rule], "Description": label, "Cellules": len(subset), "Exemple": example})
    return pd.DataFrame(rows)


def off_vocabulary(run: CleaningRun) -> pd.DataFrame:
    """Criterion cells whose value was corrected, normalised or left off the official vocabulary,
    one row per cell of ``anomalies.csv``; columns Cellule, Niveau, Critère, Valeur source, Valeur retenue,
    Règle (French labels from ``vocabulaire.yml``). The file's own criteria sheet, checked against the
    vocabulary, has its entries here too (Niveau « onglet des critères »)."""
    log = run.cleaned.anomalies
    rules = ["hors_vocabulaire", "modalite_corrigee", "modalite_normalisee", "vocabulaire_inconnu"]
    flagged = log[log["regle"].isin(rules) & log["colonne"].isin([*CRITERION_LABELS, ""])]
    sheet = flagged["ligne_source"].isna()
    out = flagged.assign(
        Niveau=flagged["niveau"].map(LEVEL_LABELS).where(~sheet, "onglet des critères"),
        Critère=flagged["colonne"].map(CRITERION_LABELS).fillna(""),
        regle=flagged["regle"].map(data_file("vocabulaire.yml")["regles_libelles"]),
    )
    return out.rename(columns={"cellule": "Cellule", "valeur_source": "Valeur source",
                               "valeur_retenue": "Valeur retenue", "regle": "Règle"})[
        ["Cellule", "Niveau", "Critère", "Valeur source", "Valeur retenue", "Règle"]]


def producer_spellings(run: CleaningRun) -> pd.DataFrame:
    """Producers whose name was unified: one row per canonical producer whose source spellings
    differ from it or among themselves; columns Gestionnaire canonique, Nom complet, Graphies dans la
    source (« … » ; « … »), Lignes."""
    bases = run.cleaned.bases
    grouped = bases.groupby("gestionnaire", sort=True).agg(
        lignes=("ligne_source", "size"),
        graphies=("gestionnaire_source", lambda s: " ; ".join(f"« {v} »" for v in sorted(set(s)))),
        nom=("gestionnaire_nom_complet", "first"),
        n_graphies=("gestionnaire_source", "nunique"),
    ).reset_index()
    changed = grouped[(grouped["n_graphies"] > 1) | (grouped.apply(
        lambda r: r["graphies"] != f"« {r['gestionnaire']} »", axis=1))]
    return changed.rename(columns={"gestionnaire": "Gestionnaire canonique", "nom": "Nom complet",
                                   "graphies": "Graphies dans la source", "lignes": "Lignes"})[
        ["Gestionnaire canonique", "Nom complet", "Graphies dans la source", "Lignes"]]


def shared_bases(run: CleaningRun) -> pd.DataFrame:
    """Bases described on several source lines (listed under several categories): one row per base
    and producer; columns Identifiant, Base, Gestionnaire, Lignes source (comma-separated row numbers),
    Typologies (niveau 2), Nombre de lignes."""
    bases = run.cleaned.bases
    multi = bases[bases["n_lignes_base"] > 1]
    out = multi.groupby(["base_id", "base", "gestionnaire"], sort=False).agg(
        lignes=("ligne_source", lambda s: ", ".join(map(str, s))),
        typologies=("typologie_2", lambda s: " ; ".join(dict.fromkeys(s))),
        n=("ligne_source", "size"),
    ).reset_index()
    return out.rename(columns={"base_id": "Identifiant", "base": "Base", "gestionnaire": "Gestionnaire",
                               "lignes": "Lignes source", "typologies": "Typologies (niveau 2)",
                               "n": "Nombre de lignes"})


def assessed_by_category(run: CleaningRun) -> pd.DataFrame:
    """Lines assessed (``evalue``) per level-1 category and level: long frame, one row per
    category × level with at least one assessed line; columns Typologie (niveau 1), Lignes évaluées, Niveau
    (French label)."""
    ev = run.cleaned.evaluations.merge(run.cleaned.bases[["ligne_source", "typologie_1"]], on="ligne_source")
    counts = ev[ev["evalue"]].groupby(["typologie_1", "niveau"]).size().rename("Lignes évaluées")
    frame = counts.reset_index().rename(columns={"typologie_1": "Typologie (niveau 1)"})
    frame["Niveau"] = frame.pop("niveau").map(LEVEL_LABELS)
    return frame.sort_values(["Typologie (niveau 1)", "Niveau"]).reset_index(drop=True)


def criteria_filled(run: CleaningRun) -> pd.DataFrame:
    """How complete the assessment is: one row per level (agrégé, granulaire); columns Niveau,
    Lignes évaluées, Lignes non évaluées and, per criterion, « <critère> renseigné » (lines with a non-empty
    value)."""
    ev = run.cleaned.evaluations
    rows = []
    for level, label in LEVEL_LABELS.items():
        sub = ev[ev["niveau"] == level]
        row = {"Niveau": label, "Lignes évaluées": int(sub["evalue"].sum()),
               "Lignes non évaluées": int((~sub["evalue"]).sum())}
        for key in CRITERIA:
            row[f"{CRITERION_LABELS[key]} renseigné"] = int((sub[key] != "").sum())
        rows.append(row)
    return pd.DataFrame(rows)
