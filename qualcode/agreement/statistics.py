"""The agreement statistics: Cohen's kappa, Krippendorff's alpha (nominal), percent agreement.

Plain numbers from labels or counts; the tables built from codings are in
:mod:`qualcode.agreement.tables`.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError, UndefinedStatisticWarning
from qualcode.kappa import kappa_from_agreement, kappa_from_confusion

__all__ = [
    "alpha_from_counts",
    "binary_stats",
    "cohen_kappa",
    "kappa_interval",
    "krippendorff_alpha",
    "percent_agreement",
    "percent_from_counts",
    "warn_undefined",
]


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


def _kappa_pair(a: Sequence[Any], b: Sequence[Any]) -> tuple[float, int]:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return float("nan"), 0
    codes, cats = pd.factorize(pd.Series([v for p in pairs for v in p], dtype=object))
    k = len(cats)
    confusion = np.bincount(codes[0::2] * k + codes[1::2], minlength=k * k).reshape(k, k)
    return kappa_from_confusion(confusion), len(pairs)


def warn_undefined(what: str, *, stacklevel: int = 3) -> None:
    """Warn (:class:`~qualcode.errors.UndefinedStatisticWarning`) that a statistic is NaN.

    ``stacklevel`` counts from here, as in :func:`warnings.warn`: the default 3 names the caller
    of the function that calls this one.
    """
    warnings.warn(what, UndefinedStatisticWarning, stacklevel=stacklevel)


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
        warn_undefined(
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
        warn_undefined("Krippendorff's alpha is undefined: no variation in the values")
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
        warn_undefined("percent agreement is undefined: no unit was coded by two coders")
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
    kappas = kappa_from_agreement(po, pe, margin=1e-12)[ok]
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(kappas, [tail, 100.0 - tail])
    return float(low), float(high)


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
