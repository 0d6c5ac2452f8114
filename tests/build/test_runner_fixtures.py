"""The runner on a minimal project made for the test (tests/build/fixtures/mini: two tiny notebooks, the second
reads what the first writes): order, cache and failure isolation without building the real reports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini"


def build(root: Path, *args: str, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"}
    if extra_path is not None:  # a fan-out's values function, importable from the project
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", "helpers", "reports", "--no-pdf", "--jobs", "1", *args],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(FIXTURE, root)
    return root


def test_order_from_inputs_and_outputs_then_cache_then_invalidation(project):
    first = build(project)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Rapports : 2 construits, 0 réutilisés, 0 en échec, 0 non construits")
    assert "Nombre lu : 7" in (project / "reports" / "b_lire.html").read_text(encoding="utf-8")
    again = build(project)
    assert again.stdout.startswith("Rapports : 0 construits, 2 réutilisés"), again.stdout
    changed = build(project, "--set", "a_ecrire.valeur=8")  # its output changes, so its reader is rebuilt
    assert changed.stdout.startswith("Rapports : 2 construits, 0 réutilisés"), changed.stdout
    assert "Nombre lu : 8" in (project / "reports" / "b_lire.html").read_text(encoding="utf-8")


def test_a_failure_keeps_the_good_reports_and_skips_what_depends_on_it(project):
    assert build(project).returncode == 0
    good = (project / "reports" / "b_lire.html").read_bytes()
    failed = build(project, "--set", "a_ecrire.valeur=-1")
    assert failed.returncode == 1
    assert failed.stdout.startswith("Rapports : 0 construits, 0 réutilisés, 1 en échec, 1 non construits")
    assert "valeur négative refusée" in failed.stderr
    assert (project / "reports" / "a_ecrire.erreur.html").is_file()
    assert (project / "reports" / "b_lire.html").read_bytes() == good  # the previous good report stays
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "échec" in index and "non construit" in index
    assert build(project).returncode == 0  # back to good: the stale error page goes
    assert not (project / "reports" / "a_ecrire.erreur.html").exists()


# The mini project with a fan-out ready from the start (the « fiches » fixture: a page per line of noms.txt).
WITH_FICHES = """reports:
  - {name: b_lire, notebook: notebooks/b_lire.ipynb, title: "Lecture", parameters: {}, inputs: ["{dossier}/nombre.txt"]}
  - {name: fiche, notebook: notebooks/fiche.ipynb, title: "Fiche", parameters: {}, inputs: ["{dossier}/noms.txt"],
     fan_out: {parameter: nom, values: "valeurs_fiches:noms", directory: fiches}}
  - {name: a_ecrire, notebook: notebooks/a_ecrire.ipynb, title: "Écriture", parameters: {},
     outputs: ["{dossier}/nombre.txt"]}
"""


def test_a_report_that_does_not_fan_out_runs_before_the_fiches_still_waiting(project):
    # One worker: reports finish in the order they run. b_lire becomes ready once a_ecrire is built, after the
    # fiches were listed; it runs next, not after the last fiche (a report others may wait for, or one long
    # notebook, is not left alone at the end).
    fiches = FIXTURE.parent / "fiches"
    shutil.copy(fiches / "notebooks" / "fiche.ipynb", project / "notebooks")
    shutil.copy(fiches / "valeurs_fiches.py", project)
    (project / "donnees").mkdir()
    (project / "donnees" / "noms.txt").write_text("Un\nDeux\nTrois\n", encoding="utf-8")
    (project / "reports.yml").write_text(WITH_FICHES, encoding="utf-8")
    done = build(project, extra_path=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Rapports : 5 construits"), done.stdout
    reports = project / "reports"
    finished = sorted([reports / "a_ecrire.html", reports / "b_lire.html", *(reports / "fiches").glob("*.html")],
                      key=lambda p: p.stat().st_mtime_ns)
    assert [p.stem for p in finished[:2]] == ["a_ecrire", "b_lire"], [p.stem for p in finished]


# The mini project under the names the synthesis quotes (02, 05), and a sixth report declared in reports.yml alone.
SIX_REPORTS = """reports:
  - {name: 01_clean_cartography, notebook: notebooks/a_ecrire.ipynb, title: "Écriture", parameters: {},
     outputs: ["{dossier}/nombre.txt"]}
  - {name: 02_openness, notebook: notebooks/b_lire.ipynb, title: "Lecture", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
  - {name: 04_consultation, notebook: notebooks/b_lire.ipynb, title: "Lecture bis", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
  - {name: 05_priorities, notebook: notebooks/b_lire.ipynb, title: "Lecture ter", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
  - {name: 06_sixieme, notebook: notebooks/b_lire.ipynb, title: "Sixième rapport", parameters: {},
     question: "Que dit le sixième rapport ?", inputs: ["{dossier}/nombre.txt"]}
"""


def test_a_report_declared_in_reports_yml_reaches_the_front_page_and_the_dossier(project):
    # Adding a report edits reports.yml and no other file of the build (CONTRIBUTING, recipe 1): the front page
    # shows its card with its question, the PDF dossier has its section, after 05's.
    from pypdf import PdfReader

    (project / "reports.yml").write_text(SIX_REPORTS, encoding="utf-8")
    env = {**os.environ, "CARTO_SANTE_ROOT": str(project), "CARTO_SANTE_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "helpers", "reports", "--jobs", "1"], capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0 and "Dossier PDF non construit" not in done.stderr, done.stderr
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<a href="06_sixieme.html">Sixième rapport</a></h3><p>Que dit le sixième rapport ?</p>' in index
    sections = [name for name in PdfReader(project / "reports" / "dossier.pdf").named_destinations
                if name.count("-") == 1 and name.startswith("r-0")]
    assert sections == ["r-01_clean_cartography", "r-02_openness", "r-04_consultation", "r-05_priorities",
                        "r-06_sixieme"]
