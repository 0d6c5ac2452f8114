"""Every published file is safe to open and to forward (issues 23 and 25), checked as an attacker would: one real
build (`python -m helpers reports`) of a copy of the official file with hostile cells, and of a consultation export
full of personal details in every spelling; then every file under ``reports/`` and ``data/processed/`` is read —
found by walking the folders, not from a list, so that an output added tomorrow is checked the day it appears.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REAL_NAME, copy_project, run_reports
from openpyxl import load_workbook
from pypdf import PdfReader

from helpers.core.config import SECRET_FILE
from helpers.core.tables import FORMULA_START, load_table

FORMULA = "=2+5*cmd|'calc'!A0 "
# (No « / » nor « - » between spaces in them: the cleaning splits co-managed producers there.)
PREFIXES = [FORMULA, "+cmd|'calc'!A0 ", "-2+3+cmd|'calc'!A0 ", "@SUM(1+1)*cmd|'calc'!A0 "]
PLANTED_ROWS = 8  # data rows of the official sheet whose every text cell gets a hostile prefix
# Producers renamed everywhere in the data sheet: a formula start and the old list separator in one name.
RENAMED = {"DREES": "@DREES | Études, statistiques", "HAS": "=HAS+1"}

# Phone spellings (issue 25, case 2), each with its own subscriber digits so that a leak names its spelling.
PHONE_FORMS = {
    "espaces": "06 {a} {b} {c} {d}", "sans séparateur": "06{a}{b}{c}{d}", "points": "06.{a}.{b}.{c}.{d}",
    "tirets": "06-{a}-{b}-{c}-{d}", "barres": "06/{a}/{b}/{c}/{d}", "+33": "+33 6 {a} {b} {c} {d}",
    "+33 (0)": "+33 (0)6 {a} {b} {c} {d}", "0033": "0033 6 {a} {b} {c} {d}", "+33 collé": "+336{a}{b}{c}{d}",
    "collé à un mot": "tel06{a}{b}{c}{d}", "espace fine insécable": "06\u202f{a}\u202f{b}\u202f{c}\u202f{d}",
    "espace ultrafine": "06\u200a{a}\u200a{b}\u200a{c}\u200a{d}",
    "espace demi-cadratin": "06\u2002{a}\u2002{b}\u2002{c}\u2002{d}",
    "insécable": "06\u00a0{a}\u00a0{b}\u00a0{c}\u00a0{d}",
    "trait d'union insécable": "06\u2011{a}\u2011{b}\u2011{c}\u2011{d}",
    "pleine chasse": "０６{fa}{fb}{fc}{fd}",
}
EMAIL_FORMS = {
    "simple": "zoe.quintardo@exemple.fr", "arobase pleine chasse": "leon.wolfharte＠exemple.fr",
    "pourcent": "brisevent%service@exemple.fr", "apostrophe": "o'malaterre@exemple.fr",
    "pleine chasse": "ＯＲＳＩＮＶＡＬ＠ＥＸＥＭＰＬＥ．ＦＲ", "issue": "xavier.yvrandel@zorgane.fr",
}
EMAIL_WORDS = {"simple": ["quintardo"], "arobase pleine chasse": ["wolfharte"], "pourcent": ["brisevent"],
               "apostrophe": ["malaterre"], "pleine chasse": ["orsinval"], "issue": ["yvrandel", "zorgane"]}
ID_EMAILS = ["marie.pechvardi@exemple.org", "paul.tulliande@exemple.org"]


def _phones() -> dict[str, tuple[str, str]]:
    """Spelling → (planted text, its eight subscriber digits)."""
    out = {}
    for i, (name, form) in enumerate(PHONE_FORMS.items()):
        pairs = [f"{(17 + 7 * i) % 90 + 10:02d}", f"4{i % 10}", f"9{(3 * i) % 10}", f"{(51 + i) % 90 + 10:02d}"]
        full = {f"f{k}": unicodedata.normalize("NFKC", p).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                for k, p in zip("abcd", pairs, strict=True)}
        out[name] = (form.format(**dict(zip("abcd", pairs, strict=True)), **full), "".join(pairs))
    return out


PHONES = _phones()


def _hostile_copy(official: Path, target: Path) -> Path:
    """A copy of the official ODS whose first data rows have a formula start before every text cell, and two
    producers renamed (a modified copy: nothing of the official file is committed)."""
    with zipfile.ZipFile(official) as source:
        members = {info: source.read(info.filename) for info in source.infolist()}
    content_info = next(i for i in members if i.filename == "content.xml")
    content = members[content_info].decode("utf-8")
    start = content.index('table:name="Cartographie France"')
    end = content.index("</table:table>", start)
    sheet = content[start:end]
    for old, new in RENAMED.items():
        sheet = sheet.replace(f"<text:p>{old}</text:p>", f"<text:p>{new.replace('&', '&amp;')}</text:p>")
    rows = [m.start() for m in re.finditer("<table:table-row", sheet)]
    planted = sheet[rows[2]:rows[2 + PLANTED_ROWS]]
    count = iter(range(10_000))
    planted = re.sub(r"<table:table-cell([^>]*)><text:p>",
                     lambda m: f"<table:table-cell{m[1]}><text:p>{PREFIXES[next(count) % len(PREFIXES)]}", planted)
    sheet = sheet[:rows[2]] + planted + sheet[rows[2 + PLANTED_ROWS]:]
    members[content_info] = (content[:start] + sheet + content[end:]).encode("utf-8")
    with zipfile.ZipFile(target, "w") as out:
        for info, data in members.items():
            out.writestr(info, data)
    return target


def _export(directory: Path) -> tuple[Path, Path]:
    """A Google Forms export (ids are e-mail addresses and phones) whose answers hold every planted detail, and
    its spec."""
    header = ["Horodateur", "Adresse e-mail", "Vous êtes", "Quelles données souhaitez-vous voir ouvrir ?",
              "Précisez"]
    rows = [header]
    details = [text for text, _ in PHONES.values()] + list(EMAIL_FORMS.values())
    ids = ID_EMAILS + [PHONES["espaces"][0]]
    for i, detail in enumerate(details):
        rows.append([f"0{1 + i % 9}/04/2014 10:{i:02d}:00", ids[i % len(ids)] if i < len(ids) else f"r{i}@x.fr",
                     ["Citoyen", "Chercheur", "=cmd|' /C calc'!A0"][i % 3],
                     f"PMSI | SNIIRAM | Contact {detail}" if i % 2 else f"Données pharmacie, écrire à {detail} ou "
                     f"{PHONES['sans séparateur'][0]}",
                     f"=HYPERLINK(\"http://x\",\"clic\") Pour en parler : {detail}, merci. Les données de santé "
                     "ouvertes aideraient la recherche sur les hôpitaux et les médicaments."])
    export = directory / "reponses.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    spec = directory / "questionnaire.yml"
    spec.write_text(
        "platform: google_forms\n"
        "columns: {id: \"Adresse e-mail\", respondent_type: \"Vous êtes\", date: \"Horodateur\"}\n"
        "questions:\n"
        "  - {id: demandes, column: \"Quelles données souhaitez-vous voir ouvrir ?\", kind: datasets,\n"
        "     separator: \"|\"}\n"
        "  - {id: precisions, column: \"Précisez\", kind: free_text}\n", encoding="utf-8")
    return export, spec


@pytest.fixture(scope="module")
def built(real_ods, tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    (root / "data" / "raw").mkdir(parents=True)
    _hostile_copy(real_ods, root / "data" / "raw" / REAL_NAME)
    inputs = tmp_path_factory.mktemp("export")
    export, spec = _export(inputs)
    done = run_reports(root, "--jobs", "2", "--set", f"04_consultation.answers_path='{export}'",
                       "--set", f"04_consultation.questionnaire_path='{spec}'")
    assert done.returncode == 0, done.stdout + done.stderr
    return root, export


def _published_files(root: Path) -> list[Path]:
    """Every file the build leaves to be read, zipped or forwarded: under reports/ and data/processed/."""
    files = [p for folder in ("reports", "data/processed") for p in sorted((root / folder).rglob("*")) if p.is_file()]
    assert files
    return files


def _text(path: Path) -> str:
    """Everything a reader of `path` can see, as text. An unknown kind of file fails: give it a reader here."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".json", ".html", ".ipynb", ".txt", ".yml", ".yaml", ".md", ".css", ".svg"} or \
            path.name.startswith("."):
        return path.read_text(encoding="utf-8")
    if suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
                         if v is not None)
    if suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv(index=False)
    if suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if suffix == ".png":
        return ""  # pixels: charts, whose numbers and labels are also in the page's tables (checked there)
    raise AssertionError(f"{path}: type de fichier publié sans lecteur dans ce test")


