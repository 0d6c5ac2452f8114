"""Submission dates of a consultation export, read once per column and stored in UTC.

What platforms write (see tests/test_platforms.py): ISO 8601 with or without an offset (KoboToolbox
"2014-04-03T10:05:00.000+02:00", Decidim "2014-04-07 16:12:09" in UTC, "…Z"), numeric dates in the
sheet's locale (Google Sheets "4/14/2014 08:01:40" or "14/04/2014 08:01:40", SurveyMonkey
"04/02/2014 06:20:05 PM", Framaforms "03/04/2014 - 10:05"), Google Forms' own CSV download (year first, its
offset as "GMT+2": "2014/04/02 6:20:05 PM GMT+2") and Excel serial numbers (41732.42).

Rules:
- a date with an offset is exact (Google's « GMT+2 » is UTC+2, as Google labels it: not the POSIX sign, which
  dateutil follows and would read as UTC−2); a date without one is local time of the spec's `columns.date_timezone`
  (UTC for a header saying « (UTC) » and for the presets of platforms that write UTC without an offset:
  Typeform, KoboToolbox's _submission_time), else of `fuseau` (consultation.yml);
- the day/month order of numeric dates is decided once for the whole column, from the values that
  settle it (a first part above 12: day first; a second part above 12: month first). A column where
  both occur mixes two orders: AnswersError. A column nothing settles uses columns.date_format, else
  day first, and the report says which;
- 12-hour clocks (AM/PM) are read; a value none of this reads is NaT, counted as « non datée ».
Everything is vectorised over distinct values (pandas), no per-row Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.config import data_file
from helpers.core.errors import AnswersError

ISO = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
NUMERIC = (r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
           r"(?:[\sT,-]+(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:[.,]\d+)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$")
YEAR_FIRST = (r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
              r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s+(?:GMT|UTC)(?:(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?$")
SERIAL = r"^\d{5}(?:\.\d+)?$"  # Excel serial day numbers 10000–99999 (1927–2173)
EXCEL_ORIGIN = "1899-12-30"
ORDER_LABELS = {"day_first": "jour/mois", "month_first": "mois/jour"}
ZONE_SOURCES = {"questionnaire": "columns.date_timezone du questionnaire", "en-tête": "l'en-tête dit « (UTC) »",
                "préréglage": "préréglage de la plateforme, qui écrit ces dates en UTC",
                "défaut": "fuseau par défaut de consultation.yml"}


@dataclass(frozen=True)
class DateReading:
    """How a date column was read: `order` (day_first / month_first / None when no numeric date),
    `settled_by` ("valeurs" when values decided it, "questionnaire" for columns.date_format, "défaut");
    `timezone`, the zone of the dates written without an offset, and `zone_source`, who set it (keys of
    ``ZONE_SOURCES``)."""

    order: str | None
    settled_by: str
    timezone: str = "Europe/Paris"
    zone_source: str = "défaut"

    def describe(self) -> str:
        """The rule, in French, for the method annex: the day/month order and why, then the zone the dates
        without an offset were read in and why."""
        if self.order is None:
            text = ("dates à l'année en tête (ISO 8601, Google Forms) ou numéros de série Excel : pas d'ordre "
                    "jour/mois à choisir")
        else:
            how = {"valeurs": "déduit des dates où une partie dépasse 12",
                   "questionnaire": "donné par columns.date_format du questionnaire",
                   "défaut": "aucune date ne le tranche : jour/mois par défaut"}[self.settled_by]
            text = f"{ORDER_LABELS[self.order]} ({how})"
        return (f"{text} ; heures sans décalage lues dans le fuseau {self.timezone} "
                f"({ZONE_SOURCES[self.zone_source]}) ; une date avec décalage est exacte")


def _local_to_utc(stamps: pd.Series, zone: str) -> pd.Series:
    """Naive local times of `zone` to UTC; the repeated autumn hour is read as winter time."""
    local = stamps.dt.tz_localize(zone, ambiguous=np.zeros(len(stamps), dtype=bool), nonexistent="shift_forward")
    return local.dt.tz_convert("UTC")


def _iso(values: pd.Series, zone: str) -> pd.Series:
    offset = values.str.contains(OFFSET, regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if offset.any():
        aware = values[offset].str.replace(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", regex=True)
        out[offset] = pd.to_datetime(aware, format="ISO8601", utc=True, errors="coerce").astype(out.dtype)
    if (~offset).any():
        naive = pd.to_datetime(values[~offset], format="ISO8601", errors="coerce").astype("datetime64[ns]")
        out[~offset] = _local_to_utc(naive, zone).astype(out.dtype)
    return out


def _order(parts: pd.DataFrame, texts: pd.Series, column: str, path: Path, date_format: str | None) -> tuple[str, str]:
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and month_first:
        raise AnswersError(path, f"la colonne de date « {column} » mêle l'ordre jour/mois et l'ordre mois/jour "
                                 f"(« {texts[a > 12].iloc[0]} », « {texts[b > 12].iloc[0]} ») : uniformisez-la")
    if day_first or month_first:
        return "day_first" if day_first else "month_first", "valeurs"
    if date_format:
        return date_format, "questionnaire"
    return "day_first", "défaut"


def _stamps(year: pd.Series, month: pd.Series, day: pd.Series, parts: pd.DataFrame) -> pd.Series:
    """Naive timestamps from the date's parts and the clock of `parts` (h, mi, s, ampm: 12- or 24-hour); NaT
    for an impossible date (31/02)."""
    hour = parts["h"].fillna("0").astype(int)
    ampm = parts["ampm"].fillna("").str.lower().str[:1]
    hour = hour.where(ampm == "", hour % 12 + (ampm == "p") * 12)
    stamps = pd.to_datetime(pd.DataFrame({"year": year, "month": month.astype(int), "day": day.astype(int),
                                          "hour": hour, "minute": parts["mi"].fillna("0").astype(int),
                                          "second": parts["s"].fillna("0").astype(int)}), errors="coerce")
    return stamps.astype("datetime64[ns]")


def _numeric(parts: pd.DataFrame, order: str, zone: str) -> pd.Series:
    day, month = (parts["a"], parts["b"]) if order == "day_first" else (parts["b"], parts["a"])
    year = parts["y"].astype(int)
    return _local_to_utc(_stamps(year.where(year >= 100, 2000 + year), month, day, parts), zone)


def _year_first(parts: pd.DataFrame) -> pd.Series:
    """Google Forms' « 2014/04/02 6:20:05 PM GMT+2 » parts (YEAR_FIRST) to UTC: the local time minus its offset."""
    minutes = parts["oh"].fillna("0").astype(int) * 60 + parts["om"].fillna("0").astype(int)
    offset = pd.to_timedelta(minutes.where(parts["sign"] != "-", -minutes), unit="min")
    return (_stamps(parts["y"].astype(int), parts["m"], parts["d"], parts) - offset).dt.tz_localize("UTC")


