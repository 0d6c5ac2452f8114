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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from helpers.core.config import data_file
from helpers.core.errors import QuestionnaireError
from helpers.core.text import comparison_key

KINDS = {
    "datasets": "mentions de bases, rapprochées de la cartographie",
    "multiple_choice": "choix multiples",
    "single_choice": "choix unique",
    "free_text": "texte libre",
}
SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "tabulation": "\t"}
TOP_KEYS = {"platform", "format", "columns", "questions", "exclude", "respondent_options"}
FORMAT_KEYS = {"encoding", "separator", "sheet", "header_rows"}
COLUMN_ROLES = {"id", "respondent_type", "date"}
COLUMN_SETTINGS = {"date_format", "date_timezone"}
DATE_FORMATS = {"day_first": "jour/mois", "month_first": "mois/jour"}
QUESTION_KEYS = {"id", "column", "columns", "label", "kind", "separator", "options", "other", "codes", "themes"}
CODE_KEYS = {"label", "examples", "keywords"}
EXCLUDE_KEYS = {"column", "values", "reason"}
PRESET_EXCLUDE_KEYS = EXCLUDE_KEYS | {"keep"}  # a preset also lists the values it knows to keep
UTC_HEADER = re.compile(r"\(\s*(?:UTC|GMT)\s*\)", re.IGNORECASE)  # « Submit Date (UTC) »: its dates are UTC
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
MAX_HEADER_ROWS = 3
OTHER_SUFFIX = "_autre"


