"""A successful direct run of a notebook with the `papermill` command and its defaults prints no « ERROR » and
no « Traceback » (issue 21): nothing a user would take for a failure after a run that worked. Notebooks 01
(which 04 needs) and 04 (spaCy, the heaviest), in an offline copy of the project, from notebooks/."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import copy_project

# Not the project's: papermill (clientwrap.py) waits for the reply to its last kernel_info_request, then shuts the
# kernel down, and jupyter_client interrupts a kernel (SIGINT) before every shutdown (jupyter_client#620); when
# the signal lands after the reply but before ipykernel leaves its handler, ipykernel logs this line. Seen about
# one run in five on a loaded machine, with any notebook. It is the only line tolerated.
UPSTREAM_RACE = "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."


@pytest.mark.parametrize("names", [("01_clean_cartography", "04_consultation")], ids=["01-puis-04"])
def test_a_direct_papermill_run_prints_no_error_nor_traceback(tmp_path, names):
    root = copy_project(tmp_path)
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"}
    for name in names:
        done = subprocess.run([sys.executable, "-m", "papermill", f"{name}.ipynb", str(tmp_path / f"{name}.out.ipynb")],
                              cwd=root / "notebooks", env=env, capture_output=True, text=True, timeout=900)
        printed = done.stdout + done.stderr
        assert done.returncode == 0, printed
        printed = printed.replace(UPSTREAM_RACE, "")
        assert "ERROR" not in printed and "Traceback" not in printed, printed
    assert (root / "data" / "processed" / "consultation.xlsx").is_file()
