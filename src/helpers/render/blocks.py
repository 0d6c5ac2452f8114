"""The Jinja environment of every block of HTML the project writes (``render/templates/blocks/*.html.j2``).

The templates are written on several lines for the reader: a line break and the indentation after it are not
part of the output. Every value is escaped as :func:`html.escape` does (trusted markup passes as ``Markup``:
another block's HTML, or ``|safe`` for the project's own wording); the ``esc`` filter escapes as :func:`esc`.
"""

from __future__ import annotations

import functools
import html
import re
from importlib import resources

import jinja2
from markupsafe import Markup


def esc(value: object) -> str:
    """`value` as escaped HTML text (``str`` of it; None → ""); line breaks become <br>."""
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


class _Loader(jinja2.PackageLoader):
    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return re.sub(r"\n\s*", "", source), filename, uptodate


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the blocks (built once per process)."""
    env = jinja2.Environment(
        loader=_Loader("helpers.render", "templates/blocks"), autoescape=True,
        finalize=lambda v: v if hasattr(v, "__html__") else Markup(html.escape("" if v is None else str(v))))
    env.filters["esc"] = lambda v: Markup(esc(v))
    return env


@functools.cache
def stylesheet() -> str:
    """The one style sheet of every page and printed part (``helpers/render/report.css``), as text."""
    return resources.files("helpers.render").joinpath("report.css").read_text(encoding="utf-8")


def render(template: str, **values) -> str:
    """The block `template` (a file name under ``render/templates/blocks/``) filled with `values` (HTML text)."""
    return environment().get_template(template).render(**values)


def macro(template: str, name: str):
    """The macro `name` of `template` (a file of ``render/templates/blocks/``): a function returning HTML text."""
    return getattr(environment().get_template(template).module, name)
