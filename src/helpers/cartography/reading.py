"""Faithful reading of the cartography spreadsheet (ODS, XLSX or a CSV export of the data sheet).

Nothing is cleaned here: cells are returned as the file holds them (line breaks, no-break spaces),
only typed values are turned into text. Cells without a usable value are found and kept apart in
`Cartography.unreadable`: an XLSX formula saved without its computed value (a file written by a script),
and spreadsheet error values (#NAME?, #REF!, #N/A, #VALUE!…, LibreOffice's Err:5xx). Such a cell reads as
empty; in a column marked `requise` (vocabulaire.yml) a formula without value is an error naming the cells,
elsewhere the cleaner logs each one as an anomaly. Columns are located from the two header rows: row 1 names
the groups (which block is the aggregated level and which the granular one), row 2 the columns,
taken by position inside their group and checked against the expected header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from helpers.core.archives import check_inflated_size
from helpers.core.config import data_file
from helpers.core.errors import SpreadsheetError
from helpers.core.sniff import decode_text, sniff_separator
from helpers.core.text import comparison_key

SPREADSHEET_SUFFIXES = {".ods", ".xlsx", ".xlsm", ".xls"}
HEADER_ROWS = 2


@dataclass(frozen=True)
class Column:
    """One located column: its `key` and `group` in vocabulaire.yml ``structure``, its 0-based `index`
    in the sheet and its row-2 `header` as written."""

    key: str
    group: str
    index: int  # 0-based position in the sheet
    header: str  # row-2 header as written in the file


@dataclass
class Cartography:
    """The raw content of a cartography file, as :func:`read_cartography` found it.

    `rows` holds the non-empty data rows as (1-based sheet row number, cells as text); the other
    sheets (criteria, acronyms, metadata, typologies) are kept as lists of rows, or None when absent.
    `level_groups` names the groups that are evaluation levels (aggregated, granular), in sheet order.
    """

    path: Path
    file_format: str  # "ods", "xlsx", "csv"...
    data_sheet: str | None
    sheets: list[str]
    hidden_sheets: list[str]
    columns: dict[str, dict[str, Column]]  # group key -> column key -> Column
    rows: list[tuple[int, list[str]]]  # (row number in the sheet, 1-based; raw cells)
    criteria_sheet: list[list[str]] | None = None
    acronyms_sheet: list[list[str]] | None = None
    metadata_sheet: list[list[str]] | None = None
    typology_sheet: list[list[str]] | None = None
    level_groups: list[str] = field(default_factory=list)
    # (row number, 0-based column) -> (what the file holds, rule): formulas without value and error values
    unreadable: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    def cell(self, row: list[str], group: str, key: str) -> str:
        """The raw text of column `key` of `group` in `row` (``""`` past the row's end: short rows).

        Raises ``KeyError`` for a group or key the structure of vocabulaire.yml does not declare."""
        index = self.columns[group][key].index
        return row[index] if index < len(row) else ""


def cell_text(value: object) -> str:
    """Typed spreadsheet values as text: None -> "", 1.0 -> "1", booleans -> « VRAI »/« FAUX » (as
    LibreOffice shows them in French), dates in ISO 8601, anything else ``str``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


ERROR_VALUE = re.compile(r"^(?:#(?:NAME\?|NOM\?|REF!|N/A|VALUE!|VALEUR!|DIV/0!|NUM!|NOMBRE!|NULL!|NUL!|SPILL!|CALC!)"
                         r"|Err:\d{3})$")
FORMULA_WITHOUT_VALUE, ERROR_RULE = "formule_sans_valeur", "valeur_erreur"
def xlsx_unreadable(path: Path, sheet: str) -> dict[tuple[int, int], tuple[str, str]]:
    """Cells of one XLSX sheet without a usable value (calamine returns them empty), read by openpyxl twice
    (formulas, then the values saved with them): formulas saved without a computed value (« =FORMULE ») and
    error values.

    Returns {(row number, column index): (text, rule)}; {} for a file that is not an XLSX package.
    """
    try:
        books = [openpyxl.load_workbook(path, read_only=True, data_only=only) for only in (False, True)]
    except (zipfile.BadZipFile, KeyError, InvalidFileException, OSError):
        return {}
    try:
        if sheet not in books[0].sheetnames:
            return {}
        out = {}
        for formulas, values in zip(*(book[sheet].iter_rows() for book in books), strict=True):
            for formula, value in zip(formulas, values, strict=True):
                text = getattr(formula.value, "text", formula.value)  # an array formula holds its text
                if value.data_type == "e":
                    out[(formula.row, formula.column - 1)] = (value.value or "#ERREUR", ERROR_RULE)
                elif formula.data_type == "f" and text and value.value in (None, ""):
                    out[(formula.row, formula.column - 1)] = (text if text.startswith("=") else f"={text}",
                                                              FORMULA_WITHOUT_VALUE)
        return out
    finally:
        for book in books:
            book.close()


def _unreadable(path: Path, table: list[list[str]], data_sheet: str | None,
                file_format: str) -> dict[tuple[int, int], tuple[str, str]]:
    """Every cell of the data rows without a usable value (see the module docstring)."""
    found = xlsx_unreadable(path, data_sheet) if file_format in {"xlsx", "xlsm"} and data_sheet else {}
    for number, row in enumerate(table[HEADER_ROWS:], start=HEADER_ROWS + 1):
        for index, value in enumerate(row):
            if value.startswith(("#", "Err:")) and ERROR_VALUE.match(value.strip()):
                found[(number, index)] = (value.strip(), ERROR_RULE)
    return {key: found[key] for key in sorted(found) if key[0] > HEADER_ROWS}


def _check_required(path: Path, columns: dict[str, dict[str, Column]],
                    unreadable: dict[tuple[int, int], tuple[str, str]]) -> None:
    required = {col["cle"] for spec in data_file("vocabulaire.yml")["structure"] for col in spec["colonnes"]
                if col.get("requise")}
    indexes = {c.index: c.key for group in columns.values() for c in group.values() if c.key in required}
    cells = [f"{get_column_letter(index + 1)}{row}" for (row, index), (_, rule) in unreadable.items()
             if rule == FORMULA_WITHOUT_VALUE and index in indexes]
    if cells:
        shown = ", ".join(cells[:10]) + (f" … ({len(cells)} cellules)" if len(cells) > 10 else "")
        raise SpreadsheetError(path, f"formules sans valeur calculée dans des colonnes indispensables ({shown}) : "
                                     "ouvrez et enregistrez le fichier dans un tableur pour que les valeurs soient "
                                     "calculées")


def _read_spreadsheet(path: Path) -> tuple[dict[str, list[list[str]]], list[str]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        hidden = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Hidden")]
        sheets = {}
        for name in workbook.sheet_names:
            # skip_empty_area=False keeps row numbers true to the sheet.
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = [[cell_text(v) for v in row] for row in rows]
    except (CalamineError, ValueError, OSError) as exc:
        raise SpreadsheetError(path, f"n'est pas un tableur lisible (ODS, XLSX ou CSV) : {exc}") from exc
    return sheets, hidden


def _read_csv(path: Path) -> list[list[str]]:
    """The rows of a CSV export of the data sheet (encoding and separator sniffed by helpers.core.sniff)."""
    try:
        text, _ = decode_text(path, path.read_bytes(), SpreadsheetError)
    except SpreadsheetError as exc:
        raise SpreadsheetError(path, f"n'est pas un fichier texte CSV ({exc.problem})") from None
    delimiter = sniff_separator(text)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _sheet_by_name(sheets: dict[str, list[list[str]]], wanted: str) -> str | None:
    key = comparison_key(wanted)
    return next((name for name in sheets if comparison_key(name) == key), None)


def _groups(row1: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) spans: a group runs from its label to the next different label (a merged cell
    un-merged and filled repeats its label over the whole group: one group)."""
    starts, previous = [], None
    for i, v in enumerate(row1):
        key = comparison_key(v)
        if key and key != previous:
            starts.append((i, v))
        previous = key or previous
    ends = [start for start, _ in starts[1:]] + [None]
    return [(start, end, label) for (start, label), end in zip(starts, ends, strict=True)]


def _locate_columns(path: Path, rows: list[list[str]]):
    """Map the structure of vocabulaire.yml onto the two header rows, or explain what is missing."""
    row1 = rows[0] if rows else []
    row2 = rows[1] if len(rows) > 1 else []
    spans = _groups(row1)
    columns: dict[str, dict[str, Column]] = {}
    levels = []
    for spec in data_file("vocabulaire.yml")["structure"]:
        found = [s for s in spans if re.search(spec["libelle"], comparison_key(s[2]))]
        if not found:
            seen = ", ".join(f"« {s[2].strip()} »" for s in spans) or "aucun"
            raise SpreadsheetError(
                path, f"groupe de colonnes « {spec['groupe']} » introuvable en ligne 1 (groupes lus : {seen})"
            )
        start, end, label = found[0]
        if spec.get("niveau"):
            levels.append(spec["groupe"])
        group_cols = {}
        for offset, col in enumerate(spec["colonnes"]):
            index = start + offset
            header = row2[index] if index < len(row2) else ""
            inside = end is None or index < end
            if not inside or not re.search(col["entete"], comparison_key(header)):
                raise SpreadsheetError(
                    path,
                    f"colonne « {col['cle']} » attendue en position {offset + 1} du groupe "
                    f"« {label.strip()} » (ligne 2), trouvé « {header.strip()} »",
                )
            group_cols[col["cle"]] = Column(col["cle"], spec["groupe"], index, header)
        columns[spec["groupe"]] = group_cols
    return columns, levels


def _looks_like_data_sheet(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return False
    try:
        _locate_columns(Path("."), rows)
    except SpreadsheetError:
        return False
    return True


def _has_data(rows: list[list[str]]) -> bool:
    return any(any(c.strip() for c in row) for row in rows[HEADER_ROWS:])


def read_cartography(path: str | Path) -> Cartography:
    """Read a cartography file: ODS, XLSX/XLSM/XLS (by suffix or magic bytes), else a CSV export of the
    data sheet (encoding and separator sniffed by :mod:`helpers.core.sniff`).

    The data sheet is the one named as vocabulaire.yml ``feuilles.donnees`` says, else the first sheet
    whose two header rows fit the expected structure (one with data before a headers-only template).
    Returns a :class:`Cartography` with raw cells (nothing cleaned).

    Raises ``SpreadsheetError`` naming the file when it is missing, a spreadsheet package (ODS, XLSX) that
    would inflate beyond the bound of ``entrees.yml`` (:mod:`helpers.core.archives`), not a readable spreadsheet or CSV,
    has no data sheet, an empty one or only header rows, lacks an expected group or column (saying
    which and what was found), or holds formulas without computed value in a required column.
    """
    path = Path(path)
    if not path.is_file():
        raise SpreadsheetError(path, "fichier introuvable")
    names = data_file("vocabulaire.yml")["feuilles"]
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(4)
    if suffix in SPREADSHEET_SUFFIXES or magic.startswith(b"PK") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        check_inflated_size(path, SpreadsheetError)  # a zip package (ODS, XLSX): bounded before it is read
        sheets, hidden = _read_spreadsheet(path)
        file_format = suffix.lstrip(".") if suffix in SPREADSHEET_SUFFIXES else "tableur"
        data_sheet = _sheet_by_name(sheets, names["donnees"])
        if data_sheet is None:
            # By its header rows; a format template (headers only, often hidden) comes last.
            candidates = [n for n, rows in sheets.items() if _looks_like_data_sheet(rows)]
            candidates.sort(key=lambda n: (not _has_data(sheets[n]), n in hidden))
            data_sheet = candidates[0] if candidates else None
        if data_sheet is None:
            raise SpreadsheetError(
                path,
                f"aucune feuille de données : ni feuille « {names['donnees']} », ni feuille dont les deux "
                f"premières lignes portent les en-têtes de la cartographie (feuilles : {', '.join(sheets)})",
            )
        table = sheets[data_sheet]
    else:
        sheets, hidden, data_sheet, file_format = {}, [], None, "csv"
        table = _read_csv(path)

    if not any(any(c.strip() for c in row) for row in table):
        raise SpreadsheetError(path, f"la feuille « {data_sheet or path.name} » est vide")
    columns, levels = _locate_columns(path, table)
    unreadable = _unreadable(path, table, data_sheet, file_format)
    _check_required(path, columns, unreadable)
    rows = [(number, row) for number, row in enumerate(table[HEADER_ROWS:], start=HEADER_ROWS + 1)
            if any(c.strip() for c in row)]
    if not rows:
        raise SpreadsheetError(path, "le tableau n'a que ses lignes d'en-tête, aucune ligne de données")

    def sheet(name: str) -> list[list[str]] | None:
        found = _sheet_by_name(sheets, name)
        return sheets[found] if found else None

    return Cartography(
        path=path,
        file_format=file_format,
        data_sheet=data_sheet,
        sheets=list(sheets),
        hidden_sheets=hidden,
        columns=columns,
        rows=rows,
        criteria_sheet=sheet(names["criteres"]),
        acronyms_sheet=sheet(names["acronymes"]),
        metadata_sheet=sheet(names["metadonnees"]),
        typology_sheet=sheet(names["typologies"]),
        level_groups=levels,
        unreadable=unreadable,
    )
