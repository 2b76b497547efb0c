"""Co-occurrence: how often two codes are given to the same turn."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codingframe import (
    BOTH,
    CODE_A,
    CODE_B,
    CODE_LABEL,
    EITHER,
    JACCARD,
    TURNS_A,
    TURNS_B,
    CodingFrame,
    Selection,
    base_turns,
    coded_pairs,
    default_roles,
    prepare,
)
from qualcode.errors import QualcodeError
from qualcode.schema import CODE, TURN_ID

__all__ = ["cooccurrence", "cooccurrence_matrix"]


def _indicator(frame: CodingFrame, base: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """0/1 matrix turns x codes (codebook order) for the base turns."""
    pairs = coded_pairs(frame, base, level="code")
    codes = frame.codes
    row = pd.Index(base[TURN_ID]).get_indexer(pd.Index(pairs[TURN_ID]))
    col = pd.Index(codes).get_indexer(pd.Index(pairs[CODE]))
    x = np.zeros((len(base), len(codes)), dtype=np.int64)
    x[row, col] = 1
    return x, codes


def cooccurrence(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count how often two codes are given to the same turn, for every pair of codes.

    Returns
    -------
    DataFrame
        One row per pair (codebook order, ``code_a`` before ``code_b``): ``code_a``,
        ``code_a_label``, ``code_b``, ``code_b_label``, ``both`` (turns with both codes),
        ``turns_a``, ``turns_b``, ``either`` and ``jaccard`` (both / either; NaN when
        neither code is used).
    """
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, None))
    x, codes = _indicator(frame, base)
    co = x.T @ x
    labels = frame.meta[CODE_LABEL]
    rows = []
    for i, j in combinations(range(len(codes)), 2):
        both, na, nb = int(co[i, j]), int(co[i, i]), int(co[j, j])
        either = na + nb - both
        rows.append(
            (
                codes[i],
                labels[codes[i]],
                codes[j],
                labels[codes[j]],
                both,
                na,
                nb,
                either,
                both / either if either else np.nan,
            )
        )
    cols = [CODE_A, f"{CODE_A}_label", CODE_B, f"{CODE_B}_label", BOTH, TURNS_A, TURNS_B]
    out = pd.DataFrame(rows, columns=[*cols, EITHER, JACCARD])
    for col in cols[:4]:
        out[col] = out[col].astype("string")
    out[JACCARD] = out[JACCARD].astype("float64")
    return out


def cooccurrence_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    measure: str = "count",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Square code x code table of co-occurrence within a turn.

    Parameters
    ----------
    measure : {"count", "jaccard"}
        Turns with both codes (the diagonal: turns with the code), or the Jaccard index
        both / either (diagonal 1.0; NaN for unused codes).

    Returns
    -------
    DataFrame
        Index and columns are code names in codebook order; ``attrs["labels"]`` maps names
        to labels.
    """
    if measure not in ("count", JACCARD):
        msg = f"unknown measure {measure!r}; expected 'count' or 'jaccard'"
        raise QualcodeError(msg)
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, None))
    x, codes = _indicator(frame, base)
    co = x.T @ x
    index = pd.Index(codes, name=CODE, dtype="string")
    if measure == "count":
        out = pd.DataFrame(co, index=index, columns=index.rename(None))
    else:
        diag = np.diag(co)
        either = diag[:, None] + diag[None, :] - co
        with np.errstate(invalid="ignore", divide="ignore"):
            jac = np.where(either > 0, co / np.where(either > 0, either, 1), np.nan)
        out = pd.DataFrame(jac, index=index, columns=index.rename(None))
    out.attrs["labels"] = frame.meta[CODE_LABEL].to_dict()
    return out
