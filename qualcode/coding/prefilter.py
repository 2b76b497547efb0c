"""Regular expressions run only where they can match: the literal prefilter of patterns.

:func:`required_literals` parses a pattern for the literal strings one of which every match
contains; :func:`pattern_hits` runs each pattern only on the texts of a batch that contain one
(or are not ASCII), else on every text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from qualcode.coding.hits import Columns

__all__ = ["MIN_LITERAL", "pattern_hits", "required_literals", "units_containing"]

#: shortest literal worth prefiltering a pattern on
MIN_LITERAL = 3


def _regex_parser() -> Any:
    try:
        from re import _parser  # type: ignore[attr-defined]  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as _parser
    return _parser


def _best(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two literal requirements (longest shortest literal)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if min(map(len, a)) >= min(map(len, b)) else b


def _required(items: Any) -> frozenset[str] | None:
    """Literals one of which every match of the parsed sequence ``items`` contains, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            best = _best(best, frozenset({"".join(run)}))
            run = []
        sub: frozenset[str] | None = None
        if name == "SUBPATTERN":
            sub = _required(av[-1])
        elif name == "ATOMIC_GROUP":
            sub = _required(av)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, body = av
            sub = _required(body) if low >= 1 else None
        elif name == "BRANCH":
            subs = [_required(branch) for branch in av[1]]
            if subs and all(s is not None for s in subs):
                sub = frozenset().union(*subs)  # type: ignore[arg-type]
        best = _best(best, sub)
    if run:
        best = _best(best, frozenset({"".join(run)}))
    return best


def required_literals(pattern: str) -> frozenset[str] | None:
    """Return lowercase ASCII strings one of which every match of ``pattern`` contains.

    Used to skip texts a pattern cannot match (searched case-insensitively, as the coder
    does). None when there is no such set worth using (no literal of at least three
    characters in every alternative, or non-ASCII literals).

    Examples
    --------
    >>> sorted(required_literals(r"\\b(?:pitching|tender)\\s+ulang\\b"))
    ['pitching', 'tender']
    >>> required_literals(r"\\w+") is None
    True
    """
    try:
        parsed = _regex_parser().parse(pattern)
        found = _required(parsed)
    except Exception:  # any surprise from the (private) parser: simply do not prefilter
        return None
    if not found or min(map(len, found)) < MIN_LITERAL:
        return None
    lowered = frozenset(s.lower() for s in found)
    if not all(s.isascii() for s in lowered):
        return None
    return lowered


def pattern_hits(
    patterns: Sequence[tuple[int, int, re.Pattern[str], frozenset[str] | None]],
    texts: Sequence[str],
    joined: str,
    unit_start: np.ndarray,
    intern: Callable[[str], int],
) -> list[Columns]:
    """Pattern hits of one batch, running each pattern only where it can match.

    ``patterns`` are (code index, rule index, compiled pattern, required literals or None);
    ``intern`` gives the evidence index of a matched text.
    """
    if not patterns:
        return []
    n = len(texts)
    everything = range(n)
    lowered = joined.lower()
    exact = len(lowered) == len(joined)
    wide: list[int] = []
    if exact and not joined.isascii():
        wide = [i for i, t in enumerate(texts) if not t.isascii()]
    rows: list[tuple[int, int, int, int, int, int]] = []
    for ci, rule, rx, literals in patterns:
        units: Sequence[int] = everything
        if literals is not None and exact:
            units = units_containing(lowered, literals, unit_start, wide, limit=n // 4)
        for u in units:
            text = texts[u]
            for m in rx.finditer(text):
                if m.end() > m.start():
                    rows.append((u, ci, m.start(), m.end(), rule, intern(m.group())))
    if not rows:
        return []
    return [tuple(np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))]


def units_containing(
    lowered: str, literals: frozenset[str], unit_start: np.ndarray, wide: list[int], *, limit: int
) -> Sequence[int]:
    """Units of a lowercased joined batch containing a literal, plus the non-ASCII units.

    Falls back to every unit when the literals occur in more than ``limit`` places.
    """
    found: list[int] = []
    for lit in literals:
        at = lowered.find(lit)
        while at >= 0:
            found.append(at)
            if len(found) > limit:
                return range(len(unit_start))
            at = lowered.find(lit, at + 1)
    units = np.searchsorted(unit_start, np.array(found, dtype=np.int64), side="right") - 1
    return sorted(set(units.tolist()) | set(wide))
