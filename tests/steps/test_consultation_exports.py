"""Issue 10, cases 1–8: real consultation exports read right or refused clearly, each with its right value.

Every case is a kind, tested on several members (offsets, orders, encodings), not only the issue's example.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from consultation_helpers import write_csv, write_spec, write_xlsx

from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.screening import screen
from helpers.core.errors import AnswersError, QuestionnaireError
from helpers.core.tables import load_table
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness
from helpers.steps.s04_consultation import analyse_consultation
from helpers.views import v04_annex

KOBO_SPEC = {"columns": {"id": "id", "respondent_type": "Vous êtes", "date": "fin"},
             "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}


def _read(tmp_path, rows, spec, **csv):
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", spec))
    return read_answers(write_csv(tmp_path / "r.csv", rows, **csv), spec)


# --- Case 1: dates with a UTC offset -------------------------------------------------------------------

def test_case1_dates_with_offsets_are_read_in_utc(tmp_path):
    rows = [["id", "fin", "Vous êtes", "Quelles données ?"],
            ["a1", "2014-04-03T10:05:00.000+02:00", "Citoyen", "PMSI"],
            ["a2", "2014-03-30T23:40:00Z", "Journaliste", "RPPS"],
            ["a3", "2014-04-07 18:12:09 +0200", "Citoyen", "SAE"]]
    answers = _read(tmp_path, rows, KOBO_SPEC, delimiter=";")
    assert len(answers.frame) == 3 and answers.undated == 0
    assert [d.isoformat() for d in answers.frame["date"]] == [
        "2014-04-03T08:05:00+00:00", "2014-03-30T23:40:00+00:00", "2014-04-07T16:12:09+00:00"]


@pytest.mark.parametrize("stamps", [["2014-01-10T09:00:00+0100", "2014-01-11T09:00:00+0100"],
                                   ["2014-01-10T08:00:00Z", "2014-01-11T08:00:00Z"],
                                   ["2014-01-10 09:00:00 +01:00", "2014-01-11T08:00:00Z"]],
                         ids=["same +0100", "all Z", "mixed offsets"])
def test_case1_one_offset_or_mixed_offsets_never_crash(tmp_path, stamps):
    rows = [["id", "fin", "Vous êtes", "Quelles données ?"]] + [
        [f"a{i}", stamp, "Citoyen", "PMSI"] for i, stamp in enumerate(stamps)]
    answers = _read(tmp_path, rows, KOBO_SPEC)
    assert [d.isoformat() for d in answers.frame["date"]] == ["2014-01-10T08:00:00+00:00", "2014-01-11T08:00:00+00:00"]


# --- Case 2: day/month order decided once per column; unreadable dates never "earliest" -----------------

GOOGLE = {"columns": {"id": "Adresse e-mail", "respondent_type": "Vous êtes", "date": "Horodateur"},
          "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}


def _google(dates: list[str], answers: list[str]) -> list[list[str]]:
    return [["Horodateur", "Adresse e-mail", "Vous êtes", "Quelles données ?"]] + [
        [d, "marie@example.org", "Citoyen", a] for d, a in zip(dates, answers, strict=True)]


def test_case2_month_first_column_keeps_the_correction(tmp_path):
    answers = _read(tmp_path, _google(["4/2/2014 18:20:05", "4/14/2014 08:01:40"], ["RPPS", "SAE"]), GOOGLE)
    assert answers.dates.order == "month_first" and answers.dates.settled_by == "valeurs"
    assert [d.isoformat() for d in answers.frame["date"]] == ["2014-04-02T16:20:05+00:00", "2014-04-14T06:01:40+00:00"]
    screened = screen(answers.frame, answers.spec)
    kept = screened[screened["statut"] == "analysee"]
    assert kept["demandes"].tolist() == ["SAE"]  # the later answer corrects the first


def test_case2_an_unsettled_column_uses_the_spec_else_day_first(tmp_path):
    rows = _google(["4/2/2014 18:20:05", "5/3/2014 3:10:22 PM"], ["RPPS", "SAE"])
    default = _read(tmp_path, rows, GOOGLE)
    assert (default.dates.order, default.dates.settled_by) == ("day_first", "défaut")
    assert default.frame["date"].iloc[0].isoformat() == "2014-02-04T17:20:05+00:00"  # winter time, day first
    assert "aucune date ne le tranche" in default.dates.describe()
    declared = _read(tmp_path, rows, {**GOOGLE, "columns": {**GOOGLE["columns"], "date_format": "month_first"}})
    assert (declared.dates.order, declared.dates.settled_by) == ("month_first", "questionnaire")
    assert [d.isoformat() for d in declared.frame["date"]] == ["2014-04-02T16:20:05+00:00",
                                                                "2014-05-03T13:10:22+00:00"]  # 12-hour clock


def test_case2_a_column_mixing_both_orders_is_an_error(tmp_path):
    with pytest.raises(AnswersError, match="mêle l'ordre jour/mois et l'ordre mois/jour"):
        _read(tmp_path, _google(["14/04/2014 10:00", "4/15/2014 10:00"], ["A", "B"]), GOOGLE)


def test_case2_excel_serial_dates_and_unreadable_dates(tmp_path):
    rows = [["Horodateur", "Adresse e-mail", "Vous êtes", "Quelles données ?"],
            ["41732.5", "a@example.org", "Citoyen", "PMSI"], ["bientôt", "b@example.org", "Citoyen", "SAE"],
            ["", "c@example.org", "Citoyen", "RPPS"]]
    answers = _read(tmp_path, rows, GOOGLE)
    assert answers.frame["date"].iloc[0].isoformat() == "2014-04-03T10:00:00+00:00"  # noon in Paris
    assert answers.undated == 2


def test_case2_resubmissions_without_usable_dates_follow_the_file_order(tmp_path):
    rows = _google(["05/04/2014 10:00", "date inconnue", "06/04/2014 10:00"], ["PMSI", "SAE", "RPPS"])
    answers = _read(tmp_path, rows, GOOGLE)
    screened = screen(answers.frame, answers.spec)
    # One submission of this id is undated: the last in the file wins (not the dated 06/04 one).
    assert screened.loc[screened["statut"] == "analysee", "demandes"].tolist() == ["RPPS"]
    rows = _google(["06/04/2014 10:00", "date inconnue"], ["PMSI", "SAE"])
    screened = screen(*(lambda a: (a.frame, a.spec))(_read(tmp_path, rows, GOOGLE)))
    assert screened.loc[screened["statut"] == "analysee", "demandes"].tolist() == ["SAE"]  # never "undated = earliest"


# --- Case 3: a second header row is never a respondent -------------------------------------------------

MONKEY = [["Respondent ID", "Vous êtes", "Quelles données ?"], ["", "Réponse", "Réponse ouverte"],
          ["101", "Citoyen", "PMSI"], ["102", "Journaliste", "RPPS"]]
HXL = [["_id", "Vous êtes", "Quelles données ?"], ["#meta+id", "#respondee+type", "#indicator+text"],
       ["1", "Citoyen", "PMSI"]]
# The header copied under itself (a spreadsheet saved with its header twice).
TWICE = [["Respondent ID", "Vous êtes", "Quelles données ?"], ["Respondent ID", "Vous êtes", "Quelles données ?"],
         ["101", "Citoyen", "PMSI"]]
SIMPLE = {"columns": {"id": "Respondent ID", "respondent_type": "Vous êtes"},
          "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}


@pytest.mark.parametrize("rows", [MONKEY, HXL, TWICE], ids=["SurveyMonkey", "HXL", "header twice"])
def test_case3_an_undeclared_second_header_row_is_a_clear_error(tmp_path, rows):
    spec = {**SIMPLE, "columns": {"id": rows[0][0], "respondent_type": "Vous êtes"}}
    with pytest.raises(AnswersError, match=r"déclarez format.header_rows: 2"):
        _read(tmp_path, rows, spec)


@pytest.mark.parametrize("rows", [MONKEY, HXL], ids=["SurveyMonkey", "HXL"])
def test_case3_declared_header_rows_are_not_answers(tmp_path, rows):
    spec = {**SIMPLE, "columns": {"id": rows[0][0], "respondent_type": "Vous êtes"}, "format": {"header_rows": 2}}
    answers = _read(tmp_path, rows, spec)
    assert len(answers.frame) == len(rows) - 2 and "Réponse" not in set(answers.frame["profil"])


def test_case3_a_header_repeated_further_down_is_never_an_answer(tmp_path):
    rows = [MONKEY[0], ["101", "Citoyen", "PMSI"], ["102", "Citoyen", "SAE"], MONKEY[0], ["103", "Élu", "RPPS"]]
    with pytest.raises(AnswersError, match=r"1 ligne\(s\) de données répètent l'en-tête \(réponse\(s\) n° 3 "):
        _read(tmp_path, rows, SIMPLE)


def test_case3_header_rows_is_validated(tmp_path):
    with pytest.raises(QuestionnaireError, match="format.header_rows doit être un entier de 1 à 3"):
        load_questionnaire(write_spec(tmp_path / "q.yml", {**SIMPLE, "format": {"header_rows": "deux"}}))


# --- Case 4: multiple-choice encodings ------------------------------------------------------------------

def _choice_shares(tmp_path, rows, question, **csv):
    spec = {"columns": {"respondent_type": "Vous êtes"}, "questions": [question]}
    answers = _read(tmp_path, rows, spec, **csv)
    from helpers.consultation import tallies

    table = tallies.choices(answers.frame.assign(statut="analysee"), answers.spec.questions[0])
    overall = table[table["profil"] == tallies.OVERALL]
    return dict(zip(overall["modalite"], overall["n_repondants"], strict=True)), answers


def test_case4a_one_column_per_option(tmp_path):
    rows = [["Vous êtes", "Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]", "Pourquoi ? [Innovation]"],
            ["Citoyen", "Oui", "", "Oui"], ["Chercheur", "Oui", "Oui", ""], ["Citoyen", "", "", ""]]
    counts, answers = _choice_shares(tmp_path, rows, {
        "id": "raisons", "label": "Pourquoi ?", "kind": "multiple_choice",
        "columns": ["Pourquoi ? [Recherche]", "Pourquoi ? [Transparence]", "Pourquoi ? [Innovation]"]})
    assert counts == {"Recherche": 2, "Transparence": 1, "Innovation": 1}  # not 100 % for the first option
    assert answers.spec.questions[0].column == "Pourquoi ?"


def test_case4b_kobo_codes_joined_by_a_space(tmp_path):
    rows = [["Vous êtes", "raisons"], ["Citoyen", "recherche transparence"], ["Citoyen", "transparence"],
            ["Chercheur", "recherche autre_chose"]]
    counts, answers = _choice_shares(tmp_path, rows, {
        "id": "raisons", "column": "raisons", "kind": "multiple_choice", "separator": " ",
        "options": {"recherche": "Recherche et études", "transparence": "Transparence de l'action publique"}})
    assert counts == {"Recherche et études": 2, "Transparence de l'action publique": 2, "Autre (hors liste)": 1}
    assert answers.off_list.to_dict("records") == [{"question": "raisons", "valeur": "autre_chose", "n_reponses": 1}]


def test_case4c_decidim_labels_holding_commas(tmp_path):
    options = ["Création d'un service, d'une application", "Recherche", "Information du public, des patients"]
    rows = [["Vous êtes", "Usages"], ["Citoyen", "Création d'un service, d'une application, Recherche"],
            ["Citoyen", "Création d’un service, d’une application"], ["Chercheur", "Recherche"],
            ["Citoyen", "Information du public, des patients, Création d'un service, d'une application"]]
    counts, _ = _choice_shares(tmp_path, rows, {"id": "usages", "column": "Usages", "kind": "multiple_choice",
                                                "separator": ", ", "options": options})
    assert counts == {"Création d'un service, d'une application": 3, "Recherche": 2,
                      "Information du public, des patients": 1}


def test_case4_other_option_text_goes_to_free_text(tmp_path):
    rows = [["Vous êtes", "Pourquoi ?"], ["Citoyen", "Recherche, Pour mon association de quartier"],
            ["Citoyen", "Recherche"]]
    counts, answers = _choice_shares(tmp_path, rows, {
        "id": "raisons", "column": "Pourquoi ?", "kind": "multiple_choice", "separator": ", ",
        "options": ["Recherche", "Transparence"], "other": "Autre"})
    assert counts == {"Recherche": 2, "Autre": 1}
    assert answers.frame["raisons_autre"].tolist() == ["Pour mon association de quartier", ""]
    assert [q.id for q in answers.spec.of_kind("free_text")] == ["raisons_autre"]


def test_case4_spec_errors_for_the_new_keys(tmp_path):
    bad = {"options vides": ({"id": "q", "column": "Q", "kind": "single_choice", "options": []},
                             "options doit être une liste"),
           "options sur texte libre": ({"id": "q", "column": "Q", "kind": "free_text", "options": ["a"]},
                                       "ne vaut que pour une question à choix"),
           "other sur une question de bases": ({"id": "q", "column": "Q", "kind": "datasets", "options": ["a"],
                                                "other": "Autre"}, "« other » ne vaut que pour une question à choix"),
           "column et columns": ({"id": "q", "column": "Q", "columns": ["A"], "kind": "multiple_choice"},
                                 "l'un des deux"),
           "séparateur vide": ({"id": "q", "column": "Q", "kind": "multiple_choice", "separator": ""},
                               "separator doit être un texte non vide")}
    for item, message in bad.values():
        path = write_spec(tmp_path / "q.yml", {"columns": {"respondent_type": "V"}, "questions": [item]})
        with pytest.raises(QuestionnaireError, match=message) as error:
            load_questionnaire(path)
        assert str(path) in str(error.value)
    for spec, message in [({"platform": "qualtrics"}, "plateforme inconnue « qualtrics »"),
                          ({"exclude": [{"column": "x", "values": ["a"]}]},
                           "exclude\\[n° 1\\] : clé « reason » manquante"),
                          ({"columns": {"respondent_type": "V", "date_format": "ymd"}},
                           "columns.date_format doit être l'une des valeurs 'day_first' ou 'month_first' "
                           "\\(reçu 'ymd'\\)"),
                          ({"respondent_options": "Citoyen"}, "respondent_options")]:
        base = {"columns": {"respondent_type": "V"}, "questions": [{"id": "q", "column": "Q", "kind": "free_text"}]}
        with pytest.raises(QuestionnaireError, match=message):
            load_questionnaire(write_spec(tmp_path / "q.yml", {**base, **spec}))


# --- Cases 5–8 through the whole analysis ---------------------------------------------------------------

@pytest.fixture(scope="module")
def real_processed(real_ods, tmp_path_factory):
    processed = tmp_path_factory.mktemp("exports") / "processed"
    clean_cartography(real_ods, processed)
    score_openness(processed)
    return processed


HOSTILE = "=cmd|' /C calc'!A0"


def test_case5_values_outside_declared_options_are_grouped_and_listed(real_processed, tmp_path):
    spec = {"columns": {"id": "Courriel", "respondent_type": "Vous êtes"},
            "respondent_options": ["Citoyen", "Journaliste"],
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"},
                          {"id": "avis", "column": "Avis", "kind": "single_choice", "options": ["Oui", "Non"]}]}
    rows = [["Courriel", "Vous êtes", "Quelles données ?", "Avis"], ["1", "citoyen", "PMSI", "Oui"],
            ["2", HOSTILE, "RPPS", "Peut-être"], ["3", "Journaliste", "SAE", "non"]]
    run = analyse_consultation(write_csv(tmp_path / "r.csv", rows), write_spec(tmp_path / "q.yml", spec),
                               real_processed)
    assert dict(zip(run.profiles["profil"], run.profiles["n_repondants"], strict=True)) == {
        "Autre (hors liste)": 1, "Citoyen": 1, "Journaliste": 1}
    choice = run.choices[run.choices["profil"] == "Ensemble des répondants"]
    assert dict(zip(choice["modalite"], choice["n_repondants"], strict=True)) == {
        "Autre (hors liste)": 1, "Non": 1, "Oui": 1}
    assert run.off_list.to_dict("records") == [{"question": "profil", "valeur": HOSTILE, "n_reponses": 1},
                                               {"question": "avis", "valeur": "Peut-être", "n_reponses": 1}]
    text = v04_annex.method(run)["Valeurs hors liste"]
    assert f"« {HOSTILE} » (catégorie de répondant, 1 réponse)" in text  # escaped by html.definitions
    published = pd.read_csv(run.processed_dir / "consultation_reponses.csv", dtype=str, keep_default_na=False)
    assert HOSTILE not in set(published["profil"])


def test_case5_the_annex_counts_off_list_values_over_the_analysed_answers_only(real_processed, tmp_path):
    # Issue 22, case 4: the annex listed 18 where the tallies counted 16 (it counted the excluded rows too).
    spec = {"columns": {"id": "Courriel", "respondent_type": "Vous êtes"},
            "respondent_options": ["Citoyen", "Journaliste"],
            "exclude": [{"column": "Test", "values": ["oui"], "reason": "réponse de test"}],
            "questions": [{"id": "avis", "column": "Avis", "kind": "single_choice", "options": ["Oui", "Non"]}]}
    rows = [["Courriel", "Test", "Vous êtes", "Avis"], ["1", "", "Élu", "Peut-être"], ["2", "oui", "Élu", "Peut-être"],
            ["3", "oui", "Élu", "Peut-être"], ["4", "", "Citoyen", "Oui"]]
    run = analyse_consultation(write_csv(tmp_path / "r.csv", rows), write_spec(tmp_path / "q.yml", spec),
                               real_processed)
    choice = run.choices[run.choices["profil"] == "Ensemble des répondants"]
    assert dict(zip(choice["modalite"], choice["n_repondants"], strict=True)) == {"Autre (hors liste)": 1, "Oui": 1}
    assert run.off_list.to_dict("records") == [{"question": "profil", "valeur": "Élu", "n_reponses": 1},
                                               {"question": "avis", "valeur": "Peut-être", "n_reponses": 1}]


def test_case5_rare_categories_without_declared_options(tmp_path):
    from helpers.consultation import tallies

    profiles = pd.Series(["Citoyen"] * 40 + ["Journaliste"] * 9 + [HOSTILE])
    kept, listed = tallies.categories(profiles, ())
    assert kept.value_counts().to_dict() == {"Citoyen": 40, "Journaliste": 9, "Autre (hors liste)": 1}
    assert listed.to_dict("records") == [{"valeur": HOSTILE, "n_reponses": 1}]
    few, _ = tallies.categories(profiles[40:], ())  # 10 answers: too few to call any category rare
    assert HOSTILE in set(few)


def test_case6_different_ids_with_identical_answers_are_two_respondents(real_processed, tmp_path):
    spec = {"columns": {"id": "Adresse e-mail", "respondent_type": "Vous êtes"},
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"},
                          {"id": "precisions", "column": "Précisez", "kind": "free_text"}]}
    rows = [["Adresse e-mail", "Vous êtes", "Quelles données ?", "Précisez"],
            ["a.martin@example.org", "Journaliste", "Base des causes de mortalité", "À publier en CSV."],
            ["b.durand@example.org", "Journaliste", "Base des causes de mortalité", "À publier en CSV."]]
    run = analyse_consultation(write_csv(tmp_path / "r.csv", rows), write_spec(tmp_path / "q.yml", spec),
                               real_processed)
    assert len(run.analysed) == 2
    assert run.requests.set_index("base_id").loc["BBAA865B5", "n_repondants"] == 2


def test_case7_rows_marked_deleted_or_test_are_excluded_with_their_reason(real_processed, tmp_path):
    spec = {"columns": {"id": "id", "respondent_type": "Vous êtes"},
            "exclude": [{"column": "trashedStatus", "values": ["INVISIBLE", "VISIBLE"],
                         "reason": "supprimée sur la plateforme"},
                        {"column": "Test", "values": ["oui"], "reason": "réponse de test"}],
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}
    rows = [["id", "Vous êtes", "Quelles données ?", "trashedStatus", "Test"], ["1", "Citoyen", "PMSI", "", ""],
            ["2", "Citoyen", "RPPS", "INVISIBLE", ""], ["3", "Citoyen", "SAE", "", "Oui"],
            ["4", "Citoyen", "", "visible", ""]]
    run = analyse_consultation(write_csv(tmp_path / "r.csv", rows), write_spec(tmp_path / "q.yml", spec),
                               real_processed)
    assert run.screened["motif_exclusion"].tolist() == ["", "supprimée sur la plateforme", "réponse de test",
                                                        "supprimée sur la plateforme"]
    assert len(run.analysed) == 1
    with pytest.raises(AnswersError, match="« Test »"):  # a declared exclusion column must exist
        analyse_consultation(write_csv(tmp_path / "r.csv", [r[:4] for r in rows]),
                             write_spec(tmp_path / "q.yml", spec), real_processed)


def test_case8_personal_ids_are_pseudonymised_in_every_output(real_processed, tmp_path):
    spec = {"columns": {"id": "Adresse e-mail", "respondent_type": "Vous êtes", "date": "Horodateur"},
            "questions": [{"id": "demandes", "column": "Quelles données ?", "kind": "datasets"}]}
    rows = [["Horodateur", "Adresse e-mail", "Vous êtes", "Quelles données ?"],
            ["03/04/2014 10:00:00", "marie.curie@example.org", "Citoyen", "PMSI"],
            ["04/04/2014 10:00:00", "06 12 34 56 78", "Citoyen", "RPPS"],
            ["05/04/2014 10:00:00", "marie.curie@example.org", "Citoyen", "SAE"]]
    export = write_xlsx(tmp_path / "r.xlsx", rows)
    run = analyse_consultation(export, write_spec(tmp_path / "q.yml", spec), real_processed)
    published = load_table(real_processed, "consultation_reponses")
    ids = published["id"].tolist()
    assert all(i.startswith("P-") and len(i) == 14 for i in ids) and ids[0] == ids[2] != ids[1]
    assert published["date"].tolist()[0] == "2014-04-03T10:00:00+02:00"  # shown in Europe/Paris
    for path in [p for p in run.written if p.suffix in {".csv", ".json"}]:
        content = path.read_text(encoding="utf-8")
        assert "marie.curie" not in content and "06 12 34 56 78" not in content, path.name
    workbook = pd.read_excel(real_processed / "consultation.xlsx", sheet_name=None, dtype=str, engine="openpyxl")
    assert not any(frame.astype(str).apply(lambda c: c.str.contains("marie.curie", regex=False)).any().any()
                   for frame in workbook.values())
    again = analyse_consultation(export, write_spec(tmp_path / "q.yml", spec), real_processed)
    assert load_table(real_processed, "consultation_reponses")["id"].tolist() == ids  # stable
    assert again.screened["id"].tolist()[0] == "marie.curie@example.org"  # internal only


def test_without_personal_ids_they_are_published_as_they_are(tmp_path):
    from helpers.consultation.redaction import pseudonymise_ids

    ids = pd.Series(["R000001", "R000002"])
    assert pseudonymise_ids(ids, "sel").tolist() == ["R000001", "R000002"]



@pytest.mark.parametrize(("written", "utc"), [
    ("2014/04/02 6:20:05 PM GMT+2", "2014-04-02T16:20:05+00:00"),  # Google Forms' own CSV download, Paris in April
    ("2014/11/03 9:00:00 AM GMT+1", "2014-11-03T08:00:00+00:00"),  # winter time
    ("2014/04/03 12:30:00 AM GMT", "2014-04-03T00:30:00+00:00"),  # midnight half past, no offset: UTC
    ("2014/04/03 12:30:00 pm GMT+5:30", "2014-04-03T07:00:00+00:00"),  # minutes in the offset, lower case
    ("2014/04/03 21:00:00 UTC-3", "2014-04-04T00:00:00+00:00"),  # a 24-hour clock, « UTC », a negative offset
])
def test_case2_google_forms_own_download_is_read_with_its_offset(tmp_path, written, utc):
    # « GMT+2 » is UTC+2 as Google labels it; dateutil, following POSIX, would read it as UTC−2 (4 hours off).
    answers = _read(tmp_path, _google([written], ["PMSI"]), GOOGLE)
    assert [d.isoformat() for d in answers.frame["date"]] == [utc]
    assert answers.dates.order is None and answers.undated == 0


def test_case2_a_date_format_not_understood_is_a_clear_error(tmp_path):
    rows = _google(["le 2 avril 2014 à 18h20", "3 avr. 2014 09:00"], ["PMSI", "SAE"])
    with pytest.raises(AnswersError, match=r"2 valeurs distinctes sur 2 illisibles \(par exemple « le 2 avril"):
        _read(tmp_path, rows, GOOGLE)


@pytest.mark.parametrize("suffix", [".json", ".JSON", ".xml"])
def test_an_export_that_is_not_a_table_is_refused_by_its_format(suffix, tmp_path):
    # A fresh user gave Decidim's JSON export: it was read as a CSV and failed with pandas' « Error tokenizing
    # data. C error: Expected 1 fields… ».
    export = tmp_path / f"decidim{suffix}"
    export.write_text('[{"ID de réponse": 1, "1. Vous êtes :": "Citoyen"}]', encoding="utf-8")
    spec = load_questionnaire(write_spec(tmp_path / "q.yml"))
    with pytest.raises(AnswersError, match=rf"decidim{re.escape(suffix)} : format {suffix.lower()} non lu : exportez "
                                           r"les réponses en CSV, XLSX ou ODS"):
        read_answers(export, spec)
