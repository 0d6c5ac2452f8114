"""Processed data contract of notebook 01: files, columns, determinism, Frictionless validity."""

from __future__ import annotations

import csv
import json

import pytest
from frictionless import Package, validate
from openpyxl import load_workbook

from helpers.core.storage import sha256_file
from helpers.core.tables import load_table
from helpers.steps.s01_clean import clean_cartography

FILES = ["anomalies.csv", "bases.csv", "cartographie_nettoyee.xlsx", "datapackage.json", "evaluations.csv",
         "provenance.json"]


@pytest.fixture(scope="module")
def processed(real_ods, tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    run = clean_cartography(real_ods, out)
    return out, run


def _csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_files_and_columns(processed):
    out, run = processed
    assert sorted(p.name for p in out.iterdir()) == FILES
    bases = _csv(out / "bases.csv")
    assert list(bases[0])[:10] == ["ligne_source", "base_id", "base", "typologie_1", "typologie_2", "gestionnaire",
                                   "gestionnaire_source", "gestionnaires", "gestionnaire_nom_complet", "co_gestion"]
    assert {"origine", "couverture"} <= set(bases[0])
    assert (bases[0]["ligne_source"], len(bases)) == ("3", 313)
    evaluations = _csv(out / "evaluations.csv")
    assert len(evaluations) == 626
    assert {"evalue", "acces", "cout", "format", "reutilisation", "donnees", "commentaire_acces",
            "commentaire_format", "portail"} <= set(evaluations[0])
    anomalies = _csv(out / "anomalies.csv")
    assert list(anomalies[0])[:3] == ["ligne_source", "cellule", "colonne"]
    assert {"valeur_source", "valeur_retenue", "regle"} <= set(anomalies[0])
    assert len(anomalies) == len(run.cleaned.anomalies)
    # A multi-paragraph cell survives the CSV round trip with its line breaks.
    pmsi = next(e for e in evaluations if e["ligne_source"] == "3" and e["niveau"] == "granulaire")
    assert pmsi["donnees"].startswith("Le PMSI contient 4 types de données :\n1) Données")


def test_provenance(processed):
    out, _ = processed
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["officiel"] is True and provenance["synthetique"] is False
    assert provenance["sha256"] == "c1ba2741a0cf8a7aeb5dc9185c54a7147961b60607853006ac9b9e700aa59632"


def test_xlsx_holds_the_same_tables(processed):
    out, run = processed
    workbook = load_workbook(out / "cartographie_nettoyee.xlsx")
    assert workbook.sheetnames == ["bases", "evaluations", "anomalies"]
    sheet = workbook["bases"]
    assert sheet.max_row == 314
    first = run.cleaned.bases.iloc[0]
    assert [c.value for c in sheet[2]][:3] == [3, first["base_id"], first["base"]]


def test_datapackage_is_valid(processed):
    out, _ = processed
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(out / "datapackage.json")
    assert [r.name for r in package.resources] == ["bases", "evaluations", "anomalies"]
    for resource in package.resources:
        assert all(field.description for field in resource.schema.fields)


def test_rerun_is_byte_identical(processed, real_ods, tmp_path):
    out, _ = processed
    clean_cartography(real_ods, tmp_path)
    for name in FILES:
        assert sha256_file(tmp_path / name) == sha256_file(out / name), name


def test_the_source_is_never_modified(real_ods, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    copy = raw / real_ods.name
    copy.write_bytes(real_ods.read_bytes())
    before = (sha256_file(copy), copy.stat().st_mtime_ns)
    run = clean_cartography(None, tmp_path / "processed", raw_dir=raw)
    assert run.source.origin == "copie dans data/raw/" and run.source.official
    assert (sha256_file(copy), copy.stat().st_mtime_ns) == before
    assert sorted(p.name for p in raw.iterdir()) == [real_ods.name]


# sha256 of notebook 01's tables on the official file, as written before the package moved to its layout by
# concern (issue 9) and before producers became a list column: the moves changed no byte. A deliberate
# change to the cleaning updates these values in the same commit, with its reason. Issues 17.6 and 22.2:
# base_id derived from name and producers (bases, evaluations), one typology outside the « Typologie » sheet
# flagged (anomalies). Issue 23: text cells starting with =, +, -, @, tab or CR get a leading « ' » in every CSV
# (the official file's « - Des indicateurs… » lists, a lone « - »), and ``gestionnaires`` is a JSON array.
REFERENCE = {
    "bases.csv": "c5601048ce48a8f1856d2ed1ce06e70cafa4db1f8aac1ef3b7ae133319303694",
    "evaluations.csv": "a80ba432f3921f424639756f4c9768c85bcaebe05c37c5709e9169f181a3e039",
    "anomalies.csv": "e2958b7d3e308debb514b84f1fb6e5d2ea1b62e65bedc6381541e9ca4ef63640",
}


def test_processed_tables_are_byte_identical_to_the_reference(processed):
    out, _ = processed
    assert {name: sha256_file(out / name) for name in REFERENCE} == REFERENCE


def test_producers_are_a_list_in_memory_and_joined_only_in_files(processed):
    out, run = processed
    bases = load_table(out, "bases")
    co_managed = bases[bases["co_gestion"]].iloc[0]
    assert isinstance(co_managed["gestionnaires"], tuple) and len(co_managed["gestionnaires"]) >= 2
    assert isinstance(run.cleaned.bases["gestionnaires"].iloc[0], tuple)
    raw = (out / "bases.csv").read_text(encoding="utf-8")
    assert json.dumps(list(co_managed["gestionnaires"]), ensure_ascii=False).replace('"', '""') in raw
