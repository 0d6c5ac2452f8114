"""One pydantic model per settings file of ``helpers/data/`` (:data:`SETTINGS`), checked by
:func:`helpers.core.config.data_file` when the file is first read: an unknown or missing key, or a value of the
wrong type, is a :class:`SettingsError` naming the file, never a ``KeyError`` deep in a report.

``plateformes.yml`` and ``questionnaire_synthetique.yml`` are checked by the questionnaire's own models
(:mod:`helpers.consultation.questionnaire`), where their errors name the spec being read.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, RootModel, model_validator

from helpers.core.errors import CartoError
from helpers.core.models import Model, Text

Criterion = Literal["acces", "cout", "format", "reutilisation"]
Level = Literal["agrege", "granulaire"]


class SettingsError(CartoError):
    """A settings file of ``helpers/data/`` does not fit its model (a broken install or a bad edit)."""


# --- accueil.yml, affichage.yml, classement.yml, entrees.yml, sorties.yml, sources.yml -----------------------

class FrontPage(Model):
    """accueil.yml: the front page's title, the reports quoted (each report's question is in reports.yml)."""

    titre: Text
    a_retenir: list[str]


class Display(Model):
    """affichage.yml: rows shown before a long table folds; columns from which a printed table is landscape."""

    lignes_max: int
    colonnes_paysage: int


class Ranking(Model):
    """classement.yml: thresholds of the ranking's reading."""

    part_sans_ouverture_max: float
    part_indistincts_plupart: float
    part_rangs_indistincts: float


class _Archives(Model):
    decompresse_max_mo: float


class Inputs(Model):
    """entrees.yml: bounds checked before an input is read."""

    archives: _Archives


class _Xlsx(Model):
    lignes_max: int
    date_fixe: Text


class Outputs(Model):
    """sorties.yml: XLSX row limit and fixed creation date."""

    xlsx: _Xlsx


class _Source(Model):
    fichier: Text
    url: Text
    sha256: Text
    page: Text
    date: Text
    licence: Text
    attribution: Text
    timeout_secondes: float


class Sources(Model):
    """sources.yml: the official file (address, checksum, licence)."""

    cartographie: _Source


# --- parametres.yml, ponderations.yml, priorites.yml ------------------------------------------------------

class _ParameterName(Model):
    libelle: Text
    valeurs: str | None = None
    sujet: bool = False
    chemin: bool = False


class Parameters(RootModel[dict[str, _ParameterName]]):
    """parametres.yml: French name of each notebook parameter."""


class _Points(Model):
    acces: float
    cout: float
    format: float
    reutilisation: float


class _Weighting(Model):
    libelle: Text
    source: Text
    points: _Points


class Weightings(RootModel[dict[str, _Weighting]]):
    """ponderations.yml: the score's weightings, points per criterion."""


class _Demand(Model):
    quantile_forte: float
    min_forte: int


class _Openness(Model):
    score_partiel: float


class _PriorityClass(Model):
    libelle: Text
    demande: list[Literal["forte", "moyenne", "aucune"]]
    ouverture: list[Literal["ouverte", "partielle", "fermee", "non_evaluee"]]


class Priorities(Model):
    """priorites.yml: demand and openness thresholds, priority classes."""

    demande: _Demand
    ouverture: _Openness
    libelles_demande: dict[str, Text]
    libelles_ouverture: dict[str, Text]
    classes: list[_PriorityClass]
    liste_courte: int


# --- schema.yml ---------------------------------------------------------------------------------------------

def _field(spec: list) -> list:
    kinds = ("integer", "number", "string", "boolean", "liste")
    if (len(spec) not in (2, 3) or spec[0] not in kinds or not isinstance(spec[1], str)
            or (len(spec) == 3 and not isinstance(spec[2], list))):
        raise ValueError(f"doit être [type, description, (valeurs)], type parmi {', '.join(kinds)} (reçu {spec!r})")
    return spec


_Field = Annotated[list, AfterValidator(_field)]


class _Table(Model):
    titre: Text
    parquet: bool = False
    cle_primaire: list[str]
    champs: dict[str, _Field]
    champs_variables: dict[str, _Field] = {}


class TableSchema(RootModel[dict[str, _Table]]):
    """schema.yml: the processed tables, their keys and columns ([type, description, (values)])."""


# --- vocabulaire.yml, voies_ouverture.yml ---------------------------------------------------------------------

class _Sheets(Model):
    donnees: Text
    criteres: Text
    acronymes: Text
    metadonnees: Text
    typologies: Text


class _Column(Model):
    cle: Text
    entete: Text
    requise: bool = False


class _Group(Model):
    groupe: Text
    niveau: bool = False
    libelle: Text
    colonnes: list[_Column]


class _CriterionSpec(Model):
    court: Text
    libelle: Text
    modalites: list[Text]
    attestees: list[Text] = []
    codes: dict[str, int]
    action: Text


class Vocabulary(Model):
    """vocabulaire.yml: sheets, column structure, levels, criteria and their modalities, cleaning rules."""

    feuilles: _Sheets
    structure: list[_Group]
    niveaux: dict[Level, Text]
    criteres: dict[Criterion, _CriterionSpec]
    regles: dict[str, Text]
    regles_libelles: dict[str, Text]


class _Route(Model):
    libelle: Text
    decision: Text
    decideur: Text
    decideur_donnees_individuelles: Text | None = None


class _RouteRule(Model):
    voie: str
    acces: list[str] | None = None
    cout: list[str] | None = None
    format: list[str] | None = None
    reutilisation: list[str] | None = None
    manque_un_de: list[Criterion] | None = None
    inconnu: bool | None = None


