"""Themes per free-text question and the analyst's codebook (issue 19): one word is one term (case, accents,
elision, plural), the number of themes comes from the data within a range, ThemeFinder's theme-set rules,
titles that read as French, codes with confidence, unfitted answers and Wilson intervals, the spec's `codes`."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from consultation_helpers import readable_title
from scipy import sparse

from helpers.consultation.codes import code_questions
from helpers.consultation.lemmas import lemmatise, unify_forms, words
from helpers.consultation.questionnaire import Code, load_questionnaire
from helpers.consultation.themes import (
    analyse_texts,
    condense,
    min_theme_size,
    phrase_titles,
    theme_count,
    wilson_interval,
)
from helpers.core.config import data_file
from helpers.core.errors import QuestionnaireError
from helpers.core.text import strip_accents

# --- One word, one term ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "\u02bc"])
def test_elisions_split_whatever_the_apostrophe(apostrophe):
    assert words(f"L{apostrophe}État n{apostrophe}a pas d{apostrophe}impôts") == ["l", "état", "ne", "a", "pas", "d",
                                                                                   "impôts"]


def test_accent_doublets_and_plurals_are_one_lemma_spelt_with_its_accents():
    mapping = unify_forms(Counter({"sante": 5, "santé": 4, "impôts": 3, "impôt": 1, "impots": 1, "laicite": 2,
                                   "laïcité": 1, "réseaux": 1, "réseau": 2, "fois": 2, "foi": 1, "education": 1}))
    assert mapping == {"sante": "santé", "impôts": "impôt", "impots": "impôt", "laicite": "laïcité",
                       "réseaux": "réseau"}  # « fois » is not « foi »; « education » alone stays as written


def test_lemmas_unify_case_accents_elision_and_plural():
    lemmas = lemmatise(pd.Series(["La LAICITE et l’État", "La laïcité, les impôts", "Impot sur la Santé",
                                  "sante education"])).tolist()
    assert lemmas == ["laïcité état", "laïcité impôt", "impôt santé", "santé education"]


def test_n_is_a_negation_only_when_elided():
    assert words("Ligne n° 3, n'a pas, nʼest") == ["ligne", "n", "ne", "a", "pas", "ne", "est"]


def test_on_is_a_stop_word_not_a_yaml_boolean():
    # YAML 1.1 reads a bare `on` as True: the pronoun then escaped the stop words (« on », « aucun on » as terms).
    assert "on" in data_file("consultation.yml")["textes"]["mots_vides"]
    assert lemmatise(pd.Series(["Qu'on tienne compte des avis"])).tolist() == ["tenir compte avis"]


# --- Themes per question ---------------------------------------------------------------------------------------

SENTENCES = {
    "transports": ["Les transports en commun {i} doivent desservir les zones rurales.",
                   "Plus de trains régionaux et de transports en commun {i} dans les campagnes.",
                   "Les transports en commun {i} coûtent trop cher aux familles."],
    "santé": ["Les hôpitaux publics {i} manquent de médecins et d'infirmières.",
              "Recruter des médecins {i} dans les hôpitaux et les déserts médicaux.",
              "Les urgences des hôpitaux {i} débordent faute de médecins."],
    "impôts": ["Je ne veux pas payer plus d'impôts {i}, baissez la dépense publique.",
               "Aucun nouvel impôt {i} : réduisez la dépense publique.",
               "Nous payons déjà trop d'impôts {i}, la dépense publique doit baisser."],
}


def _documents(per_theme: int = 20, question: str = "q1") -> pd.DataFrame:
    rows = []
    for theme, sentences in SENTENCES.items():
        for i in range(per_theme):
            rows.append({"numero": len(rows) + 1, "profil": "Citoyen", "campagne": "", "question": question,
                         "texte": sentences[i % 3].format(i=f"n° {i}"), "vrai": theme})
    return pd.DataFrame(rows)


def test_themes_are_computed_per_question_never_pooled():
    one, other = _documents(question="q1"), _documents(question="q2")
    other = other.assign(numero=other["numero"] + 100)
    analysis = analyse_texts(pd.concat([one, other], ignore_index=True))
    assert set(analysis.themes["question"]) == {"q1", "q2"}
    for question, group in analysis.documents.groupby("question"):
        themes = analysis.themes[analysis.themes["question"] == question]
        assert set(group["theme"]) <= set(themes["theme"])  # a text's theme is one of its own question's
        assert themes["n_textes"].sum() == (group["theme"] != "").sum()
    assert set(analysis.memberships["question"]) == {"q1", "q2"}


def test_a_question_s_themes_do_not_depend_on_the_other_questions_texts():
    # Each question's terms are weighed among its own answers: a word every answer of the other question uses
    # (« impôts » in a tax question) changes nothing here.
    one = _documents(question="q1")
    other = pd.DataFrame({"numero": range(500, 560), "profil": "Citoyen", "campagne": "", "question": "q2",
                          "texte": [f"Les impôts locaux {i} et les impôts sur le revenu" for i in range(60)]})
    alone, together = analyse_texts(one), analyse_texts(pd.concat([one, other], ignore_index=True))
    pd.testing.assert_frame_equal(alone.themes, together.themes[together.themes["question"] == "q1"])
    assert alone.documents["theme"].tolist() == together.documents["theme"].iloc[:len(one)].tolist()


def test_the_number_of_themes_comes_from_the_data_and_never_mixes_the_planted_themes():
    docs = _documents()
    analysis = analyse_texts(docs)  # no number given: chosen by the data within the default range
    # Three subjects, each written three ways: between 3 themes and one per phrasing, never a mixed theme.
    assert 3 <= len(analysis.themes) <= 9
    assert analysis.documents.assign(vrai=docs["vrai"]).groupby("theme")["vrai"].nunique().max() == 1
    again = analyse_texts(docs)
    pd.testing.assert_frame_equal(analysis.themes, again.themes)
    pd.testing.assert_frame_equal(analysis.memberships, again.memberships)


def test_a_range_from_the_spec_bounds_the_number_of_themes():
    docs = _documents()
    assert len(analyse_texts(docs, ranges={"q1": (1, 2)}).themes) <= 2
    assert theme_count(60, (2, 30)) == 12 and theme_count(60, (2, 4)) == 4 and theme_count(8, (3, 30)) == 3


def test_themefinder_rules_minimum_size_no_duplicates_bounded_overlap():
    assert min_theme_size(100) == 5 and min_theme_size(20_000) == 20  # max(5 answers, 0.1 %)
    assert min_theme_size(49) == 3 and min_theme_size(50) == 5  # a small question: 3, not a tenth of it or more
    analysis = analyse_texts(_documents(), n_themes=20)  # more candidates than the texts support
    assert (analysis.themes["n_textes"] >= 5).all() and len(analysis.themes) <= 12
    # By hand: themes 0 and 1 are near-duplicates (cosine ≥ 0.5), theme 3 covers 2 texts (< 5).
    matrix = sparse.csr_matrix(np.array([[1, 0, 0, 0]] * 6 + [[0.9, 0.1, 0, 0]] * 6 + [[0, 0, 1, 0]] * 8
                                        + [[0, 0, 0, 1]] * 2, dtype=float))
    components = np.array([[1, 0, 0, 0], [0.9, 0.2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
    weights = np.array([[1, 0, 0, 0]] * 6 + [[0, 1, 0, 0]] * 6 + [[0, 0, 1, 0]] * 8 + [[0, 0, 0, 1]] * 2, dtype=float)
    kept, new_weights = condense(matrix, components, weights, 5)
    assert len(kept) == 2 and new_weights.shape == (22, 2)
    assert np.bincount(new_weights[:20].argmax(axis=1)).tolist() == [8, 12]  # the duplicates merged


def test_theme_sizes_have_a_wilson_interval():
    analysis = analyse_texts(_documents())
    for row in analysis.themes.itertuples():
        low, high = wilson_interval(row.n_textes, 60)
        assert row.part_ic_bas == round(low, 4) and row.part_ic_haut == round(high, 4)
        assert row.part_ic_bas < row.part_textes < row.part_ic_haut
    low, high = wilson_interval(20, 60)
    assert low == pytest.approx(0.2273, abs=1e-4) and high == pytest.approx(0.4594, abs=1e-4)  # by hand


def test_per_answer_memberships_name_answers_and_themes_never_texts():
    analysis = analyse_texts(_documents())
    table = analysis.memberships
    assert list(table.columns) == ["numero", "question", "theme", "poids"]
    assert table.groupby(["numero", "question"])["poids"].sum().le(1.0001).all()
    assert set(table["numero"]) == set(analysis.documents["numero"][analysis.documents["theme"] != ""])


# --- Titles that read as French ---------------------------------------------------------------------------------

def test_titles_are_french_phrases_never_a_pronoun_an_article_a_number_or_an_accent_doublet():
    analysis = analyse_texts(_documents())
    titles = analysis.themes["libelle"].tolist()
    assert all(readable_title(t) for t in titles), titles
    for row in analysis.themes.itertuples():  # the answers' own words, in one of the theme's texts
        texts = " ".join(analysis.documents.loc[analysis.documents["theme"] == row.theme, "texte"]).lower()
        assert all(part.lower().replace("'", " ") in texts.replace("'", " ") for part in row.libelle.split(" · "))
    keys = [strip_accents(t).lower() for t in titles]
    assert len(set(keys)) == len(keys)
    # The variants people write: accents dropped, capitals, a number, a pronoun at the edge.
    themes = [["On veut la santé éducation 2019", "Santé éducation pour tous", "la sante education d'abord",
               "santé éducation", "on veut santé éducation"],
              ["La sante education compte", "sante education", "SANTE EDUCATION 12", "il faut sante education"]]
    first, second = phrase_titles(themes)
    assert readable_title(first) and readable_title(second)
    assert strip_accents(first).lower() != strip_accents(second).lower()  # never the same title twice
    assert "Santé éducation" in (first, second)  # spelt with its accents, whichever way most wrote it


def test_titles_never_start_or_end_on_a_preposition_an_adverb_nor_stand_on_a_locution_noun():
    # Real answers gave « Lutte contre », « Déjà », « Abord modifier le rapport » (of « d'abord »), « Sorte ».
    themes = [["Lutte contre la fraude !", "La lutte contre... la fraude fiscale", "D'abord, la lutte contre",
               "Déja, lutte contre", "déjà la lutte contre jusqu'au bout"],
              ["Mise en place d'un revenu universel", "la mise en place du revenu universel", "en quelque sorte",
               "une sorte de revenu universel", "Sorte de mise"]]
    rules = data_file("consultation.yml")["textes"]["titre"]
    edges, alone = ({strip_accents(w) for w in rules[k]} for k in ("bords", "jamais_seuls"))
    for title in phrase_titles(themes):
        assert readable_title(title), title
        for part in title.split(" · "):
            ws = [strip_accents(w) for w in words(part)]
            assert ws[0] not in edges and ws[-1] not in edges, title
            assert len(ws) > 1 or ws[0] not in alone, title


# --- The analyst's codebook -------------------------------------------------------------------------------------

CODES = (Code(label="Transports", examples=("Les transports en commun doivent desservir les zones rurales.",
                                            "Plus de trains régionaux dans les campagnes.")),
         Code(label="Santé", examples=("Les hôpitaux manquent de médecins.",
                                       "Recruter des médecins dans les déserts médicaux."), keywords=("urgences",)))


def _coded(texts: list[str]):
    docs = pd.DataFrame({"numero": range(1, len(texts) + 1), "question": "q1", "texte": texts})
    docs["lemmes"] = lemmatise(docs["texte"]).to_numpy()
    extra = [t for c in CODES for t in c.examples + c.keywords]
    lemmas = dict(zip(extra, lemmatise(pd.Series(extra)), strict=True))
    return code_questions(docs, {"q1": CODES}, lemmas)


def test_codes_are_multi_label_with_a_confidence_and_unfitted_answers_are_listed():
    coding = _coded(["Des transports en commun dans les zones rurales.",
                     "Recruter des médecins pour les hôpitaux.",
                     "Les urgences débordent le week-end.",  # the keyword alone
                     "Des médecins et des trains régionaux dans les campagnes et les hôpitaux.",
                     "Baisser la TVA sur les carburants."])
    given = coding.answers.groupby("numero")["code"].apply(set).to_dict()
    assert given[1] == {"Transports"} and given[2] == {"Santé"} and given[3] == {"Santé"}
    assert given[4] == {"Transports", "Santé"}  # multi-label
    assert 5 not in given and coding.unfitted["numero"].tolist() == [5]
    assert coding.answers["confiance"].between(0, 1).all()
    assert list(coding.answers.columns) == ["numero", "question", "code", "confiance"]
    counts = coding.codes.set_index("code")
    assert counts.loc["Santé", "n_textes"] == 3 and counts.loc["Transports", "n_textes"] == 2
    low, high = wilson_interval(3, 5)
    assert counts.loc["Santé", "part_ic_bas"] == round(low, 4) and counts.loc["Santé", "part_ic_haut"] == round(high, 4)


SPEC = """columns: {{respondent_type: "Profil"}}
questions:
  - {{id: demandes, column: "Bases", kind: datasets}}
  - id: idees
    column: "Vos idées"
    kind: free_text
{extra}
"""


def _spec(tmp_path, extra: str):
    path = tmp_path / "questionnaire.yml"
    path.write_text(SPEC.format(extra=extra), encoding="utf-8")
    return path


def test_the_spec_carries_a_codebook_and_a_theme_range(tmp_path):
    spec = load_questionnaire(_spec(tmp_path, """    themes: [3, 12]
    codes:
      - {label: "Transports", examples: ["Plus de trains"], keywords: ["train", "bus"]}
      - {label: "Santé", examples: ["Des médecins", "Des hôpitaux"]}"""))
    question = spec.of_kind("free_text")[0]
    assert question.theme_range == (3, 12)
    assert question.codes == (Code(label="Transports", examples=("Plus de trains",), keywords=("train", "bus")),
                              Code(label="Santé", examples=("Des médecins", "Des hôpitaux")))


@pytest.mark.parametrize(("extra", "message"), [
    ("    codes: []", "liste non vide de codes"),
    ("    codes:\n      - {label: Santé, examples: []}", "non vide de réponses types"),
    ("    codes:\n      - {label: Santé}", "examples"),
    ("    codes:\n      - {label: Santé, examples: [a], exemples: [b]}", "clé(s) inconnue(s) exemples"),
    ("    codes:\n      - {label: Santé, examples: [a]}\n      - {label: ' santé', examples: [b]}",
     "nommé deux fois"),
    ("    codes:\n      - {label: '', examples: [a]}", "label doit être un texte non vide"),
    ("    codes:\n      - {label: Santé, examples: [a], keywords: soins}", "keywords"),
    ("    themes: [5, 2]", "1 ≤ min ≤ max"),
    ("    themes: 6", "[min, max]"),
])
def test_a_bad_codebook_or_range_is_a_questionnaire_error_naming_the_spec(tmp_path, extra, message):
    path = _spec(tmp_path, extra)
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(path)
    assert message in str(error.value) and "questionnaire.yml" in str(error.value)


def test_codes_only_on_a_free_text_question(tmp_path):
    path = tmp_path / "q.yml"
    path.write_text('columns: {respondent_type: "Profil"}\nquestions:\n'
                    '  - {id: demandes, column: "Bases", kind: datasets, codes: [{label: a, examples: [b]}]}\n',
                    encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="ne valent que pour une question free_text"):
        load_questionnaire(path)


def test_confidences_rank_the_examples_own_code_first():
    coding = _coded([t for c in CODES for t in c.examples])
    best = coding.answers.sort_values("confiance", ascending=False).drop_duplicates("numero").set_index("numero")
    assert best["code"].to_dict() == {1: "Transports", 2: "Transports", 3: "Santé", 4: "Santé"}
    assert np.all(best["confiance"] > 0.5)
