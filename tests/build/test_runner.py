"""`python -m helpers reports` for real: validation before any kernel, parallel build, cache, failure
isolation, offline HTML with provenance, index, determinism. Runs in a copy of the project (offline,
so the cartography is the synthetic sample)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd
import papermill
import pytest
from conftest import copy_project
from conftest import run_reports as run

from helpers.build import cache, catalog, runner
from helpers.build.tasks import Outcome, Status, Task, summary
from helpers.core.storage import sha256_file
from helpers.core.text import slugify
from helpers.steps.base import SourceRecord
from helpers.steps.s03_producer_sheet import producer_names

ROOT = Path(__file__).resolve().parents[2]
# Elements that would load a resource from the network.
REMOTE = re.compile(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)="
                    r"[\"']?(?:https?:)?//", re.I)


def html_files(reports: Path) -> dict[str, str]:
    return {str(p.relative_to(reports)): p.read_text(encoding="utf-8") for p in sorted(reports.rglob("*.html"))}


def without_date(text: str) -> str:
    return re.sub(r"construit le [^<]*", "construit le", re.sub(r"(<dt>Date de génération</dt><dd>)[^<]*", r"\1", text))


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
    assert index.count("<td>à jour</td><td>construit le ") == 4 + len(fiches)  # 01, 02, 04, 05 and the fiches
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
    # Not a byte changed, the index included: it shows each report as « à jour » with its build date.
    assert html_files(root / "reports") == before


def test_an_unchanged_rerun_imports_no_worker_and_no_renderer(built):
    # No notebook runs and the index is left as it is: the re-run is the runner's own fixed cost.
    root, _ = built
    code = ("import sys; from helpers.build import runner; code = runner.main([]); "
            "print(code, sorted(m for m in ('nbformat', 'nbconvert', 'papermill', 'helpers.build.worker',"
            " 'helpers.render.export') if m in sys.modules))")
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert done.stdout.startswith("Rapports : 0 construits"), done.stdout + done.stderr
    assert done.stdout.strip().endswith("0 []"), done.stdout


def test_the_fiches_follow_the_data(built, tmp_path, monkeypatch):
    root = tmp_path / "copie"
    shutil.copytree(built[0], root)
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(root))
    fiches = next(r for r in catalog.load(root) if r.fans_out)
    processed = root / "data" / "processed"
    names = producer_names(processed, min_lines=3)
    # One producer's lines removed from bases.csv (an input of report 03): its fiche goes.
    bases = pd.read_csv(processed / "bases.csv", dtype=str, keep_default_na=False)
    bases[~bases["gestionnaires"].str.contains(names[0], regex=False)].to_csv(processed / "bases.csv", index=False)
    page = root / "reports" / "producteurs" / f"{slugify(names[0])}.html"
    executed = root / "reports" / "notebooks" / "producteurs" / f"{slugify(names[0])}.ipynb"
    assert page.is_file() and executed.is_file()
    values = [task.value for task in runner.Build(root, root / "reports", 1, False, 60).tasks(fiches)]
    assert values == producer_names(processed, min_lines=3) and names[0] not in values
    assert not page.exists() and not executed.exists()  # a fiche whose producer is gone goes entirely


def test_a_failed_report_whose_previous_version_stays_published_keeps_its_sources(tmp_path):
    # The front page still quotes the previous 04 and 05: the answers they used must still be named (and marked
    # synthetic) in « Données », not dropped because this run failed.
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "04_consultation.html").write_text("<p>version précédente</p>", encoding="utf-8")
    answers = SourceRecord("réponses", "r.csv", "2" * 64, synthetic=True)
    cache.write(reports, {"04_consultation": {"cle": "k", "sorties": {}, "date": "1 avril 2026 à 10:00 UTC",
                                              "sources": [asdict(answers)]}})
    build = runner.Build(tmp_path, reports, 1, False, 60)
    failed = Task("04_consultation", "04_consultation", tmp_path / "04.ipynb", Path("04_consultation"), "04", {})
    build.done(Outcome(failed, Status.FAILED, "AnswersError : colonne absente"))
    build.done(Outcome(replace(failed, report="05_priorities", stem=Path("05_priorities")), Status.SKIPPED, "…"))
    assert [o.sources for o in build.outcomes] == [[answers], []]  # 05 has no previous version on disk
    assert runner.index_data(runner.sources_used(build.outcomes))["roles_synthetiques"] == ["réponses"]


def test_cache_misses_on_each_kind_of_input_change(tmp_path):
    root = copy_project(tmp_path)
    only = ["--only", "01_clean_cartography", "02_openness"]
    assert run(root, *only).returncode == 0
    reports = root / "reports"

    pages = {"Cartographie 2014": reports / "01_clean_cartography.html",
             "Ouverture des bases": reports / "02_openness.html"}
    written = {name: page.stat().st_mtime_ns for name, page in pages.items()}

    def rebuilt(done) -> set[str]:
        # A reused report is not rewritten; a rebuilt one is (and counted as built on the summary line).
        assert done.returncode == 0, done.stderr
        now = {name: page.stat().st_mtime_ns for name, page in pages.items()}
        changed = {name for name in pages if now[name] != written[name]}
        written.update(now)
        assert done.stdout.startswith(f"Rapports : {len(changed)} construits"), done.stdout
        return changed

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
    # Every file a step wrote is checked, declared in reports.yml or not (its run record lists them): a workbook
    # deleted is rebuilt by its step; datapackage.json, which both steps write (each merging its resources in), by
    # both, in order, so that it describes the tables of both.
    processed = root / "data" / "processed"
    for name, report in (("cartographie_nettoyee.xlsx", "Cartographie 2014"), ("ouverture.xlsx", "Ouverture des bases"),
                         ("datapackage.json", None)):
        (processed / name).unlink()
        assert rebuilt(run(root, *only)) == ({report} if report else {"Cartographie 2014", "Ouverture des bases"})
        assert (processed / name).is_file(), name
    assert {r["name"] for r in json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))["resources"]} \
        >= {"bases", "ouverture"}
    assert rebuilt(run(root, *only)) == set()


def test_the_source_of_helpers_is_part_of_the_key(tmp_path):
    package = tmp_path / "helpers"
    shutil.copytree(ROOT / "src" / "helpers", package, ignore=shutil.ignore_patterns("__pycache__"))
    notebook = ROOT / "notebooks" / "02_openness.ipynb"
    before = cache.key(notebook, {"a": 1}, [], cache.source_digest(package))
    (package / "data" / "ponderations.yml").write_text("# changé\n", encoding="utf-8")
    assert cache.key(notebook, {"a": 1}, [], cache.source_digest(package)) != before
    assert cache.key(notebook, {"a": 2}, [], cache.source_digest(package)) != \
        cache.key(notebook, {"a": 1}, [], cache.source_digest(package))


def fewer_fiches(root: Path, min_lines: int) -> None:
    """The copy's reports.yml with a higher fan-out threshold (fewer fiches to build)."""
    config = root / "reports.yml"
    text = config.read_text(encoding="utf-8")
    assert "arguments: {min_lines: 3}" in text
    config.write_text(text.replace("arguments: {min_lines: 3}", f"arguments: {{min_lines: {min_lines}}}"),
                      encoding="utf-8")


