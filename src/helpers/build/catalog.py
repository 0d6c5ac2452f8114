"""The declared reports (reports.yml): parameters checked against each notebook, inputs, outputs, order.

A report B comes after a report A when one of B's inputs is one of A's outputs; the order is derived,
never written twice. Parameters are validated here, before any kernel starts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import yaml

from helpers.core.errors import CartoError

TYPE_NAMES = {int: "entier", float: "nombre", str: "texte", bool: "booléen", type(None): "None"}


class ParameterError(CartoError):
    """A report is asked for with an unknown, missing or ill-typed parameter."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: object
    help: str

    def describe(self) -> str:
        kind = "texte ou None" if self.default is None else TYPE_NAMES.get(type(self.default), "valeur")
        return f"{self.name} ({kind}, défaut {self.default!r})" + (f" : {self.help}" if self.help else "")

    def accepts(self, value: object) -> bool:
        if self.default is None:
            return value is None or isinstance(value, str)
        if isinstance(self.default, bool) or isinstance(value, bool):
            return type(value) is type(self.default)
        if isinstance(self.default, float):
            return isinstance(value, int | float)
        return isinstance(value, type(self.default))


@dataclass
class Report:
    name: str
    notebook: Path
    title: str
    parameters: dict[str, object]  # effective values (notebook defaults, then reports.yml, then --set)
    declared: dict[str, Parameter]
    inputs: list[str] = field(default_factory=list)  # patterns with {parameter} placeholders
    outputs: list[str] = field(default_factory=list)
    per_producer: dict | None = None
    required: list[str] = field(default_factory=list)
    given: dict[str, object] = field(default_factory=dict)  # set in reports.yml or with --set

    def paths(self, patterns: list[str], root: Path) -> list[Path]:
        """Patterns with parameters filled in; a pattern naming a None parameter is dropped."""
        out = []
        for pattern in patterns:
            names = [n for n in self.parameters if "{" + n + "}" in pattern]
            if any(self.parameters[n] in (None, "") for n in names):
                continue
            path = Path(pattern.format(**self.parameters))
            out.append(path if path.is_absolute() else root / path)
        return out


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    """The literal parameters of a notebook's `parameters` cell, with their help comments."""
    inspected = papermill.inspect_notebook(str(path))
    return {name: Parameter(name, ast.literal_eval(info["default"]), info.get("help", ""))
            for name, info in inspected.items()}


def load(root: Path, overrides: dict[str, dict[str, object]] | None = None) -> list[Report]:
    """Read reports.yml, apply --set overrides and validate every parameter (no kernel started)."""
    config = root / "reports.yml"
    spec = yaml.safe_load(config.read_text(encoding="utf-8"))["reports"]
    overrides = dict(overrides or {})
    names = [r["name"] for r in spec]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ParameterError(config, f"rapport inconnu : {', '.join(unknown)} ; rapports : {', '.join(names)}")
    reports = []
    for item in spec:
        notebook = root / item["notebook"]
        declared = notebook_parameters(notebook)
        given = {**item.get("parameters", {}), **overrides.get(item["name"], {})}
        valid = "\n  ".join(p.describe() for p in declared.values())
        for key, value in given.items():
            if key not in declared:
                raise ParameterError(notebook, f"paramètre inconnu « {key} » pour {item['name']} ; "
                                               f"paramètres valides :\n  {valid}")
            if not declared[key].accepts(value):
                raise ParameterError(notebook, f"paramètre « {key} » de {item['name']} : {value!r} n'est pas du "
                                               f"type attendu ; paramètres valides :\n  {valid}")
        effective = {k: p.default for k, p in declared.items()} | given
        for key in item.get("required", []):
            if effective.get(key) in (None, "") and not item.get("per_producer"):
                raise ParameterError(notebook, f"paramètre requis « {key} » sans valeur pour {item['name']} ; "
                                               f"paramètres valides :\n  {valid}")
        reports.append(Report(item["name"], notebook, item["title"], effective, declared,
                              item.get("inputs", []), item.get("outputs", []), item.get("per_producer"),
                              item.get("required", []), given))
    return reports


def dependencies(reports: list[Report], root: Path) -> dict[str, set[str]]:
    """name -> names of the reports that produce one of its inputs."""
    produced = {}
    for report in reports:
        for path in report.paths(report.outputs, root):
            produced[path.resolve()] = report.name
    return {r.name: {produced[p.resolve()] for p in r.paths(r.inputs, root) if p.resolve() in produced} - {r.name}
            for r in reports}


def ordered(reports: list[Report], root: Path) -> list[Report]:
    """Reports in an order compatible with their dependencies (stable with respect to reports.yml)."""
    deps = dependencies(reports, root)
    done: list[str] = []
    pending = [r.name for r in reports]
    while pending:
        ready = [n for n in pending if deps[n] <= set(done)]
        if not ready:
            raise ParameterError(root / "reports.yml", f"dépendances circulaires entre {', '.join(pending)}")
        done.append(ready[0])
        pending.remove(ready[0])
    by_name = {r.name: r for r in reports}
    return [by_name[n] for n in done]
