"""A dossier that travels: ``reports/`` made self-contained, ``reports/dossier.pdf`` and ``reports/synthese.pdf``.

:func:`publish_data` copies the processed tables the reports link to (``donnees/…``) and ``datapackage.json``
into ``reports/donnees/``. :func:`build_dossier` prints the front page, the contents, the core reports (01, 02,
04, 05) and the producer fiches in annex into one tagged PDF/UA; :func:`build_pdfs` prints it and the short
synthesis (:func:`synthesis_part`, at most 6 pages) for a reader who will not open the dossier.

**Incremental.** The dossier is made of parts (:func:`dossier_parts`: cover, each core report, the annex's
opening page, each fiche, the build journal), each a whole HTML document printed on its own by WeasyPrint
and kept in ``reports/.dossier/<digest>.pdf`` under the digest of its HTML, the style sheet and this module's
rendering rules: a part whose digest is unchanged is never printed again, the missing ones are printed in
parallel (one process per core). The parts are then assembled with pikepdf (qpdf): pages, the tagged
structure (each part's structure elements under one Document element, the parent tree renumbered), named
destinations (links across parts are written ``carto-dossier:ANCHOR`` in a part and become internal links),
bookmarks (each part's, in reading order) and the XMP metadata. What needs the whole dossier is made last and
is cheap: the contents (a part with its page numbers written as text) and the page numbers « Page N sur T »,
drawn on every page from a one-line-per-page document and marked as a pagination artifact (PDF/UA).

**Marked.** Every page of a part built on synthetic data carries, in its top margin, a running header saying
which data are synthetic (the print rules of ``report.css``), not only the first page of the part.

Nothing is fetched from the network (only ``file:`` and ``data:`` resources).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import json
import os
import posixpath
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bs4 import BeautifulSoup

from helpers.core.config import data_file
from helpers.core.errors import CartoError
from helpers.core.processes import end_with_parent
from helpers.core.storage import write_bytes_atomic
from helpers.render.blocks import macro, stylesheet

# Neither helpers.render.html (pandas) nor helpers.render.export (nbconvert) is imported (blocks: Jinja only): the
# runner's process imports this module to print the dossier, and the parts' digests must be known in a second or two.
#: Folder of ``reports/`` holding the published tables (helpers.render.html.DATA_DIR: a test checks they agree).
DATA_DIR = "donnees"

FICHES_DIR = "producteurs"
DOSSIER = "dossier.pdf"
SYNTHESIS = "synthese.pdf"
#: Folder of ``reports/`` (hidden: not part of what is mailed) holding each part printed once, by digest.
PARTS_DIR = ".dossier"
#: The markup of every document printed (``render/templates/blocks/``).
TEMPLATE = "dossier.html.j2"
ANNEX_TITLE = "Annexe — fiches gestionnaires"
JOURNAL_TITLE = "Annexe — journal de construction"
TITLE = "Dossier carto-santé — cartographie des bases de données publiques en santé"
SYNTHESIS_TITLE = "Synthèse carto-santé — cartographie des bases de données publiques en santé"
#: A link from one part to another is written with this scheme in the part, an internal link once assembled.
LINK_SCHEME = "carto-dossier:"
#: Changing how parts are printed (this module's markup, WeasyPrint's version) changes every part's digest.
RENDERING = "parts-2"
#: The class of the blocks printed on landscape pages (report.css: ``page: paysage``).
LANDSCAPE = "carto-paysage"
#: The running header of a part built on synthetic data, by the roles that are synthetic (its one home:
#: ``data/mentions_synthetiques.yml``).
MARKS = {frozenset(m["roles"]): m["texte"] for m in data_file("mentions_synthetiques.yml")["entete_imprime"]}
# Print rules of the dossier's parts only (report.css keeps those of any printed report): the page number is
# drawn at assembly (pages are numbered across parts), the contents' numbers are written as text.
PART_CSS = """
@page { @bottom-right { content: none; } }
.carto-toc a::after { content: leader(".") attr(data-page); }
"""


def _html(name: str, *args) -> str:
    """The macro `name` of the dossier's template called with `args` (values escaped, markup passed as is)."""
    return str(macro(TEMPLATE, name)(*args))


class DossierError(CartoError):
    """The dossier cannot be built (a core report is missing, or a linked table is absent)."""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")  # lxml: several times html.parser's speed


