"""Reading a project's tables back as the DataFrames the rest of qualcode uses.

Only alive rows (``retired_batch IS NULL``) are read. The turns and codings tables come back in
the columns of :mod:`qualcode.schema`, so every report, coder and exporter works on a project as
on CSV files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.project.schema import ORIGINS, STATUSES

__all__ = [
    "CODING_ID",
    "MACHINE_CODERS",
    "ORIGIN",
    "STATUS",
    "read_cases",
    "read_codings",
    "read_decisions",
    "read_memos",
    "read_turns",
    "records_frame",
]

#: extra columns of a codings table read with details
CODING_ID = "coding_id"
ORIGIN = "origin"
STATUS = "status"

#: coder names of machine coders (their rows are suggestions)
MACHINE_CODERS: tuple[str, ...] = (schema.RULES_CODER, schema.MODEL_CODER)

# a transcript's turns stay where its file was first added (a replaced file keeps its place);
# that place is joined once, not looked up per turn (a correlated subquery took 13 s of 15 s
# for 200,000 turns)
_TURN_SQL = """
SELECT t.id, t.turn_id, t.interview, t.position, t.speaker, t.role, t.text, t.start, t."end",
       t.source, t.line
FROM turns t JOIN transcripts tr ON tr.id = t.transcript
JOIN (SELECT source, MIN(id) AS first FROM transcripts GROUP BY source) f ON f.source = tr.source
WHERE t.retired_batch IS NULL
ORDER BY f.first, t.id
"""

# the derived status of a machine row: the latest alive decision on it (NULL: none yet). Names
# of turns, codes and coders are mapped in pandas: joins per row cost more than the row itself
_CODING_SQL = """
SELECT c.id, c.turn, c.code, c.coder, c.score, c.evidence, c.span_start, c.span_end,
       c.origin, c.status, d.status
FROM codings c
LEFT JOIN (SELECT decides, MAX(id) AS last FROM codings
           WHERE decides IS NOT NULL AND retired_batch IS NULL GROUP BY decides) l
       ON l.decides = c.id
