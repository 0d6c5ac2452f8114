"""`python -m helpers reports` for real: validation before any kernel, parallel build, cache, failure
isolation, offline HTML with provenance, index, determinism. Runs in a copy of the project (offline,
so the cartography is the synthetic sample)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_project
from conftest import run_reports as run

from helpers.build import cache
from helpers.core.storage import sha256_file

ROOT = Path(__file__).resolve().parents[1]
# Elements that would load a resource from the network.
REMOTE = re.compile(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)="
                    r"[\"']?(?:https?:)?//", re.I)


def html_files(reports: Path) -> dict[str, str]:
    return {str(p.relative_to(reports)): p.read_text(encoding="utf-8") for p in sorted(reports.rglob("*.html"))}


def without_date(text: str) -> str:
    return re.sub(r"(<dt>Date de génération</dt><dd>)[^<]*", r"\1", text)


@pytest.fixture(scope="module")
def built(built_reports):
    return built_reports


@pytest.mark.parametrize(("args", "expected"), [
    (["--set", "02_openness.min_bases_ranked='cinq'"], "n'est pas du type attendu"),
    (["--set", "02_openness.seuil=3"], "paramètre inconnu « seuil »"),
    (["--set", "99_absent.x=1"], "rapport inconnu : 99_absent"),
    (["--only", "99_absent"], "rapport inconnu : 99_absent"),
    (["--set", "02_openness"], "--set attend NOM.PARAMETRE=VALEUR"),
])
def test_parameters_are_validated_before_any_kernel_starts(tmp_path, args, expected):
    root = copy_project(tmp_path)
    done = run(root, *args)
    assert done.returncode == 2
    assert expected in done.stderr
    if "paramètre" in expected:  # the message lists the valid parameters with their types and defaults
        assert "min_bases_ranked (entier, défaut 5)" in done.stderr
        assert "weighting (texte, défaut 'equal')" in done.stderr
    assert not (root / "reports").exists() and not (root / "data").exists()  # nothing ran


def test_cold_build_writes_every_report_and_the_index(built):
    root, first = built
    reports = root / "reports"
    assert "0 en échec" in first.stdout
    fiches = sorted(p.name for p in (reports / "producteurs").glob("*.html"))
    assert len(fiches) >= 10 and "abc.html" in fiches
    assert (reports / "notebooks" / "producteurs" / "abc.ipynb").is_file()
    assert (reports / "notebooks" / "02_openness.ipynb").is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert index.count("construit</td>") == 4 + len(fiches)  # 01, 02, 04, 05 and the fiches
    assert '<h2>Fiches gestionnaires</h2>' in index and 'href="producteurs/abc.html"' in index
    assert "Données synthétiques" in index


def test_published_html_has_no_code_no_parameters_and_loads_nothing_remote(built):
    root, _ = built
    for name, text in html_files(root / "reports").items():
        assert text.startswith("<!DOCTYPE html>") and '<html lang="fr">' in text, name
        assert not REMOTE.search(text), name
        assert "<script" not in text, name
        if name == "index.html":
            continue
        assert '<div class="highlight' not in text and 'class="jp-InputPrompt' not in text, name
        assert "injected-parameters" not in text and "processed_dir = " not in text, name
        assert "<h2 id=\"provenance-titre\">Provenance du rapport</h2>" in text, name
        assert "<dt>Commit git</dt>" in text and "<dt>Versions</dt>" in text and "sha256" in text, name
        assert "<dt>Paramètres</dt>" in text and "synthétiques" in text, name


def test_unchanged_rerun_reuses_everything_and_changes_nothing(built):
    root, _ = built
    before = html_files(root / "reports")
    again = run(root)
    assert again.returncode == 0, again.stderr
    assert "0 construits" in again.stdout
    after = html_files(root / "reports")
    after.pop("index.html")
    assert after == {k: v for k, v in before.items() if k != "index.html"}
    assert "réutilisé (inchangé)" in (root / "reports" / "index.html").read_text(encoding="utf-8")


def test_cache_misses_on_each_kind_of_input_change(tmp_path):
    root = copy_project(tmp_path)
    only = ["--only", "01_clean_cartography", "02_openness"]
    assert run(root, *only).returncode == 0
    reports = root / "reports"

    def rebuilt(done) -> set[str]:
        assert done.returncode == 0, done.stderr
        index = (reports / "index.html").read_text(encoding="utf-8")
        return {m for m in ("Cartographie 2014", "Ouverture des bases")
                if re.search(re.escape(m) + r"[^<]*</a></td><td>construit", index)}

    assert rebuilt(run(root, *only)) == set()
    # Notebook file changed: that report only (its outputs are byte-identical, nothing downstream).
    nb = root / "notebooks" / "02_openness.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("Ce rapport mesure", "Ce rapport évalue"), encoding="utf-8")
    assert rebuilt(run(root, *only)) == {"Ouverture des bases"}
    # Parameter changed.
    assert rebuilt(run(root, *only, "--set", "02_openness.min_bases_ranked=3")) == {"Ouverture des bases"}
    # Input data changed (an output of 01 altered by hand: 01 rebuilds it, 02 reads the same data again).
    (root / "data" / "processed" / "bases.csv").write_text("altéré", encoding="utf-8")
    assert rebuilt(run(root, *only, "--set", "02_openness.min_bases_ranked=3")) == {"Cartographie 2014"}
    # Input of 02 changed: the official file placed in data/raw/ changes 01's outputs, hence 02.
    # --force rebuilds everything.
    assert rebuilt(run(root, *only, "--force")) == {"Cartographie 2014", "Ouverture des bases"}


def test_the_source_of_helpers_is_part_of_the_key(tmp_path):
    package = tmp_path / "helpers"
    shutil.copytree(ROOT / "src" / "helpers", package, ignore=shutil.ignore_patterns("__pycache__"))
    notebook = ROOT / "notebooks" / "02_openness.ipynb"
    before = cache.key(notebook, {"a": 1}, [], cache.source_digest(package))
    (package / "data" / "ponderations.yml").write_text("# changé\n", encoding="utf-8")
    assert cache.key(notebook, {"a": 1}, [], cache.source_digest(package)) != before
    assert cache.key(notebook, {"a": 2}, [], cache.source_digest(package)) != \
        cache.key(notebook, {"a": 1}, [], cache.source_digest(package))


def test_a_failing_report_keeps_the_previous_one_and_the_others_are_built(tmp_path):
    root = copy_project(tmp_path)
    assert run(root, "--only", "01_clean_cartography", "02_openness", "03_producer_sheet",
               "--set", "03_producer_sheet.producer='ABC'").returncode == 0
    reports = root / "reports"
    good = sha256_file(reports / "02_openness.html")
    fiche = sha256_file(reports / "producteurs" / "abc.html")

    failed = run(root, "--set", "02_openness.weighting='inconnue'", "--set", "03_producer_sheet.producer='ABC'")
    assert failed.returncode == 1
    assert "Échec de 02_openness : ValueError : pondération inconnue « inconnue »" in failed.stderr
    assert "03_producer_sheet" in failed.stderr and "dépend de 02_openness" in failed.stderr
    assert sha256_file(reports / "02_openness.html") == good  # not replaced by nothing
    assert sha256_file(reports / "producteurs" / "abc.html") == fiche  # dependent left as it was
    error_report = (reports / "02_openness.erreur.html").read_text(encoding="utf-8")
    assert "pondération inconnue" in error_report
    assert (reports / "notebooks" / "02_openness.erreur.ipynb").is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "échec</td>" in index and 'href="02_openness.erreur.html"' in index and "non construit" in index
    assert "réutilisé (inchangé)" in index  # 01 was still built (from cache)

    timeout = run(root, "--only", "02_openness", "--force", "--timeout", "1")
    assert timeout.returncode == 1 and "délai de 1 s dépassé" in timeout.stderr


def test_two_builds_differ_only_in_the_generation_date(built, tmp_path):
    root, _ = built
    other = copy_project(tmp_path)
    assert run(other, "--jobs", "1").returncode == 0
    first, second = html_files(root / "reports"), html_files(other / "reports")
    assert first.keys() == second.keys()
    for name in first:
        assert without_date(first[name]).replace("réutilisé (inchangé)", "construit") == \
            without_date(second[name]), name
    for nb in ("02_openness.ipynb", "producteurs/abc.ipynb"):
        assert (root / "reports" / "notebooks" / nb).read_bytes() == (other / "reports" / "notebooks" / nb).read_bytes()
