"""The incremental PDF dossier (issue 20), on small hand-written reports: parts printed once per digest and
reused, assembled with the contents on page 2, « Page N sur T » on every page, bookmarks, links across parts and
one tagged structure; every page of a part built on synthetic data carries the mark (read page by page); the
incremental dossier has the text of one built from scratch. The dossier of the real build is checked in
test_look.py."""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup
from pdf_pages import beyond_the_margin
from pypdf import PdfReader

from helpers.render import dossier
from helpers.render.blocks import render, stylesheet
from helpers.render.dossier import (
    DOSSIER,
    MARKS,
    PARTS_DIR,
    SYNTHESIS,
    DossierError,
    build_dossier,
    build_pdfs,
    dossier_parts,
    synthetic_roles,
)
from helpers.render.html import banner
from helpers.render.sections import front_page
from helpers.steps.base import ANSWERS, CARTOGRAPHY, Run, SourceRecord

#: The core reports of these hand-written reports (the runner takes them from reports.yml).
CORE = ("01_clean_cartography", "02_openness", "04_consultation", "05_priorities")
ANSWERS_MARK = MARKS[frozenset({"réponses"})]
CARTO_MARK = MARKS[frozenset({"cartographie"})]
LONG = "".join(f"<p>Paragraphe {i} : une phrase assez longue pour remplir la ligne et la page suivante.</p>"
               for i in range(70))


def _page(title: str, body: str) -> str:
    return f'<html lang="fr"><body><main class="carto-main"><h1 id="t">{title}</h1>{body}</main></body></html>'


def _answers_banner() -> str:
    return ('<div class="carto-banner" role="alert" data-synthetique="réponses"><strong>Données synthétiques'
            "</strong> — les réponses analysées ici ont été générées par le projet.</div>")


def make_reports(root: Path) -> Path:
    """A reports folder as the runner leaves it: front page, the four core reports (04 and 05 on synthetic
    answers, over several pages), two fiches."""
    reports = root / "reports"
    (reports / "producteurs").mkdir(parents=True)
    index = ('<h1>Cartographie 2014</h1><div class="carto-banner" role="alert" data-synthetique="réponses">'
             '<strong>Réponses synthétiques</strong> — inventées.</div>'
             '<section class="carto-retenir"><h2 id="retenir">Ce qu\'il faut retenir'
             "</h2><ul><li>19 bases ouvertes.</li></ul></section><h2>Les rapports</h2><ul class=\"carto-cards\">"
             '<li class="carto-card"><h3><a href="02_openness.html">Ouverture</a></h3></li></ul>'
             "<h2>Fiches gestionnaires</h2><p>Une fiche par gestionnaire.</p><table class=\"carto\"><caption>Fiches"
             "</caption><thead><tr><th>Gestionnaire</th></tr></thead><tbody><tr><th><a href=\"producteurs/atih.html\">"
             "ATIH</a></th></tr><tr><th>DREES</th></tr></tbody></table>"
             '<section class="carto-journal"><h2 id="journal">Journal de construction</h2><p>Tout est à jour.</p>'
             "</section>")
    (reports / "index.html").write_text(_page("Accueil", index).replace('<h1 id="t">Accueil</h1>', ""),
                                        encoding="utf-8")
    data_link = '<p><a href="donnees/bases.csv">bases.csv</a></p>'
    bodies = {"01_clean_cartography": data_link + LONG,
              "02_openness": '<p><a href="05_priorities.html">Vers 05</a></p>' + LONG,
              "04_consultation": _answers_banner() + LONG, "05_priorities": _answers_banner() + LONG}
    for name, body in bodies.items():
        (reports / f"{name}.html").write_text(_page(f"Rapport {name[:2]}", body), encoding="utf-8")
    for slug, name in (("atih", "ATIH"), ("drees", "DREES")):
        (reports / "producteurs" / f"{slug}.html").write_text(
            _page(f"Fiche gestionnaire : {name}", '<p><a href="../02_openness.html">Rapport 02</a> ; '
                  '<a href="../donnees/bases.csv">bases.csv</a></p>'),
            encoding="utf-8")
    (reports / "producteurs" / "irdes.erreur.html").write_text(_page("Échec", ""), encoding="utf-8")
    return reports


def texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def contents_lines(path: Path) -> dict[str, int]:
    """The contents page (page 2) as title → page number, read in layout mode (leader dots between them)."""
    text = PdfReader(path).pages[1].extract_text(extraction_mode="layout")
    return {re.sub(r"\s+", " ", m[1]).strip(): int(m[2]) for m in re.finditer(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$",
                                                                             text, flags=re.M)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    reports = make_reports(tmp_path_factory.mktemp("dossier"))
    build_pdfs(reports, CORE, jobs=2)
    return reports


def _starts(pages: list[str]) -> dict[str, int]:
    """Title → first page (1-based) on which it appears as a running title at the bottom of the page."""
    starts = {}
    for number, text in enumerate(pages[2:], start=3):  # after the cover and the contents
        for title in ("Rapport 01", "Rapport 02", "Rapport 04", "Rapport 05", "Fiche gestionnaire : ATIH",
                      "Fiche gestionnaire : DREES", "Annexe — fiches gestionnaires",
                      "Annexe — journal de construction"):
            if title in text and title not in starts:
                starts[title] = number
    return starts


def test_contents_on_page_2_with_the_page_each_part_starts_on(built):
    pages = texts(built / DOSSIER)
    assert "Sommaire" in pages[1] and "Sommaire" not in pages[0]
    assert "Cartographie 2014" in pages[0] and "Ce qu'il faut retenir" in pages[0]
    starts = _starts(pages)
    assert contents_lines(built / DOSSIER) == starts
    assert starts["Rapport 01"] == 3 and len(starts) == 8
    # The report cards are left out (the contents list the reports); an error page is not a fiche.
    assert "Échec" not in " ".join(pages) and "Les rapports" not in pages[0]


def test_every_page_is_numbered_across_parts(built):
    pages = texts(built / DOSSIER)
    assert len(pages) > 12
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} sur {len(pages)}" in text, number


def test_every_page_of_a_part_on_synthetic_answers_says_so(built):
    pages = texts(built / DOSSIER)
    starts = sorted((page, title) for title, page in _starts(pages).items())
    synthetic = {"Rapport 04", "Rapport 05"}
    marked = []
    for number, text in enumerate(pages, start=1):
        part = next((t for p, t in reversed(starts) if p <= number), "couverture" if number == 1 else "sommaire")
        expected = part in synthetic or part == "couverture"  # the cover quotes report 05
        assert (ANSWERS_MARK in text) == expected, (number, part)
        marked.append(expected)
    assert sum(marked) >= 5  # 04 and 05 span several pages: every one of them is marked, not only the first


