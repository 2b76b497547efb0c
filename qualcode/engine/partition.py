"""Split a turns table into partitions of whole interviews.

Context features (the turn before and after) and sequence decoding link the turns of one
interview, so an interview is never cut: a partition is a run of whole interviews, in the order
they first appear, of about equal numbers of turns. :func:`order_codings` puts the codings of
the partitions back in the order coding the whole table gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualcode import schema

__all__ = ["Partition", "default_partitions", "order_codings", "split_by_interview"]

#: turns per partition when the number of partitions is not given
PARTITION_TURNS = 50_000


@dataclass(frozen=True)
class Partition:
    """Rows of one partition and what to call it in messages.

    Attributes
    ----------
    index : int
        0-based number of the partition.
    rows : ndarray of int
        Row positions in the turns table, in table order.
    interviews : tuple of str
        The interviews it holds, in order.
    sources : tuple of str
        The files their turns came from (empty when the table has no ``source``).
    """

    index: int
    rows: np.ndarray
    interviews: tuple[str, ...]
    sources: tuple[str, ...]

    def take(self, turns: pd.DataFrame) -> pd.DataFrame:
        """The partition's rows of ``turns``: a slice when they are adjacent (the usual case:
        a parsed table holds each interview's turns together), else a copy."""
        rows = self.rows
        if len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows):
            return turns.iloc[int(rows[0]) : int(rows[-1]) + 1]
        return turns.iloc[rows]

    def label(self, total: int) -> str:
        """Name the partition, its interviews and files (for error messages)."""
        ivs = self.interviews
        what = (
            f"interview {ivs[0]!r}"
            if len(ivs) == 1
            else (f"interviews {ivs[0]!r} to {ivs[-1]!r} ({len(ivs)} interviews)")
        )
        files = ", ".join(self.sources[:3]) + (" ..." if len(self.sources) > 3 else "")
        where = f"; file {files}" if files else ""
        return f"partition {self.index + 1} of {total} ({what}{where})"


def default_partitions(n_turns: int, n_workers: int) -> int:
    """Partitions to use: at least two per worker, at most :data:`PARTITION_TURNS` turns each."""
    return max(2 * max(n_workers, 1), -(-n_turns // PARTITION_TURNS), 1)


def _assign(sizes: np.ndarray, k: int) -> np.ndarray:
    """Partition of each interview: runs in order, about ``total / k`` turns each, none empty.

    A partition is closed before an interview when adding it would overshoot the partition's
    share of the turns left by more than half of it, or when the interviews left are just
    enough to give every remaining partition one.
    """
    part_of = np.empty(len(sizes), dtype=np.int64)
    p, size, rest = 0, 0, int(sizes.sum())
    for i, s in enumerate(sizes.tolist()):
        parts_left, ivs_left = k - p, len(sizes) - i
        if size and p < k - 1 and (ivs_left < parts_left or size + s / 2 > rest / parts_left):
            rest -= size
            p, size = p + 1, 0
        part_of[i] = p
        size += s
    return part_of


def split_by_interview(turns: pd.DataFrame, n_partitions: int) -> list[Partition]:
    """Split ``turns`` into at most ``n_partitions`` partitions of whole interviews.

    Parameters
    ----------
    turns : DataFrame
        A turns table (any row order; an interview's rows need not be adjacent).
    n_partitions : int
        Wanted number of partitions (fewer when there are fewer interviews).

    Returns
    -------
    list of Partition
        Non-empty, in order of the interviews' first rows; together they hold every row once.

    Examples
    --------
    >>> t = pd.DataFrame({"interview": ["a", "a", "b", "c"], "source": ["x", "x", "y", "y"]})
    >>> [p.interviews for p in split_by_interview(t, 2)]
    [('a',), ('b', 'c')]
    """
    n = len(turns)
    if n == 0:
        return []
    # factorize the column itself: a categorical (as read from Parquet) is not turned into
    # one Python string per row
    codes, uniques = pd.factorize(turns[schema.INTERVIEW], sort=False)
    names = np.asarray([str(x) for x in uniques], dtype=object)
    sizes = np.bincount(codes, minlength=len(names))
    k = max(1, min(int(n_partitions), len(names)))
    part_of = _assign(sizes, k)
    row_part = part_of[codes]
    order = np.argsort(row_part, kind="stable")
    bounds = np.searchsorted(row_part[order], np.arange(k + 1))
    file_of, file_names = np.full(n, -1), np.asarray([], dtype=object)
    if schema.SOURCE in turns.columns:
        file_of, found = pd.factorize(turns[schema.SOURCE], sort=False)  # missing: -1
        file_names = np.asarray([str(x) for x in found], dtype=object)
    out: list[Partition] = []
    for p in range(k):
        rows = order[bounds[p] : bounds[p + 1]]
        if len(rows) == 0:
            continue
        ivs = tuple(names[np.flatnonzero(part_of == p)])
        files = [str(file_names[i]) for i in pd.unique(file_of[rows]) if i >= 0]
        out.append(Partition(len(out), rows, ivs, tuple(f for f in files if f not in ("", "<NA>"))))
    return out


def order_codings(codings: pd.DataFrame, turn_ids: pd.Series) -> pd.DataFrame:
    """Put codings of partitions, concatenated, in the order coding the whole table gives.

    That order is: the model's rows, then the rules' rows; each in turn order (the order of
    ``turn_ids``), and within a turn as coded. A stable sort restores it from any order of
    partitions, because each partition keeps it for its own turns.
    """
    row = pd.Index(turn_ids.astype(str)).get_indexer(pd.Index(codings[schema.TURN_ID].astype(str)))
    block = (codings[schema.CODER].astype(str) != schema.MODEL_CODER).to_numpy()
    order = np.lexsort((row, block))
    return codings.iloc[order].reset_index(drop=True)
