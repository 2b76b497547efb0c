"""Rich display in Jupyter and readable text in a terminal, with escaping in one place.

The helpers build small HTML fragments (``html_table``, ``html_section``, ``html_facts``) and
their plain-text twins (``text_table``, ``text_facts``). Every value that comes from data
(transcript text, labels, names) goes through :func:`escape`; the only strings passed through
unescaped are fragments these helpers made. :class:`Summary` bundles a title, a few facts and
tables, and renders as ``_repr_html_`` in Jupyter and as text in ``repr``/``str``; the summary
objects of :mod:`qualcode.summaries` (and :class:`~qualcode.codebook.Codebook`) use it.

Only NumPy, pandas and the standard library are imported here, so any module may use it.
"""

from __future__ import annotations

import html
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_ROWS",
    "Displayed",
    "Summary",
    "escape",
    "format_value",
    "html_facts",
    "html_section",
    "html_table",
    "pandas_text",
    "text_facts",
    "text_table",
]

#: rows shown of a table before "... n more rows"
MAX_ROWS = 20
#: characters of a cell shown before "…"
MAX_CELL = 160

_STYLE = (
    "<style>.qc-display table{border-collapse:collapse;margin:.25rem 0 .75rem}"
    ".qc-display th,.qc-display td{border:1px solid #ccc;padding:.15rem .45rem;"
    "text-align:left;vertical-align:top}.qc-display th{background:#eef3f8}"
    ".qc-display td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".qc-display caption{text-align:left;font-weight:600;padding:.2rem 0}"
    ".qc-display .qc-note{color:#555;font-size:.9em}</style>"
)