def test_a_failing_report_keeps_the_previous_one_and_the_others_are_built(tmp_path):
    root = copy_project(tmp_path)
    fewer_fiches(root, 15)  # on the synthetic sample: ABC, CNSF, DEF, GHI, IPSE, OSIM
    only = ["--only", "01_clean_cartography", "02_openness", "03_producer_sheet"]
    assert run(root, *only).returncode == 0
    reports = root / "reports"
    good = sha256_file(reports / "02_openness.html")
    fiches = sorted(p.name for p in (reports / "producteurs").glob("*.html"))
    assert fiches == ["abc.html", "cnsf.html", "def.html", "ghi.html", "ipse.html", "osim.html"]
    fiche = sha256_file(reports / "producteurs" / "abc.html")

    failed = run(root, "--set", "02_openness.weighting='inconnue'")
    assert failed.returncode == 1
    assert "Échec de 02_openness : CartoError : ponderations.yml : pondération inconnue « inconnue »" in failed.stderr
    assert "03_producer_sheet" in failed.stderr and "dépend de 02_openness" in failed.stderr
    assert sha256_file(reports / "02_openness.html") == good  # not replaced by nothing
    assert sha256_file(reports / "producteurs" / "abc.html") == fiche  # dependent left as it was
    error_report = (reports / "02_openness.erreur.html").read_text(encoding="utf-8")
    assert "pondération inconnue" in error_report
    assert (reports / "notebooks" / "02_openness.erreur.ipynb").is_file()
    # The error page says in French what happened, and names the data that run read (not an older run's).
    assert "Ce rapport n'a pas pu être construit" in error_report
    assert '<a href="02_openness.html">' in error_report
    bases = sha256_file(root / "data" / "processed" / "bases.csv")
    assert f"<dt>Fichiers lus par cette exécution</dt><dd>bases.csv (sha256 {bases})" in error_report
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "échec</td>" in index and 'href="02_openness.erreur.html"' in index and "non construit" in index
    assert "(la version précédente, construite le " in index  # 02's good report stays linked, with its date
    assert "<td>à jour</td>" in index  # 01 was still built (from cache)
    # The good fiches left on disk are still listed, as such.
    for name in fiches:
        assert f'href="producteurs/{name}"' in index, name
    assert index.count("version précédente conservée</td>") == len(fiches)

    # Built again with good parameters (02 reused from the cache): the stale error page goes away.
    again = run(root, *only)
    assert again.returncode == 0, again.stderr
    assert not (reports / "02_openness.erreur.html").exists()
    assert not (reports / "notebooks" / "02_openness.erreur.ipynb").exists()
    assert "rapport d'erreur" not in (reports / "index.html").read_text(encoding="utf-8")

    timeout = run(root, "--only", "02_openness", "--force", "--timeout", "1")
    assert timeout.returncode == 1 and "délai de 1 s dépassé" in timeout.stderr
    assert (reports / "02_openness.erreur.html").exists()
    assert sha256_file(reports / "02_openness.html") == good
    # --only: the reports not selected that are on disk are still in the index.
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="01_clean_cartography.html"' in index and 'href="producteurs/abc.html"' in index
    assert 'href="04_consultation.html"' in index  # built by the run without --only
    assert index.count("version précédente conservée</td>") == 2 + len(fiches)
    assert "<dt>Données</dt><dd>cartographie synthétique, réponses synthétiques</dd>" in index


