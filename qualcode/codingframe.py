"""The validated inputs of every report and coder-comparison table, and their column names.

:func:`prepare` checks a ``turns`` and a ``codings`` table (see :mod:`qualcode.schema`) against
each other, keeps the coders and scores asked for, and puts the codes in codebook order with
their labels and themes (:func:`code_table`): the :class:`CodingFrame` that
:mod:`qualcode.reports` and :func:`qualcode.agreement.coder_agreement` start from. Codes found in
the codings but missing from the codebook are kept, after the codebook's codes, under the theme
``""``. Also the small column helpers they share (:func:`object_values`, :func:`isin`, ...).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import CodingsError, QualcodeError
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    PARTICIPANT,
    ROLE,
    ROLES,
    SCORE,
    TURN_ID,
    validate_codings,
    validate_turns,
)

__all__ = [
    "AGREEMENT",
    "ATTRIBUTE",
    "BASE_TURNS",
    "BOTH",
    "CASES",
    "CASES_TOTAL",
    "CODER_A",
    "CODER_B",
    "CODE_A",
    "CODE_B",
    "CODE_LABEL",
    "EITHER",
    "INTERVIEWS",
    "INTERVIEWS_TOTAL",
    "JACCARD",
    "KAPPA",
    "MARKED_TEXT",
    "NEITHER",
    "ONLY_A",
    "ONLY_B",
    "OTHER_THEME",
    "QUESTION",
    "QUESTION_TURN_ID",
    "SHARE",
    "SPANS",
    "SPEAKERS",
    "SPEAKERS_TOTAL",
    "THEME",
    "THEME_LABEL",
    "TURNS",
    "TURNS_A",
    "TURNS_B",
    "VALUE",
    "CodingFrame",
    "Selection",
    "as_list",
    "base_turns",
    "checked_inputs",
    "code_table",
    "coded_pairs",
    "default_roles",
    "interview_order",
    "isin",
    "object_values",
    "ordered",
    "prepare",
    "select_codes",
    "unique",
    "with_meta",
]

logger = logging.getLogger("qualcode.reports")

# --- column names of the report tables ---------------------------------------------------
THEME = "theme"
THEME_LABEL = "theme_label"
CODE_LABEL = "code_label"
MARKED_TEXT = "marked_text"
SPANS = "spans"
QUESTION = "question"
QUESTION_TURN_ID = "question_turn_id"
TURNS = "turns"
BASE_TURNS = "base_turns"
SHARE = "share"
INTERVIEWS = "interviews"
INTERVIEWS_TOTAL = "interviews_total"
SPEAKERS = "speakers"
SPEAKERS_TOTAL = "speakers_total"
CODE_A, CODE_B = "code_a", "code_b"
CODER_A, CODER_B = "coder_a", "coder_b"
BOTH, ONLY_A, ONLY_B, NEITHER = "both", "only_a", "only_b", "neither"
TURNS_A, TURNS_B = "turns_a", "turns_b"
EITHER = "either"
JACCARD = "jaccard"
AGREEMENT = "agreement"
KAPPA = "kappa"
ATTRIBUTE = "attribute"
VALUE = "value"
CASES = "cases"
CASES_TOTAL = "cases_total"

#: theme name given to codes that are in the codings but not in the codebook
OTHER_THEME = ""

#: which coders, codes, interviews...: one name, several names, or None for all
Selection = str | Iterable[str] | None


# --- shared preparation ------------------------------------------------------------------
@dataclass(frozen=True)
class CodingFrame:
    """Validated inputs: turns, codings and the code/theme metadata in order."""

    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    meta: pd.DataFrame  # index code: code_label, theme, theme_label (codebook order)

    @property
    def codes(self) -> list[str]:
        return list(self.meta.index)

    @property
    def themes(self) -> list[str]:
        return list(dict.fromkeys(self.meta[THEME]))


def isin(series: pd.Series, values: Iterable[object]) -> np.ndarray:
    """``series.isin(values)`` as a boolean array, fast for string columns (a Python set
    lookup; pandas' ``isin`` on Arrow strings converts every value)."""
    wanted = set(object_values(values) if isinstance(values, pd.Series) else values)
    return np.fromiter((v in wanted for v in object_values(series)), dtype=bool, count=len(series))


def unique(series: pd.Series) -> list[str]:
    """Distinct non-missing values in order of first appearance."""
    return [str(v) for v in series.dropna().unique()]


def object_values(series: pd.Series) -> np.ndarray:
    """The values as an object array, missing -> None (iterating Arrow strings is slow)."""
    return series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def as_list(value: Selection) -> list[str] | None:
    """A selection (one name, several names or None for all) as a list of names, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def code_table(codebook: Codebook, codings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the codes of a codebook in order, with their labels and themes.

    Parameters
    ----------
    codebook : Codebook
        The codebook.
    codings : DataFrame, optional
        A codings table; its codes that the codebook lacks are appended (theme ``""``).

    Returns
    -------
    DataFrame
        Indexed by ``code``; columns ``code_label``, ``theme``, ``theme_label``.

    Examples
    --------
    >>> from qualcode.codebook import Codebook
    >>> code_table(Codebook.from_code_names(["identify", "retain"]))["code_label"].tolist()
    ['identify', 'retain']
    """
    rows = []
    theme_labels = {t.name: t.display for t in codebook.themes}
    for code in codebook.codes:
        rows.append((code.name, code.display, code.theme, theme_labels.get(code.theme, code.theme)))
    if codings is not None and len(codings):
        known = set(codebook.code_names)
        extra = [c for c in unique(codings[CODE]) if c not in known]
        if extra:
            logger.warning(
                "codes not in the codebook %s are reported after its codes: %s",
                codebook.name,
                ", ".join(extra),
            )
        rows.extend((c, c, OTHER_THEME, OTHER_THEME) for c in extra)
    meta = pd.DataFrame(rows, columns=[CODE, CODE_LABEL, THEME, THEME_LABEL], dtype="string")
    return meta.set_index(CODE)


#: ids of the tables :func:`report_tables` has checked, while it builds its tables from them
#: (each table would otherwise check the same turns and codings again: half of its time)
_CHECKED: ContextVar[frozenset[int]] = ContextVar("checked_tables", default=frozenset())


@contextmanager
def checked_inputs(turns: pd.DataFrame, codings: pd.DataFrame) -> Iterator[None]:
    """Within the block, :func:`prepare` takes these validated tables as they are."""
    token = _CHECKED.set(frozenset((id(turns), id(codings))))
    try:
        yield
    finally:
        _CHECKED.reset(token)


def prepare(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
) -> CodingFrame:
    """Validate turns and codings against each other and keep the coders and scores asked for.

    Raises
    ------
    CodingsError
        When a coding's turn is not in the turns table, or a coder asked for has no codings.
    """
    checked = _CHECKED.get()
    t = turns if id(turns) in checked else validate_turns(turns)
    c = codings if id(codings) in checked else validate_codings(codings)
    unknown = ~isin(c[TURN_ID], t[TURN_ID])
    if unknown.any():
        ids = unique(c.loc[unknown, TURN_ID])
        shown = ", ".join(map(repr, ids[:5])) + (" ..." if len(ids) > 5 else "")
        msg = (
            f"{len(ids)} turn id(s) in the codings are not in the turns table ({shown}); "
            "give the turns table the codings were made on"
        )
        raise CodingsError(msg)
    if codebook is None:
        codebook = Codebook.from_code_names(unique(c[CODE]))
    meta = code_table(codebook, c)
    coders = as_list(coder)
    if coders is not None:
        present = unique(c[CODER])
        missing = [x for x in coders if x not in present]
        if missing:
            msg = (
                f"no codings by coder(s) {', '.join(missing)}; "
                f"the codings hold {', '.join(present) or 'no coders'}"
            )
            raise CodingsError(msg)
        c = c[isin(c[CODER], coders)]
    if min_score is not None:
        c = c[c[SCORE].fillna(1.0) >= float(min_score)]
    return CodingFrame(t, c.reset_index(drop=True), codebook, meta)


def select_codes(frame: CodingFrame, codes: Selection, themes: Selection) -> list[str]:
    """The frame's codes (codebook order) kept by a selection of codes and of themes."""
    selected = frame.codes
    code_list = as_list(codes)
    if code_list is not None:
        for name in code_list:
            if name not in frame.meta.index:
                frame.codebook.code(name)  # raises CodebookError naming the known codes
        selected = [c for c in selected if c in code_list]
    theme_list = as_list(themes)
    if theme_list is not None:
        for name in theme_list:
            if name not in frame.themes:
                frame.codebook.theme(name)  # raises CodebookError naming the known themes
        selected = [c for c in selected if frame.meta.at[c, THEME] in theme_list]
    return selected


def base_turns(turns: pd.DataFrame, roles: Selection) -> pd.DataFrame:
    """The turns of the given roles (all turns for None); an unknown role is an error."""
    role_list = as_list(roles)
    if role_list is None:
        return turns
    bad = [r for r in role_list if r not in ROLES]
    if bad:
        msg = f"unknown role(s) {', '.join(bad)}; expected some of {', '.join(ROLES)}"
        raise QualcodeError(msg)
    return turns[isin(turns[ROLE], role_list)]


def interview_order(turns: pd.DataFrame) -> list[str]:
    """The interviews in transcript order."""
    return unique(turns[INTERVIEW])


def ordered(series: pd.Series, order: Sequence[str]) -> pd.Categorical:
    """The values as an ordered categorical in the given order (for a stable sort)."""
    return pd.Categorical(series, categories=list(dict.fromkeys(order)), ordered=True)


def with_meta(df: pd.DataFrame, meta: pd.DataFrame, *, theme: bool = True) -> pd.DataFrame:
    """Insert code_label (and theme, theme_label) after the ``code`` column."""
    out = df.copy()
    pos = list(out.columns).index(CODE)
    out.insert(pos + 1, CODE_LABEL, out[CODE].map(meta[CODE_LABEL]).astype("string"))
    if theme:
        out.insert(pos, THEME_LABEL, out[CODE].map(meta[THEME_LABEL]).astype("string"))
        out.insert(pos, THEME, out[CODE].map(meta[THEME]).astype("string"))
    return out


def coded_pairs(frame: CodingFrame, base: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Distinct (turn_id, unit) pairs among the base turns; unit = code or theme."""
    c = frame.codings[isin(frame.codings[TURN_ID], base[TURN_ID])]
    if level == "theme":
        c = c.assign(**{CODE: c[CODE].map(frame.meta[THEME])})
    return c[[TURN_ID, CODE]].drop_duplicates()


def default_roles(roles: Selection, by: str | None) -> Selection:
    """The roles counted: those given, else participants (all roles when counting by role)."""
    if roles is not None:
        return roles
    return None if by == ROLE else (PARTICIPANT,)
