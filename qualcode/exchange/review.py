"""The review sheet: machine suggestions out to Excel, a person's decisions back in.

One row per suggestion, with the turn, the question asked before it, the evidence and score,
and an empty *decision* column with a drop-down list (accept / reject). Reading it back checks
the whole sheet first and imports nothing if any row is wrong, naming every bad row.

The sheet is written by qualcode's own streaming .xlsx writer (:mod:`qualcode.exchange.xlsx`)
and read by the one workbook reader, :func:`qualcode.tables.read_workbook` (python-calamine):
openpyxl took 12 s to write and 31 s to read 100,000 rows here, which puts a large project's
review out of reach.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcode import schema
from qualcode.errors import ReviewSheetError
from qualcode.exchange.sheets import read_sheet_rows, sheet_table
from qualcode.exchange.xlsx import write_workbook
from qualcode.languages import COLUMN_LABELS
from qualcode.project import Project
from qualcode.reports import previous_questions

__all__ = [
    "DECISIONS",
    "REVIEW_COLUMNS",
    "SHEET",
    "import_review_sheet",
    "read_review_sheet",
    "review_table",
    "write_review_sheet",
    "write_review_table",
]

#: the sheet's columns, in order (headers come from COLUMN_LABELS)
REVIEW_COLUMNS: tuple[str, ...] = (
    "suggestion_id",
    schema.TURN_ID,
    schema.INTERVIEW,
    schema.SPEAKER,
    "question",
    schema.TEXT,
    schema.CODE,
    "suggested_by",
    schema.SCORE,
    schema.EVIDENCE,
    "decision",
    "note",
)

#: what a person may write in the decision column (case and spaces do not matter)
DECISIONS: dict[str, str] = {
    "accept": "accept",
    "accepted": "accept",
    "reject": "reject",
    "rejected": "reject",
}

SHEET = "review"
_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
_MAX_LISTED = 10


def review_table(
    project: Project, *, code: str | list[str] | None = None, coder: str | None = None
) -> pd.DataFrame:
    """The rows of a review sheet: the suggestions waiting for a decision (by ``coder``)."""
    suggestions = project.suggestions(code=code, coder=coder)
    turns = project.turns()
    by_id = turns.set_index(schema.TURN_ID)
    questions = previous_questions(turns)
    ids = suggestions[schema.TURN_ID]
    table = pd.DataFrame(
        {
            "suggestion_id": suggestions["suggestion_id"].to_numpy(),
            schema.TURN_ID: ids.to_numpy(),
            schema.INTERVIEW: ids.map(by_id[schema.INTERVIEW].astype(str)).to_numpy(),
            schema.SPEAKER: ids.map(by_id[schema.SPEAKER].astype(str)).to_numpy(),
            "question": ids.map(questions["question"]).to_numpy(),
            schema.TEXT: ids.map(by_id[schema.TEXT]).to_numpy(),
            schema.CODE: suggestions[schema.CODE].to_numpy(),
            "suggested_by": suggestions[schema.CODER].to_numpy(),
            schema.SCORE: suggestions[schema.SCORE].round(3).to_numpy(),
            schema.EVIDENCE: suggestions[schema.EVIDENCE].to_numpy(),
            "decision": None,
            "note": None,
        }
    )
    return table[list(REVIEW_COLUMNS)]


def write_review_sheet(
    project: Project,
    path: str | Path,
    *,
    code: str | list[str] | None = None,
    coder: str | None = None,
) -> Path:
    """Write the suggestions waiting for a decision to an .xlsx review sheet.

    Parameters
    ----------
    project : Project
    path : str or Path
        The .xlsx file.
    code : str or list of str, optional
        Only suggestions of these codes.
    coder : str, optional
        Only suggestions this person has not decided yet (default: nobody has).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ReviewSheetError
        If there are more suggestions than a sheet holds (choose codes with ``code``).
    """
    return write_review_table(review_table(project, code=code, coder=coder), path)


def write_review_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the rows of :func:`review_table` as an .xlsx sheet with a decision drop-down."""
    if len(table) > _MAX_ROWS:
        msg = (
            f"{len(table):,} suggestions do not fit in one Excel sheet ({_MAX_ROWS:,} rows); "
            "export one code at a time (--code)"
        )
        raise ReviewSheetError(msg, path=path)
    return write_workbook({SHEET: table}, path, choices={SHEET: {"decision": ["accept", "reject"]}})


