"""``qualcode report``: report tables (CSV, XLSX), charts and a self-contained HTML report."""

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
    load_report_inputs,
)

__all__ = ["report_command"]


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    turns: TurnsOpt = None,
    codings: CodingsOpt = None,
    codebook: CodebookOpt = None,
    project: ProjectOpt = None,
    coder: CoderOpt = None,
    include_suggestions: IncludeSuggestionsOpt = False,
    min_score: MinScoreOpt = None,
    lang: LangOpt = None,
    pseudonyms: PseudonymsOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the HTML report.")] = None,
    chart_format: Annotated[
        list[str] | None,
        typer.Option("--chart-format", help="Chart file type: png, svg or pdf (repeatable)."),
    ] = None,
    cases: CasesOpt = None,
    attribute: AttributeOpt = None,
    cooccurrence: Annotated[
        str,
        typer.Option(
            "--cooccurrence",
            help="Co-occurrence chart: count (turns with both codes) or jaccard (both / either).",
        ),
    ] = "count",
) -> None:
    """Write report tables (CSV and XLSX), charts (PNG, SVG) and an HTML report to a folder."""
    from qualcode.exchange.report import write_report

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
    written = write_report(
        turns_df,
        codings_df,
        book,
        out,
        coder=coder or None,
        min_score=min_score,
        lang=lang,
        title=title,
        chart_formats=tuple(chart_format or ("png", "svg")),
        cases=cases_df,
        attributes=attribute or None,
        cooccurrence=cooccurrence,
        pseudonyms=names,
        case_labels=labels,
    )
    n_csv = sum(k.startswith("csv:") for k in written)
    n_charts = sum(k.startswith("chart:") for k in written)
    typer.echo(
        f"Wrote {n_csv} CSV tables, {written['xlsx'].name}, {n_charts} chart files and "
        f"{written['html'].name} to {out}"
    )
    typer.echo(describe_shown(codings_df))
    echo_pseudonyms(names)
