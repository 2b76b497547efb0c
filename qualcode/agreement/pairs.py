"""Every pair of coders compared code by code: one counting routine, two rules for the units.

:func:`pair_agreement` counts, for each pair of coders and each code, the turns both coded
(``both``), only one coded (``only_a``, ``only_b``) and neither coded (``neither``), with percent
agreement and Cohen's kappa (:func:`~qualcode.kappa.kappa_from_confusion`). Which turns count as
the units is its ``units`` rule (:data:`UNIT_RULES`):

* ``"reliability"``: the units of :func:`~qualcode.agreement.reliability_data`: participant turns
  plus any turn someone coded (every turn with ``all_speakers``), each coder having seen every
  turn or the interviews they coded in (``seen``); codes outside the codebook are an error.
  A pooled ``(overall)`` row follows the codes. :func:`pairwise_agreement` shows this table.
* ``"shared_interviews"``: the turns of the given roles (default participants) in the interviews
  both coders coded (a coder who did not open an interview is not taken to have said "no" to
  its turns), codings below ``min_score`` dropped, codes missing from the codebook kept, as
  every report table does (:mod:`qualcode.codingframe`). :func:`coder_agreement` shows this
  table (the report's ``coder_agreement``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Literal, get_args

import numpy as np
import pandas as pd

from qualcode.agreement.reliability import Seen, reliability_data
from qualcode.agreement.tables import OVERALL
from qualcode.codebook import Codebook
from qualcode.codingframe import (
    AGREEMENT,
    BOTH,
    CODER_A,
    CODER_B,
    KAPPA,
    NEITHER,
    ONLY_A,
    ONLY_B,
    TURNS,
    Selection,
    as_list,
    base_turns,
    default_roles,
    isin,
    object_values,
    prepare,
    unique,
    with_meta,
)
from qualcode.errors import QualcodeError
from qualcode.kappa import kappa_from_confusion
from qualcode.schema import CODE, CODER, INTERVIEW, TURN_ID

__all__ = [
    "PAIR_COLUMNS",
    "UNIT_RULES",
    "UnitRule",
    "coder_agreement",
    "pair_agreement",
    "pairwise_agreement",
]

#: which turns count as the units of a pair of coders (see the module docstring)
UnitRule = Literal["reliability", "shared_interviews"]
#: the choices of ``units``
UNIT_RULES: tuple[str, ...] = get_args(UnitRule)

#: columns of :func:`pair_agreement`
PAIR_COLUMNS = (CODER_A, CODER_B, CODE, TURNS, BOTH, ONLY_A, ONLY_B, NEITHER, AGREEMENT, KAPPA)


def _shared_interview_data(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    *,
    coders: Selection,
    min_score: float | None,
    roles: Selection,
) -> tuple[np.ndarray, list[str], list[str], pd.DataFrame]:
    """The coders x turns x codes 0/1 array (NaN: an interview the coder did not code) of the
    ``"shared_interviews"`` rule, with the coders, the codes and the codes' labels."""
    frame = prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, None))
    coder_list = as_list(coders) or unique(frame.codings[CODER])
    c = frame.codings
    interviews_of = c.merge(frame.turns[[TURN_ID, INTERVIEW]], on=TURN_ID)
    coded_interviews = {
        who: set(group) for who, group in interviews_of.groupby(CODER, sort=False)[INTERVIEW]
    }
    codes = list(frame.codes)
    data = np.zeros((len(coder_list), len(base), len(codes)))
    for k, who in enumerate(coder_list):
        data[k, ~isin(base[INTERVIEW], coded_interviews.get(who, set())), :] = np.nan
    unit_of: dict[object, int] = {}
    for i, turn in enumerate(object_values(base[TURN_ID])):
        unit_of.setdefault(turn, i)  # a turn id held twice: its later rows are never coded
    code_of = {code: j for j, code in enumerate(codes)}
    n = len(c)
    turn_at = np.fromiter((unit_of.get(t, -1) for t in object_values(c[TURN_ID])), np.int64, n)
    code_at = np.fromiter((code_of.get(x, -1) for x in object_values(c[CODE])), np.int64, n)
    coder_col = object_values(c[CODER])
    for k, who in enumerate(coder_list):
        mine = (coder_col == who) & (turn_at >= 0) & (code_at >= 0)
        at, code = turn_at[mine], code_at[mine]
        saw = ~np.isnan(data[k, at, code])
        data[k, at[saw], code[saw]] = 1.0
    return data, coder_list, codes, frame.meta


def _pair_counts(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int, int, float, float]:
    """Units both saw, both, only_a, only_b, neither, agreement and kappa of two 0/1/NaN rows."""
    seen = ~np.isnan(a) & ~np.isnan(b)
    yes_a, yes_b = a[seen] == 1, b[seen] == 1
    n = int(seen.sum())
    both = int(np.count_nonzero(yes_a & yes_b))
    only_a = int(np.count_nonzero(yes_a & ~yes_b))
    only_b = int(np.count_nonzero(~yes_a & yes_b))
    neither = n - both - only_a - only_b
    confusion = np.array([[both, only_a], [only_b, neither]], dtype=float)
    agreement = (both + neither) / n if n else np.nan
    return n, both, only_a, only_b, neither, agreement, kappa_from_confusion(confusion)


