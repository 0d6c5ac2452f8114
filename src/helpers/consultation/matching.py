"""Dataset mentions matched to the cartography's bases, and what matches nothing grouped.

Mentions are cut from the answers by split_mentions: at line breaks and at the question's separator, but a
declared option (`options` of a datasets question: the names a checkbox list offered) is taken whole, longest
first, and what is left between options is one typed text (a comma kept); without options, a separator inside a
base name of the cartography never cuts it.

Each distinct mention key (mention_key) is matched once, so 100,000 answers cost no more than their distinct
spellings. A mention whose only distinctive word is, in any case, one acronym of the cartography, among common
French words (« l'échantillon entred », « la cohorte Cosmop », « le référentiel rass ») is keyed as that acronym:
a word of French (spaCy's lexicon, aliases.is_french_word) written as an acronym is one only in capitals, or
capitalised inside the mention (« la cohorte Elfe », not « taxe foncière »). Then:
0. a piece of a base name cut at « , », « / », « ; » or « | » that is no name on its own (« INCa/BVA… » of
   « Baromètres et études INCa/Ipsos, INCa/BVA… »): never accepted, « à vérifier » with that base (« partie d'un
   nom »);
1. an exact alias names one base: accepted (« alias exact »); it names several: « ambiguë »;
2. otherwise a fuzzy score against every alias (rapidfuzz, utils.default_process): the better of
   token_sort_ratio (typos, word order) and token_set_ratio (one name inside the other) scaled down
   by the length ratio (from ×0.8 to ×1), so that one shared word is not a match; best score per base:
   at or above `accepte` with no other base within `marge` points: accepted (« approché »);
   a close second base: « ambiguë », unless one reads word for word as the mention (token_sort_ratio
   at or above `accepte`, `marge` points ahead of the other);
   from `a_verifier` to `accepte`: « à vérifier »; below: unmatched. A mention holding an acronym of the
   cartography that does not name the best base is never accepted for it (« enquête big » is one letter from
   « Enquête IVG »): « à vérifier ».
A mention without any letter ("-1+1") is no mention of a dataset: mentions_table leaves it out (it
stays in the published answer). Only accepted mentions count as requests; the others are listed
for review with their candidates.
Unmatched mentions at least `regroupement` similar (same score) form one missing dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

from helpers.consultation.aliases import PARENTHESES, is_french_word, match_key, words
from helpers.core.config import data_file
from helpers.core.text import strip_accents

ACCEPTED, REVIEW, AMBIGUOUS, UNMATCHED = "rapprochee", "a_verifier", "ambigue", "non_rapprochee"
STATUS_LABELS = {ACCEPTED: "rapprochée", REVIEW: "à vérifier", AMBIGUOUS: "ambiguë",
                 UNMATCHED: "absente de la cartographie"}
RESULT_COLUMNS = ["cle", "statut", "methode", "base_id", "score", "candidats"]


LIST_MARKER = r"^(?:[-–—•*·]|\d{1,2}[.)])\s+"
LIST_MARKER_RE = re.compile(LIST_MARKER)
AND_RE = re.compile(r"\s+(?:et|ou|&)\s+", re.IGNORECASE)  # « A et B », « A ou B »
LIST_RE = re.compile(r"\s*/\s*|\s+\+\s+")  # « A / B », « A + B »
#: A bracketed aside (« PMSI (MCO, SSR) »): a comma there lists details of one mention, never two mentions.
BRACKETED = re.compile(r"\([^()]*\)")
HELD_COMMA = "\ue000"  # a private-use character: no respondent types it
NAME_CUTS = (",", "/", ";", "|")  # where a checkbox list may cut a base name


@dataclass(frozen=True)
class KnownNames:
    """What the cartography names, for cutting and keying mentions (``known_names``).

    `acronyms`: alias keys written as one acronym (``sigle`` of the alias table), except French words only written
    in capitals inside a name (« SIDA », « RADON »: emphasis, not an acronym), and one-word aliases that are no
    French word (« adeli » of « Répertoire Adeli »); `keys`: every alias key;
    `longest`: most words in an alias key; `bases`: alias key -> the base ids it names; `words`: base id -> the
    words of its name (``aliases.words``); `names`: every base's name as written, and without its parentheses;
    `pieces`: key of a piece of a base name cut at « , », « / », « ; » or « | » (two words at least) that is no
    alias -> the base ids whose name it is a piece of, joined by « | »; `producers`: base id -> the words of its
    producers' names (``gestionnaires``: « atih »)."""

    acronyms: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    longest: int = 0
    bases: dict[str, frozenset[str]] = field(default_factory=dict)
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    pieces: dict[str, str] = field(default_factory=dict)
    producers: dict[str, frozenset[str]] = field(default_factory=dict)


