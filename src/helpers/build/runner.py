"""`python -m helpers reports`: build every report declared in reports.yml.

Parameters are validated before any kernel starts; notebooks run in parallel worker processes in the
order their inputs and outputs imply; an unchanged report is reused from the cache; a failing report
gets an error report, keeps its previous good version, and its dependents are not built; the command
ends with one summary line (and the failures) and a non-zero exit when anything failed.
reports/index.html lists everything, including the good reports left on disk by earlier builds.
"""

from __future__ import annotations

import argparse
import ast
import errno
import heapq
import itertools
import multiprocessing
import os
import platform
import subprocess
import sys
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict
from graphlib import TopologicalSorter
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from helpers.build import cache, catalog, lock
from helpers.build.tasks import Context, Outcome, Status, Task, remove_error_files, summary
from helpers.core import formats
from helpers.core.config import (
    PROCESSED_DIR,
    RAW_DIR,
    build_time,
    data_file,
    project_root,
    published_path,
    resolve_path,
)
from helpers.core.errors import CartoError
from helpers.core.parameters import changed
from helpers.core.storage import sha256_file, write_bytes_atomic
from helpers.core.text import file_stems
from helpers.render.dossier import DATA_DIR, DOSSIER, SYNTHESIS, build_pdfs, publish_data
from helpers.steps.base import CARTOGRAPHY, SourceRecord

PACKAGES = ("pandas", "matplotlib", "scipy", "papermill", "nbconvert", "carto-sante")
DEFAULT_TIMEOUT = 900
# Entries of the cache record that are not report stems (a stem has no « . »): the index, the dossier (DOSSIER).
INDEX = "index.html"
BUSY = 3  # exit code: another build holds the lock (--no-wait)


def parse_overrides(items: list[str]) -> dict[str, dict[str, object]]:
    """["02_openness.min_bases_ranked=3", ...] -> {report: {param: value}} (values as Python literals,
    kept as text when they are not one; a path, ``chemin`` in ``parametres.yml``, as ``published_path``: the
    reports and their notebooks show it, and a home folder's name is personal data). Raises
    ``ParameterError`` for an item not of the form ``NOM.PARAMETRE=VALEUR``."""
    paths = {name for name, spec in data_file("parametres.yml").items() if spec.get("chemin")}
    overrides: dict[str, dict[str, object]] = {}
    for item in items:
        target, sep, raw = item.partition("=")
        name, _, param = target.partition(".")
        if not (name and param and sep):
            raise catalog.ParameterError(None, f"--set attend NOM.PARAMETRE=VALEUR, reçu « {item} »")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        if param in paths and isinstance(value, str):
            value = published_path(value)
        overrides.setdefault(name, {})[param] = value
    return overrides


