"""Notebook parameters: the literal values of a notebook's ``parameters`` cell, and the one check of
given values against them, shared by the report runner (before any kernel starts) and by every notebook
on entry (so a direct ``papermill … -p processed_dir 20140506`` gets the same one-line message)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import papermill

from helpers.core.errors import CartoError

TYPE_NAMES = {int: "entier", float: "nombre", str: "texte", bool: "booléen", type(None): "None"}


class ParameterError(CartoError):
    """A report is asked for with an unknown, missing or ill-typed parameter."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook: its name, its literal default (whose type is the expected type; a
    ``None`` default means « text or None ») and the help comment written beside it."""

    name: str
    default: object
    help: str

    def describe(self) -> str:
        """« name (type, défaut value) : help », in French, for error messages."""
        kind = "texte ou None" if self.default is None else TYPE_NAMES.get(type(self.default), "valeur")
        return f"{self.name} ({kind}, défaut {self.default!r})" + (f" : {self.help}" if self.help else "")

    def accepts(self, value: object) -> bool:
        """True when `value` has the type of the default (an int is accepted for a float default)."""
        if self.default is None:
            return value is None or isinstance(value, str)
        if isinstance(self.default, bool) or isinstance(value, bool):
            return type(value) is type(self.default)
        if isinstance(self.default, float):
            return isinstance(value, int | float)
        return isinstance(value, type(self.default))


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    """The literal parameters of the notebook at `path` (its ``parameters`` cell, read by papermill), by
    name, in order; {} without such a cell. Raises ``ValueError`` for a default that is not a Python
    literal (the house rule: a literal-only parameters cell)."""
    inspected = papermill.inspect_notebook(str(path))
    return {name: Parameter(name, ast.literal_eval(info["default"]), info.get("help", ""))
            for name, info in inspected.items()}


def check(notebook: Path, report: str, given: dict[str, object],
          declared: dict[str, Parameter] | None = None) -> dict[str, Parameter]:
    """Check `given` values (name -> value) against the notebook's declared parameters.

    Returns the declared parameters; raises :class:`ParameterError` naming the notebook for an unknown
    name or a value of the wrong type, with the list of valid parameters.
    """
    declared = notebook_parameters(notebook) if declared is None else declared
    valid = valid_list(declared)
    for key, value in given.items():
        if key not in declared:
            raise ParameterError(notebook, f"paramètre inconnu « {key} » pour {report} ; "
                                           f"paramètres valides :\n  {valid}")
        if not declared[key].accepts(value):
            raise ParameterError(notebook, f"paramètre « {key} » de {report} : {value!r} n'est pas du "
                                           f"type attendu ; paramètres valides :\n  {valid}")
    return declared


def valid_list(declared: dict[str, Parameter]) -> str:
    """The valid parameters, one per line (indented), for error messages."""
    return "\n  ".join(p.describe() for p in declared.values())