def pair_agreement(
    codings: pd.DataFrame,
    *,
    units: UnitRule,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coders: Selection = None,
    seen: Seen = "all",
    all_speakers: bool = False,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count every pair of coders' agreement code by code, on the units of the given rule.

    Parameters
    ----------
    codings : DataFrame
        A codings table holding every coder (column ``coder``).
    units : {"reliability", "shared_interviews"}
        Which turns count as units (see the module docstring).
    turns, codebook, coders
        The turns table (needed by ``"shared_interviews"``), the codebook and the coders to
        compare, in this order (default: all, in order of appearance).
    seen, all_speakers
        ``"reliability"`` only: see :func:`~qualcode.agreement.reliability_data`.
    min_score, roles
        ``"shared_interviews"`` only: drop codings scored below ``min_score``; the roles whose
        turns are units (default participants).

    Returns
    -------
    DataFrame
        Columns :data:`PAIR_COLUMNS`: ``coder_a``, ``coder_b``, ``code``, ``turns`` (units both
        saw), ``both``, ``only_a``, ``only_b``, ``neither``, ``agreement`` ((both + neither) /
        turns) and ``kappa`` (NaN when undefined). ``"reliability"``: code by code, each code's
        pairs together, then the pooled ``(overall)`` rows (plain object and number columns);
        ``"shared_interviews"``: pair by pair, each pair's codes together, no overall rows, with
        ``code_label`` after ``code`` and string, int64 and float64 columns (the report's
        table).
    """
    if units == "reliability":
        data, coder_list, _, codes = reliability_data(
            codings,
            turns=turns,
            codebook=codebook,
            coders=None if coders is None else list(coders),
            seen=seen,
            all_speakers=all_speakers,
        )
        pooled = data.reshape(data.shape[0], -1)
        blocks = [(code, data[:, :, j]) for j, code in enumerate(codes)] + [(OVERALL, pooled)]
        pairs = list(combinations(range(len(coder_list)), 2))
        cells = [(code, block, a, b) for code, block in blocks for a, b in pairs]
    elif units == "shared_interviews":
        if turns is None:
            msg = "units='shared_interviews' needs the turns table"
            raise QualcodeError(msg)
        data, coder_list, codes, meta = _shared_interview_data(
            turns, codings, codebook, coders=coders, min_score=min_score, roles=roles
        )
        pairs = list(combinations(range(len(coder_list)), 2))
        cells = [(code, data[:, :, j], a, b) for a, b in pairs for j, code in enumerate(codes)]
    else:
        msg = f"units must be one of {', '.join(map(repr, UNIT_RULES))}, got {units!r}"
        raise QualcodeError(msg)
    rows = [
        (coder_list[a], coder_list[b], code, *_pair_counts(block[a], block[b]))
        for code, block, a, b in cells
    ]
    out = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    if units == "reliability":
        return out
    for col in (CODER_A, CODER_B, CODE):
        out[col] = out[col].astype("string")
    for col in (TURNS, BOTH, ONLY_A, ONLY_B, NEITHER):
        out[col] = out[col].astype("int64")
    for col in (AGREEMENT, KAPPA):
        out[col] = out[col].astype("float64")
    return with_meta(out, meta, theme=False)


def pairwise_agreement(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """Return Cohen's kappa and percent agreement for every pair of coders, per code and overall.

    The units are those of :func:`~qualcode.agreement.reliability_data` (:func:`pair_agreement`
    with ``units="reliability"``).

    Returns
    -------
    DataFrame
        Columns ``code``, ``coder_a``, ``coder_b``, ``n_units`` (turns both saw),
        ``percent_agreement``, ``kappa``. Undefined kappas are NaN (warned once per code by
        :func:`~qualcode.agreement.agreement_table`, silently here).
    """
    table = pair_agreement(
        codings,
        units="reliability",
        turns=turns,
        codebook=codebook,
        coders=coders,
        seen=seen,
        all_speakers=all_speakers,
    )
    names = {TURNS: "n_units", AGREEMENT: "percent_agreement"}
    return table[[CODE, CODER_A, CODER_B, TURNS, AGREEMENT, KAPPA]].rename(columns=names)


def coder_agreement(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coders: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Compare every pair of coders code by code: overlap, percent agreement and Cohen's kappa.

    A pair is compared on the turns (of the given roles, default participants) of the
    interviews that both coders coded: a coder who did not code an interview at all is not
    taken to have said "no" to its turns (:func:`pair_agreement` with
    ``units="shared_interviews"``).

    Returns
    -------
    DataFrame
        One row per coder pair and code: ``coder_a``, ``coder_b``, ``code``, ``code_label``,
        ``turns`` (turns compared), ``both``, ``only_a``, ``only_b``, ``neither``,
        ``agreement`` ((both + neither) / turns) and ``kappa`` (Cohen's kappa; NaN when
        undefined, e.g. neither coder used the code). Empty with fewer than two coders.
    """
    return pair_agreement(
        codings,
        units="shared_interviews",
        turns=turns,
        codebook=codebook,
        coders=coders,
        min_score=min_score,
        roles=roles,
    )
