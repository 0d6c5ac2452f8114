"""The method annex of report 04: where the answers come from, the questionnaire, and every rule
with the thresholds of data/consultation.yml."""

from __future__ import annotations

import pandas as pd

from helpers.consultation.questionnaire import KINDS
from helpers.core.config import data_file
from helpers.core.formats import count_of, decimal, local_time, percent
from helpers.steps.s04_consultation import ConsultationRun


def questionnaire(run: ConsultationRun) -> pd.DataFrame:
    """The questionnaire as read: one row per column of the export the spec names (identifier and
    date when declared, respondent category, then each question in spec order); columns Question, Colonne de
    l'export, Type (French label of its kind), Séparateur (multiple choices and lists)."""
    spec = run.spec
    rows = [("Catégorie de répondant", spec.respondent_column, "catégorie", ""),
            *[(q.id, q.column, KINDS[q.kind], q.separator or "") for q in spec.questions]]
    if spec.id_column:
        rows.insert(0, ("Identifiant", spec.id_column, "identifiant", ""))
    if spec.date_column:
        rows.insert(1 if spec.id_column else 0, ("Date", spec.date_column, "date", ""))
    return pd.DataFrame(rows, columns=["Question", "Colonne de l'export", "Type", "Séparateur"])


def source_facts(run: ConsultationRun) -> dict[str, str]:
    """The annex's « Source » card: French label → value (answers file and status, format — with
    encoding and separator for a CSV —, sha256, questionnaire file, date column and order, header rows and
    platform preset, cartography used)."""
    answers = run.answers
    status = "échantillon synthétique généré par le projet" if run.synthetic_answers else "export fourni"
    # utf-8-sig is how a file with or without a BOM is read: the file itself is UTF-8.
    encoding = "utf-8" if answers.encoding == "utf-8-sig" else answers.encoding
    fmt = answers.file_format.upper() + (f", encodage {encoding}, séparateur « {answers.separator} »"
                                         if answers.file_format == "csv" else "")
    expected = run.spec.preset_separator
    if answers.file_format == "csv" and expected and answers.separator != expected and not run.spec.separator:
        # The platform writes another one: the file was re-saved (by a spreadsheet), read with its own.
        fmt += f" (détecté ; la plateforme écrit « {expected} » : fichier ré-enregistré, par un tableur par exemple)"
    return {"Fichier des réponses": f"{answers.path.name} ({status})", "Format": fmt,
            "Empreinte sha256": answers.sha256, "Questionnaire": run.spec.path.name,
            "Dates": _dates(run),
            "Lignes d'en-tête": str(answers.header_rows) + (f" (plateforme {run.spec.platform})"
                                                             if run.spec.platform else ""),
            "Cartographie": "synthétique" if run.provenance.get("synthetique") else run.provenance.get("fichier", "")}


def _dates(run: ConsultationRun) -> str:
    """Which column dates the answers, the day/month order used and why, how many are « non datées » among the
    answers received and among those analysed (an incomplete response excluded has often no date), and the first and
    last analysed answer."""
    answers = run.answers
    if not run.spec.date_column:
        return "pas de colonne de date : les resoumissions sont ordonnées par leur place dans l'export"
    order = answers.dates.describe() if answers.dates else ""
    undated = count_of(answers.undated, "réponse reçue « non datée »", "réponses reçues « non datées »")
    analysed = count_of(int(run.analysed["date"].isna().sum()), "réponse analysée", "réponses analysées")
    return (f"colonne « {run.spec.date_column} », ordre {order} ; {undated} (date vide ou illisible), dont "
            f"{analysed} ; "
            f"{date_span(run.analysed['date'])}"
            "enregistrées en UTC, affichées à l'heure de Paris")


def date_span(dates: pd.Series) -> str:
    """« de la première réponse analysée datée, le 3 avril 2014 01:30, à la dernière, le … (heure de Paris) ; » for
    tz-aware UTC `dates` of the analysed answers (NaT ignored); "" when none is dated."""
    dated = dates.dropna()
    if dated.empty:
        return ""
    zone = data_file("consultation.yml")["fuseau"]
    return (f"de la première réponse analysée datée, le {local_time(dated.min(), zone)}, à la dernière, le "
            f"{local_time(dated.max(), zone)} (heure de Paris) ; ")


