"""The coders x turns x codes array behind every agreement table, read from a codings table.

The unit of analysis is the speaker turn; which turns each coder saw (``seen``) and which turns
are units (``all_speakers``) are explained in :mod:`qualcode.agreement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import CodingsError, QualcodeError
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    PARTICIPANT,
    ROLE,
    TURN_ID,
    validate_codings,
)

__all__ = ["SEEN", "Seen", "reliability_data"]

#: which turns a coder saw: every turn, or the turns of the interviews they coded in
Seen = Literal["all", "interview"]
#: the choices of ``seen`` (and of ``qualcode agree --seen``)
SEEN: tuple[str, ...] = get_args(Seen)


def _objects(series: pd.Series) -> np.ndarray:
    """A column as an object array (Arrow strings are slow to iterate and hash one by one)."""
    return series.to_numpy(dtype=object)


def _codes_of(
    codings: pd.DataFrame, codebook: Codebook | None, *, used: list[str] | None = None
) -> list[str]:
    if used is None:
        used = list(dict.fromkeys(codings[CODE].tolist()))
    if codebook is None:
        return used
    known = set(codebook.code_names)
    unknown = [c for c in used if c not in known]
    if unknown:
        rows = [int(i) + 2 for i in codings.index[codings[CODE].isin(unknown)][:10]]
        msg = (
            f"code(s) {', '.join(map(repr, unknown))} are not in the codebook "
            f"(rows {', '.join(map(str, rows))}); expected one of {', '.join(codebook.code_names)}"
        )
        raise CodingsError(msg, path=codebook.source)
    return list(codebook.code_names)


def reliability_data(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Return the coders x units x codes 0/1 array (NaN = not seen) behind the agreement tables.

    Parameters
    ----------
    codings : DataFrame
        A codings table with two or more coders.
    turns : DataFrame, optional
        The turns table; its turns are the units. Without it, the units are the turns anyone
        coded.
    codebook : Codebook, optional
        Fixes the codes and their order; codes outside it are an error. Without it, the codes
        found in ``codings``.
    coders : sequence of str, optional
        Coders to compare, in this order (default: all, in order of appearance).
    seen : {"all", "interview"}
        Which turns a coder saw (see the module docstring).
    all_speakers : bool, default False
        Count every turn of the turns table as a unit; by default only participant turns (and
        any turn someone coded).

    Returns
    -------
    data : ndarray of float, shape (n_coders, n_units, n_codes)
    coders, units, codes : list of str
    """
    codings = validate_codings(codings)
    # plain object arrays: iterating or hashing Arrow strings value by value costs seconds on
    # a million codings
    coder_col, turn_col, code_col = (_objects(codings[c]) for c in (CODER, TURN_ID, CODE))
    all_coders = [str(c) for c in pd.unique(coder_col)]
    coders = list(coders) if coders is not None else all_coders
    missing = [c for c in coders if c not in all_coders]
    if missing:
        msg = f"no codings by {', '.join(missing)}; coders found: {', '.join(all_coders)}"
        raise CodingsError(msg)
    if len(coders) < 2:
        msg = (
            f"agreement needs two or more coders, found {len(coders)} "
            f"({', '.join(coders) or 'none'}); give each coder's codings (a coder column or "
            "one file per coder)"
        )
        raise CodingsError(msg)
    coder_at = pd.Index(coders).get_indexer(pd.Index(coder_col, dtype=object))
    mine = coder_at >= 0
    codings, coder_at = codings[mine], coder_at[mine]
    turn_col, code_col = turn_col[mine], code_col[mine]
    codes = _codes_of(codings, codebook, used=[str(c) for c in pd.unique(code_col)])
    if seen not in SEEN:
        msg = f"seen must be 'all' or 'interview', got {seen!r}"
        raise QualcodeError(msg)
    if turns is None and seen == "interview":
        msg = "seen='interview' needs the turns table (which turns belong to which interview)"
        raise QualcodeError(msg)
    if turns is None:
        unit_at, unit_ids = pd.factorize(turn_col)
        units = [str(u) for u in unit_ids]
        unit_interview = np.zeros(len(units), dtype=np.int64)
    else:
        # one hash pass over the turn ids of both tables; the rest is integer indexing
        all_ids = _objects(turns[TURN_ID].astype(str))
        ids, _ = pd.factorize(np.concatenate([all_ids, turn_col.astype(object)]))
        turn_code, coding_code = ids[: len(all_ids)], ids[len(all_ids) :]
        row_of = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
        row_of[turn_code[::-1]] = np.arange(len(all_ids))[::-1]  # the first row of an id
        unknown = sorted({str(t) for t in turn_col[row_of[coding_code] < 0]})
        if unknown:
            msg = (
                f"{len(unknown)} coded turn id(s) are not in the turns table: "
                f"{', '.join(map(repr, unknown[:10]))}"
            )
            raise CodingsError(msg)
        unit_rows = np.flatnonzero(row_of[turn_code] == np.arange(len(all_ids)))
        if not all_speakers and ROLE in turns.columns:
            is_coded = np.zeros(len(row_of), dtype=bool)
            is_coded[coding_code] = True
            participant = _objects(turns[ROLE]) == PARTICIPANT
            unit_rows = unit_rows[participant[unit_rows] | is_coded[turn_code[unit_rows]]]
        units = all_ids[unit_rows].tolist()
        unit_of = np.full(len(row_of), -1, dtype=np.int64)
        unit_of[turn_code[unit_rows]] = np.arange(len(unit_rows))
        unit_at = unit_of[coding_code]
        interview_codes, _ = pd.factorize(_objects(turns[INTERVIEW].astype(str)))
        unit_interview = interview_codes[unit_rows]
    data = np.zeros((len(coders), len(units), len(codes)))
    code_at = pd.Index(codes).get_indexer(pd.Index(code_col, dtype=object))
    if seen == "interview":
        done = np.zeros((len(coders), int(unit_interview.max(initial=-1)) + 1), dtype=bool)
        done[coder_at, unit_interview[unit_at]] = True
        for k in range(len(coders)):
            data[k, ~done[k, unit_interview], :] = np.nan
    data[coder_at, unit_at, code_at] = 1.0
    return data, coders, units, codes
