"""Openness by producer and by category: counts, Wilson intervals, mean scores, ranks.

Units: a base listed on several lines (several categories) counts once per producer and once per
category; when its lines disagree, the least open one is kept (conservative). A co-managed base
counts for each of its producers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cartography.cleaning import CRITERIA
from helpers.cartography.producers import one_row_per_producer
from helpers.core.config import data_file
from helpers.openness.scoring import TOP, weightings


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927) of the proportion `successes` / `n`, computed by scipy's
    ``binomtest(...).proportion_ci(method="wilson")``: (low, high) in [0, 1]; (NaN, NaN) when `n` is 0.

    Chosen over the normal approximation because it stays inside [0, 1] and is honest for small groups
    and for shares near 0 or 1, which are common here."""
    if n == 0:
        return (np.nan, np.nan)
    # Imported here: scipy.stats takes about 1.5 s to import, and the views (a producer fiche) import this
    # module for its constants without computing any interval.
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def one_per_base(scored: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (base, level, keys): the least open line of the base, first in the source on ties.

    `scored`: :func:`~helpers.openness.scoring.score_lines` output (needs ``ouvert``, ``score_equal``,
    ``ligne_source``, ``base_id``, ``niveau``); least open = not open first, then lowest equal-weight
    score (an unscored line first). Returns the kept rows, in source order (``ligne_source``, ``niveau``)."""
    order = scored.sort_values(["ouvert", "score_equal", "ligne_source"], na_position="first")
    return order.drop_duplicates(["base_id", "niveau", *keys]).sort_values(["ligne_source", "niveau"])


def by_producer_rows(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored rows with one row per individual producer (co-managed lines are repeated, the producer in
    ``gestionnaire``), then one per (base, level, producer) as :func:`one_per_base` keeps it."""
    return one_per_base(one_row_per_producer(scored), ["gestionnaire"])


def summarise(rows: pd.DataFrame, keys: list[str], weighting: str) -> pd.DataFrame:
    """Per group and level: n, open count and share with Wilson interval, mean score with its Student
    interval, top shares.

    `rows`: scored rows, one per unit counted (see :func:`one_per_base`); `keys`: the grouping columns;
    `weighting`: the weighting of ``score_moyen``. Returns one row per (keys, ``niveau``), sorted, with
    ``n_evaluees``, ``n_ouvertes``, ``part_ouvertes`` (share 0–1, 4 decimals), ``ic_bas``/``ic_haut``
    (:func:`wilson`, 95 %), ``score_moyen`` and ``score_ic_bas``/``score_ic_haut`` (0–100, one decimal,
    :func:`mean_interval`), ``part_<criterion>_max`` (share at the top value) and ``score_moyen_<name>``
    for every weighting. Raises ``KeyError`` for an unknown `weighting`."""
    out = []
    for group, sub in rows.groupby([*keys, "niveau"], sort=True):
        n, k = len(sub), int(sub["ouvert"].sum())
        low, high = wilson(k, n)
        record = dict(zip([*keys, "niveau"], group, strict=True))
        record.update(n_evaluees=n, n_ouvertes=k, part_ouvertes=round(k / n, 4),
                      ic_bas=round(low, 4), ic_haut=round(high, 4),
                      score_moyen=round(float(sub[f"score_{weighting}"].mean()), 1))
        score_low, score_high = mean_interval(sub[f"score_{weighting}"])
        record.update(score_ic_bas=round(score_low, 1), score_ic_haut=round(score_high, 1))
        for c in CRITERIA:
            record[f"part_{c}_max"] = round(float((sub[f"code_{c}"] == TOP).sum()) / n, 4)
        for name in weightings():
            record[f"score_moyen_{name}"] = round(float(sub[f"score_{name}"].mean()), 1)
        out.append(record)
    return pd.DataFrame(out)


def mean_interval(scores: pd.Series, confidence: float = 0.95) -> tuple[float, float]:
    """Student t interval of the mean of `scores` (0–100, NaN ignored); (NaN, NaN) under two values.

    Clipped to 0–100; a group whose scores are all equal gets a zero-width interval."""
    values = scores.dropna().to_numpy(dtype=float)
    if len(values) < 2:
        return (np.nan, np.nan)
    from scipy.stats import t  # imported here: see wilson

    half = t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return (max(0.0, values.mean() - half), min(100.0, values.mean() + half))


def rank_with_interval(value: pd.Series, low: pd.Series, high: pd.Series,
                       tie_break: pd.Series | None = None) -> pd.DataFrame:
    """Point rank of each group and its 95 % rank interval, from pairwise comparison of intervals.

    Takes aligned series (one row per group): the point estimate, its interval bounds and an optional
    tie-break (higher is better). Returns a frame on the same index with `rang` (1 = best: by `value`
    descending, then `tie_break` descending; exact ties share the better rank), `rang_min` (1 + number of
    groups whose interval lies entirely above) and `rang_max` (N − number of groups whose interval lies
    entirely below). Always rang_min ≤ rang ≤ rang_max. Rule: Goldstein & Spiegelhalter (1996), rank
    intervals for league tables, with non-overlapping intervals as the test of a clear difference."""
    keys = pd.DataFrame({"v": value, "t": tie_break if tie_break is not None else 0.0})
    point = keys.apply(tuple, axis=1).rank(ascending=False, method="min")
    above = [(low > h).sum() for h in high]
    below = [(high < lo).sum() for lo in low]
    n = len(value)
    return pd.DataFrame({"rang": point.astype(int).to_numpy(), "rang_min": [1 + int(a) for a in above],
                         "rang_max": [n - int(b) for b in below]}, index=value.index)


#: The two ranking rules (``critere_rang``): share of open bases (ties broken by mean score), or mean score.
BY_SHARE, BY_SCORE = "part_ouverte", "score_moyen"


def ranking_rule(n_open: pd.Series) -> str:
    """The ranking rule of one level, decided once from the open counts of its ranked groups: ``BY_SCORE``
    when more than ``part_sans_ouverture_max`` (``classement.yml``) of them have no open base — the share
    open then does not separate them, and the mean score ranking *is* the ranking —, else ``BY_SHARE``."""
    closed = int((n_open == 0).sum())
    return BY_SCORE if closed > data_file("classement.yml")["part_sans_ouverture_max"] * len(n_open) else BY_SHARE


def _rule_ranks(rows: pd.DataFrame, rule: str, score: str) -> pd.DataFrame:
    """`rank_with_interval` of `rows` under `rule`, the mean score read from column `score`."""
    if rule == BY_SHARE:
        return rank_with_interval(rows["part_ouvertes"], rows["ic_bas"], rows["ic_haut"], rows[score])
    low, high = (rows["score_ic_bas"], rows["score_ic_haut"]) if score == "score_moyen" else (rows[score],) * 2
    return rank_with_interval(rows[score], low, high)


def rank(summary: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Rank groups with at least `min_n` assessed bases, per level, under one rule per level.

    The rule (``critere_rang``, :func:`ranking_rule`) is decided once per level and every rank of the
    level follows it: ``part_ouverte`` — `rang` is the point rank by share open (ties broken by mean score),
    `rang_min`–`rang_max` its 95 % rank interval (Wilson intervals compared pairwise, `rank_with_interval`) —
    or ``score_moyen`` — the same by mean score (Student intervals). `rang_<name>` is the point rank under
    the same rule with the mean score of every weighting (so `rang_<chosen weighting>` = `rang`), and
    `rang_ponderation_min/max` their range, for sensitivity. Columns are empty (NA, « » for
    ``critere_rang``) for groups not ranked."""
    summary = summary.copy()
    summary["classe"] = summary["n_evaluees"] >= min_n
    summary["critere_rang"] = ""
    names = list(weightings())
    rank_columns = ["rang", "rang_min", "rang_max", *[f"rang_{name}" for name in names]]
    for column in rank_columns:
        summary[column] = pd.array([pd.NA] * len(summary), dtype="Int64")
    for level in summary["niveau"].unique():
        eligible = summary[(summary["niveau"] == level) & summary["classe"]]
        if eligible.empty:
            continue
        rule = ranking_rule(eligible["n_ouvertes"])
        summary.loc[eligible.index, "critere_rang"] = rule
        for column, values in _rule_ranks(eligible, rule, "score_moyen").items():
            summary.loc[eligible.index, column] = values.astype("Int64")
        for name in names:
            ranks = _rule_ranks(eligible, rule, f"score_moyen_{name}")["rang"]
            summary.loc[eligible.index, f"rang_{name}"] = ranks.astype("Int64")
    weighting_ranks = [f"rang_{n}" for n in names]
    summary["rang_ponderation_min"] = summary[weighting_ranks].min(axis=1).astype("Int64")
    summary["rang_ponderation_max"] = summary[weighting_ranks].max(axis=1).astype("Int64")
    return summary


def by_producer(scored: pd.DataFrame, min_n: int, weighting: str) -> pd.DataFrame:
    """The producers' openness table: one row per producer × level (a co-managed base counts for each of
    its producers, a base once per producer), columns of :func:`summarise` and :func:`rank` (ranked
    when at least `min_n` bases are assessed), sorted by level, then rank (unranked last), then share.

    `scored`: :func:`~helpers.openness.scoring.score_lines` output with the bases' ``gestionnaires``."""
    table = rank(summarise(by_producer_rows(scored), ["gestionnaire"], weighting), min_n)
    return table.sort_values(["niveau", "rang", "part_ouvertes", "gestionnaire"],
                             ascending=[True, True, False, True], na_position="last").reset_index(drop=True)


def by_category(scored: pd.DataFrame, min_n: int, weighting: str) -> pd.DataFrame:
    """The categories' openness table: one row per typology × level, for level-1 typologies
    (``typologie_2`` = "", ``niveau_typologie`` 1) then level-2 ones (``niveau_typologie`` 2), each
    ranked among its own kind; a base counts once per category. Columns of :func:`summarise` and
    :func:`rank`.

    `scored`: :func:`~helpers.openness.scoring.score_lines` output with the bases' typologies."""
    level1 = summarise(one_per_base(scored, ["typologie_1"]), ["typologie_1"], weighting)
    level1.insert(1, "typologie_2", "")
    level2 = summarise(one_per_base(scored, ["typologie_1", "typologie_2"]), ["typologie_1", "typologie_2"],
                       weighting)
    both = pd.concat([rank(level1, min_n), rank(level2, min_n)], ignore_index=True)
    both.insert(2, "niveau_typologie", np.where(both["typologie_2"] == "", 1, 2))
    return both.sort_values(["niveau_typologie", "niveau", "typologie_1", "typologie_2"]).reset_index(drop=True)
