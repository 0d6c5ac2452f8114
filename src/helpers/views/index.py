"""What the front page (reports/index.html) shows: the headline sentences of the core reports, one card per
report with the question it answers, the producer fiches in alphabetical order with their open counts, and
whether the data are official or synthetic (cartography and consultation answers separately).

The headline sentences are read back from the built reports (their « Ce qu'il faut retenir » block written by
`helpers.render.html.takeaways`), so the front page quotes exactly what the reports of the same build say.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from helpers.core.config import data_file, folders
from helpers.core.errors import CartoError
from helpers.core.formats import count_of, share_of
from helpers.core.tables import load_table
from helpers.steps.base import ANSWERS, CARTOGRAPHY
from helpers.views.v02_openness import LEVELS


class _Takeaways(HTMLParser):
    """Collects the text of each sentence <li> inside <section class="carto-retenir"> (not the headline cards,
    which are <li> of <ul class="carto-kpis">)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.in_cards, self.item, self.items = 0, False, None, []

    def handle_starttag(self, tag, attrs):
        if tag == "section" and ("class", "carto-retenir") in attrs:
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        elif self.depth and tag == "ul":
            self.in_cards = ("class", "carto-kpis") in attrs
        elif self.depth and tag == "li" and not self.in_cards:
            self.item = []

    def handle_endtag(self, tag):
        if self.depth and tag == "section":
            self.depth -= 1
        elif tag == "ul":
            self.in_cards = False
        elif self.item is not None and tag == "li":
            self.items.append("".join(self.item).strip())
            self.item = None

    def handle_data(self, data):
        if self.item is not None:
            self.item.append(data)


def report_takeaways(report_html: Path) -> list[str]:
    """The « Ce qu'il faut retenir » sentences of a built report (plain text); [] when the file is absent or
    has no such block."""
    try:
        text = report_html.read_text(encoding="utf-8")
    except OSError:
        return []
    parser = _Takeaways()
    parser.feed(text)
    return parser.items


def fiche_counts(processed_dir: Path) -> pd.DataFrame:
    """Per producer (alphabetical, case-insensitive): « k / n (p %) » open bases at each level, from
    ouverture_par_gestionnaire.csv; empty frame when the table is absent."""
    try:
        table = load_table(processed_dir, "ouverture_par_gestionnaire")
    except (CartoError, OSError):  # no table yet (report 02 failed): the list shows names only
        return pd.DataFrame(columns=["gestionnaire"])
    out = pd.DataFrame({"gestionnaire": sorted(table["gestionnaire"].unique(), key=str.casefold)})
    for level, label in LEVELS.items():
        rows = table[table["niveau"] == level].set_index("gestionnaire")
        counts = {g: share_of(int(r.n_ouvertes), int(r.n_evaluees)) for g, r in rows.iterrows()}
        out[label] = out["gestionnaire"].map(counts).fillna("non évaluées")
    return out


