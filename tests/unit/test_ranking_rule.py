"""One ranking rule per level, decided once from the data (issue 18 §1), on hand-built summaries; the
parameters a build changed, in words (issue 18 §5)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.config import data_file, folders
from helpers.core.parameters import Parameter, changed, notebook_parameters
from helpers.openness.aggregation import BY_SCORE, BY_SHARE, rank, ranking_rule
from helpers.openness.scoring import weightings


def summary(level: str, rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    """A summarise()-shaped frame: (name, n assessed, n open, mean score) per group, scores equal under every
    weighting except GODI 2016 (reversed), intervals wide enough to overlap."""
    out = []
    for name, n, k, score in rows:
        out.append({"gestionnaire": name, "niveau": level, "n_evaluees": n, "n_ouvertes": k, "part_ouvertes": k / n,
                    "ic_bas": 0.0, "ic_haut": 0.9, "score_moyen": score, "score_ic_bas": score - 30,
                    "score_ic_haut": score + 30,
                    **{f"score_moyen_{w}": (100 - score if w == "godi_2016" else score) for w in weightings()}})
    return pd.DataFrame(out)


def test_the_rule_is_the_score_when_most_ranked_groups_have_nothing_open():
    limit = data_file("classement.yml")["part_sans_ouverture_max"]
    assert limit == 0.5
    assert ranking_rule(pd.Series([0, 0, 0, 1])) == BY_SCORE  # 3 of 4 closed
    assert ranking_rule(pd.Series([0, 0, 1, 1])) == BY_SHARE  # half: the share still separates them
    assert ranking_rule(pd.Series([2, 3])) == BY_SHARE


def test_every_rank_of_a_level_follows_its_rule():
    frame = pd.concat([
        summary("granulaire", [("A", 10, 1, 40.0), ("B", 10, 0, 90.0), ("C", 10, 0, 60.0), ("D", 2, 0, 99.0)]),
        summary("agrege", [("A", 10, 0, 80.0), ("B", 10, 5, 20.0), ("C", 10, 1, 50.0)]),
    ], ignore_index=True)
    ranked = rank(frame, min_n=5).set_index(["niveau", "gestionnaire"])
    granular = ranked.loc["granulaire"]
    assert set(granular.loc[["A", "B", "C"], "critere_rang"]) == {BY_SCORE}
    assert granular.loc[["B", "C", "A"], "rang"].tolist() == [1, 2, 3]  # by score: A's open base does not count
    assert granular.loc["D", "critere_rang"] == "" and pd.isna(granular.loc["D", "rang"])  # not ranked
    assert granular.loc[["B", "C", "A"], "rang_godi_2016"].tolist() == [3, 2, 1]  # same rule, reversed scores
    aggregated = ranked.loc["agrege"]
    assert set(aggregated["critere_rang"]) == {BY_SHARE}
    assert aggregated.loc[["B", "C", "A"], "rang"].tolist() == [1, 2, 3]  # by share, not by A's high score
    assert (aggregated["rang"] == aggregated["rang_equal"]).all()
    assert ((aggregated["rang_min"] <= aggregated["rang"]) & (aggregated["rang"] <= aggregated["rang_max"])).all()
    for column in ("rang_score", "rang_score_min", "rang_score_max"):
        assert column not in ranked


def test_changed_parameters_in_words():
    declared = {name: Parameter(name, default, "") for name, default in [
        ("processed_dir", "data/processed"), ("weighting", "equal"), ("min_bases_ranked", 5), ("producer", "DREES"),
        ("answers_path", None)]}
    assert changed(declared, {"processed_dir": "data/processed", "weighting": "equal", "min_bases_ranked": 5}) == []
    assert changed(declared, {"weighting": "godi_2016", "min_bases_ranked": 3, "producer": "ATIH",
                              "answers_path": "export.csv"}) == [
        "Pondération : Global Open Data Index 2016 (défaut : Poids égaux)",
        "Bases évaluées nécessaires pour être classé : 3 (défaut : 5)",
        "Réponses à la consultation : export.csv (défaut : aucun)"]  # the fiche's producer is its subject
    assert changed({"x": Parameter("x", 1, "")}, {"x": 2}) == ["x : 2 (défaut : 1)"]  # a test notebook's own


@pytest.mark.parametrize("notebook", sorted(p.name for p in folders().notebooks.glob("*.ipynb")))
def test_every_notebook_parameter_has_a_french_name(notebook):
    names = data_file("parametres.yml")
    for name in notebook_parameters(folders().notebooks / notebook):
        assert "libelle" in names.get(name, {}), f"{notebook} : {name} absent de parametres.yml"
