"""The reference exports of ../shared/data/consultation-exports (Cap Collectif and Decidim, laid out from each
platform's export code), read with specs that use the platform presets and declared options: exact counts,
checked by hand with the csv module."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from pathlib import Path

import pytest
import yaml

from helpers.consultation import tallies
from helpers.consultation.answers import read_answers
from helpers.consultation.matching import split_mentions
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.screening import ANALYSED, screen
from helpers.core.errors import AnswersError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "consultation-exports"


@pytest.fixture(scope="module")
def shared() -> Path:
    if not (SHARED / "decidim_export.csv").is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"exports de référence absents : {SHARED}")
        pytest.skip(f"exports de référence absents : {SHARED}")
    return SHARED


def _spec(shared: Path, tmp_path: Path, name: str, platform: str, options: dict[str, dict]) -> Path:
    """The shipped spec (today's keys) with its platform preset and the questions' declared options."""
    spec = yaml.safe_load((shared / f"{name}_questionnaire.yml").read_text(encoding="utf-8"))
    spec["platform"] = platform
    for question in spec["questions"]:
        question.update(options.get(question["id"], {}))
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _counts(screened, question) -> dict[str, int]:
    table = tallies.choices(screened[screened["statut"] == ANALYSED], question)
    overall = table[table["profil"] == tallies.OVERALL]
    return dict(zip(overall["modalite"], overall["n_repondants"], strict=True))


def test_cap_collectif_export(shared, tmp_path):
    spec = load_questionnaire(_spec(shared, tmp_path, "cap_collectif", "cap_collectif", {
        "usages": {"options": ["Information des patients", "Création d'un service", "Recherche", "Journalisme",
                               "Curiosité", "Enseignement à l'université"], "other": "Autre"},
        "acces": {"options": ["Oui", "Non"]}}))
    _assert_cap_collectif_counts(shared / "cap_collectif_export.csv", spec)


def _assert_cap_collectif_counts(export: Path, spec) -> None:
    """The reference Cap Collectif counts, checked by hand: 240 received, 8 trashed, 1 empty, 231 analysed."""
    screened = screen(read_answers(export, spec).frame, spec)
    assert len(screened) == 240
    assert screened["motif_exclusion"].value_counts().to_dict() == {
        "": 231, "contribution mise à la corbeille sur la plateforme": 8, "aucune question répondue": 1}
    usages = next(q for q in spec.questions if q.id == "usages")
    assert _counts(screened, usages) == {"Information des patients": 67, "Création d'un service": 63,
                                         "Recherche": 59, "Journalisme": 51, "Curiosité": 23,
                                         "Enseignement à l'université": 13, "Autre": 21}
    acces = next(q for q in spec.questions if q.id == "acces")
    assert _counts(screened, acces) == {"Oui": 55, "Non": 115}


def test_decidim_export(shared, tmp_path):
    spec = load_questionnaire(_spec(shared, tmp_path, "decidim", "decidim", {
        "usages": {"options": ["Création d'un service, d'une application", "Journalisme", "Recherche",
                               "Autre (mémoire de master, santé publique)"]}}))
    answers = read_answers(shared / "decidim_export.csv", spec)  # « , » although Decidim's default is « ; »
    screened = screen(answers.frame, spec)
    assert (screened["statut"] == ANALYSED).sum() == 60
    usages = next(q for q in spec.questions if q.id == "usages")
    assert _counts(screened, usages) == {"Création d'un service, d'une application": 38, "Journalisme": 27,
                                         "Recherche": 25, "Autre (mémoire de master, santé publique)": 13}
    # Cells protected with a leading « ' » and « une par ligne » lists: mentions without either.
    mentions = set(split_mentions(screened["demandes"], None))
    assert {"Base des causes de mortalité", "Registre REIN", "SNIIRAM"} <= mentions
    assert not any(m.startswith(("'", "- ")) for m in mentions)


def test_the_shipped_cap_collectif_spec_alone_is_refused_naming_the_key(shared):
    # Its 8 trashed contributions (trashed = true) would otherwise be counted: 238 analysed instead of 231.
    spec = load_questionnaire(shared / "cap_collectif_questionnaire.yml")
    with pytest.raises(AnswersError, match=r"« trashed(Status)? » marque 8 ligne\(s\).*platform: cap_collectif"):
        read_answers(shared / "cap_collectif_export.csv", spec)


def _readme_specs() -> dict[str, dict]:
    """The worked specs of the README (the ```yaml block that starts with the Cap Collectif example), by platform."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("# Cap Collectif"))
    documents = yaml.safe_load_all(block.split("```")[0])
    return {d["platform"]: d for d in documents}


def _cap_collectif_counts(shared, tmp_path, export: Path, spec: dict) -> None:
    path = tmp_path / "spec.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    _assert_cap_collectif_counts(export, load_questionnaire(path))


def test_the_readme_specs_read_the_reference_exports_right(shared, tmp_path):
    specs = _readme_specs()
    _cap_collectif_counts(shared, tmp_path, shared / "cap_collectif_export.csv", specs["cap_collectif"])
    path = tmp_path / "decidim.yml"
    path.write_text(yaml.safe_dump(specs["decidim"], allow_unicode=True), encoding="utf-8")
    spec = load_questionnaire(path)
    screened = screen(read_answers(shared / "decidim_export.csv", spec).frame, spec)
    assert (screened["statut"] == ANALYSED).sum() == 60
    usages = next(q for q in spec.questions if q.id == "usages")
    assert _counts(screened, usages) == {"Création d'un service, d'une application": 38, "Journalisme": 27,
                                         "Recherche": 25, "Autre (mémoire de master, santé publique)": 13}


def _as_french_excel_saves_it(source: Path, target: Path) -> Path:
    """The export opened and saved by Excel in French as « CSV UTF-8 (délimité par des virgules) »: BOM, « ; »,
    CRLF, booleans VRAI/FAUX, dates in the French display format without seconds, quotes only where needed."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    words = {"true": "VRAI", "false": "FAUX"}
    stamp = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):\d{2}$")
    saved = [rows[0]] + [[words.get(cell, stamp.sub(r"\3/\2/\1 \4:\5", cell)) for cell in row] for row in rows[1:]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(saved)
    target.write_bytes(codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"))
    return target


def test_cap_collectif_resaved_by_french_excel_reads_the_same(shared, tmp_path):
    resaved = _as_french_excel_saves_it(shared / "cap_collectif_export.csv", tmp_path / "resaved.csv")
    assert b"VRAI" in resaved.read_bytes() and b"\r\n" in resaved.read_bytes()
    _cap_collectif_counts(shared, tmp_path, resaved, _readme_specs()["cap_collectif"])
