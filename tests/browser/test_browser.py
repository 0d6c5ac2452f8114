"""Every built report opened from disk in headless Chromium (Debian package, driven by Playwright), with
the network cut: no console error, no request leaving the machine, a non-blank rendering, no injected
script executed, and zero serious or critical WCAG 2.1 A/AA violation according to axe-core."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import papermill
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

from helpers.render.export import export_html

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CORE = ["index.html", "01_clean_cartography.html", "02_openness.html", "producteurs/abc.html",
        "04_consultation.html", "05_priorities.html"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        message = "chromium absent : `make test` l'installe (paquet Debian chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser():
    if not AXE.is_file():
        pytest.fail(f"axe-core absent ({AXE}) : `make test` l'installe depuis tests/browser/package-lock.json")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_report(browser, path: Path) -> dict:
    """Load a report offline and collect what happened (the caller closes seen["context"])."""
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    seen = {"requests": [], "console": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    seen["text"] = page.inner_text("body")
    seen["alts"] = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt') || '')")
    # Hostile consultation answers (<script>, onerror, javascript: links) must reach the DOM as text only.
    seen["active"] = page.eval_on_selector_all(
        "script, [onerror], [onload], [onclick], a[href^='javascript:'], iframe, object, embed",
        "els => els.map(e => e.outerHTML.slice(0, 120))")
    seen["screenshot"] = page.screenshot(full_page=True)
    seen["first_screen"] = page.screenshot()  # what a reader sees before scrolling (1200 × 900)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    seen["violations"] = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    seen["page"], seen["context"] = page, context
    return seen


def reports_of(root: Path) -> list[Path]:
    return sorted((root / "reports").rglob("*.html"))


def test_every_report_is_clean_offline_and_accessible(browser, built_reports):
    root, _ = built_reports
    paths = reports_of(root)
    names = [str(p.relative_to(root / "reports")) for p in paths]
    assert set(CORE) <= set(names)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path, name in zip(paths, names, strict=True):
        seen = open_report(browser, path)
        seen["context"].close()
        local = [u for u in seen["requests"] if not u.startswith(("file://", "data:"))]
        image = Image.open(io.BytesIO(seen["screenshot"])).convert("L")
        found = {
            "requêtes sortantes": local, "erreurs console": seen["console"] + seen["errors"],
            "script injecté exécuté": seen["dialogs"], "éléments actifs dans la page": seen["active"],
            "violations axe": [f"{v['id']} ({v['impact']}) : {v['help']} — {len(v['nodes'])} élément(s)"
                               for v in seen["violations"]],
        }
        # Charts carry an alt text that says what they show (not "image", not empty).
        found["textes alternatifs insuffisants"] = [a for a in seen["alts"] if len(a) < 40 or a.lower().startswith(
            ("image", "png", "figure"))]
        if len(seen["text"].strip()) < 200 or image.getextrema()[0] == image.getextrema()[1]:
            found["rendu vide"] = [f"{len(seen['text'])} caractères"]
        if name in CORE:
            stem = name.replace("/", "_").replace(".html", "")
            (ARTIFACTS / f"{stem}.png").write_bytes(seen["screenshot"])
            (ARTIFACTS / f"{stem}-premier-ecran.png").write_bytes(seen["first_screen"])
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[name] = found
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


HOSTILE = ("<script>alert('x')</script> <img src=x onerror=alert(1)> [lien](javascript:alert(1)) "
           "Ouvrez enfin ces données, écrivez à jean.dupont@example.org ou au 06 12 34 56 78")


def test_hostile_answers_are_inert_in_the_browser(browser, built_reports, tmp_path):
    """A campaign of hostile answers (shown once, with its text) and hostile missing-data mentions."""
    root, _ = built_reports
    processed = tmp_path / "processed"
    shutil.copytree(root / "data" / "processed", processed)
    export = processed / "consultation_synthetique.csv"
    rows = list(csv.reader(export.open(encoding="utf-8", newline="")))
    header = rows[0]
    for n in range(15):
        row = dict.fromkeys(header, "")
        row.update({header[0]: f"H{n:03d}", header[1]: "<b onmouseover=alert(3)>Autre</b>",
                    "Précisez votre réponse": HOSTILE,
                    "Quelles données manquent dans la cartographie ?": "<img src=x onerror=alert(2)> allergies"})
        rows.append([row[h] for h in header])
    hostile = tmp_path / "hostile.csv"
    with hostile.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    executed = tmp_path / "04.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "04_consultation.ipynb"), str(executed),
                               kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
                               parameters={"answers_path": str(hostile), "processed_dir": str(processed),
                                           "questionnaire_path": str(processed / "questionnaire_synthetique.yml")})
    page = export_html(executed, tmp_path / "04.html", "Consultation")
    seen = open_report(browser, page)
    seen["context"].close()
    assert seen["dialogs"] == [] and seen["active"] == [] and seen["errors"] == []
    assert "onerror=alert" in seen["text"] or "<script>" in seen["text"]  # shown, as text
    assert "jean.dupont@example.org" not in seen["text"] and "06 12 34 56 78" not in seen["text"]
    assert "[courriel masqué]" in seen["text"]


def test_error_page_and_index_after_a_failure_are_accessible_and_french(browser, tmp_path):
    """A report that fails gets a French error page; it and the index pass the same checks as the reports."""
    from conftest import copy_project, run_reports

    root = copy_project(tmp_path)
    done = run_reports(root, "--only", "01_clean_cartography", "02_openness", "--no-pdf",
                       "--set", "02_openness.weighting='inconnue'")
    assert done.returncode == 1, done.stderr
    error_page = root / "reports" / "02_openness.erreur.html"
    assert error_page.is_file()
    for path in (error_page, root / "reports" / "index.html"):
        seen = open_report(browser, path)
        seen["context"].close()
        assert [u for u in seen["requests"] if not u.startswith(("file://", "data:"))] == [], path.name
        assert seen["console"] + seen["errors"] == [], path.name
        assert [f"{v['id']} ({v['impact']})" for v in seen["violations"]] == [], path.name
        if path == error_page:
            assert "Ce rapport n'a pas pu être construit" in seen["text"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"apres-echec-{path.stem}.png").write_bytes(seen["first_screen"])
