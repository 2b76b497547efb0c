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


def _alpha_from_counts(counts: np.ndarray) -> float:
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    if counts.size == 0:
        return float("nan")
    weighted = counts / (m - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=0)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * observed / expected)


def _pa_from_counts(counts: np.ndarray) -> float:
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return float("nan")
    counts, m = counts[keep], m[keep]
    agreeing = (counts * (counts - 1)).sum(axis=1)
    return float(np.mean(agreeing / (m * (m - 1))))


def _kappa_pair(a: Sequence[Any], b: Sequence[Any]) -> tuple[float, int]:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return float("nan"), 0
    left = pd.Series([p[0] for p in pairs], dtype=object)
    right = pd.Series([p[1] for p in pairs], dtype=object)
    po = float((left == right).mean())
    pl = left.value_counts(normalize=True)
    pr = right.value_counts(normalize=True)
    pe = float(sum(pl.get(c, 0.0) * pr.get(c, 0.0) for c in set(pl.index) | set(pr.index)))
    if pe >= 1.0:
        return float("nan"), len(pairs)
    return (po - pe) / (1.0 - pe), len(pairs)


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
    alpha = _alpha_from_counts(_category_counts(_as_matrix(data)))
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
    pa = _pa_from_counts(_category_counts(_as_matrix(data)))
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
def _codes_of(codings: pd.DataFrame, codebook: Codebook | None) -> list[str]:
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
    all_coders = list(dict.fromkeys(codings[CODER].tolist()))
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
    codings = codings[codings[CODER].isin(coders)]
    codes = _codes_of(codings, codebook)
    if turns is not None:
        if not all_speakers and ROLE in turns.columns:
            coded = set(codings[TURN_ID])
            turns = turns[(turns[ROLE] == PARTICIPANT) | turns[TURN_ID].isin(coded)]
        units = turns[TURN_ID].astype(str).tolist()
        unknown = sorted(set(codings[TURN_ID]) - set(units))
        if unknown:
            msg = (
                f"{len(unknown)} coded turn id(s) are not in the turns table: "
                f"{', '.join(map(repr, unknown[:10]))}"
            )
            raise CodingsError(msg)
    else:
        if seen == "interview":
            msg = "seen='interview' needs the turns table (which turns belong to which interview)"
            raise QualcodeError(msg)
        units = list(dict.fromkeys(codings[TURN_ID].tolist()))
    unit_idx = {u: i for i, u in enumerate(units)}
    code_idx = {c: i for i, c in enumerate(codes)}
    data = np.zeros((len(coders), len(units), len(codes)))
    if seen == "interview" and turns is not None:
        interview_of = dict(zip(turns[TURN_ID].astype(str), turns[INTERVIEW], strict=True))
        unit_interviews = np.array([interview_of[u] for u in units], dtype=object)
        for k, coder in enumerate(coders):
            done = {interview_of[t] for t in codings.loc[codings[CODER] == coder, TURN_ID]}
            data[k, ~np.isin(unit_interviews, list(done)), :] = np.nan
    elif seen not in ("all", "interview"):
        msg = f"seen must be 'all' or 'interview', got {seen!r}"
        raise QualcodeError(msg)
    coder_idx = {c: i for i, c in enumerate(coders)}
    for coder, turn, code in zip(codings[CODER], codings[TURN_ID], codings[CODE], strict=True):
        data[coder_idx[coder], unit_idx[turn], code_idx[code]] = 1.0
    return data, coders, units, codes


def _to_values(arr: np.ndarray) -> np.ndarray:
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = None if np.isnan(v) else int(v)
    return out


def _stats(matrix: np.ndarray) -> dict[str, Any]:
    """Statistics for a coders x units 0/1/NaN array, without warnings."""
    values = _to_values(matrix)
    counts = _category_counts(values)
    both = ~np.isnan(matrix).any(axis=0)
    kappas = [
        _kappa_pair(list(values[i]), list(values[j]))[0]
        for i, j in itertools.combinations(range(matrix.shape[0]), 2)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        kappa = float(np.nanmean(kappas)) if not np.all(np.isnan(kappas)) else float("nan")
    return {
        "n_units": int(both.sum()),
        "n_coded": int(np.nansum(matrix)),
        "percent_agreement": _pa_from_counts(counts),
        "kappa": kappa,
        "alpha": _alpha_from_counts(counts),
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
        row = {CODE: code, **_stats(data[:, :, j])}
        if np.isnan(float(row["kappa"])) or np.isnan(float(row["alpha"])):
            reason = "no coder used it" if row["n_coded"] == 0 else "no variation"
            _undefined(f"code {code!r}: {reason}; kappa and alpha are undefined (NaN)")
        rows.append(row)
    pooled = data.reshape(data.shape[0], -1)
    rows.append({CODE: OVERALL, **_stats(pooled)})
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
            stats = _stats(block[[a, b]])
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
    rows = []
    for u, unit in enumerate(units):
        for j, code in enumerate(codes):
            values = data[:, u, j]
            yes = [names[k] for k in range(len(names)) if values[k] == 1]
            no = [names[k] for k in range(len(names)) if values[k] == 0]
            if yes and no:
                rows.append(
                    {
                        TURN_ID: unit,
                        CODE: code,
                        "coded_by": "; ".join(yes),
                        "not_coded_by": "; ".join(no),
                    }
                )
    table = pd.DataFrame(rows, columns=[TURN_ID, CODE, "coded_by", "not_coded_by"])
    info = turns[[TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT]].copy()
    info[TURN_ID] = info[TURN_ID].astype(str)
    out = table.merge(info, on=TURN_ID, how="left")
    cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, TEXT, CODE, "coded_by", "not_coded_by"]
    return out[cols].reset_index(drop=True)
