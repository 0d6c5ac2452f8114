"""The questionnaire spec and the reading of exports: every error is the project's own exception naming
the file; encodings, separators and XLSX give the same answers; bad input leaves processed data as is."""

from __future__ import annotations

import pytest
from consultation_helpers import (
    HEADER,
    SPEC,
    fingerprints,
    processed_cartography,
    write_csv,
    write_spec,
    write_xlsx,
)

from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.core.errors import AnswersError, CartoError, QuestionnaireError
from helpers.steps.s04_consultation import analyse_consultation

ROWS = [
    HEADER,
    ["R1", "Chercheur ou universitaire", "05/04/2014 10:32", "PMSI | SNIIRAM", "Recherche et études",
     "Les délais d'accès sont trop longs ; « ouvrez » les données.\nDeuxième ligne.", ""],
    ["R2", "Citoyen ou patient", "2014-04-06 08:00:00", "FINESS", "Transparence de l'action publique", "Très bien",
     "Registre des implants mammaires"],
    ["R3", "", "", "", "", "", ""],
]


def _question(**item):
    return {**SPEC, "questions": [item]}


SPEC_ERRORS = {
    "YAML illisible": ("columns: [", "YAML illisible"),
    "pas une table": ("- a\n- b\n", "doit être une table YAML"),
    "clé inconnue": ({**SPEC, "colonnes": {}}, "clé(s) inconnue(s) colonnes"),
    "columns absent": ({"questions": SPEC["questions"]}, "« columns » manquant"),
    "respondent_type absent": ({**SPEC, "columns": {"id": "Identifiant"}},
                               "columns : clé « respondent_type » manquante"),
    "rôle de colonne inconnu": ({**SPEC, "columns": {**SPEC["columns"], "email": "Courriel"}},
                                "clé(s) inconnue(s) email"),
    "questions vide": ({**SPEC, "questions": []}, "questions doit être une liste non vide"),
    "question sans kind": (_question(id="q", column="Q"), "clé « kind » manquante"),
    "type inconnu": (_question(id="q", column="Q", kind="rating"), "type de question inconnu « rating »"),
    "identifiant invalide": (_question(id="Mes données", column="Q", kind="free_text"),
                             "identifiant « Mes données » invalide"),
    "identifiants en double": ({**SPEC, "questions": SPEC["questions"] + [SPEC["questions"][0]]},
                               "identifiants de questions en double : demandes"),
    "colonne nommée deux fois": ({**SPEC, "questions": [{"id": "a", "column": "Vous êtes", "kind": "free_text"}]},
                                 "colonne nommée deux fois : Vous êtes"),
    "encodage inconnu": ({**SPEC, "format": {"encoding": "klingon-8"}}, "encodage inconnu « klingon-8 »"),
    "séparateur non pris en charge": ({**SPEC, "format": {"separator": "#"}}, "séparateur « # » non pris en charge"),
    "colonne vide": (_question(id="q", column="", kind="free_text"), "questions[n° 1 « q »].column doit être un texte"),
}


@pytest.mark.parametrize("case", SPEC_ERRORS, ids=list(SPEC_ERRORS))
def test_every_spec_error_names_the_file_and_the_problem(case, tmp_path):
    content, message = SPEC_ERRORS[case]
    path = tmp_path / "questionnaire.yml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        write_spec(path, content)
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(path)
    assert message in str(error.value) and str(path) in str(error.value)
    assert isinstance(error.value, CartoError)


def test_a_valid_spec_is_read_with_its_defaults(tmp_path):
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", format={"encoding": "cp1252", "separator": "tab"}))
    assert (spec.encoding, spec.separator, spec.id_column, spec.date_column) == ("cp1252", "\t", "Identifiant", "Date")
    assert [q.kind for q in spec.questions] == ["datasets", "multiple_choice", "free_text", "datasets"]
    assert spec.questions[0].separator == "|" and spec.questions[2].separator is None
    assert spec.columns()[:3] == ["Identifiant", "Vous êtes", "Date"]
    with pytest.raises(QuestionnaireError, match="questionnaire introuvable"):
        load_questionnaire(tmp_path / "absent.yml")


def test_a_key_left_empty_is_the_key_absent(tmp_path):
    path = tmp_path / "q.yml"
    path.write_text('format:\n  # encoding: cp1252\nexclude:\ncolumns: {respondent_type: "Vous êtes"}\n'
                    'questions:\n  - {id: q, column: Q, kind: free_text}\n', encoding="utf-8")
    spec = load_questionnaire(path)
    assert (spec.encoding, spec.separator, spec.exclusions) == (None, None, ())


FORMATS = {
    "utf-8 ,": lambda p: write_csv(p / "r.csv", ROWS),
    "utf-8-sig ;": lambda p: write_csv(p / "r.csv", ROWS, "utf-8-sig", ";"),
    "cp1252 ;": lambda p: write_csv(p / "r.csv", ROWS, "cp1252", ";"),
    "cp1252 tab": lambda p: write_csv(p / "r.txt", ROWS, "cp1252", "\t"),
    "xlsx": lambda p: write_xlsx(p / "r.xlsx", ROWS),
}


