"""From answers received to answers analysed: blanks and resubmissions excluded, campaigns flagged.

Rules, applied in this order (wording and thresholds in data/consultation.yml):
0. excluded by the spec: a row the platform marks as deleted or as a test (`exclude`, with its reason);
1. blank: no answer to any question (a respondent type alone is not an answer);
2. resubmission: when the export has an identifier and it repeats, the latest submission replaces the
   earlier ones: latest by date when every submission of that identifier is dated, else by position in
   the export (an unreadable date never counts as the earliest);
3. campaign: the same free text to the same question (case and spaces ignored, at least `longueur_min`
   characters) in at least `taille_min` of the remaining answers, and at least `part_min` of them (a phrasing
   common in a very large consultation is not a campaign), whatever the answers wrote elsewhere. Campaign answers
   are kept and flagged (an answer in two campaigns: the larger), never deleted;
4. exact duplicate, only when the export has no respondent identifier: outside campaigns, an answer with
   a free text that repeats an earlier answer on the respondent type and every question (case and spaces
   ignored): the later copies are excluded. Answers without free text are never duplicates (identical
   short answers are common and legitimate). With identifiers, different identifiers are different
   respondents, whatever they wrote.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.consultation.matching import split_mentions
from helpers.consultation.questionnaire import Questionnaire
from helpers.core.config import data_file
from helpers.core.text import comparison_key

ANALYSED, EXCLUDED = "analysee", "exclue"


def _keys(values: pd.Series) -> pd.Series:
    unique = pd.unique(values)
    return values.map({v: comparison_key(v) for v in unique})


def join_texts(columns: list[pd.Series], separator: str) -> pd.Series:
    """The non-empty texts of each row of `columns` (aligned Series of str) joined by `separator`;
    "" when all are empty. Vectorised: no Python call per row."""
    out = columns[0]
    for column in columns[1:]:
        both = (out != "") & (column != "")
        out = (out + separator + column).where(both, out.where(column == "", column))
    return out


def campaign_size(live: int) -> int:
    """How many of `live` answers must share a text for it to be a campaign: ``taille_min``, more in a large
    consultation (``part_min`` of them; ``consultation.yml``)."""
    rules = data_file("consultation.yml")["campagnes"]
    return max(rules["taille_min"], math.ceil(rules["part_min"] * live))


def _repeated(keys: pd.Series, size: int) -> pd.Series:
    """Of `keys` (one question's answers, ``comparison_key``), those written alike by at least `size` answers and at
    least ``longueur_min`` characters long, on their rows only."""
    keys = keys[keys.str.len() >= data_file("consultation.yml")["campagnes"]["longueur_min"]]
    sizes = keys.value_counts()
    return keys[keys.isin(sizes.index[sizes >= size])]


def repeated_texts(screened: pd.DataFrame, question: str) -> pd.Series:
    """The key (``comparison_key``) of each answer of `screened` (``screen``'s, or a part of it) whose text at
    `question` (a free-text or datasets question's id) is a campaign's (``taille_campagne`` answers or more wrote
    it alike), "" for the others. Keyed on the answers flagged in a campaign only: every answer carrying such a
    text is."""
    flagged = screened[screened["campagne"] != ""]
    keys = _repeated(_keys(flagged[question]), screened.attrs["taille_campagne"])
    return keys.reindex(screened.index, fill_value="")


def screen(frame: pd.DataFrame, spec: Questionnaire) -> pd.DataFrame:
    """The answers with `statut` (analysee / exclue), `motif_exclusion`, `campagne` (C1, C2… or "") and
    `question_campagne` (the id of the free-text or datasets question the campaign's answers share, or ""); its
    ``attrs`` hold ``taille_campagne``."""
    rules = data_file("consultation.yml")
    reasons = rules["exclusion"]
    out = frame.copy(deep=False)  # copy-on-write (pandas 3): the caller's frame is never changed
    questions = [q.id for q in spec.questions]
    out["statut"], out["motif_exclusion"], out["campagne"], out["question_campagne"] = ANALYSED, "", "", ""

    if "exclusion" in out:
        marked = out["exclusion"] != ""
        out.loc[marked, "statut"] = EXCLUDED
        out.loc[marked, "motif_exclusion"] = out.loc[marked, "exclusion"]

    blank = (out[questions] == "").all(axis=1) & (out["statut"] == ANALYSED)
    out.loc[blank, ["statut", "motif_exclusion"]] = [EXCLUDED, reasons["vide"]]

    if spec.id_column:
        live = out[out["statut"] == ANALYSED]
        undated = live["date"].isna().groupby(live["id"]).transform("any")
        # Rank in time when the identifier's submissions are all dated, else rank in the file.
        by_date = live.sort_values(["date", "numero"]).assign(_rang=range(len(live)))["_rang"].reindex(live.index)
        rank = by_date.where(~undated, live["numero"] + len(live))
        latest = rank.groupby(live["id"]).transform("max")
        earlier = rank < latest
        out.loc[earlier[earlier].index, ["statut", "motif_exclusion"]] = [EXCLUDED, reasons["resoumission"]]

    live = out["statut"] == ANALYSED
    out.attrs["taille_campagne"] = size = campaign_size(int(live.sum()))
    free_keys = {q.id: _keys(out[q.id]) for q in spec.of_kind("free_text")}  # case and spaces ignored
    found = []  # (-size, first numero, question, members): largest first, then earliest
    repeated = {q: _repeated(keys[live], size) for q, keys in free_keys.items()}
    for question in spec.of_kind("datasets"):
        # A text pasted at « which data? » is a campaign when it names several (a list, a letter cut at its
        # commas); one name typed alike by many is a popular request, copied from the cartography or not.
        keys = _repeated(_keys(out.loc[live, question.id]), size)
        pieces = split_mentions(out.loc[keys.index, question.id], question.separator).index.value_counts()
        repeated[question.id] = keys[pieces.reindex(keys.index, fill_value=0) >= 2]
    for question, keys in repeated.items():
        for _, members in keys.groupby(keys):
            found.append((-len(members), int(out.loc[members.index, "numero"].min()), question, members.index))
    named = 0
    for *_, question, members in sorted(found, key=lambda f: f[:3]):
        members = members[out.loc[members, "campagne"] == ""]  # an answer in two campaigns stays in the first
        if len(members):
            named += 1
            out.loc[members, ["campagne", "question_campagne"]] = [f"C{named}", question]

    # The answer's free texts, case and spaces ignored, joined (empty when it wrote none).
    free = list(free_keys.values())
    text = join_texts(free, " || ") if free else pd.Series("", index=out.index)
    candidates = (out["statut"] == ANALYSED) & (out["campagne"] == "") & (text != "") & (not spec.id_column)
    content = out.loc[candidates, ["profil", *questions]].apply(lambda col: _keys(col))
    repeated = content.duplicated(keep="first")
    out.loc[repeated[repeated].index, ["statut", "motif_exclusion"]] = [EXCLUDED, reasons["doublon"]]
    return out


def campaigns(screened: pd.DataFrame, spec: Questionnaire) -> pd.DataFrame:
    """One row per campaign: its id, the question its answers share (id), size (every analysed answer carrying its
    text there, those flagged with a larger campaign included), share of analysed answers, main respondent type,
    first answer."""
    members = screened[screened["campagne"] != ""]
    analysed = int((screened["statut"] == ANALYSED).sum())
    rows = []
    for name, group in members.groupby("campagne", sort=False):
        question = group["question_campagne"].iloc[0]
        keys = repeated_texts(screened, question)
        carrying = screened.loc[keys.index[keys == keys[group.index[0]]]]
        rows.append({"campagne": name, "question": question, "n_reponses": len(carrying),
                     "part": round(len(carrying) / analysed, 4),
                     "profil_principal": carrying["profil"].value_counts().index[0],
                     "premiere_reponse": int(carrying["numero"].min())})
    table = pd.DataFrame(rows, columns=["campagne", "question", "n_reponses", "part", "profil_principal",
                                        "premiere_reponse"])
    return table.sort_values("premiere_reponse").sort_values("n_reponses", ascending=False, kind="stable")
