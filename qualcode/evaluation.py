"""Honest evaluation of machine coding against human coders.

Cross-validation is grouped by interview (turns of one interview never sit on both sides of a
split), because turns of one interview share a speaker, topic and wording; a fixed split trains
on one set of turns and scores on another. Rules need no training: their table is computed on
the labelled turns directly. Per code: prevalence, precision, recall, F1 and Cohen's kappa with
a bootstrap 95% interval; then micro (pooled decisions) and macro (mean over codes) rows.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from qualcode.agreement import kappa_interval
from qualcode.codebook import Codebook
from qualcode.coding.human import Seen, check_codings, codings_to_wide, labelled_mask
from qualcode.coding.job import METHODS, code_turns
from qualcode.coding.training import resolve_codebook, role_mask, train_model
from qualcode.errors import QualcodeError, QualcodeWarning
from qualcode.kappa import kappa_from_agreement
from qualcode.schema import CODE, INTERVIEW, TURN_ID

__all__ = ["MACRO", "MICRO", "FoldWarning", "assign_folds", "evaluate", "folds_used", "score_table"]

log = logging.getLogger(__name__)

MICRO = "(micro)"
MACRO = "(macro)"
SCORE_COLUMNS = [
    CODE,
    "n",
    "prevalence",
    "predicted",
    "precision",
    "recall",
    "f1",
    "kappa",
    "kappa_low",
    "kappa_high",
]


class FoldWarning(QualcodeWarning):
    """Fewer interviews than folds: the number of folds was reduced."""


def assign_folds(turns: pd.DataFrame, *, folds: int = 5) -> pd.Series:
    """Assign each turn to a cross-validation fold, whole interviews at a time (GroupKFold).

    Parameters
    ----------
    turns : DataFrame
        Turns table (``interview`` column).
    folds : int, default 5
        Reduced to the number of interviews, with a :class:`FoldWarning`, when there are fewer.

    Returns
    -------
    Series of int
        Fold number (0-based) per turn, aligned with ``turns``.

    Raises
    ------
    QualcodeError
        Fewer than two interviews: nothing to hold out.
    """
    from sklearn.model_selection import GroupKFold

    groups = turns[INTERVIEW].astype(str).to_numpy()
    n_groups = len(set(groups))
    if folds < 2:
        msg = f"folds must be at least 2, got {folds}"
        raise QualcodeError(msg)
    if n_groups < 2:
        msg = (
            f"cross-validation by interview needs at least 2 coded interviews, found {n_groups}; "
            "code another interview or give a fixed test set (--test-turns/--test-codings)"
        )
        raise QualcodeError(msg)
    if n_groups < folds:
        warnings.warn(
            f"only {n_groups} coded interviews: using {n_groups} folds instead of {folds}",
            FoldWarning,
            stacklevel=2,
        )
        folds = n_groups
    out = np.zeros(len(turns), dtype=int)
    for k, (_, test) in enumerate(GroupKFold(n_splits=folds).split(groups, groups=groups)):
        out[test] = k
    return pd.Series(out, index=turns.index, name="fold")


def score_table(
    gold: pd.DataFrame, pred: pd.DataFrame, *, n_boot: int = 1000, random_state: int = 0
) -> pd.DataFrame:
    """Score predicted 0/1 codes against the human ones.

    Parameters
    ----------
    gold, pred : DataFrame
        0/1 tables with the same index (turns) and columns (codes).

    Returns
    -------
    DataFrame
        One row per code, then ``(micro)`` and ``(macro)``; columns ``code``, ``n`` (turns),
        ``prevalence`` (share of turns the human coded), ``predicted`` (share predicted),
        ``precision``, ``recall``, ``f1``, ``kappa``, ``kappa_low``, ``kappa_high`` (bootstrap
        95% interval over turns). Undefined figures are NaN.
    """
    pred = pred.reindex(index=gold.index, columns=gold.columns, fill_value=0)
    rows = []
    for code in gold.columns:
        g = gold[code].to_numpy(dtype=int)
        p = pred[code].to_numpy(dtype=int)
        rows.append({CODE: code, **_scores(g, p, n_boot, random_state)})
    g_all = gold.to_numpy(dtype=int).ravel()
    p_all = pred.to_numpy(dtype=int).ravel()
    rows.append({CODE: MICRO, **_scores(g_all, p_all, n_boot, random_state)})
    rows[-1]["n"] = len(gold)
    per_code = pd.DataFrame(rows[:-1])
    macro: dict[str, Any] = {CODE: MACRO, "n": len(gold)}
    for col in SCORE_COLUMNS[2:]:
        vals = per_code[col].to_numpy(dtype=float) if len(per_code) else np.array([np.nan])
        macro[col] = float(np.nanmean(vals)) if not np.all(np.isnan(vals)) else float("nan")
    rows.append(macro)
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _scores(g: np.ndarray, p: np.ndarray, n_boot: int, seed: int) -> dict[str, Any]:
    tp = int(np.sum((g == 1) & (p == 1)))
    n_pred, n_true = int(p.sum()), int(g.sum())
    precision = tp / n_pred if n_pred else float("nan")
    recall = tp / n_true if n_true else float("nan")
    f1 = 2 * tp / (n_pred + n_true) if (n_pred + n_true) else float("nan")
    n = len(g)
    po = float(np.mean(g == p)) if n else float("nan")
    pe = (n_true / n) * (n_pred / n) + (1 - n_true / n) * (1 - n_pred / n) if n else 1.0
    kappa = float(kappa_from_agreement(po, pe))
    low, high = kappa_interval(g, p, n_boot=n_boot, random_state=seed) if n_boot else (np.nan,) * 2
    return {
        "n": n,
        "prevalence": n_true / n if n else float("nan"),
        "predicted": n_pred / n if n else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "kappa": kappa,
        "kappa_low": low,
        "kappa_high": high,
    }


def evaluate(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    exclusive: bool = False,
    method: str = "model",
    folds: int = 5,
    test_turns: pd.DataFrame | None = None,
    test_codings: pd.DataFrame | None = None,
    seen: Seen = "interview",
    all_speakers: bool = False,
    n_boot: int = 1000,
    random_state: int = 0,
    model_params: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Score rules, model or hybrid against human codings.

    Parameters
    ----------
    turns, codings : DataFrame
        Turns and the human codings of them (coders pooled).
    codebook : Codebook, optional
        Without it: the codes in ``codings``, independent or (``exclusive``) one exclusive theme.
    method : {"rules", "model", "hybrid"}, default "model"
    folds : int, default 5
        Cross-validation folds, grouped by interview (see :func:`assign_folds`).
    test_turns, test_codings : DataFrame, optional
        A fixed split: train on ``turns``/``codings``, score on these.
    seen : {"interview", "all", "coded"}
        Which turns are labelled (see :mod:`qualcode.coding.human`).
    all_speakers : bool, default False
        Score every role's turns, not only the participants'.
    n_boot : int, default 1000
        Bootstrap resamples for the kappa intervals.
    model_params : dict, optional
        Passed to :class:`~qualcode.coding.classifier.CodeClassifier`.

    Returns
    -------
    DataFrame
        See :func:`score_table`; ``attrs["folds"]`` holds the fold of each scored turn
        (a Series indexed by turn id; -1 for a fixed test set), ``attrs["method"]`` the method.
        :func:`qualcode.summarize_evaluation` shows it readably.
    """
    if method not in METHODS:
        msg = f"unknown method {method!r}; expected one of {', '.join(METHODS)}"
        raise QualcodeError(msg)
    if (test_turns is None) != (test_codings is None):
        msg = "a fixed split needs both the test turns and the test codings"
        raise QualcodeError(msg)
    cb = resolve_codebook(codings, codebook, exclusive)
    codes = list(cb.code_names)
    params = dict(model_params or {})
    params.setdefault("random_state", random_state)
    check_codings(codings, turns=turns, codebook=cb)

    def units(t: pd.DataFrame, c: pd.DataFrame) -> np.ndarray:
        return labelled_mask(t, c, seen=seen) & role_mask(t, all_speakers)

    def predict(train_t: pd.DataFrame, train_c: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
        if method == "rules":
            out = code_turns(target, codebook=cb, method="rules", all_speakers=all_speakers)
        else:
            model = train_model(
                train_t, train_c, codebook=cb, seen=seen, all_speakers=all_speakers, **params
            )
            out = code_turns(target, model=model, method=method, all_speakers=all_speakers)
        return codings_to_wide(out, turn_ids=target[TURN_ID].astype(str).tolist(), codes=codes)

    if test_turns is not None and test_codings is not None:
        check_codings(test_codings, turns=test_turns, codebook=cb)
        mask = units(test_turns, test_codings)
        ids = test_turns[TURN_ID].astype(str).to_numpy()[mask]
        gold = codings_to_wide(test_codings, turn_ids=ids, codes=codes)
        pred = predict(turns, codings, test_turns).loc[ids]
        fold_of = pd.Series(-1, index=ids, name="fold")
    else:
        mask = units(turns, codings)
        ids = turns[TURN_ID].astype(str).to_numpy()[mask]
        gold = codings_to_wide(codings, turn_ids=ids, codes=codes)
        if method == "rules":
            pred = predict(turns, codings, turns).loc[ids]
            fold_of = pd.Series(-1, index=ids, name="fold")
        else:
            # folds over the interviews that hold labelled turns; a held-out interview is coded
            # whole (its context intact) and the model never sees its codings
            coded = turns[turns[INTERVIEW].isin(set(turns.loc[mask, INTERVIEW]))]
            fold = assign_folds(coded, folds=folds)
            fold_of = pd.Series(fold.to_numpy(), index=coded[TURN_ID].astype(str), name="fold")
            parts = []
            from qualcode.progress import progress

            fold_ids = sorted(set(fold.tolist()))
            for k in progress(fold_ids, desc="cross-validation", unit="fold"):
                test = coded[fold.to_numpy() == k]
                held = set(test[TURN_ID].astype(str))
                train_c = codings[~codings[TURN_ID].isin(held)]
                train_t = turns[~turns[TURN_ID].astype(str).isin(held)]
                parts.append(predict(train_t, train_c, test))
                log.info("fold %d: %d turns held out", k, len(test))
            pred = pd.concat(parts).loc[ids]
            fold_of = fold_of.loc[ids]
    table = score_table(gold, pred, n_boot=n_boot, random_state=random_state)
    table.attrs["folds"] = fold_of
    table.attrs["method"] = method
    return table


def folds_used(scores: pd.DataFrame) -> int | None:
    """Return how many folds scored turns in a table of :func:`evaluate`.

    Parameters
    ----------
    scores : DataFrame
        A table returned by :func:`evaluate` (its ``attrs["folds"]``: the fold of each scored
        turn, -1 for none).

    Returns
    -------
    int or None
        The number of folds; None without cross-validation (a fixed split, or rules only).
    """
    used = scores.attrs.get("folds")
    if isinstance(used, pd.Series) and (used >= 0).any():
        return int(used[used >= 0].nunique())
    return None
