"""Column names of the two tables qualcode passes around, and their validation.

This is the one place where the column names are spelled. See DESIGN.md:

``turns``: one row per speaker turn, in transcript order.
``codings``: long format, one row per (turn, code, coder).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.errors import TableError

__all__ = [
    "CASE",
    "CASE_JOIN_COLUMNS",
    "CODE",
    "CODER",
    "CODING_COLUMNS",
    "END",
    "EVIDENCE",
    "EVIDENCE_SEP",
    "INTERVIEW",
    "INTERVIEWER",
    "LABEL_COLUMNS",
    "LINE",
    "MODEL_CODER",
    "OTHER",
    "PARTICIPANT",
    "POSITION",
    "ROLE",
    "ROLES",
    "RULES_CODER",
    "SCORE",
    "SOURCE",
    "SPAN_END",
    "SPAN_START",
    "SPEAKER",
    "START",
    "TEXT",
    "TITLE",
    "TURN_COLUMNS",
    "TURN_ID",
    "as_labels",
    "check_numbers",
    "empty_codings",
    "empty_turns",
    "labels_from_codes",
    "normalize_codings",
    "normalize_turns",
    "validate_codings",
    "validate_turns",
]

# --- turns -------------------------------------------------------------------------------
TURN_ID = "turn_id"
INTERVIEW = "interview"
POSITION = "position"
SPEAKER = "speaker"
ROLE = "role"
TEXT = "text"
START = "start"
END = "end"
SOURCE = "source"
LINE = "line"

TURN_COLUMNS: tuple[str, ...] = (
    TURN_ID,
    INTERVIEW,
    POSITION,
    SPEAKER,
    ROLE,
    TEXT,
    START,
    END,
    SOURCE,
    LINE,
)

#: columns that repeat a few distinct values: pandas categoricals with sorted string
#: categories (a string per row would take several times the memory of the transcript). They
#: compare, group, sort and print like strings; to put a value that is not a category yet into
#: one, convert first (``turns[SPEAKER] = turns[SPEAKER].astype("string")``) and normalise again.
LABEL_COLUMNS: tuple[str, ...] = (INTERVIEW, SPEAKER, ROLE, SOURCE)

# --- roles -------------------------------------------------------------------------------
INTERVIEWER = "interviewer"
PARTICIPANT = "participant"
OTHER = "other"
ROLES: tuple[str, ...] = (INTERVIEWER, PARTICIPANT, OTHER)

# --- codings -----------------------------------------------------------------------------
CODE = "code"
CODER = "coder"
SCORE = "score"
EVIDENCE = "evidence"
SPAN_START = "span_start"
SPAN_END = "span_end"

CODING_COLUMNS: tuple[str, ...] = (TURN_ID, CODE, CODER, SCORE, EVIDENCE, SPAN_START, SPAN_END)

#: coder names used by the machine coders
RULES_CODER = "rules"
MODEL_CODER = "model"

#: separator between items inside one ``evidence`` cell (no list-valued cells)
EVIDENCE_SEP = "; "

# --- cases (see qualcode.cases) ------------------------------------------------------------
#: the case a row of a cases table describes; ``interview`` and ``speaker`` join it to turns
CASE = "case"
CASE_JOIN_COLUMNS: tuple[str, ...] = (INTERVIEW, SPEAKER)
#: an optional column of a cases table: the interview's title in reports (qualcode.titles)
TITLE = "title"


def labels_from_codes(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """Make a label column from codes (-1 = missing) into sorted, distinct ``categories``."""
    dtype = pd.CategoricalDtype(pd.Index(categories, dtype="string"))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def as_labels(values: pd.Series, *, categories: Iterable[str] = ()) -> pd.Series:
    """Return ``values`` as a label column: categorical, categories sorted, plus ``categories``.

    Examples
    --------
    >>> as_labels(pd.Series(["P", "N1", "P"]), categories=["Q"]).cat.categories.tolist()
    ['N1', 'P', 'Q']
    """
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "string":
        # already categorical with text categories: only the categories change (no string per
        # row is made); the categories become the "string" dtype (Parquet gives "str")
        used = values.cat.remove_unused_categories().cat.categories.tolist()
        target = pd.Index(sorted(set(used).union(categories)), dtype="string")
        if values.cat.categories.equals(target) and values.cat.categories.dtype == target.dtype:
            return values
        return values.cat.set_categories(target)
    strings = values.astype("string")
    present = strings.dropna().unique().tolist()
    names = sorted(set(present).union(categories))
    codes = pd.Index(names, dtype="string").get_indexer(pd.Index(strings))
    return pd.Series(labels_from_codes(codes, names), index=values.index, name=values.name)


def empty_turns() -> pd.DataFrame:
    """Return an empty turns table with the right columns and dtypes."""
    return normalize_turns(pd.DataFrame({c: [] for c in TURN_COLUMNS}))


def empty_codings() -> pd.DataFrame:
    """Return an empty codings table with the right columns and dtypes."""
    return normalize_codings(pd.DataFrame({c: [] for c in CODING_COLUMNS}))


def _missing(df: pd.DataFrame, required: Iterable[str]) -> list[str]:
    return [c for c in required if c not in df.columns]


def check_numbers(
    df: pd.DataFrame,
    columns: dict[str, str],
    *,
    source: str | Path | None = None,
    first_row: int = 0,
) -> None:
    """Raise :class:`TableError` naming the file, row and column of the first cell of
    ``columns`` (name -> ``"number"`` or ``"whole number"``) that is not one (empty is fine).

    Rows are counted as a spreadsheet shows them (the header is row 1), from ``first_row``.
    """
    for col, kind in columns.items():
        if col not in df.columns:
            continue
        values = df[col]
        if pd.api.types.is_numeric_dtype(values.dtype):
            if kind != "whole number":
                continue
            number = values.astype("float64")
            bad = number.notna() & (number % 1 != 0)
        else:
            text = values.astype("string").str.strip()
            given = values.notna() & (text != "")
            number = pd.to_numeric(text.where(given), errors="coerce")
            bad = given & number.isna()
            if kind == "whole number":
                bad |= number.notna() & (number % 1 != 0)
        if bad.any():
            at = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
            row = at + first_row + 2
            msg = (
                f"row {row}, column {col!r}: {values.iloc[at]!r} is not a {kind}; "
                f"expected a {kind} or an empty cell"
            )
            raise TableError(msg, path=source, line=row)


def normalize_turns(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with the turns columns in order and with their dtypes.

    Missing optional columns (start, end, source, line) are added empty. turn_id and text are
    strings; interview, speaker, role and source are categoricals (:data:`LABEL_COLUMNS`).
    """
    out = df.copy()
    for col in (START, END, SOURCE, LINE):
        if col not in out.columns:
            out[col] = pd.NA
    for col in (TURN_ID, TEXT):
        out[col] = out[col].astype("string")
    for col in LABEL_COLUMNS:
        out[col] = as_labels(out[col], categories=ROLES if col == ROLE else ())
    out[POSITION] = pd.to_numeric(out[POSITION]).astype("Int64")
    out[LINE] = pd.to_numeric(out[LINE]).astype("Int64")
    out[START] = pd.to_numeric(out[START]).astype("Float64")
    out[END] = pd.to_numeric(out[END]).astype("Float64")
    out[TEXT] = out[TEXT].fillna("")
    extra = [c for c in out.columns if c not in TURN_COLUMNS]
    return out[list(TURN_COLUMNS) + extra].reset_index(drop=True)


