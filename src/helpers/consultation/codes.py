"""A codebook the analyst controls: each answer to a free-text question given the codes of the spec it fits.

The spec's ``codes:`` of a free-text question (:class:`helpers.consultation.questionnaire.Code`: label,
example answers, optional keywords) is what a human signed off, as in the UK's Consult/ThemeFinder workflow
(themes proposed, a framework agreed, then every answer mapped). Here the mapping is a nearest-centroid
classifier on the question's TF-IDF of lemmas (helpers.consultation.lemmas): each code is the mean of its
examples; an answer's confidence in a code is its cosine to that mean, relative to the examples' own mean
cosine to it (1: as close as the examples are), clipped to 0–1, raised to ``codes.mot_cle`` at least when one
of the code's keywords (lemmatised) is in the answer. An answer gets its best code when the confidence reaches
``codes.seuil``, and every other code within ``codes.second`` of the best (multi-label); an answer with no
code is listed for a reader. Each code's count comes with its 95 % Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from helpers.consultation.questionnaire import Code
from helpers.consultation.themes import wilson_interval
from helpers.core.config import data_file

CODE_COLUMNS = ["question", "code", "n_textes", "part_textes", "part_ic_bas", "part_ic_haut"]
ANSWER_COLUMNS = ["numero", "question", "code", "confiance"]


@dataclass
class Coding:
    """The codebook applied: `answers` (numero, question, code, confiance: one row per code given, confidence
    0–1), `codes` (question, code, n_textes, part_textes and its Wilson interval, in the spec's order) and
    `unfitted` (numero, question, texte: the texts no code fits)."""

    answers: pd.DataFrame
    codes: pd.DataFrame
    unfitted: pd.DataFrame


def confidences(texts: list[str], codes: tuple[Code, ...], example_lemmas: list[list[str]],
                keyword_lemmas: list[list[str]]) -> np.ndarray:
    """Confidence (0–1) of each text in each code: texts × codes. `texts`: the lemmas of the question's texts
    (space-separated); `example_lemmas`/`keyword_lemmas`: per code, the lemmas of its examples and keywords."""
    rules = data_file("consultation.yml")["codes"]
    examples = [e for per_code in example_lemmas for e in per_code]
    corpus = list(texts) + examples
    vectoriser = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                 min_df=min(rules["min_df"], len(corpus)), sublinear_tf=True)
    try:
        matrix = normalize(vectoriser.fit_transform(corpus))
    except ValueError:  # no term at all: nothing can be coded
        return np.zeros((len(texts), len(codes)))
    ends = np.cumsum([len(texts)] + [len(e) for e in example_lemmas])
    scores = np.zeros((len(texts), len(codes)))
    for c in range(len(codes)):
        own = matrix[ends[c]:ends[c + 1]]
        centroid = normalize(np.asarray(own.mean(axis=0)))
        reference = float(np.mean(own @ centroid.T)) or 1.0
        scores[:, c] = np.clip(np.asarray(matrix[: len(texts)] @ centroid.T).ravel() / reference, 0, 1)
        for keyword in keyword_lemmas[c]:
            needed = set(keyword.split())
            if needed:
                hit = np.array([needed <= set(t.split()) for t in texts])
                scores[hit, c] = np.maximum(scores[hit, c], rules["mot_cle"])
    return scores


def assign(scores: np.ndarray) -> np.ndarray:
    """Boolean texts × codes: the best code when its confidence reaches ``codes.seuil``, and every code within
    ``codes.second`` (a share) of the best one's confidence above that threshold."""
    rules = data_file("consultation.yml")["codes"]
    if not scores.size:
        return np.zeros(scores.shape, dtype=bool)
    best = scores.max(axis=1, keepdims=True)
    return (scores >= rules["seuil"]) & (scores >= rules["second"] * best)


def code_texts(documents: pd.DataFrame, question: str, codes: tuple[Code, ...], lemmas: dict[str, str]) -> Coding:
    """Apply one question's codebook. `documents`: numero, texte, lemmes of that question's texts; `lemmas`:
    text -> its lemmas, for every example and keyword of the codes. Returns a :class:`Coding`."""
    texts = documents["lemmes"].fillna("").tolist()
    scores = confidences(texts, codes, [[lemmas[e] for e in c.examples] for c in codes],
                         [[lemmas[k] for k in c.keywords] for c in codes])
    given = assign(scores)
    rows, cols = np.nonzero(given)
    answers = pd.DataFrame({"numero": documents["numero"].to_numpy()[rows], "question": question,
                            "code": [codes[c].label for c in cols], "confiance": np.round(scores[rows, cols], 4)},
                           columns=ANSWER_COLUMNS)
    counts = given.sum(axis=0)
    summary = []
    for c, code in enumerate(codes):
        low, high = wilson_interval(int(counts[c]), len(texts))
        summary.append({"question": question, "code": code.label, "n_textes": int(counts[c]),
                        "part_textes": round(counts[c] / len(texts), 4) if len(texts) else float("nan"),
                        "part_ic_bas": round(low, 4), "part_ic_haut": round(high, 4)})
    unfitted = documents.loc[~given.any(axis=1), ["numero", "texte"]].assign(question=question)
    return Coding(answers, pd.DataFrame(summary, columns=CODE_COLUMNS), unfitted[["numero", "question", "texte"]])


def code_questions(documents: pd.DataFrame, codebooks: dict[str, tuple[Code, ...]], lemmas: dict[str, str]) -> Coding:
    """Every question's codebook (`codebooks`: question id -> codes) applied to its texts in `documents`
    (numero, question, texte, lemmes); one :class:`Coding` for all, questions in the order given."""
    parts = [code_texts(documents[documents["question"] == q], q, codes, lemmas) for q, codes in codebooks.items()]
    if not parts:
        return Coding(pd.DataFrame(columns=ANSWER_COLUMNS), pd.DataFrame(columns=CODE_COLUMNS),
                      pd.DataFrame(columns=["numero", "question", "texte"]))
    return Coding(*(pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                    for name in ("answers", "codes", "unfitted")))
