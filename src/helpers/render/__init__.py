"""How reports look: HTML building blocks (html), charts in one seaborn theme (figures), the notebook-to-HTML
export (export) and the stylesheet."""
