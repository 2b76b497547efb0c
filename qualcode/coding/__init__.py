"""Coding turns with a codebook: keyword rules (and, later, a classifier).

``KeywordCoder`` is imported lazily so that ``import qualcode.coding`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.coding.rules import KeywordCoder

__all__ = ["KeywordCoder"]


def __getattr__(name: str) -> Any:
    if name == "KeywordCoder":
        from qualcode.coding.rules import KeywordCoder

        return KeywordCoder
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