def publish_data(reports_dir: str | Path, processed_dir: str | Path) -> list[Path]:
    """Copy into ``reports_dir/donnees/`` every processed file the reports link to, plus ``datapackage.json``
    and the resources it describes, so that the folder can be zipped and mailed. Copies are atomic and byte
    for byte; files of ``donnees/`` no longer linked are removed. Returns the copied paths, sorted.

    Raises :class:`DossierError` when a report links to a file that `processed_dir` does not hold.
    """
    reports_dir, processed_dir = Path(reports_dir), Path(processed_dir)
    names = set()  # linked as donnees/NAME from an HTML page (executed notebooks excluded)
    for page in sorted(reports_dir.rglob("*.html")):
        if "notebooks" in page.relative_to(reports_dir).parts:
            continue
        for link in _soup(page).find_all("a", href=True):
            parts = Path(link["href"]).parts
            if len(parts) >= 2 and parts[-2] == DATA_DIR:
                names.add(parts[-1])
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


# --- Parts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the dossier: `anchor` (the id of its section: target of links and of the contents), its
    `level` in the contents (0, or 1 for a fiche under the annex), the `sources` it is made of (files under
    ``reports/``), `extra` text its HTML also depends on (the other parts' anchors, the contents' page
    numbers), and `make`, which returns ``(title, HTML document)`` — called only when the part must be
    printed. `digest` names the printed PDF in ``reports/.dossier/``."""

    anchor: str
    level: int
    sources: tuple[Path, ...]
    extra: str
    make: Callable[[], tuple[str, str]] = field(compare=False, repr=False)

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of everything the printed part depends on: the bytes of its sources, `extra`, the
        style sheet, this module's source and its template (the rules that turn a report into a part), the number
        of columns that makes a table landscape (affichage.yml) and WeasyPrint's version. Computed without parsing
        any HTML, so that an unchanged part costs a hash."""
        digest = hashlib.sha256(f"{RENDERING}\0{_versions()}\0{_landscape_columns()}\0{self.anchor}\0{self.extra}\0"
                                .encode())
        digest.update(stylesheet().encode() + b"\0" + _module_source())
        for path in self.sources:
            digest.update(b"\0" + path.read_bytes())
        return digest.hexdigest()


@functools.cache
def _module_source() -> bytes:
    # The rules that turn a report into a part: this module and its template.
    return Path(__file__).read_bytes() + (Path(__file__).parent / "templates" / "blocks" / TEMPLATE).read_bytes()


@functools.cache
def _versions() -> str:
    # From the installed metadata: importing WeasyPrint for its version would cost a second.
    from importlib import metadata

    return " ".join(f"{name} {metadata.version(name)}" for name in ("weasyprint", "pydyf", "pikepdf"))


def synthetic_roles(soup: BeautifulSoup, path: Path | None = None) -> frozenset[str]:
    """The synthetic roles (« cartographie », « réponses ») a page's « Données synthétiques » banners name in
    their ``data-synthetique`` attribute (space-separated roles; every banner template writes it). Raises
    :class:`DossierError` naming the page's file `path` for a banner without it: a page whose mark cannot be read
    is never printed unmarked."""
    roles: set[str] = set()
    for banner in soup.select(".carto-banner"):
        if banner.get("data-synthetique") is None:
            raise DossierError(path, "un bandeau « Données synthétiques » ne nomme pas ses rôles (attribut "
                                     f"data-synthetique) : « {banner.get_text(' ', strip=True)[:60]} »")
        roles |= set(banner["data-synthetique"].split())
    return frozenset(roles)


def _main(path: Path) -> BeautifulSoup:
    main = _soup(path).find("main")
    if main is None:
        raise DossierError(path, "pas de contenu <main>, rapport illisible pour le dossier")
    return main


def _title(main, fallback: str) -> str:
    heading = main.find("h1")
    return heading.get_text(" ", strip=True).rstrip("¶").strip() if heading else fallback


def _section(main, anchor: str, base: Path, anchors: set[str], marks: frozenset[str] = frozenset()) -> str:
    """The content of `main` as the part's section: ids prefixed with `anchor` to stay unique in the dossier,
    links to other reports of the dossier written ``carto-dossier:ANCHOR`` (an internal link once assembled),
    links to a report the dossier does not hold left as text, other links made relative to ``reports/``,
    the running synthetic mark when `marks`."""
    for tag in main.find_all(id=True):
        tag["id"] = f"{anchor}-{tag['id']}"
    for tag in main.find_all(attrs={"aria-labelledby": True}):
        tag["aria-labelledby"] = f"{anchor}-{tag['aria-labelledby']}"
    for link in main.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#"):
            link["href"] = f"#{anchor}-{href[1:]}"
            continue
        if "://" in href or href.startswith(("data:", "mailto:")):
            continue
        # Relative to reports/ (the part is printed from there): a fiche's « ../donnees/x.csv » is « donnees/x.csv ».
        resolved = posixpath.normpath((base / href).as_posix())
        if resolved.endswith(".html") and not resolved.startswith(".."):
            target = "r-" + resolved.removesuffix(".html").replace("/", "-")
            if target in anchors:
                link["href"] = LINK_SCHEME + target
            else:
                link.unwrap()
        else:
            link["href"] = resolved
    _mark_landscape(main)
    return _html("section", anchor, MARKS[marks] if marks else "", "".join(str(c) for c in main.contents))