def escape(value: object) -> str:
    """Return ``value`` as text safe inside HTML (quotes escaped too); missing values as ""."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, np.floating) and np.isnan(value):
        return ""
    return html.escape(str(value), quote=True)


def format_value(value: object, *, percent: bool = False, decimals: int = 3) -> str:
    """Format one cell: floats to ``decimals`` places (or a percentage), missing as "–".

    Examples
    --------
    >>> format_value(0.71234), format_value(0.5, percent=True), format_value(float("nan"))
    ('0.712', '50.0%', '–')
    """
    if value is None or value is pd.NA:
        return "–"
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        number = float(value)
        if math.isnan(number):
            return "–"
        return f"{number:.1%}" if percent else f"{number:.{decimals}f}"
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool | np.bool_)


def _cells(
    df: pd.DataFrame, *, percent: Iterable[str], decimals: int, max_rows: int
) -> tuple[list[str], list[list[tuple[str, bool]]], int]:
    pct = set(percent)
    shown = df.head(max_rows)
    rows = [
        [
            (format_value(v, percent=col in pct, decimals=decimals), _is_number(v))
            for col, v in zip(shown.columns, row, strict=True)
        ]
        for row in shown.itertuples(index=False, name=None)
    ]
    return [str(c) for c in shown.columns], rows, len(df) - len(shown)


def html_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int = MAX_ROWS,
    percent: Iterable[str] = (),
    decimals: int = 3,
) -> str:
    """Render a table as an escaped HTML ``<table>`` (numbers right-aligned).

    Parameters
    ----------
    df : DataFrame
        The table; its index is not shown (``reset_index()`` first to show it).
    caption : str, optional
        Text above the table.
    max_rows : int, default 20
        Rows shown; a note says how many more there are.
    percent : iterable of str
        Columns of shares shown as percentages.
    decimals : int, default 3
        Decimal places of other floats.

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> import pandas as pd
    >>> html_table(pd.DataFrame({"text": ["<b>hi</b>"]}))
    '<table><thead><tr><th>text</th></tr></thead><tbody><tr><td>&lt;b&gt;hi&lt;/b&gt;</td></tr></tbody></table>'
    """
    header, rows, more = _cells(df, percent=percent, decimals=decimals, max_rows=max_rows)
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        cells = "".join(
            f'<td class="num">{escape(text)}</td>' if num else f"<td>{escape(text)}</td>"
            for text, num in row
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if more:
        parts.append(f'<p class="qc-note">… {more} more row{"s" if more > 1 else ""}</p>')
    return "".join(parts)


def text_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int = MAX_ROWS,
    percent: Iterable[str] = (),
    decimals: int = 3,
    width: int = 60,
) -> str:
    """Render a table as aligned plain text (the terminal twin of :func:`html_table`).

    Cells longer than ``width`` characters are cut with "…".
    """
    header, rows, more = _cells(df, percent=percent, decimals=decimals, max_rows=max_rows)

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    grid = [[cut(h) for h in header]] + [[cut(t) for t, _ in row] for row in rows]
    nums = [False] * len(header)
    if rows:
        nums = [all(row[j][1] for row in rows) for j in range(len(header))]
    widths = [max(len(r[j]) for r in grid) for j in range(len(header))]
    lines = []
    for r in grid:
        lines.append(
            "  ".join(
                c.rjust(w) if num else c.ljust(w) for c, w, num in zip(r, widths, nums, strict=True)
            ).rstrip()
        )
    if more:
        lines.append(f"… {more} more row{'s' if more > 1 else ''}")
    if caption:
        lines.insert(0, caption)
    return "\n".join(lines)


def pandas_text(
    df: pd.DataFrame, *, max_colwidth: int | None = None, justify: str | None = None
) -> str:
    """Render a table as pandas prints it, without the index (the CLI's listings).

    Parameters
    ----------
    df : DataFrame
        The table.
    max_colwidth : int, optional
        Longest cell shown, in characters (pandas' ``display.max_colwidth``); pandas' default
        when None.
    justify : str, optional
        How the column headers are justified (``DataFrame.to_string``'s ``justify``).

    Returns
    -------
    str
        ``df.to_string(index=False)``.
    """
    if max_colwidth is None:
        return df.to_string(index=False, justify=justify)
    with pd.option_context("display.max_colwidth", max_colwidth):
        return df.to_string(index=False, justify=justify)


def html_facts(facts: Mapping[str, object]) -> str:
    """Render ``name: value`` facts as a two-column HTML table (escaped)."""
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(format_value(v))}</td></tr>" for k, v in facts.items()
    )
    return f"<table>{rows}</table>" if rows else ""


def text_facts(facts: Mapping[str, object]) -> str:
    """Render ``name: value`` facts as aligned text lines."""
    if not facts:
        return ""
    width = max(len(str(k)) for k in facts)
    return "\n".join(f"{str(k).ljust(width)} : {format_value(v)}" for k, v in facts.items())


def html_section(title: str, *fragments: str, level: int = 3, note: str | None = None) -> str:
    """Wrap HTML ``fragments`` (made by these helpers) under an escaped heading.

    Parameters
    ----------
    title : str
        The heading text (escaped).
    *fragments : str
        HTML made by :func:`html_table`, :func:`html_facts` or :func:`html_section`; they are
        not escaped again, so never pass raw data here.
    level : int, default 3
        Heading level (``<h3>``).
    note : str, optional
        A line of text under the heading (escaped).
    """
    level = min(6, max(1, level))
    parts = [f"<h{level}>{escape(title)}</h{level}>"]
    if note:
        parts.append(f'<p class="qc-note">{escape(note)}</p>')
    parts.extend(fragments)
    return f'<div class="qc-display">{"".join(parts)}</div>'


@dataclass(frozen=True)
class Summary:
    """A titled result: facts (name -> value), tables and notes, shown as HTML or text.

    Attributes
    ----------
    title : str
        What this is, e.g. "Turns: 4 interviews".
    facts : dict
        Headline figures in display order.
    tables : dict of str to DataFrame
        Captioned tables (the first is the main one).
    notes : tuple of str
        Lines shown after the tables (interpretation, caveats).
    percent : tuple of str
        Columns shown as percentages.
    max_rows : int
        Rows shown of each table.
    width : int
        Characters of a cell shown in text.
    """

    title: str
    facts: Mapping[str, object] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    percent: tuple[str, ...] = ()
    max_rows: int = MAX_ROWS
    width: int = 60

    def _repr_html_(self) -> str:
        parts = [html_facts(self.facts)]
        for caption, table in self.tables.items():
            cols = tuple(c for c in self.percent if c in table.columns)
            parts.append(html_table(table, caption=caption, percent=cols, max_rows=self.max_rows))
        parts += [f'<p class="qc-note">{escape(n)}</p>' for n in self.notes]
        return _STYLE + html_section(self.title, *parts)

    def to_text(self) -> str:
        """The summary as plain text (what ``print`` shows)."""
        parts = [self.title, "=" * min(len(self.title), 78)]
        if self.facts:
            parts.append(text_facts(self.facts))
        for caption, table in self.tables.items():
            cols = tuple(c for c in self.percent if c in table.columns)
            parts.append("")
            parts.append(
                text_table(
                    table, caption=caption, percent=cols, max_rows=self.max_rows, width=self.width
                )
            )
        if self.notes:
            parts.append("")
            parts.extend(self.notes)
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's text display
        p.text(self.to_text())


class Displayed(ABC):
    """Base of results that show themselves through the :class:`Summary` of ``summary()``."""

    @abstractmethod
    def summary(self) -> Summary:
        """Return the :class:`Summary` shown for this object."""

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_text(self) -> str:
        """The object as plain text (what ``print`` shows)."""
        return self.summary().to_text()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.to_text())
