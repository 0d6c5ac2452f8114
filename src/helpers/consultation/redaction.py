"""Making respondents' text publishable: personal data masked, invisible characters removed, long texts
cut; respondent ids that are personal data replaced by keyed pseudonyms.

Every text of the consultation that leaves the project (CSV, XLSX, HTML) goes through `publishable`, and every
key derived from a text (the matching key of a dataset mention) is derived from the text without its personal
data (`without_personal_data`). Formula neutralisation is the writer's (helpers.core.tables), HTML escaping
helpers.render.html's (esc, table).

The masks run on a normalised copy of the text (Unicode NFKC, every space and dash character as « » and
« - »), so that a full-width « ＠ », a hair or no-break space, a non-breaking hyphen between digit pairs do not
hide a detail from them.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from functools import cache

import pandas as pd

from helpers.core.config import data_file, pseudonym_secret
from helpers.core.text import clean_text, cut_at_word

# Local part: the characters RFC 5322 allows unquoted (« a%b », « o'neil », « x+tag »), then a dotted domain.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# French social-security number (NIR): sex, year, month (or 20–99), department (2A/2B), commune, order, key.
NIR = re.compile(r"(?<!\d)[12][ .-]?\d{2}[ .-]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .-]?(?:\d{2}|2[AB])[ .-]?\d{3}"
                 r"[ .-]?\d{3}(?:[ .-]?\d{2})?(?!\d)")
# French phone numbers: 0X or +33 / 0033 (« (0) » or a stray 0 allowed after it), then four digit pairs, with
# or without separators (space, dot, dash, slash) and glued to words (« tel06… », « 06…ou »). The last three
# separators are the same one, so that a date and a time (« 01/04/2014 08 ») are not read as a number.
PHONE = re.compile(r"(?<!\d)(?:(?:\+|00) ?33[ ./-]?(?:\(0\)[ ./-]?|0)?[1-9]|0[1-9])"
                   r"(?:[ ./-]?\d{2}){2}([ ./-]?)\d{2}\1\d{2}(?!\d)")
# A text without « @ » (or its full-width and small forms) and without any digit holds none of the three.
MAY_BE_PERSONAL = re.compile(r"[@\uff20\ufe6b\d]")
# Every space (Unicode White_Space but the line break) and every dash (category Pd, and the minus sign).
SPACES = re.compile(r"[^\S\n]+")
DASHES = re.compile("[\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
                    "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead]")
# Invisible or direction-changing characters: controls (line breaks kept), format characters
# (bidi overrides, zero-width joiners…), surrogates, private use and unassigned code points.
REMOVED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
GAP = "\x00"  # where personal data was removed (REMOVED), until the words introducing it are removed too
REMOVED = dict.fromkeys(("courriel", "numero", "telephone"), GAP)  # personal data removed from a derived key


def strip_invisible(text: str) -> str:
    """Remove control, format (bidi, zero-width) and unassigned characters; keep line breaks."""
    if text.replace("\n", "").isprintable():  # fast path: nothing of the kind (nor any other separator)
        return text
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in REMOVED_CATEGORIES)


def normalise_for_masks(text: str) -> str:
    """`text` as the masks read it: Unicode NFKC (full-width « ＠ » and digits, no-break spaces…), invisible
    characters removed, every space character as « » and every dash (hyphens, en and em dashes, minus) as
    « - »."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    return DASHES.sub("-", SPACES.sub(" ", text))


