"""A dossier that travels: ``reports/`` made self-contained, and ``reports/dossier.pdf``.

:func:`publish_data` copies the processed tables the reports link to (``donnees/…``) and ``datapackage.json``
into ``reports/donnees/``; :func:`build_dossier` prints the front page (``index.html``) and the core reports
(01, 02, 04, 05; the producer fiches as an annex) into one tagged PDF/UA with WeasyPrint: table of contents,
page numbers, print CSS from ``render/report.css`` (no table row or chart cut across pages), alt text of every
chart, fonts embedded, nothing fetched from the network.
"""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from helpers.core.errors import CartoError
from helpers.core.storage import write_bytes_atomic
from helpers.render.export import page_html
from helpers.render.html import DATA_DIR, esc

#: The core reports of the dossier, in reading order (file stems under ``reports/``).
CORE_REPORTS = ("01_clean_cartography", "02_openness", "04_consultation", "05_priorities")
FICHES_DIR = "producteurs"
DOSSIER = "dossier.pdf"


class DossierError(CartoError):
    """The dossier cannot be built (a core report is missing, or a linked table is absent)."""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def linked_data(reports_dir: Path) -> set[str]:
    """File names linked as ``donnees/NAME`` from any HTML page under `reports_dir` (executed notebooks
    excluded)."""
    names = set()
    for page in sorted(reports_dir.rglob("*.html")):
        if "notebooks" in page.relative_to(reports_dir).parts:
            continue
        for link in _soup(page).find_all("a", href=True):
            parts = Path(link["href"]).parts
            if len(parts) >= 2 and parts[-2] == DATA_DIR:
                names.add(parts[-1])
    return names


def publish_data(reports_dir: str | Path, processed_dir: str | Path) -> list[Path]:
    """Copy into ``reports_dir/donnees/`` every processed file the reports link to, plus ``datapackage.json``
    and the resources it describes, so that the folder can be zipped and mailed. Copies are atomic and byte
    for byte; files of ``donnees/`` no longer linked are removed. Returns the copied paths, sorted.

    Raises :class:`DossierError` when a report links to a file that `processed_dir` does not hold.
    """
    reports_dir, processed_dir = Path(reports_dir), Path(processed_dir)
    names = linked_data(reports_dir)
    package = processed_dir / "datapackage.json"
    if package.is_file():
        names |= {"datapackage.json"} | {r["path"] for r in json.loads(package.read_text(encoding="utf-8"))
                                          .get("resources", []) if (processed_dir / r["path"]).is_file()}
    missing = sorted(n for n in names if not (processed_dir / n).is_file())
    if missing:
        raise DossierError(processed_dir, f"fichier(s) lié(s) par les rapports absent(s) : {', '.join(missing)}")
    target = reports_dir / DATA_DIR
    written = [write_bytes_atomic(target / n, (processed_dir / n).read_bytes()) for n in sorted(names)]
    for stale in target.glob("*"):
        if stale.is_file() and stale.name not in names:
            stale.unlink()
    return written


def _part(path: Path, anchor: str, reports_dir: Path, page_break: bool = True) -> tuple[str, str]:
    """(title, section markup) of one report: the content of its <main>, ids prefixed to stay unique, links
    to other reports of the dossier turned into internal links."""
    main = _soup(path).find("main")
    if main is None:
        raise DossierError(path, "pas de contenu <main>, rapport illisible pour le dossier")
    for tag in main.find_all(id=True):
        tag["id"] = f"{anchor}-{tag['id']}"
    for tag in main.find_all(attrs={"aria-labelledby": True}):
        tag["aria-labelledby"] = f"{anchor}-{tag['aria-labelledby']}"
    heading = main.find("h1")
    title = heading.get_text(" ", strip=True).rstrip("¶").strip() if heading else path.stem
    base = path.parent.relative_to(reports_dir)
    for link in main.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#") or "://" in href:
            continue
        resolved = (base / href).as_posix()
        if resolved.endswith(".html") and not resolved.startswith(".."):
            link["href"] = "#r-" + resolved.removesuffix(".html").replace("/", "-")
    inner = "".join(str(c) for c in main.contents)
    cls = ' class="carto-dossier-part"' if page_break else ""
    return title, f'<section{cls} id="{anchor}">{inner}</section>'


