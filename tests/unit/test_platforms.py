"""Platform presets (`platform:` in the questionnaire spec): for each platform, a small export built here in
that platform's own layout (headers, quoting, line endings, multi-line cells, date format, choice encoding),
read with a spec that names only the platform and the columns, with exact expected counts.

Each builder cites where its layout comes from. Fixtures are written by the test, never committed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from consultation_helpers import write_spec

from helpers.consultation import tallies
from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.screening import ANALYSED, screen
from helpers.core.config import data_file
from helpers.core.errors import AnswersError, QuestionnaireError


def _write(path: Path, rows: list[list[str]], separator: str, *, encoding: str = "utf-8-sig", eol: str = "\r\n",
           quoting: int = csv.QUOTE_MINIMAL) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator=eol, quoting=quoting).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _run(tmp_path: Path, export: Path, spec: dict):
    questionnaire = load_questionnaire(write_spec(tmp_path / "q.yml", spec))
    answers = read_answers(export, questionnaire)
    screened = screen(answers.frame, questionnaire)
    return answers, screened


def _shares(screened, spec_question) -> dict[str, int]:
    table = tallies.choices(screened[screened["statut"] == ANALYSED], spec_question)
    overall = table[table["profil"] == tallies.OVERALL]
    return dict(zip(overall["modalite"], overall["n_repondants"], strict=True))


# Cap Collectif: CSV export of a questionnaire step (back office « Exporter »), one row per reply with its
# technical columns (id, published_at, author, trashed, trashedStatus) then one column per question, UTF-8 with
# BOM, « , », every field quoted; the layout follows Cap Collectif's admin export as documented on its help
# centre (« Exporter les réponses d'un questionnaire »).
def cap_collectif(path: Path) -> Path:
    header = ["id", "published_at", "updated_at", "author", "author_email", "trashed", "trashedStatus", "Vous êtes",
              "Quelles données souhaitez-vous voir ouvrir ?", "Pourquoi ?"]
    rows = [header,
            ["UmVwbHk6MQ==", "2014-04-03 10:05:00", "", "marie", "m@example.org", "Non", "", "Citoyen", "PMSI\nSNIIRAM",
             "Recherche, Transparence de l'action publique"],
            ["UmVwbHk6Mg==", "2014-04-04 11:00:00", "", "jean", "j@example.org", "Oui", "INVISIBLE", "Citoyen",
             "RPPS", "Recherche"],
            ["UmVwbHk6Mw==", "2014-04-05 12:00:00", "", "anne", "a@example.org", "Non", "", "Journaliste", "SAE",
             "Transparence de l'action publique"]]
    return _write(path, rows, ",", quoting=csv.QUOTE_ALL)


# Decidim: Decidim::Forms::UserAnswersSerializer (decidim-forms/app/serializers/decidim/forms/
# user_answers_serializer.rb) through Decidim::Exporters::CSV (col_sep « ; »): "ID", creation date as Ruby writes
# it ("2014-04-07 18:12:09 +0200"), hashed IP, user status, then "N. Question"; choices joined with ", ";
# the export screen is described in OpenSourcePolitics/docs-admin-decidim (8.1 Exporter les contributions).
def decidim(path: Path) -> Path:
    header = ["ID", "Date de création", "Hash IP", "Statut de l'utilisateur", "1. Vous êtes",
              "2. Quelles données souhaitez-vous voir ouvrir ?", "3. Usages"]
    rows = [header,
            ["a1b2", "2014-04-07 18:12:09 +0200", "9f86d0", "Inscrit", "Citoyen", "PMSI",
             "Création d'un service, d'une application, Recherche"],
            ["c3d4", "2014-04-08 09:00:00 +0200", "60303a", "Non inscrit", "Chercheur", "SNIIRAM",
             "Recherche"],
            ["e5f6", "2014-04-09 10:30:00 +0200", "fd61a0", "Inscrit", "Citoyen", "RPPS",
             "Création d'un service, d'une application"]]
    return _write(path, rows, ";", eol="\n")


# KoboToolbox: formpack CSV export (« ; », UTF-8) with XML names as headers, select_multiple as option codes joined
# by one space next to the split columns "raisons/<code>" holding 1/0 (export setting multiple_select: both, KPI
# API docs « Creates an export task »), then _id, _uuid, _submission_time, _validation_status, _index; an HXL row
# under the header when the form declares hashtags.
def kobo(path: Path) -> Path:
    header = ["start", "end", "profil", "demandes", "raisons", "raisons/recherche", "raisons/transparence", "_id",
              "_uuid", "_submission_time", "_validation_status", "_index"]
    hxl = ["", "#date+end", "#respondee+type", "#indicator+text", "#indicator+reasons", "", "", "#meta+id", "", "",
           "", ""]
    rows = [header, hxl,
            ["2014-04-03T10:00:00.000+02:00", "2014-04-03T10:05:00.000+02:00", "citoyen", "PMSI",
             "recherche transparence", "1", "1", "101", "u-101", "2014-04-03T08:05:02", "", "1"],
            ["2014-04-04T10:00:00.000+02:00", "2014-04-04T10:05:00.000+02:00", "chercheur", "SNIIRAM", "recherche",
             "1", "0", "102", "u-102", "2014-04-04T08:05:02", "validation_status_not_approved", "2"],
            ["2014-04-05T10:00:00.000+02:00", "2014-04-05T10:05:00.000+02:00", "citoyen", "RPPS", "transparence",
             "0", "1", "103", "u-103", "2014-04-05T08:05:02", "validation_status_approved", "3"]]
    return _write(path, rows, ";", eol="\n")


# Google Forms: CSV downloaded from the responses sheet: "Horodateur", "Adresse e-mail" (when e-mails are
# collected, cf. FormResponse.getRespondentEmail in the Apps Script reference), then one column per question
# titled as in the form; checkbox answers joined with ", " and the typed « Autre » text appended as one more item;
# timestamps in the sheet's locale (here en-US: month first).
def google_forms(path: Path) -> Path:
    header = ["Horodateur", "Adresse e-mail", "Vous êtes", "Quelles données ?", "Pourquoi ?"]
    rows = [header,
            ["4/2/2014 18:20:05", "marie@example.org", "Citoyen", "RPPS", "Recherche"],
            ["4/3/2014 9:01:00", "paul@example.org", "Journaliste", "SAE", "Transparence, Pour une enquête"],
            ["4/14/2014 8:01:40", "marie@example.org", "Citoyen", "RPPS, SAE", "Recherche, Transparence"]]
    return _write(path, rows, ",")


# SurveyMonkey: « All responses data », CSV: two header rows: row 1 the metadata columns (Respondent ID,
# Collector ID, Start Date, End Date, IP Address, Email Address, First Name, Last Name, Custom Data 1) and each
# question over its block, row 2 « Réponse » / « Réponse ouverte » or one option label per column of a checkbox
# question (cell = the option label when ticked); dates "04/02/2014 06:20:05 PM".
def surveymonkey(path: Path) -> Path:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
            "Last Name", "Custom Data 1"]
    row1 = meta + ["Vous êtes", "Pourquoi ? (plusieurs réponses possibles)", "", "", "Quelles données ?"]
    row2 = [""] * len(meta) + ["Réponse", "Recherche", "Transparence", "Autre (veuillez préciser)", "Réponse ouverte"]
    rows = [row1, row2,
            ["1101", "901", "04/02/2014 06:10:00 PM", "04/02/2014 06:20:05 PM", "", "", "", "", "", "Citoyen",
             "Recherche", "", "", "PMSI"],
            ["1102", "901", "04/13/2014 07:50:00 AM", "04/14/2014 08:01:40 AM", "", "", "", "", "", "Chercheur",
             "Recherche", "Transparence", "Pour mes cours", "SNIIRAM"],
            ["1103", "901", "04/15/2014 10:00:00 AM", "04/15/2014 10:05:00 AM", "", "", "", "", "", "Citoyen",
             "", "", "", ""]]
    return _write(path, rows, ",")


# LimeSurvey: response export (application/views/admin/export/exportresults_view.php: CSV, « full answers »
# and « full question text » headings): "ID de la réponse", "Date de soumission" (empty for an incomplete
# response), "Dernière page", "Langue de départ", then one column per option of a multiple-choice question
# "Question [Option]" holding « Oui » or nothing.
def limesurvey(path: Path) -> Path:
    header = ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Vous êtes",
              "Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]", "Quelles données ?"]
    rows = [header,
            ["1", "2014-04-03 10:05:05", "2", "fr", "Citoyen", "Oui", "", "PMSI"],
            ["2", "", "1", "fr", "Citoyen", "Oui", "Oui", "RPPS"],
            ["3", "2014-04-04 11:00:00", "2", "fr", "Chercheur", "Oui", "Oui", "SNIIRAM"]]
    return _write(path, rows, ",", quoting=csv.QUOTE_ALL)


# Framaforms (Drupal 7 webform, « Télécharger » the results as CSV): three header rows (fieldset, component
# label, option label of each column of a select-multiple component), submission columns Serial, SID, Time
# ("03/04/2014 - 10:05"), Draft, IP Address, UID, Username; a ticked option holds its key.
def framaforms(path: Path) -> Path:
    meta = ["Serial", "SID", "Time", "Draft", "IP Address", "UID", "Username"]
    row1 = [""] * len(meta) + ["Vous", "Vos demandes", "", ""]
    row2 = meta + ["Vous êtes", "Pourquoi ?", "", "Quelles données ?"]
    row3 = [""] * len(meta) + ["", "Recherche", "Transparence", ""]
    rows = [row1, row2, row3,
            ["1", "11", "03/04/2014 - 10:05", "0", "", "0", "", "Citoyen", "recherche", "", "PMSI"],
            ["2", "12", "13/04/2014 - 18:40", "1", "", "0", "", "Citoyen", "", "transparence", "RPPS"],
            ["3", "13", "14/04/2014 - 09:00", "0", "", "0", "", "Chercheur", "recherche", "transparence",
             "SNIIRAM\nSAE"]]
    return _write(path, rows, ",", encoding="utf-8", eol="\n")


PLATFORMS = {
    "cap_collectif": (cap_collectif, {
        "platform": "cap_collectif",
        "columns": {"id": "id", "respondent_type": "Vous êtes", "date": "published_at"},
        "questions": [{"id": "demandes", "column": "Quelles données souhaitez-vous voir ouvrir ?", "kind": "datasets"},
                      {"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice",
                       "options": ["Recherche", "Transparence de l'action publique"]}]},
     {"recues": 3, "exclues": {"contribution mise à la corbeille sur la plateforme": 1},
      "raisons": {"Recherche": 1, "Transparence de l'action publique": 2},
      "premiere_date": "2014-04-03T08:05:00+00:00"}),
    "decidim": (decidim, {
        "platform": "decidim",
        "columns": {"id": "ID", "respondent_type": "1. Vous êtes", "date": "Date de création"},
        "questions": [{"id": "demandes", "column": "2. Quelles données souhaitez-vous voir ouvrir ?",
                       "kind": "datasets"},
                      {"id": "raisons", "column": "3. Usages", "kind": "multiple_choice",
                       "options": ["Création d'un service, d'une application", "Recherche"]}]},
     {"recues": 3, "exclues": {}, "raisons": {"Création d'un service, d'une application": 2, "Recherche": 2},
      "premiere_date": "2014-04-07T16:12:09+00:00"}),
    "kobo": (kobo, {
        "platform": "kobo", "format": {"header_rows": 2},
        "columns": {"id": "_uuid", "respondent_type": "profil", "date": "end"},
        "respondent_options": ["citoyen", "chercheur"],
        "questions": [{"id": "demandes", "column": "demandes", "kind": "datasets"},
                      {"id": "raisons", "column": "raisons", "kind": "multiple_choice",
                       "options": {"recherche": "Recherche", "transparence": "Transparence"}},
                      {"id": "raisons_split", "columns": ["raisons/recherche", "raisons/transparence"],
                       "label": "Pourquoi ? (colonnes)", "kind": "multiple_choice",
                       "options": {"recherche": "Recherche", "transparence": "Transparence"}}]},
     {"recues": 3, "exclues": {"refusée à la validation (KoboToolbox)": 1},
      "raisons": {"Recherche": 1, "Transparence": 2}, "raisons_split": {"Recherche": 1, "Transparence": 2},
      "premiere_date": "2014-04-03T08:05:00+00:00"}),
    "google_forms": (google_forms, {
        "platform": "google_forms",
        "columns": {"id": "Adresse e-mail", "respondent_type": "Vous êtes", "date": "Horodateur"},
        "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets", "separator": ", "},
                      {"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice",
                       "options": ["Recherche", "Transparence"], "other": "Autre"}]},
     {"recues": 3, "exclues": {"remplacée par une soumission ultérieure (même identifiant)": 1},
      "raisons": {"Recherche": 1, "Transparence": 2, "Autre": 1}, "premiere_date": "2014-04-02T16:20:05+00:00"}),
    "surveymonkey": (surveymonkey, {
        "platform": "surveymonkey",
        "columns": {"id": "Respondent ID", "respondent_type": "Vous êtes", "date": "End Date"},
        "questions": [{"id": "raisons", "column": "Pourquoi ? (plusieurs réponses possibles)",
                       "kind": "multiple_choice", "options": ["Recherche", "Transparence"], "other": "Autre"},
                      {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]},
     {"recues": 3, "exclues": {"réponse vide": 1}, "raisons": {"Recherche": 2, "Transparence": 1, "Autre": 1},
      "premiere_date": "2014-04-02T16:20:05+00:00"}),
    "limesurvey": (limesurvey, {
        "platform": "limesurvey",
        "columns": {"id": "ID de la réponse", "respondent_type": "Vous êtes", "date": "Date de soumission"},
        "questions": [{"id": "raisons", "columns": ["Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]"],
                       "label": "Pourquoi ?", "kind": "multiple_choice"},
                      {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]},
     {"recues": 3, "exclues": {"réponse incomplète (jamais soumise)": 1},
      "raisons": {"Recherche": 2, "Transparence": 1}, "premiere_date": "2014-04-03T08:05:05+00:00"}),
    "framaforms": (framaforms, {
        "platform": "framaforms",
        "columns": {"id": "SID", "respondent_type": "Vous êtes", "date": "Time"},
        "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice"},
                      {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]},
     {"recues": 3, "exclues": {"brouillon jamais envoyé (Framaforms)": 1},
      "raisons": {"Recherche": 2, "Transparence": 1}, "premiere_date": "2014-04-03T08:05:00+00:00"}),
}


@pytest.mark.parametrize("platform", PLATFORMS, ids=list(PLATFORMS))
def test_each_platform_export_is_read_with_exact_counts(platform, tmp_path):
    build, spec, expected = PLATFORMS[platform]
    answers, screened = _run(tmp_path, build(tmp_path / f"{platform}.csv"), spec)
    reasons = screened.loc[screened["motif_exclusion"] != "", "motif_exclusion"].value_counts().to_dict()
    assert len(screened) == expected["recues"]  # header rows are not answers
    assert (screened["statut"] == ANALYSED).sum() == expected["recues"] - sum(expected["exclues"].values())
    assert reasons == expected["exclues"]
    assert answers.undated == 0 or platform == "limesurvey"  # LimeSurvey: the incomplete response has no date
    assert answers.frame["date"].iloc[0].isoformat() == expected["premiere_date"]
    for question in answers.spec.questions:
        if question.id in expected:
            assert _shares(screened, question) == expected[question.id], question.id
    assert not set(screened["profil"]) & {"Réponse", "#respondee+type"}  # header rows are never respondents


def test_kobo_without_header_rows_names_the_key_to_set(tmp_path):
    _, spec, _ = PLATFORMS["kobo"]
    spec = {k: v for k, v in spec.items() if k != "format"}
    with pytest.raises(AnswersError, match="format.header_rows: 2"):
        _run(tmp_path, kobo(tmp_path / "kobo.csv"), spec)


def test_a_spec_key_overrides_the_preset(tmp_path):
    _, spec, _ = PLATFORMS["decidim"]
    questionnaire = load_questionnaire(write_spec(tmp_path / "q.yml", {**spec, "format": {"separator": ","}}))
    assert (questionnaire.separator, questionnaire.encoding, questionnaire.header_rows) == (",", "utf-8-sig", None)
    preset = load_questionnaire(write_spec(tmp_path / "q.yml", spec))
    # Decidim sets no separator (an installation setting: detected); its choice separator is preset.
    assert preset.separator is None and preset.questions[1].separator == ", "


def test_surveymonkey_other_text_goes_to_free_text(tmp_path):
    build, spec, _ = PLATFORMS["surveymonkey"]
    answers, _ = _run(tmp_path, build(tmp_path / "sm.csv"), spec)
    assert answers.frame["raisons_autre"].tolist() == ["", "Pour mes cours", ""]
    assert answers.dates.order == "month_first"


def test_google_forms_other_text_and_month_first_dates(tmp_path):
    build, spec, _ = PLATFORMS["google_forms"]
    answers, screened = _run(tmp_path, build(tmp_path / "gf.csv"), spec)
    assert answers.frame["raisons_autre"].tolist() == ["", "Pour une enquête", ""]
    kept = screened[screened["statut"] == ANALYSED]
    assert kept["demandes"].tolist() == ["SAE", "RPPS, SAE"]  # Marie's later answer replaced her first


def test_every_preset_has_its_fixture_test():
    assert set(PLATFORMS) == set(data_file("plateformes.yml")["plateformes"])


def test_a_typo_in_a_preset_is_refused(tmp_path, monkeypatch):
    from helpers.consultation import questionnaire

    presets = {"plateformes": {"kobo": {"format": {"separator": ";"}, "choice_seperator": " "}}}
    monkeypatch.setattr(questionnaire, "data_file", lambda name: presets if name == "plateformes.yml" else
                        data_file(name))
    spec = write_spec(tmp_path / "q.yml", {"platform": "kobo", "columns": {"respondent_type": "Vous êtes"},
                                           "questions": [{"id": "q", "column": "Q", "kind": "free_text"}]})
    with pytest.raises(QuestionnaireError, match="choice_seperator"):
        questionnaire.load_questionnaire(spec)
