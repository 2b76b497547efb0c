"""Who made a coding: a person, a machine, or a machine's suggestion nobody has reviewed.

A report of a project shows the people's codings (what a person coded, and the suggestions a
person accepted). Asked to, it also shows the suggestions still waiting for review; those rows
carry ``status = "suggested"`` (the column :data:`STATUS`) and are marked in every table:
coded segments and coder counts get a :data:`KIND` column, the count tables a
:data:`SUGGESTED_TURNS` column (how many of the turns counted only a suggestion puts there).
The codings of a one-shot ``qualcode code ... --report`` are the machine's own codings, not
suggestions: their kind is :data:`MACHINE`.

Examples
--------
>>> import pandas as pd
>>> codings = pd.DataFrame({"turn_id": ["t1", "t2", "t3"], "code": "retain",
...                         "coder": ["ana", "rules", "model"],
...                         "status": ["accepted", "suggested", None]})
>>> coding_kinds(codings).tolist()
['person', 'suggestion', 'machine']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from qualcode.schema import CODER, MODEL_CODER, RULES_CODER

__all__ = [
    "KIND",
    "KINDS",
    "MACHINE",
    "PERSON",
    "STATUS",
    "SUGGESTED",
    "SUGGESTED_TURNS",
    "SUGGESTION",
    "add_suggested_counts",
    "coder_kinds",
    "coders_shown",
    "coding_kinds",
]

#: optional column of a codings table: ``"suggested"`` marks a suggestion nobody reviewed
STATUS = "status"
SUGGESTED = "suggested"
#: the column of the segments and coder-count tables that says who made a coding
KIND = "kind"
PERSON, MACHINE, SUGGESTION = "person", "machine", "suggestion"
KINDS: tuple[str, ...] = (PERSON, MACHINE, SUGGESTION)
#: the column of the count tables: turns counted only because of a suggestion
SUGGESTED_TURNS = "suggested_turns"

_MACHINE_CODERS = (RULES_CODER, MODEL_CODER)
#: count tables and the count column compared (the other non-numeric columns are the keys)
_COUNTED: dict[str, str] = {
    "code_frequencies": "turns",
    "theme_frequencies": "turns",
    "by_interview": "turns",
    "by_speaker": "turns",
    "by_role": "turns",
    "code_by_attribute": "turns",
    "theme_by_attribute": "turns",
    "cooccurrence": "both",
}


def coding_kinds(codings: pd.DataFrame) -> np.ndarray:
    """Return the kind of each coding: ``person``, ``machine`` or ``suggestion``.

    A machine coder's (``rules``, ``model``) row is a suggestion when its :data:`STATUS` is
    ``"suggested"``, else a machine coding; every other coder is a person. A table with a
    :data:`KIND` column (coded segments) says it itself.
    """
    if KIND in codings.columns:  # a table that says it already (coded segments)
        return codings[KIND].astype("string").fillna(PERSON).to_numpy(dtype=object)
    coder = codings[CODER].to_numpy(dtype=object)
    machine = np.isin(coder, _MACHINE_CODERS)
    if STATUS in codings.columns:
        open_ = codings[STATUS].astype("string").fillna("").to_numpy(dtype=object) == SUGGESTED
    else:
        open_ = np.zeros(len(codings), dtype=bool)
    return np.where(machine & open_, SUGGESTION, np.where(machine, MACHINE, PERSON))


def coder_kinds(codings: pd.DataFrame) -> dict[str, str]:
    """Return each coder's kind (a machine coder with any open suggestion is ``suggestion``)."""
    kinds = pd.Series(coding_kinds(codings), index=codings[CODER].astype(str).to_numpy())
    out: dict[str, str] = {}
    for coder, kind in zip(kinds.index, kinds.to_numpy(), strict=True):
        if out.get(coder) != SUGGESTION:
            out[coder] = str(kind)
    return out


def coders_shown(codings: pd.DataFrame) -> pd.DataFrame:
    """Return who made the codings a report shows: ``coder``, ``kind``, ``codings``.

    Coders in order of appearance; the table a report's header and a workbook's first sheet
    name the coders from.
    """
    if codings.empty:
        return pd.DataFrame({CODER: [], KIND: [], "codings": []})
    kinds = coder_kinds(codings)
    counts = codings[CODER].astype(str).value_counts(sort=False)
    order = [str(c) for c in pd.unique(codings[CODER].astype(str).to_numpy(dtype=object))]
    return pd.DataFrame(
        {
            CODER: order,
            KIND: [kinds[c] for c in order],
            "codings": [int(counts[c]) for c in order],
        }
    )


def add_suggested_counts(
    tables: Mapping[str, pd.DataFrame], people: Mapping[str, pd.DataFrame]
) -> None:
    """Add :data:`SUGGESTED_TURNS` to the count tables: the count less the people's count.

    ``people`` holds the same tables made from the people's codings alone. (The matrix of
    codes by interview, drawn as a heatmap, keeps its interview columns only: its per-code
    figure is the one of ``code_frequencies``.)
    """
    for name, column in _COUNTED.items():
        if name not in tables or name not in people:
            continue
        table, plain = tables[name], people[name]
        keys = [
            c
            for c in table.columns
            if not pd.api.types.is_numeric_dtype(table[c]) and c in plain.columns
        ]
        theirs = plain[[*keys, column]].rename(columns={column: "_people"})
        key_of = _key_strings(table, keys)
        their_keys = _key_strings(theirs, keys)
        counted = pd.Series(theirs["_people"].to_numpy(), index=their_keys)
        counted = counted[~counted.index.duplicated()]
        people_n = counted.reindex(key_of).fillna(0).to_numpy(dtype=np.int64)
        at = list(table.columns).index(column) + 1
        table.insert(at, SUGGESTED_TURNS, table[column].to_numpy(dtype=np.int64) - people_n)


def _key_strings(table: pd.DataFrame, keys: list[str]) -> pd.Index:
    if not keys:
        return pd.Index([""] * len(table), dtype=object)
    parts = [table[k].astype("string").fillna("\x00").to_numpy(dtype=object) for k in keys]
    return pd.Index(["\x1f".join(row) for row in zip(*parts, strict=True)], dtype=object)
