"""Building every report: the typed catalogue of reports.yml (catalog), one notebook run with its Task,
Status and Outcome (tasks), the runner of `python -m helpers reports` (runner), its cache (cache) and the lock
that keeps one build at a time in the output folders (lock)."""
