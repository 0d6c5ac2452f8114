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
     "classes[1].demande[2] doit être l'une des valeurs 'forte', 'moyenne' ou 'aucune' (reçu 'fort')"),
    ("voies_ouverture.yml", lambda d: d["regles"][0].update(voie="publier"), "règle 1 : voie inconnue « publier »"),
    ("voies_ouverture.yml", lambda d: d["regles"][0].update(manque_un_de=["prix"]), "regles[1].manque_un_de[1]"),
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
