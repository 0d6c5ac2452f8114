"""What the free texts say: distinctive terms by respondent category (TF-IDF) and candidate themes per question.

Documents are the free texts of the analysed answers, one per answer and question, a campaign counting once.
Terms are lemmas and pairs of lemmas (helpers.consultation.lemmas: case, accents, elision and plurals unified).
Themes are computed for each free-text question apart, on a TF-IDF of that question's own answers (a word all
of them use is no theme); the distinctive terms of each category, on one TF-IDF of every text. They are
candidates for a human reading, not findings: NMF with a fixed seed and a deterministic start (nndsvda).

How many themes (:func:`theme_count`): as many candidates as the smallest theme size allows, within the
question's range (``themes: [min, max]`` in the spec, else ``textes.themes_min``/``themes_max``); then the
theme-set rules of the UK's ThemeFinder (i-dot-ai/themefinder, its « theme condensation » and « theme
refinement » steps) decide how many stay: a theme covers at least max(5 answers, 0.1 % of them) (3 in a
question of fewer than 50 answers, where 5 would leave two themes at most); two themes
whose term profiles are near-duplicates, or whose answer sets overlap too much, are merged. Each theme has a
French title (:func:`phrase_titles`: the phrase of its answers that best marks it), its top terms, its size
with a Wilson interval and the answers that weigh most on it (texts that differ by more than a word or two,
personal data masked).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from scipy.stats import binomtest
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from helpers.consultation.lemmas import lemmatise, plural_stem
from helpers.consultation.lemmas import words as text_words
from helpers.consultation.redaction import truncate
from helpers.core.config import data_file
from helpers.core.text import comparison_key, strip_accents

SEED = 2014
DISTINCT = 80  # two quotes at least this similar (token_sort_ratio) are one
THEME_COLUMNS = ["question", "theme", "libelle", "termes", "n_textes", "part_textes", "part_ic_bas", "part_ic_haut"]
TERM_COLUMNS = ["profil", "rang", "terme", "ecart_tfidf", "n_textes", "part_textes"]
ELIDED = re.compile(r"\b(d|l|j|n|s|c|m|t|qu|jusqu|lorsqu|puisqu) (?=\w)")
BREAKS = re.compile(r"[^\w\s'\u2019-]|\d+|\[[^\]]*\]")
QUOTE_COLUMNS = ["question", "theme", "rang", "citation", "profil", "campagne", "poids"]
ANSWER_COLUMNS = ["numero", "question", "theme", "poids"]


@dataclass
class TextAnalysis:
    """What the free texts say: one row per analysed text (`documents`), the themes of each question
    (`themes`: question, theme, libelle, termes, n_textes, part_textes and its Wilson interval), the TF-IDF
    terms by category (`terms`), representative quotes (`quotes`), each text's themes (`memberships`: numero,
    question, theme, poids) and, per question without themes, why (`notes`)."""

    documents: pd.DataFrame  # numero, profil, campagne, question, texte, lemmes, theme ("" when none)
    themes: pd.DataFrame
    terms: pd.DataFrame  # distinctive terms by category
    quotes: pd.DataFrame
    notes: dict = field(default_factory=dict)  # question -> why it has no theme
    unconverged: list = field(default_factory=list)  # questions whose NMF stopped at its iteration limit
    memberships: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ANSWER_COLUMNS))

    @property
    def note(self) -> str:
        """Why no theme was computed, when no question has any ("" otherwise)."""
        return "" if len(self.themes) else "; ".join(dict.fromkeys(self.notes.values()))


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


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of the share `successes` / `n`, as (low, high) in [0, 1] (scipy's
    ``binomtest(...).proportion_ci(method="wilson")``); (nan, nan) when `n` is 0."""
    if n == 0:
        return float("nan"), float("nan")
    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def min_theme_size(n: int) -> int:
    """Answers a theme must cover among `n` (ThemeFinder's rule): max(``textes.theme_min_reponses``,
    ``textes.theme_min_part`` × n), i.e. max(5, 0.1 %); ``textes.theme_min_petite`` (3) below
    ``textes.petite_question`` (50) answers, where 5 would leave a handful of answers two themes at most."""
    rules = data_file("consultation.yml")["textes"]
    if n < rules["petite_question"]:
        return int(rules["theme_min_petite"])
    return max(int(rules["theme_min_reponses"]), int(np.ceil(rules["theme_min_part"] * n)))