@dataclass(frozen=True)
class Code:
    """One code of a free-text question's codebook (spec key ``codes``): its `label`, the answer texts that
    exemplify it (at least one) and optional `keywords` (helpers.consultation.codes)."""

    label: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question of the spec.

    `column` is the question's label in the reports (its export header, or `label`); `columns` the export
    headers it is read from (one, or one per option). `options` maps what a cell may hold (label, or
    code) to the label counted; empty when the spec declares none (a datasets question's options are the base
    names its checkbox list offered: cells are cut by them, matching.split_mentions). `other` is the label of the option
    whose typed text goes to the free-text question `<id>_autre` (`derived_from` names its choice question).
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
class Exclusion:
    """Rows whose `column` holds one of `values` (comparison keys: case, accents and spaces ignored; "" = empty;
    YAML ``true``/``false`` stand for every boolean word of ``booleens`` in consultation.yml, so Excel's VRAI/FAUX
    read as true/false) are excluded with `reason`. `optional` (from a platform preset): ignored when the export
    lacks the column. `keep` (presets): the other values the platform writes there; any value outside `values`
    and `keep` is an error, never kept in silence (None: any other value is kept). `platform`: the preset's
    key, for messages."""

    column: str
    values: tuple[str, ...]
    reason: str
    optional: bool = False
    keep: tuple[str, ...] | None = None
    platform: str | None = None


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
    default of consultation.yml)."""
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
    preset_separator: str | None = None  # what the preset's platform writes (the separator is still detected)
    platform: str | None = None
    exclusions: tuple[Exclusion, ...] = ()
    respondent_options: tuple[str, ...] = ()

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


def _text(value: object, where: str, path: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(path, f"{where} doit être un texte non vide (reçu {value!r})")
    return value


def _unknown(keys: object, allowed: set[str], where: str, path: Path) -> None:
    extra = sorted(str(k) for k in keys if k not in allowed)
    if extra:
        raise QuestionnaireError(path, f"{where} : clé(s) inconnue(s) {', '.join(extra)} ; clés possibles : "
                                       f"{', '.join(sorted(allowed))}")


def _table(value: object, where: str, path: Path) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QuestionnaireError(path, f"« {where} » doit être une table")
    return value


def _format(fmt: dict, path: Path) -> dict:
    _unknown(fmt, FORMAT_KEYS, "format", path)
    out = {"encoding": None, "separator": None, "sheet": None, "header_rows": None}
    if fmt.get("encoding") is not None:
        encoding = _text(fmt["encoding"], "format.encoding", path)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise QuestionnaireError(path, f"encodage inconnu « {encoding} » (ex. utf-8, utf-8-sig, cp1252)") from None
        out["encoding"] = encoding
    if fmt.get("separator") is not None:
        if fmt["separator"] not in SEPARATORS:
            raise QuestionnaireError(path, f"séparateur « {fmt['separator']} » non pris en charge ; "
                                           "séparateurs possibles : « , », « ; », tab")
        out["separator"] = SEPARATORS[fmt["separator"]]
    if fmt.get("sheet") is not None:
        out["sheet"] = _text(fmt["sheet"], "format.sheet", path)
    if fmt.get("header_rows") is not None:
        rows = fmt["header_rows"]
        if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= MAX_HEADER_ROWS:
            raise QuestionnaireError(path, f"format.header_rows doit être un entier de 1 à {MAX_HEADER_ROWS} "
                                           f"(reçu {rows!r})")
        out["header_rows"] = rows
    return out


def _options(value: object, where: str, path: Path) -> tuple[tuple[str, str], ...]:
    """A list of labels, or a mapping code -> label, as (what a cell holds, label) pairs."""
    if isinstance(value, list) and value:
        return tuple((_text(v, where, path).strip(),) * 2 for v in value)
    if isinstance(value, dict) and value:
        return tuple((_text(str(k), where, path).strip(), _text(v, where, path).strip()) for k, v in value.items())
    raise QuestionnaireError(path, f"{where} doit être une liste de libellés ou une table code : libellé non vide")


def _codes(value: object, where: str, path: Path) -> tuple[Code, ...]:
    """A codebook: a non-empty list of {label, examples: [texts], keywords: [texts]}, no label twice."""
    if not isinstance(value, list) or not value:
        raise QuestionnaireError(path, f"{where} doit être une liste non vide de codes (label, examples, keywords)")
    codes = []
    for i, item in enumerate(value, start=1):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise QuestionnaireError(path, f"{here} doit être une table (label, examples, keywords)")
        _unknown(item, CODE_KEYS, here, path)
        label = _text(item.get("label"), f"{here}.label", path).strip()
        lists = {}
        for key in ("examples", "keywords"):
            items = item.get(key, [] if key == "keywords" else None)
            if not isinstance(items, list) or (key == "examples" and not items):
                raise QuestionnaireError(path, f"{here} ({label}) : « {key} » doit être une liste"
                                               f"{' non vide de réponses types' if key == 'examples' else ''}")
            lists[key] = tuple(_text(t, f"{here}.{key}", path).strip() for t in items)
        codes.append(Code(label, lists["examples"], lists["keywords"]))
    labels = [comparison_key(c.label) for c in codes]
    twice = sorted({c.label for c, key in zip(codes, labels, strict=True) if labels.count(key) > 1})
    if twice:
        raise QuestionnaireError(path, f"{where} : code nommé deux fois : {', '.join(twice)}")
    return tuple(codes)


def _theme_range(value: object, where: str, path: Path) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value) or not 1 <= value[0] <= value[1]):
        raise QuestionnaireError(path, f"{where} doit être [min, max], deux entiers avec 1 ≤ min ≤ max "
                                       f"(reçu {value!r})")
    return value[0], value[1]


def _question(item: object, index: int, path: Path, defaults: dict) -> list[Question]:
    where = f"questions[{index + 1}]"
    if not isinstance(item, dict):
        raise QuestionnaireError(path, f"{where} doit être une table (id, column, kind)")
    _unknown(item, QUESTION_KEYS, where, path)
    for key in ("id", "kind"):
        if key not in item:
            raise QuestionnaireError(path, f"{where} : clé « {key} » manquante")
    if ("column" in item) == ("columns" in item):
        raise QuestionnaireError(path, f"{where} : donnez « column » (une colonne) ou « columns » (une colonne "
                                       "par option), l'un des deux")
    qid = _text(item["id"], f"{where}.id", path)
    if not QUESTION_ID.match(qid):
        raise QuestionnaireError(path, f"{where} : identifiant « {qid} » invalide (minuscules, chiffres et _, "
                                       "commençant par une lettre, 31 caractères au plus)")
    kind = item["kind"]
    if kind not in KINDS:
        raise QuestionnaireError(path, f"{where} ({qid}) : type de question inconnu « {kind} » ; types possibles : "
                                       f"{', '.join(KINDS)}")
    if "columns" in item:
        if kind != "multiple_choice" or not isinstance(item["columns"], list) or not item["columns"]:
            raise QuestionnaireError(path, f"{where} ({qid}) : « columns » (une colonne par option) est une liste "
                                           "non vide, pour une question multiple_choice")
        columns = tuple(_text(c, f"{where}.columns", path).strip() for c in item["columns"])
    else:
        columns = (_text(item["column"], f"{where}.column", path).strip(),)
    label = _text(item["label"], f"{where}.label", path).strip() if "label" in item else columns[0]
    separator = item.get("separator")
    if separator is not None:
        # Any non-empty separator: Kobo joins option codes with a single space.
        if not isinstance(separator, str) or separator == "":
            raise QuestionnaireError(path, f"{where}.separator doit être un texte non vide (reçu {separator!r})")
        separator = separator.strip() or separator
    elif kind == "multiple_choice" or (kind == "datasets" and "options" in item):
        separator = defaults.get("choice_separator")  # a checkbox list of base names is joined as choices are
    options, other = (), None
    if "options" in item and kind not in ("multiple_choice", "single_choice", "datasets"):
        raise QuestionnaireError(path, f"{where} ({qid}) : « options » ne vaut que pour une question à choix ou "
                                       "de bases (datasets)")
    if "other" in item and kind not in ("multiple_choice", "single_choice"):
        raise QuestionnaireError(path, f"{where} ({qid}) : « other » ne vaut que pour une question à choix (le "
                                       "texte tapé avec « Autre » d'une question de bases est une mention)")
    if ("codes" in item or "themes" in item) and kind != "free_text":
        raise QuestionnaireError(path, f"{where} ({qid}) : « codes » et « themes » ne valent que pour une "
                                       "question free_text")
    codes = _codes(item["codes"], f"{where}.codes", path) if "codes" in item else ()
    theme_range = _theme_range(item["themes"], f"{where}.themes", path) if "themes" in item else None
    if "options" in item:
        options = _options(item["options"], f"{where}.options", path)
    if "other" in item:
        other = _text(item["other"], f"{where}.other", path).strip()
    question = Question(qid, label, kind, separator, columns, options, other, codes=codes, theme_range=theme_range)
    if other is None:
        return [question]
    return [question, Question(qid + OTHER_SUFFIX, f"{label} — {other} (précisez)", "free_text", derived_from=qid)]


def boolean_words(value: bool) -> tuple[str, ...]:
    """Comparison keys of every word written for `value` (``booleens`` of consultation.yml: true, VRAI, Oui, 1…)."""
    words = data_file("consultation.yml")["booleens"]["vrai" if value else "faux"]
    return tuple(comparison_key(str(w)) for w in words)


def _keys(values: object, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str | int) for v in values):
        raise QuestionnaireError(path, f"{where} doit être une liste non vide de valeurs (\"\" : vide ; true, "
                                       "false : tout mot booléen)")
    keys = [k for v in values for k in (boolean_words(v) if isinstance(v, bool) else (comparison_key(str(v)),))]
    return tuple(dict.fromkeys(keys))


def _exclusions(items: object, path: Path, preset: str | None = None,
                where_prefix: str = "exclude") -> tuple[Exclusion, ...]:
    """The spec's `exclude` list (or a preset's, `preset` naming it: then optional, with `keep`, and `column`
    may list every naming of the column in that platform's exports)."""
    if items is None:
        return ()
    if not isinstance(items, list):
        raise QuestionnaireError(path, f"« {where_prefix} » doit être une liste de tables (column, values, reason)")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"{where_prefix}[{i}]"
        if not isinstance(item, dict):
            raise QuestionnaireError(path, f"{where} doit être une table (column, values, reason)")
        _unknown(item, PRESET_EXCLUDE_KEYS if preset is not None else EXCLUDE_KEYS, where, path)
        for key in sorted(EXCLUDE_KEYS):
            if key not in item:
                raise QuestionnaireError(path, f"{where} : clé « {key} » manquante")
        values = _keys(item["values"], f"{where}.values", path)
        keep = _keys(item["keep"], f"{where}.keep", path) if item.get("keep") is not None else None
        namings = item["column"] if preset is not None and isinstance(item["column"], list) else [item["column"]]
        reason = _text(item["reason"], f"{where}.reason", path)
        out += [Exclusion(_text(c, f"{where}.column", path).strip(), values, reason, preset is not None, keep,
                          preset or None) for c in namings]
    return tuple(out)


