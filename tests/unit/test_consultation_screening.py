"""From answers received to answers analysed: blanks, resubmissions, exact duplicates and campaigns, with
exact counts on a hand-written export and on the synthetic sample (whose composition is known)."""

from __future__ import annotations

import pandas as pd
import pytest
from consultation_helpers import HEADER, processed_cartography, write_csv, write_spec

from helpers.consultation import tallies
from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.screening import screen
from helpers.consultation.synthetic import generate
from helpers.core.tables import load_table
from helpers.steps.s04_consultation import analyse_consultation

CAMPAIGN = "Nous demandons l'ouverture immédiate des données de qualité des hôpitaux, c'est un droit."


def _rows() -> list[list[str]]:
    rows = [HEADER,
            ["A1", "Chercheur", "05/04/2014 10:00", "PMSI | pmsi | PMSI", "Recherche|recherche", "Texte unique un", ""],
            ["A2", "Citoyen", "05/04/2014 11:00", "", "", "", ""],  # blank: a respondent type is no answer
            ["A3", "Citoyen", "06/04/2014 09:00", "FINESS", "Transparence", "Premier envoi", ""],
            ["A3", "Citoyen", "07/04/2014 09:00", "FINESS|RPPS", "Transparence", "Second envoi corrigé", ""]]
    for i in range(12):  # a campaign: same text, other answers differ
        rows.append([f"C{i}", "Association" if i % 3 else "Citoyen", f"1{i % 9}/04/2014 12:00",
                     "SNIIRAM" if i % 2 else "", "Transparence", CAMPAIGN.upper() if i == 5 else CAMPAIGN, ""])
    rows += [["B1", "Citoyen", "20/04/2014 10:00", "PMSI", "Recherche", "Mon texte à moi qui se répète", ""],
             ["B2", "citoyen", "20/04/2014 10:01", "PMSI", "Recherche", "mon texte  à moi qui se répète", ""],
             ["D1", "Citoyen", "21/04/2014 10:00", "PMSI", "Recherche", "", ""],
             ["D2", "Citoyen", "21/04/2014 10:05", "PMSI", "Recherche", "", ""],
             ["E1", "Citoyen", "22/04/2014 10:00", "", "", "", "Registre des implants mammaires"]]
    return rows


@pytest.fixture
def screened(tmp_path):
    spec = load_questionnaire(write_spec(tmp_path / "q.yml"))
    frame = read_answers(write_csv(tmp_path / "r.csv", _rows()), spec).frame
    frame["profil"] = tallies.unify_spellings(frame["profil"])
    return screen(frame, spec)


def test_exclusions_and_campaigns_with_exact_counts(screened):
    by_id = screened.set_index(screened["id"] + "#" + screened["numero"].astype(str))
    assert len(screened) == 21
    reasons = screened["motif_exclusion"].value_counts().to_dict()
    # B1 and B2 wrote the same text under different identifiers: two respondents, not a duplicate.
    assert reasons == {"": 19, "aucune question répondue": 1,
                       "remplacée par une soumission ultérieure (même identifiant)": 1}
    assert by_id.loc["A2#2", "motif_exclusion"] == "aucune question répondue"
    assert by_id.loc["A3#3", "statut"] == "exclue" and by_id.loc["A3#4", "statut"] == "analysee"  # latest kept
    assert by_id.loc["B2#18", "statut"] == "analysee"
    # Identical answers without free text are different respondents, not duplicates.
    assert by_id.loc["D1#19", "statut"] == by_id.loc["D2#20", "statut"] == "analysee"
    campaign = screened[screened["campagne"] != ""]
    assert campaign["campagne"].unique().tolist() == ["C1"] and len(campaign) == 12
    assert (campaign["statut"] == "analysee").all()  # flagged, not deleted


def test_a_campaign_needs_enough_answers_and_a_long_enough_text(tmp_path):
    # No identifier column in the spec: exact duplicates are removed (with ids, they are other respondents).
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", columns={"respondent_type": "Vous êtes", "date": "Date"}))
    rows = [HEADER] + [[f"X{i}", "Citoyen", "", "", "", CAMPAIGN, ""] for i in range(9)]
    rows += [[f"Y{i}", "Citoyen", "", "", "", "Oui, ouvrez tout", ""] for i in range(30)]
    screened = screen(read_answers(write_csv(tmp_path / "r.csv", rows), spec).frame, spec)
    assert (screened["campagne"] == "").all()  # 9 < 10 answers; "Oui, ouvrez tout" is too short
    # Not campaigns, so identical answers with a free text are duplicates: one of each is kept.
    assert (screened["statut"] == "analysee").sum() == 2
    assert (screened["motif_exclusion"] == "doublon exact d'une réponse antérieure").sum() == 8 + 29


def test_without_identifier_there_is_no_resubmission_rule(tmp_path):
    spec_path = write_spec(tmp_path / "q.yml", columns={"respondent_type": "Vous êtes", "date": "Date"})
    spec = load_questionnaire(spec_path)
    screened = screen(read_answers(write_csv(tmp_path / "r.csv", _rows()), spec).frame, spec)
    assert "remplacée par une soumission ultérieure (même identifiant)" not in set(screened["motif_exclusion"])
    assert screened["id"].tolist()[:3] == ["1", "2", "3"]  # the row number stands for the identifier


