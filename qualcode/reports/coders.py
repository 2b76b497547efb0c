"""Coder counts: the turns each coder gave each code (agreement: :mod:`qualcode.agreement`)."""

from __future__ import annotations

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codingframe import (
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
from qualcode.schema import CODE, CODER, TURN_ID

__all__ = ["coder_counts"]


def coder_counts(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coders: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count the turns each coder gave each code.

    Returns
    -------
    DataFrame
        One row per code and coder (codes in codebook order, coders in order of appearance):
        ``theme``, ``theme_label``, ``code``, ``code_label``, ``coder``, ``turns``.
    """
    frame = prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, None))
    c = frame.codings[isin(frame.codings[TURN_ID], base[TURN_ID])]
    coder_list = as_list(coders) or unique(frame.codings[CODER])
    counts = c.drop_duplicates([TURN_ID, CODE, CODER]).groupby([CODE, CODER]).size()
    index = pd.MultiIndex.from_product([frame.codes, coder_list], names=[CODE, CODER])
    out = pd.DataFrame(index=index).reset_index()
    keys = list(zip(out[CODE], out[CODER], strict=True))
    out[TURNS] = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    out[CODE] = out[CODE].astype("string")
    out[CODER] = out[CODER].astype("string")
    return with_meta(out, frame.meta)
