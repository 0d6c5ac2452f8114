"""Bad input: the project's own exception, one message naming the file and the problem, and the
processed data of a previous good run left exactly as it was."""

from __future__ import annotations

import zipfile

import pytest
from conversions import to_csv, to_xlsx
from python_calamine import CalamineWorkbook

from helpers.cartography.reading import cell_text
from helpers.cartography.synthetic import generate_cartography_ods
from helpers.core.errors import CartoError, SpreadsheetError
from helpers.core.storage import sha256_file
from helpers.steps.s01_clean import clean_cartography

DATA_SHEET = "Cartographie France"


@pytest.fixture(scope="module")
def synthetic_sheets(tmp_path_factory):
    path = generate_cartography_ods(tmp_path_factory.mktemp("synth") / "carto.ods", n_lines=40)
    wb = CalamineWorkbook.from_path(str(path))
    return {n: [[cell_text(v) for v in row] for row in wb.get_sheet_by_name(n).to_python()]
            for n in wb.sheet_names}


@pytest.fixture(scope="module")
def good_processed(tmp_path_factory):
    """A processed directory from a good run, with the fingerprint of every file."""
    out = tmp_path_factory.mktemp("processed")
    source = generate_cartography_ods(tmp_path_factory.mktemp("src") / "good.ods", n_lines=40)
    clean_cartography(source, out)
    return out, {p.name: sha256_file(p) for p in out.iterdir()}


def _without_column(rows, index):
    return [row[:index] + row[index + 1:] for row in rows]


def _text(path, content):
    path.write_text(content, encoding="utf-8")
    return path


def _bytes(path, content):
    path.write_bytes(content)
    return path


def _zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "pas un tableur")
    return path