def read_review_sheet(path: str | Path, project: Project) -> pd.DataFrame:
    """Read a review sheet and check every row against the project.

    Returns
    -------
    DataFrame
        ``suggestion_id`` and ``decision`` (accept / reject) of the rows with a decision.

    Raises
    ------
    ReviewSheetError
        Unknown decisions, rows whose turn or suggestion no longer exists, duplicated rows, a
        turn id or code that does not belong to the row's suggestion (an edited Turn or Code
        cell): every bad row is named (as the row number Excel shows) and nothing is imported.
    """
    p = Path(path)
    sheet = _read_sheet(p)
    decision = sheet["decision"].astype("string")
    decided = sheet[decision.notna() & (decision.str.strip() != "")]
    problems: list[tuple[int, str]] = []
    verdict = decided["decision"].str.strip().str.lower().map(DECISIONS)
    for row, value in zip(
        decided.index[verdict.isna()], decided.loc[verdict.isna(), "decision"], strict=True
    ):
        problems.append((int(row), f"unknown decision {value!r}; expected accept or reject"))
    ids = pd.to_numeric(decided["suggestion_id"], errors="coerce")
    for row in decided.index[ids.isna() | (ids % 1 != 0)]:
        value = decided.at[row, "suggestion_id"]
        problems.append(
            (int(row), f"suggestion {value!r} is not a number")
            if isinstance(value, str)
            else (int(row), "the Suggestion cell is empty; it must keep the number written there")
        )
    resolved = _resolve(decided, ids, project, problems)
    present = resolved.dropna()
    dup = present[present.duplicated(keep=False)]
    for value, group in dup.groupby(dup):
        listed_rows = [int(r) for r in group.index]
        for row in listed_rows:
            others = [r for r in listed_rows if r != row][:3]
            problems.append(
                (row, f"duplicated row: suggestion {value} is also decided in row(s) {others}")
            )
    if problems:
        problems.sort()
        listed = "; ".join(f"row {r}: {m}" for r, m in problems[:_MAX_LISTED])
        more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        msg = f"{len(problems)} row(s) cannot be imported, so nothing was imported: {listed}{more}"
        raise ReviewSheetError(msg, path=p)
    return pd.DataFrame(
        {"suggestion_id": resolved.to_numpy(dtype="int64"), "decision": verdict.to_numpy()}
    )


def import_review_sheet(path: str | Path, project: Project, *, coder: str) -> dict[str, int]:
    """Read a review sheet and store its decisions as ``coder``'s (one batch, undoable).

    Returns
    -------
    dict
        ``accepted``, ``rejected``, ``unchanged``, ``batch`` (see :meth:`Project.decide`).
    """
    decisions = read_review_sheet(path, project)
    if decisions.empty:
        return {"accepted": 0, "rejected": 0, "unchanged": 0, "batch": 0}
    return project.decide(decisions, coder=coder)


def _read_sheet(p: Path) -> pd.DataFrame:
    """The sheet's columns that an import reads, indexed by the row numbers Excel shows."""
    rows = read_sheet_rows(p, what="the review sheet", written_by="`qualcode review export`")
    return sheet_table(
        rows,
        labels=COLUMN_LABELS,
        wanted=[c for c in REVIEW_COLUMNS if c in _READ_COLUMNS],
        required=("suggestion_id", "decision"),
        numeric=("suggestion_id",),
        path=p,
        written_by="`qualcode review export`",
    )


#: the columns an import reads (the others are for the person deciding)
_READ_COLUMNS = (
    "suggestion_id",
    schema.TURN_ID,
    schema.TEXT,
    schema.CODE,
    "suggested_by",
    "decision",
)


