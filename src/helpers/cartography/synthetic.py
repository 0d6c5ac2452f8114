"""Synthetic cartography: an invented ODS with the sheets, layout and hazards of the 2014 file.

Used offline, when the official spreadsheet is absent, so that every notebook runs. Only the
vocabularies are shared with the real file (sheet names, headers, typology level 1, modalities);
base names, producers and comments are fictional (src/helpers/data/synthetique.yml). The ODS is
written with the standard library only and deterministically: same seed, byte-identical file.
"""

from __future__ import annotations

import itertools
import random
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from helpers.core.config import data_file
from helpers.core.storage import atomic_path
from helpers.core.text import comparison_key

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ZIP_DATE = (2014, 5, 6, 0, 0, 0)
SHEET_ROWS = 1_048_576  # the data sheet is padded to a full sheet with one repeated empty row
N_COLUMNS = 22
LEVELS = {"agrege": 5, "granulaire": 13}  # first column of each level's block
LEVEL_KEYS = ("donnees", "acces", "commentaire_acces", "cout", "format", "commentaire_format",
              "reutilisation", "portail")
OPEN_ACCESS = ("accès à tous", "accès restreint")
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"'
)
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_TABLE_STYLES = "".join(
    f'<style:style style:name="{name}" style:family="table" style:master-page-name="Default">'
    f'<style:table-properties table:display="{shown}" style:writing-mode="lr-tb"/></style:style>'
    for name, shown in (("ta1", "true"), ("ta2", "false"))
)
STYLES_XML = (
    f"{_XML}<office:document-styles {_NS}><office:styles>"
    '<style:default-style style:family="table-cell"/>'
    '<style:style style:name="Default" style:family="table-cell"/>'
    '</office:styles><office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>'
    '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1"/>'
    "</office:master-styles></office:document-styles>"
)
META_XML = (
    f"{_XML}<office:document-meta {_NS}><office:meta><meta:generator>carto-santé (helpers.cartography.synthetic)"
    "</meta:generator><dc:title>Cartographie SYNTHÉTIQUE (données fictives)</dc:title>"
    "<meta:creation-date>2014-05-06T00:00:00</meta:creation-date></office:meta></office:document-meta>"
)
MANIFEST_XML = (
    f'{_XML}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>'
    + "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
              for name in ("content.xml", "styles.xml", "meta.xml"))
    + "</manifest:manifest>"
)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _quotas(weights: list[float], total: int) -> list[int]:
    """Lines per producer, proportional to the weights (largest remainder), summing to `total`."""
    shares = [w * total / sum(weights) for w in weights]
    quotas = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (quotas[i] - shares[i], i))
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def _level(rng: random.Random, words: dict, level: str) -> list[str]:
    """The 8 cells of one level: access first, the other criteria drawn given the access."""
    profile, texts = words["profils"][level], words["niveaux"]
    cells = dict.fromkeys(LEVEL_KEYS, "")
    if rng.random() < profile["non_evalue"]:  # described at most, not assessed
        if rng.random() < 0.5:
            cells["donnees"] = rng.choice(texts[level]["donnees"])
        return list(cells.values())
    access = cells["acces"] = _pick(rng, profile["acces"])
    for key, weights in words["selon_acces"][access].items():
        cells[key] = _pick(rng, weights)
    cells["donnees"] = "\n".join(rng.sample(texts[level]["donnees"], rng.choice((1, 1, 2, 3))))
    if access == "Accès fermé":
        cells["commentaire_acces"] = texts["commentaire_ferme"]
    else:
        if rng.random() < 0.3:
            cells["commentaire_acces"] = rng.choice(texts["commentaires_acces"])
        if cells["format"] and rng.random() < 0.3:
            cells["commentaire_format"] = rng.choice(texts["commentaires_format"])
        if rng.random() < (0.6 if access == "Accès à tous" else 0.2):
            cells["portail"] = rng.choice(texts[level]["portails"])
    variants = words["variantes"]
    for key in ("acces", "cout", "format", "reutilisation"):
        options = variants["valeurs"].get(cells[key])
        if options and rng.random() < variants["taux"]:
            cells[key] = rng.choice(options)
    return list(cells.values())