def _normalised(text: str) -> str:
    """NFKC, case-folded, accents and invisible characters out, and the separators between digits removed (so a
    phone matches whatever spaces, dots, dashes, slashes or brackets were put between its digits)."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) not in {"Cf", "Cc"}
                   or c in "\n\t")
    return re.sub(r"(?<=\d)[\s.\-/()+\u2010-\u2015\u2212]+(?=\d)", "", text)


@pytest.fixture(scope="module")
def published(built):
    root, _ = built
    return {path.relative_to(root).as_posix(): _normalised(_text(path)) for path in _published_files(root)}


def test_the_planted_words_are_not_in_the_official_file(real_ods):
    with zipfile.ZipFile(real_ods) as source:
        official = _normalised(source.read("content.xml").decode("utf-8"))
    words = [w for ws in EMAIL_WORDS.values() for w in ws] + ["pechvardi", "tulliande"]
    assert [w for w in words if w in official] == []
    assert [s for s, (_, digits) in PHONES.items() if digits in official] == []


def test_the_walk_sees_every_kind_of_output(published):
    kinds = {Path(name).suffix for name in published}
    assert {".csv", ".xlsx", ".parquet", ".html", ".ipynb", ".pdf", ".json"} <= kinds, kinds
    assert any(name.startswith("reports/donnees/") for name in published)


@pytest.mark.parametrize("spelling", list(PHONES))
def test_no_planted_phone_in_any_published_file(published, spelling):
    digits = PHONES[spelling][1]
    assert [name for name, text in published.items() if digits in text] == [], spelling


@pytest.mark.parametrize("spelling", list(EMAIL_FORMS))
def test_no_planted_email_in_any_published_file(published, spelling):
    for word in EMAIL_WORDS[spelling]:
        assert [name for name, text in published.items() if word in text] == [], (spelling, word)


def test_no_personal_id_in_any_published_file(published):
    for word in ("pechvardi", "tulliande"):
        assert [name for name, text in published.items() if word in text] == [], word


def test_the_matching_keys_hold_no_detail_and_the_texts_are_masked(built):
    root, _ = built
    keys = load_table(root / "data" / "processed", "consultation_rapprochements")["cle"].tolist()
    # « Données pharmacie, écrire à … ou … » is cut at « , »; what is left of the contact details names nothing.
    assert "pharmacie" in keys and not {"contact", "ecrire ou", "ecrire"} & set(keys)
    assert not any(c.isdigit() for key in keys for c in key)
    answers = (root / "data" / "processed" / "consultation_reponses.csv").read_text(encoding="utf-8")
    assert "[téléphone masqué]" in answers and "[courriel masqué]" in answers


def test_pseudonyms_cannot_be_recomputed_from_what_is_published(built, published):
    root, export = built
    secret = (root / SECRET_FILE).read_text(encoding="ascii").strip()
    assert len(secret) == 64
    assert [name for name, text in published.items() if secret in text] == []
    ids = load_table(root / "data" / "processed", "consultation_reponses")["id"].tolist()
    expected = "P-" + hmac.new(secret.encode(), ID_EMAILS[0].encode(), hashlib.sha256).hexdigest()[:12]
    assert expected in ids  # the secret is what makes them…
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    assert any(digest in text for text in published.values())  # …the export's hash is published (provenance)…
    old = "P-" + hashlib.sha256(f"{digest}\x1f{ID_EMAILS[0]}".encode()).hexdigest()[:12]
    assert old not in ids  # …and no longer recomputes them


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_every_published_csv_and_xlsx_cell_is_inert(built):
    root, _ = built
    files = _published_files(root)
    csvs = [p for p in files if p.suffix == ".csv"]
    assert {"bases.csv", "ouverture.csv", "ouverture_par_gestionnaire.csv", "consultation_reponses.csv"} <= {
        p.name for p in csvs}
    for path in csvs:
        risky = [cell for row in _csv_rows(path) for cell in row if cell.startswith(FORMULA_START)]
        assert risky == [], (path, risky[:3])
    for path in [p for p in files if p.suffix == ".xlsx"]:
        for sheet in load_workbook(path):
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, cell.coordinate)
                    if cell.data_type == "s":
                        assert not str(cell.value).startswith(FORMULA_START), (path, sheet.title, cell.value)
    # The planted values did reach the tables (neutralised), in every text column of the cartography…
    bases = _csv_rows(root / "reports" / "donnees" / "bases.csv") if (root / "reports" / "donnees" / "bases.csv") \
        .is_file() else _csv_rows(root / "data" / "processed" / "bases.csv")
    header, first = bases[0], bases[1]
    planted = {c for c, v in zip(header, first, strict=True) if v.startswith(("'=", "'+", "'-", "'@"))}
    assert {"base", "typologie_1", "typologie_2", "gestionnaire", "gestionnaire_source",
            "origine"} <= planted, planted
    # …and the project reads its own tables back exactly.
    processed = root / "data" / "processed"
    names = set(load_table(processed, "ouverture_par_gestionnaire")["gestionnaire"])
    assert {RENAMED["DREES"], RENAMED["HAS"]} <= names


def test_a_separator_inside_a_producer_name_makes_one_fiche(built):
    root, _ = built
    fiches = [p.name for p in (root / "reports" / "producteurs").glob("*.html")]
    pages = {p.read_text(encoding="utf-8") for p in (root / "reports" / "producteurs").glob("*.html")}
    assert any("@DREES | Études, statistiques" in page for page in pages)
    assert not any(name.startswith(("etudes", "drees.")) for name in fiches), fiches
    bases = load_table(root / "data" / "processed", "bases")
    assert (RENAMED["DREES"],) in set(bases["gestionnaires"])
    assert not any(name == "Études, statistiques" for names in bases["gestionnaires"] for name in names)


def test_the_data_package_says_how_cells_and_lists_are_written(built):
    root, _ = built
    package = json.loads((root / "reports" / "donnees" / "datapackage.json").read_text(encoding="utf-8"))
    assert "apostrophe" in package["description"] and "JSON" in package["description"]
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "bases" for f in r["schema"]["fields"]}
    assert fields["gestionnaires"]["type"] == "array"
