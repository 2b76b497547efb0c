"""Human codings in: long ``codings`` tables and wide 0/1 sheets, checked against turns/codebook.

Two shapes are read, detected from the columns:

* long: one row per (turn, code[, coder]) with columns ``turn_id``, ``code`` and optionally
  ``coder`` (default: the ``coder`` argument, else the file name without extension);
* wide: one row per turn with a ``turn_id`` column and one column per code holding 1 (coded) or
  0 / empty (not coded); ``x``, ``yes``/``no`` and ``true``/``false`` are accepted too. Other
  turns-table columns (``text``, ``speaker``...) and a ``coder`` column may be present; with a
  codebook, any other column whose cells are all 0/1 must be one of its codes.

Which turns count as labelled when training or evaluating (``seen``):

* ``"interview"`` (default): every turn of each interview in which the coder coded at least one
  turn (a researcher codes interview by interview; an uncoded turn there means "no code");
* ``"all"``: every turn of the turns table;
* ``"coded"``: only the turns with at least one code (for exclusive schemes, or when coding the
  turns that :func:`qualcode.coding.suggest.suggest_turns` proposes one by one).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import CodingsError, QualcodeError
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    TEXT,
    TURN_COLUMNS,
    TURN_ID,
    normalize_codings,
    validate_codings,
)
from qualcode.tables import read_table

__all__ = [
    "check_codings",
    "codings_from_wide",
    "codings_to_wide",
    "example_training_data",
    "labelled_mask",
    "read_codings",
    "read_codings_files",
    "training_data",
    "unknown_codes",
]

Seen = Literal["interview", "all", "coded"]

_TRUE = {"1", "1.0", "x", "yes", "y", "true", "t"}
_FALSE = {"0", "0.0", "", "no", "n", "false", "f", "-"}
_META = {*TURN_COLUMNS, CODER, "note", "notes", "comment", "comments", "memo"}


def _rows(index: Any) -> list[int]:
    """Spreadsheet row numbers (header is row 1) of 0-based data row positions."""
    return [int(i) + 2 for i in index]


def _list_rows(rows: list[int], values: list[str], limit: int = 10) -> str:
    shown = ", ".join(f"row {r} ({v!r})" for r, v in list(zip(rows, values, strict=True))[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return shown + more


def _cell_flags(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return (is_one, is_valid) for a wide sheet column."""
    text = col.astype("string").fillna("").str.strip().str.lower()
    ones = text.isin(list(_TRUE)).to_numpy()
    valid = ones | text.isin(list(_FALSE)).to_numpy()
    return ones, valid


