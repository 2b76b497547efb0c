"""Opening a project file, its transactions and batches, and undo.

sqlite3 does the hard parts: atomic transactions (a process killed mid-write leaves the file as it
was before that write), write-ahead logging (readers never wait for a writer) and a busy timeout
(a second writer waits for the first). This module only decides how they are used:

* every change is one ``BEGIN IMMEDIATE`` transaction that records one batch (who, when, what);
* a writer that cannot get the lock within the timeout gets :class:`ProjectBusyError`;
* the schema version is checked on open: older files are migrated, newer ones refused;
* a project this process cannot write (a read-only file, or a read-only folder where SQLite
  cannot make its -wal and -shm files) is opened read-only: reading works, every change is
  refused up front with one error saying which is read-only.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from qualcode.errors import ProjectBusyError, ProjectError
from qualcode.project.schema import SCHEMA_VERSION, VERSIONED_TABLES, create_schema, migrate

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "Batch",
    "BatchRecorder",
    "Database",
    "busy_timeout_from_env",
    "committed_batches",
    "default_user",
    "now",
    "read_only_error",
    "read_only_reason",
]

#: seconds a writer waits for another process's write to finish before "project is busy"
#: (``$QUALCODE_BUSY_TIMEOUT`` changes it for the command line)
DEFAULT_BUSY_TIMEOUT = 10.0


def busy_timeout_from_env() -> float:
    """The busy timeout: ``$QUALCODE_BUSY_TIMEOUT`` seconds if set, else the default."""
    value = os.environ.get("QUALCODE_BUSY_TIMEOUT", "").strip()
    try:
        return float(value) if value else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


#: the first bytes of every SQLite 3 file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def default_user() -> str:
    """The name recorded for changes: ``$QUALCODE_USER``, else the login name."""
    name = os.environ.get("QUALCODE_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers)
        return "unknown"


def now() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


#: batches committed in this process, when someone asked to know (:func:`committed_batches`)
_committed: list[tuple[Path, int, str]] | None = None


@contextmanager
def committed_batches() -> Iterator[list[tuple[Path, int, str]]]:
    """Collect ``(project file, batch id, action)`` of the batches committed inside the block
    (the command line says which changes were kept when Ctrl-C stops a command)."""
    global _committed
    previous, _committed = _committed, []
    try:
        yield _committed
    finally:
        _committed = previous


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as err:
        raise _translate(err, path) from err
    return con


def read_only_reason(path: Path) -> str | None:
    """Why this process cannot write the project at ``path``: ``"folder"`` (SQLite cannot make
    its -wal and -shm files beside it), ``"file"``, or None when it can write both."""
    if not os.access(path.parent, os.W_OK):
        return "folder"
    if not os.access(path, os.W_OK):
        return "file"
    return None


def _connect_read_only(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A read-only connection to a project in a folder this process cannot write.

    SQLite reads a WAL database through its -shm file, which it cannot make in such a folder:
    ``mode=ro`` works when the -shm file is there already; otherwise the file is opened as
    ``immutable`` (read without any locking or -shm), which is right only when no -wal file
    holds changes not yet copied into the database file (a cleanly closed project has none).
    """
    uri = path.resolve().as_uri()
    try:
        con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=busy_timeout)
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            msg = (
                f"cannot read the project: its latest changes are in {wal.name}, which SQLite "
                "cannot read while the folder is read-only; expected a folder you can write "
                "to (copy the project file and its -wal file to one)"
            )
            raise ProjectError(msg, path=path) from None
        try:
            con = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=busy_timeout)
        except sqlite3.DatabaseError as err:
            raise _translate(err, path) from err
    con.isolation_level = None
    return con


def read_only_error(path: Path, reason: str | None) -> ProjectError:
    """The error of a change to a project this process cannot write."""
    if reason == "folder":
        why = (
            f"its folder {path.parent} is read-only (a project writes its journal beside the file)"
        )
    else:
        why = "the file is read-only"
    msg = (
        f"cannot change the project: {why}; reading commands (status, log, report, export, "
        "agree) still work; expected a project file in a folder you may write to (check the "
        "permissions, or copy the project)"
    )
    return ProjectError(msg, path=path)


def _translate(err: sqlite3.Error, path: Path) -> ProjectError:
    text = str(err)
    if "locked" in text or "busy" in text:
        msg = (
            "project is busy: another qualcode process is writing to it; "
            "try again when it has finished"
        )
        return ProjectBusyError(msg, path=path)
    if "readonly" in text:
        return read_only_error(path, read_only_reason(path))
    if "not a database" in text or "malformed" in text:
        msg = "not a qualcode project (the file is not an SQLite database, or it is damaged)"
        return ProjectError(msg, path=path)
    msg = f"cannot use the project file: {text}"
    return ProjectError(msg, path=path)


