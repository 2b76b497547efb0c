"""The ``--engine dask`` branches of ``qualcode code`` and ``qualcode parse``.

The command modules parse the options and call these; they print what the local branches print
(the summary table of ``code``, the per-interview lines of ``parse``) plus which cluster ran.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import typer

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.engine.dask import (
    ParsedTurns,
    code_on_dask,
    code_parquet_on_dask,
    collect_codings,
    dask_client,
    parse_on_dask,
    parse_to_parquet,
)
from qualcode.engine.job import prepare_job, summary_text
from qualcode.tables import write_table

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier

__all__ = ["code_with_dask", "parse_with_dask"]


def _echo(line: str) -> None:
    typer.echo(line, err=True)


def _one_parquet(paths: list[Path]) -> bool:
    return len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() == ".parquet"


def _read_input(paths: list[Path], client: Any) -> pd.DataFrame:
    """A turns table is read here; transcripts are parsed on the cluster."""
    from qualcode.transcripts import find_transcripts, read_turns
    from qualcode.transcripts.api import TURNS_TABLE_SUFFIXES

    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() in TURNS_TABLE_SUFFIXES:
        return read_turns(paths)
    return parse_on_dask(find_transcripts(paths), client=client)


def code_with_dask(
    *,
    paths: list[Path],
    out: Path,
    codebook: Codebook,
    model: CodeClassifier | None,
    train: Path | None,
    all_speakers: bool,
    unit: str,
    languages: list[str] | None,
    method: str | None,
    report: bool,
    lang: str | None,
    scheduler: str | None,
    partitions: int | None,
    csv: bool,
) -> None:
    """Run ``qualcode code`` on Dask: partitioned Parquet in DIR (and CSV with ``csv``)."""
    from qualcode.coding.human import read_codings

    with dask_client(scheduler, notify=_echo) as client:
        prepare = functools.partial(
            prepare_job,
            codebook=codebook,
            model=model,
            method=method,
            all_speakers=all_speakers,
            unit=unit,
            languages=languages,
        )
        run = None
        if train is None and not (csv or report) and _one_parquet(paths):
            # the workers read their own rows: this process never holds the table; the turns
            # given to prepare_job are read only to train a model, which needs --train
            job = prepare(schema.empty_turns())
            run = code_parquet_on_dask(paths[0], job, out, client=client, partitions=partitions)
        if run is None:
            turns = _read_input(paths, client)
            human = (
                read_codings(train, turns=turns, codebook=codebook) if train is not None else None
            )
            job = prepare(turns, train_codings=human)
            run = code_on_dask(turns, job, out, client=client, partitions=partitions)
    table = run.summary
    who = "turns" if all_speakers else "participant turns"
    typer.echo(
        f"Coded {int(table['coded'].iloc[-1])} of {int(table['turns'].iloc[-1])} {who} with "
        f"{codebook.name!r} ({run.n_codings} codings, unit: {unit})."
    )
    typer.echo("Turns coded per interview and code:")
    typer.echo(summary_text(table))
    typer.echo(f"Wrote {run.turns_dir} and {run.codings_dir} ({run.partitions} Parquet partitions)")
    if not (csv or report):
        return
    codings = collect_codings(run, turns)
    if csv:
        turns_path = write_table(turns, out / "turns.csv")
        codings_path = write_table(codings, out / "codings.csv")
        typer.echo(f"Wrote {turns_path} and {codings_path}")
    if report:
        from qualcode.exchange import write_outputs

        written = write_outputs(turns, codings, codebook, out, lang=lang)
        typer.echo(f"Wrote the report to {out}: {len(written)} files")


def parse_with_dask(
    files: list[Path],
    out: Path,
    *,
    scheduler: str | None,
    partitions: int | None,
    **options: Any,
) -> ParsedTurns:
    """Read ``files`` on Dask into the turns table ``out`` (``qualcode parse --engine dask``).

    A Parquet ``out`` is written by the workers' parts streamed into it (this process never
    holds the whole table); another table type is written here from the gathered table.
    """
    from qualcode.transcripts.summary import count_speakers, summarize_interviews

    with dask_client(scheduler, notify=_echo) as client:
        if out.suffix.lower() == ".parquet":
            return parse_to_parquet(files, out, client=client, partitions=partitions, **options)
        turns = parse_on_dask(files, client=client, partitions=partitions, **options)
    written = write_table(turns, out)
    return ParsedTurns(written, summarize_interviews(turns), len(turns), count_speakers(turns))
