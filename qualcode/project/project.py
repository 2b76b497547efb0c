"""The project: one SQLite file that keeps a study's transcripts, codebook, codings and cases.

The promises, each kept by one mechanism:

* *A person's coding decision is never changed by a machine*: machine coding only retires and
  re-inserts machine rows still waiting for a decision, and never suggests a (turn, code) that a
  person coded, accepted or rejected (:meth:`Project.add_suggestions`).
* *Never lost by a crash*: every change is one SQLite transaction (:mod:`qualcode.project.db`).
* *Always undoable*: rows are never updated in place; a change retires rows and inserts new ones
  under one batch, and :meth:`Project.undo` reverses the latest batch.

``Project`` is a thin face: opening, whole-table reads, the team-work and codebook calls are
here; its other methods come from mixins by job, each over the same :class:`Database`:
:mod:`~qualcode.project.ingest` (transcripts, --replace, turns tables, cases, memos),
:mod:`~qualcode.project.decisions` (suggestions, decide, people's codings in bulk),
:mod:`~qualcode.project.views` (paged reads), :mod:`~qualcode.project.queue` (the review
queue), :mod:`~qualcode.project.hand` (one coding at a time) and
:mod:`~qualcode.project.display` (how a project shows itself).

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

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook, parse_codebook, read_codebook
from qualcode.errors import ProjectError
from qualcode.project import codes as code_edits
from qualcode.project import reading
from qualcode.project.db import Batch, Database
from qualcode.project.decisions import Decisions
from qualcode.project.display import ProjectDisplay
from qualcode.project.hand import HandCoding
from qualcode.project.ingest import Ingest
from qualcode.project.queue import ReviewQueue
from qualcode.project.views import ProjectViews

if TYPE_CHECKING:
    from qualcode.agreement import Seen
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.project.merge import MergeResult

__all__ = ["Project"]


class Project(ProjectDisplay, ProjectViews, ReviewQueue, HandCoding, Ingest, Decisions):
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
        example quotes). See :class:`qualcode.coding.job.CodingJob` for ``method``.
        """
        from qualcode.coding.job import CodingJob

        self._db.check_writable()  # before minutes of coding, not after
        turns = self.turns()
        human = self.codings(people=True)
        machine = CodingJob.plan(
            turns,
            codebook=self.codebook(),
            model=model,
            train_codings=human if len(human) else None,
            method=method,
            all_speakers=all_speakers,
            unit=unit,
            languages=languages,
        ).code(turns)
        return self.add_suggestions(machine, who=who)

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
