"""The questionnaire spec (YAML): the contract between a consultation export and the analysis.

```yaml
format: {encoding: cp1252, separator: ";"}    # optional, detected when absent
columns: {id: "Identifiant", respondent_type: "Vous êtes", date: "Date"}   # id and date optional
questions:
  - {id: demandes, column: "Quelles données… ?", kind: datasets, separator: "|"}
  - {id: raisons, column: "Pourquoi ?", kind: multiple_choice, separator: "|"}
```

Other keys (documented with a worked spec per platform in the README): `platform` (preset from
data/plateformes.yml), `format.header_rows`, `columns.date_format`, `columns.date_timezone`, `respondent_options`,
`exclude`, and per question `columns` (one per option), `label`, `options` (labels, or code -> label) and `other`;
a free-text question may carry `themes: [min, max]` (range of its number of themes) and `codes:` (a codebook:
a list of `{label, examples: [answer texts], keywords: [optional]}`).

A questionnaire may have no `datasets` question (only free text or choices, as the Grand Débat's): the reports
then say there is no demand for bases to count or to join.

The spec is validated completely before the export is read; every problem is a QuestionnaireError
naming the spec file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from helpers.core.config import data_file
from helpers.core.errors import QuestionnaireError
from helpers.core.models import Model, Text, validated
from helpers.core.text import comparison_key

KINDS = {
    "datasets": "mentions de bases, rapprochées de la cartographie",
    "multiple_choice": "choix multiples",
    "single_choice": "choix unique",
    "free_text": "texte libre",
}
SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "tabulation": "\t"}
DateFormat = Literal["day_first", "month_first"]  # the order of a date nothing else settles
UTC_HEADER = re.compile(r"\(\s*(?:UTC|GMT)\s*\)", re.IGNORECASE)  # « Submit Date (UTC) »: its dates are UTC
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
MAX_HEADER_ROWS = 3
OTHER_SUFFIX = "_autre"


@dataclass(frozen=True)
class Question:
    """One question of the spec.

    `column` is the question's label in the reports (its export header, or `label`); `columns` the export
    headers it is read from (one, or one per option). `options` maps what a cell may hold (label, or
    code) to the label counted; empty when the spec declares none (a datasets question's options are the base
    names its checkbox list offered: cells are cut by them, matching.split_mentions). `other` is the label of the option
    whose typed text goes to the free-text question `<id>_autre` (`derived_from` names its choice question; its
    `columns` is the platform's own column for that text when the spec names one, ``other_column``).
    """

    id: str
    column: str
    kind: str
    separator: str | None = None
    columns: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    other: str | None = None
    derived_from: str | None = None
    codes: tuple[Code, ...] = ()  # free text: the analyst's codebook
    theme_range: tuple[int, int] | None = None  # free text: (min, max) number of themes; None: the default

    @property
    def is_choice(self) -> bool:
        """True for a single- or multiple-choice question (the kinds tallied in ``consultation_choix``)."""
        return self.kind in ("multiple_choice", "single_choice")

    @property
    def labels(self) -> list[str]:
        """The declared option labels, in the spec's order, without repeats."""
        return list(dict.fromkeys(label for _, label in self.options))


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire spec: how to read one platform export (``load_questionnaire``).

    `path` is the spec file; `questions` in spec order (a choice question with an ``other`` option adds its
    derived ``<id>_autre`` free-text question); `respondent_column`, `id_column`, `date_column` are export headers
    (the last two optional). `encoding`, `separator`, `sheet`, `header_rows` describe the file (None: sniffed or
    the reader's default); `date_format` settles day/month order when the values do not; `platform` names the
    preset of ``plateformes.yml`` used; `exclusions` are the rows to drop (preset's first); `respondent_options`
    the declared categories (empty: none declared). `date_timezone` is the zone of dates written without an
    offset (`date_timezone_source` says who set it: columns.date_timezone, a « (UTC) » header, the preset, or the
    default of consultation.yml); a date cell holding one of `date_placeholders` has no date."""
    path: Path
    questions: tuple[Question, ...]
    respondent_column: str
    id_column: str | None = None
    date_column: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    header_rows: int | None = None  # None: not declared (1, and a second header row is an error)
    date_format: str | None = None  # day_first | month_first, for a date column nothing settles
    date_timezone: str = "Europe/Paris"  # zone of the dates written without an offset
    date_timezone_source: str = "défaut"  # questionnaire | en-tête | préréglage | défaut
    date_placeholders: tuple[str, ...] = ()  # the preset's « no date » values (LimeSurvey 1980-01-01 00:00:00)
    preset_separator: str | None = None  # what the preset's platform writes (the separator is still detected)
    platform: str | None = None
    exclusions: tuple[Exclusion, ...] = ()
    respondent_options: tuple[tuple[str, str], ...] = ()  # (what a cell holds, label), as a question's options

    def columns(self) -> list[str]:
        """Every export column the spec requires, in the spec's order."""
        named = [self.id_column, self.respondent_column, self.date_column,
                 *(c for q in self.questions for c in q.columns),
                 *(e.column for e in self.exclusions if not e.optional)]
        return list(dict.fromkeys(c for c in named if c))

    def of_kind(self, *kinds: str) -> list[Question]:
        """The questions whose kind is one of `kinds` (keys of ``KINDS``: datasets,
        multiple_choice, single_choice, free_text), in spec order."""
        return [q for q in self.questions if q.kind in kinds]



def _separator(value: object) -> str:
    if value not in SEPARATORS:
        raise ValueError(f"séparateur « {value} » non pris en charge ; séparateurs possibles : « , », « ; », tab")
    return SEPARATORS[value]


def _encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"encodage inconnu « {value} » (ex. utf-8, utf-8-sig, cp1252)") from None
    return value


def _header_rows(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HEADER_ROWS:
        raise ValueError(f"doit être un entier de 1 à {MAX_HEADER_ROWS} (reçu {value!r})")
    return value


def _zone(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"doit être un fuseau horaire (ex. Europe/Paris) (reçu {value!r})")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"fuseau horaire inconnu « {value} » (ex. Europe/Paris, UTC, America/Martinique)") from None
    return value


def _non_empty(what: str):
    def check(value: list) -> list:
        if not value:
            raise ValueError(f"doit être une liste non vide{what}")
        return value
    return AfterValidator(check)


def _keys(values: object) -> tuple[str, ...]:
    """Comparison keys of an exclusion's values (true/false: every boolean word)."""
    if not isinstance(values, list) or not values or not all(isinstance(v, str | int) for v in values):
        raise ValueError("doit être une liste non vide de valeurs (\"\" : vide ; true, false : tout mot booléen)")
    booleans = data_file("consultation.yml")["booleens"]  # true, VRAI, Oui, 1… ; false, FAUX, Non, 0…
    keys = [comparison_key(str(w)) for v in values
            for w in (booleans["vrai" if v else "faux"] if isinstance(v, bool) else (v,))]
    return tuple(dict.fromkeys(keys))


def _options(value: object) -> tuple[tuple[str, str], ...]:
    """A list of labels, or a mapping code -> label, as (what a cell holds, label) pairs."""
    pairs = (((v, v) for v in value) if isinstance(value, list) else
             ((str(k), v) for k, v in value.items()) if isinstance(value, dict) else ())
    pairs = [(k, v) for k, v in pairs if isinstance(k, str) and isinstance(v, str)]
    if not pairs or len(pairs) != len(value) or not all(k.strip() and v.strip() for k, v in pairs):
        raise ValueError("doit être une liste de libellés ou une table code : libellé non vide")
    return tuple((k.strip(), v.strip()) for k, v in pairs)


def _theme_range(value: object) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value) or not 1 <= value[0] <= value[1]):
        raise ValueError(f"doit être [min, max], deux entiers avec 1 ≤ min ≤ max (reçu {value!r})")
    return value[0], value[1]


