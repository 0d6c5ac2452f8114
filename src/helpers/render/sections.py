"""Report-specific blocks built from the views' data: the front page, the opening paths chart of reports 02 and
03, report 04's choice questions and themes, report 05's first heading and demand box.

The views compute what is shown (frames, sentences, labels); these functions only lay it out, through the block
templates of ``render/templates/blocks/`` (helpers.render.html.render): every text from the data is escaped there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML

from helpers.core.config import data_file, folders
from helpers.core.formats import count_of, of_name
from helpers.render import figures
from helpers.render.html import render, table_html
from helpers.steps.base import ANSWERS, CARTOGRAPHY
from helpers.views import v04_consultation as consultation
from helpers.views import v05_priorities as priorities
from helpers.views.index import fiche_counts, fiche_rule
from helpers.views.v01_clean import shorten
from helpers.views.v02_openness import LEVELS
from helpers.views.v02_routes import route_counts, route_lines


def front_page(entries: list[dict], data: dict, processed_dir: Path | None = None) -> str:
    """The front page's content (trusted HTML, every data text escaped): synthetic banners, title, the
    headline sentences of the reports named in ``a_retenir`` (``accueil.yml``), one card per core report, the
    fiches list. `entries` are the runner's index entries (title, href, status, fiche, label, and
    ``a_retenir``: the report's takeaways, from its run record); `data` the build's data facts: ``resume``
    (« cartographie officielle, réponses synthétiques »), ``roles_synthetiques`` (the synthetic roles), ``parametres``
    (« <report> — <parameter> : <value> (défaut : …) » for every non-default parameter, named under the title)
    and ``fiches_min_lignes`` (the fiche rule's minimum of lines, None without it)."""
    spec = data_file("accueil.yml")
    processed_dir = processed_dir or folders().processed
    synthetic = set(data.get("roles_synthetiques", []))
    wording = data_file("mentions_synthetiques.yml")["accueil"]
    by_name = {e["label"]: e for e in entries if not e.get("fiche")}
    quoted = []
    for name in spec["a_retenir"]:
        entry = by_name.get(name)
        if entry and entry.get("href"):
            found = entry.get("a_retenir")
            if found:  # the report's own sentences, written to stand alone; the heading links to the report
                quoted.append((entry, found))
    fiches = {e["label"].split(":", 1)[-1]: e for e in entries if e.get("fiche")}
    counts = fiche_counts(processed_dir).set_index("gestionnaire") if fiches else None
    rows = [(name, fiches[name], [str(counts.loc[name, c]) if name in counts.index else "" for c in LEVELS.values()])
            for name in sorted(fiches, key=str.casefold)]
    return render("front_page.html.j2", spec=spec, data=data, quoted=quoted,
                  banners=[(role, wording[role]) for role in (CARTOGRAPHY, ANSWERS) if role in synthetic],
                  cards=[(e, e.get("question", "")) for e in by_name.values()],  # reports.yml's question
                  fiches=rows, levels=LEVELS.values(),
                  fiches_question=next((e.get("question", "") for e in fiches.values()), ""),
                  fiche_rule=fiche_rule(len(fiches), processed_dir, data.get("fiches_min_lignes")) if fiches else ""
                  ).data


def routes_chart(scored: pd.DataFrame, who: str = "la cartographie") -> HTML:
    """Horizontal bars of lines per opening path and level (views.v02_routes.route_counts) with their numbers,
    then the paths table (decision, who decides, lines per level), as one block; `who` names the scope in the
    titles (« la cartographie » or a producer)."""
    data, table = route_counts(scored)
    rows = route_lines(scored)
    # Lines, not bases: a base listed under several categories has one line per category; say both.
    sizes = ", ".join(f"{label.lower()} : {count_of(int((rows['niveau'] == level).sum()), 'ligne', 'lignes')} "
                      f"({count_of(rows.loc[rows['niveau'] == level, 'base_id'].nunique(), 'base', 'bases')})"
                      for level, label in LEVELS.items())
    of_who = of_name(who)  # « de la cartographie », « d'INVS »
    chart = figures.horizontal_bars(
        data, y="Voie", x="Lignes", hue="Niveau",
        title=f"Lignes non ouvertes {of_who}, par voie d'ouverture ({sizes})", xlabel="Lignes évaluées non ouvertes",
        ylabel="", alt=f"Diagramme en barres : nombre de lignes évaluées et non ouvertes {of_who}, par voie "
                      "d'ouverture et par niveau de données ; valeurs dans le tableau qui suit.",
        caption=f"Lignes évaluées non ouvertes — {sizes}. Une ligne est comptée à chaque niveau où elle est évaluée "
                "et non ouverte ; une base listée sous plusieurs typologies a une ligne par typologie. Voies "
                "rangées de la moins coûteuse (publication) à la plus lourde.",
        data_caption=f"Lignes non ouvertes {of_who}, par voie et par niveau")
    return HTML(chart.data + table_html(table, f"Voies d'ouverture {of_who} : décision, décideur et lignes par niveau"))


def choices(run) -> HTML:
    """Report 04, for each choice question (a ``ConsultationRun``'s): a heading, its bar chart (respondents per
    option, overall) and its table by category (question texts escaped); a sentence when there is none."""
    mark = consultation.mark
    questions = []
    for question in consultation.choice_questions(run):
        data, base = consultation.choice_overall(run, question.id)
        chart = figures.horizontal_bars(
            data, y="Modalité", x="Répondants", hue=None,
            title=mark(run, f"{shorten(question.column, 70)} (n = {base})"),
            xlabel="Répondants", ylabel="",
            alt=f"Diagramme en barres : nombre de répondants ayant choisi chaque réponse à la question « "
                f"{question.column} » ; valeurs et parts dans le tableau qui suit.",
            caption=consultation.CHOICE_NOTES[question.kind],
            data_caption=mark(run, f"{question.column} — ensemble des répondants (n = {base})"))
        table = table_html(consultation.choice_by_profile(run, question.id),
                           mark(run, f"{question.column} — part des répondants de chaque catégorie (n : répondants de "
                                "la catégorie ayant répondu)"))
        questions.append((question.column, chart, HTML(table)))
    return render("choices.html.j2", questions=questions)


def themes(run) -> HTML:
    """Report 04, question by question (free-text questions of a ``ConsultationRun``, spec order): its themes
    (views.v04_consultation.question_themes) — title, size, terms, its most representative answers as escaped
    quotes with the category (and campaign) — then its codebook when the spec gives one (each code's count with
    its interval, the texts no code fits); a sentence saying why when a question has no theme."""
    questions = consultation.question_themes(run)
    for question in questions:
        if question["codes"] is not None:
            question["codes"] = HTML(table_html(question["codes"], "Grille d'analyse : textes auxquels chaque code a "
                                                                    "été donné (un texte peut en recevoir plusieurs)"))
    return render("themes.html.j2", questions=questions)


def cheapest_heading(run) -> HTML:
    """Report 05's first section heading and lead (a ``PriorityRun``): « Sans la consultation » when the
    answers are synthetic or absent, or ask for no base; else ordered by demand inside each path."""
    return render("cheapest_heading.html.j2",
                  no_demand=None if priorities.asks_for_bases(run) else priorities.NO_DEMAND,
                  without_consultation=priorities.without_consultation(run))


def demand_marker(run) -> HTML:
    """Report 05: a box before the demand × openness sections when the demand is synthetic, or when there is
    none to join (those sections are then not shown: ``views.v05_priorities.asks_for_bases``); empty otherwise."""
    return render("demand_marker.html.j2",
                  no_demand=None if priorities.asks_for_bases(run) else priorities.NO_DEMAND,
                  synthetic=priorities.without_consultation(run))
