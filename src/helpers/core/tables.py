"""Writing processed tables: CSV (UTF-8), one XLSX workbook and a Frictionless datapackage.json.

Every published cell is made inert here, whatever step wrote the table: in CSV and XLSX a text starting with
=, +, -, @, tab or CR gets a leading « ' » (removed again by :func:`load_table`), and a list is a JSON array.
Every file is streamed to a staged file beside its target first, then all replace their predecessors
atomically, so a failure while rendering leaves the previous outputs untouched. Output bytes depend only on
the inputs. The shared datapackage.json is read, merged and replaced under a lock: steps may run in parallel.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import math
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from helpers.core.config import data_file, xlsx_max_rows
from helpers.core.errors import SourceError
from helpers.core.storage import atomic_paths, write_bytes_atomic

PACKAGE = "datapackage.json"
# Schema type « liste »: a tuple of strings in memory, a JSON array in CSV and XLSX (Frictionless type
# « array »: a JSON array in the cell), so that no name can be taken for a separator; load_table decodes it.
FRICTIONLESS_TYPES = {"integer": "integer", "string": "string", "boolean": "boolean", "number": "number",
                      "liste": "array"}
# Characters a spreadsheet may read as the start of a formula (OWASP « CSV injection »).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A text cell the writer prefixes with « ' »: one starting with a formula character, or with apostrophes and
# then one (so that reading removes exactly one apostrophe from these and nothing else: an exact round trip).
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'(?='*[=+\-@\t\r])")


def neutralise(value: object) -> object:
    """A text cell as the published CSV and XLSX hold it: prefixed with « ' » when a spreadsheet would read it as
    a formula (starting with =, +, -, @, tab or CR: OWASP « CSV injection »), or when it is apostrophes then
    such a character (so that :func:`restore` is exact); any other value (numbers, booleans) as it is."""
    if _risky(value):
        return "'" + value
    return value


def restore(value: object) -> object:
    """The inverse of :func:`neutralise`: the text cell as it was before writing."""
    return _ESCAPED.sub("", value) if isinstance(value, str) else value


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell neutralised (:func:`neutralise`); numbers and booleans, even in a column of
    mixed types, are left as they are."""
    changed = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            risky = values.map(_risky, na_action="ignore").fillna(False).astype(bool)
            if risky.any():
                changed[column] = values.where(~risky, values[risky].map(lambda v: "'" + v))
    return frame.assign(**changed) if changed else frame


def _risky(value: object) -> bool:
    return isinstance(value, str) and _NEUTRALISED.match(value) is not None


