"""Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha.

The unit of analysis is the speaker turn. For each code, every coder gives each turn a 1 (coded)
or a 0 (seen and not coded); a turn a coder did not see is missing. Which turns a coder saw:

* ``seen="all"`` (default): every coder saw every unit. The units are the turns of the turns
  table when one is given, else every turn id that anyone coded (so a turn nobody coded is
  invisible without a turns table: pass one to count agreement on "nothing applies").
* ``seen="interview"``: a coder saw the turns of each interview in which they coded at least one
  turn, and nothing else (needs the turns table). Use it when coders split the interviews.

With a turns table, only the participants' turns (and any other turn someone coded) are units
unless ``all_speakers=True``: the interviewer's questions are not what is being coded, and
counting them as agreed "nothing applies" would inflate agreement.

Cohen's kappa is computed per pair of coders over the units both saw; with more than two coders
the table reports the mean over pairs (Light's kappa) and :func:`pairwise_agreement` lists the
pairs. Krippendorff's alpha (nominal) uses all coders and allows missing values. The
``(overall)`` row pools every (turn, code) decision as one binary unit.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import CodingsError, QualcodeError, UndefinedStatisticWarning
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    PARTICIPANT,
    POSITION,
    ROLE,
    SPEAKER,
    TEXT,
    TURN_ID,
    validate_codings,
)

__all__ = [
    "OVERALL",
    "agreement_table",
    "cohen_kappa",
    "disagreements",
    "kappa_interval",
    "krippendorff_alpha",
    "pairwise_agreement",
    "percent_agreement",
    "reliability_data",
]

#: label of the pooled row in agreement and evaluation tables
OVERALL = "(overall)"

Seen = Literal["all", "interview"]


# --- the statistics ----------------------------------------------------------------------
def _as_matrix(data: Any) -> np.ndarray:
    """Return a coders x units object array with ``None`` for missing values."""
    arr = np.asarray(pd.DataFrame(data).to_numpy(dtype=object), dtype=object)
    if arr.ndim != 2:
        msg = f"expected a 2-D coders x units table, got {arr.ndim} dimension(s)"
        raise QualcodeError(msg)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else v
    return out


def _category_counts(matrix: np.ndarray) -> np.ndarray:
    """Units x categories counts of the values given to each unit."""
    present = [v for v in matrix.ravel() if v is not None]
    cats = list(dict.fromkeys(present))
    index = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((matrix.shape[1], len(cats)))
    for (_, unit), v in np.ndenumerate(matrix):
        if v is not None:
            counts[unit, index[v]] += 1
    return counts


def alpha_from_counts(counts: np.ndarray, *, weights: np.ndarray | None = None) -> float:
    """Return Krippendorff's alpha (nominal) from a units x categories table of value counts.

    Parameters
    ----------
    counts : ndarray, shape (n_units, n_categories)
        How many coders gave each unit each value; units with fewer than two values are left
        out.
    weights : ndarray, shape (n_units,), optional
        How many units each row stands for (rows of the same pattern counted once: the
        characters of a character-level comparison).

    Returns
    -------
    float
        NaN when there is no variation.
    """
    counts = np.asarray(counts, dtype=float)
    w = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=float)
    m = counts.sum(axis=1)
    keep = (m >= 2) & (w > 0)
    counts, m, w = counts[keep], m[keep], w[keep]
    if counts.size == 0:
        return float("nan")
    weighted = counts * (w / (m - 1))[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=0)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * observed / expected)


def percent_from_counts(counts: np.ndarray, *, weights: np.ndarray | None = None) -> float:
    """Return the mean share of agreeing coder pairs per unit from a units x categories table.

    ``counts`` and ``weights`` as in :func:`alpha_from_counts`; NaN if no unit has two values.
    """
    counts = np.asarray(counts, dtype=float)
    w = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=float)
    m = counts.sum(axis=1)
    keep = (m >= 2) & (w > 0)
    if not keep.any():
        return float("nan")
    counts, m, w = counts[keep], m[keep], w[keep]
    agreeing = (counts * (counts - 1)).sum(axis=1)
    return float(np.average(agreeing / (m * (m - 1)), weights=w))


def kappa_from_confusion(confusion: np.ndarray) -> float:
    """Return Cohen's kappa from two coders' confusion table (the one kappa of qualcode).

    Parameters
    ----------
    confusion : ndarray, shape (n_categories, n_categories)
        ``confusion[i, j]``: units (or their weight, such as characters) that the first coder
        put in category ``i`` and the second in ``j``.

    Returns
    -------
    float
        ``(po - pe) / (1 - pe)``; NaN when there are no units or chance agreement is 1.

    Examples
    --------
    >>> kappa_from_confusion(np.array([[20, 5], [10, 15]]))
    0.4
    """
    table = np.asarray(confusion, dtype=float)
    n = table.sum()
    if n <= 0:
        return float("nan")
    po = np.trace(table) / n
    pe = float((table.sum(axis=1) / n) @ (table.sum(axis=0) / n))
    if pe >= 1.0 - 1e-12:
        return float("nan")
    return float(round((po - pe) / (1.0 - pe), 12))


def _kappa_pair(a: Sequence[Any], b: Sequence[Any]) -> tuple[float, int]:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return float("nan"), 0
    codes, cats = pd.factorize(pd.Series([v for p in pairs for v in p], dtype=object))
    k = len(cats)
    confusion = np.bincount(codes[0::2] * k + codes[1::2], minlength=k * k).reshape(k, k)
    return kappa_from_confusion(confusion), len(pairs)


def _objects(series: pd.Series) -> np.ndarray:
    """A column as an object array (Arrow strings are slow to iterate and hash one by one)."""
    return series.to_numpy(dtype=object)


def _undefined(what: str) -> None:
    warnings.warn(what, UndefinedStatisticWarning, stacklevel=3)


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Return Cohen's kappa between two coders' nominal labels.

    Parameters
    ----------
    a, b : sequence
        Labels of the same units by two coders, in the same order. Pairs where either value is
        missing (None or NaN) are left out.

    Returns
    -------
    float
        ``(po - pe) / (1 - pe)``; NaN (with :class:`UndefinedStatisticWarning`) when chance
        agreement is 1, i.e. both coders used one and the same category throughout.

    Examples
    --------
    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    """
    if len(a) != len(b):
        msg = f"the two coders label different numbers of units ({len(a)} and {len(b)})"
        raise QualcodeError(msg)
    matrix = _as_matrix([list(a), list(b)])
    kappa, n = _kappa_pair(list(matrix[0]), list(matrix[1]))
    if np.isnan(kappa):
        _undefined(
            "Cohen's kappa is undefined: "
            + ("no unit has both values" if n == 0 else "both coders used a single category")
        )
    return kappa


