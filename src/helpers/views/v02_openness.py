"""What report 02 (openness by producer and by category) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA, criterion_labels
from helpers.core.config import data_file
from helpers.core.formats import percent, percent_range
from helpers.openness.scoring import weightings, weights
from helpers.steps.s02_openness import OpennessRun

LEVELS = data_file("vocabulaire.yml")["niveaux"]
SHORT = {c: criterion_labels(c, lower=False) for c in CRITERIA}


def headline(run: OpennessRun) -> dict[str, str]:
    scored, bases = run.scored, run.bases
    per_base = run.per_base
    assessed_bases = per_base["base_id"].nunique()
    figures = {"lignes de la cartographie": str(len(bases)), "bases distinctes": str(bases["base_id"].nunique())}
    for level, label in LEVELS.items():
        sub = scored[scored["niveau"] == level].drop_duplicates("base_id")
        figures[f"bases ouvertes — {label.lower()}"] = f"{int(sub['ouvert'].sum())} / {len(sub)}"
    figures["bases ouvertes à l'un des niveaux"] = f"{int(per_base['ouvert_a_un_niveau'].sum())} / {assessed_bases}"
    figures["bases non évaluées (aucun niveau)"] = str(bases["base_id"].nunique() - assessed_bases)
    return figures


def _ranked(run: OpennessRun) -> pd.DataFrame:
    return run.producers[run.producers["classe"]]


def criterion_matrix(run: OpennessRun, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(% at top value, producer × criterion) for ranked producers at one level, and its table."""
    rows = _ranked(run)[_ranked(run)["niveau"] == level].sort_values(["part_ouvertes", "score_moyen"],
                                                                       ascending=False)
    matrix = pd.DataFrame({SHORT[c]: (100 * rows[f"part_{c}_max"]).round(0).astype(int).to_numpy()
                           for c in CRITERIA},
                          index=[f"{g} (n={n})" for g, n in zip(rows["gestionnaire"], rows["n_evaluees"],
                                                                 strict=True)])
    table = matrix.reset_index().rename(columns={"index": "Gestionnaire (bases évaluées)"})
    return matrix, table


