"""Bounded reading of zip packages (ODS, XLSX): their inflated size is checked before any reader opens them.

A spreadsheet package is a zip whose XML members can inflate a thousand times (an ODS of 2.3 MB can hold a
content.xml of 2.24 GB, read with 2.5 GB of memory). The members' sizes declared in the package are summed
first (a cheap refusal), then each member is inflated for real, counting bytes and keeping none, stopping at
the bound: a package may declare sizes it does not hold, and readers (python-calamine) trust the stream.
The bound comes from ``entrees.yml`` (``CARTO_SANTE_MAX_INFLATED_MB`` changes it).
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from pathlib import Path

from helpers.core.config import ENV_MAX_INFLATED_MB, max_inflated_bytes
from helpers.core.errors import CartoError
from helpers.core.formats import decimal

CHUNK = 1 << 16


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
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return 0
    with package:
        members = package.infolist()
        declared = sum(m.file_size for m in members)
        if declared > bound:
            _refuse(path, error, declared, bound, "déclarée")
        total = 0
        for member in members:
            total += _inflated(package, member, bound - total)
            if total > bound:
                _refuse(path, error, total, bound, "atteinte")
    return total


def _refuse(path: Path, error: type[CartoError], size: int, bound: int, how: str) -> None:
    raise error(path, f"taille décompressée {how} de plus de {decimal(size / 1e6)} Mo, au-delà de la limite de "
                      f"{decimal(bound / 1e6)} Mo (archive « bombe » ou fichier démesuré) : refusé avant lecture ; "
                      f"si le fichier est légitime, relevez la limite ({ENV_MAX_INFLATED_MB}, en Mo)")


def _inflated(package: zipfile.ZipFile, member: zipfile.ZipInfo, room: int) -> int:
    """Bytes the member inflates to, counted up to `room` + 1 (more is not needed to refuse) and kept nowhere;
    its declared size when it cannot be inflated (corrupt or encrypted: left to the reader's error)."""
    declared = member.file_size
    member.file_size = sys.maxsize  # zipfile stops at the declared size: the stream is measured, not the claim
    count = 0
    try:
        with package.open(member) as stream:
            while count <= room and (data := stream.read(CHUNK)):
                count += len(data)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError):
        return declared
    return count
