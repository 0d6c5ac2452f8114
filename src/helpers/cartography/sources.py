"""Where the cartography comes from: explicit path, data/raw/, official download, or synthetic sample."""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from helpers.core.config import ENV_URL, PROCESSED_DIR, RAW_DIR, data_file, env, offline
from helpers.core.errors import SourceError
from helpers.core.storage import atomic_path, sha256_file

SYNTHETIC_NAME = "cartographie-synthetique.ods"


def official() -> dict:
    """The official file's reference, ``cartographie`` of ``helpers/data/sources.yml``: ``fichier``,
    ``url``, ``page``, ``sha256``, ``timeout_secondes``, ``licence``, ``attribution``… (shared: do not mutate)."""
    return data_file("sources.yml")["cartographie"]


class DownloadUnavailable(SourceError):
    """The server could not be reached (offline, DNS, refused, timed out): nothing was written.

    `reason` says it in plain French for a reader (never the system's exception text)."""

    def __init__(self, path: str | Path | None, problem: str, reason: str):
        super().__init__(path, problem)
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """The cartography file a run reads: its `path`, how it was found (`origin`, French, shown in the
    report), its `sha256` (hex), whether it is the generated `synthetic` sample, and a `note` (French)
    explaining why the official file was not used, if so. Built by :func:`resolve_cartography`."""

    path: Path
    origin: str  # how it was found, in French, for the report
    sha256: str
    synthetic: bool
    note: str = ""

    @property
    def official(self) -> bool:
        """True when the file is byte-identical to the official file (same sha256 as sources.yml)."""
        return self.sha256 == official()["sha256"]


def download(url: str, target: str | Path, sha256: str, timeout: float) -> Path:
    """Download `url` to `target` atomically; the file exists only if its sha256 is `sha256`.

    `timeout` is in seconds (per socket operation, as ``urllib``). Returns `target` as a ``Path``.

    Raises
    ------
    DownloadUnavailable
        The server could not be reached or did not answer in time (the caller may fall back).
    SourceError
        Any other failure: HTTP error status, interrupted transfer, or a digest other than `sha256`.
        In every case nothing is left at `target`'s place (a previous file there is kept).
    """
    target = Path(target)
    digest = hashlib.sha256()
    try:
        with atomic_path(target) as tmp, urllib.request.urlopen(url, timeout=timeout) as response:
            with tmp.open("wb") as out:
                for block in iter(lambda: response.read(1 << 16), b""):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != sha256:
                raise SourceError(
                    url,
                    f"empreinte sha256 inattendue ({digest.hexdigest()}, attendu {sha256}) : fichier tronqué "
                    f"ou modifié, rien n'a été écrit dans {target.parent}",
                )
    except SourceError:
        raise
    except TimeoutError as exc:
        raise DownloadUnavailable(url, f"délai de {timeout:g} s dépassé, rien n'a été écrit",
                                  "le serveur n'a pas répondu à temps") from exc
    except urllib.error.HTTPError as exc:
        raise SourceError(url, f"le serveur a répondu {exc.code} {exc.reason}, rien n'a été écrit") from exc
    except urllib.error.URLError as exc:
        raise DownloadUnavailable(url, f"serveur injoignable ({exc.reason}), rien n'a été écrit",
                                  "pas de réseau, ou serveur injoignable") from exc
    except (OSError, http.client.HTTPException) as exc:  # connection reset, IncompleteRead...
        raise SourceError(url, f"téléchargement interrompu ({exc}), rien n'a été écrit") from exc
    return target


def resolve_cartography(
    cartography_path: str | Path | None = None,
    raw_dir: str | Path = RAW_DIR,
    synthetic_dir: str | Path = PROCESSED_DIR,
    *,
    url: str | None = None,
    timeout: float | None = None,
    allow_download: bool | None = None,
) -> Source:
    """The cartography file to read, in the order of the README (section « Données »).

    1. `cartography_path`, when given (``SourceError`` if it is not a file);
    2. the official file name (sources.yml ``fichier``) in `raw_dir`;
    3. a download of `url` (default ``CARTO_SANTE_URL``, else sources.yml ``url``) into `raw_dir`,
       checked against the official sha256, unless `allow_download` is False (default: not
       ``CARTO_SANTE_OFFLINE``); `timeout` in seconds defaults to sources.yml ``timeout_secondes``;
    4. when the download is disabled or the server unreachable, a synthetic ODS generated in
       `synthetic_dir` (:func:`~helpers.cartography.synthetic.generate_cartography_ods`), with a `note`.

    Returns a :class:`Source`. Raises ``SourceError`` for a missing explicit path, or a download that
    reached the server but failed (HTTP error, truncated or different file): never a silent fallback then.
    """
    ref = official()
    if cartography_path:
        path = Path(cartography_path)
        if not path.is_file():
            raise SourceError(path, "fichier introuvable (paramètre cartography_path)")
        return Source(path, "chemin explicite", sha256_file(path), synthetic=False)

    raw = Path(raw_dir) / ref["fichier"]
    if raw.is_file():
        return Source(raw, "copie dans data/raw/", sha256_file(raw), synthetic=False)

    note = ""
    if allow_download is None:
        allow_download = not offline()
    if allow_download:
        url = url or env(ENV_URL) or ref["url"]
        try:
            download(url, raw, ref["sha256"], timeout or float(ref["timeout_secondes"]))
            return Source(raw, f"téléchargé depuis {url}", ref["sha256"], synthetic=False)
        except DownloadUnavailable as exc:
            note = f"Téléchargement du fichier officiel impossible ({exc.reason})."
    else:
        note = "Téléchargement désactivé (CARTO_SANTE_OFFLINE)."

    from helpers.cartography.synthetic import generate_cartography_ods  # only needed offline

    path = generate_cartography_ods(Path(synthetic_dir) / SYNTHETIC_NAME)
    return Source(path, "échantillon synthétique généré", sha256_file(path), synthetic=True, note=note)
