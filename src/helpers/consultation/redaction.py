"""Making respondents' text publishable: personal data masked, invisible characters removed, long texts
cut, and spreadsheet formulas neutralised.

Every text of the consultation that leaves the project (CSV, XLSX, HTML) goes through `publishable`;
every string cell of a consultation table goes through `neutralise_formulas` before it is written.
HTML escaping is left to helpers.render.html (esc, table), which every report uses.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

from helpers.core.config import data_file
from helpers.core.text import clean_text

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French social-security number (NIR): sex, year, month (or 20–99), department (2A/2B), commune, order, key.
NIR = re.compile(r"(?<![\w])[12][ .-]?\d{2}[ .-]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .-]?(?:\d{2}|2[AB])[ .-]?\d{3}"
                 r"[ .-]?\d{3}(?:[ .-]?\d{2})?(?![\w])")
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .-]?(?:\(0\))?[ .-]?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}(?![\w])")
DIGIT = re.compile(r"\d")
# Characters a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Invisible or direction-changing characters: controls (line breaks kept), format characters
# (bidi overrides, zero-width joiners…), surrogates, private use and unassigned code points.
REMOVED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def strip_invisible(text: str) -> str:
    """Remove control, format (bidi, zero-width) and unassigned characters; keep line breaks."""
    if text.replace("\n", "").isprintable():  # fast path: nothing of the kind (nor any other separator)
        return text
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in REMOVED_CATEGORIES)


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses, French social-security-like numbers (NIR) and French phone
    numbers replaced by the labels of ``publication.masques`` (``consultation.yml``), in that order."""
    masks = data_file("consultation.yml")["publication"]["masques"]
    # Cheap guards: an e-mail needs « @ », the two numbers need digits (most answers have neither).
    if "@" in text:
        text = EMAIL.sub(masks["courriel"], text)
    if DIGIT.search(text):
        text = NIR.sub(masks["numero"], text)
        text = PHONE.sub(masks["telephone"], text)
    return text


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, trailing spaces dropped and « … » appended when it was cut (so a cut
    text is at most `limit` + 1 characters); unchanged when it fits."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


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


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR: OWASP
    « CSV injection ») gets a leading apostrophe; any other value is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of the table, neutralised (numbers and booleans are left as they are)."""
    out = frame.copy(deep=False)  # copy-on-write: only the columns changed below are copied
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column]
            risky = values.astype(str).str.startswith(FORMULA_START) & values.notna()
            if risky.any():
                out[column] = values.where(~risky, "'" + values.astype(str))
    return out


def is_personal(value: str) -> bool:
    """The text holds an e-mail address, a French phone number or a social-security-like number."""
    return bool(EMAIL.search(value) or PHONE.search(value) or NIR.search(value))


def pseudonymise_ids(ids: pd.Series, salt: str) -> pd.Series:
    """Respondent ids fit to publish: when any id of the column is personal data (Google Forms uses the
    e-mail address), every id becomes « P- » and 12 hex digits of sha256(salt, id) — stable for one export
    (the salt is its sha256), the same id giving the same pseudonym; otherwise the ids as they are."""
    unique = pd.unique(ids.astype(str))
    if not any(is_personal(v) for v in unique):
        return ids
    mapping = {v: "P-" + hashlib.sha256(f"{salt}\x1f{v}".encode()).hexdigest()[:12] for v in unique}
    return ids.astype(str).map(mapping)
