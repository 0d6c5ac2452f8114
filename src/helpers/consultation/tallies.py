"""Who answered and what they chose: respondent categories and choice questions, counted in respondents.

A respondent who ticks a choice counts once for it, whatever the number of cells; shares are of the
respondents who answered the question (base n), overall and within each category. Choices that
differ only by case or spaces are one choice, shown under their most frequent spelling.
"""

from __future__ import annotations

import pandas as pd

from helpers.consultation.choices import JOIN, off_list_label
from helpers.consultation.questionnaire import Question
from helpers.consultation.redaction import publishable_series
from helpers.core.config import data_file
from helpers.core.text import comparison_key

OVERALL = "Ensemble des répondants"
CHOICE_COLUMNS = ["question", "modalite", "profil", "n_repondants", "base_n", "part"]


def unify_spellings(values: pd.Series) -> pd.Series:
    """Values equal but for case and spaces take their most frequent spelling (ties: alphabetical)."""
    keys = values.map({v: comparison_key(v) for v in pd.unique(values)})
    counts = pd.DataFrame({"cle": keys, "valeur": values}).value_counts().reset_index(name="n")
    counts = counts.sort_values(["cle", "n", "valeur"], ascending=[True, False, True]).drop_duplicates("cle")
    return keys.map(counts.set_index("cle")["valeur"])


def categories(profiles: pd.Series, options: tuple[tuple[str, str], ...]) -> tuple[pd.Series, pd.DataFrame]:
    """Respondent categories kept, and the values grouped as « Autre (hors liste) » (valeur, n_reponses).

    With declared options ((code, label) pairs: ``Questionnaire.respondent_options``), a value is its option's
    label when it is its code or its label (case and spaces ignored: LimeSurvey's « A1 » or « Citoyen »), and
    grouped when it matches none; without, a category
    of fewer than `hors_liste.categorie_min` answers once the export has `hors_liste.reponses_min` answers
    (consultation.yml): a string typed once in the category field never becomes a bar of its own.
    """
    rules = data_file("consultation.yml")
    label = off_list_label()
    keys = profiles.map({v: comparison_key(v) for v in pd.unique(profiles)})
    absent = profiles == rules["profil_absent"]
    if options:
        declared = {comparison_key(held): label for code, label in options for held in (code, label)}
        kept = keys.map(declared)
        off = kept.isna() & ~absent
        out = kept.where(~off, label).where(~absent, profiles)
    else:
        counts = keys.map(keys.value_counts())
        small = len(profiles) >= rules["hors_liste"]["reponses_min"]
        off = (counts < rules["hors_liste"]["categorie_min"]) & ~absent & small
        out = profiles.where(~off, label)
    listed = profiles[off].value_counts()
    table = pd.DataFrame({"valeur": listed.index, "n_reponses": listed.to_numpy()})
    return out, table.sort_values(["n_reponses", "valeur"], ascending=[False, True], ignore_index=True)


def profiles(analysed: pd.DataFrame) -> pd.DataFrame:
    """Respondents per category of `analysed` (one row per analysed answer, column ``profil``): one row
    per category, most frequent first (ties alphabetical); columns profil, n_repondants, part (of analysed
    answers, 0–1, 4 decimals)."""
    counts = analysed["profil"].value_counts()
    table = pd.DataFrame({"profil": counts.index, "n_repondants": counts.to_numpy()})
    table["part"] = (table["n_repondants"] / len(analysed)).round(4)
    return table.sort_values(["n_repondants", "profil"], ascending=[False, True]).reset_index(drop=True)


def choice_rows(analysed: pd.DataFrame, question: Question) -> pd.DataFrame:
    """One row per (respondent, option) of a choice `question`: the cell is split on the reader's
    line-break join, options equal but for case and spaces take their most frequent spelling (published, cut at
    200 characters); columns numero, profil, valeur, modalite; an option ticked twice counts once."""
    # The reader (helpers.consultation.choices) joined the chosen labels with line breaks.
    values = analysed[question.id].fillna("").str.split(JOIN, regex=False).explode().str.strip()
    rows = pd.DataFrame({"numero": analysed.loc[values.index, "numero"].to_numpy(),
                         "profil": analysed.loc[values.index, "profil"].to_numpy(), "valeur": values.to_numpy()})
    rows = rows[rows["valeur"] != ""]
    rows["modalite"] = publishable_series(unify_spellings(rows["valeur"]), 200)
    return rows.drop_duplicates(["numero", "modalite"])


def choices(analysed: pd.DataFrame, question: Question) -> pd.DataFrame:
    """Share of respondents choosing each option of one choice `question`, overall then by category.

    Returns ``consultation_choix`` rows (columns ``CHOICE_COLUMNS``: question, modalite, profil — « Ensemble des
    répondants » first, then categories alphabetically —, n_repondants, base_n: respondents who answered the
    question in that group, part: n_repondants / base_n, 0–1, 4 decimals). Options are in the questionnaire's
    declared order (``options``) when it gives one, then by decreasing number of respondents overall; empty
    frame when nobody answered."""
    rows = choice_rows(analysed, question)
    answered = rows.drop_duplicates("numero")
    out = []
    for profile, sub, base in [(OVERALL, rows, answered)] + [
            (p, rows[rows["profil"] == p], answered[answered["profil"] == p]) for p in sorted(rows["profil"].unique())]:
        counts = sub.groupby("modalite")["numero"].nunique()
        for option, n in counts.items():
            out.append({"question": question.id, "modalite": option, "profil": profile, "n_repondants": int(n),
                        "base_n": len(base), "part": round(n / len(base), 4)})
    table = pd.DataFrame(out, columns=CHOICE_COLUMNS)
    if table.empty:
        return table
    overall = table[table["profil"] == OVERALL].set_index("modalite")["n_repondants"]
    # Declared options keep the questionnaire's order (a scale is never sorted by count); others follow.
    declared = {comparison_key(label): i for i, (_code, label) in enumerate(question.options)}
    table["_declare"] = table["modalite"].map(lambda m: declared.get(comparison_key(m), len(declared)))
    table["_ordre"] = table["modalite"].map(overall).fillna(0)
    table["_profil"] = table["profil"] != OVERALL
    table = table.sort_values(["_profil", "profil", "_declare", "_ordre", "modalite"],
                              ascending=[True, True, True, False, True])
    return table.drop(columns=["_declare", "_ordre", "_profil"]).reset_index(drop=True)


def all_choices(analysed: pd.DataFrame, questions: list[Question]) -> pd.DataFrame:
    """``consultation_choix``: ``choices`` of every choice question in `questions`, concatenated in
    questionnaire order; an empty frame with ``CHOICE_COLUMNS`` when there is none or nobody answered."""
    frames = [choices(analysed, q) for q in questions if q.is_choice]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHOICE_COLUMNS)