def _landscape_columns() -> int:
    return data_file("affichage.yml")["colonnes_paysage"]


def _mark_landscape(main) -> None:
    """Give the class :data:`LANDSCAPE` (landscape pages in print) to every block of `main` holding a table of at
    least ``colonnes_paysage`` columns (affichage.yml): the notebook cell holding it (else the table's own block),
    and the text cell just before it, so that its heading is printed with it. A portrait page is 180 mm wide:
    such a table would lose its last columns past the page's edge."""
    for table in main.find_all("table", class_="carto"):
        first_row = table.find("tr")
        if first_row is None or len(first_row.find_all(["th", "td"])) < _landscape_columns():
            continue
        block = table.find_parent(class_="jp-Cell") or table.find_parent(class_="carto-table") or table
        before = block.find_previous_sibling()
        heading = before is not None and "jp-MarkdownCell" in before.get("class", [])
        for tag in (block, before) if heading else (block,):
            if LANDSCAPE not in tag.get("class", []):
                tag["class"] = [*tag.get("class", []), LANDSCAPE]


def _document(body: str, title: str = TITLE, part: bool = True) -> str:
    """A whole HTML document for WeasyPrint: French, the one style sheet, and the print rules of a dossier's
    part when `part` (no page number: they are drawn at assembly)."""
    return _html("document", title, stylesheet() + (PART_CSS if part else ""), body)


def _front(reports_dir: Path) -> tuple[BeautifulSoup, BeautifulSoup | None, BeautifulSoup | None]:
    """The front page split for print: (the cover — title, data, banners, « Ce qu'il faut retenir » —, the
    fiches table with its heading and text or None, the build journal or None). The report cards are left
    out: the contents list the same reports."""
    main = _main(reports_dir / "index.html")
    content = main.select_one(".jp-RenderedHTML") or main
    journal = content.find("section", class_="carto-journal")
    if journal is not None:
        journal.extract()
    fiches = None
    table = content.find("table", class_="carto")
    if table is not None:
        heading = table.find_previous_sibling("h2")
        nodes = [heading, *heading.find_next_siblings()] if heading is not None else [table]
        fiches = BeautifulSoup("", "html.parser").new_tag("div")
        for node in nodes:
            fiches.append(node.extract())
        if heading is not None:
            heading.decompose()  # the annex has its own title
    for cards in content.find_all("ul", class_="carto-cards"):
        heading = cards.find_previous_sibling("h2")
        if heading is not None:
            heading.decompose()
        cards.decompose()
    return main, fiches, journal


def _part(main, anchor: str, anchors: set[str], title: str, base: Path = Path("."),
          marks: frozenset[str] | None = None, source: Path | None = None) -> tuple[str, str]:
    """A part's title and document: `main` (read from the file `source`) as its section (:func:`_section`),
    marked as its banners say unless `marks` is given."""
    marks = synthetic_roles(main, source) if marks is None else marks
    return title, _document(_section(main, anchor, base, anchors, marks))


def _report_part(path: Path, anchor: str, base: Path, anchors: set[str]) -> tuple[str, str]:
    main = _main(path)
    return _part(main, anchor, anchors, _title(main, path.stem), base, source=path)


def _cover_part(reports_dir: Path, anchors: set[str]) -> tuple[str, str]:
    cover = _front(reports_dir)[0]
    return _part(cover, "r-index", anchors, _title(cover, "Accueil"), source=reports_dir / "index.html")


def _annex_part(reports_dir: Path, anchors: set[str]) -> tuple[str, str]:
    cover, fiches_table, _ = _front(reports_dir)
    intro = BeautifulSoup(_html("annex", ANNEX_TITLE), "html.parser").main
    if fiches_table is not None:
        intro.append(fiches_table)
    # The table counts open bases, from the cartography.
    marks = synthetic_roles(cover, reports_dir / "index.html") & {"cartographie"}
    return _part(intro, "annexe-fiches", anchors, ANNEX_TITLE, marks=marks)