def test_choices_count_respondents_not_cells(screened, tmp_path):
    spec = load_questionnaire(write_spec(tmp_path / "q.yml"))
    analysed = screened[screened["statut"] == "analysee"]
    table = tallies.choices(analysed, spec.questions[1])
    overall = table[table["profil"] == tallies.OVERALL].set_index("modalite")
    # A1 ticked "Recherche" twice (two spellings): one respondent. Base: analysed answers with a reason.
    assert overall.loc["Recherche", "n_repondants"] == 5  # A1 (once), B1, B2 (another id), D1, D2
    assert overall.loc["Recherche", "base_n"] == 18  # analysed answers with a reason (E1 gave none)
    assert overall.loc["Transparence", "n_repondants"] == 13  # A3 (latest) and the 12 campaign answers
    assert overall.loc["Recherche", "part"] == round(5 / 18, 4)


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    processed = processed_cartography(tmp_path_factory.mktemp("screening") / "processed")
    return analyse_consultation(None, None, processed), load_table(processed, "bases")


def test_synthetic_sample_counts_match_what_the_generator_put_in(synthetic_run):
    run, bases = synthetic_run
    _, composition = generate(bases)
    counts = run.screened["motif_exclusion"].value_counts()
    assert len(run.screened) == composition.received == 1500
    assert counts["aucune question répondue"] == composition.blank == 38
    # The same answer sent twice under the same identifier is a resubmission (the generator's "doublons").
    resubmitted = counts["remplacée par une soumission ultérieure (même identifiant)"]
    assert resubmitted == composition.resubmitted + composition.duplicates == 45 + 9
    assert "doublon exact d'une réponse antérieure" not in counts  # the export has identifiers
    assert len(run.analysed) == 1500 - 38 - 45 - 9
    assert run.campaigns["n_reponses"].tolist() == composition.campaigns == [60, 18]
    assert run.campaigns["campagne"].tolist() == ["C1", "C2"]
    published = pd.read_csv(run.processed_dir / "consultation_reponses.csv", dtype=str, keep_default_na=False)
    assert published["statut"].value_counts().to_dict() == {"analysee": 1408, "exclue": 92}
    assert (published["campagne"] != "").sum() == 78


def test_a_campaign_is_the_same_text_to_one_question_whatever_the_answers_wrote_elsewhere(tmp_path):
    # Two fresh users (SurveyMonkey, Decidim): 11 and 23 answers pasted the same text in one question, but the
    # campaign rule compared all of an answer's free texts at once, so those that also wrote something of their own
    # elsewhere were left out (0 campaign; 16 of 23), contrary to the rule the method annex states.
    questions = [{"id": "precisions", "column": "Précisez", "kind": "free_text"},
                 {"id": "remarques", "column": "Données manquantes", "kind": "free_text"}]
    spec_path = write_spec(tmp_path / "q.yml", questions=questions)
    rows = [HEADER]
    for i in range(11):
        own = f"Remarque personnelle numéro {i} sur les hôpitaux de ma région" if i % 2 else ""
        rows.append([f"C{i}", "Citoyen", "", "", "", CAMPAIGN.lower() if i == 3 else CAMPAIGN, own])
    rows += [[f"O{i}", "Citoyen", "", "", "", f"L'ouverture des données de qualité des hôpitaux, avis {i}", ""]
             for i in range(4)]
    processed = processed_cartography(tmp_path / "processed")
    run = analyse_consultation(write_csv(tmp_path / "r.csv", rows), spec_path, processed)
    members = run.screened[run.screened["campagne"] != ""]
    assert members["id"].tolist() == [f"C{i}" for i in range(11)]
    assert run.campaigns[["campagne", "question", "n_reponses"]].to_dict("records") == [
        {"campagne": "C1", "question": "precisions", "n_reponses": 11}]
    # The campaign's text is analysed once; each answer's own texts are analysed as theirs.
    documents = run.texts.documents
    assert (documents["question"] == "precisions").sum() == 1 + 4
    assert (documents["question"] == "remarques").sum() == 5
    assert documents.groupby("question")["campagne"].apply(lambda c: sorted(set(c))).to_dict() == {
        "precisions": ["", "C1"], "remarques": [""]}  # an answer's own text is quoted as its own
    # Its theme is given back to each of the 11 answers, for that question only.
    themes = load_table(processed, "consultation_themes_reponses")
    assert sorted(themes.loc[themes["question"] == "precisions", "numero"]) == list(range(1, 16))
    assert sorted(themes.loc[themes["question"] == "remarques", "numero"]) == [2, 4, 6, 8, 10]


def test_a_campaign_s_size_counts_every_answer_carrying_its_text(tmp_path):
    # A fresh user's Decidim export: a campaign whose members partly belonged to a larger one was listed with 5
    # answers, under the threshold of 10 its text had passed. An answer is flagged once, in the larger campaign,
    # and counted in the size of each.
    from helpers.consultation.screening import campaigns

    questions = [{"id": "precisions", "column": "Précisez", "kind": "free_text"},
                 {"id": "remarques", "column": "Données manquantes", "kind": "free_text"}]
    spec = load_questionnaire(write_spec(tmp_path / "q.yml", questions=questions))
    other = "Il faudrait un portail unique pour toutes les bases de santé publique."
    rows = [HEADER] + [[f"R{i}", "Citoyen", "", "", "", CAMPAIGN if i < 14 else "", other if i >= 8 else ""]
                       for i in range(20)]
    screened = screen(read_answers(write_csv(tmp_path / "r.csv", rows), spec).frame, spec)
    assert screened["campagne"].tolist() == ["C1"] * 14 + ["C2"] * 6
    table = campaigns(screened, spec)
    assert table[["campagne", "question", "n_reponses", "premiere_reponse"]].to_dict("records") == [
        {"campagne": "C1", "question": "precisions", "n_reponses": 14, "premiere_reponse": 1},
        {"campagne": "C2", "question": "remarques", "n_reponses": 12, "premiere_reponse": 9}]
