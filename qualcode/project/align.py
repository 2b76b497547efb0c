"""Carrying codings over when a transcript is replaced by a changed version.

The old and new turns are aligned as sequences of (interview, speaker, text) with difflib, so a
turn inserted or deleted early in the file does not shift every later turn: a turn whose text is
unchanged keeps its codings wherever it moved; codings on changed or removed turns are retired.
"""

from __future__ import annotations

import difflib
import sqlite3

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.project import rows
from qualcode.project.schema import CODING_ROW

__all__ = ["carry_over", "match_turns"]

_COLUMNS = ("id", *CODING_ROW)


def match_turns(old: pd.DataFrame, new: pd.DataFrame) -> dict[int, int]:
    """Map old turn row ids to new ones where the turn's interview, speaker and text are equal."""
    key = [schema.INTERVIEW, schema.SPEAKER, schema.TEXT]
    a = list(old[key].astype(str).itertuples(index=False, name=None))
    b = list(new[key].astype(str).itertuples(index=False, name=None))
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    old_rows = old["row"].to_numpy(dtype=np.int64)
    new_rows = new["row"].to_numpy(dtype=np.int64)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[int(old_rows[block.a + k])] = int(new_rows[block.b + k])
    return mapping


def carry_over(
    con: sqlite3.Connection, *, old: pd.DataFrame, new: pd.DataFrame, batch: int
) -> tuple[int, pd.DataFrame]:
    """Move the alive codings of ``old`` turns onto the matching ``new`` turns.

    Returns
    -------
    (int, DataFrame)
        How many codings were carried over, and the people's codings that were not (their
        turn changed): turn_id, code, coder, text.
    """
    mapping = match_turns(old, new)
    old_rows = [int(r) for r in old["row"]]
    found: list[tuple[object, ...]] = []
    for k in range(0, len(old_rows), 500):
        part = old_rows[k : k + 500]
        found.extend(
            con.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM codings WHERE retired_batch IS NULL "
                f"AND turn IN ({','.join('?' * len(part))}) ORDER BY id",
                part,
            ).fetchall()
        )
    table = pd.DataFrame.from_records(found, columns=list(_COLUMNS))
    if table.empty:
        return 0, pd.DataFrame(columns=[schema.TURN_ID, schema.CODE, schema.CODER, schema.TEXT])
    rows.retire(con, "codings", table["id"].tolist(), batch=batch)
    moved = table["turn"].map(mapping)
    keep = table[moved.notna()].copy()
    keep["turn"] = moved[moved.notna()].astype("int64")
    # suggestions first, then the decisions on them, so that a decision points at the copy
    plain = keep[keep["decides"].isna()]
    new_ids = rows.insert(con, "codings", {c: plain[c] for c in _COLUMNS[1:]}, batch=batch)
    renumber = dict(zip(plain["id"].tolist(), new_ids.tolist(), strict=True))
    decisions = keep[keep["decides"].notna()].copy()
    decisions["decides"] = decisions["decides"].astype("int64").map(renumber)
    decisions = decisions[decisions["decides"].notna()]
    rows.insert(con, "codings", {c: decisions[c] for c in _COLUMNS[1:]}, batch=batch)
    lost = table[moved.isna() & (table["status"] != 0)]
    turn_text = old.set_index("row")
    names = dict(con.execute("SELECT id, name FROM coders"))
    code_names = dict(con.execute("SELECT key, name FROM codes WHERE retired_batch IS NULL"))
    dropped = pd.DataFrame(
        {
            schema.TURN_ID: lost["turn"].map(turn_text[schema.TURN_ID]).astype("string"),
            schema.CODE: lost["code"].map(code_names).astype("string"),
            schema.CODER: lost["coder"].map(names).astype("string"),
            schema.TEXT: lost["turn"].map(turn_text[schema.TEXT]).astype("string"),
        }
    ).reset_index(drop=True)
    return len(plain) + len(decisions), dropped
