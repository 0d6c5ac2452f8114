"""One number per fact, everywhere (issue 18), on every page the real command builds from the official file
(read in place, passed as ``cartography_path``): every producer rank shown — report 02, the fiches, the front
page, the CSVs — is the one rank of ``ouverture_par_gestionnaire.csv``; no page states a rank whose 95 %
interval spans the field; tables that partition a set show their total; the front page quotes sentences
written to stand alone and states the fiche rule; a non-default parameter is named in the summary line, on
the front page and on the first screen of the reports it changes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import copy_project, run_reports

from helpers.core.config import data_file

LEVELS = {"Données agrégées": "agrege", "Données granulaires": "granulaire"}
# Every way a page shows a producer's rank: « 4ᵉ sur 11 (entre 2ᵉ et 7ᵉ) », « 1ᵉʳ sur 11 (sûr à 95\u202f%) »,
# « non départagé (rang possible : 1 à 9 sur 11) », « son rang peut aller de 1 à 4 sur 4 ».
RANK = re.compile(r"(?P<rank>\d+)ᵉʳ? sur (?P<n>\d+) \((?:entre (?P<low>\d+)ᵉʳ? et (?P<high>\d+)ᵉʳ?|sûr à 95\u202f%)\)"
                  r"|non départagé \(rang possible : (?P<low2>\d+) à (?P<high2>\d+) sur (?P<n2>\d+)\)"
                  r"|son rang peut aller de (?P<low3>\d+) à (?P<high3>\d+) sur (?P<n3>\d+)")
# A rank stated without « sur N », or an old-style « est 1ᵉʳ (entre 1ᵉʳ et 4ᵉ) des 4 »: never.
BARE_RANK = re.compile(r"\d+ᵉʳ? \((?:entre|sûr)|\best \d+ᵉ(?!ʳ? sur)")


def parse(match: re.Match) -> tuple[int | None, int, int, int]:
    """(stated rank or None when not stated, 95 % low, high, number ranked)."""
    g = match.groupdict()
    if g["rank"]:
        rank = int(g["rank"])
        return rank, int(g["low"] or rank), int(g["high"] or rank), int(g["n"])
    if g["low2"]:
        return None, int(g["low2"]), int(g["high2"]), int(g["n2"])
    return None, int(g["low3"]), int(g["high3"]), int(g["n3"])


def spans(low: int, high: int, n: int) -> bool:
    return n > 1 and high - low + 1 >= data_file("classement.yml")["part_rangs_indistincts"] * n


def text_of(soup: BeautifulSoup) -> str:
    return re.sub(r"[ \t\r\n]+", " ", soup.get_text(" "))  # narrow no-break spaces kept


def table_of(soup: BeautifulSoup, caption: str) -> pd.DataFrame:
    """The table whose caption starts with `caption`, as text cells (header from <th scope=col>)."""
    table = next(t for t in soup.find_all("table") if t.caption and t.caption.get_text().startswith(caption))
    header = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    return pd.DataFrame(rows, columns=header)


@pytest.fixture(scope="module")
def official(real_ods, tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("officiel"))
    done = run_reports(root, "--jobs", "2", "--no-pdf", "--set", f"01_clean_cartography.cartography_path={real_ods}")
    assert done.returncode == 0, done.stderr
    reports = root / "reports"
    pages = {str(p.relative_to(reports)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in sorted(reports.rglob("*.html")) if "notebooks" not in p.relative_to(reports).parts}
    table = pd.read_csv(root / "data" / "processed" / "ouverture_par_gestionnaire.csv", keep_default_na=False)
    return root, done, pages, table


@pytest.fixture(scope="module")
def expected(official) -> dict[tuple[str, str], tuple[int | None, int, int, int]]:
    """(producer, level) → (rank as it may be stated, or None, low, high, N), from the CSV alone."""
    _, _, _, table = official
    ranked = table[table["classe"].astype(str) == "True"]
    sizes = ranked.groupby("niveau").size()
    out = {}
    for row in ranked.itertuples():
        n = int(sizes[row.niveau])
        low, high = int(row.rang_min), int(row.rang_max)
        out[(row.gestionnaire, row.niveau)] = (None if spans(low, high, n) else int(row.rang), low, high, n)
    return out


def test_the_csvs_hold_one_rule_and_one_rank_per_level(official):
    root, _, _, table = official
    ranked = table[table["classe"].astype(str) == "True"]
    assert ranked.groupby("niveau")["critere_rang"].nunique().to_dict() == {"agrege": 1, "granulaire": 1}
    assert ranked.groupby("niveau")["critere_rang"].first().to_dict() == {"agrege": "part_ouverte",
                                                                          "granulaire": "score_moyen"}
    assert (ranked["rang"] == ranked["rang_equal"]).all() and set(table["ponderation"]) == {"equal"}
    assert not {"rang_score", "rang_score_min", "rang_score_max"} & set(table.columns)
    published = pd.read_csv(root / "reports" / "donnees" / "ouverture_par_gestionnaire.csv", keep_default_na=False)
    assert published[["gestionnaire", "niveau", "critere_rang", "rang", "rang_min", "rang_max"]].equals(
        table[["gestionnaire", "niveau", "critere_rang", "rang", "rang_min", "rang_max"]])
    workbook = pd.read_excel(root / "data" / "processed" / "ouverture.xlsx", sheet_name=None, engine="openpyxl")
    sheet = next(frame for frame in workbook.values() if "critere_rang" in frame.columns and "gestionnaire" in frame)
    assert sheet["rang"].fillna(0).astype(int).tolist() == pd.to_numeric(table["rang"]).fillna(0).astype(int).tolist()


def test_every_rank_shown_is_the_csvs(official, expected):
    """Report 02's table and sentences, every fiche (cards, readings, place table) and the front page."""
    _, _, pages, table = official
    report = pages["02_openness.html"]
    ranking = table_of(report, "Classement des gestionnaires")
    assert len(ranking) == len(expected)
    for row in ranking.itertuples(index=False):
        key = (row[1], LEVELS[row[0]])
        assert parse(RANK.fullmatch(row[2])) == expected[key], key
    rules = {"part des bases ouvertes": "part_ouverte", "score moyen": "score_moyen"}
    assert {(LEVELS[lv], rules[r]) for lv, r in zip(ranking["Niveau"], ranking["Classé selon"], strict=True)} == \
        {("agrege", "part_ouverte"), ("granulaire", "score_moyen")}
    # The sentences of « Ce qu'il faut retenir », in the report and as the front page quotes them.
    for page in ("02_openness.html", "index.html"):
        items = pages[page].select("section.carto-retenir li")
        found = 0
        for item in items:
            sentence = re.sub(r"\s+", " ", item.get_text(" ")).strip()
            head = re.match(r"(Données \w+) : (\S+) (?:est|a) ", sentence)
            for match in RANK.finditer(sentence):
                assert head, sentence
                assert parse(match) == expected[(head.group(2), LEVELS[head.group(1)])], sentence
                found += 1
        assert found == 2, page  # the first producer of each level
    # Every fiche: each rank on the page is its producer's, at a level where it is ranked, and each such
    # level's rank is on its card, in its reading and in its place table.
    fiches = {name: soup for name, soup in pages.items() if name.startswith("producteurs/")}
    assert len(fiches) == 22
    for name, soup in fiches.items():
        producer = soup.find("h1").get_text(" ", strip=True).removeprefix("Fiche gestionnaire : ").rstrip("¶").strip()
        mine = {level: value for (who, level), value in expected.items() if who == producer}
        shown = [parse(m) for m in RANK.finditer(text_of(soup))]
        assert set(shown) <= set(mine.values()), name
        for value in mine.values():
            assert shown.count(value) == 3, (name, value)


