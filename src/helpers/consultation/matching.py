"""Dataset mentions matched to the cartography's bases, and what matches nothing grouped.

Each distinct mention key (helpers.consultation.aliases.match_key) is matched once, so 100,000 answers cost no
more than their distinct spellings:
1. an exact alias names one base: accepted (« alias exact »); it names several: « ambiguë »;
2. otherwise a fuzzy score against every alias (rapidfuzz, utils.default_process): the better of
   token_sort_ratio (typos, word order) and token_set_ratio (one name inside the other) scaled down
   by the length ratio (from ×0.8 to ×1), so that one shared word is not a match; best score per base:
   at or above `accepte` with no other base within `marge` points: accepted (« approché »);
   a close second base: « ambiguë », unless one reads word for word as the mention (token_sort_ratio
   at or above `accepte`, `marge` points ahead of the other);
   from `a_verifier` to `accepte`: « à vérifier »; below: unmatched.
A mention without any letter ("-1+1") is no mention of a dataset: mentions_table leaves it out (it
stays in the published answer). Only accepted mentions count as requests; the others are listed
for review with their candidates.
Unmatched mentions at least `regroupement` similar (same score) form one missing dataset.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

from helpers.consultation.aliases import ACRONYM, match_key, words
from helpers.core.config import data_file

ACCEPTED, REVIEW, AMBIGUOUS, UNMATCHED = "rapprochee", "a_verifier", "ambigue", "non_rapprochee"
STATUS_LABELS = {ACCEPTED: "rapprochée", REVIEW: "à vérifier", AMBIGUOUS: "ambiguë",
                 UNMATCHED: "absente de la cartographie"}
RESULT_COLUMNS = ["cle", "statut", "methode", "base_id", "score", "candidats"]


LIST_MARKER = r"^(?:[-–—•*·]|\d{1,2}[.)])\s+"


def split_mentions(values: pd.Series, separator: str | None) -> pd.Series:
    """One mention per element (index kept): cut at the question's separator and at line breaks, each
    without the list marker a respondent typed before it (« - », « • », « 1. »: « une par ligne » answers)."""
    text = values.fillna("").astype(str)
    if separator:
        text = text.str.replace(separator, "\n", regex=False)
    parts = text.str.split("\n").explode().str.strip().str.replace(LIST_MARKER, "", regex=True)
    return parts[parts.str.len() > 0]


def _exact(keys: list[str], aliases: pd.DataFrame) -> dict[str, dict]:
    by_key = aliases.groupby("cle")["base_id"].apply(lambda s: sorted(set(s)))
    out = {}
    for key in keys:
        if key in by_key.index:
            bases = by_key[key]
            status = ACCEPTED if len(bases) == 1 else AMBIGUOUS
            out[key] = {"cle": key, "statut": status, "methode": "alias exact", "score": 100.0,
                        "base_id": bases[0] if len(bases) == 1 else "", "candidats": "|".join(bases)}
    return out


def similarity(queries: list[str], choices: list[str], ordered_only: bool = False) -> np.ndarray:
    """Score 0–100 of every query against every choice (rows: queries)."""
    options = {"processor": utils.default_process, "dtype": np.float32, "workers": -1}
    ordered = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, **options)
    if ordered_only:
        return np.rint(ordered).astype(np.uint8)
    contained = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, **options)
    q = np.array([len(utils.default_process(x)) for x in queries], dtype=np.float32)[:, None]
    c = np.array([len(utils.default_process(x)) for x in choices], dtype=np.float32)[None, :]
    scale = 0.8 + 0.2 * np.minimum(q, c) / np.maximum(np.maximum(q, c), 1)
    return np.rint(np.maximum(ordered, contained * scale)).astype(np.uint8)


def _per_base(scores: np.ndarray, choices: list[str], aliases: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Best score per base: columns of `scores` are alias keys, each alias names one or several bases."""
    pairs = aliases[["cle", "base_id"]].drop_duplicates()
    column = {key: i for i, key in enumerate(choices)}
    base_ids = sorted(pairs["base_id"].unique())
    out = np.zeros((scores.shape[0], len(base_ids)), dtype=np.uint8)
    for j, base_id in enumerate(base_ids):
        out[:, j] = scores[:, [column[k] for k in pairs.loc[pairs["base_id"] == base_id, "cle"]]].max(axis=1)
    return out, base_ids