def _base_names(rng: random.Random, words: dict):
    """Invented base names, all distinct: every prefix/subject pair once, then numbered parts."""
    pool = [f"{prefix} {subject}" for prefix in words["bases"]["prefixes"]
            for subject in words["bases"]["sujets"]]
    rng.shuffle(pool)
    for part in itertools.count(1):
        yield from (name if part == 1 else f"{name} (volet {part})" for name in pool)


def _lines(rng: random.Random, words: dict, n_lines: int) -> list[list[str]]:
    """The data rows: bases drawn producer by producer, some listed under several typologies."""
    pairs = [(t1, t2) for t1, subs in words["typologies"].items() for t2 in subs]
    level_1 = list(words["typologies"])
    producers = words["producteurs"]
    names = _base_names(rng, words)
    lines: list[list[str]] = []
    for producer, quota in zip(producers, _quotas([p["poids"] for p in producers], n_lines), strict=True):
        preferred = [p for p in pairs if level_1.index(p[0]) in producer["domaines"]]
        spellings = producer.get("graphies", [])
        done = k = 0
        while done < quota:
            # Every other base of a producer with variants is written another way, each variant twice.
            spelling = producer.get("sigle", producer["nom"])
            if spellings and k % 2 and k // 2 < 2 * len(spellings):
                spelling = spellings[(k // 2) % len(spellings)]
            n = min(quota - done, 2 if not lines else int(_pick(rng, {"1": 85, "2": 12, "3": 3})))
            chosen = [rng.choice(preferred if rng.random() < 0.85 else pairs)]
            while len(chosen) < n:
                pair = rng.choice(pairs)
                if pair not in chosen:
                    chosen.append(pair)
            common = [next(names), spelling, rng.choice(words["bases"]["origines"])]
            levels = _level(rng, words, "agrege") + _level(rng, words, "granulaire")
            coverage = rng.choice(words["bases"]["couvertures"])
            lines.extend([t1, t2, *common, *levels, coverage] for t1, t2 in chosen)
            done, k = done + n, k + 1
    order = {pair: i for i, pair in enumerate(pairs)}
    lines.sort(key=lambda row: order[(row[0], row[1])])  # stable: the file is sorted by typology
    used: set[int] = set()
    for hazard in words["aleas"]:  # forced once each, on an assessed, not closed, level
        start = LEVELS[hazard["niveau"]]
        column = start + LEVEL_KEYS.index(hazard["critere"])
        eligible = [i for i, row in enumerate(lines) if i not in used and row[column].strip()
                    and comparison_key(row[start + 1]) in OPEN_ACCESS]
        if eligible:
            used.add(chosen_line := rng.choice(eligible))
            lines[chosen_line][column] = hazard["valeur"]
    return lines


def _sheets(rng: random.Random, n_lines: int) -> list[tuple[str, list[list[str]], bool, int]]:
    """(name, rows, hidden, repeated empty rows) for the six sheets, in the official order."""
    words, vocab = data_file("synthetique.yml"), data_file("vocabulaire.yml")
    names = vocab["feuilles"]
    row_1 = [words["groupes"].get(i, "") for i in range(N_COLUMNS)]
    header = [row_1, list(words["entetes"])]
    lines = _lines(rng, words, n_lines)
    typology = [["Typologie 1", "Typologie 2"]] + [[t1, t2] for t1, subs in words["typologies"].items()
                                                   for t2 in subs]
    acronyms = [["Acronyme", "Gestionnaire"]] + sorted([p["sigle"], p["nom"]] for p in words["producteurs"]
                                                       if "sigle" in p)
    criteria = [["Critères", "Modalités", "Exemples"]]
    for spec in vocab["criteres"].values():  # official modalities only: no "Gratuit ou payant"
        criteria += [[spec["libelle"] if i == 0 else "", m, words["exemples_criteres"][m]]
                     for i, m in enumerate(spec["modalites"])]
    return [
        (words["feuilles"]["format"], header, True, 0),
        (names["metadonnees"], words["metadonnees"], False, 0),
        (words["feuilles"]["typologie"], typology, False, 0),
        (names["donnees"], header + lines, False, SHEET_ROWS - len(header) - len(lines)),
        (names["acronymes"], acronyms, False, 0),
        (names["criteres"], criteria, False, 0),
    ]


_SPACE_RUN = re.compile(r"^ +| +$| {2,}")


def _paragraph(text: str) -> str:
    """One <text:p>; spaces XML would collapse (runs, leading, trailing) written as <text:s/>."""
    parts, pos = [], 0
    for match in _SPACE_RUN.finditer(text):
        count = len(match.group())
        parts.append(escape(text[pos:match.start()]))
        if match.start() > 0 and match.end() < len(text):
            parts.append(" ")
            count -= 1
        parts.append(f'<text:s text:c="{count}"/>' if count > 1 else "<text:s/>")
        pos = match.end()
    parts.append(escape(text[pos:]))
    return f"<text:p>{''.join(parts)}</text:p>"


def _row(cells: list[str]) -> str:
    parts, empty = [], 0
    for value in [*cells, None]:
        if value == "":
            empty += 1
            continue
        if empty:
            repeat = f' table:number-columns-repeated="{empty}"' if empty > 1 else ""
            parts.append(f"<table:table-cell{repeat}/>")
            empty = 0
        if value is not None:
            paragraphs = "".join(_paragraph(p) for p in value.split("\n"))
            parts.append(f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>')
    return f"<table:table-row>{''.join(parts)}</table:table-row>"


def _content_xml(sheets: list[tuple[str, list[list[str]], bool, int]]) -> str:
    tables = []
    for name, rows, hidden, padding in sheets:
        width = max(len(row) for row in rows)
        body = "".join(_row(row + [""] * (width - len(row))) for row in rows)
        if padding > 0:
            body += (f'<table:table-row table:number-rows-repeated="{padding}">'
                     f'<table:table-cell table:number-columns-repeated="{width}"/></table:table-row>')
        style = "ta2" if hidden else "ta1"
        tables.append(f'<table:table table:name={quoteattr(name)} table:style-name="{style}">'
                      f'<table:table-column table:number-columns-repeated="{width}"/>{body}</table:table>')
    return (f"{_XML}<office:document-content {_NS}><office:automatic-styles>{_TABLE_STYLES}"
            f"</office:automatic-styles><office:body><office:spreadsheet>{''.join(tables)}"
            "</office:spreadsheet></office:body></office:document-content>")


def generate_cartography_ods(path: str | Path, *, n_lines: int = 300, seed: int = 2014) -> Path:
    """Write a synthetic cartography (ODS) of `n_lines` invented data lines; same seed, same bytes.

    The six sheets of the 2014 file, in its order, with its hazards: a hidden headers-only template
    sheet, the data sheet padded with empty rows to a full sheet (1,048,576 rows), variant spellings of
    producers, and the cell values of synthetique.yml ``aleas``. Written atomically; returns `path`.
    Raises ``ValueError`` when `n_lines` < 1.
    """
    if n_lines < 1:
        raise ValueError(f"n_lines doit être au moins 1 (reçu {n_lines})")
    path = Path(path)
    entries = [
        ("mimetype", MIMETYPE, zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", MANIFEST_XML, zipfile.ZIP_DEFLATED),
        ("content.xml", _content_xml(_sheets(random.Random(seed), n_lines)), zipfile.ZIP_DEFLATED),
        ("styles.xml", STYLES_XML, zipfile.ZIP_DEFLATED),
        ("meta.xml", META_XML, zipfile.ZIP_DEFLATED),
    ]
    with atomic_path(path) as temp, zipfile.ZipFile(temp, "w") as archive:
        for name, text, method in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type, info.create_system, info.external_attr = method, 3, 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return path
