"""A labelled set of dataset mentions built from the cartography's own names, to measure the matching.

For every base of ``bases.csv``: each of its acronyms (``matching.KnownNames.acronyms``) in upper, lower, title and
mixed case, alone and among determiners and common nouns (``variantes.autour_sigle`` of consultation_synthetique.yml:
« l'échantillon entred », « la cohorte cosmop »), and with trailing punctuation; its name as written, in lower
case, without accents, with trailing punctuation, and with one typo (``synthetic_draws.typo``, seeded). Each
mention is labelled with the base it names, or "" when it names several (an acronym or a name the cartography
gives several bases): those must never be counted. ``evaluate`` matches them as notebook 04 does and tells,
per kind of variant, how many were counted for their base (recall) and how many for another (wrong).
"""

from __future__ import annotations

import random

import pandas as pd

from helpers.consultation.aliases import alias_table
from helpers.consultation.matching import ACCEPTED, known_names, match_keys, mention_key
from helpers.consultation.synthetic_draws import typo
from helpers.core.config import data_file
from helpers.core.text import strip_accents

COLUMNS = ["mention", "base_id", "variante"]


def _cases(acronym: str) -> dict[str, str]:
    half = (len(acronym) + 1) // 2
    return {"majuscules": acronym.upper(), "minuscules": acronym.lower(), "capitale": acronym.capitalize(),
            "mixte": acronym[:half].upper() + acronym[half:].lower()}


def labelled_variants(bases: pd.DataFrame, aliases: pd.DataFrame | None = None,
                      seed: int | None = None) -> pd.DataFrame:
    """The variant set of `bases` (``bases.csv``: base_id, base): one row per distinct mention, columns mention,
    base_id (the base it names; "" when it names several), variante (« sigle <case> », « sigle <case> entouré »,
    « sigle ponctuation », « nom », « nom minuscules », « nom sans accents », « nom ponctuation », « nom faute »).
    Seeded (`seed`, default ``variantes.graine``): the same cartography and seed give the same set."""
    rules = data_file("consultation_synthetique.yml")["variantes"]
    rng = random.Random(rules["graine"] if seed is None else seed)
    aliases = alias_table(bases) if aliases is None else aliases
    owners = aliases.groupby("cle")["base_id"].apply(lambda s: sorted(set(s)))
    rows = []
    for key in sorted(known_names(bases, aliases).acronyms):
        label = owners[key][0] if len(owners[key]) == 1 else ""
        for case, written in _cases(key).items():
            for context in rules["autour_sigle"]:
                kind = f"sigle {case}" + ("" if context == "{}" else " entouré")
                rows.append((context.format(written), label, kind))
            rows.append((written + rng.choice(rules["ponctuation"]), label, "sigle ponctuation"))
    full = aliases[aliases["source"] == "nom complet"].set_index("base_id")["cle"]
    for base_id, name in bases.drop_duplicates("base_id")[["base_id", "base"]].itertuples(index=False):
        name = " ".join(str(name).split())
        key = full.get(base_id)
        label = base_id if key is None or len(owners.get(key, [base_id])) == 1 else ""
        for text, kind in [(name, "nom"), (name.lower(), "nom minuscules"), (strip_accents(name), "nom sans accents"),
                           (name + rng.choice(rules["ponctuation"]), "nom ponctuation"),
                           (typo(rng, name), "nom faute"), (typo(rng, strip_accents(name.lower())), "nom faute")]:
            rows.append((text, label, kind))
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.drop_duplicates("mention").reset_index(drop=True)


def evaluate(variants: pd.DataFrame, bases: pd.DataFrame, aliases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every variant matched as notebook 04 matches a mention (``mention_key`` and ``match_keys`` with the
    cartography's known names): `variants` plus cle, statut, base_trouvee (accepted base, or ""), juste (counted
    for its base), fausse (counted for another base, or counted although it names several)."""
    aliases = alias_table(bases) if aliases is None else aliases
    known = known_names(bases, aliases)
    keys = {m: mention_key(m, known) for m in variants["mention"]}
    matches = match_keys(list(keys.values()), aliases, known).set_index("cle")
    out = variants.assign(cle=variants["mention"].map(keys))
    out["statut"] = out["cle"].map(matches["statut"])
    out["base_trouvee"] = out["cle"].map(matches["base_id"]).where(out["statut"] == ACCEPTED, "")
    out["juste"] = (out["base_trouvee"] != "") & (out["base_trouvee"] == out["base_id"])
    out["fausse"] = (out["base_trouvee"] != "") & (out["base_trouvee"] != out["base_id"])
    return out


def summary(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Per kind of variant (``evaluate``): n (mentions naming one base), rappel (share counted for it, 0–1),
    n_ambigues (mentions naming several bases), fausses (counted for a wrong base: must be 0)."""
    one = evaluated["base_id"] != ""
    table = evaluated.assign(one=one, ok=evaluated["juste"] & one).groupby("variante").agg(
        n=("one", "sum"), justes=("ok", "sum"), n_ambigues=("one", lambda s: int((~s).sum())),
        fausses=("fausse", "sum"))
    table["rappel"] = (table["justes"] / table["n"].where(table["n"] > 0)).round(4)
    return table[["n", "rappel", "n_ambigues", "fausses"]].reset_index()
