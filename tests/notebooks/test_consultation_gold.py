"""Report 04 on real answers: the gold corpus's « Fiscalité et dépenses publiques » answers laid out as a Cap
Collectif export (built here, in a temporary folder), one question with the human coders' codebook. Each question
has its themes with a readable title, their size with an interval and two quotes, and the codes; the per-answer
tables are published without the texts. The page is screenshotted for a reader (test-artifacts/screenshots)."""

from __future__ import annotations

import shutil
from pathlib import Path

import papermill
import pytest
from consultation_gold import GOLD, write_gold_export
from consultation_helpers import readable_title
from playwright.sync_api import sync_playwright

from helpers.core.tables import load_table
from helpers.core.text import strip_accents
from helpers.render.export import export_html
from helpers.steps.s01_clean import clean_cartography

ROOT = Path(__file__).resolve().parents[2]
NB04 = ROOT / "notebooks" / "04_consultation.ipynb"
SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def gold_report(real_ods, tmp_path_factory):
    if not GOLD.is_file():
        pytest.skip(f"corpus de référence absent : {GOLD}")
    work = tmp_path_factory.mktemp("gold")
    processed = work / "processed"
    clean_cartography(real_ods, processed)
    export, spec, gold = write_gold_export(work, "Fiscalité et dépenses publiques", coded="162")
    output = work / "04.ipynb"
    papermill.execute_notebook(str(NB04), str(output), cwd=str(work), kernel_name="python3", progress_bar=False,
                               parameters={"answers_path": str(export), "questionnaire_path": str(spec),
                                           "processed_dir": str(processed)})
    html = export_html(output, output.with_suffix(".html"), NB04.stem)
    return html, processed, gold


def test_report_04_on_real_answers_shows_each_question_its_themes_and_codes(gold_report):
    page, processed, gold = gold_report
    html = page.read_text(encoding="utf-8")
    assert 'class="carto-banner"' not in html and "réponses synthétiques" not in html  # real answers: unmarked
    themes = load_table(processed, "consultation_themes")
    assert set(themes["question"]) == {f"q{q}" for q in gold["question_id"].unique()}
    for question in gold.drop_duplicates("question_id").itertuples():
        assert question.question[:40].replace("'", "&#x27;") in html or question.question[:40] in html
    for row in themes.itertuples():
        assert f"{row.theme} — " in html and row.libelle.split(" · ")[0] in html
    # Real answers' titles read as French: no pronoun or article at an edge, no lone number, no two titles of a
    # question that differ only by accents or case.
    assert all(readable_title(t) for t in themes["libelle"]), themes["libelle"].tolist()
    keys = themes.assign(cle=themes["libelle"].map(lambda t: strip_accents(t).lower()))
    assert not keys.duplicated(["question", "cle"]).any()
    assert html.count("IC 95 %") >= len(themes)
    quotes = html.count('class="carto-quote"')
    assert 2 * len(themes) - 3 <= quotes <= 2 * len(themes)  # two quotes a theme (a tiny theme may have one)
    assert "Grille d'analyse" in html and "Textes auxquels aucun code ne convient" in html
    # Per answer, never the texts: numbers, question ids, themes, codes, weights.
    per_theme = load_table(processed, "consultation_themes_reponses")
    per_code = load_table(processed, "consultation_codes_reponses")
    assert list(per_theme.columns) == ["numero", "question", "theme", "poids"]
    assert list(per_code.columns) == ["numero", "question", "code", "confiance"]
    assert set(per_code["question"]) == {"q162"} and per_code["confiance"].between(0, 1).all()
    texts = set(gold["answer"].str[:60])
    for path in ("consultation_themes_reponses.csv", "consultation_codes_reponses.csv"):
        content = (processed / path).read_text(encoding="utf-8")
        assert not any(t in content for t in texts if len(t) >= 40)
    package = (processed / "datapackage.json").read_text(encoding="utf-8")
    assert "consultation_themes_reponses" in package and "consultation_codes_reponses" in package


def test_report_04_on_real_answers_screenshot(gold_report):
    page, _, _ = gold_report
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium absent (make browser)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1280, "height": 2000})
        tab.goto(page.as_uri(), wait_until="load", timeout=120_000)
        # The free-text section as a reader sees it: the first question, its themes, quotes and codes.
        section = tab.locator("section.carto-question").first
        section.scroll_into_view_if_needed()
        shot = SHOTS / "04_consultation_grand_debat.png"
        section.screenshot(path=str(shot), timeout=120_000)
        browser.close()
    assert shot.stat().st_size > 10_000
