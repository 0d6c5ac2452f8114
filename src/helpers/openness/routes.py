"""Opening paths (voies d'ouverture): for every assessed, non-open line × level, what kind of decision
opening it takes, who must take it, and whether it holds individual data.

Every rule, label and word list is data (``data/voies_ouverture.yml``, rendered in report 02's reading
guide); this module only applies them. The criteria statuses come from ``openness.scoring``.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from helpers.cartography.cleaning import CRITERIA
from helpers.core.config import data_file, data_path
from helpers.core.errors import CartoError
from helpers.core.text import comparison_key, strip_accents
from helpers.openness.scoring import STATUS_EMPTY, STATUS_TOP, STATUS_UNKNOWN

RULES_FILE = "voies_ouverture.yml"
COLUMNS = ["voie_ouverture", "decideur", "donnees_individuelles", "precaution", "motif_acces"]


def spec() -> dict:
    """The rules table (``voies_ouverture.yml``): paths, rules, privacy words, access reasons."""
    return data_file(RULES_FILE)


def _fold(text: object) -> str:
    return strip_accents(comparison_key("" if text is None or pd.isna(text) else text))


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words`, compared without case or accents, at the start of a word."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(_fold(w)) for w in words) + ")")


def _value(line: pd.Series, criterion: str) -> str:
    """The criterion's modality, or its status when it is off-vocabulary or empty."""
    status = line[f"statut_{criterion}"]
    return status if status in (STATUS_UNKNOWN, STATUS_EMPTY) else line[criterion]


def _matches(rule: dict, line: pd.Series) -> bool:
    for criterion in CRITERIA:
        if criterion in rule and _value(line, criterion) not in rule[criterion]:
            return False
    missing = set(filter(None, str(line["criteres_manquants"]).split("|")))
    if "manque_un_de" in rule and not missing & set(rule["manque_un_de"]):
        return False
    unknown = any(line[f"statut_{c}"] in (STATUS_UNKNOWN, STATUS_EMPTY) for c in CRITERIA)
    return "inconnu" not in rule or rule["inconnu"] == unknown


def route_of(line: pd.Series) -> str:
    """The path code of one non-open scored line (first matching rule of ``voies_ouverture.yml``).

    `line`: a row of :func:`~helpers.openness.scoring.score_lines` output (the four criteria, their
    ``statut_<c>``, ``criteres_manquants``, ``ligne_source``, ``niveau``). Raises ``CartoError`` naming
    the YAML file and the line when no rule matches (the rules must cover every case)."""
    for rule in spec()["regles"]:
        if _matches(rule, line):
            return rule["voie"]
    values = ", ".join(f"{c} = « {line[c]} »" for c in CRITERIA)
    raise CartoError(str(data_path(RULES_FILE)),
                     f"aucune règle ne s'applique à la ligne {line['ligne_source']} ({line['niveau']}) : {values}")


def individual_data(lines: pd.DataFrame) -> pd.Series:
    """Privacy flag per line and level (bool Series on `lines`' index): a level listed in the rules
    (granular) and one of the listed words in the access comment or « Principales données »."""
    rule = spec()["donnees_individuelles"]
    pattern = _pattern(tuple(rule["mots"]))
    text = lines[rule["colonnes"]].fillna("").astype(str).agg(" ".join, axis=1).map(_fold)
    return lines["niveau"].isin(rule["niveaux"]) & text.str.contains(pattern)


def access_reason(comment: object) -> str:
    """Reasons of a restriction found in an access comment (« ; »-separated, rules order), or ""."""
    text = _fold(comment)
    return " ; ".join(r["motif"] for r in spec()["motifs_acces"] if _pattern(tuple(r["mots"])).search(text))


def assign_routes(scored: pd.DataFrame) -> pd.DataFrame:
    """Opening path of every scored line and level (``scoring.score_lines`` output, with the evaluation's
    text columns ``commentaire_acces`` and ``donnees``).

    Returns a frame on `scored`'s index with ``COLUMNS``: ``voie_ouverture`` (path code, "" when the line
    is open), ``decideur`` (who must decide, "" when open), ``donnees_individuelles`` (bool, open lines
    included), ``precaution`` (the privacy caveat, "" without the flag) and ``motif_acces`` (reason of a
    restricted or closed access read from its comment, "" otherwise). Raises CartoError when the rules
    table leaves a non-open line without a path (a malformed table is refused when read: core.settings).
    """
    table = spec()
    privacy = individual_data(scored)
    caveats = table["donnees_individuelles"]
    out = pd.DataFrame(index=scored.index, columns=COLUMNS, dtype=object)
    for i, line in scored.iterrows():
        flagged = bool(privacy[i])
        path = "" if line["ouvert"] else route_of(line)
        spec_path = table["voies"].get(path, {})
        decider = spec_path.get("decideur_donnees_individuelles" if flagged else "decideur",
                                spec_path.get("decideur", ""))
        public = line["statut_acces"] == STATUS_TOP
        caveat = (caveats["precaution_acces_a_tous"] if public else caveats["precaution_autres"]) if flagged else ""
        reason = access_reason(line["commentaire_acces"]) if path in ("acces_restreint", "acces_ferme") else ""
        out.loc[i] = [path, decider, flagged, caveat, reason]
    return out.astype({"donnees_individuelles": bool})


def labels() -> dict[str, str]:
    """French label of each path code, in the reports' order (cheapest first)."""
    return {code: voie["libelle"] for code, voie in spec()["voies"].items()}


def decider_text(code: str) -> str:
    """Who decides for a path, in French, with the decider for individual data when the path has one.

    Raises ``KeyError`` for a code ``voies_ouverture.yml`` does not define."""
    voie = spec()["voies"][code]
    return " ; données individuelles : ".join(filter(None, [voie["decideur"],
                                                            voie.get("decideur_donnees_individuelles")]))
