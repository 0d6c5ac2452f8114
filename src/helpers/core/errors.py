"""The project's own exceptions: one message naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class CartoError(Exception):
    """Base class for every error the project raises on bad input."""

    def __init__(self, path: str | Path | None, problem: str):
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path} : {problem}" if self.path else problem)

    def __reduce__(self):
        # Raised in a worker process (a PDF printer), it must reach the runner whole: by default an exception is
        # rebuilt from its message alone, which this __init__ does not take.
        return type(self), (self.path, self.problem)


class SourceError(CartoError):
    """The cartography could not be obtained (download, checksum, missing file)."""


class SpreadsheetError(CartoError):
    """The file is not a readable spreadsheet or lacks the expected sheets and columns."""


class QuestionnaireError(CartoError):
    """The questionnaire spec (YAML) is invalid, or does not fit the answers export it describes."""


class AnswersError(CartoError):
    """The consultation export cannot be read (format, encoding, separator, layout)."""
