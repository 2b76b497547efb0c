"""Two coders in one project: which codings are compared, agreement, and adjudication.

A coder's codings are the people's codings under their name: what they coded by hand and the
machine suggestions they accepted (an accepted suggestion counts as that person's coding of
the turn with the code; a suggestion they rejected or left open counts as not coded by them).
The machine coders ``rules`` and ``model`` are compared only when named; their codings are
then every suggestion they made, whatever people decided on it.

Coders are compared over the interviews both coded in (``seen="interview"`` of
:func:`qualcode.agreement.reliability_data`): a coder who did not open an interview did not
decide "nothing applies" there.

Adjudication settles the cells (turn, code) two coders disagree on: the cells they agree on
become the consensus coder's codings at once, the adjudicator decides the rest, and the whole
import is one batch (one undo). Nothing here writes a file: the sheet is
:mod:`qualcode.exchange.adjudication`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.agreement import Seen, agreement_table, disagreements
from qualcode.errors import CodingsError, ProjectError, ReviewSheetError
from qualcode.project import rows
from qualcode.project.reading import MACHINE_CODERS
from qualcode.provenance import STATUS, SUGGESTED
from qualcode.reports import mark_text, previous_questions
from qualcode.span_agreement import character_agreement

if TYPE_CHECKING:
    from qualcode.project.db import Database
    from qualcode.project.project import Project

__all__ = [
    "CONSENSUS",
    "FINAL_CHOICES",
    "UNITS",
    "adjudicate",
    "adjudication_table",
    "parse_final",
    "project_agreement",
    "project_disagreements",
    "report_codings",
    "team_codings",
]

#: what agreement counts: turns, or characters of span-coded work
UNITS: tuple[str, ...] = ("turn", "character")
#: the default name of the coder whose codings adjudication makes
CONSENSUS = "consensus"
#: what a decision cell says, and what the adjudicator chooses in the final column
CODED, NOT_CODED = "coded", "not coded"
FINAL_CHOICES: tuple[str, ...] = (CODED, NOT_CODED)
_FINAL_WORDS: dict[str, bool] = {
    "coded": True,
    "code": True,
    "yes": True,
    "y": True,
    "not coded": False,
    "not": False,
    "no": False,
    "n": False,
}
_MAX_LISTED = 10


def team_codings(project: Project, coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the codings of the coders to compare (default: every person in the project).

    Raises
    ------
    CodingsError
        Fewer than two coders, or a named coder with no codings (the coders there are listed).
    """
    people = project.codings(people=True)
    who = people[schema.CODER].to_numpy(dtype=object)  # Arrow strings hash slowly one by one
    names = [str(c) for c in pd.unique(who)]
    wanted = list(dict.fromkeys(coders)) if coders else names
    machine = [c for c in wanted if c in MACHINE_CODERS]
    table = people[pd.Index(wanted).get_indexer(pd.Index(who, dtype=object)) >= 0]
    if machine:
        found = project.codings(coder=machine)
        table = pd.concat([table, found], ignore_index=True)
    present = set(pd.unique(table[schema.CODER].to_numpy(dtype=object)))
    missing = [c for c in wanted if c not in present]
    if missing:
        msg = (
            f"no codings by {', '.join(missing)} in the project; coders there: "
            f"{', '.join(names) or 'no person'} (and the machine coders rules, model)"
        )
        raise CodingsError(msg, path=project.path)
    if len(wanted) < 2:
        msg = (
            f"agreement needs two coders, the project holds people's codings by "
            f"{', '.join(names) or 'nobody'}; add a second coder's codings (import, merge, "
            f"add --codings) or compare with the machine: --coders {names[0] if names else 'NAME'}"
            " rules"
        )
        raise CodingsError(msg, path=project.path)
    rank = pd.Index(wanted).get_indexer(pd.Index(table[schema.CODER], dtype=object))
    return table.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def report_codings(
    project: Project,
    *,
    coder: str | Sequence[str] | None = None,
    include_suggestions: bool = False,
) -> pd.DataFrame:
    """Return the codings a report of the project shows.

    By default the people's codings: what a person coded and the suggestions a person accepted
    (under that person's name). ``include_suggestions`` adds the machine suggestions nobody
    has decided on yet, with ``status`` ``"suggested"`` (:mod:`qualcode.provenance` marks them
    in every table); rejected suggestions never count.

    Raises
    ------
    CodingsError
        A coder named in ``coder`` has no codings among those shown (the coders there are
        listed; a machine coder's open suggestions need ``include_suggestions``).
    """
    table = project.codings(people=True).assign(**{STATUS: "accepted"})
    if include_suggestions:
        open_ = project.codings(coder=list(MACHINE_CODERS), status=SUGGESTED)
        table = pd.concat([table, open_.assign(**{STATUS: SUGGESTED})], ignore_index=True)
    if coder is None:
        return table
    wanted = [coder] if isinstance(coder, str) else list(coder)
    present = _coders_of(table)
    missing = [c for c in wanted if c not in present]
    if missing:
        hint = (
            "; a machine coder's suggestions are shown with --include-suggestions"
            if any(c in MACHINE_CODERS for c in missing) and not include_suggestions
            else ""
        )
        msg = (
            f"no codings by {', '.join(missing)} to report; coders with codings: "
            f"{', '.join(present) or 'none'}{hint}"
        )
        raise CodingsError(msg, path=project.path)
    keep = pd.Index(wanted).get_indexer(pd.Index(table[schema.CODER], dtype=object)) >= 0
    return table[keep].reset_index(drop=True)