def _question_id(value: str) -> str:
    if not QUESTION_ID.match(value):
        raise ValueError(f"identifiant « {value} » invalide (minuscules, chiffres et _, commençant par une lettre, "
                         "31 caractères au plus)")
    return value


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"type de question inconnu « {value} » ; types possibles : {', '.join(KINDS)}")
    return value


class FormatSpec(Model):
    """``format``: how the export is written (every key optional)."""

    encoding: Annotated[Text, AfterValidator(_encoding)] | None = None
    separator: Annotated[object, AfterValidator(_separator)] = None
    sheet: Text | None = None
    header_rows: Annotated[object, AfterValidator(_header_rows)] = None


class ColumnsSpec(Model):
    """``columns``: the export headers of the respondent's category (required), id and date."""

    id: Text | None = None
    respondent_type: Text
    date: Text | None = None
    date_format: DateFormat | None = None
    date_timezone: Annotated[Text, AfterValidator(_zone)] | None = None


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


class Code(Model):
    """One code of a free-text question's codebook (spec key ``codes``): its `label`, the answer texts that
    exemplify it (at least one) and optional `keywords` (helpers.consultation.codes)."""

    label: Text
    examples: Annotated[tuple[Text, ...], BeforeValidator(_as_tuple), _non_empty(" de réponses types")]
    keywords: Annotated[tuple[Text, ...], BeforeValidator(_as_tuple)] = ()