def test_bookmarks_links_and_one_tagged_structure(built):
    with pikepdf.open(built / DOSSIER) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            assert all(pages.get(item.destination[0].objgen) is not None for item in outline.root)
        assert titles[:3] == ["Cartographie 2014", "Sommaire", "Rapport 01"] and "Fiche gestionnaire : ATIH" in titles
        root = pdf.Root
        assert str(root.Lang) == "fr" and root.MarkInfo.Marked and "/Metadata" in root
        tree = root.StructTreeRoot
        assert len(tree.K) == 1 and tree.K[0].S == "/Document"
        kinds, seen = set(), 0
        stack = list(tree.K[0].K)
        while stack:
            element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            seen += 1
            kinds.add(str(element.S))
            if "/Pg" in element:
                assert element.Pg.objgen in pages  # every element points to a page of this document
            kids = element.get("/K")
            stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        assert {"/H1", "/P", "/Table", "/Link"} <= kinds and seen > 100
        nums = list(tree.ParentTree.Nums)
        keys = [int(k) for k in nums[::2]]
        assert keys == sorted(set(keys)) and int(tree.ParentTreeNextKey) > max(keys)
        parents = {int(page.obj.StructParents) for page in pdf.pages}
        assert len(parents) == len(pdf.pages) and parents <= set(keys)
        names = dict(zip([str(n) for n in root.Names.Dests.Names[::2]], root.Names.Dests.Names[1::2], strict=True))
        links = [annot for page in pdf.pages for annot in page.obj.get("/Annots", []) if annot.Subtype == "/Link"]
        internal = [str(annot.Dest) for annot in links if "/Dest" in annot]
        assert "r-05_priorities" in internal and "r-02_openness" in internal  # across parts, and from the contents
        assert all(name in names for name in internal)
        assert not any("/A" in annot and str(annot.A.get("/URI", "")).startswith("carto-dossier:") for annot in links)
        # A link to a published file is relative to reports/ (where the dossier lives), from a report and from a
        # fiche alike: never the build folder's absolute address, useless to whoever receives the dossier.
        uris = [str(annot.A.URI) for annot in links if "/A" in annot and "/URI" in annot.A]
        assert uris.count("donnees/bases.csv") == 3 and set(uris) == {"donnees/bases.csv"}, uris


def test_an_unchanged_part_is_never_printed_again_and_the_incremental_dossier_is_the_scratch_one(built, tmp_path,
                                                                                                monkeypatch):
    reports = tmp_path / "reports"
    shutil.copytree(built, reports)
    before = {p.name for p in (reports / PARTS_DIR).glob("*.pdf")}
    page = reports / "05_priorities.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Paragraphe 3 ", "Paragraphe trois "), encoding="utf-8")
    printed = []
    real = dossier._print_part
    monkeypatch.setattr(dossier, "_print_part", lambda document, base, target, *rest: printed.append(target) or
                        real(document, base, target, *rest))
    build_pdfs(reports, CORE, jobs=1)
    # Only report 05, then the synthesis that quotes it: the contents are the same (same pages), so are the others.
    assert len(printed) == 2 and Path(printed[0]).name not in before
    incremental = texts(reports / DOSSIER)
    scratch = tmp_path / "scratch"
    shutil.copytree(reports, scratch)
    shutil.rmtree(scratch / PARTS_DIR)
    build_dossier(scratch, CORE, jobs=1)
    assert texts(scratch / DOSSIER) == incremental
    assert (scratch / DOSSIER).read_bytes() == (reports / DOSSIER).read_bytes()  # same inputs, same bytes
    assert "Paragraphe trois" in " ".join(incremental)
    # The parts no longer used are removed from .dossier/ (the cache does not grow with every edit).
    assert len(list((reports / PARTS_DIR).glob("*.pdf"))) == len(before)


def test_the_synthesis_is_short_tagged_and_marked(built):
    pages = texts(built / SYNTHESIS)
    assert 1 <= len(pages) <= 6
    assert pages[0].startswith("Synthèse") or "Synthèse — Cartographie 2014" in pages[0]
    assert "19 bases ouvertes" in pages[0] and ANSWERS_MARK in pages[0]
    # Report 02's section rests on no synthetic data here, 05's does: marked on each of its pages.
    assert [ANSWERS_MARK in text for text in pages[1:]] == ["Rapport 05" in text for text in pages[1:]]
    assert "Rapport 05" in pages[-1]
    with pikepdf.open(built / SYNTHESIS) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "fr"


