"""How reports look: HTML building blocks (html), charts in seaborn's look drawn by matplotlib (figures), the
notebook-to-HTML export through one nbconvert template and style sheet (export, templates/, report.css) and
the self-contained folder with its PDF dossier and synthesis (dossier)."""