def test_no_page_states_a_rank_whose_interval_spans_the_field(official, expected):
    _, _, pages, _ = official
    checked = 0
    for name, soup in pages.items():
        text = text_of(soup)
        assert not BARE_RANK.search(text), (name, BARE_RANK.search(text).group(0))
        for match in RANK.finditer(text):
            rank, low, high, n = parse(match)
            if rank is not None:
                assert not spans(low, high, n), (name, match.group(0))
            checked += 1
    assert checked >= 4 * len(expected)  # report 02's table, and three times on the fiche of each ranked producer
    # The right value: DREES at the aggregated level is not « 1ᵉʳ », it cannot be told apart.
    retenir = text_of(pages["index.html"].select_one("section.carto-retenir"))
    assert "DREES a la part de bases ouvertes la plus élevée des 4 gestionnaires classés (6 bases ouvertes sur 19, " \
           "soit 32\u202f%), mais ne peut être départagé d'aucun d'entre eux" in retenir


def test_tables_that_partition_a_set_show_their_total(official):
    _, _, pages, _ = official
    paths = table_of(pages["05_priorities.html"], "Bases par voie d'ouverture")
    assert paths.iloc[-1, 0].startswith("Total") and paths.iloc[-1, 1] == "265"
    assert sum(int(v) for v in paths.iloc[:-1, 1]) == 265
    classes = table_of(pages["05_priorities.html"], "Classes de priorité")
    assert classes.iloc[-1, 0].startswith("Total") and classes.iloc[-1, 1] == "289"
    combinations = table_of(pages["02_openness.html"], "Combinaisons de critères manquants")
    assert combinations.iloc[-1].tolist()[-3:] == ["96", "222", "318"]
    atih = pages["producteurs/atih.html"]
    assert "données granulaires : 41 lignes (32 bases)" in text_of(atih)  # was « n = 41 » beside 32 bases
    voies = table_of(atih, "Voies d'ouverture d'ATIH")
    assert voies.iloc[-1, 0].startswith("Total") and voies.iloc[-1].tolist()[3:5] == ["3", "41"]


