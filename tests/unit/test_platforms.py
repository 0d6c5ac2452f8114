"""Platform presets (`platform:` in the questionnaire spec): for each platform, a small export built here in
that platform's own layout (headers, quoting, line endings, multi-line cells, date format, choice encoding),
read with a spec that names only the platform and the columns, with exact expected counts.

Each builder cites where its layout comes from. Fixtures are written by the test, never committed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
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
# user_answers_serializer.rb) through Decidim::Exporters::CSV (col_sep « ; »): the attribute names of
# decidim-forms/config/locales/fr.yml ("ID de réponse", "Répondu le", "Hachage IP", "Statut de l'utilisateur"), the
# date as created_at.to_s(:db) writes it (UTC, no offset), then "N. Question"; choices joined with ", ";
# the export screen is described in OpenSourcePolitics/docs-admin-decidim (8.1 Exporter les contributions).
def decidim(path: Path) -> Path:
    header = ["ID de réponse", "Répondu le", "Hachage IP", "Statut de l'utilisateur", "1. Vous êtes",
              "2. Quelles données souhaitez-vous voir ouvrir ?", "3. Usages"]
    rows = [header,
            ["a1b2", "2014-04-07 16:12:09", "9f86d0", "Enregistré", "Citoyen", "PMSI",
             "Création d'un service, d'une application, Recherche"],
            ["c3d4", "2014-04-08 07:00:00", "60303a", "Non enregistré", "Chercheur", "SNIIRAM",
             "Recherche"],
            ["e5f6", "2014-04-09 08:30:00", "fd61a0", "Enregistré", "Citoyen", "RPPS",
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


def surveymonkey_english(path: Path) -> Path:
    """A SurveyMonkey « All Responses Data » CSV from an account in English: the same two header rows, labelled
    « Response », « Open-Ended Response », « Other (please specify) »; the respondent category is a single choice
    with an « Other » box, so its header spans two columns."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
            "Last Name", "Custom Data 1"]
    row1 = meta + ["Vous êtes :", "", "Quelles données ?"]
    row2 = [""] * len(meta) + ["Response", "Other (please specify)", "Open-Ended Response"]
    rows = [row1, row2]
    for i, (chosen, typed) in enumerate([("Citoyen", ""), ("", "Élu local"), ("Chercheur", ""), ("", ""),
                                         ("", "retraité")]):
        rows.append([str(1101 + i), "901", "04/02/2014 06:10:00 PM", f"04/0{2 + i}/2014 06:20:05 PM", "", "", "",
                     "", "", chosen, typed, "PMSI"])
    return _write(path, rows, ",")


@pytest.mark.parametrize("said", [None, 1])
def test_a_surveymonkey_label_row_is_never_a_respondent_whatever_header_rows_says(said, tmp_path):
    # A fresh user's spec said header_rows: 1 for a SurveyMonkey export in English: its label row was counted as a
    # respondent (« 241 réponses reçues ») and « Open-Ended Response » as a requested dataset absent from the map.
    spec = {"platform": "surveymonkey", "columns": {"respondent_type": "Vous êtes :", "date": "End Date"},
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}
    if said:
        spec["format"] = {"header_rows": said}
    else:
        spec["platform"] = None
        spec["columns"]["date_format"] = "month_first"
    told = r" \(le questionnaire dit 1\)" if said else ""
    with pytest.raises(AnswersError, match=rf"surveymonkey\.csv : la ligne sous l'en-tête est une ligne d'en-tête de "
                                           rf"plus{told} .* déclarez format\.header_rows: 2"):
        _run(tmp_path, surveymonkey_english(tmp_path / "surveymonkey.csv"), spec)


def test_a_category_typed_in_surveymonkey_s_other_box_is_off_list_not_left_blank(tmp_path):
    # A fresh user's export: 11 respondents who typed their category in « Other (please specify) » were shown as
    # « Non renseigné », which the report defines as a question left blank.
    spec = {"platform": "surveymonkey", "columns": {"respondent_type": "Vous êtes :", "date": "End Date"},
            "respondent_options": ["Citoyen", "Chercheur"],
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}
    answers, _ = _run(tmp_path, surveymonkey_english(tmp_path / "surveymonkey.csv"), spec)
    assert answers.frame["profil"].tolist() == ["Citoyen", "Élu local", "Chercheur", "Non renseigné", "retraité"]
    assert tallies.categories(answers.frame["profil"], answers.spec.respondent_options)[0].tolist() == [
        "Citoyen", "Autre (hors liste)", "Chercheur", "Non renseigné", "Autre (hors liste)"]


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


def framaforms_webform7(path: Path) -> Path:
    """The three header rows as Drupal 7 Webform's webform_results_download_headers() writes them: the submission
    details' names on the third row, a text component's name on the third row only, a select-multiple's name on
    the second row above its first option, its options (« Autre » last) on the third; a ticked box holds « X »."""
    meta = ["Serial", "SID", "Time", "Draft", "IP Address", "UID", "Username"]
    row1 = ["Consultation"] + [""] * (len(meta) + 7)
    row2 = ["Submission Details"] + [""] * (len(meta) - 1) + ["", "Pourquoi ?", "", "", "", ""]
    row3 = meta + ["Vous êtes", "Recherche", "Transparence", "Autre", "Remarques", "Quelles données ?"]
    rows = [row1, row2, row3]
    answers = [("Citoyen", "X", "", "", "Des données ouvertes pour les patients", "PMSI"),
               ("Chercheur", "X", "X", "Mes cours, mes TD", "Publier les délais d'accès", "RPPS"),
               ("Citoyen", "", "X", "", "", "SNIIRAM"),
               ("Journaliste", "", "", "", "Non", "FINESS"),
               ("Citoyen", "X", "", "", "Un portail unique pour toutes les bases", "PMSI")]
    for i, answer in enumerate(answers):
        rows.append([str(i + 1), str(1001 + i), f"0{3 + i}/04/2014 - 10:05", "0", "", "0", "", *answer])
    return _write(path, rows, ",", encoding="utf-8", eol="\n", quoting=csv.QUOTE_ALL)


