"""Cleaning of the raw cartography into the processed tables, every change logged cell by cell."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from openpyxl.utils import get_column_letter
from rapidfuzz.distance import Levenshtein

from helpers.cartography.producers import JOINER, join_producers, unify
from helpers.cartography.reading import Cartography
from helpers.core.config import data_file
from helpers.core.text import clean_text, comparison_key, identity_key, loose_key

CRITERIA = ("acces", "cout", "format", "reutilisation")


def criterion_labels(joined: str, separator: str = "|", lower: bool = True) -> str:
    """Criterion ids joined by `separator` (``"cout|reutilisation"``) as their French short labels, from
    ``vocabulaire.yml`` (``criteres.<id>.court``): « coût, réutilisation » (capitalised with ``lower=False``).

    Returns ``""`` for an empty string; raises ``KeyError`` naming an id the vocabulary does not know.
    """
    spec = data_file("vocabulaire.yml")["criteres"]
    names = [spec[c]["court"] for c in joined.split(separator) if c]
    return ", ".join(n.lower() if lower else n for n in names)
LEVEL_TEXT = ("donnees", "commentaire_acces", "commentaire_format", "portail")
ANOMALY_COLUMNS = ["ligne_source", "cellule", "colonne", "niveau", "valeur_source", "valeur_retenue", "regle"]


@dataclass
class Cleaned:
    """What :func:`clean` returns, the tables of schema.yml plus the vocabulary used.

    - `bases`: one row per data line of the sheet (columns of schema.yml ``bases``: ``ligne_source``,
      ``base_id``, ``base``, typologies, ``gestionnaire`` and its variants, ``co_gestion``, ``origine``,
      ``couverture``, ``n_lignes_base``);
    - `evaluations`: one row per line × level (aggregated, granular): the four criteria as retained,
      ``evalue``, ``hors_vocabulaire`` (criterion ids joined by « | ») and the level's free text;
    - `anomalies`: one row per changed or unreadable cell (``ligne_source``, ``cellule`` e.g. « J147 »,
      ``colonne``, ``niveau``, ``valeur_source``, ``valeur_retenue``, ``regle``), sorted by line;
    - `modalities`: criterion id → accepted labels; `vocabulary_source`: where they came from;
      `typology_source`: what the typologies were checked against (« onglet « Typologie » du fichier », or
      « non vérifiées (pas d'onglet « Typologie ») »).
    """

    bases: pd.DataFrame
    evaluations: pd.DataFrame
    anomalies: pd.DataFrame
    modalities: dict[str, list[str]]  # criterion -> accepted labels
    vocabulary_source: str  # "feuille du fichier" or "vocabulaire du projet"
    typology_source: str = ""  # how the typologies were checked (report 01's « Source » table)


def known_modalities(criterion: str) -> list[str]:
    """The project's modalities of `criterion` (vocabulaire.yml ``modalites`` then ``attestees``), spelled
    as the project spells them: the labels every processed table holds."""
    spec = data_file("vocabulaire.yml")["criteres"][criterion]
    return [*spec["modalites"], *(m for m in spec.get("attestees", []) if m not in spec["modalites"])]


@dataclass(frozen=True)
class SheetEntry:
    """One entry of the file's « Critères d'ouverture » sheet: its 1-based `row`, 0-based `column`, the
    `criterion` id (None for a criterion label the project does not know), the `label` as written, and the
    project's `modality` it stands for (None: it stands for none)."""

    row: int
    column: int
    criterion: str | None
    label: str
    modality: str | None


def sheet_vocabulary(carto: Cartography) -> list[SheetEntry]:
    """The entries of the file's criteria sheet (header row, then criterion label in column A on the first
    row of its group, modality in column B), each mapped onto the project's vocabulary by
    :func:`~helpers.core.text.loose_key` (as everywhere a criterion value meets the vocabulary): a criterion
    label (column A) and its modalities (column B, the project's label, or None when it stands for no known
    modality). [] without a sheet."""
    spec = data_file("vocabulaire.yml")["criteres"]
    by_label = {loose_key(c["libelle"]): key for key, c in spec.items()}
    entries: list[SheetEntry] = []
    current = None
    for number, row in enumerate((carto.criteria_sheet or [])[1:], start=2):
        label = row[0] if row else ""
        if clean_text(label):
            current = by_label.get(loose_key(label))
            entries.append(SheetEntry(number, 0, None, label, current))
        modality = row[1] if len(row) > 1 else ""
        if clean_text(modality):
            found = next((m for m in known_modalities(current) if loose_key(m) == loose_key(modality)),
                         None) if current else None
            entries.append(SheetEntry(number, 1, current, modality, found))
    return entries


def official_modalities(carto: Cartography) -> tuple[dict[str, list[str]], str]:
    """Modalities per criterion, as the project spells them (``vocabulaire.yml`` ``criteres.<id>.modalites``,
    then the spellings attested in the 2014 file, ``attestees``), and where the vocabulary was checked.

    The file's own criteria sheet is compared with them entry by entry (:func:`sheet_vocabulary`, by
    :func:`~helpers.core.text.loose_key`: case, accents, spaces and apostrophes aside) and never replaces them:
    a retyped label (« Accès à Tous ») is the same modality, and an entry standing for no known modality is logged
    by :func:`clean` (``vocabulaire_inconnu``) — neither can empty a criterion's vocabulary, hence the open gate.

    Returns (criterion id → labels in order, « feuille du fichier » when the sheet has at least one
    recognised modality, else « vocabulaire du projet »).
    """
    recognised = any(e.column == 1 and e.modality for e in sheet_vocabulary(carto))
    modalities = {key: known_modalities(key) for key in data_file("vocabulaire.yml")["criteres"]}
    return modalities, "feuille du fichier" if recognised else "vocabulaire du projet"


class _Log:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, line, index, column, level, raw, kept, rule, sheet=""):
        # A cell of another sheet than the data sheet (`sheet`): no data line, a reference naming the sheet.
        self.rows.append({
            "ligne_source": None if sheet else line,
            "cellule": f"{sheet}{'!' if sheet else ''}{get_column_letter(index + 1)}{line}", "colonne": column,
            "niveau": level, "valeur_source": raw, "valeur_retenue": kept, "regle": rule,
        })

    def text(self, line, index, column, level, raw) -> str:
        kept = clean_text(raw)
        if kept != raw:
            self.add(line, index, column, level, raw, kept, "espaces_normalises")
        return kept


def _map_modality(raw: str, labels: list[str]) -> tuple[str, str | None]:
    """(retained value, rule) for one criterion cell; rule None when nothing changed."""
    text = clean_text(raw)
    if not text:
        return "", ("espaces_normalises" if raw else None)
    if text in labels:
        return text, (None if text == raw else "espaces_normalises")
    for label in labels:
        if comparison_key(label) == comparison_key(text):
            return label, "modalite_normalisee"
    for label in labels:
        if loose_key(label) == loose_key(text):
            return label, "modalite_corrigee"
    return text, "hors_vocabulaire"


def typology_vocabulary(carto: Cartography) -> dict[str, list[str]] | None:
    """The file's own « Typologie » sheet (header row, then Typologie 1 | Typologie 2) as level-1 label →
    its level-2 labels, in sheet order (spaces normalised); None when the file has no such sheet (a CSV
    export): the typologies are then kept as written, unchecked."""
    if not carto.typology_sheet:
        return None
    found: dict[str, list[str]] = {}
    for row in carto.typology_sheet[1:]:
        first = clean_text(row[0]) if row else ""
        second = clean_text(row[1]) if len(row) > 1 else ""
        if first:
            found.setdefault(first, [])
            if second and second not in found[first]:
                found[first].append(second)
    return found or None


def _near(text: str, labels: list[str]) -> str | None:
    """The one label `text` is a spelling or a near-miss of: equal by :func:`loose_key` (case, accents,
    spaces, apostrophes), else one edit away (two for keys of 12 characters or more: « Offre de soin »,
    « Epidemiologie »), the closest only when no other label is as close; None otherwise."""
    key = loose_key(text)
    same = [label for label in labels if loose_key(label) == key]
    if same:
        return same[0]
    allowed = 2 if len(key) >= 12 else 1 if len(key) >= 5 else 0
    distances = sorted((Levenshtein.distance(key, loose_key(label)), label) for label in labels)
    if distances and distances[0][0] <= allowed and (len(distances) == 1 or distances[1][0] > distances[0][0]):
        return distances[0][1]
    return None


def _map_typology(raw: str, typologies: dict[str, list[str]] | None,
                  parent: str | None) -> tuple[str, str | None]:
    """(retained value, rule) of a typology cell, checked against the file's « Typologie » sheet: level 1
    (`parent` None) against its level-1 labels, level 2 against the level-2 labels of its (retained) level 1.
    A spelling or near-miss of one label is unified (``typologie_unifiee``); anything else is kept as
    written and flagged (``typologie_inconnue``), as is a level-2 value the sheet lists under another level 1
    (kept under the sheet's spelling of it).
    Rule None: nothing to log beyond spaces."""
    text = clean_text(raw)
    if not text or typologies is None:
        return text, None
    if parent is None:
        labels = list(typologies)
    elif parent in typologies:
        labels = typologies[parent]
    else:  # an unknown level 1 (flagged already): its level 2 is checked against every level-2 label
        labels = list(dict.fromkeys(label for subs in typologies.values() for label in subs))
    if text in labels:
        return text, None
    near = _near(text, labels)
    if near:
        return near, "typologie_unifiee"
    # A level 2 the sheet lists under another level 1: flagged, under the sheet's spelling of it.
    elsewhere = [label for subs in typologies.values() for label in subs] if parent is not None else []
    same = next((label for label in elsewhere if loose_key(label) == loose_key(text)), text)
    return same, "typologie_inconnue"


def clean(carto: Cartography) -> Cleaned:
    """Clean a read cartography into the processed tables, logging every change (see :class:`Cleaned`).

    Text cells: spaces normalised (rule ``espaces_normalises``). Criterion cells: mapped onto the
    modalities of :func:`official_modalities`, exactly, then case/spaces aside (``modalite_normalisee``),
    then accents and inner spaces aside (``modalite_corrigee``); any other value is kept as written and
    flagged ``hors_vocabulaire``, never guessed. Producers: unified by
    :func:`~helpers.cartography.producers.unify` (``gestionnaire_unifie``). A base is one
    :func:`base_key` (normalised name and producers); its ``base_id`` (:func:`base_ids`) derives from that key
    alone, never from a row's position. Cells without a usable
    value (:attr:`Cartography.unreadable`) are logged with their rule and read as empty.
    """
    log = _Log()
    modalities, vocab_source = official_modalities(carto)
    _log_sheet_vocabulary(carto, log)
    typologies = typology_vocabulary(carto)
    raw_producers = [carto.cell(row, "base", "gestionnaire") for _, row in carto.rows]
    producers = unify(raw_producers, carto.acronyms_sheet)
    cols = carto.columns

    bases, evaluations = [], []
    for line, row in carto.rows:
        record = {"ligne_source": line}
        for group, key in [("base", "base"), ("base", "origine"), ("autres", "couverture")]:
            record[key] = log.text(line, cols[group][key].index, key, "", carto.cell(row, group, key))
        parent = None
        for key in ("typologie_1", "typologie_2"):
            raw_value = carto.cell(row, "typologie", key)
            value, rule = _map_typology(raw_value, typologies, parent)
            if rule or value != raw_value:
                log.add(line, cols["typologie"][key].index, key, "", raw_value, value, rule or "espaces_normalises")
            record[key], parent = value, value
        raw = carto.cell(row, "base", "gestionnaire")
        names = producers[raw]
        canonical = JOINER.join(p.name for p in names)
        index = cols["base"]["gestionnaire"].index
        if canonical != raw:
            rule = "espaces_normalises" if canonical == clean_text(raw) else "gestionnaire_unifie"
            log.add(line, index, "gestionnaire", "", raw, canonical, rule)
        record.update({
            "gestionnaire": canonical,
            "gestionnaire_source": raw,
            "gestionnaires": join_producers([p.name for p in names]),
            "gestionnaire_nom_complet": JOINER.join(p.full_name or p.name for p in names),
            "co_gestion": len(names) > 1,
        })
        bases.append(record)

        for level in carto.level_groups:
            ev = {"ligne_source": line, "niveau": level}
            off = []
            for key in CRITERIA:
                raw_value = carto.cell(row, level, key)
                value, rule = _map_modality(raw_value, modalities[key])
                if rule:
                    log.add(line, cols[level][key].index, key, level, raw_value, value, rule)
                if rule == "hors_vocabulaire":
                    off.append(key)
                ev[key] = value
            ev["evalue"] = any(ev[k] for k in CRITERIA)
            ev["hors_vocabulaire"] = "|".join(off)
            for key in LEVEL_TEXT:
                ev[key] = log.text(line, cols[level][key].index, key, level, carto.cell(row, level, key))
            evaluations.append(ev)

    bases_df = pd.DataFrame(bases)
    _assign_base_ids(bases_df)
    bases_df = bases_df[[
        "ligne_source", "base_id", "base", "typologie_1", "typologie_2", "gestionnaire",
        "gestionnaire_source", "gestionnaires", "gestionnaire_nom_complet", "co_gestion",
        "origine", "couverture", "n_lignes_base",
    ]]
    ev_df = pd.DataFrame(evaluations).merge(bases_df[["ligne_source", "base_id"]], on="ligne_source")
    ev_df = ev_df[["ligne_source", "base_id", "niveau", "evalue", *CRITERIA, "hors_vocabulaire", *LEVEL_TEXT]]
    _log_unreadable(carto, log)
    anomalies = pd.DataFrame(log.rows, columns=ANOMALY_COLUMNS).astype({"ligne_source": "Int64"})
    anomalies = anomalies.sort_values("ligne_source", kind="stable").reset_index(drop=True)
    checked = "onglet « Typologie » du fichier" if typologies else "non vérifiées (pas d'onglet « Typologie »)"
    return Cleaned(bases_df, ev_df, anomalies, modalities, vocab_source, checked)


def _log_sheet_vocabulary(carto: Cartography, log: _Log) -> None:
    """The criteria sheet's entries the cleaning did not take as written: a modality spelled otherwise than
    the project spells it (taken under the project's spelling), an entry standing for no known modality or
    criterion (``vocabulaire_inconnu``: kept out of the vocabulary, never an empty gate)."""
    sheet = data_file("vocabulaire.yml")["feuilles"]["criteres"]
    for entry in sheet_vocabulary(carto):
        if entry.modality is None:
            log.add(entry.row, entry.column, entry.criterion or "", "", entry.label, "", "vocabulaire_inconnu",
                    sheet=sheet)
        elif entry.column == 1 and (rule := _map_modality(entry.label, [entry.modality])[1]):
            log.add(entry.row, entry.column, entry.criterion, "", entry.label, entry.modality, rule, sheet=sheet)


def _log_unreadable(carto: Cartography, log: _Log) -> None:
    """One anomaly per cell without a usable value (formula without value, error value): read as empty."""
    names = {c.index: (c.key, c.group if c.group in carto.level_groups else "")
             for group in carto.columns.values() for c in group.values()}
    data_lines = {line for line, _ in carto.rows}
    for (line, index), (raw, rule) in carto.unreadable.items():
        if line in data_lines:
            key, level = names.get(index, (get_column_letter(index + 1), ""))
            log.add(line, index, key, level, raw, "", rule)


ID_DIGITS = 8  # hexadecimal digits of a base_id (schema.yml documents the rule)


def base_key(base: str, producers: list[str]) -> str:
    """What identifies a base: its name and its producers (canonical names, in any order), each by
    :func:`~helpers.core.text.identity_key` (case, accents, punctuation and spaces aside)."""
    return identity_key(base) + "\x1f" + "\x1e".join(sorted(identity_key(p) for p in producers))


def base_ids(keys: pd.Series, digits: int = ID_DIGITS) -> pd.Series:
    """The ``base_id`` of each :func:`base_key`: « B » and the first `digits` hexadecimal digits (upper case)
    of the key's SHA-256 — a function of the key alone, so adding, moving or removing lines changes no other
    base's id. Keys whose digits coincide (a collision) each take 4 digits more, until they differ: only the
    colliding bases get longer ids, and ids of different lengths never coincide."""
    distinct = sorted(set(keys))
    digests = {k: hashlib.sha256(k.encode("utf-8")).hexdigest().upper() for k in distinct}
    length = dict.fromkeys(distinct, digits)
    while True:
        by_id: dict[str, list[str]] = {}
        for k in distinct:
            by_id.setdefault(digests[k][:length[k]], []).append(k)
        clashes = [ks for ks in by_id.values() if len(ks) > 1]
        if not clashes:
            return keys.map(lambda k: "B" + digests[k][:length[k]])
        for ks in clashes:
            for k in ks:
                length[k] += 4


def _assign_base_ids(bases: pd.DataFrame) -> None:
    """One base_id per :func:`base_key` (:func:`base_ids`), and the number of lines of each base."""
    keys = pd.Series([base_key(b, list(p)) for b, p in zip(bases["base"], bases["gestionnaires"], strict=True)],
                     index=bases.index, dtype=object)
    bases["base_id"] = base_ids(keys)
    bases["n_lignes_base"] = bases.groupby("base_id")["base_id"].transform("size")
