"""Building every report: the catalogue of reports.yml (catalog), the runner of `python -m helpers reports`
(runner) and its cache (cache)."""