@dataclass(frozen=True)
class Batch:
    """One recorded change: a command or API call, applied in one transaction."""

    id: int
    at: str
    who: str
    action: str
    summary: str
    n_changes: int


class Database:
    """A project file's connection: reads, write transactions, batches and undo."""

    def __init__(
        self, path: Path, con: sqlite3.Connection, *, read_only: str | None = None
    ) -> None:
        self.path = path
        self.con = con
        #: why changes are refused (``"file"`` or ``"folder"`` is read-only), or None
        self.read_only = read_only
        self._current: BatchRecorder | None = None

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, *, busy_timeout: float | None = None) -> Database:
        """Create a new project file with the current schema."""
        p = Path(path)
        busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
        if p.exists():
            msg = "a file of that name exists already; choose another name or remove it"
            raise ProjectError(msg, path=p)
        if not p.parent.exists():
            msg = f"folder {p.parent} does not exist"
            raise ProjectError(msg, path=p)
        try:
            db = cls(p, _connect(p, busy_timeout))
            with db.transaction():
                create_schema(db.con)
                db.con.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("project_id", str(uuid.uuid4())),
                        ("created_at", now()),
                    ],
                )
        except OSError as err:
            msg = f"cannot create the project: {err.strerror or err}"
            raise ProjectError(msg, path=p) from err
        return db

    @classmethod
    def open(cls, path: str | Path, *, busy_timeout: float | None = None) -> Database:
        """Open a project file, migrating an older schema; refuse a newer one."""
        p = Path(path)
        busy_timeout = busy_timeout_from_env() if busy_timeout is None else busy_timeout
        if not p.is_file():
            msg = (
                f"no such project; create one with `qualcode init {p} --codebook CODEBOOK.yaml`"
                if not p.exists()
                else "not a qualcode project (it is a folder)"
            )
            raise ProjectError(msg, path=p)
        with p.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            msg = "not a qualcode project (the file is not an SQLite database)"
            raise ProjectError(msg, path=p)
        reason = read_only_reason(p)
        if reason == "folder":
            db = cls(p, _connect_read_only(p, busy_timeout), read_only=reason)
        else:  # a read-only file in a writable folder: SQLite opens it read-only itself
            db = cls(p, _connect(p, busy_timeout), read_only=reason)
        version = db._version()
        if version > SCHEMA_VERSION:
            db.close()
            msg = (
                f"the project was written by a newer qualcode (schema version {version}; this "
                f"qualcode reads up to version {SCHEMA_VERSION}); upgrade qualcode to open it"
            )
            raise ProjectError(msg, path=p)
        if version < SCHEMA_VERSION and db.read_only:
            db.close()
            msg = (
                f"the project was written by an older qualcode (schema version {version}) and "
                "must be upgraded once, which needs write access; "
                + read_only_error(p, reason).reason.removeprefix("cannot change the project: ")
            )
            raise ProjectError(msg, path=p)
        if version < SCHEMA_VERSION:
            with db.transaction():
                # another process may have migrated it while we waited for the lock
                if db._version() < SCHEMA_VERSION:
                    migrate(db.con, db._version())
                    db.con.execute(
                        "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                        (str(SCHEMA_VERSION),),
                    )
        return db

    def check_writable(self) -> None:
        """Raise :class:`ProjectError` if this process cannot change the project."""
        if self.read_only:
            raise read_only_error(self.path, self.read_only)

    def _version(self) -> int:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as err:
            if "no such table" in str(err):
                msg = "not a qualcode project (an SQLite file without qualcode's tables)"
                raise ProjectError(msg, path=self.path) from err
            raise _translate(err, self.path) from err
        if row is None or not str(row[0]).isdigit():
            msg = "not a qualcode project (no schema version recorded)"
            raise ProjectError(msg, path=self.path)
        return int(row[0])

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def meta(self, key: str) -> str | None:
        """A value of the meta table."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- transactions and batches ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one write transaction: all of it is stored, or none of it.

        Raises
        ------
        ProjectError
            If the project file or its folder is read-only (before anything is tried), or
            another process keeps the project busy.
        """
        self.check_writable()
        try:
            self.con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise _translate(err, self.path) from err
        try:
            yield self.con
        except sqlite3.OperationalError as err:
            self.con.execute("ROLLBACK")
            if "readonly" in str(err):  # the file system said no after all
                raise read_only_error(self.path, read_only_reason(self.path)) from err
            raise
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        try:
            self.con.execute("COMMIT")
        except sqlite3.OperationalError as err:
            self.con.execute("ROLLBACK")
            raise _translate(err, self.path) from err

    @contextmanager
    def batch(self, action: str, who: str | None = None) -> Iterator[BatchRecorder]:
        """Run the block as one transaction recorded as one batch (see :class:`BatchRecorder`).

        Inside another batch the block joins it: a command made of several changes (an
        import) is one transaction and one undo. A batch that created and retired no row (an
        unchanged review sheet imported again) is not recorded: ``recorder.kept`` is False and
        the log and undo never see it.
        """
        if self._current is not None:
            yield self._current
            return
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO batches(at, who, action, summary) VALUES (?, ?, ?, '')",
                (now(), who or default_user(), action),
            )
            recorder = BatchRecorder(int(cur.lastrowid or 0))
            before = con.total_changes
            self._current = recorder
            try:
                yield recorder
            finally:
                self._current = None
            if self._changed_nothing(recorder.id, con.total_changes - before):
                # an empty batch would be an undo that takes back nothing the user can see
                con.execute("DELETE FROM batches WHERE id = ?", (recorder.id,))
                recorder.kept = False
            else:
                con.execute(
                    "UPDATE batches SET summary = ?, n_changes = ? WHERE id = ?",
                    (recorder.summary, recorder.n_changes, recorder.id),
                )
        if recorder.kept and _committed is not None:
            _committed.append((self.path, recorder.id, action))

    def _changed_nothing(self, batch: int, n_statements: int) -> bool:
        """Whether batch ``batch`` created or retired no row (``n_statements``: rows that
        SQLite counted as inserted, updated or deleted inside it)."""
        if n_statements == 0:
            return True
        for table in VERSIONED_TABLES:
            # rows made inside this transaction are the newest of their table
            if self.con.execute(
                f"SELECT 1 FROM {table} WHERE id = (SELECT MAX(id) FROM {table}) "
                "AND created_batch = ?",
                (batch,),
            ).fetchone():
                return False
        for table in VERSIONED_TABLES:  # a batch that only retired rows (codings: indexed)
            if self.con.execute(
                f"SELECT 1 FROM {table} WHERE retired_batch = ? LIMIT 1", (batch,)
            ).fetchone():
                return False
        return True

    def batches(self) -> list[Batch]:
        """Every batch, oldest first, with whether it was undone."""
        rows = self.con.execute(
            "SELECT id, at, who, action, summary, n_changes FROM batches ORDER BY id"
        ).fetchall()
        return [Batch(*row) for row in rows]

    def undo(self, who: str | None = None) -> Batch:
        """Undo the latest batch not undone yet (undo entries themselves are not undone).

        Rows the batch created are deleted, rows it retired come back; the batch is marked as
        undone and the undo is recorded as a batch of its own.

        Raises
        ------
        ProjectError
            If there is nothing to undo.
        """
        with self.transaction() as con:
            row = con.execute(
                "SELECT id, at, who, action, summary, n_changes FROM batches "
                "WHERE undone_by IS NULL AND undoes IS NULL AND action != 'init' "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                msg = "nothing to undo: every change has been undone already"
                raise ProjectError(msg, path=self.path)
            target = Batch(*row)
            for table in VERSIONED_TABLES:  # children before parents (foreign keys)
                con.execute(f"DELETE FROM {table} WHERE created_batch = ?", (target.id,))
                con.execute(
                    f"UPDATE {table} SET retired_batch = NULL WHERE retired_batch = ?",
                    (target.id,),
                )
            cur = con.execute(
                "INSERT INTO batches(at, who, action, summary, n_changes, undoes) "
                "VALUES (?, ?, 'undo', ?, ?, ?)",
                (
                    now(),
                    who or default_user(),
                    f"undid batch {target.id} ({target.action}: {target.summary})",
                    target.n_changes,
                    target.id,
                ),
            )
            con.execute("UPDATE batches SET undone_by = ? WHERE id = ?", (cur.lastrowid, target.id))
        return target


class BatchRecorder:
    """What a batch did, filled in by the code that makes the change."""

    def __init__(self, batch_id: int) -> None:
        self.id = batch_id
        #: False when the batch changed nothing and was therefore not recorded
        self.kept = True
        self.n_changes = 0
        self._parts: list[str] = []

    def note(self, text: str, n_changes: int = 0) -> None:
        """Add a part to the batch's summary and count its changed rows."""
        self._parts.append(text)
        self.n_changes += n_changes

    @property
    def summary(self) -> str:
        """The batch's summary: its parts joined."""
        return "; ".join(self._parts) or "no changes"
