"""Modified copies of a real ODS (test helpers): one sheet's XML edited in content.xml, the package rewritten
member by member (``mimetype`` first and stored, as ODF requires). The copies live in the test's tmp folder."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROW = re.compile(r"<table:table-row[ >].*?</table:table-row>", re.S)


def edit_ods(source: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """Copy `source` to `target` with each sheet named in `edits` (its name as written) replaced by
    ``edit(sheet_xml)``, the ``<table:table …>…</table:table>`` element of that sheet."""
    with zipfile.ZipFile(source) as package:
        members = [(info, package.read(info.filename)) for info in package.infolist()]
    content = next(data for info, data in members if info.filename == "content.xml").decode()
    for name, edit in edits.items():
        start = content.index(f"<table:table table:name={quoteattr(name).replace(chr(39), '&apos;')}")
        end = content.index("</table:table>", start) + len("</table:table>")
        content = content[:start] + edit(content[start:end]) + content[end:]
    with zipfile.ZipFile(target, "w") as out:
        for info, data in sorted(members, key=lambda m: m[0].filename != "mimetype"):
            out.writestr(info, content.encode() if info.filename == "content.xml" else data,
                         compress_type=zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return target


def retype(old: str, new: str) -> Callable[[str], str]:
    """An edit replacing every cell whose whole text is `old` by `new` (one paragraph)."""
    return lambda xml: xml.replace(f"<text:p>{escape(old)}</text:p>", f"<text:p>{escape(new)}</text:p>")


def chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    """The edits applied one after the other."""
    def run(xml: str) -> str:
        for edit in edits:
            xml = edit(xml)
        return xml
    return run


def rows_of(sheet_xml: str) -> tuple[str, list[str], str]:
    """(what precedes the first row, the row elements in order, what follows the last one)."""
    rows = list(ROW.finditer(sheet_xml))
    return (sheet_xml[:rows[0].start()], [m.group() for m in rows], sheet_xml[rows[-1].end():])


def reorder_rows(order: Callable[[list[str]], list[str]]) -> Callable[[str], str]:
    """An edit giving the sheet's rows as ``order(rows)`` (rows are whole ``<table:table-row>`` elements,
    headers included: keep ``rows[:2]`` first)."""
    def run(xml: str) -> str:
        head, rows, tail = rows_of(xml)
        return head + "".join(order(rows)) + tail
    return run


def text_row(cells: list[str]) -> str:
    """A row of text cells, as LibreOffice writes it."""
    return ("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
        if c else "<table:table-cell/>" for c in cells) + "</table:table-row>")
