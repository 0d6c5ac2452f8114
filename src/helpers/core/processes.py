"""Worker processes that end with the process that started them."""

from __future__ import annotations

import multiprocessing
import os
import threading
from contextlib import suppress


def end_with_parent() -> None:
    """Make this spawned worker, and every process it started, end as soon as its parent does, even when the
    parent is killed outright (``kill -9``: no finaliser runs). A thread waits on the parent's sentinel (a pipe
    the system closes when the parent dies: no polling), then kills every process this worker started (a
    notebook's kernel runs in a session of its own, out of reach of a signal sent to the parent's process group)
    and exits: nothing of a dead build keeps running or writing. For a pool's ``initializer``; does nothing in a
    process that is not a multiprocessing child."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        import psutil

        for child in psutil.Process().children(recursive=True):
            with suppress(psutil.Error):
                child.kill()
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="carto-parent-watch").start()
