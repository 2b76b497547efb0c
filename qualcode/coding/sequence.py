"""Codes of neighbouring turns: decoding an exclusive theme along the conversation.

A question is followed by an answer, an opinion by agreement, a backchannel by more of what the
other speaker was saying. The classifier's features already hold the neighbours' *texts*; this
module adds what their *codes* say. Training counts which code follows which, apart for a
change of speaker and for the same speaker going on (the transition table); prediction then
scores each turn's codes by its own probabilities times the messages of the turns before and
after it::

    weight(t, y) = q_t(y)
                   * sum_y' q_{t-1}(y') T[c_t](y', y) ** w       (message from the turn before)
                   * sum_y'' T[c_{t+1}](y, y'') ** w q_{t+1}(y'')  (message from the turn after)

where ``q`` is the classifier's belief (its probabilities divided by the code frequencies to
the power ``a`` so the frequencies are not counted twice: the transitions hold them as well)
and ``c`` says whether the speaker changed. The classifier's belief includes its decision
offsets (kappa): a neighbour's belief is what the classifier would decide for it. This is the
sum-product over a window of three turns, all turns at once (a few small matrix products, no
loop over turns). ``w`` and ``a`` are chosen on held-out predictions; ``w = 0`` is no sequence.

Turns are linked only when both are in the input, in the same interview, in position order and
the later one's ``context`` is the earlier one's text (so a subset of turns never links turns
that were not neighbours).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from qualcode.kappa import kappa_from_agreement

__all__ = [
    "Links",
    "SequenceModel",
    "choose_sequence",
    "class_frequencies",
    "find_links",
    "transition_table",
]

#: candidate transition strengths ``w`` and frequency corrections ``a`` (``w = 0``: off)
WEIGHTS = (0.0, 0.15, 0.3, 0.45, 0.6)
PRIOR_WEIGHTS = (0.0, 0.15, 0.3, 0.45)

#: fewer linked held-out pairs than this: no sequence decoding (the choice would be noise)
MIN_HELD_PAIRS = 100

#: a choice must beat no sequence by this much held-out kappa
MIN_GAIN = 0.002


@dataclass(frozen=True)
class Links:
    """Which row comes right before each row: ``prev[i]`` (-1: none in the input) and
    ``change[i]`` (1 if the speaker changed from that turn, else 0)."""

    prev: np.ndarray
    change: np.ndarray

    @property
    def n_pairs(self) -> int:
        return int(np.sum(self.prev >= 0))

    def message_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """For each row, the row of its neighbour's message in :func:`decode`'s message tables
        (``2 * neighbour + speaker change``; ``2 * n``, a row of ones, for no neighbour): from
        the turn before and from the turn after."""
        n = len(self.prev)
        has = self.prev >= 0
        prev_key = np.where(has, 2 * self.prev + self.change, 2 * n)
        next_key = np.full(n, 2 * n, dtype=np.int64)
        b = np.flatnonzero(has)
        next_key[self.prev[b]] = 2 * b + self.change[b]
        return prev_key, next_key

    def subset(self, rows: np.ndarray) -> Links:
        """The links among ``rows`` only, renumbered to positions in ``rows``."""
        where = np.full(len(self.prev), -1, dtype=np.int64)
        where[rows] = np.arange(len(rows))
        p = self.prev[rows]
        prev = np.where(p >= 0, where[np.maximum(p, 0)], -1)
        return Links(prev, self.change[rows])


def find_links(
    interview: np.ndarray,
    position: np.ndarray,
    texts: list[str],
    before: list[str],
    before_change: np.ndarray,
) -> Links:
    """Link each row to the row of the turn right before it.

    ``interview`` holds integer ids (-1: unknown), ``position`` the turn positions; ``before``
    and ``before_change`` are the ``context`` and ``speaker_change`` columns. A row is linked to
    the previous row of its interview in position order when that row's text is its context
    and it has a speaker-change flag.
    """
    n = len(texts)
    prev = np.full(n, -1, dtype=np.int64)
    flag = np.asarray(before_change, dtype=float)
    change = np.nan_to_num(flag).astype(np.int8)
    known = np.flatnonzero((interview >= 0) & np.isfinite(position))
    if len(known) >= 2:
        order = known[np.lexsort((position[known], interview[known]))]
        a, b = order[:-1], order[1:]
        ok = (interview[a] == interview[b]) & (position[a] < position[b])
        ok &= np.isfinite(flag[b])
        a, b = a[ok], b[ok]
        text = np.asarray(texts, dtype=object)
        context = np.asarray(before, dtype=object)
        same = text[a] == context[b]
        prev[b[same]] = a[same]
    return Links(prev, change)


def class_frequencies(target: np.ndarray, k: int) -> np.ndarray:
    """Share of each of ``k`` classes in ``target``, add-one smoothed (no class has 0)."""
    freq = np.bincount(target, minlength=k).astype(float) + 1.0
    return freq / freq.sum()


def transition_table(target: np.ndarray, links: Links, k: int) -> np.ndarray:
    """``T[c, i, j]``: probability that a turn of class ``j`` follows one of class ``i``
    (``c`` = 1 after a change of speaker, 0 when the same speaker goes on), from the linked
    pairs of ``target``; each row is smoothed toward the class frequencies with the weight of
    ``k`` pairs, so rare or unseen rows fall back to the frequencies."""
    freq = class_frequencies(target, k)
    counts = np.zeros((2, k, k))
    b = np.flatnonzero(links.prev >= 0)
    np.add.at(counts, (links.change[b], target[links.prev[b]], target[b]), 1.0)
    counts += k * freq
    return counts / counts.sum(axis=2, keepdims=True)


@dataclass(frozen=True)
class SequenceModel:
    """Learned sequence decoding of one exclusive theme (``weight`` 0: off)."""

    weight: float
    prior_weight: float
    transitions: np.ndarray  # (2, k, k)
    log_prior: np.ndarray  # (k,)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight": self.weight,
            "prior_weight": self.prior_weight,
            "transitions": self.transitions.tolist(),
            "log_prior": self.log_prior.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SequenceModel:
        return cls(
            weight=float(data["weight"]),
            prior_weight=float(data["prior_weight"]),
            transitions=np.asarray(data["transitions"], dtype=float),
            log_prior=np.asarray(data["log_prior"], dtype=float),
        )

    def weights(self, log_q: np.ndarray, links: Links) -> np.ndarray:
        """Decoding weights (rows sum to 1) from the classifier's log-scores ``log_q`` (log
        probabilities plus decision offsets, up to a constant per row)."""
        corrected = log_q - self.prior_weight * self.log_prior
        return decode(corrected, links, self.transitions, self.weight, power=self._power)

    @property
    def _power(self) -> np.ndarray:
        cached = self.__dict__.get("_power_cache")
        if cached is None:
            cached = _stacked(self.transitions, self.weight)
            object.__setattr__(self, "_power_cache", cached)
        return cached


def decode(
    log_q: np.ndarray,
    links: Links,
    transitions: np.ndarray,
    weight: float,
    *,
    power: np.ndarray | None = None,
) -> np.ndarray:
    """Weights ``q_t * message from t-1 * message from t+1``, rows normalised (see the module
    docstring); ``log_q`` is up to a constant per row. ``power``: :func:`_stacked` if already
    computed. Single precision: the weights only rank codes."""
    z = np.asarray(log_q, dtype=np.float32)
    z = z - z.max(axis=1, keepdims=True)
    q = np.exp(z, out=z)
    q /= q.sum(axis=1, keepdims=True)
    if weight <= 0 or not links.n_pairs:
        return q
    if power is None:
        power = _stacked(transitions, weight)
    n, k = q.shape
    prev_key, next_key = links.message_keys()
    ones = np.ones((1, k), dtype=np.float32)  # the message of a missing neighbour
    # messages every row sends forward / backward under either speaker state, in two products;
    # row 2i + c of each is row i's message for speaker state c
    forward = np.concatenate([(q @ power[0]).reshape(2 * n, k), ones])
    backward = np.concatenate([(q @ power[1]).reshape(2 * n, k), ones])
    out = q * np.take(forward, prev_key, axis=0)  # from the turn before
    out *= np.take(backward, next_key, axis=0)  # from the turn after
    out /= out.sum(axis=1, keepdims=True)
    return out


def _stacked(transitions: np.ndarray, weight: float) -> np.ndarray:
    """``T ** w`` side by side for both speaker states, (2, k, 2k): ``[0]`` maps a belief to the
    messages it sends the next turn, ``[1]`` (transposed) to the previous turn."""
    power = (transitions**weight).astype(np.float32)
    return np.stack(
        [
            np.concatenate([power[0], power[1]], axis=1),
            np.concatenate([power[0].T, power[1].T], axis=1),
        ]
    )


def _kappa(true: np.ndarray, pred: np.ndarray, k: int) -> float:
    n = len(true)
    if n == 0:
        return 0.0
    agree = float(np.sum(true == pred)) / n
    pe = float(np.bincount(true, minlength=k) @ np.bincount(pred, minlength=k)) / (n * n)
    return float(kappa_from_agreement(agree, pe, undefined=0.0))


def choose_sequence(
    log_p: np.ndarray,
    target: np.ndarray,
    links: Links,
    transitions: np.ndarray,
    log_prior: np.ndarray,
    *,
    judge: np.ndarray,
    fit_offsets: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    random_state: int | None = None,
) -> tuple[float, float, float, float]:
    """Pick ``(weight, prior_weight)`` maximising Cohen's kappa on held-out rows.

    ``log_p`` are log-probabilities of all rows and ``target`` their classes; ``judge`` marks
    the held-out rows that judge (their ``log_p`` from a model that did not see them; their
    neighbours' may be), ``transitions`` were counted without them. ``fit_offsets``
    (scores, target) -> per-class offsets is the decision rule applied before decoding (the
    classifier's kappa offsets); it is cross-fitted, fitted on one random half of the judging
    rows and kappa measured on the other, both ways, so the plain decision is not favoured by
    offsets fitted to the very rows that judge it.

    Returns ``(weight, prior_weight, kappa without, kappa with)``; weight 0 when the judging
    rows have fewer than :data:`MIN_HELD_PAIRS` links or no candidate beats no sequence by
    :data:`MIN_GAIN`.
    """
    k = log_p.shape[1]
    # only the judging rows and their neighbours matter: decode those
    nxt = np.full(len(judge), -1, dtype=np.int64)
    has_prev = np.flatnonzero(links.prev >= 0)
    nxt[links.prev[has_prev]] = has_prev
    need = judge.copy()
    for other in (links.prev[judge], nxt[judge]):
        need[other[other >= 0]] = True
    keep = np.flatnonzero(need)
    log_p, target, links, judge = log_p[keep], target[keep], links.subset(keep), judge[keep]
    rows = np.flatnonzero(judge)
    half = np.random.default_rng(random_state).random(len(rows)) < 0.5
    folds = []  # (offsets, rows judged)
    for fit_half in (half, ~half):
        offsets = np.zeros(k)
        if fit_offsets is not None:
            offsets = fit_offsets(log_p[rows[fit_half]], target[rows[fit_half]])
        folds.append((offsets, rows[~fit_half]))

    def score(w: float, a: float) -> float:
        total = 0.0
        for offsets, judged in folds:
            z = log_p + offsets
            if w > 0:
                z = decode(z - a * log_prior, links, transitions, w)
            total += _kappa(target[judged], z[judged].argmax(axis=1), k)
        return total / len(folds)

    base = score(0.0, 0.0)
    linked = int(np.sum(links.prev[rows] >= 0))
    if linked < MIN_HELD_PAIRS:
        return 0.0, 0.0, base, base
    best = (base + MIN_GAIN, 0.0, 0.0)
    for w, a in product(WEIGHTS[1:], PRIOR_WEIGHTS):
        kap = score(w, a)
        if kap > best[0] + 1e-12:
            best = (kap, w, a)
    if best[1] == 0.0:
        return 0.0, 0.0, base, base
    return best[1], best[2], base, best[0]