def _journal_part(reports_dir: Path, anchors: set[str]) -> tuple[str, str]:
    journal = _front(reports_dir)[2]
    body = BeautifulSoup("", "html.parser").new_tag("main")
    if journal is not None:
        body.append(journal)
        heading = journal.find("h2")
        if heading is not None:
            heading.name = "h1"
            heading.string = JOURNAL_TITLE
    return _part(body, "annexe-journal", anchors, JOURNAL_TITLE, marks=frozenset())


def dossier_parts(reports_dir: str | Path, core: Sequence[str]) -> list[Part]:
    """The dossier's parts in reading order, the contents excepted (made at assembly, :func:`contents_part`):
    cover (``r-index``: the front page's title, data and headline sentences), the `core` reports (file stems
    under ``reports/``, in reading order: reports.yml's reports that do not fan out) (``r-<stem>``), the
    annex's opening page with the fiches table (``annexe-fiches``, when there are fiches), one per fiche
    (``r-producteurs-<slug>``), the build journal (``annexe-journal``). Reads no HTML (see :class:`Part`).

    Raises :class:`DossierError` when ``index.html`` or a core report is missing."""
    reports_dir = Path(reports_dir)
    index, *reports = _reports(reports_dir, ["index", *core], "dossier PDF")
    fiche_paths = sorted(p for p in (reports_dir / FICHES_DIR).glob("*.html") if not p.stem.endswith(".erreur"))
    anchors = {f"r-{n}" for n in core} | {f"r-{FICHES_DIR}-{p.stem}" for p in fiche_paths} | {"r-index"}
    extra = " ".join(sorted(anchors))
    parts = [Part("r-index", 0, (index,), extra, partial(_cover_part, reports_dir, anchors))]
    for path in reports:
        parts.append(Part(f"r-{path.stem}", 0, (path,), extra,
                          partial(_report_part, path, f"r-{path.stem}", Path("."), anchors)))
    if fiche_paths:
        parts.append(Part("annexe-fiches", 0, (index,), extra, partial(_annex_part, reports_dir, anchors)))
    for path in fiche_paths:
        anchor = f"r-{FICHES_DIR}-{path.stem}"
        parts.append(Part(anchor, 1, (path,), extra, partial(_report_part, path, anchor, Path(FICHES_DIR), anchors)))
    parts.append(Part("annexe-journal", 0, (index,), extra, partial(_journal_part, reports_dir, anchors)))
    return parts


def contents_part(parts: list[Part], titles: dict[str, str], first_pages: dict[str, int]) -> Part:
    """The contents (« Sommaire »): one line per part but the cover, its title (`titles`: anchor → title) and
    the page it starts on (`first_pages`: anchor → page number, 1-based), fiches nested under the annex; each
    line links to its part."""
    items: list[tuple[tuple, list]] = []  # (line, the fiches' lines under it)
    for part in parts[1:]:
        line = (LINK_SCHEME + part.anchor, titles[part.anchor], first_pages.get(part.anchor, ""))
        if part.level:
            items[-1][1].append(line)
        else:
            items.append((line, []))
    document = _document(_html("contents", items))
    return Part("sommaire", 0, (), document, lambda: ("Sommaire", document))


def numbers_html(total: int, landscape: Sequence[int] = ()) -> str:
    """A document of `total` empty A4 pages (landscape those whose 0-based number is in `landscape`, as the
    assembled pages are) with only « Page N sur T » in the bottom-right margin, in the dossier's page rules:
    drawn over the assembled pages."""
    return _html("numbers", TITLE, stylesheet(), total, set(landscape))


# --- Printing ---------------------------------------------------------------------------------------------