def krippendorff_alpha(data: Any) -> float:
    """Return Krippendorff's alpha for nominal data, missing values allowed.

    Parameters
    ----------
    data : array-like or DataFrame, shape (n_coders, n_units)
        One row per coder; None or NaN where a coder gave a unit no value.

    Returns
    -------
    float
        Alpha over the units with at least two values; NaN (with
        :class:`UndefinedStatisticWarning`) when every value is the same category.

    Examples
    --------
    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data), 3)
    0.743
    """
    alpha = alpha_from_counts(_category_counts(_as_matrix(data)))
    if np.isnan(alpha):
        _undefined("Krippendorff's alpha is undefined: no variation in the values")
    return alpha


def percent_agreement(data: Any) -> float:
    """Return the mean share of agreeing coder pairs per unit.

    Parameters
    ----------
    data : array-like or DataFrame, shape (n_coders, n_units)
        One row per coder; None or NaN where missing. Units with fewer than two values are left
        out. With two coders and no missing values this is the plain share of units they agree on.

    Returns
    -------
    float
        Between 0 and 1; NaN (with :class:`UndefinedStatisticWarning`) if no unit has two values.

    Examples
    --------
    >>> percent_agreement([[1, 0, 1, 1], [1, 1, 1, 1]])
    0.75
    """
    pa = percent_from_counts(_category_counts(_as_matrix(data)))
    if np.isnan(pa):
        _undefined("percent agreement is undefined: no unit was coded by two coders")
    return pa


def kappa_interval(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    random_state: int | None = 0,
) -> tuple[float, float]:
    """Return a percentile bootstrap interval for Cohen's kappa (units resampled).

    Resamples on which kappa is undefined are skipped; the interval is NaN when all are.

    Returns
    -------
    tuple of float
        ``(low, high)``.
    """
    x = pd.factorize(pd.Series(list(a) + list(b), dtype=object))[0]
    left, right = x[: len(a)], x[len(a) :]
    n = len(left)
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(random_state)
    k = int(x.max()) + 1
    idx = rng.integers(0, n, size=(n_boot, n))
    la, rb = left[idx], right[idx]
    po = (la == rb).mean(axis=1)
    pl = np.stack([(la == c).mean(axis=1) for c in range(k)], axis=1)
    pr = np.stack([(rb == c).mean(axis=1) for c in range(k)], axis=1)
    pe = (pl * pr).sum(axis=1)
    ok = pe < 1.0 - 1e-12
    if not ok.any():
        return float("nan"), float("nan")
    kappas = (po[ok] - pe[ok]) / (1.0 - pe[ok])
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(kappas, [tail, 100.0 - tail])
    return float(low), float(high)


# --- from codings tables -----------------------------------------------------------------
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
    if seen not in ("all", "interview"):
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


