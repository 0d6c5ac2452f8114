"""Writing processed tables: CSV (UTF-8), one XLSX workbook and a Frictionless datapackage.json.

Every file is rendered in memory first, then each replaces its predecessor atomically, so a failure
while rendering leaves the previous outputs untouched. Output bytes depend only on the inputs. The
shared datapackage.json is read, merged and replaced under a lock: steps may run in parallel.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from helpers.core.config import data_file, xlsx_max_rows
from helpers.core.errors import SourceError
from helpers.core.storage import atomic_paths, write_bytes_atomic

FIXED_ZIP_TIME = (2014, 5, 6, 0, 0, 0)
PACKAGE = "datapackage.json"
# Schema type « liste »: a tuple of strings in memory, joined with LIST_SEPARATOR in CSV and XLSX (and a
# string for Frictionless); load_table splits it back.
FRICTIONLESS_TYPES = {"integer": "integer", "string": "string", "boolean": "boolean", "number": "number",
                      "liste": "string"}
LIST_SEPARATOR = "|"


def _flat(value: object) -> object:
    """A cell as a file holds it: a tuple/list of names joined with LIST_SEPARATOR, anything else as is."""
    return LIST_SEPARATOR.join(value) if isinstance(value, tuple | list) else value


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its list columns joined (columns whose first non-missing value is a tuple or a list)."""
    lists = [c for c in frame.columns if frame[c].dtype == object and frame[c].first_valid_index() is not None
             and isinstance(frame[c].at[frame[c].first_valid_index()], tuple | list)]
    return frame.assign(**{c: frame[c].map(_flat) for c in lists}) if lists else frame


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


def xlsx_bytes(tables: dict[str, pd.DataFrame], max_rows: int | None = None) -> bytes:
    """:func:`write_xlsx` into memory: the workbook's bytes."""
    with tempfile.TemporaryDirectory(prefix="xlsx-") as tmp:
        target = Path(tmp) / "classeur.xlsx"
        write_xlsx(tables, target, max_rows)
        return target.read_bytes()


def write_xlsx(tables: dict[str, pd.DataFrame], target: Path, max_rows: int | None = None) -> Path:
    """Write a workbook with one sheet per table to `target`, by xlsxwriter in constant-memory (streaming)
    mode; returns `target`.

    Strings stay strings: a leading "=" is never a formula, a URL never a link, "01" never a number.
    A table with more rows than a sheet holds (`max_rows`, default :func:`config.xlsx_max_rows`, the
    Excel limit of 1,048,576 rows header included) is left out, never truncated: a « note » sheet says
    so and names its CSV. Same tables → same bytes (fixed creation date and archive timestamps).
    """
    limit = max_rows or xlsx_max_rows()
    settings = data_file("sorties.yml")["xlsx"]
    with tempfile.TemporaryDirectory(prefix="xlsx-") as tmp:
        options = {"constant_memory": True, "tmpdir": tmp, "strings_to_formulas": False,
                   "strings_to_urls": False, "strings_to_numbers": False, "nan_inf_to_errors": True}
        workbook = xlsxwriter.Workbook(str(target), options)
        workbook.set_properties({"created": dt.datetime.fromisoformat(settings["date_fixe"])})
        bold = workbook.add_format({"bold": True})
        left_out = []
        for name, frame in tables.items():
            if len(frame) + 1 > limit:
                left_out.append((name, len(frame)))
                continue
            _write_sheet(workbook.add_worksheet(name[:31]), _flatten(frame), bold)
        if left_out:
            note = workbook.add_worksheet(NOTE_SHEET)
            note.write_string(0, 0, "Tables absentes de ce classeur", bold)
            for row, (name, count) in enumerate(left_out, start=1):
                note.write_string(row, 0, (
                    f"La table « {name} » compte {count} lignes, plus qu'une feuille XLSX ne peut en contenir "
                    f"({limit - 1} lignes de données) : elle n'est pas dans ce classeur. Elle est complète dans "
                    f"{name}.csv."))
        workbook.close()
    return target


