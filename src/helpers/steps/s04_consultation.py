"""Notebook 04: read the consultation export against its questionnaire, screen, match, analyse, write.

With no export given, a synthetic one (and its spec) is generated into processed_dir from the
cartography there. Everything is computed before anything is written: a bad spec or export raises the
project's own exception and leaves the processed data as they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.cartography.sources import official
from helpers.consultation import demand, tallies
from helpers.consultation.aliases import alias_table
from helpers.consultation.answers import Answers, off_list_of, read_answers
from helpers.consultation.dates import local_dates, outside_2014
from helpers.consultation.lemmas import lemmatise
from helpers.consultation.matching import RESULT_COLUMNS, known_names, match_keys, mentions_table, says_nothing
from helpers.consultation.questionnaire import Questionnaire, load_questionnaire
from helpers.consultation.redaction import publishable_series, published_ids, without_personal_data_series
from helpers.consultation.screening import ANALYSED, campaigns, repeated_texts, screen
from helpers.consultation.synthetic import write_synthetic_consultation
from helpers.core.config import PROCESSED_DIR, data_file, resolve_path
from helpers.core.errors import QuestionnaireError
from helpers.core.storage import write_bytes_atomic
from helpers.core.tables import load_table, schema, write_processed
from helpers.steps.base import Run, SourceRecord, finish
from helpers.steps.s01_clean import read_provenance

if TYPE_CHECKING:
    from helpers.consultation.codes import Coding
    from helpers.consultation.themes import TextAnalysis

WORKBOOK_04 = "consultation.xlsx"
PROVENANCE_04 = "consultation.json"


@dataclass
class ConsultationRun(Run):
    """Notebook 04's result: the export read against its spec, every answer screened, mentions matched to
    the cartography, the tallies and the text analysis; sources: the cartography and the answers."""

    answers: Answers
    spec: Questionnaire
    synthetic_answers: bool
    provenance: dict  # of the cartography (notebook 01)
    screened: pd.DataFrame  # every answer received, published texts, statut, motif, campagne
    analysed: pd.DataFrame
    mentions: pd.DataFrame  # (numero, question, mention, cle) of analysed answers
    matching: pd.DataFrame  # consultation_rapprochements
    requests: pd.DataFrame  # consultation_demandes
    producers: pd.DataFrame  # consultation_par_gestionnaire
    review: pd.DataFrame  # consultation_non_rapprochees
    profiles: pd.DataFrame
    choices: pd.DataFrame
    campaigns: pd.DataFrame
    texts: TextAnalysis
    n_themes: int | None  # None: chosen from the data per question
    processed_dir: Path
    profile_columns: dict[str, str] = field(default_factory=dict)
    # Values outside a declared list (or rare categories), grouped as « Autre (hors liste) »: question, valeur
    # (published text), n_reponses. Listed in the method annex.
    off_list: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["question", "valeur",
                                                                                  "n_reponses"]))
    coding: Coding | None = None  # the codebooks of the spec applied (None: no question has codes)

    @property
    def asks_for_bases(self) -> bool:
        """True when the questionnaire has a ``datasets`` question; False for a free-text consultation (the
        Grand Débat's kind), where every demand table is empty because nobody was asked."""
        return bool(self.spec.of_kind("datasets"))


def _input(path: str | Path) -> Path:
    explicit = Path(path).expanduser()
    return explicit if explicit.exists() else resolve_path(explicit)


def _inputs(answers_path, questionnaire_path, processed: Path, bases: pd.DataFrame) -> tuple[Path, Path, bool]:
    if answers_path is None and questionnaire_path is None:
        export, spec, _ = write_synthetic_consultation(processed, bases)
        return export, spec, True
    if answers_path is None or questionnaire_path is None:
        given = "answers_path" if questionnaire_path is None else "questionnaire_path"
        raise QuestionnaireError(_input(answers_path or questionnaire_path),
                                 f"{given} est donné sans son complément : donnez l'export des réponses et son "
                                 "questionnaire, ou aucun des deux (échantillon synthétique)")
    return _input(answers_path), _input(questionnaire_path), False


def _published(screened: pd.DataFrame, spec: Questionnaire) -> pd.DataFrame:
    """consultation_reponses: one row per answer received, texts published, personal ids pseudonymised (keyed
    by the project's secret), dates in Europe/Paris with their offset."""
    zone = data_file("consultation.yml")["fuseau"]
    dates = screened["date"].dt.tz_convert(zone).dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    out = pd.DataFrame({"numero": screened["numero"],
                        "id": published_ids(screened["id"]),
                        "profil": screened["profil"],
                        "date": dates.str.replace(r"(\d{2})(\d{2})$", r"\1:\2", regex=True).fillna(""),
                        "statut": screened["statut"], "motif_exclusion": screened["motif_exclusion"],
                        "campagne": screened["campagne"]})
    for question in spec.questions:
        out[f"reponse_{question.id}"] = publishable_series(screened[question.id])
    return out


def _campaigns(screened: pd.DataFrame, spec: Questionnaire) -> pd.DataFrame:
    """consultation_campagnes, with the text each campaign's answers share (published, cut as a quote)."""
    table = campaigns(screened, spec)
    first = screened[screened["campagne"] != ""].drop_duplicates("campagne").set_index("campagne")
    text = pd.Series([first.at[c, first.at[c, "question_campagne"]] for c in first.index], index=first.index,
                     dtype=object)
    limit = data_file("consultation.yml")["publication"]["citation_max"]
    table["texte"] = table["campagne"].map(publishable_series(text, limit)) if len(table) else ""
    return table


def _documents(analysed: pd.DataFrame, spec: Questionnaire) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Free texts to analyse: one per analysed answer and free-text question it answered (column `question`),
    a text written alike by many answers (a campaign's, ``screening.repeated_texts``) once, under its first
    answer, a text that says nothing (« je ne sais pas », ``matching.says_nothing``) never; and those copies
    (question, premier: the numero kept, numero: each other one)."""
    columns = ["numero", "profil", "campagne", "question", "texte"]
    parts, copies = [], []
    for question in spec.of_kind("free_text"):
        repeated = repeated_texts(analysed, question.id)
        # A text is a campaign's when it is repeated: an answer's own text elsewhere is quoted as its own.
        part = analysed[["numero", "profil"]].assign(campagne=analysed["campagne"].where(repeated != "", ""),
                                                     question=question.id,
                                                     texte=publishable_series(analysed[question.id]))
        first = part["numero"].groupby(repeated).transform("min").where(repeated != "")
        copy = part["numero"] != first.fillna(part["numero"])
        copies.append(pd.DataFrame({"question": question.id, "premier": first[copy].astype(int),
                                    "numero": part.loc[copy, "numero"]}))
        parts.append(part[(part["texte"] != "") & ~copy & ~says_nothing(analysed[question.id])])
    empty = pd.DataFrame(columns=["question", "premier", "numero"])
    return (pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns),
            pd.concat(copies, ignore_index=True) if copies else empty)


def per_answer(table: pd.DataFrame, copies: pd.DataFrame) -> pd.DataFrame:
    """`table` (numero, question, …: a repeated text's rows under its first answer) given to every answer that
    wrote it too (`copies`: question, premier, numero, from ``_documents``), sorted by numero, question (and the
    rest as it came)."""
    if table.empty:
        return table.reset_index(drop=True)
    copied = table.merge(copies.rename(columns={"numero": "autre"}), left_on=["question", "numero"],
                         right_on=["question", "premier"])
    copied = copied.assign(numero=copied["autre"])[table.columns]
    out = pd.concat([table, copied], ignore_index=True)
    return out.sort_values(["numero", "question"], kind="stable").reset_index(drop=True)


def analyse_consultation(answers_path: str | Path | None = None, questionnaire_path: str | Path | None = None,
                         processed_dir: str | Path = PROCESSED_DIR, n_themes: int | None = None) -> ConsultationRun:
    """Notebook 04: the whole analysis of the consultation; writes its tables into `processed_dir`.

    Parameters
    ----------
    answers_path, questionnaire_path : str, Path or None
        The platform's export (CSV, XLSX or ODS) and its questionnaire spec (YAML), both or neither; neither:
        a synthetic export and spec are generated into `processed_dir` from its ``bases.csv``.
    processed_dir : str or Path
        Notebook 01's output folder, where the tables are written.
    n_themes : int or None
        Number of NMF themes of every free-text question; 0 or None takes ``textes.themes`` of
        ``consultation.yml`` (0 there: chosen from the data per question, helpers.consultation.themes).

    Returns
    -------
    ConsultationRun
        With ``written``: the eleven ``consultation_*`` tables, themes and codes per answer among them (CSV,
        ``consultation.xlsx``, ``datapackage.json``; texts published: redacted, cut, formula-neutralised) and
        ``consultation.json``. Nothing is written before everything is computed.

    Raises
    ------
    QuestionnaireError
        Only one of the two paths is given, or the spec is invalid (checked before the export is read).
    AnswersError
        The export cannot be read or lacks the spec's columns.
    SourceError
        Notebook 01's tables or ``provenance.json`` are absent."""
    # Imported here, not with the module: they import scikit-learn and SciPy (about 1 s), which reports 05 and
    # the front page, reading this step's tables through it, do not need.
    from helpers.consultation.codes import ANSWER_COLUMNS as CODE_ANSWER_COLUMNS
    from helpers.consultation.codes import code_questions
    from helpers.consultation.themes import analyse_texts

    processed = resolve_path(processed_dir)
    provenance = read_provenance(processed)
    bases = load_table(processed, "bases")
    answers_file, spec_file, synthetic = _inputs(answers_path, questionnaire_path, processed, bases)
    spec = load_questionnaire(spec_file)  # validated before the export is read
    answers = read_answers(answers_file, spec)
    frame = answers.frame.copy(deep=False)  # copy-on-write: columns are shared until changed
    frame["profil"] = tallies.unify_spellings(publishable_series(frame["profil"], 100))
    typed_profiles = pd.Series(frame["profil"].to_numpy(), index=frame["numero"].to_numpy())
    frame["profil"], off_profiles = tallies.categories(frame["profil"], spec.respondent_options)
    screened = screen(frame, spec)
    analysed = screened[screened["statut"] == ANALYSED]
    documents, copies = _documents(analysed, spec)
    codebooks = {q.id: q.codes for q in spec.of_kind("free_text") if q.codes}
    # The codes' examples and keywords are lemmatised with the texts (same lemmas).
    extra = list(dict.fromkeys(t for codes in codebooks.values() for c in codes for t in c.examples + c.keywords))
    all_lemmas = (lemmatise(pd.concat([documents["texte"], pd.Series(extra, dtype=object)], ignore_index=True))
                  if len(documents) else pd.Series(dtype=object))
    published = _final("consultation_reponses", _published(screened, spec))
    mentions, matches = _mentions(analysed, spec, bases)
    accepted = demand.accepted_pairs(mentions, matches)
    requests = demand.requests_per_base(accepted, bases, analysed)
    matching = demand.matching_table(mentions, matches, bases, screened)
    n_themes = n_themes or data_file("consultation.yml")["textes"]["themes"] or None  # 0: from the data
    texts = analyse_texts(documents, n_themes, all_lemmas.iloc[: len(documents)].reset_index(drop=True),
                          {q.id: q.theme_range for q in spec.of_kind("free_text") if q.theme_range})
    coding = code_questions(texts.documents, codebooks,
                            dict(zip(extra, all_lemmas.iloc[len(documents):].fillna(""), strict=True))
                            ) if codebooks and len(documents) else None
    campaign_table = _campaigns(screened, spec)
    run = ConsultationRun(
        answers, spec, synthetic, provenance, screened, analysed, mentions, matching, requests,
        demand.requests_per_producer(accepted, bases), demand.review_list(matching, mentions, bases, analysed),
        tallies.profiles(analysed), tallies.all_choices(analysed, list(spec.questions)), campaign_table, texts,
        n_themes, processed, demand.profile_columns(sorted(analysed["profil"].unique())),
        off_list=_off_list(answers, off_profiles, typed_profiles, analysed), coding=coding,
        sources=[SourceRecord.cartography(provenance),
                 SourceRecord.answers({"fichier": answers.path.name, "sha256": answers.sha256,
                                       "synthetique": synthetic})])
    tables = {"consultation_reponses": published, "consultation_demandes": requests,
              "consultation_par_gestionnaire": run.producers, "consultation_rapprochements": matching,
              "consultation_non_rapprochees": run.review, "consultation_choix": run.choices,
              "consultation_campagnes": campaign_table, "consultation_themes": texts.themes,
              "consultation_termes": texts.terms,
              "consultation_themes_reponses": per_answer(texts.memberships, copies),
              "consultation_codes_reponses": per_answer(coding.answers if coding else
                                                        pd.DataFrame(columns=CODE_ANSWER_COLUMNS), copies)}
    tables = {name: frame if frame is published else _final(name, frame) for name, frame in tables.items()}
    run.written = write_processed(processed, tables, workbook_name=WORKBOOK_04, source=official())
    run.written.append(write_bytes_atomic(processed / PROVENANCE_04, _provenance(run).encode()))
    return finish(run)


def _mentions(analysed: pd.DataFrame, spec: Questionnaire, bases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(mentions of bases in the analysed answers, their matches): empty tables when no question asks for bases
    (a free-text consultation such as the Grand Débat's), so that every table downstream is empty, not absent."""
    datasets = spec.of_kind("datasets")
    if datasets:
        aliases = alias_table(bases)
        known = known_names(bases, aliases)
        # Personal data out before any key is derived from a mention (the keys are published, « cle »).
        redacted = analysed.assign(**{q.id: without_personal_data_series(analysed[q.id]) for q in datasets})
        mentions = mentions_table(redacted, datasets, known)
        return mentions, match_keys(mentions["cle"].unique().tolist(), aliases, known)
    mentions = pd.DataFrame({"numero": pd.Series(dtype="int64"), **{c: pd.Series(dtype=object)
                                                                    for c in ("question", "mention", "cle")}})
    matches = pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else object) for c in RESULT_COLUMNS})
    return mentions, matches


def _off_list(answers: Answers, profiles: pd.DataFrame, typed: pd.Series, analysed: pd.DataFrame) -> pd.DataFrame:
    """Every value counted as « Autre (hors liste) »: question (id, or « profil »), published value, and the
    analysed answers that hold it — the answers the tallies beside it count, never the excluded ones (`typed`:
    each answer's category as typed, by numero; `profiles`: the categories grouped, from ``tallies.categories``)."""
    grouped = analysed.loc[analysed["profil"] == tallies.off_list_label(), "numero"]
    counts = typed.loc[grouped.to_numpy()]
    counts = counts[counts.isin(profiles["valeur"])].value_counts()
    profiles = pd.DataFrame({"valeur": counts.index, "n_reponses": counts.to_numpy()}).sort_values(
        ["n_reponses", "valeur"], ascending=[False, True], ignore_index=True)
    choices = off_list_of(answers, analysed["numero"])
    table = pd.concat([profiles.assign(question="profil"), choices], ignore_index=True)
    table = table[["question", "valeur", "n_reponses"]]
    return table.assign(valeur=publishable_series(table["valeur"], 200), n_reponses=table["n_reponses"].astype(int))


def _final(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table as published: columns in the order of schema.yml (its cells are made inert by the writer,
    helpers.core.tables)."""
    declared = list(schema()[name]["champs"])
    return frame[declared + [c for c in frame.columns if c not in declared]]


def _provenance(run: ConsultationRun) -> str:
    answers = run.answers
    days = local_dates(run.analysed["date"].dropna()).dt.date  # the analysed answers' first and last day, in Paris
    facts = {"fichier": answers.path.name, "sha256": answers.sha256, "questionnaire": run.spec.path.name,
             "synthetique": run.synthetic_answers, "format": answers.file_format, "encodage": answers.encoding,
             "separateur": answers.separator, "plateforme": run.spec.platform, "lignes_entete": answers.header_rows,
             "dates": answers.dates.describe() if answers.dates else None, "non_datees": answers.undated,
             "recues": len(run.screened), "analysees": len(run.analysed),
             "premier_jour": days.min().isoformat() if len(days) else None,
             "dernier_jour": days.max().isoformat() if len(days) else None,
             "hors_periode_2014": outside_2014(run.analysed["date"]),
             "questions_bases": len(run.spec.of_kind("datasets"))}
    return json.dumps(facts, ensure_ascii=False, indent=2) + "\n"


def read_consultation_provenance(processed_dir: str | Path = PROCESSED_DIR) -> dict:
    """Notebook 04's ``consultation.json`` in `processed_dir`, as a dict (fichier, sha256,
    questionnaire, synthetique, format, encodage, separateur, plateforme, lignes_entete, dates, non_datees,
    recues, analysees, premier_jour and dernier_jour (the first and last day an analysed answer was sent, Paris time,
    ISO; None when none is dated), hors_periode_2014 (analysed answers sent outside 4–28 April 2014),
    questions_bases: how many questions asked which bases to open — 0 for a free-text
    consultation, whose demand report 05 then does not join).

    Raises ``SourceError`` when it is absent (run notebook 04 first)."""
    return read_provenance(processed_dir, PROVENANCE_04, "04")
