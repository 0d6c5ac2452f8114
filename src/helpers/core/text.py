"""Text normalisation shared by every module: compare normalised, keep the raw text."""

from __future__ import annotations

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
