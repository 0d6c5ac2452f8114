"""The synthetic consultation export: valid against its own spec, seeded, byte-identical, realistic, and
able to scale with varied free text."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from consultation_helpers import processed_cartography

from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.synthetic import EXPORT_NAME, SPEC_NAME, generate, write_synthetic_consultation
from helpers.consultation.synthetic_draws import invented, typo
from helpers.core.storage import sha256_file
from helpers.core.tables import load_table


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    return load_table(processed_cartography(tmp_path_factory.mktemp("synthetic") / "processed"), "bases")


def test_export_and_spec_are_byte_identical_for_a_seed(bases, tmp_path):
    first = write_synthetic_consultation(tmp_path / "a", bases)
    second = write_synthetic_consultation(tmp_path / "b", bases)
    assert [p.name for p in first[:2]] == [EXPORT_NAME, SPEC_NAME]
    assert sha256_file(first[0]) == sha256_file(second[0]) and sha256_file(first[1]) == sha256_file(second[1])
    other = write_synthetic_consultation(tmp_path / "c", bases, seed=7)
    assert sha256_file(other[0]) != sha256_file(first[0])


def test_export_reads_against_its_spec_and_looks_like_a_consultation(bases, tmp_path):
    export, spec_path, composition = write_synthetic_consultation(tmp_path, bases)
    answers = read_answers(export, load_questionnaire(spec_path))
    frame = answers.frame
    assert (answers.encoding, answers.separator, len(frame)) == ("utf-8", ",", composition.received)
    assert frame["date"].between("2014-04-04", "2014-04-29").all() and answers.undated == 0
    assert frame["date"].is_monotonic_increasing  # an export in submission order
    # A resubmission, or the same answer sent twice, reuses its identifier.
    assert frame["id"].duplicated().sum() == composition.resubmitted + composition.duplicates
    assert {"Citoyen ou patient", "Chercheur ou universitaire", "Non renseigné"} <= set(frame["profil"])
    named = frame["demandes"].str.split("|").explode().str.strip()
    names = set(bases["base"].str.split().str.join(" "))
    assert named.isin(names).mean() > 0.15  # full official names, and many other spellings
    assert named.str.islower().mean() > 0.05  # some in lower case
    assert frame["precisions"].str.len().max() > 5000  # the very long answer
    assert "<script>alert(1)</script>" in set(frame["precisions"]) and "@SUM(A1)" in set(frame["manquantes"])


def test_typos_change_one_letter_of_a_long_word():
    rng = random.Random(1)
    for _ in range(50):
        slipped = typo(rng, "Répertoire partagé des professionnels")
        assert slipped != "Répertoire partagé des professionnels"
        assert abs(len(slipped) - len("Répertoire partagé des professionnels")) <= 1


def test_it_scales_with_varied_free_text(bases):
    entries, composition = generate(bases, n=20_000, seed=3, free_text_share=1.0)
    texts = pd.Series([e["precisions"] for e in entries if e["kind"] != "vide"])
    assert len(entries) == 20_000 and (texts != "").all()
    assert texts.duplicated().mean() < 0.5  # fewer than half are exact duplicates, campaigns included
    assert composition.campaigns == [800, 240]
    assert len(invented()["hostiles"]) + 1 == composition.hostile


def test_too_small_a_sample_is_refused(bases):
    with pytest.raises(ValueError, match="n trop petit"):
        generate(bases, n=100)
