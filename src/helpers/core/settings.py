"""One pydantic model per settings file of ``helpers/data/`` (:data:`SETTINGS`), checked by
:func:`helpers.core.config.data_file` when the file is first read: an unknown or missing key, or a value of the
wrong type, is a :class:`SettingsError` naming the file, never a ``KeyError`` deep in a report.

``plateformes.yml`` and ``questionnaire_synthetique.yml`` are checked by the questionnaire's own models
(:mod:`helpers.consultation.questionnaire`), where their errors name the spec being read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import RootModel, field_validator, model_validator

from helpers.core.errors import CartoError
from helpers.core.models import Model, Text

Criterion = Literal["acces", "cout", "format", "reutilisation"]
Level = Literal["agrege", "granulaire"]


class SettingsError(CartoError):
    """A settings file of ``helpers/data/`` does not fit its model (a broken install or a bad edit)."""


# --- accueil.yml, affichage.yml, classement.yml, entrees.yml, sorties.yml, sources.yml -----------------------

class FrontPage(Model):
    titre: Text
    questions: dict[str, Text]
    a_retenir: list[str]


class Display(Model):
    lignes_max: int


class Ranking(Model):
    part_sans_ouverture_max: float
    part_indistincts_plupart: float
    part_rangs_indistincts: float


class Archives(Model):
    decompresse_max_mo: float


class Inputs(Model):
    archives: Archives


class Xlsx(Model):
    lignes_max: int
    date_fixe: Text


class Outputs(Model):
    xlsx: Xlsx


class Source(Model):
    fichier: Text
    url: Text
    sha256: Text
    page: Text
    date: Text
    licence: Text
    attribution: Text
    timeout_secondes: float


class Sources(Model):
    cartographie: Source


# --- parametres.yml, ponderations.yml, priorites.yml ------------------------------------------------------

class ParameterName(Model):
    libelle: Text
    valeurs: str | None = None
    sujet: bool = False


class Parameters(RootModel[dict[str, ParameterName]]):
    pass


class Points(Model):
    acces: float
    cout: float
    format: float
    reutilisation: float


class Weighting(Model):
    libelle: Text
    source: Text
    points: Points


class Weightings(RootModel[dict[str, Weighting]]):
    pass


class Demand(Model):
    quantile_forte: float
    min_forte: int


class Openness(Model):
    score_partiel: float


class PriorityClass(Model):
    libelle: Text
    demande: list[Literal["forte", "moyenne", "aucune"]]
    ouverture: list[Literal["ouverte", "partielle", "fermee", "non_evaluee"]]


class Priorities(Model):
    demande: Demand
    ouverture: Openness
    libelles_demande: dict[str, Text]
    libelles_ouverture: dict[str, Text]
    classes: list[PriorityClass]
    liste_courte: int


# --- schema.yml ---------------------------------------------------------------------------------------------

def _field(spec: list) -> list:
    kinds = ("integer", "number", "string", "boolean", "liste")
    if (len(spec) not in (2, 3) or spec[0] not in kinds or not isinstance(spec[1], str)
            or (len(spec) == 3 and not isinstance(spec[2], list))):
        raise ValueError(f"doit être [type, description, (valeurs)], type parmi {', '.join(kinds)} (reçu {spec!r})")
    return spec


class Table(Model):
    titre: Text
    parquet: bool = False
    cle_primaire: list[str]
    champs: dict[str, list]
    champs_variables: dict[str, list] = {}

    @field_validator("champs", "champs_variables")
    @classmethod
    def _fields(cls, fields: dict[str, list]) -> dict[str, list]:
        return {name: _field(spec) for name, spec in fields.items()}


class TableSchema(RootModel[dict[str, Table]]):
    pass


# --- vocabulaire.yml, voies_ouverture.yml ---------------------------------------------------------------------

class Sheets(Model):
    donnees: Text
    criteres: Text
    acronymes: Text
    metadonnees: Text
    typologies: Text


class Column(Model):
    cle: Text
    entete: Text
    requise: bool = False


class Group(Model):
    groupe: Text
    niveau: bool = False
    libelle: Text
    colonnes: list[Column]


class CriterionSpec(Model):
    court: Text
    libelle: Text
    modalites: list[Text]
    attestees: list[Text] = []
    codes: dict[str, int]
    action: Text


class Vocabulary(Model):
    feuilles: Sheets
    structure: list[Group]
    niveaux: dict[Level, Text]
    criteres: dict[Criterion, CriterionSpec]
    regles: dict[str, Text]
    regles_libelles: dict[str, Text]


class Route(Model):
    libelle: Text
    decision: Text
    decideur: Text
    decideur_donnees_individuelles: Text | None = None


class RouteRule(Model):
    voie: str
    acces: list[str] | None = None
    cout: list[str] | None = None
    format: list[str] | None = None
    reutilisation: list[str] | None = None
    manque_un_de: list[Criterion] | None = None
    inconnu: bool | None = None


class Privacy(Model):
    niveaux: list[Level]
    colonnes: list[str]
    mots: list[Text]
    precaution_acces_a_tous: Text
    precaution_autres: Text


class AccessReason(Model):
    motif: Text
    mots: list[Text]


class Routes(Model):
    voies: dict[str, Route]
    regles: list[RouteRule]
    donnees_individuelles: Privacy
    motifs_acces: list[AccessReason]

    @model_validator(mode="after")
    def _known_routes(self) -> Routes:
        for i, rule in enumerate(self.regles, start=1):
            if rule.voie not in self.voies:
                raise ValueError(f"règle {i} : voie inconnue « {rule.voie} » ; voies valides : {', '.join(self.voies)}")
        return self


# --- consultation.yml ------------------------------------------------------------------------------------------

class Reading(Model):
    bloc_octets: int


class Report(Model):
    lignes_max: int


class OffList(Model):
    libelle: Text
    categorie_min: int
    reponses_min: int


class Booleans(Model):
    vrai: list[str]
    faux: list[str]


class Exclusions(Model):
    vide: Text
    resoumission: Text
    doublon: Text


class Campaigns(Model):
    taille_min: int
    part_min: float
    longueur_min: int


class Matching(Model):
    accepte: float
    a_verifier: float
    marge: float
    longueur_min: int
    regroupement: float
    mots_generiques: list[str]
    mots_de_tete: list[str]
    sigles_exclus: list[str]


class Masks(Model):
    courriel: Text
    telephone: Text
    numero: Text


class Publication(Model):
    longueur_max: int
    citation_max: int
    mention_max: int
    masques: Masks


class Quality(Model):
    date: Text
    corpus: Text
    resume: Text


class Title(Model):
    termes: int
    textes_max: int
    attendent_un_mot: list[str]
    fins_de_negation: list[str]


class Texts(Model):
    themes: int
    themes_min: int
    themes_max: int
    theme_min_reponses: int
    theme_min_part: float
    doublon: float
    recouvrement_max: float
    qualite: Quality
    regles_max: int
    appartenance: float
    termes_par_theme: int
    titre: Title
    citations_par_theme: int
    termes_distinctifs: int
    profil_min: int
    min_df: int
    max_df: float
    contexte_max: int
    max_termes: int
    echantillon_max: int
    invariables: list[str]
    conserves: list[str]
    mots_vides: list[str]


class Codebook(Model):
    seuil: float
    second: float
    mot_cle: float
    min_df: int


class Consultation(Model):
    lecture: Reading
    rapport: Report
    profil_absent: Text
    fuseau: Text
    hors_liste: OffList
    non_coche: list[str]
    booleens: Booleans
    second_entete: list[str]
    exclusion: Exclusions
    campagnes: Campaigns
    rapprochement: Matching
    publication: Publication
    textes: Texts
    codes: Codebook


# --- synthetique.yml, consultation_synthetique.yml ---------------------------------------------------------------

class SyntheticSheets(Model):
    format: Text
    typologie: Text


class Producer(Model):
    sigle: Text | None = None
    nom: Text
    poids: int
    domaines: list[int]
    graphies: list[str] = []


class BaseWords(Model):
    prefixes: list[str]
    sujets: list[str]
    origines: list[str]
    couvertures: list[str]


class LevelWords(Model):
    donnees: list[str]
    portails: list[str]


class SyntheticLevels(Model):
    agrege: LevelWords
    granulaire: LevelWords
    commentaires_acces: list[str]
    commentaires_format: list[str]
    commentaire_ferme: Text


class Profile(Model):
    non_evalue: float
    acces: dict[str, float]


class Variants(Model):
    taux: float
    valeurs: dict[str, list[str]]


class Hazard(Model):
    niveau: Level
    critere: Criterion
    valeur: str


class SyntheticCartography(Model):
    feuilles: SyntheticSheets
    groupes: dict[int, Text]
    entetes: list[str]
    metadonnees: list[list[str]]
    typologies: dict[str, list[str]]
    producteurs: list[Producer]
    bases: BaseWords
    niveaux: SyntheticLevels
    profils: dict[Level, Profile]
    selon_acces: dict[str, dict[Criterion, dict[str, float]]]
    variantes: Variants
    aleas: list[Hazard]
    exemples_criteres: dict[str, Text]


class SyntheticConsultation(Model):
    """The invented answers' content: its many word tables are typed by their shape only."""

    periode: dict[Literal["debut", "fin"], Text]
    profils: dict[str, float]
    graphies_profils: dict[str, str]
    parts: dict[str, float]
    nombre_demandes: list[float]
    graphies: dict[str, float]
    prefixes: list[str]
    separateurs_demandes: list[str]
    raisons: dict[str, object]
    risques: dict[str, object]
    textes: dict[str, object]
    absentes: list[str]
    absentes_poids: list[float]
    campagnes: list[dict[str, object]]
    hostiles: list[dict[str, str]]
    long_texte: dict[str, object]
    variantes: dict[str, object]


#: The model of each settings file read by :func:`helpers.core.config.data_file`.
SETTINGS = {
    "accueil.yml": FrontPage, "affichage.yml": Display, "classement.yml": Ranking, "consultation.yml": Consultation,
    "consultation_synthetique.yml": SyntheticConsultation, "entrees.yml": Inputs, "parametres.yml": Parameters,
    "ponderations.yml": Weightings, "priorites.yml": Priorities, "schema.yml": TableSchema, "sorties.yml": Outputs,
    "sources.yml": Sources, "synthetique.yml": SyntheticCartography, "vocabulaire.yml": Vocabulary,
    "voies_ouverture.yml": Routes,
}