def test_a_successful_build_is_quiet_and_says_which_data_it_used(built):
    """One progress bar on stderr, one summary line on stdout: no kernel warning, no stray interrupt."""
    _, first = built
    lines = first.stdout.splitlines()
    assert len(lines) == 2, first.stdout
    assert lines[0].startswith("Rapports : 23 construits, 0 réutilisés, 0 en échec, 0 non construits ; ")
    assert "données : cartographie synthétique, réponses synthétiques → " in lines[0]
    # The fallback to the synthetic sample says why, and what to do for the official file, in one line.
    assert lines[1].startswith("Cartographie synthétique : aucune copie du fichier officiel dans data/raw/, "
                               "téléchargement désactivé (CARTO_SANTE_OFFLINE). Pour les vrais chiffres, copiez "
                               "Cartographie-des-donnees-publiques-de-sante-6-mai-2014.ods dans data/raw/"), lines[1]
    # Only tqdm's bar redrawn with carriage returns, then erased (leave=False).
    bars = [part for part in re.split(r"[\r\n]", first.stderr) if part.strip()]
    assert bars and all(part.startswith("rapports:") for part in bars), first.stderr[-2000:]
    for noise in ("Kernel is running", "KeyboardInterrupt", "Traceback", "Warning", "WARNING"):
        assert noise not in first.stderr


@pytest.mark.parametrize(("edit", "expected"), [
    (("name: 02_openness", "name: 02_openness\n    couleur: rouge"),
     "reports[n° 2 « 02_openness »] : clé(s) inconnue(s) couleur"),
    (("title: \"Fiche gestionnaire\"", "title: \"\""),
     "reports[n° 3 « 03_producer_sheet »].title doit être un texte non vide"),
    (("directory: producteurs", "directory: producteurs\n      per_producer: 3"),
     "reports[n° 3 « 03_producer_sheet »].fan_out : clé(s) inconnue(s) per_producer"),
    (("s03_producer_sheet:producer_names", "s03_producer_sheet:absente"),
     "fan_out.values « helpers.steps.s03_producer_sheet:absente » introuvable"),
    (("parameter: producer", "parameter: productrice"), "fan_out.parameter « productrice » n'est pas un param"),
    (("reports:", "rapports:"), "clé(s) inconnue(s) rapports ; clés possibles : reports"),
    (("name: 01_clean_cartography", "name: 01 nettoyage"),
     "reports[n° 1 « 01 nettoyage »].name doit respecter le motif ^[\\w-]+$ (reçu '01 nettoyage')"),
    (("s03_producer_sheet:producer_names", "s03_producer_sheet producer_names"),
     "reports[n° 3 « 03_producer_sheet »].fan_out.values doit respecter le motif"),
])
def test_reports_yml_is_validated_by_its_model(tmp_path, edit, expected):
    root = copy_project(tmp_path)
    config = root / "reports.yml"
    text = config.read_text(encoding="utf-8")
    assert edit[0] in text
    config.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(catalog.CatalogError) as error:
        catalog.load(root)
    assert str(error.value).startswith(f"{config} : ")
    assert expected in str(error.value)
    if edit[0] == "name: 02_openness":  # the command stops before any kernel, with the one-line error
        done = run(root)
        assert done.returncode == 2
        assert done.stderr.startswith(f"Erreur : {config} : reports[n° 2 « 02_openness »] : clé(s) inconnue(s) "
                                      "couleur")
        assert not (root / "reports").exists()