def static_provenance() -> dict[str, str]:
    """The git commit and the versions of Python and the main packages, for every report."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_root(), capture_output=True, text=True,
                                timeout=10).stdout.strip() or "inconnu (pas un dépôt git)"
    except OSError:
        commit = "inconnu"
    versions = [f"python {platform.python_version()}"]
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return {"Commit git": commit, "Versions": ", ".join(versions)}


class Build:
    """One build: the tasks of the selected reports, run in dependency order, with the cache record.

    Built with the project `root`, the `reports_dir` written to, `jobs` (worker processes), `force`
    (ignore the cache) and `timeout` (seconds per notebook). `outcomes` collects every :class:`Outcome`
    recorded by :meth:`done`, in the order they arrive."""

    def __init__(self, root: Path, reports_dir: Path, jobs: int, force: bool, timeout: int):
        self.root, self.reports_dir, self.jobs, self.force = root, reports_dir, jobs, force
        self.sources = cache.source_digest(Path(__file__).resolve().parents[1])
        self.record = cache.read(reports_dir)
        # Files listed by several reports' entries (written by several steps), as this build finds them (settle).
        listed = Counter(p for entry in self.record.values() if isinstance(entry, dict)
                         for p in entry.get("sorties", {}))
        self.shared_at_start = cache.digests([Path(p) for p, n in listed.items() if n > 1])
        generated = formats.timestamp(build_time())
        self.context = Context(root, reports_dir, timeout, static_provenance(), generated)
        self.outcomes: list[Outcome] = []

    def tasks(self, report: catalog.Report) -> list[Task]:
        """The report's tasks: one, or one per fan-out value (listed now, from the data built so far)."""
        if report.fan_out is None:
            return [self._task(report, Path(report.name), report.title, {}, None)]
        directory = Path(report.fan_out.directory)
        values = report.fan_out.expand(report.parameters) if report.fans_out else \
            [str(report.parameters[report.fan_out.parameter])]
        stems = {value: directory / stem for value, stem in file_stems(values).items()}  # distinct, bounded
        if report.fans_out:
            self._remove_stale(directory, set(stems.values()))
        return [self._task(report, stems[v], f"{report.title} — {v}", {report.fan_out.parameter: v}, v)
                for v in values]

    def _task(self, report: catalog.Report, stem: Path, title: str, extra: dict, value: str | None) -> Task:
        return Task(report.name, f"{report.name}:{value}" if value else report.name, report.notebook, stem,
                    title, {**report.parameters, **extra}, tuple(report.paths(report.inputs, self.root)),
                    tuple(report.paths(report.outputs, self.root)), value)

    def _remove_stale(self, directory: Path, keep: set[Path]) -> None:
        # A value gone from the data (a producer no longer in bases.csv): its page, executed notebook and error
        # files go too.
        for path in (self.reports_dir / directory).glob("*.html"):
            stem = directory / path.stem.removesuffix(".erreur")
            if stem not in keep:
                path.unlink()
                (self.reports_dir / "notebooks" / f"{stem}.ipynb").unlink(missing_ok=True)
                remove_error_files(self.reports_dir, stem)

    def fingerprint(self, task: Task, written: list[Path] | tuple[Path, ...] = ()) -> dict:
        """Cache key of the task and digests of its outputs as they are now: the declared outputs and the files
        its run wrote (`written`, from its run record: declared in reports.yml or not)."""
        key = cache.key(task.notebook, task.parameters, list(task.inputs), self.sources)
        return {"cle": key, "sorties": cache.digests(sorted({*task.outputs, *written}))}

    def reusable(self, task: Task) -> Outcome | None:
        """Same key as the last successful build, and its report and every file it wrote still as the last build
        that ran or reused it left them (:meth:`settle`): the reused Outcome (with the sources recorded then), else
        None."""
        html = self.reports_dir / f"{task.stem}.html"
        recorded = self.record.get(str(task.stem), {})
        written = [Path(p) for p in recorded.get("sorties", {})]
        if self.force or not html.is_file() or {k: recorded.get(k) for k in ("cle", "sorties")} != \
                self.fingerprint(task, written):
            return None
        remove_error_files(self.reports_dir, task.stem)  # a report good again has no error page
        return Outcome(task, Status.REUSED, sources=self.recorded_sources(task))

    def recorded_sources(self, task: Task) -> list[SourceRecord]:
        """The sources of the task's report as recorded at its last successful build ([] if none)."""
        return [SourceRecord(**s) for s in self.record.get(str(task.stem), {}).get("sources", [])]

    def done(self, outcome: Outcome) -> None:
        """Record an outcome (and, for a built report, its cache entry). A report that failed or was not built
        but whose previous good version stays published keeps the sources of that version: the front page
        quotes it, so its data (synthetic answers, say) must still be named there."""
        if outcome.status in (Status.FAILED, Status.SKIPPED) and not outcome.sources and \
                (self.reports_dir / f"{outcome.task.stem}.html").is_file():
            outcome.sources = self.recorded_sources(outcome.task)
        if outcome.status is Status.BUILT:
            self.record[str(outcome.task.stem)] = {**self.fingerprint(outcome.task, outcome.written),
                                                   "date": self.context.generated,
                                                   "sources": [asdict(s) for s in outcome.sources],
                                                   "a_retenir": outcome.takeaways}
            cache.write(self.reports_dir, self.record)
        self.outcomes.append(outcome)

    def not_built(self, report: catalog.Report, status: Status, error: str) -> None:
        """A report that did not run: its entry, and the good fan-out reports of earlier builds on disk."""
        self.done(Outcome(self._task(report, Path(report.name), report.title, {}, None), status, error))
        if report.fans_out:
            self.kept(report)

    def kept(self, report: catalog.Report) -> None:
        """Entries for the good reports of `report` that earlier builds left on disk (not run this time)."""
        if not report.fans_out:
            if (self.reports_dir / f"{report.name}.html").is_file():
                task = self._task(report, Path(report.name), report.title, {}, None)
                self.done(Outcome(task, Status.KEPT, sources=self.recorded_sources(task)))
            return
        directory = Path(report.fan_out.directory)
        for path in sorted((self.reports_dir / directory).glob("*.html")):
            if not path.stem.endswith(".erreur"):
                task = self._task(report, directory / path.stem, f"{report.title} — {path.stem}", {}, path.stem)
                self.done(Outcome(task, Status.KEPT, sources=self.recorded_sources(task)))

    def run(self, reports: list[catalog.Report]) -> list[Outcome]:
        """Build `reports` in dependency order, `jobs` notebooks at a time; returns every Outcome.

        A report whose tasks cannot be listed (a ``CartoError`` from its fan-out) is FAILED; a report
        depending on one that failed is SKIPPED, never run on stale inputs; a task whose cache entry
        still holds is REUSED. Raises :class:`~helpers.build.catalog.CatalogError` for circular
        dependencies."""
        deps = catalog.dependencies(reports, self.root)
        by_name = {r.name: r for r in catalog.ordered(reports, self.root)}  # CatalogError when circular
        graph = TopologicalSorter({name: deps[name] for name in by_name})
        graph.prepare()
        ok: dict[str, bool] = {}  # report name -> all its tasks succeeded (so far, while some run)
        left: dict[str, int] = {}  # report name -> its tasks still running
        futures: dict[Future, str] = {}  # running task -> its report's name
        # Tasks wait here, not in the pool's first-come queue: a report that does not fan out (one long notebook,
        # e.g. 05 once 02 and 04 are built) starts before the fiches still waiting, which fill the cores around it
        # (longest first), instead of running alone after the last fiche.
        queue: list[tuple[bool, int, Task, str]] = []
        arrival = itertools.count()
        progress = tqdm(total=len(reports), desc="rapports", unit="rapport", file=sys.stderr, leave=False)
        with _Pool(self.jobs) as pool:
            while graph.is_active():
                for name in graph.get_ready():  # every report it depends on is settled
                    report = by_name[name]
                    failed = sorted(d for d in deps[name] if not ok[d])
                    try:
                        if failed:
                            raise CartoError(None, f"non construit : dépend de {', '.join(failed)} (échec)")
                        tasks = self.tasks(report)
                    except CartoError as exc:
                        ok[name] = False
                        self.not_built(report, Status.SKIPPED if failed else Status.FAILED, str(exc))
                        progress.update(1)
                        graph.done(name)
                        continue
                    progress.total += len(tasks) - 1
                    progress.refresh()
                    ok[name], left[name] = True, 0
                    for task in tasks:
                        reused = self.reusable(task)
                        if reused is not None:
                            self.done(reused)
                            progress.update(1)
                        else:
                            heapq.heappush(queue, (task.value is not None, next(arrival), task, name))
                            left[name] += 1
                    if not left[name]:
                        graph.done(name)
                while queue and len(futures) < self.jobs:
                    *_, task, name = heapq.heappop(queue)
                    futures[pool.submit(task, self.context)] = name
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = futures.pop(future)
                    outcome = future.result()
                    ok[name] &= outcome.status is Status.BUILT
                    self.done(outcome)
                    progress.update(1)
                    left[name] -= 1
                    if not left[name]:
                        graph.done(name)
        progress.close()
        self.settle()
        return self.outcomes

    def settle(self) -> None:
        """Record the files written by this build's reports as the build leaves them, for the next build to compare.

        A file several steps write (``datapackage.json``, each merging its own resources in) may be rewritten after
        a report that also writes it was checked or built. Each report's part is kept by such a merge, so the new
        digest is recorded for the reports built now and for every report whose digest of the file was the file's
        digest when this build began (its part was there then); a report whose part may have gone (the file deleted
        or changed before this build) keeps its old digest, and is rebuilt next time."""
        built = {str(o.task.stem) for o in self.outcomes if o.status is Status.BUILT}
        now: dict[str, str] = {}
        changed = False
        for stem, entry in self.record.items():
            outputs = entry.get("sorties") if isinstance(entry, dict) else None
            for path, digest in (outputs or {}).items():
                if stem in built or self.shared_at_start.get(path) == digest:
                    if path not in now:
                        now.update(cache.digests([Path(path)]))
                    changed |= outputs[path] != now[path]
                    outputs[path] = now[path]
        if changed:
            cache.write(self.reports_dir, self.record)