def binary_stats(matrix: np.ndarray, *, weights: np.ndarray | None = None) -> dict[str, Any]:
    """Return agreement statistics for a coders x units 0/1/NaN array, without warnings.

    Parameters
    ----------
    matrix : ndarray, shape (n_coders, n_units)
        1 coded, 0 seen and not coded, NaN not seen.
    weights : ndarray, shape (n_units,), optional
        How many units each column stands for (default 1 each).

    Returns
    -------
    dict
        ``n_units`` (units every coder saw), ``n_coded`` (codings given, all coders),
        ``percent_agreement``, ``kappa`` (Cohen's; mean over coder pairs), ``alpha``.
    """
    matrix = np.asarray(matrix, dtype=float)
    w = np.ones(matrix.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    seen = ~np.isnan(matrix)
    ones = (matrix == 1).sum(axis=0)
    # units with the same (values seen, ones) pattern count alike: a few weighted rows
    size = matrix.shape[0] + 1
    pattern = np.bincount(seen.sum(axis=0) * size + ones, weights=w, minlength=size * size)
    found = np.flatnonzero(pattern)
    n_seen, n_ones = np.divmod(found, size)
    counts = np.stack([n_seen - n_ones, n_ones], axis=1)
    pattern_w = pattern[found]
    kappas = []
    for i, j in itertools.combinations(range(matrix.shape[0]), 2):
        both = seen[i] & seen[j]
        cell = matrix[i, both].astype(np.int64) * 2 + matrix[j, both].astype(np.int64)
        confusion = np.bincount(cell, weights=w[both], minlength=4).reshape(2, 2)
        kappas.append(kappa_from_confusion(confusion))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        kappa = float(np.nanmean(kappas)) if not np.all(np.isnan(kappas)) else float("nan")
    return {
        "n_units": int(w[seen.all(axis=0)].sum()),
        "n_coded": int((np.nan_to_num(matrix) * w).sum()),
        "percent_agreement": percent_from_counts(counts, weights=pattern_w),
        "kappa": kappa,
        "alpha": alpha_from_counts(counts, weights=pattern_w),
    }


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
    rows = []
    for j, code in enumerate(codes):
        row = {CODE: code, **binary_stats(data[:, :, j])}
        if np.isnan(float(row["kappa"])) or np.isnan(float(row["alpha"])):
            reason = "no coder used it" if row["n_coded"] == 0 else "no variation"
            _undefined(f"code {code!r}: {reason}; kappa and alpha are undefined (NaN)")
        rows.append(row)
    pooled = data.reshape(data.shape[0], -1)
    rows.append({CODE: OVERALL, **binary_stats(pooled)})
    if np.isnan(float(rows[-1]["alpha"])):
        _undefined("overall: no variation in the codings; kappa and alpha are undefined (NaN)")
    return pd.DataFrame(
        rows, columns=[CODE, "n_units", "n_coded", "percent_agreement", "kappa", "alpha"]
    )


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

    Returns
    -------
    DataFrame
        Columns ``code``, ``coder_a``, ``coder_b``, ``n_units`` (turns both saw),
        ``percent_agreement``, ``kappa``. Undefined kappas are NaN (warned once per code by
        :func:`agreement_table`, silently here).
    """
    data, names, _, codes = reliability_data(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )
    rows = []
    pooled = data.reshape(data.shape[0], -1)
    for j, code in [*enumerate(codes), (-1, OVERALL)]:
        block = pooled if j < 0 else data[:, :, j]
        for a, b in itertools.combinations(range(len(names)), 2):
            stats = binary_stats(block[[a, b]])
            rows.append(
                {
                    CODE: code,
                    "coder_a": names[a],
                    "coder_b": names[b],
                    "n_units": stats["n_units"],
                    "percent_agreement": stats["percent_agreement"],
                    "kappa": stats["kappa"],
                }
            )
    return pd.DataFrame(rows)


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
        found, at = np.unique(pattern, return_inverse=True)
        labels = ["; ".join(n for k, n in enumerate(names) if p >> k & 1) for p in found]
        return np.asarray(labels, dtype=object)[at.ravel()]

    rows = {
        TURN_ID: np.asarray(units, dtype=object)[unit_at],
        CODE: np.asarray(codes, dtype=object)[code_at],
        "coded_by": joined(yes),
        "not_coded_by": joined(no),
    }
    table = pd.DataFrame(rows, columns=[TURN_ID, CODE, "coded_by", "not_coded_by"])
    info = turns[[TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT]].copy()
    info[TURN_ID] = info[TURN_ID].astype(str)
    out = table.merge(info, on=TURN_ID, how="left")
    cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, CODE, "coded_by", "not_coded_by"]
    return out[cols].reset_index(drop=True)