class _Privacy(Model):
    niveaux: list[Level]
    colonnes: list[str]
    mots: list[Text]
    precaution_acces_a_tous: Text
    precaution_autres: Text


class _AccessReason(Model):
    motif: Text
    mots: list[Text]


class Routes(Model):
    """voies_ouverture.yml: opening routes, their rules (each naming a known route), privacy words, access reasons."""

    voies: dict[str, _Route]
    regles: list[_RouteRule]
    donnees_individuelles: _Privacy
    motifs_acces: list[_AccessReason]

    @model_validator(mode="after")
    def _known_routes(self) -> Routes:
        for i, rule in enumerate(self.regles, start=1):
            if rule.voie not in self.voies:
                raise ValueError(f"règle {i} : voie inconnue « {rule.voie} » ; voies valides : {', '.join(self.voies)}")
        return self


# --- consultation.yml ------------------------------------------------------------------------------------------

class _Reading(Model):
    bloc_octets: int


class _Report(Model):
    lignes_max: int
    jours_max: int


class _OffList(Model):
    libelle: Text
    categorie_min: int
    reponses_min: int


class _Booleans(Model):
    vrai: list[str]
    faux: list[str]


class _Exclusions(Model):
    vide: Text
    resoumission: Text
    doublon: Text


class _Campaigns(Model):
    taille_min: int
    part_min: float
    longueur_min: int


class _Matching(Model):
    accepte: float
    a_verifier: float
    marge: float
    longueur_min: int
    non_reponses: list[str]
    mots_contact: list[str]
    regroupement: float
    mots_generiques: list[str]
    mots_de_tete: list[str]
    sigles_exclus: list[str]


class _Masks(Model):
    courriel: Text
    telephone: Text
    numero: Text


class _Publication(Model):
    longueur_max: int
    citation_max: int
    mention_max: int
    masques: _Masks


class _Quality(Model):
    date: Text
    corpus: Text
    resume: Text


class _Title(Model):
    termes: int
    textes_max: int
    attendent_un_mot: list[str]
    fins_de_negation: list[str]
    bords: list[str]
    jamais_seuls: list[str]


class _Texts(Model):
    themes: int
    themes_min: int
    themes_max: int
    theme_min_reponses: int
    theme_min_part: float
    petite_question: int
    theme_min_petite: int
    doublon: float
    recouvrement_max: float
    qualite: _Quality
    regles_max: int
    appartenance: float
    termes_par_theme: int
    titre: _Title
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


class _Codebook(Model):
    seuil: float
    second: float
    mot_cle: float
    min_df: int


class Consultation(Model):
    """consultation.yml: rules, thresholds and word lists of the consultation's analysis."""

    lecture: _Reading
    rapport: _Report
    profil_absent: Text
    fuseau: Text
    periode_2014: dict[Literal["debut", "fin"], Text]
    hors_liste: _OffList
    non_coche: list[str]
    cases_valeurs_max: int
    booleens: _Booleans
    second_entete: list[str]
    exclusion: _Exclusions
    campagnes: _Campaigns
    rapprochement: _Matching
    publication: _Publication
    textes: _Texts
    codes: _Codebook


# --- synthetique.yml, consultation_synthetique.yml ---------------------------------------------------------------

class _Producer(Model):
    sigle: Text | None = None
    nom: Text
    poids: int
    domaines: list[int]
    graphies: list[str] = []


class SyntheticCartography(Model):
    """synthetique.yml: invented content of the synthetic cartography (word tables typed by shape)."""

    feuilles: dict[Literal["format", "typologie"], Text]
    groupes: dict[int, Text]
    entetes: list[str]
    metadonnees: list[list[str]]
    typologies: dict[str, list[str]]
    producteurs: list[_Producer]
    bases: dict[Literal["prefixes", "sujets", "origines", "couvertures"], list[str]]
    niveaux: dict[str, object]
    profils: dict[Level, dict[str, object]]
    selon_acces: dict[str, dict[Criterion, dict[str, float]]]
    variantes: dict[str, object]
    aleas: list[dict[Literal["niveau", "critere", "valeur"], str]]
    exemples_criteres: dict[str, Text]


class SyntheticConsultation(Model):
    """consultation_synthetique.yml: invented content of the synthetic answers (word tables typed by shape)."""

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


Role = Literal["cartographie", "réponses"]


class _Banner(Model):
    titre: Text
    cartographie: Text
    réponses: Text
    réponses_aussi: Text
    cartographie_officielle: Text


class _TitledText(Model):
    titre: Text
    texte: Text


class _PrintedHeader(Model):
    roles: list[Role]
    texte: Text


class SyntheticWording(Model):
    """mentions_synthetiques.yml: what a sentence, a title, a banner or a printed page says of synthetic data."""

    marque: dict[Role, Text]
    bandeau: _Banner
    accueil: dict[Role, _TitledText]
    entete_imprime: list[_PrintedHeader]


#: The model of each settings file read by :func:`helpers.core.config.data_file`.
SETTINGS = {
    "accueil.yml": FrontPage, "affichage.yml": Display, "classement.yml": Ranking, "consultation.yml": Consultation,
    "consultation_synthetique.yml": SyntheticConsultation, "entrees.yml": Inputs,
    "mentions_synthetiques.yml": SyntheticWording, "parametres.yml": Parameters,
    "ponderations.yml": Weightings, "priorites.yml": Priorities, "schema.yml": TableSchema, "sorties.yml": Outputs,
    "sources.yml": Sources, "synthetique.yml": SyntheticCartography, "vocabulaire.yml": Vocabulary,
    "voies_ouverture.yml": Routes,
}
