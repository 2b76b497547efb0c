"""Regular expressions of a codebook: valid, and not catastrophically slow.

:func:`check_pattern` refuses a pattern that could backtrack for ever on a long turn (a repeat
inside a repeat, or alternatives that can start with the same character inside one), before a
coder ever runs it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["check_pattern"]

try:  # Python >= 3.11
    import re._constants as _sre_c
    import re._parser as _sre_p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
if hasattr(_sre_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_sre_c.POSSESSIVE_REPEAT)
_ALPHABET = frozenset(chr(c) for c in range(9, 127)) | frozenset("éàüöñçß")
_CATEGORY_TESTS = {
    _sre_c.CATEGORY_DIGIT: str.isdigit,
    _sre_c.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    _sre_c.CATEGORY_SPACE: str.isspace,
    _sre_c.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    _sre_c.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    _sre_c.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


def check_pattern(pattern: str) -> str | None:
    """Return what is wrong with a codebook regular expression, or None if it is usable.

    Patterns are compiled case-insensitively. Patterns that can backtrack catastrophically are
    refused: an unbounded repeat of something that itself repeats (``(a+)+``, ``(a*)*``,
    ``(\\w+\\s?)*``) or of alternatives that can start with the same character (``(a|a)*``,
    ``(\\w|ab)+``).

    Examples
    --------
    >>> check_pattern(r"\\bpitch(ing)?\\b") is None
    True
    >>> check_pattern(r"(a+)+")
    'nested quantifier: a repeated group contains a repeat ...'
    """
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        return f"invalid regular expression: {err}"
    parsed = _sre_p.parse(pattern, re.IGNORECASE)
    return _check_items(list(parsed), inside_unbounded=False)


def _check_items(items: list[Any], *, inside_unbounded: bool) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            _lo, hi, body = av
            body = list(body)
            if inside_unbounded and hi is not None and (hi == _sre_c.MAXREPEAT or hi > 1):
                return (
                    "nested quantifier: a repeated group contains a repeat (like (a+)+ or "
                    "(a*)*), which can take exponential time; rewrite it without the inner "
                    "or outer repeat"
                )
            unbounded = hi == _sre_c.MAXREPEAT
            problem = _check_items(body, inside_unbounded=inside_unbounded or unbounded)
            if problem:
                return problem
        elif op == _sre_c.SUBPATTERN:
            problem = _check_items(list(av[-1]), inside_unbounded=inside_unbounded)
            if problem:
                return problem
        elif op == _sre_c.BRANCH:
            alternatives = [list(a) for a in av[1]]
            if inside_unbounded and _ambiguous(alternatives):
                return (
                    "ambiguous alternatives inside a repeat (like (a|a)* or (\\w|ab)+): two "
                    "alternatives can match the same text, which can take exponential time"
                )
            for alt in alternatives:
                problem = _check_items(alt, inside_unbounded=inside_unbounded)
                if problem:
                    return problem
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            problem = _check_items(list(av[1]), inside_unbounded=inside_unbounded)
            if problem:
                return problem
    return None


def _ambiguous(alternatives: list[list[Any]]) -> bool:
    firsts = []
    for i, alt in enumerate(alternatives):
        if any(alt == other for other in alternatives[:i]):
            return True
        firsts.append(_first_chars(alt)[0])
    for i, a in enumerate(firsts):
        for b in firsts[:i]:
            if a & b:
                return True
    return False


def _first_chars(items: list[Any]) -> tuple[frozenset[str], bool]:
    """Return (possible first characters over a sample alphabet, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of(op, av)
        out |= chars
        if not nullable:
            return frozenset(out), False
    return frozenset(out), True


def _first_of(op: Any, av: Any) -> tuple[frozenset[str], bool]:
    if op == _sre_c.LITERAL:
        return frozenset({chr(av).lower()}), False
    if op == _sre_c.NOT_LITERAL:
        return frozenset(c for c in _ALPHABET if c != chr(av).lower()), False
    if op == _sre_c.ANY:
        return _ALPHABET, False
    if op == _sre_c.IN:
        return frozenset(c for c in _ALPHABET if _in_set(c, av)), False
    if op in _REPEATS:
        chars, nullable = _first_chars(list(av[2]))
        return chars, nullable or av[0] == 0
    if op == _sre_c.SUBPATTERN:
        return _first_chars(list(av[-1]))
    if op == _sre_c.BRANCH:
        union: set[str] = set()
        any_empty = False
        for alt in av[1]:
            c, n = _first_chars(list(alt))
            union |= c
            any_empty = any_empty or n
        return frozenset(union), any_empty
    # anchors, lookarounds, backreferences: consume nothing we can see
    return frozenset(), True


def _in_set(ch: str, items: list[Any]) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op == _sre_c.NEGATE:
            negate = True
        elif op == _sre_c.LITERAL:
            hit = hit or ch == chr(av).lower()
        elif op == _sre_c.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1] or av[0] <= ord(ch.upper()) <= av[1]
        elif op == _sre_c.CATEGORY:
            test = _CATEGORY_TESTS.get(av)
            hit = hit or (test is not None and test(ch))
    return hit != negate
