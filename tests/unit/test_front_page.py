"""The front page (reports/index.html) and the synthetic marks (issue 11 §2 and §3)."""

from __future__ import annotations

import pandas as pd

from helpers.build.tasks import Status
from helpers.core.tables import schema
from helpers.render import sections as index
from helpers.render.export import index_html
from helpers.views.v04_consultation import synthetic_mark


def entries(openness=(), priorities=()):
    """The runner's entries; `openness`, `priorities`: the takeaways their run records carried."""
    return [
        {"label": "02_openness", "title": "Ouverture", "href": "02_openness.html", "status": Status.BUILT,
         "fiche": False, "a_retenir": list(openness)},
        {"label": "05_priorities", "title": "Priorités", "href": "05_priorities.html", "status": Status.REUSED,
         "fiche": False, "a_retenir": list(priorities), "question": "Quelles bases ouvrir d'abord ?"},
        {"label": "04_consultation", "title": "Consultation", "href": None, "status": Status.FAILED, "fiche": False,
         "error": "boom"},
        {"label": "03_producer_sheet:INVS", "title": "Fiche INVS", "href": "producteurs/invs.html",
         "status": Status.BUILT, "fiche": True},
        {"label": "03_producer_sheet:ars", "title": "Fiche ars", "href": "producteurs/ars.html",
         "status": Status.BUILT, "fiche": True},
    ]


def test_front_page_quotes_the_reports_and_says_the_answers_are_synthetic(tmp_path):
    data = {"resume": "cartographie officielle, réponses synthétiques", "roles_synthetiques": ["réponses"]}
    page = index.front_page(entries(["19 des 279 bases évaluées (7 %) sont ouvertes.", "A < B & C"],
                                    ["34 bases sont en priorité 1 à 3."]), data, tmp_path)
    assert "Données : cartographie officielle, réponses synthétiques." in page
    assert "<strong>Réponses synthétiques</strong>" in page
    assert "<strong>Données synthétiques</strong>" not in page  # the cartography is official
    assert "<li>19 des 279 bases évaluées (7 %) sont ouvertes.</li>" in page
    assert "<li>A &lt; B &amp; C</li>" in page  # escaped
    assert page.index("bases évaluées") < page.index("34 bases sont en priorité")
    # One card per core report with the question it answers; a failed report keeps its card, unlinked.
    assert page.count('class="carto-card"') == 3
    assert "Quelles bases ouvrir d&#x27;abord" in page and "<h3>Consultation</h3>" in page
    # Fiches: alphabetical regardless of case; no ouverture table yet, so no counts but still listed.
    assert page.index(">ars</a>") < page.index(">INVS</a>")


def test_index_puts_the_journal_last(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTO_SANTE_ROOT", str(tmp_path))
    data = {"fichier": "x.ods", "resume": "cartographie officielle, réponses synthétiques",
            "roles_synthetiques": ["réponses"]}
    page = index_html(entries(), data, "2026-01-01")
    assert page.index("Journal de construction") > page.index("Les rapports") > page.index("<h1>")
    assert "cartographie officielle" in page and "Données : officielles" not in page


def test_synthetic_mark_on_demand_titles():
    assert synthetic_mark("Bases les plus demandées", True) == "Bases les plus demandées — réponses synthétiques"
    assert synthetic_mark("Bases les plus demandées", False) == "Bases les plus demandées"


def test_front_page_names_the_non_default_parameters_and_the_fiche_rule(tmp_path):
    """Issue 18 §4 and §5: the settings a build changed are under the title; the fiche rule is stated."""
    processed = tmp_path
    # 3 producers (a co-managed line counts for each of its producers), 2 of them with a fiche.
    owners = ['["INVS"]', '["INVS", "ars"]', '["ars"]', '["HAS"]']  # a list column, as load_table reads it
    pd.DataFrame({column: [str(i) for i in range(len(owners))] for column in schema()["bases"]["champs"]}) \
        .assign(gestionnaires=owners).to_csv(processed / "bases.csv", index=False)
    data = {"resume": "cartographie officielle", "roles_synthetiques": [],
            "parametres": ["Ouverture — Pondération : Global Open Data Index 2016 (défaut : Poids égaux)"],
            "fiches_min_lignes": 2}
    page = index.front_page(entries(), data, processed)
    assert "<strong>Paramètres modifiés</strong>" in page
    assert "<li>Ouverture — Pondération : Global Open Data Index 2016 (défaut : Poids égaux)</li>" in page
    assert page.index("Paramètres modifiés") < page.index("Les rapports")
    assert "Une fiche par gestionnaire ayant au moins 2 lignes dans la cartographie : 2 des 3 gestionnaires." in page
    assert "Une fiche par gestionnaire," not in page  # never « one per producer » without the rule
    # Defaults: no box; a single fiche built on request says so.
    page = index.front_page(entries()[:4], {"resume": "cartographie officielle", "fiches_min_lignes": None},
                            processed)
    assert "Paramètres modifiés" not in page
    assert "1 fiche sur 3 gestionnaires." in page


def test_front_page_links_each_quoted_report(tmp_path):
    page = index.front_page(entries(["19 des 279 bases évaluées sont ouvertes."]), {"resume": "x"}, tmp_path)
    assert '<h3><a href="02_openness.html">Ouverture</a></h3>' in page
