"""Shared fixtures. The official file is read from ../shared (never from the project);
under CI=true its absence is a failure, elsewhere the tests that need it are skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from helpers.cartography.reading import cell_text, read_cartography

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "cartographie-sante-2014"
REAL_NAME = "Cartographie-des-donnees-publiques-de-sante-6-mai-2014.ods"


@pytest.fixture(scope="session")
def real_ods() -> Path:
    path = SHARED / REAL_NAME
    if not path.is_file():
        message = f"fichier officiel absent : {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def real_carto(real_ods):
    return read_cartography(real_ods)


@pytest.fixture(scope="session")
def real_sheets(real_ods) -> dict[str, list[list[str]]]:
    """All sheets of the official file as text, read independently of the project's reader."""
    wb = CalamineWorkbook.from_path(str(real_ods))
    return {name: [[cell_text(v) for v in row] for row in wb.get_sheet_by_name(name).to_python()]
            for name in wb.sheet_names}


def copy_project(target: Path) -> Path:
    """A copy of the project's notebooks and report list, to use as CARTO_SANTE_ROOT."""
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    shutil.copy(ROOT / "reports.yml", target / "reports.yml")
    return target


def run_reports(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m helpers reports` in a project copy, offline (so on the synthetic sample)."""
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "helpers", "reports", *args], capture_output=True, text=True,
                          timeout=1800, env=env)


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every report built once by the real command, on the synthetic sample (shared by several tests)."""
    root = copy_project(tmp_path_factory.mktemp("projet"))
    done = run_reports(root, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return root, done
