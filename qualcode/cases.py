"""Cases and their attributes: who (or which interview) the turns belong to.

A *cases table* has one row per (case, interview) or (case, speaker) pair:

``case``
    The case's name (a participant, say ``Juliana``).
``interview``, ``speaker``
    Join columns; a table has at least one of them and a row fills at least one. A row with
    both takes that speaker's turns in that interview; a row with the interview only takes the
    interview's *participant* turns (the interviewer is not the case); a row with the speaker
    only takes that speaker's turns in every interview.
any other column
    An attribute of the case (``gender``, ``seniority``, ``role``, ...), as text. Attribute
    names are free: they never become columns of the turns table. A blank cell means "not
    given"; a case's rows must not give two different values of one attribute.

:func:`read_cases` reads one from CSV/XLSX, :func:`validate_cases` checks a DataFrame,
:func:`case_of_turns` says which case each turn belongs to and :func:`case_attributes` gives one
row per case. The reports count codes per attribute value
(:func:`qualcode.reports.code_attribute_frequencies`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from qualcode.errors import QualcodeError, QualcodeWarning, TableError
from qualcode.schema import CASE, CASE_JOIN_COLUMNS, INTERVIEW, PARTICIPANT, ROLE, SPEAKER, TITLE
from qualcode.tables import read_table

#: the reserved columns, in the order a normalised cases table has them
CASE_COLUMNS: tuple[str, ...] = (CASE, *CASE_JOIN_COLUMNS)
#: where a table came from (``DataFrame.attrs`` key), so that later errors can name the file
SOURCE_ATTR = "source"
#: ``attrs`` key of the digest a checked cases table carries (:func:`validate_cases`)
CHECKED_ATTR = "checked"
#: what :func:`case_of_turns` does with a row that matches no turn
UNMATCHED = ("raise", "warn", "ignore")

_SHOWN = 5


def _source(df: pd.DataFrame, source: str | Path | None) -> str | Path | None:
    return source if source is not None else df.attrs.get(SOURCE_ATTR)


def _row(index: object) -> int:
    """The spreadsheet row of a table row (row 1 is the header)."""
    return int(index) + 2  # type: ignore[call-overload]


def _listed(values: list[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


def _strip(series: pd.Series) -> pd.Series:
    """Text with surrounding and repeated whitespace removed; blank -> missing."""
    text = series.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    return text.mask(text == "")


def _rename_reserved(df: pd.DataFrame, source: str | Path | None) -> pd.DataFrame:
    """Spell the reserved columns in lower case (``Case``, `` Speaker `` are accepted)."""
    names: list[str] = []
    for i, col in enumerate(df.columns):
        name = str(col).strip()
        if name == "" or name.startswith("Unnamed:"):
            msg = f"column {i + 1} has no name; every column needs a header in row 1"
            raise TableError(msg, path=source, line=1)
        names.append(name.lower() if name.lower() in CASE_COLUMNS else name)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            msg = (
                f"columns {seen[name] + 1} and {i + 1} are both named {name!r}; "
                "column names must be distinct"
            )
            raise TableError(msg, path=source, line=1)
        seen[name] = i
    out = df.reset_index(drop=True)  # row i is spreadsheet row i + 2, whatever the index
    out.columns = names
    return out


def attribute_names(cases: pd.DataFrame) -> list[str]:
    """Return the attribute columns of a cases table (all but case, interview, speaker).

    Examples
    --------
    >>> attribute_names(pd.DataFrame(columns=["case", "speaker", "gender", "role"]))
    ['gender', 'role']
    """
    return [str(c) for c in cases.columns if str(c) not in CASE_COLUMNS]


def select_attributes(cases: pd.DataFrame, attributes: str | Iterable[str] | None) -> list[str]:
    """Return the attributes asked for (default: all), checked against the cases table.

    Raises
    ------
    QualcodeError
        For an attribute the table does not have (the message lists those it has).

    Examples
    --------
    >>> select_attributes(pd.DataFrame(columns=["case", "speaker", "gender"]), None)
    ['gender']
    """
    names = attribute_names(cases)
    if attributes is None:
        return names
    chosen = [attributes] if isinstance(attributes, str) else [str(a) for a in attributes]
    unknown = [a for a in chosen if a not in names]
    if unknown:
        msg = (
            f"unknown case attribute(s) {', '.join(map(repr, unknown))}; the cases table has "
            f"{', '.join(map(repr, names)) or 'no attributes'}"
        )
        raise QualcodeError(msg)
    return chosen


def validate_cases(
    df: pd.DataFrame, *, source: str | Path | None = None, unlinked: bool = False
) -> pd.DataFrame:
    """Check a cases table and return it normalised.

    Parameters
    ----------
    df : DataFrame
        Column ``case``, one or both join columns ``interview`` / ``speaker``, and any number of
        attribute columns. Without a ``case`` column a table with one join column names each
        case after its join value (each speaker, or each interview, is a case).
    source : str or Path, optional
        The file the table came from, for messages (default: ``df.attrs["source"]``).
    unlinked : bool, default False
        Accept rows with neither interview nor speaker: cases not tied to any turns yet (a
        project keeps those that other tools' files hold, with their attributes).

    Returns
    -------
    DataFrame
        Columns ``case``, ``interview``, ``speaker`` (missing where a row does not join on it),
        then the attributes in their order; all text (whitespace normalised, blank cells
        missing). A blank attribute cell takes the value the case's other rows give.
        ``attrs["source"]`` keeps the file name.

    Raises
    ------
    TableError
        If there is no ``case`` column and no single join column to name the cases by, no join
        column, a row without a case or a join value, two rows for the same case and join
        values, one join given to two cases, or a case whose rows give an attribute two values.

    Examples
    --------
    >>> cases = pd.DataFrame({"case": ["Juliana", "Jimmy"], "speaker": ["N1", "N2"],
    ...     "gender": ["female", "male"]})
    >>> validate_cases(cases).columns.tolist()
    ['case', 'interview', 'speaker', 'gender']
    """
    src = _source(df, source)
    stamp = df.attrs.get(CHECKED_ATTR)
    if stamp is not None and stamp == _fingerprint(df):  # a table this function returned
        out = df.copy(deep=False)
        out.attrs[SOURCE_ATTR] = str(src) if src is not None else None
        return out
    out = _rename_reserved(df, src)
    joins = [c for c in CASE_JOIN_COLUMNS if c in out.columns]
    if not joins:
        msg = (
            f"no join column: the table has columns {_listed([str(c) for c in out.columns])}; "
            f"expected {INTERVIEW!r} and/or {SPEAKER!r} to say which turns belong to each case"
        )
        raise TableError(msg, path=src, line=1)
    if CASE not in out.columns:
        if len(joins) != 1:
            msg = (
                f"no {CASE!r} column; with both {INTERVIEW!r} and {SPEAKER!r} columns a "
                f"{CASE!r} column must name the case of each row"
            )
            raise TableError(msg, path=src, line=1)
        out.insert(0, CASE, out[joins[0]])
    for col in CASE_JOIN_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    attrs = attribute_names(out)
    out = out[[*CASE_COLUMNS, *attrs]]
    for col in out.columns:
        out[col] = _strip(out[col])

    if out.empty:
        msg = "the table has a header but no rows; expected one row per case and join"
        raise TableError(msg, path=src, line=2)
    no_case = out[CASE].isna()
    if no_case.any():
        first = out.index[no_case][0]
        msg = f"row {_row(first)} has no case name; every row needs a {CASE!r}"
        raise TableError(msg, path=src, line=_row(first))
    no_join = out[INTERVIEW].isna() & out[SPEAKER].isna()
    if no_join.any() and not unlinked:
        first = out.index[no_join][0]
        msg = (
            f"row {_row(first)} (case {out.at[first, CASE]!r}) has neither an {INTERVIEW} nor "
            f"a {SPEAKER}; expected at least one to say which turns belong to the case"
        )
        raise TableError(msg, path=src, line=_row(first))
    _check_duplicates(out, src)
    # a title names one row's interview (qualcode.titles), not the case: never filled in
    out = _fill_attributes(out, [a for a in attrs if a != TITLE], src)
    out.attrs[SOURCE_ATTR] = str(src) if src is not None else None
    out.attrs[CHECKED_ATTR] = _fingerprint(out)
    return out


def _fingerprint(df: pd.DataFrame) -> str:
    """A digest of a table's columns, types and cells (index too).

    A checked table carries the digest of itself; checking it again (a report checks the same
    cases table for each of its tables) costs a hash instead of a check, and a table changed
    since (its digest differs) is checked again.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _texts(series: pd.Series) -> list[str | None]:
    """The values as Python strings, missing -> None."""
    return [None if pd.isna(v) else str(v) for v in series.tolist()]


def _describe_join(interview: str | None, speaker: str | None) -> str:
    parts = [f"{col} {v!r}" for col, v in ((INTERVIEW, interview), (SPEAKER, speaker)) if v]
    return " and ".join(parts)


def _check_duplicates(cases: pd.DataFrame, source: str | Path | None) -> None:
    names, interviews, speakers = (_texts(cases[c]) for c in CASE_COLUMNS)
    first_of: dict[tuple[str | None, str | None], int] = {}
    for pos, key in enumerate(zip(interviews, speakers, strict=True)):
        if key not in first_of:
            first_of[key] = pos
            continue
        earlier = first_of[key]
        join = _describe_join(*key)
        what = (
            f"repeats row {_row(cases.index[earlier])} (case {names[pos]!r}, {join}); "
            "give each case and join once"
            if names[earlier] == names[pos]
            else f"gives {join} to case {names[pos]!r}, but row {_row(cases.index[earlier])} "
            f"gives it to case {names[earlier]!r}; a turn belongs to one case"
        )
        line = _row(cases.index[pos])
        msg = f"row {line} {what}"
        raise TableError(msg, path=source, line=line)


def _fill_attributes(
    cases: pd.DataFrame, attrs: list[str], source: str | Path | None
) -> pd.DataFrame:
    """Check that each case gives each attribute one value; fill its blank cells with it."""
    out = cases.copy()
    for attr in attrs:
        given = out[[CASE, attr]].dropna()
        distinct = given.drop_duplicates()
        clash = distinct[CASE].duplicated(keep=False)
        if clash.any():
            name = distinct.loc[clash, CASE].iloc[0]
            rows = given[given[CASE] == name]
            values = list(dict.fromkeys(rows[attr]))
            first = rows.index[rows[attr] == values[1]][0]
            msg = (
                f"case {name!r} has {attr} {values[0]!r} in row {_row(rows.index[0])} but "
                f"{values[1]!r} in row {_row(first)}; a case's attribute has one value "
                "(leave the cell blank on its other rows or give the same value)"
            )
            raise TableError(msg, path=source, line=_row(first))
        value_of = distinct.set_index(CASE)[attr]
        out[attr] = out[attr].fillna(out[CASE].map(value_of)).astype("string")
    return out


def read_cases(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a cases table from CSV, TSV or XLSX and check it (see :func:`validate_cases`).

    Parameters
    ----------
    path : str or Path
        The file.
    sheet : str or int, default 0
        Worksheet of an .xlsx file.

    Returns
    -------
    DataFrame
        The normalised cases table; ``attrs["source"]`` is the file, so that
        :func:`case_of_turns` names it when a row matches no turn.

    Raises
    ------
    TableError
        If the file cannot be read or the table is invalid (the message names the file and row).

    Examples
    --------
    >>> cases = read_cases("data/cases.csv")  # doctest: +SKIP
    >>> case_attributes(cases)["seniority"].tolist()  # doctest: +SKIP
    ['executive', 'managerial', 'managerial']
    """
    df = read_table(path, sheet=sheet)
    if df.empty and not len(df.columns):
        msg = f"the file holds no table; expected a header row with {CASE!r} and a join column"
        raise TableError(msg, path=path)
    return validate_cases(df, source=path)


def case_attributes(cases: pd.DataFrame) -> pd.DataFrame:
    """Return one row per case (in order of first appearance) with its attributes.

    Returns
    -------
    DataFrame
        Column ``case`` then one column per attribute (missing where no row gives a value).

    Examples
    --------
    >>> cases = pd.DataFrame({"case": ["Vito", "Vito"], "interview": ["N3", "extra"],
    ...     "speaker": ["N3", "N1"], "seniority": ["managerial", None]})
    >>> case_attributes(cases).to_dict("records")
    [{'case': 'Vito', 'seniority': 'managerial'}]
    """
    checked = validate_cases(cases)
    out = checked.drop_duplicates(CASE)[[CASE, *attribute_names(checked)]]
    return out.reset_index(drop=True)


def case_of_turns(
    turns: pd.DataFrame, cases: pd.DataFrame, *, unmatched: str = "raise"
) -> pd.Series:
    """Say which case each turn belongs to.

    A cases row with an interview and a speaker takes that speaker's turns in that interview;
    with the interview only, the interview's participant turns (not the interviewer's); with
    the speaker only, that speaker's turns in every interview.

    Parameters
    ----------
    turns : DataFrame
        A turns table (``interview``, ``speaker`` and ``role`` are used).
    cases : DataFrame
        A cases table (:func:`read_cases`, :func:`validate_cases`).
    unmatched : {"raise", "warn", "ignore"}, default "raise"
        What to do with a cases row that matches no turn (a misspelt interview name, a
        transcript not given): raise a :class:`~qualcode.errors.TableError`, warn
        (:class:`~qualcode.errors.QualcodeWarning`) or say nothing.

    Returns
    -------
    Series
        Indexed like ``turns``, named ``case``: the case name, missing for turns of no case.

    Raises
    ------
    TableError
        If a row matches no turn (``unmatched="raise"``), or a turn is matched by rows of two
        different cases (e.g. a speaker row of one case and an interview row of another).

    Examples
    --------
    >>> turns = pd.DataFrame({"interview": ["A", "A", "B"], "speaker": ["P", "N1", "N1"],
    ...     "role": ["interviewer", "participant", "participant"]})
    >>> cases = pd.DataFrame({"case": ["Juliana", "Vito"], "interview": ["A", "B"]})
    >>> case_of_turns(turns, cases).tolist()
    [<NA>, 'Juliana', 'Vito']
    """
    if unmatched not in UNMATCHED:
        msg = f"unknown unmatched={unmatched!r}; expected one of {', '.join(UNMATCHED)}"
        raise ValueError(msg)
    checked = validate_cases(cases)
    src = checked.attrs.get(SOURCE_ATTR)
    missing = [c for c in (INTERVIEW, SPEAKER, ROLE) if c not in turns.columns]
    if missing:
        msg = f"not a turns table: missing column(s) {', '.join(missing)}"
        raise TableError(msg)
    n = len(turns)
    interview = _texts(turns[INTERVIEW])
    speaker = _texts(turns[SPEAKER])
    is_participant = [r == PARTICIPANT for r in _texts(turns[ROLE])]
    names, row_iv, row_spk = (_texts(checked[c]) for c in CASE_COLUMNS)
    lines = [_row(index) for index in checked.index]

    # one lookup per kind of row: (interview, speaker), interview only, speaker only
    by_pair: dict[tuple[str, str], int] = {}
    by_interview: dict[str, int] = {}
    by_speaker: dict[str, int] = {}
    for pos, (iv, spk) in enumerate(zip(row_iv, row_spk, strict=True)):
        if iv is not None and spk is not None:
            by_pair[(iv, spk)] = pos
        elif iv is not None:
            by_interview[iv] = pos
        elif spk is not None:
            by_speaker[spk] = pos

    found: list[str | None] = [None] * n
    used = [False] * len(names)
    for i in range(n):
        hits = []
        iv, spk = interview[i], speaker[i]
        if iv is not None and spk is not None and (iv, spk) in by_pair:
            hits.append(by_pair[(iv, spk)])
        if is_participant[i] and iv is not None and iv in by_interview:
            hits.append(by_interview[iv])
        if spk is not None and spk in by_speaker:
            hits.append(by_speaker[spk])
        if not hits:
            continue
        first = hits[0]
        for other in hits:
            used[other] = True
            if names[other] != names[first]:
                msg = (
                    f"rows {lines[first]} and {lines[other]} give the turns of {spk!r} in "
                    f"{iv!r} to two cases, {names[first]!r} and {names[other]!r}; "
                    "a turn belongs to one case"
                )
                raise TableError(msg, path=src, line=lines[other])
        found[i] = names[first]
    if not all(used) and unmatched != "ignore":
        pos = used.index(False)
        msg = _unmatched_message(
            names[pos], row_iv[pos], row_spk[pos], interview, speaker, lines[pos], used.count(False)
        )
        if unmatched == "raise":
            raise TableError(msg, path=src, line=lines[pos])
        where = f"{src} line {lines[pos]}: " if src is not None else f"line {lines[pos]}: "
        warnings.warn(where + msg, QualcodeWarning, stacklevel=2)
    return pd.Series(pd.array(found, dtype="string"), index=turns.index, name=CASE)


def _unmatched_message(
    case: str | None,
    iv: str | None,
    spk: str | None,
    interviews: list[str | None],
    speakers: list[str | None],
    line: int,
    count: int,
) -> str:
    """Why a cases row matches no turn, with the values the turns do have."""
    wanted: str | None
    if iv is not None and spk is not None and iv in set(interviews):
        where, col, wanted = f"turns of speaker {spk!r} in interview {iv!r}", SPEAKER, spk
        pool = [s for i, s in zip(interviews, speakers, strict=True) if i == iv]
        known = list(dict.fromkeys(s for s in pool if s is not None))
    elif iv is not None:
        who = f"turns of speaker {spk!r} in" if spk is not None else "participant turns in"
        where, col, wanted = f"{who} interview {iv!r}", INTERVIEW, iv
        known = list(dict.fromkeys(i for i in interviews if i is not None))
    else:
        where, col, wanted = f"turns of speaker {spk!r}", SPEAKER, spk
        known = list(dict.fromkeys(s for s in speakers if s is not None))
    others = count - 1
    return (
        f"row {line} (case {case!r}) matches no turn: there are no {where}; "
        f"the turns have {col}s {_listed(known) or 'none'}"
        + (f" ({wanted!r} is not one of them)" if wanted not in known else "")
        + (f"; {others} more row(s) match no turn" if others > 0 else "")
    )


__all__ = [
    "CASE_COLUMNS",
    "attribute_names",
    "case_attributes",
    "case_of_turns",
    "read_cases",
    "select_attributes",
    "validate_cases",
]
