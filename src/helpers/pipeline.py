"""Pipeline steps called by the notebooks: each resolves its inputs, computes, writes its outputs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from helpers.cleaning import Cleaned, clean
from helpers.errors import SourceError
from helpers.outputs import write_processed
from helpers.reading import Cartography, read_cartography
from helpers.sources import Source, official, resolve_cartography
from helpers.storage import write_bytes_atomic
from helpers.text import comparison_key

WORKBOOK_01 = "cartographie_nettoyee.xlsx"
PROVENANCE = "provenance.json"


def project_root() -> Path:
    """The checkout holding this package (src layout), whatever the current directory;
    CARTO_SANTE_ROOT points elsewhere (e.g. a copy of the project in a test)."""
    override = os.environ.get("CARTO_SANTE_ROOT")
    return Path(override).resolve() if override else Path(__file__).resolve().parents[2]


def resolve_path(path: str | Path) -> Path:
    """Relative paths are taken from the project root, so notebooks work from JupyterLab
    (kernel in notebooks/) and from papermill (kernel wherever it was started)."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_root() / path


@dataclass
class CleaningRun:
    source: Source
    carto: Cartography
    cleaned: Cleaned
    processed_dir: Path
    written: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """Generated here, or a file whose metadata sheet says it is synthetic."""
        title = " ".join(" ".join(row) for row in (self.carto.metadata_sheet or [])[:1])
        return self.source.synthetic or "synthetique" in comparison_key(title).replace("é", "e")


def clean_cartography(cartography_path: str | Path | None = None,
                      processed_dir: str | Path = "data/processed",
                      raw_dir: str | Path = "data/raw") -> CleaningRun:
    """Notebook 01: resolve the source, read, clean, and write the processed tables."""
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
    run = CleaningRun(source, carto, cleaned, processed, written)
    provenance = {"fichier": source.path.name, "sha256": source.sha256, "origine": source.origin,
                  "officiel": source.official, "synthetique": run.synthetic, "note": source.note}
    text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    run.written.append(write_bytes_atomic(processed / PROVENANCE, text.encode()))
    return run


def read_provenance(processed_dir: str | Path = "data/processed") -> dict:
    """The source description written by notebook 01 (for the banner of later reports)."""
    path = resolve_path(processed_dir) / PROVENANCE
    if not path.is_file():
        raise SourceError(path, "absent : exécutez d'abord le notebook 01 (make reports)")
    return json.loads(path.read_text(encoding="utf-8"))
