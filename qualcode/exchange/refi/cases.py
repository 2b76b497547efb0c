"""Cases and their attributes as REFI-QDA ``Case`` elements, both ways.

The cases table (shared with :mod:`qualcode.cases`): a column ``case``, join columns
``interview`` and/or ``speaker`` (either may be absent or empty; a row says which turns belong
to the case), and one column per attribute with string values.

Writing: each case is a ``Case`` with a text ``VariableValue`` per attribute and a
``SourceRef`` to each source it has turns in (a row naming only an interview: that interview's
source; a row naming a speaker: each source where the speaker speaks). No selection is made
for a case (an empty selection shows as an empty annotation in QualCoder). When a row names a
speaker, the exact rows are kept in the case variable ``qualcode case rows`` (a JSON list of
``[interview, speaker]`` pairs, "" for none), which qualcode reads back. Memos on the case are its
``Description``.

Reading: the ``qualcode case rows`` variable, when present, gives the rows; else
``SourceRef`` -> a row (case, interview); ``SelectionRef`` -> the speakers of the turns
the selections cover: one row (case, speaker) when they are all of that speaker's turns and
span several interviews, else a row per interview (case, interview, speaker). A case without a
name (MAXQDA and Quirkos keep document variables that way) is named after its one source.
Variables on a ``TextSource`` become a case named after the source that holds that interview.
A case linked to no text (QualCoder writes these) is a row with neither interview nor speaker,
kept with its variables; a ``SourceRef`` or ``SelectionRef`` to a GUID that is not in the file
is reported (see :attr:`CaseIn.dangling`) and left out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.errors import ExchangeError
from qualcode.exchange.refi.guids import make_guid
from qualcode.exchange.refi.xmlout import attr, text

__all__ = [
    "CASE",
    "JOIN_COLUMNS",
    "ROWS_VARIABLE",
    "CaseIn",
    "CaseLayout",
    "CaseOut",
    "cases_table",
    "plan_cases",
    "write_cases",
]

CASE = "case"
JOIN_COLUMNS = (CASE, schema.INTERVIEW, schema.SPEAKER)
#: the case variable that keeps a case's rows exactly (JSON: [[interview, speaker], ...])
ROWS_VARIABLE = "qualcode case rows"


@dataclass
class CaseOut:
    """One ``Case`` to write."""

    name: str
    guid: str
    values: list[tuple[str, str]] = field(default_factory=list)  # (variable GUID, value)
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)


@dataclass
class CaseLayout:
    """What the cases need written: variables, cases and their descriptions (memos)."""

    variables: dict[str, str] = field(default_factory=dict)  # attribute -> GUID
    cases: list[CaseOut] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)  # case -> Description


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype="string")
    return df[name].astype("string").fillna("").str.strip()


def plan_cases(
    cases: pd.DataFrame | None,
    turns: pd.DataFrame,
    speakers: pd.Series,
    source_guids: dict[str, str],
    ns: uuid.UUID,
) -> CaseLayout:
    """Lay out the cases table as ``Case`` elements (see the module notes).

    ``source_guids`` maps interview -> source GUID.

    Raises
    ------
    ExchangeError
        If the table has no ``case`` column, or a row names an interview or speaker no turn has.
    """
    layout = CaseLayout()
    if cases is None or len(cases) == 0:
        return layout
    if CASE not in cases.columns:
        msg = (
            f"the cases table has no {CASE!r} column (columns: "
            f"{', '.join(map(str, cases.columns))}); expected case, interview and/or speaker, "
            "then one column per attribute"
        )
        raise ExchangeError(msg)
    attributes = [c for c in cases.columns if c not in JOIN_COLUMNS]
    layout.variables = {str(a): make_guid(ns, "variable", a) for a in attributes}
    names = _column(cases, CASE).tolist()
    ivs = _column(cases, schema.INTERVIEW).tolist()
    spks = _column(cases, schema.SPEAKER).tolist()
    values = {a: cases[a].astype("string").fillna("").str.strip().tolist() for a in attributes}
    turn_iv = turns[schema.INTERVIEW].astype("string").to_numpy(dtype=object)
    turn_spk = speakers.to_numpy(dtype=object)
    by_name: dict[str, CaseOut] = {}
    exact: dict[str, list[list[str]]] = {}
    for k in range(len(cases)):
        name = str(names[k])
        if not name:
            msg = f"row {k + 2} of the cases table has no case name"
            raise ExchangeError(msg)
        case = by_name.get(name)
        if case is None:
            case = CaseOut(name, make_guid(ns, "case", name))
            by_name[name] = case
            layout.cases.append(case)
        have = {g for g, _ in case.values}
        for a in attributes:
            value = str(values[a][k])
            guid = layout.variables[str(a)]
            if guid not in have and value:
                case.values.append((guid, value))
                have.add(guid)
        iv, spk = str(ivs[k]), str(spks[k])
        if spk:
            hit = turn_spk == spk
            if iv:
                hit &= turn_iv == iv
            rows = np.flatnonzero(hit)
            if not len(rows):
                where = f" in interview {iv!r}" if iv else ""
                msg = f"case {name!r}: no turn of speaker {spk!r}{where}; expected a speaker label"
                raise ExchangeError(msg)
            for where_iv in dict.fromkeys(turn_iv[rows].tolist()):
                if source_guids[where_iv] not in case.source_refs:
                    case.source_refs.append(source_guids[where_iv])
        elif iv:
            if iv not in source_guids:
                msg = f"case {name!r} names interview {iv!r}, which has no turns"
                raise ExchangeError(msg)
            if source_guids[iv] not in case.source_refs:
                case.source_refs.append(source_guids[iv])
        exact.setdefault(name, []).append([iv, spk])
    speaker_cases = {n for n, k in zip(names, spks, strict=True) if k}
    if speaker_cases:
        guid = make_guid(ns, "variable", ROWS_VARIABLE)
        layout.variables[ROWS_VARIABLE] = guid
        for case in layout.cases:
            if case.name in speaker_cases:
                case.values.append((guid, json.dumps(exact[case.name], ensure_ascii=False)))
    return layout


def write_cases(layout: CaseLayout) -> Iterator[str]:
    """Yield the ``<Cases>`` element (nothing when there are no cases)."""
    if not layout.cases:
        return
    yield "<Cases>"
    for case in layout.cases:
        yield f'<Case guid="{case.guid}" name={attr(case.name)}>'
        memo = layout.descriptions.get(case.name)
        if memo:
            yield f"<Description>{text(memo)}</Description>"
        for guid, value in case.values:
            yield (
                f'<VariableValue><VariableRef targetGUID="{guid}"/>'
                f"<TextValue>{text(value)}</TextValue></VariableValue>"
            )
        for guid in dict.fromkeys(case.source_refs):
            yield f'<SourceRef targetGUID="{guid}"/>'
        for guid in dict.fromkeys(case.selection_refs):
            yield f'<SelectionRef targetGUID="{guid}"/>'
        yield "</Case>"
    yield "</Cases>"


# --- reading ---------------------------------------------------------------------------------


@dataclass
class CaseIn:
    """A ``Case`` as read."""

    name: str
    guid: str
    values: dict[str, str] = field(default_factory=dict)  # variable GUID -> value
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)
    description: str = ""

    def dangling(self, sources: set[str], selections: set[str]) -> list[str]:
        """The GUIDs this case refers to that are not sources / selections in the file."""
        return [g for g in self.source_refs if g not in sources] + [
            g for g in self.selection_refs if g not in selections
        ]


def _exact_rows(value: str) -> list[tuple[str, str]] | None:
    """The rows of a ``qualcode case rows`` value, or None if it is not one."""
    try:
        pairs = json.loads(value)
    except ValueError:
        return None
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        return None
    return [(str(a).strip(), str(b).strip()) for a, b in pairs] or None


def cases_table(
    cases: list[CaseIn],
    *,
    variables: dict[str, str],
    source_names: dict[str, str],
    source_values: dict[str, dict[str, str]],
    selection_turns: dict[str, list[int]],
    turns: pd.DataFrame,
) -> pd.DataFrame | None:
    """Build the cases table from what was read (None when there is nothing).

    ``variables`` maps variable GUID -> name, ``source_names`` source GUID -> interview,
    ``source_values`` source GUID -> {variable GUID: value} (document variables),
    ``selection_turns`` selection GUID -> rows of ``turns`` it covers.
    """
    rows: list[dict[str, object]] = []
    rows_var = next((g for g, n in variables.items() if n == ROWS_VARIABLE), None)
    variables = {g: n for g, n in variables.items() if n != ROWS_VARIABLE}
    attributes = list(dict.fromkeys(variables.values()))
    turn_iv = turns[schema.INTERVIEW].astype("string").to_numpy(dtype=object)
    turn_spk = turns[schema.SPEAKER].astype("string").to_numpy(dtype=object)
    spk_count = pd.Series(turn_spk).value_counts().to_dict()

    def add(name: str, iv: object, spk: object, values: dict[str, str]) -> None:
        row: dict[str, object] = {CASE: name, schema.INTERVIEW: iv, schema.SPEAKER: spk}
        for guid, value in values.items():
            if guid in variables:
                row[variables[guid]] = value
        rows.append(row)

    for case in cases:
        name = case.name
        if not name:
            refs = [source_names[g] for g in case.source_refs if g in source_names]
            name = refs[0] if len(refs) == 1 else case.guid
        before = len(rows)
        exact = _exact_rows(case.values.get(rows_var, "")) if rows_var is not None else None
        if exact is not None:
            for iv, spk in exact:
                add(name, iv or pd.NA, spk or pd.NA, case.values)
            continue
        for guid in dict.fromkeys(case.source_refs):
            if guid in source_names:
                add(name, source_names[guid], pd.NA, case.values)
        covered = sorted({r for g in case.selection_refs for r in selection_turns.get(g, [])})
        by_speaker: dict[str, list[int]] = {}
        for r in covered:
            by_speaker.setdefault(turn_spk[r], []).append(r)
        for spk, rs in by_speaker.items():
            ivs = list(dict.fromkeys(turn_iv[r] for r in rs))
            if len(rs) == spk_count.get(spk, 0) and len(ivs) > 1:
                add(name, pd.NA, spk, case.values)
            else:
                for iv in ivs:
                    add(name, iv, spk, case.values)
        if len(rows) == before:
            add(name, pd.NA, pd.NA, case.values)
    named = {r[CASE] for r in rows}
    for guid, values in source_values.items():
        if guid in source_names and values:
            iv = source_names[guid]
            if iv not in named:
                add(iv, iv, pd.NA, values)
    if not rows:
        return None
    out = pd.DataFrame(rows, columns=[*JOIN_COLUMNS, *attributes])
    return out.astype("string")
