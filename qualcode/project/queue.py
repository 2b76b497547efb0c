"""The review queue read a page at a time: open suggestions, their count, per-code counts.

A project of a million codings holds half a million machine suggestions; the workbench shows
one at a time and how many are left. The rows are read through the partial indexes of schema
version 4 (the machine rows by code, origin, score and turn; the people's codings by code and
turn): open suggestions are counted as machine rows less those with a decision, which reads
indexes, not rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.errors import ProjectError
from qualcode.project.db import Database
from qualcode.project.reading import records_frame
from qualcode.project.schema import ORIGINS, STATUSES

__all__ = ["SUGGESTION_ID", "ReviewQueue"]

#: the column naming a machine suggestion's row id (what :meth:`Project.decide` takes)
SUGGESTION_ID = "suggestion_id"

_ACCEPTED = STATUSES.index("accepted")

# an alive machine row, decided or not (the alias c is the codings row): written as the
# partial index codings_machine is, so that counting reads the index only
_MACHINE = "c.retired_batch IS NULL AND c.decides IS NULL AND c.origin != 0"
# a machine row nobody decided on
_PENDING = (
    f"{_MACHINE} AND NOT EXISTS "
    "(SELECT 1 FROM codings d WHERE d.decides = c.id AND d.retired_batch IS NULL)"
)


class ReviewQueue:
    """The review queue's reads (a mixin of :class:`~qualcode.project.Project`)."""

    _db: Database

    if TYPE_CHECKING:  # Project's

        @property
        def path(self) -> Path: ...

        def codebook(self) -> Codebook: ...

        def code_keys(self) -> dict[str, int]: ...

    def _queue_con(self) -> sqlite3.Connection:
        return self._db.con

    def _machine_filters(
        self,
        code: str | None,
        origin: str | None,
        min_score: float | None,
        max_score: float | None,
    ) -> tuple[list[str], list[Any]]:
        """SQL conditions on a machine row ``c`` for the review queue's filters."""
        where: list[str] = []
        params: list[Any] = []
        if code:
            key = self.code_keys().get(code)
            if key is None:
                msg = f"no code named {code!r} in the project's codebook"
                raise ProjectError(msg, path=self.path)
            where.append("c.code = ?")
            params.append(key)
        if origin:
            if origin not in ORIGINS[1:]:
                msg = f"unknown origin {origin!r}; expected rules or model"
                raise ProjectError(msg, path=self.path)
            where.append("c.origin = ?")
            params.append(ORIGINS.index(origin))
        if min_score is not None:
            where.append("c.score >= ?")
            params.append(float(min_score))
        if max_score is not None:
            where.append("c.score <= ?")
            params.append(float(max_score))
        return where, params

    def pending_suggestions(
        self,
        *,
        code: str | None = None,
        origin: str | None = None,
        min_score: float | None = None,
        max_score: float | None = None,
        interview: str | None = None,
        offset: int = 0,
        limit: int = 1,
    ) -> pd.DataFrame:
        """Machine suggestions nobody decided yet, oldest first, with the turn in context.

        Parameters
        ----------
        code, origin, interview : str, optional
            Keep one code, one origin (``rules`` / ``model``), one interview.
        min_score, max_score : float, optional
            Keep scores in this range (inclusive).
        offset, limit : int
            The page of the queue to read.

        Returns
        -------
        DataFrame
            suggestion_id, turn_id, interview, speaker, role, text, code, coder, score,
            evidence, span_start, span_end, question (the interviewer turn before it),
            question_speaker.
        """
        where, params = self._machine_filters(code, origin, min_score, max_score)
        where = [_PENDING, *where]
        if interview:  # the interview's turns first (by index), then their codings
            source = "turns t CROSS JOIN codings c"
            where = ["t.interview = ?", "t.retired_batch IS NULL", "c.turn = t.id", *where]
            params = [interview, *params]
        else:
            source = "codings c JOIN turns t ON t.id = c.turn"
        names = {int(k): str(n) for n, k in self.code_keys().items()}
        rows = (
            self._queue_con()
            .execute(
                f"""SELECT c.id, t.turn_id, t.interview, t.speaker, t.role, t.text, c.code,
                   c.origin, c.score, c.evidence, c.span_start, c.span_end, q.text, q.speaker
               FROM {source} LEFT JOIN turns q ON q.id = t.question
               WHERE {" AND ".join(where)} ORDER BY c.id LIMIT ? OFFSET ?""",
                [*params, int(limit), max(int(offset), 0)],
            )
            .fetchall()
        )
        out = [
            (*r[:6], names.get(int(r[6]), ""), ORIGINS[int(r[7])], *r[8:12], r[12], r[13])
            for r in rows
        ]
        cols = [SUGGESTION_ID, schema.TURN_ID, schema.INTERVIEW, schema.SPEAKER, schema.ROLE]
        cols += [schema.TEXT, schema.CODE, schema.CODER, schema.SCORE, schema.EVIDENCE]
        cols += [schema.SPAN_START, schema.SPAN_END, "question", "question_speaker"]
        return records_frame(out, cols)

    def count_pending(
        self,
        *,
        code: str | None = None,
        origin: str | None = None,
        min_score: float | None = None,
        max_score: float | None = None,
        interview: str | None = None,
    ) -> int:
        """How many suggestions nobody decided yet (filters as :meth:`pending_suggestions`).

        Counted as the machine rows (an index of them, not the rows) less those with a
        decision, so that a queue of half a million suggestions is counted in milliseconds.
        """
        where, params = self._machine_filters(code, origin, min_score, max_score)
        con = self._queue_con()
        if interview:
            sql = (
                "SELECT COUNT(*) FROM turns t CROSS JOIN codings c WHERE t.interview = ? "
                "AND t.retired_batch IS NULL AND c.turn = t.id AND "
                + " AND ".join([_PENDING, *where])
            )
            return int(con.execute(sql, [interview, *params]).fetchone()[0])
        machine = " AND ".join([_MACHINE, *where])
        # INDEXED BY: without statistics SQLite would walk a larger index and read every row
        count_sql = f"SELECT COUNT(*) FROM codings c INDEXED BY codings_machine WHERE {machine}"
        rows = int(con.execute(count_sql, params).fetchone()[0])
        decided = con.execute(
            "SELECT COUNT(DISTINCT d.decides) FROM codings d JOIN codings c ON c.id = d.decides "
            f"WHERE d.decides IS NOT NULL AND d.retired_batch IS NULL AND {machine}",
            params,
        ).fetchone()[0]
        return rows - int(decided)

    def code_counts(self) -> pd.DataFrame:
        """Per code of the codebook: people's codings and suggestions nobody decided yet.

        Returns
        -------
        DataFrame
            code, people, open (codebook order).
        """
        con = self._queue_con()
        people = dict(
            con.execute(
                f"SELECT code, COUNT(*) FROM codings WHERE retired_batch IS NULL "
                f"AND status = {_ACCEPTED} GROUP BY code"
            ).fetchall()
        )
        machine = dict(
            con.execute(
                "SELECT c.code, COUNT(*) FROM codings c INDEXED BY codings_machine "
                f"WHERE {_MACHINE} GROUP BY c.code"
            )
        )
        decided = dict(
            con.execute(
                "SELECT c.code, COUNT(DISTINCT d.decides) FROM codings d JOIN codings c "
                f"ON c.id = d.decides WHERE d.decides IS NOT NULL AND d.retired_batch IS NULL "
                f"AND {_MACHINE} GROUP BY c.code"
            )
        )
        keys = self.code_keys()
        names = [n for n in self.codebook().code_names if n in keys]
        out = [
            (
                n,
                int(people.get(keys[n], 0)),
                int(machine.get(keys[n], 0)) - int(decided.get(keys[n], 0)),
            )
            for n in names
        ]
        return records_frame(out, [schema.CODE, "people", "open"])
