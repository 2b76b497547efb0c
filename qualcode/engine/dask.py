"""Run coding and parsing on a Dask cluster (``pip install 'qualcode[dask]'``).

Coding (:func:`code_on_dask`):

1. the turns table is split into partitions of whole interviews
   (:func:`qualcode.engine.partition.split_by_interview`): context across turns is never cut;
2. each partition's turns are written to ``DIR/turns/part-NNNNN.parquet`` (by the task itself
   when the input is a Parquet file that the tasks read, :func:`code_parquet_on_dask`);
3. the :class:`~qualcode.engine.job.CodingJob` (codebook, trained model, options) is scattered
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

Parsing reads groups of files in parallel with :func:`qualcode.transcripts.read_transcripts`:
:func:`parse_on_dask` returns one turns table, the same as reading all files in one process;
:func:`parse_to_parquet` has the workers write each group's turns to a part file, which this
process streams into one Parquet file (it never holds the whole table).
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import logging
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import fileio, schema
from qualcode.engine.ids import has_repeats, id_hashes
from qualcode.engine.job import CodingJob, order_codings, summarize
from qualcode.engine.partition import (
    PARTITION_TURNS,
    Partition,
    default_partitions,
    split_by_interview,
)
from qualcode.errors import QualcodeError
from qualcode.progress import progress_bar, show_progress

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "INSTALL_HINT",
    "DaskRun",
    "ParsedTurns",
    "code_on_dask",
    "code_parquet_on_dask",
    "dask_client",
    "parse_on_dask",
    "parse_to_parquet",
    "read_parts",
    "require_dask",
]

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'qualcode[dask]'"
#: times a partition's task is run again after it raised (a killed worker is handled by the
#: scheduler: its tasks run elsewhere, up to ``distributed.scheduler.allowed-failures`` times)
RETRIES = 1
TURNS_DIR, CODINGS_DIR = "turns", "codings"
#: transcript files per parse task when the number of tasks is not given (a worker's memory is
#: bounded by the group it reads, whatever the number of files)
GROUP_FILES = 200
#: how long to try to reach a scheduler given with ``--scheduler``
CONNECT_TIMEOUT = "10s"


def require_dask() -> None:
    """Raise a QualcodeError saying how to install Dask when it is missing."""
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as err:
        msg = (
            f"--engine dask needs Dask and dask.distributed, which are not installed "
            f"({err}); install them with: {INSTALL_HINT}"
        )
        raise QualcodeError(msg) from err


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    n_workers: int | None = None,
    processes: bool = True,
    dashboard: bool = True,
    notify: Callable[[str], None] | None = None,
) -> Iterator[Client]:
    """Connect to a Dask scheduler, or start a LocalCluster; close what was started.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). Without it a
        :class:`~distributed.LocalCluster` is started on this machine and closed at the end.
    n_workers : int, optional
        Workers of the LocalCluster (default: one per core); one thread each.
    processes : bool, default True
        LocalCluster workers as processes (False: threads of this process, for tests).
    dashboard : bool, default True
        Start the LocalCluster's dashboard (needs bokeh, part of the ``dask`` extra).
    notify : callable, optional
        Called with a line saying which cluster is used (and its dashboard address).

    Yields
    ------
    distributed.Client

    Raises
    ------
    QualcodeError
        Dask is not installed, or the scheduler cannot be reached.
    """
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            msg = (
                f"--scheduler {scheduler}: cannot connect to a Dask scheduler there ({err}); "
                "expected the address of a running scheduler, e.g. tcp://host:8786"
            )
            raise QualcodeError(msg) from err
        try:
            if notify is not None:
                n = len(client.scheduler_info().get("workers", {}))
                notify(f"Dask scheduler {scheduler}: {n} worker(s)")
            yield client
        finally:
            client.close()
        return
    env = _worker_env() if processes else {}
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0" if dashboard else None,
            env=env,
        ) as cluster,
        Client(cluster) as client,
    ):
        if notify is not None:
            n = len(cluster.workers)
            link = client.dashboard_link if dashboard else None
            where = f"; dashboard {link}" if link else ""
            if link and importlib.util.find_spec("bokeh") is None:
                where += " (it needs bokeh: pip install bokeh)"
            notify(
                f"Started a Dask LocalCluster: {n} worker(s), {cluster.scheduler_address}{where}"
            )
        yield client


def _worker_env() -> dict[str, str]:
    """PYTHONPATH for worker processes: they import the qualcode this process imported."""
    import qualcode

    root = str(Path(qualcode.__file__).resolve().parents[1])
    paths = [root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def _n_workers(client: Client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


# --- files -------------------------------------------------------------------------------------
def write_atomic(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as Parquet to ``path`` via a temporary file renamed into place."""
    return fileio.write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def _part_name(i: int) -> str:
    return f"part-{i:05d}.parquet"


