"""Active learning: which uncoded turns would teach the model most.

:func:`suggest_turns` lists the most uncertain uncoded turns, picked with maximal marginal
relevance on tf-idf cosine similarity so the list covers different kinds of turns. (Coding
turns is :mod:`qualcode.coding.job`; training a model, :mod:`qualcode.coding.training`.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.human import Seen, labelled_mask
from qualcode.coding.training import role_mask, train_model
from qualcode.errors import QualcodeError
from qualcode.schema import EVIDENCE_SEP, INTERVIEW, POSITION, SPEAKER, TEXT, TURN_ID

if TYPE_CHECKING:
    from qualcode.coding.classifier import CodeClassifier
    from qualcode.coding.sequence import Links

__all__ = ["NEAR_DUPLICATE", "suggest_turns"]

log = logging.getLogger(__name__)

#: cosine similarity from which a turn counts as a near-copy of another in suggestions
NEAR_DUPLICATE = 0.9


def _uncertainty(model: CodeClassifier, P: np.ndarray, links: Links | None = None) -> np.ndarray:
    """1 for a coin toss, 0 for certainty; the most uncertain decision of a turn counts
    (``links``: between the rows of ``P``, for a model with sequence decoding)."""
    from qualcode.coding.heads import group_weights

    parts = []
    for head in model.heads_:
        if head["constant"] is not None:
            continue
        if head["kind"] == "binary":
            j, t = head["code"], head["threshold"]
            p = P[:, j]
            parts.append(1.0 - np.abs(p - t) / np.where(p >= t, 1.0 - t, t))
        else:
            # the gap between the two codes the decision compares (after its per-code offsets)
            group = group_weights(model, head, P, links)
            if group.shape[1] < 2:
                continue
            top2 = -np.sort(-group, axis=1)[:, :2]
            parts.append(1.0 - (top2[:, 0] - top2[:, 1]))
    if not parts:
        return np.ones(P.shape[0])
    return np.clip(np.max(np.vstack(parts), axis=0), 0.0, 1.0)


def suggest_turns(
    turns: pd.DataFrame,
    codings: pd.DataFrame | None,
    *,
    codebook: Codebook | None = None,
    exclusive: bool = False,
    n: int = 10,
    diversity: float = 0.3,
    seen: Seen = "interview",
    all_speakers: bool = False,
    random_state: int = 0,
) -> pd.DataFrame:
    """List the uncoded turns whose coding would teach the model most.

    A model is trained on the coded turns (and example quotes); each uncoded turn gets an
    uncertainty (how close its least certain decision is to the threshold, or how close the two
    best codes of an exclusive theme are). Turns are then picked greedily by maximal marginal
    relevance: ``(1 - diversity) * uncertainty - diversity * max cosine similarity`` (tf-idf of
    words) to the turns already picked; near-copies of a listed turn (similarity of at least
    :data:`NEAR_DUPLICATE`) come only when nothing else is left. With nothing to
    learn from yet, uncertainty is 1 everywhere and the list is simply diverse.

    Parameters
    ----------
    turns, codings, codebook, exclusive, seen, all_speakers
        As for :func:`train_model`; candidates are the unlabelled turns (per ``seen``) of the
        roles coded.
    n : int, default 10
        How many turns to list.
    diversity : float in [0, 1], default 0.3
        Weight of the similarity penalty.

    Returns
    -------
    DataFrame
        Columns ``rank``, ``turn_id``, ``interview``, ``position``, ``speaker``, ``text``,
        ``uncertainty`` and ``guess`` (codes the current model would give, ``"; "``-joined).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qualcode.coding.heads import decide
    from qualcode.coding.inputs import turn_context

    if not 0.0 <= diversity <= 1.0:
        msg = f"diversity must be between 0 and 1, got {diversity}"
        raise QualcodeError(msg)
    role = role_mask(turns, all_speakers)
    labelled = (
        labelled_mask(turns, codings, seen=seen)
        if codings is not None and not codings.empty
        else np.zeros(len(turns), dtype=bool)
    )
    candidates = np.flatnonzero(role & ~labelled)
    columns = ["rank", TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, "uncertainty", "guess"]
    if len(candidates) == 0 or n <= 0:
        return pd.DataFrame(columns=columns)
    X = turn_context(turns).iloc[candidates].reset_index(drop=True)
    guess = [""] * len(candidates)
    try:
        model = train_model(
            turns,
            codings,
            codebook=codebook,
            exclusive=exclusive,
            seen=seen,
            all_speakers=all_speakers,
            random_state=random_state,
        )
    except QualcodeError as err:
        if codings is not None and not codings.empty:
            raise
        log.info("no model yet (%s): listing diverse turns", err)
        uncertainty = np.ones(len(candidates))
    else:
        P = model.predict_proba(X)
        links = model.links(X)
        uncertainty = _uncertainty(model, P, links)
        D = decide(model, P, links)
        guess = [EVIDENCE_SEP.join(model.classes_[np.flatnonzero(row)]) for row in D]
    texts = X[TEXT].tolist()
    try:
        V = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
        sim = (V @ V.T).toarray()
    except ValueError:  # no words at all
        sim = np.zeros((len(texts), len(texts)))
    rng = np.random.default_rng(random_state)
    tiebreak = rng.random(len(candidates)) * 1e-9
    chosen: list[int] = []
    max_sim = np.zeros(len(candidates))
    available = np.ones(len(candidates), dtype=bool)
    for _ in range(min(n, len(candidates))):
        score = (1 - diversity) * uncertainty - diversity * max_sim + tiebreak
        score[~available] = -np.inf
        fresh = available & (max_sim < NEAR_DUPLICATE)
        if fresh.any():  # a near-copy of a listed turn would teach nothing new
            score[~fresh] = -np.inf
        k = int(np.argmax(score))
        chosen.append(k)
        available[k] = False
        max_sim = np.maximum(max_sim, sim[k])
    rows = turns.iloc[candidates[chosen]]
    out = pd.DataFrame(
        {
            "rank": range(1, len(chosen) + 1),
            TURN_ID: rows[TURN_ID].to_numpy(),
            INTERVIEW: rows[INTERVIEW].to_numpy(),
            POSITION: rows[POSITION].to_numpy(),
            SPEAKER: rows[SPEAKER].to_numpy(),
            TEXT: rows[TEXT].to_numpy(),
            "uncertainty": uncertainty[chosen],
            "guess": [guess[k] for k in chosen],
        }
    )
    return out[columns]
