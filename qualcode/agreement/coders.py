"""The coders' comparison table of a report: every pair of coders, code by code.

Counts (both, only one, neither), percent agreement and Cohen's kappa per pair and code, on the
turns of the interviews both coders coded (a coder who did not open an interview is not taken
to have said "no" to its turns). Where :func:`~qualcode.agreement.pairwise_agreement` compares
the coders on the units of :func:`~qualcode.agreement.reliability_data` (``seen`` and
``all_speakers``), this table counts the turns of the given roles and keeps codes missing from
the codebook, as every report table does (:mod:`qualcode.codingframe`).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

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
    prepare,
    unique,
    with_meta,
)
from qualcode.kappa import kappa_from_confusion
from qualcode.schema import CODE, CODER, INTERVIEW, TURN_ID

__all__ = ["coder_agreement"]


def _kappa(both: int, only_a: int, only_b: int, neither: int) -> float:
    """Cohen's kappa of two coders' yes/no table (the one kappa: :func:`kappa_from_confusion`)."""
    return kappa_from_confusion(np.array([[both, only_a], [only_b, neither]], dtype=float))


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
    taken to have said "no" to its turns.

    Returns
    -------
    DataFrame
        One row per coder pair and code: ``coder_a``, ``coder_b``, ``code``, ``code_label``,
        ``turns`` (turns compared), ``both``, ``only_a``, ``only_b``, ``neither``,
        ``agreement`` ((both + neither) / turns) and ``kappa`` (Cohen's kappa; NaN when
        undefined, e.g. neither coder used the code). Empty with fewer than two coders.
    """
    frame = prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, None))
    coder_list = as_list(coders) or unique(frame.codings[CODER])
    c = frame.codings
    interviews_of = c.merge(frame.turns[[TURN_ID, INTERVIEW]], on=TURN_ID)
    coded_interviews = {
        who: set(group) for who, group in interviews_of.groupby(CODER, sort=False)[INTERVIEW]
    }
    rows = []
    for a, b in combinations(coder_list, 2):
        shared = coded_interviews.get(a, set()) & coded_interviews.get(b, set())
        units = base[isin(base[INTERVIEW], shared)]
        sets = {}
        for who in (a, b):
            mine = c[(c[CODER] == who) & isin(c[TURN_ID], units[TURN_ID])]
            sets[who] = {code: set(ids) for code, ids in mine.groupby(CODE)[TURN_ID]}
        n = len(units)
        for code in frame.codes:
            sa, sb = sets[a].get(code, set()), sets[b].get(code, set())
            both, only_a, only_b = len(sa & sb), len(sa - sb), len(sb - sa)
            neither = n - both - only_a - only_b
            rows.append(
                (
                    a,
                    b,
                    code,
                    n,
                    both,
                    only_a,
                    only_b,
                    neither,
                    (both + neither) / n if n else np.nan,
                    _kappa(both, only_a, only_b, neither),
                )
            )
    cols = [CODER_A, CODER_B, CODE, TURNS, BOTH, ONLY_A, ONLY_B, NEITHER, AGREEMENT, KAPPA]
    out = pd.DataFrame(rows, columns=cols)
    for col in (CODER_A, CODER_B, CODE):
        out[col] = out[col].astype("string")
    for col in (TURNS, BOTH, ONLY_A, ONLY_B, NEITHER):
        out[col] = out[col].astype("int64")
    for col in (AGREEMENT, KAPPA):
        out[col] = out[col].astype("float64")
    return with_meta(out, frame.meta, theme=False)
