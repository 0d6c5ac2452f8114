"""A build's life as people live it: a second build started beside the first (a second terminal, a scheduled
rebuild), a runner killed outright, an interrupted PDF, a read-only reports folder, a direct papermill run. Each
with the project's own command, on project copies (offline: the cartography is a synthetic sample)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import copy_project
from filelock import FileLock
from pypdf import PdfReader
from test_runner_fixtures import FIXTURE

from helpers.build import cache, lock, runner
from helpers.build.tasks import Outcome, Status, Task
from helpers.cartography.synthetic import generate_cartography_ods
from helpers.core.storage import sha256_file
from helpers.render import dossier
from helpers.steps.base import CARTOGRAPHY, SourceRecord

OFFICIAL_NAME = "Cartographie-des-donnees-publiques-de-sante-6-mai-2014.ods"


def command(root: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"}
    return [sys.executable, "-m", "helpers", "reports", *args], env


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    cmd, env = command(root, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)


def start(root: Path, *args: str) -> subprocess.Popen:
    cmd, env = command(root, *args)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"attendu en {timeout} s : {what}"
        time.sleep(0.2)


def staged(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob(".*") if p.is_file() and p.name != lock.LOCK_NAME
                  and (p.suffix == ".tmp" or p.name.endswith((".en-cours.ipynb", ".run.json"))))


@pytest.fixture
def mini(tmp_path) -> Path:
    """A copy of the mini project (two tiny notebooks, the second reads what the first writes)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "mini"))


# --- 24.1: one build at a time ------------------------------------------------------------------------------------

def test_a_second_build_stops_with_no_wait_or_waits_with_one_line_and_never_writes_under_the_first(mini):
    held = FileLock(mini / "reports" / lock.LOCK_NAME)  # another build at work in reports/
    (mini / "reports").mkdir()
    held.acquire()
    try:
        busy = run(mini, "--no-pdf", "--jobs", "1", "--no-wait")
        assert busy.returncode == runner.BUSY
        assert busy.stderr.strip() == (f"Erreur : {mini / 'reports'} : une autre construction des rapports écrit "
                                       "dans ce dossier ; relancez sans --no-wait pour attendre qu'elle finisse")
        assert busy.stdout == ""
        waiting = start(mini, "--no-pdf", "--jobs", "1")
        line = waiting.stderr.readline()
        assert line == f"Une autre construction des rapports écrit dans {mini / 'reports'} : attente de sa fin…\n"
        time.sleep(2)
        assert waiting.poll() is None  # still waiting, and nothing of it written yet
        assert sorted(p.name for p in (mini / "reports").iterdir()) == [lock.LOCK_NAME]
        assert not (mini / "donnees" / "nombre.txt").exists()
    finally:
        held.release()
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    assert out.startswith("Rapports : 2 construits")
    assert "attente" not in err  # the one line only
    assert "Nombre lu : 7" in (mini / "reports" / "b_lire.html").read_text(encoding="utf-8")


def _provenance_digests(page: Path) -> set[str]:
    return set(re.findall(r"sha256 ([0-9a-f]{64})", page.read_text(encoding="utf-8")))


