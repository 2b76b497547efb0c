"""The classifier's heads: one per independent code, one per exclusive theme.

Fitting a head (its linear model, calibration and decision offsets, sequence decoding) and
turning linear scores into probabilities and 0/1 decisions. The heads are plain dicts stored as
JSON in the model file (:mod:`qualcode.coding.modelfile`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold

from qualcode.coding.calibration import (
    MIN_OFFSET_EXAMPLES,
    best_threshold,
    fit_scaling,
    fit_sequence,
    kappa_biases,
    log_softmax,
    platt,
    sigmoid,
    softmax,
)
from qualcode.coding.sequence import Links, SequenceModel
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier

__all__ = [
    "MIN_TUNING_EXAMPLES",
    "NONE",
    "check_decision",
    "class_weights",
    "decide",
    "decide_scores",
    "decision_scores",
    "fit_binary_head",
    "fit_group_head",
    "group_weights",
    "multi_model",
    "proba_from_scores",
    "sequence_of",
    "weight_rows",
]

NONE = -1  # "none of the codes of this exclusive theme"

#: fewer positive (or negative) examples than this: no calibration or threshold tuning (out-of-
#: fold estimates from a handful of turns are noise); probability = the balanced model's, cut 0.5
MIN_TUNING_EXAMPLES = 5


def check_decision(decision: str, class_weight: str | float | None) -> None:
    """Refuse a ``decision`` or ``class_weight`` the heads do not know.

    Raises
    ------
    QualcodeError
        Saying what was given and what is accepted.
    """
    if decision not in ("kappa", "argmax"):
        msg = f"decision must be 'kappa' or 'argmax', got {decision!r}"
        raise QualcodeError(msg)
    cw = class_weight
    if not (
        cw is None
        or cw == "balanced"
        or (isinstance(cw, int | float) and not isinstance(cw, bool) and 0 <= cw <= 1)
    ):
        msg = (
            "class_weight must be 'balanced', None or a rebalancing strength between 0 "
            f"and 1, got {cw!r}"
        )
        raise QualcodeError(msg)


def fit_binary_head(
    est: CodeClassifier, F: sp.csr_matrix, t: np.ndarray, j: int, rows: list, intercepts: list
) -> dict[str, Any]:
    """Fit one independent code's head: a balanced logistic regression, Platt-calibrated,
    its threshold maximising out-of-fold F1; its weights are appended to ``rows``."""
    n_pos, n_neg = int(t.sum()), int(len(t) - t.sum())
    head: dict[str, Any] = {"kind": "binary", "code": j, "row": len(rows), "n_pos": n_pos}
    if n_pos == 0 or n_neg == 0:
        rows.append(np.zeros(F.shape[1]))
        intercepts.append(0.0)
        const = 0.0 if n_pos == 0 else 1.0
        head.update(constant=const, a=0.0, b=0.0, threshold=0.5)
        return head

    weights = class_weights(est, t)

    def model() -> LogisticRegression:
        return LogisticRegression(
            C=est.C,
            class_weight=weights,
            solver="liblinear",
            random_state=est.random_state,
        )

    a, b, threshold = 1.0, 0.0, 0.5
    k = min(est.cv, n_pos, n_neg)
    if k >= 2 and min(n_pos, n_neg) >= MIN_TUNING_EXAMPLES:
        oof = np.zeros(len(t))
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=est.random_state)
        for tr, te in splits.split(np.zeros(len(t)), t):
            oof[te] = model().fit(F[tr], t[tr]).decision_function(F[te])
        a, b = platt(oof, t)
        threshold = best_threshold(sigmoid(a * oof + b), t)
    final = model().fit(F, t)
    rows.append(final.coef_[0])
    intercepts.append(float(final.intercept_[0]))
    head.update(constant=None, a=a, b=b, threshold=threshold)
    return head


def class_weights(est: CodeClassifier, target: np.ndarray) -> dict[int, float] | str | None:
    """``class_weight`` for scikit-learn: a strength ``s`` becomes the balanced weights to
    the power ``s``."""
    cw = est.class_weight
    if cw is None or isinstance(cw, str):
        return cw
    classes, counts = np.unique(target, return_counts=True)
    balanced = len(target) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, balanced ** float(cw), strict=True)}


def multi_model(est: CodeClassifier, n: int, target: np.ndarray) -> Any:
    """The unfitted multiclass model of an exclusive theme (the estimator's solver)."""
    weights = class_weights(est, target)
    if est.solver_ == "sgd":
        return SGDClassifier(
            loss="hinge",
            alpha=1.0 / (est.C * max(n, 1)),
            max_iter=est.max_iter,
            tol=None,
            average=True,
            class_weight=weights,
            random_state=est.random_state,
            n_jobs=2,
        )
    return LogisticRegression(
        C=est.C,
        class_weight=weights,
        max_iter=1000,
    )


def fit_group_head(
    est: CodeClassifier,
    F: sp.csr_matrix,
    Yg: np.ndarray,
    idx: list[int],
    rows: list,
    intercepts: list,
    group: Sequence[str],
    *,
    links: Links | None = None,
) -> dict[str, Any]:
    """Fit one exclusive theme's head: a multiclass model, its temperature and offsets, its
    kappa decision offsets and sequence decoding from held-out predictions."""
    many = np.flatnonzero(Yg.sum(axis=1) > 1)
    if len(many):
        msg = (
            f"{len(many)} training turn(s) have more than one code of the exclusive theme "
            f"({', '.join(group)}), e.g. sample {int(many[0])}"
        )
        raise QualcodeError(msg)
    labels = np.where(Yg.sum(axis=1) == 1, Yg.argmax(axis=1), NONE)
    present = sorted(set(labels.tolist()))
    head: dict[str, Any] = {
        "kind": "group",
        "codes": [idx[c] if c != NONE else NONE for c in present],
        "n_pos": [int(np.sum(labels == c)) for c in present],
    }
    if len(present) == 1:
        head.update(
            rows=[],
            constant=present[0] if present[0] == NONE else idx[present[0]],
            temperature=1.0,
            bias=[],
            decision_bias=[],
        )
        return head
    to_class = {c: k for k, c in enumerate(present)}
    target = np.array([to_class[v] for v in labels])
    n = len(target)
    counts = np.bincount(target)
    m = None
    held_scores: np.ndarray | None = None
    held_target = target
    held = np.ones(n, dtype=bool)  # the rows of held_scores
    all_scores = None  # every row's, for sequence decoding (held rows' held-out)
    if est.solver_ == "sgd" or n > 5000:
        # calibration and decision offsets from a held-out 10% slice; the SGD solver (large
        # data) keeps the model fitted on the other 90%, the others refit on everything
        rng = np.random.default_rng(est.random_state)
        held = rng.random(n) < 0.1
        if held.any() and (~held).any() and len(set(target[~held])) == len(present):
            m90 = multi_model(est, int((~held).sum()), target[~held])
            m90.fit(F[~held], target[~held])
            if links is not None and links.n_pairs:
                all_scores = decision_scores(m90, F)
                held_scores = all_scores[held]
            else:
                held_scores = decision_scores(m90, F[held])
            held_target = target[held]
            if est.solver_ == "sgd":
                m = m90
    elif counts.min() >= 2:
        k = min(est.cv, int(counts.min()))
        oof = np.zeros((n, len(present)))
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=est.random_state)
        for tr, te in splits.split(np.zeros(n), target):
            fold_model = multi_model(est, len(tr), target[tr]).fit(F[tr], target[tr])
            oof[np.ix_(te, fold_model.classes_)] = decision_scores(fold_model, F[te])
        held_scores = all_scores = oof
    temperature, bias = 1.0, np.zeros(len(present))
    decision_bias = np.zeros(len(present))
    sequence = None
    if held_scores is not None:
        temperature, bias = fit_scaling(held_scores, held_target)
        kappa = est.decision == "kappa"
        if kappa:
            log_p = log_softmax(held_scores / temperature + bias)
            decision_bias = kappa_biases(log_p, held_target, min_count=MIN_OFFSET_EXAMPLES)
        if links is not None and all_scores is not None:
            sequence = fit_sequence(
                log_softmax(all_scores / temperature + bias),
                target,
                held,
                links,
                group,
                kappa=kappa,
                random_state=est.random_state,
            )
    if m is None:
        m = multi_model(est, n, target).fit(F, target)
    W = m.coef_ if len(present) > 2 else np.vstack([-m.coef_[0] / 2, m.coef_[0] / 2])
    c0 = m.intercept_ if len(present) > 2 else np.r_[-m.intercept_[0] / 2, m.intercept_[0] / 2]
    head["rows"] = list(range(len(rows), len(rows) + len(present)))
    head.update(
        constant=None,
        temperature=temperature,
        bias=bias.tolist(),
        decision_bias=decision_bias.tolist(),
        sequence=sequence.to_dict() if sequence is not None else None,
    )
    rows.extend(np.asarray(W))
    intercepts.extend(float(v) for v in c0)
    return head


