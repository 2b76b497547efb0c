"""Keyword and pattern hits as parallel arrays.

What :class:`~qualcode.coding.matcher.KeywordMatcher` finds and
:class:`~qualcode.coding.rules.KeywordCoder` turns into codings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HIT_FIELDS", "Columns", "Hits", "empty_hits"]

#: hit columns as parallel arrays: unit, code, start, end, rule, evidence
Columns = tuple[np.ndarray, ...]
HIT_FIELDS = ("unit", "code", "start", "end", "rule", "evidence")


@dataclass(frozen=True)
class Hits:
    """Keyword and pattern hits, one entry per hit, as parallel arrays.

    Sorted by text, then code (codebook order), then start offset, longest hit first; hits
    contained in another hit of the same code and text are already removed.

    Attributes
    ----------
    unit, code, start, end, rule, evidence : ndarray of int64
        Index of the text, index of the code in ``codebook.codes``, character offsets in the
        text, index into :attr:`KeywordMatcher.rules` (the keyword as written, or
        ``/pattern/``) and into :attr:`KeywordMatcher.evidence` (the keyword as written, or
        the text a pattern matched).
    """

    unit: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rule: np.ndarray
    evidence: np.ndarray

    def __len__(self) -> int:
        return len(self.unit)


def empty_hits() -> Hits:
    """No hits."""
    z = np.zeros(0, dtype=np.int64)
    return Hits(z, z, z, z, z, z)
