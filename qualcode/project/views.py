"""Reading a project a page at a time: what the workbench (``qualcode serve``) shows.

:meth:`Project.turns` and :meth:`Project.codings` read whole tables, which a report needs and a
page does not: on a project of a million codings a page must show one interview's turns, one
suggestion or twenty quotes in milliseconds. The methods here read only those rows, through the
indexes of schema version 3 (codings by turn and by coder, turns by interview and position).
Every table returned names its columns from :mod:`qualcode.schema` where one exists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.errors import ProjectError
from qualcode.project import codes as code_edits
from qualcode.project.db import Database
from qualcode.project.reading import records_frame
from qualcode.project.schema import ORIGINS, STATUSES

__all__ = ["ProjectViews"]

_PERSON = ORIGINS.index("person")
_ACCEPTED = STATUSES.index("accepted")


class ProjectViews:
    """Paged reads for the workbench (a mixin of :class:`~qualcode.project.Project`)."""

    _db: Database

    if TYPE_CHECKING:  # Project's

        @property
        def path(self) -> Path: ...

        def codebook(self) -> Codebook: ...

    def _con(self) -> sqlite3.Connection:
        return self._db.con

    def workbench(self, *, coder: str | None = None, port: int = 0, height: int = 720) -> Any:
        """Start the coding workbench on this project in the background and show it inline.

        The same server as ``qualcode serve``, on a free loopback port, in a thread of this
        process (for Jupyter); it stops with :meth:`Workbench.stop` or when the interpreter
        exits. See :func:`qualcode.web.server.workbench`.

        Returns
        -------
        Workbench
            Shows the page in an IFrame in Jupyter; ``.url`` (with the token) and ``.stop()``.
        """
        from qualcode.web.server import workbench  # the web layer, imported when asked for

        return workbench(self, coder=coder, port=port, height=height)

    def state(self) -> int:
        """The id of the latest batch: it changes with every change (and every undo).

        A page or chart computed for one state is still right while the state is the same.
        """
        row = self._con().execute("SELECT COALESCE(MAX(id), 0) FROM batches").fetchone()
        return int(row[0])

    def codebook_state(self) -> tuple[int, int, int]:
        """What changes when the codebook or a code's name changes, and only then.

        The latest batch that made an alive codebook version and code row (batches are never
        reused, and an undo brings back exactly the rows of an earlier state), and how many
        codes are alive.
        """
        row = (
            self._con()
            .execute(
                "SELECT (SELECT COALESCE(MAX(created_batch), 0) FROM codebook_versions WHERE "
                "retired_batch IS NULL), (SELECT COALESCE(MAX(created_batch), 0) FROM codes WHERE "
                "retired_batch IS NULL), (SELECT COUNT(*) FROM codes WHERE retired_batch IS NULL)"
            )
            .fetchone()
        )
        return int(row[0]), int(row[1]), int(row[2])

    def turns_state(self) -> tuple[int, int]:
        """What changes when the turns change, and only then: turns are added and replaced
        with their transcript, so the latest batch that made an alive transcript row, and how
        many there are. A search index of the turns stays right while it is the same."""
        row = (
            self._con()
            .execute(
                "SELECT COALESCE(MAX(created_batch), 0), COUNT(*) FROM transcripts "
                "WHERE retired_batch IS NULL"
            )
            .fetchone()
        )
        return int(row[0]), int(row[1])

    def code_keys(self) -> dict[str, int]:
        """Code name -> the code's key (stable across renames)."""
        return {
            str(n): int(k)
            for n, k in self._con().execute(
                "SELECT name, key FROM codes WHERE retired_batch IS NULL"
            )
        }

    def interview_names(self) -> list[str]:
        """The interviews' names in transcript order (without counting anything)."""
        return [
            str(n)
            for (n,) in self._con().execute(
                "SELECT interview FROM turns WHERE retired_batch IS NULL GROUP BY interview "
                "ORDER BY MIN(id)"
            )
        ]

    def interviews(self, *, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
        """One row per interview, in transcript order, with what has been coded in it.

        Parameters
        ----------
        offset, limit : int, optional
            A page of the interviews (only its codings are counted).

        Returns
        -------
        DataFrame
            interview, speakers (names joined by ", "), turns, people (people's codings:
            hand codings and accepted suggestions), rejected, open (suggestions nobody
            decided); ``attrs["total"]`` is the number of interviews.
        """
        con = self._con()
        # by the (interview, position) index alone: no row is read to order the interviews
        order = con.execute(
            "SELECT interview, COUNT(*), MIN(id) FROM turns INDEXED BY turns_interview "
            "WHERE retired_batch IS NULL GROUP BY interview ORDER BY MIN(id)"
        ).fetchall()
        total = len(order)
        start = max(int(offset), 0)
        page = order[start : None if limit is None else start + int(limit)]
        speakers: dict[str, str] = {}
        for k in range(0, len(page), 500):
            part = [str(r[0]) for r in page[k : k + 500]]
            for name, who in con.execute(
                "SELECT interview, GROUP_CONCAT(DISTINCT speaker) FROM turns "
                f"WHERE interview IN ({','.join('?' * len(part))}) AND retired_batch IS NULL "
                "GROUP BY interview",
                part,
            ):
                speakers[str(name)] = str(who or "")
        turns = [(r[0], r[1], speakers.get(str(r[0]), ""), r[2]) for r in page]
        names = [str(r[0]) for r in turns]
        by: dict[str, tuple[Any, ...]] = {}
        for k in range(0, len(names), 500):
            part = names[k : k + 500]
            # from the page's turns to their codings (CROSS JOIN: turns first, by index)
            for row in con.execute(
                f"""SELECT t.interview, SUM(c.status = {_ACCEPTED}),
                       SUM(c.decides IS NOT NULL AND c.status = 2),
                       SUM(c.decides IS NULL AND c.origin != 0 AND NOT EXISTS (SELECT 1 FROM
                           codings d WHERE d.decides = c.id AND d.retired_batch IS NULL))
                   FROM turns t CROSS JOIN codings c
                   WHERE t.interview IN ({",".join("?" * len(part))})
                     AND t.retired_batch IS NULL AND c.turn = t.id AND c.retired_batch IS NULL
                   GROUP BY t.interview""",
                part,
            ):
                by[str(row[0])] = row[1:]
        out = []
        for interview, n, who, _ in turns:
            people, rejected, pending = by.get(str(interview), (0, 0, 0))
            shown = ", ".join(dict.fromkeys(str(who or "").split(",")))
            out.append((interview, shown, int(n), int(people), int(rejected), int(pending)))
        cols = [schema.INTERVIEW, "speakers", "turns", "people", "rejected", "open"]
        df = records_frame(out, cols)
        df.attrs["total"] = total
        return df

    def interview_turns(
        self, interview: str, *, offset: int = 0, limit: int | None = None
    ) -> pd.DataFrame:
        """The turns of one interview in order (``limit`` of them from ``offset``).

        Returns
        -------
        DataFrame
            turn_id, interview, position, speaker, role, text, start, end; ``attrs["total"]``
            is the number of turns of the interview.

        Raises
        ------
        ProjectError
            If the project has no interview of that name.
        """
        con = self._con()
        total = int(
            con.execute(
                "SELECT COUNT(*) FROM turns WHERE interview = ? AND retired_batch IS NULL",
                (interview,),
            ).fetchone()[0]
        )
        if total == 0:
            msg = f"no interview {interview!r} in the project"
            raise ProjectError(msg, path=self.path)
        rows = con.execute(
            'SELECT turn_id, interview, position, speaker, role, text, start, "end" FROM turns '
            "WHERE interview = ? AND retired_batch IS NULL ORDER BY position, id "
            "LIMIT ? OFFSET ?",
            (interview, -1 if limit is None else int(limit), max(int(offset), 0)),
        ).fetchall()
        cols = [schema.TURN_ID, schema.INTERVIEW, schema.POSITION, schema.SPEAKER, schema.ROLE]
        cols += [schema.TEXT, schema.START, schema.END]
        df = records_frame(rows, cols)
        df.attrs["total"] = total
        return df

    def turn(self, turn_id: str) -> dict[str, Any]:
        """One turn (turn_id, interview, position, speaker, role, text, start, end, index: its
        place in the interview counted from 0).

        Raises
        ------
        ProjectError
            If the project has no such turn.
        """
        con = self._con()
        row = con.execute(
            'SELECT turn_id, interview, position, speaker, role, text, start, "end", id FROM '
            "turns WHERE turn_id = ? AND retired_batch IS NULL",
            (turn_id,),
        ).fetchone()
        if row is None:
            msg = f"no turn {turn_id!r} in the project"
            raise ProjectError(msg, path=self.path)
        keys = [schema.TURN_ID, schema.INTERVIEW, schema.POSITION, schema.SPEAKER, schema.ROLE]
        keys += [schema.TEXT, schema.START, schema.END]
        out = dict(zip(keys, row[:-1], strict=True))
        out["index"] = int(
            con.execute(
                "SELECT COUNT(*) FROM turns WHERE interview = ? AND retired_batch IS NULL AND "
                "(position < ? OR (position = ? AND id < ?))",
                (row[1], row[2], row[2], row[-1]),
            ).fetchone()[0]
        )
        return out

    def coding_turn(self, coding_id: int) -> str | None:
        """The turn id of an alive coding (None if there is no such coding)."""
        row = (
            self._con()
            .execute(
                "SELECT t.turn_id FROM codings c JOIN turns t ON t.id = c.turn "
                "WHERE c.id = ? AND c.retired_batch IS NULL",
                (int(coding_id),),
            )
            .fetchone()
        )
        return None if row is None else str(row[0])

    def turn_codings(self, turn_ids: Sequence[str]) -> pd.DataFrame:
        """People's codings and open suggestions on some turns (rejections left out).

        Returns
        -------
        DataFrame
            coding_id, turn_id, code, coder, origin, kind (``person`` for a person's coding or
            accepted suggestion, ``suggestion`` for a machine row nobody decided), score,
            evidence, span_start, span_end.
        """
        con = self._con()
        ids = list(dict.fromkeys(str(t) for t in turn_ids))
        names = {int(k): str(n) for n, k in self.code_keys().items()}
        found: list[tuple[Any, ...]] = []
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            marks = ",".join("?" * len(part))
            found += con.execute(
                f"""SELECT c.id, t.turn_id, c.code, p.name, c.origin, c.status, c.score,
                       c.evidence, c.span_start, c.span_end, c.decides,
                       EXISTS (SELECT 1 FROM codings d WHERE d.decides = c.id
                               AND d.retired_batch IS NULL)
                   FROM turns t JOIN codings c ON c.turn = t.id AND c.retired_batch IS NULL
                   JOIN coders p ON p.id = c.coder
                   WHERE t.retired_batch IS NULL AND t.turn_id IN ({marks})
                   ORDER BY c.id""",
                part,
            ).fetchall()
        rows = []
        for cid, tid, key, coder, origin, status, score, ev, s0, s1, decides, decided in found:
            if key not in names or status == 2:
                continue
            if decides is None and origin != _PERSON:
                if decided:
                    continue  # its decision row shows it
                kind = "suggestion"
            else:
                kind = "person"
            rows.append(
                (cid, tid, names[key], coder, ORIGINS[origin], kind, score, ev or "", s0, s1)
            )
        cols = ["coding_id", schema.TURN_ID, schema.CODE, schema.CODER, "origin", "kind"]
        cols += [schema.SCORE, schema.EVIDENCE, schema.SPAN_START, schema.SPAN_END]
        return records_frame(rows, cols)

    def code_segments(self, code: str, *, offset: int = 0, limit: int = 20) -> pd.DataFrame:
        """A page of the people's codings of one code, in transcript order, with their turns.

        Returns
        -------
        DataFrame
            coding_id, turn_id, interview, speaker, text, coder, span_start, span_end;
            ``attrs["total"]`` is the number of people's codings of the code.
        """
        key = self.code_keys().get(code)
        if key is None:
            msg = f"no code named {code!r} in the project's codebook"
            raise ProjectError(msg, path=self.path)
        con = self._con()
        total = int(
            con.execute(
                f"SELECT COUNT(*) FROM codings WHERE code = ? AND retired_batch IS NULL "
                f"AND status = {_ACCEPTED}",
                (key,),
            ).fetchone()[0]
        )
        # the page's ids from the index alone (a late page skips index entries, not joins)
        ids = [
            int(i)
            for (i,) in con.execute(
                f"SELECT id FROM codings INDEXED BY codings_people WHERE code = ? AND "
                f"retired_batch IS NULL AND status = {_ACCEPTED} ORDER BY turn, id "
                "LIMIT ? OFFSET ?",
                (key, int(limit), max(int(offset), 0)),
            )
        ]
        rows = con.execute(
            f"""SELECT c.id, t.turn_id, t.interview, t.speaker, t.text, p.name, c.span_start,
                      c.span_end
               FROM codings c JOIN turns t ON t.id = c.turn JOIN coders p ON p.id = c.coder
               WHERE c.id IN ({",".join("?" * len(ids))}) ORDER BY c.turn, c.id""",
            ids,
        ).fetchall()
        cols = ["coding_id", schema.TURN_ID, schema.INTERVIEW, schema.SPEAKER, schema.TEXT]
        cols += [schema.CODER, schema.SPAN_START, schema.SPAN_END]
        df = records_frame(rows, cols)
        df.attrs["total"] = total
        return df

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