def _codebook(codes: list[Code]) -> list[Code]:
    labels = [comparison_key(c.label) for c in codes]
    twice = sorted({c.label for c, key in zip(codes, labels, strict=True) if labels.count(key) > 1})
    if twice:
        raise ValueError(f"code nommé deux fois : {', '.join(twice)}")
    return codes


class QuestionSpec(Model):
    """One item of ``questions``."""

    id: Annotated[str, AfterValidator(_question_id)]
    kind: Annotated[str, AfterValidator(_kind)]
    column: Text | None = None
    columns: list[Text] | None = None
    label: Text | None = None
    # Any non-empty separator, stripped unless blank: Kobo joins option codes with a single space.
    separator: Annotated[str, Field(min_length=1), AfterValidator(lambda v: v.strip() or v)] = None
    options: Annotated[object, AfterValidator(_options)] = None
    other: Text | None = None
    other_column: Text | None = None  # the platform's own column for the text typed with `other` (Kobo)
    codes: Annotated[list[Code], _non_empty(" de codes (label, examples, keywords)"),
                     AfterValidator(_codebook)] | None = None
    themes: Annotated[object, AfterValidator(_theme_range)] = None

    @model_validator(mode="after")
    def _fits_kind(self) -> QuestionSpec:
        given, kind = self.model_fields_set, self.kind
        if ("column" in given) == ("columns" in given):
            raise ValueError("donnez « column » (une colonne) ou « columns » (une colonne par option), l'un des deux")
        if "columns" in given and (kind != "multiple_choice" or not self.columns):
            raise ValueError("« columns » (une colonne par option) est une liste non vide, pour une question "
                             "multiple_choice")
        if "options" in given and kind not in ("multiple_choice", "single_choice", "datasets"):
            raise ValueError("« options » ne vaut que pour une question à choix ou de bases (datasets)")
        if "other" in given and kind not in ("multiple_choice", "single_choice"):
            raise ValueError("« other » ne vaut que pour une question à choix (le texte tapé avec « Autre » d'une "
                             "question de bases est une mention)")
        if "other_column" in given and "other" not in given:
            raise ValueError("« other_column » (la colonne du texte tapé avec « Autre ») va avec « other » (le libellé "
                             "de l'option « Autre »)")
        if {"codes", "themes"} & given and kind != "free_text":
            raise ValueError("« codes » et « themes » ne valent que pour une question free_text")
        return self


class ExclusionSpec(Model):
    """One item of ``exclude``: rows whose `column` holds one of `values` are dropped with `reason`."""

    column: Text
    values: Annotated[object, AfterValidator(_keys)]
    reason: Text


