"""Ranks of report 02 and the fiches on the official file: the point rank follows the share open, its
95 % interval is shown with it, and the sentences quote them right (issue 11 §1)."""

from __future__ import annotations

import pytest

from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness
from helpers.steps.s03_producer_sheet import producer_sheet
from helpers.views import v02_openness as view
from helpers.views import v03_producer_sheet as fiche


@pytest.fixture(scope="module")
def run(real_ods, tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    clean_cartography(real_ods, out)
    return score_openness(out)


def ranked(run, level):
    return run.producers[run.producers["classe"] & (run.producers["niveau"] == level)].set_index("gestionnaire")


def test_no_producer_without_open_bases_is_ranked_above_one_with_open_bases(run):
    for level in ("agrege", "granulaire"):
        table = ranked(run, level)
        closed, opened = table[table["n_ouvertes"] == 0], table[table["n_ouvertes"] > 0]
        assert closed["rang"].min() > opened["rang"].max()
        assert ((table["rang_min"] <= table["rang"]) & (table["rang"] <= table["rang_max"])).all()


def test_official_ranks_and_intervals(run):
    granular, aggregated = ranked(run, "granulaire"), ranked(run, "agrege")
    for name in ("INVS", "ARS", "ATIH", "IDS", "INPES", "IRDES"):
        for table in (granular, aggregated):
            if name in table.index:
                assert table.loc[name, "rang"] != 1, name
    assert granular.loc["DREES", ["rang", "rang_min", "rang_max"]].tolist() == [1, 1, 9]
    # ATIH and IDS (0 of 32 open) are significantly below DREES (3/10): best possible rank 2.
    assert granular.loc["ATIH", ["rang", "rang_min", "rang_max"]].tolist() == [6, 2, 11]
    assert granular.loc["IDS", ["rang", "rang_min", "rang_max"]].tolist() == [8, 2, 11]
    assert granular.loc["ARS", ["rang", "rang_min", "rang_max"]].tolist() == [11, 1, 11]
    assert aggregated.loc["INVS", ["rang", "rang_min", "rang_max"]].tolist() == [3, 1, 4]
    # By mean score: CNAMTS (75.4) is 2nd at the granular level, ARS (31.7) last.
    assert granular.loc["CNAMTS", ["rang_score", "rang_score_min", "rang_score_max"]].tolist() == [2, 1, 9]
    assert granular.loc["ARS", "rang_score"] == 11
    # The weighting range keeps its own name.
    assert granular.loc["ARS", ["rang_ponderation_min", "rang_ponderation_max"]].tolist() == [10, 11]


def test_rank_display_is_never_a_bare_bound(run):
    assert view.rank_text(4, 1, 9) == "4ᵉ (entre 1ᵉʳ et 9ᵉ)"
    assert view.rank_text(1, 1, 1) == "1ᵉʳ (sûr à 95 %)"
    table = view.ranking(run)[1]
    shape = r"\d+ᵉ(ʳ)? \((entre \d+ᵉ(ʳ)? et \d+ᵉ(ʳ)?|sûr à 95 %)\)"
    assert table["Rang (intervalle à 95 %)"].str.fullmatch(shape).all()


def test_the_ars_fiche_card_and_reading(run):
    sheet = producer_sheet(run.processed_dir, "ARS")
    figures = fiche.sheet_figures(sheet)
    assert figures["données granulaires : rang sur 11 gestionnaires classés"] == "11ᵉ (entre 1ᵉʳ et 11ᵉ)"
    assert figures["données granulaires : bases ouvertes"] == "0 sur 5 (0\u202f%)"
    assert fiche.sheet_rank_readings(sheet) == [
        "Données granulaires : 11ᵉ (entre 1ᵉʳ et 11ᵉ) sur 11 selon la part ouverte. Ne peut être distingué "
        "d'aucun des 10 autres gestionnaires classés."]
    atih = fiche.sheet_rank_readings(producer_sheet(run.processed_dir, "ATIH"))
    assert atih[0].endswith("Ne peut être distingué de la plupart des gestionnaires classés (9 sur 10) ; "
                            "nettement derrière 1 gestionnaire.")


def test_share_open_does_not_discriminate_at_the_granular_level(run):
    assert view.share_does_not_discriminate(run) == [
        "Données granulaires : 8 des 11 gestionnaires classés n'ont aucune base ouverte ; la part ouverte ne les "
        "départage pas, le classement par score moyen ci-dessous est le plus informatif."]
    scores = view.score_ranking(run)
    assert scores.iloc[0].tolist()[:3] == ["Données agrégées", "DREES", "1ᵉʳ (entre 1ᵉʳ et 2ᵉ)"]


def test_takeaways_of_report_02_on_the_official_file(run):
    sentences = view.takeaways(run)
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("19 des 279 bases évaluées (6,8\u202f%) sont ouvertes à l'un des niveaux")
    assert sentences[1].startswith("Le verrou le plus fréquent est le critère « Conditions de réutilisation »")
    assert "Données granulaires : DREES est 1ᵉʳ (entre 1ᵉʳ et 9ᵉ) des 11 gestionnaires classés, avec 3 bases " \
           "ouvertes sur 10 (30\u202f%)." in sentences
    cards = view.headline(run)
    assert cards["bases ouvertes à l'un des niveaux"] == "19 sur 279 (6,8\u202f%)"
