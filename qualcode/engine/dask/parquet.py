"""Code a turns table held in a Parquet file that each Dask task reads for its own rows."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.coding.job import CodingJob
from qualcode.engine.dask.cluster import RETRIES, n_workers
from qualcode.engine.dask.coding import (
    DaskRun,
    check_partitions,
    code_partition,
    finish_coding,
    start_coding,
    wait_for_partitions,
)
from qualcode.engine.dask.outputs import (
    clear_parts,
    compact_partition,
    part_file_name,
    write_atomic,
)
from qualcode.engine.ids import has_repeats, id_hashes
from qualcode.engine.partition import (
    PARTITION_TURNS,
    Partition,
    default_partitions,
    split_by_interview,
)

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["MAX_EXTRA_ROWS", "ParquetInput", "code_parquet_on_dask", "row_range_partitions"]


@dataclass(frozen=True)
class ParquetInput:
    """A turns table in a Parquet file, read by each task for its own rows."""

    path: str
    #: first row of each row group, and the number of rows
    starts: tuple[int, ...]
    rows: int

    @classmethod
    def open(cls, path: str | Path) -> ParquetInput | None:
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
    source: ParquetInput,
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
    turns = compact_partition(schema.validate_turns(rows, source=source.path, first_row=start))
    write_atomic(turns, Path(turns_path))
    summary, n_codings = code_partition(turns_path, codings_path, job, turns=turns)
    return summary, n_codings, id_hashes(turns[schema.TURN_ID])


#: rows a task may decode beyond its own (the rest of the row groups that hold them)
MAX_EXTRA_ROWS = PARTITION_TURNS


def row_range_partitions(
    labels: pd.DataFrame, source: ParquetInput, wanted: int | None, n_workers: int
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
    partitions of whole interviews (:func:`row_range_partitions`). Each task reads its own
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

    check_partitions(partitions)
    source = ParquetInput.open(path)
    if source is None:
        return None
    names = pq.ParquetFile(source.path).schema_arrow.names
    columns = [c for c in (schema.INTERVIEW, schema.SOURCE) if c in names]
    labels = pq.read_table(source.path, columns=columns).to_pandas()
    parts = row_range_partitions(labels, source, partitions, n_workers(client))
    del labels
    if parts is None:
        return None
    turns_dir, codings_dir, shared, run = start_coding(out, job, client)
    futures = [
        client.submit(
            _code_rows,
            source,
            int(p.rows[0]),
            int(p.rows[-1]) + 1,
            os.path.abspath(turns_dir / part_file_name(p.index)),
            os.path.abspath(codings_dir / part_file_name(p.index)),
            shared,
            key=f"qualcode-code-{run}-{p.index:05d}",
            retries=RETRIES,
        )
        for p in parts
    ]
    wait_for_partitions(futures, parts, progress=progress, wait=wait)
    results = client.gather(futures)
    hashes = [r[2] for r in results]
    if hashes and has_repeats(np.concatenate(hashes)) and _ids_repeat(source):
        # the table is not valid: no output; read whole, it says which id repeats and where
        clear_parts(turns_dir)
        clear_parts(codings_dir)
        return None
    return finish_coding(results, schema.empty_turns(), job, turns_dir, codings_dir)


def _ids_repeat(source: ParquetInput) -> bool:
    """Whether a turn id appears twice in the file (the exact check, after equal hashes)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    ids = pq.read_table(source.path, columns=[schema.TURN_ID])[schema.TURN_ID]
    return bool(pc.count_distinct(ids, mode="all").as_py() != len(ids))