def _resolve(
    decided: pd.DataFrame, ids: pd.Series, project: Project, problems: list[tuple[int, str]]
) -> pd.Series:
    """The alive suggestion each row decides (missing where it cannot be found).

    A suggestion re-made since the export (same turn, code and machine coder; for example after
    a transcript was replaced) is found by those; a row whose turn is gone is a problem.
    """
    alive = project.codings(coder=["rules", "model"], details=True)
    turn_of = pd.Series(alive[schema.TURN_ID].to_numpy(), index=alive["coding_id"].to_numpy())
    rows = pd.DataFrame(index=decided.index)
    for col in (schema.TURN_ID, schema.CODE, "suggested_by"):
        values = decided[col] if col in decided.columns else pd.Series(None, index=decided.index)
        rows[col] = values.astype("object").where(values.notna(), None)
    whole = ids.notna() & (ids % 1 == 0)
    sid = ids.where(whole).astype("Int64")
    known = sid.isin(turn_of.index).fillna(False).astype(bool)
    out = sid.where(known).astype("Int64")
    has_turn = schema.TURN_ID in decided.columns
    if has_turn:
        expected = sid[known].map(turn_of)
        moved = expected != rows.loc[known, schema.TURN_ID]
        for row in moved[moved].index:
            problems.append(
                (
                    int(row),
                    f"turn {rows.at[row, schema.TURN_ID]!r} is not the turn of suggestion "
                    f"{sid[row]} ({expected[row]!r}); the sheet's rows were edited",
                )
            )
        out = out.mask(moved.reindex(out.index, fill_value=False))
    if schema.CODE in decided.columns:
        code_of = pd.Series(alive[schema.CODE].to_numpy(), index=alive["coding_id"].to_numpy())
        still = out.notna()
        expected_code = out[still].astype("int64").map(code_of)
        given = rows.loc[still, schema.CODE].map(lambda v: None if v is None else str(v).strip())
        edited = expected_code != given
        for row in edited[edited].index:
            problems.append(
                (
                    int(row),
                    f"the code was changed from {expected_code[row]!r} to {given[row]!r}; a "
                    "decision is about the code suggested: accept or reject it, and code the "
                    "turn yourself (`qualcode add --codings`) for another code",
                )
            )
        out = out.mask(edited.reindex(out.index, fill_value=False))
    lost = whole & ~known
    if lost.any():
        turns = project.turns()
        turn_ids = set(turns[schema.TURN_ID])
        by_key = alive.rename(columns={schema.CODER: "suggested_by"}).drop_duplicates(
            [schema.TURN_ID, schema.CODE, "suggested_by"], keep="last"
        )
        found = (
            rows[lost]
            .reset_index()
            .merge(
                by_key[[schema.TURN_ID, schema.CODE, "suggested_by", "coding_id"]],
                how="left",
                on=[schema.TURN_ID, schema.CODE, "suggested_by"],
            )
        )
        text_now = dict(zip(turns[schema.TURN_ID], turns[schema.TEXT], strict=True))
        sheet_text = (
            decided[schema.TEXT].astype("object") if schema.TEXT in decided.columns else None
        )
        for row, turn, cid in zip(
            found["index"], found[schema.TURN_ID], found["coding_id"], strict=True
        ):
            if (
                pd.notna(cid)
                and sheet_text is not None
                and _squash(sheet_text[row]) != _squash(text_now.get(turn))
            ):
                problems.append(
                    (
                        int(row),
                        f"turn {turn!r} has another text now (its transcript was "
                        "replaced since the sheet was written); export a new sheet",
                    )
                )
            elif pd.notna(cid):
                out[row] = int(cid)
            elif has_turn and turn not in turn_ids:
                problems.append((int(row), f"turn {turn!r} no longer exists in the project"))
            else:
                problems.append(
                    (
                        int(row),
                        f"suggestion {sid[row]} no longer exists in the project "
                        "(coded again since the sheet was written?)",
                    )
                )
    return out


def _squash(text: object) -> str:
    """Text with its whitespace folded (Excel may change line ends)."""
    return " ".join(str(text).split()) if isinstance(text, str) else ""