def print_html(document: str, base_url: str, tagged: bool = True) -> bytes:
    """`document` printed by WeasyPrint: tagged PDF/UA-1 (structure tags, /Lang, alt text of the charts)
    unless not `tagged`, fonts embedded, only ``file:`` and ``data:`` resources fetched. Returns the PDF."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Its warnings (a screen-only CSS property it ignores) are not the reader's business on the terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options = {"pdf_identifier": b"carto-sante-dossier", **({"pdf_variant": "pdf/ua-1"} if tagged else {})}
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    rendered = HTML(string=document, base_url=base_url, url_fetcher=fetcher).render(**options)
    overflow = _past_the_edge(rendered)
    if overflow:
        raise DossierError(None, "un tableau est plus large que la page imprimée, même en paysage "
                                 f"({overflow}) : ses dernières colonnes seraient coupées, le PDF n'est pas écrit "
                                 "(le rapport HTML, lui, est complet)")
    return rendered.write_pdf(**options)


def _past_the_edge(rendered) -> str:
    """« page N de la partie, « text » » for the first text of a WeasyPrint document laid out (`rendered`) that
    ends in its page's right margin or past its edge, or "" when every text is within its page. Reads WeasyPrint's
    laid-out boxes (``Page._page_box``, not a public API: a test prints a table too wide for its page)."""
    from weasyprint.formatting_structure.boxes import TextBox

    for number, page in enumerate(rendered.pages, start=1):
        right = page.width - page._page_box.margin_right + 1  # CSS px; 1 px for rounding
        for box in page._page_box.descendants():
            if isinstance(box, TextBox) and box.position_x + box.width > right:
                return f"page {number} de la partie, « {box.text.strip()[:40]} »"
    return ""


def _print_part(document: str, base_url: str, target: str, title: str, source: str | None = None
                ) -> tuple[int, tuple[int, ...]]:
    """Print one part (made from the file `source`) into `target`, then its facts (title, pages, landscape pages)
    beside it as ``.json``, each atomically: a build killed meanwhile keeps the parts already printed, and a PDF
    without its facts is printed again. Returns the number of pages and the 0-based numbers of its landscape pages
    (a worker process's task). Raises :class:`DossierError` naming `source` when a table does not fit its page."""
    import io

    import pikepdf

    try:
        pdf = print_html(document, base_url)
    except DossierError as exc:
        raise DossierError(source, f"« {title} » : {exc.problem}") from None
    with pikepdf.open(io.BytesIO(pdf)) as printed:
        pages = len(printed.pages)
        landscape = tuple(i for i, page in enumerate(printed.pages) if page.mediabox[2] > page.mediabox[3])
        # WeasyPrint writes a link to a published file (donnees/bases.csv) as an absolute file: address of this
        # build's folder: useless to a reader who receives the dossier, and it would tie the part to the folder.
        # Written relative to reports/ (where the dossier lives), as the HTML pages do.
        prefix = Path(base_url).resolve().as_uri() + "/"
        relative = False
        for page in printed.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and str(action.get("/URI", "")).startswith(prefix):
                    action.URI = pikepdf.String(str(action.URI).removeprefix(prefix))
                    annot.Contents = action.URI  # WeasyPrint repeats the address as the link's description
                    relative = True
        if relative:
            buffer = io.BytesIO()
            printed.save(buffer, static_id=True)
            pdf = buffer.getvalue()
    write_bytes_atomic(Path(target), pdf)
    write_bytes_atomic(Path(target).with_suffix(".json"),
                       json.dumps({"titre": title, "pages": pages, "paysage": landscape}, ensure_ascii=False).encode())
    return pages, landscape


@dataclass(frozen=True)
class Printed:
    """A printed part: its PDF in ``reports/.dossier/``, title, number of pages and the 0-based numbers of its
    landscape pages."""

    path: Path
    title: str
    pages: int
    landscape: tuple[int, ...] = ()


def print_parts(parts: list[Part], reports_dir: Path, jobs: int | None = None) -> dict[str, Printed]:
    """Each part printed once per digest into ``reports_dir/.dossier/<digest>.pdf`` (with ``<digest>.json``:
    title and page count): the parts already there are reused, the others made and printed, `jobs` at a time
    (default: the number of CPUs; spawned processes, the biggest first). Returns anchor → :class:`Printed`."""
    cache = reports_dir / PARTS_DIR
    cache.mkdir(exist_ok=True)
    digests = {p.anchor: p.digest for p in parts}
    found: dict[str, Printed] = {}
    for part in parts:
        pdf, facts = cache / f"{digests[part.anchor]}.pdf", cache / f"{digests[part.anchor]}.json"
        try:
            recorded = json.loads(facts.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if pdf.is_file():
            found[part.anchor] = Printed(pdf, recorded["titre"], recorded["pages"], tuple(recorded["paysage"]))
    missing = [(p, *p.make()) for p in parts if p.anchor not in found]
    missing.sort(key=lambda item: -len(item[2]))
    base = str(reports_dir) + "/"
    targets = [str(cache / f"{digests[p.anchor]}.pdf") for p, _, _ in missing]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(missing)))
    tasks = ([d for _, _, d in missing], [base] * len(missing), targets, [t for _, t, _ in missing],
             [str(p.sources[0]) if p.sources else None for p, _, _ in missing])
    if jobs == 1:
        counts = list(map(_print_part, *tasks))
    else:
        import multiprocessing

        # Each printer ends with the process that started it, even killed outright (kill -9 of the runner).
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=end_with_parent) as pool:
            counts = list(pool.map(_print_part, *tasks))
    for (part, title, _), target, (count, landscape) in zip(missing, targets, counts, strict=True):
        found[part.anchor] = Printed(Path(target), title, count, landscape)
    return found


