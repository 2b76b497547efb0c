"""Calibration and decision offsets of the classifier's heads.

Platt scaling and F1 thresholds for independent codes; temperature and per-code offsets (vector
scaling) for the probabilities of an exclusive theme, per-code decision offsets that maximise
Cohen's kappa on held-out predictions, and the choice of sequence decoding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from qualcode.coding.sequence import (
    Links,
    SequenceModel,
    choose_sequence,
    class_frequencies,
    transition_table,
)
from qualcode.kappa import kappa_from_agreement

__all__ = [
    "MIN_OFFSET_EXAMPLES",
    "best_threshold",
    "fit_scaling",
    "fit_sequence",
    "fit_temperature",
    "kappa_biases",
    "log_softmax",
    "platt",
    "sigmoid",
    "softmax",
]

# the estimator's logger: what it logs while fitting keeps one name
log = logging.getLogger("qualcode.coding.classifier")

#: fewer held-out turns of a code than this: its decision offset stays 0 (an offset that moves a
#: decision is fitted to the few turns near the boundary; from a dozen turns it fits noise)
MIN_OFFSET_EXAMPLES = 20


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_scaling(
    scores: np.ndarray, target: np.ndarray, *, prior: float = 20.0
) -> tuple[float, np.ndarray]:
    """Temperature ``T`` and per-class offsets ``b`` minimising the log loss of
    ``softmax(scores / T + b)`` ("vector scaling" with one shared slope).

    The offsets correct the class frequencies the linear scores imply (a one-vs-rest SVM
    under-predicts mid-frequency codes). The penalty ``prior * |b|^2`` on the summed log loss
    keeps them near 0 when there are few held-out rows and finite for codes absent from them.
    """
    from scipy.optimize import minimize

    n, k = scores.shape
    rows = np.arange(n)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = theta[0], theta[1:]
        z = scores * a + b
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        g = np.exp(log_p)
        g[rows, target] -= 1.0
        g /= n
        f = -log_p[rows, target].mean() + prior / n * float(b @ b)
        return float(f), np.r_[float((g * scores).sum()), g.sum(axis=0) + 2 * prior / n * b]

    start = np.r_[1.0 / fit_temperature(scores, target), np.zeros(k)]
    res = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=[(0.05, 20.0)] + [(-20, 20)] * k
    )
    return float(1.0 / res.x[0]), np.asarray(res.x[1:], dtype=float)


def fit_temperature(scores: np.ndarray, target: np.ndarray) -> float:
    """Temperature T minimising the log loss of softmax(scores / T)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(target)), target] + 1e-12)))

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(res.x))


def kappa_biases(
    log_p: np.ndarray, target: np.ndarray, *, min_count: int = 5, rounds: int = 3
) -> np.ndarray:
    """Per-class offsets ``b`` such that ``argmax(log_p + b)`` maximises Cohen's kappa on
    (held-out) rows with true classes ``target``.

    Coordinate ascent: for one class at a time, every offset that changes a decision is a
    point where that class's score crosses the best other one; sorting those points gives
    kappa for all of them in one cumulative sum. Classes with fewer than ``min_count`` rows
    keep offset 0 (a handful of rows would only fit noise); ties go to the smallest change.
    """
    n, k = log_p.shape
    b = np.zeros(k)
    if n == 0 or k < 2:
        return b
    true = np.bincount(target, minlength=k).astype(float)
    tunable = np.flatnonzero(true >= min_count)
    all_rows = np.arange(n)
    for _ in range(rounds):
        changed = False
        for c in tunable:
            z = log_p + b
            z[:, c] = -np.inf
            other = z.argmax(axis=1)
            cross = z[all_rows, other] - log_p[:, c]  # class c wins iff b[c] > cross
            order = np.argsort(cross, kind="stable")
            cuts, t_sorted, o_sorted = cross[order], target[order], other[order]
            agree = (
                float(np.sum(target == other))
                + np.r_[0.0, np.cumsum((t_sorted == c).astype(float) - (t_sorted == o_sorted))]
            )
            dot = (
                float(true @ np.bincount(other, minlength=k))
                + np.r_[0.0, np.cumsum(true[c] - true[o_sorted])]
            )
            kap = kappa_from_agreement(agree / n, dot / (n * n), undefined=0.0)
            # candidate offsets: half-way between consecutive crossing points
            lo = np.r_[cuts[0] - 1.0, cuts]
            hi = np.r_[cuts, cuts[-1] + 1.0]
            mid = (lo + hi) / 2
            valid = np.r_[True, cuts[1:] > cuts[:-1], True] if n > 1 else np.ones(2, dtype=bool)
            kap = np.where(valid, kap, -np.inf)
            current = kap[int(np.searchsorted(cuts, b[c], side="left"))]
            best = kap.max()
            if best > current + 1e-9:
                pick = np.flatnonzero(kap >= best - 1e-12)
                b[c] = float(mid[pick[np.argmin(np.abs(mid[pick]))]])
                changed = True
        if not changed:
            break
    return b


def fit_sequence(
    log_p: np.ndarray,
    target: np.ndarray,
    held: np.ndarray,
    links: Links,
    group: Sequence[str],
    *,
    kappa: bool,
    random_state: int | None,
) -> SequenceModel | None:
    """Sequence decoding of an exclusive theme, or None when it does not help.

    ``log_p`` are the log-probabilities of all ``target`` rows, those of the ``held`` rows from
    a model that did not see them (all rows for cross-validated predictions). The strength is
    chosen on the held-out rows (with cross-fitted kappa offsets when ``kappa``) and
    transitions counted on the other rows; the model kept counts them on all rows.
    """
    k = log_p.shape[1]
    train_rows = np.flatnonzero(held if held.all() else ~held)
    log_prior = np.log(class_frequencies(target, k))

    def offsets(z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return kappa_biases(z, t, min_count=MIN_OFFSET_EXAMPLES // 2)

    weight, prior_weight, before, after = choose_sequence(
        log_p,
        target,
        links,
        transition_table(target[train_rows], links.subset(train_rows), k),
        log_prior,
        judge=held,
        fit_offsets=offsets if kappa else None,
        random_state=random_state,
    )
    name = ", ".join(group[:3]) + (", ..." if len(group) > 3 else "")
    if weight == 0:
        log.info("sequence decoding of (%s): not used (held-out kappa %.3f)", name, before)
        return None
    log.info(
        "sequence decoding of (%s): held-out kappa %.3f -> %.3f (weight %g, prior weight %g)",
        name,
        before,
        after,
        weight,
        prior_weight,
    )
    return SequenceModel(weight, prior_weight, transition_table(target, links, k), log_prior)


def platt(scores: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e4)
    lr.fit(scores.reshape(-1, 1), target)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def best_threshold(prob: np.ndarray, target: np.ndarray) -> float:
    """Threshold on ``prob`` maximising F1; cuts lie half-way between observed probabilities.

    Ties go to the cut closest to 0.5.
    """
    u = np.unique(prob)
    candidates = np.unique(np.clip(np.r_[(u[:-1] + u[1:]) / 2, 0.5], 0.02, 0.98))
    best, best_f1 = 0.5, -1.0
    n_true = int(np.sum(target == 1))
    for t in candidates:
        pred = prob >= t
        tp = float(np.sum(pred & (target == 1)))
        denom = int(pred.sum()) + n_true
        f1 = 2 * tp / denom if denom else 0.0
        if f1 > best_f1 + 1e-12 or (abs(f1 - best_f1) <= 1e-12 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(t), f1
    return best
