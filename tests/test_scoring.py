"""Scoring rules and aggregation on small hand-built frames, where every expected value is known."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.openness import aggregation, scoring

OPEN = ("Accès à tous", "Gratuit", "Exploitable", "Explicité sans restriction")


def frame(*lines, producers=None):
    """Evaluation rows: each line is (acces, cout, format, reutilisation); one level, one producer each."""
    rows = []
    for i, values in enumerate(lines):
        acces, cout, fmt, reuse = values
        rows.append({"ligne_source": 3 + i, "base_id": f"B{i:03d}", "niveau": "granulaire",
                     "evalue": any(values), "acces": acces, "cout": cout, "format": fmt, "reutilisation": reuse,
                     "gestionnaires": (producers or ["P"] * len(lines))[i], "typologie_1": "T", "typologie_2": "t",
                     "base": f"base {i}", "gestionnaire": (producers or ["P"] * len(lines))[i]})
    return pd.DataFrame(rows)


def test_open_gate_needs_all_four_criteria_at_top():
    scored = scoring.score_lines(frame(OPEN, ("Accès à tous", "Gratuit", "Exploitable", "Explicité avec restriction")))
    assert scored["ouvert"].tolist() == [True, False]
    assert scored["score_equal"].tolist() == [100.0, 87.5]  # 75 is "partly open", never "open"
    assert scored.loc[1, "criteres_manquants"] == "reutilisation"
    assert scored.loc[1, "actions"] == "publier sous une licence ouverte"
    assert scored["gain_rapide"].tolist() == [False, True]


def test_closed_access_makes_the_other_criteria_not_applicable():
    scored = scoring.score_lines(frame(("Accès fermé", "Payant", "Non exploitable", "Non explicité")))
    line = scored.iloc[0]
    assert [line[f"statut_{c}"] for c in ("cout", "format", "reutilisation")] == ["sans objet"] * 3
    assert pd.isna(line["code_cout"]) and line["code_acces"] == 0
    assert line["score_equal"] == 0.0  # only access applies, at its lowest value
    assert line["criteres_manquants"] == "acces" and line["actions"] == "ouvrir l'accès"
    assert not line["gain_rapide"]  # opening access is not one step away: the rest was never assessed


def test_not_assessed_levels_are_excluded_not_zero():
    scored = scoring.score_lines(frame(OPEN, ("", "", "", "")))
    assert len(scored) == 1  # the empty level is not scored at all
    summary = aggregation.summarise(scored, ["gestionnaire"], "equal")
    assert summary.loc[0, "n_evaluees"] == 1 and summary.loc[0, "part_ouvertes"] == 1.0


def test_off_vocabulary_values_are_unknown_never_a_number():
    scored = scoring.score_lines(frame(("Accès à tous", "Gratuit", "Power point", "Explicité sans restriction")))
    line = scored.iloc[0]
    assert line["statut_format"] == "inconnu" and pd.isna(line["code_format"])
    assert not line["ouvert"]
    assert line["criteres_inconnus"] == "format" and line["criteres_manquants"] == ""
    assert line["score_equal"] == 100.0  # mean of the three known criteria, flagged as incomplete
    assert not line["gain_rapide"]


def test_intermediate_modalities_and_weightings():
    scored = scoring.score_lines(frame(("Accès restreint", "Gratuit ou payant", "Exploitable", "Non explicité")))
    line = scored.iloc[0]
    assert [line[f"code_{c}"] for c in ("acces", "cout", "format", "reutilisation")] == [1, 1, 2, 0]
    assert line["score_equal"] == 50.0  # (0.5 + 0.5 + 1 + 0) / 4
    # GODI 2014 points 5/15/15/30 over 65: (5*.5 + 15*.5 + 15*1 + 0) / 65
    assert line["score_godi_2014"] == round(100 * 25 / 65, 1)
    assert set(scoring.weights("odb").values()) == {10 / 55, 15 / 55}
    with pytest.raises(ValueError, match="pondérations valides"):
        scoring.weights("inconnue")


def test_wilson_interval_matches_reference_values():
    low, high = aggregation.wilson(0, 10)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.2775)
    low, high = aggregation.wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    # Closed form, independently of scipy.
    k, n, z = 6, 19, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert aggregation.wilson(k, n) == pytest.approx((centre - half, centre + half), abs=1e-9)


def test_small_producers_are_not_ranked_and_overlapping_intervals_tie():
    closed = ("Accès restreint", "Payant", "Exploitable", "Non explicité")
    lines = [OPEN] * 9 + [closed] + [closed] * 10 + [OPEN] * 1 + [closed] * 9 + [OPEN] * 2
    owners = ["A"] * 10 + ["B"] * 10 + ["C"] * 10 + ["D"] * 2
    producers = aggregation.by_producer(scoring.score_lines(frame(*lines, producers=owners)), 5, "equal")
    table = producers.set_index("gestionnaire")
    assert table.loc["D", "classe"] == False and pd.isna(table.loc["D", "rang"])  # noqa: E712 - numpy bool
    assert table.loc["A", "part_ouvertes"] == 0.9 and table.loc["A", "rang"] == 1
    # B (0/10) and C (1/10) overlap: same rank; both clearly below A.
    assert table.loc["B", "rang"] == table.loc["C", "rang"] == 2
    assert table.loc["A", "ic_bas"] > table.loc["C", "ic_haut"]


def test_a_base_on_several_lines_counts_once_and_co_managed_counts_for_each():
    lines = frame(OPEN, ("Accès restreint", "Gratuit", "Exploitable", "Explicité sans restriction"), OPEN,
                  producers=["A", "A", "A|B"])
    lines.loc[1, "base_id"] = "B000"  # same base as line 0, listed again less open
    summary = aggregation.summarise(aggregation.by_producer_rows(scoring.score_lines(lines)), ["gestionnaire"],
                                    "equal").set_index("gestionnaire")
    assert summary.loc["A", "n_evaluees"] == 2  # B000 (least open line kept) + B002
    assert summary.loc["A", "n_ouvertes"] == 1
    assert summary.loc["B", "n_evaluees"] == 1 and summary.loc["B", "n_ouvertes"] == 1