def _clear_parts(folder: Path) -> None:
    """Remove the part files (and leftover temporaries) of an earlier run in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in folder.iterdir():
        if p.name.startswith(("part-", ".part-")) and p.name.endswith((".parquet", ".tmp")):
            p.unlink()


def read_parts(folder: str | Path) -> pd.DataFrame:
    """Read the part files of a folder written by :func:`code_on_dask`, in part order."""
    files = sorted(Path(folder).glob("part-*.parquet"))
    if not files:
        msg = f"{folder}: no part-*.parquet files; expected the output of --engine dask"
        raise QualcodeError(msg)
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def _compact(turns: pd.DataFrame) -> pd.DataFrame:
    """The rows of one partition without the label categories only other partitions use."""
    out = turns.reset_index(drop=True)
    for col in schema.LABEL_COLUMNS:
        if col in out.columns and isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].cat.remove_unused_categories()
    return out


# --- coding ------------------------------------------------------------------------------------
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


def _code_partition(
    turns_path: str, codings_path: str, job: CodingJob, *, turns: pd.DataFrame | None = None
) -> tuple[Any, int]:
    """Task: code one partition's turns and write its codings (idempotent)."""
    if turns is None:
        turns = pd.read_parquet(turns_path)
    codings = job.code(turns)
    write_atomic(codings, Path(codings_path))
    table = summarize(turns, codings, job.codebook, all_speakers=job.all_speakers)
    return table.iloc[:-1], len(codings)


def _check_partitions(partitions: int | None) -> None:
    if partitions is not None and partitions < 1:
        msg = f"--partitions must be a positive number, got {partitions}"
        raise QualcodeError(msg)


def _start_coding(out: str | Path, job: CodingJob, client: Client) -> tuple[Path, Path, Any, str]:
    """The output folders (parts of an earlier run removed), the job on every worker, a run id."""
    folder = Path(out)
    turns_dir, codings_dir = folder / TURNS_DIR, folder / CODINGS_DIR
    _clear_parts(turns_dir)
    _clear_parts(codings_dir)
    shared = client.scatter(job, broadcast=True, hash=False)
    return turns_dir, codings_dir, shared, uuid.uuid4().hex[:8]


