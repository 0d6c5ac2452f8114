"""Notebooks 04 (consultation) and 05 (priorities) executed for real by papermill: with their defaults in
an offline copy of the project (synthetic answers and cartography), and with a second export in another
layout and encoding (cp1252, ";", other columns, no identifier) on the official cartography."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import papermill
import pytest
import yaml

from helpers.consultation.synthetic import generate
from helpers.core.tables import load_table
from helpers.render.export import export_html
from helpers.steps.s01_clean import clean_cartography
from helpers.steps.s02_openness import score_openness

ROOT = Path(__file__).resolve().parents[2]
NB04 = ROOT / "notebooks" / "04_consultation.ipynb"
NB05 = ROOT / "notebooks" / "05_priorities.ipynb"


def _run(notebook: Path, output: Path, cwd: Path, **parameters) -> str:
    papermill.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(cwd),
                               kernel_name="python3", progress_bar=False)
    return export_html(output, output.with_suffix(".html"), notebook.stem).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def offline_project(tmp_path_factory):
    """A copy of the notebooks used as the project root, offline, with notebooks 01 and 02 done."""
    root = tmp_path_factory.mktemp("projet")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    patch = pytest.MonkeyPatch()
    patch.setenv("CARTO_SANTE_ROOT", str(root))
    patch.setenv("CARTO_SANTE_OFFLINE", "1")
    clean_cartography()  # defaults: the synthetic cartography, into <root>/data/processed
    score_openness()
    yield root
    patch.undo()


def test_notebooks_04_and_05_with_defaults(offline_project):
    root = offline_project
    html = _run(NB04, root / "04.ipynb", root / "notebooks")  # from notebooks/, as JupyterLab does
    processed = root / "data" / "processed"
    assert (processed / "consultation_synthetique.csv").is_file()
    assert (processed / "questionnaire_synthetique.yml").is_file()
    assert 'class="carto-banner"' in html and "Données synthétiques" in html
    box = html.index("Une consultation n'est ni un vote ni un sondage représentatif")
    assert box < html.index('id="retenir"') < html.index("1. Participation")
    for figure, label in (("1\u202f500", "réponses reçues"),
                          ("1\u202f408 sur 1\u202f500 (94\u202f%)", "réponses analysées"),
                          ("92 sur 1\u202f500 (6,1\u202f%)", "réponses exclues"),
                          ("78 sur 1\u202f408 (5,5\u202f%)", "réponses de campagne")):
        assert f'<span class="n">{figure}</span>{label} (réponses synthétiques)' in html
    # Synthetic answers: said first in the takeaways, and on every demand chart and table title.
    assert "<li>Ces chiffres viennent de réponses synthétiques" in html
    assert "Bases les plus demandées — réponses synthétiques" in html
    assert "Part des répondants de chaque catégorie ayant nommé la base (bases les plus demandées) — réponses " \
           "synthétiques" in html
    assert "− exclue : aucune question répondue</td><td class=\"num\">38</td>" in html
    assert html.count('src="data:image/png;base64,') == 5  # per day, categories, bases, two choice questions
    assert "T6 — " in html and "Termes les plus distinctifs" in html and "Annexe : méthode" in html
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript' not in html
    # A hostile category typed once is grouped as « Autre (hors liste) » and listed in the annex, as text.
    assert "<td>=cmd|" not in html and "<td>Autre (hors liste)</td>" in html
    assert "« =cmd|' /C calc'!A0 » (catégorie de répondant, 1 réponse)" in html
    assert "clean_cartography(" not in html and '<div class="highlight' not in html  # no code shown
    for name in ("consultation_reponses.csv", "consultation_demandes.csv", "consultation_non_rapprochees.csv",
                 "consultation.xlsx", "consultation.json"):
        assert (processed / name).is_file()

    html = _run(NB05, root / "05.ipynb", root / "notebooks")
    assert 'class="carto-banner"' in html and "Les réponses à la consultation sont elles aussi synthétiques" in html
    priorities = load_table(processed, "priorites")
    assert len(priorities) == load_table(processed, "bases")["base_id"].nunique()
    # The shortlist comes first (after the takeaways), the class rules after; demand titles carry the mark.
    shortlist_title = "Liste courte : quoi ouvrir, qui la détient, ce qu'il faudrait faire — réponses synthétiques"
    assert html.index('id="retenir"') < html.index(shortlist_title) < html.index("Classes de priorité")
    assert "<li>La demande vient de réponses synthétiques" in html
    # Each sentence with a demand figure carries the mark itself: the front page quotes them one by one.
    retenir = html[html.index('id="retenir"'):html.index("</ul>", html.index('id="retenir"'))]
    assert retenir.count("— réponses synthétiques.</li>") == retenir.count("<li>") - 1
    assert html.count('src="data:image/png;base64,') == 1 and 'alt="Nuage de points' in html
    shortlist = priorities[priorities["classe_priorite"].str.startswith("Priorité")].iloc[0]
    assert shortlist["base"] in html
    # Synthetic answers: the paths-only section comes first, the demand sections after, marked (issue 13).
    first = html.index("Sans la consultation : les ouvertures les moins coûteuses")
    assert html.index('id="retenir"') < first < html.index("Demande synthétique.") < html.index(shortlist_title)
    assert "Répondants</th>" not in html[first:html.index("Demande synthétique.")]  # paths alone, no demand
    assert {"voie_agrege", "voie_granulaire"} <= set(priorities.columns)


SPEC_B = {
    "format": {"encoding": "cp1252", "separator": ";"},
    "columns": {"respondent_type": "Profil du contributeur", "date": "Date de dépôt"},
    "questions": [
        {"id": "commentaire", "column": "Votre commentaire", "kind": "free_text"},
        {"id": "bases", "column": "Bases à ouvrir", "kind": "datasets", "separator": "+"},
        {"id": "motifs", "column": "Motifs", "kind": "multiple_choice", "separator": ","},
    ],
}


def _cp1252(text: str) -> str:
    return text.encode("cp1252", errors="ignore").decode("cp1252")


@pytest.fixture(scope="module")
def second_export(real_ods, tmp_path_factory):
    """The official cartography processed, and an export of 1,000 answers in another layout."""
    directory = tmp_path_factory.mktemp("second")
    processed = directory / "processed"
    clean_cartography(real_ods, processed)
    score_openness(processed)
    entries, composition = generate(load_table(processed, "bases"), n=1000, seed=11)
    rows = [["Motifs", "Date de dépôt", "Votre commentaire", "Profil du contributeur", "Bases à ouvrir"]]
    for e in entries:
        bases = " + ".join(m.strip() for m in e["demandes"].split("|") if m.strip())
        rows.append([_cp1252(e["raisons"].replace("|", ", ")), e["date"].isoformat(sep=" "), _cp1252(e["precisions"]),
                     _cp1252(e["profil"]), _cp1252(bases)])
    export = directory / "export_contributions.csv"
    with export.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    spec = directory / "questionnaire_contributions.yml"
    spec.write_text(yaml.safe_dump(SPEC_B, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return processed, export, spec, composition


def test_notebooks_04_and_05_with_a_second_export_in_another_layout_and_encoding(second_export, tmp_path):
    processed, export, spec, composition = second_export
    html = _run(NB04, tmp_path / "04.ipynb", tmp_path, answers_path=str(export), questionnaire_path=str(spec),
                processed_dir=str(processed), n_themes=4)
    assert 'class="carto-banner"' not in html  # official cartography, real (not generated) export
    assert '<span class="n">1\u202f000</span>réponses reçues' in html  # French thousands separator
    assert "export_contributions.csv (export fourni)" in html and "CSV, encodage cp1252, séparateur « ; »" in html
    assert "Votre commentaire" in html and "Profil du contributeur" in html
    assert "T4 — " in html and "T5 — " not in html
    answers = load_table(processed, "consultation_reponses")
    reasons = answers["motif_exclusion"].value_counts()
    assert reasons["aucune question répondue"] == composition.blank
    assert "remplacée par une soumission ultérieure (même identifiant)" not in reasons  # no identifier column
    assert reasons["doublon exact d'une réponse antérieure"] >= composition.duplicates
    assert answers.groupby("campagne").size().drop("").tolist() == composition.campaigns
    assert list(answers.columns[-3:]) == ["reponse_commentaire", "reponse_bases", "reponse_motifs"]
    assert answers["id"].tolist()[:3] == ["1", "2", "3"]
    requests = load_table(processed, "consultation_demandes")
    assert set(requests["base_id"]) <= set(load_table(processed, "bases")["base_id"]) and len(requests) > 100

    html = _run(NB05, tmp_path / "05.ipynb", tmp_path, processed_dir=str(processed))
    assert 'class="carto-banner"' not in html
    assert len(load_table(processed, "priorites")) == 289
    # A real export: demand orders the list inside each path, and the demand sections are not marked.
    assert "Les ouvertures les moins coûteuses, par demande" in html and "Sans la consultation" not in html
    assert "Demande synthétique." not in html
    cheap = load_table(processed, "priorites")
    publication = cheap[cheap["voie_agrege"].eq("publication") | cheap["voie_granulaire"].eq("publication")]
    assert f"<td>{publication.sort_values('n_repondants', ascending=False)['gestionnaire'].iloc[0]}</td>" in html


# A consultation of the Grand Débat kind: Cap Collectif's open-data export of a step of open questions
# (cap-collectif/granddebat.fr-opendata, index.js: id, reference, title, createdAt, publishedAt, updatedAt,
# trashed, trashedStatus, authorId, authorType, authorZipCode, then « Q<question id> - <title> » per question;
# every field quoted, booleans true/false), with no question asking which bases to open.
GD_QUESTIONS = ["UXVlc3Rpb246MTYw - Que faudrait-il faire pour mieux informer les citoyens sur leur santé ?",
                "UXVlc3Rpb246MTYx - Quelles propositions feriez-vous sur l'ouverture des données de santé ?"]
GD_TEXTS = ["Publier les délais d'attente aux urgences, hôpital par hôpital, chaque mois.",
            "Les registres des cancers doivent être accessibles aux chercheurs sans délai.",
            "Protéger la vie privée des patients avant toute ouverture des données.",
            "Ouvrir les données des hôpitaux en format ouvert et gratuit pour tous."]


def grand_debat_export(path: Path, n: int = 60) -> Path:
    header = ["id", "reference", "title", "createdAt", "publishedAt", "updatedAt", "trashed", "trashedStatus",
              "authorId", "authorType", "authorZipCode", *GD_QUESTIONS]
    rows = [header]
    for i in range(n):
        trashed = i % 15 == 0
        stamp = f"2019-02-{1 + i % 25:02d} 10:{i % 60:02d}:00"
        rows.append([f"UHJvcG9zYWw6{i:04d}", f"4-{i + 1}", "Contribution", stamp, stamp, "",
                     "true" if trashed else "false",
                     "INVISIBLE" if trashed else "", f"VXNlcjo{i:04d}",
                     ["Citoyen / Citoyenne", "Organisation à but non lucratif", "Élu / élue et Institution"][i % 3],
                     f"{75001 + i}", f"{GD_TEXTS[i % 4]} Contribution {i}.", GD_TEXTS[(i + 1) % 4]])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return path


def test_notebooks_04_and_05_on_a_consultation_without_a_datasets_question(offline_project, tmp_path):
    root = offline_project
    processed = tmp_path / "processed"
    shutil.copytree(root / "data" / "processed", processed)
    export = grand_debat_export(tmp_path / "grand_debat.csv")
    spec = tmp_path / "grand_debat.yml"
    spec.write_text(yaml.safe_dump({
        "platform": "cap_collectif", "columns": {"id": "id", "date": "createdAt", "respondent_type": "authorType"},
        "questions": [{"id": "informer", "column": GD_QUESTIONS[0], "kind": "free_text"},
                      {"id": "propositions", "column": GD_QUESTIONS[1], "kind": "free_text"}]},
        allow_unicode=True), encoding="utf-8")
    html = _run(NB04, tmp_path / "04.ipynb", root, answers_path=str(export), questionnaire_path=str(spec),
                processed_dir=str(processed))
    assert html.count("ne demandait pas quelles bases de données ouvrir") == 2  # sections 3 and 5, one sentence
    assert "Le questionnaire ne demandait pas quelles bases ouvrir" in html  # said in the takeaways
    assert "bases de la cartographie demandées" not in html and "Bases les plus demandées" not in html
    assert "− exclue : contribution mise à la corbeille sur la plateforme</td><td class=\"num\">4</td>" in html
    assert "= Réponses analysées</td><td class=\"num\">56</td>" in html
    assert load_table(processed, "consultation_demandes").empty

    html = _run(NB05, tmp_path / "05.ipynb", root, processed_dir=str(processed))
    assert "<h2>Sans la consultation : les ouvertures les moins coûteuses</h2>" in html
    assert html.count("il n'y a aucune demande à croiser avec l'ouverture") >= 2  # lead and box
    assert "Liste courte : quoi ouvrir" not in html and "Bases demandées, par priorité" not in html
    assert "bases demandées" not in html.split("Sans la consultation")[0].lower()  # no demand card nor sentence
    assert "la voie d'ouverture la moins coûteuse est « publication » pour" in html
    assert (load_table(processed, "priorites")["n_repondants"] == 0).all()
