"""Priorities (notebook 05): demand levels, openness levels and classes on hand-built frames, then the
table written from a real run of notebooks 01, 02 and 04."""

from __future__ import annotations

import pandas as pd
import pytest
from consultation_helpers import processed_cartography

from helpers.core.config import data_file
from helpers.core.tables import load_table
from helpers.openness import routes, scoring
from helpers.steps.s04_consultation import analyse_consultation
from helpers.steps.s05_priorities import demand_levels, openness_per_base, prioritise, priority_class

OPEN = ("Accès à tous", "Gratuit", "Exploitable", "Explicité sans restriction")
CLOSED = ("Accès fermé", "", "", "")


def _scored(*lines):
    """(ligne_source, base_id, niveau, criteria) -> scored lines as in ouverture.csv."""
    rows = [{"ligne_source": line, "base_id": base, "niveau": level, "evalue": True, "acces": c[0], "cout": c[1],
             "format": c[2], "reutilisation": c[3], "gestionnaires": ("P",), "gestionnaire": "P", "base": base,
             "typologie_1": "T", "typologie_2": "t"} for line, base, level, c in lines]
    scored = scoring.score_lines(pd.DataFrame(rows).assign(commentaire_acces="", donnees=""))
    return scored.join(routes.assign_routes(scored))


def test_openness_per_base_keeps_the_least_open_line_and_says_what_to_do():
    scored = _scored((3, "B1", "agrege", OPEN), (4, "B1", "agrege", ("Accès à tous", "Payant", "Exploitable",
                                                                      "Explicité sans restriction")),
                     (3, "B1", "granulaire", CLOSED), (5, "B2", "granulaire", ("Accès à tous", "Gratuit", "PDF",
                                                                                "Explicité sans restriction")))
    table = openness_per_base(scored).set_index("base_id")
    assert table.loc["B1", "ouvert_agrege"] == False  # noqa: E712 - line 4 (paying) is the least open
    assert table.loc["B1", "score_agrege"] == 75.0 and table.loc["B1", "criteres_manquants_agrege"] == "cout"
    assert table.loc["B1", "meilleur_score"] == 75.0 and not table.loc["B1", "acces_ferme"]
    assert table.loc["B1", "actions"] == ("données agrégées : supprimer la redevance ; "
                                          "données granulaires : ouvrir l'accès")
    assert pd.isna(table.loc["B2", "score_agrege"])  # not assessed at that level
    assert table.loc["B2", "actions"] == "données granulaires : vérifier format (non renseigné ou hors vocabulaire)"
    # The opening path of the least open line at each level (issue 13).
    assert (table.loc["B1", "voie_agrege"], table.loc["B1", "voie_granulaire"]) == ("redevance", "acces_ferme")
    assert table.loc["B2", "voie_granulaire"] == "a_verifier" and pd.isna(table.loc["B2", "voie_agrege"])


def test_demand_levels_use_the_quantile_and_the_floor():
    counts = pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 40], index=[f"B{i}" for i in range(11)])
    levels, threshold = demand_levels(counts)
    assert threshold == 13  # 0.9 quantile of the requested bases (1..9 and 40) is 12.1, rounded up
    assert levels["B0"] == "aucune" and levels["B9"] == "moyenne" and levels["B10"] == "forte"
    few, floor = demand_levels(pd.Series([0, 1, 2], index=["a", "b", "c"]))
    assert floor == 5 and set(few) == {"aucune", "moyenne"}  # never "forte" below 5 respondents


@pytest.mark.parametrize("demand, openness, expected", [
    ("forte", "fermee", "Priorité 1"), ("forte", "partielle", "Priorité 2"), ("moyenne", "fermee", "Priorité 3"),
    ("moyenne", "partielle", "À suivre"), ("forte", "non_evaluee", "À instruire"), ("moyenne", "ouverte", "Déjà"),
    ("aucune", "fermee", "Non demandée")])
def test_priority_classes_follow_the_rules_in_order(demand, openness, expected):
    assert priority_class(demand, openness)[1].startswith(expected)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    processed = processed_cartography(tmp_path_factory.mktemp("priorities") / "processed")
    analyse_consultation(None, None, processed)
    return prioritise(processed)


