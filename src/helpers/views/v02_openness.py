"""What report 02 (openness by producer and by category) shows, as French-labelled frames."""

from __future__ import annotations

import pandas as pd

from helpers.cartography.cleaning import CRITERIA, criterion_labels
from helpers.core.config import data_file
from helpers.core.formats import count_of, decimal, integer, percent, percent_range, share_of, with_mark
from helpers.openness.aggregation import BY_SCORE, BY_SHARE, one_per_base
from helpers.openness.scoring import weightings, weights
from helpers.steps.s02_openness import OpennessRun

LEVELS = data_file("vocabulaire.yml")["niveaux"]
RANKING = data_file("classement.yml")
SHORT = {c: criterion_labels(c, lower=False) for c in CRITERIA}
#: How each ranking rule (``critere_rang``) reads after a rank.
RULE_LABELS = {BY_SHARE: "selon la part des bases ouvertes", BY_SCORE: "selon le score moyen"}
#: The same as a table cell (« Classé selon »).
RULE_NAMES = {BY_SHARE: "part des bases ouvertes", BY_SCORE: "score moyen"}


def score_interval(low: float, high: float) -> str:
    """« 58,3 – 71,0 »: a mean score's 95 % interval with the score's own precision (one decimal), so the score
    never looks outside it; « non calculable (scores identiques) » when every base has the same score (no
    spread: a Student interval of width zero would look certain on as few as five bases)."""
    if pd.isna(low) or pd.isna(high):
        return ""
    if high - low < 1e-9:
        return "non calculable (scores identiques)"
    return f"{decimal(low, 1)} – {decimal(high, 1)}"


def ordinal(n: int) -> str:
    """French ordinal with superscript letters: 1ᵉʳ, 2ᵉ, 11ᵉ."""
    return f"{n}ᵉʳ" if n == 1 else f"{n}ᵉ"


def spans_field(low: object, high: object, n_ranked: int) -> bool:
    """True when the 95 % rank interval [`low`, `high`] covers (nearly) every rank of the `n_ranked` ranked
    groups — at least ``part_rangs_indistincts`` of them (``classement.yml``), with two groups or more: the
    rank then tells the group apart from almost nobody and is not stated as a rank."""
    if pd.isna(low) or pd.isna(high) or n_ranked < 2:
        return False
    return int(high) - int(low) + 1 >= RANKING["part_rangs_indistincts"] * n_ranked


def rank_text(rank: object, low: object, high: object, n_ranked: int) -> str:
    """A rank as it may be quoted alone, always out of `n_ranked`: « 4ᵉ sur 11 (entre 2ᵉ et 7ᵉ) », its 95 %
    rank interval in brackets, never a bare bound; « 1ᵉʳ sur 11 (sûr à 95 %) » when the interval is one rank;
    « non départagé (rang possible : 1 à 9 sur 11) » — no ordinal to copy — when the interval spans the
    field (:func:`spans_field`); empty when not ranked."""
    if pd.isna(rank):
        return ""
    if spans_field(low, high, n_ranked):
        return f"non départagé (rang possible : {int(low)} à {int(high)} sur {n_ranked})"
    if low == high:
        return f"{ordinal(int(rank))} sur {n_ranked} (sûr à 95\u202f%)"
    return f"{ordinal(int(rank))} sur {n_ranked} (entre {ordinal(int(low))} et {ordinal(int(high))})"