def prune_parts(reports_dir: Path, keep: set[Path]) -> None:
    """Remove the printed parts of ``.dossier/`` (PDF and facts) that the current dossier and synthesis do
    not use."""
    stems = {p.with_suffix("") for p in keep}
    for path in (reports_dir / PARTS_DIR).glob("*.*"):
        if path.with_suffix("") not in stems:
            path.unlink(missing_ok=True)


# --- Assembly ---------------------------------------------------------------------------------------------


def assemble(sources: list[Path], numbers: Path | None = None) -> bytes:
    """The PDFs `sources` (tagged by WeasyPrint) as one tagged PDF, in order: every page, one structure tree
    (each source's elements under one Document element; pages' /StructParents and annotations' /StructParent
    renumbered with the parent tree), named destinations merged, links ``carto-dossier:NAME`` turned into
    internal links to NAME, each source's bookmarks, the first source's /Lang and XMP metadata. `numbers`: a
    PDF with as many pages, each drawn over the page of the same rank as a pagination artifact. Returns the
    PDF's bytes (same inputs, same bytes)."""
    import io

    import pikepdf
    from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, String

    # Closed in this order: the sources, then the output.
    with pikepdf.new() as out, contextlib.ExitStack() as stack:
        opened = [stack.enter_context(pikepdf.open(path)) for path in sources]
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
        root.K = Array([document])
        nums, dests, outline = [], [], []
        offset = 0
        for number, src in enumerate(opened):
            start = len(out.pages)
            out.pages.extend(src.pages)
            pages = {page.objgen: out.pages[start + i].obj for i, page in enumerate(src.pages)}
            keys = 0
            if "/StructTreeRoot" in src.Root:
                tree = out.copy_foreign(src.Root.StructTreeRoot)
                olds = set()
                for kid in (tree.K if isinstance(tree.K, Array) else [tree.K]):
                    if kid.get("/S") != Name.Document:
                        kid.P = document
                        document.K.append(kid)
                        continue
                    olds.add(kid.objgen)
                    for element in kid.K:
                        element.P = document
                        document.K.append(element)
                for key, value in NumberTree(tree.ParentTree).items():
                    nums.append((key + offset, value))
                    keys = max(keys, key + 1)
                    # Elements of the margin boxes (running titles) are in the parent tree, not in the tree:
                    # their parent becomes the dossier's Document, so that no copy of a part's root remains.
                    for element in (value if isinstance(value, Array) else [value]):
                        if isinstance(element, Dictionary) and "/P" in element and element.P.objgen in olds:
                            element.P = document
            for page in out.pages[start:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
                    action = annot.get("/A")
                    if action is not None and str(action.get("/URI", "")).startswith(LINK_SCHEME):
                        target = str(action.URI).removeprefix(LINK_SCHEME)
                        del annot["/A"]
                        annot.Dest = String(target)
                        annot.Contents = String(target)
            offset += keys
            names = src.Root.get("/Names", {}).get("/Dests")
            if names is not None:
                for name, dest in NameTree(names).items():
                    dest = dest.D if isinstance(dest, Dictionary) else dest
                    page = pages.get(dest[0].objgen) if len(dest) else None
                    if page is not None:
                        dests.append((str(name), Array([page, *list(dest)[1:]])))
            with src.open_outline() as source_outline:
                outline += _outline_items(source_outline.root, pages)
            if number == 0:
                out.Root.Lang = String(str(src.Root.get("/Lang", "fr")))
                out.Root.MarkInfo = Dictionary(Marked=True)
                out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
                if "/Metadata" in src.Root:
                    out.Root.Metadata = out.copy_foreign(src.Root.Metadata)
                if "/Info" in src.trailer:
                    out.trailer.Info = out.copy_foreign(src.trailer.Info)
        nums.sort(key=lambda kv: kv[0])
        root.ParentTree = out.make_indirect(Dictionary(Nums=Array([x for kv in nums for x in kv])))
        root.ParentTreeNextKey = offset
        out.Root.StructTreeRoot = root
        dests.sort(key=lambda kv: kv[0])
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(
            Names=Array([x for name, dest in dests for x in (String(name), dest)]))))
        with out.open_outline() as target:
            target.root.extend(outline)
        if numbers is not None:
            _overlay(out, numbers)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, min_version="1.7",
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()