class _Pool:
    """The worker processes (spawned, `jobs` of them), started at the first task to run: an unchanged re-run
    starts none and never imports the worker (nbformat, nbconvert, papermill)."""

    def __init__(self, jobs: int) -> None:
        self.jobs, self.executor, self.execute = jobs, None, None

    def submit(self, task: Task, context: Context) -> Future:
        if self.executor is None:
            from helpers.build import worker

            self.execute = worker.execute
            self.executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=worker.quiet_worker)
        return self.executor.submit(self.execute, task, context)

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def sources_used(outcomes: list[Outcome]) -> list[SourceRecord]:
    """Every distinct source named by the outcomes' run records, in order of first appearance."""
    return list(dict.fromkeys(s for o in outcomes for s in o.sources))


def index_data(sources: list[SourceRecord]) -> dict:
    """The facts about the data that reports/index.html shows: ``fichier``, ``sha256``, ``origine`` (each
    « , »-joined over `sources`), ``officiel`` (every source official), ``synthetique`` (any synthetic),
    ``resume`` (:func:`~helpers.build.tasks.summary`) and ``roles_synthetiques`` (sorted roles)."""
    return {"fichier": ", ".join(s.file for s in sources) or "inconnu",
            "sha256": ", ".join(s.sha256 for s in sources), "origine": ", ".join(s.origin for s in sources),
            "officiel": bool(sources) and all(s.official for s in sources),
            "synthetique": any(s.synthetic for s in sources), "resume": summary(sources),
            "roles_synthetiques": sorted({s.role for s in sources if s.synthetic})}