def normalize_codings(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with the codings columns in order and with their dtypes.

    Missing optional columns (score, evidence, span_start, span_end) are added: score 1.0
    (a person's coding), the others empty.
    """
    out = df.copy()
    if SCORE not in out.columns:
        out[SCORE] = 1.0
    for col in (EVIDENCE, SPAN_START, SPAN_END):
        if col not in out.columns:
            out[col] = pd.NA
    for col in (TURN_ID, CODE, CODER, EVIDENCE):
        out[col] = out[col].astype("string")
    out[EVIDENCE] = out[EVIDENCE].fillna("")
    out[SCORE] = pd.to_numeric(out[SCORE]).astype("float64")
    out[SPAN_START] = pd.to_numeric(out[SPAN_START]).astype("Int64")
    out[SPAN_END] = pd.to_numeric(out[SPAN_END]).astype("Int64")
    extra = [c for c in out.columns if c not in CODING_COLUMNS]
    return out[list(CODING_COLUMNS) + extra].reset_index(drop=True)


def validate_turns(
    df: pd.DataFrame, *, source: str | Path | None = None, first_row: int = 0
) -> pd.DataFrame:
    """Check a turns table and return it normalised.

    ``first_row`` is the row of ``source`` that ``df`` starts at (a part of a larger table),
    so that a message names the row of the file.

    Raises
    ------
    TableError
        If required columns are missing, turn ids repeat, roles are not known, or a
        position, line, start or end is not a number (the row and column are named).
    """
    required = (TURN_ID, INTERVIEW, POSITION, SPEAKER, ROLE, TEXT)
    missing = _missing(df, required)
    if missing:
        msg = (
            f"not a turns table: missing column(s) {', '.join(missing)}; "
            f"expected columns {', '.join(TURN_COLUMNS)}"
        )
        raise TableError(msg, path=source)
    check_numbers(
        df,
        {POSITION: "whole number", LINE: "whole number", START: "number", END: "number"},
        source=source,
        first_row=first_row,
    )
    out = normalize_turns(df)
    dup = out[TURN_ID].duplicated(keep=False)
    if dup.any():
        first = out.index[dup][0]
        row = int(first) + first_row + 2  # the header is row 1
        msg = (
            f"turn_id {out.at[first, TURN_ID]!r} appears more than once "
            f"(row {row}); turn ids must be unique"
        )
        raise TableError(msg, path=source, line=row)
    bad_role = ~out[ROLE].isin(ROLES)
    if bad_role.any():
        first = out.index[bad_role][0]
        row = int(first) + first_row + 2
        msg = (
            f"unknown role {out.at[first, ROLE]!r} in row {row}; expected one of {', '.join(ROLES)}"
        )
        raise TableError(msg, path=source, line=row)
    return out


def validate_codings(df: pd.DataFrame, *, source: str | Path | None = None) -> pd.DataFrame:
    """Check a codings table and return it normalised.

    Raises
    ------
    TableError
        If required columns are missing, turn ids / codes are empty, or a score or span is
        not a number (the row and column are named).
    """
    missing = _missing(df, (TURN_ID, CODE))
    if missing:
        msg = (
            f"not a codings table: missing column(s) {', '.join(missing)}; "
            f"expected columns {', '.join(CODING_COLUMNS)} (coder, score, evidence and spans "
            "are optional)"
        )
        raise TableError(msg, path=source)
    out = df.copy()
    if CODER not in out.columns:
        out[CODER] = Path(source).stem if source is not None else "coder"
    check_numbers(
        out,
        {SCORE: "number", SPAN_START: "whole number", SPAN_END: "whole number"},
        source=source,
    )
    out = normalize_codings(out)
    for col in (TURN_ID, CODE, CODER):
        empty = out[col].isna() | (out[col].str.strip() == "")
        if empty.any():
            first = int(out.index[empty][0])
            msg = f"empty {col} in row {first + 2}; every coding needs a {col}"
            raise TableError(msg, path=source, line=first + 2)
    return out
