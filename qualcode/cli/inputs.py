"""Reading the files that command options name, shared by the commands.

Each helper reads one kind of input (turns, codings, codebook) the same way for every command, so
an option means the same thing and fails with the same message everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import pandas as pd
import typer

from qualcode.codebook import Codebook
from qualcode.errors import CodebookError, QualcodeError
from qualcode.languages import LANGUAGES
from qualcode.pseudonyms import Pseudonyms
from qualcode.schema import validate_codings

if TYPE_CHECKING:
    from qualcode.case_labels import CaseLabels

__all__ = [
    "SEEN_HELP",
    "AttributeOpt",
    "CasesOpt",
    "CodebookOpt",
    "CoderOpt",
    "CodingsOpt",
    "IncludeSuggestionsOpt",
    "LangOpt",
    "MinScoreOpt",
    "ProjectOpt",
    "PseudonymsOpt",
    "ReportInputs",
    "SchedulerOpt",
    "TurnsOpt",
    "check_seen",
    "describe_shown",
    "echo_pseudonyms",
    "engine_option",
    "format_table",
    "load_cases",
    "load_codebook",
    "load_codings",
    "load_inputs",
    "load_pseudonyms",
    "load_report_inputs",
    "load_turns",
    "open_project_file",
    "project_training_data",
    "training_inputs",
]

TurnsOpt = Annotated[
    Path | None,
    typer.Option("--turns", help="Turns table (CSV/XLSX/Parquet) or transcript file."),
]
CodingsOpt = Annotated[
    Path | None, typer.Option("--codings", help="Codings table (CSV/XLSX/Parquet).")
]
CodebookOpt = Annotated[Path | None, typer.Option("--codebook", help="Codebook YAML file.")]
ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project", help="A qualcode project (P.qualcode) in place of --turns/--codings."
    ),
]
CoderOpt = Annotated[
    list[str] | None,
    typer.Option("--coder", help="Count only this coder's codings (repeatable; default: all)."),
]
IncludeSuggestionsOpt = Annotated[
    bool,
    typer.Option(
        "--include-suggestions",
        help="With --project: also the machine suggestions nobody reviewed yet, marked as "
        "such (default: the people's codings: hand codings and accepted suggestions).",
    ),
]
MinScoreOpt = Annotated[
    float | None, typer.Option("--min-score", help="Leave out codings scored lower.")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (default: start a LocalCluster)."),
]


def engine_option(what: str) -> typer.models.OptionInfo:
    """The ``--engine`` option of a command that can run on Dask (``what``: "code", "read")."""
    extra = "pip install 'qualcode\\[dask]'"  # "\\[": rich would read "[dask]" as markup
    return typer.Option("--engine", help=f"Where to {what}: local|dask ({extra}).")


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=f"Language of headings, labels, captions: {'|'.join(LANGUAGES)} "
        "(default: the codebook's study language, else en).",
    ),
]
PseudonymsOpt = Annotated[
    Path | None,
    typer.Option(
        "--pseudonyms",
        help="CSV with name,pseudonym columns: each name is replaced (whole word, any case) "
        "in everything written; the project is not changed.",
    ),
]
CasesOpt = Annotated[
    Path | None,
    typer.Option(
        "--cases",
        help="Cases table (CSV/XLSX): case, interview and/or speaker, attribute columns; "
        "adds a code x attribute table per attribute.",
    ),
]
AttributeOpt = Annotated[
    list[str] | None,
    typer.Option("--attribute", help="Case attribute to tabulate (repeatable; default: all)."),
]


def load_inputs(
    turns: Path | None,
    codings: Path | None,
    codebook: Path | None,
    project: Path | None = None,
    *,
    coder: list[str] | None = None,
    include_suggestions: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    """Read the turns table (or transcripts), the codings table and the codebook, or a project.

    From a project: its turns, the codings reports show (:meth:`Project.report_codings`: the
    people's, with ``include_suggestions`` also the open suggestions, marked; ``coder`` keeps
    those coders) and its codebook (a ``--codebook`` file given as well wins).

    Raises
    ------
    QualcodeError
        If a file is missing or invalid (the message names the file), a coding uses a code
        that is not in the codebook (its rows are listed), or neither the three files nor a
        project are given.
    """
    from qualcode.codebook import read_codebook
    from qualcode.coding.human import check_codings
    from qualcode.tables import read_table
    from qualcode.transcripts import read_turns

    if project is not None:
        if turns is not None or codings is not None:
            msg = "give --project or --turns and --codings, not both"
            raise QualcodeError(msg)
        proj = open_project_file(project)
        book = read_codebook(codebook) if codebook is not None else proj.codebook()
        shown = proj.report_codings(coder=coder or None, include_suggestions=include_suggestions)
        if codebook is not None:
            _check_project_codes(shown, book, codebook)
        return proj.turns(), shown, book
    if include_suggestions:
        msg = "--include-suggestions needs --project (a codings file holds no open suggestions)"
        raise QualcodeError(msg)
    if turns is None or codings is None or codebook is None:
        msg = "give --turns, --codings and --codebook, or --project P.qualcode"
        raise QualcodeError(msg)
    for path in (turns, codings, codebook):
        if not path.exists():
            msg = f"{path}: file not found"
            raise QualcodeError(msg)
    turns_df = read_turns(turns)
    codings_df = validate_codings(read_table(codings), source=codings)
    book = read_codebook(codebook)
    # a code the codebook does not have would be left out of every table: refuse it, as
    # train and add do, rather than report less than the file holds
    check_codings(codings_df, codebook=book, source=codings)
    return turns_df, codings_df, book


def _check_project_codes(codings: pd.DataFrame, book: Codebook, path: Path) -> None:
    """Refuse a ``--codebook`` that lacks codes the project's codings use (they would be left
    out of every table without a word)."""
    from qualcode.coding.human import unknown_codes

    unknown = unknown_codes(codings, book)
    if len(unknown):
        listed = ", ".join(f"{code!r} ({n})" for code, n in unknown.head(5).items())
        msg = (
            f"the project has {int(unknown.sum())} coding(s) with codes this codebook does not "
            f"have: {listed}; expected a codebook with every code the project uses (or leave "
            "out --codebook to use the project's own)"
        )
        raise CodebookError(msg, path=path)


def describe_shown(codings: pd.DataFrame) -> str:
    """One line naming the coders whose codings an output shows, and what they are."""
    from qualcode.provenance import MACHINE, SUGGESTION, coders_shown

    shown = coders_shown(codings)
    what = {SUGGESTION: "suggestions nobody reviewed, marked", MACHINE: "machine codings"}
    parts = [
        f"{c} ({n} {what.get(k, 'codings')})"
        for c, k, n in zip(shown["coder"], shown["kind"], shown["codings"], strict=True)
    ]
    return "Codings shown: " + (", ".join(parts) if parts else "none")


def open_project_file(path: Path):
    """Open the project named by ``--project``."""
    from qualcode.project import Project

    return Project.open(path)


def project_training_data(
    project: Path, codebook: Path | None, exclusive: bool
) -> tuple[pd.DataFrame, pd.DataFrame, Codebook | None]:
    """Turns, people's codings and codebook of a project for train / evaluate / suggest."""
    proj = open_project_file(project)
    book = load_codebook(codebook)
    if book is None and not exclusive:
        book = proj.codebook()
    return proj.turns(), proj.codings(people=True), book


