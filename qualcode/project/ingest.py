"""What a researcher brings into a project: transcripts (added, or replaced with ``--replace``),
turns tables read elsewhere, cases with their attributes, and memos.

:class:`Ingest` is a mixin of :class:`qualcode.project.Project` (like the reading views, the
review queue and hand coding): each method is one transaction recorded as one batch. A
replaced transcript keeps the codings of its unchanged turns (:func:`qualcode.project.align.
carry_over`); the others are retired and listed in :attr:`AddResult.dropped`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.errors import ProjectError, QualcodeError
from qualcode.project import reading, rows
from qualcode.project.align import carry_over
from qualcode.project.db import Database, default_user
from qualcode.reports import QUESTION_TURN_ID, previous_questions

if TYPE_CHECKING:
    from qualcode.codebook import Codebook

__all__ = ["AddResult", "Ingest"]


@dataclass
class AddResult:
    """What :meth:`Project.add_transcripts` did.

    Attributes
    ----------
    added, replaced, unchanged : list of str
        Transcript files (by name) added, replaced by a changed version, and already there.
    turns : int
        Turns stored.
    kept : int
        Codings carried over to the new version of a replaced transcript (turn text unchanged).
    dropped : DataFrame
        People's codings on turns whose text changed (retired; ``undo`` brings them back):
        turn_id, code, coder, text.
    batch : int or None
        The batch recorded (None when nothing changed).
    """

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    turns: int = 0
    kept: int = 0
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    batch: int | None = None


@dataclass(frozen=True)
class _Source:
    """A transcript as stored: its name (``source`` of its turns), path, checksum, encoding."""

    name: str
    path: str
    checksum: str
    encoding: str | None
    size: int


def _is_turns_file(path: Path) -> bool:
    """Is ``path`` a table with the turns columns (a turns table written by ``parse``)?"""
    if path.suffix.lower() not in (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet"):
        return False
    from qualcode.transcripts.tabular import is_turns_table, read_frame

    try:
        return is_turns_table(read_frame(path))
    except QualcodeError:
        return False  # not readable as a table: the transcript reader says why


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encoding_name(data: bytes, suffix: str) -> str | None:
    """Name the text encoding of a transcript file (None for binary formats such as .docx)."""
    if suffix.lower() in (".docx", ".xlsx", ".xlsm", ".parquet"):
        return None
    for bom, name in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


class Ingest:
    """Adding transcripts, turns tables, cases and memos (a mixin of ``Project``)."""

    _db: Database

    if TYPE_CHECKING:  # Project's

        @property
        def path(self) -> Path: ...

        def codebook(self) -> Codebook: ...

    def add_transcripts(
        self,
        paths: str | Path | Iterable[str | Path],
        *,
        replace: bool = False,
        who: str | None = None,
        **read_options: Any,
    ) -> AddResult:
        """Add transcript files (or folders of them); a file already there is left as it is.

        Parameters
        ----------
        paths : path or paths
            Transcript files and folders, as for :func:`qualcode.read_transcripts`.
        replace : bool, default False
            Replace a file that changed since it was added. Codings on turns whose text is
            unchanged move to the new version; the others are retired and listed in
            :attr:`AddResult.dropped`.
        who : str, optional
            Recorded in the log (default: ``$QUALCODE_USER`` or the login name).
        **read_options
            ``roles``, ``format``, ``encoding``, ... of :func:`qualcode.read_transcripts`.

        A turns table (what ``qualcode parse`` writes) is added with its turn ids, as one
        transcript named after the table's file.

        Raises
        ------
        ProjectError
            A file changed and ``replace`` is not set, its turn ids collide with another
            transcript's, or it holds no speaker turns. Nothing is added then.
        """
        from qualcode.transcripts import find_transcripts, read_transcripts

        files = find_transcripts(paths)
        entries: list[_Source] = []
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as err:
                msg = f"cannot read the file: {err.strerror or err}"
                raise ProjectError(msg, path=f) from err
            entries.append(
                _Source(f.name, str(f), _checksum(data), _encoding_name(data, f.suffix), len(data))
            )
        by_name = {f.name: f for f in files}
        tables = {f.name for f in files if _is_turns_file(f)}

        def read(todo: list[_Source]) -> pd.DataFrame:
            # a turns table (what parse writes) keeps its turn ids; its rows name the files it
            # was parsed from, and belong to it in the project
            plain = [by_name[e.name] for e in todo if e.name not in tables]
            parts = [read_transcripts(plain, **read_options)] if plain else []
            for e in todo:
                if e.name in tables:
                    table = read_transcripts([by_name[e.name]], **read_options)
                    parts.append(table.assign(**{schema.SOURCE: e.name}))
            return schema.validate_turns(pd.concat(parts, ignore_index=True))

        return self._store_sources(entries, read, replace=replace, who=who)

    def add_turns(
        self,
        turns: pd.DataFrame,
        *,
        texts: Mapping[str, str] | None = None,
        replace: bool = False,
        who: str | None = None,
    ) -> AddResult:
        """Add a turns table read elsewhere (another tool's project, a REFI-QDA file).

        Each value of the ``source`` column is one transcript; ``texts`` gives its full text
        (its checksum tells a changed source from an unchanged one; default: the turns' text).
        ``replace`` as in :meth:`add_transcripts`.
        """
        table = schema.validate_turns(turns)
        if table[schema.SOURCE].isna().any():
            msg = "every turn needs a source (the transcript it comes from)"
            raise ProjectError(msg, path=self.path)
        entries = []
        for name in dict.fromkeys(table[schema.SOURCE].astype(str)):
            text = (texts or {}).get(name)
            if text is None:
                part = table[table[schema.SOURCE] == name]
                text = "\n".join(part[schema.SPEAKER].astype(str) + ": " + part[schema.TEXT])
            data = text.encode("utf-8")
            entries.append(_Source(name, name, _checksum(data), "utf-8", len(data)))

        def read(todo: list[_Source]) -> pd.DataFrame:
            wanted = {e.name for e in todo}
            return table[table[schema.SOURCE].astype(str).isin(wanted)]

        return self._store_sources(entries, read, replace=replace, who=who)

    def _store_sources(
        self,
        entries: list[_Source],
        read: Any,
        *,
        replace: bool,
        who: str | None,
    ) -> AddResult:
        """Store new and changed transcripts (``read`` gives the turns of those to store)."""
        con = self._db.con
        existing = _transcripts(con)
        result = AddResult()
        todo: list[_Source] = []
        changed: list[str] = []
        for entry in entries:
            old = existing.get(entry.name)
            if old is not None and old[1] == entry.checksum:
                result.unchanged.append(entry.name)
                continue
            if old is not None:
                changed.append(entry.name)
            todo.append(entry)
        if changed and not replace:
            msg = (
                f"{', '.join(changed)}: in the project already, and changed since it was added; "
                "add it with --replace (replace=True) to update it: codings on turns whose "
                "text is unchanged are kept, the others are listed"
            )
            raise ProjectError(msg, path=self.path)
        if not todo:
            return result
        turns = read(todo)
        found = set(turns[schema.SOURCE].astype(str))
        empty = [e for e in todo if e.name not in found]
        if empty:
            path = Path(empty[0].path)
            msg = (
                "no speaker turns in the file, so nothing to add; expected a transcript with "
                "speech (or a turns table with rows)"
            )
            raise ProjectError(msg, path=path)
        alive = reading.read_turns(con, with_rowid=True)
        replaced_ids = {existing[e.name][0] for e in todo if e.name in existing}
        transcript_of_turn = dict(
            con.execute("SELECT turn_id, transcript FROM turns WHERE retired_batch IS NULL")
        )
        clash = [
            t
            for t in turns[schema.TURN_ID]
            if t in transcript_of_turn and transcript_of_turn[t] not in replaced_ids
        ]
        if clash:
            msg = (
                f"turn id {clash[0]!r} (and {len(clash) - 1} more) of the new files is used by "
                "a transcript in the project already (two files with the same name stem in "
                "different folders?); rename the file and add it again"
            )
            raise ProjectError(msg, path=self.path)
        with self._db.batch("add", who) as batch:
            if _transcripts(con) != existing:  # files are read outside the lock
                msg = (
                    "another process changed the project's transcripts while these files were "
                    "read; run the command again"
                )
                raise ProjectError(msg, path=self.path)
            for entry in todo:
                part = turns[turns[schema.SOURCE] == entry.name]
                previous = alive[alive[schema.SOURCE] == entry.name]
                if entry.name in existing:  # retired first: the new turns may reuse their ids
                    rows.retire(con, "turns", previous["row"].tolist(), batch=batch.id)
                    rows.retire(con, "transcripts", [existing[entry.name][0]], batch=batch.id)
                tid = int(
                    rows.insert(
                        con,
                        "transcripts",
                        {
                            "source": [entry.name],
                            "path": [entry.path],
                            "checksum": [entry.checksum],
                            "encoding": [entry.encoding],
                            "size": [entry.size],
                        },
                        batch=batch.id,
                    )[0]
                )
                new_rows = _insert_turns(con, part, transcript=tid, batch=batch.id)
                result.turns += len(part)
                if entry.name in existing:
                    kept, dropped = carry_over(
                        con, old=previous, new=part.assign(row=new_rows), batch=batch.id
                    )
                    result.replaced.append(entry.name)
                    result.kept += kept
                    result.dropped = pd.concat([result.dropped, dropped], ignore_index=True)
                else:
                    result.added.append(entry.name)
            batch.note(
                f"added {len(result.added)} and replaced {len(result.replaced)} transcript(s), "
                f"{result.turns} turns"
                + (
                    f"; {result.kept} codings kept, {len(result.dropped)} on changed turns"
                    if result.replaced
                    else ""
                ),
                result.turns,
            )
            result.batch = batch.id
        return result

    def set_cases(self, cases: pd.DataFrame, *, who: str | None = None) -> int:
        """Store cases and their attributes (a case given again replaces its old rows).

        Parameters
        ----------
        cases : DataFrame
            The cases table: ``case``, ``interview`` and/or ``speaker``, and attribute columns
            (see :func:`qualcode.cases.read_cases`). A row with neither interview nor speaker
            is a case not tied to any turns (other tools' files hold such cases).

        Returns
        -------
        int
            The batch recorded.
        """
        from qualcode.cases import validate_cases

        table = validate_cases(cases, unlinked=True)
        join = [c for c in (schema.INTERVIEW, schema.SPEAKER) if c in table.columns]
        attrs = [c for c in table.columns if c not in ("case", *join)]
        con = self._db.con
        names = list(dict.fromkeys(table["case"].astype(str)))
        with self._db.batch("cases", who) as batch:
            old = [
                int(i)
                for (i,) in con.execute(
                    "SELECT id FROM cases WHERE retired_batch IS NULL AND name IN "
                    f"({','.join('?' * len(names))})",
                    names,
                )
            ]
            rows.retire(con, "cases", old, batch=batch.id)
            records = table.astype(object).where(table.notna(), None)
            rows.insert(
                con,
                "cases",
                {
                    "name": records["case"].tolist(),
                    "interview": records[schema.INTERVIEW].tolist()
                    if schema.INTERVIEW in join
                    else [None] * len(records),
                    "speaker": records[schema.SPEAKER].tolist()
                    if schema.SPEAKER in join
                    else [None] * len(records),
                    "attributes": [
                        json.dumps({a: r[a] for a in attrs if r[a] is not None}, ensure_ascii=False)
                        for r in records.to_dict("records")
                    ],
                },
                batch=batch.id,
            )
            batch.note(f"{len(names)} case(s) with {len(attrs)} attribute(s)", len(records))
        return batch.id

    def add_memo(
        self,
        text: str,
        *,
        turn: str | None = None,
        code: str | None = None,
        case: str | None = None,
        author: str | None = None,
    ) -> int:
        """Write a memo on a turn, a code, a case or (none given) the project; return its id."""
        given = [(k, v) for k, v in (("turn", turn), ("code", code), ("case", case)) if v]
        if len(given) > 1:
            msg = "a memo is about one thing: give at most one of turn, code and case"
            raise QualcodeError(msg)
        kind, target = given[0] if given else ("project", None)
        con = self._db.con
        if (
            kind == "turn"
            and not con.execute(
                "SELECT 1 FROM turns WHERE turn_id = ? AND retired_batch IS NULL", (turn,)
            ).fetchone()
        ):
            msg = f"no turn {turn!r} in the project"
            raise ProjectError(msg, path=self.path)
        if kind == "code":
            self.codebook().code(str(code))
        if (
            kind == "case"
            and not con.execute(
                "SELECT 1 FROM cases WHERE name = ? AND retired_batch IS NULL", (case,)
            ).fetchone()
        ):
            names = [
                n
                for (n,) in con.execute(
                    "SELECT DISTINCT name FROM cases WHERE retired_batch IS NULL ORDER BY name"
                )
            ]
            known = (
                f"its cases are {', '.join(map(repr, names))}"
                if names
                else "it has no cases yet (add them with --cases FILE)"
            )
            msg = f"no case {case!r} in the project; {known}"
            raise ProjectError(msg, path=self.path)
        with self._db.batch("memo", author) as batch:
            ids = rows.insert(
                con,
                "memos",
                {
                    "target_kind": [kind],
                    "target": [target],
                    "author": [author or default_user()],
                    "text": [text],
                },
                batch=batch.id,
            )
            batch.note(f"memo on {kind}" + (f" {target}" if target else ""), 1)
        return int(ids[0])


def _transcripts(con: Any) -> dict[str, tuple[int, str]]:
    """The alive transcripts: source file name -> (row id, checksum)."""
    return {
        str(src): (int(tid), str(chk))
        for tid, src, chk in con.execute(
            "SELECT id, source, checksum FROM transcripts WHERE retired_batch IS NULL"
        )
    }


def _insert_turns(con: Any, turns: pd.DataFrame, *, transcript: int, batch: int) -> np.ndarray:
    """Insert one transcript's turns, each linked to the interviewer turn asked before it."""
    start = rows.next_id(con, "turns")
    ids = np.arange(start, start + len(turns), dtype=np.int64)
    question = previous_questions(turns).reindex(turns[schema.TURN_ID].to_numpy())
    position = pd.Series(ids, index=turns[schema.TURN_ID].to_numpy())
    cols: Mapping[str, object] = {
        "transcript": np.full(len(turns), transcript, dtype=np.int64),
        **{c: turns[c].astype("object") for c in schema.TURN_COLUMNS},
        "question": question[QUESTION_TURN_ID].map(position).astype("Int64").to_numpy(),
    }
    inserted = rows.insert(con, "turns", cols, batch=batch)
    assert len(inserted) == 0 or inserted[0] == start  # we hold the write lock
    return inserted