def known_markers(path: Path) -> list[Exclusion]:
    """Every column a known platform uses to mark deleted, test or incomplete rows: the exclusions of every
    preset of ``plateformes.yml`` (each naming of the column), then its ``autres_marqueurs`` (platforms without
    a preset: `platform` None). `path` is the spec, named if plateformes.yml is ill-formed."""
    data = data_file("plateformes.yml")
    out = [e for name, preset in data["plateformes"].items()
           for e in _exclusions(preset.get("exclude"), path, name, f"plateformes.yml {name}.exclude")]
    return out + list(_exclusions(data.get("autres_marqueurs"), path, "", "plateformes.yml autres_marqueurs"))


#: What a platform preset (data/plateformes.yml) may set.
PRESET_KEYS = {"nom", "format", "choice_separator", "date_format", "date_timezone", "exclude"}


def _preset(spec: dict, path: Path) -> dict:
    """The platform preset named by the spec (data/plateformes.yml), or {}."""
    platform = spec.get("platform")
    if platform is None:
        return {}
    presets = data_file("plateformes.yml")["plateformes"]
    if platform not in presets:
        raise QuestionnaireError(path, f"plateforme inconnue « {platform} » ; plateformes possibles : "
                                       f"{', '.join(presets)}")
    # A typo in the presets file would be silently ignored: its keys are checked like a spec's.
    _unknown(presets[platform], PRESET_KEYS, f"préréglage « {platform} » de plateformes.yml", path)
    return presets[platform]


