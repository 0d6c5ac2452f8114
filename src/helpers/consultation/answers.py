"""Reading a consultation export (CSV, XLSX or ODS) against its questionnaire spec.

Encoding (UTF-8 with or without BOM, else cp1252) and separator (",", ";", tab) are detected when the
spec does not give them: the separator kept is the one whose header row holds the columns the spec
names. Headers are compared case-, space- and apostrophe-insensitively. Cells are returned as clean
text (helpers.core.text.clean_text); nothing is interpreted yet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from helpers.cartography.reading import cell_text
from helpers.consultation.questionnaire import Questionnaire
from helpers.core.config import data_file
from helpers.core.errors import AnswersError
from helpers.core.sniff import decode_text, sniff_separator
from helpers.core.storage import sha256_file
from helpers.core.text import clean_text, comparison_key

SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
DATE_FORMATS = ("ISO8601", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass
class Answers:
    path: Path
    spec: Questionnaire
    frame: pd.DataFrame  # numero, id, profil, date, then one column of clean text per question id
    file_format: str  # "csv", "xlsx", "ods"
    encoding: str | None
    separator: str | None
    sha256: str
    undated: int  # answers whose date could not be read (0 when the export has no date column)


def _read_csv(path: Path, spec: Questionnaire) -> tuple[list[str], pd.DataFrame, str, str]:
    text, encoding = decode_text(path, path.read_bytes(), AnswersError, spec.encoding)
    if not text.strip():
        raise AnswersError(path, "fichier vide : ni en-tête ni réponse")
    separator = spec.separator or sniff_separator(text, spec.columns())
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, header=None, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AnswersError(path, f"CSV illisible avec le séparateur {separator!r} : {exc}") from exc
    header = [clean_text(h) for h in frame.iloc[0].tolist()] if len(frame) else []
    return header, frame.iloc[1:].fillna("").reset_index(drop=True), encoding, separator


def _read_sheet(path: Path, spec: Questionnaire) -> tuple[list[str], pd.DataFrame]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = spec.sheet or workbook.sheet_names[0]
        if name not in workbook.sheet_names:
            raise AnswersError(path, f"feuille « {name} » absente ; feuilles : {', '.join(workbook.sheet_names)}")
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=True)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise AnswersError(path, f"n'est pas un tableur lisible (XLSX, ODS) : {exc}") from exc
    rows = [[cell_text(v) for v in row] for row in rows]
    rows = [row for row in rows if any(v.strip() for v in row)]
    if not rows:
        return [], pd.DataFrame()
    return [clean_text(h) for h in rows[0]], pd.DataFrame(rows[1:], dtype=str)


def _locate(path: Path, header: list[str], spec: Questionnaire) -> dict[str, int]:
    """Position of every column the spec names; missing or doubled columns are errors."""
    keys = [comparison_key(h) for h in header]
    positions, missing = {}, []
    for column in spec.columns():
        found = [i for i, k in enumerate(keys) if k == comparison_key(column)]
        if len(found) > 1:
            raise AnswersError(path, f"la colonne « {column} » apparaît {len(found)} fois dans l'en-tête")
        if not found:
            missing.append(column)
        else:
            positions[column] = found[0]
    if missing:
        shown = ", ".join(f"« {h} »" for h in header[:20]) + (" …" if len(header) > 20 else "")
        raise AnswersError(path, f"colonne(s) du questionnaire {spec.path.name} absente(s) de l'export : "
                                 f"{', '.join(f'« {c} »' for c in missing)} ; colonnes présentes : {shown or 'aucune'}")
    return positions


def _clean(values: pd.Series) -> pd.Series:
    unique = pd.unique(values)
    return values.map({v: clean_text(v) for v in unique})


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates, else French day-first dates ("05/04/2014 10:32"); unreadable ones are NaT."""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = parsed.isna() & (values != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
    return parsed


def read_answers(path: str | Path, spec: Questionnaire) -> Answers:
    """The export as one row per answer received; the spec must already be validated."""
    path = Path(path)
    if not path.is_file():
        raise AnswersError(path, "export des réponses introuvable")
    encoding = separator = None
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        header, rows = _read_sheet(path, spec)
    else:
        header, rows, encoding, separator = _read_csv(path, spec)
    if not header:
        raise AnswersError(path, "fichier vide : ni en-tête ni réponse")
    positions = _locate(path, header, spec)
    if rows.empty:
        raise AnswersError(path, "aucune réponse sous l'en-tête")
    rows = rows.reindex(columns=range(len(header)), fill_value="").fillna("")
    frame = pd.DataFrame({"numero": range(1, len(rows) + 1)})
    ids = _clean(rows[positions[spec.id_column]]) if spec.id_column else pd.Series([""] * len(rows))
    frame["id"] = ids.where(ids != "", frame["numero"].astype(str)).to_numpy()
    profiles = _clean(rows[positions[spec.respondent_column]])
    frame["profil"] = profiles.where(profiles != "", data_file("consultation.yml")["profil_absent"]).to_numpy()
    undated = 0
    if spec.date_column:
        raw = _clean(rows[positions[spec.date_column]])
        frame["date"] = parse_dates(raw).to_numpy()
        undated = int((frame["date"].isna()).sum())
    else:
        frame["date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for question in spec.questions:
        frame[question.id] = _clean(rows[positions[question.column]]).to_numpy()
    return Answers(path, spec, frame, suffix.lstrip(".") if suffix in SHEET_SUFFIXES else "csv", encoding,
                   separator, sha256_file(path), undated)