def front_page(entries: list[dict], data: dict, reports_dir: Path | None = None,
               processed_dir: Path | None = None) -> str:
    """The front page's content (trusted HTML, every data text escaped): synthetic banners, title, the
    headline sentences of reports 02 and 05, one card per core report, the fiches list. `entries` are the
    runner's index entries (title, href, status, fiche, label); `data` the build's data facts: ``resume``
    (« cartographie officielle, réponses synthétiques »), ``roles_synthetiques`` (the synthetic roles),
    ``parametres`` (« <report> — <parameter> : <value> (défaut : …) » for every non-default parameter, named
    under the title) and ``fiches_min_lignes`` (the fiche rule's minimum of lines, None without it)."""
    spec = data_file("accueil.yml")
    reports_dir = reports_dir or folders().reports
    processed_dir = processed_dir or folders().processed
    synthetic = set(data.get("roles_synthetiques", []))
    parts = [f"<h1>{html.escape(spec['titre'])}</h1>",
             f'<p class="carto-subtitle">Données : {html.escape(data.get("resume") or "inconnues")}.</p>']
    if data.get("parametres"):
        parts.append('<div class="carto-box carto-parametres"><strong>Paramètres modifiés</strong> (ces rapports ne '
                     "suivent pas les réglages par défaut) :<ul>"
                     + "".join(f"<li>{html.escape(c)}</li>" for c in data["parametres"]) + "</ul></div>")
    if CARTOGRAPHY in synthetic:
        parts.append('<div class="carto-banner" role="alert"><strong>Données synthétiques</strong> — la '
                     "cartographie utilisée est un échantillon généré par le projet : aucun chiffre de ces rapports "
                     "ne décrit une base réelle.</div>")
    if ANSWERS in synthetic:
        parts.append('<div class="carto-banner" role="alert"><strong>Réponses synthétiques</strong> — les '
                     "réponses à la consultation (rapports 04 et 05) ont été générées par le projet : les nombres "
                     "de répondants et les demandes sont inventés et ne doivent pas être cités.</div>")
    by_name = {e["label"]: e for e in entries if not e.get("fiche")}
    sentences = []
    for name in spec["a_retenir"]:
        entry = by_name.get(name)
        if entry and entry.get("href"):
            found = report_takeaways(reports_dir / entry["href"])
            if found:  # the report's own sentences, written to stand alone; the heading links to the report
                link = f'<a href="{html.escape(entry["href"])}">{html.escape(entry["title"])}</a>'
                sentences.append(f"<h3>{link}</h3><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in found)
                                 + "</ul>")
    if sentences:
        parts.append('<section class="carto-retenir" aria-labelledby="retenir"><h2 id="retenir">Ce qu\'il faut '
                     f"retenir</h2>{''.join(sentences)}</section>")
    cards = []
    for name, entry in by_name.items():
        question = spec["questions"].get(name.split(":")[0], "")
        title = html.escape(entry["title"])
        link = f'<a href="{html.escape(entry["href"])}">{title}</a>' if entry.get("href") else title
        cards.append(f'<li class="carto-card"><h3>{link}</h3><p>{html.escape(question)}</p></li>')
    parts.append(f'<h2>Les rapports</h2><ul class="carto-cards">{"".join(cards)}</ul>')
    parts.append(fiches_html(entries, processed_dir, spec["questions"].get("03_producer_sheet", ""),
                             data.get("fiches_min_lignes")))
    return "".join(parts)


def fiche_rule(n_fiches: int, processed_dir: Path, min_lines: int | None) -> str:
    """Which producers have a fiche, in words: « Une fiche par gestionnaire ayant au moins 3 lignes dans la
    cartographie : 22 des 66 gestionnaires » (producers counted as in ``bases.csv``, a co-managed line counting
    for each); without the rule (one fiche built on request) « 1 fiche sur 66 gestionnaires »; the count
    alone when ``bases.csv`` is absent."""
    from helpers.steps.s03_producer_sheet import producer_names

    try:
        total = len(producer_names(processed_dir, 1))
    except (CartoError, OSError):
        return f"{count_of(n_fiches, 'fiche', 'fiches')} de gestionnaire"
    if min_lines is None:
        return f"{count_of(n_fiches, 'fiche', 'fiches')} sur {count_of(total, 'gestionnaire', 'gestionnaires')}"
    return (f"Une fiche par gestionnaire ayant au moins {count_of(min_lines, 'ligne', 'lignes')} dans la "
            f"cartographie : {n_fiches} des {count_of(total, 'gestionnaire', 'gestionnaires')}")


def fiches_html(entries: list[dict], processed_dir: Path, question: str, min_lines: int | None = None) -> str:
    """The producer fiches as an alphabetical table: name (linked when built) and open bases per level, under
    the rule saying which producers have one (:func:`fiche_rule`)."""
    fiches = {e["label"].split(":", 1)[-1]: e for e in entries if e.get("fiche")}
    if not fiches:
        return ""
    counts = fiche_counts(processed_dir).set_index("gestionnaire")
    rows = []
    for name in sorted(fiches, key=str.casefold):
        entry = fiches[name]
        label = html.escape(name)
        link = f'<a href="{html.escape(entry["href"])}">{label}</a>' if entry.get("href") else label
        cells = "".join(f"<td>{html.escape(str(counts.loc[name, col]) if name in counts.index else '')}</td>"
                        for col in LEVELS.values())
        rows.append(f'<tr><th scope="row">{link}</th>{cells}</tr>')
    head = "".join(f'<th scope="col">Bases ouvertes — {html.escape(c.lower())}</th>' for c in LEVELS.values())
    rule = fiche_rule(len(fiches), processed_dir, min_lines)
    return (f"<h2>Fiches gestionnaires</h2><p>{html.escape(question)} {html.escape(rule)}.</p>"
            '<table class="carto"><caption>Fiches par ordre alphabétique : bases ouvertes sur bases évaluées, à '
            'chaque niveau</caption><thead>'
            f'<tr><th scope="col">Gestionnaire</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
