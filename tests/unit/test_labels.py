"""French labels of generated text: criteria, rules, theme titles, single-choice order and notes."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.cartography.cleaning import criterion_labels
from helpers.consultation.questionnaire import Question
from helpers.consultation.tallies import OVERALL, choices
from helpers.consultation.themes import theme_title
from helpers.core.config import data_file
from helpers.views.v01_clean import shorten
from helpers.views.v04_consultation import CHOICE_NOTES


def test_criteria_are_named_with_their_accents():
    assert criterion_labels("cout|format|reutilisation") == "coût, format, réutilisation"
    assert criterion_labels("acces", lower=False) == "Accès" and criterion_labels("") == ""


def test_every_cleaning_rule_has_a_french_name():
    vocabulary = data_file("vocabulaire.yml")
    assert set(vocabulary["regles_libelles"]) == set(vocabulary["regles"])
    assert vocabulary["regles_libelles"]["hors_vocabulaire"] == "Hors vocabulaire"


def test_theme_titles_have_no_stop_word_fragments():
    assert theme_title(["ne veux", "veux", "veux pas", "payer"]) == "ne veux pas · payer"
    title = theme_title(["pas visible", "visible", "visible sans", "territorial", "sans donnée"])
    assert "visible sans ·" not in title + " ·" and not title.endswith(" sans")
    assert theme_title(["ouvrir", "ouvrir ne"]) == "ouvrir"


def test_a_single_choice_scale_keeps_its_declared_order_and_note():
    scale = ("Oui", "Plutôt oui", "Plutôt non", "Non")
    answers = ["Non"] * 5 + ["Plutôt non"] * 4 + ["Oui"] * 1 + ["Plutôt oui"] * 2 + ["Autre"] * 3
    analysed = pd.DataFrame({"numero": range(len(answers)), "profil": "Citoyen", "risques": answers})
    question = Question("risques", "Risques ?", "single_choice", None, options=tuple((o, o) for o in scale))
    table = choices(analysed, question)
    overall = table[table["profil"] == OVERALL]
    assert list(overall["modalite"]) == [*scale, "Autre"]  # never sorted by count
    assert abs(overall["part"].sum() - 1) < 1e-3
    assert "100 %" not in CHOICE_NOTES["single_choice"] and "au-delà de 100 %" in CHOICE_NOTES["multiple_choice"]


FINESS = "Fichier National des Etablissements Sanitaires et Sociaux (FINESS)"


@pytest.mark.parametrize(("text", "width", "expected"), [
    (FINESS, 60, "Fichier National des Etablissements Sanitaires et… (FINESS)"),  # the acronym kept
    (FINESS, 70, FINESS),  # fits: as it is
    ("Surveillance des retraités du RSI exposés à l'amiante ( ESPRI )", 40,
     "Surveillance des retraités du… ( ESPRI )"),
    ("Base (un complément bien trop long pour un sigle)", 20, "Base (un complément…"),  # not an acronym
    ("Recommandations de bonnes pratiques\n  (HAS)", 30, "Recommandations de… (HAS)"),  # line break
    ("Tableau (A) de bord", 12, "Tableau (A)…"),  # parentheses not at the end
    # Cut at a word's end (a fresh user's « (plusieurs réponses possible… »), unless that loses half of it.
    ("Pour quels usages ? (plusieurs réponses possibles)", 40, "Pour quels usages ? (plusieurs réponses…"),
    ("Anticonstitutionnellement remarquable", 20, "Anticonstitutionnel…"),
    ("PMSI – programme de médicalisation", 12, "PMSI…"),
])
def test_a_shortened_name_keeps_its_closing_acronym(text, width, expected):
    assert shorten(text, width) == expected and len(shorten(text, width)) <= width
