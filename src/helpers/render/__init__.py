"""How reports look: HTML building blocks (html), charts in one seaborn theme (figures), the notebook-to-HTML
export through one nbconvert template and style sheet (export, templates/, report.css) and the
self-contained folder with its PDF dossier (dossier)."""
