"""Training a classifier on the turns a researcher coded (and the codebook's example quotes).

:func:`train_model` is what :class:`~qualcode.coding.job.CodingJob` (a hybrid or model job
without a model), ``qualcode train``, evaluation and active learning all fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.human import Seen, check_codings, labelled_mask
from qualcode.errors import QualcodeError
from qualcode.schema import CODE, PARTICIPANT, ROLE, TURN_ID

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier

# scikit-learn (through qualcode.coding.classifier) is imported when a model is trained, not by
# this module

__all__ = ["resolve_codebook", "role_mask", "train_model"]


def role_mask(turns: pd.DataFrame, all_speakers: bool) -> np.ndarray:
    """Which turns are coded: every one with ``all_speakers``, else the participants'."""
    if all_speakers:
        return np.ones(len(turns), dtype=bool)
    return (turns[ROLE].astype(str) == PARTICIPANT).to_numpy()


def resolve_codebook(
    codings: pd.DataFrame | None, codebook: Codebook | None, exclusive: bool
) -> Codebook:
    """The codebook given, else one of the codes found in ``codings``."""
    if codebook is not None:
        return codebook
    if codings is None or codings.empty:
        msg = "no codebook and no codings: nothing says which codes there are"
        raise QualcodeError(msg)
    return Codebook.from_code_names(list(dict.fromkeys(codings[CODE])), exclusive=exclusive)


def train_model(
    turns: pd.DataFrame,
    codings: pd.DataFrame | None,
    *,
    codebook: Codebook | None = None,
    exclusive: bool = False,
    seen: Seen = "interview",
    all_speakers: bool = False,
    **params: Any,
) -> CodeClassifier:
    """Fit a CodeClassifier on the coded turns of ``turns`` and the codebook's example quotes.

    Parameters
    ----------
    turns : DataFrame
        Turns table; the context (turn before, speaker change) is taken from it.
    codings : DataFrame or None
        Human codings of some of these turns (the coder column is ignored: codings are pooled).
    codebook : Codebook, optional
        Without it, the codes found in ``codings`` (independent, or one exclusive theme with
        ``exclusive``).
    seen : {"interview", "all", "coded"}
        Which turns are labelled (see :mod:`qualcode.coding.human`).
    all_speakers : bool, default False
        Learn from every role's turns; by default only participants' turns.
    **params
        Passed to :class:`CodeClassifier`.

    Returns
    -------
    CodeClassifier
        Fitted.
    """
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.coding.inputs import turn_context

    cb = resolve_codebook(codings, codebook, exclusive)
    X = turn_context(turns)
    if codings is not None and not codings.empty:
        check_codings(codings, turns=turns, codebook=cb)
        mask = labelled_mask(turns, codings, seen=seen) & role_mask(turns, all_speakers)
    else:
        mask = np.zeros(len(turns), dtype=bool)
    ids = turns[TURN_ID].astype(str).to_numpy()[mask]
    y = pd.DataFrame(0, index=range(int(mask.sum())), columns=list(cb.code_names))
    if codings is not None and mask.any():
        pos = {t: i for i, t in enumerate(ids)}
        for turn, code in zip(codings[TURN_ID], codings[CODE], strict=True):
            if turn in pos:
                y.at[pos[turn], code] = 1
    params.setdefault("random_state", 0)
    model = CodeClassifier(codebook=cb, **params)
    return model.fit(X.loc[mask].reset_index(drop=True), y)
