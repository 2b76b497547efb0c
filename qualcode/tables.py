"""Read and write tables by file extension (.csv, .tsv, .xlsx, .parquet).

Every table qualcode writes can be read back unchanged: text columns are read as text (an id
such as ``007`` stays ``007``) and empty cells become missing values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import TableError
from qualcode.fileio import atomic_path

__all__ = [
    "CSV_CHUNK_ROWS",
    "TABLE_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "read_table",
    "read_text_csv",
    "read_workbook",
    "write_delimited",
    "write_table",
]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")

#: the extensions read as Excel workbooks (by :func:`read_workbook`)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


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
        Cells as read; CSV/TSV/XLSX cells are strings (empty cells missing). A CSV/TSV may
        be UTF-8 (with or without BOM), UTF-16 (with or without BOM) or cp1252, which Excel
        writes as "CSV" on Windows.

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
    if suffix in WORKBOOK_SUFFIXES:
        return _frame_of_rows(read_workbook(p, sheet=sheet))
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return _read_delimited(p, sep="\t" if suffix in (".tsv", ".txt") else ",")
        if suffix == ".parquet":
            return pd.read_parquet(p)
    except TableError:
        raise
    except pd.errors.EmptyDataError as err:
        msg = "the file is empty; expected a table with a header row"
        raise TableError(msg, path=p) from err
    except (ValueError, OSError, UnicodeDecodeError, KeyError) as err:
        msg = f"cannot read table: {err}"
        raise TableError(msg, path=p) from err
    msg = f"unknown table type {suffix!r}; expected one of {', '.join(TABLE_SUFFIXES)}"
    raise TableError(msg, path=p)


def _read_delimited(p: Path, *, sep: str) -> pd.DataFrame:
    """A CSV/TSV of text cells in UTF-8 (fast path), else UTF-16 or cp1252 (Excel's "CSV")."""
    options: dict[str, Any] = {
        "sep": sep,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [""],
    }
    try:
        table = pd.read_csv(p, encoding="utf-8-sig", **options)
        if not any("\x00" in str(c) for c in table.columns):  # UTF-16 without BOM reads so
            return table
    except UnicodeDecodeError:
        pass
    return pd.read_csv(io.StringIO(_decode(p.read_bytes(), p)), **options)


def _decode(data: bytes, p: Path) -> str:
    """The text of a table file that is not UTF-8: UTF-16 (with or without BOM) or cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        encoding = (
            "utf-16-le" if odd > len(head) // 4 > even else
            "utf-16-be" if even > len(head) // 4 > odd else
            "cp1252"
        )  # fmt: skip
        if encoding == "cp1252" and b"\x00" in data:
            msg = (
                "not a text table (it holds NUL bytes: a binary file?); expected a CSV saved "
                "as UTF-8, UTF-16 or Windows cp1252"
            )
            raise TableError(msg, path=p)
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        if encoding != "cp1252":
            msg = f"not readable as {encoding.upper()} text; expected a CSV saved as UTF-8"
            raise TableError(msg, path=p) from None
        return data.decode("latin-1")  # cp1252 leaves five bytes undefined


def read_text_csv(
    path: Path, *, what: str, expected: str, folder: str | None = None
) -> pd.DataFrame:
    """Read a UTF-8 CSV file (a byte-order mark skipped): every cell text, empty cells ``""``.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        What the file is, for messages (``"pseudonym"``: "pseudonym file not found").
    expected : str
        Said after an unreadable file's error (``"expected a CSV"``).
    folder : str, optional
        The message when ``path`` is a folder; without it that error is not caught.

    Raises
    ------
    TableError
        If the file is missing or cannot be read as CSV (or is a folder, given ``folder``).
    """
    try:
        return pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise TableError(f"{what} file not found", path=path) from err
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = f"cannot read the {what} file ({err}); {expected}"
        raise TableError(msg, path=path) from err
    except IsADirectoryError as err:
        if folder is None:
            raise
        raise TableError(folder, path=path) from err


def read_workbook(path: str | Path, *, sheet: str | int = 0) -> list[list[Any]]:
    """Read one worksheet of an .xlsx/.xlsm workbook into rows of cell values.

    The one reader of every workbook qualcode reads (tables, transcripts kept as tables, cases,
    codings, the review sheet): python-calamine, several times faster than openpyxl, and one
    clear error for a file that is not a workbook (random bytes, a renamed .csv, a truncated
    download, a password-protected file).

    Parameters
    ----------
    path : str or Path
        The workbook.
    sheet : str or int, default 0
        The worksheet, by name or 0-based position.

    Returns
    -------
    list of list
        The rows, the first one being the header row; an empty cell is ``""``, a number a
        float (or int), a date a :class:`datetime.date` or :class:`datetime.datetime`.

    Raises
    ------
    TableError
        If the file is missing, is not a workbook, or has no such sheet.
    """
    from python_calamine import CalamineWorkbook

    p = Path(path)
    if not p.is_file():
        raise TableError("file not found" if not p.exists() else "it is a folder", path=p)
    try:  # calamine raises its own types (zip, XML...) for damaged files
        book = CalamineWorkbook.from_path(str(p))
    except Exception as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        msg = (
            f"not a readable Excel workbook (damaged, or another kind of file named .xlsx: "
            f"{detail}); expected an .xlsx file saved by Excel, LibreOffice or qualcode"
        )
        raise TableError(msg, path=p) from err
    names = list(book.sheet_names)
    if isinstance(sheet, str) and sheet not in names:
        msg = f"no sheet {sheet!r}; the workbook has {', '.join(map(repr, names)) or 'none'}"
        raise TableError(msg, path=p)
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        msg = f"no sheet number {sheet + 1}; the workbook has {len(names)} sheet(s)"
        raise TableError(msg, path=p)
    try:
        data = (
            book.get_sheet_by_name(sheet)
            if isinstance(sheet, str)
            else book.get_sheet_by_index(sheet)
        )
        return [list(row) for row in data.to_python(skip_empty_area=False)]
    except Exception as err:  # a damaged sheet inside a readable archive
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        msg = f"cannot read sheet {names[sheet] if isinstance(sheet, int) else sheet!r} ({detail})"
        raise TableError(msg, path=p) from err


def _cell_text(value: Any) -> str | None:
    """A workbook cell as the text ``pd.read_excel(..., dtype=str)`` gives (empty: None)."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return str(pd.Timestamp(value))
    if isinstance(value, dt.timedelta):
        return str(pd.Timedelta(value))
    return str(value)


def _frame_of_rows(rows: list[list[Any]]) -> pd.DataFrame:
    """The rows of :func:`read_workbook` as a table of text cells, as ``pd.read_excel`` reads
    them: the first row is the header (an empty header cell is ``Unnamed: i``, a repeated one
    ``name.1``), empty cells are missing, trailing empty rows are dropped."""
    while rows and all(_cell_text(v) is None for v in rows[-1]):
        rows = rows[:-1]
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header: list[str] = []
    seen: dict[str, int] = {}
    for i in range(width):
        raw = rows[0][i] if i < len(rows[0]) else ""
        name = _cell_text(raw) or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        header.append(name)
    body = [[_cell_text(v) for v in r] + [None] * (width - len(r)) for r in rows[1:]]
    columns = {name: pd.Series([r[i] for r in body], dtype=str) for i, name in enumerate(header)}
    return pd.DataFrame(columns, columns=header)


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
        if suffix in (".csv", ".tsv"):
            write_delimited(df, tmp, sep="\t" if suffix == ".tsv" else ",")
        elif suffix in (".xlsx", ".xlsm"):
            df.to_excel(tmp, index=False, sheet_name=sheet_name, engine="openpyxl")
        else:
            df.to_parquet(tmp, index=False)
    return p


#: rows formatted at once by :func:`write_delimited` (bounds the memory of a large table)
CSV_CHUNK_ROWS = 200_000


def write_delimited(df: pd.DataFrame, path: str | Path, *, sep: str = ",") -> None:
    """Write ``df`` (no index) as CSV/TSV, as ``df.to_csv(path, index=False, sep=sep)`` does.

    The cells are the ones pandas writes: text quoted only where it holds ``sep``, a quote
    or a line break (quotes doubled; a lone ``\r`` is quoted too, which pandas does not do),
    missing values empty, ``True``/``False``, floats as Python's ``repr``. Tables of text,
    whole numbers, float64 and booleans are formatted with pyarrow compute kernels, about 5x
    faster than ``to_csv`` (the turns and codings of a million coded turns: about 2.5 s
    against 14 s). pyarrow's own CSV writer is not used because it quotes every text cell;
    csv and pandas format row by row in Python. Any other column type (dates, float32, mixed
    objects) goes to ``to_csv``.
    """
    table = _arrow_table(df)
    if table is None:
        df.to_csv(path, index=False, sep=sep)
        return
    header = io.StringIO()
    csv.writer(header, delimiter=sep, lineterminator="\n").writerow([str(c) for c in df.columns])
    with open(path, "wb") as fh:
        fh.write(header.getvalue().encode("utf-8"))
        for start in range(0, table.num_rows, CSV_CHUNK_ROWS):
            fh.write(_delimited_rows(table.slice(start, CSV_CHUNK_ROWS), sep))


def _arrow_table(df: pd.DataFrame) -> Any:
    """``df`` as a pyarrow Table when every column is text, number or boolean, else None."""
    import pyarrow as pa

    if len(df.columns) < 2 or df.columns.duplicated().any():
        return None  # to_csv writes a one-column table's empty cell as "" (else a blank line)
    frame = df.copy(deep=False)
    frame.attrs = {}  # pyarrow would put them into the schema's metadata (and warn on a Series)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    for field in table.schema:
        t = field.type
        if pa.types.is_dictionary(t):
            t = t.value_type
        if not (
            pa.types.is_string(t)
            or pa.types.is_large_string(t)
            or pa.types.is_integer(t)
            or t == pa.float64()  # float32 keeps to_csv (numpy writes its own exponents)
            or pa.types.is_boolean(t)
            or pa.types.is_null(t)
        ):
            return None
    return table


def _large(value: str | None) -> Any:
    """A pyarrow large_string scalar (the join kernels want all arguments of one type)."""
    import pyarrow as pa

    return pa.scalar(value, pa.large_string())


def _delimited_rows(table: Any, sep: str) -> Any:
    """The rows of ``table`` as CSV (a pyarrow Buffer of UTF-8), each ending in a newline."""
    import pyarrow as pa
    import pyarrow.compute as pc

    special = f'[{re.escape(sep)}"\r\n]'
    cells = []
    for chunked in table.columns:
        column = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        if pa.types.is_boolean(kind):
            cell = pc.if_else(column, _large("True"), _large("False"))  # pandas' spelling
        elif pa.types.is_null(kind):
            cell = pa.nulls(len(column), pa.large_string())
        elif pa.types.is_floating(kind):
            cell = _float_cells(column)
        else:
            cell = column.cast(pa.large_string())
            if not pa.types.is_integer(kind):
                doubled = pc.replace_substring(cell, '"', '""')
                quoted = pc.binary_join_element_wise(_large('"'), doubled, _large('"'), _large(""))
                cell = pc.if_else(pc.match_substring_regex(cell, special), quoted, cell)
        cells.append(pc.fill_null(cell, _large("")))
    lines = pc.binary_join_element_wise(*cells, _large(sep))
    joined = pc.binary_join_element_wise(lines, _large(""), _large("\n"))  # each line + "\n"
    _, offsets, data = joined.buffers()
    if data is None or not len(joined):
        return b""
    bounds = np.frombuffer(offsets, dtype=np.int64)[[joined.offset, joined.offset + len(joined)]]
    return data.slice(int(bounds[0]), int(bounds[1] - bounds[0]))


def _float_cells(column: Any) -> Any:
    """Floats as Python writes them (``repr``: ``3.0``, ``0.25``, ``1e-05``); NaN empty.

    pyarrow's cast gives the same shortest round-trip digits but writes ``3`` and
    ``0.00001``: whole numbers get their ``.0``, and the few values Python writes with an
    exponent (below 1e-4, from 1e16, or where pyarrow chose one) are formatted by Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cell = column.cast(pa.large_string())
    values = column.to_numpy(zero_copy_only=False)
    missing = np.isnan(values)
    finite = ~missing & np.isfinite(values)
    size = np.abs(values, where=finite, out=np.zeros_like(values))
    exponent = pc.fill_null(pc.match_substring(cell, "e"), False).to_numpy(zero_copy_only=False)
    by_python = finite & (((size < 1e-4) & (size != 0)) | (size >= 1e16) | exponent)
    whole = finite & ~by_python & (values == np.floor(values, where=finite, out=values.copy()))
    if whole.any():
        dotted = pc.binary_join_element_wise(cell, _large(".0"), _large(""))
        cell = pc.if_else(pa.array(whole), dotted, cell)
    if by_python.any():
        texts = pa.array([str(v) for v in values[by_python]], pa.large_string())
        cell = pc.replace_with_mask(cell, pa.array(by_python), texts)
    if missing.any():
        cell = pc.if_else(pa.array(missing), _large(None), cell)
    return cell
