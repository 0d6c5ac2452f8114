"""What report 05 (priorities) shows, as French-labelled frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.core.config import data_file
from helpers.core.formats import count_of, decimal, integer, percent, share_of
from helpers.openness.routes import decider_text, labels
from helpers.steps.s05_priorities import PriorityRun
from helpers.views.v01_clean import shorten
from helpers.views.v02_openness import SHORT
from helpers.views.v04_consultation import ANSWERS_MARK, marked_sentences, sent_words, synthetic_mark

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
    parts = [decimal(score, 0)]
    if _missing(criteria):
        parts.append(f"manque : {_missing(criteria)}")
    if _missing(unknown):
        parts.append(f"à vérifier : {_missing(unknown)}")
    return " — ".join(parts)


def mark(run: PriorityRun, title: str) -> str:
    """A chart or table title of report 05 showing demand, marked « — réponses synthétiques » when the
    consultation answers are generated."""
    return synthetic_mark(title, bool(run.consultation.get("synthetique")))


def asks_for_bases(run: PriorityRun) -> bool:
    """False when the consultation's questionnaire asked which bases to open in no question (``questions_bases``
    of consultation.json is 0: a free-text consultation): there is then no demand to join with openness."""
    return int(run.consultation.get("questions_bases", 1)) > 0


NO_DEMAND = ("La consultation analysée ne demandait pas quelles bases ouvrir (son questionnaire n'a que des "
             "questions ouvertes ou à choix) : il n'y a aucune demande à croiser avec l'ouverture.")


def _cheap_counts(run: PriorityRun) -> dict[str, int]:
    """Lower-case label → bases whose cheapest path it is, for the cheap paths (publication, fee)."""
    counts = cheapest_counts(run).set_index("Voie d'ouverture")["Bases"]
    return {label.lower(): int(counts.get(label, 0)) for code, label in labels().items() if code in CHEAP_ROUTES}


def headline(run: PriorityRun) -> dict[str, str]:
    """Headline cards of report 05: label → count with its percentage of the bases of the cartography
    (without demand to join: the bases and their cheapest openings only)."""
    if not asks_for_bases(run):
        return {"bases de la cartographie": integer(len(run.priorities)),
                **{f"bases dont la voie la moins coûteuse est « {label} »": share_of(n, len(run.priorities))
                   for label, n in _cheap_counts(run).items()}}
    table = run.priorities
    requested = table[table["n_repondants"] > 0]
    firsts = table["classe_priorite"].str.startswith("Priorité")
    mark = f" ({ANSWERS_MARK})" if run.consultation.get("synthetique") else ""
    cards = {
        "bases de la cartographie": integer(len(table)),
        "bases demandées": share_of(len(requested), len(table)),
        f"très demandées (≥ {run.strong_threshold} répondants)":
            share_of(int((table["niveau_demande"] == "forte").sum()), len(table)),
        "demandées et non ouvertes": share_of(int((~requested["ouvert_a_un_niveau"]).sum()), len(requested)),
        "bases en priorité 1 à 3": share_of(int(firsts.sum()), len(table)),
    }
    # A card copied alone must still say its demand figure is invented.
    return {(label if label == "bases de la cartographie" else f"{label}{mark}"): value
            for label, value in cards.items()}


def _sent(run: PriorityRun) -> str:
    """« (réponses envoyées du … au …, heure de Paris) » from consultation.json, or "" when no answer is dated: a
    demand quoted alone says which consultation's answers it counts (an export need not be 2014's)."""
    first, last = run.consultation.get("premier_jour"), run.consultation.get("dernier_jour")
    if not first:
        return ""
    outside = int(run.consultation.get("hors_periode_2014") or 0)
    return f" (réponses envoyées {sent_words(dt.date.fromisoformat(first), dt.date.fromisoformat(last), outside)})"


def takeaways(run: PriorityRun) -> list[str]:
    """« Ce qu'il faut retenir » of report 05: 3–5 French sentences computed from the run; the first says the
    demand is synthetic when the answers are."""
    table = run.priorities
    requested = table[table["n_repondants"] > 0]
    closed = int((~requested["ouvert_a_un_niveau"]).sum())
    firsts = table[table["classe_priorite"].str.startswith("Priorité")]
    sentences = []
    if not asks_for_bases(run):
        cheap = [f"« {label} » pour {count_of(n, 'base', 'bases')}" for label, n in _cheap_counts(run).items()]
        return [NO_DEMAND + " Ce rapport s'en tient donc à la cartographie.",
                f"D'après la seule cartographie, la voie d'ouverture la moins coûteuse est {' et '.join(cheap)}, "
                f"sur {count_of(len(table), 'base', 'bases')} de la cartographie."]
    if run.consultation.get("synthetique"):
        real = "les bases et leur ouverture sont réelles, " if not run.provenance.get("synthetique") else ""
        sentences.append(f"La demande vient de réponses synthétiques générées par le projet : {real}les nombres de "
                         f"répondants sont inventés et ne doivent pas être cités.")
    share = percent(len(requested) / len(table))
    requested_verb = "est demandée" if len(requested) <= 1 else "sont demandées"
    closed_verb = "n'est ouverte" if closed <= 1 else "ne sont ouvertes"
    sentences.append(f"{integer(len(requested))} des {integer(len(table))} bases de la cartographie ({share}) "
                     f"{requested_verb} par au moins un des {count_of(run.analysed, 'répondant', 'répondants')}"
                     f"{_sent(run)} ; {integer(closed)} d'entre elles "
                     f"({percent(closed / len(requested)) if len(requested) else percent(0)}) {closed_verb} à "
                     f"aucun niveau.")
    if len(firsts):
        top = firsts.iloc[0]
        in_priority = "est en priorité" if len(firsts) <= 1 else "sont en priorité"
        sentences.append(f"{count_of(len(firsts), 'base', 'bases')} {in_priority} 1 à 3. La première est "
                         f"« {shorten(top['base'], 80)} »"
                         f" ({top['gestionnaire']}), demandée par "
                         f"{count_of(int(top['n_repondants']), 'répondant', 'répondants')} "
                         f"({percent(top['part_repondants'])}) ; ce qu'il faudrait faire : "
                         f"{top['actions'] or 'à instruire'}.")
        holders = firsts["gestionnaire"].value_counts().head(3)
        sentences.append("Gestionnaires détenant le plus de bases prioritaires : "
                         + ", ".join(f"{g} ({n})" for g, n in holders.items()) + ".")
    return marked_sentences(sentences[:5], bool(run.consultation.get("synthetique")))


def classes(run: PriorityRun) -> pd.DataFrame:
    """Bases per priority class, with the rule of each class: one row per class of ``priorites.yml`` in
    its order (zeros kept), then « Sans classe » when some base meets no class, then the « Total » (every base
    of the cartography: the classes partition them); columns Classe, Bases, Demande and Ouverture (the levels
    that qualify, « ou »-joined French labels)."""
    spec, table = data_file("priorites.yml"), run.priorities
    demand, openness = spec["libelles_demande"], spec["libelles_ouverture"]
    counts = table["classe_priorite"].value_counts()
    rows = [{"Classe": c["libelle"], "Bases": int(counts.get(c["libelle"], 0)),
             "Demande": " ou ".join(demand[d] for d in c["demande"]),
             "Ouverture": " ou ".join(openness[o] for o in c["ouverture"])} for c in spec["classes"]]
    if counts.get("Sans classe", 0):
        rows.append({"Classe": "Sans classe", "Bases": int(counts["Sans classe"]), "Demande": "", "Ouverture": ""})
    rows.append({"Classe": "Total (bases de la cartographie)", "Bases": len(table), "Demande": "", "Ouverture": ""})
    return pd.DataFrame(rows)


def ranked(run: PriorityRun) -> pd.DataFrame:
    """Bases named by at least one respondent, in priority order (``rang``); columns Rang, Base
    (shortened), Gestionnaire, Répondants, Part (of analysed answers), « <niveau> (score ou statut) » per level,
    Classe (its short name)."""
    rows = run.priorities[run.priorities["n_repondants"] > 0]
    return pd.DataFrame({
        "Rang": rows["rang"], "Base": rows["base"].map(lambda b: shorten(b, 90)), "Gestionnaire": rows["gestionnaire"],
        "Répondants": rows["n_repondants"], "Part": rows["part_repondants"].map(percent),
        **{f"{label} (score ou statut)": [_level(*values) for values in zip(
            rows[f"ouvert_{level}"], rows[f"score_{level}"], rows[f"criteres_manquants_{level}"],
            rows[f"criteres_inconnus_{level}"], strict=True)] for level, label in LEVEL_LABELS.items()},
        "Classe": rows["classe_priorite"].str.split(" : ").str[0]})


def producers(run: PriorityRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per producer with assessed bases: demand against openness.

    Returns (rows of ``PriorityRun.producers`` with n_evaluees > 0: the chart data; table with Gestionnaire,
    Répondants, Bases demandées / bases, Ouvertes à un niveau / évaluées, Part ouverte, Score moyen (meilleur
    niveau, 0–100))."""
    rows = run.producers[run.producers["n_evaluees"] > 0].copy()
    table = pd.DataFrame({
        "Gestionnaire": rows["gestionnaire"], "Répondants": rows["n_repondants"],
        "Bases demandées / bases": [f"{d} / {b}" for d, b in zip(rows["n_bases_demandees"], rows["n_bases"],
                                                                  strict=True)],
        "Ouvertes à un niveau / évaluées": [f"{o} / {e}" for o, e in zip(rows["n_ouvertes"], rows["n_evaluees"],
                                                                          strict=True)],
        "Part ouverte": rows["part_ouvertes"].map(percent), "Score moyen (meilleur niveau)": rows["score_moyen"]})
    return rows, table


