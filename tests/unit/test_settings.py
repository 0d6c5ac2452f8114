"""Every settings file of helpers/data fits its model; a bad edit is one French line naming the file."""

from __future__ import annotations

import pytest
import yaml

from helpers.core import config
from helpers.core.settings import SETTINGS, SettingsError


@pytest.fixture
def edited(monkeypatch):
    """Read `name` as its shipped text changed by `edit` (a function of the parsed YAML)."""

    def read(name, edit):
        data = yaml.safe_load(config.data_text(name))
        edit(data)
        monkeypatch.setattr(config, "data_text", lambda _: yaml.safe_dump(data, allow_unicode=True))
        config.data_file.cache_clear()
        return lambda: config.data_file(name)

    yield read
    config.data_file.cache_clear()


def test_every_data_file_has_a_model_and_fits_it():
    shipped = {p.name for p in config.data_path("").iterdir() if p.name.endswith(".yml")}
    # The questionnaire's own models check these two (helpers.consultation.questionnaire).
    assert set(SETTINGS) == shipped - {"plateformes.yml", "questionnaire_synthetique.yml"}
    for name in SETTINGS:
        assert isinstance(config.data_file(name), dict)


@pytest.mark.parametrize(("name", "edit", "message"), [
    ("consultation.yml", lambda d: d["textes"].update(themes="4"), "textes.themes doit être un entier (reçu '4')"),
    ("consultation.yml", lambda d: d["rapprochement"].pop("accepte"), "rapprochement : clé « accepte » manquante"),
    ("ponderations.yml", lambda d: d["equal"]["points"].update(acess=1), "equal.points : clé(s) inconnue(s) acess"),
    ("priorites.yml", lambda d: d["classes"][0].update(demande=["forte", "fort"]),
     "classes[n° 1].demande[n° 2] doit être l'une des valeurs 'forte', 'moyenne' ou 'aucune' (reçu 'fort')"),
    ("voies_ouverture.yml", lambda d: d["regles"][0].update(voie="publier"), "règle 1 : voie inconnue « publier »"),
    ("voies_ouverture.yml", lambda d: d["regles"][0].update(manque_un_de=["prix"]), "regles[n° 1].manque_un_de[n° 1]"),
    ("schema.yml", lambda d: d["bases"]["champs"].update(base=["texte", "Nom"]), "bases.champs.base doit être [type"),
    ("sorties.yml", lambda d: d.update(xslx={}), "clé(s) inconnue(s) xslx ; clés possibles : xlsx"),
    ("vocabulaire.yml", lambda d: d["criteres"]["acces"]["codes"].update({"Accès à tous": True}),
     "criteres.acces.codes.Accès à tous doit être un entier (reçu True)"),
])
def test_a_bad_settings_file_is_one_line_naming_it(edited, name, edit, message):
    with pytest.raises(SettingsError) as error:
        edited(name, edit)()
    assert message in str(error.value) and str(error.value).startswith(str(config.data_path(name)))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("loc", "data", "expected"), [
    (("questions", 1, "column"), {"questions": [{"id": "profil"}, {"id": "raisons", "column": ""}]},
     "questions[n° 2 « raisons »].column"),
    (("reports", 0), {"reports": [{"name": "01_clean_cartography"}]}, "reports[n° 1 « 01_clean_cartography »]"),
    (("classes", 0, "demande", 1), {"classes": [{"demande": ["forte", "fort"]}]}, "classes[n° 1].demande[n° 2]"),
    (("questions", 0, "id"), {"questions": [{"id": 3}]}, "questions[n° 1].id"),  # a name that is not a text: rank only
    (("questions", 4), {"questions": []}, "questions[n° 5]"),  # pydantic's place is kept even without the data
    (("questions", 0), None, "questions[n° 1]"),
])
def test_an_error_names_a_list_item_by_its_rank_from_1_and_its_id(loc, data, expected):
    # « questions[1] » alone could be read as the second question (0-based): the rank says « n° » and the id follows.
    from helpers.core.models import where

    assert where(loc, data) == expected
