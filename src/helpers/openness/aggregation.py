"""Openness by producer and by category: counts, Wilson intervals, mean scores, ranks.

Units: a base listed on several lines (several categories) counts once per producer and once per
category; when its lines disagree, the least open one is kept (conservative). A co-managed base
counts for each of its producers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from helpers.cartography.cleaning import CRITERIA
from helpers.cartography.producers import one_row_per_producer
from helpers.openness.scoring import TOP, weightings


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (scipy)."""
    if n == 0:
        return (np.nan, np.nan)
    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


def one_per_base(scored: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (base, level, keys): the least open line of the base, first in the source on ties."""
    order = scored.sort_values(["ouvert", "score_equal", "ligne_source"], na_position="first")
    return order.drop_duplicates(["base_id", "niveau", *keys]).sort_values(["ligne_source", "niveau"])


def by_producer_rows(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored rows with one row per individual producer (co-managed lines are repeated)."""
    return one_per_base(one_row_per_producer(scored), ["gestionnaire"])


def summarise(rows: pd.DataFrame, keys: list[str], weighting: str) -> pd.DataFrame:
    """Per group and level: n, open count and share with Wilson interval, mean score, top shares."""
    out = []
    for group, sub in rows.groupby([*keys, "niveau"], sort=True):
        n, k = len(sub), int(sub["ouvert"].sum())
        low, high = wilson(k, n)
        record = dict(zip([*keys, "niveau"], group, strict=True))
        record.update(n_evaluees=n, n_ouvertes=k, part_ouvertes=round(k / n, 4),
                      ic_bas=round(low, 4), ic_haut=round(high, 4),
                      score_moyen=round(float(sub[f"score_{weighting}"].mean()), 1))
        for c in CRITERIA:
            record[f"part_{c}_max"] = round(float((sub[f"code_{c}"] == TOP).sum()) / n, 4)
        for name in weightings():
            record[f"score_moyen_{name}"] = round(float(sub[f"score_{name}"].mean()), 1)
        out.append(record)
    return pd.DataFrame(out)


def rank(summary: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Rank groups with at least `min_n` assessed bases, per level, by share open.

    Statistical ties: a group's rank is 1 + the number of groups whose interval lies entirely above
    its own, so groups whose intervals overlap share a rank. Also the rank range of the mean score
    across all weightings (sensitivity)."""
    summary = summary.copy()
    summary["classe"] = summary["n_evaluees"] >= min_n
    summary["rang"] = pd.array([pd.NA] * len(summary), dtype="Int64")
    names = list(weightings())
    for name in names:
        summary[f"rang_{name}"] = pd.array([pd.NA] * len(summary), dtype="Int64")
    for level in summary["niveau"].unique():
        eligible = summary[(summary["niveau"] == level) & summary["classe"]]
        for i, row in eligible.iterrows():
            summary.loc[i, "rang"] = 1 + int((eligible["ic_bas"] > row["ic_haut"]).sum())
        for name in names:
            ranks = eligible[f"score_moyen_{name}"].rank(ascending=False, method="min")
            summary.loc[eligible.index, f"rang_{name}"] = ranks.astype("Int64")
    rank_cols = [f"rang_{n}" for n in names]
    summary["rang_min"] = summary[rank_cols].min(axis=1).astype("Int64")
    summary["rang_max"] = summary[rank_cols].max(axis=1).astype("Int64")
    return summary


def by_producer(scored: pd.DataFrame, min_n: int, weighting: str) -> pd.DataFrame:
    table = rank(summarise(by_producer_rows(scored), ["gestionnaire"], weighting), min_n)
    return table.sort_values(["niveau", "rang", "part_ouvertes", "gestionnaire"],
                             ascending=[True, True, False, True], na_position="last").reset_index(drop=True)


def by_category(scored: pd.DataFrame, min_n: int, weighting: str) -> pd.DataFrame:
    level1 = summarise(one_per_base(scored, ["typologie_1"]), ["typologie_1"], weighting)
    level1.insert(1, "typologie_2", "")
    level2 = summarise(one_per_base(scored, ["typologie_1", "typologie_2"]), ["typologie_1", "typologie_2"],
                       weighting)
    both = pd.concat([rank(level1, min_n), rank(level2, min_n)], ignore_index=True)
    both.insert(2, "niveau_typologie", np.where(both["typologie_2"] == "", 1, 2))
    return both.sort_values(["niveau_typologie", "niveau", "typologie_1", "typologie_2"]).reset_index(drop=True)