def _line_end(frame: pd.DataFrame) -> str:
    """The CSV line terminator: « \\n », or « \\r\\n » when a text cell holds a carriage return — the csv module
    quotes a field only for the characters of its line terminator, and an unquoted CR would end the row for
    every reader."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            try:
                joined = "".join(values.dropna())
            except TypeError:  # numbers among the texts
                joined = "".join(v for v in values if isinstance(v, str))
            if "\r" in joined:
                return "\r\n"
    return "\n"


def _flat(value: object) -> object:
    """A cell as a file holds it: a tuple/list of names as a JSON array, anything else as is."""
    return json.dumps(list(value), ensure_ascii=False) if isinstance(value, tuple | list) else value


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its list columns as JSON arrays (columns whose first non-missing value is a tuple or a
    list)."""
    lists = [c for c in frame.columns if frame[c].dtype == object and frame[c].first_valid_index() is not None
             and isinstance(frame[c].at[frame[c].first_valid_index()], tuple | list)]
    return frame.assign(**{c: frame[c].map(_flat) for c in lists}) if lists else frame


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as the CSV and XLSX files hold it: lists as JSON arrays, then every text cell neutralised. The one
    place where published cells are made inert, whatever step wrote the table."""
    return _neutralised(_flatten(frame))


def schema() -> dict:
    """The processed-table schema, ``helpers/data/schema.yml``: table name → ``titre``, ``cle_primaire``,
    ``champs`` (column → [type, description, (enum)]), optional ``champs_variables`` and ``parquet``.

    Shared and cached (:func:`config.data_file`): do not mutate it.
    """
    return data_file("schema.yml")


def column_spec(table: dict, column: str) -> list:
    """[type, description, (enum)] of a column: declared in `champs`, or matching a prefix of
    `champs_variables` (columns named after the data, e.g. one per question; "{suffixe}" in the
    description is replaced by the rest of the column name).

    `table` is one entry of :func:`schema`; the type is one of ``integer``, ``number``, ``string``,
    ``boolean``. Raises ``KeyError`` for a column schema.yml does not declare (a programming error: every
    published column must be documented)."""
    if column in table["champs"]:
        return table["champs"][column]
    for prefix, (kind, description, *rest) in table.get("champs_variables", {}).items():
        if column.startswith(prefix):
            return [kind, description.replace("{suffixe}", column[len(prefix):]), *rest]
    raise KeyError(f"colonne « {column} » non déclarée dans schema.yml")


NOTE_SHEET = "note"


def write_xlsx(tables: dict[str, pd.DataFrame], target: Path, max_rows: int | None = None) -> Path:
    """Write a workbook with one sheet per table to `target`, by xlsxwriter in constant-memory (streaming)
    mode; returns `target`.

    Strings stay strings: a leading "=" is never a formula (and gets the « ' » of :func:`neutralise`, as in
    the CSV), a URL never a link, "01" never a number; a list is a JSON array.
    A table with more rows than a sheet holds (`max_rows`, default :func:`config.xlsx_max_rows`, the
    Excel limit of 1,048,576 rows header included) is left out, never truncated: a « note » sheet says
    so and names its CSV. Same tables → same bytes (fixed creation date and archive timestamps).
    """
    limit = max_rows or xlsx_max_rows()
    left_out: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory(prefix="xlsx-") as tmp:
        options = {"constant_memory": True, "tmpdir": tmp, "strings_to_formulas": False,
                   "strings_to_urls": False, "strings_to_numbers": False, "nan_inf_to_errors": True}
        book = xlsxwriter.Workbook(str(target), options)
        book.set_properties({"created": dt.datetime.fromisoformat(data_file("sorties.yml")["xlsx"]["date_fixe"])})
        bold = book.add_format({"bold": True})
        for name, frame in tables.items():
            if len(frame) + 1 > limit:
                left_out.append((name, len(frame)))
                continue
            sheet = book.add_worksheet(name[:31])
            for col, column in enumerate(frame.columns):
                sheet.write_string(0, col, str(column), bold)
            sheet.freeze_panes(1, 0)
            _write_rows(sheet, _published(frame), 1)
        if left_out:
            note = book.add_worksheet(NOTE_SHEET)
            note.write_string(0, 0, "Tables absentes de ce classeur", bold)
            for row, (name, count) in enumerate(left_out, start=1):
                note.write_string(row, 0, (
                    f"La table « {name} » compte {count} lignes, plus qu'une feuille XLSX ne peut en contenir "
                    f"({limit - 1} lignes de données) : elle n'est pas dans ce classeur. Elle est complète "
                    f"dans {name}.csv."))
        book.close()
    return target


def _write_rows(sheet, frame: pd.DataFrame, first: int) -> None:
    """The rows of `frame` from sheet row `first`: strings as strings (empty ones left blank), booleans,
    numbers; a missing value is an empty cell."""
    for row, values in enumerate(frame.itertuples(index=False), start=first):
        for col, value in enumerate(values):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, str):
                if value:
                    sheet.write_string(row, col, value)
            elif isinstance(value, bool | np.bool_):
                sheet.write_boolean(row, col, bool(value))
            else:
                sheet.write_number(row, col, value.item() if hasattr(value, "item") else value)


def datapackage(tables: dict[str, pd.DataFrame], source: dict, previous: list[dict] = ()) -> dict:
    """Frictionless Data Package descriptor (tabular-data-package profile, specs.frictionlessdata.io)
    documenting every column of every table, built and checked by ``frictionless``.

    `tables`: name → frame, every name declared in schema.yml (``KeyError`` otherwise, as for an
    undeclared column, see :func:`column_spec`); `source`: the official source's entry of sources.yml
    (``licence``, ``attribution``, ``page`` are read); `previous`: resources of an existing descriptor, kept
    unless `tables` replaces them. Returns a JSON-ready dict with one ``tabular-data-resource`` per table
    (in the order of schema.yml), pointing at ``<name>.csv``; booleans are written "True"/"False" and an empty
    cell is a missing value.
    """
    # Imported here: a kernel that only reads tables (a producer fiche) is spared its 0.15 s.
    from frictionless import Package, Resource, Schema

    spec = schema()
    resources = {r["name"]: Resource.from_descriptor(r) for r in previous}
    for name, frame in tables.items():
        table = spec[name]
        fields = []
        for column in frame.columns:
            kind, description, *enum = column_spec(table, column)
            field = {"name": column, "type": FRICTIONLESS_TYPES[kind], "description": description}
            if kind == "boolean":
                field.update(trueValues=["True"], falseValues=["False"])
            if enum:
                field["constraints"] = {"enum": enum[0]}
            fields.append(field)
        keys = {"primaryKey": table["cle_primaire"]} if table["cle_primaire"] else {}
        resources[name] = Resource(name=name, title=table["titre"], profile="tabular-data-resource",
                                   path=f"{name}.csv", format="csv", mediatype="text/csv", encoding="utf-8",
                                   schema=Schema.from_descriptor({"fields": fields, "missingValues": [""], **keys}))
    return Package(
        name="cartographie-sante-2014-nettoyee",
        title="Cartographie des bases de données publiques en santé (2014), tables nettoyées",
        profile="tabular-data-package",
        description=("Fichiers CSV en UTF-8. Une cellule de texte qui commencerait par =, +, -, @, une "
                     "tabulation ou un retour chariot (ou par des apostrophes suivies de l'un d'eux) est "
                     "précédée d'une apostrophe, pour qu'aucun tableur ne la lise comme une formule : "
                     "retirez cette première apostrophe pour retrouver le texte exact. Une liste est un "
                     "tableau JSON."),
        licenses=[{"name": "etalab-2.0", "title": source.get("licence", ""),
                   "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}],
        sources=[{"title": source.get("attribution", ""), "path": source.get("page", "")}],
        resources=[resources[name] for name in spec if name in resources],
    ).to_descriptor()


def _previous_resources(processed_dir: Path) -> list[dict]:
    """The resources of the existing descriptor ([] when absent or unreadable: rebuilt from this step's tables)."""
    from frictionless import FrictionlessException, Package

    try:
        return Package.from_descriptor(str(processed_dir / PACKAGE)).to_descriptor()["resources"]
    except FrictionlessException:
        return []


def write_processed(processed_dir: str | Path, tables: dict[str, pd.DataFrame], *,
                    workbook_name: str, source: dict) -> list[Path]:
    """Write `tables` (name → frame, names declared in schema.yml) into `processed_dir`: one CSV each,
    a Parquet file for the tables whose schema says ``parquet: true``, the workbook `workbook_name`
    (see :func:`write_xlsx`) and the merged ``datapackage.json`` (`source`: the official source's
    licence and attribution). Everything is rendered first, then each file replaced atomically.
    CSV and XLSX text cells are neutralised (:func:`neutralise`), lists written as JSON arrays; the Parquet
    file keeps the texts exact (typed, never opened as a spreadsheet). Returns the written paths."""
    processed_dir = Path(processed_dir)
    csvs = {processed_dir / f"{name}.csv": frame for name, frame in tables.items()}
    parquets = {processed_dir / f"{name}.parquet": frame for name, frame in tables.items()
                if schema().get(name, {}).get("parquet")}
    workbook = processed_dir / workbook_name
    # Streamed to staged files (a national-size export never sits in memory as bytes), then all replaced.
    with atomic_paths([*csvs, *parquets, workbook]) as staged:
        for target, frame in csvs.items():
            published = _published(frame)
            published.to_csv(staged[target], index=False, lineterminator=_line_end(published), encoding="utf-8")
        for target, frame in parquets.items():
            _flatten(frame).to_parquet(staged[target], engine="pyarrow", compression="zstd", index=False)
        write_xlsx(tables, staged[workbook])
    written = [*csvs, *parquets, workbook]
    with _locked(processed_dir):  # steps run in parallel (02 and 04) must not lose each other's resources
        descriptor = datapackage(tables, source, _previous_resources(processed_dir))
        package = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode()
        written.append(write_bytes_atomic(processed_dir / PACKAGE, package))
    return written


@contextmanager
def _locked(directory: Path):
    """An exclusive lock on the directory itself (no lock file left among the processed data)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def load_table(processed_dir: str | Path, name: str) -> pd.DataFrame:
    """The processed table `name` (``<processed_dir>/<name>.csv``) with the types of schema.yml.

    Columns typed ``integer`` become ``Int64`` (nullable), ``number`` float, ``boolean`` True/False
    (missing → NaN), ``liste`` a tuple of strings (from its JSON array); text columns stay ``str``, an empty
    cell stays ``""`` and the writer's formula guard (:func:`neutralise`) is removed: every cell is read back
    exactly as it was given to :func:`write_processed`. Raises
    :class:`~helpers.core.errors.SourceError` naming the file when it is absent (the step producing it
    has not run) or lacks a column schema.yml declares; ``KeyError`` for a name schema.yml does not know.
    """
    path = Path(processed_dir) / f"{name}.csv"
    if not path.is_file():
        raise SourceError(path, "absent : exécutez d'abord le notebook qui le produit (make reports)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    table = schema()[name]
    missing = [c for c in table["champs"] if c not in frame.columns]
    if missing:
        raise SourceError(path, f"colonnes absentes : {', '.join(missing)}")
    variable = [c for c in frame.columns if c not in table["champs"] and any(
        c.startswith(prefix) for prefix in table.get("champs_variables", {}))]
    for column, (kind, *_rest) in {**table["champs"], **{c: column_spec(table, c) for c in variable}}.items():
        if kind == "integer":
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
        elif kind == "number":
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
        elif kind == "boolean":
            frame[column] = frame[column].map({"True": True, "False": False})
        elif kind == "liste":
            frame[column] = [_list(path, column, cell) for cell in frame[column]]
        else:
            frame[column] = frame[column].str.replace(_ESCAPED, "", regex=True)  # the writer's « ' »
    return frame


def _list(path: Path, column: str, cell: str) -> tuple[str, ...]:
    """A « liste » cell read back: its JSON array as a tuple (an empty cell: the empty tuple). Raises
    :class:`SourceError` for anything else (e.g. a « | »-joined cell of an older build), never a guessed split."""
    if cell == "":
        return ()
    try:
        value = json.loads(cell)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise SourceError(path, f"colonne {column} : liste JSON attendue, lu {cell[:80]!r} "
                                "(reconstruisez les données : make reports)")
    return tuple(value)
