"""Atomic file writing: a reader never sees a half-written file, a failure leaves the old one."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _temp_prefix(target: Path) -> str:
    # The temporary name adds about 14 characters to the target's: a target name near the file system's limit
    # (255 bytes) would make it too long, so only the start of the name is kept (it just has to read well).
    return f".{target.name.encode()[:100].decode(errors='ignore')}."


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; it replaces `target` only if the block succeeds."""
    with atomic_paths([Path(target)]) as staged:
        yield staged[Path(target)]


@contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[dict[Path, Path]]:
    """Yield {target: temporary path beside it} for several files written together; they replace their
    targets only when the whole block succeeds (all, after the block), so a failure while writing any of
    them leaves every previous target untouched. Lets large outputs be streamed to disk, not held in memory.
    """
    staged: dict[Path, Path] = {}
    try:
        for target in map(Path, targets):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
            os.close(fd)
            staged[target] = Path(tmp)
        yield staged
        for target, tmp in staged.items():
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


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
