"""The gold corpus (../shared/data/consultation-gold, real Grand Débat answers coded by La Grande Annotation) laid out
as a Cap Collectif export, built at test time into a temporary folder (never committed).

The layout is the one of the Grand Débat's open data, written by Cap Collectif's exporter (its reference fixture:
../shared/data/consultation-exports/cap_collectif_export.csv): every string quoted, « , », UTF-8 without BOM, LF;
metadata columns `id, reference, title, createdAt, publishedAt, updatedAt, trashed, trashedStatus, authorId,
authorType, authorZipCode`; one column per question named ``Q`` + base64(``Question:<n>``) + `` - `` + its text;
line breaks in answers replaced by spaces. One row per contribution (the gold file's `reference`). The corpus has
no dates, authors nor titles (dropped at the source): those cells stay empty, the author type is « Citoyen /
Citoyenne ». The spec has free-text questions only, as the Grand Débat's questionnaires (no `datasets` question).
"""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

GOLD = Path(__file__).resolve().parents[2] / "shared" / "data" / "consultation-gold" / "grande_annotation.csv"
METADATA = ["id", "reference", "title", "createdAt", "publishedAt", "updatedAt", "trashed", "trashedStatus",
            "authorId", "authorType", "authorZipCode"]
CATCH_ALL = {"Sans réponse / Hors sujet / Inclassable", "Z Autres"}


def column(question_id: str, text: str) -> str:
    """The open-data header of a question: ``Q`` + base64(``Question:<n>``) + `` - `` + its text."""
    return "Q" + base64.b64encode(f"Question:{question_id}".encode()).decode().lstrip("Q") + " - " + text


def write_gold_export(directory: Path, theme: str, coded: str | None = None, examples: int = 5,
                      seed: int = 2014) -> tuple[Path, Path, pd.DataFrame]:
    """The answers of one Grand Débat `theme` as a Cap Collectif export and its spec in `directory`: (export,
    spec, the gold rows used). With `coded` (a question id), that question carries a codebook: its human tags
    with more than `examples` well-voted answers, `examples` of them each (fixed seed) as the codes' examples."""
    gold = pd.read_csv(GOLD, dtype={"question_id": str}, keep_default_na=False)
    gold = gold[gold["theme"] == theme]
    questions = gold.drop_duplicates("question_id").sort_values("question_id", key=lambda s: s.astype(int))
    headers = {q.question_id: column(q.question_id, q.question) for q in questions.itertuples()}
    rows = []
    for reference, group in gold.groupby("reference", sort=False):
        row = dict.fromkeys(METADATA + list(headers.values()), "")
        row.update({"id": base64.b64encode(f"Proposal:{reference}".encode()).decode(), "reference": reference,
                    "trashed": "false", "authorType": "Citoyen / Citoyenne"})
        for answer in group.itertuples():
            row[headers[answer.question_id]] = " ".join(answer.answer.split())  # line breaks become spaces
        rows.append(row)
    export = directory / "grand_debat_export.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    spec = {"platform": "cap_collectif", "columns": {"id": "id", "respondent_type": "authorType"},
            "questions": []}
    for q in questions.itertuples():
        entry = {"id": f"q{q.question_id}", "column": headers[q.question_id], "label": q.question, "kind": "free_text"}
        if q.question_id == coded:
            entry["codes"] = codebook(gold[gold["question_id"] == coded], examples, seed)
        spec["questions"].append(entry)
    spec_path = directory / "grand_debat_questionnaire.yml"
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    return export, spec_path, gold


def codebook(rows: pd.DataFrame, examples: int, seed: int) -> list[dict]:
    """Codes from the human tags of one question: each tag with more than `examples` answers whose top tag it
    is with at least 2 votes, with `examples` of those answers (seeded) as examples."""
    ok = rows[(rows["top_tag_votes"].astype(int) >= 2) & ~rows["top_tag"].isin(CATCH_ALL)]
    rng = np.random.default_rng(seed)
    codes = []
    for tag, group in sorted(ok.groupby("top_tag")):
        if len(group) > examples:
            chosen = sorted(rng.choice(len(group), examples, replace=False))
            codes.append({"label": tag, "examples": [" ".join(t.split()) for t in group["answer"].iloc[chosen]]})
    return codes


def human_tags(rows: pd.DataFrame) -> pd.Series:
    """Each answer's human tags with at least 2 votes (a set), by row."""
    return rows["tags_votes"].map(lambda v: {t for t, n in json.loads(v).items() if n >= 2})
