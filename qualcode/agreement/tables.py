"""Agreement tables from codings: per code and overall, and disagreements (per pair of coders:
:mod:`qualcode.agreement.pairs`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualcode.agreement.reliability import Seen, reliability_data
from qualcode.agreement.statistics import binary_stats, warn_undefined
from qualcode.codebook import Codebook
from qualcode.schema import CODE, INTERVIEW, POSITION, SPEAKER, TEXT, TURN_ID

__all__ = [
    "AGREEMENT_COLUMNS",
    "OVERALL",
    "agreement_table",
    "code_agreement_rows",
    "coder_names",
    "coders_in_order",
    "disagreements",
    "with_turn_details",
]

#: label of the pooled row in agreement and evaluation tables
OVERALL = "(overall)"

#: columns of an agreement table (:func:`agreement_table`, character agreement)
AGREEMENT_COLUMNS = (CODE, "n_units", "n_coded", "percent_agreement", "kappa", "alpha")


def code_agreement_rows(
    codes: Sequence[str], stats_of: Callable[[int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return an agreement table's row for each code, warning where kappa or alpha is NaN.

    Parameters
    ----------
    codes : sequence of str
        The codes, in table order.
    stats_of : callable
        Given a code's index, its :func:`~qualcode.agreement.binary_stats`.

    Returns
    -------
    list of dict
        ``{"code": code, **stats}`` per code. A code whose kappa or alpha is undefined gets an
        :class:`~qualcode.errors.UndefinedStatisticWarning` naming the caller of the table
        function that called this one.
    """
    rows = []
    for j, code in enumerate(codes):
        row = {CODE: code, **stats_of(j)}
        if np.isnan(float(row["kappa"])) or np.isnan(float(row["alpha"])):
            reason = "no coder used it" if row["n_coded"] == 0 else "no variation"
            what = f"code {code!r}: {reason}; kappa and alpha are undefined (NaN)"
            warn_undefined(what, stacklevel=4)
        rows.append(row)
    return rows


def agreement_table(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """Return agreement per code and overall between two or more coders.

    Parameters
    ----------
    codings : DataFrame
        A codings table holding every coder (column ``coder``).
    turns, codebook, coders, seen, all_speakers
        See :func:`reliability_data`.

    Returns
    -------
    DataFrame
        One row per code and a last row ``(overall)`` pooling every (turn, code) decision, with
        columns ``code``, ``n_units`` (turns every coder saw), ``n_coded`` (codings given, all
        coders), ``percent_agreement``, ``kappa`` (Cohen's; mean over coder pairs when there
        are more than two) and ``alpha`` (Krippendorff's, nominal, all coders, missing allowed).
        A code nobody used gets NaN kappa and alpha and an
        :class:`~qualcode.errors.UndefinedStatisticWarning`.

    Examples
    --------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({"turn_id": ["t1", "t2", "t1", "t3"],
    ...                         "code": ["a", "a", "a", "a"],
    ...                         "coder": ["ann", "ann", "bob", "bob"]})
    >>> agreement_table(codings)[["code", "percent_agreement"]].round(3).to_dict("list")
    {'code': ['a', '(overall)'], 'percent_agreement': [0.333, 0.333]}
    """
    data, _, _, codes = reliability_data(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )
    rows = code_agreement_rows(codes, lambda j: binary_stats(data[:, :, j]))
    pooled = data.reshape(data.shape[0], -1)
    rows.append({CODE: OVERALL, **binary_stats(pooled)})
    if np.isnan(float(rows[-1]["alpha"])):
        warn_undefined("overall: no variation in the codings; kappa and alpha are undefined (NaN)")
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def disagreements(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """List the (turn, code) pairs the coders disagree on, with the turn text.

    Returns
    -------
    DataFrame
        Columns ``turn_id``, ``interview``, ``position``, ``speaker``, ``text``, ``code``,
        ``coded_by`` and ``not_coded_by`` (coder names joined by ``"; "``), in transcript order.
    """
    data, names, units, codes = reliability_data(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )
    yes = data == 1
    no = data == 0
    unit_at, code_at = np.nonzero(yes.any(axis=0) & no.any(axis=0))
    bits = 2 ** np.arange(len(names), dtype=np.int64)

    def joined(mask: np.ndarray) -> np.ndarray:
        # each set of coders is a bit pattern, named once: no Python work per disagreement
        pattern = (mask[:, unit_at, code_at].T.astype(np.int64) * bits).sum(axis=1)
        return coder_names(pattern, names)

    rows = {
        TURN_ID: np.asarray(units, dtype=object)[unit_at],
        CODE: np.asarray(codes, dtype=object)[code_at],
        "coded_by": joined(yes),
        "not_coded_by": joined(no),
    }
    table = pd.DataFrame(rows, columns=[TURN_ID, CODE, "coded_by", "not_coded_by"])
    return with_turn_details(table, turns, ["coded_by", "not_coded_by"])


def coders_in_order(codings: pd.DataFrame) -> list[str]:
    """Name each coder of ``codings`` once, in the order they first appear.

    Parameters
    ----------
    codings : DataFrame
        A codings table (its ``coder`` column).

    Returns
    -------
    list of str
        The coders' names (one hash pass over the column, not a Python loop per row).
    """
    return [str(c) for c in pd.unique(codings["coder"])]


def coder_names(patterns: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Name sets of coders given as bit patterns (bit ``k``: ``names[k]``), each set once.

    Returns
    -------
    ndarray of object
        Per pattern, the names of its coders joined by ``"; "``.
    """
    found, at = np.unique(patterns, return_inverse=True)
    labels = ["; ".join(n for k, n in enumerate(names) if p >> k & 1) for p in found]
    return np.asarray(labels, dtype=object)[at.ravel()]


def with_turn_details(
    table: pd.DataFrame,
    turns: pd.DataFrame,
    columns: Sequence[str],
    *,
    first_of_each_id: bool = False,
) -> pd.DataFrame:
    """Add each (turn, code) row's interview, position, speaker and text from ``turns``.

    Parameters
    ----------
    table : DataFrame
        Columns ``turn_id``, ``code`` and ``columns``.
    turns : DataFrame
        The turns table.
    columns : sequence of str
        The columns of ``table`` kept after ``code``.
    first_of_each_id : bool, default False
        Take only the first turn of an id that ``turns`` holds more than once.

    Returns
    -------
    DataFrame
        ``turn_id``, ``interview``, ``position``, ``speaker``, ``text``, ``code``, then
        ``columns``, in the order of ``table``.
    """
    info = turns[[TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT]].copy()
    info[TURN_ID] = info[TURN_ID].astype(str)
    if first_of_each_id:
        info = info.drop_duplicates(TURN_ID)
    out = table.merge(info, on=TURN_ID, how="left")
    cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, CODE, *columns]
    return out[cols].reset_index(drop=True)
