"""Where the text of a printed PDF sits on its pages (test helper, pypdf): a table wider than its page loses its
last columns past the page's edge, which no text extraction notices."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

#: The left and right page margins of the print rules (report.css: ``@page { margin: 18mm 15mm 20mm }``), in points.
SIDE_MARGIN = 15 * 72 / 25.4


def beyond_the_margin(path: Path) -> list[tuple[int, int, str]]:
    """(page number, x in points from the page's left edge, text) of every piece of text of the PDF `path` that
    starts in its page's right margin or past the page's edge, whatever the page's orientation."""
    found: list[tuple[int, int, str]] = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        limit = float(page.mediabox.width) - SIDE_MARGIN

        def visit(text, cm, tm, font, size, number=number, limit=limit):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if text.strip() and x > limit:
                found.append((number, round(x), text.strip()[:30]))

        page.extract_text(visitor_text=visit)
    return found