def test_one_row_per_base_most_requested_and_least_open_first(run):
    table = run.priorities
    bases = load_table(run.processed_dir, "bases")
    assert len(table) == bases["base_id"].nunique() and table["base_id"].is_unique
    assert table["rang"].tolist() == list(range(1, len(table) + 1))
    requests = load_table(run.processed_dir, "consultation_demandes").set_index("base_id")["n_repondants"]
    assert table.set_index("base_id")["n_repondants"].reindex(requests.index).tolist() == requests.tolist()
    assert (table.loc[table["n_repondants"] == 0, "classe_priorite"] == "Non demandée dans la consultation").all()
    order = [c["libelle"] for c in data_file("priorites.yml")["classes"]]
    ranks = table["classe_priorite"].map(order.index)
    assert ranks.is_monotonic_increasing
    first = table[table["classe_priorite"] == table["classe_priorite"].iloc[0]]
    assert first["n_repondants"].is_monotonic_decreasing
    strong = table[table["niveau_demande"] == "forte"]
    assert strong["n_repondants"].min() >= run.strong_threshold >= 5
    saved = load_table(run.processed_dir, "priorites")
    assert saved["base_id"].tolist() == table["base_id"].tolist()


def test_producers_count_each_respondent_once(run):
    producers = run.producers.set_index("gestionnaire")
    owners = load_table(run.processed_dir, "bases").drop_duplicates("base_id")[["base_id", "gestionnaires"]]
    owners = owners.assign(gestionnaire=owners["gestionnaires"].map(list)).explode("gestionnaire")
    per_base = owners.merge(run.priorities[["base_id", "n_repondants"]]).groupby("gestionnaire")["n_repondants"].sum()
    # A respondent naming two bases of the same producer counts once: never more than the sum per base.
    common = per_base.index.intersection(producers.index)
    assert (producers.loc[common, "n_repondants"] <= per_base[common]).all()
    assert (producers.loc[common, "n_repondants"] < per_base[common]).any()  # some named two of its bases
    assert (producers["n_ouvertes"] <= producers["n_evaluees"]).all()


def test_tables_that_partition_the_bases_show_their_total(run):
    """Issue 18 §3: the « voies » table summed to 265 with no total; the classes table likewise."""
    from helpers.views import v05_priorities as view

    routes = view.cheapest_counts(run)
    assert routes.iloc[-1]["Voie d'ouverture"] == "Total (bases évaluées non ouvertes à un niveau au moins)"
    assert routes.iloc[-1]["Bases"] == routes["Bases"].iloc[:-1].sum() > 0
    not_open_somewhere = run.priorities[[f"voie_{level}" for level in ("agrege", "granulaire")]].fillna("") \
        .ne("").any(axis=1).sum()
    assert routes.iloc[-1]["Bases"] == not_open_somewhere
    classes = view.classes(run)
    assert classes.iloc[-1]["Classe"] == "Total (bases de la cartographie)"
    assert classes.iloc[-1]["Bases"] == classes["Bases"].iloc[:-1].sum() == len(run.priorities)


def test_the_demand_takeaway_says_whose_answers_and_when_they_were_sent(run):
    # Quoted alone on the front page or in the synthesis, « 247 des 289 bases … sont demandées » did not say which
    # consultation's answers it counts: an export need not be 2014's.
    import json

    from helpers.views.v05_priorities import takeaways

    facts = json.loads((run.processed_dir / "consultation.json").read_text(encoding="utf-8"))
    assert (facts["premier_jour"], facts["dernier_jour"]) == ("2014-04-04", "2014-04-28")  # the synthetic sample
    demand = next(s for s in takeaways(run) if "sont demandées" in s)
    assert f"sont demandées par au moins un des {run.analysed:,} répondants".replace(",", "\u202f") in demand
    assert "(réponses envoyées du 4 avril 2014 au 28 avril 2014, heure de Paris) ;" in demand
    undated = type(run)(**{**vars(run), "consultation": {**run.consultation, "premier_jour": None}})
    assert "envoyées" not in next(s for s in takeaways(undated) if "sont demandées" in s)
    assert facts["hors_periode_2014"] == 0
    late = type(run)(**{**vars(run), "consultation": {**run.consultation, "hors_periode_2014": 6}})
    assert "heure de Paris, dont 6 hors de la consultation de 2014) ;" in next(
        s for s in takeaways(late) if "sont demandées" in s)