def test_two_builds_with_different_cartographies_each_report_their_own(tmp_path):
    # Two reports folders, one processed-data folder: without the lock, the second build's notebook 01 rewrote
    # the tables while the first build's 02 read them, so the first build's reports showed the second's data.
    root = copy_project(tmp_path / "projet")
    files = {"a": generate_cartography_ods(tmp_path / "a.ods", n_lines=40, seed=1),
             "b": generate_cartography_ods(tmp_path / "b.ods", n_lines=70, seed=2)}
    digests = {k: sha256_file(v) for k, v in files.items()}
    assert digests["a"] != digests["b"]

    def build(name: str) -> subprocess.Popen:
        return start(root, "--only", "01_clean_cartography", "02_openness", "--no-pdf", "--jobs", "1",
                     "--reports-dir", f"rapports_{name}",
                     "--set", f"01_clean_cartography.cartography_path='{files[name]}'")

    first = build("a")
    wait_for(lambda: (root / "rapports_a" / "notebooks").is_dir(), 300, "la première construction a commencé")
    second = build("b")
    done = {name: (proc, *proc.communicate(timeout=900)) for name, proc in (("a", first), ("b", second))}
    for proc, out, err in done.values():
        assert proc.returncode == 0, err
        assert out.startswith("Rapports : 2 construits, 0 réutilisés, 0 en échec"), out
    waited = done["b"][2]
    assert f"Une autre construction des rapports écrit dans {root / 'data' / 'processed'} : attente de sa fin…" \
        in waited
    for name, other in (("a", "b"), ("b", "a")):
        reports = root / f"rapports_{name}"
        for page in ("01_clean_cartography.html", "02_openness.html"):
            found = _provenance_digests(reports / page)
            assert digests[name] in found and digests[other] not in found, (name, page)
        index = (reports / "index.html").read_text(encoding="utf-8")
        assert digests[name] in index and digests[other] not in index
    # The processed data are the last build's, whole.
    provenance = json.loads((root / "data" / "processed" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["sha256"] == digests["b"]


# --- 24.2: a killed runner leaves nothing running, and nothing staged after the next build ------------------------

def _live(procs) -> list[psutil.Process]:
    """The processes of `procs` still running: neither ended nor zombies (a worker's short-lived child can end
    between listing the tree and reading its state)."""
    alive = []
    for proc in procs:
        try:
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.Error:
            continue
    return alive


def _processes_of(root: Path) -> list[psutil.Process]:
    """Every live process of a build in `root` (the runner's environment is inherited by workers and kernels)."""
    found = []
    for proc in _live(psutil.process_iter()):
        try:
            if proc.environ().get("CARTO_SANTE_ROOT") == str(root):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _cmdline(proc: psutil.Process) -> str:
    """The command line of a process, or "" once it has ended (a worker's short-lived child can be a zombie or gone
    between listing the tree and reading its command line)."""
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def test_a_killed_runner_takes_its_workers_and_kernels_with_it_and_the_next_build_clears_their_files(tmp_path):
    root = copy_project(tmp_path / "projet")
    processed = root / "data" / "processed"
    build = start(root, "--only", "01_clean_cartography", "04_consultation", "--no-pdf", "--jobs", "2")
    try:
        # Killed while notebook 04 runs (its executed notebook staged as .04_consultation.en-cours.ipynb, its kernel
        # at work): 01 is done (cached), and the workers and 04's kernel are alive.
        executed = root / "reports" / "notebooks"

        def running() -> bool:
            kernels = [p for p in psutil.Process(build.pid).children(recursive=True)
                       if "ipykernel_launcher" in _cmdline(p)]
            return bool(kernels) and any(executed.glob(".04_consultation.en-cours.ipynb"))

        wait_for(running, 600, "le notebook 04 en cours dans son noyau")
        tree = psutil.Process(build.pid).children(recursive=True)
        assert len(tree) >= 2  # workers, a kernel
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        gone, alive = psutil.wait_procs(tree, timeout=10)
        alive = _live(alive)
        assert alive == [], [_cmdline(p)[:200] for p in alive]
        assert _processes_of(root) == []
    finally:
        for proc in _processes_of(root):
            proc.kill()
    assert staged(processed, root / "reports")  # the dead build's staged files are still there…
    time.sleep(2)
    before = {p: p.stat().st_mtime_ns for p in processed.iterdir()}
    time.sleep(3)
    assert {p: p.stat().st_mtime_ns for p in processed.iterdir()} == before  # …and nothing writes any more

    again = run(root, "--only", "01_clean_cartography", "--no-pdf")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Rapports : 0 construits, 1 réutilisés"), again.stdout  # 01 finished before
    assert staged(processed, root / "reports") == []


def test_a_killed_runner_takes_its_pdf_printers_with_it(mini):
    # The mini project under the names of the dossier's core reports (CORE_MINI): killed while the dossier's parts
    # are printed by their own processes (issue 20), the runner leaves none of them running.
    (mini / "reports.yml").write_text(CORE_MINI, encoding="utf-8")
    build = start(mini, "--jobs", "1")
    try:
        wait_for(lambda: (mini / "reports" / dossier.PARTS_DIR).is_dir() and psutil.Process(build.pid).children(),
                 600, "les processus d'impression du dossier")
        printers = psutil.Process(build.pid).children(recursive=True)
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        gone, alive = psutil.wait_procs(printers, timeout=10)
        alive = _live(alive)
        assert printers and alive == [], [_cmdline(p)[:200] for p in alive]
        assert _processes_of(mini) == []
    finally:
        for proc in _processes_of(mini):
            proc.kill()


# --- 25.4: the PDF dossier has its own cache entry -----------------------------------------------------------------

CORE_MINI = """reports:
  - {name: 01_clean_cartography, notebook: notebooks/a_ecrire.ipynb, title: "Écriture", parameters: {},
     outputs: ["{dossier}/nombre.txt"]}
  - {name: 02_openness, notebook: notebooks/b_lire.ipynb, title: "Lecture", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
  - {name: 04_consultation, notebook: notebooks/b_lire.ipynb, title: "Lecture bis", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
  - {name: 05_priorities, notebook: notebooks/b_lire.ipynb, title: "Lecture ter", parameters: {},
     inputs: ["{dossier}/nombre.txt"]}
"""


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_dossier_left_by_a_build_killed_while_writing_it_is_rebuilt(mini):
    # The mini project under the names of the dossier's core reports: a small, real dossier.
    (mini / "reports.yml").write_text(CORE_MINI, encoding="utf-8")
    assert run(mini, "--jobs", "1").returncode == 0
    reports = mini / "reports"
    old_pdf = (reports / "dossier.pdf").read_bytes()
    old_entry = cache.read(reports)[runner.DOSSIER]
    assert "Nombre lu : 7" in _pdf_text(reports / "dossier.pdf")
    assert old_entry["sortie"] == sha256_file(reports / "dossier.pdf")

    assert run(mini, "--jobs", "1", "--set", "01_clean_cartography.valeur=8").returncode == 0
    assert "Nombre lu : 8" in _pdf_text(reports / "dossier.pdf")
    # What a kill -9 during the PDF step leaves: the reports and their cache entries of that build, the previous
    # dossier (written atomically, never replaced) and the previous dossier entry (written after the PDF).
    (reports / "dossier.pdf").write_bytes(old_pdf)
    record = cache.read(reports)
    cache.write(reports, {**record, runner.DOSSIER: old_entry})

    again = run(mini, "--jobs", "1", "--set", "01_clean_cartography.valeur=8")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Rapports : 0 construits, 4 réutilisés"), again.stdout
    assert "Nombre lu : 8" in _pdf_text(reports / "dossier.pdf")  # rebuilt, not « up to date »
    assert cache.read(reports)[runner.DOSSIER]["sortie"] == sha256_file(reports / "dossier.pdf")
    # A dossier gone missing is rebuilt too; an unchanged re-run leaves it as it is.
    (reports / "dossier.pdf").unlink()
    assert run(mini, "--jobs", "1", "--set", "01_clean_cartography.valeur=8").returncode == 0
    kept = (reports / "dossier.pdf").stat().st_mtime_ns
    assert run(mini, "--jobs", "1", "--set", "01_clean_cartography.valeur=8").returncode == 0
    assert (reports / "dossier.pdf").stat().st_mtime_ns == kept


# --- 25.5: every file a step writes is checked (the rebuilds themselves: test_runner.py, cache misses) --------------

def test_a_file_several_steps_write_is_recorded_as_the_build_leaves_it(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    package = tmp_path / "datapackage.json"  # written by 01, 02, 04 and 05, each merging its resources in
    package.write_text("01 02 05", encoding="utf-8")
    found, lost = sha256_file(package), "0" * 64
    cache.write(reports, {"01_clean_cartography": {"cle": "k", "sorties": {str(package): found}},
                          "02_openness": {"cle": "k", "sorties": {str(package): found}},
                          "05_priorities": {"cle": "k", "sorties": {str(package): lost}}})  # changed since 05 ran
    build = runner.Build(tmp_path, reports, 1, False, 60)
    package.write_text("01 02 04", encoding="utf-8")  # 04, built now, merges its part in
    notebook = tmp_path / "04.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    built = Task("04_consultation", "04_consultation", notebook, Path("04_consultation"), "04", {})
    build.done(Outcome(built, Status.BUILT, written=[package]))
    build.settle()
    outputs = {stem: entry["sorties"] for stem, entry in cache.read(reports).items()}
    now = {str(package): sha256_file(package)}
    # 01 and 02 had their part in the file when the build began, and a merge keeps it: reused next time.
    assert outputs == {"01_clean_cartography": now, "02_openness": now, "04_consultation": now,
                       "05_priorities": {str(package): lost}}  # 05's part may be gone: rebuilt next time


# --- 25.6: a read-only reports folder -------------------------------------------------------------------------------

def _read_only_run(root: Path, folder: Path) -> subprocess.CompletedProcess:
    """The command with `folder` read-only: by its mode for an ordinary user; for root (whom modes do not stop),
    by a read-only bind mount in a mount namespace of the command's own."""
    cmd, env = command(root, "--no-pdf", "--jobs", "1")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("root sans unshare : impossible de rendre un dossier non inscriptible pour root")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), *cmd], capture_output=True,
                          text=True, timeout=600, env=env)


