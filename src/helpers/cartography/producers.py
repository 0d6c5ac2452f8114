"""Producers ("gestionnaires"): every spelling of one producer unified into one canonical name.

Rules, in order, for each producer named in a cell:
1. co-managed cells are split on "/" and " - " always, and on "," and " et " when one of the parts
   is a known producer — an acronym of the sheet or a name that fills a cell on its own elsewhere —
   (so "CHU de Grenoble et faculté de médecine de Toulouse" stays whole);
2. "Full name (ACR)" (or "ACR (Full name)") becomes ACR with its full name;
3. a part equal (case, spaces and apostrophes aside) to an acronym or a full name of the
   "Acronymes des gestionnaires" sheet becomes that acronym, spelled as the sheet spells it;
4. remaining spellings equal once case, accents, punctuation and spaces are set aside (« ORS Bretagne »,
   « ORS-BRETAGNE »: :func:`~helpers.core.text.identity_key`) are merged into one spelling — the sheet's, else
   the most frequent — so that two spellings of one producer never make two producers (nor two fiches).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from helpers.core.text import clean_text, comparison_key, identity_key

CO_MANAGEMENT = re.compile(r"\s*/\s*|\s+-\s+")
LIST_SEPARATORS = re.compile(r"\s*,\s*|\s+et\s+")
ACRONYM_IN_PARENTHESES = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)$")
JOINER = " / "
#: Joins the producers of a line in the ``gestionnaires`` column of the processed CSV, and only there.


@dataclass(frozen=True)
class Producer:
    """One producer of a line: its canonical `name` (an acronym when the sheet knows one) and its
    `full_name` (``""`` when unknown)."""

    name: str  # canonical name
    full_name: str  # from the acronyms sheet or the "(ACR)" form, else ""


def acronym_table(sheet: list[list[str]] | None) -> dict[str, tuple[str, str]]:
    """The « Acronymes des gestionnaires » sheet (header row, then acronym | full name) as a lookup:
    comparison key (of the acronym and of the full name) -> (acronym, full name); {} without a sheet.
    On a repeated full name, the first acronym wins."""
    table: dict[str, tuple[str, str]] = {}
    for row in (sheet or [])[1:]:
        acronym = clean_text(row[0]) if row else ""
        full = clean_text(row[1]) if len(row) > 1 else ""
        if acronym:
            table[comparison_key(acronym)] = (acronym, full)
            if full:
                table.setdefault(comparison_key(full), (acronym, full))
    return table


def _split(text: str, known: set[str]) -> list[str]:
    parts = []
    for part in CO_MANAGEMENT.split(text):
        pieces = [p for p in LIST_SEPARATORS.split(part) if p]
        if len(pieces) > 1 and any(comparison_key(p) in known for p in pieces):
            parts.extend(pieces)
        elif part:
            parts.append(part)
    return parts


def _resolve(part: str, known: dict[str, tuple[str, str]]) -> Producer:
    match = ACRONYM_IN_PARENTHESES.match(part)
    if match:
        acronym, name = match["acronym"].strip(), match["name"].strip()
        if len(acronym.split()) > len(name.split()):  # "GERS (Groupe pour l'Elaboration…)"
            acronym, name = name, acronym
        sheet = known.get(comparison_key(acronym))
        return Producer(sheet[0], sheet[1] or name) if sheet else Producer(acronym, name)
    sheet = known.get(comparison_key(part))
    return Producer(*sheet) if sheet else Producer(part, "")


def unify(raw_values: list[str], acronyms_sheet: list[list[str]] | None) -> dict[str, list[Producer]]:
    """Map each distinct raw producer cell to its list of canonical producers (co-managed: several).

    `raw_values`: the ``gestionnaire`` cells as read, one per line (repeats count for rule 4's « most
    frequent spelling »); `acronyms_sheet`: the sheet's rows, or None. Returns raw cell → producers in
    the order written, by the rules of the module docstring; an empty cell maps to ``[]``.
    """
    known = acronym_table(acronyms_sheet)
    sheet_names = {a for a, _ in known.values()}
    cells = {raw: clean_text(raw).replace("\n", " ") for raw in dict.fromkeys(raw_values)}
    single = {comparison_key(c) for c in cells.values() if not CO_MANAGEMENT.search(c)}
    resolved = {raw: [_resolve(p, known) for p in _split(cell, set(known) | single)]
                for raw, cell in cells.items()}
    # Rule 4: one spelling per identity key, the sheet's if any, else the most frequent.
    counts = Counter(p.name for raw in raw_values for p in resolved[raw])
    spelling: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (kv[0] not in sheet_names, -kv[1], kv[0])):
        spelling.setdefault(identity_key(name), name)
    full_names = {}
    for producers in resolved.values():
        for p in producers:
            if p.full_name:
                full_names.setdefault(identity_key(p.name), p.full_name)
    return {
        raw: [Producer(spelling[identity_key(p.name)], full_names.get(identity_key(p.name), ""))
              for p in producers]
        for raw, producers in resolved.items()
    }


def join_producers(names: list[str]) -> tuple[str, ...]:
    """The ``gestionnaires`` value of a line: its producers' canonical names, in order, as a tuple.

    Producers are data, not a string: the "|" join exists only in the CSV and XLSX writers
    (``helpers.core.tables``, schema type ``liste``), and :func:`load_table` gives the tuple back."""
    return tuple(names)


def producers_of(cell: object) -> list[str]:
    """A line's producers (canonical names, in order) from its ``gestionnaires`` value (a tuple); [] when
    missing. The one reader of that value: every module that needs a line's producers asks here.

    Raises ``TypeError`` for a value that is neither a tuple/list nor missing (e.g. a "|"-joined string read
    without :func:`helpers.core.tables.load_table`), rather than guessing how to split it."""
    if isinstance(cell, tuple | list):
        return [name for name in cell if name]
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    raise TypeError(f"gestionnaires : liste attendue, reçu {type(cell).__name__} ({cell!r})")


def one_row_per_producer(frame: pd.DataFrame, column: str = "gestionnaire") -> pd.DataFrame:
    """`frame` (with a ``gestionnaires`` column) with one row per line and producer in `column` (a
    co-managed line is repeated, index kept); lines without any producer are dropped."""
    rows = frame.assign(**{column: frame["gestionnaires"].map(producers_of)}).explode(column)
    return rows[rows[column].fillna("") != ""]