def known_names(bases: pd.DataFrame, aliases: pd.DataFrame) -> KnownNames:
    """The ``KnownNames`` of the cartography: `bases` is ``bases.csv`` (base_id, base, and gestionnaires when it
    has them), `aliases` its ``aliases.alias_table``."""
    keys = frozenset(aliases["cle"])
    producers = {base_id: frozenset(w for name in ([names] if isinstance(names, str) else names) for w in words(name))
                 for base_id, names in bases.drop_duplicates("base_id").set_index("base_id")
                 .get("gestionnaires", pd.Series(dtype=object)).items()}
    names, pieces, name_words = [], {}, {}
    for base_id, name in bases.drop_duplicates("base_id")[["base_id", "base"]].itertuples(index=False):
        name = " ".join(str(name).split())
        names += [name, " ".join(PARENTHESES.sub(" ", name).split())]
        name_words[base_id] = frozenset(words(name))
        for cut in NAME_CUTS:
            for piece in name.split(cut) if cut in name else []:
                key = match_key(piece)
                if len(key.split()) >= 2 and key not in keys and key != match_key(name):
                    pieces.setdefault(key, set()).add(base_id)
    bases_of = {key: frozenset(ids) for key, ids in aliases.groupby("cle")["base_id"]}
    # Capitals inside a name are not always an acronym: « … atteintes du SIDA (VESPA) », « exposition au RADON ».
    # A French word written so is an acronym of the base only when the name defines it in parentheses.
    emphasis = (aliases["source"] == "sigle dans le nom") & aliases["cle"].map(
        lambda k: is_french_word(k, inflected=False))
    # A one-word name that is no French word (« Répertoire Adeli », « Hospidiag ») is named alone as an acronym is.
    proper = ~aliases["cle"].str.contains(" ") & ~aliases["cle"].map(lambda k: is_french_word(k, inflected=False))
    return KnownNames(frozenset(aliases.loc[(aliases["sigle"] & ~emphasis) | proper, "cle"]), keys,
                      max((len(k.split()) for k in keys), default=0), bases_of, name_words, tuple(dict.fromkeys(names)),
                      {k: "|".join(sorted(v)) for k, v in pieces.items()}, producers)


def _word_key(text: str) -> str:
    return " ".join(words(text))


def _spans(names: dict[str, str], separator: str) -> dict[str, list[tuple[list[str], str]]]:
    """Key of a name's first part at `separator` -> [(keys of its parts, what to write)], most parts first."""
    out: dict[str, list[tuple[list[str], str]]] = {}
    for text, label in names.items():
        parts = [_word_key(p) for p in text.split(separator)]
        if parts[0]:
            out.setdefault(parts[0], []).append((parts, label))
    for candidates in out.values():
        candidates.sort(key=lambda c: -len(c[0]))
    return out


def _cut(line: str, separator: str, spans: dict, whole_rest: frozenset[str] | None,
         key_of: dict[str, str]) -> list[str]:
    """One line cut at `separator`, a run of parts that spells a name of `spans` kept as one mention (written as
    its label, or as typed when the label is None), longest first; the other parts are one mention each, or, with
    `whole_rest` (alias keys), one mention per run between names, written as typed (a typed « Autre » text keeps
    its comma), a part that is a name on its own (an alias key: an undeclared option) apart. `key_of` caches the
    parts' keys across cells (the same names come back in every answer)."""
    if not spans:
        return line.split(separator)
    atoms, start = [], 0
    for part in line.split(separator):
        atoms.append((start, start + len(part)))
        start += len(part) + len(separator)
    keys = []
    for a, b in atoms:
        part = line[a:b]
        if part not in key_of:
            key_of[part] = _word_key(part)
        keys.append(key_of[part])
    out, rest, i = [], [], 0
    while i < len(atoms):
        found = None
        for parts, label in spans.get(keys[i], []):
            if keys[i:i + len(parts)] == parts:
                found = (len(parts), label)
                break
        if found is None:
            rest.append(i)
            i += 1
            continue
        n, label = found
        out += _rest(line, atoms, rest, whole_rest)
        out.append(label if label is not None else line[atoms[i][0]:atoms[i + n - 1][1]])
        rest, i = [], i + n
    return out + _rest(line, atoms, rest, whole_rest)


