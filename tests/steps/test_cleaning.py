"""Cleaning of the official file: vocabularies, producers, shared bases, and the cell-by-cell log."""

from __future__ import annotations

import re

import pytest

from helpers.cartography.cleaning import CRITERIA, clean, column_letter

DATA_SHEET = "Cartographie France"


@pytest.fixture(scope="module")
def cleaned(real_carto):
    return clean(real_carto)


def _line(frame, line, level=None):
    rows = frame[frame["ligne_source"] == line]
    if level:
        rows = rows[rows["niveau"] == level]
    assert len(rows) == 1
    return rows.iloc[0]


def test_one_row_per_line_and_per_level(cleaned):
    assert len(cleaned.bases) == 313
    assert cleaned.bases["ligne_source"].tolist() == list(range(3, 316))
    assert len(cleaned.evaluations) == 626
    assert set(cleaned.evaluations["niveau"]) == {"agrege", "granulaire"}


def test_assessed_flags_match_an_independent_count(cleaned, real_sheets):
    rows = real_sheets[DATA_SHEET][2:]
    # Criterion columns of the official file: G, I, J, L (aggregated) and O, Q, R, T (granular).
    expected = {
        "agrege": sum(any(r[i].strip() for i in (6, 8, 9, 11)) for r in rows),
        "granulaire": sum(any(r[i].strip() for i in (14, 16, 17, 19)) for r in rows),
    }
    got = cleaned.evaluations.groupby("niveau")["evalue"].sum().to_dict()
    assert got == expected == {"agrege": 111, "granulaire": 234}
    not_assessed = cleaned.evaluations[~cleaned.evaluations["evalue"]]
    assert (not_assessed[list(CRITERIA)] == "").all().all()


def test_criteria_use_the_official_vocabulary(cleaned):
    assert cleaned.vocabulary_source == "feuille du fichier"
    ev = cleaned.evaluations
    typo = _line(ev, 147, "agrege")
    assert typo["format"] == "Non exploitable" and typo["hors_vocabulaire"] == ""
    off = _line(ev, 17, "agrege")
    assert off["format"] == "Excel, Power point" and off["hors_vocabulaire"] == "format"
    granular_cost = ev[ev["niveau"] == "granulaire"]["cout"].value_counts().to_dict()
    # "Gratuit " (trailing space) joins "Gratuit"; "Gratuit ou payant" is kept as a modality.
    assert granular_cost == {"Gratuit": 151, "": 111, "Payant": 40, "Gratuit ou payant": 11}
    allowed = {m for labels in cleaned.modalities.values() for m in labels} | {""}
    unknown = ev[["acces", "cout", "format", "reutilisation"]].stack()
    assert set(unknown[~unknown.isin(allowed)]) == {"Excel, Power point", "Power point"}


def test_producers_are_unified(cleaned):
    bases = cleaned.bases
    assert (bases["gestionnaire"] == "INVS").sum() == 21  # 19 "INVS" + 2 "InVS"
    assert set(bases.loc[bases["gestionnaire"] == "INVS", "gestionnaire_source"]) == {"INVS", "InVS"}
    efs = _line(bases, 96)
    assert (efs["gestionnaire"], efs["gestionnaire_nom_complet"]) == ("EFS", "Etablissement Français du Sang")
    assert _line(bases, 233)["gestionnaire"] == "GERS"
    assert _line(bases, 5)["gestionnaire"] == "EHESP"
    assert "Kantar Health" in set(bases["gestionnaire"])  # trailing space removed
    co = _line(bases, 38)
    assert co["co_gestion"] and co["gestionnaires"] == ("CHU de Nancy", "INSERM", "INVS")
    assert co["gestionnaire_source"] == "CHU de Nancy, INSERM et InVS"
    whole = bases[bases["gestionnaire"].str.startswith("CHU de Grenoble")]
    assert len(whole) == 1 and not whole.iloc[0]["co_gestion"]  # no known producer inside: kept whole


def test_a_base_listed_under_several_categories_has_one_id(cleaned):
    bases = cleaned.bases
    pmsi = bases[bases["base"].str.startswith("PMSI – programme") & (bases["gestionnaire"] == "ATIH")]
    assert len(pmsi) == 8 and pmsi["base_id"].nunique() == 1
    assert pmsi["typologie_2"].nunique() == 8 and (pmsi["n_lignes_base"] == 8).all()
    reco = bases[bases["base"] == "Recommandations de bonnes pratiques"]
    assert reco["base_id"].nunique() == 2  # same name, two producers: two bases
    assert bases["base_id"].nunique() == 289
    assert not bases["base"].str.contains("\u00a0").any()


def test_every_logged_change_points_at_the_source_cell(cleaned, real_sheets):
    sheet = real_sheets[DATA_SHEET]
    log = cleaned.anomalies
    assert set(log["regle"]) == {"espaces_normalises", "modalite_corrigee", "hors_vocabulaire",
                                 "gestionnaire_unifie"}
    for row in log.itertuples():
        letters = re.match(r"[A-Z]+", row.cellule).group()
        index = next(i for i in range(30) if column_letter(i) == letters)
        assert sheet[row.ligne_source - 1][index] == row.valeur_source


def test_every_change_is_logged(cleaned, real_carto):
    logged = set(zip(cleaned.anomalies["ligne_source"], cleaned.anomalies["colonne"],
                     cleaned.anomalies["niveau"], strict=True))
    rows = dict(real_carto.rows)
    for ev in cleaned.evaluations.itertuples():
        for key in (*CRITERIA, "donnees", "portail"):
            raw = real_carto.cell(rows[ev.ligne_source], ev.niveau, key)
            if getattr(ev, key) != raw:
                assert (ev.ligne_source, key, ev.niveau) in logged
    for base in cleaned.bases.itertuples():
        if base.gestionnaire != base.gestionnaire_source:
            assert (base.ligne_source, "gestionnaire", "") in logged


def test_openness_counts_match_an_independent_count(real_ods, tmp_path):
    from helpers.steps.s01_clean import clean_cartography
    from helpers.steps.s02_openness import score_openness

    clean_cartography(real_ods, tmp_path)
    run = score_openness(tmp_path)
    ev = run.evaluations
    top = ((ev["acces"] == "Accès à tous") & (ev["cout"] == "Gratuit") & (ev["format"] == "Exploitable")
           & (ev["reutilisation"] == "Explicité sans restriction"))
    for level in ("agrege", "granulaire"):
        expected = ev[top & (ev["niveau"] == level)]["base_id"].nunique()
        got = run.scored[(run.scored["niveau"] == level) & run.scored["ouvert"]]["base_id"].nunique()
        assert got == expected
    assert ev[top]["base_id"].nunique() == 19
