"""Writing processed tables: CSV (UTF-8), one XLSX workbook and a Frictionless datapackage.json.

Every file is rendered in memory first, then each replaces its predecessor atomically, so a failure
while rendering leaves the previous outputs untouched. Output bytes depend only on the inputs. The
shared datapackage.json is read, merged and replaced under a lock: steps may run in parallel.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from helpers.core.config import data_file
from helpers.core.errors import SourceError
from helpers.core.storage import write_bytes_atomic

FIXED_ZIP_TIME = (2014, 5, 6, 0, 0, 0)
PACKAGE = "datapackage.json"
FRICTIONLESS_TYPES = {"integer": "integer", "string": "string", "boolean": "boolean", "number": "number"}


def schema() -> dict:
    return data_file("schema.yml")


def column_spec(table: dict, column: str) -> list:
    """[type, description, (enum)] of a column: declared in `champs`, or matching a prefix of
    `champs_variables` (columns named after the data, e.g. one per question; "{suffixe}" in the
    description is replaced by the rest of the column name)."""
    if column in table["champs"]:
        return table["champs"][column]
    for prefix, (kind, description, *rest) in table.get("champs_variables", {}).items():
        if column.startswith(prefix):
            return [kind, description.replace("{suffixe}", column[len(prefix):]), *rest]
    raise KeyError(f"colonne « {column} » non déclarée dans schema.yml")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table; strings stay strings (a leading "=" is never a formula)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in tables.items():
        sheet = workbook.create_sheet(name[:31])
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps inside the archive and in docProps/core.xml: same tables, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2014-05-06T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def datapackage(tables: dict[str, pd.DataFrame], source: dict) -> dict:
    """Frictionless Data Package descriptor documenting every column of every table."""
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
    """Render everything, then replace each file atomically. Returns the written paths."""
    processed_dir = Path(processed_dir)
    rendered = {f"{name}.csv": csv_bytes(frame) for name, frame in tables.items()}
    rendered[workbook_name] = xlsx_bytes(tables)
    written = [write_bytes_atomic(processed_dir / name, data) for name, data in rendered.items()]
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
    """A processed table with the types of schema.yml (empty cells stay empty strings in text columns)."""
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
    return frame
