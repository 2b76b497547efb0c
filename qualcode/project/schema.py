"""The project file's SQL schema, its version and the migrations between versions.

A project is one SQLite file. Rows of data tables are never updated in place: a change retires
the old row (``retired_batch``) and inserts a new one (``created_batch``). Every change belongs to
one *batch* (one command or API call, one transaction), and undoing a batch is always the same
two statements per table: delete the rows it created, un-retire the rows it retired. The batches
table with the two batch columns of every row is the audit trail: who changed what, and when.

See docs/project.md for the tables and why they look like this.
"""

from __future__ import annotations

import sqlite3

__all__ = [
    "CODING_ROW",
    "MIGRATIONS",
    "ORIGINS",
    "SCHEMA_VERSION",
    "STATUSES",
    "VERSIONED_TABLES",
    "create_schema",
    "migrate",
]

#: the schema this version of qualcode writes
SCHEMA_VERSION = 5

#: tables whose rows carry created_batch / retired_batch (undo walks these, children first)
VERSIONED_TABLES: tuple[str, ...] = (
    "memos",
    "cases",
    "codings",
    "turns",
    "transcripts",
    "codes",
    "codebook_versions",
)

#: the columns of a ``codings`` row besides its id and batches, in table order
CODING_ROW: tuple[str, ...] = (
    "turn",
    "code",
    "coder",
    "origin",
    "status",
    "score",
    "evidence",
    "span_start",
    "span_end",
    "decides",
)

#: small integers stored for a coding's origin and a decision's status (rows stay small)
ORIGINS: tuple[str, ...] = ("person", "rules", "model")
STATUSES: tuple[str, ...] = ("suggested", "accepted", "rejected")

_BATCH_COLUMNS = """
    created_batch INTEGER NOT NULL REFERENCES batches(id),
    retired_batch INTEGER REFERENCES batches(id)"""

#: version 1: the first released schema (kept verbatim: migrations start from it)
SCHEMA_V1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    summary TEXT NOT NULL,
    n_changes INTEGER NOT NULL DEFAULT 0,
    undoes INTEGER REFERENCES batches(id),
    undone_by INTEGER REFERENCES batches(id)
);
CREATE TABLE codebook_versions (
    id INTEGER PRIMARY KEY,
    yaml TEXT NOT NULL,{_BATCH_COLUMNS}
);
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    key INTEGER NOT NULL,
    name TEXT NOT NULL,
    guid TEXT NOT NULL,{_BATCH_COLUMNS}
);
CREATE UNIQUE INDEX codes_alive_name ON codes(name) WHERE retired_batch IS NULL;
CREATE TABLE coders (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    checksum TEXT NOT NULL,
    encoding TEXT,
    size INTEGER NOT NULL,{_BATCH_COLUMNS}
);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    transcript INTEGER NOT NULL REFERENCES transcripts(id),
    turn_id TEXT NOT NULL,
    interview TEXT NOT NULL,
    position INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    start REAL,
    "end" REAL,
    source TEXT,
    line INTEGER,
    question INTEGER,{_BATCH_COLUMNS}
);
CREATE UNIQUE INDEX turns_alive_id ON turns(turn_id) WHERE retired_batch IS NULL;
CREATE INDEX turns_transcript ON turns(transcript);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    turn INTEGER NOT NULL REFERENCES turns(id),
    code INTEGER NOT NULL,
    coder INTEGER NOT NULL REFERENCES coders(id),
    origin INTEGER NOT NULL,
    status INTEGER NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    span_start INTEGER,
    span_end INTEGER,
    decides INTEGER REFERENCES codings(id),{_BATCH_COLUMNS}
);
CREATE INDEX codings_code ON codings(code, turn);
CREATE INDEX codings_retired ON codings(retired_batch) WHERE retired_batch IS NOT NULL;
CREATE INDEX codings_decides ON codings(decides) WHERE decides IS NOT NULL;
"""

#: version 2 adds memos and cases with attributes
MIGRATE_V1_V2 = f"""
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target TEXT,
    author TEXT NOT NULL,
    text TEXT NOT NULL,{_BATCH_COLUMNS}
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    interview TEXT,
    speaker TEXT,
    attributes TEXT NOT NULL,{_BATCH_COLUMNS}
);
"""

#: version 3 adds the indexes the workbench reads by: one turn's codings, one interview's turns
#: in order, and one coder's rows
MIGRATE_V2_V3 = """
CREATE INDEX codings_turn ON codings(turn) WHERE retired_batch IS NULL;
CREATE INDEX turns_interview ON turns(interview, position) WHERE retired_batch IS NULL;
CREATE INDEX codings_coder ON codings(coder, turn) WHERE retired_batch IS NULL;
"""

#: version 4 adds two partial indexes that count without reading rows: the machine suggestions
#: (decided or not) by code, origin and score, and the people's codings (hand codings and
#: accepted suggestions) by code and turn. The workbench's review queue, codebook counts and a
#: code's segments read only these on a project of a million codings.
MIGRATE_V3_V4 = """
CREATE INDEX codings_machine ON codings(code, origin, score, turn)
    WHERE retired_batch IS NULL AND decides IS NULL AND origin != 0;
CREATE INDEX codings_people ON codings(code, turn) WHERE retired_batch IS NULL AND status = 1;
"""

#: version 5 indexes the batch columns that undo (and removing an empty batch, whose foreign
#: keys SQLite checks) look rows up by: without them each undo reads every coding and turn
MIGRATE_V4_V5 = """
CREATE INDEX codings_created ON codings(created_batch);
CREATE INDEX turns_created ON turns(created_batch);
CREATE INDEX turns_retired ON turns(retired_batch) WHERE retired_batch IS NOT NULL;
"""

#: statements that bring a project from version ``k`` to ``k + 1``
MIGRATIONS: dict[int, str] = {
    1: MIGRATE_V1_V2,
    2: MIGRATE_V2_V3,
    3: MIGRATE_V3_V4,
    4: MIGRATE_V4_V5,
}


def create_schema(con: sqlite3.Connection) -> None:
    """Create the current schema in an empty database (inside the caller's transaction)."""
    for version in range(1, SCHEMA_VERSION + 1):
        script = SCHEMA_V1 if version == 1 else MIGRATIONS[version - 1]
        _run_script(con, script)


def migrate(con: sqlite3.Connection, version: int) -> int:
    """Apply the migrations from ``version`` to :data:`SCHEMA_VERSION`; return the new version."""
    while version < SCHEMA_VERSION:
        _run_script(con, MIGRATIONS[version])
        version += 1
    return version


def _run_script(con: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the caller's transaction first: run statement by statement
    for statement in script.split(";"):
        if statement.strip():
            con.execute(statement)