def changed_settings(reports: list[catalog.Report], by: str = "name") -> list[str]:
    """« <report name (or `by`="title")> — <phrase> » for every parameter of `reports` set to a value other
    than its notebook default (:func:`helpers.core.parameters.changed`): the summary line and the front page
    name them (issue 18)."""
    return [f"{getattr(r, by)} — {c}" for r in reports for c in changed(r.declared, r.parameters)]


def write_index(build: Build, selected: list[catalog.Report]) -> None:
    """reports/index.html: reports in build order, fan-out reports by name. Left as it is when nothing it shows
    changed since the build that wrote it: the same entries (statuses as the index shows them: built and reused
    are both « à jour », with their build date), data facts and package source, the same core reports (their
    takeaways are quoted) and the same cache entries (hence the same processed tables, e.g. the fiche counts),
    and the file itself untouched; its date then stays the date of that build. nbconvert is imported only when
    the index is written."""
    order = {r.name: i for i, r in enumerate(catalog.ordered(selected, build.root))}
    questions = {r.name: r.question for r in selected}
    outcomes = sorted(build.outcomes, key=lambda o: (o.task.value is not None, order.get(o.task.report, 0),
                                                     o.task.title))
    entries = [{"title": o.task.title, "status": o.status, "error": o.error, "error_href": o.error_href,
                "href": f"{o.task.stem}.html" if (build.reports_dir / f"{o.task.stem}.html").is_file() else "",
                "fiche": o.task.value is not None, "label": o.task.label, "question": questions.get(o.task.report, ""),
                "built_on": build.record.get(str(o.task.stem), {}).get("date", "")
                if (build.reports_dir / f"{o.task.stem}.html").is_file() else "",
                "a_retenir": build.record.get(str(o.task.stem), {}).get("a_retenir", [])} for o in outcomes]
    data = index_data(sources_used(outcomes))
    data["parametres"] = changed_settings(selected, by="title")
    data["fiches_min_lignes"] = next((r.fan_out.arguments.get("min_lines") for r in selected if r.fans_out), None)
    target = build.reports_dir / INDEX
    key = cache.content_key({
        "entries": [{**e, "status": e["status"].index_label} for e in entries], "data": data,
        "sources": build.sources,
        "reports": cache.digests([build.reports_dir / e["href"] for e in entries if e["href"] and not e["fiche"]]),
        "cache": {str(o.task.stem): build.record.get(str(o.task.stem)) for o in outcomes}})
    if not build.force and target.is_file() and build.record.get(INDEX) == {"cle": key,
                                                                             "sortie": sha256_file(target)}:
        return
    from helpers.render.export import index_html

    write_bytes_atomic(target, index_html(entries, data, build.context.generated).encode("utf-8"))
    build.record[INDEX] = {"cle": key, "sortie": sha256_file(target)}
    cache.write(build.reports_dir, build.record)