def project_agreement(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "turn",
    seen: Seen = "interview",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """Agreement per code and overall between a project's coders (see the module docstring).

    ``unit="character"`` compares span-coded work character by character
    (:func:`qualcode.span_agreement.character_agreement`).
    """
    if unit not in UNITS:
        msg = f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}"
        raise ProjectError(msg, path=project.path)
    table = team_codings(project, coders)
    order = _coders_of(table)
    options: dict[str, Any] = {
        "turns": project.turns(),
        "codebook": project.codebook(),
        "coders": order,
        "seen": seen,
        "all_speakers": all_speakers,
    }
    if unit == "character":
        return character_agreement(table, **options)
    return agreement_table(table, **options)


def project_disagreements(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    seen: Seen = "interview",
    all_speakers: bool = False,
    turns: pd.DataFrame | None = None,
    codings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The (turn, code) cells the coders disagree on (:func:`qualcode.disagreements`).

    ``turns`` and ``codings`` (of :func:`team_codings`) spare reading them again.
    """
    table = team_codings(project, coders) if codings is None else codings
    return disagreements(
        table,
        turns=project.turns() if turns is None else turns,
        codebook=project.codebook(),
        coders=_coders_of(table),
        seen=seen,
        all_speakers=all_speakers,
    )


def _coders_of(table: pd.DataFrame) -> list[str]:
    """The coders of a codings table in order of appearance."""
    return [str(c) for c in pd.unique(table[schema.CODER].to_numpy(dtype=object))]


def _two(project: Project, coders: Sequence[str]) -> tuple[str, str]:
    pair = list(dict.fromkeys(coders or ()))
    if len(pair) != 2:
        msg = f"adjudication settles two coders' differences; give two coders, got {pair}"
        raise ProjectError(msg, path=project.path)
    return pair[0], pair[1]


def adjudication_table(
    project: Project, *, coders: Sequence[str], all_speakers: bool = False
) -> pd.DataFrame:
    """Return one row per cell two coders disagree on, with both decisions and an empty final.

    Returns
    -------
    DataFrame
        ``turn_id``, ``interview``, ``speaker``, ``question`` (asked before), ``text`` (what
        the coder who coded it marked, «between these», when they coded part of the turn),
        ``code``, ``decision_a`` and ``decision_b`` (``coded`` / ``not coded``), ``final``
        (empty) and ``note``, in transcript order. ``attrs["coders"]`` holds the two names.
    """
    a, b = _two(project, coders)
    turns = project.turns()
    both = team_codings(project, [a, b])
    diff = project_disagreements(
        project, coders=[a, b], all_speakers=all_speakers, turns=turns, codings=both
    )
    questions = previous_questions(turns)["question"]
    coded_a = diff["coded_by"] == a
    table = pd.DataFrame(
        {
            schema.TURN_ID: diff[schema.TURN_ID].astype(str).to_numpy(),
            schema.INTERVIEW: diff[schema.INTERVIEW].astype(str).to_numpy(),
            schema.SPEAKER: diff[schema.SPEAKER].astype(str).to_numpy(),
            "question": diff[schema.TURN_ID].map(questions).to_numpy(),
            schema.TEXT: _marked(diff, both),
            schema.CODE: diff[schema.CODE].astype(str).to_numpy(),
            "decision_a": np.where(coded_a, CODED, NOT_CODED),
            "decision_b": np.where(coded_a, NOT_CODED, CODED),
            "final": None,
            "note": None,
        }
    )
    table.attrs["coders"] = (a, b)
    return table


def _marked(diff: pd.DataFrame, codings: pd.DataFrame) -> np.ndarray:
    """The turn texts of ``diff`` with the spans its coder marked «between these»."""
    text = diff[schema.TEXT].to_numpy(dtype=object).copy()
    spanned = codings[codings[schema.SPAN_START].notna() & codings[schema.SPAN_END].notna()]
    spans: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for turn, code, coder, lo, hi in zip(
        *(spanned[c].to_numpy(dtype=object) for c in (schema.TURN_ID, schema.CODE, schema.CODER)),
        spanned[schema.SPAN_START].to_numpy(dtype=np.int64),
        spanned[schema.SPAN_END].to_numpy(dtype=np.int64),
        strict=True,
    ):
        spans.setdefault((str(turn), str(code), str(coder)), []).append((int(lo), int(hi)))
    if spans:
        keys = zip(
            *(diff[c].astype(str).to_numpy(dtype=object) for c in (schema.TURN_ID, schema.CODE)),
            diff["coded_by"].astype(str).to_numpy(dtype=object),
            strict=True,
        )
        for i, key in enumerate(keys):
            found = spans.get(key)
            if found:
                text[i] = mark_text(str(text[i]), found)
    return text


def parse_final(value: object) -> bool | None:
    """``True`` (coded), ``False`` (not coded) or ``None`` (left open) for a final cell.

    Raises
    ------
    ValueError
        For any other value.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    word = " ".join(str(value).strip().lower().split())
    if word == "":
        return None
    if word not in _FINAL_WORDS:
        raise ValueError(value)
    return _FINAL_WORDS[word]


def adjudicate(
    project: Project,
    db: Database,
    decisions: pd.DataFrame,
    *,
    coders: Sequence[str],
    consensus: str = CONSENSUS,
    who: str | None = None,
) -> dict[str, int]:
    """Make the consensus coder's codings: agreed cells at once, the rest as ``decisions`` say.

    See :meth:`qualcode.project.Project.adjudicate`; errors name rows by the index of
    ``decisions`` (a sheet's reader indexes them by the row numbers Excel shows).
    """
    a, b = _two(project, coders)
    if not consensus or consensus in MACHINE_CODERS or consensus in (a, b):
        msg = (
            f"the consensus coder needs a name of its own (not {consensus!r}): not one of the "
            f"two coders ({a}, {b}) nor a machine coder"
        )
        raise ProjectError(msg, path=project.path)
    table = pd.DataFrame(decisions)
    missing = [c for c in (schema.TURN_ID, schema.CODE, "final") if c not in table.columns]
    if missing:
        msg = f"the decisions lack column(s) {', '.join(missing)}; expected turn_id, code, final"
        raise ReviewSheetError(msg)
    with db.batch("adjudicate", who) as batch:  # checked against what is there under the lock
        both = team_codings(project, [a, b])
        diff = project_disagreements(project, coders=[a, b], codings=both)
        problems: list[tuple[Any, str]] = []
        finals = _check(table, diff, (a, b), problems)
        if problems:
            listed = "; ".join(f"row {r}: {m}" for r, m in problems[:_MAX_LISTED])
            more = (
                f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
            )
            msg = (
                f"{len(problems)} row(s) cannot be imported, so nothing was imported: "
                f"{listed}{more}"
            )
            raise ReviewSheetError(msg)
        cell = list(zip(both[schema.TURN_ID], both[schema.CODE], strict=True))
        by_cell = both.groupby([schema.TURN_ID, schema.CODE], observed=True)[schema.CODER]
        n_coders = by_cell.transform("nunique").to_numpy()
        agreed = both[n_coders == 2]
        settled_yes = {k for k, v in finals.items() if v is True}
        settled_no = {k for k, v in finals.items() if v is False}
        keys = pd.Series(cell, dtype=object)
        chosen = both[keys.isin(settled_yes).to_numpy()]
        new = pd.concat([agreed, chosen], ignore_index=True).assign(**{schema.CODER: consensus})
        new = new.drop_duplicates([schema.TURN_ID, schema.CODE, schema.SPAN_START, schema.SPAN_END])
        retired = _retire_cells(project, db, consensus, settled_no, batch=batch.id)
        added = project.add_codings(new[list(schema.CODING_COLUMNS)], who=who) if len(new) else 0
        out = {
            "agreed": int(agreed[[schema.TURN_ID, schema.CODE]].drop_duplicates().shape[0]),
            "coded": len(settled_yes),
            "not_coded": len(settled_no),
            "open": int(sum(v is None for v in finals.values())),
            "added": int(added),
            "retired": retired,
        }
        batch.note(
            f"adjudicated {a} and {b} as {consensus}: {out['agreed']} agreed cell(s), "
            f"{out['coded']} settled coded, {out['not_coded']} settled not coded, "
            f"{out['open']} left open",
            retired,
        )
        out["batch"] = batch.id
    return out


def _check(
    table: pd.DataFrame,
    diff: pd.DataFrame,
    coders: tuple[str, str],
    problems: list[tuple[Any, str]],
) -> dict[tuple[str, str], bool | None]:
    """The final decision of each row's cell; what is wrong with a row goes to ``problems``."""
    a, b = coders
    current = {
        (t, c): by
        for t, c, by in zip(
            diff[schema.TURN_ID].astype(str),
            diff[schema.CODE].astype(str),
            diff["coded_by"],
            strict=True,
        )
    }
    finals: dict[tuple[str, str], bool | None] = {}
    first_row: dict[tuple[str, str], Any] = {}
    for row, record in zip(table.index, table.to_dict("records"), strict=True):
        turn, code = record.get(schema.TURN_ID), record.get(schema.CODE)
        key = (str(turn).strip(), str(code).strip())
        try:
            final = parse_final(record.get("final"))
        except ValueError:
            problems.append(
                (row, f"final {record.get('final')!r} is not {CODED!r} or {NOT_CODED!r}")
            )
            continue
        if key not in current:
            problems.append(
                (
                    row,
                    f"turn {key[0]!r} with code {key[1]!r} is not a cell {a} and {b} disagree "
                    "on (the turn or code cell was edited, or a coder changed their coding "
                    "since the sheet was written: export a new sheet)",
                )
            )
            continue
        said = {"decision_a": a, "decision_b": b}
        for column, name in said.items():
            if column in record and record[column] is not None and str(record[column]).strip():
                now = CODED if current[key] == name else NOT_CODED
                if " ".join(str(record[column]).strip().lower().split()) != now:
                    problems.append(
                        (
                            row,
                            f"{name}'s decision says {record[column]!r} but {name} has "
                            f"{now} it now (edited, or changed since the sheet was written)",
                        )
                    )
        if key in first_row:
            problems.append((row, f"duplicated row: the same cell as row {first_row[key]}"))
            continue
        first_row[key] = row
        finals[key] = final
    return finals


def _retire_cells(
    project: Project, db: Database, coder: str, cells: set[tuple[str, str]], *, batch: int
) -> int:
    """Retire ``coder``'s codings of the cells settled as not coded; return how many."""
    if not cells:
        return 0
    mine = project.codings(coder=coder, details=True)
    hit = [
        (t, c) in cells
        for t, c in zip(
            mine[schema.TURN_ID].astype(str), mine[schema.CODE].astype(str), strict=True
        )
    ]
    ids = mine.loc[np.asarray(hit, dtype=bool), "coding_id"].astype(int).tolist()
    return rows.retire(db.con, "codings", ids, batch=batch)