class Exclusion(ExclusionSpec):
    """Rows whose `column` holds one of `values` (comparison keys: case, accents and spaces ignored; "" = empty;
    YAML ``true``/``false`` stand for every boolean word of ``booleens`` in consultation.yml, so Excel's VRAI/FAUX
    read as true/false) are excluded with `reason`. `optional` (from a platform preset): ignored when the export
    lacks the column. `keep` (presets): the other values the platform writes there; any value outside `values`
    and `keep` is an error, never kept in silence (None: any other value is kept). `platform`: the preset's
    key, for messages. Built from validated spec items by ``_exclusions`` (one per naming of the column)."""

    optional: bool = False
    keep: tuple[str, ...] | None = None
    platform: str | None = None


class PresetExclusion(ExclusionSpec):
    """A preset's exclusion: `column` may list every naming of the column, `keep` the values to keep."""

    column: Annotated[list[Text], BeforeValidator(lambda c: [c] if isinstance(c, str) else c)]
    keep: Annotated[object, AfterValidator(_keys)] = None


def _zones(value: object) -> object:
    return {k: _zone(v) for k, v in value.items()} if isinstance(value, dict) else _zone(value)


class Preset(Model):
    """One platform preset of ``plateformes.yml``."""

    format: FormatSpec = FormatSpec()
    choice_separator: str | None = None  # as written: Kobo joins option codes with one space
    date_format: DateFormat | None = None
    date_timezone: Annotated[object, AfterValidator(_zones)] = None  # one zone, or column -> zone
    date_placeholders: list[str] = []  # what the platform writes in a date column when it kept no date
    exclude: list[PresetExclusion] = []
    nom: Text


class Platforms(Model):
    """``plateformes.yml``: the presets, and the marker columns of platforms without one."""

    plateformes: dict[str, Preset]
    autres_marqueurs: list[PresetExclusion] = []


def _platform(value: str) -> str:
    presets = data_file("plateformes.yml")["plateformes"]
    if value not in presets:
        raise ValueError(f"plateforme inconnue « {value} » ; plateformes possibles : {', '.join(presets)}")
    return value


class Spec(Model):
    """A questionnaire spec as written (see the module docstring)."""

    platform: Annotated[str, AfterValidator(_platform)] | None = None
    format: FormatSpec = FormatSpec()
    columns: ColumnsSpec
    questions: Annotated[list[QuestionSpec], _non_empty("")]
    exclude: list[ExclusionSpec] = []
    respondent_options: Annotated[object, AfterValidator(_options)] = None  # labels, or code -> label

    @field_validator("format", "exclude", mode="before")
    @classmethod
    def _empty(cls, value: object, info: ValidationInfo) -> object:
        """A key left empty (``format:`` whose lines are commented out) is the key absent."""
        return ({} if info.field_name == "format" else []) if value is None else value


def _exclusions(items: list[ExclusionSpec], platform: str | None = None) -> tuple[Exclusion, ...]:
    """Exclusions of a spec, or of a preset (`platform` its key, "" for ``autres_marqueurs``: optional, with
    `keep`, one per naming of the column)."""
    return tuple(Exclusion.model_construct(column=column, values=e.values, reason=e.reason,
                                           optional=platform is not None, keep=getattr(e, "keep", None),
                                           platform=platform or None)
                 for e in items for column in ([e.column] if isinstance(e.column, str) else e.column))


def _platforms(path: Path) -> Platforms:
    """``plateformes.yml`` validated; a typo there is an error naming the spec `path` being read."""
    return validated(Platforms, data_file("plateformes.yml"), path, QuestionnaireError, "plateformes.yml")


def known_markers(path: Path) -> list[Exclusion]:
    """Every column a known platform uses to mark deleted, test or incomplete rows: the exclusions of every
    preset of ``plateformes.yml`` (each naming of the column), then its ``autres_marqueurs`` (platforms without
    a preset: `platform` None). `path` is the spec, named if plateformes.yml is ill-formed."""
    data = _platforms(path)
    out = [e for name, preset in data.plateformes.items() for e in _exclusions(preset.exclude, name)]
    return out + list(_exclusions(data.autres_marqueurs, ""))