def rank_reading(rank_min: int, rank_max: int, n_ranked: int) -> str:
    """One French sentence reading a 95 % rank interval [`rank_min`, `rank_max`] among `n_ranked`
    ranked producers: from how many others the producer cannot be told apart, and ahead of / behind how many it
    clearly is (« la plupart » above ``part_indistincts_plupart`` of ``classement.yml``); for a fiche or a quote."""
    above, below = rank_min - 1, n_ranked - rank_max
    others = n_ranked - 1
    alike = others - above - below
    if alike == others:
        return f"Ne peut être distingué d'aucun des {others} autres gestionnaires classés."
    clear = []
    if below:
        clear.append(f"nettement devant {below} gestionnaire{'s' if below > 1 else ''}")
    if above:
        clear.append(f"nettement derrière {above} gestionnaire{'s' if above > 1 else ''}")
    most = alike > RANKING["part_indistincts_plupart"] * others
    start = (f"Ne peut être distingué de la plupart des gestionnaires classés ({alike} sur {others})" if most
             else f"Ne peut être distingué que de {alike} des {others} autres gestionnaires classés")
    return f"{start} ; {' et '.join(clear)}."


def ranked_at(run: OpennessRun, level: str) -> pd.DataFrame:
    """Ranked producers (``classe``) at one `level` (``agrege`` or ``granulaire``): rows of
    ``ouverture_par_gestionnaire`` with all its columns, sorted by point rank (``rang``), then name."""
    rows = run.producers[run.producers["classe"] & (run.producers["niveau"] == level)]
    return rows.sort_values(["rang", "gestionnaire"])


def level_rule(producers: pd.DataFrame, level: str) -> str:
    """The ranking rule (``critere_rang``: ``part_ouverte`` or ``score_moyen``) of the ranked producers of
    `producers` (``ouverture_par_gestionnaire`` rows) at `level`, as notebook 02 decided it; "" when none is
    ranked there."""
    rules = producers.loc[producers["classe"] & (producers["niveau"] == level), "critere_rang"].unique()
    return str(rules[0]) if len(rules) else ""


def ranking_rules(run: OpennessRun) -> list[str]:
    """One French sentence per level with ranked producers saying by which rule they are ranked, and why
    when it is the mean score (more than ``part_sans_ouverture_max`` of them have no open base); written to
    stand alone (quoted on the front page)."""
    sentences = []
    for level, label in LEVELS.items():
        rows = ranked_at(run, level)
        if rows.empty:
            continue
        closed = int((rows["n_ouvertes"] == 0).sum())
        if level_rule(run.producers, level) == BY_SCORE:
            sentences.append(f"{label} : {closed} des {len(rows)} gestionnaires classés n'ont aucune base ouverte ; "
                             f"la part de bases ouvertes ne les départage pas : ils sont classés selon le score "
                             f"moyen de leurs bases (0 à 100).")
        else:
            sentences.append(f"{label} : les {len(rows)} gestionnaires classés le sont selon la part de leurs bases "
                             f"ouvertes (à part égale, selon le score moyen).")
    return sentences


def measure_text(row: pd.Series, rule: str) -> str:
    """What a producer's rank at one level rests on, in words: « 6 bases ouvertes sur 19, soit 32 % », preceded
    by « score moyen 77,9 sur 100 ; » under the score rule."""
    share = (f"{count_of(row['n_ouvertes'], 'base ouverte', 'bases ouvertes')} sur {integer(row['n_evaluees'])}, "
             f"soit {percent(row['part_ouvertes'])}")
    return f"score moyen {decimal(row['score_moyen'], 1)} sur 100 ; {share}" if rule == BY_SCORE else share


def headline(run: OpennessRun) -> dict[str, str]:
    """Headline cards of report 02: label → « k sur n (p %) » (counts of distinct bases, each level of a base
    taken at its least open line, as in the aggregates)."""
    bases = run.bases
    per_base = run.per_base
    assessed_bases = per_base["base_id"].nunique()
    distinct = bases["base_id"].nunique()
    figures = {"lignes de la cartographie": str(len(bases)), "bases distinctes": str(distinct)}
    least_open = one_per_base(run.scored, [])
    for level, label in LEVELS.items():
        sub = least_open[least_open["niveau"] == level]
        figures[f"bases ouvertes — {label.lower()}"] = share_of(int(sub["ouvert"].sum()), len(sub))
    figures["bases ouvertes à l'un des niveaux"] = share_of(int(per_base["ouvert_a_un_niveau"].sum()),
                                                              assessed_bases)
    figures["bases non évaluées (aucun niveau)"] = share_of(distinct - assessed_bases, distinct)
    return figures


