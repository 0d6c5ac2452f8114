"""Step 01 (notebook 01): resolve the cartography, read it, clean it and write the processed tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from helpers.cartography.cleaning import Cleaned, clean
from helpers.cartography.reading import Cartography, read_cartography
from helpers.cartography.sources import Source, official, resolve_cartography
from helpers.core.config import resolve_path
from helpers.core.errors import SourceError
from helpers.core.storage import write_bytes_atomic
from helpers.core.tables import write_processed
from helpers.core.text import comparison_key

WORKBOOK_01 = "cartographie_nettoyee.xlsx"
PROVENANCE = "provenance.json"


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


def read_provenance(processed_dir: str | Path = "data/processed", name: str = PROVENANCE,
                    notebook: str = "01") -> dict:
    """A provenance file written by an earlier notebook (by default 01's source description)."""
    path = resolve_path(processed_dir) / name
    if not path.is_file():
        raise SourceError(path, f"absent : exécutez d'abord le notebook {notebook} (make reports)")
    return json.loads(path.read_text(encoding="utf-8"))