def test_synthetic_roles_are_read_from_every_kind_of_banner():
    def roles(markup: str) -> frozenset[str]:
        return synthetic_roles(BeautifulSoup(markup, "html.parser"))

    carto = SourceRecord(CARTOGRAPHY, "x.ods", "0" * 64, synthetic=True)
    answers = SourceRecord(ANSWERS, "r.csv", "1" * 64, synthetic=True)
    official = SourceRecord(CARTOGRAPHY, "x.ods", "0" * 64, official=True)
    assert roles(banner(Run(sources=[carto, answers])).data) == {"cartographie", "réponses"}
    assert roles(banner(Run(sources=[official, answers])).data) == {"réponses"}
    assert roles(banner(Run(sources=[carto])).data) == {"cartographie"}
    assert roles(banner(Run(sources=[official])).data) == frozenset()
    # The front page's banners name their role too; a banner that names none stops the dossier.
    front = front_page([], {"roles_synthetiques": ["réponses", "cartographie"], "resume": "x"})
    assert roles(front) == {"cartographie", "réponses"}
    assert roles(front_page([], {"roles_synthetiques": ["réponses"], "resume": "x"})) == {"réponses"}
    with pytest.raises(DossierError, match=r"^reports/04_consultation\.html : un bandeau .*data-synthetique"):
        synthetic_roles(BeautifulSoup('<div class="carto-banner"><strong>Réponses synthétiques</strong> — …</div>',
                                      "html.parser"), Path("reports/04_consultation.html"))


def test_parts_are_named_without_reading_any_html(tmp_path):
    reports = make_reports(tmp_path)
    parts = dossier_parts(reports, CORE)
    assert [p.anchor for p in parts] == ["r-index", *(f"r-{n}" for n in CORE), "annexe-fiches",
                                         "r-producteurs-atih", "r-producteurs-drees", "annexe-journal"]
    (reports / "02_openness.html").unlink()
    with pytest.raises(DossierError, match="pas de dossier PDF : 02_openness.html"):
        dossier_parts(reports, CORE)


@pytest.mark.parametrize("title", ["Rapport 05", "Synthèse — " + "Cartographie des bases de données publiques en "
                                   "santé (2014) : ce qui est ouvert, ce qui est demandé " * 2])
def test_the_page_label_stays_on_one_line_whatever_the_running_title(title):
    # A long report title in the bottom-left box once pushed « Page 1 sur 6 » of the synthesis onto two lines
    # (« Page 1 sur » / « 6 »): a reader would quote page « 1 sur ».
    document = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>t</title>'
                f"<style>{stylesheet()}</style></head><body><main class=\"carto-main\"><h1>{title}</h1>"
                "<p>Texte.</p></main></body></html>")
    pdf = dossier.print_html(document, "file:///", tagged=False)
    layout = PdfReader(BytesIO(pdf)).pages[0].extract_text(extraction_mode="layout")
    assert re.search(r"Page 1 sur 1\s*$", layout, flags=re.M), layout[-400:]


def test_a_theme_of_report_04_is_printed_on_one_page_never_a_lone_quote_at_a_page_top():
    # The official dossier's page 68 once held one quote of theme T30 alone, its heading on the page before.
    words = "les données de santé doivent être ouvertes aux chercheurs et aux associations " * 3
    themes = [{"theme": f"T{i}", "libelle": f"Thème numéro {i}", "size": f"{40 - i} textes sur 1 132",
               "quotes": [{"citation": f"Début {i}{k} : {words} fin {i}{k}.", "profil": "Citoyen ou patient",
                           "campagne": ""} for k in "ab"]} for i in range(1, 25)]
    body = render("themes.html.j2", questions=[{"column": "Précisez votre réponse", "why": "", "themes": themes,
                                                 "codes": None}])
    document = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>t</title>'
                f"<style>{stylesheet()}</style></head><body><main class=\"carto-main\">{body}</main></body></html>")
    pages = [re.sub(r"\s+", " ", page.extract_text())
             for page in PdfReader(BytesIO(dossier.print_html(document, "file:///", tagged=False))).pages]
    assert len(pages) >= 3
    for i in range(1, 25):
        on = [n for n, text in enumerate(pages) if f"T{i} — Thème numéro {i}" in text]
        assert on and f"fin {i}b." in pages[on[0]], (i, on)  # its heading and its last quote on one page


def _cell(kind: str, inner: str) -> str:
    return f'<div class="jp-Cell jp-{kind}Cell jp-Notebook-cell">{inner}</div>'


