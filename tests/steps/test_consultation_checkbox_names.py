"""Issue 22, case 3: a checkbox list of base names (Google Forms: answers joined by ", ") is cut by the names it
offered, never inside a name that holds « , » or « / ».

The options are the official file's own names, read in place (../shared), never written here. Google Forms'
layout is that of tests/unit/test_platforms.py: "Horodateur" (here a French-locale sheet: day first), "Adresse
e-mail", one column per question, the ticked options in the form's order joined by ", ", the text typed with
« Autre » appended as one more item.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pandas as pd
import pytest
from consultation_helpers import write_spec

from helpers.consultation.aliases import alias_table, words
from helpers.consultation.matching import known_names, split_mentions
from helpers.core.tables import load_table
from helpers.core.text import strip_accents
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness
from helpers.steps.s04_consultation import analyse_consultation

QUESTION = "Quelles bases souhaitez-vous voir ouvrir ?"
OTHER_TEXTS = ["Données de la CNAF, par commune", "Registre des cancers, volet pédiatrique"]


@pytest.fixture(scope="module")
def carto(real_ods, tmp_path_factory):
    processed = tmp_path_factory.mktemp("checkbox") / "processed"
    clean_cartography(real_ods, processed)
    score_openness(processed)
    bases = load_table(processed, "bases").drop_duplicates("base_id")
    return processed, bases


def _ids(bases: pd.DataFrame) -> dict[str, str]:
    """Base ids found by name, not by position: INCa's barometers (the name cut today) and INCA's study (the base
    its fragment « INCa/BVA… » was credited to)."""
    by_name = bases.set_index("base")["base_id"]
    return {"barometres": by_name[next(n for n in by_name.index if "INCa/BVA" in n)],
            "inca": by_name[next(n for n in by_name.index if n.endswith("(INCA)"))]}


def _options(bases: pd.DataFrame) -> list[str]:
    """The list a form would offer: every name of the cartography holding « , » or « / », and three plain ones."""
    names = [" ".join(n.split()) for n in bases["base"]]
    cut = [n for n in names if "," in n or "/" in n]
    plain = [n for n in names if n.endswith(("(PMSI)", "(RPPS)", "(ENTRED)"))]
    return cut + plain


def _answers(options: list[str], barometres: str) -> list[tuple[list[str], str]]:
    """30 respondents: (ticked options in the form's order, typed « Autre » text). 18 tick INCa's barometers."""
    others = [o for o in options if o != barometres]
    answers = []
    for i in range(18):
        answers.append(([barometres, others[i % len(others)]], ""))
    for i in range(6):
        answers.append(([others[(2 * i) % len(others)], others[(2 * i + 5) % len(others)]], ""))
    for i in range(3):
        answers.append(([others[-1 - i]], OTHER_TEXTS[0]))
    for _ in range(3):
        answers.append(([], OTHER_TEXTS[1]))
    return [(sorted(set(ticked), key=options.index), other) for ticked, other in answers]


def google_forms_export(path: Path, options: list[str], answers: list[tuple[list[str], str]]) -> Path:
    """A Google Forms responses CSV (UTF-8, « , », CRLF, quoted where needed): Horodateur, Adresse e-mail,
    Vous êtes, the checkbox question (ticked options joined by ", ", the « Autre » text last)."""
    rows = [["Horodateur", "Adresse e-mail", "Vous êtes", QUESTION]]
    for i, (ticked, other) in enumerate(answers):
        cell = ", ".join(ticked + ([other] if other else []))
        rows.append([f"{2 + i // 10:02d}/04/2014 {8 + i % 10:02d}:{i:02d}:05", f"r{i}@example.org",
                     ["Chercheur", "Citoyen", "Journaliste"][i % 3], cell])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=",", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def _spec(path: Path, options: list[str] | None) -> Path:
    question = {"id": "demandes", "column": QUESTION, "kind": "datasets"}
    question.update({"options": options} if options else {"separator": ", "})
    return write_spec(path, {"platform": "google_forms",
                             "columns": {"id": "Adresse e-mail", "respondent_type": "Vous êtes", "date": "Horodateur"},
                             "questions": [question]})


def _expected(answers, bases: pd.DataFrame) -> dict[str, int]:
    by_name = {" ".join(n.split()): i for n, i in zip(bases["base"], bases["base_id"], strict=True)}
    counts: dict[str, int] = {}
    for ticked, _ in answers:
        for name in ticked:
            counts[by_name[name]] = counts.get(by_name[name], 0) + 1
    return counts


@pytest.mark.parametrize("declared", [True, False], ids=["options déclarées", "sans options"])
def test_issue22_case3_a_checkbox_list_of_base_names_is_cut_by_the_names(carto, tmp_path, declared):
    processed, bases = carto
    ids = _ids(bases)
    options = _options(bases)
    barometres = bases.set_index("base_id").loc[ids["barometres"], "base"]
    answers = _answers(options, " ".join(barometres.split()))
    export = google_forms_export(tmp_path / "reponses.csv", options, answers)
    # Cut blindly at ", ", the barometers' name leaves the fragment that was credited to INCA's study.
    cells = pd.read_csv(export, dtype=str, keep_default_na=False)[QUESTION]
    assert "INCa/BVA…" in split_mentions(cells, ",").tolist()

    run = analyse_consultation(export, _spec(tmp_path / "q.yml", options if declared else None), processed)
    requests = run.requests.set_index("base_id")["n_repondants"].to_dict()
    assert ids["inca"] not in requests  # was 18 requests nobody made
    assert requests[ids["barometres"]] == 18
    assert requests == _expected(answers, bases)  # every name with « , » or « / » counted whole, once
    statuses = run.review["statut"].value_counts().to_dict()
    assert "à vérifier" not in statuses and "ambiguë" not in statuses  # no false item to review
    missing = set(run.review.loc[run.review["statut"] == "absente de la cartographie", "mention"])
    if declared:  # what was typed with « Autre » is one mention, its comma kept
        assert missing == set(OTHER_TEXTS)
        assert run.review.set_index("mention").loc[OTHER_TEXTS[0], "n_repondants"] == 3


@pytest.mark.parametrize("separator", [",", "/", ";", "|"])
def test_issue22_case3_a_separator_inside_a_known_name_never_cuts_it(carto, separator):
    """Without options: any separator a question declares, names of the cartography holding it stay whole,
    in any order, case, accents or spacing around the separator, beside names and typed texts that are cut."""
    _, bases = carto
    aliases = alias_table(bases)
    known = known_names(bases, aliases)
    holding = [n for n in known.names if separator in n]
    assert holding or separator in ";|"
    rng = random.Random(22)
    plain = ["PMSI", "la cohorte Elfe", "Registre des implants mammaires"]
    for name in holding:
        items = [name, *plain]
        rng.shuffle(items)
        cell = f"{separator} ".join(items) if separator == "," else f" {separator} ".join(items)
        tight = cell.replace(f"{separator} ", separator).replace(f" {separator}", separator)
        for written in (cell, cell.lower(), cell.upper(), strip_accents(cell), tight):
            parts = split_mentions(pd.Series([written]), separator, known).tolist()
            assert [words(p) for p in parts] == [words(i) for i in items], written


def test_issue22_case3_declared_options_longest_first_codes_and_other_text(carto):
    """Declared options are matched longest first, in any order, as labels or as codes (KoboToolbox joins codes
    with a space); what lies between them is one typed text, its commas kept."""
    _, bases = carto
    options = _options(bases)
    barometres = next(o for o in options if "INCa/BVA" in o)
    head = barometres.split(",")[0]  # « Baromètres et études INCa/Ipsos »: an option of its own here
    declared = ((head, head), (barometres, barometres), ("PMSI", "PMSI"))
    cells = pd.Series([f"PMSI, {barometres}, {OTHER_TEXTS[0]}", f"{head}, PMSI", f"{OTHER_TEXTS[1]}, {barometres}"])
    parts = split_mentions(cells, ",", None, declared)
    assert parts.groupby(level=0).apply(list).tolist() == [["PMSI", barometres, OTHER_TEXTS[0]], [head, "PMSI"],
                                                          [OTHER_TEXTS[1], barometres]]
    # A value outside the declared list that is a name of the cartography on its own is a mention apart
    # (an undeclared option); the typed text beside it stays whole.
    known = known_names(bases, alias_table(bases))
    rpps = next(o for o in options if o.endswith("(RPPS)"))
    cell = pd.Series([f"PMSI, {rpps}, {OTHER_TEXTS[0]}"])
    assert split_mentions(cell, ",", known, declared).tolist() == ["PMSI", rpps, OTHER_TEXTS[0]]
    coded = (("b1", barometres), ("b2", "PMSI"))
    parts = split_mentions(pd.Series(["b2 b1", "b1"]), " ", None, coded)
    assert parts.groupby(level=0).apply(list).tolist() == [["PMSI", barometres], [barometres]]


def test_issue22_case3_a_datasets_question_with_options_takes_the_presets_choice_separator(tmp_path):
    from helpers.consultation.questionnaire import load_questionnaire

    names = ["Baromètre A, volet 1", "Base B/C"]
    for platform, separator in [("google_forms", ", "), ("decidim", ", "), ("kobo", " ")]:
        spec = load_questionnaire(write_spec(tmp_path / "q.yml", {
            "platform": platform, "columns": {"respondent_type": "V"},
            "questions": [{"id": "bases", "column": "Q", "kind": "datasets", "options": names},
                          {"id": "texte", "column": "T", "kind": "datasets"}]}))
        bases, typed = spec.questions
        assert (bases.separator, bases.labels) == (separator, names)
        assert (typed.separator, typed.options) == (None, ())  # a typed answer is cut only where the spec says
