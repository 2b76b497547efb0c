"""``qualcode parse``: transcripts to a turns table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode import schema
from qualcode.cli.app import app
from qualcode.errors import QualcodeError
from qualcode.tables import write_table
from qualcode.transcripts import find_transcripts, read_transcripts, summarize_turns
from qualcode.transcripts.detect import FORMATS

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