def test_the_fan_out_is_resolved_from_its_import_path(tmp_path):
    root = copy_project(tmp_path)
    fan = next(r for r in catalog.load(root) if r.name == "03_producer_sheet").fan_out
    assert fan.parameter == "producer" and fan.directory == "producteurs" and fan.arguments == {"min_lines": 3}
    assert fan.resolve() is producer_names
    given = next(r for r in catalog.load(root, {"03_producer_sheet": {"producer": "ABC"}})
                 if r.name == "03_producer_sheet")
    assert not given.fans_out and given.parameters["producer"] == "ABC"


def test_a_direct_papermill_run_gets_the_same_parameter_error_as_the_runner(tmp_path, monkeypatch):
    """papermill types « -p processed_dir 20140506 » as a number: the notebook's first call stops it."""
    root = copy_project(tmp_path)
    done = run(root, "--set", "01_clean_cartography.processed_dir=20140506")
    assert done.returncode == 2
    message = done.stderr.removeprefix("Erreur : ").strip()
    assert message.startswith(f"{root / 'notebooks' / '01_clean_cartography.ipynb'} : paramètre « processed_dir » "
                              "de 01_clean_cartography : 20140506 n'est pas du type attendu")
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(root))  # the kernel inherits it
    monkeypatch.setenv("CARTO_SANTE_OFFLINE", "1")
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(root / "notebooks" / "01_clean_cartography.ipynb"),
                                   str(tmp_path / "out.ipynb"), parameters={"processed_dir": 20140506},
                                   cwd=str(root), kernel_name="python3", progress_bar=False)
    assert error.value.ename == "ParameterError"
    assert error.value.evalue == message
    assert not (root / "20140506").exists() and not (root / "data").exists()  # stopped before any work
    # A misspelt name is not silently ignored either (papermill would only warn and run with the default).
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(root / "notebooks" / "01_clean_cartography.ipynb"),
                                   str(tmp_path / "out2.ipynb"), parameters={"procesed_dir": "/tmp/x"},
                                   cwd=str(root), kernel_name="python3", progress_bar=False)
    assert error.value.ename == "ParameterError"
    assert "paramètre inconnu « procesed_dir » pour 01_clean_cartography" in error.value.evalue


def test_a_path_given_with_set_is_published_without_the_home_folder(tmp_path, monkeypatch):
    # A fresh user's --set answers_path=/home/<name>/… printed their folder on the front page, in report 04 and
    # in its published notebook: a path is kept relative to the project, or under « ~ ».
    home, root = tmp_path / "home" / "marie.dupont", tmp_path / "projet"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(root))
    given = runner.parse_overrides([
        f"04_consultation.answers_path='{root}/data/raw/export.csv'",
        f"04_consultation.questionnaire_path={home}/Documents/questionnaire.yml",
        "01_clean_cartography.cartography_path='/srv/partage/cartographie.ods'",
        "04_consultation.n_themes=4", "02_openness.processed_dir='~/traitees'"])
    assert given == {"04_consultation": {"answers_path": "data/raw/export.csv",
                                         "questionnaire_path": "~/Documents/questionnaire.yml", "n_themes": 4},
                     "01_clean_cartography": {"cartography_path": "/srv/partage/cartographie.ods"},
                     "02_openness": {"processed_dir": "~/traitees"}}
    report = catalog.Report(name="04", notebook=Path("n.ipynb"), title="", question="",
                            parameters=given["04_consultation"], declared={},
                            inputs=["{answers_path}", "{questionnaire_path}"])
    assert report.paths(report.inputs, root) == [root / "data/raw/export.csv", home / "Documents/questionnaire.yml"]


def test_status_labels_and_data_summary_are_french():
    assert [s.value for s in Status] == ["construit", "réutilisé (inchangé)", "échec", "non construit",
                                         "version précédente conservée"]
    official = SourceRecord("cartographie", "c.ods", "1" * 64, official=True)
    answers = SourceRecord("réponses", "r.csv", "2" * 64, synthetic=True)
    assert summary([official, answers]) == "cartographie officielle, réponses synthétiques"
    assert summary([replace(official, official=False)]) == "cartographie non officielle"
    # A real export is not « non officielle »: no answers were ever published to compare it with.
    assert summary([official, replace(answers, synthetic=False)]) == "cartographie officielle, réponses fournies"
    assert summary([]) == "données inconnues"


def test_two_builds_differ_only_in_the_generation_date(built, tmp_path):
    root, _ = built
    other = copy_project(tmp_path)
    assert run(other, "--jobs", "1").returncode == 0
    first, second = html_files(root / "reports"), html_files(other / "reports")
    assert first.keys() == second.keys()
    for name in first:
        assert without_date(first[name]) == without_date(second[name]), name
    for nb in ("02_openness.ipynb", "producteurs/abc.ipynb"):
        assert (root / "reports" / "notebooks" / nb).read_bytes() == (other / "reports" / "notebooks" / nb).read_bytes()
