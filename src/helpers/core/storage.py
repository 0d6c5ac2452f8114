"""Atomic file writing: a reader never sees a half-written file, a failure leaves the old one."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; it replaces `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes_atomic(target: str | Path, data: bytes) -> Path:
    """Write `data` to `target` atomically (see :func:`atomic_path`), creating its folder.

    Returns `target` as a ``Path``; the file is left with mode 0644. An ``OSError`` (disk full,
    permission) propagates and leaves any previous `target` untouched.
    """
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def sha256_file(path: str | Path) -> str:
    """The SHA-256 digest of the file at `path`, as 64 lowercase hex digits (read in 64 KiB blocks).

    Raises ``OSError`` (``FileNotFoundError``…) when the file cannot be read.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
