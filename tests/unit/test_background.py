"""The background process (helpers.core.background): tasks in submission order, and no process left behind
when its parent is killed outright (a kernel stopped by SIGKILL after a timeout)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from helpers.core import background

PARENT = """import os, sys, time
from helpers.core import background
if __name__ == "__main__":
    print(background.submit(os.getpid).result(), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:  # a zombie is not alive
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_tasks_run_in_the_order_they_were_submitted():
    futures = [background.submit(os.getpid)] + [background.submit(pow, n, 2) for n in range(5)]
    assert [f.result() for f in futures[1:]] == [0, 1, 4, 9, 16]
    assert futures[0].result() != os.getpid()  # in another process


def test_the_background_process_ends_when_its_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child)
