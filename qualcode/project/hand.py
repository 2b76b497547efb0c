"""A person's own changes one at a time: code a span, remove one's coding, decide carefully.

These are the writes of the workbench (``qualcode serve``), where a person codes one passage or
decides one suggestion per click, on a project that other people and processes may change at the
same moment. Each is one batch (logged, undone by :meth:`Project.undo`), checked inside its write
transaction so that what another process committed a moment before counts:

* :meth:`HandCoding.code_spans` stores a person's codings with character spans, checked against
  the turn's text (offsets in code points, as the tables and REFI-QDA count them);
* :meth:`HandCoding.remove_coding` retires one of the person's own codings (never another
  person's, never a machine's);
* :meth:`HandCoding.decide_pending` decides suggestions nobody has decided yet, and refuses one
  that someone decided meanwhile instead of deciding it twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode import schema
from qualcode.errors import CodingsError, ProjectError
from qualcode.project import rows
from qualcode.project.db import Database
from qualcode.project.schema import ORIGINS, STATUSES

__all__ = ["HandCoding"]

_PERSON = ORIGINS.index("person")
_ACCEPTED = STATUSES.index("accepted")

#: coder names that are machines, not people
_MACHINES = (schema.RULES_CODER, schema.MODEL_CODER)


def _check_person(name: str, path: Path) -> str:
    name = str(name or "").strip()
    if not name or name in _MACHINES:
        msg = f"a coding needs a person's name as coder, got {name!r}"
        raise ProjectError(msg, path=path)
    return name


class HandCoding:
    """One person's codings and decisions, one at a time (a mixin of ``Project``)."""

    _db: Database

    if TYPE_CHECKING:  # Project's

        @property
        def path(self) -> Path: ...

        def decide(self, decisions: pd.DataFrame, *, coder: str) -> dict[str, int]: ...

    def code_spans(self, codings: pd.DataFrame, *, coder: str) -> list[int]:
        """Store a person's codings of turns or spans of them, as one batch.

        Parameters
        ----------
        codings : DataFrame
            ``turn_id``, ``code`` and optionally ``span_start`` / ``span_end`` (code points in
            the turn's text, end exclusive; missing for the whole turn).
        coder : str
            The person coding.

        Returns
        -------
        list of int
            The ids of the codings stored (a coding this person already has, same turn, code
            and span, is not stored again).

        Raises
        ------
        CodingsError
            An unknown turn or code, or a span outside the turn's text. Nothing is stored then.
        """
        coder = _check_person(coder, self.path)
        table = pd.DataFrame(codings).reset_index(drop=True)
        for column in (schema.SPAN_START, schema.SPAN_END):
            if column not in table.columns:
                table[column] = None
        con = self._db.con
        with self._db.batch("codings", coder) as batch:
            keys = {
                str(n): int(k)
                for n, k in con.execute("SELECT name, key FROM codes WHERE retired_batch IS NULL")
            }
            cid = rows.coder_ids(con, [coder])[coder]
            new: dict[str, list[Any]] = {
                k: [] for k in ("turn", "code", "coder", "origin", "status", "score")
            }
            new.update({"evidence": [], "span_start": [], "span_end": [], "decides": []})
            seen: set[tuple[Any, ...]] = set()
            for i, row in enumerate(table.itertuples(index=False)):
                where = f"row {i + 1}: " if len(table) > 1 else ""
                turn_id = str(getattr(row, schema.TURN_ID))
                code = str(getattr(row, schema.CODE))
                found = con.execute(
                    "SELECT id, text FROM turns WHERE turn_id = ? AND retired_batch IS NULL",
                    (turn_id,),
                ).fetchone()
                if found is None:
                    msg = f"{where}no turn {turn_id!r} in the project"
                    raise CodingsError(msg)
                if code not in keys:
                    msg = f"{where}no code {code!r} in the codebook; it has {', '.join(keys)}"
                    raise CodingsError(msg)
                span = _span(row, len(found[1]), where)
                key = (int(found[0]), keys[code], *span)
                if (
                    key in seen
                    or con.execute(
                        "SELECT 1 FROM codings WHERE coder = ? AND turn = ? "
                        "AND retired_batch IS NULL AND code = ? AND status = ? "
                        "AND span_start IS ? AND span_end IS ?",
                        (cid, key[0], key[1], _ACCEPTED, *span),
                    ).fetchone()
                ):
                    continue
                seen.add(key)
                for name, value in (
                    ("turn", key[0]),
                    ("code", key[1]),
                    ("coder", cid),
                    ("origin", _PERSON),
                    ("status", _ACCEPTED),
                    ("score", 1.0),
                    ("evidence", ""),
                    ("span_start", span[0]),
                    ("span_end", span[1]),
                    ("decides", None),
                ):
                    new[name].append(value)
            ids: list[int] = []
            if new["turn"]:
                ids = rows.insert(con, "codings", new, batch=batch.id).tolist()
            batch.note(f"{len(ids)} coding(s) by {coder}", len(ids))
        return [int(i) for i in ids]

    def remove_coding(self, coding_id: int, *, coder: str) -> int:
        """Remove one of ``coder``'s own codings (a hand coding or an accepted or rejected
        suggestion: the suggestion is then open again); return the batch (``undo`` restores it).

        Raises
        ------
        ProjectError
            No such coding, or it is another person's or a machine's.
        """
        coder = _check_person(coder, self.path)
        con = self._db.con
        with self._db.batch("remove", coder) as batch:
            row = con.execute(
                "SELECT c.id, p.name, c.origin, c.decides, k.name FROM codings c "
                "JOIN coders p ON p.id = c.coder "
                "LEFT JOIN codes k ON k.key = c.code AND k.retired_batch IS NULL "
                "WHERE c.id = ? AND c.retired_batch IS NULL",
                (int(coding_id),),
            ).fetchone()
            if row is None:
                msg = f"no coding {coding_id} in the project (removed or changed since?)"
                raise ProjectError(msg, path=self.path)
            if row[3] is None and row[2] != _PERSON:
                msg = f"coding {coding_id} is a machine suggestion: reject it instead"
                raise ProjectError(msg, path=self.path)
            if row[1] != coder:
                msg = f"coding {coding_id} is {row[1]}'s, not {coder}'s: only its coder removes it"
                raise ProjectError(msg, path=self.path)
            rows.retire(con, "codings", [int(coding_id)], batch=batch.id)
            batch.note(f"removed {coder}'s coding {coding_id} ({row[4]})", 1)
        return batch.id

    def decide_pending(self, decisions: pd.DataFrame, *, coder: str) -> dict[str, int]:
        """Decide suggestions that nobody has decided yet, as :meth:`Project.decide` does.

        The check and the decisions are one transaction: a suggestion another person (or
        another window) decided since the page showing it was read is refused, not decided
        twice.

        Raises
        ------
        ProjectError
            A suggestion someone decided meanwhile (who, and how), or what ``decide`` refuses.
            Nothing is stored then.
        """
        coder = _check_person(coder, self.path)
        table = pd.DataFrame(decisions)
        ids = [int(i) for i in table["suggestion_id"]]
        con = self._db.con
        with self._db.batch("review", coder):
            for k in range(0, len(ids), 500):
                part = ids[k : k + 500]
                marks = ",".join("?" * len(part))
                done = con.execute(
                    f"SELECT d.decides, p.name, d.status FROM codings d JOIN coders p "
                    f"ON p.id = d.coder WHERE d.decides IN ({marks}) AND d.retired_batch IS NULL "
                    "ORDER BY d.id DESC",
                    part,
                ).fetchone()
                if done is not None:
                    how = STATUSES[int(done[2])]
                    msg = (
                        f"suggestion {done[0]} was decided meanwhile ({how} by {done[1]}); "
                        "nothing was changed: reload to see it"
                    )
                    raise ProjectError(msg, path=self.path)
            return self.decide(table, coder=coder)


def _span(row: Any, length: int, where: str) -> tuple[int | None, int | None]:
    """A row's span as ints (None, None for the whole turn), checked against the text."""
    start = getattr(row, schema.SPAN_START)
    end = getattr(row, schema.SPAN_END)
    if (start is None or pd.isna(start)) and (end is None or pd.isna(end)):
        return None, None
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError) as err:
        msg = f"{where}span {start!r}-{end!r} is not two whole numbers"
        raise CodingsError(msg) from err
    if not 0 <= s < e <= length:
        msg = (
            f"{where}span {s}-{e} is outside the turn's text (0-{length} characters); "
            "expected 0 <= start < end <= length"
        )
        raise CodingsError(msg)
    return s, e
