"""French typography of every number the reports show (helpers.core.formats, helpers.render.html.table_html)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.core import formats
from helpers.render.html import table_html

NNBSP = "\u202f"


@pytest.mark.parametrize(("value", "expected"), [
    (0, "0"), (40, "40"), (40.0, "40"), (12345, f"12{NNBSP}345"), (1234567.0, f"1{NNBSP}234{NNBSP}567"),
    (None, ""), (float("nan"), ""), (pd.NA, ""),
])
def test_integers_are_written_as_integers_with_french_thousands(value, expected):
    assert formats.integer(value) == expected


def test_a_count_with_a_fraction_is_a_bug_not_a_rounding():
    with pytest.raises(ValueError, match="entier attendu"):
        formats.integer(40.5)


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (81.63, 1, "81,6"), (81.0, 1, "81"), (2.05, 2, "2,05"), (12345.5, 1, f"12{NNBSP}345,5"), (74.6, 0, "75"),
])
def test_decimals_use_a_decimal_comma(value, digits, expected):
    assert formats.decimal(value, digits) == expected


@pytest.mark.parametrize(("share", "digits", "expected"), [
    (0.1234, 0, f"12{NNBSP}%"), (1, 0, f"100{NNBSP}%"), (0, 0, f"0{NNBSP}%"), (0.007, 0, f"0,7{NNBSP}%"),
    (0.021, 0, f"2,1{NNBSP}%"), (0.125, 1, f"12,5{NNBSP}%"), (None, 0, ""),
])
def test_percentages_have_a_narrow_no_break_space_and_small_shares_never_read_as_zero(share, digits, expected):
    assert formats.percent(share, digits) == expected


def test_ranges_counts_and_dates():
    assert formats.percent_range(0.1, 0.4) == f"10{NNBSP}% – 40{NNBSP}%"
    assert formats.share_of(19, 279) == f"19 sur 279 (6,8{NNBSP}%)"
    assert formats.date(dt.date(2014, 5, 6)) == "6 mai 2014"
    # The first of a month is an ordinal in French (a fresh user's « envoyées le 1 janvier 1980 »).
    assert formats.date(dt.date(2014, 4, 1)) == "1er avril 2014"
    assert formats.date(dt.date(2014, 4, 11)) == "11 avril 2014"
    assert formats.date(dt.date(2014, 4, 1), "MMMM y") == "avril 2014"
    assert formats.date(dt.date(2014, 4, 1), "short") == "01/04/2014"
    assert formats.timestamp(dt.datetime(2026, 12, 1, 8, 5, tzinfo=dt.UTC)) == "1er décembre 2026 à 08:05 UTC"
    assert formats.local_time(dt.datetime(2014, 3, 31, 22, 30, tzinfo=dt.UTC)) == "1er avril 2014 00:30"
    assert formats.timestamp(dt.datetime(2026, 11, 29, 8, 5, tzinfo=dt.UTC)) == "29 novembre 2026 à 08:05 UTC"


def test_table_cells_are_french_numbers_and_integral_floats_are_integers():
    frame = pd.DataFrame({"Gestionnaire": ["A", "B"], "Bases": [40.0, 1250.0], "Score": [81.63, None],
                          "Ouverte": [True, False]})
    out = table_html(frame, "t")
    assert '<td class="num">40</td>' in out and f'<td class="num">1{NNBSP}250</td>' in out
    assert '<td class="num">81,6</td>' in out and "40.0" not in out and "81.6" not in out
    assert "<td>oui</td>" in out and "<td>non</td>" in out


def test_a_long_table_shows_its_first_rows_and_never_drops_the_rest():
    frame = pd.DataFrame({"n": range(30)})
    out = table_html(frame, "Long")
    assert "(25 premières lignes sur 30)" in out
    assert '<details class="carto-data"><summary>Voir les 5 lignes suivantes</summary>' in out
    assert '<td class="num">29</td>' in out  # in the details, not cut
    linked = table_html(frame, "Long", csv="priorites.csv")
    assert '<a href="donnees/priorites.csv">priorites.csv</a>' in linked and '<td class="num">29</td>' not in linked


def test_nouns_agree_with_the_count_by_french_plural_rules():
    from helpers.core.formats import count_of

    assert count_of(0, "base", "bases") == "0 base" and count_of(1, "base", "bases") == "1 base"
    assert count_of(2, "base", "bases") == "2 bases"
    assert count_of(1500, "réponse", "réponses") == "1\u202f500 réponses"
    assert count_of(1_000_000, "réponse", "réponses") == "1\u202f000\u202f000 de réponses"


def test_halves_are_rounded_up_as_readers_expect():
    from helpers.core.formats import decimal, percent

    assert percent(1 / 8) == "13\u202f%" and percent(5 / 8) == "63\u202f%"  # not 12 and 62 (half to even)
    assert decimal(62.5, 0) == "63" and decimal(0.125, 2) == "0,13"


@pytest.mark.parametrize(("epoch", "shown"), [("1399334400", "6 mai 2014 à 00:00 UTC"),
                                             ("0", "1er janvier 1970 à 00:00 UTC")])
def test_source_date_epoch_fixes_the_build_date(monkeypatch, epoch, shown):
    from helpers.core import config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert formats.timestamp(config.build_time()) == shown


@pytest.mark.parametrize("epoch", ["demain", "1.5", "9" * 30])
def test_an_unreadable_source_date_epoch_is_an_error_naming_it(monkeypatch, epoch):
    from helpers.core import config
    from helpers.core.errors import CartoError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(CartoError, match="SOURCE_DATE_EPOCH"):
        config.build_time()


@pytest.mark.parametrize(("name", "expected"), [
    ("DREES", "de DREES"), ("INVS", "d'INVS"), ("ANSM", "d'ANSM"), ("Établissement français du sang",
                                                                    "d'Établissement français du sang"),
    ("ors Île-de-France", "d'ors Île-de-France"), ("Yvelines", "d'Yvelines"), ("HAS", "de HAS"),
    ("la cartographie", "de la cartographie"),
])
def test_de_is_elided_before_a_vowel_whatever_its_case_and_accent(name, expected):
    assert formats.of_name(name) == expected
