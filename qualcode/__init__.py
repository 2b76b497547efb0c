"""qualcode: qualitative interview analysis.

Transcripts to speaker turns, a codebook applied with keyword rules and a classifier that learns
from the researcher's own coding, agreement between coders, and coded-segment reports, theme
charts and Word appendices.

Importing qualcode does no I/O, prints nothing and does not import pyplot.
"""

from __future__ import annotations

from qualcode.codebook import Code, Codebook, Theme
from qualcode.errors import (
    CodebookError,
    CodingsError,
    LocatedError,
    ModelError,
    QualcodeError,
    QualcodeWarning,
    TableError,
    TranscriptParseError,
    UndefinedStatisticWarning,
)
from qualcode.tables import read_table, write_table

__version__ = "0.1.0"

__all__ = [
    "Code",
    "Codebook",
    "CodebookError",
    "CodingsError",
    "LocatedError",
    "ModelError",
    "QualcodeError",
    "QualcodeWarning",
    "TableError",
    "Theme",
    "TranscriptParseError",
    "UndefinedStatisticWarning",
    "__version__",
    "read_table",
    "write_table",
]
