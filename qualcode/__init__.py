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
from qualcode.cases import case_attributes, case_of_turns, read_cases, validate_cases
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
    ProjectBusyError,
    ProjectError,
    QualcodeError,
    QualcodeWarning,
    TableError,
    TranscriptParseError,
    UndefinedStatisticWarning,
)
from qualcode.reports import (
    code_attribute_frequencies,
    code_attribute_matrix,
    code_frequencies,
    code_interview_matrix,
    coded_segments,
    coder_agreement,
    coder_counts,
    cooccurrence,
    cooccurrence_matrix,
    report_tables,
    theme_frequencies,
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
    "Project": "qualcode.project",
    "write_report": "qualcode.exchange.report",
    "write_outputs": "qualcode.exchange.report",
    "write_report_workbook": "qualcode.exchange.report",
    "write_html_report": "qualcode.exchange.html",
    "write_docx_appendix": "qualcode.exchange.docx",
    "plot_theme_frequencies": "qualcode.plots",
    "plot_code_interview_heatmap": "qualcode.plots",
    "plot_cooccurrence": "qualcode.plots",
    "plot_coder_comparison": "qualcode.plots",
    "save_figure": "qualcode.plots",
    "summarize_agreement": "qualcode.summaries",
    "summarize_codings": "qualcode.summaries",
    "summarize_evaluation": "qualcode.summaries",
    "summarize_turns": "qualcode.summaries",
    "show_progress": "qualcode.progress",
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
    "Project",
    "ProjectBusyError",
    "ProjectError",
    "QualcodeError",
    "QualcodeWarning",
    "TableError",
    "Theme",
    "TranscriptParseError",
    "UndefinedStatisticWarning",
    "__version__",
    "agreement_table",
    "case_attributes",
    "case_of_turns",
    "code_attribute_frequencies",
    "code_attribute_matrix",
    "code_frequencies",
    "code_interview_matrix",
    "code_turns",
    "coded_segments",
    "coder_agreement",
    "coder_counts",
    "cohen_kappa",
    "cooccurrence",
    "cooccurrence_matrix",
    "disagreements",
    "evaluate",
    "format_transcript",
    "krippendorff_alpha",
    "load_model",
    "pairwise_agreement",
    "parse_codebook",
    "parse_transcript",
    "percent_agreement",
    "plot_code_interview_heatmap",
    "plot_coder_comparison",
    "plot_cooccurrence",
    "plot_theme_frequencies",
    "read_cases",
    "read_codebook",
    "read_codings",
    "read_table",
    "read_transcript",
    "read_transcripts",
    "read_turns",
    "report_tables",
    "save_figure",
    "show_progress",
    "suggest_turns",
    "summarize_agreement",
    "summarize_codings",
    "summarize_evaluation",
    "summarize_turns",
    "theme_frequencies",
    "train_model",
    "validate_cases",
    "write_codebook",
    "write_docx_appendix",
    "write_html_report",
    "write_outputs",
    "write_report",
    "write_report_workbook",
    "write_table",
    "write_transcript",
]