def shortlist(run: PriorityRun) -> pd.DataFrame:
    """What the commission can act on: the first ``liste_courte`` bases (``priorites.yml``) whose class is
    a « Priorité … » one, in priority order; columns Rang, Base à ouvrir, Qui la détient (sigle — full name),
    Demandée par (« n répondants (p %) »), Ce qu'il faudrait faire, Classe."""
    rows = run.priorities[run.priorities["classe_priorite"].str.startswith("Priorité")]
    rows = rows.head(data_file("priorites.yml")["liste_courte"])
    return pd.DataFrame({
        "Rang": rows["rang"], "Base à ouvrir": rows["base"],
        "Qui la détient": [f"{g} — {n}" if n and n != g else g for g, n in zip(
            rows["gestionnaire"], rows["gestionnaire_nom_complet"], strict=True)],
        "Demandée par": [f"{n} répondants ({percent(p)})" for n, p in zip(rows["n_repondants"], rows["part_repondants"],
                                                                       strict=True)],
        "Ce qu'il faudrait faire": rows["actions"],
        "Classe": rows["classe_priorite"].str.split(" : ").str[0]})


def to_investigate(run: PriorityRun) -> pd.DataFrame:
    """Requested bases whose openness needs a check rather than a decision: named by at least one
    respondent and either not assessed in 2014 or already open; columns Base, Gestionnaire, Répondants, Classe."""
    rows = run.priorities[run.priorities["niveau_ouverture"].isin(["non_evaluee", "ouverte"])
                          & (run.priorities["n_repondants"] > 0)]
    return pd.DataFrame({"Base": rows["base"], "Gestionnaire": rows["gestionnaire"],
                         "Répondants": rows["n_repondants"], "Classe": rows["classe_priorite"]})


