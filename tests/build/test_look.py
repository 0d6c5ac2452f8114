"""One look, French typography and a dossier that travels, checked on every report built by the real command
(offline, synthetic sample): French numbers, data tables in <details>, a self-contained reports/ folder, and
reports/dossier.pdf (tagged PDF/UA, alt text, fonts embedded, every core report in it)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from pdf_pages import beyond_the_margin
from pypdf import PdfReader

from helpers.build.catalog import load
from helpers.build.runner import core_reports
from helpers.core.config import project_root
from helpers.render.dossier import DOSSIER, MARKS, SYNTHESIS, DossierError, build_dossier, publish_data
from helpers.render.html import DATA_DIR, long_table_rows

DECIMAL_POINT = re.compile(r"\d\.\d")  # « 81.6 », « 40.0 »: never in French
PERCENT_WITHOUT_NNBSP = re.compile(r"\d[ \u00a0]?%")  # « 12 % » takes a narrow no-break space


def pages(reports: Path) -> dict[str, BeautifulSoup]:
    """Every published HTML page (executed notebooks excluded), parsed."""
    return {str(p.relative_to(reports)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(reports.rglob("*.html")) if "notebooks" not in p.relative_to(reports).parts}


@pytest.fixture(scope="module")
def reports(built_reports) -> Path:
    root, _ = built_reports
    return root / "reports"


def test_every_number_shown_is_french(reports):
    for name, soup in pages(reports).items():
        for block in soup.select("style, section.carto-provenance, h1, h2, h3, h4"):
            block.decompose()  # CSS, section numbers (« 4.1 »), package versions (« pandas 2.2.3 »): not numbers
        text = soup.get_text(" ")
        assert not DECIMAL_POINT.findall(text), (name, DECIMAL_POINT.findall(text)[:5])
        cells = " | ".join(td.get_text() for td in soup.find_all("td"))
        assert not PERCENT_WITHOUT_NNBSP.findall(cells), (name, PERCENT_WITHOUT_NNBSP.findall(cells)[:5])


def test_data_behind_charts_are_in_details_and_long_tables_are_folded(reports):
    charts = 0
    for name, soup in pages(reports).items():
        for figure in soup.select("figure.carto"):
            charts += 1
            data = figure.find_next_sibling()
            assert data is not None and data.name == "details" and "carto-data" in data["class"], name
            assert data.summary.get_text() == "Voir les données" and data.find("table", class_="carto"), name
            assert figure.img.get("alt", "").strip(), name
        for table in soup.select("table.carto"):
            if table.find_parent("details") is None:
                assert len(table.select("tbody > tr")) <= long_table_rows(), (name, table.caption.get_text())
    assert charts >= 10


def test_reports_folder_is_self_contained(reports):
    for name, soup in pages(reports).items():
        here = (reports / name).parent
        for tag in soup.find_all(["a", "img", "link", "script"]):
            url = tag.get("href") or tag.get("src")
            if not url or url.startswith(("#", "data:")):
                continue
            parsed = urlparse(url)
            assert not parsed.scheme and not parsed.netloc, (name, url)  # nothing on the network
            target = (here / unquote(parsed.path)).resolve()
            assert target.is_relative_to(reports.resolve()) and target.exists(), (name, url)
    data = reports / DATA_DIR
    assert (data / "datapackage.json").is_file() and (data / "bases.csv").is_file()
    assert not (data / "consultation_synthetique.csv").exists()  # the raw export is not published


def _struct_elements(node, seen=None):
    seen = set() if seen is None else seen
    node = node.get_object()
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    kids = node.get("/K") if hasattr(node, "get") else None
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            yield from _struct_elements(kid, seen)


def test_dossier_pdf_is_tagged_with_alt_text_embedded_fonts_and_every_core_report(reports):
    reader = PdfReader(reports / DOSSIER)
    assert len(reader.pages) >= 20
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "fr" and catalog["/MarkInfo"]["/Marked"]
    elements = list(_struct_elements(catalog["/StructTreeRoot"]))
    kinds = {str(e.get("/S")) for e in elements}
    assert {"/H1", "/Table", "/Figure"} <= kinds
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Sommaire" in reader.pages[1].extract_text() and "Page 2 sur" in text
    compact = re.sub(r"\s+", " ", text)
    for name in core_reports(load(project_root()), project_root()):
        title = pages(reports)[f"{name}.html"].find("h1").get_text(" ", strip=True).rstrip("¶").strip()
        assert re.sub(r"\s+", " ", title) in compact, name
    for page in reader.pages[:8]:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get(
                "/FontDescriptor")
            if descriptor is not None:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font


def test_every_printed_page_built_on_synthetic_data_says_so_and_the_synthesis_is_short(reports):
    """Read page by page: on the synthetic sample every page carries the running mark of the synthetic data it
    is built on (the cartography alone for 01, 02 and the fiches; cartography and answers for the cover, 04 and
    05) but the contents (page 2) and the build journal, which show no figure; the synthesis too."""
    mark = MARKS[frozenset({"cartographie", "réponses"})]
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(reports / DOSSIER).pages]
    assert "Sommaire" in pages[1]
    unmarked = [number for number, text in enumerate(pages, start=1)
                if not any(m in text for m in MARKS.values())]
    assert unmarked[0] == 2 and all("Annexe — journal de construction" in pages[n - 1] for n in unmarked[1:])
    assert mark in pages[0] and MARKS[frozenset({"cartographie"})] in pages[2]  # the cover, then report 01
    synthesis = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(reports / SYNTHESIS).pages]
    assert 1 <= len(synthesis) <= 6 and all(any(m in text for m in MARKS.values()) for text in synthesis)
    assert mark in synthesis[0]
    assert "Liste courte" in " ".join(synthesis) and "Chiffres clés" in " ".join(synthesis)
    # No page but the last left nearly empty by a spill (the cover's last sentences, the routes table's last two
    # rows once stood alone on a page of their own).
    fullest = max(len(text) for text in synthesis)
    assert all(len(text) >= 0.4 * fullest for text in synthesis[:-1]), [len(text) for text in synthesis]


def test_no_printed_table_loses_a_column_past_the_page_edge(reports):
    """Read from the PDFs themselves (pypdf, not the renderer's own check): no text of either PDF starts in a
    page's right margin or past its edge. Report 04's tables by category of respondent and the fiches' tables of
    bases are printed on landscape pages; portrait, their last columns were cut off."""
    assert beyond_the_margin(reports / DOSSIER) == []
    assert beyond_the_margin(reports / SYNTHESIS) == []
    landscape = [page for page in PdfReader(reports / DOSSIER).pages if page.mediabox.width > page.mediabox.height]
    assert landscape


def test_a_dossier_without_its_core_reports_is_a_clear_error(tmp_path):
    (tmp_path / "index.html").write_text("<main><h1>Index</h1></main>", encoding="utf-8")
    with pytest.raises(DossierError, match="rapport\\(s\\) absent\\(s\\), pas de dossier PDF : 01_clean_cartography"):
        build_dossier(tmp_path, ["01_clean_cartography"])
    assert not (tmp_path / DOSSIER).exists()


def test_a_report_linking_a_missing_table_is_a_clear_error(tmp_path):
    (tmp_path / "01.html").write_text('<a href="donnees/absent.csv">absent.csv</a>', encoding="utf-8")
    with pytest.raises(DossierError, match="absent.csv"):
        publish_data(tmp_path, tmp_path / "processed")
