"""The synthetic cartography: deterministic, read like the real file, with the real file's hazards."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from helpers.cartography.cleaning import clean
from helpers.cartography.reading import read_cartography
from helpers.cartography.synthetic import MIMETYPE, generate_cartography_ods
from helpers.core.text import comparison_key

N_LINES = 300


@pytest.fixture(scope="module")
def ods(tmp_path_factory):
    return generate_cartography_ods(tmp_path_factory.mktemp("synth") / "carto.ods", n_lines=N_LINES)


@pytest.fixture(scope="module")
def carto(ods):
    return read_cartography(ods)


@pytest.fixture(scope="module")
def cleaned(carto):
    return clean(carto)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = generate_cartography_ods(tmp_path / "a.ods", n_lines=80, seed=7)
    b = generate_cartography_ods(tmp_path / "sub" / "b.ods", n_lines=80, seed=7)
    c = generate_cartography_ods(tmp_path / "c.ods", n_lines=80, seed=8)
    assert a == tmp_path / "a.ods"
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ods", "c.ods", "sub"]  # no temp file left


def test_zip_layout_is_a_valid_ods(ods):
    with zipfile.ZipFile(ods) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == [
            "mimetype", "META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml",
        ]
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == MIMETYPE.encode()
        assert MIMETYPE == "application/vnd.oasis.opendocument.spreadsheet"
        assert {i.date_time for i in infos} == {(2014, 5, 6, 0, 0, 0)}
        content = archive.read("content.xml").decode()
    assert 'table:display="false"' in content
    assert 'table:number-rows-repeated="1048274"' in content  # 1 048 576 rows - 2 headers - 300 lines
    assert '<text:s text:c="' in content  # runs of spaces, as LibreOffice writes them


def test_file_stays_small(ods):
    assert ods.stat().st_size < 200_000


def test_read_finds_sheets_levels_and_rows(carto):
    assert carto.file_format == "ods"
    assert carto.sheets == [
        "XXX FORMAT XXX - Tableau 1", "Introduction et métadonnées", "Typologie", "Cartographie France",
        "Acronymes des gestionnaires", "Critères d'ouverture",
    ]
    assert carto.hidden_sheets == ["XXX FORMAT XXX - Tableau 1"]
    assert carto.data_sheet == "Cartographie France"
    assert carto.level_groups == ["agrege", "granulaire"]
    assert len(carto.rows) == N_LINES
    assert carto.rows[0][0] == 3
    assert carto.rows[-1][0] == N_LINES + 2
    assert carto.columns["granulaire"]["acces"].header == "Liberté d'accès "
    assert carto.columns["autres"]["couverture"].index == 21


def test_side_sheets(carto):
    title = dict((row[0], row[1]) for row in carto.metadata_sheet)["Titre"]
    assert "SYNTHÉTIQUE" in title and "données fictives" in title
    assert carto.acronyms_sheet[0] == ["Acronyme", "Gestionnaire"]
    assert ["ABC", "Agence Bidule Centrale"] in carto.acronyms_sheet
    assert carto.criteria_sheet[0] == ["Critères", "Modalités", "Exemples"]
    assert carto.criteria_sheet[1][:2] == ["Liberté d'accès", "Accès à tous"]
    assert carto.criteria_sheet[2][:2] == ["", "Accès restreint"]
    assert "Gratuit ou payant" not in [row[1] for row in carto.criteria_sheet]


def test_raw_cells_keep_the_hazards(carto):
    cells = [value for _, row in carto.rows for value in row]
    assert any("\u00a0" in v for v in cells)
    assert any("  " in v for v in cells)  # runs of spaces, written as <text:s text:c="N"/>
    assert any(v != v.strip(" ") for v in cells)  # leading or trailing spaces
    assert "ABC " in cells and "Non ex ploitable" in cells


def test_typo_is_corrected(cleaned):
    anomalies = cleaned.anomalies
    typo = anomalies[anomalies["valeur_source"] == "Non ex ploitable"]
    assert not typo.empty
    assert set(typo["regle"]) == {"modalite_corrigee"}
    assert set(typo["valeur_retenue"]) == {"Non exploitable"}


def test_off_vocabulary_values_are_kept_and_flagged(cleaned):
    off = cleaned.anomalies[cleaned.anomalies["regle"] == "hors_vocabulaire"]
    assert len(off) >= 1
    assert "Power point" in set(off["valeur_retenue"])
    assert (cleaned.evaluations["format"] == "Power point").any()


def test_gratuit_ou_payant_is_a_cost_value(cleaned):
    assert cleaned.vocabulary_source == "feuille du fichier"
    assert "Gratuit ou payant" in cleaned.modalities["cout"]
    assert (cleaned.evaluations["cout"] == "Gratuit ou payant").any()


def test_both_levels_assessed_partially_or_not(cleaned):
    ev = cleaned.evaluations
    assert set(ev["niveau"]) == {"agrege", "granulaire"}
    per_line = ev.groupby("ligne_source")["evalue"].sum()
    assert set(per_line) == {0, 1, 2}
    granular = ev[ev["niveau"] == "granulaire"]["acces"].value_counts()
    aggregated = ev[ev["niveau"] == "agrege"]["acces"].value_counts()
    assert granular.idxmax() == "Accès restreint"
    assert aggregated.idxmax() == "Accès à tous"


def test_multi_line_cells_and_no_break_spaces(cleaned):
    assert cleaned.evaluations["donnees"].str.contains("\n").any()
    for frame in (cleaned.bases, cleaned.evaluations):
        text = frame[[c for c in frame.columns if not c.endswith("_source")]].astype(str)
        assert not text.apply(lambda col: col.astype(str).str.contains("\u00a0")).any().any()
        assert not text.apply(lambda col: col.astype(str).str.contains("  ")).any().any()


def test_a_base_is_listed_under_several_typologies(cleaned):
    bases = cleaned.bases
    bases = bases.assign(typologie=bases["typologie_1"] + " > " + bases["typologie_2"])
    groups = bases.groupby("base_id").agg(
        lines=("ligne_source", "size"),
        typologies=("typologie", "nunique"),
        names=("base", "nunique"),
        producers=("gestionnaire", "nunique"),
    )
    shared = groups[groups["lines"] > 1]
    assert len(shared) >= 1
    assert (shared["typologies"] == shared["lines"]).all()
    assert (shared["names"] == 1).all() and (shared["producers"] == 1).all()


def test_producer_spellings_are_unified(cleaned):
    bases = cleaned.bases
    spellings = set(bases.loc[bases["gestionnaire"] == "ABC", "gestionnaire_source"])
    assert {"ABC", "ABC ", "Abc", "Agence Bidule Centrale (ABC)"} <= spellings
    unified = bases.loc[bases["gestionnaire_source"].isin(spellings), "gestionnaire"]
    assert unified.unique().tolist() == ["ABC"]
    assert bases.loc[bases["gestionnaire"] == "ABC", "gestionnaire_nom_complet"].unique().tolist() == [
        "Agence Bidule Centrale"
    ]
    # A producer missing from the acronyms sheet: merged by case only.
    veille = bases[bases["gestionnaire_source"].map(comparison_key) == "institut fictif de veille"]
    assert veille["gestionnaire_source"].nunique() == 2
    assert veille["gestionnaire"].nunique() == 1


def test_co_managed_lines(cleaned):
    bases = cleaned.bases
    co = bases[bases["co_gestion"]]
    assert {"ABC/DEF", "ABC - DEF"} <= set(co["gestionnaire_source"])
    pairs = co[co["gestionnaire_source"].isin(["ABC/DEF", "ABC - DEF"])]
    assert set(pairs["gestionnaire"]) == {"ABC / DEF"}
    assert set(pairs["gestionnaires"]) == {("ABC", "DEF")}
    assert not bases.loc[bases["gestionnaire_source"] == "ABC", "co_gestion"].any()


def test_skewed_producer_sizes(cleaned):
    sizes = cleaned.bases["gestionnaires"].map(list).explode().value_counts()
    assert 20 <= len(sizes) <= 30
    assert (sizes >= 30).sum() >= 2
    assert (sizes <= 3).sum() >= 8
    assert set(cleaned.bases["typologie_1"]) == {
        "Santé publique et épidémiologie", "Offre de soins", "Consommation de soins et dépenses",
        "Performance et opérations",
    }


@pytest.mark.parametrize("n_lines", [1, 25])
def test_small_files_are_readable(tmp_path, n_lines):
    carto = read_cartography(generate_cartography_ods(tmp_path / "small.ods", n_lines=n_lines))
    assert len(carto.rows) == n_lines
    assert isinstance(clean(carto).bases, pd.DataFrame)


def test_rejects_no_lines(tmp_path):
    with pytest.raises(ValueError, match="n_lines"):
        generate_cartography_ods(tmp_path / "none.ods", n_lines=0)
    assert list(tmp_path.iterdir()) == []
