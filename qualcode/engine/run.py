"""Run ``qualcode code`` and ``qualcode parse`` on a Dask cluster: the library side.

:func:`code_on_cluster` reads the input (a turns table here, or transcripts parsed on the
cluster; a single Parquet table is read by the workers themselves), plans the
:class:`~qualcode.coding.job.CodingJob` and codes partition by partition;
:func:`parse_on_cluster` reads transcript files on the cluster. Neither prints: what the cluster
says (which scheduler ran) goes to ``notify``; the command line (:mod:`qualcode.cli.dask_run`)
prints the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.coding.job import CodingJob
from qualcode.engine.dask import (
    DaskRun,
    ParsedTurns,
    code_on_dask,
    code_parquet_on_dask,
    dask_client,
    parse_on_dask,
    parse_to_parquet,
)
from qualcode.tables import write_table

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier

__all__ = ["code_on_cluster", "parse_on_cluster", "read_input"]


def _one_parquet(paths: list[Path]) -> bool:
    return len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() == ".parquet"


def read_input(paths: list[Path], client: Any) -> pd.DataFrame:
    """Read the turns to code: a turns table is read here; transcripts are parsed on the cluster.

    Returns
    -------
    DataFrame
        The turns table.
    """
    from qualcode.transcripts import find_transcripts, read_turns
    from qualcode.transcripts.api import TURNS_TABLE_SUFFIXES

    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() in TURNS_TABLE_SUFFIXES:
        return read_turns(paths)
    return parse_on_dask(find_transcripts(paths), client=client)


def code_on_cluster(
    paths: list[Path],
    out: Path,
    *,
    codebook: Codebook,
    model: CodeClassifier | None,
    train: Path | None,
    all_speakers: bool,
    unit: str,
    languages: list[str] | None,
    method: str | None,
    scheduler: str | None,
    partitions: int | None,
    need_turns: bool,
    notify: Callable[[str], None] | None = None,
) -> tuple[DaskRun, pd.DataFrame | None]:
    """Code transcripts or a turns table on Dask: partitioned Parquet in ``out``.

    Parameters
    ----------
    paths : list of Path
        Transcript files or folders, or one turns table.
    out : Path
        The folder for the ``turns`` and ``codings`` Parquet parts.
    codebook, model, train, all_speakers, unit, languages, method
        As for :meth:`CodingJob.plan <qualcode.coding.job.CodingJob.plan>` (``train``: a file
        of people's codings).
    scheduler, partitions
        The cluster (None: a local one) and how many partitions.
    need_turns : bool
        The caller needs the turns table back (without it, a single Parquet table with no
        ``train`` is read by the workers only: this process never holds it).
    notify : callable, optional
        Told which cluster runs.

    Returns
    -------
    tuple
        The run (:class:`~qualcode.engine.dask.DaskRun`) and the turns table (None when it
        was read by the workers only).
    """
    from qualcode.coding.human import read_codings

    def plan(turns: pd.DataFrame, train_codings: pd.DataFrame | None = None) -> CodingJob:
        return CodingJob.plan(
            turns,
            codebook=codebook,
            model=model,
            train_codings=train_codings,
            method=method,
            all_speakers=all_speakers,
            unit=unit,
            languages=languages,
        )

    turns = None
    with dask_client(scheduler, notify=notify) as client:
        run = None
        if train is None and not need_turns and _one_parquet(paths):
            # the workers read their own rows: this process never holds the table; the turns
            # given to the plan are read only to train a model, which needs --train
            job = plan(schema.empty_turns())
            run = code_parquet_on_dask(paths[0], job, out, client=client, partitions=partitions)
        if run is None:
            turns = read_input(paths, client)
            human = (
                read_codings(train, turns=turns, codebook=codebook) if train is not None else None
            )
            job = plan(turns, human)
            run = code_on_dask(turns, job, out, client=client, partitions=partitions)
    return run, turns


def parse_on_cluster(
    files: list[Path],
    out: Path,
    *,
    scheduler: str | None,
    partitions: int | None,
    notify: Callable[[str], None] | None = None,
    **options: Any,
) -> ParsedTurns:
    """Read ``files`` on Dask into the turns table ``out`` (``qualcode parse --engine dask``).

    A Parquet ``out`` is written by the workers' parts streamed into it (this process never
    holds the whole table); another table type is written here from the gathered table.

    Returns
    -------
    ParsedTurns
        The table written and its summary.
    """
    from qualcode.transcripts.summary import count_speakers, summarize_interviews

    with dask_client(scheduler, notify=notify) as client:
        if out.suffix.lower() == ".parquet":
            return parse_to_parquet(files, out, client=client, partitions=partitions, **options)
        turns = parse_on_dask(files, client=client, partitions=partitions, **options)
    written = write_table(turns, out)
    return ParsedTurns(written, summarize_interviews(turns), len(turns), count_speakers(turns))
