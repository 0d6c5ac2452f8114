"""Real XLSX and CSV exports of a workbook, written with openpyxl and the csv module (test helpers)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook


def to_xlsx(sheets: dict[str, list[list[str]]], path: Path, hidden: tuple[str, ...] = ()) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name[:31])
        for row in rows:
            sheet.append([v if v != "" else None for v in row])
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def to_csv(rows: list[list[str]], path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path
