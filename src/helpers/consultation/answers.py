"""Reading a consultation export (CSV, XLSX or ODS) against its questionnaire spec.

Encoding and separator are sniffed (helpers.core.sniff) when the spec does not give them (a platform preset's
separator is only preferred on a tie; a separator the spec forces that does not fit is an error saying which
one the file uses). The header is
`format.header_rows` rows (1 by default; SurveyMonkey writes 2, Framaforms 3, a KoboToolbox HXL row
makes 2): a spec column is found in any header row, compared case-, space- and apostrophe-insensitively.
An undeclared second header row (HXL hashtags, or SurveyMonkey's « Réponse » labels) is an error naming
the key to set, never an answer. Cells are clean text (helpers.core.text.clean_text); choice questions
are read into lists of labels (helpers.consultation.choices), dates into UTC (helpers.consultation.dates),
and the spec's exclusions are marked in `exclusion`. A column a known platform uses to mark deleted, test or
incomplete rows (every preset's exclusions, plateformes.yml) that holds such a mark and that the spec does not
handle is an error naming the key to set, never ignored; a value of a preset's marker column that the preset
does not know is an error too.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv
from python_calamine import CalamineError, CalamineWorkbook
from rapidfuzz import fuzz, process

from helpers.cartography.reading import cell_text
from helpers.consultation import choices
from helpers.consultation.dates import DateReading, parse_dates
from helpers.consultation.questionnaire import Question, Questionnaire, known_markers
from helpers.core.archives import check_inflated_size
from helpers.core.config import data_file
from helpers.core.errors import AnswersError
from helpers.core.sniff import decode_text, expected_found, header_fields, sniff_separator
from helpers.core.storage import sha256_file
from helpers.core.text import clean_text, comparison_key

SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
#: Export formats platforms also offer that are not tables (Decidim's JSON, Kobo's XML, SPSS): refused by name, not
#: read as a CSV that fails with the parser's own message.
NOT_TABLES = {".json", ".xml", ".sav", ".zip", ".pdf", ".docx", ".geojson"}
OFF_LIST_COLUMNS = ["question", "valeur", "n_reponses"]


@dataclass
class Answers:
    """An export read: `frame` has numero (1-based answer number), id, profil, date (UTC, NaT when
    unreadable or absent), exclusion (reason from the spec's `exclude`, or ""), then one column of clean
    text per question id (choice questions: chosen labels joined by line breaks)."""

    path: Path
    spec: Questionnaire
    frame: pd.DataFrame
    file_format: str  # "csv", "xlsx", "ods"
    encoding: str | None
    separator: str | None
    sha256: str
    undated: int  # answers whose date could not be read (0 when the export has no date column)
    dates: DateReading | None = None  # how the date column was read (order day/month and why)
    header_rows: int = 1
    off_list: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OFF_LIST_COLUMNS))
    # Per answer (index of `frame`), per choice question id: the values outside its options, joined by line
    # breaks ("" when none): ``off_list_of`` tallies them over the answers that are analysed.
    off_values: pd.DataFrame = field(default_factory=pd.DataFrame)


def off_list_of(answers: Answers, numeros: pd.Series | None = None) -> pd.DataFrame:
    """Values outside a declared list (question, valeur, n_reponses), counted over the answers whose
    ``numero`` is in `numeros` (None: every answer received), most frequent first: the same answers as the
    tallies they are listed beside."""
    table = answers.off_values
    if numeros is not None:
        table = table.loc[answers.frame["numero"].isin(numeros).to_numpy()]
    counts = []
    for question in table.columns:
        values = table[question][table[question] != ""].str.split(choices.JOIN).explode()
        counts += [{"question": question, "valeur": v, "n_reponses": int(n)} for v, n in values.value_counts().items()]
    out = pd.DataFrame(counts, columns=OFF_LIST_COLUMNS)
    return out.sort_values(["question", "n_reponses", "valeur"], ascending=[True, False, True], ignore_index=True)


def _shown(separator: str) -> str:
    return "tabulation" if separator == "\t" else separator


def _read_arrow(data: bytes, separator: str, width: int, block_size: int) -> pd.DataFrame | None:
    """The CSV as text cells, columns 0…width-1, read by pyarrow's multithreaded reader in blocks of
    `block_size` bytes (UTF-8 `data`); None when a row does not have exactly `width` fields or the file
    is otherwise irregular, so that the whole-file reader decides (it fills short rows, refuses long ones)."""
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=block_size),
            parse_options=pa_csv.ParseOptions(delimiter=separator, newlines_in_values=True,
                                              ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    frame = table.to_pandas()
    frame.columns = range(width)
    return frame


def _read_csv(path: Path, spec: Questionnaire, block_size: int | None = None) -> tuple[pd.DataFrame, str, str]:
    data = path.read_bytes()
    text, encoding = decode_text(path, data, AnswersError, spec.encoding)
    if not text.strip():
        raise AnswersError(path, "fichier vide : ni en-tête ni réponse")
    separator = spec.separator or sniff_separator(text, spec.columns(), spec.preset_separator)
    if spec.separator:
        found = sniff_separator(text, spec.columns())
        if expected_found(text, found, spec.columns()) > expected_found(text, spec.separator, spec.columns()):
            raise AnswersError(path, f"le séparateur trouvé est « {_shown(found)} », le questionnaire attend "
                                     f"« {_shown(spec.separator)} » (format.separator) : corrigez ou retirez "
                                     "format.separator (le séparateur est alors détecté)")
    width = len(header_fields(text, separator))
    if block_size != 0 and width and len(separator) == 1:
        # Columnar reader first (a national export in blocks, on every core); same cells as pandas' reader.
        codec = codecs.lookup(encoding).name
        utf8 = data.removeprefix(codecs.BOM_UTF8) if codec == "utf-8-sig" else (
            data if codec == "utf-8" else text.encode("utf-8"))
        del data, text  # a national export: hold one copy of it, not three
        frame = _read_arrow(utf8, separator, width,
                            block_size or data_file("consultation.yml")["lecture"]["bloc_octets"])
        if frame is not None:
            return frame, encoding, separator
        text = utf8.decode("utf-8")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, header=None, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AnswersError(path, f"CSV illisible avec le séparateur {separator!r} : {exc}") from exc
    return frame.fillna(""), encoding, separator


def _read_sheet(path: Path, spec: Questionnaire) -> pd.DataFrame:
    check_inflated_size(path, AnswersError)  # a zip package (XLSX, ODS): bounded before it is read
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = spec.sheet or workbook.sheet_names[0]
        if name not in workbook.sheet_names:
            raise AnswersError(path, f"feuille « {name} » absente ; feuilles : {', '.join(workbook.sheet_names)}")
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=True)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise AnswersError(path, f"n'est pas un tableur lisible (XLSX, ODS) : {exc}") from exc
    rows = [[cell_text(v) for v in row] for row in rows]
    return pd.DataFrame([row for row in rows if any(v.strip() for v in row)], dtype=str).fillna("")


def _is_second_header(row: list[str], below: list[str] | None = None) -> bool:
    """HXL hashtags (#meta+id) in every filled cell, or SurveyMonkey's « Réponse » labels in some — in a column
    whose next row (`below`) does not hold the same: Cap Collectif writes « Réponse » as every reply's type."""
    filled = [comparison_key(v) for v in row if v.strip()]
    if not filled:
        return False
    if all(v.startswith("#") and " " not in v for v in filled):
        return True
    known = {comparison_key(v) for v in data_file("consultation.yml")["second_entete"]}
    below = [comparison_key(v) for v in below] if below else [None] * len(row)
    return any(comparison_key(v) in known and comparison_key(v) != b for v, b in zip(row, below, strict=True))


@dataclass
class _Header:
    rows: list[list[str]]  # the header rows, each as wide as the table

    def find(self, path: Path, column: str) -> tuple[int, int] | None:
        """(header row, position) of a column; a header found twice in its row is an error."""
        key = comparison_key(column)
        for r, row in enumerate(self.rows):
            found = [i for i, v in enumerate(row) if comparison_key(v) == key]
            if len(found) > 1:
                raise AnswersError(path, f"la colonne « {column} » apparaît {len(found)} fois dans l'en-tête")
            if found:
                return r, found[0]
        return None

    def block(self, row: int, start: int, positions: dict[str, tuple[int, int]]) -> range:
        """The columns under one header: from it to the next filled cell of its header row, or to the next column
        the spec names (`positions`, ``_locate``): Drupal Webform (Framaforms) leaves the row of a checkbox
        question's title empty above the text questions that follow it."""
        claimed = {i for _, i in positions.values()}
        end = start + 1
        while end < len(self.rows[row]) and not self.rows[row][end].strip() and end not in claimed:
            end += 1
        return range(start, end)


def _with_nearest(column: str, labels: list[str]) -> str:
    """« « Vous êtes » (l'export a « Vous êtes : ») »: a missing column with the export's nearest header (rapidfuzz
    ratio ≥ 80 without case, accents or punctuation), the usual cause being a colon or a space."""
    keys = {label: comparison_key(label) for label in labels}
    nearest = process.extractOne(comparison_key(column), keys, scorer=fuzz.ratio, score_cutoff=80)
    return f"« {column} »" + (f" (l'export a « {nearest[2]} »)" if nearest else "")


def _locate(path: Path, header: _Header, spec: Questionnaire,
            separator: str | None = None) -> dict[str, tuple[int, int]]:
    """(header row, position) of every column the spec names; missing columns are one error listing them (and, for
    a CSV, the separator found when it is not the one the platform preset expects)."""
    places = {column: header.find(path, column) for column in spec.columns()}
    positions = {column: place for column, place in places.items() if place is not None}
    if missing := [column for column, place in places.items() if place is None]:
        labels = [v for row in header.rows for v in row if v.strip()]
        shown = ", ".join(f"« {h} »" for h in labels[:20]) + (" …" if len(labels) > 20 else "")
        found = (f" ; le séparateur trouvé est « {_shown(separator)} », le préréglage attend "
                 f"« {_shown(spec.preset_separator)} »" if separator and spec.preset_separator
                 and separator != spec.preset_separator else "")
        raise AnswersError(path, f"colonne(s) du questionnaire {spec.path.name} absente(s) de l'export : "
                                 f"{', '.join(_with_nearest(c, labels) for c in missing)} ; colonnes présentes : "
                                 f"{shown or 'aucune'}{found}")
    for exclusion in spec.exclusions:
        if exclusion.optional and exclusion.column not in positions:
            found = header.find(path, exclusion.column)
            if found is not None:
                positions[exclusion.column] = found
    return positions


def _check_marks(path: Path, header: _Header, rows: pd.DataFrame, spec: Questionnaire) -> None:
    """No row mark of a known platform goes unread: a marker column (plateformes.yml) the spec has no exclusion
    for, holding a value that marks a row, is an error naming the key to set; a preset's marker column holding a
    value the preset does not list (to exclude or to keep) is an error too."""
    handled = {comparison_key(e.column) for e in spec.exclusions}
    own = {comparison_key(e.column) for e in spec.exclusions if not e.optional}  # the spec took charge
    presets = data_file("plateformes.yml")["plateformes"]
    for marker in known_markers(spec.path):
        key = comparison_key(marker.column)
        checked = key not in handled or (marker.platform == spec.platform and marker.keep is not None)
        if key in own or not checked:
            continue
        found = header.find(path, marker.column)
        if found is None:
            continue
        keys = _clean(rows[found[1]]).map(comparison_key)
        if key not in handled:
            marked = keys.isin(marker.values)
            if marked.any():
                name = f" ({presets[marker.platform].get('nom', marker.platform)})" if marker.platform else ""
                fix = (f"ajoutez platform: {marker.platform} (qui les exclut) ou une règle exclude sur cette colonne"
                       if marker.platform else "ajoutez une règle exclude sur cette colonne")
                raise AnswersError(path, f"la colonne « {marker.column} » marque {int(marked.sum())} ligne(s) : "
                                         f"« {marker.reason} »{name} ; le questionnaire {spec.path.name} ne dit "
                                         f"pas quoi en faire : {fix}")
            continue
        unknown = keys[~keys.isin(marker.values + marker.keep)]
        if len(unknown):
            value = _clean(rows[found[1]])[unknown.index[0]]
            raise AnswersError(path, f"colonne « {marker.column} » : valeur « {value[:60]} » ({len(unknown)} "
                                     f"ligne(s)) inconnue du préréglage {marker.platform} (« {marker.reason} ») ; "
                                     "ajoutez une règle exclude sur cette colonne pour dire quoi en faire")


PROTECTED = re.compile(r"^'(?=[=+\-@])")
EMAIL_ID = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _clean(values: pd.Series) -> pd.Series:
    """Each cell as clean text, read once per distinct value; the « ' » that exporters (Decidim, spreadsheets)
    put before a cell starting with = + - @ to keep it from being a formula is removed: it is not the
    respondent's text (our own outputs add it back when they publish)."""
    unique = pd.unique(values)
    return values.map({v: PROTECTED.sub("", clean_text(v)) for v in unique})


def _split_table(path: Path, table: pd.DataFrame, spec: Questionnaire) -> tuple[_Header, pd.DataFrame]:
    if table.empty:
        raise AnswersError(path, "fichier vide : ni en-tête ni réponse")
    declared = spec.header_rows
    n = declared or 1
    rows = [[clean_text(v) for v in table.iloc[i].tolist()] for i in range(min(n, len(table)))]
    data = table.iloc[n:].reset_index(drop=True)
    repeated = _repeats_header(data, rows[-1] if rows else [])
    # Checked even when header_rows is declared: a spec saying 1 for a SurveyMonkey export counted its label row
    # as a respondent and « Open-Ended Response » as a requested dataset.
    below = [clean_text(v) for v in data.iloc[1].tolist()] if len(data) > 1 else None
    if len(data) and (_is_second_header([clean_text(v) for v in data.iloc[0].tolist()], below)
                      or (declared is None and len(repeated) and repeated[0] == 0)):
        said = f" (le questionnaire dit {declared})" if declared else ""
        raise AnswersError(path, f"la ligne sous l'en-tête est une ligne d'en-tête de plus{said} (étiquettes HXL, "
                                 "« Réponse » de SurveyMonkey ou en-tête répété), pas une réponse : déclarez "
                                 f"format.header_rows: {n + 1} dans le questionnaire (ou platform)")
    if len(repeated):
        numbers = ", ".join(str(n + 1) for n in repeated[:5])
        raise AnswersError(path, f"{len(repeated)} ligne(s) de données répètent l'en-tête (réponse(s) n° {numbers} "
                                 "sous l'en-tête) : exports mis bout à bout ? Retirez-les : ce ne sont pas des "
                                 "réponses")
    return _Header(rows), data


def _repeats_header(data: pd.DataFrame, header: list[str]) -> list[int]:
    """Data rows (0-based) whose filled cells all repeat the header of their column (at least two of them):
    a header copied under itself, or the header of a second export pasted below the first."""
    if data.empty or not header:
        return []
    equal = pd.Series(0, index=data.index)
    other = pd.Series(False, index=data.index)
    for i, column in enumerate(data.columns[:len(header)]):
        values = data[column].astype(str).str.strip()
        same = values == header[i].strip()
        equal += (same & (values != "")).astype(int)
        other |= ~same & (values != "")
    return data.index[(equal >= 2) & ~other].tolist()


def _exclusion(rows: pd.DataFrame, positions: dict, spec: Questionnaire) -> pd.Series:
    out = pd.Series("", index=rows.index)
    for exclusion in reversed(spec.exclusions):  # the first that applies wins
        if exclusion.column in positions:
            keys = _clean(rows[positions[exclusion.column][1]]).map(comparison_key)
            out = out.where(~keys.isin(exclusion.values), exclusion.reason)
    return out


def _is_other(header: str, question: Question) -> bool:
    """The column is the question's « Autre » one: its header starts with the declared `other`."""
    return bool(question.other) and comparison_key(header).startswith(comparison_key(question.other))


def _check_ticks(path: Path, question: Question, rows: pd.DataFrame, indexes: list[int], headers: list[str],
                 value_columns: list[bool]) -> None:
    """Raise AnswersError when a column of a question's block holds more than ``cases_valeurs_max`` different
    values: a checkbox column holds its one mark (« X », its key or label, « 1 »); more is another question's
    text the block ran into (a column the spec does not name), which would be counted as an option."""
    unchecked = {comparison_key(v) for v in data_file("consultation.yml")["non_coche"]} | {""}
    limit = data_file("consultation.yml")["cases_valeurs_max"]
    for i, label, value in zip(indexes, headers, value_columns, strict=True):
        if value or _is_other(label, question):
            continue
        marks = [v for v in pd.unique(_clean(rows[i])) if comparison_key(v) not in unchecked]
        if len(marks) > limit:
            raise AnswersError(path, f"question « {question.id} » : la colonne « {label} » de son bloc tient "
                                     f"{len(marks)} valeurs différentes (« {marks[0][:40]} »…), pas une case "
                                     "cochée : c'est sans doute une autre question ; déclarez-la dans le "
                                     "questionnaire, ou donnez les colonnes de celle-ci avec « columns »")


def _choice(path: Path, question: Question, rows: pd.DataFrame, header: _Header,
            positions: dict) -> choices.ChoiceReading:
    """One choice question, in one column or spread over several (declared, or the block of its header)."""
    if len(question.columns) > 1:
        indexes = [positions[c][1] for c in question.columns]
        headers, value_columns = list(question.columns), [False] * len(indexes)
    else:
        row, start = positions[question.columns[0]]
        indexes = list(header.block(row, start, positions)) if len(header.rows) > 1 else [start]
        if len(indexes) == 1:
            if question.other and not question.options:
                raise AnswersError(path, f"question « {question.id} » (colonne « {question.columns[0]} ») : "
                                         f"« other » ({question.other}) sans « options » : dans une seule colonne, "
                                         "seule la liste des options sépare un choix du texte tapé avec "
                                         f"« {question.other} » ; déclarez « options » dans le questionnaire")
            return choices.read_cells(_clean(rows[start]), question)
        last = header.rows[-1]
        known = {comparison_key(v) for v in data_file("consultation.yml")["second_entete"]}
        headers = [last[i] or header.rows[row][i] for i in indexes]
        if ends := [i for i, h in enumerate(headers) if _is_other(h, question)]:
            indexes, headers = indexes[:ends[0] + 1], headers[:ends[0] + 1]  # the « Autre » column ends its block
        value_columns = [comparison_key(h) in known for h in headers]
        _check_ticks(path, question, rows, indexes, headers, value_columns)
    if (question.options or question.other) and (missing := choices.unmatched_options(headers, value_columns,
                                                                                     question)):
        shown = ", ".join(f"« {h} »" for h in headers if h)
        raise AnswersError(path, f"question « {question.id} » : aucune colonne de l'export pour "
                                 f"{', '.join(_with_nearest(m, headers) for m in missing)} (options déclarées ou "
                                 f"« other ») ; colonnes de la question : {shown}")
    block = pd.concat([_clean(rows[i]) for i in indexes], axis=1)
    return choices.read_block(block, headers, value_columns, question)


def read_answers(path: str | Path, spec: Questionnaire, block_size: int | None = None) -> Answers:
    """The export as one row per answer received; the spec must already be validated.

    A CSV is read by pyarrow in blocks of `block_size` bytes (default: `lecture.bloc_octets` of
    consultation.yml; 0 forces pandas' whole-file reader, which also reads any file pyarrow refuses).
    Both give the same cells.

    Raises AnswersError (naming the file) for an unreadable file, a missing column, an undeclared second
    header row, no answer under the header, or a date column mixing day-first and month-first dates.
    """
    path = Path(path)
    if not path.is_file():
        raise AnswersError(path, "export des réponses introuvable")
    encoding = separator = None
    suffix = path.suffix.lower()
    if suffix in NOT_TABLES:
        raise AnswersError(path, f"format {suffix} non lu : exportez les réponses en CSV, XLSX ou ODS (une ligne par "
                                 "réponse), l'export en tableau que chaque plateforme propose")
    if suffix in SHEET_SUFFIXES:
        table = _read_sheet(path, spec)
    else:
        table, encoding, separator = _read_csv(path, spec, block_size)
    header, rows = _split_table(path, table, spec)
    positions = _locate(path, header, spec, separator)
    if rows.empty:
        raise AnswersError(path, "aucune réponse sous l'en-tête")
    rows = rows.reindex(columns=range(len(header.rows[0])), fill_value="").fillna("")
    _check_marks(path, header, rows, spec)
    frame = pd.DataFrame({"numero": range(1, len(rows) + 1)})

    def column(name: str) -> pd.Series:
        return _clean(rows[positions[name][1]])

    ids = column(spec.id_column) if spec.id_column else pd.Series([""] * len(rows))
    # An e-mail typed as the id (Google Forms' « Adresse e-mail » filled in by hand) is one respondent whatever
    # its capitals: « A@x.fr » then « a@X.FR » is a resubmission (mail providers ignore case).
    ids = ids.where(~ids.str.fullmatch(EMAIL_ID), ids.str.lower())
    frame["id"] = ids.where(ids != "", frame["numero"].astype(str)).to_numpy()
    profiles = column(spec.respondent_column)
    if len(header.rows) > 1:  # SurveyMonkey: « Réponse », then the category typed in « Autre (veuillez préciser) »
        for i in header.block(*positions[spec.respondent_column], positions)[1:]:
            profiles = profiles.where(profiles != "", _clean(rows[i]))
    frame["profil"] = profiles.where(profiles != "", data_file("consultation.yml")["profil_absent"]).to_numpy()
    undated, reading = 0, None
    if spec.date_column:
        written = column(spec.date_column)
        written = written.where(~written.isin(spec.date_placeholders), "")  # a platform's « no date »
        dates, reading = parse_dates(written, path, spec.date_column, spec.date_format,
                                     spec.date_timezone, spec.date_timezone_source)
        frame["date"] = dates.set_axis(frame.index)
        undated = int(frame["date"].isna().sum())
    else:
        frame["date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    frame["exclusion"] = _exclusion(rows, positions, spec).to_numpy()
    off_values = pd.DataFrame(index=frame.index)
    for question in spec.questions:
        if question.derived_from:  # the typed « Autre » text: from the choice cell, or its own column (Kobo)
            if question.columns:
                frame[question.id] = column(question.columns[0]).to_numpy()
            continue
        if question.is_choice:
            read = _choice(path, question, rows, header, positions)
            frame[question.id] = read.values.to_numpy()
            if question.other:
                frame[question.id + "_autre"] = read.other.to_numpy()
            off_values[question.id] = read.off_rows.to_numpy()
        else:
            frame[question.id] = column(question.columns[0]).to_numpy()
    answers = Answers(path, spec, frame, suffix.lstrip(".") if suffix in SHEET_SUFFIXES else "csv", encoding,
                      separator, sha256_file(path), undated, reading, len(header.rows), off_values=off_values)
    answers.off_list = off_list_of(answers)
    return answers
