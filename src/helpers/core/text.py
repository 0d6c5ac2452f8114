"""Text normalisation shared by every module: compare normalised, keep the raw text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-"})


def clean_text(value: object) -> str:
    """Readable text: NFC, no-break spaces and runs of spaces collapsed, line breaks kept.

    Each line is stripped; empty leading/trailing lines are dropped.
    """
    if value is None:
        return ""
    if isinstance(value, str) and _already_clean(value):
        return value  # most cells: cheap C-level checks instead of the regex work below
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n").strip()


def _already_clean(value: str) -> bool:
    """True when clean_text would return `value` unchanged: printable (no line break, tab, no-break or other
    special space: Python counts them as unprintable), no double or edge space, NFC."""
    return (value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " "
            and (value.isascii() or unicodedata.is_normalized("NFC", value)))


def cut_at_word(text: str, width: int) -> str:
    """The first `width` characters of `text`, back to the end of its last whole word when one ends in the second
    half (« possibles » is not cut to « possible »), without trailing spaces or punctuation."""
    head = text[: width + 1]
    space = head.rfind(" ")
    head = head[:space] if space > width // 2 else head[:width]
    return head.rstrip(" ,;:–-")


def comparison_key(value: object) -> str:
    """Key for equality tests: clean_text, one line, case-folded, unified apostrophes and dashes."""
    text = clean_text(value).replace("\n", " ")
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    return _SPACES.sub(" ", text).casefold().strip()


def strip_accents(value: str) -> str:
    """`value` without its combining marks (NFD decomposition): « Santé publique » → « Sante publique »."""
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def loose_key(value: object) -> str:
    """Key that also ignores accents and inner spaces (for typos like "Non ex ploitable")."""
    return re.sub(r"[\s']", "", strip_accents(comparison_key(value)))


def slugify(value: object) -> str:
    """A file-name-safe identifier: lowercase ASCII letters and digits joined by « - »
    (« Agence régionale de santé » → ``agence-regionale-de-sante``); ``sans-nom`` when nothing is left."""
    text = strip_accents(comparison_key(value))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "sans-nom"


def identity_key(value: object) -> str:
    """Key of what a name identifies (a producer, a base): :func:`comparison_key` without accents, every run
    of punctuation, dashes and spaces read as one space (« ORS-BRETAGNE », « ORS Bretagne » → ``ors bretagne``).
    Letters of any script are kept."""
    return re.sub(r"[\W_]+", " ", strip_accents(comparison_key(value))).strip()


STEM_MAX = 60  # characters of slug kept in a file name derived from data (file_stems)
STEM_DIGITS = 8  # hexadecimal digits of the value's SHA-256 appended when the slug is cut or shared


def file_stems(values: list[str], max_length: int = STEM_MAX) -> dict[str, str]:
    """Distinct, bounded file-name stems for data values (one report per value: a fiche per producer).

    A value keeps its :func:`slugify` (« ORS Bretagne » → ``ors-bretagne``) when that fits in `max_length`
    characters and no other value of `values` has the same stem; otherwise — a long name, or two values
    whose slugs coincide (« ORS Bretagne », « ORS-BRETAGNE ») — its slug cut at `max_length`, « - » and the
    first 8 hexadecimal digits of the SHA-256 of the exact value (4 more at a time while two still coincide).
    Stems are ASCII ``[a-z0-9-]`` of at most `max_length` + 9 characters (+ digits only on a digest
    collision): no file name derived from data, with its suffixes (``.erreur.html``) and the atomic write's
    temporary name, nears the file systems' 255-byte limit. The full value stays in the page.

    Returns {value: stem} for the distinct values, in order; two values never share a stem.
    """
    distinct = list(dict.fromkeys(values))
    slugs = {v: slugify(v) for v in distinct}
    digests = {v: hashlib.sha256(v.encode("utf-8")).hexdigest() for v in distinct}
    digits = {v: STEM_DIGITS if len(slugs[v]) > max_length else 0 for v in distinct}

    def stem(value: str) -> str:
        if not digits[value]:
            return slugs[value]
        return f"{slugs[value][:max_length].rstrip('-')}-{digests[value][:digits[value]]}"

    while True:
        by_stem: dict[str, list[str]] = {}
        for value in distinct:
            by_stem.setdefault(stem(value), []).append(value)
        clashes = [group for group in by_stem.values() if len(group) > 1]
        if not clashes:
            return {value: stem(value) for value in distinct}
        for group in clashes:
            for value in group:
                digits[value] = digits[value] + 4 if digits[value] else STEM_DIGITS
