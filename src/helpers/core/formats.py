"""French formatting of numbers, percentages and dates for everything the reports show, on babel (fr_FR).

One place for the typography of the Imprimerie nationale as CLDR encodes it: decimal comma (« 81,6 »),
narrow no-break space as thousands separator (« 12 345 ») and before the percent sign (« 12 % »), integers
written as integers (never « 40.0 »). Views and render modules format through here, never with f-strings.
"""

from __future__ import annotations

import datetime as dt
import numbers
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from helpers.core.text import strip_accents

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space: before %, and between thousands (CLDR fr)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pd.NA-safe through the except below
    except (TypeError, ValueError):
        return True


def half_up(value: object, digits: int) -> Decimal:
    """`value` rounded to `digits` decimals, halves away from zero (12,5 → 13, as readers and statistical
    offices round), from its shortest decimal text so that 0.125 is a half; babel's default, like Python's,
    rounds halves to even (12,5 → 12), which would put 1/8 at « 12 % » and 5/8 at « 62 % »."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def integer(value: object) -> str:
    """An integer count in French: ``12345`` → « 12 345 »; ``None``/NaN → ``""``.

    Raises ``ValueError`` for a value with a fractional part (a count that is not whole is a bug upstream).
    """
    if _missing(value):
        return ""
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"entier attendu, reçu {value!r}")
    return format_decimal(int(number), format="#,##0", locale=LOCALE)


def decimal(value: object, digits: int = 1) -> str:
    """A decimal number in French with at most `digits` decimals, trailing zeros dropped:
    ``81.63`` → « 81,6 », ``40.0`` → « 40 », ``12345.5`` → « 12 345,5 »; ``None``/NaN → ``""``."""
    if _missing(value):
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(half_up(value, digits), format=pattern, locale=LOCALE)


def number(value: object, digits: int = 1) -> str:
    """Any table value that is a number: integral values as integers (« 40 », not « 40.0 »), others as
    :func:`decimal`; booleans are not numbers here (returned as ``str``); ``None``/NaN → ``""``."""
    if _missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if float(value).is_integer():
        return integer(value)
    return decimal(value, digits)


def percent(share: object, digits: int = 0, keep_small: bool = True) -> str:
    """A share in [0, 1] as a French percentage: ``0.1234`` → « 12 % » (narrow no-break space before %).

    With `keep_small`, a non-zero share that would round to a whole 0 (or below 10 %) gets one decimal
    (« 0,7 % »), so that a small share never reads as none. ``None``/NaN → ``""``.
    """
    if _missing(share):
        return ""
    share = float(share)
    if keep_small and 0 < abs(share) < 0.1:
        digits = max(digits, 1)
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "") + NNBSP + "%"
    return format_percent(half_up(share, digits + 2), format=pattern, locale=LOCALE)


def percent_range(low: object, high: object, digits: int = 0) -> str:
    """A confidence interval of shares: « 12 % – 40 % » (``""`` when either bound is missing)."""
    if _missing(low) or _missing(high):
        return ""
    return f"{percent(low, digits)} – {percent(high, digits)}"


def share_of(part: object, whole: object) -> str:
    """« 19 sur 279 (7 %) »: a count, its base and the percentage (no percentage when the base is 0)."""
    if _missing(part) or _missing(whole):
        return ""
    base = int(whole)
    text = f"{integer(part)} sur {integer(base)}"
    return f"{text} ({percent(int(part) / base)})" if base else text


def _first(text: str) -> str:
    """« 1er avril 2014 »: French writes the first day of a month as an ordinal (Lexique des règles
    typographiques en usage à l'Imprimerie nationale); CLDR's patterns have no ordinal day."""
    return "1er" + text[1:] if text.startswith("1 ") else text


def date(value: dt.date | dt.datetime, style: str = "long") -> str:
    """A date in French: « 6 mai 2014 », « 1er avril 2014 » (``style="long"``), « 06/05/2014 » (``"short"``) or
    in a CLDR pattern (``"MMMM y"``: « avril 2014 »)."""
    return _first(format_date(value, format=style, locale=LOCALE))


def timestamp(value: dt.datetime) -> str:
    """A date and time in French, to the minute, with its zone when known: « 6 mai 2014 à 08:35 UTC »."""
    text = _first(format_datetime(value, format="d MMMM y 'à' HH:mm", locale=LOCALE))
    return f"{text} UTC" if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0) else text



def local_time(value: dt.datetime, zone: str = "Europe/Paris") -> str:
    """A moment shown in `zone`, to the minute, in French: « 3 avril 2014 01:30 » (a naive value is taken as
    UTC, as the consultation stores its dates)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return _first(format_datetime(aware, format="d MMMM y HH:mm", tzinfo=ZoneInfo(zone), locale=LOCALE))


def of_name(name: str) -> str:
    """« de DREES », « d'INVS », « de la cartographie »: the preposition « de » before `name`, elided before a
    vowel (accented or not, « y » included) but not before « h » (« de HAS »: acronyms read letter by letter
    aside, French elides before a vowel sound, and a generated sentence cannot tell a silent h)."""
    first = name.strip()[:1]
    return f"d'{name}" if first and strip_accents(first).lower() in "aeiouy" else f"de {name}"


def count_of(count: object, singular: str, plural: str) -> str:
    """« 1 base », « 0 base », « 2 bases », « 1 000 000 de bases »: the count in French with its noun agreed by
    CLDR's French plural rules (babel: 0 and 1 are singular; « many », a multiple of a million, takes « de »)."""
    form = Locale.parse(LOCALE).plural_form(abs(float(count)))
    noun = singular if form == "one" else f"de {plural}" if form == "many" else plural
    return f"{integer(count)} {noun}"


def with_mark(sentences: list[str], mark: str, skip_first: bool = False) -> list[str]:
    """Sentences each ending with « — `mark` » (e.g. « données synthétiques », ``data/mentions_synthetiques.yml``),
    the first excepted with `skip_first` (it already says so): the front page quotes takeaways one by one, and a
    sentence copied alone into a note must still say its figures are invented. An empty `mark` returns
    `sentences` unchanged."""
    if not mark:
        return sentences
    start = 1 if skip_first else 0
    return sentences[:start] + [f"{s.rstrip('.').rstrip()} — {mark}." for s in sentences[start:]]