#: The categories of respondents of report 04's tables by category (the synthetic sample's), as column headers.
CATEGORIES = ["Citoyen ou patient (n=459)", "Chercheur ou universitaire (n=241)", "Professionnel de santé (n=207)",
              "Association de patients ou d'usagers (n=155)", "Entreprise (industrie, assurance, start-up) (n=131)",
              "Administration ou établissement public (n=103)", "Autre (n=48)", "Journaliste (n=39)",
              "Non renseigné (n=24)", "Ensemble (n=1408)"]


def _wide_report(headers: list[str]) -> str:
    """A report's notebook cells: a narrow table, a heading, a table of a column per header (the last column's
    values end in « 9,9 % »), a closing paragraph."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    values = [f"{i % 9},{i % 9} %" for i in range(len(headers) - 1)] + ["9,9 %"]
    cells = "".join(f'<td class="num">{v}</td>' for v in values)
    row = f"<tr><td>Base des professionnels de santé</td>{cells}</tr>"
    wide = (f'<div class="carto-table"><table class="carto"><caption>Part par catégorie</caption><thead><tr>'
            f"<th>Base</th>{head}</tr></thead><tbody>{row * 12}</tbody></table></div>")
    narrow = ('<div class="carto-table"><table class="carto"><caption>Étroite</caption><thead><tr><th>Base</th>'
              "<th>Demandée par</th></tr></thead><tbody><tr><td>PMSI</td><td>12</td></tr></tbody></table></div>")
    return (_cell("Markdown", "<p>Introduction.</p>") + _cell("Code", narrow)
            + _cell("Markdown", "<h2>Par catégorie de répondants</h2>") + _cell("Code", wide)
            + _cell("Markdown", "<p>Suite du rapport.</p>"))


def test_a_table_too_wide_for_a_portrait_page_is_printed_landscape_with_its_heading(tmp_path):
    # Ten columns of French headers and values are wider than a portrait page: printed as they were, the last
    # columns fell past the page's edge (report 04's tables by category of respondent, a fiche's bases).
    reports = make_reports(tmp_path)
    (reports / "02_openness.html").write_text(_page("Rapport 02", _wide_report(CATEGORIES)), encoding="utf-8")
    build_dossier(reports, CORE, jobs=1)
    pdf = PdfReader(reports / DOSSIER)
    landscape = [n for n, page in enumerate(pdf.pages, start=1) if page.mediabox.width > page.mediabox.height]
    text = {n: re.sub(r"\s+", " ", page.extract_text()) for n, page in enumerate(pdf.pages, start=1)}
    assert landscape and "Part par catégorie" in text[landscape[0]]
    assert "Par catégorie de répondants" in text[landscape[0]]  # the heading just before, with the table
    assert all("9,9 %" in text[n] for n in landscape)  # the last column, on every page of the table
    portrait = [n for n in text if n not in landscape]
    assert any("Étroite" in text[n] for n in portrait) and any("Suite du rapport." in text[n] for n in portrait)
    total = len(pdf.pages)
    assert all(f"Page {n} sur {total}" in text[n] for n in text)  # numbered in the margin of either orientation
    assert beyond_the_margin(reports / DOSSIER) == []


def test_a_table_too_wide_even_for_a_landscape_page_stops_the_dossier_naming_its_report(tmp_path):
    # Twice as many categories: even landscape, the last columns would be cut off: no PDF rather than a table
    # that silently lost columns.
    reports = make_reports(tmp_path)
    headers = CATEGORIES[:-1] + [f"Autre catégorie {i} (n=1{i})" for i in range(10)] + CATEGORIES[-1:]
    (reports / "02_openness.html").write_text(_page("Rapport 02", _wide_report(headers)), encoding="utf-8")
    with pytest.raises(DossierError, match=r"02_openness\.html : « Rapport 02 » : un tableau est plus large que la "
                                           r"page imprimée, même en paysage \(page \d+ de la partie"):
        build_dossier(reports, CORE, jobs=2)  # raised in a printer process, whole
    assert not (reports / DOSSIER).exists()