def dossier_key(build: Build) -> str:
    """The digest of what the PDF dossier is made of: every published HTML page under the reports folder
    (executed notebooks and error pages left out; the dossier takes the front page, the core reports and the
    fiches among them) and the package's source (the renderer and its style sheet)."""
    pages = {p.relative_to(build.reports_dir).as_posix(): sha256_file(p) for p in build.reports_dir.rglob("*.html")
             if not p.name.endswith(".erreur.html") and "notebooks" not in p.relative_to(build.reports_dir).parts}
    return cache.content_key({"pages": dict(sorted(pages.items())), "sources": build.sources})


def dossier_current(build: Build, key: str) -> bool:
    """Whether ``dossier.pdf`` is the one built from the parts whose digest is `key` (:func:`dossier_key`): its
    cache entry, written only after the PDF itself, names that key and the PDF's own digest. A dossier left by a
    build killed while writing it, or older than the reports, is not current."""
    target = build.reports_dir / DOSSIER
    return not build.force and target.is_file() and (build.reports_dir / SYNTHESIS).is_file() and \
        build.record.get(DOSSIER) == {"cle": key, "sortie": sha256_file(target)}


def publish(reports_dir: Path, processed_dir: Path, core: list[str], built: bool, no_pdf: bool,
            stale: bool | None = None) -> bool:
    """reports/ made self-contained (the linked tables copied into ``donnees/``) when a report was rebuilt,
    the dossier is `stale` or ``donnees/`` is missing, and the PDF dossier and synthesis rebuilt when it is
    `stale` (default: when a report was `built`) or one is missing — only their changed parts are printed again
    (:func:`helpers.render.dossier.build_pdfs`, the `core` reports as sections: :func:`core_reports`) —, unless
    `no_pdf` (then stale PDFs are removed, never left behind: the next build without `no_pdf` writes them).
    Returns True when the dossier was written. A :class:`CartoError` is reported on stderr, it does not fail the
    build."""
    stale = built if stale is None else stale
    try:
        if built or stale or not (reports_dir / DATA_DIR).is_dir():
            publish_data(reports_dir, processed_dir)
        pdfs = [reports_dir / DOSSIER, reports_dir / SYNTHESIS]
        if no_pdf:
            if stale:
                for pdf in pdfs:
                    pdf.unlink(missing_ok=True)
        elif stale or not all(pdf.is_file() for pdf in pdfs):
            # Only the parts that changed are printed (all of them, on every core, when cold): say so meanwhile.
            print("\rrapports: écriture du dossier PDF (WeasyPrint)…", end="", file=sys.stderr, flush=True)
            build_pdfs(reports_dir, core)
            print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
            return True
    except CartoError as exc:
        print(f"Dossier PDF non construit : {exc}", file=sys.stderr)
    return False


def core_reports(reports: list[catalog.Report], root: Path) -> list[str]:
    """The reports of the PDF dossier's body, in reading order: every report of reports.yml that does not fan out
    (the fiches go to the annex), in build order."""
    return [r.name for r in catalog.ordered(reports, root) if r.fan_out is None]


def fallback_line(sources: list[SourceRecord]) -> str:
    """One French line saying why the cartography is the synthetic sample and how to use the official file, or ""
    when it is not synthetic."""
    carto = next((s for s in sources if s.role == CARTOGRAPHY and s.synthetic), None)
    if carto is None:
        return ""
    why = carto.note.rstrip(".") or "fichier officiel introuvable"
    official = data_file("sources.yml")["cartographie"]["fichier"]
    return (f"Cartographie synthétique : aucune copie du fichier officiel dans {RAW_DIR}/, "
            f"{why[:1].lower()}{why[1:]}. Pour les vrais chiffres, copiez {official} dans {RAW_DIR}/ "
            "(ou --set 01_clean_cartography.cartography_path=CHEMIN) et relancez.")


