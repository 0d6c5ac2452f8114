"""The steps' shared plumbing: one Run type and its run record, one banner, producers read by one
accessor, environment variables read in one place, notebook parameters checked on entry and defaulting
to the configuration's values."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.cartography.producers import join_producers, one_row_per_producer, producers_of
from helpers.core import config
from helpers.core.config import data_file
from helpers.core.parameters import ParameterError, notebook_parameters
from helpers.render.html import WORDING, banner
from helpers.steps import s01_clean, s02_openness, s03_producer_sheet, s04_consultation, s05_priorities
from helpers.steps.base import (
    ANSWERS,
    CARTOGRAPHY,
    Run,
    SourceRecord,
    finish,
    read_record,
    read_takeaways,
    record_takeaways,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "helpers"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
OFFICIAL = SourceRecord(CARTOGRAPHY, "carto.ods", "a" * 64, official=True)
SYNTHETIC_CARTO = SourceRecord(CARTOGRAPHY, "carto-synthetique.ods", "b" * 64, synthetic=True,
                               note="Téléchargement du fichier officiel impossible (pas de réseau, ou serveur "
                                    "injoignable).")
SYNTHETIC_ANSWERS_SOURCE = SourceRecord(ANSWERS, "reponses.csv", "c" * 64, synthetic=True)


def test_every_step_result_is_a_run():
    for run_type in (s01_clean.CleaningRun, s02_openness.OpennessRun, s03_producer_sheet.ProducerSheet,
                     s04_consultation.ConsultationRun, s05_priorities.PriorityRun):
        assert issubclass(run_type, Run), run_type


def test_a_run_is_synthetic_when_any_source_is_and_writes_its_record_where_asked(tmp_path, monkeypatch):
    run = Run(sources=[OFFICIAL, SYNTHETIC_ANSWERS_SOURCE])
    assert run.synthetic and not Run(sources=[OFFICIAL]).synthetic
    assert run.source_of(ANSWERS) == SYNTHETIC_ANSWERS_SOURCE and run.source_of("autre") is None
    monkeypatch.delenv(config.ENV_RUN_RECORD, raising=False)
    assert finish(run) is run and not list(tmp_path.iterdir())  # outside the runner: nothing written
    record = tmp_path / "run.json"
    monkeypatch.setenv(config.ENV_RUN_RECORD, str(record))
    finish(run)
    assert json.loads(record.read_text(encoding="utf-8"))["synthetique"] is True
    assert read_record(record) == [OFFICIAL, SYNTHETIC_ANSWERS_SOURCE]
    assert read_record(tmp_path / "absent.json") == []
    # The view's takeaways join the record (the front page quotes them from there), the sources kept.
    sentences = ["19 des 279 bases sont ouvertes — réponses synthétiques."]
    assert read_takeaways(record) == [] and record_takeaways(run, sentences) is sentences
    assert read_takeaways(record) == sentences and read_record(record) == [OFFICIAL, SYNTHETIC_ANSWERS_SOURCE]
    assert read_takeaways(tmp_path / "absent.json") == []


def test_one_banner_says_which_data_are_synthetic():
    assert banner(Run(sources=[OFFICIAL])).data == ""
    both = banner(Run(sources=[SYNTHETIC_CARTO, SYNTHETIC_ANSWERS_SOURCE])).data
    strong = "<strong>Données synthétiques</strong> — "
    assert f"{strong}{WORDING['bandeau'][CARTOGRAPHY]}" in both
    assert "Les réponses à la consultation sont elles aussi synthétiques." in both
    assert "Téléchargement du fichier officiel impossible (pas de réseau, ou serveur injoignable)." in both
    answers_only = banner(Run(sources=[OFFICIAL, SYNTHETIC_ANSWERS_SOURCE])).data
    assert f"{strong}{WORDING['bandeau'][ANSWERS]}" in answers_only
    assert "La cartographie est le fichier officiel" in answers_only
    hostile = banner(Run(sources=[SourceRecord(CARTOGRAPHY, "x", "d", synthetic=True, note="<b>x</b>")])).data
    assert "&lt;b&gt;x&lt;/b&gt;" in hostile and "<b>x" not in hostile


def test_producers_are_read_by_one_accessor():
    assert producers_of(("INVS", "DREES")) == ["INVS", "DREES"]
    assert producers_of(()) == [] and producers_of(float("nan")) == [] and producers_of(None) == []
    assert producers_of(join_producers(["A", "B (C)"])) == ["A", "B (C)"]
    with pytest.raises(TypeError, match="liste attendue"):  # a "|"-joined string is never split by guess
        producers_of("INVS|DREES")
    frame = pd.DataFrame({"base_id": [1, 2, 3], "gestionnaires": [("A", "B"), (), ("B",)]})
    rows = one_row_per_producer(frame)
    assert rows[["base_id", "gestionnaire"]].values.tolist() == [[1, "A"], [1, "B"], [3, "B"]]
    # Nowhere else is the cell split by hand.
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "producers.py":
            assert 'gestionnaires"].str.split' not in text and 'names.split("|")' not in text, path


def _environ_reads(tree: ast.AST) -> list[int]:
    """Lines reading os.environ (get, subscript load, getenv)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "getenv":
            lines.append(node.lineno)
        if isinstance(node, ast.Attribute) and node.attr == "get" and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "environ":
            lines.append(node.lineno)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
            lines.append(node.lineno)
    return sorted(lines)


def test_environment_variables_are_read_in_one_place():
    offenders = {str(p.relative_to(PACKAGE)): _environ_reads(ast.parse(p.read_text(encoding="utf-8")))
                 for p in PACKAGE.rglob("*.py") if p != PACKAGE / "core" / "config.py"}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert _environ_reads(ast.parse("import os\nos.environ.get('X')\nos.getenv('Y')\nos.environ['Z']")) == [2, 3, 4]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defaults_equal_the_configuration(notebook):
    declared = notebook_parameters(notebook)
    assert declared["processed_dir"].default == config.PROCESSED_DIR
    if "n_themes" in declared:
        assert declared["n_themes"].default == data_file("consultation.yml")["textes"]["themes"]
    if "weighting" in declared:
        assert declared["weighting"].default in data_file("ponderations.yml")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_parameters_read_as_papermill_reads_them(notebook):
    """The kernel-side reader (json + ast, no papermill import) gives papermill's names, defaults and help."""
    import papermill

    expected = {name: (ast.literal_eval(info["default"]), info.get("help", ""))
                for name, info in papermill.inspect_notebook(str(notebook)).items()}
    assert {name: (p.default, p.help) for name, p in notebook_parameters(notebook).items()} == expected


def test_notebook_parameters_refuse_a_non_literal_default(tmp_path):
    notebook = tmp_path / "x.ipynb"
    cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "n = len('ab')  # aide\n",
            "outputs": [], "execution_count": None}
    notebook.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(ParameterError, match="x.ipynb.*« n » : valeur par défaut non littérale"):
        notebook_parameters(notebook)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_checks_its_parameters_first(notebook):
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert "parameters" in cells[0]["metadata"].get("tags", [])
    calls = [line for line in "".join(cells[1]["source"]).splitlines() if line and not line.startswith("from ")]
    assert calls[0] == f'check_parameters("{notebook.stem}", globals())'
    assert "html.banner(" in "".join(cells[1]["source"])
