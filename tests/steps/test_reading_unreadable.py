"""Issue 10, case 10: spreadsheet cells without a stored value never become silent blanks.

Built from the official file's data sheet (read from ../shared, never copied into the project), saved as XLSX the
way a script saves it (openpyxl: formulas without their computed value) and with Excel error values.
"""

from __future__ import annotations

import pytest
from conversions import to_xlsx
from openpyxl import load_workbook

from helpers.cartography.cleaning import clean
from helpers.cartography.reading import read_cartography
from helpers.core.errors import SpreadsheetError

DATA_SHEET = "Cartographie France"


def _xlsx(real_sheets, tmp_path, edit) -> object:
    path = to_xlsx({DATA_SHEET: real_sheets[DATA_SHEET]}, tmp_path / "carto.xlsx")
    workbook = load_workbook(path)
    edit(workbook[DATA_SHEET])
    workbook.save(path)
    return path


def test_formulas_without_value_in_a_required_column_are_an_error_naming_the_cells(real_sheets, tmp_path):
    def edit(sheet):
        for row in range(3, 155):  # 152 lines whose « Typologie 1 » is a formula saved without its value
            sheet.cell(row=row, column=1).value = f"=B{row}"

    with pytest.raises(SpreadsheetError) as error:
        read_cartography(_xlsx(real_sheets, tmp_path, edit))
    message = str(error.value)
    assert "A3, A4, A5" in message and "(152 cellules)" in message
    assert "ouvrez et enregistrez le fichier dans un tableur" in message and "carto.xlsx" in message


def test_error_values_and_other_formulas_are_anomalies_with_their_cell(real_carto, real_sheets, tmp_path):
    accesses = real_carto.columns["agrege"]["acces"].index + 1  # 1-based column of « Liberté d'accès »
    comments = real_carto.columns["agrege"]["commentaire_acces"].index + 1

    def edit(sheet):
        sheet.cell(row=5, column=accesses).value = "#NAME?"
        sheet.cell(row=5, column=accesses).data_type = "e"  # what Excel stores for « -SNIIRAM »
        sheet.cell(row=6, column=comments).value = "=-SNIIRAM"  # formula, no value: not a required column
        sheet.cell(row=7, column=comments).value = "#REF!"  # an error value kept as text (ODS, CSV)

    carto = read_cartography(_xlsx(real_sheets, tmp_path, edit))
    anomalies = clean(carto).anomalies
    logged = anomalies[anomalies["regle"].isin(["valeur_erreur", "formule_sans_valeur"])]
    letters = {accesses: "G", comments: "H"}
    assert logged[["cellule", "colonne", "niveau", "valeur_source", "valeur_retenue", "regle"]].values.tolist() == [
        [f"{letters[accesses]}5", "acces", "agrege", "#NAME?", "", "valeur_erreur"],
        [f"{letters[comments]}6", "commentaire_acces", "agrege", "=-SNIIRAM", "", "formule_sans_valeur"],
        [f"{letters[comments]}7", "commentaire_acces", "agrege", "#REF!", "", "valeur_erreur"]]
    evaluations = clean(carto).evaluations.set_index(["ligne_source", "niveau"])
    assert evaluations.loc[(7, "agrege"), "commentaire_acces"] == ""  # never published as a value


def test_group_labels_repeated_over_merged_cells_are_one_group(real_carto, real_sheets, tmp_path):
    rows = [list(r) for r in real_sheets[DATA_SHEET]]
    label, filled = "", []
    for value in rows[0]:  # un-merge and fill: every column carries its group's label
        label = value if value.strip() else label
        filled.append(label)
    rows[0] = filled
    carto = read_cartography(to_xlsx({DATA_SHEET: rows}, tmp_path / "filled.xlsx"))
    assert carto.columns["typologie"]["typologie_2"].index == real_carto.columns["typologie"]["typologie_2"].index
    assert carto.level_groups == ["agrege", "granulaire"] and len(carto.rows) == 313
