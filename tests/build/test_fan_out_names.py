"""File names derived from data (issues 17.5 and 25.3): a fan-out never maps two values to one file, and a
name of any length gives a bounded file name — the page, its error page and the atomic write's temporary file —
while the full name stays in the page. Built for real, on a minimal project with one fan-out
(tests/build/fixtures/fiches: one page per line of donnees/noms.txt)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.build import catalog
from helpers.core.config import project_root
from helpers.core.text import STEM_MAX, file_stems

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fiches"
WORDS = "Observatoire régional de la santé et du social "
LONG = {n: (WORDS * (n // len(WORDS) + 1))[:n - 1] + "X" for n in (255, 1_000, 5_000)}
NAMES = ["ORS Bretagne", "ORS-BRETAGNE", "ors bretagne", *LONG.values(), "Données", "Donnees"]


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1", "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "helpers", "reports", "--no-pdf", "--jobs", "1", *args],
                          capture_output=True, text=True, timeout=900, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fiches") / "projet"
    shutil.copytree(FIXTURE, root)
    (root / "donnees").mkdir()
    (root / "donnees" / "noms.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    first = build(root)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Rapports : {len(NAMES)} construits"), first.stdout
    return root


def test_every_value_gets_its_own_bounded_file_and_keeps_its_full_name(built):
    pages = sorted((built / "reports" / "fiches").glob("*.html"))
    assert len(pages) == len(NAMES)  # « ORS Bretagne », « ORS-BRETAGNE »… : one file each, none overwritten
    assert max(len(p.name.encode()) for p in pages) <= STEM_MAX + 9 + len(".html")
    text = {p: p.read_text(encoding="utf-8") for p in pages}
    for name in NAMES:
        holding = [p for p, t in text.items() if f"Nom : {name} ({len(name)} caractères)" in t]
        assert len(holding) == 1, name  # the full name, in its own page only
    executed = list((built / "reports" / "notebooks" / "fiches").glob("*.ipynb"))
    assert len(executed) == len(NAMES)
    # The front page links each name to its own page.
    index = (built / "reports" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="(fiches/[^"]+\.html)"', index)
    assert len(set(hrefs)) == len(NAMES)


def test_an_unchanged_rerun_reuses_every_page(built):
    again = build(built)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Rapports : 0 construits, {len(NAMES)} réutilisés"), again.stdout


def test_a_failed_page_of_a_long_name_gets_its_bounded_error_page(built, tmp_path):
    root = tmp_path / "projet"
    shutil.copytree(built, root)
    notebook = root / "notebooks" / "fiche.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace(
        'html.box(', 'assert len(nom) < 200, \\"nom trop long pour ce test\\"\\n",\n    "html.box('),
        encoding="utf-8")
    failed = build(root)
    assert failed.returncode == 1 and "File name too long" not in failed.stderr, failed.stderr
    errors = sorted((root / "reports" / "fiches").glob("*.erreur.html"))
    assert len(errors) == len(LONG) and all(len(p.name) <= STEM_MAX + 9 + len(".erreur.html") for p in errors)


def test_every_fan_out_of_the_project_maps_values_to_distinct_files(tmp_path, monkeypatch):
    # Every fan-out declared in reports.yml, given values that slug alike and names of any length: its tasks
    # (the files the runner writes) never share a file, and each file name is bounded.
    from helpers.build.runner import Build

    fan_outs = [r for r in catalog.load(project_root()) if r.fan_out is not None]
    assert fan_outs
    build = Build(project_root(), tmp_path / "reports", jobs=1, force=True, timeout=60)
    monkeypatch.setattr(catalog.FanOut, "expand", lambda self, parameters: list(NAMES))
    for report in fan_outs:
        stems = [task.stem for task in build.tasks(report)]
        assert len(set(stems)) == len(NAMES), report.name
        assert all(re.fullmatch(r"[a-z0-9-]+", s.name) and len(s.name) <= STEM_MAX + 9 for s in stems)


def test_stems_are_stable_readable_and_distinct():
    assert file_stems(["ORS Bretagne", "INVS"]) == {"ORS Bretagne": "ors-bretagne", "INVS": "invs"}
    stems = file_stems(["ORS Bretagne", "ORS-BRETAGNE", "INVS"])
    assert stems["INVS"] == "invs" and stems["ORS Bretagne"] != stems["ORS-BRETAGNE"]
    assert all(s.startswith("ors-bretagne-") and len(s) == len("ors-bretagne-") + 8
               for n, s in stems.items() if n != "INVS")
    long = file_stems([LONG[5_000]])[LONG[5_000]]
    assert len(long) <= STEM_MAX + 9 and long == file_stems([LONG[5_000], "autre"])[LONG[5_000]]
    assert file_stems(["数据", "资料"]) != {"数据": "sans-nom", "资料": "sans-nom"}
    # A value written like another's stem does not take it.
    a = file_stems(["x", "X"])
    assert len(set(file_stems(["x", "X", a["x"]]).values())) == 3


def test_the_atomic_write_of_a_name_near_the_limit_has_a_temporary_name_that_fits(tmp_path):
    from helpers.core.storage import atomic_paths, write_bytes_atomic

    target = tmp_path / ("é" * 120 + ".html")  # 245 bytes: allowed, but not with « . » + 14 characters more
    assert write_bytes_atomic(target, b"ok").read_bytes() == b"ok"
    with atomic_paths([target]) as staged:
        staged[target].write_bytes(b"encore")
    assert target.read_bytes() == b"encore"
