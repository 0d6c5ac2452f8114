"""Test helpers for the consultation: processed cartography directories and hand-written exports."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conversions import to_csv, to_xlsx

from helpers.cartography.synthetic import generate_cartography_ods
from helpers.consultation.lemmas import words
from helpers.core.storage import sha256_file
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness

SPEC = {
    "columns": {"id": "Identifiant", "respondent_type": "Vous êtes", "date": "Date"},
    "questions": [
        {"id": "demandes", "column": "Quelles données souhaitez-vous voir ouvrir ?", "kind": "datasets",
         "separator": "|"},
        {"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice", "separator": "|"},
        {"id": "precisions", "column": "Précisez", "kind": "free_text"},
        {"id": "manquantes", "column": "Données manquantes", "kind": "datasets"},
    ],
}
HEADER = ["Identifiant", "Vous êtes", "Date", "Quelles données souhaitez-vous voir ouvrir ?", "Pourquoi ?",
          "Précisez", "Données manquantes"]


def processed_cartography(directory: Path, source: Path | None = None) -> Path:
    """Notebooks 01 and 02 run into `directory` (synthetic cartography unless `source` is given)."""
    if source is None:
        source = generate_cartography_ods(directory.parent / f"{directory.name}-carto.ods")
    clean_cartography(source, directory)
    score_openness(directory)
    return directory


def write_spec(path: Path, spec: dict | None = None, **changes) -> Path:
    content = {**(spec or SPEC), **changes}
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    return to_csv(rows, path, encoding, delimiter)


def write_xlsx(path: Path, rows: list[list[str]], sheet: str = "Réponses") -> Path:
    return to_xlsx({sheet: rows}, path)


def fingerprints(directory: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(directory.iterdir()) if p.is_file()}


PRONOUNS_ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "on", "il", "ils", "elle", "elles",
                     "je", "nous", "vous", "ce", "cela", "ça", "qui", "que", "en", "y", "au", "aux", "et", "ou"}


def readable_title(title: str) -> bool:
    """Whether a theme title reads as French: each « · » part has words, is no lone number, and neither starts
    nor ends on a pronoun or an article."""
    for part in title.split(" · "):
        ws = words(part)
        if not ws or re.fullmatch(r"[\d\s.,]+", part) or ws[0] in PRONOUNS_ARTICLES or ws[-1] in PRONOUNS_ARTICLES:
            return False
    return True
