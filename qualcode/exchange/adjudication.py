"""The adjudication sheet: two coders' differences out to Excel, the settled cells back in.

One row per cell (turn, code) the two coders disagree on, over the interviews both coded in:
the turn, the question asked before it, both coders' decisions (``coded`` / ``not coded``) and an
empty final column with a drop-down list. A second sheet, *About*, names the two coders and the
consensus coder, so that importing needs nothing but the file. Importing makes the consensus
coder's codings (:meth:`qualcode.project.Project.adjudicate`): cells both coders coded at once,
the rest as the final column says; a row edited so that it no longer names a cell the coders
disagree on, or with another final value, is refused with its row number, and nothing is stored.

Written like the review sheet (:mod:`qualcode.exchange.review`): qualcode's streaming .xlsx
writer, read back with python-calamine (:mod:`qualcode.exchange.sheets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.errors import ReviewSheetError
from qualcode.exchange.sheets import read_sheet_rows, sheet_table
from qualcode.exchange.xlsx import write_workbook
from qualcode.languages import COLUMN_LABELS, SHEET_NAMES
from qualcode.project import Project
from qualcode.project.team import CONSENSUS, FINAL_CHOICES

__all__ = [
    "import_adjudication_sheet",
    "read_adjudication_sheet",
    "write_adjudication_sheet",
    "write_adjudication_table",
]

SHEET, ABOUT = "adjudication", "about"
_WRITTEN_BY = "`qualcode adjudicate`"
_MAX_ROWS = 1_048_575


def _coder_header(name: str, which: str) -> str:
    return f"{name} (coder {which})"


def write_adjudication_sheet(
    project: Project,
    path: str | Path,
    *,
    coders: Sequence[str],
    consensus: str = CONSENSUS,
) -> Path:
    """Write the cells two coders disagree on to an .xlsx sheet with an empty final column.

    Parameters
    ----------
    project : Project
    path : str or Path
        The .xlsx file.
    coders : two str
        The coders compared (people's codings: hand codings and accepted suggestions).
    consensus : str, default "consensus"
        The coder whose codings the import makes (named in the sheet).

    Returns
    -------
    Path
        The file written.
    """
    table = project.adjudication_table(coders=coders)
    return write_adjudication_table(table, path, project=project, consensus=consensus)


def write_adjudication_table(
    table: pd.DataFrame, path: str | Path, *, project: Project, consensus: str = CONSENSUS
) -> Path:
    """Write the rows of :meth:`Project.adjudication_table` as the adjudication sheet."""
    a, b = table.attrs["coders"]
    if consensus in (a, b):
        msg = f"the consensus coder needs a name of its own, not {consensus!r} (one of the coders)"
        raise ReviewSheetError(msg, path=path)
    if len(table) > _MAX_ROWS:
        msg = f"{len(table):,} disagreements do not fit in one Excel sheet ({_MAX_ROWS:,} rows)"
        raise ReviewSheetError(msg, path=path)
    sheet = table.rename(
        columns={"decision_a": _coder_header(a, "A"), "decision_b": _coder_header(b, "B")}
    )
    about = pd.DataFrame(
        {
            "setting": ["coder_a", "coder_b", "consensus", "project", "how"],
            "value": [
                a,
                b,
                consensus,
                str(project.path),
                f"Choose {' or '.join(FINAL_CHOICES)} in the final column (empty: left open), "
                f"then: qualcode adjudicate import {project.path.name} {Path(path).name}",
            ],
        }
    )
    return write_workbook(
        {SHEET: sheet, ABOUT: about},
        path,
        choices={SHEET: {"final": list(FINAL_CHOICES)}},
    )


def read_adjudication_sheet(path: str | Path) -> tuple[pd.DataFrame, tuple[str, str], str]:
    """Read an adjudication sheet.

    Returns
    -------
    decisions : DataFrame
        ``turn_id``, ``code``, ``decision_a``, ``decision_b``, ``final``, indexed by the row
        numbers Excel shows.
    coders : tuple of two str
    consensus : str

    Raises
    ------
    ReviewSheetError
        Not a workbook, no *About* sheet naming the coders, a required column missing.
    """
    p = Path(path)
    what = "the adjudication sheet"
    about_rows = read_sheet_rows(p, sheet=SHEET_NAMES[ABOUT], what=what, written_by=_WRITTEN_BY)
    settings = {str(r[0]).strip(): str(r[1]).strip() for r in about_rows[1:] if len(r) >= 2}
    missing = [k for k in ("coder_a", "coder_b", "consensus") if not settings.get(k)]
    if missing:
        msg = (
            f"the About sheet does not name {', '.join(missing)}; expected the sheet written "
            f"by {_WRITTEN_BY}"
        )
        raise ReviewSheetError(msg, path=p)
    a, b = settings["coder_a"], settings["coder_b"]
    labels = dict(COLUMN_LABELS)
    labels.update({"decision_a": _coder_header(a, "A"), "decision_b": _coder_header(b, "B")})
    rows = read_sheet_rows(p, sheet=SHEET_NAMES[SHEET], what=what, written_by=_WRITTEN_BY)
    table = sheet_table(
        rows,
        labels=labels,
        wanted=(schema.TURN_ID, schema.CODE, "decision_a", "decision_b", "final"),
        required=(schema.TURN_ID, schema.CODE, "final"),
        path=p,
        written_by=_WRITTEN_BY,
    )
    return table, (a, b), settings["consensus"]


def import_adjudication_sheet(
    path: str | Path, project: Project, *, consensus: str | None = None, who: str | None = None
) -> dict[str, Any]:
    """Read an adjudication sheet and make the consensus coder's codings (one batch).

    Parameters
    ----------
    consensus : str, optional
        Another name for the consensus coder than the one the sheet gives.

    Returns
    -------
    dict
        See :meth:`qualcode.project.Project.adjudicate`, and ``consensus`` (the name).

    Raises
    ------
    ReviewSheetError
        A badly edited sheet: every bad row is named (as Excel numbers it) and nothing is
        stored.
    """
    p = Path(path)
    table, coders, named = read_adjudication_sheet(p)
    name = consensus or named
    try:
        result: dict[str, Any] = project.adjudicate(table, coders=coders, consensus=name, who=who)
    except ReviewSheetError as err:
        if err.path is not None:
            raise
        raise ReviewSheetError(err.reason, path=p) from err
    return {**result, "consensus": name}
