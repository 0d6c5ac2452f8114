"""Building every report: the typed catalogue of reports.yml (catalog), one notebook run with its Task,
Status and Outcome (tasks), the runner of `python -m helpers reports` (runner), its cache (cache) and the lock
that keeps one build at a time in the output folders (lock)."""

import sys

# jsonschema (imported by nbformat, hence by papermill and nbconvert) compiles 39 Lark grammars on import
# when the optional package rfc3987_syntax is installed, for its « iri » format checker: about 1.4 s of CPU
# in the runner and in every worker. nbformat validates without format checkers, so the build declares
# the optional package absent (jsonschema imports it under `suppress(ImportError)`). Only the processes
# of the build are affected, never the kernels.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