def test_a_read_only_reports_folder_is_one_error_naming_it(mini):
    assert run(mini, "--no-pdf", "--jobs", "1").returncode == 0  # reports/ exists, with a lock file in it
    before = {p: sha256_file(p) for p in (mini / "reports").rglob("*") if p.is_file()}
    done = _read_only_run(mini, mini / "reports")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"Erreur : {mini / 'reports'} : dossier impossible à écrire (")
    assert {p: sha256_file(p) for p in (mini / "reports").rglob("*") if p.is_file()} == before


# --- 18.6: a successful run says nothing alarming -------------------------------------------------------------------

def test_a_direct_papermill_run_of_04_ends_without_error_or_traceback(tmp_path, monkeypatch):
    from helpers.steps.s01_clean import clean_cartography

    root = copy_project(tmp_path / "projet")
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(root))
    monkeypatch.setenv("CARTO_SANTE_OFFLINE", "1")
    clean_cartography(None, root / "data" / "processed", root / "data" / "raw")
    papermill = Path(sys.executable).with_name("papermill")
    done = subprocess.run([str(papermill), "notebooks/04_consultation.ipynb", str(tmp_path / "04.ipynb"),
                           "--cwd", str(root)], capture_output=True, text=True, timeout=900, cwd=root,
                          env={**os.environ, "CARTO_SANTE_ROOT": str(root), "CARTO_SANTE_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    # The kernel's shutdown sends SIGINT to its process group, the background process included: it used to answer
    # with « Process SpawnProcess-1: Traceback … KeyboardInterrupt ».
    for noise in ("ERROR", "Traceback", "KeyboardInterrupt", "SpawnProcess"):
        assert noise not in done.stderr, done.stderr[-3000:]


@pytest.mark.parametrize(("note", "why"), [
    ("Téléchargement désactivé (CARTO_SANTE_OFFLINE).", "téléchargement désactivé (CARTO_SANTE_OFFLINE)"),
    ("Téléchargement du fichier officiel impossible (pas de réseau, ou serveur injoignable).",
     "téléchargement du fichier officiel impossible (pas de réseau, ou serveur injoignable)"),
])
def test_the_synthetic_fallback_says_why_and_how_to_use_the_official_file(note, why):
    carto = SourceRecord(CARTOGRAPHY, "cartographie-synthetique.ods", "1" * 64, synthetic=True, note=note)
    answers = SourceRecord("réponses", "r.csv", "2" * 64, synthetic=True)
    assert runner.fallback_line([carto, answers]) == (
        f"Cartographie synthétique : aucune copie du fichier officiel dans data/raw/, {why}. Pour les vrais "
        f"chiffres, copiez {OFFICIAL_NAME} dans data/raw/ (ou --set 01_clean_cartography.cartography_path=CHEMIN) "
        "et relancez.")
    official = SourceRecord(CARTOGRAPHY, OFFICIAL_NAME, "3" * 64, official=True)
    assert runner.fallback_line([official, answers]) == ""  # synthetic answers are the default, not a fallback


def test_staged_files_are_removed_only_in_the_locked_folders(tmp_path):
    processed, reports, other = (tmp_path / n for n in ("processed", "reports", "ailleurs"))
    for folder in (processed, reports / "notebooks" / "producteurs", other):
        folder.mkdir(parents=True)
    left = [processed / ".bases.csv.abc123.tmp", processed / ".classeur.x1y2.xlsx.tmp",
            reports / "notebooks" / "producteurs" / ".abc.en-cours.ipynb",
            reports / "notebooks" / ".02_openness.run.json", reports / ".index.html.k9.tmp"]
    kept = [processed / "bases.csv", processed / "notes.tmp", other / ".x.tmp", reports / "index.html"]
    for path in left + kept:
        path.write_text("x", encoding="utf-8")
    with lock.locked([processed, reports], wait=False, say=print) as folders:
        assert lock.remove_staged(folders, reports) == sorted(left)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in left)
