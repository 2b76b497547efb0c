"""``qualcode export FORMAT``: files for Word, Excel and other tools.

Other formats register on the same group: ``@export_app.command("qdpx")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import (
    AttributeOpt,
    CasesOpt,
    CodebookOpt,
    CoderOpt,
    CodingsOpt,
    IncludeSuggestionsOpt,
    LangOpt,
    MinScoreOpt,
    ProjectOpt,
    PseudonymsOpt,
    TurnsOpt,
    describe_shown,
    echo_pseudonyms,
    load_pseudonyms,
    load_report_inputs,
    open_project_file,
)
from qualcode.errors import QualcodeError
from qualcode.schema import INTERVIEW

__all__ = ["export_app", "export_docx", "export_qdc", "export_qdpx", "export_xlsx"]

export_app = typer.Typer(
    help="Export coded data: docx (Word appendix), xlsx (report tables).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


@export_app.command("docx")
def export_docx(
    out: Annotated[Path, typer.Option("--out", help="The .docx file to write.")],
    turns: TurnsOpt = None,
    codings: CodingsOpt = None,
    codebook: CodebookOpt = None,
    project: ProjectOpt = None,
    lang: LangOpt = None,
    pseudonyms: PseudonymsOpt = None,
    coder: CoderOpt = None,
    include_suggestions: IncludeSuggestionsOpt = False,
    min_score: MinScoreOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Document title.")] = None,
    no_transcripts: Annotated[
        bool, typer.Option("--no-transcripts", help="Leave out the transcript tables.")
    ] = False,
    cases: CasesOpt = None,
    attribute: AttributeOpt = None,
) -> None:
    """Write the Word appendix: codebook, transcripts, coded segments, theme frequencies."""
    from qualcode.exchange.docx import write_docx_appendix

    names, turns_df, codings_df, book, cases_df, labels = load_report_inputs(
        turns,
        codings,
        codebook,
        project,
        coder=coder,
        include_suggestions=include_suggestions,
        cases=cases,
        attribute=attribute,
        pseudonyms=pseudonyms,
    )
    path = write_docx_appendix(
        turns_df,
        codings_df,
        book,
        out,
        lang=lang,
        coder=coder or None,
        min_score=min_score,
        title=title,
        transcripts=not no_transcripts,
        cases=cases_df,
        attributes=attribute or None,
        pseudonyms=names,
        case_labels=labels,
    )
    typer.echo(
        f"Wrote {path} ({turns_df[INTERVIEW].nunique()} interviews, {len(codings_df)} codings)"
    )
    typer.echo(describe_shown(codings_df))
    echo_pseudonyms(names)


@export_app.command("xlsx")
def export_xlsx(
    out: Annotated[Path, typer.Option("--out", help="The .xlsx workbook to write.")],
    turns: TurnsOpt = None,
    codings: CodingsOpt = None,
    codebook: CodebookOpt = None,
    project: ProjectOpt = None,
    coder: CoderOpt = None,
    include_suggestions: IncludeSuggestionsOpt = False,
    min_score: MinScoreOpt = None,
    cases: CasesOpt = None,
    attribute: AttributeOpt = None,
    lang: LangOpt = None,
    pseudonyms: PseudonymsOpt = None,
) -> None:
    """Write the report tables to one Excel workbook, one sheet per table."""
    from qualcode.exchange.report import write_report_workbook

    names, turns_df, codings_df, book, cases_df, labels = load_report_inputs(
        turns,
        codings,
        codebook,
        project,
        coder=coder,
        include_suggestions=include_suggestions,
        cases=cases,
        attribute=attribute,
        pseudonyms=pseudonyms,
    )
    path = write_report_workbook(
        turns_df,
        codings_df,
        book,
        out,
        coder=coder or None,
        min_score=min_score,
        cases=cases_df,
        attributes=attribute or None,
        lang=lang,
        pseudonyms=names,
        case_labels=labels,
    )
    typer.echo(f"Wrote {path}")
    typer.echo(describe_shown(codings_df))
    echo_pseudonyms(names)


@export_app.command("qdc")
def export_qdc(
    out: Annotated[Path, typer.Option("--out", help="The REFI-QDA codebook (.qdc) to write.")],
    codebook: CodebookOpt = None,
    project: ProjectOpt = None,
) -> None:
    """Write the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from qualcode.codebook import read_codebook
    from qualcode.exchange.refi import write_qdc

    if (codebook is None) == (project is None):
        raise QualcodeError("give --codebook FILE or --project P.qualcode")
    if project is not None:
        proj = open_project_file(project)
        book = proj.codebook()
        path = write_qdc(book, out, code_guids=proj.code_guids(), namespace=proj.id)
    else:
        assert codebook is not None
        book = read_codebook(codebook)
        path = write_qdc(book, out)
    typer.echo(f"Wrote {path} ({len(book.themes)} themes, {len(book.codes)} codes)")


@export_app.command("qdpx")
def export_qdpx(
    out: Annotated[Path, typer.Option("--out", help="The REFI-QDA project (.qdpx) to write.")],
    project: ProjectOpt = None,
    suggestions: Annotated[
        bool,
        typer.Option(
            "--suggestions", help="Also write machine suggestions nobody rejected, as codings."
        ),
    ] = False,
    pseudonyms: PseudonymsOpt = None,
    coder: CoderOpt = None,
) -> None:
    """Write a project for NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA .qdpx)."""
    from qualcode.exchange.refi.project import export_project_qdpx

    if project is None:
        raise QualcodeError("give --project P.qualcode (the project to export)")
    names = load_pseudonyms(pseudonyms)
    proj = open_project_file(project)
    shown = proj.report_codings(coder=coder or None, include_suggestions=suggestions)
    path = export_project_qdpx(
        proj, out, suggestions=suggestions, pseudonyms=names, coder=coder or None
    )
    status = proj.status()
    typer.echo(
        f"Wrote {path}: {status['interviews']} interview(s), {status['codes']} codes, "
        f"{len(shown)} codings"
    )
    typer.echo(describe_shown(shown))
    echo_pseudonyms(names)
