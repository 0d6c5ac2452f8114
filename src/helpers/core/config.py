"""The project's configuration, in one place: where the project lives, where data go, the data files
(vocabularies, weights) shipped in ``helpers/data/``, and the environment variables read.

Everything else asks this module; nothing else reads ``os.environ`` or opens ``helpers/data/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from helpers.core.errors import CartoError
from helpers.core.models import validated
from helpers.core.settings import SETTINGS, SettingsError

#: Environment variables the project reads (all optional).
ENV_ROOT = "CARTO_SANTE_ROOT"  # a project copy to work in (tests, benchmarks)
ENV_OFFLINE = "CARTO_SANTE_OFFLINE"  # "1": never try to download the official file
ENV_URL = "CARTO_SANTE_URL"  # another address for the official file (tests: a local server)
ENV_XLSX_MAX_ROWS = "CARTO_SANTE_XLSX_MAX_ROWS"  # rows per XLSX sheet (tests: a small limit)
ENV_MAX_INFLATED_MB = "CARTO_SANTE_MAX_INFLATED_MB"  # inflated size bound of a spreadsheet package (entrees.yml)
ENV_RUN_RECORD = "CARTO_SANTE_RUN_RECORD"  # set by the report runner: where a step writes its run record
ENV_BUILD_TIME = "SOURCE_DATE_EPOCH"  # reproducible-builds convention: the build date shown, seconds since 1970
ENV_SECRET = "CARTO_SANTE_SECRET"  # the key of the respondents' pseudonyms (else SECRET_FILE, made on first use)
#: The project's pseudonym key, under the project root: made once, never committed (.gitignore), never published.
SECRET_FILE = ".carto-sante-secret"


def env(name: str, default: str = "") -> str:
    """The value of one of the project's environment variables (``ENV_*`` above), or `default`."""
    return os.environ.get(name, default)


def offline() -> bool:
    """True when ``CARTO_SANTE_OFFLINE`` asks not to download anything."""
    return env(ENV_OFFLINE).lower() in {"1", "true", "yes"}


def build_time() -> dt.datetime:
    """The moment the reports say they were built: now (UTC), or ``SOURCE_DATE_EPOCH`` when set (seconds since
    1970, the reproducible-builds convention: two builds of the same inputs then give the same bytes).

    Raises :class:`~helpers.core.errors.CartoError` when the variable is not a whole number of seconds."""
    epoch = env(ENV_BUILD_TIME)
    if not epoch:
        return dt.datetime.now(dt.UTC)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise CartoError(None, f"{ENV_BUILD_TIME} « {epoch} » : un nombre entier de secondes est attendu") from exc


def project_root() -> Path:
    """The checkout holding this package (src layout), whatever the current directory.

    ``CARTO_SANTE_ROOT`` points elsewhere (e.g. a copy of the project in a test).
    """
    override = env(ENV_ROOT)
    return Path(override).resolve() if override else Path(__file__).resolve().parents[3]


#: The raw and processed folders, relative to the project root: the steps' defaults, and the notebooks' parameter
#: defaults (a notebook writes these literal values; a test checks they agree).
PROCESSED_DIR = "data/processed"
RAW_DIR = "data/raw"


@dataclass(frozen=True)
class Folders:
    """The project's folders, absolute: ``root``, ``raw`` (data/raw), ``processed`` (data/processed),
    ``reports`` (reports) and ``notebooks``. Built by :func:`folders`."""

    root: Path
    raw: Path
    processed: Path
    reports: Path
    notebooks: Path


def folders() -> Folders:
    """The project's folders under :func:`project_root` (re-read each call: the root may be overridden)."""
    root = project_root()
    return Folders(root, root / RAW_DIR, root / PROCESSED_DIR, root / "reports", root / "notebooks")


