"""Consultation at scale (issue 12), not timed: the columnar CSV reader in small blocks gives the same cells,
flow and tallies as pandas' whole-file reader, and the theme model fitted on a seeded sample still assigns
every text it can."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest
import yaml
from consultation_helpers import processed_cartography

from helpers.consultation import answers as answers_module
from helpers.consultation.answers import read_answers
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.synthetic import write_synthetic_consultation
from helpers.consultation.themes import analyse_texts
from helpers.core.config import data_file
from helpers.core.sniff import header_fields
from helpers.core.tables import load_table
from helpers.steps.s04_consultation import _documents, analyse_consultation
from helpers.views.v04_consultation import at_most, flow

# Bytes: the 3,000-answer export is read in about 20 blocks. A row must fit in one block (pyarrow), and the
# synthetic export holds one long hostile text of some 20,000 characters.
TINY_BLOCK = 65536


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    return processed_cartography(tmp_path_factory.mktemp("scale") / "processed")


@pytest.fixture(scope="module")
def export(processed, tmp_path_factory):
    bases = load_table(processed, "bases")
    return write_synthetic_consultation(tmp_path_factory.mktemp("scale-export"), bases, n=3000,
                                        free_text_share=1.0)[:2]


def _semicolon_cp1252(source, target):
    """The same export as Excel for Windows writes it: cp1252, « ; », quoted line breaks, CRLF."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    rows[5][5] = "Deux lignes ;\r\nla seconde « citée »"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    target.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    return target


@pytest.mark.parametrize("variant", ["utf-8 ,", "cp1252 ;"])
def test_block_reader_reads_the_same_cells_as_the_whole_file_reader(export, tmp_path, variant):
    path, spec_path = export
    if variant == "cp1252 ;":
        path = _semicolon_cp1252(path, tmp_path / "export.csv")
        content = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        content["format"] = {"encoding": "cp1252", "separator": ";"}
        spec_path = tmp_path / "q.yml"
        spec_path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    spec = load_questionnaire(spec_path)
    data = path.read_bytes()
    assert len(data) > 10 * TINY_BLOCK
    blocks = read_answers(path, spec, block_size=TINY_BLOCK)
    whole = read_answers(path, spec, block_size=0)
    pd.testing.assert_frame_equal(blocks.frame, whole.frame)
    pd.testing.assert_frame_equal(blocks.off_list, whole.off_list)
    assert (blocks.encoding, blocks.separator, blocks.undated) == (whole.encoding, whole.separator, whole.undated)
    assert len(blocks.frame) == 3000
    # The columnar reader really read it (no silent fallback to the whole-file reader).
    text = data.decode(blocks.encoding).encode("utf-8")
    width = len(header_fields(text.decode("utf-8"), blocks.separator))
    assert answers_module._read_arrow(text, blocks.separator, width, TINY_BLOCK) is not None


def test_ragged_rows_fall_back_to_the_whole_file_reader(tmp_path, export):
    _, spec_path = export
    spec = load_questionnaire(spec_path)
    header = ",".join(spec.columns())
    path = tmp_path / "short.csv"
    path.write_text(header + "\nR1,Citoyen ou patient,04/04/2014 10:00:00,RPPS\n", encoding="utf-8")
    assert answers_module._read_arrow(path.read_bytes(), ",", len(spec.columns()), TINY_BLOCK) is None
    frame = read_answers(path, spec).frame  # short row: filled with empty cells, as pandas reads it
    assert frame.loc[0, "demandes"] == "RPPS" and frame.loc[0, "precisions"] == ""


def test_flow_and_tallies_are_the_same_in_blocks_and_whole(export, processed, tmp_path, monkeypatch):
    path, spec_path = export
    runs = []
    for block in (TINY_BLOCK, 0):  # 0: pandas' whole-file reader
        monkeypatch.setitem(data_file("consultation.yml")["lecture"], "bloc_octets", block)
        work = shutil.copytree(processed, tmp_path / f"p{block}")
        runs.append(analyse_consultation(path, spec_path, work))
    blocks, whole = runs
    pd.testing.assert_frame_equal(flow(blocks), flow(whole))
    for table in ("profiles", "choices", "requests", "producers", "matching", "campaigns"):
        pd.testing.assert_frame_equal(getattr(blocks, table), getattr(whole, table), obj=table)
    assert flow(whole).iloc[0, 1] == 3000
    for name in ("consultation_reponses", "consultation_demandes", "consultation_choix", "consultation_themes"):
        assert (tmp_path / f"p{TINY_BLOCK}" / f"{name}.csv").read_bytes() == \
            (tmp_path / "p0" / f"{name}.csv").read_bytes()


def test_theme_model_fitted_on_a_sample_assigns_every_text(export, processed, monkeypatch):
    path, spec_path = export
    spec = load_questionnaire(spec_path)
    frame = read_answers(path, spec).frame.assign(campagne="")
    frame.attrs["taille_campagne"] = 10
    run_docs, _ = _documents(frame, spec)
    monkeypatch.setitem(data_file("consultation.yml")["textes"], "echantillon_max", 500)
    first, second = analyse_texts(run_docs, 6), analyse_texts(run_docs, 6)
    assert len(run_docs) > 500
    themed = first.documents["theme"] != ""  # a text with no term of the model's vocabulary has no theme
    assert themed.mean() > 0.9 and first.themes["n_textes"].sum() == themed.sum()
    # Six candidates; ThemeFinder's rules may merge or drop some, never add.
    assert 2 <= len(first.themes) <= 6 and (first.themes["n_textes"] >= 5).all()
    assert first.themes["part_textes"].sum() == pytest.approx(themed.mean(), abs=0.01)
    pd.testing.assert_frame_equal(first.themes, second.themes)  # seeded sample: same themes each time
    # The same text gets the same theme wherever it appears.
    assert first.documents.groupby("lemmes")["theme"].nunique().max() == 1


def test_report_lists_that_grow_with_the_consultation_are_cut_with_a_word():
    limit = data_file("consultation.yml")["rapport"]["lignes_max"]
    table = pd.DataFrame({"Mention": [f"m{i}" for i in range(limit + 1234)], "Répondants": range(limit + 1234, 0, -1)})
    shown = at_most(table)
    assert len(shown) == limit + 1 and shown["Mention"].iloc[limit - 1] == f"m{limit - 1}"
    assert shown["Mention"].iloc[-1].startswith("… et 1\u202f234 autres lignes")
    assert "consultation_non_rapprochees.csv" in shown["Mention"].iloc[-1]
    assert at_most(table.head(limit)).equals(table.head(limit))  # short lists are shown whole
