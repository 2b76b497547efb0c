"""Code and theme frequencies: coded turns per code (or theme), overall or per group.

Counting unit is the turn: a turn coded twice with the same code (two sentences, two coders
pooled) counts once.
"""

from __future__ import annotations

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codingframe import (
    BASE_TURNS,
    CODE_LABEL,
    INTERVIEWS,
    INTERVIEWS_TOTAL,
    SHARE,
    SPEAKERS,
    SPEAKERS_TOTAL,
    THEME,
    THEME_LABEL,
    TURNS,
    Selection,
    base_turns,
    coded_pairs,
    default_roles,
    prepare,
    unique,
    with_meta,
)
from qualcode.errors import QualcodeError
from qualcode.schema import CODE, INTERVIEW, ROLE, SPEAKER, TURN_ID

__all__ = ["GROUPINGS", "code_frequencies", "code_interview_matrix", "theme_frequencies"]

#: the columns :func:`code_frequencies` can count by
GROUPINGS = (INTERVIEW, SPEAKER, ROLE)


def code_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    by: str | None = None,
    level: str = "code",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Count the turns coded with each code (or theme), overall or per group.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook, optional
        Order, labels and themes of the codes.
    by : {None, "interview", "speaker", "role"}
        Count per group instead of overall.
    level : {"code", "theme"}
        Count codes, or themes (a turn with any code of the theme counts once).
    coder : str or list of str, optional
        Count only these coders' codings (default: all coders, a turn counted once).
    min_score : float, optional
        Count only codings with at least this score.
    roles : str or list of str, optional
        Turns counted and used as the base of the shares. Default: participant turns
        (all roles when ``by="role"``).

    Returns
    -------
    DataFrame
        One row per code (or theme) and group, all codes listed (zeros included), in codebook
        order. Columns ``theme``, ``theme_label``, [``code``, ``code_label``], [the ``by``
        column], ``turns`` (coded turns), ``base_turns`` (turns of the group counted),
        ``share`` (turns / base_turns). Overall (``by=None``) also ``interviews`` and
        ``interviews_total`` (interviews in which the code appears, of all), ``speakers`` and
        ``speakers_total`` (likewise for speakers: "3 of 3 informants").

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["a", "b"], "interview": ["N1", "N2"],
    ...     "position": [1, 1], "speaker": ["N1", "N2"], "role": "participant",
    ...     "text": ["klien lama", "klien baru"]})
    >>> codings = pd.DataFrame({"turn_id": ["a", "b"], "code": ["retain", "acquire"]})
    >>> code_frequencies(turns, codings)[["code", "turns", "share", "interviews"]]
          code  turns  share  interviews
    0   retain      1    0.5           1
    1  acquire      1    0.5           1
    """
    if by is not None and by not in GROUPINGS:
        msg = f"cannot count by {by!r}; expected one of {', '.join(GROUPINGS)} or None"
        raise QualcodeError(msg)
    if level not in ("code", "theme"):
        msg = f"unknown level {level!r}; expected 'code' or 'theme'"
        raise QualcodeError(msg)
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    base = base_turns(frame.turns, default_roles(roles, by))
    pairs = coded_pairs(frame, base, level=level)
    units = frame.codes if level == "code" else frame.themes
    unit_col = CODE if level == "code" else THEME

    group_col = by if by is not None else "_all"
    base = base.assign(_all="all")
    groups = unique(base[group_col]) if len(base) else []
    base_counts = base.groupby(group_col, sort=False).size()
    keep = list(dict.fromkeys([TURN_ID, group_col, INTERVIEW, SPEAKER]))
    merged = pairs.merge(base[keep], on=TURN_ID)
    counts = merged.groupby([CODE, group_col], sort=False).size()
    index = pd.MultiIndex.from_product([units, groups], names=[unit_col, group_col])
    out = pd.DataFrame(index=index).reset_index()
    keys = list(zip(out[unit_col], out[group_col], strict=True))
    out[TURNS] = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    out[BASE_TURNS] = out[group_col].map(base_counts).astype("int64")
    out[SHARE] = (out[TURNS] / out[BASE_TURNS].where(out[BASE_TURNS] > 0)).astype("float64")
    if by is None:
        n_int = merged.groupby(CODE)[INTERVIEW].nunique()
        n_spk = merged.groupby(CODE)[SPEAKER].nunique()
        out[INTERVIEWS] = out[unit_col].map(n_int).fillna(0).astype("int64")
        out[INTERVIEWS_TOTAL] = int(base[INTERVIEW].nunique())
        out[SPEAKERS] = out[unit_col].map(n_spk).fillna(0).astype("int64")
        out[SPEAKERS_TOTAL] = int(base[SPEAKER].nunique())
        out = out.drop(columns=[group_col])
    else:
        out[group_col] = out[group_col].astype("string")
    if level == "code":
        out[CODE] = out[CODE].astype("string")
        out = with_meta(out, frame.meta)
    else:
        labels = frame.meta.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
        out[THEME] = out[THEME].astype("string")
        out.insert(1, THEME_LABEL, out[THEME].map(labels).astype("string"))
    return out.reset_index(drop=True)


def theme_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Count the turns coded with any code of each theme; see :func:`code_frequencies`."""
    return code_frequencies(turns, codings, codebook, level="theme", **kwargs)  # type: ignore[arg-type]


def code_interview_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    value: str = "turns",
    coder: Selection = None,
    min_score: float | None = None,
    roles: Selection = None,
) -> pd.DataFrame:
    """Tabulate codes (rows, codebook order) against interviews (columns, transcript order).

    Parameters
    ----------
    value : {"turns", "share"}
        Coded turns, or their share of the interview's (participant) turns.
    coder, min_score, roles
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        Index ``code`` (names), one column per interview; ``attrs["labels"]`` maps code names
        to labels.
    """
    if value not in (TURNS, SHARE):
        msg = f"unknown value {value!r}; expected 'turns' or 'share'"
        raise QualcodeError(msg)
    freq = code_frequencies(
        turns, codings, codebook, by=INTERVIEW, coder=coder, min_score=min_score, roles=roles
    )
    codes = unique(freq[CODE])
    interviews = unique(freq[INTERVIEW])
    matrix = freq.pivot(index=CODE, columns=INTERVIEW, values=value).reindex(
        index=codes, columns=interviews
    )
    matrix.columns.name = INTERVIEW
    matrix.index = pd.Index(codes, name=CODE, dtype="string")
    if value == TURNS:
        matrix = matrix.fillna(0).astype("int64")
    matrix.attrs["labels"] = dict(zip(freq[CODE], freq[CODE_LABEL], strict=True))
    return matrix
