"""Bounded reading of zip packages (ODS, XLSX): their inflated size is checked before any reader opens them.

A spreadsheet package is a zip whose XML members can inflate a thousand times (an ODS of 2.3 MB can hold a
content.xml of 2.24 GB, read with 2.5 GB of memory). The members' sizes declared in the package are summed
first (a cheap refusal), then each member is inflated for real, counting bytes and keeping none, stopping at
the bound: a package may declare sizes it does not hold, and readers (python-calamine) trust the stream.
The bound comes from ``entrees.yml`` (``CARTO_SANTE_MAX_INFLATED_MB`` changes it).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from helpers.core.config import ENV_MAX_INFLATED_MB, max_inflated_bytes
from helpers.core.errors import CartoError
from helpers.core.formats import decimal

CHUNK = 1 << 16
LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # zip local file header (APPNOTE 4.3.7), 30 bytes
LOCAL_SIGNATURE = b"PK\x03\x04"


def check_inflated_size(path: str | Path, error: type[CartoError], limit: int | None = None) -> int:
    """Refuse the zip package `path` (ODS, XLSX) when its members would inflate beyond `limit` bytes
    (default: :func:`helpers.core.config.max_inflated_bytes`), before it is read.

    Returns the inflated size counted (bytes); a file that is not a zip returns 0 (the reader says what it is).
    Raises `error` (one of the project's exceptions) naming the file, the size reached and the bound, with the
    setting that raises it; a member that cannot be inflated (corrupt package) is left to the reader's error.
    """
    path = Path(path)
    bound = max_inflated_bytes() if limit is None else limit
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError):
        return 0
    declared = sum(m.file_size for m in members)
    if declared > bound:
        _refuse(path, error, declared, bound, "déclarée")
    total = 0
    with path.open("rb") as handle:
        for member in members:
            total += _inflated(handle, member, bound - total)
            if total > bound:
                _refuse(path, error, total, bound, "atteinte")
    return total


def _refuse(path: Path, error: type[CartoError], size: int, bound: int, how: str) -> None:
    raise error(path, f"taille décompressée {how} de plus de {decimal(size / 1e6)} Mo, au-delà de la limite de "
                      f"{decimal(bound / 1e6)} Mo (archive « bombe » ou fichier démesuré) : refusé avant lecture ; "
                      f"si le fichier est légitime, relevez la limite ({ENV_MAX_INFLATED_MB}, en Mo)")


def _inflated(handle, member: zipfile.ZipInfo, room: int) -> int:
    """Bytes the member inflates to, counted up to `room` + 1 (more is not needed to refuse); its declared
    size for a method other than stored or deflated, or a header that cannot be read."""
    handle.seek(member.header_offset)
    header = handle.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size or header[:4] != LOCAL_SIGNATURE:
        return member.file_size
    fields = LOCAL_HEADER.unpack(header)
    handle.seek(fields[-2] + fields[-1], 1)  # file name and extra field
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        return member.file_size
    inflater, left, count = zlib.decompressobj(-zlib.MAX_WBITS), member.compress_size, 0
    try:
        while left > 0 and count <= room and not inflater.eof:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            while data and count <= room:
                count += len(inflater.decompress(data, CHUNK))
                data = inflater.unconsumed_tail
    except zlib.error:
        return member.file_size
    return count
