"""Agreement character by character: span-coded work compared as QualCoder, NVivo and MAXQDA do.

The units are the characters (code points) of the compared turns' text: every character of
those turns, coded or not, so the kappa is the standard Cohen's kappa over all characters (not
only over the characters someone coded, which leaves out the agreed "nothing applies" and
makes the figure incomparable between studies). A coding without a span covers its whole turn.

Which turns are compared and which a coder saw are decided as for turns
(:func:`qualcode.agreement.reliability_data`): the participants' turns and any turn someone
coded (every turn with ``all_speakers``), and with ``seen="interview"`` only the interviews a
coder coded in count as seen by that coder.

Nothing here loops over characters: each coder's codings are intervals of one long axis (code
x character), their starts and ends are sorted once, and a running sum tells who covers each
stretch between two boundaries. The statistics are :func:`qualcode.agreement.binary_stats` with
each stretch weighted by its length: the same kappa and alpha as for turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from qualcode.agreement import OVERALL, Seen, binary_stats, reliability_data
from qualcode.agreement.tables import (
    AGREEMENT_COLUMNS,
    code_agreement_rows,
    coder_names,
    with_turn_details,
)
from qualcode.codebook import Codebook
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    POSITION,
    SPAN_END,
    SPAN_START,
    SPEAKER,
    TEXT,
    TURN_ID,
    validate_codings,
)

__all__ = ["Stretches", "character_agreement", "character_disagreements", "character_segments"]


class Stretches(NamedTuple):
    """Stretches of characters on which no coder's decision changes (see
    :func:`character_segments`)."""

    values: np.ndarray  # (n_coders, n_stretches): 1 coded, 0 not, NaN not seen
    lengths: np.ndarray  # characters in each stretch
    code_of: np.ndarray  # index into codes
    unit_of: np.ndarray  # index into units (the turn the stretch starts in)
    coders: list[str]
    codes: list[str]
    units: list[str]


def character_segments(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> Stretches:
    """Return the stretches of characters on which no coder's decision changes.

    Returns
    -------
    Stretches
        ``values`` (coders x stretches: 1 coded, 0 seen and not coded, NaN not seen),
        ``lengths`` (characters), ``code_of`` and ``unit_of`` (indexes into ``codes`` and
        ``units``, the turns compared), ``coders``, ``codes``, ``units``.
    """
    codings = validate_codings(codings)
    data, names, units, codes = reliability_data(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )
    # one hash pass over the turn ids of the units, the turns table and the codings
    unit_ids = np.asarray(units, dtype=object)
    all_ids = turns[TURN_ID].astype(str).to_numpy(dtype=object)
    coder_all = pd.Index(names).get_indexer(pd.Index(codings[CODER].astype(str), dtype=object))
    mine = codings[coder_all >= 0]
    coded_ids = mine[TURN_ID].astype(str).to_numpy(dtype=object)
    ids, _ = pd.factorize(np.concatenate([unit_ids, all_ids, coded_ids]))
    unit_code = ids[: len(unit_ids)]
    turn_code = ids[len(unit_ids) : len(unit_ids) + len(all_ids)]
    coding_code = ids[len(unit_ids) + len(all_ids) :]
    text_length = np.zeros(int(ids.max(initial=-1)) + 1, dtype=np.int64)
    sizes = turns[TEXT].astype(str).str.len().to_numpy(dtype=np.int64)
    text_length[turn_code[::-1]] = sizes[::-1]  # the first row of a duplicated id
    lengths = text_length[unit_code]
    unit_of = np.full(len(text_length), -1, dtype=np.int64)
    unit_of[unit_code] = np.arange(len(unit_code))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    total = int(lengths.sum())
    n_codes, n_coders = len(codes), len(names)
    saw = ~np.isnan(data[:, :, 0]) if n_codes else np.ones((n_coders, len(units)), dtype=bool)

    unit_at = unit_of[coding_code]
    code_at = pd.Index(codes).get_indexer(pd.Index(mine[CODE].astype(str), dtype=object))
    coder_at = coder_all[coder_all >= 0]
    length = lengths[unit_at]
    lo = pd.to_numeric(mine[SPAN_START], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(mine[SPAN_END], errors="coerce").to_numpy(dtype=float)
    whole = np.isnan(lo) | np.isnan(hi)
    lo = np.where(whole, 0, np.clip(np.nan_to_num(lo), 0, length)).astype(np.int64)
    hi = np.where(whole, length, np.clip(np.nan_to_num(hi), 0, length)).astype(np.int64)
    keep = hi > lo
    base = code_at[keep] * total + starts[unit_at[keep]]
    span_pos = np.concatenate([base + lo[keep], base + hi[keep]])
    span_delta = np.zeros((len(span_pos), n_coders), dtype=np.int32)
    rows = np.arange(len(span_pos))
    who = np.concatenate([coder_at[keep], coder_at[keep]])
    span_delta[rows, who] = np.concatenate(
        [np.ones(int(keep.sum()), np.int32), -np.ones(int(keep.sum()), np.int32)]
    )
    # a stretch also starts wherever who saw the text changes (between interviews), in every
    # code's block
    change = np.flatnonzero(np.r_[True, (saw[:, 1:] != saw[:, :-1]).any(axis=0)])
    unit_pos = (np.arange(n_codes, dtype=np.int64)[:, None] * total + starts[None, change]).ravel()
    pos = np.concatenate([unit_pos, span_pos])
    delta = np.concatenate([np.zeros((len(unit_pos), n_coders), np.int32), span_delta])
    order = np.argsort(pos, kind="stable")
    pos, delta = pos[order], delta[order]
    cover = np.cumsum(delta, axis=0)
    ends = np.append(pos[1:], n_codes * total)
    size = ends - pos
    live = size > 0
    pos, cover, size = pos[live], cover[live], size[live]
    code_of = (pos // total).astype(np.int64) if total else np.zeros(0, np.int64)
    unit_of = np.searchsorted(starts, pos - code_of * total, side="right") - 1
    values = (cover.T > 0).astype(float)
    values[~saw[:, unit_of]] = np.nan
    return Stretches(values, size, code_of, unit_of, names, codes, units)


def character_agreement(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """Return agreement per code and overall with the character as the unit.

    Parameters
    ----------
    codings : DataFrame
        A codings table holding every coder; ``span_start``/``span_end`` (code points inside
        the turn text) mark what was coded, an empty span the whole turn.
    turns : DataFrame
        The turns table (the characters compared are its texts).
    codebook, coders, seen, all_speakers
        See :func:`qualcode.agreement.reliability_data`.

    Returns
    -------
    DataFrame
        The columns of :func:`qualcode.agreement.agreement_table`, counted in characters:
        ``code``, ``n_units`` (characters every coder saw), ``n_coded`` (characters coded,
        summed over coders), ``percent_agreement``, ``kappa`` (Cohen's over all characters of
        the compared turns; mean over coder pairs), ``alpha`` (Krippendorff's, nominal). The
        last row, ``(overall)``, pools the codes.

    Examples
    --------
    >>> turns = pd.DataFrame({"turn_id": ["t1", "t2"], "interview": "i", "position": [0, 1],
    ...                       "speaker": "R", "role": "participant",
    ...                       "text": ["abcdefghij", "klmnopqrst"]})
    >>> codings = pd.DataFrame({"turn_id": ["t1", "t1"], "code": "a", "coder": ["ann", "bob"],
    ...                         "span_start": [0, 2], "span_end": [4, 6]})
    >>> table = character_agreement(codings, turns=turns)
    >>> table.loc[0, ["n_units", "n_coded"]].tolist(), round(float(table.loc[0, "kappa"]), 3)
    ([20, 8], 0.375)
    """
    values, size, code_of, _, _, codes, _ = character_segments(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )

    def stats_of(j: int) -> dict[str, Any]:
        at = code_of == j
        return binary_stats(values[:, at], weights=size[at])

    rows = code_agreement_rows(codes, stats_of)
    rows.append({CODE: OVERALL, **binary_stats(values, weights=size)})
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def character_disagreements(
    codings: pd.DataFrame,
    *,
    turns: pd.DataFrame,
    codebook: Codebook | None = None,
    coders: Sequence[str] | None = None,
    seen: Seen = "all",
    all_speakers: bool = False,
) -> pd.DataFrame:
    """List the (turn, code) cells whose characters the coders coded differently.

    A turn both coders coded, but with different spans, is listed here (and not by
    :func:`qualcode.agreement.disagreements`, which compares whole turns).

    Returns
    -------
    DataFrame
        ``turn_id``, ``interview``, ``position``, ``speaker``, ``text``, ``code``,
        ``characters`` (characters coded by some of the coders who saw them, not all) and
        ``coded_by`` (the coders who coded any of those characters, joined by ``"; "``), in
        transcript order.
    """
    found = character_segments(
        codings, turns=turns, codebook=codebook, coders=coders, seen=seen, all_speakers=all_speakers
    )
    values = found.values
    seen_all = ~np.isnan(values).any(axis=0)
    ones = np.nan_to_num(values).sum(axis=0)
    differ = seen_all & (ones > 0) & (ones < values.shape[0])
    cell = found.unit_of[differ] * max(len(found.codes), 1) + found.code_of[differ]
    size = found.lengths[differ]
    bits = (
        np.nan_to_num(values[:, differ]).T.astype(np.int64) * 2 ** np.arange(len(found.coders))
    ).sum(axis=1)
    if not len(cell):
        cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, CODE, "characters", "coded_by"]
        return pd.DataFrame(columns=cols)
    cells, at = np.unique(cell, return_inverse=True)
    characters = np.bincount(at, weights=size).astype(np.int64)
    who = np.zeros(len(cells), dtype=np.int64)
    np.bitwise_or.at(who, at, bits)
    n_codes = max(len(found.codes), 1)
    table = pd.DataFrame(
        {
            TURN_ID: np.asarray(found.units, dtype=object)[cells // n_codes],
            CODE: np.asarray(found.codes, dtype=object)[cells % n_codes],
            "characters": characters,
            "coded_by": list(coder_names(who, found.coders)),
        }
    )
    columns = ["characters", "coded_by"]
    return with_turn_details(table, turns, columns, first_of_each_id=True)