def test_the_front_page_stands_alone_and_states_the_fiche_rule(official):
    _, done, pages, _ = official
    index = pages["index.html"]
    retenir = text_of(index.select_one("section.carto-retenir"))
    for pointer in ("ci-dessous", "ci-dessus", "plus bas", "section "):
        assert pointer not in retenir
    assert "Une fiche par gestionnaire ayant au moins 3 lignes dans la cartographie : 22 des 66 gestionnaires" \
        in text_of(index)
    # The only parameter this build changed is the file it was given, named on the front page and the line.
    assert [li.get_text(" ", strip=True) for li in index.select(".carto-parametres li")] == [
        f"Cartographie 2014 — lecture et nettoyage de la source — Fichier de la cartographie : "
        f"{done.args[-1].split('=', 1)[1]} (défaut : aucun)"]
    assert "paramètre modifié : 01_clean_cartography — Fichier de la cartographie" in done.stdout
    assert "Pondération" not in done.stdout and not pages["02_openness.html"].select(".carto-parametres")


def test_a_non_default_weighting_is_named_everywhere_it_changes_something(real_ods, tmp_path):
    root = copy_project(tmp_path)
    done = run_reports(root, "--jobs", "2", "--no-pdf", "--only", "01_clean_cartography", "02_openness",
                       "03_producer_sheet", "--set", f"01_clean_cartography.cartography_path={real_ods}",
                       "--set", "02_openness.weighting=godi_2016", "--set", "03_producer_sheet.producer=ATIH")
    assert done.returncode == 0, done.stderr
    phrase = "Pondération : Global Open Data Index 2016 (défaut : Poids égaux)"
    summary = done.stdout.splitlines()[0]
    assert f"paramètre modifié : 02_openness — {phrase}" in summary
    assert "Gestionnaire" not in summary  # the fiche's producer is its subject, not a setting
    reports = root / "reports"
    index = BeautifulSoup((reports / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert f"Ouverture des bases par gestionnaire et par typologie — {phrase}" in \
        [li.get_text(" ", strip=True) for li in index.select(".carto-parametres li")]
    for page in ("02_openness.html", "producteurs/atih.html"):  # on the first screen, before any number
        text = text_of(BeautifulSoup((reports / page).read_text(encoding="utf-8"), "html.parser"))
        assert phrase in text, page
        first_number = re.search(r"\d+ sur \d+", text).start()
        assert text.index("Paramètres modifiés") < first_number, page
