"""Drawing the parts of one synthetic consultation answer: respondent type, requested bases under
varied spellings, reasons, risk opinion, free text from a template grammar, missing datasets.

Word lists and weights: data/consultation_synthetique.yml. Every draw comes from the Random given,
so the same seed gives the same answers.
"""

from __future__ import annotations

import random
import re

import pandas as pd

from helpers.cartography.producers import producers_of
from helpers.consultation.aliases import PARENTHESES, is_acronym
from helpers.core.config import data_file
from helpers.core.text import strip_accents


def invented() -> dict:
    """The generator's word lists, weights and shares (``data/consultation_synthetique.yml``), as a dict."""
    return data_file("consultation_synthetique.yml")


def weighted_choice(rng: random.Random, options: list, weights: list):
    """One of `options`, drawn by `rng` with the relative `weights` (same length)."""
    return rng.choices(options, weights=weights)[0]


def _sample(rng: random.Random, options: list, weights: list, k: int) -> list:
    """k distinct options, drawn one by one with their weights."""
    options, weights, out = list(options), list(weights), []
    while options and len(out) < k:
        i = rng.choices(range(len(options)), weights=weights)[0]
        out.append(options.pop(i))
        weights.pop(i)
    return out


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip in a word of 5 letters or more: letter dropped, doubled or swapped, accent lost."""
    words = [m for m in re.finditer(r"[^\W\d_]{5,}", text)]
    for _ in range(10):  # a swap of two equal letters, or an accent lost where there is none, changes nothing
        if not words:
            return text
        word = rng.choice(words)
        i = rng.randrange(word.start() + 1, word.end() - 1)
        slipped = [text[:i] + text[i + 1:], text[:i] + text[i] + text[i:],
                   text[:i] + text[i + 1] + text[i] + text[i + 2:],
                   text[:word.start()] + strip_accents(word.group()) + text[word.end():]][rng.randrange(4)]
        if slipped != text:
            return slipped
    return text


def spellings(rng: random.Random, name: str, producers: set[str]) -> dict[str, list[str]]:
    """Ways a respondent might write the base called `name`: {spelling kind: [variants]} for the kinds of
    ``graphies`` in ``consultation_synthetique.yml`` (nom, minuscules, sans_accents, sigle — acronyms of the
    name that are not producers' in `producers` —, sans_parentheses, prefixe, faute: two typos drawn by `rng`)."""
    words = invented()
    name = " ".join(name.split())
    plain = " ".join(PARENTHESES.sub(" ", name).replace('"', " ").split())
    inner = [x.strip() for x in PARENTHESES.findall(name) if is_acronym(x.strip())]
    inside = [t for t in re.split(r"[\s/,:()]+", plain) if is_acronym(t) and t.upper() not in producers]
    acronyms = list(dict.fromkeys(inner + inside))
    return {
        "nom": [name], "minuscules": [name.lower()], "sans_accents": [strip_accents(name)],
        "sigle": acronyms + [a.lower() for a in acronyms[:1]], "sans_parentheses": [plain],
        "prefixe": [p + plain[:1].lower() + plain[1:] for p in words["prefixes"]],
        "faute": [typo(rng, plain), typo(rng, plain.lower())],
    }


class AnswerDraw:
    """Seeded draws of every part of one synthetic answer, over the bases of `bases` (``bases.csv``).

    Bases are drawn with a Zipf-like popularity over a seeded order (bases with an acronym three times as
    likely); every method draws from the `rng` given, so the same seed gives the same answers."""

    def __init__(self, rng: random.Random, bases: pd.DataFrame):
        self.rng, self.words = rng, invented()
        unique = bases.drop_duplicates("base_id").sort_values("base_id")
        producers = {p.upper() for names in unique["gestionnaires"] for p in producers_of(names)}
        producers |= {s.upper() for s in data_file("consultation.yml")["rapprochement"]["sigles_exclus"]}
        self.spelt = [spellings(rng, name, producers) for name in unique["base"]]
        order = list(range(len(self.spelt)))
        rng.shuffle(order)  # popularity: Zipf over a seeded order, well-known (acronym) bases favoured
        self.popularity = [0.0] * len(order)
        for rank, i in enumerate(order, start=1):
            self.popularity[i] = (3.0 if self.spelt[i]["sigle"] else 1.0) / rank ** 0.9

    def base(self, i: int | None = None, in_text: bool = False) -> str:
        """A base spelt one of its ways (in a sentence: never with a prefix such as "la base")."""
        i = weighted_choice(self.rng, range(len(self.spelt)), self.popularity) if i is None else i
        kinds = {k: w for k, w in self.words["graphies"].items() if self.spelt[i][k]
                 and not (in_text and k == "prefixe")}
        return self.rng.choice(self.spelt[i][weighted_choice(self.rng, list(kinds), list(kinds.values()))])

    def bases(self, k: int) -> list[int]:
        """Indices of `k` distinct bases, drawn one by one by popularity."""
        return _sample(self.rng, range(len(self.spelt)), self.popularity, k)

    def profile(self) -> str:
        """A respondent category drawn with the ``profils`` weights; 5 % of the time its variant
        spelling from ``graphies_profils`` when there is one."""
        profiles = self.words["profils"]
        name = weighted_choice(self.rng, list(profiles), list(profiles.values()))
        variant = self.words["graphies_profils"].get(name)
        return variant if variant and self.rng.random() < 0.05 else name

    def requests(self) -> str:
        """The « datasets » answer: a drawn number of distinct bases (``nombre_demandes`` weights),
        each spelt one of its ways, joined by a drawn separator (``separateurs_demandes``); "" when none is drawn."""
        k = weighted_choice(self.rng, range(len(self.words["nombre_demandes"])), self.words["nombre_demandes"])
        separator = self.rng.choice(self.words["separateurs_demandes"])
        return separator.join(self.base(i) for i in self.bases(k))

    def reasons(self, profile: str) -> str:
        """The multiple-choice « reasons » answer for a respondent of category `profile`: distinct options of
        ``raisons.modalites`` drawn with that category's weights (« Autre »'s when unknown), some lower-cased
        (``parts.variante_choix``), joined by « | »."""
        spec = self.words["raisons"]
        weights = spec["par_profil"].get(profile.strip(), spec["par_profil"]["Autre"])
        k = weighted_choice(self.rng, range(len(spec["nombre"])), spec["nombre"])
        chosen = _sample(self.rng, spec["modalites"], weights, k)
        rate = self.words["parts"]["variante_choix"]
        return "|".join(c.lower() if self.rng.random() < rate else c for c in chosen)

    def risk(self, profile: str) -> str:
        """The single-choice « risk » answer for a respondent of category `profile`: one option of
        ``risques.modalites`` with that category's weights, or "" (no answer) with probability ``sans_reponse``."""
        spec = self.words["risques"]
        if self.rng.random() < spec["sans_reponse"]:
            return ""
        weights = spec["par_profil"].get(profile.strip(), spec["par_profil"]["Autre"])
        return weighted_choice(self.rng, spec["modalites"], weights)

    def sentence(self, theme: str) -> str:
        """One sentence of `theme`: a template of ``textes.themes`` whose slots are filled (``{base}`` by a
        base spelt as in a sentence, others from ``textes.emplacements``), spaces tidied, first letter upper-case."""
        template = self.rng.choice(self.words["textes"]["themes"][theme])
        slots = self.words["textes"]["emplacements"]
        text = re.sub(r"\{(\w+)\}", lambda m: self.base(in_text=True) if m.group(1) == "base" else self.rng.choice(
            slots[m.group(1)]), template)
        text = re.sub(r"\s+([.,])", r"\1", " ".join(text.split()))
        return text[:1].upper() + text[1:]

    def free_text(self, profile: str) -> str:
        """A free text for a respondent of category `profile`: an opening, one to three sentences on
        distinct themes drawn with that category's weights, a closing; 5 % lower-cased, 5 % without accents."""
        spec = self.words["textes"]
        weights = spec["par_profil"].get(profile.strip(), spec["par_profil"]["Autre"])
        n = weighted_choice(self.rng, [1, 2, 3], spec["nombre_phrases"])
        themes = _sample(self.rng, list(weights), list(weights.values()), n)
        opening = self.rng.choice(spec["ouvertures"])
        body = " ".join(self.sentence(t) for t in themes)
        if opening.endswith((", ", ": ")) and not body[:2].isupper():
            body = body[:1].lower() + body[1:]
        text = opening + body
        text += self.rng.choice(spec["clotures"])
        roll = self.rng.random()
        return text.lower() if roll < 0.05 else strip_accents(text) if roll < 0.1 else text

    def missing(self) -> str:
        """The « missing datasets » answer: "" most of the time (1 − ``parts.manquantes``); else a base
        of the cartography, or a dataset of ``absentes`` that it lacks, sometimes lower-cased, mistyped or without
        accents."""
        parts = self.words["parts"]
        if self.rng.random() >= parts["manquantes"]:
            return ""
        if self.rng.random() < parts["manquante_dans_cartographie"]:
            return self.base()
        name = weighted_choice(self.rng, self.words["absentes"], self.words["absentes_poids"])
        roll = self.rng.random()
        return name.lower() if roll < 0.2 else typo(self.rng, name) if roll < 0.35 else strip_accents(
            name) if roll < 0.45 else name
