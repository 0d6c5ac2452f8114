"""Synthetic consultation export: a seeded, realistic CSV in the questionnaire format, and its spec.

The 2014 answers were never published; this sample lets notebook 04 run and be tested. Requests name
bases of the cartography in processed_dir (bases.csv) under varied spellings (acronyms, lower case,
accents dropped, typos); free texts come from a template grammar with many slots
(data/consultation_synthetique.yml). It also holds blanks, resubmissions, exact duplicates, campaigns
and hostile or personal strings. Same bases, size and seed: byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from helpers.consultation.dates import period_2014
from helpers.consultation.questionnaire import load_questionnaire
from helpers.consultation.synthetic_draws import AnswerDraw, invented, weighted_choice
from helpers.core.config import data_path
from helpers.core.storage import write_bytes_atomic

EXPORT_NAME = "consultation_synthetique.csv"
SPEC_NAME = "questionnaire_synthetique.yml"
QUESTIONS = ("demandes", "raisons", "risques", "precisions", "manquantes")


@dataclass
class Composition:
    """What the generator put in the export, to check the analysis against."""

    received: int = 0
    blank: int = 0
    resubmitted: int = 0  # earlier submissions replaced by a later one (same identifier)
    duplicates: int = 0  # the same answer sent twice under the same identifier (screened as resubmissions)
    campaigns: list[int] = field(default_factory=list)  # size of each campaign
    hostile: int = 0


def _moment(rng: random.Random, day: int) -> dt.datetime:
    start = dt.datetime.combine(period_2014()[0], dt.time())
    return start + dt.timedelta(days=day, hours=rng.randint(7, 23), minutes=rng.randint(0, 59),
                                seconds=rng.randint(0, 59))


def _days() -> tuple[int, list[float]]:
    """Days of the consultation and their weights: a rush at the launch, a rise before the close."""
    first, last = period_2014()
    days = (last - first).days + 1
    return days, [6, 4, 3] + [1.5] * (days - 6) + [2, 2.5, 3]


def _regular(rng: random.Random, draw: AnswerDraw, share: float) -> dict:
    parts = invented()["parts"]
    days, weights = _days()
    profile = draw.profile() if rng.random() >= parts["profil_vide"] else ""
    return {"kind": "reguliere", "profil": profile, "date": _moment(rng, weighted_choice(rng, range(days), weights)),
            "demandes": draw.requests() if rng.random() >= parts["sans_demande"] else "",
            "raisons": draw.reasons(profile), "risques": draw.risk(profile),
            "precisions": draw.free_text(profile) if rng.random() < share else "", "manquantes": draw.missing()}


def _campaign(rng: random.Random, draw: AnswerDraw, spec: dict, size: int) -> list[dict]:
    requests = " | ".join(draw.base(i) for i in draw.bases(spec["nombre_bases"]))
    first_day = rng.randint(5, 18)
    profiles = spec["profils"]
    return [{"kind": "campagne", "profil": weighted_choice(rng, list(profiles), list(profiles.values())),
             "date": _moment(rng, first_day + rng.randrange(2)), "demandes": requests,
             "raisons": "|".join(spec["raisons"]), "risques": spec["risques"],
             "precisions": " ".join(spec["texte"].split()), "manquantes": ""} for _ in range(size)]


def _hostile(rng: random.Random, entries: list[dict], targets: list[int]) -> None:
    words = invented()
    items = [*words["hostiles"], {"question": words["long_texte"]["question"],
                                  "texte": words["long_texte"]["phrase"] * words["long_texte"]["fois"]}]
    for index, item in zip(targets, items, strict=True):
        entry, question = entries[index], item["question"]
        if question == "demandes" and entry["demandes"]:
            entry["demandes"] = item["texte"] + " | " + entry["demandes"]
        else:
            entry[question] = item["texte"]


def generate(bases: pd.DataFrame, n: int = 1500, seed: int = 2014,
             free_text_share: float | None = None) -> tuple[list[dict], Composition]:
    """Draw a synthetic consultation from the cartography's `bases` (``bases.csv``).

    Parameters
    ----------
    bases : DataFrame
        ``bases.csv`` rows (base_id, base, gestionnaires): what the requests name.
    n : int
        Answers received (at least about 1000, so that every kind of case is present).
    seed : int
        Seed of the one ``random.Random`` every draw comes from: same bases, `n` and seed → same answers.
    free_text_share : float or None
        Share of regular answers with a free text (0–1); None takes ``parts.texte_libre`` of
        ``consultation_synthetique.yml``.

    Returns
    -------
    entries : list of dict
        The answers received in submission order (date, then draw order): id, profil, date (naive local
        datetime), one key per question of ``QUESTIONS``, and ``kind`` / ``origin`` for the planted cases.
    Composition
        How many blanks, resubmissions, duplicates, campaigns (sizes) and hostile strings were planted.

    Raises
    ------
    ValueError
        `n` is too small to hold every planted case (a programming error: the notebook uses the default)."""
    words = invented()
    parts = words["parts"]
    rng = random.Random(seed)
    draw = AnswerDraw(rng, bases)
    share = parts["texte_libre"] if free_text_share is None else free_text_share
    sizes = [round(n * c["part"]) for c in words["campagnes"]]
    n_blank, n_resub, n_dup = (round(n * parts[k]) for k in ("vides", "resoumissions", "doublons"))
    n_regular = n - n_blank - n_resub - n_dup - sum(sizes)
    n_hostile = len(words["hostiles"]) + 1
    if n_regular < n_hostile + n_resub + n_dup or min(sizes, default=10) < 10:
        raise ValueError(f"n trop petit pour un échantillon complet (reçu {n}, au moins 1000)")
    entries = [_regular(rng, draw, share) for _ in range(n_regular)]
    order = list(range(n_regular))
    rng.shuffle(order)
    hostile, resubmitted = order[:n_hostile], order[n_hostile:n_hostile + n_resub]
    duplicated = [i for i in order[n_hostile + n_resub:] if entries[i]["precisions"]][:n_dup]
    _hostile(rng, entries, hostile)
    for i in resubmitted:
        copy = {**entries[i], "kind": "resoumission", "origin": entries[i]}
        copy["date"] = min(copy["date"] + dt.timedelta(minutes=rng.randint(60, 3 * 24 * 60)),
                           dt.datetime.combine(period_2014()[1], dt.time(23, 59)))
        if rng.random() < 0.5:  # edited before sending again
            copy.update(raisons=draw.reasons(copy["profil"]), precisions=draw.free_text(copy["profil"]))
        entries.append(copy)
    for i in duplicated:  # sent twice by mistake: same identifier, so a resubmission of the same answer
        entries.append({**entries[i], "kind": "doublon", "origin": entries[i], "date": entries[i]["date"]
                        + dt.timedelta(seconds=rng.randint(1, 300))})
    for spec, size in zip(words["campagnes"], sizes, strict=True):
        entries += _campaign(rng, draw, spec, size)
    days, weights = _days()
    for _ in range(n_blank):
        profile = draw.profile() if rng.random() < 0.5 else ""
        moment = _moment(rng, weighted_choice(rng, range(days), weights))
        entries.append({"kind": "vide", "profil": profile, "date": moment, **dict.fromkeys(QUESTIONS, "")})
    entries.sort(key=lambda entry: entry["date"])  # stable: draw order among equal dates
    for number, entry in enumerate(e for e in entries if "origin" not in e):
        entry["id"] = f"R{number + 1:06d}"
    for entry in entries:
        entry["id"] = entry["origin"]["id"] if "origin" in entry else entry["id"]
    return entries, Composition(n, n_blank, n_resub, len(duplicated), sizes, n_hostile)


def export_bytes(entries: list[dict]) -> bytes:
    """The `entries` of ``generate`` as the platform-like CSV export the synthetic spec describes: UTF-8,
    comma-separated, CRLF line ends, one header row (identifier, category, date, the questions), dates as
    « jj/mm/aaaa hh:mm:ss »; bytes."""
    with resources.as_file(data_path(SPEC_NAME)) as path:
        spec = load_questionnaire(path)
    header = [spec.id_column, spec.respondent_column, spec.date_column, *(q.column for q in spec.questions)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for e in entries:
        writer.writerow([e["id"], e["profil"], e["date"].strftime("%d/%m/%Y %H:%M:%S"),
                         *(e[q] for q in QUESTIONS)])
    return buffer.getvalue().encode("utf-8")


def write_synthetic_consultation(processed_dir: str | Path, bases: pd.DataFrame, n: int = 1500, seed: int = 2014,
                                 free_text_share: float | None = None) -> tuple[Path, Path, Composition]:
    """Write the synthetic export (``consultation_synthetique.csv``) and its spec
    (``questionnaire_synthetique.yml``) into `processed_dir`, atomically; `n`, `seed` and `free_text_share` as in
    ``generate``. Returns (export path, spec path, Composition)."""
    processed_dir = Path(processed_dir)
    entries, composition = generate(bases, n, seed, free_text_share)
    export = write_bytes_atomic(processed_dir / EXPORT_NAME, export_bytes(entries))
    spec = write_bytes_atomic(processed_dir / SPEC_NAME, data_path(SPEC_NAME).read_bytes())  # copied unchanged
    return export, spec, composition