def parse_dates(values: pd.Series, path: Path, column: str = "date", date_format: str | None = None,
                timezone: str | None = None, zone_source: str = "défaut") -> tuple[pd.Series, DateReading]:
    """Read a column of submission dates (clean text) once per distinct value, by the module docstring's rules.

    `timezone` is the zone of the dates written without an offset (None: ``fuseau`` of consultation.yml) and
    `zone_source` who chose it (``ZONE_SOURCES``), both reported in the returned ``DateReading``.

    Returns (tz-aware UTC timestamps on the index of `values`, NaT where empty or unreadable; the
    ``DateReading`` saying which day/month order was used and why). Excel serial numbers count days from
    1899-12-30 (Excel's 1900 date system) in local time.

    Raises ``AnswersError`` (naming `path` and `column`) when the column mixes day-first and month-first dates,
    or when more than half of its distinct values are unreadable (a format this module does not know: reading
    it would silently leave most answers undated); a minority of unreadable values is counted as « non datée »."""
    distinct = pd.Series(pd.unique(values.astype(str)))
    distinct = distinct[distinct.str.strip() != ""].str.strip().reset_index(drop=True)
    parsed = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns, UTC]")
    zone = timezone or data_file("consultation.yml")["fuseau"]
    order, settled_by = None, "valeurs"
    iso = distinct.str.match(ISO)
    if iso.any():
        parsed[iso] = _iso(distinct[iso], zone)
    parts = distinct.str.extract(NUMERIC)
    numeric = parts["a"].notna()
    if numeric.any():
        order, settled_by = _order(parts[numeric], distinct[numeric], column, path, date_format)
        parsed[numeric] = _numeric(parts[numeric], order, zone).astype(parsed.dtype)
    year_first = distinct.str.extract(YEAR_FIRST)
    google = year_first["y"].notna()
    if google.any():
        parsed[google] = _year_first(year_first[google]).astype(parsed.dtype)
    serial = distinct.str.match(SERIAL)
    if serial.any():
        days = pd.to_datetime(distinct[serial].astype(float), unit="D", origin=EXCEL_ORIGIN)
        parsed[serial] = _local_to_utc(days.dt.round("s").astype("datetime64[ns]"), zone).astype(parsed.dtype)
    reading = DateReading(order, settled_by, zone, zone_source)
    unreadable = distinct[parsed.isna()]
    if len(distinct) and len(unreadable) * 2 > len(distinct):  # a format this module does not know
        example = unreadable.iloc[0][:60]
        raise AnswersError(path, f"colonne de date « {column} » : {len(unreadable)} valeurs distinctes sur "
                                 f"{len(distinct)} illisibles (par exemple « {example} ») ; formats lus : ISO 8601 "
                                 "avec ou sans décalage, jour/mois/année ou mois/jour/année avec heure (12 ou 24 h), "
                                 "année/mois/jour avec heure et GMT±h (Google Forms), numéro de série Excel. "
                                 "Convertissez la colonne, ou retirez-la du questionnaire")
    lookup = pd.Series(parsed.to_numpy(), index=distinct.to_numpy())
    stripped = values.astype(str).str.strip()
    out = stripped.map(lookup) if len(lookup) else pd.Series(pd.NaT, index=values.index)
    return pd.to_datetime(out, utc=True).astype("datetime64[ns, UTC]"), reading


def period_2014() -> tuple[dt.date, dt.date]:
    """First and last day of the public consultation of 2014 (4 and 28 April, ``periode_2014`` of
    ``consultation.yml``), in its zone."""
    period = data_file("consultation.yml")["periode_2014"]
    return dt.date.fromisoformat(period["debut"]), dt.date.fromisoformat(period["fin"])


def outside_2014(dates: pd.Series) -> int:
    """How many of the UTC timestamps `dates` (NaT ignored) fall outside the 2014 consultation (:func:`period_2014`),
    by their day in the consultation's zone."""
    days = local_dates(dates.dropna()).dt.date
    first, last = period_2014()
    return int(((days < first) | (days > last)).sum())


def local_dates(dates: pd.Series) -> pd.Series:
    """UTC timestamps (tz-aware Series) shown in the consultation's zone (``fuseau`` of
    ``consultation.yml``, Europe/Paris), as naive local times; NaT stays NaT."""
    return dates.dt.tz_convert(data_file("consultation.yml")["fuseau"]).dt.tz_localize(None)
