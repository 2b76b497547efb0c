"""The Parquet part files of a Dask coding run: written atomically, cleared, read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcode import fileio, schema
from qualcode.errors import QualcodeError

__all__ = [
    "CODINGS_DIR",
    "TURNS_DIR",
    "clear_parts",
    "compact_partition",
    "part_file_name",
    "read_parts",
    "write_atomic",
]

TURNS_DIR, CODINGS_DIR = "turns", "codings"


def write_atomic(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as Parquet to ``path`` via a temporary file renamed into place."""
    return fileio.write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def part_file_name(i: int) -> str:
    """The file name of partition ``i``'s Parquet part."""
    return f"part-{i:05d}.parquet"


def clear_parts(folder: Path) -> None:
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


def compact_partition(turns: pd.DataFrame) -> pd.DataFrame:
    """The rows of one partition without the label categories only other partitions use."""
    out = turns.reset_index(drop=True)
    for col in schema.LABEL_COLUMNS:
        if col in out.columns and isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].cat.remove_unused_categories()
    return out
