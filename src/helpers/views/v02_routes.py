"""What report 02 shows in « Ce qu'il faudrait décider »: the opening paths (issue 13) of the non-open lines.

Each assessed, non-open line-level of ``ouverture.csv`` carries a path (``voie_ouverture``) set by the first
matching rule of ``voies_ouverture.yml`` (``helpers.openness.routes``); these functions group, count and label
them in French for reports 02 and 03.
"""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA
from helpers.core.config import data_file
from helpers.openness.routes import decider_text, labels, spec
from helpers.views.v01_clean import shorten
from helpers.views.v02_openness import LEVELS, SHORT


def route_lines(scored: pd.DataFrame) -> pd.DataFrame:
    """Non-open scored lines (ouverture.csv rows) with their path, in the rules table's path order, then
    producer, base and level; adds ``voie`` (French label) and ``niveau_libelle``."""
    order = {code: i for i, code in enumerate(labels())}
    rows = scored[scored["voie_ouverture"].fillna("") != ""].copy()
    rows["_ordre"] = rows["voie_ouverture"].map(order)
    rows["voie"] = rows["voie_ouverture"].map(labels())
    rows["niveau_libelle"] = rows["niveau"].map(LEVELS)
    return rows.sort_values(["_ordre", "gestionnaire", "base", "niveau"]).drop(columns="_ordre")


