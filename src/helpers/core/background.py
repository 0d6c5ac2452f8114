"""One kept child process for the work that can run beside an analysis, on the second core.

Notebook 04 gives it spaCy's French model and the lemmatisation of the free texts
(:mod:`helpers.consultation.lemmas`) and the writing of ``consultation.xlsx`` sheet by sheet
(:class:`helpers.core.tables.StreamedWorkbook`), while it screens, matches and models the answers itself.
The process is spawned (a fresh interpreter, never a fork of a process holding threads) at the first
submission, runs its tasks one at a time in the order they were submitted, and ends with this process (even
when this one is killed outright).
What it computes is what the same functions compute in-process: only the time changes. It reads the package's
data files itself, so a setting changed in memory here (a test's monkeypatch) is not seen there.

A spawned process first re-imports the main script, so Python requires a script that starts processes to keep
its work under ``if __name__ == "__main__":``. A script without that guard must not be run twice: the tasks
then run here, in this process, one after the other (same results, no second core). Notebooks, papermill,
``python -m``, ``python -c`` and the interactive interpreter are unaffected.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path

_executor: ProcessPoolExecutor | None = None
_generation = 0  # how many background processes were started: tasks that keep state check it did not change


def submit(function: Callable, *args) -> Future:
    """Run ``function(*args)`` in the background process (spawned now if needed), after the tasks submitted
    before; returns its Future. `function` and `args` must be picklable (module-level functions). When the main
    script could not be re-imported safely (:func:`main_is_guarded`), runs it here and now instead: the Future is
    already done (with the result or the exception)."""
    global _executor, _generation
    if not main_is_guarded():
        done: Future = Future()
        try:
            done.set_result(function(*args))
        except Exception as exc:  # noqa: BLE001 - handed over to the caller through the Future, as a process would
            done.set_exception(exc)
        return done
    for attempt in (1, 2):
        if _executor is None:
            _executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_exit_with_parent, initargs=(os.getpid(),))
            _generation += 1
        try:
            return _executor.submit(function, *args)
        except BrokenProcessPool:  # the process died since the last task (killed, out of memory): a new one
            reset()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@cache
def main_is_guarded() -> bool:
    """Whether a spawned process may re-import this process's main module: True unless the main module is a
    script file (``python script.py``) whose top level has no ``if __name__ == "__main__":`` block."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        return True  # interactive, -c, -m (Jupyter kernels, pytest, helpers): re-imported by name, guarded
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return False
    return any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body)


def _exit_with_parent(parent: int) -> None:
    # Jupyter stops a kernel by first sending SIGINT to the kernel's whole process group, this process included:
    # it is not this process's to act on (it would print a KeyboardInterrupt traceback on a successful run); it
    # ends with its parent's pool, or below.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (a kernel stopped by SIGKILL after a timeout) never tells its pool to stop: the
    # process would stay, idle, holding the French model. It checks every second that its parent is alive.
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="carto-parent-watch").start()


def generation() -> int:
    """The number of background processes started so far (0 while tasks run in this process): a task sequence
    that keeps state in the process (a workbook being written) knows the process changed when this did."""
    return _generation


def reset() -> None:
    """Forget a background process that died (``BrokenProcessPool``): the next :func:`submit` spawns another."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
    _executor = None


def _own_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return usage.ru_utime + usage.ru_stime, peak


def usage() -> tuple[float, float]:
    """(CPU seconds, peak resident memory in MB) of the background process so far; (0, 0) when none was
    started. For the benchmarks: the work done there is not in this process's own figures."""
    if _executor is None:
        return 0.0, 0.0
    return submit(_own_usage).result()