def _rest(line: str, atoms: list[tuple[int, int]], rest: list[int], whole: frozenset[str] | None) -> list[str]:
    """The parts `rest` (consecutive atoms) as mentions: each alone, or (`whole`) a part that is a name on its own
    alone and the runs of other parts kept as typed."""
    if whole is None:
        return [line[atoms[i][0]:atoms[i][1]] for i in rest]
    out, run = [], []
    for i in [*rest, None]:
        alone = i is not None and match_key(line[atoms[i][0]:atoms[i][1]]) in whole
        if (i is None or alone) and run:
            out.append(line[atoms[run[0]][0]:atoms[run[-1]][1]])
            run = []
        if alone:
            out.append(line[atoms[i][0]:atoms[i][1]])
        elif i is not None:
            run.append(i)
    return out


def _names_joined(mention: str, known: KnownNames) -> list[str]:
    """« pmsi et la base ADELI » -> [« pmsi », « la base ADELI »] when each side of its « et » (« ou », « & ») is
    a name of `known` (an alias key, ``mention_key``), holds one of its acronyms (« Pmsi MCO et adeli ») or names a
    producer of its bases (« CepiDC et Pmsi ») and the whole is not a name; else [`mention`]. « / » and « + » list
    things: they cut when one side at least is a name or holds an acronym (« FINESS / SNDS », « DCIR / Fichier
    national des établissements sanitaires et sociaux »), each side then cut at its « et » by the rule above."""
    if mention_key(mention, known) in known.keys:
        return [mention]
    sides = LIST_RE.split(mention)
    if len(sides) > 1:
        parts = [part for side in sides for part in _and_joined(side, known)]
        if any(_named(mention_key(part, known), known, producers=False) for part in parts):
            return parts
    return _and_joined(mention, known)


def _and_joined(text: str, known: KnownNames) -> list[str]:
    sides = AND_RE.split(text)
    if len(sides) < 2 or mention_key(text, known) in known.keys:
        return [text]
    return sides if all(_named(mention_key(side, known), known) for side in sides) else [text]


def _named(key: str, known: KnownNames, producers: bool = True) -> bool:
    """The key is a name of `known`, holds one of its acronyms or (`producers`) names a producer of its bases."""
    return (key in known.keys or not known.acronyms.isdisjoint(key.split())
            or (producers and bool(_producer_bases(key, known))))


def split_mentions(values: pd.Series, separator: str | None, known: KnownNames | None = None,
                   options: tuple[tuple[str, str], ...] = ()) -> pd.Series:
    """One mention per element (index kept): cut at line breaks and at the question's separator, each without
    the list marker a respondent typed before it (« - », « • », « 1. »: « une par ligne » answers). Without
    `options`, a « ; » cuts too, whatever the separator, unless a name of `known` holds one: respondents type lists
    with it (« pmsi ; RPPS »). A mention « A et B » (« ou », « & ») is two when each side is a name of `known` on
    its own, holds one of its acronyms or names a producer, and the whole is not (« pmsi et la base ADELI »,
    « Pmsi MCO et adeli »); « A / B » (« + ») when one side is a name or holds an acronym (``_names_joined``);
    « et » inside a name never cuts it. Without `options`, a
    « , » cuts too, whatever the separator (« Adeli, le fichier Finess, le snds »), except inside brackets
    (« PMSI (MCO, SSR) ») or inside a name of `known` that holds one.

    With `options` (the question's declared (code, label) pairs), a line is cut by matching them, longest first,
    and written as their labels; what lies between them is one typed text (a part that is a name of `known` on
    its own apart: an undeclared option). Without, a separator inside a name of `known` (the cartography's
    names) never cuts it. Each distinct cell is cut once."""
    text = values.fillna("").astype(str)
    if separator == "," and not options:
        separator = None  # the comma cut below, which keeps brackets whole
    if options:
        names = {code: label for code, label in options} | {label: label for _, label in options}
    else:
        names = {name: None for name in (known.names if known else ()) if separator and separator in name}
    # A name cut at the separator: each part compared by its words, so « a,b » and « a, b » are one name.
    separator = separator or "\n"  # options without a separator: a line is one list of them
    whole = (known.keys if known else frozenset()) if options else None
    spans = _spans(names, separator)
    commas = None if options else _spans({n: None for n in (known.names if known else ()) if "," in n}, ",")
    cells, key_of = {}, {}
    semicolon = not options and separator != ";" and not any(";" in name for name in (known.names if known else ()))
    lines = re.compile(r"[\n;]" if semicolon else r"\n")
    for cell in pd.unique(text):
        parts = []
        for line in lines.split(cell):
            pieces = _cut(line, separator, spans, whole, key_of)
            if commas is not None:
                pieces = [p for piece in pieces for p in _comma_cut(piece, commas, key_of)]
            parts += [LIST_MARKER_RE.sub("", p.strip()) for p in pieces]
        if known is not None and not options:
            parts = [name for part in parts for name in _names_joined(part, known)]
        cells[cell] = [p for p in parts if p] or [""]
    parts = text.map(cells).explode()
    return parts[parts.str.len() > 0]


