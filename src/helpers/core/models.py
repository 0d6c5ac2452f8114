"""Validation of the project's YAML files (settings of ``helpers/data/``, questionnaire specs) by pydantic
models, with errors in one French line naming the file: the project's exception, never pydantic's report.

A model declares its keys and types; :func:`validated` reports the first problem as « where problem », `where`
the key's path as the file writes it, an item of a list by its rank counted from 1 and, when it has one, its
``id`` or ``name`` (``questions[n° 2 « raisons »].column``: never read as a 0-based index).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from helpers.core.errors import CartoError

M = TypeVar("M", bound=BaseModel)

#: French wording of pydantic's type errors (the value received is appended).
TYPES = {"string_type": "un texte non vide", "string_too_short": "un texte non vide", "list_type": "une liste",
         "dict_type": "une table", "model_type": "une table", "model_attributes_type": "une table",
         "int_type": "un entier", "int_parsing": "un entier", "int_from_float": "un entier",
         "float_type": "un nombre", "float_parsing": "un nombre", "bool_type": "true ou false",
         "bool_parsing": "true ou false", "tuple_type": "une liste", "too_short": "une liste non vide"}


class Model(BaseModel):
    """A YAML table: unknown keys refused (listing the known ones), values of the declared type (no
    conversion: ``"5"`` is not an integer), immutable."""

    model_config = ConfigDict(frozen=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: object) -> object:
        if isinstance(data, dict):
            known = {field.alias or name for name, field in cls.model_fields.items()}
            extra = sorted(str(k) for k in data if k not in known)
            if extra:
                raise ValueError(f"clé(s) inconnue(s) {', '.join(extra)} ; clés possibles : {', '.join(sorted(known))}")
        return data


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError(f"doit être un texte non vide (reçu {value!r})")
    return value.strip()


#: A non-blank text, stripped.
Text = Annotated[str, AfterValidator(_text)]


def where(loc: tuple, data: object = None) -> str:
    """``("questions", 1, "column")`` -> ``questions[n° 2 « raisons »].column``: a list's item by its rank from 1,
    and its ``id`` or ``name`` in `data` (the parsed YAML) when it has one."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
            name = next((item[k] for k in ("id", "name") if isinstance(item, dict) and isinstance(item.get(k), str)),
                        None)
            out += f"[n° {part + 1}{f' « {name} »' if name else ''}]"
        else:
            item = data.get(part) if isinstance(data, dict) else None
            out += f".{part}"
        data = item
    return out.lstrip(".")


def message(error: ValidationError, prefix: str = "", top: str = "", data: object = None) -> str:
    """The first problem of `error` in one French line: « where problem » (`prefix` before every path, `top`
    naming the whole file; `data`, the parsed YAML, names a list's items, :func:`where`)."""
    first = error.errors(include_url=False)[0]
    loc, kind = first["loc"], first["type"]
    if kind == "missing":
        loc, problem = loc[:-1], f"clé « {loc[-1]} » manquante"
    elif kind in ("value_error", "assertion_error"):
        problem = str(first["ctx"]["error"])
    elif kind == "literal_error":  # a value outside a closed list
        expected = first["ctx"]["expected"].replace(" or ", " ou ")
        problem = f"doit être l'une des valeurs {expected} (reçu {first['input']!r})"
    elif kind == "string_pattern_mismatch":  # e.g. a report name with a space (reports.yml)
        problem = f"doit respecter le motif {first['ctx']['pattern']} (reçu {first['input']!r})"
    elif kind in TYPES:
        problem = f"doit être {TYPES[kind]} (reçu {first['input']!r})"
    else:
        problem = first["msg"]
    place = " ".join(p for p in (prefix, where(loc, data)) if p) or top
    if not place:
        return problem
    return f"{place} {problem}" if problem.startswith("doit ") else f"{place} : {problem}"


def validated(model: type[M], data: object, path: str | Path, error: type[CartoError] = CartoError,
              prefix: str = "", top: str = "") -> M:
    """`data` (parsed YAML) as a `model`; raises `error` naming `path` with the first problem (:func:`message`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(path, message(exc, prefix, top, data)) from None