def codings_from_wide(
    table: pd.DataFrame,
    *,
    coder: str = "coder",
    codebook: Codebook | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """Turn a wide sheet (one row per turn, one 0/1 column per code) into a codings table.

    Parameters
    ----------
    table : DataFrame
        Must have a ``turn_id`` column; see the module docstring for the code columns.
    coder : str
        Coder name when the sheet has no ``coder`` column.
    codebook : Codebook, optional
        When given, the code columns are checked against it.
    source : str or Path, optional
        File name for error messages.

    Returns
    -------
    DataFrame
        A codings table (score 1.0), in sheet order.

    Raises
    ------
    CodingsError
        A codebook code column holds something other than 0/1, or a 0/1 column is not a code of
        the codebook.
    """
    table = table.reset_index(drop=True)
    known = set(codebook.code_names) if codebook is not None else None
    code_cols: list[str] = []
    for col in table.columns:
        name = str(col).strip()
        if name in _META:
            continue
        ones, valid = _cell_flags(table[col])
        if known is not None and name in known:
            if not valid.all():
                bad = np.flatnonzero(~valid)
                values = [str(table[col].iloc[i]) for i in bad]
                msg = (
                    f"code column {name!r} must hold 1 (coded) or 0/empty (not coded): "
                    f"{_list_rows(_rows(bad), values)}"
                )
                raise CodingsError(msg, path=source, line=_rows(bad)[0])
            code_cols.append(col)
        elif valid.all():
            if known is not None:
                hit = np.flatnonzero(ones)
                msg = (
                    f"column {name!r} looks like a code but is not in the codebook "
                    f"(coded in {len(hit)} row(s)); expected codes: {', '.join(sorted(known))}"
                )
                raise CodingsError(msg, path=source, line=_rows(hit)[0] if len(hit) else None)
            code_cols.append(col)
    if not code_cols:
        msg = (
            "no code columns found: a wide codings sheet needs a turn_id column and one column "
            "per code holding 1/0"
        )
        raise CodingsError(msg, path=source)
    parts = []
    coders = table[CODER].astype("string").fillna(coder) if CODER in table.columns else None
    for col in code_cols:
        ones, _ = _cell_flags(table[col])
        part = pd.DataFrame(
            {
                TURN_ID: table.loc[ones, TURN_ID].astype("string").str.strip(),
                CODE: str(col).strip(),
                CODER: coders[ones] if coders is not None else coder,
                "_row": np.flatnonzero(ones),
            }
        )
        parts.append(part)
    long = pd.concat(parts).sort_values(["_row"], kind="stable").drop(columns="_row")
    return normalize_codings(long.reset_index(drop=True))


def _refuse_rows(
    codings: pd.DataFrame,
    bad: pd.Series,
    column: str,
    what: str,
    expected: str,
    source: str | Path | None,
) -> None:
    """Raise :class:`CodingsError` listing the rows of ``codings`` where ``bad`` holds, if any."""
    if not bad.any():
        return
    rows = _rows(codings.index[bad])
    msg = (
        f"{int(bad.sum())} coding(s) {what}: "
        f"{_list_rows(rows, codings.loc[bad, column].tolist())}; expected {expected}"
    )
    raise CodingsError(msg, path=source, line=rows[0])


def check_codings(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """Check that every coded turn id is in ``turns`` and every code in ``codebook``.

    Returns
    -------
    DataFrame
        ``codings`` unchanged.

    Raises
    ------
    CodingsError
        Listing the offending rows (spreadsheet numbering, header = row 1); ``line`` is the
        first of them.
    """
    codings = codings.reset_index(drop=True)
    if turns is not None:
        known_ids = set(turns[TURN_ID].astype(str))
        examples = ", ".join(map(repr, itertools.islice(known_ids, 3)))
        bad = ~codings[TURN_ID].isin(known_ids)
        what = "name turn ids that are not in the turns table"
        _refuse_rows(codings, bad, TURN_ID, what, f"turn ids such as {examples}", source)
    if codebook is not None:
        bad = ~codings[CODE].isin(list(codebook.code_names))
        what = "use codes that are not in the codebook"
        _refuse_rows(codings, bad, CODE, what, f"one of {', '.join(codebook.code_names)}", source)
    return codings


def read_codings(
    path: str | Path,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coder: str | None = None,
) -> pd.DataFrame:
    """Read human codings from a CSV/TSV/XLSX/Parquet file, long or wide (detected).

    Parameters
    ----------
    path : str or Path
        The file.
    turns : DataFrame, optional
        Turns table; coded turn ids must be in it.
    codebook : Codebook, optional
        Codes must be in it.
    coder : str, optional
        Coder name for files without a ``coder`` column (default: the file name's stem).

    Returns
    -------
    DataFrame
        A codings table (columns of :data:`qualcode.schema.CODING_COLUMNS`).

    Raises
    ------
    CodingsError
        Unknown turn ids or codes (the rows are listed), or a sheet that is neither shape.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ann.csv"
    >>> _ = p.write_text("turn_id,retain,acquire\\nt1,1,0\\nt2,0,1\\n")
    >>> read_codings(p)[["turn_id", "code", "coder"]].values.tolist()
    [['t1', 'retain', 'ann'], ['t2', 'acquire', 'ann']]
    """
    p = Path(path)
    table = read_table(p)
    table.columns = [str(c).strip() for c in table.columns]
    name = coder or p.stem
    if TURN_ID not in table.columns:
        msg = (
            f"no {TURN_ID} column (found {', '.join(table.columns)}); expected a long codings "
            f"table ({TURN_ID}, {CODE}, {CODER}) or a wide sheet ({TURN_ID} and one 0/1 "
            "column per code)"
        )
        raise CodingsError(msg, path=p)
    if CODE in table.columns:
        table[TURN_ID] = table[TURN_ID].astype("string").str.strip()
        table[CODE] = table[CODE].astype("string").str.strip()
        if CODER not in table.columns:
            table[CODER] = name
        try:
            codings = validate_codings(table, source=p)
        except QualcodeError as err:
            raise CodingsError(
                getattr(err, "reason", str(err)), path=p, line=getattr(err, "line", None)
            ) from err
    else:
        codings = codings_from_wide(table, coder=name, codebook=codebook, source=p)
    return check_codings(codings, turns=turns, codebook=codebook, source=p)


def labelled_mask(
    turns: pd.DataFrame, codings: pd.DataFrame, *, seen: Seen = "interview"
) -> np.ndarray:
    """Return a boolean array: which turns of ``turns`` the codings label (see ``seen`` above)."""
    ids = turns[TURN_ID].astype(str)
    coded = ids.isin(set(codings[TURN_ID].astype(str)))
    if seen == "all":
        return np.ones(len(turns), dtype=bool)
    if seen == "coded":
        return coded.to_numpy()
    if seen == "interview":
        done = set(turns.loc[coded.to_numpy(), INTERVIEW])
        return turns[INTERVIEW].isin(done).to_numpy()
    msg = f"seen must be 'interview', 'all' or 'coded', got {seen!r}"
    raise QualcodeError(msg)


def codings_to_wide(
    codings: pd.DataFrame, *, turn_ids: Sequence[str], codes: Sequence[str]
) -> pd.DataFrame:
    """Return the 0/1 table (index turn_id, one int column per code) of ``codings``.

    Codings on turns or codes not listed are ignored; every coder's codings are pooled.
    """
    wide = pd.DataFrame(0, index=pd.Index(list(turn_ids), name=TURN_ID), columns=list(codes))
    keep = codings[codings[TURN_ID].isin(wide.index) & codings[CODE].isin(wide.columns)]
    for turn, code in zip(keep[TURN_ID], keep[CODE], strict=True):
        wide.at[turn, code] = 1
    return wide


def example_training_data(codebook: Codebook) -> tuple[list[str], pd.DataFrame]:
    """Return the codebook's example quotes as labelled texts and their 0/1 table."""
    texts: list[str] = []
    labels: list[str] = []
    for code in codebook.codes:
        for quote in code.examples:
            if quote.strip():
                texts.append(quote)
                labels.append(code.name)
    y = pd.DataFrame(0, index=range(len(texts)), columns=list(codebook.code_names))
    for i, name in enumerate(labels):
        y.at[i, name] = 1
    return texts, y


def training_data(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    codebook: Codebook,
    seen: Seen = "interview",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the labelled turns and their 0/1 code table.

    Returns
    -------
    turns : DataFrame
        The labelled rows of ``turns`` (see ``seen``), with their original index reset.
    y : DataFrame
        0/1, one column per codebook code, aligned with the returned turns.
    """
    mask = labelled_mask(turns, codings, seen=seen)
    labelled = turns.loc[mask].reset_index(drop=True)
    y = codings_to_wide(
        codings, turn_ids=labelled[TURN_ID].astype(str).tolist(), codes=codebook.code_names
    )
    return labelled, y.reset_index(drop=True)


def texts_of(turns: pd.DataFrame) -> list[str]:
    """The turn texts as a list of str."""
    return turns[TEXT].fillna("").astype(str).tolist()


def read_codings_files(
    paths: Sequence[str | Path],
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Read several human codings files (each long or wide) into one table.

    Parameters
    ----------
    paths : sequence of str or Path
        The files, read with :func:`read_codings` in this order.
    turns, codebook
        As for :func:`read_codings`.

    Returns
    -------
    DataFrame
        The codings of every file, one after the other (a fresh index).
    """
    frames = [read_codings(p, turns=turns, codebook=codebook) for p in paths]
    return pd.concat(frames, ignore_index=True)


def unknown_codes(codings: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """Count the codings whose code ``codebook`` does not have.

    Returns
    -------
    Series
        The number of codings per unknown code, most first; empty when the codebook has them
        all.
    """
    return codings.loc[~codings[CODE].isin(list(codebook.code_names)), CODE].value_counts()
