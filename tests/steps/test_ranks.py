"""Ranks of report 02 and the fiches on the official file: one ranking rule per level, decided once (issue
18 §1) — when most ranked producers have no open base, the mean score ranking *is* the ranking —, its 95 %
interval shown with it and out of how many (issue 11 §1), and no rank stated when that interval spans the
field (issue 18 §2)."""

from __future__ import annotations

import pytest

from helpers.openness.aggregation import BY_SCORE, BY_SHARE
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness
from helpers.steps.s03_producer_sheet import producer_sheet
from helpers.views import v02_openness as view
from helpers.views import v03_producer_sheet as fiche


@pytest.fixture(scope="module")
def processed(real_ods, tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    clean_cartography(real_ods, out)
    return out


@pytest.fixture(scope="module")
def run(processed):
    return score_openness(processed)


def ranked(run, level):
    return run.producers[run.producers["classe"] & (run.producers["niveau"] == level)].set_index("gestionnaire")


def test_one_rule_per_level_decided_once(run):
    granular, aggregated = ranked(run, "granulaire"), ranked(run, "agrege")
    # 8 of the 11 producers ranked at the granular level have no open base: the share open does not separate
    # them, they are ranked by mean score; at the aggregated level 2 of 4 have none: by share open.
    assert set(granular["critere_rang"]) == {BY_SCORE}
    assert set(aggregated["critere_rang"]) == {BY_SHARE}
    assert (run.producers.loc[~run.producers["classe"], "critere_rang"] == "").all()
    for table in (granular, aggregated):
        assert ((table["rang_min"] <= table["rang"]) & (table["rang"] <= table["rang_max"])).all()
        assert (table["rang"] == table["rang_equal"]).all()  # the report's weighting ranks as the rank itself
    # By share open at the aggregated level: no producer without open bases above one with open bases.
    closed, opened = aggregated[aggregated["n_ouvertes"] == 0], aggregated[aggregated["n_ouvertes"] > 0]
    assert closed["rang"].min() > opened["rang"].max()


def test_official_ranks_and_intervals(run):
    granular, aggregated = ranked(run, "granulaire"), ranked(run, "agrege")
    columns = ["rang", "rang_min", "rang_max"]
    # Report 02 said ATIH is 4th (between 1st and 9th) by mean score; its fiche said 6th by share: one rank now.
    assert granular.loc["ATIH", columns].tolist() == [4, 1, 9]
    assert granular.loc["DREES", columns].tolist() == [1, 1, 10]
    assert granular.loc["CNAMTS", columns].tolist() == [2, 1, 9]
    assert granular.loc["IDS", columns].tolist() == [8, 7, 11]
    assert granular.loc["ARS", columns].tolist() == [11, 1, 11]
    assert aggregated.loc["DREES", columns].tolist() == [1, 1, 4]
    assert aggregated.loc["INVS", columns].tolist() == [3, 1, 4]
    assert granular.loc["ARS", ["rang_ponderation_min", "rang_ponderation_max"]].tolist() == [10, 11]
    for column in ("rang_score", "rang_score_min", "rang_score_max"):  # no second ranking to quote
        assert column not in run.producers


def test_the_weighting_moves_the_score_ranks_and_the_csv_says_which(real_ods, tmp_path):
    processed = tmp_path / "processed"  # its own tables: the module's stay at the default weighting
    clean_cartography(real_ods, processed)
    godi = score_openness(processed, weighting="godi_2016")
    granular = ranked(godi, "granulaire")
    assert granular.loc["INPES", ["rang", "rang_min", "rang_max"]].tolist() == [2, 1, 7]
    assert (granular["rang"] == granular["rang_godi_2016"]).all()
    assert set(godi.producers["ponderation"]) == {"godi_2016"}
    assert set(godi.producers["min_bases_classe"]) == {5}
    assert fiche.sheet_settings(producer_sheet(processed, "INPES")) == [
        "Pondération : Global Open Data Index 2016 (défaut : Poids égaux)"]


def test_rank_display_is_never_a_bare_bound_nor_a_field_wide_rank(run):
    assert view.rank_text(4, 2, 7, 11) == "4ᵉ sur 11 (entre 2ᵉ et 7ᵉ)"
    assert view.rank_text(1, 1, 1, 11) == "1ᵉʳ sur 11 (sûr à 95\u202f%)"
    assert view.rank_text(1, 1, 4, 4) == "non départagé (rang possible : 1 à 4 sur 4)"
    assert view.rank_text(4, 1, 9, 11) == "non départagé (rang possible : 1 à 9 sur 11)"  # 9 of 11 ranks
    assert view.rank_text(10, 4, 11, 11) == "10ᵉ sur 11 (entre 4ᵉ et 11ᵉ)"  # 8 of 11: below three quarters
    assert view.rank_text(1, 1, 3, 4) == "non départagé (rang possible : 1 à 3 sur 4)"  # nearly every rank
    assert view.rank_text(1, 1, 1, 1) == "1ᵉʳ sur 1 (sûr à 95\u202f%)"
    table = view.ranking(run)[1]
    shape = (r"\d+ᵉ(ʳ)? sur \d+ \((entre \d+ᵉ(ʳ)? et \d+ᵉ(ʳ)?|sûr à 95\u202f%)\)"
             r"|non départagé \(rang possible : \d+ à \d+ sur \d+\)")
    assert table["Rang (intervalle à 95 %)"].str.fullmatch(shape).all()
    atih = table[(table["Gestionnaire"] == "ATIH") & (table["Niveau"] == "Données granulaires")].iloc[0]
    assert atih["Rang (intervalle à 95 %)"] == "non départagé (rang possible : 1 à 9 sur 11)"
    assert atih["Classé selon"] == "score moyen"
    ids = table[(table["Gestionnaire"] == "IDS")].iloc[0]
    assert ids["Rang (intervalle à 95 %)"] == "8ᵉ sur 11 (entre 7ᵉ et 11ᵉ)"


def test_the_atih_fiche_shows_report_02s_rank(run):
    sheet = producer_sheet(run.processed_dir, "ATIH")
    figures = fiche.sheet_figures(sheet)
    assert figures["données granulaires : rang selon le score moyen"] == "non départagé (rang possible : 1 à 9 sur 11)"
    assert figures["données granulaires : bases ouvertes"] == "0 sur 32 (0\u202f%)"
    assert figures["données agrégées : rang selon la part des bases ouvertes"] == \
        "non classé (moins de 5 bases évaluées)"
    assert fiche.sheet_rank_readings(sheet) == [
        "Données granulaires, classement selon le score moyen (score moyen 71,5 sur 100 ; 0 base ouverte sur 32, "
        "soit 0\u202f%) : non départagé (rang possible : 1 à 9 sur 11). Ne peut être distingué de la plupart des "
        "gestionnaires classés (8 sur 10) ; nettement devant 2 gestionnaires."]
    place = fiche.sheet_place(sheet).set_index("Niveau")
    assert place.loc["Données granulaires", "Rang (intervalle à 95 %)"] == \
        "non départagé (rang possible : 1 à 9 sur 11)"
    assert place.loc["Données granulaires", "Classé selon"] == "score moyen"
    assert place.loc["Données agrégées", "Rang (intervalle à 95 %)"] == "non classé"
    assert fiche.sheet_settings(sheet) == []  # default weighting and threshold: nothing to name
    # The per-base table counts what the cards count: one row per base and level, its least open line.
    bases = fiche.sheet_bases(sheet)
    assert len(bases) == 2 * 34
    for level, (opened, assessed) in {"Données agrégées": (0, 3), "Données granulaires": (0, 32)}.items():
        rows = bases[bases["Niveau"] == level]
        assert ((rows["Ouverte"] == "oui").sum(), (rows["Ouverte"] != "non évalué").sum()) == (opened, assessed)


def test_the_ars_fiche_card_and_reading(run):
    sheet = producer_sheet(run.processed_dir, "ARS")
    figures = fiche.sheet_figures(sheet)
    assert figures["données granulaires : rang selon le score moyen"] == "non départagé (rang possible : 1 à 11 sur 11)"
    assert fiche.sheet_rank_readings(sheet)[0].endswith(
        ": non départagé (rang possible : 1 à 11 sur 11). Ne peut être distingué d'aucun des 10 autres "
        "gestionnaires classés.")


def test_ranking_rules_are_stated_without_pointing_elsewhere(run):
    assert view.ranking_rules(run) == [
        "Données agrégées : les 4 gestionnaires classés le sont selon la part de leurs bases ouvertes (à part "
        "égale, selon le score moyen).",
        "Données granulaires : 8 des 11 gestionnaires classés n'ont aucune base ouverte ; la part de bases "
        "ouvertes ne les départage pas : ils sont classés selon le score moyen de leurs bases (0 à 100)."]


def test_takeaways_of_report_02_on_the_official_file(run):
    sentences = view.takeaways(run)
    assert 3 <= len(sentences) <= 5
    assert sentences[0].startswith("19 des 279 bases évaluées (6,8\u202f%) sont ouvertes à l'un des niveaux")
    # In bases like the sentence before it (it counted 208 of 318 line × level evaluations): 279 − 19 = 260.
    assert sentences[1] == ("Le verrou le plus fréquent est le critère « Conditions de réutilisation » : il manque à "
                            "169 des 260 bases évaluées qui ne sont ouvertes à aucun niveau (65\u202f%), à l'un "
                            "de leurs niveaux au moins.")
    # DREES's interval spans the 4 ranks: no « DREES est 1ᵉʳ » to copy, the share instead.
    assert ("Données agrégées : DREES a la part de bases ouvertes la plus élevée des 4 gestionnaires classés (6 bases "
            "ouvertes sur 19, soit 32\u202f%), mais ne peut être départagé d'aucun d'entre eux : à 95\u202f%, son rang "
            "peut aller de 1 à 4 sur 4.") in sentences
    assert ("Données granulaires : DREES a le score moyen le plus élevé des 11 gestionnaires classés (score moyen "
            "77,9 sur 100 ; 3 bases ouvertes sur 10, soit 30\u202f%), mais ne peut être départagé de la plupart "
            "d'entre eux : à 95\u202f%, son rang peut aller de 1 à 10 sur 11.") in sentences
    for sentence in sentences:
        assert "ci-dessous" not in sentence and "section" not in sentence and "évaluations" not in sentence
    cards = view.headline(run)
    assert cards["bases ouvertes à l'un des niveaux"] == "19 sur 279 (6,8\u202f%)"


def test_the_combinations_table_shows_its_total(run):
    table = view.combinations(run)
    total = table.iloc[-1]
    assert total["Critères manquants"] == "Total"
    assert total["Total (lignes × niveaux)"] == 318 == table["Total (lignes × niveaux)"].iloc[:-1].sum()
    assert total["Lignes — données agrégées"] + total["Lignes — données granulaires"] == 318
