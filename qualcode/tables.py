"""Read and write tables by file extension (.csv, .tsv, .xlsx, .parquet).

Every table qualcode writes can be read back unchanged: text columns are read as text (an id
such as ``007`` stays ``007``) and empty cells become missing values.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcode.errors import TableError
from qualcode.fileio import atomic_path

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, TSV, XLSX or Parquet file into a DataFrame of text cells.

    Parameters
    ----------
    path : str or Path
        The file; its extension picks the reader.
    sheet : str or int, default 0
        Worksheet of an .xlsx file.

    Returns
    -------
    DataFrame
        Cells as read; CSV/TSV/XLSX cells are strings (empty cells missing).

    Raises
    ------
    TableError
        If the file is missing, of an unknown type, or cannot be parsed.
    """
    p = Path(path)
    if not p.exists():
        msg = "file not found"
        raise TableError(msg, path=p)
    suffix = p.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            sep = "\t" if suffix in (".tsv", ".txt") else ","
            return pd.read_csv(
                p,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
            )
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(p, sheet_name=sheet, dtype=str, engine="openpyxl")
        if suffix == ".parquet":
            return pd.read_parquet(p)
    except (ValueError, OSError, UnicodeDecodeError, KeyError) as err:
        msg = f"cannot read table: {err}"
        raise TableError(msg, path=p) from err
    msg = f"unknown table type {suffix!r}; expected one of {', '.join(TABLE_SUFFIXES)}"
    raise TableError(msg, path=p)


def write_table(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "Sheet1") -> Path:
    """Write ``df`` to ``path`` (.csv, .tsv, .xlsx or .parquet, by extension).

    The table is written under a temporary name beside ``path`` and renamed when complete
    (:func:`qualcode.fileio.atomic_path`): a failure never leaves a truncated table.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    TableError
        If the extension is not a table type.
    OutputError
        If the file cannot be written (no permission, a file where a folder is expected, the
        disk is full...).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet"):
        msg = f"unknown table type {suffix!r}; expected .csv, .tsv, .xlsx or .parquet"
        raise TableError(msg, path=p)
    with atomic_path(p) as tmp:
        if suffix == ".csv":
            df.to_csv(tmp, index=False)
        elif suffix == ".tsv":
            df.to_csv(tmp, index=False, sep="\t")
        elif suffix in (".xlsx", ".xlsm"):
            df.to_excel(tmp, index=False, sheet_name=sheet_name, engine="openpyxl")
        else:
            df.to_parquet(tmp, index=False)
    return p
