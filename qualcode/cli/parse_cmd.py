"""``qualcode parse``: transcripts to a turns table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode import schema
from qualcode.cli.app import app
from qualcode.errors import QualcodeError
from qualcode.tables import write_table
from qualcode.transcripts import find_transcripts, read_transcripts, summarize_turns
from qualcode.transcripts.detect import FORMATS

#: show a progress bar from this many files on
PROGRESS_FROM = 6
OUT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")


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
    engine: Annotated[
        str,
        typer.Option("--engine", help="Where to read: local|dask (pip install 'qualcode[dask]')."),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: start a LocalCluster)."),
    ] = None,
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
    }
    from qualcode.engine import check_engine

    if check_engine(engine, scheduler=scheduler, partitions=partitions) == "dask":
        from qualcode.engine.commands import parse_with_dask

        turns = parse_with_dask(files, scheduler=scheduler, partitions=partitions, **options)  # type: ignore[arg-type]
    elif len(files) >= PROGRESS_FROM:
        with typer.progressbar(
            length=len(files), label="Parsing", file=sys.stderr, show_pos=True
        ) as bar:
            turns = read_transcripts(files, progress=lambda _p: bar.update(1), **options)  # type: ignore[arg-type]
    else:
        turns = read_transcripts(files, **options)  # type: ignore[arg-type]
    written = write_table(turns, out)
    summary = summarize_turns(turns)
    n_speakers = turns.groupby(schema.INTERVIEW, sort=False)[schema.SPEAKER].nunique().sum()
    typer.echo(
        f"{len(files)} file(s), {len(summary)} interview(s), {n_speakers} speaker(s), "
        f"{len(turns)} turns -> {written}"
    )
    for row in summary.itertuples(index=False):
        typer.echo(f"  {row.interview}: {row.turns} turns; {row.speakers}")
