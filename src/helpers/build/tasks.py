"""What a report build is made of: the Task (one notebook run), its Status and Outcome, the Context every task
shares, and the summary of the data a run used.

The worker that executes a task lives in :mod:`helpers.build.worker`: the runner imports it (with nbformat,
nbconvert and papermill) only when a task has to run, so an unchanged re-run does not pay for them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from helpers.steps.base import SourceRecord


class Status(enum.Enum):
    """What became of one report in a build; its value is the French label shown to the reader."""

    BUILT = "construit"
    REUSED = "réutilisé (inchangé)"
    FAILED = "échec"
    SKIPPED = "non construit"  # not run: a report it depends on failed
    # Not rebuilt this time (its report failed or was skipped), previous version on disk.
    KEPT = "version précédente conservée"

    @property
    def index_label(self) -> str:
        """What the index's journal shows: a report built by this run or reused from the cache is « à jour »
        either way (its build date is shown beside it), so an unchanged re-run leaves the index as it was."""
        return "à jour" if self in (Status.BUILT, Status.REUSED) else self.value


@dataclass(frozen=True)
class Task:
    """One notebook run: `report` (reports.yml name), `label` (report, or ``report:value`` for a fan-out),
    the notebook, `stem` (report path under the reports folder, without ``.html``), French `title`,
    effective `parameters`, declared `inputs` and `outputs` (absolute paths) and the fan-out `value`."""

    report: str
    label: str
    notebook: Path
    stem: Path
    title: str
    parameters: dict[str, object]
    inputs: tuple[Path, ...] = ()
    outputs: tuple[Path, ...] = ()
    value: str | None = None


@dataclass(frozen=True)
class Context:
    """What every task of one build shares: project `root`, `reports_dir`, `timeout` (s), the static
    provenance (commit, versions) and the generation date shown in every report."""

    root: Path
    reports_dir: Path
    timeout: int
    static: dict[str, str]
    generated: str


@dataclass
class Outcome:
    """The result of one task: `status`, the French `error` (one line) and the error page's href
    (relative to the reports folder) when it failed, the `sources` its run record named, the files it
    `written` (absolute paths; the cache checks them as it checks the declared outputs) and its `takeaways`."""

    task: Task
    status: Status
    error: str = ""
    error_href: str = ""
    sources: list[SourceRecord] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)


def source_line(source: SourceRecord) -> str:
    """« file (sha256 …), nature, origin » for one source, in the provenance block."""
    origin = f", {source.origin}" if source.origin else ""
    return f"{source.file} (sha256 {source.sha256}), {source.nature}{origin}"


def summary(sources: list[SourceRecord]) -> str:
    """« cartographie officielle, réponses synthétiques »: each role once, with its nature (agreed in
    number with the role); « données inconnues » when no run record was read."""
    parts = []
    for role in dict.fromkeys(s.role for s in sources):
        of_role = [s for s in sources if s.role == role]
        nature = " et ".join(dict.fromkeys(s.nature for s in of_role))
        parts.append(f"{role} {nature}{'s' if role.endswith('s') and not nature.endswith('s') else ''}")
    return ", ".join(parts) or "données inconnues"


def remove_error_files(reports_dir: Path, stem: Path) -> None:
    """Remove the error page and failed notebook of a report that is good again."""
    (reports_dir / stem.parent / f"{stem.name}.erreur.html").unlink(missing_ok=True)
    (reports_dir / "notebooks" / stem.parent / f"{stem.name}.erreur.ipynb").unlink(missing_ok=True)