LEFT JOIN codings d ON d.id = l.last
WHERE c.retired_batch IS NULL AND (c.decides IS NULL OR c.status != 2) {where}
ORDER BY c.id
"""

_DECISION_SQL = """
SELECT d.id, d.decides, t.turn_id, k.name, p.name, d.status, m.name, d.created_batch
FROM codings d
JOIN codings s ON s.id = d.decides
JOIN turns t ON t.id = d.turn
JOIN codes k ON k.key = d.code AND k.retired_batch IS NULL
JOIN coders p ON p.id = d.coder
JOIN coders m ON m.id = s.coder
WHERE d.retired_batch IS NULL AND d.decides IS NOT NULL
ORDER BY d.id
"""


def records_frame(rows: list[Any], columns: list[str]) -> pd.DataFrame:
    """A table of query rows with these columns (the columns kept when there are no rows)."""
    return (
        pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    )


def read_turns(con: sqlite3.Connection, *, with_rowid: bool = False) -> pd.DataFrame:
    """The alive turns in transcript order (``row`` = the turns row id when asked)."""
    rows = con.execute(_TURN_SQL).fetchall()
    names = ["row", *schema.TURN_COLUMNS]
    df = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)
    turns = schema.normalize_turns(df.drop(columns="row"))
    if with_rowid:
        turns["row"] = df["row"].to_numpy(dtype=np.int64)
    return turns


def read_codings(
    con: sqlite3.Connection,
    *,
    coder: str | Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    origin: str | Sequence[str] | None = None,
    code: str | Sequence[str] | None = None,
    people: bool = False,
    details: bool = False,
) -> pd.DataFrame:
    """The alive codings: people's codings and machine suggestions (rejections are decisions).

    A person's coding has status ``accepted``; a machine row has the status of the latest
    decision on it (``suggested`` while nobody decided). ``people`` keeps people's codings only.
    With ``details`` the columns ``coding_id``, ``origin`` and ``status`` are added.
    """
    coders = {int(i): str(n) for i, n in con.execute("SELECT id, name FROM coders")}
    code_names = {
        int(k): str(n)
        for k, n in con.execute("SELECT key, name FROM codes WHERE retired_batch IS NULL")
    }
    clauses: list[str] = []
    params: list[object] = []
    for column, value, names in (("c.coder", coder, coders), ("c.code", code, code_names)):
        values = _as_list(value)
        if values is not None:
            wanted = [i for i, n in names.items() if n in values]
            clauses.append(f"{column} IN ({','.join('?' * len(wanted))})")
            params.extend(wanted)
    if people:
        machine_ids = [i for i, n in coders.items() if n in MACHINE_CODERS]
        clauses.append(f"c.coder NOT IN ({','.join('?' * len(machine_ids))})")
        params.extend(machine_ids)
    where = "".join(f" AND {c}" for c in clauses)
    rows = con.execute(_CODING_SQL.format(where=where), params).fetchall()
    raw = [CODING_ID, "turn", "code_key", "coder_id", schema.SCORE, schema.EVIDENCE]
    raw += [schema.SPAN_START, schema.SPAN_END, ORIGIN, "own", "decided"]
    df = pd.DataFrame.from_records(rows, columns=raw) if rows else pd.DataFrame(columns=raw)
    turn_ids = dict(con.execute("SELECT id, turn_id FROM turns WHERE retired_batch IS NULL"))
    df[schema.TURN_ID] = df["turn"].map(turn_ids)
    df[schema.CODE] = df["code_key"].map(code_names)
    df[schema.CODER] = df["coder_id"].map(coders)
    df = df[df[schema.CODE].notna()].drop(columns=["turn", "code_key", "coder_id"])
    own = df["own"].to_numpy(dtype=np.int64)
    decided = df["decided"].astype("float64").to_numpy()
    machine = np.asarray(df[schema.CODER].isin(MACHINE_CODERS), dtype=bool)
    code_of_status = np.where(machine & ~np.isnan(decided), np.nan_to_num(decided), own)
    df[STATUS] = np.asarray(STATUSES, dtype=object)[code_of_status.astype(np.int64)]
    df[ORIGIN] = np.asarray(ORIGINS, dtype=object)[df[ORIGIN].to_numpy(dtype=np.int64)]
    df = df.drop(columns=["own", "decided"])
    for column, value in ((STATUS, status), (ORIGIN, origin)):
        values = _as_list(value)
        if values is not None:
            df = df[df[column].isin(values)]
    out = schema.normalize_codings(df.drop(columns=[CODING_ID, ORIGIN, STATUS]))
    if details:
        out[CODING_ID] = df[CODING_ID].to_numpy(dtype=np.int64)
        out[ORIGIN] = df[ORIGIN].to_numpy()
        out[STATUS] = df[STATUS].to_numpy()
    return out


def read_decisions(con: sqlite3.Connection) -> pd.DataFrame:
    """Every alive decision a person made on a machine suggestion."""
    rows = con.execute(_DECISION_SQL).fetchall()
    cols = ["decision_id", "suggestion_id", schema.TURN_ID, schema.CODE, schema.CODER]
    cols += ["decision", "suggested_by", "batch"]
    df = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    df["decision"] = np.asarray(STATUSES, dtype=object)[df["decision"].to_numpy(dtype=np.int64)]
    return df


def read_cases(con: sqlite3.Connection) -> pd.DataFrame:
    """The cases table: ``case``, ``interview``, ``speaker`` and one column per attribute."""
    rows = con.execute(
        "SELECT name, interview, speaker, attributes FROM cases "
        "WHERE retired_batch IS NULL ORDER BY id"
    ).fetchall()
    records = []
    for name, interview, speaker, attributes in rows:
        record = {"case": name, schema.INTERVIEW: interview, schema.SPEAKER: speaker}
        record.update(json.loads(attributes))
        records.append(record)
    if not records:
        return pd.DataFrame(columns=["case", schema.INTERVIEW, schema.SPEAKER])
    return pd.DataFrame.from_records(records).astype("string")


def read_memos(con: sqlite3.Connection) -> pd.DataFrame:
    """The memos: what they are about, who wrote them, when, and the text."""
    rows = con.execute(
        "SELECT m.id, m.target_kind, m.target, m.author, b.at, m.text FROM memos m "
        "JOIN batches b ON b.id = m.created_batch WHERE m.retired_batch IS NULL ORDER BY m.id"
    ).fetchall()
    cols = ["memo_id", "about", "target", "author", "at", "text"]
    return pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)
