"""The reference exports of ../shared/data/consultation-exports (Cap Collectif and Decidim, laid out from each
platform's export code), read with specs that use the platform presets and declared options: exact counts,
checked by hand with the csv module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from helpers.consultation import tallies
from helpers.consultation.answers import read_answers
from helpers.consultation.matching import split_mentions
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.screening import ANALYSED, screen

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
    answers = read_answers(shared / "cap_collectif_export.csv", spec)
    screened = screen(answers.frame, spec)
    assert len(screened) == 240
    assert screened["motif_exclusion"].value_counts().to_dict() == {
        "": 231, "contribution mise à la corbeille sur la plateforme": 8, "réponse vide": 1}
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
