"""Hostile and personal strings: masked, stripped of invisible characters, cut, neutralised in every CSV and
XLSX of the consultation, and escaped in the HTML blocks of report 04."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from consultation_helpers import fingerprints, processed_cartography
from frictionless import validate
from openpyxl import load_workbook

from helpers.consultation.redaction import publishable
from helpers.core.tables import neutralise
from helpers.render import html as report
from helpers.render import sections
from helpers.steps.s04_consultation import analyse_consultation
from helpers.views import v04_annex
from helpers.views import v04_consultation as consultation_report

EMAIL, PHONE, PLUS33, NIR = "jeanne.martin@exemple.fr", "06 12 34 56 78", "+33 6 12 34 56 78", "1 85 05 78 006 084 36"
INVISIBLE = ("\u202e", "\u200d", "\u200b", "\x07")
TABLES = ["consultation_reponses", "consultation_demandes", "consultation_par_gestionnaire",
          "consultation_rapprochements", "consultation_non_rapprochees", "consultation_choix", "consultation_campagnes",
          "consultation_themes", "consultation_termes", "consultation_themes_reponses", "consultation_codes_reponses"]


@pytest.mark.parametrize("raw, expected", [
    (f"Écrivez-moi à {EMAIL} svp", "Écrivez-moi à [courriel masqué] svp"),
    (f"Mon numéro : {PHONE}, rappelez-moi.", "Mon numéro : [téléphone masqué], rappelez-moi."),
    (f"{PLUS33} appelez-moi", "[téléphone masqué] appelez-moi"),
    ("tél. 01.23.45.67.89 ou 0612345678", "tél. [téléphone masqué] ou [téléphone masqué]"),
    (f"NIR {NIR}, vérifiez", "NIR [numéro masqué], vérifiez"),
    ("NIR 2850578006084", "NIR [numéro masqué]"),
    ("Texte\u202e inversé, joint\u200dure et émoji 🏥", "Texte inversé, jointure et émoji 🏥"),
    ("313 lignes, 1 000 000 patients en 2014-2015", "313 lignes, 1 000 000 patients en 2014-2015"),  # kept
])
def test_personal_data_masked_and_invisible_characters_removed(raw, expected):
    assert publishable(raw) == expected


def test_long_texts_are_cut_after_masking():
    text = "a" * 995 + " " + EMAIL + " fin"
    cut = publishable(text)
    assert cut == "a" * 995 + "…"  # the email masked, then the cut, at the end of a word (not « [courr… »)
    assert publishable("mot " * 2000, 400) == ("mot " * 100).rstrip() + "…"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"clic\")", "'=HYPERLINK(\"http://x\",\"clic\")"), ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("+33", "'+33"), ("\tx", "'\tx"), ("Texte", "Texte"), (-3, -3)])
def test_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    processed = processed_cartography(tmp_path_factory.mktemp("publication") / "processed")
    return analyse_consultation(None, None, processed)


def _csv_cells(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_every_csv_and_xlsx_cell_is_safe(run):
    processed = run.processed_dir
    workbook = load_workbook(processed / "consultation.xlsx")
    assert workbook.sheetnames == TABLES
    for name in TABLES:
        cells = _csv_cells(processed / f"{name}.csv")
        sheet = [c.value for row in workbook[name].iter_rows() for c in row if isinstance(c.value, str)]
        for where, values in ((f"{name}.csv", cells), (f"{name} (xlsx)", sheet)):
            risky = [v for v in values if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
            assert risky == [], where
            text = "\n".join(values)
            assert not any(s in text for s in (EMAIL, PHONE, PLUS33, NIR, *INVISIBLE)), where
        formulas = [c for row in workbook[name].iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], name


def test_hostile_strings_survive_as_inert_text(run):
    answers = (run.processed_dir / "consultation_reponses.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(answers)))
    texts = {row["reponse_precisions"] for row in rows}
    assert "'=HYPERLINK(\"http://x\",\"clic\")" in texts
    assert "<script>alert(1)</script>" in texts and "<img src=x onerror=alert(1)>" in texts  # text, escaped in HTML
    assert "Écrivez-moi à [courriel masqué] pour plus de détails." in texts
    assert "[téléphone masqué] appelez-moi pour en parler" in texts
    assert "Mon numéro de sécurité sociale est [numéro masqué], vérifiez mon dossier." in texts
    assert "Texte inversé, jointure invisible et émoji 🏥🙂 dans la réponse." in texts
    longest = max(texts, key=len)
    assert 990 < len(longest) <= 1001 and longest.endswith(" Je…")  # the 5,580-character answer, cut at a word
    # A category typed once is no category of its own (issue 10, case 5): grouped, and listed in the annex.
    profiles = {row["profil"] for row in rows}
    assert "'=cmd|' /C calc'!A0" not in profiles and "=cmd|' /C calc'!A0" not in profiles
    assert "Autre (hors liste)" in profiles
    assert "'-1+1 | " in answers and "'@SUM(A1)" in answers
    missing = _csv_cells(run.processed_dir / "consultation_non_rapprochees.csv")
    assert any(cell.startswith("'=HYPERLINK") for cell in missing)


def test_report_blocks_escape_answer_text(run):
    blocks = "".join([
        sections.themes(run).data, sections.choices(run).data,
        report.table_html(consultation_report.missing(run), "x"),
        report.table_html(consultation_report.to_review(run), "x"),
        report.table_html(consultation_report.campaigns(run), "x"),
        report.table_html(consultation_report.profiles(run), "x"),
        report.table_html(consultation_report.requests_by_profile(run), "x")])
    assert "<script" not in blocks and "<img src=x" not in blocks and 'href="javascript' not in blocks
    assert "=cmd|" not in blocks  # the hostile category is grouped as « Autre (hors liste) »…
    annex = report.definitions(v04_annex.method(run)).data
    assert "« =cmd|&#x27; /C calc&#x27;!A0 » (catégorie de répondant, 1 réponse)" in annex  # …and listed, as text
    assert "@SUM(A1)" in blocks and "=HYPERLINK(&quot;http://x&quot;" in blocks
    escaped = report.table_html(run.analysed[["precisions"]], "x")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in escaped and "<script>" not in escaped


def test_outputs_are_byte_identical_on_a_rerun_and_a_valid_data_package(run):
    before = fingerprints(run.processed_dir)
    analyse_consultation(None, None, run.processed_dir)
    assert fingerprints(run.processed_dir) == before
    report_ = validate(run.processed_dir / "datapackage.json")
    assert report_.valid, report_.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_per_answer_table_is_also_parquet_with_the_same_rows(run):
    processed = run.processed_dir
    from_csv = pd.read_csv(processed / "consultation_reponses.csv", dtype=str, keep_default_na=False)
    from_parquet = pd.read_parquet(processed / "consultation_reponses.parquet")
    assert list(from_parquet.columns) == list(from_csv.columns)
    assert len(from_parquet) == len(from_csv)
    assert from_parquet["numero"].tolist() == from_csv["numero"].astype(int).tolist()
