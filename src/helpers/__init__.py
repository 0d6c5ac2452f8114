"""carto-santé: read, clean and analyse France's 2014 public health data cartography.

The package is organised by concern, one subpackage each (the README's « Layout » section says more):

- ``core``: configuration (paths, the one data-file loader, environment), errors, atomic storage, text,
  processed tables (CSV, XLSX, Parquet, datapackage.json).
- ``cartography``: the 2014 file — sources, reading, cleaning, producers, synthetic sample.
- ``openness``: scoring of each line and level, aggregation by producer and category, ranks.
- ``consultation``: consultation exports — questionnaire spec, answers, screening, redaction, aliases,
  matching, demand, tallies, lemmas, themes, synthetic export.
- ``steps``: ``s01_clean`` … ``s05_priorities``, one module per notebook: its run function and Run type.
- ``views``: ``v01`` … ``v05``, what each report shows.
- ``render``: how reports look — HTML blocks, figures, notebook-to-HTML export.
- ``build``: ``python -m helpers reports`` — the reports.yml catalogue, tasks, the worker, the runner, the cache.
- ``data``: vocabularies, weights, settings and schemas as YAML.
"""

from helpers.core.errors import CartoError

__all__ = ["CartoError"]