def output_folders(root: Path, reports_dir: Path, reports: list[catalog.Report]) -> set[Path]:
    """The folders a build writes: the reports folder, each report's processed-data folder and the folder of
    each declared output."""
    folders = {reports_dir} | {p.parent for r in reports for p in r.paths(r.outputs, root)}
    return folders | {resolve_path(str(r.parameters["processed_dir"])) for r in reports
                      if r.parameters.get("processed_dir")}


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code (0 all good, 1 a report failed, 2 bad request or a folder
    that cannot be written, 3 another build at work with ``--no-wait``).

    Holds the lock of every output folder for the whole build (:mod:`helpers.build.lock`: a second build waits,
    or stops with ``--no-wait``) and first removes the staged files a dead build left there. Writes the reports
    and ``index.html`` under ``--reports-dir``, copies the linked processed tables into its ``donnees/`` and
    rebuilds ``dossier.pdf`` when it is not the one built from the reports as they are (:func:`dossier_current`)
    or it is missing (a dossier that cannot be built is reported, not fatal). An invalid reports.yml, ``--set``
    or ``--only`` (a ``CartoError`` while loading), or a read-only output folder, is one French line on stderr
    and exit code 2."""
    parser = argparse.ArgumentParser(prog="python -m helpers reports", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NOM", help="ne construire que ces rapports")
    parser.add_argument("--set", action="append", default=[], metavar="NOM.PARAM=VALEUR",
                        help="remplacer un paramètre d'un notebook (répétable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processus en parallèle")
    parser.add_argument("--force", action="store_true", help="tout reconstruire, sans le cache")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="délai par notebook, en secondes")
    parser.add_argument("--reports-dir", default="reports", help="dossier des rapports (défaut : reports)")
    parser.add_argument("--no-wait", action="store_true",
                        help="si une autre construction écrit dans les mêmes dossiers, s'arrêter au lieu d'attendre")
    parser.add_argument("--no-pdf", action="store_true",
                        help="ne pas construire reports/dossier.pdf (un dossier périmé est retiré ; la prochaine "
                             "construction sans cette option l'écrit)")
    args = parser.parse_args(argv)

    root = project_root()
    try:
        reports = catalog.load(root, parse_overrides(args.set), args.only or [])
    except CartoError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    selected = [r for r in reports if not args.only or r.name in args.only]
    reports_dir = resolve_path(args.reports_dir)
    try:
        with lock.locked(output_folders(root, reports_dir, reports), wait=not args.no_wait,
                         say=lambda line: print(line, file=sys.stderr, flush=True)) as folders:
            lock.check_writable(folders, reports_dir)
            lock.remove_staged(folders, reports_dir)
            return _build(args, root, reports, selected, reports_dir)
    except lock.BusyError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return BUSY
    except lock.UnwritableError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder made read-only during the build: one line naming it
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        where = Path(exc.filename) if exc.filename else reports_dir
        print(f"Erreur : {where if where.is_dir() else where.parent} : dossier impossible à écrire "
              f"({exc.strerror}) : rendez-le accessible en écriture", file=sys.stderr)
        return 2


def _build(args: argparse.Namespace, root: Path, reports: list[catalog.Report], selected: list[catalog.Report],
           reports_dir: Path) -> int:
    """The build proper, under the lock of its output folders (:func:`main`)."""
    build = Build(root, reports_dir, max(1, args.jobs), args.force, args.timeout)
    outcomes = list(build.run(selected))
    for report in reports:  # not selected (--only): the index still lists their reports on disk
        if report not in selected:
            build.kept(report)
    write_index(build, reports)
    processed = next((r.parameters["processed_dir"] for r in selected if r.parameters.get("processed_dir")),
                     PROCESSED_DIR)
    built = any(o.status is Status.BUILT for o in outcomes)
    data_dir, dossier = reports_dir / DATA_DIR, reports_dir / DOSSIER
    key = dossier_key(build)
    stale = not dossier_current(build, key)
    if built or not data_dir.is_dir() or (stale and (dossier.is_file() or not args.no_pdf)):
        if publish(reports_dir, resolve_path(processed), core_reports(reports, root), built, args.no_pdf, stale):
            # Last, once the PDF is in place: a build killed before this line leaves the dossier stale.
            build.record[DOSSIER] = {"cle": key, "sortie": sha256_file(dossier)}
            cache.write(reports_dir, build.record)
        elif not dossier.is_file() and build.record.pop(DOSSIER, None) is not None:
            cache.write(reports_dir, build.record)
    count = {s: sum(o.status is s for o in outcomes) for s in Status}
    print(f"Rapports : {count[Status.BUILT]} construits, {count[Status.REUSED]} réutilisés, "
          f"{count[Status.FAILED]} en échec, {count[Status.SKIPPED]} non construits ; "
          f"données : {summary(sources_used(outcomes))}"
          + "".join(f" ; paramètre modifié : {c}" for c in changed_settings(selected))
          + f" → {reports_dir / 'index.html'}")
    fallback = fallback_line(sources_used(outcomes))
    if fallback:
        print(fallback)
    failures = [o for o in outcomes if o.status in (Status.FAILED, Status.SKIPPED)]
    for outcome in failures:
        print(f"Échec de {outcome.task.label} : {outcome.error}", file=sys.stderr)
    return 1 if failures else 0
