"""Notebook parameters: the literal values of a notebook's ``parameters`` cell, and the one check of
given values against them, shared by the report runner (before any kernel starts) and by every notebook
on entry (so a direct ``papermill … -p processed_dir 20140506`` gets the same one-line message)."""

from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path

from helpers.core.config import data_file
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
    """The literal parameters of the notebook at `path` (its cell tagged ``parameters``), by name, in order:
    each top-level ``name = literal  # help`` assignment, as ``papermill.inspect_notebook`` reads it.

    Read with json, ast and tokenize rather than papermill: every notebook calls this on entry, and importing
    papermill (nbformat, jsonschema) in the kernel costs more than a second per report. Raises
    :class:`ParameterError` naming the notebook when it is unreadable or a default is not a literal.
    """
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise ParameterError(path, f"notebook illisible ({exc})") from exc
    cell = next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    comments = {token.start[0]: token.string.lstrip("#").strip()
                for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT}
    declared = {}
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            getattr(node, "target", None) if isinstance(node, ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ParameterError(path, f"paramètre « {target.id} » : valeur par défaut non littérale") from exc
        declared[target.id] = Parameter(target.id, default, comments.get(node.end_lineno, ""))
    return declared


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


def _shown(name: str, value: object, spec: dict) -> str:
    """A parameter value as a reader reads it: its ``libelle`` in the data file ``spec`` names, else the
    value itself (« aucun » for None)."""
    if value is None:
        return "aucun"
    if "valeurs" in spec:
        entry = data_file(spec["valeurs"]).get(value)
        if isinstance(entry, dict) and "libelle" in entry:
            return str(entry["libelle"])
    return str(value)


def changed(declared: dict[str, Parameter], values: dict[str, object]) -> list[str]:
    """The parameters of `values` whose value differs from the notebook default in `declared`, in the
    notebook's order, each as one French phrase for a reader, e.g. « Pondération : Global Open Data Index 2016
    (défaut : Poids égaux) ». Names and values come from ``parametres.yml`` (a parameter marked ``sujet``,
    a fiche's producer, is what the report is about, not a setting: left out); a parameter it does not name
    (a test notebook's) is shown by its own name. [] when all are defaults."""
    names = data_file("parametres.yml")
    out = []
    for name, parameter in declared.items():
        spec = names.get(name, {"libelle": name})
        if name not in values or values[name] == parameter.default or spec.get("sujet"):
            continue
        out.append(f"{spec['libelle']} : {_shown(name, values[name], spec)} "
                   f"(défaut : {_shown(name, parameter.default, spec)})")
    return out
