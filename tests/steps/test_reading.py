"""The reader on the official file and on real XLSX/CSV exports of it."""

from __future__ import annotations

import pandas as pd
import pytest
from conversions import to_csv, to_xlsx

from helpers.cartography.cleaning import clean
from helpers.cartography.reading import read_cartography

DATA_SHEET = "Cartographie France"


def test_official_file_structure(real_carto, real_sheets):
    carto = real_carto
    assert carto.file_format == "ods"
    assert carto.data_sheet == DATA_SHEET
    assert len(carto.sheets) == 6
    assert carto.hidden_sheets == [carto.sheets[0]]
    assert len(carto.rows) == 313
    assert (carto.rows[0][0], carto.rows[-1][0]) == (3, 315)
    # Which block is which level comes from the row-1 labels.
    assert carto.level_groups == ["agrege", "granulaire"]
    row1 = real_sheets[DATA_SHEET][0]  # each level group starts under its row-1 label
    assert "agrégées" in row1[carto.columns["agrege"]["donnees"].index]
    assert "granulaires" in row1[carto.columns["granulaire"]["donnees"].index]
    assert carto.columns["agrege"]["acces"].index == 6  # column G
    assert carto.columns["granulaire"]["acces"].index == 14  # column O
    # Headers that differ only by a trailing space are kept apart by position.
    assert carto.columns["granulaire"]["acces"].header == "Liberté d'accès "
    assert carto.columns["agrege"]["acces"].header == "Liberté d'accès"


def test_raw_text_is_kept(real_carto):
    rows = dict(real_carto.rows)
    pmsi = real_carto.cell(rows[3], "granulaire", "donnees")
    assert pmsi.startswith("Le PMSI contient 4 types de données : \n1) Données sur les bénéficiaires")
    assert "\u00a0" in real_carto.cell(rows[21], "base", "origine")  # no-break space, as in the file
    assert real_carto.cell(rows[147], "agrege", "format") == "Non ex ploitable"


def test_vocabulary_sheets_are_read(real_carto):
    assert real_carto.criteria_sheet[1][:2] == ["Liberté d'accès", "Accès à tous"]
    assert real_carto.acronyms_sheet[0] == ["Acronyme", "Gestionnaire"]
    assert len(real_carto.acronyms_sheet) == 41


def _tables(carto):
    result = clean(carto)
    # openpyxl's export drops cells made only of spaces; those cells are empty once cleaned anyway.
    anomalies = result.anomalies[result.anomalies["valeur_source"].str.strip() != ""].reset_index(drop=True)
    return result.bases, result.evaluations, anomalies


def test_xlsx_export_gives_the_same_result(real_carto, real_sheets, tmp_path):
    path = to_xlsx(real_sheets, tmp_path / "carto.xlsx", hidden=(real_carto.sheets[0],))
    carto = read_cartography(path)
    assert carto.file_format == "xlsx"
    assert carto.hidden_sheets == [real_carto.sheets[0]]
    for ours, reference in zip(_tables(carto), _tables(real_carto), strict=True):
        pd.testing.assert_frame_equal(ours, reference)


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("utf-8", "\t")])
def test_csv_export_gives_the_same_result(real_carto, real_sheets, tmp_path, encoding, delimiter):
    path = to_csv(real_sheets[DATA_SHEET], tmp_path / "carto.csv", encoding, delimiter)
    carto = read_cartography(path)
    assert carto.file_format == "csv" and carto.data_sheet is None
    bases, evaluations, anomalies = _tables(carto)
    ref_bases, ref_evaluations, ref_anomalies = _tables(real_carto)
    # A CSV holds the data sheet only: no acronym sheet, hence no full producer names.
    columns = [c for c in ref_bases.columns if c != "gestionnaire_nom_complet"]
    pd.testing.assert_frame_equal(bases[columns], ref_bases[columns])
    pd.testing.assert_frame_equal(evaluations, ref_evaluations)
    # Nor the « Typologie » sheet: typologies are kept as written, unchecked (and the report says so).
    checked = ref_anomalies["regle"].str.startswith("typologie")
    pd.testing.assert_frame_equal(anomalies, ref_anomalies[~checked].reset_index(drop=True))
    assert clean(carto).typology_source == "non vérifiées (pas d'onglet « Typologie »)"


def test_cp1252_csv_is_decoded(real_sheets, tmp_path):
    rows = [[cell.encode("cp1252", "replace").decode("cp1252") for cell in row] for row in real_sheets[DATA_SHEET]]
    path = to_csv(rows, tmp_path / "carto.csv", "cp1252", ";")
    carto = read_cartography(path)
    assert len(carto.rows) == 313
    assert carto.cell(dict(carto.rows)[4], "base", "base") == "Base du Dossier Médical Personnel (DMP)"


def test_data_sheet_found_by_its_headers_when_renamed(real_carto, real_sheets, tmp_path):
    sheets = {("Feuil1" if name == DATA_SHEET else name): rows for name, rows in real_sheets.items()}
    # A hidden format template carrying the same two header rows and no data must not be taken.
    sheets = {"Modèle": real_sheets[DATA_SHEET][:2], **sheets}
    carto = read_cartography(to_xlsx(sheets, tmp_path / "renamed.xlsx", hidden=("Modèle",)))
    assert carto.data_sheet == "Feuil1"
    assert len(carto.rows) == 313
