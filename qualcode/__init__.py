"""qualcode: qualitative interview analysis.

Transcripts to speaker turns, a codebook applied with keyword rules and a classifier that learns
from the researcher's own coding, agreement between coders, and coded-segment reports, theme
charts and Word appendices.

Importing qualcode does no I/O, prints nothing and does not import pyplot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode.errors import (
    CodebookError,
    CodingsError,
    ExchangeError,
    LocatedError,
    ModelError,
    ProjectBusyError,
    ProjectError,
    QualcodeError,
    QualcodeWarning,
    ReviewSheetError,
    TableError,
    TranscriptParseError,
    UndefinedStatisticWarning,
)

__version__ = "0.1.0"

# Everything else is imported on first use (PEP 562): ``import qualcode`` then costs a few
# milliseconds instead of pandas, spaCy's tables and scikit-learn (about a second).
_LAZY = {
    "agreement_table": "qualcode.agreement",
    "cohen_kappa": "qualcode.agreement",
    "disagreements": "qualcode.agreement",
    "krippendorff_alpha": "qualcode.agreement",
    "pairwise_agreement": "qualcode.agreement",
    "percent_agreement": "qualcode.agreement",
    "character_agreement": "qualcode.span_agreement",
    "import_adjudication_sheet": "qualcode.exchange.adjudication",
    "write_adjudication_sheet": "qualcode.exchange.adjudication",
    "Code": "qualcode.codebook",
    "Codebook": "qualcode.codebook",
    "Theme": "qualcode.codebook",
    "parse_codebook": "qualcode.codebook",
    "read_codebook": "qualcode.codebook",
    "write_codebook": "qualcode.codebook",
    "localize_codebook": "qualcode.codebook.texts",
    "Pseudonyms": "qualcode.pseudonyms",
    "read_pseudonyms": "qualcode.pseudonyms",
    "interview_titles": "qualcode.titles",
    "read_codings": "qualcode.coding.human",
    "KeywordCoder": "qualcode.coding.rules",
    "code_frequencies": "qualcode.reports",
    "code_interview_matrix": "qualcode.reports",
    "coded_segments": "qualcode.reports",
    "coder_agreement": "qualcode.reports",
    "coder_counts": "qualcode.reports",
    "cooccurrence": "qualcode.reports",
    "cooccurrence_matrix": "qualcode.reports",
    "report_tables": "qualcode.reports",
    "theme_frequencies": "qualcode.reports",
    "read_table": "qualcode.tables",
    "write_table": "qualcode.tables",
    "format_transcript": "qualcode.transcripts",
    "parse_transcript": "qualcode.transcripts",
    "read_transcript": "qualcode.transcripts",
    "read_transcripts": "qualcode.transcripts",
    "read_turns": "qualcode.transcripts",
    "write_transcript": "qualcode.transcripts",
    "CodeClassifier": "qualcode.coding.classifier",
    "load_model": "qualcode.coding.classifier",
    "code_turns": "qualcode.coding.suggest",
    "suggest_turns": "qualcode.coding.suggest",
    "train_model": "qualcode.coding.suggest",
    "evaluate": "qualcode.evaluation",
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
    "case_attributes": "qualcode.cases",
    "case_of_turns": "qualcode.cases",
    "read_cases": "qualcode.cases",
    "validate_cases": "qualcode.cases",
    "code_attribute_frequencies": "qualcode.reports",
    "code_attribute_matrix": "qualcode.reports",
    "Project": "qualcode.project",
    "summarize_agreement": "qualcode.summaries",
    "summarize_codings": "qualcode.summaries",
    "summarize_evaluation": "qualcode.summaries",
    "summarize_turns": "qualcode.summaries",
    "show_progress": "qualcode.progress",
    "SearchIndex": "qualcode.searchindex",
    "search": "qualcode.textsearch",
    "word_frequencies": "qualcode.textsearch",
    "workbench": "qualcode.web.server",
}
#: submodules reachable as attributes (``qualcode.schema``) without importing them first
_SUBMODULES = frozenset(
    {"agreement", "cases", "codebook", "coding", "display", "engine", "errors", "evaluation"}
    | {"exchange", "fileio", "plots", "progress", "project", "reports", "schema", "summaries"}
    | {"tables", "transcripts"}
    | {"searchindex", "textsearch", "tokenindex", "wordcount"}
)

if TYPE_CHECKING:  # the names as static analysers and IDEs see them
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
    from qualcode.codebook.texts import localize_codebook
    from qualcode.coding.classifier import CodeClassifier, load_model
    from qualcode.coding.human import read_codings
    from qualcode.coding.rules import KeywordCoder
    from qualcode.coding.suggest import code_turns, suggest_turns, train_model
    from qualcode.evaluation import evaluate
    from qualcode.exchange.adjudication import import_adjudication_sheet, write_adjudication_sheet
    from qualcode.exchange.docx import write_docx_appendix
    from qualcode.exchange.html import write_html_report
    from qualcode.exchange.report import write_outputs, write_report, write_report_workbook
    from qualcode.plots import (
        plot_code_interview_heatmap,
        plot_coder_comparison,
        plot_cooccurrence,
        plot_theme_frequencies,
        save_figure,
    )
    from qualcode.progress import show_progress
    from qualcode.project import Project
    from qualcode.pseudonyms import Pseudonyms, read_pseudonyms
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
    from qualcode.searchindex import SearchIndex
    from qualcode.span_agreement import character_agreement
    from qualcode.summaries import (
        summarize_agreement,
        summarize_codings,
        summarize_evaluation,
        summarize_turns,
    )
    from qualcode.tables import read_table, write_table
    from qualcode.textsearch import search, word_frequencies
    from qualcode.titles import interview_titles
    from qualcode.transcripts import (
        format_transcript,
        parse_transcript,
        read_transcript,
        read_transcripts,
        read_turns,
        write_transcript,
    )
    from qualcode.web.server import workbench


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"qualcode.{name}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


__all__ = [
    "Code",
    "CodeClassifier",
    "Codebook",
    "CodebookError",
    "CodingsError",
    "ExchangeError",
    "KeywordCoder",
    "LocatedError",
    "ModelError",
    "Project",
    "ProjectBusyError",
    "ProjectError",
    "Pseudonyms",
    "QualcodeError",
    "QualcodeWarning",
    "ReviewSheetError",
    "SearchIndex",
    "TableError",
    "Theme",
    "TranscriptParseError",
    "UndefinedStatisticWarning",
    "__version__",
    "agreement_table",
    "case_attributes",
    "case_of_turns",
    "character_agreement",
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
    "import_adjudication_sheet",
    "interview_titles",
    "krippendorff_alpha",
    "load_model",
    "localize_codebook",
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
    "read_pseudonyms",
    "read_table",
    "read_transcript",
    "read_transcripts",
    "read_turns",
    "report_tables",
    "save_figure",
    "search",
    "show_progress",
    "suggest_turns",
    "summarize_agreement",
    "summarize_codings",
    "summarize_evaluation",
    "summarize_turns",
    "theme_frequencies",
    "train_model",
    "validate_cases",
    "word_frequencies",
    "workbench",
    "write_adjudication_sheet",
    "write_codebook",
    "write_docx_appendix",
    "write_html_report",
    "write_outputs",
    "write_report",
    "write_report_workbook",
    "write_table",
    "write_transcript",
]