@pytest.mark.parametrize("fmt", FORMATS, ids=list(FORMATS))
def test_encodings_separators_and_xlsx_give_the_same_answers(fmt, tmp_path):
    spec = load_questionnaire(write_spec(tmp_path / "q.yml"))  # no format: detected
    answers = read_answers(FORMATS[fmt](tmp_path), spec)
    frame = answers.frame
    assert frame["id"].tolist() == ["R1", "R2", "R3"]
    assert frame["profil"].tolist() == ["Chercheur ou universitaire", "Citoyen ou patient", "Non renseigné"]
    assert frame.loc[0, "precisions"] == "Les délais d'accès sont trop longs ; « ouvrez » les données.\nDeuxième ligne."
    assert frame.loc[0, "demandes"] == "PMSI | SNIIRAM"
    # Local times (Europe/Paris, summer time) stored in UTC.
    assert [d.isoformat() for d in frame["date"][:2]] == ["2014-04-05T08:32:00+00:00", "2014-04-06T06:00:00+00:00"]
    assert answers.undated == 1  # the blank row has no date
    if fmt != "xlsx":
        assert (answers.encoding, answers.separator) == {
            "utf-8 ,": ("utf-8-sig", ","), "utf-8-sig ;": ("utf-8-sig", ";"), "cp1252 ;": ("cp1252", ";"),
            "cp1252 tab": ("cp1252", "\t")}[fmt]


def test_headers_match_whatever_the_case_spaces_and_apostrophes(tmp_path):
    header = ["IDENTIFIANT", "vous  êtes", "Date ", "Quelles données souhaitez-vous voir ouvrir\u00a0?", "Pourquoi ?",
              "Précisez", "Données manquantes", "Colonne en plus"]
    path = write_csv(tmp_path / "r.csv", [header, ROWS[1] + ["x"]])
    answers = read_answers(path, load_questionnaire(write_spec(tmp_path / "q.yml")))
    assert answers.frame.loc[0, "demandes"] == "PMSI | SNIIRAM"


def _export_cases(tmp_path):
    without = [[c for i, c in enumerate(row) if i != 4] for row in ROWS]
    doubled = [ROWS[0] + ["Pourquoi ?"]] + [row + [""] for row in ROWS[1:]]
    return {
        "export absent": (tmp_path / "absent.csv", "export des réponses introuvable"),
        "colonne absente": (write_csv(tmp_path / "a.csv", without),
                            "colonne(s) du questionnaire q.yml absente(s) de l'export : « Pourquoi ? »"),
        "colonne en double": (write_csv(tmp_path / "b.csv", doubled), "la colonne « Pourquoi ? » apparaît 2 fois"),
        "UTF-16": (tmp_path / "c.csv", "encodé en UTF-16"),
        "fichier vide": (tmp_path / "d.csv", "fichier vide"),
        "en-tête seul": (write_csv(tmp_path / "e.csv", ROWS[:1]), "aucune réponse sous l'en-tête"),
        "tableur illisible": (tmp_path / "f.xlsx", "n'est pas un tableur lisible"),
        "lignes irrégulières": (tmp_path / "g.csv", "CSV illisible"),
    }


@pytest.mark.parametrize("case", ["export absent", "colonne absente", "colonne en double", "UTF-16", "fichier vide",
                                  "en-tête seul", "tableur illisible", "lignes irrégulières"])
def test_every_export_error_names_the_file_and_the_problem(case, tmp_path):
    (tmp_path / "c.csv").write_bytes(",".join(HEADER).encode("utf-16"))
    (tmp_path / "d.csv").write_bytes(b"")
    (tmp_path / "f.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    (tmp_path / "g.csv").write_text(",".join(HEADER) + '\n"a,b\n', encoding="utf-8")
    path, message = _export_cases(tmp_path)[case]
    with pytest.raises(AnswersError) as error:
        read_answers(path, load_questionnaire(write_spec(tmp_path / "q.yml")))
    assert message in str(error.value) and str(path) in str(error.value)


def test_a_declared_encoding_that_does_not_fit_is_an_error_with_the_line(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS, "cp1252", ";")
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", format={"encoding": "utf-8", "separator": ";"}))
    with pytest.raises(AnswersError, match=r"n'est pas encodé en utf-8 \(octet 0x.., ligne 1\)"):
        read_answers(path, spec)


def test_a_missing_sheet_is_named_with_the_sheets_present(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ROWS, sheet="Export")
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", format={"sheet": "Réponses"}))
    with pytest.raises(AnswersError, match="feuille « Réponses » absente ; feuilles : Export"):
        read_answers(path, spec)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    return processed_cartography(tmp_path_factory.mktemp("consultation-errors") / "processed")


@pytest.mark.parametrize("case", ["spec invalide", "colonne absente", "questionnaire seul"])
def test_bad_input_leaves_processed_data_untouched(case, processed, tmp_path):
    analyse_consultation(None, None, processed)  # a previous good run
    before = fingerprints(processed)
    export = write_csv(tmp_path / "r.csv", [[c for i, c in enumerate(row) if i != 5] for row in ROWS])
    spec = write_spec(tmp_path / "q.yml", **({"questions": [{"id": "x", "column": "X", "kind": "vote"}]}
                                             if case == "spec invalide" else {}))
    arguments = {"spec invalide": (export, spec), "colonne absente": (export, spec),
                 "questionnaire seul": (None, spec)}[case]
    with pytest.raises(CartoError) as error:
        analyse_consultation(*arguments, processed)
    expected = {"spec invalide": "type de question inconnu « vote »", "colonne absente": "« Précisez »",
                "questionnaire seul": "questionnaire_path est donné sans son complément"}[case]
    assert expected in str(error.value)
    assert fingerprints(processed) == before
