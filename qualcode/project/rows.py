"""Inserting and retiring rows: the only writes the project makes besides undo.

Rows get explicit ids (the next free ones: the caller holds the write lock), so that the ids of
what was just inserted are known without a query per row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["coder_ids", "insert", "next_id", "retire"]


def next_id(con: sqlite3.Connection, table: str) -> int:
    """The first free id of ``table``."""
    row = con.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()
    return int(row[0])


def _cells(values: object) -> list[object]:
    """A column as Python objects, missing values as None (what sqlite3 stores as NULL)."""
    series = pd.Series(values)
    if series.dtype.kind in "iu":
        return [int(v) for v in series.to_numpy()]
    if series.dtype.kind == "f":
        arr = series.to_numpy()
        return [None if v != v else float(v) for v in arr]
    out = series.astype(object).to_numpy()
    mask = pd.isna(series).to_numpy()
    if mask.any():
        out = out.copy()
        out[mask] = None
    return [v.item() if isinstance(v, np.generic) else v for v in out]


def insert(
    con: sqlite3.Connection, table: str, columns: Mapping[str, object], *, batch: int
) -> np.ndarray:
    """Insert one row per element of the (equal length) ``columns``; return their new ids."""
    names = list(columns)
    cells = [_cells(columns[n]) for n in names]
    n = len(cells[0]) if cells else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = next_id(con, table)
    ids = np.arange(start, start + n, dtype=np.int64)
    quoted = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" * (len(names) + 2))
    sql = f"INSERT INTO {table}(id, {quoted}, created_batch) VALUES ({marks})"
    rows = zip(ids.tolist(), *cells, [batch] * n, strict=True)
    con.executemany(sql, rows)
    return ids


def retire(con: sqlite3.Connection, table: str, ids: Iterable[int], *, batch: int) -> int:
    """Mark alive rows as retired by ``batch``; return how many were."""
    chunk: list[int] = []
    count = 0
    for i in ids:
        chunk.append(int(i))
        if len(chunk) >= 50_000:
            count += _retire_chunk(con, table, chunk, batch)
            chunk = []
    if chunk:
        count += _retire_chunk(con, table, chunk, batch)
    return count


def _retire_chunk(con: sqlite3.Connection, table: str, ids: Sequence[int], batch: int) -> int:
    cur = con.executemany(
        f"UPDATE {table} SET retired_batch = ? WHERE id = ? AND retired_batch IS NULL",
        ((batch, i) for i in ids),
    )
    return cur.rowcount


def coder_ids(con: sqlite3.Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of coder names, adding the names not seen before."""
    wanted = list(dict.fromkeys(str(n) for n in names))
    con.executemany("INSERT OR IGNORE INTO coders(name) VALUES (?)", ((n,) for n in wanted))
    found: dict[str, int] = {}
    for k in range(0, len(wanted), 500):
        part = wanted[k : k + 500]
        marks = ",".join("?" * len(part))
        for name, cid in con.execute(
            f"SELECT name, id FROM coders WHERE name IN ({marks})",
            part,
        ):
            found[name] = int(cid)
    return found
