"""Code a turns table on a Dask cluster, partition by partition (:func:`code_on_dask`).

The run:

1. the turns table is split into partitions of whole interviews
   (:func:`qualcode.engine.partition.split_by_interview`): context across turns is never cut;
2. each partition's turns are written to ``DIR/turns/part-NNNNN.parquet`` (by the task itself
   when the input is a Parquet file that the tasks read, :func:`code_parquet_on_dask`);
3. the :class:`~qualcode.coding.job.CodingJob` (codebook, trained model, options) is scattered
   to every worker once (``Client.scatter(..., broadcast=True)``); each task gets a reference to
   it, never its own pickled copy;
4. one task per partition reads its turns, codes them and writes its codings to
   ``DIR/codings/part-NNNNN.parquet``, through a temporary file renamed into place: a task that
   the scheduler runs again (its worker died; ``retries`` after an error) rewrites the same file
   with the same rows, so no row is lost or written twice;
5. a task returns only its per-interview counts, for the summary.

A worker holds one partition at a time, so its memory depends on the partition size, not on
the corpus size. ``DIR`` must be reachable by every worker under the same path (the local disk
for a :class:`~distributed.LocalCluster`, a shared file system on a multi-node cluster).

A turns table in a Parquet file the workers read themselves is coded by
:func:`qualcode.engine.dask.parquet.code_parquet_on_dask`.
"""

from __future__ import annotations

import contextlib
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.coding.job import CodingJob
from qualcode.engine.dask.cluster import RETRIES, n_workers
from qualcode.engine.dask.outputs import (
    CODINGS_DIR,
    TURNS_DIR,
    clear_parts,
    compact_partition,
    part_file_name,
    read_parts,
    write_atomic,
)
from qualcode.engine.partition import (
    Partition,
    default_partitions,
    order_codings,
    split_by_interview,
)
from qualcode.errors import QualcodeError
from qualcode.summaries import coding_run_table

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DaskRun",
    "check_partitions",
    "code_on_dask",
    "code_partition",
    "collect_codings",
    "finish_coding",
    "partition_error",
    "start_coding",
    "wait_for_partitions",
]


@dataclass(frozen=True)
class DaskRun:
    """What :func:`code_on_dask` did.

    Attributes
    ----------
    summary : DataFrame
        Turns coded per interview and code, as the local engine's summary.
    n_codings : int
        Rows written.
    partitions : int
    turns_dir, codings_dir : Path
        Folders of the partitioned Parquet output.
    """

    summary: pd.DataFrame
    n_codings: int
    partitions: int
    turns_dir: Path
    codings_dir: Path


def code_partition(
    turns_path: str, codings_path: str, job: CodingJob, *, turns: pd.DataFrame | None = None
) -> tuple[Any, int]:
    """Task: code one partition's turns and write its codings (idempotent)."""
    if turns is None:
        turns = pd.read_parquet(turns_path)
    codings = job.code(turns)
    write_atomic(codings, Path(codings_path))
    table = coding_run_table(turns, codings, job.codebook, all_speakers=job.all_speakers)
    return table.iloc[:-1], len(codings)


def check_partitions(partitions: int | None) -> None:
    """Raise a QualcodeError unless ``partitions`` is None or positive."""
    if partitions is not None and partitions < 1:
        msg = f"--partitions must be a positive number, got {partitions}"
        raise QualcodeError(msg)


def start_coding(out: str | Path, job: CodingJob, client: Client) -> tuple[Path, Path, Any, str]:
    """The output folders (parts of an earlier run removed), the job on every worker, a run id."""
    folder = Path(out)
    turns_dir, codings_dir = folder / TURNS_DIR, folder / CODINGS_DIR
    clear_parts(turns_dir)
    clear_parts(codings_dir)
    shared = client.scatter(job, broadcast=True, hash=False)
    return turns_dir, codings_dir, shared, uuid.uuid4().hex[:8]


def finish_coding(
    results: list[tuple[Any, ...]],
    turns: pd.DataFrame,
    job: CodingJob,
    turns_dir: Path,
    codings_dir: Path,
) -> DaskRun:
    """The run's summary from its tasks' results: (per-interview rows, codings, ...)."""
    summary = _combine_summaries([r[0] for r in results], turns, job)
    return DaskRun(summary, sum(r[1] for r in results), len(results), turns_dir, codings_dir)


