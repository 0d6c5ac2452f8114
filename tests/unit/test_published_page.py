"""What a published report page leaves out of the executed notebook (helpers.render.export.to_html)."""

from __future__ import annotations

import nbformat
import pytest

from helpers.render.export import to_html

WARNING = ("/home/analyste/projet/.venv/lib/python3.11/site-packages/sklearn/decomposition/_nmf.py:1723: "
           "ConvergenceWarning: Maximum number of iterations 400 reached.")


def _executed() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source="themes(run)", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text=WARNING),
        nbformat.v4.new_output("stream", name="stdout", text="12 thèmes"),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>T1 — Données ouvertes</p>"})])
    return nbformat.v4.new_notebook(cells=[cell])


@pytest.mark.parametrize(("show_code", "shown"), [(False, False), (True, True)])
def test_a_library_warning_is_not_published_but_an_error_page_keeps_it(show_code, shown):
    # sklearn's and matplotlib's warnings once sat under report 04's introduction, in English, with the
    # machine's paths; the executed notebook keeps them for the analyst, an error page shows everything.
    notebook = _executed()
    page = to_html(notebook, "Rapport", show_code=show_code)
    assert ("ConvergenceWarning" in page) is shown and ("/home/analyste" in page) is shown
    assert "12 thèmes" in page and "T1 — Données ouvertes" in page
    assert notebook.cells[0].outputs[0].name == "stderr"  # the notebook given is left as it was
