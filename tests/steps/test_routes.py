"""Opening routes (issue 13): every rule of voies_ouverture.yml on hand-built lines, then the path counts
per level on the official file."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.openness import routes, scoring

OPEN = ("Accès à tous", "Gratuit", "Exploitable", "Explicité sans restriction")


def _paths(*lines, level="granulaire"):
    """Each line: (criteria tuple, access comment, « Principales données ») -> scored lines with their path."""
    rows = [{"ligne_source": 3 + i, "base_id": f"B{i}", "niveau": level, "evalue": True, "acces": c[0],
             "cout": c[1], "format": c[2], "reutilisation": c[3], "commentaire_acces": comment, "donnees": data}
            for i, (c, comment, data) in enumerate(lines)]
    scored = scoring.score_lines(pd.DataFrame(rows))
    return scored.join(routes.assign_routes(scored))


@pytest.mark.parametrize("criteria, expected", [
    (OPEN, ""),  # open: no path
    (("Accès à tous", "Gratuit", "Non exploitable", "Non explicité"), "publication"),
    (("Accès à tous", "Gratuit", "Exploitable", "Explicité avec restriction"), "publication"),
    (("Accès à tous", "Gratuit ou payant", "Non exploitable", "Explicité sans restriction"), "publication"),
    (("Accès à tous", "Gratuit ou payant", "Exploitable", "Explicité sans restriction"), "redevance"),
    (("Accès à tous", "Payant", "Non exploitable", "Non explicité"), "redevance"),
    (("Accès à tous", "Payant", "Exploitable", "Explicité sans restriction"), "redevance"),
    (("Accès restreint", "Payant", "Exploitable", "Non explicité"), "acces_restreint"),
    (("Accès restreint", "", "", ""), "acces_restreint"),
    (("Accès fermé", "Payant", "Non exploitable", "Non explicité"), "acces_ferme"),
    (("", "Gratuit", "Non exploitable", "Non explicité"), "a_verifier"),  # access unassessed
    (("Sur demande", "Gratuit", "Exploitable", "Non explicité"), "a_verifier"),  # access off-vocabulary
    (("Accès à tous", "", "Non exploitable", "Non explicité"), "a_verifier"),  # cost unassessed
    (("Accès à tous", "Gratuit", "Power point", "Explicité sans restriction"), "a_verifier"),  # maybe open
    (("Accès à tous", "Gratuit", "Power point", "Non explicité"), "publication"),  # licence missing anyway
])
def test_every_path_rule(criteria, expected):
    line = _paths((criteria, "", "")).iloc[0]
    assert line["voie_ouverture"] == expected
    deciders = {"": "", "publication": "le producteur", "redevance": "le ministère de tutelle du producteur",
                "acces_restreint": "le producteur et son ministère de tutelle",
                "acces_ferme": "le producteur et son ministère de tutelle",
                "a_verifier": "le producteur (renseigner la cartographie)"}
    assert line["decideur"] == deciders[expected]
    assert not line["donnees_individuelles"] and line["precaution"] == ""


def test_privacy_flag_caveat_and_decider():
    public = ("Accès à tous", "Gratuit", "Non exploitable", "Non explicité")
    restricted = ("Accès restreint", "Gratuit", "Exploitable", "Non explicité")
    lines = _paths((public, "", "Nom, spécialité et date de naissance des professionnels"),
                   (restricted, "Accès aux données individuelles patients sur autorisation de la CNIL", ""),
                   # « patient », « séjours » alone describe counts and leaflets: not individual data.
                   (restricted, "Accès réservé aux établissements de santé", "Notice patient ; séjours par GHM"),
                   (("Accès fermé", "", "", ""), "", "Dossiers médicaux des PATIENTS"))
    assert lines["donnees_individuelles"].tolist() == [True, True, False, True]
    # Already public: the flag leaves the path alone and adds the caveat.
    assert lines.loc[0, "voie_ouverture"] == "publication" and lines.loc[0, "decideur"] == "le producteur"
    assert lines.loc[0, "precaution"] == "diffusion en masse de données nominatives : à apprécier"
    # Elsewhere: the governance body decides, and the flag is the reason for caution.
    assert lines.loc[1, "decideur"].startswith("l'instance de gouvernance des données")
    assert lines.loc[1, "precaution"] == "données individuelles : anonymisation et avis de la CNIL à prévoir"
    assert lines.loc[1, "motif_acces"] == "sur convention ou autorisation ; données individuelles"
    assert lines.loc[2, "motif_acces"] == "réservé à des professionnels ou à des institutions"
    assert lines.loc[2, "decideur"] == "le producteur et son ministère de tutelle"
    assert lines.loc[3, "voie_ouverture"] == "acces_ferme" and lines.loc[3, "motif_acces"] == ""


def test_aggregated_data_are_never_individual():
    line = _paths((("Accès restreint", "Gratuit", "Exploitable", "Non explicité"), "données individuelles",
                   "patients"), level="agrege").iloc[0]
    assert not line["donnees_individuelles"] and line["motif_acces"] == "données individuelles"


def test_a_hole_in_the_rules_table_is_an_error(monkeypatch):
    from helpers.core.errors import CartoError

    table = {**routes.spec(), "regles": routes.spec()["regles"][:-1]}  # no catch-all for unknown criteria
    monkeypatch.setattr(routes, "spec", lambda: table)
    with pytest.raises(CartoError, match="voies_ouverture.yml : aucune règle ne s'applique à la ligne 3"):
        _paths((("Accès à tous", "Gratuit", "Power point", "Explicité sans restriction"), "", ""))
    # A rule naming an unknown path is refused when the file is read (tests/unit/test_settings.py).


def test_path_counts_per_level_on_the_official_file(real_ods, tmp_path):
    """Issue 13's figures: at the aggregated level 67 lines miss only format and licence (66 publication, one
    whose access is unassessed); at the granular level 75 miss access and licence (all restricted) and 47
    access alone (19 closed, 28 restricted with the other criteria unknown or at top)."""
    from helpers.steps.s01_clean import clean_cartography
    from helpers.steps.s02_openness import score_openness

    clean_cartography(real_ods, tmp_path)
    scored = score_openness(tmp_path).scored
    counts = scored[~scored["ouvert"]].groupby(["niveau", "voie_ouverture"]).size().to_dict()
    assert counts == {("agrege", "publication"): 89, ("agrege", "redevance"): 2, ("agrege", "acces_restreint"): 4,
                      ("agrege", "a_verifier"): 3, ("granulaire", "publication"): 45,
                      ("granulaire", "acces_restreint"): 158, ("granulaire", "acces_ferme"): 19,
                      ("granulaire", "a_verifier"): 3}
    agg = scored[(scored["niveau"] == "agrege") & (scored["criteres_manquants"] == "format|reutilisation")]
    assert agg["voie_ouverture"].value_counts().to_dict() == {"publication": 66, "a_verifier": 1}
    gran = scored[scored["niveau"] == "granulaire"]
    assert gran.loc[gran["criteres_manquants"] == "acces|reutilisation", "voie_ouverture"].value_counts().to_dict() \
        == {"acces_restreint": 75}
    assert gran.loc[gran["criteres_manquants"] == "acces", "voie_ouverture"].value_counts().to_dict() \
        == {"acces_ferme": 19, "acces_restreint": 28}
    flagged = scored[scored["donnees_individuelles"]]
    assert set(flagged["niveau"]) == {"granulaire"} and len(flagged) == 39
    assert flagged["voie_ouverture"].value_counts().to_dict() == {"acces_restreint": 37, "acces_ferme": 1,
                                                                  "a_verifier": 1}
    assert (flagged.loc[flagged["acces"] == "Accès à tous", "precaution"]
            == "diffusion en masse de données nominatives : à apprécier").all()
    saved = pd.read_csv(tmp_path / "ouverture.csv", keep_default_na=False)
    assert {"voie_ouverture", "decideur", "donnees_individuelles"} <= set(saved.columns)
    from frictionless import validate

    report = validate(tmp_path / "datapackage.json")  # the new columns are documented, enum included
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
