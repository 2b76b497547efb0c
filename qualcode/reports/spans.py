"""Character spans in turn texts: the ``spans`` column, marking text, finding evidence.

Offsets are in code points inside the turn text (see :mod:`qualcode.schema`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.schema import EVIDENCE_SEP

__all__ = [
    "MARKS",
    "SPAN_SEP",
    "evidence_spans",
    "format_spans",
    "mark_merged",
    "mark_text",
    "merge_spans",
    "parse_spans",
]

#: separator between spans in the ``spans`` column ("start-end; start-end")
SPAN_SEP = "; "
#: default evidence markers in ``marked_text``
MARKS = ("«", "»")


def format_spans(spans: Iterable[tuple[int, int]]) -> str:
    """Format character spans as ``"start-end; start-end"`` (the ``spans`` column).

    Examples
    --------
    >>> format_spans([(0, 4), (10, 15)])
    '0-4; 10-15'
    """
    return SPAN_SEP.join(f"{s}-{e}" for s, e in spans)


def parse_spans(value: object) -> list[tuple[int, int]]:
    """Parse a ``spans`` cell written by :func:`format_spans` (empty -> ``[]``).

    Examples
    --------
    >>> parse_spans("0-4; 10-15")
    [(0, 4), (10, 15)]
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    out = []
    for part in str(value).split(SPAN_SEP.strip()):
        part = part.strip()
        if not part:
            continue
        start, _, end = part.partition("-")
        try:
            out.append((int(start), int(end)))
        except ValueError as err:
            msg = f"bad span {part!r}; expected 'start-end' character offsets"
            raise QualcodeError(msg) from err
    return out


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clip spans to ``[0, length]``, drop empty ones and merge overlapping ones, in order."""
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def mark_text(
    text: str, spans: Iterable[tuple[int, int]], *, marks: tuple[str, str] = MARKS
) -> str:
    """Return ``text`` with ``marks[0]``/``marks[1]`` around each span.

    Examples
    --------
    >>> mark_text("kami menjaga hubungan dengan klien", [(13, 21)])
    'kami menjaga «hubungan» dengan klien'
    """
    return mark_merged(text, merge_spans(spans, len(text)), marks)


def mark_merged(text: str, merged: list[tuple[int, int]], marks: tuple[str, str]) -> str:
    """Return ``text`` with marks around spans already merged by :func:`merge_spans`."""
    pieces, last = [], 0
    for s, e in merged:
        pieces += [text[last:s], marks[0], text[s:e], marks[1]]
        last = e
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=16384)
def _evidence_items(evidence: str) -> tuple[str, ...]:
    items = (i.strip().lower() for i in evidence.split(EVIDENCE_SEP.strip()))
    return tuple(dict.fromkeys(i for i in items if i))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def evidence_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    """Find where the items of an ``evidence`` cell (keywords, terms) occur in ``text``.

    Matching ignores case and needs word boundaries on both sides of an item.

    Examples
    --------
    >>> evidence_spans("Klien baru dan klien lama", "klien")
    [(0, 5), (15, 20)]
    """
    items = _evidence_items(evidence or "")
    if not items:
        return []
    low = text.lower()
    if len(low) != len(text):  # lower() changed offsets (rare letters): use a regex
        alts = "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
        return [m.span() for m in pattern.finditer(text)]
    found = []
    n = len(low)
    for item in items:
        start = low.find(item)
        while start != -1:
            end = start + len(item)
            if (start == 0 or not _is_word(low[start - 1])) and (
                end == n or not _is_word(low[end])
            ):
                found.append((start, end))
            start = low.find(item, start + 1)
    return sorted(found)
