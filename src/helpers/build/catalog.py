"""The declared reports (reports.yml), as a typed model: parameters checked against each notebook, inputs,
outputs, fan-out, order.

reports.yml is validated by pydantic models (an unknown key or a bad value is a :class:`CatalogError`
naming reports.yml). A report B comes after a report A when one of B's inputs is one of A's outputs; the
order is derived, never written twice. Parameters are validated here, before any kernel starts, with
the same check every notebook makes on entry (:mod:`helpers.core.parameters`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import Field, field_validator

from helpers.core.errors import CartoError
from helpers.core.models import Model, validated
from helpers.core.parameters import Parameter, ParameterError, check, valid_list

__all__ = ["CatalogError", "FanOut", "Parameter", "ParameterError", "Report", "load", "ordered"]


class CatalogError(CartoError):
    """reports.yml is not valid: unknown key, missing or ill-typed value, fan-out that cannot be resolved."""


class FanOut(Model):
    """One report per value: `parameter` takes each value returned by the function `values`
    (``module:function``), called with the report's parameters it accepts plus `arguments`; the
    reports go under `directory` of the reports folder, one file per value (slug)."""

    parameter: str
    values: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    arguments: dict[str, object] = {}
    directory: str = Field(min_length=1)

    def resolve(self, config: str | Path = "reports.yml") -> Callable[..., list[str]]:
        """The function named by `values`; raises CatalogError naming `config` when it cannot be imported."""
        module, _, name = self.values.partition(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise CatalogError(config, f"fan_out.values « {self.values} » introuvable ({exc})") from exc

    def expand(self, parameters: dict[str, object]) -> list[str]:
        """The values of the fan-out for a report whose effective parameters are `parameters`: the
        function's result as a list (e.g. producer names). Raises :class:`CatalogError` when the function
        cannot be imported; whatever the function raises (e.g. a missing processed table) propagates."""
        function = self.resolve()
        accepted = inspect.signature(function).parameters
        return list(function(**{k: v for k, v in parameters.items() if k in accepted}, **self.arguments))


class ReportSpec(Model):
    """One entry of reports.yml: name, notebook (relative to the project root), French title, the question it
    answers (shown under its title on the front page), parameters set there, required parameters, inputs and
    outputs (patterns with ``{parameter}``), fan-out."""

    name: str = Field(pattern=r"^[\w-]+$")
    notebook: str
    title: str = Field(min_length=1)
    question: str = ""
    parameters: dict[str, object] = {}
    required: list[str] = []
    inputs: list[str] = []
    outputs: list[str] = []
    fan_out: FanOut | None = None


class CatalogSpec(Model):
    """The whole of reports.yml: ``reports``, a non-empty list of uniquely named reports."""

    reports: list[ReportSpec] = Field(min_length=1)

    @field_validator("reports")
    @classmethod
    def _unique(cls, reports: list[ReportSpec]) -> list[ReportSpec]:
        names = [r.name for r in reports]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValueError(f"noms en double : {', '.join(doubles)}")
        return reports


@dataclass
class Report:
    """A report ready to build: its spec, notebook path, effective parameters (notebook defaults, then
    reports.yml, then --set), declared parameters and the parameters given explicitly."""

    name: str
    notebook: Path
    title: str
    question: str
    parameters: dict[str, object]
    declared: dict[str, Parameter]
    inputs: list[str] = field(default_factory=list)  # patterns with {parameter} placeholders
    outputs: list[str] = field(default_factory=list)
    fan_out: FanOut | None = None
    given: dict[str, object] = field(default_factory=dict)  # set in reports.yml or with --set

    @property
    def fans_out(self) -> bool:
        """True when this build makes one report per fan-out value (its parameter was not given)."""
        return self.fan_out is not None and self.fan_out.parameter not in self.given

    def paths(self, patterns: list[str], root: Path) -> list[Path]:
        """Patterns with parameters filled in (``{name}`` placeholders, « ~ » expanded), as absolute paths
        under `root` unless already absolute; a pattern naming a None or empty parameter is dropped. Raises ``KeyError``
        for a placeholder that is not a parameter of the notebook."""
        out = []
        for pattern in patterns:
            names = [n for n in self.parameters if "{" + n + "}" in pattern]
            if any(self.parameters[n] in (None, "") for n in names):
                continue
            path = Path(pattern.format(**self.parameters)).expanduser()
            out.append(path if path.is_absolute() else root / path)
        return out


def _spec(config: Path) -> CatalogSpec:
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(config, f"illisible ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(config, f"YAML invalide ({str(exc).splitlines()[0]})") from exc
    return validated(CatalogSpec, data, config, CatalogError)


def load(root: Path, overrides: dict[str, dict[str, object]] | None = None, only: Iterable[str] = ()) -> list[Report]:
    """Read and validate reports.yml, apply --set `overrides` ({report: {parameter: value}}) and check
    every parameter against its notebook (no kernel started). Raises CatalogError, or ParameterError (also for
    a report named by `overrides` or `only`, the --only list, that reports.yml does not declare)."""
    config = root / "reports.yml"
    spec = _spec(config)
    overrides = dict(overrides or {})
    names = [r.name for r in spec.reports]
    unknown = sorted({*overrides, *only} - set(names))
    if unknown:
        raise ParameterError(config, f"rapport inconnu : {', '.join(unknown)} ; rapports : {', '.join(names)}")
    reports = []
    for item in spec.reports:
        notebook = root / item.notebook
        if not notebook.is_file():
            raise CatalogError(config, f"notebook introuvable pour {item.name} : {item.notebook}")
        given = {**item.parameters, **overrides.get(item.name, {})}
        declared = check(notebook, item.name, given)
        if item.fan_out is not None:
            if item.fan_out.parameter not in declared:
                raise CatalogError(config, f"fan_out.parameter « {item.fan_out.parameter} » n'est pas un "
                                           f"paramètre de {item.notebook}")
            item.fan_out.resolve(config)
        effective = {k: p.default for k, p in declared.items()} | given
        fanned = item.fan_out.parameter if item.fan_out and item.fan_out.parameter not in given else None
        for key in item.required:
            if effective.get(key) in (None, "") and key != fanned:
                raise ParameterError(notebook, f"paramètre requis « {key} » sans valeur pour {item.name} ; "
                                               f"paramètres valides :\n  {valid_list(declared)}")
        reports.append(Report(item.name, notebook, item.title, item.question, effective, declared, item.inputs,
                              item.outputs, item.fan_out, given))
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
    """Reports in an order compatible with their dependencies (stable with respect to reports.yml).

    Raises :class:`CatalogError` naming reports.yml when the dependencies are circular."""
    deps = dependencies(reports, root)
    done: list[str] = []
    pending = [r.name for r in reports]
    while pending:
        ready = [n for n in pending if deps[n] <= set(done)]
        if not ready:
            raise CatalogError(root / "reports.yml", f"dépendances circulaires entre {', '.join(pending)}")
        done.append(ready[0])
        pending.remove(ready[0])
    by_name = {r.name: r for r in reports}
    return [by_name[n] for n in done]
