"""Cohen's kappa: the one place qualcode computes it.

:func:`kappa_from_agreement` is the ratio ``(po - pe) / (1 - pe)`` from observed and chance
agreement, vectorised (any shapes that broadcast): the coder-agreement tables, the bootstrap
interval, the evaluation of a coder against the people, the classifier's decision offsets and
sequence decoding all call it. :func:`kappa_from_confusion` gives it the agreements of a
confusion table (counts or weights such as characters).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["kappa_from_agreement", "kappa_from_confusion"]


def kappa_from_agreement(
    observed: Any, chance: Any, *, undefined: float = float("nan"), margin: float = 0.0
) -> np.ndarray:
    """Return Cohen's kappa ``(po - pe) / (1 - pe)`` of each pair of agreements.

    Parameters
    ----------
    observed : float or array
        ``po``: the share of units both coders put in the same category.
    chance : float or array
        ``pe``: the share expected by chance from each coder's category frequencies.
    undefined : float, default NaN
        The kappa where chance agreement is (within ``margin`` of) 1: kappa is undefined.
    margin : float, default 0.0
        Chance agreement from ``1 - margin`` on counts as 1.

    Returns
    -------
    ndarray of float
        The shape ``observed`` and ``chance`` broadcast to (0-d for two numbers).

    Examples
    --------
    >>> float(kappa_from_agreement(0.75, 0.5))
    0.5
    """
    po = np.asarray(observed, dtype=float)
    pe = np.asarray(chance, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pe < 1.0 - margin, (po - pe) / (1.0 - pe), undefined)


def kappa_from_confusion(confusion: np.ndarray) -> float:
    """Return Cohen's kappa from two coders' confusion table.

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
    kappa = float(kappa_from_agreement(po, pe, margin=1e-12))
    return kappa if np.isnan(kappa) else float(round(kappa, 12))
