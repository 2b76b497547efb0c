"""Read transcript files on a Dask cluster, in groups of files read in parallel.

:func:`parse_on_dask` reads groups of files with :func:`qualcode.transcripts.read_transcripts`
and returns one turns table, the same as reading all files in one process;
:func:`parse_to_parquet` has the workers write each group's turns to a part file, which this
process streams into one Parquet file (it never holds the whole table).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.engine.dask.cluster import RETRIES, n_workers
from qualcode.engine.dask.coding import check_partitions, partition_error
from qualcode.errors import QualcodeError
from qualcode.progress import progress_bar, show_progress

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["GROUP_FILES", "ParsedTurns", "parse_on_dask", "parse_to_parquet"]

log = logging.getLogger(__name__)

#: transcript files per parse task when the number of tasks is not given (a worker's memory is
#: bounded by the group it reads, whatever the number of files)
GROUP_FILES = 200


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
    from qualcode.transcripts.summary import count_speakers, summarize_interviews

    turns = _read_group(files, options)
    write_part(turns, Path(part))
    return summarize_interviews(turns), len(turns), count_speakers(turns)


def _parse_groups(files: list[Path], *, client: Client, partitions: int | None) -> list[list[Path]]:
    check_partitions(partitions)
    n = partitions or max(4 * n_workers(client), -(-len(files) // GROUP_FILES))
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
                    raise partition_error(exc, label)
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
        Per interview, as :func:`qualcode.transcripts.summarize_interviews` gives for the table.
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
        from qualcode.transcripts import summarize_interviews

        summary = summarize_interviews(schema.empty_turns())
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