def _write_sheet(sheet, frame: pd.DataFrame, bold) -> None:
    """One table, row by row (constant-memory mode writes each row once, in order)."""
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, str(name), bold)
    for row, values in enumerate(frame.itertuples(index=False), start=1):
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
    sheet.freeze_panes(1, 0)


def datapackage(tables: dict[str, pd.DataFrame], source: dict) -> dict:
    """Frictionless Data Package descriptor (tabular-data-package profile, specs.frictionlessdata.io)
    documenting every column of every table.

    `tables`: name → frame, every name declared in schema.yml (``KeyError`` otherwise, as for an
    undeclared column, see :func:`column_spec`); `source`: the official source's entry of sources.yml
    (``licence``, ``attribution``, ``page`` are read). Returns a JSON-ready dict with one
    ``tabular-data-resource`` per table, pointing at ``<name>.csv``; booleans are written "True"/"False"
    and an empty cell is a missing value.
    """
    spec = schema()
    resources_ = []
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
        schema_ = {"fields": fields, "missingValues": [""]}
        if table["cle_primaire"]:
            schema_["primaryKey"] = table["cle_primaire"]
        resources_.append({
            "name": name, "path": f"{name}.csv", "title": table["titre"], "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema_,
        })
    return {
        "name": "cartographie-sante-2014-nettoyee",
        "title": "Cartographie des bases de données publiques en santé (2014), tables nettoyées",
        "profile": "tabular-data-package",
        "licenses": [{"name": "etalab-2.0", "title": source.get("licence", ""),
                      "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}],
        "sources": [{"title": source.get("attribution", ""), "path": source.get("page", "")}],
        "resources": resources_,
    }


def _merged_package(processed_dir: Path, tables: dict[str, pd.DataFrame], source: dict) -> dict:
    """This step's resources merged into the existing descriptor, in the order of schema.yml."""
    descriptor = datapackage(tables, source)
    path = processed_dir / PACKAGE
    if path.is_file():
        try:
            previous = {r["name"]: r for r in json.loads(path.read_text(encoding="utf-8"))["resources"]}
        except (ValueError, KeyError, TypeError):
            previous = {}  # an unreadable descriptor is rebuilt from this step's tables
        current = {r["name"]: r for r in descriptor["resources"]}
        merged = {**previous, **current}
        descriptor["resources"] = [merged[name] for name in schema() if name in merged]
    return descriptor


def write_processed(processed_dir: str | Path, tables: dict[str, pd.DataFrame], *,
                    workbook_name: str, source: dict) -> list[Path]:
    """Write `tables` (name → frame, names declared in schema.yml) into `processed_dir`: one CSV each,
    a Parquet file for the tables whose schema says ``parquet: true``, the workbook `workbook_name`
    (see :func:`write_xlsx`) and the merged ``datapackage.json`` (`source`: the official source's
    licence and attribution). Everything is rendered first, then each file replaced atomically.
    Returns the written paths."""
    processed_dir = Path(processed_dir)
    csvs = {processed_dir / f"{name}.csv": frame for name, frame in tables.items()}
    parquets = {processed_dir / f"{name}.parquet": frame for name, frame in tables.items()
                if schema().get(name, {}).get("parquet")}
    workbook = processed_dir / workbook_name
    # Streamed to staged files (a national-size export never sits in memory as bytes), then all replaced.
    with atomic_paths([*csvs, *parquets, workbook]) as staged:
        for target, frame in csvs.items():
            _flatten(frame).to_csv(staged[target], index=False, lineterminator="\n", encoding="utf-8")
        for target, frame in parquets.items():
            _flatten(frame).to_parquet(staged[target], engine="pyarrow", compression="zstd", index=False)
        write_xlsx(tables, staged[workbook])
    written = [*csvs, *parquets, workbook]
    with _locked(processed_dir):  # steps run in parallel (02 and 04) must not lose each other's resources
        descriptor = _merged_package(processed_dir, tables, source)
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
    (missing → NaN); text columns stay ``str`` and an empty cell stays ``""``. Raises
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
            frame[column] = frame[column].map(lambda cell: tuple(x for x in cell.split(LIST_SEPARATOR) if x))
    return frame
