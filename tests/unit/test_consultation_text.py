"""Free text: words, stop words that keep negations and "ouvert*", spaCy lemmas of the vocabulary,
TF-IDF distinctive terms by category, NMF themes that are reproducible, with distinct quotes."""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz

from helpers.consultation.lemmas import lemmatise, words
from helpers.consultation.themes import analyse_texts


def test_words_drop_urls_masks_and_digits_and_keep_the_negation_of_n():
    assert words("Je n'ai PAS d'accès : voir https://x.fr/a?b=1 ou [courriel masqué], 2014 !") == [
        "je", "ne", "ai", "pas", "d", "accès", "voir", "ou"]


def test_negations_and_ouvert_survive_stop_words_and_lemmas_are_french():
    texts = pd.Series(["Les données ne sont pas ouvertes aux chercheurs.",
                       "Nous souhaitons que les données hospitalières soient ouvertes.",
                       "Aucune donnée sans anonymisation, jamais !",
                       "Les délais d'accès sont trop longs pour les chercheurs."])
    lemmas = lemmatise(texts).tolist()
    assert lemmas[0].split() == ["donnée", "ne", "pas", "ouvert", "chercheur"]
    assert "souhaiter" in lemmas[1] and "ouvert" in lemmas[1] and "hospitalier" in lemmas[1]
    assert lemmas[2].split()[:2] == ["aucun", "donnée"] and "sans" in lemmas[2] and "jamais" in lemmas[2]
    assert lemmas[3].split() == ["délai", "accès", "long", "chercheur"]  # stop words out: les, sont, trop, pour


def _documents(n_each: int = 30) -> pd.DataFrame:
    themes = {
        "Chercheur": ["Les délais d'accès aux données de l'assurance maladie bloquent la recherche {i}.",
                      "L'appariement des cohortes avec les registres aiderait la recherche épidémiologique {i}."],
        "Patient": ["Je veux comparer la qualité des maternités et des hôpitaux de ma région {i}.",
                    "Les tarifs et dépassements d'honoraires des médecins devraient être publics {i}."],
    }
    rows = []
    for profile, sentences in themes.items():
        for i in range(n_each):
            rows.append({"numero": len(rows) + 1, "profil": profile, "campagne": "",
                         "texte": sentences[i % 2].format(i=f"(réponse {i})") + (" Merci." if i % 3 else "")})
    return pd.DataFrame(rows)


def test_themes_terms_and_quotes_are_reproducible_and_separate_the_categories():
    docs = _documents()
    first, second = analyse_texts(docs, 2), analyse_texts(docs, 2)
    pd.testing.assert_frame_equal(first.themes, second.themes)
    pd.testing.assert_frame_equal(first.quotes, second.quotes)
    assert first.themes["n_textes"].sum() == 60 and len(first.themes) == 2
    dominant = first.documents.groupby("profil")["theme"].agg(lambda s: s.value_counts().index[0])
    assert dominant["Chercheur"] != dominant["Patient"]  # each category has its own theme
    terms = first.terms.groupby("profil")["terme"].apply(list)
    assert "recherche" in terms["Chercheur"] and "chercheur" not in terms["Patient"]
    assert "dépassement" in terms["Patient"] and "recherche" not in terms["Patient"]
    quotes = first.quotes.groupby("theme")["citation"].apply(list)
    for texts in quotes:
        # Two sentences per theme, each written 15 times with a number: two quotes, not the same one thrice.
        assert len(texts) == 2
        assert fuzz.token_sort_ratio(texts[0], texts[1]) < 80


def test_too_few_texts_give_no_theme_and_say_why():
    analysis = analyse_texts(_documents(2), 6)
    assert analysis.themes.empty and "trop peu de textes" in analysis.note


TEXTS = ["Les données ne sont pas ouvertes aux chercheurs.", "Les délais d'accès sont trop longs.",
         "Les données ne sont pas ouvertes aux chercheurs."]


def test_lemmas_keep_the_index_and_do_not_depend_on_the_order_of_the_answers():
    texts = pd.Series(TEXTS, index=[7, 3, 5])
    lemmas = lemmatise(texts)
    assert lemmas.index.tolist() == [7, 3, 5] and lemmas[7] == lemmas[5]  # one text, one lemmatisation
    assert lemmatise(texts.iloc[::-1]).tolist() == lemmas.tolist()[::-1]
    assert lemmatise(pd.Series([None, TEXTS[1]])).isna().tolist() == [True, False]  # missing stays missing
