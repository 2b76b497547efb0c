"""Machine suggestions and people's decisions on them, and people's codings added in bulk.

The promise *a person's coding decision is never changed by a machine* is kept here:
:meth:`Decisions.add_suggestions` only retires and re-inserts machine rows still waiting for a
decision, and never suggests a (turn, code) that a person coded, accepted or rejected.
:meth:`Decisions.decide` records accept/reject as new rows (the suggestion stays), checked inside
the write transaction so that what another process did a moment before counts.

:class:`Decisions` is a mixin of :class:`qualcode.project.Project`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.errors import CodingsError, ProjectError
from qualcode.project import codes as code_edits
from qualcode.project import reading, rows
from qualcode.project.db import Database
from qualcode.project.schema import CODING_ROW, ORIGINS, STATUSES

__all__ = ["Decisions"]

SUGGESTED, ACCEPTED, REJECTED = (STATUSES.index(s) for s in STATUSES)
PERSON = ORIGINS.index("person")


class Decisions:
    """Suggestions, decisions on them, and people's codings (a mixin of ``Project``)."""

    _db: Database

    if TYPE_CHECKING:  # Project's

        @property
        def path(self) -> Path: ...

        def codings(
            self,
            *,
            coder: str | Sequence[str] | None = None,
            status: str | Sequence[str] | None = None,
            origin: str | Sequence[str] | None = None,
            code: str | Sequence[str] | None = None,
            people: bool = False,
            details: bool = False,
        ) -> pd.DataFrame: ...

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


def _fetch_by_id(con: Any, sql: str, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Rows of ``sql`` (whose first column is the key) for ``ids``, 500 ids a query."""
    out: dict[int, tuple[Any, ...]] = {}
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        for row in con.execute(sql.format(marks=",".join("?" * len(part))), part):
            out[int(row[0])] = tuple(row)
    return out
