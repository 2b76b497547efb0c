"""Exceptions and warnings raised by qualcode.

Every error a user can cause derives from :class:`QualcodeError`, whose message says what was
wrong, where (file and line when there is one) and what was expected. The command line prints
``Error: <message>`` for these and exits 1; any other exception is a bug.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CodebookError",
    "CodebookWarning",
    "CodingsError",
    "ExchangeError",
    "ExchangeWarning",
    "LocatedError",
    "ModelError",
    "ProjectBusyError",
    "ProjectError",
    "QualcodeError",
    "QualcodeWarning",
    "ReviewSheetError",
    "TableError",
    "TranscriptParseError",
    "TranscriptWarning",
    "UndefinedStatisticWarning",
]


class QualcodeError(ValueError):
    """Base class for errors caused by user input."""


class LocatedError(QualcodeError):
    """An error tied to a file and (optionally) a line in it.

    Parameters
    ----------
    message : str
        What was wrong and what was expected.
    path : str or Path, optional
        The file the problem is in.
    line : int, optional
        1-based line (or paragraph / row) number in that file.
    """

    def __init__(
        self, message: str, *, path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f" line {self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        return where + self.reason


class TranscriptParseError(LocatedError):
    """A transcript file could not be read into speaker turns."""


class CodebookError(LocatedError):
    """A codebook file or object is invalid."""


class CodingsError(LocatedError):
    """A codings table (human or machine) is invalid or does not match the turns/codebook."""


class TableError(LocatedError):
    """A turns or codings table is missing columns or has invalid values."""


class ModelError(LocatedError):
    """A saved model cannot be loaded or does not fit the codebook or data given."""


class ProjectError(LocatedError):
    """A project file cannot be opened or a change to it is not allowed."""


class ProjectBusyError(ProjectError):
    """Another process is writing to the project and did not finish within the busy timeout."""


class ReviewSheetError(LocatedError):
    """A review sheet was edited in a way that cannot be imported (nothing is imported)."""


class ExchangeError(LocatedError):
    """A file from or for another tool (REFI-QDA .qdpx/.qdc) is malformed, hostile or unusable.

    ``path`` is the archive or file; the message names the entry inside it (``project.qde``,
    ``sources/<guid>.txt``), what was found and what was expected.
    """


class QualcodeWarning(UserWarning):
    """Base class for warnings issued by qualcode."""


class UndefinedStatisticWarning(QualcodeWarning):
    """A statistic is undefined for the data (for example no coder used a code)."""


class CodebookWarning(QualcodeWarning):
    """A codebook is usable but holds something likely unintended (a code with no keywords)."""


class TranscriptWarning(QualcodeWarning):
    """A file was read into turns, but they do not look like a transcript (the message names it)."""


class ExchangeWarning(QualcodeWarning):
    """Part of an exchanged file could not be used (a picture source, a selection outside text)."""
