"""Processed-table outputs: the streaming XLSX writer, its sheet limit set through configuration, Parquet."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.core.config import ENV_XLSX_MAX_ROWS, xlsx_max_rows
from helpers.core.tables import NOTE_SHEET, write_xlsx

FRAME = pd.DataFrame({"numero": [1, 2, 3], "texte": ["=1+1", "", "ok"], "part": [0.5, float("nan"), 1.0],
                      "valide": [True, False, True]})


def _workbook(tmp_path, tables: dict[str, pd.DataFrame]):
    return load_workbook(write_xlsx(tables, tmp_path / "t.xlsx"))


def test_default_limit_is_excel_sheet_limit(monkeypatch):
    monkeypatch.delenv(ENV_XLSX_MAX_ROWS, raising=False)
    assert xlsx_max_rows() == 1_048_576


def test_table_over_the_configured_limit_is_left_out_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_XLSX_MAX_ROWS, "4")  # header + 3 rows fit, 4 rows do not
    small, big = FRAME, pd.concat([FRAME, FRAME.head(1)], ignore_index=True)
    book = _workbook(tmp_path, {"petite": small, "grande": big})
    assert book.sheetnames == ["petite", NOTE_SHEET]
    note = [c.value for row in book[NOTE_SHEET].iter_rows() for c in row if c.value]
    assert any("« grande » compte 4 lignes" in text and "grande.csv" in text for text in note)
    assert book["petite"].max_row == 4  # never a truncated sheet


def test_bad_limit_is_refused(monkeypatch):
    monkeypatch.setenv(ENV_XLSX_MAX_ROWS, "1")
    with pytest.raises(ValueError, match=ENV_XLSX_MAX_ROWS):
        xlsx_max_rows()


def test_xlsx_cells_keep_their_types_and_strings_are_never_formulas(tmp_path):
    sheet = _workbook(tmp_path, {"t": FRAME})["t"]
    rows = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert rows[1] == [(1, "n"), ("'=1+1", "s"), (0.5, "n"), (True, "b")]  # text, neutralised as in the CSV
    assert rows[2][2] == (None, "n")  # a missing number is an empty cell, not "nan"


def test_same_tables_same_bytes(tmp_path):
    first, second = write_xlsx({"t": FRAME}, tmp_path / "a.xlsx"), write_xlsx({"t": FRAME}, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()


def test_a_failure_while_writing_leaves_every_previous_output(tmp_path):
    from helpers.core.storage import atomic_paths

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("ancien a"), second.write_text("ancien b")
    with pytest.raises(RuntimeError), atomic_paths([first, second]) as staged:
        staged[first].write_text("nouveau a")
        raise RuntimeError("échec pendant l'écriture de b")
    assert (first.read_text(), second.read_text()) == ("ancien a", "ancien b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]  # no staged file left