def resolve_path(path: str | Path) -> Path:
    """`path` as an absolute path; a relative one is taken from the project root, so notebooks work from
    JupyterLab (kernel in ``notebooks/``) and from papermill (kernel wherever it was started)."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else project_root() / path


def published_path(path: str) -> str:
    """`path` as reports may show it and ``resolve_path`` reads it back: relative to the project root when
    inside it, under « ~ » when inside the home folder (its name is often the user's), else as given."""
    given = Path(path).expanduser()
    for base, prefix in ((project_root(), ""), (Path.home(), "~/")):
        if given.is_absolute() and given.is_relative_to(base):
            return prefix + given.relative_to(base).as_posix()
    return path


def data_path(name: str):
    """A file shipped in ``helpers/data/`` (an importlib Traversable, usable with ``resources.as_file``).

    The file need not exist: reading a missing one raises ``FileNotFoundError``."""
    return resources.files("helpers").joinpath(f"data/{name}")


def data_text(name: str) -> str:
    """The text (UTF-8) of a file shipped in ``helpers/data/``."""
    return data_path(name).read_text(encoding="utf-8")


@cache
def data_file(name: str) -> dict:
    """One YAML data file of ``helpers/data/`` (vocabularies, weights), parsed and checked against its model
    (:data:`helpers.core.settings.SETTINGS`) once.

    Returns the parsed mapping; raises ``FileNotFoundError`` for a name the package does not ship,
    :class:`helpers.core.settings.SettingsError` naming the file when it does not fit its model.
    Callers must not mutate the result (it is shared).
    """
    data = yaml.safe_load(data_text(name))
    if name in SETTINGS:
        validated(SETTINGS[name], data, data_path(name), SettingsError)
    return data


def xlsx_max_rows() -> int:
    """Rows a worksheet may hold, header included: ``sorties.yml`` (the Excel limit, 1,048,576), or
    ``CARTO_SANTE_XLSX_MAX_ROWS``. Raises ``ValueError`` when the variable is not a positive integer."""
    value = env(ENV_XLSX_MAX_ROWS) or str(data_file("sorties.yml")["xlsx"]["lignes_max"])
    limit = int(value)
    if limit < 2:
        raise ValueError(f"{ENV_XLSX_MAX_ROWS} doit être un entier ≥ 2 (lu : {value})")
    return limit


def max_inflated_bytes() -> int:
    """Bytes a spreadsheet package (ODS, XLSX) may inflate to: ``entrees.yml`` (``archives``, in megabytes,
    10^6 bytes), or ``CARTO_SANTE_MAX_INFLATED_MB``. Raises ``ValueError`` when the variable is not a positive
    number."""
    value = env(ENV_MAX_INFLATED_MB) or str(data_file("entrees.yml")["archives"]["decompresse_max_mo"])
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0.0
    if not 0 < megabytes < float("inf"):
        raise ValueError(f"{ENV_MAX_INFLATED_MB} doit être un nombre de mégaoctets > 0 (lu : {value})")
    return int(megabytes * 1_000_000)


def secret_path() -> Path:
    """Where the project's pseudonym key lives when ``CARTO_SANTE_SECRET`` is not set: ``SECRET_FILE`` under
    :func:`project_root` (ignored by git; outside ``data/`` and ``reports/``, so never copied or published)."""
    return project_root() / SECRET_FILE


def pseudonym_secret() -> bytes:
    """The key of the respondents' pseudonyms (HMAC-SHA256, helpers.consultation.redaction): the value of
    ``CARTO_SANTE_SECRET`` when set, else the content of :func:`secret_path`, which is made on first use (32
    random bytes, hexadecimal; created atomically and exclusively, so that two processes starting at once read
    the same key; readable by its owner only). The same key gives the same pseudonyms run after run; a lost key
    gives new pseudonyms, unrelated to the old ones. Raises ``OSError`` when the file can be neither read nor
    made, ``ValueError`` when it is empty."""
    given = env(ENV_SECRET)
    if given:
        return given.encode("utf-8")
    path = secret_path()
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".secret.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: its key is the key
                os.link(tmp, path)  # exclusive, and the file appears complete
        finally:
            os.unlink(tmp)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ValueError(f"{path} : clé des pseudonymes vide (supprimez le fichier pour en créer une nouvelle)")
    return key.encode("ascii")