def decision_scores(m: Any, F: sp.csr_matrix) -> np.ndarray:
    """Decision scores of a fitted linear model, two columns for a two-class one."""
    s = m.decision_function(F)
    if s.ndim == 1:
        s = np.c_[-s / 2, s / 2]
    return np.asarray(s)


def proba_from_scores(est: CodeClassifier, F: sp.csr_matrix, S: np.ndarray | None) -> np.ndarray:
    """Probabilities of every code from the linear scores ``S`` of the rows of ``F``."""
    P = np.zeros((F.shape[0], len(est.classes_)))
    for head in est.heads_:
        if head["kind"] == "binary":
            j = head["code"]
            if head["constant"] is not None:
                P[:, j] = head["constant"]
            else:
                assert S is not None
                P[:, j] = sigmoid(head["a"] * S[:, head["row"]] + head["b"])
        else:
            codes = head["codes"]
            if head["constant"] is not None:
                if head["constant"] != NONE:
                    P[:, head["constant"]] = 1.0
                continue
            assert S is not None
            z = S[:, head["rows"]] / head["temperature"] + np.asarray(head["bias"])
            probs = softmax(z)
            for k, j in enumerate(codes):
                if j != NONE:
                    P[:, j] = probs[:, k]
    return P


def decide(est: CodeClassifier, P: np.ndarray, links: Links | None = None) -> np.ndarray:
    """0/1 decisions from the probabilities of :meth:`CodeClassifier.predict_proba` (as
    :func:`decide_scores`; an exclusive theme's code maximises ``p * exp(decision
    offset)``, or with ``links`` its sequence-decoding weight)."""
    D = np.zeros(P.shape, dtype=np.int8)
    for head in est.heads_:
        if head["kind"] == "binary":
            j = head["code"]
            D[:, j] = P[:, j] >= head["threshold"]
            continue
        all_codes = head["codes"]
        if not [j for j in all_codes if j != NONE]:
            continue
        best = np.asarray(all_codes)[group_weights(est, head, P, links).argmax(axis=1)]
        pick = best != NONE
        D[np.flatnonzero(pick), best[pick]] = 1
    return D