def reading_guide(run: PriorityRun) -> dict[str, str]:
    """Report 05's reading guide: French term → definition (demand and its « forte » threshold, openness
    levels and the partial-score threshold, classes, caveats), with the numbers of ``priorites.yml`` and the
    run, for ``render.html.definitions``."""
    spec = data_file("priorites.yml")
    quantile = decimal(spec["demande"]["quantile_forte"], 2)
    top_share = percent(1 - spec["demande"]["quantile_forte"])
    demand = (f"Nombre de répondants de la consultation ayant nommé la base (rapprochements sûrs seulement, "
              f"un répondant compte une fois ; {count_of(run.analysed, 'réponse analysée', 'réponses analysées')}). "
              f"« Très demandée » : au moins {count_of(run.strong_threshold, 'répondant', 'répondants')}, "
              f"soit les {top_share} des bases demandées "
              f"qui le sont le plus (quantile {quantile}, et au moins {spec['demande']['min_forte']}).")
    return {
        "Demande": demand if asks_for_bases(run) else f"Aucune. {NO_DEMAND}",
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


# --- Opening paths (issue 13): the cheapest openings, usable without any consultation ---------------------------

CHEAP_ROUTES = ("publication", "redevance")


def without_consultation(run: PriorityRun) -> bool:
    """True when the consultation answers are synthetic or absent (no analysed answer), or when its
    questionnaire asked for no base (nothing to join)."""
    return bool(run.consultation.get("synthetique")) or run.analysed == 0 or not asks_for_bases(run)


def _cheapest_route(run: PriorityRun) -> pd.DataFrame:
    """Per base with a path at one level at least: its cheapest path (rules-table order) and the levels
    where it applies (« agrégé », « granulaire » or both)."""
    order = {code: i for i, code in enumerate(labels())}
    table = run.priorities.copy()
    per_level = table[[f"voie_{lv}" for lv in LEVEL_LABELS]].fillna("")
    table["_ordre"] = per_level.apply(lambda r: min((order[v] for v in r if v), default=None), axis=1)
    table = table[table["_ordre"].notna()].copy()
    table["voie"] = table["_ordre"].map(lambda i: list(labels())[int(i)])
    table["niveaux"] = [" et ".join(label.lower() for lv, label in LEVEL_LABELS.items() if row[f"voie_{lv}"] == v)
                        for v, (_, row) in zip(table["voie"], table.iterrows(), strict=True)]
    return table


def cheapest_counts(run: PriorityRun) -> pd.DataFrame:
    """Bases per opening path, each base counted once at its cheapest path over both levels (order
    of the rules table, ``voies_ouverture.yml``): one row per path, zeros kept, then the « Total » (the bases
    evaluated and not open at one level at least: the paths partition them); columns Voie d'ouverture, Bases,
    Qui décide."""
    counts = _cheapest_route(run)["voie"].value_counts()
    rows = [{"Voie d'ouverture": label, "Bases": int(counts.get(code, 0)), "Qui décide": decider_text(code)}
            for code, label in labels().items()]
    rows.append({"Voie d'ouverture": "Total (bases évaluées non ouvertes à un niveau au moins)",
                 "Bases": int(counts.sum()), "Qui décide": ""})
    return pd.DataFrame(rows)


def cheapest(run: PriorityRun) -> pd.DataFrame:
    """Bases whose cheapest path is publication or the fee, path by path; inside a path, by demand with a
    real export, else by the producer's number of such bases (biggest first); then by name."""
    table = _cheapest_route(run)
    table = table[table["voie"].isin(CHEAP_ROUTES)].copy()
    table["_taille"] = table.groupby(["voie", "gestionnaire"])["base_id"].transform("size")
    demand = not without_consultation(run)
    keys = ["_ordre", "n_repondants" if demand else "_taille", "gestionnaire", "base"]
    table = table.sort_values(keys, ascending=[True, False, True, True], kind="stable")
    out = pd.DataFrame({"Voie": table["voie"].map(labels()), "Base": table["base"].map(lambda b: shorten(b, 90)),
                        "Gestionnaire": table["gestionnaire"], "Niveau": table["niveaux"],
                        "Ce qu'il faudrait faire (par niveau)": table["actions"]})
    if demand:
        out["Répondants"] = table["n_repondants"]
    return out.reset_index(drop=True)