def off_list_text(run: ConsultationRun) -> str:
    """Every value counted as « Autre (hors liste) », with its question and number of answers (plain text:
    html.definitions escapes it)."""
    table = run.off_list
    if table.empty:
        return "aucune"
    names = {"profil": "catégorie de répondant"}
    return " ; ".join(f"« {row.valeur} » ({names.get(row.question, row.question)}, "
                      f"{count_of(row.n_reponses, 'réponse', 'réponses')})"
                      for row in table.itertuples())


def theme_method(run: ConsultationRun) -> str:
    """How the themes of each free-text question and the codes were obtained, and how well the method agreed
    with human coders on the reference corpus (``textes.qualite`` of consultation.yml, from ``make bench``)."""
    text, codes = data_file("consultation.yml")["textes"], data_file("consultation.yml")["codes"]
    quality = text["qualite"]
    if run.n_themes:
        count = f"factorisation NMF en {run.n_themes} thèmes par question, graine fixe"
    else:
        count = (f"factorisation NMF, graine fixe, question par question ; nombre de thèmes tiré des données : autant "
                 f"de candidats que la taille minimale d'un thème le permet (entre {text['themes_min']} et "
                 f"{text['themes_max']}, ou la plage du questionnaire)")
    small = (run.texts.documents["question"].value_counts() < text["petite_question"]).any()
    small = (f" ({text['theme_min_petite']} textes dans une question de moins de {text['petite_question']} "
             "réponses)") if small else ""
    return (f"Thèmes : {count}, puis les règles de ThemeFinder : un thème couvre au moins "
            f"{text['theme_min_reponses']} textes et {percent(text['theme_min_part'], 1)} de la question{small} ; deux "
            f"thèmes aux profils de termes presque identiques (cosinus ≥ {decimal(text['doublon'])}) ou aux ensembles "
            f"de réponses trop recouvrants (Jaccard ≥ {decimal(text['recouvrement_max'])}) sont fusionnés. Titre : "
            "l'expression des réponses qui marque le mieux le thème. Ce sont des pistes de lecture, pas des "
            f"résultats. Grille d'analyse (clé codes du questionnaire) : confiance 0–1 d'un texte dans un code d'après "
            f"sa proximité aux exemples du code ; code donné à partir de {decimal(codes['seuil'])}. "
            f"Accord avec des codeurs humains, mesuré le {quality['date']} sur {quality['corpus']} : "
            f"{quality['resume']}.{_unconverged(run)}")


def _unconverged(run: ConsultationRun) -> str:
    stopped = run.texts.unconverged
    if not stopped:
        return ""
    columns = {q.id: q.column for q in run.spec.questions}
    labels = ", ".join(f"« {columns.get(q, q)} »" for q in stopped)
    return (f" La factorisation NMF s'est arrêtée à sa limite d'itérations sans converger pour "
            f"{count_of(len(stopped), 'question', 'questions')} ({labels}) : ses thèmes y sont à lire avec plus de "
            "prudence encore.")


