"""Step 01 (notebook 01): resolve the cartography, read it, clean it and write the processed tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from helpers.cartography.cleaning import Cleaned, clean
from helpers.cartography.reading import Cartography, read_cartography
from helpers.cartography.sources import Source, official, resolve_cartography
from helpers.core.config import PROCESSED_DIR, RAW_DIR, resolve_path
from helpers.core.errors import SourceError
from helpers.core.storage import write_bytes_atomic
from helpers.core.tables import write_processed
from helpers.core.text import comparison_key
from helpers.steps.base import Run, SourceRecord, finish

WORKBOOK_01 = "cartographie_nettoyee.xlsx"
PROVENANCE = "provenance.json"


@dataclass
class CleaningRun(Run):
    """Notebook 01's result: the resolved `source`, the sheet as read (`carto`), the `cleaned` tables and
    the processed folder; its one source is the cartography (synthetic when generated here, or when the
    file's metadata sheet says so)."""

    source: Source
    carto: Cartography
    cleaned: Cleaned
    processed_dir: Path


def _synthetic(source: Source, carto: Cartography) -> bool:
    """Generated here, or a file whose metadata sheet says it is synthetic."""
    title = " ".join(" ".join(row) for row in (carto.metadata_sheet or [])[:1])
    return source.synthetic or "synthetique" in comparison_key(title).replace("é", "e")


def clean_cartography(cartography_path: str | Path | None = None,
                      processed_dir: str | Path = PROCESSED_DIR,
                      raw_dir: str | Path = RAW_DIR) -> CleaningRun:
    """Notebook 01: resolve the cartography, read it, clean it and write the processed tables.

    Parameters
    ----------
    cartography_path : str, Path or None
        An explicit ODS/XLSX/CSV file (as given, else relative to the project root); None resolves, in order,
        the official copy in `raw_dir`, the sha256-checked download, then (offline) a generated synthetic sample.
    processed_dir, raw_dir : str or Path
        Folders, relative to the project root unless absolute.

    Returns
    -------
    CleaningRun
        With ``written``: ``bases``, ``evaluations``, ``anomalies`` (CSV, XLSX workbook
        ``cartographie_nettoyee.xlsx``, ``datapackage.json``) and ``provenance.json``, all written atomically.

    Raises
    ------
    SourceError
        The given file does not exist, or the download failed (server error, wrong sha256, interrupted); an
    unreachable server (``DownloadUnavailable``) is not an error: the synthetic sample is used instead.
    SpreadsheetError
        The file is not a readable spreadsheet or lacks the expected sheets, columns or data rows."""
    processed = resolve_path(processed_dir)
    explicit = None
    if cartography_path:
        explicit = Path(cartography_path).expanduser()
        explicit = explicit if explicit.exists() else resolve_path(explicit)
    source = resolve_cartography(explicit, resolve_path(raw_dir), processed)
    carto = read_cartography(source.path)
    cleaned = clean(carto)
    tables = {"bases": cleaned.bases, "evaluations": cleaned.evaluations, "anomalies": cleaned.anomalies}
    written = write_processed(processed, tables, workbook_name=WORKBOOK_01, source=official())
    provenance = {"fichier": source.path.name, "sha256": source.sha256, "origine": source.origin,
                  "officiel": source.official, "synthetique": _synthetic(source, carto), "note": source.note}
    run = CleaningRun(source, carto, cleaned, processed, sources=[SourceRecord.cartography(provenance)],
                      written=written)
    text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    run.written.append(write_bytes_atomic(processed / PROVENANCE, text.encode()))
    return finish(run)


def read_provenance(processed_dir: str | Path = PROCESSED_DIR, name: str = PROVENANCE,
                    notebook: str = "01") -> dict:
    """The JSON provenance file `name` written by an earlier notebook into `processed_dir` (by default
    notebook 01's ``provenance.json``: fichier, sha256, origine, officiel, synthetique, note), as a dict.

    Raises ``SourceError`` naming the file when it is absent (`notebook` says which notebook to run first)."""
    path = resolve_path(processed_dir) / name
    if not path.is_file():
        raise SourceError(path, f"absent : exécutez d'abord le notebook {notebook} (make reports)")
    return json.loads(path.read_text(encoding="utf-8"))
