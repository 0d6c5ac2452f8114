"""One build at a time: a build holds a lock on each folder it writes (reports, processed data) from before it
reads its cache record to its end, and clears what a dead build left half-written there.

A second build in the same folders waits for the first (it says so in one line), or stops at once with
:class:`BusyError` when asked not to wait: it never writes under another build. The lock is `filelock`'s (an
``flock`` on ``<folder>/.build.lock`` on Linux and macOS): the system releases it when its holder dies, even by
``kill -9``, so a dead build never blocks the next one. That next build, holding the lock, can then safely remove
the staged files the dead one left (:func:`remove_staged`): nobody else is writing them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from helpers.core.errors import CartoError

LOCK_NAME = ".build.lock"
# Staged files: every atomic write (helpers.core.storage, the streamed workbook, the synthetic sample) stages its
# file as ``.<name>.<random>.tmp`` beside its target; the worker stages the executed notebook and the run record.
STAGED = (".*.tmp",)
STAGED_REPORTS = (".*.tmp", ".*.en-cours.ipynb", ".*.run.json")


class BusyError(CartoError):
    """Another build holds the lock of an output folder, and the build was asked not to wait (``--no-wait``)."""


class UnwritableError(CartoError):
    """An output folder cannot be written (read-only, not a folder): nothing was built."""


@contextmanager
def locked(folders: Iterable[Path], wait: bool, say: Callable[[str], None]) -> Iterator[list[Path]]:
    """Hold the build lock of every folder in `folders` (created if needed) for the block; yields them, sorted.

    Locks are taken in sorted order (two builds never hold one each while waiting for the other). When a lock
    is held by another build: with `wait`, `say` is called once with a French line saying so, then the build
    waits; without, raises :class:`BusyError` naming the folder. Raises :class:`UnwritableError` naming a
    folder that cannot be created or written (the lock file is the first thing a build writes there)."""
    ordered = sorted({Path(f).resolve() for f in folders})
    said = False
    with ExitStack() as stack:
        for folder in ordered:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                lock = FileLock(folder / LOCK_NAME)
                try:
                    lock.acquire(timeout=0)
                except Timeout:
                    if not wait:
                        raise BusyError(folder, "une autre construction des rapports écrit dans ce dossier ; "
                                                "relancez sans --no-wait pour attendre qu'elle finisse") from None
                    if not said:
                        say(f"Une autre construction des rapports écrit dans {folder} : attente de sa fin…")
                        said = True
                    lock.acquire()
            except OSError as exc:
                raise _unwritable(folder, exc) from exc
            stack.callback(lock.release)
        yield ordered


def _unwritable(folder: Path, exc: OSError) -> UnwritableError:
    return UnwritableError(folder, f"dossier impossible à écrire ({exc.strerror or exc}) : rendez-le accessible "
                                   "en écriture, ou choisissez-en un autre")


def check_writable(folders: Iterable[Path], reports_dir: Path) -> None:
    """Raise :class:`UnwritableError` naming the first of `folders`, or of the folders under `reports_dir`, in
    which a file cannot be created (read-only folder or file system), before anything is built: a build never
    stops half-way on one. Each is probed by creating and removing a staged file, as the atomic writes do (a
    permission check would not see a read-only file system, and is always true for root)."""
    below = sorted(p for p in Path(reports_dir).rglob("*") if p.is_dir())
    for folder in [*folders, *below]:
        try:
            fd, probe = tempfile.mkstemp(prefix=".ecriture.", suffix=".tmp", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise _unwritable(Path(folder), exc) from exc


def remove_staged(folders: Iterable[Path], reports_dir: Path) -> list[Path]:
    """Remove the staged files a dead build left: ``.*.tmp`` directly in each of `folders`, and, anywhere under
    `reports_dir`, those and the worker's executed-notebook and run-record stagings. Call it only while holding
    the lock of these folders (:func:`locked`). Returns the removed paths, sorted."""
    found = {p for folder in folders for pattern in STAGED for p in Path(folder).glob(pattern)}
    found |= {p for pattern in STAGED_REPORTS for p in Path(reports_dir).rglob(pattern)}
    removed = []
    for path in sorted(found):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