def _question(item: QuestionSpec, preset: Preset) -> list[Question]:
    columns = tuple(item.columns or (item.column,))
    label = item.label or columns[0]
    separator = item.separator
    if separator is None and (item.kind == "multiple_choice" or (item.kind == "datasets" and item.options)):
        separator = preset.choice_separator  # a checkbox list of base names is joined as choices are
    question = Question(item.id, label, item.kind, separator, columns, item.options or (), item.other,
                        codes=tuple(item.codes or ()), theme_range=item.themes)
    if item.other is None:
        return [question]
    return [question, Question(item.id + OTHER_SUFFIX, f"{label} — {item.other} (précisez)", "free_text",
                               columns=(item.other_column,) if item.other_column else (), derived_from=item.id)]


def _timezone(columns: ColumnsSpec, preset: Preset) -> tuple[str, str]:
    """(zone of the dates written without an offset, who set it): columns.date_timezone, else a date header that
    says « (UTC) », else the preset (one zone, or column -> zone), else ``fuseau`` of consultation.yml."""
    if columns.date_timezone is not None:
        return columns.date_timezone, "questionnaire"
    if columns.date and UTC_HEADER.search(columns.date):
        return "UTC", "en-tête"
    zone = preset.date_timezone
    if isinstance(zone, dict):
        zone = {comparison_key(k): v for k, v in zone.items()}.get(comparison_key(columns.date or ""))
    if zone is not None and columns.date:
        return zone, "préréglage"
    return data_file("consultation.yml")["fuseau"], "défaut"


def _twice(values: list[str]) -> str:
    return ", ".join(sorted({v for v in values if values.count(v) > 1}))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire spec (YAML) into a ``Questionnaire``.

    A `platform` preset (data/plateformes.yml) gives defaults for format, columns.date_format,
    columns.date_timezone, the multiple-choice separator and exclusions; keys written in the spec override it. The
    preset's encoding and separator are only what the platform writes: both are detected unless the spec sets them
    (a file re-saved by a spreadsheet changes them; the separator is preferred on a tie).

    Raises
    ------
    QuestionnaireError
        Naming the file, for any problem: file absent, unreadable YAML, unknown key, missing
        ``columns.respondent_type``, unknown platform, encoding, separator or date format, header_rows out of
        1–MAX_HEADER_ROWS, empty or ill-formed questions, options or exclusions, a question id or column named
        twice, a codebook with an unknown key, a code without examples or a label twice, a bad theme range."""
    path = Path(path)
    if not path.is_file():
        raise QuestionnaireError(path, "questionnaire introuvable")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(path, f"YAML illisible : {exc}") from exc
    if not isinstance(raw, dict):
        raise QuestionnaireError(path, "le questionnaire doit être une table YAML (format, columns, questions)")
    spec = validated(Spec, raw, path, QuestionnaireError, top="questionnaire")
    preset = _platforms(path).plateformes[spec.platform] if spec.platform else Preset(nom="aucun")
    # What the platform writes, not what a file re-saved by a spreadsheet holds: encoding and separator detected.
    fmt = {key: getattr(spec.format, key) if key in spec.format.model_fields_set else
           None if key in ("encoding", "separator") else getattr(preset.format, key)
           for key in ("encoding", "separator", "sheet", "header_rows")}
    questions = tuple(q for item in spec.questions for q in _question(item, preset))
    if _twice(ids := [q.id for q in questions]):
        raise QuestionnaireError(path, f"identifiants de questions en double : {_twice(ids)}")
    roles = (spec.columns.id, spec.columns.respondent_type, spec.columns.date)
    if _twice(named := [c for c in (*roles, *(c for q in questions for c in q.columns)) if c]):
        raise QuestionnaireError(path, f"colonne nommée deux fois : {_twice(named)}")
    zone, zone_source = _timezone(spec.columns, preset)
    date_format = spec.columns.date_format if "date_format" in spec.columns.model_fields_set else preset.date_format
    return Questionnaire(path, questions, spec.columns.respondent_type, spec.columns.id, spec.columns.date, **fmt,
                         date_format=date_format, date_timezone=zone, date_timezone_source=zone_source,
                         date_placeholders=tuple(preset.date_placeholders),
                         preset_separator=preset.format.separator, platform=spec.platform,
                         exclusions=_exclusions(preset.exclude, spec.platform) + _exclusions(spec.exclude),
                         respondent_options=spec.respondent_options or ())
