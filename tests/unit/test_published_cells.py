"""The one writer of the published tables (helpers.core.tables): every text cell of every CSV and XLSX made inert
(OWASP « CSV injection »), lists written as JSON arrays, and both read back exactly (issue 23, cases 1 and 3)."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from frictionless import validate
from openpyxl import load_workbook

from helpers.core.errors import SourceError
from helpers.core.tables import FORMULA_START, load_table, neutralise, restore, schema, write_processed
from helpers.steps.s03_producer_sheet import producer_names

HOSTILE = ["=2+5*cmd|'calc'!A0", "+33 6", "-1+1", "@SUM(A1)", "\tx", "\rx", "'=déjà protégé", "''-1"]
# Every separator the project uses or has used around producers' names: the old list join « | », co-management
# « / » and « - », lists « , » « ; » « et », and what JSON itself gives meaning to.
NAMES = ["A | B", "C|D", "E / F", "G - H", "I, J", "K ; L", "M et N", 'O "P"', "[Q]", "R\\S", "T\nU", "=V", "-W",
         "'X", "Y, Z"]


@pytest.mark.parametrize("value, written", [
    ("=2+5*cmd|'calc'!A0", "'=2+5*cmd|'calc'!A0"), ("+33", "'+33"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''-1", "'''-1"),  # apostrophes then a formula: escaped
    ("'texte", "'texte"), ("Texte", "Texte"), ("", ""), ("a=b", "a=b"), (-3, -3), (-1.5, -1.5), (True, True)])
def test_a_text_cell_is_neutralised_and_restored_exactly(value, written):
    assert neutralise(value) == written
    assert restore(written) == value


def _bases() -> pd.DataFrame:
    """A bases table holding a hostile value in every text column, negative numbers in its integer columns and
    lists of names holding every separator."""
    rows = []
    for i, hostile in enumerate(HOSTILE * 2):
        row = {}
        for column, (kind, *_rest) in schema()["bases"]["champs"].items():
            if kind == "integer":
                row[column] = -1 - i if column != "ligne_source" else 3 + i
            elif kind == "boolean":
                row[column] = i % 2 == 0
            elif kind == "liste":
                row[column] = tuple(NAMES[i % len(NAMES):] + NAMES[: i % 3])
            else:
                row[column] = hostile if i % 2 == 0 else f"{hostile} {column}"
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column, (kind, *_rest) in schema()["bases"]["champs"].items():
        if kind == "integer":
            frame[column] = frame[column].astype("Int64")
    return frame


@pytest.fixture
def written(tmp_path):
    frame = _bases()
    write_processed(tmp_path, {"bases": frame}, workbook_name="classeur.xlsx", source={})
    return tmp_path, frame


def _cells(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_text_cell_of_the_csv_and_xlsx_is_inert_and_numbers_stay_numbers(written):
    processed, frame = written
    rows = _cells(processed / "bases.csv")
    assert len(rows) == len(frame)  # a carriage return inside a cell ends no row
    text_columns = [c for c, (kind, *_r) in schema()["bases"]["champs"].items() if kind in {"string", "liste"}]
    for row in rows:
        for column in text_columns:
            assert not row[column].startswith(FORMULA_START), (column, row[column])
    assert [row["n_lignes_base"] for row in rows][:3] == ["-1", "-2", "-3"]  # a number, not text: as it is
    sheet = load_workbook(processed / "classeur.xlsx")["bases"]
    header = [c.value for c in sheet[1]]
    for line in sheet.iter_rows(min_row=2):
        for column, cell in zip(header, line, strict=True):
            assert cell.data_type != "f"
            if column in text_columns:
                assert cell.data_type == "s" and not str(cell.value).startswith(FORMULA_START), (column, cell.value)
            elif column == "n_lignes_base":
                assert cell.data_type == "n" and cell.value < 0


def test_the_project_reads_its_own_tables_back_exactly(written):
    processed, frame = written
    pd.testing.assert_frame_equal(load_table(processed, "bases"), frame, check_dtype=False)
    assert load_table(processed, "bases")["gestionnaire"].tolist() == frame["gestionnaire"].tolist()


def test_lists_are_json_arrays_in_csv_and_xlsx_and_documented(written):
    processed, frame = written
    cells = [row["gestionnaires"] for row in _cells(processed / "bases.csv")]
    assert [tuple(json.loads(cell)) for cell in cells] == frame["gestionnaires"].tolist()
    sheet = load_workbook(processed / "classeur.xlsx")["bases"]
    column = [c.value for c in sheet[1]].index("gestionnaires")
    assert [tuple(json.loads(r[column].value)) for r in sheet.iter_rows(min_row=2)] == frame["gestionnaires"].tolist()
    package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
    field = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "gestionnaires")
    assert field["type"] == "array" and "JSON" in field["description"]
    assert "apostrophe" in package["description"] and "JSON" in package["description"]
    report = validate(processed / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_separator_inside_a_producer_name_invents_no_producer(tmp_path):
    frame = _bases().head(3).assign(gestionnaires=[("ARS | Agence",), ("ARS | Agence", "CNAMTS, DREES"),
                                                   ("ARS | Agence", "CNAMTS, DREES")])
    write_processed(tmp_path, {"bases": frame}, workbook_name="classeur.xlsx", source={})
    assert producer_names(tmp_path, min_lines=2) == ["ARS | Agence", "CNAMTS, DREES"]
    assert producer_names(tmp_path) == ["ARS | Agence", "CNAMTS, DREES"]


@pytest.mark.parametrize("cell", ["ARS|CNAMTS", '["ARS", 3]', '{"a": 1}'])
def test_a_list_cell_that_is_not_a_json_array_of_names_is_an_error_not_a_guess(written, cell):
    processed, _ = written
    rows = _cells(processed / "bases.csv")
    rows[0]["gestionnaires"] = cell
    with (processed / "bases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")  # cells hold CRs
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SourceError, match="bases.csv.*gestionnaires : liste JSON attendue"):
        load_table(processed, "bases")


def test_a_mixed_column_keeps_its_numbers_and_neutralises_its_texts(tmp_path):
    frame = _bases().head(3).assign(origine=pd.Series([-1, "-1", "=1"], dtype=object))
    write_processed(tmp_path, {"bases": frame}, workbook_name="classeur.xlsx", source={})
    assert [row["origine"] for row in _cells(tmp_path / "bases.csv")] == ["-1", "'-1", "'=1"]
    assert load_table(tmp_path, "bases")["origine"].tolist() == ["-1", "-1", "=1"]
