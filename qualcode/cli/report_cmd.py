"""``qualcode report``: report tables (CSV, XLSX), charts and a self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from qualcode.cli.app import app
from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.schema import validate_codings

TurnsOpt = Annotated[
    Path, typer.Option("--turns", help="Turns table (CSV/XLSX/Parquet) or transcript file.")
]
CodingsOpt = Annotated[Path, typer.Option("--codings", help="Codings table (CSV/XLSX/Parquet).")]
CodebookOpt = Annotated[Path, typer.Option("--codebook", help="Codebook YAML file.")]
CoderOpt = Annotated[
    list[str] | None,
    typer.Option("--coder", help="Count only this coder's codings (repeatable; default: all)."),
]
MinScoreOpt = Annotated[
    float | None, typer.Option("--min-score", help="Leave out codings scored lower.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of headings: id or en.")]


def load_inputs(
    turns: Path, codings: Path, codebook: Path
) -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    """Read the turns table (or transcripts), the codings table and the codebook.

    Raises
    ------
    QualcodeError
        If a file is missing or invalid (the message names the file).
    """
    from qualcode.codebook import read_codebook
    from qualcode.tables import read_table
    from qualcode.transcripts import read_turns

    for path in (turns, codings, codebook):
        if not path.exists():
            msg = f"{path}: file not found"
            raise QualcodeError(msg)
    turns_df = read_turns(turns)
    codings_df = validate_codings(read_table(codings), source=codings)
    return turns_df, codings_df, read_codebook(codebook)


@app.command("report")
def report_command(
    turns: TurnsOpt,
    codings: CodingsOpt,
    codebook: CodebookOpt,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    coder: CoderOpt = None,
    min_score: MinScoreOpt = None,
    lang: LangOpt = "en",
    title: Annotated[str | None, typer.Option("--title", help="Title of the HTML report.")] = None,
    chart_format: Annotated[
        list[str] | None,
        typer.Option("--chart-format", help="Chart file type: png, svg or pdf (repeatable)."),
    ] = None,
) -> None:
    """Write report tables (CSV and XLSX), charts (PNG, SVG) and an HTML report to a folder."""
    from qualcode.exchange.report import write_report

    turns_df, codings_df, book = load_inputs(turns, codings, codebook)
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
    )
    n_csv = sum(k.startswith("csv:") for k in written)
    n_charts = sum(k.startswith("chart:") for k in written)
    typer.echo(
        f"Wrote {n_csv} CSV tables, {written['xlsx'].name}, {n_charts} chart files and "
        f"{written['html'].name} to {out}"
    )