def _zone(value: object, where: str, path: Path) -> str:
    zone = _text(value, where, path).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise QuestionnaireError(path, f"{where} « {zone} » : fuseau horaire inconnu (ex. Europe/Paris, UTC, "
                                       "America/Martinique)") from None
    return zone


def _timezone(columns: dict, preset: dict, date_column: str | None, path: Path) -> tuple[str, str]:
    """(zone of the dates written without an offset, who set it): columns.date_timezone, else a date header that
    says « (UTC) », else the preset (one zone, or column -> zone), else ``fuseau`` of consultation.yml."""
    if columns.get("date_timezone") is not None:
        return _zone(columns["date_timezone"], "columns.date_timezone", path), "questionnaire"
    if date_column and UTC_HEADER.search(date_column):
        return "UTC", "en-tête"
    zone = preset.get("date_timezone")
    if isinstance(zone, dict):
        zone = {comparison_key(k): v for k, v in zone.items()}.get(comparison_key(date_column or ""))
    if zone is not None and date_column:
        return _zone(zone, "date_timezone du préréglage", path), "préréglage"
    return data_file("consultation.yml")["fuseau"], "défaut"


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
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(path, f"YAML illisible : {exc}") from exc
    if not isinstance(spec, dict):
        raise QuestionnaireError(path, "le questionnaire doit être une table YAML (format, columns, questions)")
    _unknown(spec, TOP_KEYS, "questionnaire", path)
    preset = _preset(spec, path)
    # What the platform writes, not what a file re-saved by a spreadsheet holds: encoding and separator detected.
    preset_format = {k: v for k, v in preset.get("format", {}).items() if k not in ("encoding", "separator")}
    preset_separator = _format({"separator": preset.get("format", {}).get("separator")}, path)["separator"]
    fmt = _format({**preset_format, **_table(spec.get("format"), "format", path)}, path)
    columns = spec.get("columns")
    if not isinstance(columns, dict):
        raise QuestionnaireError(path, "« columns » manquant ou invalide (respondent_type obligatoire)")
    _unknown(columns, COLUMN_ROLES | COLUMN_SETTINGS, "columns", path)
    if "respondent_type" not in columns:
        raise QuestionnaireError(path, "columns.respondent_type manquant : la colonne de la catégorie de répondant")
    roles = {role: _text(columns[role], f"columns.{role}", path).strip() if columns.get(role) is not None else None
             for role in COLUMN_ROLES}
    date_format = columns.get("date_format", preset.get("date_format"))
    if date_format is not None and date_format not in DATE_FORMATS:
        raise QuestionnaireError(path, f"columns.date_format « {date_format} » inconnu ; valeurs possibles : "
                                       f"{', '.join(DATE_FORMATS)}")
    items = spec.get("questions")
    if not isinstance(items, list) or not items:
        raise QuestionnaireError(path, "« questions » doit être une liste non vide")
    questions = tuple(q for i, item in enumerate(items) for q in _question(item, i, path, preset))
    ids = [q.id for q in questions]
    if len(set(ids)) < len(ids):
        raise QuestionnaireError(path, f"identifiants de questions en double : "
                                       f"{', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    named = [c for c in (*roles.values(), *(c for q in questions for c in q.columns)) if c]
    if len(set(named)) < len(named):
        raise QuestionnaireError(path, f"colonne nommée deux fois : "
                                       f"{', '.join(sorted({c for c in named if named.count(c) > 1}))}")
    respondent_options = spec.get("respondent_options")
    if respondent_options is not None:
        if not isinstance(respondent_options, list) or not respondent_options:
            raise QuestionnaireError(path, "« respondent_options » doit être une liste non vide de catégories")
        respondent_options = tuple(_text(o, "respondent_options", path).strip() for o in respondent_options)
    platform = spec.get("platform")
    exclusions = _exclusions(preset.get("exclude"), path, platform) + _exclusions(spec.get("exclude"), path)
    zone, zone_source = _timezone(columns, preset, roles["date"], path)
    return Questionnaire(path, questions, roles["respondent_type"], roles["id"], roles["date"], **fmt,
                         date_format=date_format, date_timezone=zone, date_timezone_source=zone_source,
                         preset_separator=preset_separator, platform=platform, exclusions=exclusions,
                         respondent_options=respondent_options or ())