def code_on_dask(
    turns: pd.DataFrame,
    job: CodingJob,
    out: str | Path,
    *,
    client: Client,
    partitions: int | None = None,
    progress: bool = True,
) -> DaskRun:
    """Code ``turns`` with ``job`` on the cluster of ``client``; write partitioned Parquet.

    Parameters
    ----------
    turns : DataFrame
        A validated turns table.
    job : CodingJob
        From :meth:`CodingJob.plan <qualcode.coding.job.CodingJob.plan>`.
    out : str or Path
        Folder; gets ``turns/`` and ``codings/`` with one ``part-NNNNN.parquet`` per partition
        (part files of an earlier run there are removed first).
    client : distributed.Client
    partitions : int, optional
        Number of partitions (default :func:`~qualcode.engine.partition.default_partitions`);
        fewer when there are fewer interviews.
    progress : bool, default True
        Show Dask's progress bar (on stdout).

    Returns
    -------
    DaskRun

    Raises
    ------
    QualcodeError
        ``partitions`` is not positive, or a partition failed (the message names the
        partition, its interviews and files).
    """
    from distributed import wait

    check_partitions(partitions)
    n = partitions or default_partitions(len(turns), n_workers(client))
    parts = split_by_interview(turns, n)
    turns_dir, codings_dir, shared, run = start_coding(out, job, client)
    futures = []
    for p in parts:  # each task is sent as soon as its turns are on disk: workers start early
        write_atomic(compact_partition(p.take(turns)), turns_dir / part_file_name(p.index))
        futures.append(
            client.submit(
                code_partition,
                str((turns_dir / part_file_name(p.index)).resolve()),
                str((codings_dir / part_file_name(p.index)).resolve()),
                shared,
                key=f"qualcode-code-{run}-{p.index:05d}",
                retries=RETRIES,
            )
        )
    wait_for_partitions(futures, parts, progress=progress, wait=wait)
    return finish_coding(client.gather(futures), turns, job, turns_dir, codings_dir)


def wait_for_partitions(
    futures: list[Any], parts: Sequence[Partition], *, progress: bool, wait: Any
) -> None:
    """Wait for every task; raise the first failure with the partition's name."""
    if progress and futures:
        _show_progress(futures)
    wait(futures)
    for fut, part in zip(futures, parts, strict=True):
        if fut.status == "error":
            raise partition_error(fut.exception(), part.label(len(parts)))


def _show_progress(futures: list[Any]) -> None:
    """Dask's text progress bar, on stderr (stdout carries the command's report)."""
    from distributed import progress as show

    with contextlib.redirect_stdout(sys.stderr):
        show(futures)


def partition_error(exc: BaseException, label: str) -> Exception:
    """The error to raise for a failed task ``label``: what went wrong, naming the partition."""
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return QualcodeError(
            f"{label}: lost: the workers running it died too often (out of memory?): {exc}"
        )
    if isinstance(exc, QualcodeError):
        return QualcodeError(f"{label}: {exc}")
    err = RuntimeError(f"{label} failed: {exc!r}")
    err.__cause__ = exc
    return err


def _combine_summaries(
    tables: list[pd.DataFrame], turns: pd.DataFrame, job: CodingJob
) -> pd.DataFrame:
    """One summary from the partitions' per-interview rows (interviews appear in one each)."""
    if not tables:
        empty = schema.empty_codings()
        return coding_run_table(turns, empty, job.codebook, all_speakers=job.all_speakers)
    table = pd.concat(tables)
    total = table.sum(axis=0)
    table.loc["total"] = total
    table.index.name = "interview"
    return table.astype(int)


def collect_codings(run: DaskRun, turns: pd.DataFrame) -> pd.DataFrame:
    """Read a run's codings parts into one table in the local engine's row order."""
    codings = read_parts(run.codings_dir) if run.partitions else schema.empty_codings()
    return schema.normalize_codings(order_codings(codings, turns[schema.TURN_ID]))