def load_cases(
    path: Path | None, attributes: list[str] | None = None, *, project: Path | None = None
) -> pd.DataFrame | None:
    """Read the ``--cases`` table if one is given, else a ``--project``'s cases if it has any
    (``--attribute`` needs one of them).

    Raises
    ------
    QualcodeError
        If ``--attribute`` is given without ``--cases`` or names no attribute of the table, or
        the file is missing or invalid.
    """
    if path is None and project is not None:
        from qualcode.cases import select_attributes, validate_cases

        stored = open_project_file(project).cases()
        # cases tied to no turns (imported from other tools) have no place in a report
        stored = stored.dropna(subset=["interview", "speaker"], how="all")
        if len(stored):
            cases = validate_cases(stored, source=project)
            select_attributes(cases, attributes)
            return cases
    if path is None:
        if attributes:
            msg = "--attribute needs --cases FILE (the cases table whose attributes to use)"
            raise QualcodeError(msg)
        return None
    from qualcode.cases import read_cases, select_attributes

    cases = read_cases(path)
    select_attributes(cases, attributes)  # an unknown --attribute fails before any work
    return cases


def training_inputs(
    turns: Path | None,
    codings: list[Path] | None,
    codebook: Path | None,
    project: Path | None,
    exclusive: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, Codebook | None]:
    """Turns, people's codings and codebook for train / evaluate: from files or a project."""
    if codebook is not None and exclusive:
        raise QualcodeError("give either --codebook or --exclusive, not both")
    if project is not None:
        return project_training_data(project, codebook, exclusive)
    if turns is None or not codings:
        raise QualcodeError("give --turns and --codings, or --project P.qualcode")
    book = load_codebook(codebook)
    table = load_turns(turns)
    return table, load_codings(codings, turns=table, codebook=book), book