@pytest.mark.parametrize("other", ["Autre", None])
def test_a_webform_checkbox_block_ends_where_the_next_question_begins(other, tmp_path):
    # A fresh user's Framaforms export: the row of the checkbox question's title is empty above the text questions
    # after it, so its block ran to the end of the row: « Pourquoi ? » 111 (93 %) listed the other questions as
    # options, « Non » read as an unticked box, and the base n counted every respondent.
    question = {"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice",
                "options": ["Recherche", "Transparence"], **({"other": other} if other else {})}
    spec = {"platform": "framaforms", "columns": {"id": "SID", "respondent_type": "Vous êtes", "date": "Time"},
            "questions": [question, {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"},
                          {"id": "remarques", "column": "Remarques", "kind": "free_text"}]}
    answers, screened = _run(tmp_path, framaforms_webform7(tmp_path / "framaforms.csv"), spec)
    expected = {"Recherche": 3, "Transparence": 2} | ({"Autre": 1} if other else {"Autre (hors liste)": 1})
    assert _shares(screened, answers.spec.questions[0]) == expected
    if other:
        assert answers.frame["raisons_autre"].tolist() == ["", "Mes cours, mes TD", "", "", ""]


def test_a_block_running_into_an_undeclared_question_is_an_error(tmp_path):
    # The same export with « Remarques » left out of the spec: its texts would have been counted as an option.
    spec = {"platform": "framaforms", "columns": {"id": "SID", "respondent_type": "Vous êtes", "date": "Time"},
            "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice"},
                          {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}
    # Without options nor other, the block runs from « Pourquoi ? » to the next question the spec names.
    with pytest.raises(AnswersError, match=r"framaforms\.csv : question « raisons » : la colonne « Remarques » de son "
                                           r"bloc tient 3 valeurs différentes .* déclarez-la dans le questionnaire"):
        _run(tmp_path, framaforms_webform7(tmp_path / "framaforms.csv"), spec)


# Typeform: « Download responses » as CSV: "#" (the response token), one column per question (a multiple-selection
# question gets one column per choice, titled by the choice and holding its label when chosen, and "Other" for the
# typed text), then "Response Type" (completed / partial when partial responses are included), "Start Date (UTC)",
# "Stage Date (UTC)", "Submit Date (UTC)" ("2014-04-02 23:30:00", UTC without an offset), "Network ID", "Tags"
# (the layout of Typeform's responses export as found in public scripts reading it).
def typeform(path: Path) -> Path:
    header = ["#", "Vous êtes", "Quelles données ?", "Recherche", "Transparence", "Other", "Response Type",
              "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]
    rows = [header,
            ["odwdp4nzj1xg6m9l", "Citoyen", "PMSI", "Recherche", "", "", "completed", "2014-04-02 23:20:00", "",
             "2014-04-02 23:30:00", "653e97acae", ""],
            ["k2vzt8qe0c1b7a3f", "Chercheur", "SNIIRAM", "Recherche", "Transparence", "Pour mes cours", "completed",
             "2014-04-03 21:50:00", "", "2014-04-03 22:05:00", "0c7d11f3e2", ""],
            ["p9x3m1r7t5w2y8z0", "Citoyen", "RPPS", "", "Transparence", "", "partial", "2014-04-04 08:00:00",
             "2014-04-04 08:01:00", "", "a81b44c9d0", ""]]
    return _write(path, rows, ",", eol="\n")


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
        "columns": {"id": "ID de réponse", "respondent_type": "1. Vous êtes", "date": "Répondu le"},
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
     {"recues": 3, "exclues": {"aucune question répondue": 1},
      "raisons": {"Recherche": 2, "Transparence": 1, "Autre": 1},
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
    "typeform": (typeform, {
        "platform": "typeform",
        "columns": {"id": "#", "respondent_type": "Vous êtes", "date": "Submit Date (UTC)"},
        "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"},
                      {"id": "raisons", "label": "Pourquoi ?", "kind": "multiple_choice",
                       "columns": ["Recherche", "Transparence", "Other"], "options": ["Recherche", "Transparence"],
                       "other": "Other"}]},
     {"recues": 3, "exclues": {"réponse partielle, jamais soumise (Typeform)": 1},
      "raisons": {"Recherche": 2, "Transparence": 1, "Other": 1}, "premiere_date": "2014-04-02T23:30:00+00:00"}),
}


@pytest.mark.parametrize("platform", PLATFORMS, ids=list(PLATFORMS))
def test_each_platform_export_is_read_with_exact_counts(platform, tmp_path):
    build, spec, expected = PLATFORMS[platform]
    answers, screened = _run(tmp_path, build(tmp_path / f"{platform}.csv"), spec)
    reasons = screened.loc[screened["motif_exclusion"] != "", "motif_exclusion"].value_counts().to_dict()
    assert len(screened) == expected["recues"]  # header rows are not answers
    assert (screened["statut"] == ANALYSED).sum() == expected["recues"] - sum(expected["exclues"].values())
    assert reasons == expected["exclues"]
    assert answers.undated == 0 or platform in ("limesurvey", "typeform")  # an unsubmitted response has no date
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
    assert (questionnaire.separator, questionnaire.encoding, questionnaire.header_rows) == (",", None, None)
    preset = load_questionnaire(write_spec(tmp_path / "q.yml", spec))
    # Decidim sets no separator (an installation setting: detected); its choice separator is preset.
    assert preset.separator is None and preset.questions[1].separator == ", "
    # A preset's encoding and separator are what its platform writes, never forced: a re-saved file is detected.
    kobo = load_questionnaire(write_spec(tmp_path / "k.yml", PLATFORMS["kobo"][1]))
    assert (kobo.separator, kobo.encoding, kobo.preset_separator, kobo.header_rows) == (None, None, ";", 2)


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


@pytest.mark.parametrize("typo", ["choice_seperator", "kepe"])
def test_a_typo_in_a_preset_is_refused(typo, tmp_path, monkeypatch):
    from helpers.consultation import questionnaire

    presets = {"plateformes": {"kobo": {"format": {"separator": ";"}, "choice_seperator": " "} if typo != "kepe" else
                               {"exclude": [{"column": "_validation_status", "values": ["x"], "kepe": [""],
                                             "reason": "r"}]}}}
    monkeypatch.setattr(questionnaire, "data_file", lambda name: presets if name == "plateformes.yml" else
                        data_file(name))
    spec = write_spec(tmp_path / "q.yml", {"platform": "kobo", "columns": {"respondent_type": "Vous êtes"},
                                           "questions": [{"id": "q", "column": "Q", "kind": "free_text"}]})
    with pytest.raises(QuestionnaireError, match=typo):
        questionnaire.load_questionnaire(spec)


# --- Dates written in UTC without an offset (issue 17, case 2) ---------------------------------------------------

def test_typeform_utc_dates_are_read_as_utc_and_shown_in_paris(tmp_path):
    from helpers.views.v04_annex import date_span

    build, spec, _ = PLATFORMS["typeform"]
    answers, _ = _run(tmp_path, build(tmp_path / "tf.csv"), spec)
    assert answers.spec.date_timezone == "UTC"
    first = answers.frame["date"].iloc[0]
    assert first.isoformat() == "2014-04-02T23:30:00+00:00"  # read as Paris time it would be 21:30 UTC
    assert date_span(answers.frame["date"].head(1)).startswith(
        "de la première réponse analysée datée, le 3 avril 2014 01:30")
    assert "fuseau UTC (l'en-tête dit « (UTC) »)" in answers.dates.describe()  # the annex says which zone


@pytest.mark.parametrize("case", ["en-tête (UTC)", "préréglage Typeform", "préréglage Kobo", "préréglage Decidim",
                                  "Decidim réglé sur Paris", "clé du questionnaire", "défaut Paris"])
