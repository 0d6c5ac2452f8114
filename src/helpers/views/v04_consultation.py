"""What report 04 (consultation) shows, as French-labelled frames, sentences and structures.

Every text that comes from the answers was made publishable upstream (helpers.consultation.redaction) and is
escaped where it is laid out (helpers.render): no answer text ever enters the HTML unescaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from helpers.consultation.dates import local_dates, outside_2014, period_2014
from helpers.consultation.screening import ANALYSED
from helpers.consultation.tallies import OVERALL
from helpers.core.config import data_file
from helpers.core.formats import count_of, date, integer, percent, percent_range, share_of, with_mark
from helpers.steps.s04_consultation import ConsultationRun
from helpers.views.v01_clean import shorten

#: « réponses synthétiques » (``data/mentions_synthetiques.yml``).
ANSWERS_MARK = data_file("mentions_synthetiques.yml")["marque"]["réponses"]


def synthetic_mark(title: str, synthetic_answers: bool) -> str:
    """`title` with « — réponses synthétiques » appended when the answers are generated: every chart and table
    of demand carries it, so that a figure copied out of the report still says it was invented."""
    return f"{title} — {ANSWERS_MARK}" if synthetic_answers else title


def marked_sentences(sentences: list[str], synthetic_answers: bool) -> list[str]:
    """Takeaway sentences, each ending with « — réponses synthétiques » when the answers are generated (the
    first, which already says so, excepted): the front page quotes them one by one, and a sentence copied
    alone into a note must still say its figures were invented."""
    return with_mark(sentences, ANSWERS_MARK if synthetic_answers else "", skip_first=True)


def mark(run: ConsultationRun, title: str) -> str:
    """A chart or table title of report 04, marked when the answers are synthetic (`synthetic_mark`)."""
    return synthetic_mark(title, run.synthetic_answers)


def _ordered_profiles(run: ConsultationRun, sizes: pd.Series) -> list[str]:
    """Categories with enough respondents for a breakdown, most frequent first (as in section 2)."""
    minimum = data_file("consultation.yml")["textes"]["profil_min"]
    return [p for p in run.profiles["profil"] if p in sizes.index and sizes[p] >= minimum]


def headline(run: ConsultationRun) -> dict[str, str]:
    """Headline cards of report 04: label → count, with its percentage where it is a part of a whole."""
    screened = run.screened
    analysed = len(run.analysed)
    in_campaign = int((run.analysed["campagne"] != "").sum())
    mark = f" ({ANSWERS_MARK})" if run.synthetic_answers else ""  # a card copied alone keeps it
    return {f"{label}{mark}": value for label, value in {
        "réponses reçues": integer(len(screened)),
        "réponses analysées": share_of(analysed, len(screened)),
        "réponses exclues": share_of(int((screened["statut"] != ANALYSED).sum()), len(screened)),
        "réponses de campagne": share_of(in_campaign, analysed),
        **({"bases de la cartographie demandées": integer(len(run.requests)),
            "données absentes de la cartographie (groupes)": integer(int((run.review["groupe"] != "").sum()))}
           if run.asks_for_bases else {}),  # nobody was asked: a « 0 bases demandées » card would be false
    }.items()}


NO_BASES_ASKED = ("Le questionnaire de cette consultation ne demandait pas quelles bases de données ouvrir (aucune "
                  "question de type datasets, seulement des questions ouvertes ou à choix) : il n'y a donc aucune "
                  "demande de base à compter, et cette section est sans objet.")


def no_requests(run: ConsultationRun) -> str:
    """Why section 3 of report 04 shows no chart of the most requested bases: no question asked for bases, or no
    mention was matched with certainty to a base of the cartography."""
    if not run.asks_for_bases:
        return NO_BASES_ASKED
    return ("Aucune base nommée par les répondants n'a été rapprochée avec certitude d'une base de la cartographie : "
            "aucune demande n'est comptée. Les mentions à vérifier et les données absentes de la cartographie sont "
            "en section 5.")


def _uncertain(run: ConsultationRun) -> str:
    """« ; 3 mentions incertaines ne sont pas comptées, dont « SNDS », nommée par 30 répondants : à vérifier » (the
    most named of the mentions to check or ambiguous), or "": a base many name but no rule settles must not vanish
    from a summary that counts only the certain ones."""
    uncertain = run.review[run.review["groupe"] == ""]
    if not len(uncertain):
        return ""
    top = uncertain.sort_values("n_repondants", ascending=False, kind="stable").iloc[0]
    counted = count_of(len(uncertain), "mention incertaine n'est pas comptée",
                       "mentions incertaines ne sont pas comptées")
    return (f" ; {counted}, dont « {shorten(top['mention'], 60)} », nommée par "
            f"{count_of(int(top['n_repondants']), 'répondant', 'répondants')} : à vérifier")


def takeaways(run: ConsultationRun) -> list[str]:
    """« Ce qu'il faut retenir » of report 04: 3–5 French sentences computed from the run; the first says the
    answers are synthetic when they are."""
    screened, analysed = run.screened, len(run.analysed)
    sentences = []
    if run.synthetic_answers:
        sentences.append("Ces chiffres viennent de réponses synthétiques, générées par le projet : ils ne décrivent "
                         "aucun répondant réel et ne doivent pas être cités.")
    days = _answer_days(run)
    sent = f" (envoyées {sent_words(*days, outside_2014(run.analysed['date']))})" if days else ""
    excluded = screened.loc[screened["statut"] != ANALYSED, "motif_exclusion"].value_counts()
    why = ", ".join(f"{integer(n)} « {reason} »" for reason, n in excluded.items())  # the export's own reasons
    rest = (f"{count_of(int(excluded.sum()), 'autre est exclue', 'autres sont exclues')} : {why}" if len(excluded)
            else "aucune n'est exclue")
    received = "réponse reçue est analysée" if len(screened) <= 1 else "réponses reçues sont analysées"
    sentences.append(f"{share_of(analysed, len(screened))} {received}{sent} ; {rest}.")
    if not run.asks_for_bases:
        sentences.append("Le questionnaire ne demandait pas quelles bases ouvrir : ce rapport ne compte aucune "
                         "demande de base ; il rend compte de la participation, des catégories de répondants et "
                         "des textes.")
    elif len(run.requests):
        top = run.requests.iloc[0]
        sentences.append(f"La base la plus demandée est « {shorten(top['base'], 80)} » ({top['gestionnaire']}) : "
                         f"{count_of(int(top['n_repondants']), 'répondant', 'répondants')} sur {integer(analysed)} "
                         f"({percent(top['part_repondants'])}) "
                         + ("la nomme ; " if top['n_repondants'] <= 1 else "la nomment ; ")
                         + (f"{count_of(len(run.requests), 'base', 'bases')} de la cartographie "
                            + ("est demandée" if len(run.requests) <= 1 else "sont demandées") + " au moins une fois."))
    if run.asks_for_bases:
        grouped = run.review[run.review["groupe"] != ""]
        groups = len(grouped)
        absent = "est absent" if groups <= 1 else "sont absents"
        # A group only a campaign's members wrote is often a piece of its pasted letter: said, as the table shows.
        only = int((grouped["n_dont_campagnes"] == grouped["n_repondants"]).sum())
        campaign_only = (f", dont {integer(only)} écrit{'s' if only > 1 else ''} par des membres de campagnes "
                         "seulement" if only else "")
        sentences.append(f"{count_of(groups, 'groupe de données demandées', 'groupes de données demandées')} "
                         f"{absent} de la cartographie{campaign_only}{_uncertain(run)} (section 5).")
    in_campaign = int((run.analysed["campagne"] != "").sum())
    if len(run.campaigns) and len(sentences) < 5:
        sentences.append(f"{count_of(len(run.campaigns), 'campagne regroupe', 'campagnes regroupent')} "
                         f"{count_of(in_campaign, 'réponse', 'réponses')} "
                         f"({percent(in_campaign / analysed)} des réponses analysées) : comptées et signalées, elles "
                         f"signalent sans doute une mobilisation organisée (un même texte, repris).")
    return marked_sentences(sentences[:5], run.synthetic_answers)


def _answer_days(run: ConsultationRun) -> tuple[dt.date, dt.date] | None:
    """The first and last day (in the consultation's zone, Europe/Paris) on which an analysed answer was sent, or
    None when no analysed answer is dated."""
    dates = local_dates(run.analysed["date"].dropna())
    return (dates.min().date(), dates.max().date()) if len(dates) else None


def sent_words(first: dt.date, last: dt.date, outside: int) -> str:
    """« du 4 avril 2014 au 29 avril 2014, heure de Paris, dont 6 hors de la consultation de 2014 »: when answers
    were sent and how many outside the 2014 consultation (nothing said when none): a period quoted alone must not
    pass for the consultation's (reports 04 and 05)."""
    return (f"{days_words(first, last)}, heure de Paris"
            + (f", dont {integer(outside)} hors de la consultation de 2014" if outside else ""))


def days_words(first: dt.date, last: dt.date) -> str:
    """« le 4 avril 2014 » or « du 4 avril 2014 au 28 avril 2014 »."""
    return f"le {date(first)}" if first == last else f"du {date(first)} au {date(last)}"


def period_note(run: ConsultationRun) -> str:
    """The sentence under report 04's introduction: the days the analysed answers were sent (Paris time), and
    how many fall outside the public consultation of 2014 (:func:`helpers.consultation.dates.period_2014`).
    None of its answers was published: an export analysed here may come from another consultation, and the
    report must not present it as 2014's (it says what the dates show, not where the answers come from). Marked
    when the answers are synthetic."""
    first, last = period_2014()
    consultation = "la consultation publique de 2014"
    days = _answer_days(run)
    if days is None:
        return mark(run, f"Aucune des réponses analysées ({integer(len(run.analysed))}) n'est datée : l'export ne dit "
                         f"pas si elles ont été envoyées pendant {consultation} ({days_words(first, last)})") + "."
    dated = int(run.analysed["date"].notna().sum())
    outside = outside_2014(run.analysed["date"])
    sentence = (f"{count_of(dated, 'réponse analysée a été envoyée', 'réponses analysées ont été envoyées')} "
                f"{days_words(*days)} (heure de Paris)")
    if not outside:
        sentence += f", pendant {consultation}"
    elif outside == dated:
        sentence += f" : aucune pendant {consultation} ({days_words(first, last)})"
    else:
        sentence += (f", dont {count_of(outside, 'envoyée', 'envoyées')} hors de {consultation} "
                     f"({days_words(first, last)})")
    undated = len(run.analysed) - dated
    if undated:
        sentence += f" ; {count_of(undated, 'autre réponse analysée', 'autres réponses analysées')} sans date"
    return mark(run, sentence) + "."  # the mark before the full stop, as in the takeaways


def flow(run: ConsultationRun) -> pd.DataFrame:
    """Where the answers went: one row per step (received, each exclusion reason, analysed, of which in
    campaigns); columns Étape, Réponses, Part des réponses analysées (French percentage, on the last two rows
    only). An exclusion's count is positive, its label says « − exclue » (« -38 » quoted alone would read as a
    negative number of answers)."""
    screened = run.screened
    rows = [("Réponses reçues", len(screened), "")]
    for reason, n in screened.loc[screened["statut"] != ANALYSED, "motif_exclusion"].value_counts().items():
        rows.append((f"− exclue : {reason}", int(n), ""))
    rows.append(("= Réponses analysées", len(run.analysed), percent(1)))
    in_campaign = int((run.analysed["campagne"] != "").sum())
    rows.append(("dont réponses de campagne (comptées, signalées)", in_campaign,
                 percent(in_campaign / max(len(run.analysed), 1))))
    return pd.DataFrame(rows, columns=["Étape", "Réponses", "Part des réponses analysées"])


@dataclass(frozen=True)
class Timeline:
    """Analysed answers over time, in the consultation's zone (Europe/Paris): `unit` « jour » or « mois »,
    `chart` (Période, Réponses: the bars in order), `table` (the same under the chart, its first column saying
    how a period is written), `axis` (the chart's axis label, with the year when there is one) and `caption`."""

    unit: str
    chart: pd.DataFrame
    table: pd.DataFrame
    axis: str
    caption: str


def timeline(run: ConsultationRun) -> Timeline | None:
    """Analysed answers per day, every day from the first to the last (zeros included), when they span at most
    ``rapport.jours_max`` days (consultation.yml); else per month, the months that have answers only (answers of
    2014 and of 2025 in one export: not 4,000 days of zeros). A period is written with its year whenever the
    answers span more than one (« 02/04/2014 », « avril 2014 »). None when no analysed answer is dated."""
    dates = local_dates(run.analysed["date"].dropna())
    if dates.empty:
        return None
    caption = "Un pic peut correspondre à une campagne ou à une relance ; voir la section 6."
    years = sorted(dates.dt.year.unique())
    first, last = dates.min().date(), dates.max().date()
    if (last - first).days < data_file("consultation.yml")["rapport"]["jours_max"]:
        days = dates.dt.normalize().value_counts().sort_index()
        days = days.reindex(pd.date_range(days.index.min(), days.index.max(), freq="D"), fill_value=0)
        pattern, header = ("%d/%m", "Jour (jj/mm)") if len(years) == 1 else ("%d/%m/%Y", "Jour (jj/mm/aaaa)")
        labels = [d.strftime(pattern) for d in days.index]
        unit, axis = "jour", f"Jour ({years[0]})" if len(years) == 1 else "Jour"
    else:
        days = dates.dt.to_period("M").value_counts().sort_index()
        labels = [date(p.to_timestamp(), "MMMM y") for p in days.index]
        header, unit, axis = "Mois", "mois", "Mois (ceux qui ont des réponses)"
        caption = (f"Réponses envoyées {days_words(first, last)} : comptées par mois, les mois sans réponse ne sont "
                   f"pas montrés. {caption}")
    chart = pd.DataFrame({"Période": labels, "Réponses": days.to_numpy()})
    return Timeline(unit, chart, chart.rename(columns={"Période": header, "Réponses": "Réponses analysées"}),
                    axis, caption)


def profiles(run: ConsultationRun) -> pd.DataFrame:
    """Respondents per category of analysed answers, most frequent first (``tallies.profiles``); columns
    Catégorie, Répondants, Part des répondants (French percentage); chart data and table."""
    table = run.profiles
    return pd.DataFrame({"Catégorie": table["profil"], "Répondants": table["n_repondants"],
                         "Part des répondants": table["part"].map(percent)})


def _base_label(name: str, producer: str) -> str:
    return f"{shorten(name, 60)} ({shorten(producer, 20)})"


def top_requests(run: ConsultationRun, n: int = 20) -> pd.DataFrame:
    """The `n` most requested bases of the cartography (``consultation_demandes`` order); columns Base
    (« name (producer) », shortened), Identifiant, Répondants, Part des répondants (one decimal), dont campagnes.
    A respondent naming a base twice counts once."""
    top = run.requests.head(n)
    return pd.DataFrame({
        "Base": [_base_label(b, g) for b, g in zip(top["base"], top["gestionnaire"], strict=True)],
        "Identifiant": top["base_id"], "Répondants": top["n_repondants"],
        "Part des répondants": top["part_repondants"].map(lambda v: percent(v, 1)),
        "dont campagnes": top["n_dont_campagnes"]})


def requests_by_profile(run: ConsultationRun, n: int = 15) -> pd.DataFrame:
    """Share of each category's respondents naming each of the `n` most requested bases: one
    row per base; one column « <catégorie> (n=…) » per category with at least ``textes.profil_min`` respondents
    (``consultation.yml``), most frequent first, then « Ensemble (n=…) »; French percentages."""
    sizes = run.profiles.set_index("profil")["n_repondants"]
    kept = _ordered_profiles(run, sizes)
    top = run.requests.head(n)
    table = pd.DataFrame({"Base": [shorten(b, 70) for b in top["base"]]})
    for profile in kept:
        column = run.profile_columns[profile]
        table[f"{profile} (n={sizes[profile]})"] = (top[column] / sizes[profile]).map(percent).to_numpy()
    table[f"Ensemble (n={len(run.analysed)})"] = top["part_repondants"].map(percent).to_numpy()
    return table


def matching_summary(run: ConsultationRun) -> pd.DataFrame:
    """How the dataset mentions were matched to the cartography: one row per result (rapprochée, à
    vérifier, ambiguë, absente de la cartographie, in that order, present ones only); columns Résultat, Mentions
    distinctes, Occurrences, Détail (count per method: exact alias or fuzzy score)."""
    table = run.matching
    rows = []
    for label, sub in table.groupby("statut_libelle", sort=False):
        methods = sub["methode"].value_counts()
        detail = ", ".join(f"{m} : {n}" for m, n in methods.items() if m)
        rows.append({"Résultat": label, "Mentions distinctes": len(sub), "Occurrences": int(sub["n_mentions"].sum()),
                     "Détail": detail})
    order = {"rapprochée": 0, "à vérifier": 1, "ambiguë": 2, "absente de la cartographie": 3}
    return pd.DataFrame(rows).sort_values("Résultat", key=lambda s: s.map(order)).reset_index(drop=True)


#: The note under a choice question's chart, by kind: only a multiple choice lets shares add up beyond 100 %.
CHOICE_NOTES = {
    "multiple_choice": "Base : répondants ayant répondu à la question. En choix multiple, un répondant peut choisir "
                       "plusieurs réponses : les parts se cumulent au-delà de 100 %.",
    "single_choice": "Base : répondants ayant répondu à la question. Choix unique : chaque répondant a choisi une "
                     "seule réponse ; réponses dans l'ordre du questionnaire.",
}


def choice_questions(run: ConsultationRun) -> list:
    """The questionnaire's single- and multiple-choice questions (``Question`` objects), in spec
    order."""
    return [q for q in run.spec.questions if q.is_choice]


def choice_overall(run: ConsultationRun, question_id: str) -> tuple[pd.DataFrame, int]:
    """Respondents per option of one choice question, overall, in the order of ``consultation_choix``.

    Returns (frame with Modalité, Répondants, Part des répondants à la question; base n: respondents who
    answered the question, 0 when the question has no row)."""
    rows = run.choices[(run.choices["question"] == question_id) & (run.choices["profil"] == OVERALL)]
    base = int(rows["base_n"].max()) if len(rows) else 0
    return pd.DataFrame({"Modalité": [shorten(m, 60) for m in rows["modalite"]],
                         "Répondants": rows["n_repondants"].astype(int),
                         "Part des répondants à la question": rows["part"].map(percent)}), base


def choice_by_profile(run: ConsultationRun, question_id: str) -> pd.DataFrame:
    """One choice question's options × categories: one row per option (overall order); one column
    « <catégorie> (n=…) » per category with at least ``textes.profil_min`` respondents to the question, then the
    overall one; shares of the category's respondents to the question, French percentages (0 % when no one
    chose it)."""
    rows = run.choices[run.choices["question"] == question_id]
    bases = rows.drop_duplicates("profil").set_index("profil")["base_n"]
    kept = _ordered_profiles(run, bases.drop(OVERALL, errors="ignore")) + [OVERALL]
    order = list(dict.fromkeys(rows.loc[rows["profil"] == OVERALL, "modalite"]))
    wide = rows[rows["profil"].isin(kept)].pivot_table(index="modalite", columns="profil", values="part",
                                                      aggfunc="first").reindex(order)
    table = pd.DataFrame({"Modalité": wide.index})
    for profile in kept:
        table[f"{profile} (n={bases[profile]})"] = wide[profile].fillna(0).map(percent).to_numpy()
    return table


def at_most(table: pd.DataFrame, total: int | None = None) -> pd.DataFrame:
    """The first `rapport.lignes_max` rows (consultation.yml) of a list that grows with the consultation,
    then one row saying how many more there are and where the whole list is (consultation_non_rapprochees.csv).
    `total`: rows of the whole list (default: len(table))."""
    limit = data_file("consultation.yml")["rapport"]["lignes_max"]
    total = len(table) if total is None else total
    if total <= limit:
        return table
    note = {c: "" for c in table.columns}
    note[table.columns[0]] = (f"… et {count_of(total - limit, 'autre ligne', 'autres lignes')}, plus rarement "
                              "demandées : la liste complète est dans consultation_non_rapprochees.csv")
    return pd.concat([table.head(limit).astype(object), pd.DataFrame([note])], ignore_index=True)


def missing(run: ConsultationRun) -> pd.DataFrame:
    """Data requested but absent from the cartography: one row per group of similar unmatched mentions of
    ``consultation_non_rapprochees`` (M001: most requested), named by its most written spelling; columns
    Groupe, Donnée demandée, Autres graphies (five at most), Répondants, dont campagnes (a group only a
    campaign's pasted letter wrote is read so), Question(s) (voir l'annexe)."""
    rows = run.review[run.review["groupe"] != ""]
    return at_most(pd.DataFrame({"Groupe": rows["groupe"], "Donnée demandée": rows["mention"],
                                 "Autres graphies": rows["variantes"], "Répondants": rows["n_repondants"],
                                 "dont campagnes": rows["n_dont_campagnes"],
                                 "Question(s) (voir l'annexe)": rows["questions"].str.replace("|", ", ")}))


def to_review(run: ConsultationRun) -> pd.DataFrame:
    """Mentions to check by hand (to verify or ambiguous, not grouped), one row each; columns Mention,
    Résultat, Répondants, Score (fuzzy score 0–100, rounded), Bases candidates."""
    rows = run.review[run.review["groupe"] == ""]
    return at_most(pd.DataFrame({"Mention": rows["mention"], "Résultat": rows["statut"],
                                 "Répondants": rows["n_repondants"], "Score": rows["score"].round(0).astype("Int64"),
                                 "Bases candidates": rows["candidats"]}))


def campaigns(run: ConsultationRun) -> pd.DataFrame:
    """Campaigns (the same free text in many answers, ``screening.campaigns``), one row each; columns
    Campagne, Réponses, Part des réponses analysées (one decimal), Catégorie principale, Texte (published
    quote)."""
    table = run.campaigns
    return pd.DataFrame({"Campagne": table["campagne"], "Réponses": table["n_reponses"],
                         "Part des réponses analysées": table["part"].map(lambda v: percent(v, 1)),
                         "Catégorie principale": table["profil_principal"], "Texte": table["texte"]})


def _question_label(run: ConsultationRun, question_id: str) -> str:
    labels = {q.id: q.column for q in run.spec.questions}
    return labels.get(question_id, question_id)


def _size(n: int, total: int, low: float, high: float) -> str:
    """« 45 textes sur 251 (18 %, IC 95 % : 14 % – 23 %) »: a count with its base, share and Wilson interval."""
    return f"{count_of(n, 'texte', 'textes')} sur {integer(total)} ({percent(n / total) if total else ''}, " \
           f"IC 95 % : {percent_range(low, high)})"


def question_themes(run: ConsultationRun) -> list[dict]:
    """Question by question (free-text questions, spec order), what report 04 shows of its texts: ``column``
    (the question), ``why`` (the reason it has no theme, else None), ``themes`` (each with ``theme``,
    ``libelle``, ``size`` — « <texts, share and Wilson interval> ; termes : … » — and ``quotes``, its most
    representative answers with ``citation``, ``profil``, ``campagne``), and its codebook when the spec gives one:
    ``codes`` (a frame: Code (grille du questionnaire), Textes; None without codes), ``unfitted`` (the texts no
    code fits, ``rapport.lignes_max`` of consultation.yml at most), ``unfitted_summary`` and ``more`` (how many
    are not listed, or None)."""
    texts, coding = run.texts, run.coding
    limit = data_file("consultation.yml")["rapport"]["lignes_max"]
    out = []
    for question in run.spec.of_kind("free_text"):
        total = int((texts.documents["question"] == question.id).sum())
        themes = texts.themes[texts.themes["question"] == question.id]
        item = {"column": question.column, "codes": None,
                "why": texts.notes.get(question.id, "aucun texte") if themes.empty else None,
                "themes": [{"theme": theme.theme, "libelle": theme.libelle,
                            "size": f"{_size(theme.n_textes, total, theme.part_ic_bas, theme.part_ic_haut)} ; "
                                    f"termes : {theme.termes}",
                            "quotes": texts.quotes[(texts.quotes["question"] == question.id)
                                                   & (texts.quotes["theme"] == theme.theme)].to_dict("records")}
                           for theme in themes.itertuples()]}
        if coding is not None and (coding.codes["question"] == question.id).any():
            codes = coding.codes[coding.codes["question"] == question.id]
            unfitted = coding.unfitted[coding.unfitted["question"] == question.id]
            item.update(
                codes=pd.DataFrame({"Code (grille du questionnaire)": codes["code"],
                                    "Textes": [_size(r.n_textes, total, r.part_ic_bas, r.part_ic_haut)
                                               for r in codes.itertuples()]}),
                unfitted=list(unfitted["texte"].head(limit)),
                unfitted_summary=f"Textes auxquels aucun code ne convient ({integer(len(unfitted))})",
                more=(f"… et {count_of(len(unfitted) - limit, 'autre', 'autres')} (consultation_codes_reponses.csv : "
                      "un numéro absent n’a reçu aucun code).") if len(unfitted) > limit else None)
        out.append(item)
    return out


def themes_by_profile(run: ConsultationRun) -> pd.DataFrame:
    """Share of each category's themed texts in each theme: for each question, a row « question — textes (base des
    parts) » with how many themed texts each category wrote in it, then one row per theme (« question — T1 —
    title »); one column « <catégorie> (n=<texts>) » per category with at least ``textes.profil_min`` themed texts
    (counted over all questions); French percentages within the question (0 % when absent). A share is never
    quoted without its base: « 100 % » of a small question may rest on 3 texts."""
    docs = run.texts.documents
    docs = docs[docs["theme"] != ""]
    sizes = docs["profil"].value_counts()
    profiles = _ordered_profiles(run, sizes)
    rows = []
    for question, themes in run.texts.themes.groupby("question", sort=False):
        label = shorten(_question_label(run, question), 60)
        mine = docs[docs["question"] == question]
        counts = mine["profil"].value_counts()
        rows.append({"Thème": f"{label} — textes (base des parts)",
                     **{f"{p} (n={sizes[p]})": integer(int(counts.get(p, 0))) for p in profiles}})
        shares = mine.groupby("profil")["theme"].value_counts(normalize=True)
        rows += [{"Thème": f"{label} — {t.theme} — {t.libelle}",
                  **{f"{p} (n={sizes[p]})": percent(shares.get((p, t.theme), 0)) for p in profiles}}
                 for t in themes.itertuples()]
    return pd.DataFrame(rows, columns=["Thème", *(f"{p} (n={sizes[p]})" for p in profiles)])


def distinctive_terms(run: ConsultationRun) -> pd.DataFrame:
    """The most distinctive terms of each category (mean TF-IDF gap to the other categories,
    ``themes``): one row per category with enough texts, most frequent first; columns Catégorie (« name (n
    textes) ») and the terms, most distinctive first. Empty frame with these columns when there are none."""
    terms = run.texts.terms
    if terms.empty:
        return pd.DataFrame(columns=["Catégorie", "Termes distinctifs (du plus au moins distinctif)"])
    sizes = run.texts.documents["profil"].value_counts()
    grouped = terms.groupby("profil")["terme"].apply(", ".join)
    order = [p for p in _ordered_profiles(run, sizes) if p in grouped.index]
    return pd.DataFrame({"Catégorie": [f"{p} ({sizes[p]} textes)" for p in order],
                         "Termes distinctifs (du plus au moins distinctif)": grouped[order].to_numpy()})
