"""Openness of each assessed line and level: ordinal codes, open gate, score, what is missing.

Rules (documented in report 02's reading guide):
- each criterion gets the ordinal code of its modality (vocabulaire.yml, 2 = top value); a value
  outside the vocabulary is "inconnu" and an empty one "non renseigné": neither becomes a number;
- when access is closed, cost, format and reuse are "sans objet" (not applicable), whatever is written;
- open gate (Open Definition): open only when all four criteria are at their top value;
- score 0–100: weighted mean of code/2 over the applicable, known criteria (weights: ponderations.yml);
- levels where nothing was assessed are not scored at all (they are counted apart).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cartography.cleaning import CRITERIA
from helpers.core.config import data_file
from helpers.core.errors import CartoError
from helpers.core.text import loose_key

TOP = 2
CLOSED = "Accès fermé"
STATUS_TOP, STATUS_MID, STATUS_LOW = "valeur maximale", "intermédiaire", "valeur minimale"
STATUS_NA, STATUS_UNKNOWN, STATUS_EMPTY = "sans objet", "inconnu", "non renseigné"


def weightings() -> dict[str, dict]:
    """The score's weightings, ``helpers/data/ponderations.yml``: name → ``libelle``, ``source`` and
    ``points`` per criterion — equal weights, and the points the Global Open Data Index (2014, 2016) and
    the Open Data Barometer give to the questions matching our four criteria. In file order."""
    return data_file("ponderations.yml")


def weights(name: str) -> dict[str, float]:
    """Weights of a named weighting (criterion id → weight), renormalised to sum to 1.

    Raises :class:`helpers.core.errors.CartoError` (naming ponderations.yml) listing the valid names for a
    name that file does not hold (e.g. a notebook parameter ``weighting`` mistyped)."""
    table = weightings()
    if name not in table:
        raise CartoError("ponderations.yml", f"pondération inconnue « {name} » ; pondérations valides : "
                                             f"{', '.join(table)}")
    points = table[name]["points"]
    total = sum(points[c] for c in CRITERIA)
    return {c: points[c] / total for c in CRITERIA}


def actions() -> dict[str, str]:
    """Criterion id → what it takes to bring it to its top value, in French (vocabulaire.yml ``action``)."""
    return {c: data_file("vocabulaire.yml")["criteres"][c]["action"] for c in CRITERIA}


def _status(code: float, value: str, applicable: bool) -> str:
    if not applicable:
        return STATUS_NA
    if value == "":
        return STATUS_EMPTY
    if np.isnan(code):
        return STATUS_UNKNOWN
    return STATUS_TOP if code == TOP else STATUS_LOW if code == 0 else STATUS_MID


def score_lines(evaluations: pd.DataFrame) -> pd.DataFrame:
    """Score the assessed levels, by the rules of the module docstring.

    `evaluations`: the cleaned ``evaluations`` table (one row per line × level, with ``evalue`` and the
    four criteria as retained). Returns its assessed rows (``evalue`` true; fresh 0-based index) with,
    added, per criterion ``code_<c>`` (Int64 0–2, NA when not applicable or not in the vocabulary) and
    ``statut_<c>`` (« valeur maximale », « intermédiaire », « valeur minimale », « sans objet »,
    « inconnu », « non renseigné »); ``ouvert`` (bool, the Open Definition gate: all four codes at 2);
    ``score_<weighting>`` for every weighting (0–100, one decimal; NaN when no criterion is known);
    ``criteres_manquants`` and ``criteres_inconnus`` (criterion ids joined by « | »), ``actions``
    (French, « ; »-joined) and ``gain_rapide`` (bool: exactly one known criterion below top, three at top).
    """
    spec = data_file("vocabulaire.yml")["criteres"]
    ev = evaluations[evaluations["evalue"]].reset_index(drop=True).copy()
    # Labels looked up by their normalised key (case, accents, spaces, apostrophes aside), as the cleaning
    # recognises them: a retyped « Accès à Tous » keeps its code.
    closed = ev["acces"].map(loose_key) == loose_key(CLOSED)
    known = {}
    for c in CRITERIA:
        codes = {loose_key(label): code for label, code in spec[c]["codes"].items()}
        code = ev[c].map(lambda v, codes=codes: codes.get(loose_key(v), np.nan)).astype(float)
        applicable = ~closed if c != "acces" else pd.Series(True, index=ev.index)
        code = code.where(applicable)
        ev[f"code_{c}"] = code.astype("Int64")
        ev[f"statut_{c}"] = [_status(k, v, a) for k, v, a in zip(code, ev[c], applicable, strict=True)]
        known[c] = code
    codes = pd.DataFrame(known)
    ev["ouvert"] = (codes == TOP).all(axis=1)
    for name in weightings():
        w = pd.Series(weights(name))
        mask = codes.notna()
        weight_sum = mask.mul(w, axis=1).sum(axis=1)
        value = (codes.fillna(0) / TOP).mul(w, axis=1).sum(axis=1)
        ev[f"score_{name}"] = (100 * value / weight_sum.replace(0, np.nan)).round(1)
    missing = codes.lt(TOP) & codes.notna()
    statuses = ev[[f"statut_{c}" for c in CRITERIA]].to_numpy()
    unknown = pd.DataFrame(np.isin(statuses, [STATUS_UNKNOWN, STATUS_EMPTY]), columns=list(CRITERIA))
    labels = actions()
    ev["criteres_manquants"] = missing.apply(lambda r: "|".join(c for c in CRITERIA if r[c]), axis=1)
    ev["actions"] = missing.apply(lambda r: " ; ".join(labels[c] for c in CRITERIA if r[c]), axis=1)
    ev["criteres_inconnus"] = unknown.apply(lambda r: "|".join(c for c in CRITERIA if r[c]), axis=1)
    # One criterion away from open: exactly one below top, the three others known at top.
    ev["gain_rapide"] = (missing.sum(axis=1) == 1) & ((codes == TOP).sum(axis=1) == 3)
    return ev


def best_level(scored: pd.DataFrame, score: str = "score_equal") -> pd.DataFrame:
    """Per base: the best assessed level, open at either level, and the granular − aggregated gap.

    `scored`: :func:`score_lines` output; `score`: the score column compared. Returns one row per
    ``base_id`` with ``score_agrege`` and ``score_granulaire`` (the lowest of the base's lines when it has
    several; NaN when the level is not assessed), ``meilleur_niveau`` (« agrege » or « granulaire »; the
    aggregated level on a tie), ``ouvert_a_un_niveau`` (bool) and ``ecart_granulaire_agrege`` (points).
    """
    wide = scored.pivot_table(index="base_id", columns="niveau", values=score, aggfunc="min")
    wide = wide.reindex(columns=["agrege", "granulaire"])
    opened = scored.groupby("base_id")["ouvert"].any()
    out = pd.DataFrame({
        "score_agrege": wide["agrege"], "score_granulaire": wide["granulaire"],
        "meilleur_niveau": wide.fillna(-1).idxmax(axis=1) if len(wide) else pd.Series(dtype=str),
        "ouvert_a_un_niveau": opened,
        "ecart_granulaire_agrege": (wide["granulaire"] - wide["agrege"]).round(1),
    })
    return out.reset_index()