def test_the_zone_of_dates_without_offset_comes_from_spec_header_or_preset(case, tmp_path):
    header, value, extra = {
        "en-tête (UTC)": ("Date (UTC)", "2014-04-02 23:30:00", {}),
        "préréglage Typeform": ("Submit Date", "2014-04-02 23:30:00", {"platform": "typeform"}),
        "préréglage Kobo": ("_submission_time", "2014-04-02T23:30:00", {"platform": "kobo"}),
        # A fresh user's Decidim export (created_at.to_s(:db), UTC) was read as Paris time: 8 answers « hors de la
        # consultation » instead of 7. An installation that writes its own zone says so in the spec.
        "préréglage Decidim": ("Répondu le", "2014-04-02 23:30:00", {"platform": "decidim"}),
        "Decidim réglé sur Paris": ("Répondu le", "2014-04-03 01:30:00",
                                    {"platform": "decidim", "columns": {"date_timezone": "Europe/Paris"}}),
        "clé du questionnaire": ("Date", "2014-04-02 19:30:00", {"columns": {"date_timezone": "America/Martinique"}}),
        "défaut Paris": ("Date", "2014-04-03 01:30:00", {}),
    }[case]
    export = _write(tmp_path / "e.csv", [["Vous êtes", header, "Pourquoi ?"], ["Citoyen", value, "Recherche"]], ",")
    spec = {"columns": {"respondent_type": "Vous êtes", "date": header, **extra.pop("columns", {})},
            "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "free_text"}], **extra}
    answers, _ = _run(tmp_path, export, spec)
    assert answers.frame["date"].iloc[0].isoformat() == "2014-04-02T23:30:00+00:00"
    assert answers.dates.timezone == ("Europe/Paris" if case in ("défaut Paris", "Decidim réglé sur Paris") else
                                      "America/Martinique" if case == "clé du questionnaire" else "UTC")


def test_kobo_submission_time_is_utc_but_end_keeps_its_offset(tmp_path):
    build, spec, _ = PLATFORMS["kobo"]
    for column, expected in (("_submission_time", "2014-04-03T08:05:02+00:00"), ("end", "2014-04-03T08:05:00+00:00")):
        answers, _ = _run(tmp_path, build(tmp_path / "kobo.csv"), {**spec, "columns": {**spec["columns"],
                                                                                         "date": column}})
        assert answers.frame["date"].iloc[0].isoformat() == expected, column


def test_an_unknown_time_zone_is_a_spec_error(tmp_path):
    path = write_spec(tmp_path / "q.yml", {"columns": {"respondent_type": "V", "date": "D", "date_timezone": "Paris"},
                                           "questions": [{"id": "q", "column": "Q", "kind": "free_text"}]})
    with pytest.raises(QuestionnaireError, match="columns.date_timezone : fuseau horaire inconnu « Paris »"):
        load_questionnaire(path)


# --- Every naming of a platform's columns; row marks never ignored (issue 17, case 3) -----------------------------

LIMESURVEY_HEADINGS = {
    # sHeadingType « code » (remotecontrol export_responses default), then « full » in French and in English.
    "codes": (["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "Q1",
               "Q2[SQ001]", "Q2[SQ002]", "Q3"], "Y", {"SQ001": "Recherche", "SQ002": "Transparence"}),
    "texte français": (["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Tête de série",
                        "Date de début", "Date de la dernière action", "Vous êtes", "Pourquoi ? [Recherche]",
                        "Pourquoi ? [Transparence]", "Quelles données ?"], "Oui", None),
    "texte anglais": (["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started",
                       "Date last action", "Vous êtes", "Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]",
                       "Quelles données ?"], "Yes", None),
}


def limesurvey_sample(path: Path, header: list[str], ticked: str) -> Path:
    """30 responses: 6 incomplete (no submission date; 2 of them ticked « Recherche »), 1 complete but empty,
    23 complete, 16 of them « Recherche » and the others « Transparence »."""
    rows, complete = [header], 0
    for i in range(30):
        incomplete = i in (3, 7, 11, 15, 19, 23)
        submitted = "" if incomplete else f"2014-04-{4 + i % 20:02d} 10:{i:02d}:00"
        start = [str(i + 1), submitted, "1" if incomplete else "3", "fr", str(1000 + i), "2014-04-04 09:00:00",
                 submitted or "2014-04-04 09:05:00"]
        if i == 29:
            rows.append(start + ["", "", "", ""])
            continue
        if incomplete:
            research = i in (3, 7)
        else:
            research, complete = complete < 16, complete + 1
        rows.append(start + [["Citoyen", "Chercheur"][i % 2], ticked if research else "",
                             "" if research else ticked, "PMSI"])
    return _write(path, rows, ",", quoting=csv.QUOTE_ALL)


@pytest.mark.parametrize("naming", LIMESURVEY_HEADINGS)
def test_limesurvey_incomplete_responses_are_excluded_under_every_heading(naming, tmp_path):
    header, ticked, options = LIMESURVEY_HEADINGS[naming]
    export = limesurvey_sample(tmp_path / "ls.csv", header, ticked)
    question = {"id": "raisons", "label": "Pourquoi ?", "kind": "multiple_choice", "columns": header[8:10],
                **({"options": options} if options else {})}
    spec = {"platform": "limesurvey", "columns": {"id": header[0], "respondent_type": header[7], "date": header[1]},
            "questions": [question, {"id": "demandes", "column": header[10], "kind": "datasets"}]}
    answers, screened = _run(tmp_path, export, spec)
    reasons = screened["motif_exclusion"].value_counts().to_dict()
    assert reasons == {"": 23, "réponse incomplète (jamais soumise)": 6, "aucune question répondue": 1}
    table = tallies.choices(screened[screened["statut"] == ANALYSED], answers.spec.questions[0])
    research = table[(table["profil"] == tallies.OVERALL) & (table["modalite"] == "Recherche")].iloc[0]
    assert (research["n_repondants"], research["base_n"]) == (16, 23)  # not 18/29


@pytest.mark.parametrize("again", ["MARIE@EXAMPLE.ORG", "Marie@Example.org", "marie@example.org"])
def test_an_email_id_is_one_respondent_whatever_its_capitals(again, tmp_path):
    # A fresh user's Google Forms export with « Adresse e-mail » typed by hand: repondant040@orange.fr then
    # REPONDANT040@ORANGE.FR were two respondents, counted twice.
    build, spec, _ = PLATFORMS["google_forms"]
    export = build(tmp_path / "gf.csv")
    text = export.read_text(encoding="utf-8-sig")
    export.write_text(text.replace("4/14/2014 8:01:40,marie@example.org", f"4/14/2014 8:01:40,{again}"),
                      encoding="utf-8-sig")
    _, screened = _run(tmp_path, export, spec)
    assert screened["motif_exclusion"].tolist() == ["remplacée par une soumission ultérieure (même identifiant)", "",
                                                    ""]
    assert screened["id"].nunique() == 2


def test_a_limesurvey_export_with_answer_codes_is_labelled_by_respondent_options(tmp_path):
    # A fresh user's « answer codes » export: respondent_options refused a code -> label table, and every table
    # showed A1…A7 and « -oth- ».
    header = LIMESURVEY_HEADINGS["codes"][0]
    rows = [header] + [[str(i), f"2014-04-0{4 + i % 5} 10:00:00", "3", "fr", "1", "", "", code, "Y", "", "PMSI"]
                       for i, code in enumerate(["A1", "A1", "A2", "-oth-", "a2", "A9"], 1)]
    spec = {"platform": "limesurvey", "columns": {"id": "id", "respondent_type": "Q1", "date": "submitdate"},
            "respondent_options": {"A1": "Citoyen", "A2": "Chercheur", "-oth-": "Autre"},
            "questions": [{"id": "demandes", "column": "Q3", "kind": "datasets"}]}
    answers, _ = _run(tmp_path, _write(tmp_path / "ls.csv", rows, ",", quoting=csv.QUOTE_ALL), spec)
    kept, off = tallies.categories(answers.frame["profil"], answers.spec.respondent_options)
    assert kept.tolist() == ["Citoyen", "Citoyen", "Chercheur", "Autre", "Chercheur", "Autre (hors liste)"]
    assert off.to_dict("records") == [{"valeur": "A9", "n_reponses": 1}]


@pytest.mark.parametrize("naming", LIMESURVEY_HEADINGS)
def test_a_limesurvey_survey_without_date_stamp_has_no_dates_not_1980(naming, tmp_path):
    # A fresh user's export of a survey without « Date stamp »: LimeSurvey writes 1980-01-01 00:00:00 as every
    # submission date, and report 04 said the answers were « envoyées le 1 janvier 1980 ».
    header, ticked, options = LIMESURVEY_HEADINGS[naming]
    export = limesurvey_sample(tmp_path / "ls.csv", header, ticked)
    text = export.read_text(encoding="utf-8-sig")
    export.write_text(re.sub(r'"2014-04-\d\d 10:\d\d:00"', '"1980-01-01 00:00:00"', text), encoding="utf-8-sig")
    spec = {"platform": "limesurvey", "columns": {"id": header[0], "respondent_type": header[7], "date": header[1]},
            "questions": [{"id": "demandes", "column": header[10], "kind": "datasets"}]}
    _, screened = _run(tmp_path, export, spec)
    assert screened["motif_exclusion"].value_counts().to_dict() == {
        "": 23, "réponse incomplète (jamais soumise)": 6, "aucune question répondue": 1}
    assert screened["date"].isna().all()


@pytest.mark.parametrize("naming", LIMESURVEY_HEADINGS)
def test_limesurvey_marks_without_the_preset_are_an_error_naming_the_key(naming, tmp_path):
    header, ticked, _ = LIMESURVEY_HEADINGS[naming]
    export = limesurvey_sample(tmp_path / "ls.csv", header, ticked)
    spec = {"columns": {"id": header[0], "respondent_type": header[7]},
            "questions": [{"id": "demandes", "column": header[10], "kind": "datasets"}]}
    with pytest.raises(AnswersError, match=rf"« {re.escape(header[1])} » marque 6 ligne\(s\).*platform: limesurvey"):
        _run(tmp_path, export, spec)


def test_cap_collectif_trash_marks_need_the_preset_or_a_rule(tmp_path):
    build, spec, _ = PLATFORMS["cap_collectif"]
    bare = {k: v for k, v in spec.items() if k != "platform"}
    with pytest.raises(AnswersError, match=r"« trashed(Status)? » marque 1 ligne\(s\).*platform: cap_collectif"):
        _run(tmp_path, build(tmp_path / "cc.csv"), bare)
    # A rule of the spec's own on the columns takes charge of them (here: keep the trashed rows, knowingly).
    ruled = {**bare, "exclude": [{"column": c, "values": ["jamais"], "reason": "r"}
                                 for c in ("trashed", "trashedStatus")]}
    _, screened = _run(tmp_path, build(tmp_path / "cc.csv"), ruled)
    assert (screened["statut"] == ANALYSED).sum() == 3


# Cap Collectif's own questionnaire export (cap-collectif/platform: Command/Serializer/ReplyNormalizer.php, full
# variant; BaseNormalizer::getReadableBoolean writes Oui/Non, getNullableDatetime "Y-m-d H:i:s"; the header keys as
# its export snapshots write them; ContributionExporter « ; »): drafts and unpublished replies are rows of it. Its
# first column is each reply's type, « Réponse »: no SurveyMonkey label row, since the next row says the same.
CAP_REPLIES = ["export_contribution_type", "export_contribution_id", "export_contribution_author_id",
               "export_contribution_published_at", "export_contribution_published", "export_contribution_author",
               "export_contribution_author_email", "export_contribution_author_phone",
               "export_contribution_created_at", "export_contribution_updated_at", "export_contribution_draft",
               "export_contribution_undraft_at", "export_contribution_account", "export_contribution_internal_comm",
               "Vous êtes", "Quelles données souhaitez-vous voir ouvrir ?"]


def test_cap_collectif_drafts_and_unpublished_replies_are_excluded_by_the_preset(tmp_path):
    reply = ["Réponse", "", "VXNlcjox", "", "Oui", "marie", "m@example.org", "", "2014-04-03 10:00:00", "", "Non",
             "2014-04-03 10:05:00", "Oui", "Non", "Citoyen", "PMSI"]
    rows = [CAP_REPLIES,
            [*reply[:1], "UmVwbHk6MQ==", *reply[2:]],
            [*reply[:1], "UmVwbHk6Mg==", *reply[2:4], "Non", *reply[5:10], "Oui", "", *reply[12:]],  # a draft
            [*reply[:1], "UmVwbHk6Mw==", *reply[2:4], "Non", *reply[5:]]]  # sent, then unpublished
    spec = {"platform": "cap_collectif",
            "columns": {"id": "export_contribution_id", "respondent_type": "Vous êtes",
                        "date": "export_contribution_created_at"},
            "questions": [{"id": "demandes", "column": "Quelles données souhaitez-vous voir ouvrir ?",
                           "kind": "datasets"}]}
    _, screened = _run(tmp_path, _write(tmp_path / "cc.csv", rows, ";"), spec)
    assert screened["motif_exclusion"].tolist() == ["", "brouillon, jamais envoyé (Cap Collectif)",
                                                    "réponse non publiée (Cap Collectif)"]
    # Without the preset, the marks are an error, never silently counted.
    bare = {k: v for k, v in spec.items() if k != "platform"}
    with pytest.raises(AnswersError, match=r"« export_contribution_(draft|published) » marque 1 ligne.*cap_collectif"):
        _run(tmp_path, _write(tmp_path / "cc.csv", rows, ";"), bare)


@pytest.mark.parametrize("written", ["VRAI", "true", "True", "1", "Oui", "yes"])
def test_cap_collectif_trashed_reads_every_boolean_spelling(written, tmp_path):
    _, spec, _ = PLATFORMS["cap_collectif"]
    header = ["id", "published_at", "trashed", "Vous êtes", "Quelles données souhaitez-vous voir ouvrir ?",
              "Pourquoi ?"]
    rows = [header, ["a", "2014-04-03 10:05:00", "FAUX", "Citoyen", "PMSI", "Recherche"],
            ["b", "2014-04-03 11:05:00", written, "Citoyen", "SAE", "Recherche"]]
    _, screened = _run(tmp_path, _write(tmp_path / "cc.csv", rows, ";"), spec)
    assert screened["motif_exclusion"].tolist() == ["", "contribution mise à la corbeille sur la plateforme"]


def test_a_mark_value_the_preset_does_not_know_is_an_error(tmp_path):
    _, spec, _ = PLATFORMS["cap_collectif"]
    header = ["id", "published_at", "trashed", "Vous êtes", "Quelles données souhaitez-vous voir ouvrir ?",
              "Pourquoi ?"]
    rows = [header, ["a", "2014-04-03 10:05:00", "peut-être", "Citoyen", "PMSI", "Recherche"]]
    with pytest.raises(AnswersError, match="« trashed » : valeur « peut-être » .*inconnue du préréglage cap_collectif"):
        _run(tmp_path, _write(tmp_path / "cc.csv", rows, ","), spec)


def test_kobo_and_typeform_marks_without_their_preset_are_errors(tmp_path):
    for name, pattern in (("kobo", r"« _validation_status » marque 1 ligne\(s\).*platform: kobo"),
                          ("typeform", r"« Response Type » marque 1 ligne\(s\).*platform: typeform")):
        build, spec, _ = PLATFORMS[name]
        bare = {k: v for k, v in spec.items() if k != "platform"}
        with pytest.raises(AnswersError, match=pattern):
            _run(tmp_path, build(tmp_path / f"{name}.csv"), bare)


def test_a_mark_of_a_platform_without_preset_needs_an_exclude_rule(tmp_path):
    # Qualtrics writes Finished (1/0, or True/False) for every response it exports, finished or not.
    rows = [["ResponseId", "Finished", "Vous êtes", "Pourquoi ?"], ["R_1", "1", "Citoyen", "Recherche"],
            ["R_2", "0", "Citoyen", "Transparence"]]
    spec = {"columns": {"id": "ResponseId", "respondent_type": "Vous êtes"},
            "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "free_text"}]}
    export = _write(tmp_path / "q.csv", rows, ",")
    with pytest.raises(AnswersError, match=r"« Finished » marque 1 ligne\(s\).*ajoutez une règle exclude"):
        _run(tmp_path, export, spec)
    rule = {"column": "Finished", "values": [False], "reason": "réponse non terminée"}
    _, screened = _run(tmp_path, export, {**spec, "exclude": [rule]})
    assert screened["motif_exclusion"].tolist() == ["", "réponse non terminée"]


# --- A declared option holding the header path separator (issue 22, case 4) ----------------------------------------

def kobo_labels(path: Path) -> Path:
    """KoboToolbox export with labels and group paths in the headers (formpack: lang « _default »,
    hierarchy_in_labels, group separator « / »), one column per option of a select_multiple holding 1 or 0: 20
    answers, 18 ticking « Recherche/enseignement » (2 of them refused at validation), 3 ticking an option the
    spec does not declare (1 refused)."""
    group = "Vos usages/Pourquoi ?"
    header = ["Vous êtes", group, f"{group}/Recherche/enseignement", f"{group}/Transparence", f"{group}/Autre usage",
              "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    rows = [header]
    for i in range(20):
        research, other = i < 18, i >= 17
        refused = i in (0, 1, 19)
        chosen = " ".join(x for x, on in (("Recherche/enseignement", research), ("Transparence", not research),
                                          ("Autre usage", other)) if on)
        rows.append(["Citoyen", chosen, "1" if research else "0", "0" if research else "1",
                     "1" if other else "0", str(100 + i), f"u-{i}", f"2014-04-0{1 + i % 9}T08:00:00",
                     "Not Approved" if refused else "Approved", str(i + 1)])
    return _write(path, rows, ";", eol="\n")


def test_kobo_label_export_option_with_a_slash_is_counted_and_the_annex_counts_the_same_rows(tmp_path):
    from helpers.consultation.answers import off_list_of

    group = "Vos usages/Pourquoi ?"
    spec = {"platform": "kobo", "columns": {"id": "_uuid", "respondent_type": "Vous êtes", "date": "_submission_time"},
            "questions": [{"id": "raisons", "label": "Pourquoi ?", "kind": "multiple_choice",
                           "columns": [f"{group}/Recherche/enseignement", f"{group}/Transparence",
                                       f"{group}/Autre usage"],
                           "options": ["Recherche/enseignement", "Transparence"]},
                          # The same question in its one column: labels joined by a space (the preset's separator).
                          {"id": "raisons_labels", "column": group, "kind": "multiple_choice",
                           "options": ["Recherche/enseignement", "Transparence", "Autre usage"]}]}
    answers, screened = _run(tmp_path, kobo_labels(tmp_path / "kobo.csv"), spec)
    analysed = screened[screened["statut"] == ANALYSED]
    assert len(analysed) == 17
    assert _shares(screened, answers.spec.questions[0]) == {"Recherche/enseignement": 16, "Transparence": 1,
                                                              "Autre (hors liste)": 2}
    assert _shares(screened, answers.spec.questions[1]) == {"Recherche/enseignement": 16, "Transparence": 1,
                                                              "Autre usage": 2}
    annex = off_list_of(answers, analysed["numero"])
    assert annex.to_dict("records") == [{"question": "raisons", "valeur": f"{group}/Autre usage", "n_reponses": 2}]


# --- Separator, booleans and the real cause of an error (issue 22, case 5) -----------------------------------------

def test_a_preset_separator_is_only_preferred_the_file_decides(tmp_path):
    build, spec, expected = PLATFORMS["cap_collectif"]
    resaved = tmp_path / "resaved.csv"
    rows = list(csv.reader(io.StringIO(build(tmp_path / "cc.csv").read_text(encoding="utf-8-sig"))))
    _write(resaved, rows, ";", eol="\r\n")  # French Excel « CSV UTF-8 »: BOM, « ; », CRLF
    answers, screened = _run(tmp_path, resaved, spec)
    assert answers.separator == ";" and (screened["statut"] == ANALYSED).sum() == 2


def test_a_file_resaved_by_excel_in_cp1252_is_read_with_its_own_encoding(tmp_path):
    build, spec, _ = PLATFORMS["cap_collectif"]
    rows = list(csv.reader(io.StringIO(build(tmp_path / "cc.csv").read_text(encoding="utf-8-sig"))))
    # Excel « CSV (séparateur : point-virgule) »: cp1252, « ; », CRLF, booleans as it shows them.
    rows = [[{"Oui": "VRAI", "Non": "FAUX"}.get(c, c) if i == 5 else c for i, c in enumerate(r)] for r in rows]
    resaved = _write(tmp_path / "resaved.csv", rows, ";", encoding="cp1252")
    answers, screened = _run(tmp_path, resaved, spec)
    assert (answers.encoding, answers.separator) == ("cp1252", ";")
    assert screened["motif_exclusion"].tolist() == ["", "contribution mise à la corbeille sur la plateforme", ""]
    assert answers.frame.loc[0, "raisons"] == "Recherche\nTransparence de l'action publique"  # « Vous êtes » found


def test_a_forced_separator_that_does_not_fit_names_the_one_found(tmp_path):
    build, spec, _ = PLATFORMS["cap_collectif"]
    rows = list(csv.reader(io.StringIO(build(tmp_path / "cc.csv").read_text(encoding="utf-8-sig"))))
    resaved = _write(tmp_path / "resaved.csv", rows, ";")
    with pytest.raises(AnswersError, match="le séparateur trouvé est « ; », le questionnaire attend « , » "
                                           r"\(format.separator\)"):
        _run(tmp_path, resaved, {**spec, "format": {"separator": ","}})


@pytest.mark.parametrize("case", ["octet nul", "UTF-16", "classeur", "image"])
def test_a_nul_byte_error_names_its_cause(case, tmp_path):
    build, spec, _ = PLATFORMS["decidim"]
    good = build(tmp_path / "d.csv").read_bytes()
    data, message = {
        "octet nul": (b"\n".join(good.split(b"\n")[:3]) + b"\n" + b"\n".join([b"x1;2014-04-07 18:12:09 +0200;h;I;"
                      b"Citoyen;PMSI;Recherche"] * 8) + b"\nx9;2014-04-07 18:12:09 +0200;h;I;Citoy\x00en;PMSI;R\n",
                      r"un octet nul ligne 12 \(caractère 39\)"),
        "UTF-16": (good.decode("utf-8-sig").encode("utf-16"), "encodé en UTF-16"),
        "classeur": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "n'est pas un CSV mais un classeur XLSX ou ODS"),
        "image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "n'est pas un CSV mais une image PNG"),
    }[case]
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(AnswersError, match=message):
        _run(tmp_path, path, spec)


def test_answers_near_midnight_utc_fall_on_their_paris_day(tmp_path):
    # 30 Typeform answers from 21:00 to 22:56 UTC on 2 April 2014, one every 4 minutes: the 15 sent from 22:00 UTC
    # were sent on 3 April in Paris (UTC+2). Read as Paris time, all 30 would fall on 2 April.
    from helpers.consultation.dates import local_dates

    header = ["#", "Vous êtes", "Pourquoi ?", "Response Type", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]
    rows = [header] + [[f"t{i:02d}", "Citoyen", "Recherche", "completed", "2014-04-02 20:50:00",
                        f"2014-04-02 {21 + (4 * i) // 60:02d}:{(4 * i) % 60:02d}:00", "n"] for i in range(30)]
    spec = {"platform": "typeform", "columns": {"id": "#", "respondent_type": "Vous êtes", "date": "Submit Date (UTC)"},
            "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "free_text"}]}
    answers, _ = _run(tmp_path, _write(tmp_path / "tf.csv", rows, ","), spec)
    days = local_dates(answers.frame["date"]).dt.day.value_counts().to_dict()
    assert days == {2: 15, 3: 15}
    # The per-day chart's axis names the answers' own year (Paris time), not 2014's.
    from types import SimpleNamespace

    from helpers.views.v04_consultation import timeline

    days = timeline(SimpleNamespace(analysed=answers.frame))
    assert (days.unit, days.axis, days.chart["Période"].tolist(), days.chart["Réponses"].tolist()) == (
        "jour", "Jour (2014)", ["02/04", "03/04"], [15, 15])


@pytest.mark.parametrize(("moments", "unit", "axis", "periods", "counts"), [
    # Within 92 days: every day, zeros included; across New Year's Day in Paris, each day with its year.
    (["2018-12-30T10:00+01:00", "2019-01-01T09:00+01:00", "2019-01-01T10:00+01:00"], "jour", "Jour",
     ["30/12/2018", "31/12/2018", "01/01/2019"], [1, 0, 2]),
    (["2014-04-04T10:00+02:00", "2014-04-06T10:00+02:00"], "jour", "Jour (2014)", ["04/04", "05/04", "06/04"],
     [1, 0, 1]),
    # A few test answers of 2014 in a 2025 export: per month, the months that have answers (no 4,000 days of zeros).
    (["2014-04-02T08:00+02:00", "2014-04-03T08:00+02:00", "2025-03-03T09:00+01:00", "2025-05-12T17:00+02:00",
      "2025-05-13T09:00+02:00"], "mois", "Mois (ceux qui ont des réponses)", ["avril 2014", "mars 2025", "mai 2025"],
     [2, 1, 2]),
    # 31 March 23:30 UTC is 1 April in Paris: counted in April.
    (["2024-12-10T09:00Z", "2025-03-31T23:30Z"], "mois", "Mois (ceux qui ont des réponses)",
     ["décembre 2024", "avril 2025"], [1, 1]),
])
def test_the_timeline_is_per_day_within_three_months_else_per_month_with_years(moments, unit, axis, periods, counts):
    from types import SimpleNamespace

    from helpers.views.v04_consultation import timeline

    utc = pd.Series(pd.to_datetime(moments, utc=True))
    found = timeline(SimpleNamespace(analysed=pd.DataFrame({"date": utc})))
    assert (found.unit, found.axis, found.chart["Période"].tolist(), found.chart["Réponses"].tolist()) == (
        unit, axis, periods, counts)
    assert found.table.columns[1] == "Réponses analysées" and len(found.table) == len(periods)
    assert ("les mois sans réponse ne sont pas montrés" in found.caption) is (unit == "mois")


def test_missing_columns_name_the_separator_found_when_the_platform_writes_another(tmp_path):
    _, spec, _ = PLATFORMS["cap_collectif"]
    rows = [["id", "published_at", "Vous êtes", "Pourquoi ?"], ["a", "2014-04-03 10:05:00", "Citoyen", "Recherche"]]
    with pytest.raises(AnswersError, match="absente.*le séparateur trouvé est « ; », le préréglage attend « , »"):
        _run(tmp_path, _write(tmp_path / "cc.csv", rows, ";"), spec)


@pytest.mark.parametrize(("utc", "expected"), [
    # Paris is UTC+2 in April: 3 April 22:30 UTC is 4 April 00:30 in Paris (inside), 28 April 22:00 UTC is 29 April.
    (["2014-04-03 22:30:00", "2014-04-28 21:59:00"],
     "2 réponses analysées ont été envoyées du 4 avril 2014 au 28 avril 2014 (heure de Paris), pendant la consultation "
     "publique de 2014."),
    (["2014-04-10 10:00:00", "2014-04-28 22:00:00", "2014-04-03 21:59:00"],
     "3 réponses analysées ont été envoyées du 3 avril 2014 au 29 avril 2014 (heure de Paris), dont 2 envoyées "
     "hors de la consultation publique de 2014 (du 4 avril 2014 au 28 avril 2014)."),
    (["2025-03-03 09:00:00", "2025-05-12 17:00:00"],
     "2 réponses analysées ont été envoyées du 3 mars 2025 au 12 mai 2025 (heure de Paris) : aucune pendant la "
     "consultation publique de 2014 (du 4 avril 2014 au 28 avril 2014)."),
    (["2014-04-04 08:00:00", ""],
     "1 réponse analysée a été envoyée le 4 avril 2014 (heure de Paris), pendant la consultation publique de 2014 ; "
     "1 autre réponse analysée sans date."),
    (["", ""],
     "Aucune des réponses analysées (2) n'est datée : l'export ne dit pas si elles ont été envoyées pendant la "
     "consultation publique de 2014 (du 4 avril 2014 au 28 avril 2014)."),
])
def test_report_04_says_when_the_answers_were_sent_against_the_2014_consultation(utc, expected, tmp_path):
    # A Typeform export (UTC without an offset): report 04 never presents another consultation's answers as 2014's.
    from types import SimpleNamespace

    from helpers.views.v04_consultation import period_note, takeaways

    header = ["#", "Vous êtes", "Pourquoi ?", "Response Type", "Submit Date (UTC)"]
    rows = [header] + [[f"t{i}", "Citoyen", "Recherche", "completed", moment] for i, moment in enumerate(utc)]
    spec = {"platform": "typeform", "columns": {"id": "#", "respondent_type": "Vous êtes", "date": "Submit Date (UTC)"},
            "questions": [{"id": "raisons", "column": "Pourquoi ?", "kind": "free_text"}]}
    answers, screened = _run(tmp_path, _write(tmp_path / "tf.csv", rows, ","), spec)
    run = SimpleNamespace(analysed=screened[screened["statut"] == ANALYSED], synthetic_answers=False)
    assert period_note(run) == expected
    assert period_note(SimpleNamespace(analysed=run.analysed, synthetic_answers=True)) == (
        f"{expected[:-1]} — réponses synthétiques.")
    # The takeaway quoted on the front page carries the same days.
    run = SimpleNamespace(**vars(run), screened=screened, asks_for_bases=False, review=pd.DataFrame({"groupe": []}),
                          campaigns=pd.DataFrame(), requests=pd.DataFrame())
    share = takeaways(run)[0]
    days = re.search(r"envoyées? ((?:le|du) \d+ \S+ \d{4}(?: au \d+ \S+ \d{4})?) \(heure", expected)
    outside = re.search(r"dont (\d+) envoyées? hors|aucune pendant", expected)
    outside = "" if not outside else (f", dont {outside.group(1)} hors de la consultation de 2014" if outside.group(1)
                                      else f", dont {len(utc)} hors de la consultation de 2014")
    assert (f"sont analysées (envoyées {days.group(1)}, heure de Paris{outside}) ;" in share) if days else (
        "envoyées" not in share)
    assert share.endswith("; aucune n'est exclue.")  # the reasons the export has, not a list of every possible one


def limesurvey_other(path: Path) -> Path:
    # LimeSurvey's multiple choice with its « Autre » option: one more column « Question [Autre] » holding the text
    # typed (full answers, full question text headings).
    header = ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Vous êtes",
              "Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]", "Pourquoi ? [Autre]", "Quelles données ?"]
    rows = [header,
            ["1", "2014-04-03 10:05:05", "2", "fr", "Citoyen", "Oui", "", "", "PMSI"],
            ["2", "2014-04-03 11:00:00", "2", "fr", "Citoyen", "N/A", "Oui", "Pour mes cours", "RPPS"],
            ["3", "2014-04-04 11:00:00", "2", "fr", "Chercheur", "Oui", "Oui", "", "SNIIRAM"]]
    return _write(path, rows, ",", quoting=csv.QUOTE_ALL)


OTHER_WITHOUT_OPTIONS = {
    "limesurvey": (limesurvey_other, ["Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]", "Pourquoi ? [Autre]"],
                   "Autre", {"Recherche": 2, "Transparence": 2, "Autre": 1}),
    "typeform": (typeform, ["Recherche", "Transparence", "Other"], "Other",
                 {"Recherche": 2, "Transparence": 1, "Other": 1}),
    "surveymonkey": (surveymonkey, None, "Autre", {"Recherche": 2, "Transparence": 1, "Autre": 1}),
}


@pytest.mark.parametrize("platform", OTHER_WITHOUT_OPTIONS)
@pytest.mark.parametrize("declared", ["sans options", "avec options"])
def test_an_other_option_without_declared_options_counts_each_column_as_its_option(platform, declared, tmp_path):
    # A LimeSurvey spec with `other: "Autre"` and no `options` once counted every ticked option under « Autre (hors
    # liste) », in silence: the other label alone was taken for the whole list of options.
    build, columns, other, expected = OTHER_WITHOUT_OPTIONS[platform]
    spec = dict(PLATFORMS[platform][1] if platform != "limesurvey" else PLATFORMS["limesurvey"][1])
    question = {"id": "raisons", "kind": "multiple_choice", "other": other,
                **({"columns": columns, "label": "Pourquoi ?"} if columns else
                   {"column": "Pourquoi ? (plusieurs réponses possibles)"})}
    if declared == "avec options":
        question["options"] = ["Recherche", "Transparence"]
    spec["questions"] = [question, {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]
    answers, screened = _run(tmp_path, build(tmp_path / f"{platform}.csv"), spec)
    raisons = next(q for q in answers.spec.questions if q.id == "raisons")
    assert _shares(screened, raisons) == expected
    assert "Autre (hors liste)" not in set("\n".join(screened["raisons"]).split("\n"))
    assert (screened["raisons_autre"] == "Pour mes cours").sum() == 1  # the typed text, to its free-text question


@pytest.mark.parametrize("platform", OTHER_WITHOUT_OPTIONS)
@pytest.mark.parametrize("mistake", ["option sans accent", "option en minuscules tronquée", "other en anglais"])
def test_a_declared_option_or_other_that_names_no_column_of_its_block_is_an_error(platform, mistake, tmp_path):
    # A fresh user's SurveyMonkey spec said « Evaluation » for the column « Évaluation des politiques publiques »:
    # the option counted nothing and its 71 answers went to « Autre (hors liste) »; `other: "Autre"` for a column
    # « Other (please specify) » lost the 22 typed texts. Both in silence.
    build, columns, other, _ = OTHER_WITHOUT_OPTIONS[platform]
    spec = dict(PLATFORMS[platform][1])
    options, wrong = ["Recherche", "Transparence"], "Transparence"
    if mistake == "option sans accent":
        options, wrong = ["Récherche", "Transparence"], "Récherche"
    elif mistake == "option en minuscules tronquée":
        options, wrong = ["Recherche", "transparenc"], "transparenc"
    else:
        other, wrong = ("Other" if other != "Other" else "Autre"), ("Other" if other != "Other" else "Autre")
    question = {"id": "raisons", "kind": "multiple_choice", "other": other, "options": options,
                **({"columns": columns, "label": "Pourquoi ?"} if columns else
                   {"column": "Pourquoi ? (plusieurs réponses possibles)"})}
    spec["questions"] = [question, {"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]
    with pytest.raises(AnswersError, match=rf"{platform}\.csv : question « raisons » : aucune colonne de l'export "
                                           rf"pour « {wrong} »"):
        _run(tmp_path, build(tmp_path / f"{platform}.csv"), spec)


@pytest.mark.parametrize(("platform", "cell", "typed"), [
    # Decidim writes a choice with free text as « body (custom_body) » (UserAnswersSerializer#normalize_choices).
    ("decidim", "Recherche, Autre (pour ma thèse, en épidémiologie)", "pour ma thèse, en épidémiologie"),
    ("decidim", "Autre (enseignement (cours de biostatistique))", "enseignement (cours de biostatistique)"),
    ("decidim", "autre : un mémoire", "un mémoire"),
    # Google Forms appends the typed text as one more item, commas included.
    ("google_forms", "Transparence, Pour une enquête, en deux parties", "Pour une enquête, en deux parties"),
    ("decidim", "Recherche, Autre", ""),  # the option ticked, nothing typed
])
def test_the_text_typed_with_other_is_published_as_typed(platform, cell, typed, tmp_path):
    # A fresh user's Decidim export: « Autre (pour ma thèse, en épidémiologie) » was published as « Autre (pour ma
    # thèse; en épidémiologie) », the platform's wrapper kept and the respondent's comma turned into « ; ».
    build, spec, _ = PLATFORMS[platform]
    path = build(tmp_path / f"{platform}.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""),
                           delimiter=";" if platform == "decidim" else ","))
    column = rows[0].index("3. Usages" if platform == "decidim" else "Pourquoi ?")
    rows[1][column] = cell
    spec = dict(spec)
    spec["questions"] = [{**q, "options": ["Création d'un service, d'une application", "Recherche", "Transparence"],
                          "other": "Autre"} if q["id"] == "raisons" else q for q in spec["questions"]]
    answers, screened = _run(tmp_path, _write(path, rows, ";" if platform == "decidim" else ","), spec)
    assert answers.frame["raisons_autre"].iloc[0] == typed
    assert "Autre" in answers.frame["raisons"].iloc[0].split("\n")


def test_an_other_option_without_options_in_one_column_is_an_error_naming_the_question(tmp_path):
    # Google Forms writes the typed « Autre » text in the same cell as the options: without their list, nothing
    # tells a choice from that text. Refused with one line, rather than every answer counted as « Autre ».
    spec = dict(PLATFORMS["google_forms"][1])
    spec["questions"] = [{"id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice", "other": "Autre"}]
    with pytest.raises(AnswersError, match=r"google_forms\.csv : question « raisons » \(colonne « Pourquoi \? »\) : "
                                           r"« other » \(Autre\) sans « options »"):
        _run(tmp_path, google_forms(tmp_path / "google_forms.csv"), spec)


def kobo_or_other(path: Path, names: bool) -> Path:
    """KoboToolbox export of a select_multiple declared « or_other »: pyxform adds a text question named
    ``<name>_other``, labelled « Specify other. », shown only when « other » is ticked; formpack writes it in a column
    of its own, after the choice's split columns. `names`: XML names as headers (else labels, group paths)."""
    group = "" if names else "Vos usages/"
    choice = "raisons" if names else f"{group}Pourquoi ?"
    other_text = "raisons_other" if names else f"{group}Specify other."
    labels = {"recherche": "Recherche", "transparence": "Transparence", "other": "Other"}
    header = ["Vous êtes", choice, *(f"{choice}/{c if names else labels[c]}" for c in labels), other_text,
              "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    ticked = [("recherche",), ("recherche", "other"), ("other",), ("transparence",), ("other",)]
    typed = ["", "Pour mes cours", "Un article de presse", "", "Suivre mon hôpital"]
    rows = [header]
    for i, (chosen, text) in enumerate(zip(ticked, typed, strict=True)):
        cell = " ".join(c if names else labels[c] for c in chosen)
        rows.append(["Citoyen", cell, *("1" if c in chosen else "0" for c in labels), text, str(100 + i), f"u-{i}",
                     f"2014-04-0{1 + i}T08:00:00", "Approved" if i != 4 else "Not Approved", str(i + 1)])
    return _write(path, rows, ";", eol="\n")


@pytest.mark.parametrize("names", [True, False])
@pytest.mark.parametrize("layout", ["one column", "one column per option"])
def test_kobo_or_other_text_is_read_from_its_own_column(names, layout, tmp_path):
    # Kobo writes the text typed with « Other » in a column of its own: `<id>_autre` used to say « aucun texte »
    # under an « Autre (précisez) » heading while 3 respondents had typed one.
    group = "" if names else "Vos usages/"
    choice = "raisons" if names else f"{group}Pourquoi ?"
    options = ({"recherche": "Recherche", "transparence": "Transparence", "other": "Autre"} if names
               else {"Recherche": "Recherche", "Transparence": "Transparence", "Other": "Autre"})
    question = ({"column": choice} if layout == "one column"
                else {"columns": [f"{choice}/{c}" for c in options], "label": "Pourquoi ?"})
    spec = {"platform": "kobo", "columns": {"id": "_uuid", "respondent_type": "Vous êtes", "date": "_submission_time"},
            "questions": [{"id": "raisons", "kind": "multiple_choice", **question, "options": options, "other": "Autre",
                           "other_column": "raisons_other" if names else f"{group}Specify other."}]}
    answers, screened = _run(tmp_path, kobo_or_other(tmp_path / "kobo.csv", names), spec)
    assert _shares(screened, answers.spec.questions[0]) == {"Recherche": 2, "Transparence": 1, "Autre": 2}
    analysed = screened[screened["statut"] == ANALYSED]
    assert analysed["raisons_autre"].tolist() == ["", "Pour mes cours", "Un article de presse", ""]
    assert [q.id for q in answers.spec.of_kind("free_text")] == ["raisons_autre"]


def test_other_column_is_checked_like_any_column(tmp_path):
    spec = {"platform": "kobo", "columns": {"id": "_uuid", "respondent_type": "Vous êtes", "date": "_submission_time"},
            "questions": [{"id": "raisons", "column": "raisons", "kind": "multiple_choice", "other": "Autre",
                           "options": {"recherche": "Recherche", "transparence": "Transparence", "other": "Autre"},
                           "other_column": "raisons_autre_texte"}]}
    with pytest.raises(AnswersError, match=r"kobo\.csv : .*« raisons_autre_texte »"):
        _run(tmp_path, kobo_or_other(tmp_path / "kobo.csv", names=True), spec)
    del spec["questions"][0]["other"]
    with pytest.raises(QuestionnaireError, match=r"q\.yml : questions\[n° 1 « raisons »\].*« other_column ».*va avec "
                                                 r"« other »"):
        _run(tmp_path, kobo_or_other(tmp_path / "kobo.csv", names=True), spec)


@pytest.mark.parametrize("platform", ["limesurvey", "cap_collectif", "google_forms"])
def test_the_takeaway_on_excluded_answers_names_the_export_s_own_reasons(platform, tmp_path):
    # It used to say « les autres sont vides, exclues ou remplacées… » whatever happened: a reader quoting it would
    # report replaced answers an export never had.
    from types import SimpleNamespace

    from helpers.views.v04_consultation import takeaways

    build, spec, expected = PLATFORMS[platform]
    _, screened = _run(tmp_path, build(tmp_path / f"{platform}.csv"), spec)
    run = SimpleNamespace(analysed=screened[screened["statut"] == ANALYSED], screened=screened,
                          synthetic_answers=False, asks_for_bases=False, review=pd.DataFrame({"groupe": []}),
                          campaigns=pd.DataFrame(), requests=pd.DataFrame())
    (reason, n), = expected["exclues"].items()
    assert takeaways(run)[0].endswith(f"; 1 autre est exclue : {n} « {reason} ».")


@pytest.mark.parametrize(("review", "expected"), [
    ({"groupe": ["M001", "", ""], "mention": ["registre des cancers", "SNDS", "base nationale"],
      "n_repondants": [4, 30, 2], "n_dont_campagnes": [0, 0, 0]},
     "1 groupe de données demandées est absent de la cartographie ; 2 mentions incertaines ne sont pas comptées, "
     "dont « SNDS », nommée par 30 répondants : à vérifier (section 5)."),
    ({"groupe": ["", "M001", "M002"], "mention": ["snds", "a", "b"], "n_repondants": [1, 4, 2],
      "n_dont_campagnes": [0, 1, 0]},
     "2 groupes de données demandées sont absents de la cartographie ; 1 mention incertaine n'est pas comptée, "
     "dont « snds », nommée par 1 répondant : à vérifier (section 5)."),
    ({"groupe": ["M001"], "mention": ["a"], "n_repondants": [4], "n_dont_campagnes": [0]},
     "1 groupe de données demandées est absent de la cartographie (section 5)."),
    # A group only campaign members wrote (a piece of a pasted letter) is said to be theirs.
    ({"groupe": ["M001", "M002", "M003"], "mention": ["a", "b", "c"], "n_repondants": [12, 10, 3],
      "n_dont_campagnes": [12, 10, 1]},
     "3 groupes de données demandées sont absents de la cartographie, dont 2 écrits par des membres de campagnes "
     "seulement (section 5)."),
])
def test_a_mention_many_name_but_no_rule_settles_is_in_the_takeaways(review, expected, tmp_path):
    # A fresh user's « SNDS », named by 30 respondents and ambiguous (SNDM, PNDS), was in neither the demands nor the
    # « 4 groupes absents » of the takeaways: a reader of the summary would miss the second most requested base.
    from types import SimpleNamespace

    from helpers.views.v04_consultation import takeaways

    build, spec, _ = PLATFORMS["limesurvey"]
    _, screened = _run(tmp_path, build(tmp_path / "limesurvey.csv"), spec)
    run = SimpleNamespace(analysed=screened[screened["statut"] == ANALYSED], screened=screened,
                          synthetic_answers=False, asks_for_bases=True, review=pd.DataFrame(review),
                          campaigns=pd.DataFrame(), requests=pd.DataFrame())
    assert expected in takeaways(run)


def test_the_readme_limesurvey_spec_counts_a_limesurvey_export_with_its_other_column(tmp_path):
    import yaml

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("# Cap Collectif"))
    spec = next(d for d in yaml.safe_load_all(block.split("```")[0]) if d["platform"] == "limesurvey")
    answers, screened = _run(tmp_path, limesurvey_other(tmp_path / "limesurvey.csv"), spec)
    raisons = next(q for q in answers.spec.questions if q.id == "raisons")
    assert _shares(screened, raisons) == {"Recherche": 2, "Transparence": 2, "Autre": 1}
    assert (screened["raisons_autre"] == "Pour mes cours").sum() == 1


def test_the_readme_kobo_spec_counts_a_kobo_export_with_its_or_other_column(tmp_path):
    import yaml

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("# Cap Collectif"))
    spec = next(d for d in yaml.safe_load_all(block.split("```")[0]) if d["platform"] == "kobo")
    header = ["start", "end", "profil", "demandes", "raisons", "raisons/recherche", "raisons/transparence", "usages",
              "usages/etude", "usages/other", "usages_other", "_id", "_uuid", "_submission_time",
              "_validation_status", "_index"]
    hxl = ["", "#date+end", "#respondee+type", "#indicator+text", "", "", "", "", "", "", "", "#meta+id", "", "", "",
           ""]
    rows = [header, hxl]
    for i, (usages, typed) in enumerate([("etude", ""), ("etude other", "Pour mes cours"), ("other", "Un article")]):
        rows.append([f"2014-04-0{3 + i}T10:00:00.000+02:00", f"2014-04-0{3 + i}T10:05:00.000+02:00", "citoyen",
                     "PMSI", "recherche", "1", "0", usages, "1" if "etude" in usages else "0",
                     "1" if "other" in usages else "0", typed, str(101 + i), f"u-{i}", f"2014-04-0{3 + i}T08:05:02",
                     "", str(i + 1)])
    answers, screened = _run(tmp_path, _write(tmp_path / "kobo.csv", rows, ";", eol="\n"), spec)
    usages = next(q for q in answers.spec.questions if q.id == "usages")
    assert _shares(screened, usages) == {"Étude": 2, "Autre": 2}
    assert screened["usages_autre"].tolist() == ["", "Pour mes cours", "Un article"]


@pytest.mark.parametrize(("written", "named"), [("Vous êtes :", "Vous êtes"), ("vous etes", "Vous êtes"),
                                                ("Vous êtes ?", "Vous êtes")])
def test_a_missing_column_names_the_export_s_nearest_header(written, named, tmp_path):
    # A fresh user's spec said « Vous êtes », LimeSurvey's heading was « Vous êtes : »: the error listed 20 headers
    # and left the reader to find the colon.
    build, spec, _ = PLATFORMS["limesurvey"]
    text = build(tmp_path / "limesurvey.csv").read_text(encoding="utf-8-sig").replace('"Vous êtes"', f'"{written}"')
    (tmp_path / "limesurvey.csv").write_text(text, encoding="utf-8-sig")
    with pytest.raises(AnswersError, match=re.escape(f"« {named} » (l'export a « {written} »)")):
        _run(tmp_path, tmp_path / "limesurvey.csv", spec)


def test_kobo_label_columns_without_options_are_named_after_the_question_s_path(tmp_path):
    # Without `options`, a fresh user's Kobo labels export gave options named « Vos attentes/Pourquoi …/Journalisme »:
    # the group and question path every column shares is not part of the option (« Recherche/enseignement » is).
    group = "Vos usages/Pourquoi ?"
    spec = {"platform": "kobo", "columns": {"id": "_uuid", "respondent_type": "Vous êtes", "date": "_submission_time"},
            "questions": [{"id": "raisons", "label": "Pourquoi ?", "kind": "multiple_choice", "other": "Autre",
                           "columns": [f"{group}/Recherche/enseignement", f"{group}/Transparence",
                                       f"{group}/Autre usage"]}]}
    answers, screened = _run(tmp_path, kobo_labels(tmp_path / "kobo.csv"), spec)
    assert _shares(screened, answers.spec.questions[0]) == {"Recherche/enseignement": 16, "Transparence": 1,
                                                              "Autre": 2}


def test_the_themes_by_category_table_gives_each_question_s_base_of_its_shares():
    # « Si autre — Comparer les tarifs : 100 % » under « Chercheur (n=25) » rested on 3 texts of that question.
    from types import SimpleNamespace

    from helpers.views.v04_consultation import themes_by_profile

    documents = pd.DataFrame({
        "question": ["raisons"] * 22 + ["autre"] * 3,
        "profil": ["Chercheur"] * 22 + ["Chercheur"] * 3,
        "theme": ["T1"] * 11 + ["T2"] * 11 + ["T1"] * 3})
    themes = pd.DataFrame({"question": ["raisons", "raisons", "autre"], "theme": ["T1", "T2", "T1"],
                           "libelle": ["Recherche", "Transparence", "Comparer les tarifs"]})
    spec = SimpleNamespace(questions=[SimpleNamespace(id="raisons", column="Pourquoi ?"),
                                      SimpleNamespace(id="autre", column="Si autre")])
    run = SimpleNamespace(texts=SimpleNamespace(documents=documents, themes=themes), spec=spec,
                          profiles=pd.DataFrame({"profil": ["Chercheur"]}))
    table = themes_by_profile(run).set_index("Thème")["Chercheur (n=25)"].to_dict()
    assert table == {"Pourquoi ? — textes (base des parts)": "22", "Pourquoi ? — T1 — Recherche": "50\u202f%",
                     "Pourquoi ? — T2 — Transparence": "50\u202f%", "Si autre — textes (base des parts)": "3",
                     "Si autre — T1 — Comparer les tarifs": "100\u202f%"}