def _comma_cut(piece: str, commas: dict, key_of: dict[str, str]) -> list[str]:
    """`piece` cut at « , » (``_cut``), except inside brackets and inside a name of `commas` (``_spans``)."""
    if "," not in piece:
        return [piece]
    held = BRACKETED.sub(lambda m: m.group().replace(",", HELD_COMMA), piece)
    return [p.replace(HELD_COMMA, ",") for p in _cut(held, ",", commas, None, key_of)]


def _exact(keys: list[str], aliases: pd.DataFrame) -> dict[str, dict]:
    by_key = aliases.groupby("cle")["base_id"].apply(lambda s: sorted(set(s)))
    out = {}
    for key in keys:
        if key in by_key.index:
            bases = by_key[key]
            status = ACCEPTED if len(bases) == 1 else AMBIGUOUS
            out[key] = {"cle": key, "statut": status, "methode": "alias exact", "score": 100.0,
                        "base_id": bases[0] if len(bases) == 1 else "", "candidats": "|".join(bases)}
    return out


def similarity_and_order(queries: list[str], choices: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Two scores 0–100 (uint8, rows: queries, columns: choices), each rapidfuzz pair scored once: the
    similarity (the better of ``token_sort_ratio`` and ``token_set_ratio`` scaled down by up to 20 % as the
    shorter text is shorter than the longer) and the word-for-word score alone (``token_sort_ratio``)."""
    options = {"processor": utils.default_process, "dtype": np.float32, "workers": -1}
    ordered = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, **options)
    contained = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, **options)
    q = np.array([len(utils.default_process(x)) for x in queries], dtype=np.float32)[:, None]
    c = np.array([len(utils.default_process(x)) for x in choices], dtype=np.float32)[None, :]
    scale = 0.8 + 0.2 * np.minimum(q, c) / np.maximum(np.maximum(q, c), 1)
    return np.rint(np.maximum(ordered, contained * scale)).astype(np.uint8), np.rint(ordered).astype(np.uint8)


def similarity(queries: list[str], choices: list[str]) -> np.ndarray:
    """The similarity of :func:`similarity_and_order` alone."""
    return similarity_and_order(queries, choices)[0]


def _per_base(scores: np.ndarray, choices: list[str], aliases: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Best score per base: columns of `scores` are alias keys, each alias names one or several bases."""
    pairs = aliases[["cle", "base_id"]].drop_duplicates().sort_values("base_id", kind="stable")
    base_ids, starts = np.unique(pairs["base_id"].to_numpy(dtype=object), return_index=True)
    columns = pairs["cle"].map({key: i for i, key in enumerate(choices)}).to_numpy(dtype=np.intp)
    return np.maximum.reduceat(scores[:, columns], starts, axis=1), base_ids.tolist()


def _fuzzy(keys: list[str], aliases: pd.DataFrame, known: KnownNames | None = None) -> list[dict]:
    rules = data_file("consultation.yml")["rapprochement"]
    margin = rules["marge"]
    choices = sorted(aliases["cle"].unique())
    scores, word_order = similarity_and_order(keys, choices)
    per_base, base_ids = _per_base(scores, choices, aliases)
    in_order, _ = _per_base(word_order, choices, aliases)
    rows = []
    for i, key in enumerate(keys):
        order = np.argsort(-per_base[i].astype(int), kind="stable")[:2]
        best, second = (int(per_base[i, j]) for j in order) if len(order) == 2 else (int(per_base[i, 0]), 0)
        row = {"cle": key, "score": float(best), "base_id": "", "candidats": "", "methode": "approché"}
        # A close second base is ambiguous unless word for word (token_sort_ratio) one is clearly closer:
        # "… Volet Produits de conraste" is inside both "Volet" names, but reads as only one of them.
        close = second > 0 and best - second < margin
        if close and len(order) == 2:
            words = sorted(order, key=lambda j: -int(in_order[i, j]))
            first_words, second_words = int(in_order[i, words[0]]), int(in_order[i, words[1]])
            if first_words >= rules["accepte"] and first_words - second_words >= margin:
                close, order = False, words
        if best < rules["a_verifier"]:
            row.update(statut=UNMATCHED, methode="", score=float(best) if best else np.nan)
        elif close:
            near = [base_ids[j] for j in np.flatnonzero(per_base[i] > best - margin)]
            row.update(statut=AMBIGUOUS, candidats="|".join(near))
        else:
            accepted = best >= rules["accepte"] and not _names_another(key, base_ids[order[0]], known)
            row.update(statut=ACCEPTED if accepted else REVIEW, candidats=base_ids[order[0]])
            row["base_id"] = base_ids[order[0]] if accepted else ""
        rows.append(row)
    return rows


def _pieces(keys: list[str], known: KnownNames | None) -> dict[str, dict]:
    """Keys that are only a piece of a base name (``KnownNames.pieces``): for review with that base, never counted."""
    pieces = known.pieces if known else {}
    return {k: {"cle": k, "statut": REVIEW, "methode": "partie d'un nom", "base_id": "", "score": np.nan,
                "candidats": pieces[k]} for k in keys if k in pieces}


def _names_another(key: str, base_id: str, known: KnownNames | None) -> bool:
    """The key holds an acronym of the cartography that neither names `base_id` nor is in its name: a close score
    is then a slip between two acronyms (« enquête big », BIG, is one letter from « Enquête IVG »), never
    accepted."""
    if known is None:
        return False
    return any(base_id not in known.bases[w] and w not in known.words.get(base_id, ()) for w in key.split()
               if w in known.acronyms)


def match_keys(keys: list[str], aliases: pd.DataFrame, known: KnownNames | None = None) -> pd.DataFrame:
    """One row per distinct key: statut, methode, base_id (accepted only), score, candidats (base ids joined by
    « | »). With `known`, a key that is only a piece of a base name is listed for review, never accepted."""
    keys = sorted(set(keys))
    exact = _exact(keys, aliases)
    pieces = _pieces([k for k in keys if k not in exact], known)
    wordless = [{"cle": k, "statut": UNMATCHED, "methode": "", "base_id": "", "score": np.nan, "candidats": ""}
                for k in keys if k not in exact and not any(c.isalpha() for c in k)]
    done = set(exact) | set(pieces) | {row["cle"] for row in wordless}
    rest = [k for k in keys if k not in done]
    rows = list(exact.values()) + list(pieces.values()) + wordless + (_fuzzy(rest, aliases, known) if rest else [])
    for row in rows:
        if row["statut"] == UNMATCHED and (managed := _producer_bases(row["cle"], known)):
            row.update(statut=REVIEW if len(managed) == 1 else AMBIGUOUS, methode="gestionnaire",
                       candidats="|".join(managed), score=np.nan)
    return pd.DataFrame(rows, columns=RESULT_COLUMNS).sort_values("cle").reset_index(drop=True)


def _producer_bases(key: str, known: KnownNames | None) -> list[str]:
    """The bases whose producer the key names (« cepidc », « les données de la CNAMTS ») when its every word
    that is neither common nor French is a word of their producers' names: the mention is in the cartography but
    names no base of it, so it is listed for review with them, never counted nor « absente »; [] otherwise."""
    if known is None:
        return []
    own = {w for w in key.split() if w not in _common_words() and not is_french_word(w)}
    return sorted(b for b, words in known.producers.items() if own and own <= words)


WRITTEN_WORD = re.compile(r"[^\W_]+")
HYPHENATED = re.compile(r"(?<![^\W_])([^\W_]+)-([^\W_]+)(?![^\W_])")
DOTTED = re.compile(r"(?<![^\W_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W_])")  # « P.M.S.I. », not « M. Dupont »


def _as_acronym(written: str, first: bool) -> bool:
    """A French word names an acronym only written as one: in capitals, or capitalised inside the mention."""
    return (sum(c.isupper() for c in written) >= 2) or (written[:1].isupper() and not first)


@cache
def _excluded_acronyms() -> frozenset[str]:
    """The acronyms that are no base's alias (``rapprochement.sigles_exclus``), as words (``aliases.words``)."""
    return frozenset(w for text in data_file("consultation.yml")["rapprochement"]["sigles_exclus"] for w in words(text))


@cache
def _common_words() -> frozenset[str]:
    """Generic words of the keys and stop words of the free texts (consultation.yml), without accents."""
    rules = data_file("consultation.yml")
    return frozenset({*rules["rapprochement"]["mots_generiques"],
                      *(strip_accents(w) for w in rules["textes"]["mots_vides"] if isinstance(w, str))})


def sole_acronym(mention: str, known: KnownNames) -> str | None:
    """The key of the one acronym of the cartography (`known`) that `mention` names among common words only, or
    None. Every other word must be a generic or stop word (``mots_generiques``, ``textes.mots_vides``), a number,
    a word of the name of a producer of the acronym's base (« le PMSI de l'ATIH »), an excluded acronym that is
    no producer's (``sigles_exclus``: a field, « PMSI (MCO, SSR) ») or a common French word
    (``aliases.is_french_word``) that is not itself a name of the cartography, nor part of one with its
    neighbours, nor (two words or more) another base's name (token_sort_ratio at least ``accepte``: « ENTRED
    baromètre santé » names two bases; « répertoire RPPS des médecins » one, though « répertoire des
    médicaments » is a name); an acronym that is a French word counts
    only written as an acronym (``_as_acronym``: « la cohorte Elfe », never « la taxe foncière »)."""
    generic = _common_words() | _contact_words()  # « Adeli — merci de me tenir informé : … »
    tokens = [(w, k, n == 0) for n, w in enumerate(WRITTEN_WORD.findall(mention)) for k in words(w)]
    found = {k for w, k, first in tokens if k in known.acronyms
             and (not is_french_word(k, inflected=False) or _as_acronym(w, first))}
    if len(found) != 1:
        return None
    acronym = found.pop()
    own = frozenset().union(*(known.producers.get(b, frozenset()) for b in known.bases[acronym]))
    rest = [k for _, k, _ in tokens if k != acronym and k not in generic]
    # An excluded acronym that is no producer's is a field or a nomenclature (« PMSI MCO », « PMSI (MCO, SSR) »).
    fields = _excluded_acronyms() - frozenset().union(*known.producers.values())
    if not all(k.isdigit() or len(k) == 1 or k in own or k in fields or (is_french_word(k) and k not in known.acronyms)
               for k in rest):
        return None
    spans = {" ".join(rest[i:j]) for i in range(len(rest)) for j in range(i + 1, min(len(rest), i + known.longest) + 1)}
    if spans & known.keys:
        return None
    if len(rest) >= 2:
        cutoff = data_file("consultation.yml")["rapprochement"]["accepte"]
        close = process.extract(" ".join(rest), list(known.bases), scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                                limit=None)
        if any(known.bases[key] - known.bases[acronym] for key, _, _ in close):
            return None
    return acronym


def undotted(text: str) -> str:
    """`text` with its acronyms written with dots joined up: « P.M.S.I. », « s.n.i.i.r.a.m » -> « PMSI »,
    « sniiram » (« M. Dupont » is left alone: one letter)."""
    return DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


def mention_key(mention: str, known: KnownNames | None = None) -> str:
    """The comparison key of a mention (``aliases.match_key``, acronyms written with dots joined up: ``undotted``,
    and with `known`, an acronym of the cartography cut by a hyphen: « SNIIR-AM »);
    with the cartography's `known` names, a mention that names one of its acronyms among common words only
    (``sole_acronym``) is keyed as that acronym, so that it meets its exact alias — unless the whole mention is an
    alias itself."""
    mention = undotted(mention)
    if known is not None and "-" in mention:  # « le SNIIR-AM »: an acronym of the cartography cut by a hyphen
        mention = HYPHENATED.sub(lambda m: m.group(1) + m.group(2) if "".join(words(m.group(1) + m.group(2)))
                                 in known.acronyms else m.group(0), mention)
    key = match_key(mention)
    if known is None or key in known.keys or " " not in key:
        return key
    return sole_acronym(mention, known) or key


def mentions_table(answers: pd.DataFrame, questions: list, known: KnownNames | None = None) -> pd.DataFrame:
    """One row per (answer, question, mention): numero, question, mention (as written, or the declared option),
    cle (``mention_key``); cut and keyed with the cartography's `known` names when given (``split_mentions``)."""
    frames = []
    for question in questions:
        parts = split_mentions(answers[question.id], question.separator, known, question.options)
        frame = pd.DataFrame({"numero": answers.loc[parts.index, "numero"].to_numpy(), "question": question.id,
                              "mention": parts.to_numpy()})
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["numero", "question",
                                                                                     "mention"])
    unique = pd.unique(table["mention"])
    table["cle"] = table["mention"].map({m: mention_key(m, known) for m in unique}).astype(object)  # empty: no float
    # A mention without any letter ("-1+1"), an answer naming no data (« je ne sais pas », « tout ») or made of
    # common words only names no dataset: it stays in the answer, not in the lists.
    rules = data_file("consultation.yml")["rapprochement"]
    named = (table["cle"].str.contains(r"[a-z]", regex=True) & ~table["cle"].isin(non_answer_keys())
             & ~table["cle"].map(_names_nothing).astype(bool))
    long_enough = table["cle"].str.len() >= rules["longueur_min"]
    return table[named & long_enough].reset_index(drop=True)