def main_lock(run: OpennessRun) -> tuple[str, int, int]:
    """The criterion most often below its top value among the assessed bases open at no level: (its French
    label, how many of these bases lack it at one assessed level at least, how many such bases). Counts
    bases (each level of a base taken at its least open line, as the aggregates), like the other sentences."""
    closed_ids = run.per_base.loc[~run.per_base["ouvert_a_un_niveau"].astype(bool), "base_id"]
    rows = one_per_base(run.scored, [])
    rows = rows[rows["base_id"].isin(closed_ids) & (rows["criteres_manquants"] != "")]
    lacking = rows.assign(critere=rows["criteres_manquants"].str.split("|")).explode("critere")
    counts = lacking.groupby("critere")["base_id"].nunique().sort_values(ascending=False, kind="stable")
    labels = data_file("vocabulaire.yml")["criteres"]
    return labels[counts.index[0]]["libelle"], int(counts.iloc[0]), int(closed_ids.nunique())


def top_sentence(run: OpennessRun, level: str) -> str:
    """The sentence on the first ranked producer of `level`: its rank (out of how many, by which rule, with
    its 95 % interval) and the share or score it rests on; when its interval spans the field
    (:func:`spans_field`), that it cannot be told apart from the others, with its share — no rank to quote.
    "" when nobody is ranked at `level`."""
    rows = ranked_at(run, level)
    if rows.empty:
        return ""
    top, n, rule, label = rows.iloc[0], len(rows), level_rule(run.producers, level), LEVELS[level]
    if spans_field(top["rang_min"], top["rang_max"], n):
        highest = "le score moyen le plus élevé" if rule == BY_SCORE else "la part de bases ouvertes la plus élevée"
        whom = "d'aucun d'entre eux" if top["rang_max"] == n else "de la plupart d'entre eux"
        return (f"{label} : {top['gestionnaire']} a {highest} des {n} gestionnaires classés "
                f"({measure_text(top, rule)}), mais ne peut être départagé {whom} : à 95\u202f%, son rang peut aller "
                f"de {int(top['rang_min'])} à {int(top['rang_max'])} sur {n}.")
    return (f"{label} : {top['gestionnaire']} est {rank_text(top['rang'], top['rang_min'], top['rang_max'], n)} "
            f"{RULE_LABELS[rule]}, avec {measure_text(top, rule)}.")


def takeaways(run: OpennessRun) -> list[str]:
    """« Ce qu'il faut retenir » of report 02: 3–5 French sentences computed from the run, each counting
    bases and saying so, each written to stand alone (the front page quotes them: no « ci-dessous »)."""
    per_base = run.per_base
    opened, assessed = int(per_base["ouvert_a_un_niveau"].sum()), per_base["base_id"].nunique()
    not_assessed = run.bases["base_id"].nunique() - assessed
    sentences = [f"{opened} des {assessed} bases évaluées ({percent(opened / assessed)}) sont ouvertes à l'un des "
                 f"niveaux au moins (les quatre critères à leur valeur maximale) ; {not_assessed} bases ne sont "
                 f"évaluées à aucun niveau."]
    lock, lacking, closed = main_lock(run)
    sentences.append(f"Le verrou le plus fréquent est le critère « {lock} » : il manque à {lacking} des {closed} "
                     f"bases évaluées qui ne sont ouvertes à aucun niveau ({percent(lacking / closed)}), à l'un "
                     f"de leurs niveaux au moins.")
    sentences += [s for s in (top_sentence(run, level) for level in LEVELS) if s]
    sentences += [s for s in ranking_rules(run) if "score moyen de leurs bases" in s][:1]
    wins = int(run.scored.loc[run.scored["gain_rapide"], "base_id"].nunique())
    if len(sentences) < 5:
        sentences.append(f"{count_of(wins, 'base est', 'bases sont')}, à un niveau au moins, à un seul critère de "
                         f"l'ouverture (gains rapides).")
    return with_mark(sentences[:5], data_file("mentions_synthetiques.yml")["marque"]["cartographie"]
                     if run.synthetic else "")


