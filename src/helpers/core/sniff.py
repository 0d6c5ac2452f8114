"""The one CSV sniffer of the project: text encoding and field separator of a delimited export.

Used by the cartography reader (helpers.cartography.reading) and the consultation reader
(helpers.consultation.answers), so that both accept the same files and refuse the same ones.
Encodings tried: UTF-8 (with or without BOM), then cp1252 (what Excel for Windows writes in France).
Separators tried: « , », « ; », tab; the one kept is the one whose header row holds the most of the
expected headers, then the one that splits the header into the most fields, then the one the caller
expects (a platform preset's), then « , » (csv.Sniffer is not used: it guesses from quote characters and fails
on one-column or heavily quoted files). A NUL byte is named with its line: UTF-16 (a BOM, or every other byte
NUL), a spreadsheet or archive saved under a .csv name, or one damaged byte in a text file.
"""

from __future__ import annotations

import codecs
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

    `encoding` forces one codec (its failure names the byte and line). NUL bytes (``nul_byte_problem``) and
    bytes that neither UTF-8 nor cp1252 decode raise `error` (a CartoError subclass) naming the file.
    """
    problem = nul_byte_problem(data)
    if problem:
        raise error(path, problem)
    for candidate in [encoding] if encoding else ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            if encoding:
                line = data[: exc.start].count(b"\n") + 1
                raise error(path, f"n'est pas encodé en {encoding} (octet {data[exc.start]:#04x}, ligne "
                                  f"{line}) ; corrigez format.encoding du questionnaire") from None
    raise error(path, "encodage non reconnu (ni UTF-8 ni cp1252)")


SIGNATURES = {b"PK\x03\x04": "un classeur XLSX ou ODS (archive ZIP)", b"\xd0\xcf\x11\xe0": "un classeur Excel 97 (XLS)",
              b"%PDF": "un PDF", b"\x89PNG": "une image PNG", b"\xff\xd8\xff": "une image JPEG",
              b"GIF8": "une image GIF"}


def nul_byte_problem(data: bytes) -> str | None:
    """Why `data` holds a NUL byte, in French, or None when it holds none: UTF-16 text (BOM, or NUL in every
    other byte), a spreadsheet, archive or PDF under a CSV name, else the line and position of the first NUL
    (one damaged byte: a text export never writes one)."""
    first = data.find(b"\x00")
    if first < 0:
        return None
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            fix = "donnez-lui son extension (.xlsx, .ods)" if "classeur" in what else "donnez le bon fichier"
            return f"n'est pas un CSV mais {what} : {fix}, ou exportez en CSV"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:4096].count(b"\x00") * 3 > min(
            len(data), 4096):
        return "encodé en UTF-16 (octets nuls un sur deux) : exportez en CSV UTF-8, ou en XLSX"
    line = data[:first].count(b"\n") + 1
    column = first - (data.rfind(b"\n", 0, first) + 1) + 1
    return (f"un octet nul ligne {line} (caractère {column}) : le fichier est abîmé ou mal converti ; retirez ce "
            "caractère ou exportez à nouveau")


def header_fields(text: str, separator: str) -> list[str]:
    """The first record of `text` split at `separator` (quoted fields and line breaks honoured)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])


def expected_found(text: str, separator: str, expected: Iterable[str]) -> int:
    """How many of the `expected` headers (case and spaces ignored) the header of `text` holds when split
    at `separator`."""
    return len({comparison_key(h) for h in expected} & {comparison_key(h) for h in header_fields(text, separator)})


def sniff_separator(text: str, expected: Iterable[str] = (), preferred: str | None = None) -> str:
    """The separator whose header holds the most `expected` headers (case and spaces ignored), then the
    one giving the most header fields; then `preferred` (what the platform writes), then « , »."""
    expected = list(expected)

    def fit(separator: str) -> tuple[int, int, bool, bool]:
        return (expected_found(text, separator, expected), len(header_fields(text, separator)),
                separator == preferred, separator == ",")

    return max(SEPARATORS, key=fit)