def method(run: ConsultationRun) -> dict[str, str]:
    """Every rule of the consultation analysis in French, with the thresholds of ``consultation.yml``
    (exclusions and resubmissions, off-list values, campaigns, respondents not cells, matching — rapidfuzz scores —,
    missing data, free texts — spaCy lemmas, TF-IDF, NMF —, publication): term → text, for
    ``render.html.definitions``."""
    rules = data_file("consultation.yml")
    match, camp, text = rules["rapprochement"], rules["campagnes"], rules["textes"]
    masks = ", ".join(rules["publication"]["masques"].values())
    return {
        "Réponses exclues": "Les lignes que la plateforme marque comme supprimées, de test ou incomplètes (préréglage "
                            "de la plateforme, ou clé exclude du questionnaire) sont exclues avec leur motif ; une "
                            "telle marque qu'aucune règle ne traite arrête la lecture. Une réponse sans aucune réponse"
                            " aux questions est vide. Quand l'export a un identifiant et qu'il se répète, la "
                            "soumission la plus récente remplace les précédentes (par date quand toutes sont datées, "
                            "sinon par ordre dans l'export) ; des identifiants différents sont des répondants "
                            "différents. Sans identifiant, hors campagnes, une réponse avec texte libre identique en "
                            "tout (catégorie et questions, casse et espaces ignorés) à une réponse antérieure est un "
                            "doublon. Les réponses exclues restent dans consultation_reponses.csv avec leur motif ; un"
                            " identifiant qui est une donnée personnelle (courriel, téléphone) y est remplacé par un "
                            "pseudonyme stable, calculé avec une clé secrète propre au projet et jamais publiée.",
        "Valeurs hors liste": "Une valeur absente des options déclarées d'une question fermée (ou une catégorie "
                              f"de répondant de moins de {rules['hors_liste']['categorie_min']} réponses quand "
                              f"aucune liste n'est déclarée, à partir de {rules['hors_liste']['reponses_min']} "
                              f"réponses) est comptée sous « {rules['hors_liste']['libelle']} ». Valeurs : "
                              + off_list_text(run) + ".",
        "Campagnes": f"Même texte libre à la même question (au moins {camp['longueur_min']} caractères, casse et "
                     f"espaces ignorés) dans au moins {camp['taille_min']} réponses et au moins "
                     f"{percent(camp['part_min'], 2)} d'entre elles, soit "
                     f"{run.screened.attrs.get('taille_campagne', camp['taille_min'])} réponses ici ; à une "
                     "question sur les données demandées, un texte qui en nomme plusieurs (liste, lettre). Les "
                     "réponses de campagne sont comptées comme les répondants qu'elles sont, signalées, et ce "
                     "texte ne compte qu'une fois dans l'analyse des textes ; leurs autres textes comptent comme les "
                     "leurs.",
        "Répondants, pas cellules": "Chaque effectif compte des répondants : une base citée deux fois par la même "
                                    "personne compte une fois. Les parts des questions à choix multiples se cumulent "
                                    "au-delà de 100 %.",
        "Rapprochement des bases": f"Dictionnaire d'alias construit à partir de la cartographie (nom complet, sigles "
                                   f"entre parenthèses, parties du nom, nom sans mot de tête, sigles dans le nom), "
                                   f"comparé sans casse, accents, ponctuation ni mots génériques ; puis score flou "
                                   f"(rapidfuzz). Accepté à partir de {match['accepte']} sur 100 si aucune autre base "
                                   f"n'est à moins de {match['marge']} points ; à vérifier de {match['a_verifier']} à "
                                   f"{match['accepte']} ; en dessous, absente de la cartographie. Une mention dont le "
                                   f"seul mot distinctif est un sigle de la cartographie ou un nom propre d'un mot "
                                   f"(« Adeli »), quelle que soit sa casse, avec ou sans points (« P.M.S.I. »), "
                                   f"parmi des mots courants du français (« l'échantillon entred »), désigne la base "
                                   f"de ce sigle, ou reste ambiguë si plusieurs bases le portent. Une mention qui ne "
                                   f"nomme qu'un gestionnaire (« CépiDc ») est à vérifier ou ambiguë, avec ses bases "
                                   f"pour candidates : elle n'est ni comptée ni absente. Un morceau de nom "
                                   f"de base coupé à une virgule ou une barre oblique n'est jamais compté. Seules les "
                                   f"mentions acceptées comptent comme demandes.",
        "Données absentes": f"Les mentions non rapprochées semblables (score d'au moins {match['regroupement']}) "
                            "forment un groupe, nommé par sa graphie la plus fréquente. Une mention peut être absente "
                            "par synonymie (« causes de décès » pour « causes de mortalité ») : la liste est à relire. "
                            "Une réponse qui ne nomme aucune donnée (" + ", ".join(
                                f"« {t} »" for t in match["non_reponses"][:4]) + "…), ni ce qui reste d'une adresse ou "
                            "d'un numéro retirés (« contact : », « tél. »), n'est ni une demande ni une donnée "
                            "absente.",
        "Textes libres": f"Un texte qui ne dit rien (« {match['non_reponses'][0]} », « rien »…) n'entre dans aucun "
                         f"thème. Textes normalisés, données personnelles masquées, mots vides retirés sauf les "
                         f"négations et "
                         f"« ouvert* », lemmatisés avec spaCy (fr_core_news_sm), casse, accents, élisions et pluriels "
                         f"unifiés. Termes distinctifs : écart de TF-IDF "
                         f"moyen entre une catégorie (au moins {text['profil_min']} textes) et les autres. "
                         f"{theme_method(run)}",
        "Publication": f"Tout texte publié est nettoyé des caractères invisibles, ses données personnelles masquées "
                       f"({masks}), quelle que soit leur graphie (espaces, points, tirets, barres obliques, +33, "
                       f"caractères pleine chasse), coupé à {rules['publication']['longueur_max']} caractères ; les "
                       "clés de rapprochement sont tirées du texte sans ses données personnelles ; dans les CSV et "
                       "XLSX, une cellule commençant par =, +, -, @, une tabulation ou un retour chariot est précédée "
                       "d'une apostrophe.",
    }