def route_counts(scored: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lines per path and level: long chart data (Voie, Niveau, Lignes; every path × level, zeros kept)
    and the table behind it (one row per path: who decides, lines per level, with individual data; then the
    « Total » row, the paths partitioning the non-open lines)."""
    rows = route_lines(scored)
    grid = pd.MultiIndex.from_product([list(labels()), list(LEVELS)], names=["voie_ouverture", "niveau"])
    counts = rows.groupby(["voie_ouverture", "niveau"]).size().reindex(grid, fill_value=0)
    data = pd.DataFrame({"Voie": [labels()[v] for v, _ in grid], "Niveau": [LEVELS[lv] for _, lv in grid],
                         "Lignes": counts.to_numpy()})
    private = rows[rows["donnees_individuelles"]].groupby("voie_ouverture").size()
    voies = spec()["voies"]
    table = pd.DataFrame({
        "Voie d'ouverture": [labels()[v] for v in labels()],
        "Ce qu'il faudrait décider": [voies[v]["decision"] for v in labels()],
        "Qui décide": [decider_text(v) for v in labels()],
        **{f"Lignes — {label.lower()}": [int(counts[(v, lv)]) for v in labels()] for lv, label in LEVELS.items()},
        "Dont données individuelles": [int(private.get(v, 0)) for v in labels()],
    })
    total = {"Voie d'ouverture": "Total (lignes évaluées non ouvertes)", "Ce qu'il faudrait décider": "",
             "Qui décide": "", **{column: int(table[column].sum()) for column in table.columns[3:]}}
    return data, pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def _some(names: list[str], shown: int = 5) -> str:
    """The first `shown` names joined by « ; », then « … et N autres » (the full list is in ouverture.csv)."""
    rest = len(names) - shown
    more = f" ; … et {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else ""
    return " ; ".join(names[:shown]) + more


def _by_producer(rows: pd.DataFrame, extra: dict[str, str]) -> pd.DataFrame:
    """Per producer (and `extra` keys, renamed to their values): lines per level and its distinct bases
    (five named at most); biggest producers first."""
    keys = ["gestionnaire", *extra]
    grouped = rows.groupby(keys, sort=False)
    out = grouped.size().rename("lignes").reset_index()
    for level, label in LEVELS.items():
        per_level = rows[rows["niveau"] == level].groupby(keys, sort=False).size()
        out[f"Lignes — {label.lower()}"] = [int(per_level.get(tuple(k) if len(keys) > 1 else k[0], 0))
                                            for k in out[keys].itertuples(index=False)]
    out["Bases"] = [_some(list(dict.fromkeys(shorten(b, 60) for b in sub["base"]))) for _, sub in grouped]
    out = out.sort_values(["lignes", "gestionnaire"], ascending=[False, True], kind="stable")
    return out.drop(columns="lignes").rename(columns={"gestionnaire": "Gestionnaire", **extra})


def publication_list(scored: pd.DataFrame) -> pd.DataFrame:
    """The cheapest openings (path « publication »), one row per producer, most lines first: lines per
    level, the bases, what to publish and the privacy caveat where there is one."""
    rows = route_lines(scored)
    rows = rows[rows["voie_ouverture"] == "publication"]
    out = _by_producer(rows, {})
    todo = rows.groupby("gestionnaire")["actions"].agg(lambda s: " ; ".join(sorted(set(" ; ".join(s).split(" ; ")))))
    caveat = rows.groupby("gestionnaire")["precaution"].agg(lambda s: " ; ".join(sorted(set(s) - {""})))
    out["Ce qu'il faudrait faire"] = out["Gestionnaire"].map(todo)
    out["Précaution"] = out["Gestionnaire"].map(caveat)
    return out.reset_index(drop=True)


def fee_list(scored: pd.DataFrame) -> pd.DataFrame:
    """Lines whose path is the fee (« redevance »): one row per line and level, with who decides."""
    rows = route_lines(scored)
    rows = rows[rows["voie_ouverture"] == "redevance"]
    return pd.DataFrame({"Gestionnaire": rows["gestionnaire"], "Base": rows["base"], "Niveau": rows["niveau_libelle"],
                         "Coût d'accès": rows["cout"], "Ce qu'il faudrait faire": rows["actions"],
                         "Qui décide": rows["decideur"], "Ligne source": rows["ligne_source"]}).reset_index(drop=True)


def access_list(scored: pd.DataFrame) -> pd.DataFrame:
    """Restricted and closed access, one row per producer and path (most lines first): lines per level,
    lines with individual data (decided by the governance body, see the paths table), the reasons read in
    the access comments, the bases."""
    rows = route_lines(scored)
    rows = rows[rows["voie_ouverture"].isin(["acces_restreint", "acces_ferme"])]
    out = _by_producer(rows, {"voie": "Voie"})
    keys = list(zip(out["Gestionnaire"], out["Voie"], strict=True))
    grouped = rows.groupby(["gestionnaire", "voie"])
    private = grouped["donnees_individuelles"].sum()
    reasons = grouped["motif_acces"].agg(lambda s: " ; ".join(dict.fromkeys(
        m for text in s for m in text.split(" ; ") if m)))
    out.insert(4, "Dont données individuelles", [int(private[k]) for k in keys])
    out.insert(5, "Motif lu dans le commentaire", [reasons[k] or "non précisé" for k in keys])
    return out.reset_index(drop=True)


def routes_rules_table() -> pd.DataFrame:
    """The rules table of voies_ouverture.yml in French, in the order they apply (first match wins)."""
    def condition(rule: dict) -> str:
        parts = [f"{data_file('vocabulaire.yml')['criteres'][c]['libelle']} : "
                 + " ou ".join(f"« {v} »" for v in rule[c]) for c in CRITERIA if c in rule]
        if "manque_un_de" in rule:
            parts.append("il manque " + " ou ".join(SHORT[c].lower() for c in rule["manque_un_de"]))
        if rule.get("inconnu"):
            parts.append("un critère au moins non renseigné ou hors vocabulaire")
        return " ; ".join(parts)

    return pd.DataFrame([{"Ordre": i, "Conditions (toutes requises)": condition(rule),
                          "Voie": labels()[rule["voie"]]} for i, rule in enumerate(spec()["regles"], start=1)])


def routes_guide() -> dict[str, str]:
    """Reading-guide entries for the paths: who decides, the privacy word list and its caveats."""
    privacy = spec()["donnees_individuelles"]
    individual = spec()["voies"]["acces_restreint"]["decideur_donnees_individuelles"]
    return {
        "Voie d'ouverture": "Pour chaque ligne évaluée et non ouverte, à chaque niveau, le type de décision que "
                            "son ouverture suppose : la première règle du tableau ci-dessous qui s'applique "
                            "donne la voie. « Gratuit ou payant » compte comme gratuit : une partie des données "
                            "est déjà gratuite. Ni le coût ni le délai ne sont chiffrés.",
        "Données individuelles": "Signalées au niveau granulaire seulement, quand le commentaire d'accès ou les "
                                 "principales données contiennent l'un de ces mots ou débuts de mots (sans tenir "
                                 "compte de la casse ni des accents) : "
                                 + ", ".join(f"« {w} »" for w in privacy["mots"]) + ". Si "
                                 f"l'accès est déjà libre, la voie ne change pas mais la mention « "
                                 f"{privacy['precaution_acces_a_tous']} » s'ajoute ; sinon la décision revient à "
                                 f"{individual}.",
        "Motif de la restriction": "Lu dans le commentaire d'accès quand il le dit (chercheurs, convention, "
                                   "professionnels, données individuelles) ; « non précisé » sinon.",
    }