def group_weights(
    est: CodeClassifier, head: dict[str, Any], P: np.ndarray, links: Links | None = None
) -> np.ndarray:
    """What an exclusive theme's decision compares: ``p * exp(decision offset)`` per code,
    columns in ``head["codes"]`` order ("none of these" = 1 - the others), rows summing
    to 1. The code with the largest weight is the decision; the gap between the two
    largest says how close the decision is (:func:`qualcode.coding.suggest.suggest_turns`).
    """
    all_codes = head["codes"]
    Pg = np.clip(P[:, [max(j, 0) for j in all_codes]], 0.0, None)
    if NONE in all_codes:
        none = all_codes.index(NONE)
        Pg[:, none] = np.clip(1.0 - (Pg.sum(axis=1) - Pg[:, none]), 0.0, None)
    offsets = np.asarray(head.get("decision_bias") or np.zeros(len(all_codes)), dtype=float)
    if offsets.any():  # argmax(log p + offset) = argmax(p * exp(offset))
        Pg = Pg * np.exp(offsets)
    sequence = sequence_of(est, head)
    if sequence is not None and links is not None:
        Pg = sequence.weights(np.log(np.clip(Pg, 1e-300, None)), links).astype(float)
    total = Pg.sum(axis=1, keepdims=True)
    return np.divide(Pg, total, out=np.full_like(Pg, 1.0 / Pg.shape[1]), where=total > 0)


def decide_scores(
    est: CodeClassifier, S: np.ndarray | None, n: int, links: Links | None = None
) -> np.ndarray:
    """0/1 decisions from the linear scores ``S``: a binary code where its calibrated
    probability reaches its threshold; an exclusive theme's code by the argmax of
    ``S / T + calibration offset + decision offset`` = log-probability + decision offset
    (the "none of these" class is a row of its own)."""
    D = np.zeros((n, len(est.classes_)), dtype=np.int8)
    for head in est.heads_:
        if head["kind"] == "binary":
            j = head["code"]
            if head["constant"] is not None:
                D[:, j] = head["constant"] >= head["threshold"]
            else:
                assert S is not None
                p = sigmoid(head["a"] * S[:, head["row"]] + head["b"])
                D[:, j] = p >= head["threshold"]
        elif head["constant"] is not None:
            if head["constant"] != NONE:
                D[:, head["constant"]] = 1
        else:
            assert S is not None
            offsets = np.asarray(head["bias"]) + np.asarray(head["decision_bias"])
            z = S[:, head["rows"]] / head["temperature"] + offsets
            sequence = sequence_of(est, head)
            if sequence is not None and links is not None:
                z = sequence.weights(z, links)
            best = np.asarray(head["codes"])[z.argmax(axis=1)]
            pick = best != NONE
            D[np.flatnonzero(pick), best[pick]] = 1
    return D


def sequence_of(est: CodeClassifier, head: dict[str, Any]) -> SequenceModel | None:
    """The sequence decoding of an exclusive theme's head (None without), read once per head."""
    data = head.get("sequence")
    if not data:
        return None
    cache = est.__dict__.setdefault("_sequences", {})
    key = id(data)
    if key not in cache or cache[key][0] is not data:
        cache[key] = (data, SequenceModel.from_dict(data))
    return cache[key][1]


def weight_rows(heads: list[dict[str, Any]], n_codes: int) -> np.ndarray:
    """The row of the weights (``coef_``) of each code, -1 for a code its head gives as a
    constant."""
    row_of: dict[int, int] = {}
    for head in heads:
        if head["kind"] == "binary" and head["constant"] is None:
            row_of[head["code"]] = head["row"]
        elif head["kind"] == "group" and head["constant"] is None:
            for j, r in zip(head["codes"], head["rows"], strict=True):
                if j != NONE:
                    row_of[j] = r
    return np.array([row_of.get(int(j), -1) for j in range(n_codes)], dtype=np.int64)
