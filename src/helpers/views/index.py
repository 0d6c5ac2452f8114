"""What the front page (reports/index.html) shows: the headline sentences of the core reports, one card per
report with the question it answers, the producer fiches in alphabetical order with their open counts, and
whether the data are official or synthetic (cartography and consultation answers separately).

The headline sentences are read back from the built reports (their « Ce qu'il faut retenir » block written by
`helpers.render.html.takeaways`), so the front page quotes exactly what the reports of the same build say.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from helpers.core.errors import CartoError
from helpers.core.formats import count_of, share_of
from helpers.core.tables import load_table
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
