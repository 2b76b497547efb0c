"""A per-interview overview of a turns table (what ``qualcode parse`` prints)."""

from __future__ import annotations

import pandas as pd

from qualcode import schema


def summarize_turns(turns: pd.DataFrame) -> pd.DataFrame:
    """Summarise a turns table per interview.

    Parameters
    ----------
    turns : DataFrame
        A turns table.

    Returns
    -------
    DataFrame
        One row per interview, in order of appearance, with columns ``interview``, ``source``,
        ``turns`` (number of turns) and ``speakers`` (``label (role)`` in order of first turn,
        joined with ``, ``).

    Examples
    --------
    >>> from qualcode.transcripts import parse_transcript
    >>> summary = summarize_turns(parse_transcript("Q: Why?\\nA: Because."))
    >>> summary.loc[0, "speakers"]
    'Q (interviewer), A (participant)'
    """
    rows = []
    for interview, g in turns.groupby(schema.INTERVIEW, sort=False):
        pairs = dict.fromkeys(
            zip(g[schema.SPEAKER].astype(str), g[schema.ROLE].astype(str), strict=True)
        )
        rows.append(
            {
                "interview": str(interview),
                "source": ", ".join(dict.fromkeys(g[schema.SOURCE].dropna().astype(str))),
                "turns": len(g),
                "speakers": ", ".join(f"{sp} ({role})" for sp, role in pairs),
            }
        )
    return pd.DataFrame(rows, columns=["interview", "source", "turns", "speakers"])
