"""qualcode: qualitative interview analysis.

Transcripts to speaker turns, a codebook applied with keyword rules and a classifier that learns
from the researcher's own coding, agreement between coders, and coded-segment reports, theme
charts and Word appendices.

Importing qualcode does no I/O, prints nothing and does not import pyplot.
"""

from __future__ import annotations

from typing import Any

from qualcode.agreement import (
    agreement_table,
    cohen_kappa,
    disagreements,
    krippendorff_alpha,
    pairwise_agreement,
    percent_agreement,
)
from qualcode.codebook import (
    Code,
    Codebook,
    Theme,
    parse_codebook,
    read_codebook,
    write_codebook,
)
from qualcode.coding.human import read_codings
from qualcode.coding.rules import KeywordCoder
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
from qualcode.transcripts import (
    format_transcript,
    parse_transcript,
    read_transcript,
    read_transcripts,
    read_turns,
    write_transcript,
)

__version__ = "0.1.0"

# imported on first use: these pull in scikit-learn
_LAZY = {
    "CodeClassifier": "qualcode.coding.classifier",
    "load_model": "qualcode.coding.classifier",
    "code_turns": "qualcode.coding.suggest",
    "suggest_turns": "qualcode.coding.suggest",
    "train_model": "qualcode.coding.suggest",
    "evaluate": "qualcode.evaluation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Code",
    "CodeClassifier",
    "Codebook",
    "CodebookError",
    "CodingsError",
    "KeywordCoder",
    "LocatedError",
    "ModelError",
    "QualcodeError",
    "QualcodeWarning",
    "TableError",
    "Theme",
    "TranscriptParseError",
    "UndefinedStatisticWarning",
    "__version__",
    "agreement_table",
    "code_turns",
    "cohen_kappa",
    "disagreements",
    "evaluate",
    "format_transcript",
    "krippendorff_alpha",
    "load_model",
    "pairwise_agreement",
    "parse_codebook",
    "parse_transcript",
    "percent_agreement",
    "read_codebook",
    "read_codings",
    "read_table",
    "read_transcript",
    "read_transcripts",
    "read_turns",
    "suggest_turns",
    "train_model",
    "write_codebook",
    "write_table",
    "write_transcript",
]