def _outline_items(items, pages: dict) -> list:
    """The source bookmarks `items` as bookmarks of the assembled PDF, at the same position of the same page
    (`pages`: source page's objgen → assembled page); one to no page of the source is left out, children too."""
    from pikepdf import Array, Name, OutlineItem

    copies = []
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and "/D" in item.action:
            dest = item.action.D
        page = pages.get(dest[0].objgen) if dest is not None and len(dest) >= 1 else None
        if page is None:
            continue
        location = [0.0, 0.0]
        with contextlib.suppress(TypeError, ValueError):
            location = [float(x) for x in list(dest)[2:4]]
        left, top = (location + [0.0, 0.0])[:2]
        copy = OutlineItem(item.title, Array([page, Name.XYZ, left, top, 0]))
        copy.children.extend(_outline_items(item.children, pages))
        copies.append(copy)
    return copies


def _overlay(out, numbers: Path) -> None:
    """Draw each page of `numbers` over the page of the same rank of `out`, as a form XObject wrapped in a
    pagination artifact (not part of the structure tree, as PDF/UA wants for page numbers)."""
    import pikepdf
    from pikepdf import Name

    with pikepdf.open(numbers) as stamp:
        if len(stamp.pages) != len(out.pages):
            raise DossierError(numbers, f"{len(stamp.pages)} numéros de page pour {len(out.pages)} pages")
        for number, page in enumerate(out.pages):
            name = page.add_resource(out.copy_foreign(stamp.pages[number].as_form_xobject()), Name.XObject,
                                     Name(f"/CartoPage{number}"))
            # The page's own content may leave its graphics state changed: it is wrapped in q … Q first.
            page.contents_add(out.make_stream(b"q\n"), prepend=True)
            page.contents_add(out.make_stream(
                f"\nQ q /Artifact <</Type /Pagination /Subtype /Footer>> BDC {name} Do EMC Q\n".encode()))


# --- The two PDFs -----------------------------------------------------------------------------------------


def build_dossier(reports_dir: str | Path, core: Sequence[str], jobs: int | None = None) -> Path:
    """Write ``reports_dir/dossier.pdf`` (atomically) from the built reports; returns its path.

    The parts (:func:`dossier_parts`) are printed only when their digest is new (:func:`print_parts`, `jobs`
    processes), then the contents (page 2), then everything assembled (:func:`assemble`) with « Page N sur T »
    on every page. Tagged PDF/UA-1, fonts embedded, offline. Raises :class:`DossierError` when a core report
    is missing (nothing is written then)."""
    reports_dir = Path(reports_dir)
    return write_bytes_atomic(reports_dir / DOSSIER, _dossier_pdf(reports_dir, core, jobs)[0])


def _dossier_pdf(reports_dir: Path, core: Sequence[str], jobs: int | None, also: Sequence[Part] = ()
                 ) -> tuple[bytes, set[Path], dict[str, Printed]]:
    """The dossier's bytes, the files of ``.dossier/`` it was made from, and every printed part by anchor: the
    dossier's and `also` (the synthesis), printed in the same processes as the dossier's parts."""
    parts = dossier_parts(reports_dir, core)
    printed = print_parts([*parts, *also], reports_dir, jobs)
    titles = {anchor: p.title for anchor, p in printed.items()}
    contents_pages = 1
    for _ in range(3):  # the contents' own length shifts the pages after it (one page in practice)
        first, page = {}, 1
        for number, part in enumerate(parts):
            first[part.anchor] = page
            page += printed[part.anchor].pages + (contents_pages if number == 0 else 0)
        contents = contents_part(parts, titles, first)
        printed |= print_parts([contents], reports_dir, 1)
        if printed["sommaire"].pages == contents_pages:
            break
        contents_pages = printed["sommaire"].pages
    order = [printed[p.anchor] for p in (parts[0], contents, *parts[1:])]
    landscape, total = [], 0
    for printed_part in order:
        landscape += [total + i for i in printed_part.landscape]
        total += printed_part.pages
    shape = hashlib.sha256(json.dumps(landscape).encode()).hexdigest()[:16]  # which pages are landscape
    numbers = reports_dir / PARTS_DIR / f"pages-{total}-{shape}.pdf"
    if not numbers.is_file():
        write_bytes_atomic(numbers, print_html(numbers_html(total, landscape), str(reports_dir) + "/", tagged=False))
    return assemble([p.path for p in order], numbers), {p.path for p in order} | {numbers}, printed