def _ranked(run: OpennessRun) -> pd.DataFrame:
    return run.producers[run.producers["classe"]]


def criterion_matrix(run: OpennessRun, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-criterion openness of the ranked producers at one `level`.

    Returns
    -------
    matrix : DataFrame
        Producer × criterion, the % (0–100, rounded integers) of assessed bases at the criterion's top value;
        index « <producer> (n=<bases assessed>) », in rank order (``rang``, then name); for a heat map.
    table : DataFrame
        The same with the index as a first column « Gestionnaire (bases évaluées) »."""
    rows = ranked_at(run, level)
    matrix = pd.DataFrame({SHORT[c]: (100 * rows[f"part_{c}_max"]).round(0).astype(int).to_numpy()
                           for c in CRITERIA},
                          index=[f"{g} (n={n})" for g, n in zip(rows["gestionnaire"], rows["n_evaluees"],
                                                                 strict=True)])
    table = matrix.reset_index().rename(columns={"index": "Gestionnaire (bases évaluées)"})
    return matrix, table


def ranking(run: OpennessRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranked producers, both levels, under each level's one ranking rule.

    Returns
    -------
    rows : DataFrame
        Ranked rows of ``ouverture_par_gestionnaire`` (both levels, producers ordered by their best share
        open) plus ``ordre`` and ``Niveau`` (French label): the chart data of the shares open.
    table : DataFrame
        One row per producer × level, by level then rank: Niveau, Gestionnaire, Rang (intervalle à 95 %)
        (:func:`rank_text`, out of the level's ranked producers), Classé selon (the level's rule), Bases
        évaluées, Bases ouvertes, Part ouverte and its Wilson 95 % interval (French percentages), Score moyen
        and its Student 95 % interval."""
    rows = _ranked(run).copy()
    order = rows.groupby("gestionnaire")["part_ouvertes"].max().sort_values(ascending=False)
    rows["ordre"] = rows["gestionnaire"].map({g: i for i, g in enumerate(order.index)})
    rows = rows.sort_values(["ordre", "niveau"])
    rows["Niveau"] = rows["niveau"].map(LEVELS)
    ranked = pd.concat([ranked_at(run, level) for level in LEVELS])
    sizes = ranked.groupby("niveau").size()
    table = pd.DataFrame({
        "Niveau": ranked["niveau"].map(LEVELS), "Gestionnaire": ranked["gestionnaire"],
        "Rang (intervalle à 95 %)": [rank_text(r, lo, hi, int(sizes[lv])) for r, lo, hi, lv in
                                     zip(ranked["rang"], ranked["rang_min"], ranked["rang_max"], ranked["niveau"],
                                         strict=True)],
        "Classé selon": ranked["critere_rang"].map(RULE_NAMES),
        "Bases évaluées": ranked["n_evaluees"], "Bases ouvertes": ranked["n_ouvertes"],
        "Part ouverte": ranked["part_ouvertes"].map(percent),
        "Part ouverte : intervalle à 95 %": [percent_range(lo, hi) for lo, hi in
                                             zip(ranked["ic_bas"], ranked["ic_haut"], strict=True)],
        "Score moyen": ranked["score_moyen"],
        "Score moyen : intervalle à 95 %": [score_interval(lo, hi) for lo, hi in
                                            zip(ranked["score_ic_bas"], ranked["score_ic_haut"], strict=True)],
    })
    return rows, table


def share_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the chart of shares open (`rows`: :func:`ranking`'s chart data, in its order):
    Gestionnaire, Niveau, Bases évaluées, Bases ouvertes, Part ouverte and its Wilson 95 % interval."""
    return pd.DataFrame({
        "Gestionnaire": rows["gestionnaire"], "Niveau": rows["Niveau"], "Bases évaluées": rows["n_evaluees"],
        "Bases ouvertes": rows["n_ouvertes"], "Part ouverte": rows["part_ouvertes"].map(percent),
        "Intervalle à 95 %": [percent_range(lo, hi) for lo, hi in zip(rows["ic_bas"], rows["ic_haut"], strict=True)]})


def unranked(run: OpennessRun) -> pd.DataFrame:
    """Producers not ranked at one level at least (fewer assessed bases than ``min_bases_ranked``):
    one row per producer, alphabetical; per level, « Bases ouvertes / évaluées — <niveau> » (« k / n », « – »
    when ranked or not assessed there) and « Score moyen — <niveau> » (0–100, empty likewise)."""
    producers = run.producers
    names = sorted(set(producers.loc[~producers["classe"], "gestionnaire"]))
    table = pd.DataFrame({"Gestionnaire": names})
    for level, label in LEVELS.items():
        rows = producers[(producers["niveau"] == level) & ~producers["classe"]].set_index("gestionnaire")
        counts = rows["n_ouvertes"].astype(str) + " / " + rows["n_evaluees"].astype(str)
        table[f"Bases ouvertes / évaluées — {label.lower()}"] = table["Gestionnaire"].map(counts).fillna("–")
        table[f"Score moyen — {label.lower()}"] = table["Gestionnaire"].map(rows["score_moyen"])
    return table


def sensitivity(run: OpennessRun) -> pd.DataFrame:
    """How much the ranks depend on the weighting: one row per ranked producer × level; columns Gestionnaire,
    Niveau, « Rang ponctuel — <pondération> » (« r sur N ») for each weighting of ``ponderations.yml`` (equal,
    GODI 2014, GODI 2016, Open Data Barometer; the level's rule with that weighting's mean score, « (retenue) »
    marking the report's own, equal to its rank) and Étendue des rangs (best to worst rank over them)."""
    rows = _ranked(run).sort_values(["niveau", "rang", "gestionnaire"])
    sizes = rows.groupby("niveau").size()
    table = {"Gestionnaire": rows["gestionnaire"], "Niveau": rows["niveau"].map(LEVELS)}
    for name, spec in weightings().items():
        chosen = " (retenue)" if name == run.weighting else ""
        table[f"Rang ponctuel — {spec['libelle']}{chosen}"] = [f"{r} sur {sizes[lv]}" for r, lv in
                                                      zip(rows[f"rang_{name}"], rows["niveau"], strict=True)]
    table["Étendue des rangs"] = [f"{a} à {b} sur {sizes[lv]}" if a != b else f"{a} sur {sizes[lv]}" for a, b, lv in
                                  zip(rows["rang_ponderation_min"], rows["rang_ponderation_max"], rows["niveau"],
                                      strict=True)]
    return pd.DataFrame(table)


def category_matrix(run: OpennessRun, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-criterion openness of the level-1 categories at one `level`.

    Returns
    -------
    matrix : DataFrame
        Category × (four criteria + Ouvertes): % (0–100, rounded integers) of assessed bases at the top value,
        and open; index « <typologie 1> (n=<bases assessed>) ».
    table : DataFrame
        The same with the index as a first column « Typologie (bases évaluées) »."""
    rows = run.categories[(run.categories["niveau_typologie"] == 1) & (run.categories["niveau"] == level)]
    matrix = pd.DataFrame({SHORT[c]: (100 * rows[f"part_{c}_max"]).round(0).astype(int).to_numpy() for c in CRITERIA}
                          | {"Ouvertes": (100 * rows["part_ouvertes"]).round(0).astype(int).to_numpy()},
                          index=[f"{t} (n={n})" for t, n in zip(rows["typologie_1"], rows["n_evaluees"],
                                                                 strict=True)])
    return matrix, matrix.reset_index().rename(columns={"index": "Typologie (bases évaluées)"})


def category_detail(run: OpennessRun, typologie_1: str) -> pd.DataFrame:
    """Level-2 detail of one level-1 category (`typologie_1`), one row per level-2 category ×
    level; columns Typologie 2, Niveau, Bases évaluées, Ouvertes, Part ouverte, « <critère> au maximum »
    (French percentages), Score moyen. Empty frame for an unknown category."""
    rows = run.categories[(run.categories["niveau_typologie"] == 2) & (run.categories["typologie_1"] == typologie_1)]
    return pd.DataFrame({
        "Typologie 2": rows["typologie_2"], "Niveau": rows["niveau"].map(LEVELS), "Bases évaluées": rows["n_evaluees"],
        "Ouvertes": rows["n_ouvertes"], "Part ouverte": rows["part_ouvertes"].map(percent),
        **{f"{SHORT[c]} au maximum": rows[f"part_{c}_max"].map(percent) for c in CRITERIA},
        "Score moyen": rows["score_moyen"],
    })


def level_gap(run: OpennessRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean score (0–100) per producer at both levels, for producers ranked at one level at least and
    assessed at both.

    Returns
    -------
    wide : DataFrame
        Columns gestionnaire, agrege, granulaire; highest granular score first (chart data).
    table : DataFrame
        Gestionnaire, Score agrégé, Score granulaire, Écart (granulaire − agrégé) rounded to 0.1."""
    wide = run.producers.pivot_table(index="gestionnaire", columns="niveau", values="score_moyen")
    wide = wide.reindex(columns=list(LEVELS))
    ranked = set(_ranked(run)["gestionnaire"])
    wide = wide[wide.index.isin(ranked)].dropna().sort_values("granulaire", ascending=False).reset_index()
    table = pd.DataFrame({"Gestionnaire": wide["gestionnaire"], "Score agrégé": wide["agrege"],
                          "Score granulaire": wide["granulaire"],
                          "Écart (granulaire − agrégé)": (wide["granulaire"] - wide["agrege"]).round(1)})
    return wide, table


def combinations(run: OpennessRun) -> pd.DataFrame:
    """Which criteria keep the non-open lines closed: one row per combination of missing criteria
    (most frequent first), then a « Total » row; columns Critères manquants (« Accès + Coût »…), Ce qu'il
    faudrait faire, « Lignes — <niveau> » per level, « Total (lignes × niveaux) ». Counts line-levels of
    ``ouverture.csv`` (a line counts at each level where it is assessed and not open), not distinct bases."""
    scored = run.scored[~run.scored["ouvert"] & (run.scored["criteres_manquants"] != "")]
    counts = scored.groupby(["criteres_manquants", "actions", "niveau"]).size().unstack("niveau", fill_value=0)
    counts = counts.reindex(columns=list(LEVELS), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts = counts.sort_values("total", ascending=False).reset_index()
    table = pd.DataFrame({
        "Critères manquants": counts["criteres_manquants"].str.split("|").map(
            lambda names: " + ".join(SHORT[c] for c in names)),
        "Ce qu'il faudrait faire": counts["actions"],
        **{f"Lignes — {label.lower()}": counts[level] for level, label in LEVELS.items()},
        "Total (lignes × niveaux)": counts["total"],
    })
    total = {"Critères manquants": "Total", "Ce qu'il faudrait faire": "",
             **{column: int(table[column].sum()) for column in table.columns[2:]}}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def quick_wins(scored: pd.DataFrame) -> pd.DataFrame:
    """Quick wins: the line-levels of `scored` (``ouverture.csv`` rows) one criterion away from open
    (``gain_rapide``), sorted by producer, base and level; columns Gestionnaire, Base, Niveau, Action, Ligne
    source."""
    wins = scored[scored["gain_rapide"]].sort_values(["gestionnaire", "base", "niveau"])
    return pd.DataFrame({"Gestionnaire": wins["gestionnaire"], "Base": wins["base"],
                         "Niveau": wins["niveau"].map(LEVELS), "Action": wins["actions"],
                         "Ligne source": wins["ligne_source"]})


def weights_table() -> pd.DataFrame:
    """The criteria weights of each weighting in ``ponderations.yml`` (equal, GODI 2014, GODI 2016,
    Open Data Barometer): one row per weighting; columns Pondération, one per criterion (French percentage,
    one decimal) and Source (the index's published methodology, or the project's default)."""
    rows = []
    for name, spec in weightings().items():
        w = weights(name)
        rows.append({"Pondération": spec["libelle"], **{SHORT[c]: percent(w[c], 1) for c in CRITERIA},
                     "Source": spec["source"]})
    return pd.DataFrame(rows)


def codes_table() -> pd.DataFrame:
    """The ordinal codes of the criteria's official values (``vocabulaire.yml``): one row per criterion ×
    value; columns Critère, Modalité, Code (0–2, 2 = most open) and the action that reaches the top value
    (empty at code 2)."""
    spec = data_file("vocabulaire.yml")["criteres"]
    return pd.DataFrame([{"Critère": spec[c]["libelle"], "Modalité": label, "Code": code,
                          "Action pour atteindre le maximum": spec[c]["action"] if code < 2 else ""}
                         for c in CRITERIA for label, code in spec[c]["codes"].items()])


def category_details(run: OpennessRun) -> list[tuple[pd.DataFrame, str]]:
    """One table per level-1 category: (its ``category_detail``, its caption), for ``render.html.tables``."""
    names = run.categories.loc[run.categories["niveau_typologie"] == 1, "typologie_1"].unique()
    return [(category_detail(run, name), f"{name} : détail par typologie 2") for name in names]


def reading_guide(run: OpennessRun) -> dict[str, str]:
    """Report 02's reading guide: French term → definition (line and base, open — the Open Definition's
    gate —, not assessed and unknown, score and the chosen weighting, Wilson and Student intervals, ranks
    and their 95 % intervals, ranked producers, assessment date, limits), for ``render.html.definitions``."""
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
        "Intervalle de confiance": "Intervalle de Wilson à 95 % autour de la part de bases ouvertes, intervalle "
                                   "de Student à 95 % autour du score moyen : avec peu de bases, la valeur "
                                   "observée est incertaine.",
        "Rang": f"Une seule règle de classement par niveau, la même dans ce rapport, les fiches, la page "
                f"d'accueil et les fichiers : l'ordre de la part de bases ouvertes (à part égale, du score moyen), "
                f"sauf quand plus de {percent(RANKING['part_sans_ouverture_max'])} des gestionnaires classés d'un "
                f"niveau n'ont aucune base ouverte : la part ne les départage pas et ils sont classés selon le score "
                f"moyen. « 4ᵉ sur 11 (entre 2ᵉ et 7ᵉ) » se lit « 4ᵉ des 11 gestionnaires classés, mais à 95 % "
                f"quelque part entre le 2ᵉ et le 7ᵉ rang ». L'intervalle de rang vient de la comparaison deux à "
                f"deux des intervalles de confiance (de la part ou du score, selon la règle) : meilleur rang possible "
                f"= 1 + nombre de gestionnaires dont l'intervalle est entièrement au-dessus, moins bon rang possible "
                f"= nombre de gestionnaires classés − nombre de ceux dont l'intervalle est entièrement au-dessous. "
                f"Quand cet intervalle couvre au moins {percent(RANKING['part_rangs_indistincts'])} des rangs, le "
                f"rang n'est pas donné : « non départagé (rang possible : 1 à 9 sur 11) ». Un groupe dont toutes "
                f"les bases ont le même score a un intervalle de score réduit à ce score.",
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
