"""The code x attribute matrices as rows of display text, shared by the HTML report and Word.

:func:`attribute_matrices` turns the ``code_by_attribute`` and ``theme_by_attribute`` tables of
:func:`qualcode.reports.report_tables` into one :class:`AttributeMatrix` per attribute: a header
row (code, then each value with its number of cases) and, per theme, a bold theme row followed
by its codes; each cell reads "coded turns (cases with the code of the cases with the value)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from qualcode.codingframe import unique
from qualcode.reports import (
    ATTRIBUTE,
    CASES,
    CASES_TOTAL,
    CODE_LABEL,
    THEME,
    THEME_LABEL,
    TURNS,
    VALUE,
)
from qualcode.schema import CODE

__all__ = ["AttributeMatrix", "attribute_matrices", "attribute_title"]


@dataclass(frozen=True)
class AttributeMatrix:
    """One attribute's matrix as text: ``rows`` are (is a theme row, label, cells)."""

    attribute: str
    title: str
    headers: list[str]
    rows: list[tuple[bool, str, list[str]]]


def attribute_title(attribute: str) -> str:
    """A column name made readable: ``job_title`` -> ``job title``."""
    return attribute.replace("_", " ").strip() or attribute


def _cells(group: pd.DataFrame, values: list[str], t: Mapping[str, str]) -> list[str]:
    """The cells of one code's (or theme's) rows, one per value."""
    by_value = group.set_index(VALUE)
    return [
        t["attr_cell"].format(
            turns=by_value.at[v, TURNS], n=by_value.at[v, CASES], total=by_value.at[v, CASES_TOTAL]
        )
        for v in values
    ]


def attribute_matrices(
    tables: Mapping[str, pd.DataFrame], t: Mapping[str, str]
) -> list[AttributeMatrix]:
    """Return the matrices of the report ``tables`` (none without ``code_by_attribute``).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The tables of :func:`qualcode.reports.report_tables`.
    t : mapping of str to str
        The texts of the report's language (:func:`qualcode.languages.texts`).

    Returns
    -------
    list of AttributeMatrix
        One per attribute, in the tables' order.
    """
    codes = tables.get("code_by_attribute")
    if codes is None or codes.empty:
        return []
    themes = tables.get("theme_by_attribute")
    out = []
    for attribute in unique(codes[ATTRIBUTE]):
        mine = codes[codes[ATTRIBUTE] == attribute]
        values = unique(mine[VALUE])
        totals = mine.drop_duplicates(VALUE).set_index(VALUE)[CASES_TOTAL]
        headers = [t["code"]]
        for value in values:
            key = "value_case" if int(totals[value]) == 1 else "value_cases"
            headers.append(t[key].format(value=value, n=int(totals[value])))
        theme_rows: dict[str, pd.DataFrame] = {}
        if themes is not None:
            of_attr = themes[themes[ATTRIBUTE] == attribute]
            theme_rows = {str(k): g for k, g in of_attr.groupby(THEME, sort=False)}
        rows: list[tuple[bool, str, list[str]]] = []
        for theme, group in mine.groupby(THEME, sort=False):
            label = str(group[THEME_LABEL].iloc[0] or "") or t["other_theme"]
            if str(theme) in theme_rows:
                cells = _cells(theme_rows[str(theme)], values, t)
                rows.append((True, t["all_codes"].format(theme=label), cells))
            for _, code_group in group.groupby(CODE, sort=False):
                cells = _cells(code_group, values, t)
                rows.append((False, str(code_group[CODE_LABEL].iloc[0]), cells))
        out.append(AttributeMatrix(attribute, attribute_title(attribute), headers, rows))
    return out
