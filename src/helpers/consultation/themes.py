"""What the free texts say: distinctive terms by respondent category (TF-IDF) and candidate themes (NMF).

Documents are the analysed answers with a free text, a campaign counting once. Terms are lemmas and
pairs of lemmas (helpers.consultation.lemmas). Themes are candidates for a human reading, not findings: NMF with a
fixed seed and a deterministic start (nndsvda), each theme shown with its top terms and the answers
that weigh most on it (texts that differ by more than a word or two, personal data masked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from helpers.consultation.lemmas import Lemmatisation
from helpers.consultation.redaction import truncate
from helpers.core.config import data_file
from helpers.core.text import comparison_key

SEED = 2014
DISTINCT = 80  # two quotes at least this similar (token_sort_ratio) are one
THEME_COLUMNS = ["theme", "libelle", "termes", "n_textes", "part_textes"]
TERM_COLUMNS = ["profil", "rang", "terme", "ecart_tfidf", "n_textes", "part_textes"]
QUOTE_COLUMNS = ["theme", "rang", "citation", "profil", "campagne", "poids"]


@dataclass
class TextAnalysis:
    """What the free texts say: one row per analysed text (`documents`), the NMF themes (`themes`: theme,
    libelle, termes, n_textes, part_textes), the TF-IDF terms by category (`terms`), representative quotes
    (`quotes`), the vocabulary size and, when no theme could be computed, why (`note`)."""

    documents: pd.DataFrame  # numero, profil, campagne, texte, lemmes, theme ("" when none)
    themes: pd.DataFrame
    terms: pd.DataFrame  # distinctive terms by category
    quotes: pd.DataFrame
    n_terms: int
    note: str = ""  # why no theme was computed, if so


def sample_rows(n: int) -> np.ndarray | None:
    """Row positions (sorted) of the seeded sample the text model is fitted on, or None when all `n` rows
    are (at most `textes.echantillon_max` of consultation.yml)."""
    size = data_file("consultation.yml")["textes"]["echantillon_max"]
    if n <= size:
        return None
    return np.sort(np.random.default_rng(SEED).choice(n, size=size, replace=False))


def _vectorise(lemmas: pd.Series, sample: np.ndarray | None = None):
    """(TF-IDF matrix of every text, its terms): fitted on the `sample` rows (all when None), applied to each
    distinct text once."""
    rules = data_file("consultation.yml")["textes"]
    fitted = lemmas if sample is None else lemmas.iloc[sample]
    n = len(fitted)
    vectoriser = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                 min_df=min(rules["min_df"], n), max_df=rules["max_df"] if n >= 10 else 1.0,
                                 max_features=rules["max_termes"], sublinear_tf=True, dtype=np.float64)
    if sample is None:
        matrix = vectoriser.fit_transform(lemmas)
    else:
        vectoriser.fit(fitted)
        codes, distinct = pd.factorize(lemmas)
        matrix = vectoriser.transform(distinct)[codes]
    vocabulary = np.asarray(vectoriser.get_feature_names_out())
    # Negations are kept to qualify other words ("pas ouvert"), not as terms of their own ("ne pas").
    negations = {w for w in rules["conserves"] if not w.endswith("*")} - {"ouvrir"}
    useful = np.array([not set(term.split()) <= negations for term in vocabulary])
    matrix = normalize(matrix[:, useful])
    return matrix, vocabulary[useful]


def _theme_weights(model: NMF, matrix, lemmas: pd.Series, sample: np.ndarray | None) -> np.ndarray:
    """Weight of each text on each theme (texts × themes): NMF fitted on the sample rows, then every
    distinct text transformed once (all rows fitted together when there is no sample)."""
    if sample is None:
        return model.fit_transform(matrix)
    model.fit(matrix[sample])
    codes, distinct = pd.factorize(lemmas)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    return model.transform(matrix[first])[codes]


def distinctive_terms(matrix, vocabulary: np.ndarray, profiles: pd.Series) -> pd.DataFrame:
    """Per category with enough texts: terms whose mean TF-IDF most exceeds the other categories'."""
    rules = data_file("consultation.yml")["textes"]
    rows = []
    present = (matrix > 0).astype(np.int32)
    for profile, n in profiles.value_counts().sort_index().items():
        if n < rules["profil_min"] or n == len(profiles):
            continue
        mask = (profiles == profile).to_numpy()
        gap = np.asarray(matrix[mask].mean(axis=0)).ravel() - np.asarray(matrix[~mask].mean(axis=0)).ravel()
        counts = np.asarray(present[mask].sum(axis=0)).ravel()
        order = [i for i in np.lexsort((vocabulary, -gap)) if gap[i] > 0][: rules["termes_distinctifs"]]
        for rank, i in enumerate(order, start=1):
            rows.append({"profil": profile, "rang": rank, "terme": vocabulary[i],
                         "ecart_tfidf": round(float(gap[i]), 4), "n_textes": int(counts[i]),
                         "part_textes": round(float(counts[i]) / n, 4)})
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def _quotes(documents: pd.DataFrame, weights: np.ndarray, k: int) -> list[dict]:
    rules = data_file("consultation.yml")
    order = np.lexsort((documents["numero"].to_numpy(), -weights[:, k]))
    rows, seen = [], []
    for i in order:
        if weights[i, k] <= 0 or documents["theme"].iat[i] != f"T{k + 1}":
            continue
        key = comparison_key(documents["texte"].iat[i])
        if any(fuzz.token_sort_ratio(key, other) >= DISTINCT for other in seen):
            continue  # distinct quotes, not the same sentence with another word
        seen.append(key)
        rows.append({"theme": f"T{k + 1}", "rang": len(rows) + 1,
                     "citation": truncate(documents["texte"].iat[i], rules["publication"]["citation_max"]),
                     "profil": documents["profil"].iat[i], "campagne": documents["campagne"].iat[i],
                     "poids": round(float(weights[i, k]), 4)})
        if len(rows) == rules["textes"]["citations_par_theme"]:
            break
    return rows


