"""Interview titles as a reader knows them, for headings, captions, charts and quotes.

Readers name interviews after their file and the headings inside it, so an interview id is
``magnus_interviews/Narasumber 1``; a report calls it ``Narasumber 1``. :func:`interview_titles`
drops the file part of each id (keeping the whole id where two interviews would then share a
title) and takes a title set in a cases table's ``title`` column, or given by the caller, over
that. :func:`apply_titles` writes them into the tables a report is made from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.schema import INTERVIEW, TITLE

__all__ = ["TITLE", "apply_titles", "interview_titles"]


def _short(interview: str) -> str:
    return interview.rsplit("/", 1)[-1].strip() or interview


def interview_titles(
    interviews: Iterable[str],
    *,
    cases: pd.DataFrame | None = None,
    titles: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Return a readable title for each interview id.

    Parameters
    ----------
    interviews : iterable of str
        Interview ids (``turns["interview"]``).
    cases : DataFrame, optional
        A cases table; where it has ``interview`` and ``title`` columns, a row's title names
        its interview.
    titles : mapping of str to str, optional
        Titles by interview id; these win over the cases table's.

    Returns
    -------
    dict of str to str
        Interview id -> title, every title distinct.

    Raises
    ------
    QualcodeError
        If two interviews are given the same title.

    Examples
    --------
    >>> interview_titles(["magnus_interviews/Narasumber 1", "b/Narasumber 1", "c/Narasumber 2"])
    {'magnus_interviews/Narasumber 1': 'magnus_interviews/Narasumber 1', 'b/Narasumber 1': \
'b/Narasumber 1', 'c/Narasumber 2': 'Narasumber 2'}
    """
    ids = [str(i) for i in dict.fromkeys(interviews)]
    short = {i: _short(i) for i in ids}
    taken = Counter(short.values())
    out = {i: short[i] if taken[short[i]] == 1 else i for i in ids}
    given: dict[str, str] = {}
    if cases is not None and TITLE in cases.columns and INTERVIEW in cases.columns:
        for iv, title in zip(cases[INTERVIEW], cases[TITLE], strict=True):
            if pd.notna(iv) and pd.notna(title) and str(title).strip():
                given[str(iv)] = str(title).strip()
    given.update({str(k): str(v) for k, v in (titles or {}).items()})
    out.update({i: t for i, t in given.items() if i in out})
    seen: dict[str, str] = {}
    for iv, title in out.items():
        if title in seen:
            msg = (
                f"the interviews {seen[title]!r} and {iv!r} would both be titled {title!r}; "
                "give each interview its own title"
            )
            raise QualcodeError(msg)
        seen[title] = iv
    return out


def apply_titles(
    turns: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    *,
    titles: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return copies of ``turns`` and ``cases`` whose interviews are named by their titles.

    The ``title`` column of ``cases`` is used (see :func:`interview_titles`) and dropped, so
    that it is not counted as an attribute.

    Returns
    -------
    tuple of DataFrame
        ``turns`` and ``cases`` (``None`` if not given).
    """
    names = interview_titles(turns[INTERVIEW].astype("string").dropna(), cases=cases, titles=titles)
    turns = turns.copy()
    column = turns[INTERVIEW]
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = [names.get(str(c), str(c)) for c in column.cat.categories]
        if len(set(cats)) == len(cats):
            turns[INTERVIEW] = column.cat.rename_categories(cats)
        else:  # a category with no turns shares a title: rebuild
            turns[INTERVIEW] = column.astype("string").map(names).astype("category")
    else:
        turns[INTERVIEW] = column.map(lambda v: names.get(str(v), v) if pd.notna(v) else v)
    if cases is not None:
        cases = cases.drop(columns=[TITLE], errors="ignore")
        if INTERVIEW in cases.columns:
            cases[INTERVIEW] = cases[INTERVIEW].map(
                lambda v: names.get(str(v), v) if pd.notna(v) else v
            )
    return turns, cases