def _fuzzy(keys: list[str], aliases: pd.DataFrame) -> list[dict]:
    rules = data_file("consultation.yml")["rapprochement"]
    margin = rules["marge"]
    choices = sorted(aliases["cle"].unique())
    per_base, base_ids = _per_base(similarity(keys, choices), choices, aliases)
    in_order, _ = _per_base(similarity(keys, choices, ordered_only=True), choices, aliases)
    rows = []
    for i, key in enumerate(keys):
        order = np.argsort(-per_base[i].astype(int), kind="stable")[:2]
        best, second = (int(per_base[i, j]) for j in order) if len(order) == 2 else (int(per_base[i, 0]), 0)
        row = {"cle": key, "score": float(best), "base_id": "", "candidats": "", "methode": "approché"}
        # A close second base is ambiguous unless word for word (token_sort_ratio) one is clearly closer:
        # "… Volet Produits de conraste" is inside both "Volet" names, but reads as only one of them.
        close = second > 0 and best - second < margin
        if close and len(order) == 2:
            words = sorted(order, key=lambda j: -int(in_order[i, j]))
            first_words, second_words = int(in_order[i, words[0]]), int(in_order[i, words[1]])
            if first_words >= rules["accepte"] and first_words - second_words >= margin:
                close, order = False, words
        if best < rules["a_verifier"]:
            row.update(statut=UNMATCHED, methode="", score=float(best) if best else np.nan)
        elif close:
            near = [base_ids[j] for j in np.flatnonzero(per_base[i] > best - margin)]
            row.update(statut=AMBIGUOUS, candidats="|".join(near))
        else:
            row.update(statut=ACCEPTED if best >= rules["accepte"] else REVIEW, candidats=base_ids[order[0]])
            row["base_id"] = base_ids[order[0]] if best >= rules["accepte"] else ""
        rows.append(row)
    return rows


def match_keys(keys: list[str], aliases: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct key: statut, methode, base_id (accepted only), score, candidats."""
    keys = sorted(set(keys))
    exact = _exact(keys, aliases)
    wordless = [{"cle": k, "statut": UNMATCHED, "methode": "", "base_id": "", "score": np.nan, "candidats": ""}
                for k in keys if k not in exact and not any(c.isalpha() for c in k)]
    done = set(exact) | {row["cle"] for row in wordless}
    rest = [k for k in keys if k not in done]
    rows = list(exact.values()) + wordless + (_fuzzy(rest, aliases) if rest else [])
    return pd.DataFrame(rows, columns=RESULT_COLUMNS).sort_values("cle").reset_index(drop=True)


def mention_key(mention: str) -> str:
    """The comparison key of a mention; one acronym among only the surrounding words of consultation.yml
    (« la base RPPS », « fichier SAE ») is keyed as the acronym alone, so that it meets its exact alias."""
    surrounding = set(data_file("consultation.yml")["rapprochement"]["mots_autour_sigle"])
    tokens = [t for t in re.split(r"[^\w-]+", mention) if t]
    rest = [t for t in tokens if " ".join(words(t)) not in surrounding]
    if len(rest) == 1 and len(tokens) > 1 and ACRONYM.match(rest[0]):
        return match_key(rest[0])
    return match_key(mention)


def mentions_table(answers: pd.DataFrame, questions: list) -> pd.DataFrame:
    """One row per (answer, question, mention): numero, question, mention (as written), cle."""
    frames = []
    for question in questions:
        parts = split_mentions(answers[question.id], question.separator)
        frame = pd.DataFrame({"numero": answers.loc[parts.index, "numero"].to_numpy(), "question": question.id,
                              "mention": parts.to_numpy()})
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["numero", "question",
                                                                                     "mention"])
    unique = pd.unique(table["mention"])
    table["cle"] = table["mention"].map({m: mention_key(m) for m in unique})
    # A mention without any letter ("-1+1") names no dataset: it stays in the answer, not in the lists.
    named = table["cle"].str.contains(r"[a-z]", regex=True)
    long_enough = table["cle"].str.len() >= data_file("consultation.yml")["rapprochement"]["longueur_min"]
    return table[named & long_enough].reset_index(drop=True)


def group_unmatched(counts: pd.DataFrame) -> pd.Series:
    """Group id (M001…) per unmatched key: the most requested key leads, similar keys join it."""
    threshold = data_file("consultation.yml")["rapprochement"]["regroupement"]
    ordered = counts.sort_values(["n_repondants", "cle"], ascending=[False, True])["cle"].tolist()
    if not ordered:
        return pd.Series(dtype=str)
    similar = similarity(ordered, ordered) >= threshold
    group = [""] * len(ordered)
    n = 0
    for i in range(len(ordered)):
        if group[i]:
            continue
        n += 1
        for j in np.flatnonzero(similar[i]):
            if not group[j]:
                group[j] = f"M{n:03d}"
    return pd.Series(group, index=ordered)