def _reports(reports_dir: Path, stems: Sequence[str], what: str) -> list[Path]:
    """The pages ``<stem>.html`` of `reports_dir` that `what` (a PDF) is read from; :class:`DossierError` naming
    those missing."""
    needed = [reports_dir / f"{stem}.html" for stem in stems]
    absent = [p.name for p in needed if not p.is_file()]
    if absent:
        raise DossierError(reports_dir, f"rapport(s) absent(s), pas de {what} : {', '.join(absent)}")
    return needed


def synthesis_part(reports_dir: str | Path) -> Part:
    """The synthesis as a part (sources: the front page, reports 02 and 05, the published ``ouverture.csv``).
    Raises :class:`DossierError` when ``index.html``, 02 or 05 is missing."""
    reports_dir = Path(reports_dir)
    needed = _reports(reports_dir, ("index", "02_openness", "05_priorities"), "synthèse PDF")
    table = reports_dir / DATA_DIR / "ouverture.csv"
    sources = (*needed, table) if table.is_file() else tuple(needed)
    return Part("synthese", 0, sources, "", lambda: ("Synthèse", synthesis_html(reports_dir)))


def build_pdfs(reports_dir: str | Path, core: Sequence[str], jobs: int | None = None) -> list[Path]:
    """Write ``dossier.pdf`` and ``synthese.pdf`` (:func:`build_dossier`, :func:`synthesis_part`: each part
    printed only when new, `jobs` processes), then remove from ``.dossier/`` the printed parts neither uses.
    Returns both paths. Raises :class:`DossierError` (nothing written) when a core report is missing."""
    reports_dir = Path(reports_dir)
    pdf, used, printed = _dossier_pdf(reports_dir, core, jobs, also=[synthesis_part(reports_dir)])
    synthesis = printed["synthese"]
    targets = [write_bytes_atomic(reports_dir / DOSSIER, pdf),
               write_bytes_atomic(reports_dir / SYNTHESIS, synthesis.path.read_bytes())]
    prune_parts(reports_dir, used | {synthesis.path})
    return targets


# --- The synthesis ----------------------------------------------------------------------------------------


def _open_bases(reports_dir: Path) -> list[tuple[str, str, str]]:
    """(base, producer, level) of the open lines of ``donnees/ouverture.csv`` (published copy), sorted."""
    path = reports_dir / DATA_DIR / "ouverture.csv"
    if not path.is_file():
        return []
    levels = {"agrege": "données agrégées", "granulaire": "données granulaires"}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["base"], r["gestionnaire"], levels.get(r["niveau"], r["niveau"]))
                for r in csv.DictReader(handle) if r.get("ouvert") == "True"]
    return sorted(set(rows), key=lambda r: (r[0].casefold(), r[2]))


def _table_by_caption(main, start: str):
    for table in main.find_all("table", class_="carto"):
        caption = table.caption.get_text(" ", strip=True) if table.caption else ""
        if caption.startswith(start):
            return table
    return None


def synthesis_html(reports_dir: str | Path) -> str:
    """The synthesis as one HTML document: the front page's title, data and headline sentences, the key
    figures of report 02 and the names of the open bases, the opening paths, the shortlist of report 05; each
    report's section marked as it is in the dossier when built on synthetic data. The pages it reads are checked
    by :func:`synthesis_part`."""
    reports_dir = Path(reports_dir)
    cover, _, _ = _front(reports_dir)
    front_marks = synthetic_roles(cover, reports_dir / "index.html")
    heading = cover.find("h1")
    if heading is not None:
        heading.insert(0, "Synthèse — ")
    for link in cover.find_all("a"):
        link.unwrap()
    sections = [_section(cover, "s-accueil", Path("."), set(), front_marks)]
    openness = _main(reports_dir / "02_openness.html")
    bases = _open_bases(reports_dir)
    body = _html("openness", _title(openness, "02_openness"), openness.find("ul", class_="carto-kpis"), bases,
                 len({b for b, _, _ in bases}), _table_by_caption(openness, "Voies d'ouverture de la cartographie"))
    sections.append(_section(BeautifulSoup(body, "html.parser").main, "s-02", Path("."), set(),
                             synthetic_roles(openness, reports_dir / "02_openness.html")))
    priorities = _main(reports_dir / "05_priorities.html")
    body = _html("priorities", _title(priorities, "05_priorities"), priorities.find(class_="carto-banner"),
                 _table_by_caption(priorities, "Liste courte"))
    sections.append(_section(BeautifulSoup(body, "html.parser").main, "s-05", Path("."), set(),
                             synthetic_roles(priorities, reports_dir / "05_priorities.html")))
    return _document("".join(sections), SYNTHESIS_TITLE, part=False)
