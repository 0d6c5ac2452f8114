"""Building every report: the typed catalogue of reports.yml (catalog), one notebook run with its Task,
Status and Outcome (tasks), the runner of `python -m helpers reports` (runner) and its cache (cache)."""
