"""Reading back the sheets qualcode writes for people to fill in (review, adjudication).

The sheets are written by :func:`qualcode.exchange.xlsx.write_workbook` with readable headers
and read by the one workbook reader, :func:`qualcode.tables.read_workbook`: the header row is
mapped back to column names, and every row is indexed by the row number Excel shows, so that
errors can name the rows a person edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from qualcode.errors import ReviewSheetError, TableError

__all__ = ["read_sheet_rows", "sheet_table"]


def read_sheet_rows(
    path: str | Path, *, sheet: int | str = 0, what: str = "the sheet", written_by: str
) -> list[list]:
    """Return the cells of one sheet of an .xlsx file, row by row.

    Parameters
    ----------
    path : str or Path
    sheet : int or str
        The sheet's position or name.
    what : str
        What the file is, for the messages (``"the review sheet"``).
    written_by : str
        The command that writes the sheet, for the messages (``qualcode review export``).

    Raises
    ------
    ReviewSheetError
        The file is missing, not a workbook, lacks the sheet, or the sheet is empty.
    """
    from qualcode.tables import read_workbook

    p = Path(path)
    try:
        rows = read_workbook(p, sheet=sheet)
    except TableError as err:
        if err.reason.startswith(("file not found", "it is a folder")):
            raise ReviewSheetError(err.reason, path=p) from err
        if err.reason.startswith("no sheet"):
            msg = f"{err.reason}; expected the workbook written by {written_by}"
            raise ReviewSheetError(msg, path=p) from err
        msg = f"cannot read {what}: {err.reason}"
        raise ReviewSheetError(msg, path=p) from err
    if not rows:
        msg = f"the sheet is empty; expected the rows written by {written_by}"
        raise ReviewSheetError(msg, path=p)
    return rows


def sheet_table(
    rows: Sequence[Sequence[object]],
    *,
    labels: Mapping[str, str],
    wanted: Sequence[str],
    required: Sequence[str],
    numeric: Sequence[str] = (),
    path: str | Path,
    written_by: str,
) -> pd.DataFrame:
    """Return the ``wanted`` columns of a sheet's rows, indexed by Excel's row numbers.

    Parameters
    ----------
    rows : list of lists
        :func:`read_sheet_rows`; the first row is the header.
    labels : mapping
        Column name -> the header written for it (a header may also be the column name).
    wanted, required : sequence of str
        Columns to read; those that must be there.
    numeric : sequence of str
        Columns kept as read (numbers stay numbers); the others become text.

    Returns
    -------
    DataFrame
        Empty cells are None, text cells str.

    Raises
    ------
    ReviewSheetError
        A required column is missing (line 1).
    """
    names = {str(label).strip().lower(): name for name, label in labels.items()}
    names.update({str(c).lower(): c for c in wanted})
    header = [names.get(str(c).strip().lower(), str(c).strip()) for c in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        shown = ", ".join(repr(labels.get(c, c)) for c in missing)
        msg = f"no column {shown}; expected the sheet written by {written_by}"
        raise ReviewSheetError(msg, path=path, line=1)
    body = rows[1:]
    columns = {}
    for name in [c for c in wanted if c in header]:
        k = header.index(name)
        values = [r[k] if k < len(r) else "" for r in body]
        # empty cells come back as "", text as str, numbers as float
        cells = [None if v == "" else v for v in values]
        if name not in numeric:
            cells = [None if v is None else str(v) for v in cells]
        columns[name] = pd.Series(cells, dtype=object)
    table = pd.DataFrame(columns)
    table.index = pd.RangeIndex(2, len(body) + 2)  # the row numbers Excel shows
    return table
