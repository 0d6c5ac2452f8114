"""Build cache: a report is reused when nothing it depends on changed since its last successful build.

The key covers the notebook file, the parameters, the bytes of every declared input and the source
of the `helpers` package (code and data files); the record also keeps the digests of the declared
outputs and of every file the run wrote (its run record lists them, declared or not), so that an output
changed or deleted since is rebuilt. It lives in reports/.cache.json, with two entries that are not
reports: the key of the index (``index.html``), so that an unchanged re-run does not rewrite the index, and the
key of the PDF dossier (``dossier.pdf``: its parts and its own digest, written after it), so that a dossier
left behind by an interrupted build is found stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers.core.storage import sha256_file, write_bytes_atomic

RECORD = ".cache.json"


def source_digest(package_dir: Path) -> str:
    """SHA-256 (hex) of every file under `package_dir` (relative path and bytes, in sorted order),
    ``__pycache__`` folders left out: any change to the code or data files changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def digests(paths: list[Path]) -> dict[str, str]:
    """Path (as text) → SHA-256 (hex) of each file, or « absent » when it is not a file; sorted by path."""
    return {str(p): (sha256_file(p) if p.is_file() else "absent") for p in sorted(paths)}


def key(notebook: Path, parameters: dict, inputs: list[Path], sources: str) -> str:
    """The cache key of one notebook run (SHA-256, hex): the notebook's bytes, its effective `parameters`
    (JSON, sorted keys), the :func:`digests` of its declared `inputs` and `sources` (:func:`source_digest`).

    Raises ``OSError`` when the notebook cannot be read."""
    return content_key({
        "notebook": sha256_file(notebook),
        "parameters": json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str),
        "inputs": digests(inputs),
        "sources": sources,
    })


def content_key(parts: dict) -> str:
    """SHA-256 (hex) of `parts` (JSON-ready values) written as JSON with sorted keys."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read(reports_dir: Path) -> dict[str, dict]:
    """The cache record ``<reports_dir>/.cache.json`` (report stem → ``cle``, output digests
    ``sorties``, run-record ``sources``); {} when it is missing or
    unreadable (the cache is only an optimisation: everything is then rebuilt)."""
    path = reports_dir / RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write(reports_dir: Path, record: dict[str, dict]) -> None:
    """Replace the cache record atomically with `record` (sorted by stem, UTF-8 JSON, trailing newline)."""
    text = json.dumps(dict(sorted(record.items())), indent=1, ensure_ascii=False) + "\n"
    write_bytes_atomic(reports_dir / RECORD, text.encode())