def _cases(sheets):
    data = sheets[DATA_SHEET]
    renamed = [list(r) for r in data]
    renamed[1][19] = "Licence"  # granular "Conditions de réutilisation"
    no_level = [list(r) for r in data]
    no_level[0][13] = "Autre statut"
    # Every sheet but the data sheet and the (hidden) format template that repeats its headers.
    others = {k: v for k, v in sheets.items() if k != DATA_SHEET and not k.startswith("XXX")}
    return {
        "texte nommé .ods": (lambda p: _text(p / "carto.ods", "bonjour"), "n'est pas un tableur lisible"),
        "octets au hasard en .xlsx": (lambda p: _bytes(p / "carto.xlsx", bytes(range(256)) * 20),
                                      "n'est pas un tableur lisible"),
        "zip qui n'est pas un tableur": (lambda p: _zip(p / "carto.ods"), "n'est pas un tableur lisible"),
        "image en .csv": (lambda p: _bytes(p / "carto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50),
                          "n'est pas un fichier texte CSV"),
        "CSV en UTF-16": (lambda p: _bytes(p / "carto.csv", "Typologie;Base\n".encode("utf-16")),
                          "n'est pas un fichier texte CSV"),
        "sans feuille de données": (lambda p: to_xlsx(others, p / "carto.xlsx"), "aucune feuille de données"),
        "colonne manquante": (lambda p: to_csv(_without_column(data, 16), p / "carto.csv"),
                              "colonne « cout » attendue"),
        "colonne renommée": (lambda p: to_csv(renamed, p / "carto.csv"), "colonne « reutilisation » attendue"),
        "niveau absent de la ligne 1": (lambda p: to_csv(no_level, p / "carto.csv"),
                                        "groupe de colonnes « granulaire » introuvable"),
        "en-têtes seuls": (lambda p: to_csv(data[:2], p / "carto.csv"), "aucune ligne de données"),
        "en-têtes et lignes vides": (lambda p: to_csv(data[:2] + [[""] * 22] * 5, p / "carto.csv"),
                                     "aucune ligne de données"),
        "feuille de données vide": (lambda p: to_xlsx({**others, DATA_SHEET: []}, p / "carto.xlsx"),
                                    "est vide"),
        "CSV vide": (lambda p: _text(p / "carto.csv", ""), "est vide"),
    }


CASES = list(_cases({DATA_SHEET: [[""] * 22] * 2}).keys())


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_and_loses_nothing(case, synthetic_sheets, good_processed, tmp_path):
    make, expected = _cases(synthetic_sheets)[case]
    path = make(tmp_path)
    out, fingerprint = good_processed
    with pytest.raises(CartoError) as error:
        clean_cartography(path, out)
    message = str(error.value)
    assert isinstance(error.value, SpreadsheetError)
    assert str(path) in message and expected in message
    assert len(message.splitlines()) == 1
    assert {p.name: sha256_file(p) for p in out.iterdir()} == fingerprint


def test_bad_cartography_through_the_report_command_leaves_reports_and_data(tmp_path):
    from conftest import copy_project, run_reports

    root = copy_project(tmp_path)
    only = ["--only", "01_clean_cartography", "02_openness"]
    assert run_reports(root, *only).returncode == 0
    before = {p: sha256_file(p) for p in [*(root / "reports").rglob("*.html"), *(root / "data").rglob("*")]
              if p.is_file() and p.name != "index.html"}
    bad = _text(tmp_path / "faux.ods", "ceci n'est pas un tableur")
    done = run_reports(root, *only, "--set", f"01_clean_cartography.cartography_path='{bad}'")
    assert done.returncode == 1
    # The file as the reports name it: relative to the project root, which holds it here (runner.parse_overrides).
    assert "SpreadsheetError : faux.ods : n'est pas un tableur lisible" in done.stderr
    assert "02_openness" in done.stderr and "dépend de 01_clean_cartography" in done.stderr
    after = {p: sha256_file(p) for p in before}
    assert after == before
    assert bad.read_text(encoding="utf-8") == "ceci n'est pas un tableur"


# --- Issue 17.7: a spreadsheet package that inflates beyond the bound is refused before it is read ---

def _padded(source, target, member, megabytes):
    """A copy of the package `source` whose `member` is followed by `megabytes` MB of spaces (XML allows them
    after the root element): small compressed, large inflated — written and compressed in blocks."""
    block = b" " * 1_000_000
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            if info.filename != member:
                out.writestr(info, package.read(info.filename),
                             zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
                continue
            padded = zipfile.ZipInfo(member, info.date_time)
            padded.compress_type = zipfile.ZIP_DEFLATED
            with out.open(padded, "w") as handle:
                handle.write(package.read(member))
                for _ in range(megabytes):
                    handle.write(block)
    return target


def _lying(path, member, declared):
    """The package with `member`'s uncompressed size written as `declared` in its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo(member)
    name = member.encode()
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = declared.to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:  # the central entry of `member`
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def no_reading(monkeypatch):
    """Fails the test if the spreadsheet reader opens the file: the refusal must come before any reading."""
    import helpers.cartography.reading as reading

    class Refused:
        @staticmethod
        def from_path(path):
            raise AssertionError(f"lu alors qu'il devait être refusé avant : {path}")

    monkeypatch.setattr(reading, "CalamineWorkbook", Refused)


@pytest.mark.parametrize("kind", ["ods", "xlsx"])
def test_a_zip_bomb_is_refused_before_it_is_read(kind, synthetic_sheets, good_processed, tmp_path, no_reading):
    if kind == "ods":
        source, member = generate_cartography_ods(tmp_path / "source.ods", n_lines=40), "content.xml"
    else:
        source, member = to_xlsx(synthetic_sheets, tmp_path / "source.xlsx"), "xl/worksheets/sheet1.xml"
    bomb = _padded(source, tmp_path / f"bombe.{kind}", member, 101)  # default bound: 100 MB
    assert bomb.stat().st_size < 1_000_000
    out, fingerprint = good_processed
    with pytest.raises(SpreadsheetError) as error:
        clean_cartography(bomb, out)
    message = str(error.value)
    assert message.startswith(f"{bomb} : taille décompressée déclarée de plus de 101")
    assert "limite de 100 Mo" in message and "CARTO_SANTE_MAX_INFLATED_MB" in message
    assert len(message.splitlines()) == 1
    assert {p.name: sha256_file(p) for p in out.iterdir()} == fingerprint


def test_a_package_declaring_false_sizes_is_inflated_to_be_measured(real_ods, tmp_path, monkeypatch, no_reading):
    monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "5")
    bomb = _lying(_padded(real_ods, tmp_path / "menteur.ods", "content.xml", 20), "content.xml", 1000)
    with zipfile.ZipFile(bomb) as package:
        assert sum(i.file_size for i in package.infolist()) < 100_000  # what it declares
    with pytest.raises(SpreadsheetError, match=r"taille décompressée atteinte de plus de 5 Mo.*limite de 5 Mo"):
        clean_cartography(bomb, tmp_path / "processed")


def test_the_bound_is_a_setting(real_ods, tmp_path, monkeypatch):
    from helpers.cartography.reading import read_cartography

    padded = _padded(real_ods, tmp_path / "long.ods", "content.xml", 20)
    monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "5")
    with pytest.raises(SpreadsheetError, match="limite de 5 Mo"):
        read_cartography(padded)
    monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "30")
    assert len(read_cartography(padded).rows) == 313  # raised: the same file is read
    monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "beaucoup")
    with pytest.raises(ValueError, match="CARTO_SANTE_MAX_INFLATED_MB"):
        read_cartography(padded)


def test_the_default_bound_leaves_room_above_the_largest_real_input(real_ods):
    from helpers.core.archives import check_inflated_size
    from helpers.core.config import max_inflated_bytes

    size = check_inflated_size(real_ods, SpreadsheetError)
    assert size == 1_035_390  # the official ODS, inflated
    assert max_inflated_bytes() == 100_000_000 >= 90 * size


@pytest.mark.parametrize("megabytes", [101, 20])
def test_a_consultation_export_bomb_is_refused_before_it_is_read(megabytes, tmp_path, monkeypatch):
    from consultation_helpers import HEADER, write_spec, write_xlsx

    from helpers.consultation.answers import read_answers
    from helpers.consultation.questionnaire import load_questionnaire
    from helpers.core.errors import AnswersError

    if megabytes == 20:  # the bound is a setting: lowered here, the same refusal for a smaller bomb
        monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "10")
    rows = [HEADER, ["1", "Chercheur", "2014-04-02", "PMSI", "Recherche", "", ""]]
    source = write_xlsx(tmp_path / "reponses.xlsx", rows)
    bomb = _padded(source, tmp_path / "bombe.xlsx", "xl/worksheets/sheet1.xml", megabytes)
    with pytest.raises(AnswersError) as error:
        read_answers(bomb, load_questionnaire(write_spec(tmp_path / "q.yml")))
    assert str(error.value).startswith(f"{bomb} : taille décompressée déclarée de plus de {megabytes}")
    assert len(str(error.value).splitlines()) == 1
    if megabytes == 20:  # raised above its size, the same file is read (the small one only: reading costs memory)
        monkeypatch.setenv("CARTO_SANTE_MAX_INFLATED_MB", "30")
        assert len(read_answers(bomb, load_questionnaire(write_spec(tmp_path / "q.yml"))).frame) == 1
