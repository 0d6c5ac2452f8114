"""Scoring rules and aggregation on small hand-built frames, where every expected value is known."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.core.errors import CartoError
from helpers.openness import aggregation, scoring

OPEN = ("Accès à tous", "Gratuit", "Exploitable", "Explicité sans restriction")


def frame(*lines, producers=None):
    """Evaluation rows: each line is (acces, cout, format, reutilisation); one level, one producer each."""
    rows = []
    for i, values in enumerate(lines):
        acces, cout, fmt, reuse = values
        rows.append({"ligne_source": 3 + i, "base_id": f"B{i:03d}", "niveau": "granulaire",
                     "evalue": any(values), "acces": acces, "cout": cout, "format": fmt, "reutilisation": reuse,
                     "gestionnaires": tuple((producers or ["P"] * len(lines))[i].split("|")),
                     "typologie_1": "T", "typologie_2": "t",
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
    with pytest.raises(CartoError, match="ponderations.yml : pondération inconnue .* pondérations valides"):
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


def test_small_producers_are_not_ranked_and_overlapping_intervals_share_a_rank_interval():
    closed = ("Accès restreint", "Payant", "Exploitable", "Non explicité")
    lines = [OPEN] * 9 + [closed] + [closed] * 10 + [OPEN] * 1 + [closed] * 9 + [OPEN] * 2
    owners = ["A"] * 10 + ["B"] * 10 + ["C"] * 10 + ["D"] * 2
    producers = aggregation.by_producer(scoring.score_lines(frame(*lines, producers=owners)), 5, "equal")
    table = producers.set_index("gestionnaire")
    assert table.loc["D", "classe"] == False and pd.isna(table.loc["D", "rang"])  # noqa: E712 - numpy bool
    assert table.loc["A", "part_ouvertes"] == 0.9 and table.loc["A", "rang"] == 1
    # Point rank by share open: A, C (1/10), B (0/10). B and C overlap, so their 95 % rank interval is
    # 2–3 for both; both are clearly below A, whose interval is the single rank 1.
    assert table.loc[["A", "B", "C"], "rang"].tolist() == [1, 3, 2]
    assert table.loc[["A", "B", "C"], "rang_min"].tolist() == [1, 2, 2]
    assert table.loc[["A", "B", "C"], "rang_max"].tolist() == [1, 3, 3]
    assert table.loc["A", "ic_bas"] > table.loc["C", "ic_haut"]


def test_equal_shares_are_ordered_by_mean_score_and_rank_bounds_hold():
    value = pd.Series([0.0, 0.0, 0.5, 0.0], index=list("wxyz"))
    low, high = pd.Series([0.0, 0.0, 0.3, 0.0], index=value.index), pd.Series([0.2, 0.4, 0.7, 0.1],
                                                                              index=value.index)
    ranks = aggregation.rank_with_interval(value, low, high, pd.Series([40.0, 60.0, 10.0, 60.0],
                                                                       index=value.index))
    # y leads on share despite its low score; x and z tie exactly (same share, same score).
    assert ranks["rang"].tolist() == [4, 2, 1, 2]
    # y's interval is entirely above w's and z's, not x's: y's worst rank is 4 − 2 = 2.
    assert ranks.loc["y", ["rang_min", "rang_max"]].tolist() == [1, 2]
    assert ranks.loc["z", ["rang_min", "rang_max"]].tolist() == [2, 4]
    assert ((ranks["rang_min"] <= ranks["rang"]) & (ranks["rang"] <= ranks["rang_max"])).all()


def test_mean_interval_is_student_t():
    low, high = aggregation.mean_interval(pd.Series([50.0, 100.0, 75.0, None]))
    # mean 75, sd 25, n 3: t(0.975, 2) = 4.302653; half-width 4.302653 × 25 / √3 = 62.10; clipped to 0–100.
    assert (round(low, 2), high) == (12.9, 100.0)
    assert all(math.isnan(v) for v in aggregation.mean_interval(pd.Series([80.0])))


def test_a_base_on_several_lines_counts_once_and_co_managed_counts_for_each():
    lines = frame(OPEN, ("Accès restreint", "Gratuit", "Exploitable", "Explicité sans restriction"), OPEN,
                  producers=["A", "A", "A|B"])
    lines.loc[1, "base_id"] = "B000"  # same base as line 0, listed again less open
    summary = aggregation.summarise(aggregation.by_producer_rows(scoring.score_lines(lines)), ["gestionnaire"],
                                    "equal").set_index("gestionnaire")
    assert summary.loc["A", "n_evaluees"] == 2  # B000 (least open line kept) + B002
    assert summary.loc["A", "n_ouvertes"] == 1
    assert summary.loc["B", "n_evaluees"] == 1 and summary.loc["B", "n_ouvertes"] == 1


def test_labels_are_looked_up_by_their_normalised_key():
    # Issue 22.1: a label retyped (case, accents, spaces, apostrophes) keeps its code; « Accès Fermé » still closes.
    retyped = scoring.score_lines(frame(("Accès à Tous", "GRATUIT", " exploitable", "Explicite  sans restriction"),
                                        ("ACCES FERME", "Payant", "Non exploitable", "Non explicité"),
                                        ("Accès\u00a0restreint", "gratuit ou Payant", "Exploitable", "Non Explicité")))
    reference = scoring.score_lines(frame(OPEN, ("Accès fermé", "Payant", "Non exploitable", "Non explicité"),
                                          ("Accès restreint", "Gratuit ou payant", "Exploitable", "Non explicité")))
    columns = [c for c in reference.columns if c.startswith(("code_", "statut_", "score_")) or c == "ouvert"]
    pd.testing.assert_frame_equal(retyped[columns], reference[columns])
    assert retyped["ouvert"].tolist() == [True, False, False]