def _names_nothing(key: str) -> bool:
    """True when the comparison key `key` is only common words (``_common_words``: « Nous » of « Nous, membres
    du collectif, demandons… ») and words introducing contact details (``mots_contact``: what is left of
    « contact : x@y.fr » or « écrire à x@y.fr ou 06… » once they are removed)."""
    return set(key.split()) <= _contact_words() | _common_words()


@cache
def _contact_words() -> frozenset[str]:
    return frozenset(w for text in data_file("consultation.yml")["rapprochement"]["mots_contact"] for w in words(text)
                     if len(w) > 1)


@cache
def non_answer_keys() -> frozenset[str]:
    """The comparison keys (``match_key``) of the answers that say nothing: « je ne sais pas », « rien »,
    « tout », « test »… (``rapprochement.non_reponses`` of ``consultation.yml``)."""
    return frozenset(match_key(text) for text in data_file("consultation.yml")["rapprochement"]["non_reponses"])


def says_nothing(texts: pd.Series) -> pd.Series:
    """True for each text of `texts` that is one of the ``non_answer_keys`` (case, accents and punctuation
    ignored); only short texts are keyed (the longest non-answer is a few words)."""
    longest = max(len(t) for t in data_file("consultation.yml")["rapprochement"]["non_reponses"]) + 10
    short = pd.unique(texts[texts.str.len() <= longest])
    keys = non_answer_keys()
    return texts.map({t: match_key(t) in keys for t in short}).eq(True)


def group_unmatched(counts: pd.DataFrame) -> pd.Series:
    """Group id (M001…) per unmatched key: the most requested key leads, similar keys join it."""
    threshold = data_file("consultation.yml")["rapprochement"]["regroupement"]
    ordered = counts.sort_values(["n_repondants", "cle"], ascending=[False, True])["cle"].tolist()
    if not ordered:
        return pd.Series(dtype=str)
    similar = similarity(ordered, ordered) >= threshold
    group = [""] * len(ordered)
    n = 0
    for i in range(len(ordered)):
        if group[i]:
            continue
        n += 1
        for j in np.flatnonzero(similar[i]):
            if not group[j]:
                group[j] = f"M{n:03d}"
    return pd.Series(group, index=ordered)
