"""qualcode: qualitative interview analysis.

Transcripts to speaker turns, a codebook applied with keyword rules and a classifier that learns
from the researcher's own coding, agreement between coders, and coded-segment reports, theme
charts and Word appendices.

Importing qualcode does no I/O, prints nothing and does not import pyplot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode._version import __version__ as __version__

# The public names, listed once: name -> the module it comes from. Each is imported on first use
# (PEP 562): ``import qualcode`` then costs a few milliseconds instead of pandas, spaCy's tables
# and scikit-learn (about a second). ``__all__`` is made from it; the ``TYPE_CHECKING`` block
# below says the same for static analysers and IDEs, and tests/test_init.py checks that
# the two agree and that every name imports.
_LAZY: dict[str, str] = {
    "CodebookError": "qualcode.errors",
    "CodingsError": "qualcode.errors",
    "ExchangeError": "qualcode.errors",
    "LocatedError": "qualcode.errors",
    "ModelError": "qualcode.errors",
    "ProjectBusyError": "qualcode.errors",
    "ProjectError": "qualcode.errors",
    "QualcodeError": "qualcode.errors",
    "QualcodeWarning": "qualcode.errors",
    "ReviewSheetError": "qualcode.errors",
    "TableError": "qualcode.errors",
    "TranscriptParseError": "qualcode.errors",
    "UndefinedStatisticWarning": "qualcode.errors",
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
    "coder_agreement": "qualcode.agreement",
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
    "code_turns": "qualcode.coding.job",
    "suggest_turns": "qualcode.coding.suggest",
    "train_model": "qualcode.coding.training",
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

if TYPE_CHECKING:  # the names as static analysers and IDEs see them (``X as X``: re-exported)
    from qualcode.agreement import agreement_table as agreement_table
    from qualcode.agreement import coder_agreement as coder_agreement
    from qualcode.agreement import cohen_kappa as cohen_kappa
    from qualcode.agreement import disagreements as disagreements
    from qualcode.agreement import krippendorff_alpha as krippendorff_alpha
    from qualcode.agreement import pairwise_agreement as pairwise_agreement
    from qualcode.agreement import percent_agreement as percent_agreement
    from qualcode.cases import case_attributes as case_attributes
    from qualcode.cases import case_of_turns as case_of_turns
    from qualcode.cases import read_cases as read_cases
    from qualcode.cases import validate_cases as validate_cases
    from qualcode.codebook import Code as Code
    from qualcode.codebook import Codebook as Codebook
    from qualcode.codebook import Theme as Theme
    from qualcode.codebook import parse_codebook as parse_codebook
    from qualcode.codebook import read_codebook as read_codebook
    from qualcode.codebook import write_codebook as write_codebook
    from qualcode.codebook.texts import localize_codebook as localize_codebook
    from qualcode.coding.classifier import CodeClassifier as CodeClassifier
    from qualcode.coding.classifier import load_model as load_model
    from qualcode.coding.human import read_codings as read_codings
    from qualcode.coding.job import code_turns as code_turns
    from qualcode.coding.rules import KeywordCoder as KeywordCoder
    from qualcode.coding.suggest import suggest_turns as suggest_turns
    from qualcode.coding.training import train_model as train_model
    from qualcode.errors import CodebookError as CodebookError
    from qualcode.errors import CodingsError as CodingsError
    from qualcode.errors import ExchangeError as ExchangeError
    from qualcode.errors import LocatedError as LocatedError
    from qualcode.errors import ModelError as ModelError
    from qualcode.errors import ProjectBusyError as ProjectBusyError
    from qualcode.errors import ProjectError as ProjectError
    from qualcode.errors import QualcodeError as QualcodeError
    from qualcode.errors import QualcodeWarning as QualcodeWarning
    from qualcode.errors import ReviewSheetError as ReviewSheetError
    from qualcode.errors import TableError as TableError
    from qualcode.errors import TranscriptParseError as TranscriptParseError
    from qualcode.errors import UndefinedStatisticWarning as UndefinedStatisticWarning
    from qualcode.evaluation import evaluate as evaluate
    from qualcode.exchange.adjudication import (
        import_adjudication_sheet as import_adjudication_sheet,
    )
    from qualcode.exchange.adjudication import write_adjudication_sheet as write_adjudication_sheet
    from qualcode.exchange.docx import write_docx_appendix as write_docx_appendix
    from qualcode.exchange.html import write_html_report as write_html_report
    from qualcode.exchange.report import write_outputs as write_outputs
    from qualcode.exchange.report import write_report as write_report
    from qualcode.exchange.report import write_report_workbook as write_report_workbook
    from qualcode.plots import plot_code_interview_heatmap as plot_code_interview_heatmap
    from qualcode.plots import plot_coder_comparison as plot_coder_comparison
    from qualcode.plots import plot_cooccurrence as plot_cooccurrence
    from qualcode.plots import plot_theme_frequencies as plot_theme_frequencies
    from qualcode.plots import save_figure as save_figure
    from qualcode.progress import show_progress as show_progress
    from qualcode.project import Project as Project
    from qualcode.pseudonyms import Pseudonyms as Pseudonyms
    from qualcode.pseudonyms import read_pseudonyms as read_pseudonyms
    from qualcode.reports import code_attribute_frequencies as code_attribute_frequencies
    from qualcode.reports import code_attribute_matrix as code_attribute_matrix
    from qualcode.reports import code_frequencies as code_frequencies
    from qualcode.reports import code_interview_matrix as code_interview_matrix
    from qualcode.reports import coded_segments as coded_segments
    from qualcode.reports import coder_counts as coder_counts
    from qualcode.reports import cooccurrence as cooccurrence
    from qualcode.reports import cooccurrence_matrix as cooccurrence_matrix
    from qualcode.reports import report_tables as report_tables
    from qualcode.reports import theme_frequencies as theme_frequencies
    from qualcode.searchindex import SearchIndex as SearchIndex
    from qualcode.span_agreement import character_agreement as character_agreement
    from qualcode.summaries import summarize_agreement as summarize_agreement
    from qualcode.summaries import summarize_codings as summarize_codings
    from qualcode.summaries import summarize_evaluation as summarize_evaluation
    from qualcode.summaries import summarize_turns as summarize_turns
    from qualcode.tables import read_table as read_table
    from qualcode.tables import write_table as write_table
    from qualcode.textsearch import search as search
    from qualcode.textsearch import word_frequencies as word_frequencies
    from qualcode.titles import interview_titles as interview_titles
    from qualcode.transcripts import format_transcript as format_transcript
    from qualcode.transcripts import parse_transcript as parse_transcript
    from qualcode.transcripts import read_transcript as read_transcript
    from qualcode.transcripts import read_transcripts as read_transcripts
    from qualcode.transcripts import read_turns as read_turns
    from qualcode.transcripts import write_transcript as write_transcript
    from qualcode.web.server import workbench as workbench


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


__all__ = sorted(["__version__", *_LAZY])
