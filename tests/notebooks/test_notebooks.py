"""Notebooks: stored clean, literal parameters, no logic; executed for real by papermill."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers.core.storage import sha256_file
from helpers.render.export import export_html

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NB01 = ROOT / "notebooks" / "01_clean_cartography.ipynb"
NB02 = ROOT / "notebooks" / "02_openness.ipynb"
NB03 = ROOT / "notebooks" / "03_producer_sheet.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs_and_with_literal_parameters(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    for node in ast.parse(code[0].source).body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
    for cell in code[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the project's notebooks and report list, used as the project root (offline)."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "reports.yml", tmp_path / "reports.yml")
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(tmp_path))
    monkeypatch.setenv("CARTO_SANTE_OFFLINE", "1")
    return tmp_path


def _run(output: Path, cwd: Path, notebook: Path = NB01, **parameters) -> str:
    papermill.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(cwd),
                               kernel_name="python3", progress_bar=False)
    html = export_html(output, output.with_suffix(".html"), "Nettoyage")
    return html.read_text(encoding="utf-8")


def test_notebook_01_with_defaults_uses_the_synthetic_sample(project_copy):
    # Run from notebooks/, as JupyterLab does: default paths still resolve to the project root.
    html = _run(project_copy / "out.ipynb", project_copy / "notebooks")
    processed = project_copy / "data" / "processed"
    provenance = json.loads((processed / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["synthetique"] is True and provenance["officiel"] is False
    assert (processed / "bases.csv").is_file() and (processed / "cartographie-synthetique.ods").is_file()
    assert "Données synthétiques" in html and 'class="carto-banner"' in html
    assert html.count('<html lang="fr">') == 1
    assert "clean_cartography(" not in html and "cartography_path = None" not in html
    assert '<div class="highlight' not in html and 'class="jp-InputPrompt' not in html  # no code shown


def test_notebook_01_with_explicit_parameters_on_the_official_file(real_ods, tmp_path):
    processed = tmp_path / "processed"
    html = _run(tmp_path / "out.ipynb", tmp_path, cartography_path=str(real_ods), processed_dir=str(processed))
    provenance = json.loads((processed / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["officiel"] is True and provenance["synthetique"] is False
    assert 'class="carto-banner"' not in html
    assert "fichier officiel (empreinte vérifiée)" in html
    assert '<span class="n">313</span>lignes' in html and '<span class="n">289</span>bases distinctes' in html
    assert "Non ex ploitable" in html and "Excel, Power point" in html  # the log is shown
    assert html.count('src="data:image/png;base64,') == 1 and 'alt="Diagramme en barres' in html


@pytest.fixture(scope="module")
def real_processed(real_ods, tmp_path_factory):
    from helpers.steps.s01_clean import clean_cartography

    out = tmp_path_factory.mktemp("processed")
    clean_cartography(real_ods, out)
    return out


def test_notebooks_02_and_03_on_the_official_file(real_processed, tmp_path):
    html = _run(tmp_path / "02.ipynb", tmp_path, NB02, processed_dir=str(real_processed), min_bases_ranked=5)
    assert 'class="carto-banner"' not in html
    assert '<span class="n">13 sur 109 (12\u202f%)</span>' in html  # bases open at the aggregated level
    assert '<span class="n">6 sur 210 (2,9\u202f%)</span>' in html
    assert '<span class="n">19 sur 279 (6,8\u202f%)</span>' in html
    # The answer first: the takeaways open the report, before section 1; ranks always with their interval.
    assert html.index('id="retenir"') < html.index("1. Quels critères bloquent")
    assert "<td>non départagé (rang possible : 1 à 10 sur 11)</td>" in html  # DREES, by mean score (issue 18)
    assert "la part de bases ouvertes ne les départage pas" in html and "ci-dessous est le plus informatif" not in html
    assert html.count('src="data:image/png;base64,') == 7  # with the opening paths chart (issue 13)
    section = html[html.index("6. Ce qu'il faudrait décider"):html.index("Guide de lecture")]
    # 98 + 225 non-open lines, and the bases they are (a base has one line per category): never a bare « n ».
    assert "données agrégées : 98 lignes (96 bases), données granulaires : 225 lignes (204 bases)" in section
    assert "<td>Publication</td><td>Publier un fichier exploitable sous licence ouverte" in section
    assert "Voie « redevance », ligne par ligne" in section and "<td>Kantar Health</td>" in section
    assert "Règles des voies d'ouverture" in html and "« certificats de décès »" in html
    for name in ("ouverture.csv", "ouverture_par_gestionnaire.csv", "ouverture_par_typologie.csv", "ouverture.xlsx"):
        assert (real_processed / name).is_file()
    fiche = _run(tmp_path / "03.ipynb", tmp_path, NB03, processed_dir=str(real_processed), producer="INVS")
    assert "Fiche gestionnaire : INVS" in fiche and "Institut National de Veille Sanitaire" in fiche
    paths = fiche.index("Ce qu'il faudrait décider")
    assert fiche.index('class="carto-kpis"') < paths < fiche.index("Ses bases, critère par critère")
    assert "Voies d'ouverture des lignes d'INVS" in fiche and "Lignes non ouvertes d'INVS" in fiche
    assert "non départagé (rang possible : 1 à 4 sur 4)" in fiche and "Ne peut être distingué d'aucun des 3 autres" \
        in fiche
    assert "3ᵉ (entre" not in fiche  # its interval spans the 4 ranks (issue 18)


def test_unknown_producer_fails_before_any_work_listing_valid_names(real_processed, tmp_path):
    before = {p.name: sha256_file(p) for p in real_processed.iterdir()}
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(NB03), str(tmp_path / "03.ipynb"), kernel_name="python3",
                                   parameters={"processed_dir": str(real_processed), "producer": "Inconnu"},
                                   progress_bar=False)
    assert error.value.ename == "CartoError"
    assert "gestionnaire inconnu « Inconnu »" in error.value.evalue and "DREES" in error.value.evalue
    assert {p.name: sha256_file(p) for p in real_processed.iterdir()} == before