SEEN_HELP = (
    "Which turns count as labelled: interview (every turn of an interview with any coding), "
    "all (every turn), coded (only turns with a code)."
)


def load_turns(path: Path) -> pd.DataFrame:
    """Read a turns table or transcript files into a turns table."""
    from qualcode.transcripts import read_turns

    return read_turns([path])


def load_codebook(path: Path | None) -> Codebook | None:
    """Read the codebook file if one is given."""
    if path is None:
        return None
    from qualcode.codebook import read_codebook

    return read_codebook(path)


def load_codings(
    paths: list[Path], *, turns: pd.DataFrame | None, codebook: Codebook | None
) -> pd.DataFrame:
    """Read and concatenate human codings files (long or wide)."""
    from qualcode.coding.human import read_codings_files

    return read_codings_files(paths, turns=turns, codebook=codebook)


def check_seen(seen: str) -> str:
    """Validate the --seen option."""
    if seen not in ("interview", "all", "coded"):
        msg = f"--seen must be interview, all or coded, got {seen!r}"
        raise QualcodeError(msg)
    return seen


def format_table(table: pd.DataFrame) -> str:
    """Render a result table for the terminal (3 decimals, NaN as 'n/a')."""
    return table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="n/a")


class ReportInputs(NamedTuple):
    """What every report command reads, in the order it reads it."""

    pseudonyms: Pseudonyms | None
    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    cases: pd.DataFrame | None
    case_labels: CaseLabels | None


def load_report_inputs(
    turns: Path | None,
    codings: Path | None,
    codebook: Path | None,
    project: Path | None,
    *,
    coder: list[str] | None,
    include_suggestions: bool,
    cases: Path | None,
    attribute: list[str] | None,
    pseudonyms: Path | None,
) -> ReportInputs:
    """Read the inputs of ``report`` and ``export docx/xlsx``: ``--pseudonyms`` first (checked
    before any work), then :func:`load_inputs`, :func:`load_cases` and the case labels beside
    the cases file."""
    from qualcode.case_labels import find_case_labels

    names = load_pseudonyms(pseudonyms)
    turns_df, codings_df, book = load_inputs(
        turns,
        codings,
        codebook,
        project,
        coder=coder,
        include_suggestions=include_suggestions,
    )
    cases_df = load_cases(cases, attribute, project=project)
    return ReportInputs(names, turns_df, codings_df, book, cases_df, find_case_labels(cases))


def load_pseudonyms(path: Path | None) -> Pseudonyms | None:
    """Read ``--pseudonyms FILE`` (checked before any work is done)."""
    if path is None:
        return None
    from qualcode.pseudonyms import read_pseudonyms

    return read_pseudonyms(path)


def echo_pseudonyms(pseudonyms: Pseudonyms | None) -> None:
    """Print how many replacements of each name were made; warn about names never found."""
    if pseudonyms is None:
        return
    counts = ", ".join(
        f"{name} -> {alias}: {pseudonyms.counts[name]}" for name, alias in pseudonyms.names.items()
    )
    typer.echo(f"Pseudonyms from {pseudonyms.source}: replacements made: {counts}")
    missing = pseudonyms.not_found
    if missing:
        typer.echo(
            f"Warning: {pseudonyms.source}: {len(missing)} name(s) never found in what was "
            f"written: {', '.join(missing)}",
            err=True,
        )