def ranking(run: OpennessRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share open with its Wilson interval for ranked producers (both levels), and its table."""
    rows = _ranked(run).copy()
    order = rows.groupby("gestionnaire")["part_ouvertes"].max().sort_values(ascending=False)
    rows["ordre"] = rows["gestionnaire"].map({g: i for i, g in enumerate(order.index)})
    rows = rows.sort_values(["ordre", "niveau"])
    rows["Niveau"] = rows["niveau"].map(LEVELS)
    table = pd.DataFrame({
        "Gestionnaire": rows["gestionnaire"], "Niveau": rows["Niveau"], "Rang": rows["rang"].astype(str),
        "Bases évaluées": rows["n_evaluees"], "Ouvertes": rows["n_ouvertes"],
        "Part ouverte": rows["part_ouvertes"].map(percent),
        "Intervalle à 95 %": [percent_range(lo, hi) for lo, hi in zip(rows["ic_bas"], rows["ic_haut"],
                                                                            strict=True)],
        "Score moyen": rows["score_moyen"],
    })
    return rows, table


def unranked(run: OpennessRun) -> pd.DataFrame:
    """Producers not ranked at a level, one row each, both levels side by side ("–": not ranked there)."""
    producers = run.producers
    names = sorted(set(producers.loc[~producers["classe"], "gestionnaire"]))
    table = pd.DataFrame({"Gestionnaire": names})
    for level, label in LEVELS.items():
        rows = producers[(producers["niveau"] == level) & ~producers["classe"]].set_index("gestionnaire")
        counts = rows["n_ouvertes"].astype(str) + " / " + rows["n_evaluees"].astype(str)
        table[f"Ouvertes / évaluées — {label.lower()}"] = table["Gestionnaire"].map(counts).fillna("–")
        table[f"Score moyen — {label.lower()}"] = table["Gestionnaire"].map(rows["score_moyen"])
    return table


def sensitivity(run: OpennessRun) -> pd.DataFrame:
    rows = _ranked(run).sort_values(["niveau", "rang_min", "gestionnaire"])
    table = {"Gestionnaire": rows["gestionnaire"], "Niveau": rows["niveau"].map(LEVELS)}
    for name, spec in weightings().items():
        table[f"Rang — {spec['libelle']}"] = rows[f"rang_{name}"].astype(str)
    table["Étendue des rangs"] = [f"{a} – {b}" if a != b else f"{a}" for a, b in
                                  zip(rows["rang_min"], rows["rang_max"], strict=True)]
    return pd.DataFrame(table)


def category_matrix(run: OpennessRun, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = run.categories[(run.categories["niveau_typologie"] == 1) & (run.categories["niveau"] == level)]
    matrix = pd.DataFrame({SHORT[c]: (100 * rows[f"part_{c}_max"]).round(0).astype(int).to_numpy() for c in CRITERIA}
                          | {"Ouvertes": (100 * rows["part_ouvertes"]).round(0).astype(int).to_numpy()},
                          index=[f"{t} (n={n})" for t, n in zip(rows["typologie_1"], rows["n_evaluees"],
                                                                 strict=True)])
    return matrix, matrix.reset_index().rename(columns={"index": "Typologie (bases évaluées)"})


def category_detail(run: OpennessRun, typologie_1: str) -> pd.DataFrame:
    rows = run.categories[(run.categories["niveau_typologie"] == 2) & (run.categories["typologie_1"] == typologie_1)]
    return pd.DataFrame({
        "Typologie 2": rows["typologie_2"], "Niveau": rows["niveau"].map(LEVELS), "Bases évaluées": rows["n_evaluees"],
        "Ouvertes": rows["n_ouvertes"], "Part ouverte": rows["part_ouvertes"].map(percent),
        **{f"{SHORT[c]} au maximum": rows[f"part_{c}_max"].map(percent) for c in CRITERIA},
        "Score moyen": rows["score_moyen"],
    })


def level_gap(run: OpennessRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean score per producer at both levels (producers ranked at one level at least, assessed at both)."""
    wide = run.producers.pivot_table(index="gestionnaire", columns="niveau", values="score_moyen")
    wide = wide.reindex(columns=list(LEVELS))
    ranked = set(_ranked(run)["gestionnaire"])
    wide = wide[wide.index.isin(ranked)].dropna().sort_values("granulaire", ascending=False).reset_index()
    table = pd.DataFrame({"Gestionnaire": wide["gestionnaire"], "Score agrégé": wide["agrege"],
                          "Score granulaire": wide["granulaire"],
                          "Écart (granulaire − agrégé)": (wide["granulaire"] - wide["agrege"]).round(1)})
    return wide, table


def combinations(run: OpennessRun) -> pd.DataFrame:
    """How many lines lack which combination of criteria, with the corresponding actions."""
    scored = run.scored[~run.scored["ouvert"] & (run.scored["criteres_manquants"] != "")]
    counts = scored.groupby(["criteres_manquants", "actions", "niveau"]).size().unstack("niveau", fill_value=0)
    counts = counts.reindex(columns=list(LEVELS), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts = counts.sort_values("total", ascending=False).reset_index()
    return pd.DataFrame({
        "Critères manquants": counts["criteres_manquants"].str.split("|").map(
            lambda names: " + ".join(SHORT[c] for c in names)),
        "Ce qu'il faudrait faire": counts["actions"],
        **{f"Lignes — {label.lower()}": counts[level] for level, label in LEVELS.items()},
        "Total": counts["total"],
    })


def quick_wins(scored: pd.DataFrame) -> pd.DataFrame:
    wins = scored[scored["gain_rapide"]].sort_values(["gestionnaire", "base", "niveau"])
    return pd.DataFrame({"Gestionnaire": wins["gestionnaire"], "Base": wins["base"],
                         "Niveau": wins["niveau"].map(LEVELS), "Action": wins["actions"],
                         "Ligne source": wins["ligne_source"]})


def weights_table() -> pd.DataFrame:
    rows = []
    for name, spec in weightings().items():
        w = weights(name)
        rows.append({"Pondération": spec["libelle"], **{SHORT[c]: percent(w[c], 1) for c in CRITERIA},
                     "Source": spec["source"]})
    return pd.DataFrame(rows)


def codes_table() -> pd.DataFrame:
    spec = data_file("vocabulaire.yml")["criteres"]
    return pd.DataFrame([{"Critère": spec[c]["libelle"], "Modalité": label, "Code": code,
                          "Action pour atteindre le maximum": spec[c]["action"] if code < 2 else ""}
                         for c in CRITERIA for label, code in spec[c]["codes"].items()])


def category_details(run: OpennessRun):
    """One table per level-1 category (level-2 detail), as a single HTML block."""
    from IPython.display import HTML

    from helpers.render.html import table_html

    names = run.categories.loc[run.categories["niveau_typologie"] == 1, "typologie_1"].unique()
    return HTML("".join(table_html(category_detail(run, name), f"{name} : détail par typologie 2")
                        for name in names))


def reading_guide(run: OpennessRun) -> dict[str, str]:
    label = weightings()[run.weighting]["libelle"]
    return {
        "Ligne, base": "Une ligne de la cartographie décrit une base sous une typologie. Les agrégats par "
                       "gestionnaire et par typologie comptent des bases : une base listée sur plusieurs lignes "
                       "compte une fois (si ses lignes diffèrent, la moins ouverte est retenue). Une base cogérée "
                       "compte pour chacun de ses gestionnaires.",
        "Ouverte": "Une base est ouverte à un niveau quand ses quatre critères sont à leur valeur maximale : accès "
                   "à tous, gratuit, format exploitable, réutilisation explicitée sans restriction (porte "
                   "d'ouverture de l'Open Definition). Un score de 75 signifie « partiellement ouverte », pas "
                   "« ouverte à 75 % ».",
        "Sans objet, non évalué, inconnu": "Quand l'accès est fermé, coût, format et réutilisation sont sans objet "
                                           "et ne comptent pas comme zéro. Un niveau où aucun critère n'est "
                                           "renseigné est « non évalué » : exclu des dénominateurs. Une valeur hors "
                                           "vocabulaire est « inconnue » : elle n'est jamais convertie en nombre.",
        "Score": f"Moyenne pondérée, sur les critères applicables et connus, du code du critère divisé par 2, "
                 f"ramenée sur 100. Pondération de ce rapport : {label}. Les rangs selon les autres pondérations "
                 f"sont donnés pour juger de la sensibilité du classement.",
        "Intervalle de confiance": "Intervalle de Wilson à 95 % autour de la part de bases ouvertes : avec peu de "
                                   "bases, la part observée est incertaine. Deux gestionnaires dont les intervalles "
                                   "se chevauchent ne sont pas départagés : ils partagent le même rang (rang = 1 + "
                                   "nombre de gestionnaires nettement devant).",
        "Gestionnaires classés": f"Seuls les gestionnaires ayant au moins {run.min_bases_ranked} bases évaluées à "
                                 f"un niveau y sont classés ; les autres sont présentés à part.",
        "Date de l'évaluation": "Les statuts d'ouverture sont ceux de la cartographie (avril 2014, mise à jour du "
                                "6 mai 2014) : ils ne disent rien de l'ouverture actuelle de ces bases.",
        "Limites": "Les critères sont déclaratifs et ne distinguent pas tous les cas (par exemple « Gratuit ou "
                   "payant », codé 1). Les niveaux agrégé et granulaire ne sont pas renseignés pour toutes les bases.",
    }


def level_comparison(run: OpennessRun) -> pd.DataFrame:
    """Bases assessed at both levels: which level is the more open, and by how much on average."""
    both = run.per_base.dropna(subset=["score_agrege", "score_granulaire"])
    gap = both["ecart_granulaire_agrege"]
    rows = [("Bases évaluées aux deux niveaux", len(both)),
            ("… plus ouvertes au niveau agrégé", int((gap < 0).sum())),
            ("… plus ouvertes au niveau granulaire", int((gap > 0).sum())),
            ("… au même score", int((gap == 0).sum())),
            ("Écart moyen de score (granulaire − agrégé)", round(float(gap.mean()), 1) if len(both) else "")]
    return pd.DataFrame(rows, columns=["Indicateur", "Valeur"])
