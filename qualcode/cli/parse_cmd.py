"""``qualcode parse``: transcripts to a turns table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.inputs import SchedulerOpt, engine_option
from qualcode.errors import QualcodeError
from qualcode.summaries import SUMMARY_ROWS
from qualcode.tables import write_table
from qualcode.transcripts import find_transcripts, summarize_interviews
from qualcode.transcripts.api import read_transcripts_with_report
from qualcode.transcripts.detect import EXTENSIONS, FORMATS
from qualcode.transcripts.summary import count_speakers

OUT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")
#: list how each file was read without --explain up to this many files
EXPLAIN_UP_TO = 10


def explain_file(row: object, *, forced: bool) -> str:
    """One line saying how a file was read: format, why, layout, speakers, merging."""
    source, fmt, layout = str(row.source), str(row.format), str(row.layout)  # type: ignore[attr-defined]
    blocks, turns, speakers = int(row.blocks), int(row.turns), int(row.speakers)  # type: ignore[attr-defined]
    if forced:
        why = "as --format says"
    elif EXTENSIONS.get(Path(source).suffix.lower()) == fmt:
        why = "by its extension"
    else:
        why = "by its content"
    merged = (
        f"merged {blocks} blocks into {turns} turns"
        if blocks > turns
        else f"{turns} turns, one per block"
    )
    return f"{source}: read as {layout} ({fmt}, {why}); {speakers} speaker(s), {merged}"


__all__ = ["explain_file", "parse"]


@app.command("parse")
def parse(
    paths: Annotated[
        list[Path], typer.Argument(help="Transcript files or folders of transcripts.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Turns table to write (.csv, .xlsx, .parquet).")
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"Reader: {'|'.join(FORMATS)}.")
    ] = "auto",
    roles: Annotated[
        str | None,
        typer.Option(
            "--roles", help='Speaker roles, e.g. "P=interviewer,R=interviewer,N1=participant".'
        ),
    ] = None,
    single_speaker: Annotated[
        bool,
        typer.Option("--single-speaker", help="Read texts without speaker labels as one speaker."),
    ] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Text encoding (default: detected).")
    ] = None,
    keep_paragraphs: Annotated[
        bool,
        typer.Option(
            "--keep-paragraphs",
            help="Keep each paragraph, cue or row its own turn (default: consecutive blocks "
            "of one speaker are one turn).",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Say for every file which format and layout it was read as."
        ),
    ] = False,
    engine: Annotated[str, engine_option("read")] = "local",
    scheduler: SchedulerOpt = None,
    partitions: Annotated[
        int | None, typer.Option("--partitions", help="Dask tasks (groups of files).")
    ] = None,
) -> None:
    """Read transcripts into speaker turns and write the turns table."""
    if out.suffix.lower() not in OUT_SUFFIXES:
        msg = (
            f"--out {out}: unknown table type {out.suffix or '(none)'!r}; expected one of "
            f"{', '.join(OUT_SUFFIXES)}"
        )
        raise QualcodeError(msg)
    files = find_transcripts(paths)
    options = {
        "format": format,
        "roles": roles,
        "single_speaker": single_speaker,
        "encoding": encoding,
        "keep_paragraphs": keep_paragraphs,
    }
    from qualcode.engine import check_engine

    if check_engine(engine, scheduler=scheduler, partitions=partitions) == "dask":
        from qualcode.cli.dask_run import echo_err
        from qualcode.engine.run import parse_on_cluster

        parsed = parse_on_cluster(  # the Dask reader does not explain its choices (yet)
            files,
            out,
            scheduler=scheduler,
            partitions=partitions,
            notify=echo_err,
            **options,  # type: ignore[arg-type]
        )
        written, summary = parsed.path, parsed.summary
        n_turns, n_speakers, report = parsed.turns, parsed.speakers, None
    else:
        turns, report = read_transcripts_with_report(files, **options)  # type: ignore[arg-type]
        written = write_table(turns, out)
        summary = summarize_interviews(turns)
        n_turns = len(turns)
        n_speakers = count_speakers(turns)
    typer.echo(
        f"{len(files)} file(s), {len(summary)} interview(s), {n_speakers} speaker(s), "
        f"{n_turns} turns -> {written}"
    )
    if report is not None and (explain or len(files) <= EXPLAIN_UP_TO):
        for row in report.itertuples(index=False):
            typer.echo("  " + explain_file(row, forced=format != "auto"))
    for row in summary.head(SUMMARY_ROWS).itertuples(index=False):
        typer.echo(f"  {row.interview}: {row.turns} turns; {row.speakers}")
    if len(summary) > SUMMARY_ROWS:
        typer.echo(f"  ... and {len(summary) - SUMMARY_ROWS:,} more interviews")