def theme_count(n: int, bounds: tuple[int, int]) -> int:
    """Candidate themes for `n` texts: as many as the smallest theme size allows (n // min_theme_size), kept
    within `bounds` (min, max). The theme-set rules then merge and drop candidates (:func:`condense`), so
    the number shown is chosen by the data; only its ceiling comes from the range."""
    low, high = bounds
    return int(np.clip(n // min_theme_size(n), low, high))


def _members(weights: np.ndarray) -> np.ndarray:
    """Boolean texts × themes: a text belongs to its dominant theme and to any theme weighing at least
    ``textes.appartenance`` (one half) of it."""
    share = data_file("consultation.yml")["textes"]["appartenance"]
    top = weights.max(axis=1, keepdims=True)
    return (weights > 0) & (weights >= share * top)


class _Fitting(warnings.catch_warnings):
    """Around sklearn's NMF: `stopped` tells whether a fit reached its iteration limit (ConvergenceWarning: said in
    report 04's method annex, not printed in the report). The square root of a reconstruction error that rounding
    made slightly negative (a near-exact fit, e.g. repeated texts) is a NaN sklearn only reports: dropped. Any
    other warning is raised again."""

    def __init__(self):
        super().__init__(record=True)

    def __enter__(self):
        self.caught = super().__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.stopped = any(issubclass(w.category, ConvergenceWarning) for w in self.caught)
        for w in self.caught:
            if not issubclass(w.category, ConvergenceWarning) and "encountered in sqrt" not in str(w.message):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _refit(matrix, components: np.ndarray) -> np.ndarray:
    """Weights of each text on fixed theme term profiles `components` (non-negative least squares)."""
    weights, _, _ = non_negative_factorization(matrix, H=components, n_components=len(components), init="custom",
                                               update_H=False, solver="cd", max_iter=200, random_state=SEED)
    return weights


def condense(matrix, components: np.ndarray, weights: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """ThemeFinder's theme-set rules on NMF themes (`components`: themes × terms; `weights`: texts × themes of
    `matrix`): two themes whose term profiles have a cosine of at least ``textes.doublon`` or whose answer
    sets (:func:`_members`) have a Jaccard index of at least ``textes.recouvrement_max`` are merged (their
    profiles added), the closest pair first; then the theme with the fewest dominant texts is dropped while it
    has fewer than `min_size` (its texts go to their next theme). Returns (components, weights) after the rules."""
    rules = data_file("consultation.yml")["textes"]
    while len(components) > 1:
        unit = normalize(components)
        cosine = unit @ unit.T
        members = _members(weights).astype(np.int64)
        both = members.T @ members
        sizes = np.diag(both)
        jaccard = both / np.maximum(sizes[:, None] + sizes[None, :] - both, 1)
        closeness = np.maximum(cosine / rules["doublon"], jaccard / rules["recouvrement_max"])
        np.fill_diagonal(closeness, 0)
        i, j = np.unravel_index(np.argmax(closeness), closeness.shape)
        if closeness[i, j] >= 1:
            components = np.vstack([np.delete(components, [i, j], axis=0), components[i] + components[j]])
            weights = _refit(matrix, components)
            continue
        counts = np.bincount(weights.argmax(axis=1)[weights.max(axis=1) > 0], minlength=len(components))
        if counts.min() >= min_size:
            break
        components = np.delete(components, int(np.argmin(counts)), axis=0)
        weights = _refit(matrix, components)
    return components, weights


def _phrases(text: str, stop: set[str], lone: set[str]) -> set[str]:
    """Word sequences (1–4 words) of a text that can title a theme: first and last word not a stop word (no
    article, pronoun or preposition at an edge), no digit (words() has none), a lone word of four letters at
    least and not a negation. `stop` and `lone` are compared without accents: « déja » is « déjà »."""
    out = set()
    for segment in BREAKS.split(text):  # a phrase never spans punctuation or a number
        ws = text_words(segment)
        keys = [strip_accents(w) for w in ws]
        for n in (1, 2, 3, 4):
            for i in range(len(ws) - n + 1):
                first, last = keys[i], keys[i + n - 1]
                if first in stop or last in stop or (n == 1 and (len(first) < 4 or first in lone)):
                    continue
                out.add(" ".join(ws[i:i + n]))
    return out


def phrase_titles(texts: list[list[str]], others: list[str] | None = None) -> list[str]:
    """A French title per theme (`texts`: each theme's texts, most representative first), from the answers'
    own words: the phrase (1–4 words, :func:`_phrases`) found in the most of the theme's texts and the
    fewest of the other themes' (coverage × precision, longer phrases slightly preferred), spelt with its
    accents; a second phrase joined by « · » when it is nearly as marking and says something else.
    Accents and case never make two phrases: « santé éducation » and « santé education » are one, and no two
    themes of a question get the same title. `others`: texts without a theme, counted against every theme."""
    rules = data_file("consultation.yml")["textes"]
    stop = set(rules["mots_vides"]) | set(rules["titre"]["attendent_un_mot"]) | set(rules["titre"]["bords"]) | {
        "pas", "ne", "plus"}
    lone = set(rules["conserves"]) - {"aucun", "aucune", "rien", "jamais"} | set(rules["titre"]["jamais_seuls"])
    stop, lone = {strip_accents(w) for w in stop}, {strip_accents(w) for w in lone}
    limit = rules["titre"]["textes_max"]
    spelled: dict[str, Counter] = defaultdict(Counter)
    df: list[Counter] = []
    for theme_texts in texts:
        counts: Counter = Counter()
        for text in list(dict.fromkeys(theme_texts))[:limit]:  # a text repeated (copied, propagated) counts once
            keys = {strip_accents(phrase): phrase for phrase in _phrases(text, stop, lone)}
            for key, phrase in keys.items():
                spelled[key][phrase] += 1
            counts.update(keys.keys())
        df.append(counts)
    background_df: Counter = Counter()
    for text in (others or [])[:limit]:
        background_df.update({strip_accents(p) for p in _phrases(text, stop, lone)})
    total = sum(df, Counter()) + background_df
    titles, used = [], set()
    for t, counts in enumerate(df):
        n = max(1, min(limit, len(texts[t])))
        ranked = sorted(counts, key=lambda k: (-_score(counts[k], total[k], n, k), k))
        chosen = [k for k in ranked[:1] if k not in used]
        if not chosen:  # the best phrase titles another theme: the next one, and the first as context
            chosen = [next((k for k in ranked if k not in used), ranked[0] if ranked else "")]
        best = _score(counts[chosen[0]], total[chosen[0]], n, chosen[0]) if chosen[0] else 0
        for k in ranked[1:6]:
            if (k not in used and _score(counts[k], total[k], n, k) >= 0.6 * best and counts[k] >= 2
                    and not {plural_stem(w) for w in k.split()} & {plural_stem(w) for w in chosen[0].split()}):
                chosen.append(k)
                break
        used.add(" · ".join(chosen))
        used.update(chosen[:1])
        # Spelt with its accents (« santé » even where most wrote « sante »), then as most texts write it.
        shown = [min(spelled[k].items(), key=lambda item: (-(len(item[0].encode()) - len(item[0])), -item[1],
                                                           item[0]))[0] for k in chosen if k]
        title = ELIDED.sub(r"\1'", " · ".join(shown))  # « d impôts » is written « d'impôts »
        titles.append(title[:1].upper() + title[1:] if title else "")
    return titles


def _score(inside: int, everywhere: int, n: int, key: str) -> float:
    return (inside / n) * (inside / max(everywhere, 1)) * (1 + 0.25 * (key.count(" ")))


def _quotes(documents: pd.DataFrame, weights: np.ndarray, k: int, question: str, theme: str) -> list[dict]:
    rules = data_file("consultation.yml")
    order = np.lexsort((documents["numero"].to_numpy(), -weights[:, k]))
    rows, seen = [], []
    for i in order:
        if weights[i, k] <= 0 or documents["theme"].iat[i] != theme:
            continue
        key = comparison_key(documents["texte"].iat[i])
        if any(fuzz.token_sort_ratio(key, other) >= DISTINCT for other in seen):
            continue  # distinct quotes, not the same sentence with another word
        seen.append(key)
        rows.append({"question": question, "theme": theme, "rang": len(rows) + 1,
                     "citation": truncate(documents["texte"].iat[i], rules["publication"]["citation_max"]),
                     "profil": documents["profil"].iat[i], "campagne": documents["campagne"].iat[i],
                     "poids": round(float(weights[i, k]), 4)})
        if len(rows) == rules["textes"]["citations_par_theme"]:
            break
    return rows


def _question_themes(docs: pd.DataFrame, rows: np.ndarray, sub, vocabulary: np.ndarray, question: str,
                     n_themes: int | None, bounds: tuple[int, int]) -> tuple[list, list, list, str, bool]:
    """Themes of one question's texts (`rows` of `docs`; `sub`: their TF-IDF rows over `vocabulary`):
    (themes, quotes, memberships, note, whether a fit stopped at its iteration limit); fills ``docs["theme"]``
    for those rows."""
    rules = data_file("consultation.yml")["textes"]
    usable = np.asarray(sub.getnnz(axis=1) > 0)
    n_usable = int(usable.sum())
    if n_usable < max(2 * (n_themes or bounds[0]), rules["min_df"], 2):
        return [], [], [], f"trop peu de textes exploitables ({n_usable}) pour dégager des thèmes", False
    min_size = min_theme_size(len(rows))
    k = n_themes or theme_count(n_usable, bounds)
    k = max(1, min(k, sub.shape[1] - 1, n_usable - 1))
    sample = sample_rows(len(rows))
    fitted = sub if sample is None else sub[sample]
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=400)
    with _Fitting() as fitting:
        fit_weights = model.fit_transform(fitted)
        # The rules refit the weights after each merge: on a seeded subsample at national size (sizes scaled).
        judged = np.random.default_rng(SEED).permutation(fitted.shape[0])[: rules["regles_max"]]
        judged.sort()
        components, _ = condense(fitted[judged], model.components_, fit_weights[judged],
                                 max(1, int(np.ceil(min_size * len(judged) / len(rows)))))
        codes = pd.factorize(docs["lemmes"].iloc[rows])[0]  # each distinct text refitted once
        weights = _refit(sub[np.unique(codes, return_index=True)[1]], components)[codes]
    # Themes numbered by size (T1: the largest), ties by their profile's first term.
    best = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    counts = np.bincount(best[best >= 0], minlength=len(components))
    order = sorted(range(len(components)), key=lambda t: (-counts[t], tuple(-components[t])))
    components, weights = components[order], weights[:, order]
    best = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    sub_docs = docs.iloc[rows].copy()
    sub_docs["theme"] = [f"T{t + 1}" if t >= 0 else "" for t in best]
    docs.loc[docs.index[rows], "theme"] = sub_docs["theme"].to_numpy()
    texts, shown = [], 4 * rules["titre"]["textes_max"]  # the most typical texts (repeats among them) suffice
    for t in range(len(components)):
        in_theme = np.flatnonzero(best == t)
        typical = in_theme[np.argsort(-weights[in_theme, t], kind="stable")][:shown]
        texts.append(sub_docs["texte"].iloc[typical].tolist())
    titles = phrase_titles(texts, sub_docs["texte"].iloc[np.flatnonzero(best < 0)[:shown]].tolist())
    themes, quotes = [], []
    for t in range(len(components)):
        top = [vocabulary[i] for i in np.lexsort((vocabulary, -components[t]))[: rules["termes_par_theme"]]]
        n = int(counts[order[t]])
        low, high = wilson_interval(n, len(rows))
        themes.append({"question": question, "theme": f"T{t + 1}", "libelle": titles[t] or theme_title(top),
                       "termes": ", ".join(top), "n_textes": n, "part_textes": round(n / len(rows), 4),
                       "part_ic_bas": round(low, 4), "part_ic_haut": round(high, 4)})
        quotes += _quotes(sub_docs, weights, t, question, f"T{t + 1}")
    members = _members(weights) & (weights.max(axis=1, keepdims=True) > 0)
    total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    text_rows, theme_cols = np.nonzero(members)
    memberships = pd.DataFrame({"numero": sub_docs["numero"].to_numpy()[text_rows], "question": question,
                                "theme": [f"T{t + 1}" for t in theme_cols],
                                "poids": np.round(weights[text_rows, theme_cols] / total[text_rows, 0], 4)})
    return themes, quotes, [memberships], "", fitting.stopped


def analyse_texts(documents: pd.DataFrame, n_themes: int | None = None,
                  lemmas: pd.Series | None = None,
                  ranges: dict[str, tuple[int, int]] | None = None) -> TextAnalysis:
    """The themes of each free-text question and the distinctive terms of each category.

    `documents`: numero, profil, campagne, texte (publishable) and question (the spec's question id; absent:
    one question, "") — one row per text; `n_themes`: a fixed number of themes for every question, or None
    to let the data choose within each question's range (`ranges`: question -> (min, max); default
    ``textes.themes_min``, ``textes.themes_max`` of consultation.yml); `lemmas`: the lemmatisation of
    ``documents["texte"]`` if the caller has it (a Series in the order of the documents,
    helpers.consultation.lemmas.lemmatise); else it is done here. Same inputs, same themes (fixed seeds)."""
    rules = data_file("consultation.yml")["textes"]
    docs = documents.reset_index(drop=True).copy()
    if "question" not in docs:
        docs["question"] = ""
    if len(docs):
        if lemmas is None:
            lemmas = lemmatise(documents["texte"])
        docs["lemmes"] = lemmas.to_numpy()
    else:
        docs["lemmes"] = pd.Series(dtype=str)
    docs["lemmes"] = docs["lemmes"].fillna("")
    docs["theme"] = ""
    questions = list(dict.fromkeys(docs["question"]))
    result = TextAnalysis(docs, pd.DataFrame(columns=THEME_COLUMNS), pd.DataFrame(columns=TERM_COLUMNS),
                          pd.DataFrame(columns=QUOTE_COLUMNS))
    usable = docs["lemmes"].str.len() > 0 if len(docs) else pd.Series(dtype=bool)
    if usable.sum() < max(2 * (n_themes or 1), rules["min_df"]):
        result.notes = {q: f"trop peu de textes exploitables ({int(usable.sum())}) pour dégager des thèmes"
                        for q in questions or [""]}
        return result
    try:
        matrix, vocabulary = _vectorise(docs["lemmes"], sample_rows(len(docs)))
    except ValueError:
        result.notes = {q: "aucun terme n'apparaît dans assez de textes pour dégager des thèmes"
                        for q in questions}
        return result
    themes, quotes, memberships = [], [], []
    for question in questions:
        rows = np.flatnonzero((docs["question"] == question).to_numpy())
        bounds = (ranges or {}).get(question) or (int(rules["themes_min"]), int(rules["themes_max"]))
        own = (matrix[rows], vocabulary)
        if len(questions) > 1:  # a question's terms weighed among its own answers (idf, min_df, max_df)
            try:
                own = _vectorise(docs["lemmes"].iloc[rows], sample_rows(len(rows)))
            except ValueError:
                result.notes[question] = "aucun terme n'apparaît dans assez de textes pour dégager des thèmes"
                continue
        found = _question_themes(docs, rows, *own, question, n_themes, bounds)
        themes += found[0]
        quotes += found[1]
        memberships += found[2]
        if found[3]:
            result.notes[question] = found[3]
        if found[4]:
            result.unconverged.append(question)
    result.themes = pd.DataFrame(themes, columns=THEME_COLUMNS)
    result.quotes = pd.DataFrame(quotes, columns=QUOTE_COLUMNS)
    result.memberships = (pd.concat(memberships, ignore_index=True) if memberships
                          else pd.DataFrame(columns=ANSWER_COLUMNS))
    result.terms = distinctive_terms(matrix, vocabulary, docs["profil"])
    return result