def _fragment(words: list[str], rules: dict) -> bool:
    return words[-1] in rules["attendent_un_mot"] or (
        words[0] == "ne" and not set(words[1:]) & set(rules["fins_de_negation"]))


def theme_title(terms: list[str]) -> str:
    """A readable title from a theme's terms (most weighted first): chained bigrams merged, repeats and
    stop-word fragments dropped, the first ``textes.titre.termes`` joined by « · ».

    ``["ne veux", "veux", "veux pas", "payer"]`` → « ne veux pas · payer ». Rules in ``consultation.yml``.
    """
    rules = data_file("consultation.yml")["textes"]["titre"]
    merged: list[list[str]] = []
    for words in (t.split() for t in terms):
        for i, prev in enumerate(merged):
            chained = prev + words[1:] if len(words) == 2 and prev[-1] == words[0] else \
                words[:1] + prev if len(words) == 2 and prev[0] == words[1] else None
            if chained and len(set(chained)) == len(chained) <= 3 and not _fragment(chained, rules):
                merged[i] = chained
                break
        else:
            merged.append(words)
    shown, seen = [], set()
    for words in merged:
        if _fragment(words, rules) or set(words) <= seen:
            continue
        shown.append(" ".join(words))
        seen |= set(words)
    return " · ".join(shown[: rules["termes"]]) or " · ".join(terms[: rules["termes"]])


def analyse_texts(documents: pd.DataFrame, n_themes: int, lemmas: Lemmatisation | None = None) -> TextAnalysis:
    """`documents`: numero, profil, campagne and texte (publishable), one row per analysed text; `lemmas`: the
    lemmatisation of ``documents["texte"]`` if the caller started it earlier (else it is done here)."""
    rules = data_file("consultation.yml")["textes"]
    docs = documents.reset_index(drop=True).copy()
    if len(docs):
        docs["lemmes"] = (lemmas or Lemmatisation(documents["texte"])).result().to_numpy()
    else:
        docs["lemmes"] = pd.Series(dtype=str)
    docs["theme"] = ""
    empty = TextAnalysis(docs, pd.DataFrame(columns=THEME_COLUMNS), pd.DataFrame(columns=TERM_COLUMNS),
                         pd.DataFrame(columns=QUOTE_COLUMNS), 0)
    usable = docs["lemmes"].str.len() > 0 if len(docs) else pd.Series(dtype=bool)
    if usable.sum() < max(2 * n_themes, rules["min_df"]):
        empty.note = f"trop peu de textes exploitables ({int(usable.sum())}) pour dégager des thèmes"
        return empty
    sample = sample_rows(len(docs))
    try:
        matrix, vocabulary = _vectorise(docs["lemmes"], sample)
    except ValueError:
        empty.note = "aucun terme n'apparaît dans assez de textes pour dégager des thèmes"
        return empty
    k = max(1, min(n_themes, matrix.shape[1] - 1, matrix.shape[0] - 1))
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=400)
    weights = _theme_weights(model, matrix, docs["lemmes"], sample)
    best = weights.argmax(axis=1)
    docs["theme"] = np.where(weights.max(axis=1) > 0, [f"T{i + 1}" for i in best], "")
    themes, quotes = [], []
    for t in range(k):
        top = [vocabulary[i] for i in np.lexsort((vocabulary, -model.components_[t]))[: rules["termes_par_theme"]]]
        n = int((docs["theme"] == f"T{t + 1}").sum())
        themes.append({"theme": f"T{t + 1}", "libelle": theme_title(top), "termes": ", ".join(top),
                       "n_textes": n, "part_textes": round(n / len(docs), 4)})
        quotes += _quotes(docs, weights, t)
    terms = distinctive_terms(matrix, vocabulary, docs["profil"])
    return TextAnalysis(docs, pd.DataFrame(themes, columns=THEME_COLUMNS), terms,
                        pd.DataFrame(quotes, columns=QUOTE_COLUMNS), len(vocabulary))
