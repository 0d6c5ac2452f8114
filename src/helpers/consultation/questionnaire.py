"""The questionnaire spec (YAML): the contract between a consultation export and the analysis.

```yaml
format: {encoding: cp1252, separator: ";"}    # optional, detected when absent
columns: {id: "Identifiant", respondent_type: "Vous êtes", date: "Date"}   # id and date optional
questions:
  - {id: demandes, column: "Quelles données… ?", kind: datasets, separator: "|"}
  - {id: raisons, column: "Pourquoi ?", kind: multiple_choice, separator: "|"}
```

The spec is validated completely before the export is read; every problem is a QuestionnaireError
naming the spec file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.core.errors import QuestionnaireError

KINDS = {
    "datasets": "mentions de bases, rapprochées de la cartographie",
    "multiple_choice": "choix multiples",
    "single_choice": "choix unique",
    "free_text": "texte libre",
}
SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "tabulation": "\t"}
TOP_KEYS = {"format", "columns", "questions"}
FORMAT_KEYS = {"encoding", "separator", "sheet"}
COLUMN_ROLES = {"id", "respondent_type", "date"}
QUESTION_KEYS = {"id", "column", "kind", "separator", "options"}
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@dataclass(frozen=True)
class Question:
    id: str
    column: str  # header of the export (also the question's label in the reports)
    kind: str
    separator: str | None = None
    #: Declared options of a choice question, in the questionnaire's order (a Likert scale keeps it).
    options: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        return self.kind in ("multiple_choice", "single_choice")


@dataclass(frozen=True)
class Questionnaire:
    path: Path
    questions: tuple[Question, ...]
    respondent_column: str
    id_column: str | None = None
    date_column: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None

    def columns(self) -> list[str]:
        """Every export column the spec names, in the spec's order."""
        named = [self.id_column, self.respondent_column, self.date_column, *(q.column for q in self.questions)]
        return [c for c in named if c]

    def of_kind(self, *kinds: str) -> list[Question]:
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


def _format(spec: dict, path: Path) -> dict:
    fmt = spec.get("format") or {}
    if not isinstance(fmt, dict):
        raise QuestionnaireError(path, "« format » doit être une table (encoding, separator)")
    _unknown(fmt, FORMAT_KEYS, "format", path)
    out = {"encoding": None, "separator": None, "sheet": None}
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
    return out


def _question(item: object, index: int, path: Path) -> Question:
    where = f"questions[{index + 1}]"
    if not isinstance(item, dict):
        raise QuestionnaireError(path, f"{where} doit être une table (id, column, kind)")
    _unknown(item, QUESTION_KEYS, where, path)
    for key in ("id", "column", "kind"):
        if key not in item:
            raise QuestionnaireError(path, f"{where} : clé « {key} » manquante")
    qid = _text(item["id"], f"{where}.id", path)
    if not QUESTION_ID.match(qid):
        raise QuestionnaireError(path, f"{where} : identifiant « {qid} » invalide (minuscules, chiffres et _, "
                                       "commençant par une lettre, 31 caractères au plus)")
    kind = item["kind"]
    if kind not in KINDS:
        raise QuestionnaireError(path, f"{where} ({qid}) : type de question inconnu « {kind} » ; types possibles : "
                                       f"{', '.join(KINDS)}")
    separator = item.get("separator")
    if separator is not None:
        separator = _text(separator, f"{where}.separator", path).strip()
    options = item.get("options", [])
    if not isinstance(options, list) or (options and kind not in ("single_choice", "multiple_choice")):
        raise QuestionnaireError(path, f"{where} ({qid}) : « options » doit être une liste, et seulement pour une "
                                       "question à choix")
    options = tuple(_text(o, f"{where}.options", path).strip() for o in options)
    return Question(qid, _text(item["column"], f"{where}.column", path).strip(), kind, separator, options)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a spec; any problem raises QuestionnaireError naming the file."""
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
    fmt = _format(spec, path)
    columns = spec.get("columns")
    if not isinstance(columns, dict):
        raise QuestionnaireError(path, "« columns » manquant ou invalide (respondent_type obligatoire)")
    _unknown(columns, COLUMN_ROLES, "columns", path)
    if "respondent_type" not in columns:
        raise QuestionnaireError(path, "columns.respondent_type manquant : la colonne de la catégorie de répondant")
    roles = {role: _text(columns[role], f"columns.{role}", path).strip() if columns.get(role) is not None else None
             for role in COLUMN_ROLES}
    items = spec.get("questions")
    if not isinstance(items, list) or not items:
        raise QuestionnaireError(path, "« questions » doit être une liste non vide")
    questions = tuple(_question(item, i, path) for i, item in enumerate(items))
    ids = [q.id for q in questions]
    if len(set(ids)) < len(ids):
        raise QuestionnaireError(path, f"identifiants de questions en double : "
                                       f"{', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    named = [c for c in (*roles.values(), *(q.column for q in questions)) if c]
    if len(set(named)) < len(named):
        raise QuestionnaireError(path, f"colonne nommée deux fois : "
                                       f"{', '.join(sorted({c for c in named if named.count(c) > 1}))}")
    return Questionnaire(path, questions, roles["respondent_type"], roles["id"], roles["date"], **fmt)
