"""The one CSV sniffer of the project: text encoding and field separator of a delimited export.

Used by the cartography reader (helpers.cartography.reading) and the consultation reader
(helpers.consultation.answers), so that both accept the same files and refuse the same ones.
Encodings tried: UTF-8 (with or without BOM), then cp1252 (what Excel for Windows writes in France).
Separators tried: « , », « ; », tab; the one kept is the one whose header row holds the most of the
expected headers, then the one that splits the header into the most fields (csv.Sniffer is not used:
it guesses from quote characters and fails on one-column or heavily quoted files).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from helpers.core.errors import CartoError
from helpers.core.text import comparison_key

ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig also reads UTF-8 without BOM
SEPARATORS = (",", ";", "\t")


def decode_text(path: Path, data: bytes, error: type[CartoError], encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes.

    `encoding` forces one codec (its failure names the byte and line). Binary content or UTF-16 (NUL
    bytes) and bytes that neither UTF-8 nor cp1252 decode raise `error` (a CartoError subclass) naming
    the file.
    """
    if b"\x00" in data[:4096]:
        raise error(path, "contenu binaire ou UTF-16 : exportez en CSV UTF-8 ou cp1252, ou en XLSX")
    for candidate in [encoding] if encoding else ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            if encoding:
                line = data[: exc.start].count(b"\n") + 1
                raise error(path, f"n'est pas encodé en {encoding} (octet {data[exc.start]:#04x}, ligne "
                                  f"{line}) ; corrigez format.encoding du questionnaire") from None
    raise error(path, "encodage non reconnu (ni UTF-8 ni cp1252)")


def header_fields(text: str, separator: str) -> list[str]:
    """The first record of `text` split at `separator` (quoted fields and line breaks honoured)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])


def sniff_separator(text: str, expected: Iterable[str] = ()) -> str:
    """The separator whose header holds the most `expected` headers (case and spaces ignored), then the
    one giving the most header fields; « , » on a tie."""
    wanted = {comparison_key(h) for h in expected}

    def fit(separator: str) -> tuple[int, int]:
        header = header_fields(text, separator)
        return len(wanted & {comparison_key(h) for h in header}), len(header)

    return max(SEPARATORS, key=fit)