def _masked(text: str, masks: dict[str, str]) -> str | None:
    """`text`, normalised, with e-mail addresses, NIR and phone numbers replaced by `masks` (keys courriel,
    numero, telephone), in that order; None when it holds none of them."""
    if not MAY_BE_PERSONAL.search(text):  # most answers: nothing to look for
        return None
    normalised = normalise_for_masks(text)
    masked = PHONE.sub(masks["telephone"], NIR.sub(masks["numero"], EMAIL.sub(masks["courriel"], normalised)))
    return None if masked == normalised else masked


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses, French social-security-like numbers (NIR) and French phone
    numbers replaced by the labels of ``publication.masques`` (``consultation.yml``), in that order.

    The masks read the normalised text (:func:`normalise_for_masks`); a text they find nothing in is returned
    as it is, one they mask is returned normalised."""
    masked = _masked(text, data_file("consultation.yml")["publication"]["masques"])
    return text if masked is None else masked


def without_personal_data(text: str) -> str:
    """`text` with its personal data (as :func:`mask_personal_data` finds them) removed rather than labelled, with
    the words that introduced them (``rapprochement.mots_contact`` and stop words, ``consultation.yml``: « Contact
    : », « merci de me tenir informé : »), spaces collapsed: what a key derived from the text (a dataset
    mention's matching key) may be built from, so that « …, causes de mortalité. Contact : x@y.fr » keys as the
    base's name and a mention that is only a phone number names no dataset."""
    removed = _masked(text, REMOVED)
    return text if removed is None else clean_text(_contact_label().sub(" ", removed).replace(GAP, " "))


@cache
def _contact_label() -> re.Pattern:
    """Words introducing contact details (``mots_contact``, stop words) and punctuation, right before a GAP."""
    rules = data_file("consultation.yml")
    said = sorted({*rules["rapprochement"]["mots_contact"], *(w for w in rules["textes"]["mots_vides"]
                                                              if isinstance(w, str))}, key=len, reverse=True)
    word = "|".join(re.escape(w) for w in said)
    return re.compile(rf"(?:(?<![^\W_])(?:{word})(?![^\W_])[\s.:,;()'’-]*)*{GAP}", re.IGNORECASE)


def without_personal_data_series(values: pd.Series) -> pd.Series:
    """:func:`without_personal_data` on a column (missing values stay missing), once per distinct value."""
    present = values.dropna()
    mapping = {v: without_personal_data(v) for v in pd.unique(present.astype(str))}
    return values.where(values.isna(), values.astype(str).map(mapping))


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word's end (``text.cut_at_word``), « … » appended when it was cut (so
    a cut text is at most `limit` + 1 characters); unchanged when it fits."""
    return text if len(text) <= limit else cut_at_word(text, limit) + "…"


def publishable(value: object, limit: int | None = None) -> str:
    """`value` made fit to publish: cleaned (``core.text.clean_text``), invisible characters out,
    personal data masked, then cut to `limit` characters (default ``publication.longueur_max`` of
    ``consultation.yml``); masking comes first, so a cut never reveals a partial address."""
    text = mask_personal_data(strip_invisible(clean_text(value)))
    return truncate(text, limit or data_file("consultation.yml")["publication"]["longueur_max"])


def publishable_series(values: pd.Series, limit: int | None = None) -> pd.Series:
    """`publishable` on a column, computed once per distinct value."""
    unique = pd.unique(values.astype(str))
    mapping = {v: publishable(v, limit) for v in unique}
    return values.astype(str).map(mapping)


def is_personal(value: str) -> bool:
    """The text holds an e-mail address, a French phone number or a social-security-like number (in any of the
    spellings :func:`mask_personal_data` reads)."""
    return _masked(value, REMOVED) is not None


PSEUDONYM_HEX = 12


def pseudonym(value: str, secret: bytes) -> str:
    """« P- » and the first 12 hex digits of HMAC-SHA256(`secret`, `value`)."""
    return "P-" + hmac.new(secret, value.encode("utf-8"), "sha256").hexdigest()[:PSEUDONYM_HEX]


def pseudonymise_ids(ids: pd.Series, secret: bytes | None = None) -> pd.Series:
    """Respondent ids fit to publish: when any id of the column is personal data (Google Forms uses the
    e-mail address), every id becomes its :func:`pseudonym` under `secret` (default: the project's secret,
    :func:`helpers.core.config.pseudonym_secret`, never published) — the same id giving the same pseudonym in
    every run of the project, and nothing published enough to recompute it; otherwise the ids as they are."""
    unique = pd.unique(ids.astype(str))
    if not any(is_personal(v) for v in unique):
        return ids
    key = pseudonym_secret() if secret is None else secret
    mapping = {v: pseudonym(v, key) for v in unique}
    return ids.astype(str).map(mapping)


def published_ids(ids: pd.Series) -> pd.Series:
    """The id column as published: pseudonyms (:func:`pseudonymise_ids`) as they are — masked as text, the
    12 hex digits of one looked like a phone number (« P-7c[téléphone masqué] ») —, other ids made
    :func:`publishable` (cut to 100 characters)."""
    shown = pseudonymise_ids(ids)
    return shown if shown is not ids else publishable_series(ids, 100)