def _finish_coding(
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
        From :func:`qualcode.engine.job.prepare_job`.
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

    _check_partitions(partitions)
    n = partitions or default_partitions(len(turns), _n_workers(client))
    parts = split_by_interview(turns, n)
    turns_dir, codings_dir, shared, run = _start_coding(out, job, client)
    futures = []
    for p in parts:  # each task is sent as soon as its turns are on disk: workers start early
        write_atomic(_compact(p.take(turns)), turns_dir / _part_name(p.index))
        futures.append(
            client.submit(
                _code_partition,
                str((turns_dir / _part_name(p.index)).resolve()),
                str((codings_dir / _part_name(p.index)).resolve()),
                shared,
                key=f"qualcode-code-{run}-{p.index:05d}",
                retries=RETRIES,
            )
        )
    _wait(futures, parts, progress=progress, wait=wait)
    return _finish_coding(client.gather(futures), turns, job, turns_dir, codings_dir)


@dataclass(frozen=True)
class _ParquetInput:
    """A turns table in a Parquet file, read by each task for its own rows."""

    path: str
    #: first row of each row group, and the number of rows
    starts: tuple[int, ...]
    rows: int

    @classmethod
    def open(cls, path: str | Path) -> _ParquetInput | None:
        """The file as a task input, or None when it is not a turns table (read it whole)."""
        import pyarrow.parquet as pq

        from qualcode.transcripts.tabular import is_turns_table

        meta = pq.ParquetFile(path).metadata
        if not is_turns_table(pd.DataFrame(columns=meta.schema.to_arrow_schema().names)):
            return None
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        starts = tuple(int(x) for x in itertools.accumulate([0, *sizes[:-1]])) if sizes else ()
        return cls(os.path.abspath(path), starts, int(meta.num_rows))

    def read(self, start: int, stop: int) -> pd.DataFrame:
        """Rows ``start`` to ``stop`` (not included), read from the row groups that hold them."""
        import bisect

        import pyarrow.parquet as pq

        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = max(first, bisect.bisect_right(self.starts, stop - 1) - 1)
        table = pq.ParquetFile(self.path).read_row_groups(range(first, last + 1), use_threads=False)
        at = self.starts[first] if self.starts else 0
        return table.slice(start - at, stop - start).to_pandas()


def _code_rows(
    source: _ParquetInput,
    start: int,
    stop: int,
    turns_path: str,
    codings_path: str,
    job: CodingJob,
) -> tuple[Any, int, np.ndarray]:
    """Task: read one partition's rows of the input, check them, write them as the partition's
    turns, code them and write their codings (idempotent); also return the turn ids' hashes,
    for the driver to check that no id is in two partitions."""
    rows = source.read(start, stop)
    turns = _compact(schema.validate_turns(rows, source=source.path, first_row=start))
    write_atomic(turns, Path(turns_path))
    summary, n_codings = _code_partition(turns_path, codings_path, job, turns=turns)
    return summary, n_codings, id_hashes(turns[schema.TURN_ID])


#: rows a task may decode beyond its own (the rest of the row groups that hold them)
MAX_EXTRA_ROWS = PARTITION_TURNS


def _row_range_partitions(
    labels: pd.DataFrame, source: _ParquetInput, wanted: int | None, n_workers: int
) -> list[Partition] | None:
    """Partitions of whole interviews that are row ranges of the file, cheap to read.

    Row groups that hold whole interviews and at most two partitions' worth of turns are the
    partitions themselves (the Dask parse writes one per group of files): each task decodes
    only its rows. Otherwise the rows are split as :func:`split_by_interview` splits them, if
    that gives row ranges whose row groups are not much larger than they are (a file written
    in row groups of a million rows is not: each 50,000-turn task would decode a million).
    """
    n_rows = len(labels)
    if n_rows == 0:
        return []
    ends = [*source.starts[1:], n_rows]
    codes = pd.factorize(labels[schema.INTERVIEW], sort=False)[0]
    aligned = all(codes[s - 1] != codes[s] for s in source.starts[1:])
    sizes = [b - a for a, b in zip(source.starts, ends, strict=True)]
    if (
        wanted is None
        and aligned
        and max(sizes) <= 2 * PARTITION_TURNS
        and len(sizes) >= 2 * n_workers
    ):
        return [
            _range_partition(i, a, b, labels)
            for i, (a, b) in enumerate(zip(source.starts, ends, strict=True))
        ]
    parts = split_by_interview(labels, wanted or default_partitions(n_rows, n_workers))
    if any(int(p.rows[-1]) - int(p.rows[0]) + 1 != len(p.rows) for p in parts):
        return None  # an interview's rows are apart: partitions are not row ranges
    starts = np.asarray(source.starts)
    for p in parts:
        first = int(np.searchsorted(starts, p.rows[0], side="right")) - 1
        last = int(np.searchsorted(starts, p.rows[-1], side="right")) - 1
        if sum(sizes[first : last + 1]) - len(p.rows) > MAX_EXTRA_ROWS:
            return None
    return parts


def _range_partition(index: int, start: int, stop: int, labels: pd.DataFrame) -> Partition:
    rows = labels.iloc[start:stop]
    interviews = tuple(str(x) for x in pd.unique(rows[schema.INTERVIEW]))
    sources: tuple[str, ...] = ()
    if schema.SOURCE in rows.columns:
        sources = tuple(str(x) for x in pd.unique(rows[schema.SOURCE].dropna()))
    return Partition(index, np.arange(start, stop), interviews, sources)


def code_parquet_on_dask(
    path: str | Path,
    job: CodingJob,
    out: str | Path,
    *,
    client: Client,
    partitions: int | None = None,
    progress: bool = True,
) -> DaskRun | None:
    """Code the turns table in the Parquet file ``path`` without reading it here.

    This process reads only the ``interview`` and ``source`` columns, to split the rows into
    partitions of whole interviews (:func:`_row_range_partitions`). Each task reads its own
    rows from the file (every worker must reach it under the same path), checks them as
    :func:`qualcode.transcripts.read_turns` does, writes the same ``turns/`` and ``codings/``
    parts as :func:`code_on_dask` and returns the hashes of its turn ids, from which this
    process checks that no id is in two partitions (:mod:`qualcode.engine.ids`). Its memory
    then does not grow with the table (it held the whole table: 3.2 GB at 10 M turns).

    Returns
    -------
    DaskRun or None
        None when the file is not a turns table, its turn ids repeat, an interview's rows are
        not together, or its row groups are much larger than a partition: read it with
        :func:`~qualcode.transcripts.read_turns` (which says what is wrong) and use
        :func:`code_on_dask`.
    """
    import pyarrow.parquet as pq
    from distributed import wait

    _check_partitions(partitions)
    source = _ParquetInput.open(path)
    if source is None:
        return None
    names = pq.ParquetFile(source.path).schema_arrow.names
    columns = [c for c in (schema.INTERVIEW, schema.SOURCE) if c in names]
    labels = pq.read_table(source.path, columns=columns).to_pandas()
    parts = _row_range_partitions(labels, source, partitions, _n_workers(client))
    del labels
    if parts is None:
        return None
    turns_dir, codings_dir, shared, run = _start_coding(out, job, client)
    futures = [
        client.submit(
            _code_rows,
            source,
            int(p.rows[0]),
            int(p.rows[-1]) + 1,
            os.path.abspath(turns_dir / _part_name(p.index)),
            os.path.abspath(codings_dir / _part_name(p.index)),
            shared,
            key=f"qualcode-code-{run}-{p.index:05d}",
            retries=RETRIES,
        )
        for p in parts
    ]
    _wait(futures, parts, progress=progress, wait=wait)
    results = client.gather(futures)
    hashes = [r[2] for r in results]
    if hashes and has_repeats(np.concatenate(hashes)) and _ids_repeat(source):
        # the table is not valid: no output; read whole, it says which id repeats and where
        _clear_parts(turns_dir)
        _clear_parts(codings_dir)
        return None
    return _finish_coding(results, schema.empty_turns(), job, turns_dir, codings_dir)


def _ids_repeat(source: _ParquetInput) -> bool:
    """Whether a turn id appears twice in the file (the exact check, after equal hashes)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    ids = pq.read_table(source.path, columns=[schema.TURN_ID])[schema.TURN_ID]
    return bool(pc.count_distinct(ids, mode="all").as_py() != len(ids))


def _wait(futures: list[Any], parts: Sequence[Partition], *, progress: bool, wait: Any) -> None:
    """Wait for every task; raise the first failure with the partition's name."""
    if progress and futures:
        _show_progress(futures)
    wait(futures)
    for fut, part in zip(futures, parts, strict=True):
        if fut.status == "error":
            raise _partition_error(fut.exception(), part.label(len(parts)))


def _show_progress(futures: list[Any]) -> None:
    """Dask's text progress bar, on stderr (stdout carries the command's report)."""
    from distributed import progress as show

    with contextlib.redirect_stdout(sys.stderr):
        show(futures)


def _partition_error(exc: BaseException, label: str) -> Exception:
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
        return summarize(turns, empty, job.codebook, all_speakers=job.all_speakers)
    table = pd.concat(tables)
    total = table.sum(axis=0)
    table.loc["total"] = total
    table.index.name = "interview"
    return table.astype(int)


def collect_codings(run: DaskRun, turns: pd.DataFrame) -> pd.DataFrame:
    """Read a run's codings parts into one table in the local engine's row order."""
    codings = read_parts(run.codings_dir) if run.partitions else schema.empty_codings()
    return schema.normalize_codings(order_codings(codings, turns[schema.TURN_ID]))


# --- parsing -----------------------------------------------------------------------------------
def _file_groups(files: list[Path], n: int) -> list[list[Path]]:
    """Contiguous groups of files that read alone give the ids they get read together."""
    from qualcode.transcripts.builder import interview_base
    from qualcode.transcripts.folders import interview_bases

    k = max(1, min(n, len(files)))
    bounds = [round(i * len(files) / k) for i in range(k + 1)]
    groups = [files[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    plain = [interview_base(f) for f in files]
    if len(set(plain)) == len(plain):  # no two files share a name: alone or together the same
        return groups
    full = interview_bases(files)
    at = 0
    for g in groups:
        # same stems in two groups: ids would change
        if interview_bases(g) != full[at : at + len(g)]:
            log.info("files with the same name in different groups: reading them together")
            return [files]
        at += len(g)
    return groups


def _read_group(files: list[str], options: dict[str, Any]) -> pd.DataFrame:
    from qualcode.transcripts import read_transcripts

    return read_transcripts([Path(f) for f in files], **options)


def _parse_group_to_part(
    files: list[str], options: dict[str, Any], part: str
) -> tuple[pd.DataFrame, int, int]:
    """Task: read a group of files, write its turns to ``part``; return its per-interview
    summary, turns and speakers.

    The part is an Arrow IPC file (:func:`qualcode.engine.parts.write_part`): a sixth of the
    CPU of Parquet to write, and the driver maps it instead of decoding it. It is written
    through a temporary file renamed into place, so a task run again rewrites the same part.
    """
    from qualcode.engine.parts import write_part
    from qualcode.transcripts.summary import count_speakers, summarize_turns

    turns = _read_group(files, options)
    write_part(turns, Path(part))
    return summarize_turns(turns), len(turns), count_speakers(turns)


def _parse_groups(files: list[Path], *, client: Client, partitions: int | None) -> list[list[Path]]:
    _check_partitions(partitions)
    n = partitions or max(4 * _n_workers(client), -(-len(files) // GROUP_FILES))
    return _file_groups(files, n)


def _run_groups(
    client: Client,
    groups: list[list[Path]],
    task: Callable[..., Any],
    extra: Callable[[int], tuple[Any, ...]],
    take: Callable[[int, Any], None],
    *,
    progress: bool,
) -> None:
    """Run ``task(files, *extra(i))`` for every group ``i``; ``take(i, result)`` as each ends.

    Each result is taken as soon as its task ends and released on its worker (holding them all
    until the end made a worker's memory grow with the corpus: 1.3 GB each at 10 M turns). The
    first failure cancels the rest and is raised naming the group and its files.
    """
    from distributed import as_completed

    run = uuid.uuid4().hex[:8]
    futures = [
        client.submit(
            task,
            [os.path.abspath(f) for f in g],  # Path.resolve: 3 s for 17,000 files
            *extra(i),
            key=f"qualcode-parse-{run}-{i:05d}",
            retries=RETRIES,
        )
        for i, g in enumerate(groups)
    ]
    position = {fut.key: i for i, fut in enumerate(futures)}
    with (
        show_progress(False) if not progress else contextlib.nullcontext(),
        progress_bar(total=len(futures), desc="reading transcripts", unit="group") as bar,
    ):
        try:
            for fut in as_completed(futures):
                i = position[fut.key]
                if fut.status == "error":
                    exc = fut.exception()
                    g = groups[i]
                    label = f"file group {i + 1} of {len(groups)} ({g[0].name} to {g[-1].name})"
                    if isinstance(exc, QualcodeError):
                        raise QualcodeError(f"{label}: {exc}") from exc
                    raise _partition_error(exc, label)
                take(i, fut.result())
                fut.release()
                bar.update(1)
        except BaseException:
            client.cancel(futures)
            raise


def parse_on_dask(
    files: list[Path],
    *,
    client: Client,
    partitions: int | None = None,
    progress: bool = True,
    **options: Any,
) -> pd.DataFrame:
    """Read transcript files in parallel on the cluster; return one turns table.

    Parameters
    ----------
    files : list of Path
        From :func:`qualcode.transcripts.find_transcripts`.
    client : distributed.Client
    partitions : int, optional
        Groups of files read by one task each (default: four per worker, and at most
        :data:`GROUP_FILES` files each).
    progress : bool, default True
    **options
        As for :func:`qualcode.transcripts.read_transcripts`.

    Returns
    -------
    DataFrame
        The turns table reading ``files`` in one process gives (same rows, order and ids).

    Raises
    ------
    TranscriptParseError, QualcodeError
        As :func:`~qualcode.transcripts.read_transcripts` (naming the file), with the group.
    """
    groups = _parse_groups(files, client=client, partitions=partitions)
    frames: list[pd.DataFrame | None] = [None] * len(groups)

    def take(i: int, table: pd.DataFrame) -> None:
        frames[i] = table

    _run_groups(client, groups, _read_group, lambda _i: (options,), take, progress=progress)
    tables = [f for f in frames if f is not None]
    if not tables:
        return schema.empty_turns()
    return schema.normalize_turns(pd.concat(_same_categories(tables), ignore_index=True))


@dataclass(frozen=True)
class ParsedTurns:
    """What :func:`parse_to_parquet` wrote.

    Attributes
    ----------
    path : Path
        The turns table (Parquet).
    summary : DataFrame
        Per interview, as :func:`qualcode.transcripts.summarize_turns` gives for the table.
    turns, speakers : int
        Rows written; speakers counted per file (see
        :func:`qualcode.transcripts.summary.count_speakers`).
    """

    path: Path
    summary: pd.DataFrame
    turns: int
    speakers: int


def parse_to_parquet(
    files: list[Path],
    out: str | Path,
    *,
    client: Client,
    partitions: int | None = None,
    progress: bool = True,
    **options: Any,
) -> ParsedTurns:
    """Read transcript files on the cluster into one Parquet turns table at ``out``.

    The workers write the turns of each group of files to a part file (Arrow IPC) in a hidden folder
    beside ``out`` (which every worker must reach under the same path: the local disk for a
    LocalCluster, a shared file system on a multi-node cluster) and return only a summary; this
    process streams the parts into ``out`` in order as they come (:class:`PartConcatenator`),
    holding one at a time. ``out`` is replaced only when complete.

    The rows, their order and ids are those of :func:`parse_on_dask` and of reading the files
    in one process; read back with :func:`qualcode.transcripts.read_turns` the table is the
    same (the row groups, and so the order of the label categories pandas reads, differ).

    Parameters
    ----------
    files : list of Path
    out : str or Path
        The .parquet file to write.
    client : distributed.Client
    partitions, progress, **options
        As for :func:`parse_on_dask`.

    Returns
    -------
    ParsedTurns

    Raises
    ------
    TranscriptParseError, QualcodeError
        As :func:`parse_on_dask`; OutputError when ``out`` cannot be written.
    """
    import pyarrow as pa

    from qualcode.engine.parts import PartConcatenator, part_name

    groups = _parse_groups(files, client=client, partitions=partitions)
    path = Path(os.path.abspath(out))
    staging = path.with_name(f".{path.name}.parts-{uuid.uuid4().hex[:8]}")
    summaries: list[pd.DataFrame | None] = [None] * len(groups)
    counts = [0, 0]
    try:
        staging.mkdir(parents=True)
        with PartConcatenator(path, len(groups)) as joined:

            def take(i: int, result: tuple[pd.DataFrame, int, int]) -> None:
                summaries[i] = result[0]
                counts[0] += result[1]
                counts[1] += result[2]
                joined.add(i, staging / part_name(i))

            _run_groups(
                client,
                groups,
                _parse_group_to_part,
                lambda i: (options, str(staging / part_name(i))),
                take,
                progress=progress,
            )
            joined.close(empty=pa.Schema.from_pandas(schema.empty_turns(), preserve_index=False))
    except OSError as err:
        from qualcode.fileio import output_error

        raise output_error(err, path) from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    frames = [s for s in summaries if s is not None]
    if frames:
        summary = pd.concat(frames, ignore_index=True)
    else:
        from qualcode.transcripts import summarize_turns

        summary = summarize_turns(schema.empty_turns())
    return ParsedTurns(path, summary, counts[0], counts[1])


def _same_categories(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The frames with the label columns on one set of categories, so that concatenating them
    keeps the columns categorical (else a string is made for every row)."""
    for col in schema.LABEL_COLUMNS:
        if not all(isinstance(f[col].dtype, pd.CategoricalDtype) for f in frames):
            continue
        names = sorted(set().union(*(f[col].cat.categories.tolist() for f in frames)))
        categories = pd.Index(names, dtype="string")
        frames = [f.assign(**{col: f[col].cat.set_categories(categories)}) for f in frames]
    return frames
