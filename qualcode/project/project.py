"""The project: one SQLite file that keeps a study's transcripts, codebook, codings and cases.

The promises, each kept by one mechanism:

* *A person's coding decision is never changed by a machine*: machine coding only retires and
  re-inserts machine rows still waiting for a decision, and never suggests a (turn, code) that a
  person coded, accepted or rejected (:meth:`Project.add_suggestions`).
* *Never lost by a crash*: every change is one SQLite transaction (:mod:`qualcode.project.db`).
* *Always undoable*: rows are never updated in place; a change retires rows and inserts new ones
  under one batch, and :meth:`Project.undo` reverses the latest batch.

Examples
--------
>>> import tempfile, pathlib, qualcode as qc
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> book = qc.Codebook.from_code_names(["retain", "acquire"])
>>> project = qc.Project.create(folder / "study.qualcode", book)
>>> _ = (folder / "a.txt").write_text("P: Bagaimana?\\nN1: Kami menjaga klien.\\n")
>>> project.add_transcripts([folder / "a.txt"]).added
['a.txt']
>>> len(project.turns())
2
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook, parse_codebook, read_codebook
from qualcode.errors import CodingsError, ProjectError, QualcodeError
from qualcode.project import codes as code_edits
from qualcode.project import reading, rows
from qualcode.project.align import carry_over
from qualcode.project.db import Batch, Database, default_user
from qualcode.project.display import ProjectDisplay
from qualcode.project.hand import HandCoding
from qualcode.project.queue import ReviewQueue
from qualcode.project.schema import CODING_ROW, ORIGINS, STATUSES
from qualcode.project.views import ProjectViews
from qualcode.reports import QUESTION_TURN_ID, previous_questions

if TYPE_CHECKING:
    from qualcode.agreement import Seen
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.project.merge import MergeResult

__all__ = ["AddResult", "Project"]

SUGGESTED, ACCEPTED, REJECTED = (STATUSES.index(s) for s in STATUSES)
PERSON = ORIGINS.index("person")


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


class Project(ProjectDisplay, ProjectViews, ReviewQueue, HandCoding):
    """A qualcode project file (``.qualcode``): open with :meth:`open`, make with :meth:`create`.

    Reading methods return the tables of :mod:`qualcode.schema`; each writing method is one
    transaction recorded as one batch in :meth:`log` and undone by :meth:`undo`. In Jupyter a
    project shows what it holds (:meth:`summary`); ``print(project)`` shows the same as text.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        codebook: Codebook | str | Path,
        *,
        who: str | None = None,
        busy_timeout: float | None = None,
        code_guids: Mapping[str, str] | None = None,
    ) -> Project:
        """Create a project file with a codebook.

        ``code_guids`` keeps the GUIDs another tool gave the codes (REFI-QDA import).

        Raises
        ------
        ProjectError
            If the file exists already or its folder does not.
        """
        book = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
        db = Database.create(path, busy_timeout=busy_timeout)
        project = cls(db)
        with db.batch("init", who) as batch:
            code_edits.store_codebook(
                db.con, book, batch=batch.id, namespace=project.id, code_guids=code_guids
            )
            batch.note(f"created with codebook {book.name!r} ({len(book.codes)} codes)")
        return project

    @classmethod
    def open(cls, path: str | Path, *, busy_timeout: float | None = None) -> Project:
        """Open a project file (an older schema is migrated; a newer one refused)."""
        return cls(Database.open(path, busy_timeout=busy_timeout))

    def close(self) -> None:
        """Close the project file."""
        self._db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The project file."""
        return self._db.path

    @property
    def id(self) -> uuid.UUID:
        """The project's identity (stable; REFI-QDA GUIDs derive from it)."""
        return uuid.UUID(self._db.meta("project_id") or str(uuid.UUID(int=0)))

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r})"

    # -- reading -----------------------------------------------------------------------------
    def codebook(self) -> Codebook:
        """The current codebook."""
        row = self._db.con.execute(
            "SELECT yaml FROM codebook_versions WHERE retired_batch IS NULL ORDER BY id DESC"
        ).fetchone()
        if row is None:
            msg = "the project has no codebook"
            raise ProjectError(msg, path=self.path)
        return parse_codebook(row[0])

    def code_guids(self) -> dict[str, str]:
        """The GUID of each code (stable across renames and exports)."""
        return code_edits.guids(self._db.con)

    def turns(self) -> pd.DataFrame:
        """The turns table of every transcript, in the order they were added."""
        return reading.read_turns(self._db.con)

    def codings(
        self,
        *,
        coder: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        origin: str | Sequence[str] | None = None,
        code: str | Sequence[str] | None = None,
        people: bool = False,
        details: bool = False,
    ) -> pd.DataFrame:
        """The codings table: people's codings and machine suggestions.

        Parameters
        ----------
        coder, code : str or list of str, optional
            Keep these coders / codes.
        status : {"suggested", "accepted", "rejected"} or list, optional
            A person's coding is ``accepted``; a machine row has the status of the latest
            decision on it, ``suggested`` while nobody decided. Rejections are not codings:
            see :meth:`decisions`.
        origin : {"person", "rules", "model"} or list, optional
            Where the coding came from (a suggestion a person accepted keeps its origin).
        people : bool, default False
            Keep people's codings only (no machine rows).
        details : bool, default False
            Add the columns ``coding_id``, ``origin`` and ``status``.

        Returns
        -------
        DataFrame
            turn_id, code, coder, score, evidence, span_start, span_end (and the details).
        """
        return reading.read_codings(
            self._db.con,
            coder=coder,
            status=status,
            origin=origin,
            code=code,
            people=people,
            details=details,
        )

    def report_codings(
        self, *, coder: str | Sequence[str] | None = None, include_suggestions: bool = False
    ) -> pd.DataFrame:
        """The codings a report shows: the people's (hand codings and accepted suggestions).

        ``include_suggestions`` adds the suggestions nobody decided on, with ``status``
        ``"suggested"`` (marked as such in every report table); ``coder`` keeps those coders
        (``"consensus"`` after adjudication). See :func:`qualcode.project.team.report_codings`.
        """
        from qualcode.project import team

        return team.report_codings(self, coder=coder, include_suggestions=include_suggestions)

    def current_codings(self) -> pd.DataFrame:
        """What reports use: people's codings and machine codings nobody rejected."""
        return self.codings(status=["accepted", "suggested"])

    # -- team work: agreement and adjudication (qualcode.project.team) -----------------------
    def agreement(
        self,
        *,
        coders: Sequence[str] | None = None,
        unit: str = "turn",
        seen: Seen = "interview",
        all_speakers: bool = False,
    ) -> pd.DataFrame:
        """Agreement per code between the project's coders (default: every person).

        A coder's codings are what they coded and the suggestions they accepted (``rules``
        and ``model``, when named, count every suggestion they made); coders are compared
        over the interviews both coded in (``seen="all"``: over every interview).
        ``unit="character"`` counts characters of span-coded work. Columns as
        :func:`qualcode.agreement_table`.
        """
        from qualcode.project import team

        return team.project_agreement(
            self, coders=coders, unit=unit, seen=seen, all_speakers=all_speakers
        )

    def disagreements(
        self,
        *,
        coders: Sequence[str] | None = None,
        seen: Seen = "interview",
        all_speakers: bool = False,
    ) -> pd.DataFrame:
        """The (turn, code) cells the coders disagree on (:func:`qualcode.disagreements`)."""
        from qualcode.project import team

        return team.project_disagreements(self, coders=coders, seen=seen, all_speakers=all_speakers)

    def adjudication_table(self, *, coders: Sequence[str]) -> pd.DataFrame:
        """One row per cell two coders disagree on, both decisions and an empty ``final``."""
        from qualcode.project import team

        return team.adjudication_table(self, coders=coders)

    def adjudication_sheet(
        self, path: str | Path, *, coders: Sequence[str], consensus: str = "consensus"
    ) -> Path:
        """Write the adjudication sheet (.xlsx; :func:`qualcode.write_adjudication_sheet`)."""
        from qualcode.exchange.adjudication import write_adjudication_sheet

        return write_adjudication_sheet(self, path, coders=coders, consensus=consensus)

    def adjudicate(
        self,
        decisions: pd.DataFrame | str | Path,
        *,
        coders: Sequence[str] | None = None,
        consensus: str = "consensus",
        who: str | None = None,
    ) -> dict[str, int]:
        """Make the consensus coder's codings from two coders' work (one batch, undoable).

        Cells (turn, code) both coders coded become the consensus coder's codings at once;
        ``decisions`` settles the cells they disagree on.

        Parameters
        ----------
        decisions : DataFrame or path
            ``turn_id``, ``code`` and ``final`` (``coded``, ``not coded`` or empty: left open),
            optionally ``decision_a``/``decision_b`` as written (checked); or an adjudication
            sheet (.xlsx), which names its coders and consensus coder itself.
        coders : two str
            The two coders (not needed with a sheet).
        consensus : str, default "consensus"
            The coder whose codings are made.

        Returns
        -------
        dict
            ``agreed`` (cells both coded), ``coded`` / ``not_coded`` (settled), ``open``,
            ``added`` (codings stored), ``retired`` (earlier consensus codings of cells now
            settled as not coded), ``batch``.

        Raises
        ------
        ReviewSheetError
            Rows that are not cells the coders disagree on now, unknown final values,
            duplicated cells: every bad row is named and nothing is stored.
        """
        from qualcode.project import team

        if not isinstance(decisions, pd.DataFrame):
            from qualcode.exchange.adjudication import import_adjudication_sheet

            return import_adjudication_sheet(decisions, self, who=who)
        if coders is None:
            msg = "give the two coders whose differences the decisions settle"
            raise ProjectError(msg, path=self.path)
        return team.adjudicate(
            self, self._db, decisions, coders=coders, consensus=consensus, who=who
        )

    def suggestions(
        self, *, code: str | Sequence[str] | None = None, coder: str | None = None
    ) -> pd.DataFrame:
        """Machine codings waiting for a decision (by ``coder``, if given: not decided by them).

        Returns
        -------
        DataFrame
            suggestion_id, turn_id, code, coder (``rules``/``model``), score, evidence,
            span_start, span_end, origin.
        """
        table = self.codings(coder=list(reading.MACHINE_CODERS), code=code, details=True)
        if coder is None:
            table = table[table[reading.STATUS] == "suggested"]
        else:
            decided = self.decisions()
            mine = set(decided.loc[decided[schema.CODER] == coder, "suggestion_id"])
            table = table[~table[reading.CODING_ID].isin(mine)]
            people = self.codings(coder=coder)
            done = set(zip(people[schema.TURN_ID], people[schema.CODE], strict=True))
            pairs = zip(table[schema.TURN_ID], table[schema.CODE], strict=True)
            table = table[[p not in done for p in pairs]]
        table = table.rename(columns={reading.CODING_ID: "suggestion_id"})
        first = ["suggestion_id", *schema.CODING_COLUMNS, reading.ORIGIN]
        return table[first].reset_index(drop=True)

    def decisions(self) -> pd.DataFrame:
        """People's decisions on suggestions: decision_id, suggestion_id, turn_id, code, coder,
        decision (accepted/rejected), suggested_by, batch."""
        return reading.read_decisions(self._db.con)

    def cases(self) -> pd.DataFrame:
        """The cases table: case, interview, speaker and one column per attribute."""
        return reading.read_cases(self._db.con)

    def memos(self) -> pd.DataFrame:
        """The memos: memo_id, about (project/turn/code/case), target, author, at, text."""
        return reading.read_memos(self._db.con)

    def log(self) -> pd.DataFrame:
        """The batches: batch, at, who, action, summary, changes, undone (batch that undid it).

        Examples
        --------
        >>> import tempfile, pathlib, qualcode as qc
        >>> p = qc.Project.create(pathlib.Path(tempfile.mkdtemp()) / "s.qualcode",
        ...                       qc.Codebook.from_code_names(["a"]), who="ana")
        >>> p.log()[["who", "action"]].values.tolist()
        [['ana', 'init']]
        """
        rows_ = self._db.con.execute(
            "SELECT id, at, who, action, summary, n_changes, undone_by FROM batches ORDER BY id"
        ).fetchall()
        cols = ["batch", "at", "who", "action", "summary", "changes", "undone_by"]
        df = pd.DataFrame.from_records(rows_, columns=cols)
        df["undone_by"] = df["undone_by"].astype("Int64")
        return df

    def status(self) -> dict[str, Any]:
        """Counts of what the project holds.

        Returns
        -------
        dict
            ``transcripts``, ``turns``, ``interviews``, ``cases``, ``codes``, ``memos``
            (ints), ``codings`` (DataFrame: coder, origin, status, codings) and ``batches``.
        """
        con = self._db.con

        def count(sql: str) -> int:
            return int(con.execute(sql).fetchone()[0])

        table = self.codings(details=True)
        by = (
            table.groupby([schema.CODER, reading.ORIGIN, reading.STATUS], observed=True)
            .size()
            .rename("codings")
            .reset_index()
        )
        decided = self.decisions()
        rejected = decided[decided["decision"] == "rejected"]
        if len(rejected):
            extra = (rejected.groupby(schema.CODER).size().rename("codings").reset_index()).assign(
                **{reading.ORIGIN: "decision", reading.STATUS: "rejected"}
            )
            by = pd.concat([by, extra[by.columns]], ignore_index=True)
        cases = self.cases()
        return {
            "transcripts": count("SELECT COUNT(*) FROM transcripts WHERE retired_batch IS NULL"),
            "turns": count("SELECT COUNT(*) FROM turns WHERE retired_batch IS NULL"),
            "interviews": count(
                "SELECT COUNT(DISTINCT interview) FROM turns WHERE retired_batch IS NULL"
            ),
            "cases": int(cases["case"].nunique()) if len(cases) else 0,
            "codes": count("SELECT COUNT(*) FROM codes WHERE retired_batch IS NULL"),
            "memos": count("SELECT COUNT(*) FROM memos WHERE retired_batch IS NULL"),
            "codings": by,
            "batches": count("SELECT COUNT(*) FROM batches WHERE undone_by IS NULL"),
        }

    def segments(self, code: str) -> pd.DataFrame:
        """The turns coded with ``code`` (any coder), read without loading the whole project.

        Returns
        -------
        DataFrame
            turn_id, interview, speaker, text, coder, status, score, evidence, span_start,
            span_end, question (the interviewer turn before it).
        """
        key = code_edits.key_of(self._db.con, code, path=self.path, book=self.codebook())
        sql = """
        SELECT t.turn_id, t.interview, t.speaker, t.text, p.name, c.status, c.score,
               c.evidence, c.span_start, c.span_end,
               q.text
        FROM codings c JOIN turns t ON t.id = c.turn JOIN coders p ON p.id = c.coder
        LEFT JOIN turns q ON q.id = t.question
        WHERE c.code = ? AND c.retired_batch IS NULL AND (c.decides IS NULL OR c.status != 2)
        ORDER BY c.turn, c.id
        """
        cols = [schema.TURN_ID, schema.INTERVIEW, schema.SPEAKER, schema.TEXT, schema.CODER]
        cols += ["status", schema.SCORE, schema.EVIDENCE, schema.SPAN_START, schema.SPAN_END]
        cols += ["question"]
        # object columns: a listing, not worth converting 100,000s of strings to Arrow
        found = self._db.con.execute(sql, (key,)).fetchall()
        df = pd.DataFrame(found, columns=cols, dtype=object)
        df["status"] = np.asarray(STATUSES, dtype=object)[df["status"].to_numpy(dtype=np.int64)]
        return df

    # -- changing: transcripts and cases -------------------------------------------------------
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

    # -- changing: codings -------------------------------------------------------------------
    def add_codings(self, codings: pd.DataFrame, *, who: str | None = None) -> int:
        """Store people's codings (coder = the person); return how many were new.

        A coding the same person already made (same turn, code and span) is not stored twice.

        Raises
        ------
        CodingsError
            A turn id or code that the project does not have (rows are listed), or a machine
            coder name (``rules``/``model``: use :meth:`add_suggestions`).
        """
        table = schema.validate_codings(codings)
        machine = table[schema.CODER].isin(reading.MACHINE_CODERS)
        if machine.any():
            msg = (
                f"coder {table.loc[machine, schema.CODER].iloc[0]!r} is a machine coder; "
                "people's codings need a person's name (machine codings are suggestions)"
            )
            raise CodingsError(msg)
        self._check_codings(table)
        with self._db.batch("codings", who) as batch:  # read what exists inside the write
            existing = self.codings(people=True, coder=sorted(set(table[schema.CODER].astype(str))))
            keys = _coding_keys(table)
            fresh = ~np.asarray(keys.duplicated(), dtype=bool)
            if len(existing):
                fresh &= ~np.asarray(keys.isin(_coding_keys(existing)), dtype=bool)
            prepared = self._prepare_codings(table)
            n = self._insert_codings(
                prepared[fresh], origin=PERSON, status=ACCEPTED, batch=batch.id, score=1.0
            )
            coders = ", ".join(dict.fromkeys(table[schema.CODER].astype(str)))
            batch.note(f"{n} coding(s) by {coders}", n)
        return n

    def add_suggestions(self, codings: pd.DataFrame, *, who: str | None = None) -> dict[str, int]:
        """Store machine codings (coders ``rules`` / ``model``) as suggestions.

        The coder's earlier suggestions that nobody decided on are replaced; suggestions a
        person decided on stay; a (turn, code) that a person coded, accepted or rejected is
        not suggested again. People's codings are never touched.

        Returns
        -------
        dict
            ``suggested`` (new suggestions), ``replaced`` (earlier ones retired), ``skipped``
            (pairs a person already decided), ``batch``.
        """
        table = schema.validate_codings(codings)
        bad = ~table[schema.CODER].isin(reading.MACHINE_CODERS)
        if bad.any():
            msg = (
                f"coder {table.loc[bad, schema.CODER].iloc[0]!r} is not a machine coder "
                f"({', '.join(reading.MACHINE_CODERS)}); store people's codings with add_codings"
            )
            raise CodingsError(msg)
        self._check_codings(table)
        con = self._db.con
        # read what people decided inside the write transaction: a decision committed by
        # another process a moment before must be seen
        with self._db.batch("code", who) as batch:
            decided = pd.DataFrame(
                con.execute(
                    "SELECT turn, code FROM codings WHERE retired_batch IS NULL AND status != 0"
                ).fetchall(),
                columns=["turn", "code"],
            )
            kept_machine = pd.DataFrame(
                con.execute(
                    "SELECT c.turn, c.code FROM codings c WHERE c.retired_batch IS NULL "
                    "AND c.status = 0 AND EXISTS (SELECT 1 FROM codings d WHERE d.decides = c.id "
                    "AND d.retired_batch IS NULL)"
                ).fetchall(),
                columns=["turn", "code"],
            )
            pairs = pd.MultiIndex.from_frame(decided)
            mine = pd.MultiIndex.from_frame(kept_machine)
            prepared = self._prepare_codings(table)
            key = pd.MultiIndex.from_arrays([prepared["turn"], prepared["code"]])
            skip = np.asarray(key.isin(pairs) | key.isin(mine), dtype=bool)
            result = {"suggested": 0, "replaced": 0, "skipped": int(skip.sum())}
            for name in dict.fromkeys(table[schema.CODER].astype(str)):
                cid = rows.coder_ids(con, [name])[name]
                pending = [
                    int(i)
                    for (i,) in con.execute(
                        "SELECT c.id FROM codings c WHERE c.retired_batch IS NULL "
                        "AND c.coder = ? AND c.status = 0 AND NOT EXISTS (SELECT 1 FROM codings "
                        "d WHERE d.decides = c.id AND d.retired_batch IS NULL)",
                        (cid,),
                    )
                ]
                result["replaced"] += rows.retire(con, "codings", pending, batch=batch.id)
                mask = (~skip) & (table[schema.CODER] == name).to_numpy()
                origin = ORIGINS.index(name)
                result["suggested"] += self._insert_codings(
                    prepared[mask], origin=origin, status=SUGGESTED, batch=batch.id
                )
            batch.note(
                f"{result['suggested']} suggestion(s) by "
                f"{', '.join(dict.fromkeys(table[schema.CODER].astype(str))) or 'nobody'}"
                f" ({result['replaced']} earlier undecided ones replaced, {result['skipped']} "
                "already decided by people)",
                result["suggested"] + result["replaced"],
            )
        result["batch"] = batch.id if batch.kept else 0
        return result

    def code(
        self,
        *,
        method: str | None = None,
        model: CodeClassifier | None = None,
        all_speakers: bool = False,
        unit: str = "turn",
        languages: list[str] | None = None,
        who: str | None = None,
    ) -> dict[str, int]:
        """Code the project's turns with its codebook (rules, a model or both) as suggestions.

        The classifier learns from the people's codings in the project (and the codebook's
        example quotes). See :func:`qualcode.code_turns` for ``method``.
        """
        from qualcode.coding.suggest import code_turns

        self._db.check_writable()  # before minutes of coding, not after
        turns = self.turns()
        human = self.codings(people=True)
        machine = code_turns(
            turns,
            codebook=self.codebook(),
            model=model,
            train_codings=human if len(human) else None,
            method=method,
            all_speakers=all_speakers,
            rule_options={"unit": unit, "languages": languages or None},
        )
        return self.add_suggestions(machine, who=who)

    def decide(self, decisions: pd.DataFrame, *, coder: str) -> dict[str, int]:
        """Record a person's decisions on suggestions.

        Parameters
        ----------
        decisions : DataFrame
            ``suggestion_id`` and ``decision`` (``accept`` or ``reject``).
        coder : str
            The person deciding: accepted suggestions become their codings; rejected ones
            are kept as rejections so they are not suggested again.

        Returns
        -------
        dict
            ``accepted``, ``rejected``, ``unchanged`` (same decision made before), ``batch``
            (0 when nothing changed: no batch is logged then).

        Raises
        ------
        ProjectError
            An unknown decision, a suggestion the project does not have, or the same
            suggestion twice. Nothing is stored then.
        """
        if not coder or coder in reading.MACHINE_CODERS:
            msg = f"decisions need a person's name as coder, got {coder!r}"
            raise ProjectError(msg, path=self.path)
        table = pd.DataFrame(decisions)
        verdict = table["decision"].astype("string").str.strip().str.lower()
        wanted = verdict.map({"accept": ACCEPTED, "reject": REJECTED})
        if wanted.isna().any():
            bad = verdict[wanted.isna()].iloc[0]
            msg = f"unknown decision {bad!r}; expected accept or reject"
            raise ProjectError(msg, path=self.path)
        ids = table["suggestion_id"].astype("int64")
        if ids.duplicated().any():
            msg = f"suggestion {int(ids[ids.duplicated()].iloc[0])} is decided twice"
            raise ProjectError(msg, path=self.path)
        con = self._db.con
        # checked inside the write transaction: what another process did a moment ago counts
        with self._db.batch("review", coder) as batch:
            found = _fetch_by_id(
                con,
                "SELECT id, turn, code, origin, score, evidence, span_start, span_end, status, "
                "retired_batch, decides FROM codings WHERE id IN ({marks})",
                ids.tolist(),
            )
            alive_turns = _fetch_by_id(
                con,
                "SELECT id FROM turns WHERE retired_batch IS NULL AND id IN ({marks})",
                sorted({int(r[1]) for r in found.values()}),
            )
            missing = [
                i
                for i in ids
                if i not in found
                or found[i][8] != SUGGESTED
                or found[i][10] is not None
                or found[i][9] is not None
                or found[i][1] not in alive_turns
            ]
            if missing:
                msg = (
                    f"suggestion {missing[0]} is not in the project (not a suggestion, or its "
                    "turn or the suggestion itself was replaced since)"
                )
                raise ProjectError(msg, path=self.path)
            out = {"accepted": 0, "rejected": 0, "unchanged": 0}
            cid = rows.coder_ids(con, [coder])[coder]
            earlier = _fetch_by_id(
                con,
                # by the decisions' index: the coder's (a person's codings may be many) reads
                # every row of that person
                "SELECT decides, id, status FROM codings INDEXED BY codings_decides "
                "WHERE retired_batch IS NULL "
                f"AND coder = {cid} AND decides IN ({{marks}})",
                ids.tolist(),
            )
            own = pd.DataFrame(  # this person's codings of the suggestions' turns only
                list(
                    _fetch_by_id(
                        con,
                        "SELECT id, turn, code FROM codings WHERE retired_batch IS NULL "
                        f"AND coder = {cid} AND decides IS NULL AND turn IN ({{marks}})",
                        sorted({int(r[1]) for r in found.values()}),
                    ).values()
                ),
                columns=["id", "turn", "code"],
            )
            own_of = {(t, c): i for i, t, c in own.itertuples(index=False, name=None)}
            new: dict[str, list[object]] = {k: [] for k in CODING_ROW}
            retire_ids: list[int] = []
            for sid, status in zip(ids.tolist(), wanted.astype(int).tolist(), strict=True):
                prev = earlier.get(sid)
                if prev is not None and prev[2] == status:
                    out["unchanged"] += 1
                    continue
                if prev is not None:
                    retire_ids.append(int(prev[1]))
                s = found[sid]
                direct = own_of.get((s[1], s[2]))
                if direct is not None and status == REJECTED:
                    retire_ids.append(int(direct))  # the person now rejects their own coding
                elif direct is not None:
                    out["unchanged"] += 1
                    continue
                for name, value in zip(
                    CODING_ROW,
                    (
                        s[1],
                        s[2],
                        cid,
                        s[3],
                        status,
                        1.0 if status == ACCEPTED else s[4],
                        s[5],
                        s[6],
                        s[7],
                        sid,
                    ),
                    strict=True,
                ):
                    new[name].append(value)
                out["accepted" if status == ACCEPTED else "rejected"] += 1
            rows.retire(con, "codings", retire_ids, batch=batch.id)
            rows.insert(con, "codings", new, batch=batch.id)
            batch.note(
                f"{out['accepted']} accepted, {out['rejected']} rejected by {coder}"
                f" ({out['unchanged']} unchanged)",
                out["accepted"] + out["rejected"],
            )
        out["batch"] = batch.id if batch.kept else 0  # 0: nothing changed, nothing logged
        return out

    # -- changing: the codebook --------------------------------------------------------------
    def rename_code(self, old: str, new: str, *, who: str | None = None) -> int:
        """Rename a code; its codings keep it (they refer to the code, not its name)."""
        with self._db.batch("rename", who) as batch:
            code_edits.rename(self._db.con, self.codebook(), old, new, batch=batch.id)
            batch.note(f"renamed code {old!r} to {new!r}", 1)
        return batch.id

    def merge_codes(self, source: str, into: str, *, who: str | None = None) -> int:
        """Merge code ``source`` into ``into``: its codings become ``into``'s; it is removed."""
        with self._db.batch("merge", who) as batch:
            moved = code_edits.merge(self._db.con, self.codebook(), source, into, batch=batch.id)
            batch.note(f"merged code {source!r} into {into!r} ({moved} codings moved)", moved + 1)
        return batch.id

    def delete_code(self, name: str, *, force: bool = False, who: str | None = None) -> int:
        """Delete a code; one with codings needs ``force`` (and undo brings it all back)."""
        with self._db.batch("delete", who) as batch:
            n = code_edits.delete(
                self._db.con, self.codebook(), name, force=force, batch=batch.id, path=self.path
            )
            batch.note(f"deleted code {name!r} and its {n} coding(s)", n + 1)
        return batch.id

    def set_codebook(
        self,
        codebook: Codebook | str | Path,
        *,
        force: bool = False,
        who: str | None = None,
        code_guids: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the codebook (new definitions, keywords, codes). A code that disappears and
        has codings needs ``force``; to rename a code use :meth:`rename_code`."""
        book = codebook if isinstance(codebook, Codebook) else read_codebook(codebook)
        with self._db.batch("codebook", who) as batch:
            n = code_edits.replace_codebook(
                self._db.con,
                book,
                force=force,
                batch=batch.id,
                path=self.path,
                namespace=self.id,
                code_guids=code_guids,
            )
            batch.note(f"codebook {book.name!r} ({len(book.codes)} codes; {n} codings retired)", 1)
        return batch.id

    @contextmanager
    def batch(self, action: str = "changes", *, who: str | None = None) -> Iterator[int]:
        """Group several changes into one transaction and one batch (one undo).

        Examples
        --------
        >>> import tempfile, pathlib, qualcode as qc
        >>> p = qc.Project.create(pathlib.Path(tempfile.mkdtemp()) / "s.qualcode",
        ...                       qc.Codebook.from_code_names(["a", "b"]))
        >>> with p.batch("tidy codes"):
        ...     _ = p.rename_code("a", "x")
        ...     _ = p.rename_code("b", "y")
        >>> p.log()["action"].tolist()
        ['init', 'tidy codes']
        """
        with self._db.batch(action, who) as recorder:
            yield recorder.id

    def merge(
        self, other: str | Path, *, as_new: bool = False, who: str | None = None
    ) -> MergeResult:
        """Merge a colleague's copy of a project (``OTHER.qualcode``) into this one, one batch.

        Interviews are matched by their text, codings land on this project's turns under their
        coders' names; see :mod:`qualcode.project.merge`.
        """
        from qualcode.project.merge import merge_project

        return merge_project(self, other, as_new=as_new, who=who)

    # -- undo ----------------------------------------------------------------------------------
    def undo(self, *, who: str | None = None) -> Batch:
        """Undo the latest change not undone yet; return the batch that was undone."""
        return self._db.undo(who)

    # -- helpers -------------------------------------------------------------------------------
    def _check_codings(self, table: pd.DataFrame) -> None:
        """Raise CodingsError if a coding names a turn or code the project does not have."""
        self._row_ids(table)

    def _row_ids(self, table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """The turns row id and code key of each coding (checked: all known)."""
        con = self._db.con
        turn_rows = dict(con.execute("SELECT turn_id, id FROM turns WHERE retired_batch IS NULL"))
        keys = code_edits.keys(con)
        turn = table[schema.TURN_ID].map(turn_rows)
        code = table[schema.CODE].map(keys)
        for what, mapped, col in (("turn", turn, schema.TURN_ID), ("code", code, schema.CODE)):
            if mapped.isna().any():
                bad = table.index[mapped.isna()]
                shown = ", ".join(repr(v) for v in table.loc[bad[:5], col])
                msg = (
                    f"{len(bad)} coding(s) name a {what} the project does not have "
                    f"({shown}{', ...' if len(bad) > 5 else ''}; rows "
                    f"{', '.join(str(i + 2) for i in bad[:5])})"
                )
                raise CodingsError(msg)
        return turn, code

    def _prepare_codings(self, table: pd.DataFrame) -> pd.DataFrame:
        """A codings table as the project's turn row ids, code keys and coder ids (adds coder
        names: call inside a batch)."""
        turn, code = self._row_ids(table)
        coders = rows.coder_ids(self._db.con, table[schema.CODER].astype(str))
        return pd.DataFrame(
            {
                "turn": turn.astype("int64").to_numpy(),
                "code": code.astype("int64").to_numpy(),
                "coder": table[schema.CODER].astype(str).map(coders).to_numpy(),
                "score": table[schema.SCORE].to_numpy(),
                "evidence": table[schema.EVIDENCE].fillna("").astype(str).to_numpy(),
                "span_start": table[schema.SPAN_START].to_numpy(),
                "span_end": table[schema.SPAN_END].to_numpy(),
            }
        )

    def _insert_codings(
        self,
        prepared: pd.DataFrame,
        *,
        origin: int,
        status: int,
        batch: int,
        score: float | None = None,
    ) -> int:
        n = len(prepared)
        rows.insert(
            self._db.con,
            "codings",
            {
                "turn": prepared["turn"].to_numpy(),
                "code": prepared["code"].to_numpy(),
                "coder": prepared["coder"].to_numpy(),
                "origin": np.full(n, origin, dtype=np.int64),
                "status": np.full(n, status, dtype=np.int64),
                "score": np.full(n, score) if score is not None else prepared["score"],
                "evidence": prepared["evidence"],
                "span_start": prepared["span_start"],
                "span_end": prepared["span_end"],
                "decides": [None] * n,
            },
            batch=batch,
        )
        return n


def _coding_keys(codings: pd.DataFrame) -> pd.MultiIndex:
    """(turn, code, coder, span) of each coding: what makes a person's coding the same."""
    return pd.MultiIndex.from_arrays(
        [
            codings[schema.TURN_ID].astype(str).to_numpy(dtype=object),
            codings[schema.CODE].astype(str).to_numpy(dtype=object),
            codings[schema.CODER].astype(str).to_numpy(dtype=object),
            codings[schema.SPAN_START].astype("float64").fillna(-1).to_numpy(),
            codings[schema.SPAN_END].astype("float64").fillna(-1).to_numpy(),
        ]
    )


def _transcripts(con: Any) -> dict[str, tuple[int, str]]:
    """The alive transcripts: source file name -> (row id, checksum)."""
    return {
        str(src): (int(tid), str(chk))
        for tid, src, chk in con.execute(
            "SELECT id, source, checksum FROM transcripts WHERE retired_batch IS NULL"
        )
    }


def _fetch_by_id(con: Any, sql: str, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Rows of ``sql`` (whose first column is the key) for ``ids``, 500 ids a query."""
    out: dict[int, tuple[Any, ...]] = {}
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        for row in con.execute(sql.format(marks=",".join("?" * len(part))), part):
            out[int(row[0])] = tuple(row)
    return out


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
