"""Choice questions as the platforms encode them, read into one list of labels per answer.

Encodings (see tests/test_platforms.py for each platform's real layout):
- one cell per answer, options joined by a separator (« | », Kobo's « " " » between option codes,
  Decidim's and Google Forms' « , » between labels that may themselves hold commas). With declared
  `options`, a cell is cut by matching the options, longest first, at separator boundaries, never by
  blind splitting; without, it is split at the separator;
- one column per option (SurveyMonkey, LimeSurvey "Question [Option]", Kobo "question/option", Google
  Forms grids): a non-empty cell other than the « non coché » values of consultation.yml means chosen.

A value outside declared options is counted under « Autre (hors liste) » (consultation.yml) and listed;
with an `other` option declared, it is that option and its typed text goes to the free-text question
`<id>_autre` instead. Without declared options, each column of a one-column-per-option question is its own option
(`other` names the « Autre » column, it lists no option); a one-cell question then needs its options
(helpers.consultation.answers refuses `other` without them). The result is the chosen labels joined by line
breaks (labels never hold one).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from helpers.consultation.questionnaire import Question
from helpers.core.config import data_file
from helpers.core.text import clean_text, comparison_key

JOIN = "\n"
MATCHED = "\x00"  # where a declared option was matched in a cell: no respondent types it
OPTION_IN_BRACKETS = re.compile(r"\[([^\[\]]+)\]\s*$")  # LimeSurvey "Question [Option]"


@dataclass
class ChoiceReading:
    """A choice question read: `values` (labels joined by line breaks, one per answer), `other` (typed
    text of the « other » option, "" when none), `off_list` (value written -> answers using it, over every
    answer received) and `off_rows` (per answer, its values outside the options joined by line breaks, "" when
    none: what the annex tallies over the analysed answers)."""

    values: pd.Series
    other: pd.Series
    off_list: Counter = field(default_factory=Counter)
    off_rows: pd.Series | None = None


def off_list_label() -> str:
    """The label under which values outside a declared list are counted (« Autre (hors liste) »)."""
    return data_file("consultation.yml")["hors_liste"]["libelle"]


def _lookup(question: Question) -> dict[str, str]:
    """comparison key of a code or label -> label; the `other` label is an option even if not listed."""
    table = {comparison_key(code): label for code, label in question.options}
    table.update({comparison_key(label): label for _, label in question.options})
    if question.other:
        table.setdefault(comparison_key(question.other), question.other)
    return table


def _ordered(labels: list[str], question: Question) -> str:
    order = {label: i for i, label in enumerate(question.labels + ([question.other] if question.other else []))}
    unique = list(dict.fromkeys(labels))
    return JOIN.join(sorted(unique, key=lambda label: order.get(label, len(order))))


def _patterns(question: Question, lookup: dict[str, str]) -> list[tuple[re.Pattern, str]]:
    """One regex per option key, longest first, matching it between separators (or the cell's ends)."""
    separator = question.separator if question.kind == "multiple_choice" and question.separator else None
    if separator is None:
        return []
    edge = re.escape(separator.strip()) if separator.strip() else r"\s"
    return [(re.compile(rf"(?:^|(?<={edge}))\s*{re.escape(key)}\s*(?={edge}|$)", re.IGNORECASE), lookup[key])
            for key in sorted(lookup, key=len, reverse=True)]


def _split_one(cell: str, question: Question, lookup: dict[str, str],
               patterns: list[tuple[re.Pattern, str]]) -> tuple[list[str], list[str], list[str]]:
    """(labels, pieces outside the options cut at the separator, runs between the options kept whole) of one cell,
    options matched longest first. A run is what one respondent typed: « pour ma thèse, en épidémiologie » keeps
    its comma."""
    text = " ".join(cell.split()).replace("\u2019", "'")
    if not question.options and not question.other:
        if question.kind == "multiple_choice" and question.separator:
            return [p.strip() for p in text.split(question.separator) if p.strip()], [], []
        return ([text] if text else []), [], []
    separator = question.separator if question.kind == "multiple_choice" and question.separator else None
    if separator is None:
        label = lookup.get(comparison_key(text))
        return ([label], [], []) if label else ([], [text] if text else [], [text] if text else [])
    found, rest = [], text
    for pattern, label in patterns:
        if pattern.search(rest):
            found.append(label)
            rest = pattern.sub(MATCHED, rest)
    edge = separator.strip()
    pieces = [p.strip() for p in rest.replace(MATCHED, separator).split(edge or None) if p.strip()]
    runs = [run.strip().strip(edge).strip() for run in rest.split(MATCHED)]
    return found, pieces, [run for run in runs if run]


def typed_text(run: str, other: str) -> str:
    """The text typed with the `other` option, without the option's label the platform writes around it: Decidim's
    « Autre (pour ma thèse) », « Autre : pour ma thèse » → « pour ma thèse »; any other text as it is."""
    wrapped = re.fullmatch(rf"{re.escape(other)}\s*(?:\((.*)\)|:\s*(.*))", run, re.IGNORECASE | re.DOTALL)
    return (wrapped.group(1) or wrapped.group(2) or "").strip() if wrapped else run


def read_cells(cells: pd.Series, question: Question) -> ChoiceReading:
    """Read a one-column choice question (options joined in one cell, the module docstring's rules).

    Parameters
    ----------
    cells : Series
        The question's cells, one per answer (clean text).
    question : Question
        Its spec: options, separator, `other` option.

    Returns
    -------
    ChoiceReading
        On the index of `cells`: the chosen labels (declared order, joined by line breaks; a value outside the
        options becomes the `other` option, or « Autre (hors liste) » and is counted in `off_list` by answers),
        and the `other` option's typed text. Each distinct cell is split once."""
    lookup = _lookup(question)
    off_label = off_list_label()
    patterns = _patterns(question, lookup)
    values, other, off = {}, {}, {}
    for cell in pd.unique(cells):
        labels, pieces, runs = _split_one(cell, question, lookup, patterns)
        typed = ""
        if pieces and question.other:
            labels.append(question.other)
            typed = "; ".join(typed_text(run, question.other) for run in runs)
        elif pieces:
            labels.append(off_label)
            off[cell] = pieces
        values[cell], other[cell] = _ordered(labels, question), typed
    counts = Counter()
    if off:
        frequency = cells[cells.isin(list(off))].value_counts()
        for cell, pieces in off.items():
            for piece in pieces:
                counts[piece] += int(frequency.get(cell, 0))
    off_rows = cells.map({cell: JOIN.join(dict.fromkeys(off.get(cell, []))) for cell in values})
    return ChoiceReading(cells.map(values), cells.map(other), counts, off_rows)


def _option_label(header: str, question: Question, lookup: dict[str, str]) -> str | None:
    """The option a column stands for: LimeSurvey's [Option], its header, or its part after one of Kobo's « / »
    (group and question path), longest first: an option label may itself hold a « / » (« Recherche/enseignement »),
    so the header is never cut at its last one only. Without declared options, every column is an option of its
    own ([Option], else the header), the `other` one included: an `other` label alone lists no option."""
    cuts = [i + 1 for i, c in enumerate(header) if c == "/"]
    candidates = [header, *(header[i:] for i in cuts if header[i:].strip())]
    bracket = OPTION_IN_BRACKETS.search(header)
    if bracket:
        candidates.insert(0, bracket.group(1))
    is_other = bool(question.other) and any(comparison_key(c).startswith(comparison_key(question.other))
                                            for c in candidates)
    if not question.options:
        return question.other if is_other else clean_text(bracket.group(1) if bracket else header)
    for candidate in candidates:
        if comparison_key(candidate) in lookup:
            return lookup[comparison_key(candidate)]
    return question.other if is_other else None


def unmatched_options(headers: list[str], value_columns: list[bool], question: Question) -> list[str]:
    """The declared options (labels) and `other` label of `question` that no column of its block stands for, when
    its options are its columns (no column holds the chosen label itself, `value_columns`); [] otherwise. A
    misspelled option would silently count nothing while its real column went to « Autre (hors liste) »."""
    lookup = _lookup(question)
    found = {_option_label(h, question, lookup) for h, value in zip(headers, value_columns, strict=True) if not value}
    wanted = ([] if any(value_columns) else [label for _, label in question.options]) + [question.other or ""]
    return [label for label in dict.fromkeys(wanted) if label and label not in found]


def _shared_path(headers: list[str]) -> str:
    """The group and question path every column of one question starts with (KoboToolbox's label export:
    « Vos usages/Pourquoi ?/ »), "" when they share none: without declared options, what follows is the option,
    « / » included (« Recherche/enseignement »)."""
    if len(headers) < 2:
        return ""
    common = os.path.commonprefix(headers)
    return common[: common.rfind("/") + 1]


def read_block(block: pd.DataFrame, headers: list[str], value_columns: list[bool],
               question: Question) -> ChoiceReading:
    """Read a question spread over several columns of `block` (one per option, `headers` their export
    headers; `value_columns` marks the columns whose cell holds the chosen label itself, e.g. SurveyMonkey's
    « Réponse » column beside « Autre (précisez) »).

    A cell is ticked unless empty or one of the « non coché » values of ``consultation.yml``; a column whose
    header names no declared option is counted under « Autre (hors liste) » (its header in `off_list`). Returns a
    ``ChoiceReading`` on the index of `block`, as ``read_cells``."""
    lookup = _lookup(question)
    path = "" if question.options else _shared_path(headers)
    unchecked = {comparison_key(v) for v in data_file("consultation.yml")["non_coche"]} | {""}
    n = len(block)
    joined = np.full(n, "", dtype=object)
    typed = np.full(n, "", dtype=object)
    off_rows = np.full(n, "", dtype=object)
    off = Counter()
    for j, header in enumerate(headers):
        cells = block.iloc[:, j]
        if value_columns[j]:
            # Without declared options its labels are taken as written: the « other » text has its own column.
            part = read_cells(cells, replace(question, kind="single_choice", separator=None,
                                             other=question.other if question.options else None))
            joined = np.where(part.values.to_numpy() != "", joined + JOIN + part.values.to_numpy(), joined)
            typed = np.where(part.other.to_numpy() != "", part.other.to_numpy(), typed)
            off.update(part.off_list)
            off_rows = np.where(part.off_rows.to_numpy() != "", off_rows + JOIN + part.off_rows.to_numpy(), off_rows)
            continue
        keys = cells.map({c: comparison_key(c) for c in pd.unique(cells)})
        chosen = ~keys.isin(unchecked).to_numpy()
        if not chosen.any():
            continue
        label = _option_label(header.removeprefix(path), question, lookup)
        if label is None:
            off[clean_text(header)] += int(chosen.sum())
            off_rows = np.where(chosen, off_rows + JOIN + clean_text(header), off_rows)
            label = off_list_label()
        elif label == question.other:
            # The « other » column holds the typed text (or a mere tick: then no text).
            text = cells.where(~keys.isin({"1", "x", "oui", "yes", "vrai", "true", comparison_key(header)}), "")
            typed = np.where(chosen & (text.to_numpy() != ""), text.to_numpy(), typed)
        joined = np.where(chosen, joined + JOIN + label, joined)
    joined = pd.Series(joined, index=block.index)
    values = joined.map({v: _ordered([x for x in v.split(JOIN) if x], question) for v in pd.unique(joined)})
    off_rows = pd.Series(off_rows, index=block.index).str.removeprefix(JOIN)
    return ChoiceReading(values, pd.Series(typed, index=block.index), off, off_rows)