def _split_journal(front: str) -> tuple[str, str]:
    """(the front page without its build journal, the journal's markup or "")."""
    soup = BeautifulSoup(front, "html.parser")
    journal = soup.find("section", class_="carto-journal")
    if journal is None:
        return front, ""
    journal.extract()
    return str(soup), str(journal)


def dossier_html(reports_dir: str | Path) -> str:
    """The dossier as one HTML document: front page, table of contents, core reports, fiches in annex.

    Raises :class:`DossierError` when ``index.html`` or a core report is missing from `reports_dir`.
    """
    reports_dir = Path(reports_dir)
    needed = [reports_dir / "index.html"] + [reports_dir / f"{n}.html" for n in CORE_REPORTS]
    absent = [p.name for p in needed if not p.is_file()]
    if absent:
        raise DossierError(reports_dir, f"rapport(s) absent(s), pas de dossier PDF : {', '.join(absent)}")
    _, front = _part(needed[0], "r-index", reports_dir, page_break=False)
    front, journal = _split_journal(front)
    parts = [_part(p, f"r-{p.stem}", reports_dir) for p in needed[1:]]
    fiche_paths = sorted(p for p in (reports_dir / FICHES_DIR).glob("*.html") if not p.stem.endswith(".erreur"))
    fiches = [_part(p, f"r-{FICHES_DIR}-{p.stem}", reports_dir) for p in fiche_paths]
    toc = "".join(f'<li><a href="#r-{n}">{esc(t)}</a></li>' for n, (t, _) in zip(CORE_REPORTS, parts, strict=True))
    annex = ""
    if fiches:
        toc += '<li><a href="#annexe-fiches">Annexe — fiches gestionnaires</a><ol>' + "".join(
            f'<li><a href="#r-{FICHES_DIR}-{p.stem}">{esc(t)}</a></li>'
            for p, (t, _) in zip(fiche_paths, fiches, strict=True)) + "</ol></li>"
        annex = ('<section class="carto-dossier-part" id="annexe-fiches"><h1>Annexe — fiches gestionnaires</h1>'
                 "<p>Une fiche par gestionnaire ayant au moins trois lignes dans la cartographie.</p></section>"
                 + "".join(s for _, s in fiches))
    if journal:
        toc += '<li><a href="#annexe-journal">Annexe — journal de construction</a></li>'
        journal = f'<section class="carto-dossier-part" id="annexe-journal">{journal}</section>'
    # The contents come right after the front page; the build journal (statuses, digests) is an annex.
    body = (f'{front}<nav class="carto-toc carto-dossier-part" aria-labelledby="toc-titre">'
            f'<h2 id="toc-titre">Sommaire</h2><ol>{toc}</ol></nav>'
            + "".join(s for _, s in parts) + annex + journal)
    return page_html("Dossier carto-santé — cartographie des bases de données publiques en santé", body)


def build_dossier(reports_dir: str | Path) -> Path:
    """Write ``reports_dir/dossier.pdf`` (atomically) from the built reports; returns its path.

    Tagged PDF/UA-1 (structure tags, /Lang fr, alt text of the charts), fonts embedded (WeasyPrint embeds
    the subsets it uses), page numbers and table of contents from the print rules of ``report.css``.
    Only ``file:`` and ``data:`` resources are fetched (offline). Raises :class:`DossierError` when a core
    report is missing.
    """
    reports_dir = Path(reports_dir)
    document = HTML(string=dossier_html(reports_dir), base_url=str(reports_dir) + "/",
                    url_fetcher=URLFetcher(allowed_protocols={"file", "data"}))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"carto-sante-dossier")
    return write_bytes_atomic(reports_dir / DOSSIER, pdf)

