"""GUIDs for REFI-QDA: stable ones to write, and the spellings other tools use, to read.

Every element qualcode writes gets a name-based UUID (version 5) from a namespace and a key that
says what the element is (``code\\x1fretain``, ``coding\\x1f<turn id>\\x1f<code>\\x1f<coder>...``),
so exporting the same project twice gives the same GUIDs and another tool sees the same codes,
sources and codings again rather than new ones.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

__all__ = ["NAMESPACE", "is_guid", "make_guid", "normalize_guid"]

#: the default namespace of qualcode's GUIDs (itself derived, so it is reproducible)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/qualcode/qualcode#refi-qda")

_GUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SEP = "\x1f"  # unit separator: never part of a name, so keys cannot run together


def make_guid(namespace: uuid.UUID, kind: str, *parts: object) -> str:
    """Return the GUID of the element of ``kind`` named by ``parts`` (lower case, no braces).

    Examples
    --------
    >>> make_guid(NAMESPACE, "code", "retain") == str(uuid.uuid5(NAMESPACE, "code\x1fretain"))
    True
    """
    key = _SEP.join([kind, *map(str, parts)])
    # uuid.uuid5 without building UUID objects (it was a third of the export time for a million
    # codings): SHA-1 of namespace + name, then the version (5) and variant (10xx) bits
    h = hashlib.sha1(_prefix(namespace) + key.encode("utf-8")).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


@functools.lru_cache(maxsize=16)
def _prefix(namespace: uuid.UUID) -> bytes:
    return namespace.bytes


def normalize_guid(value: str | None) -> str:
    """Return a GUID as qualcode compares them: lower case, braces and spaces removed.

    Exporters write ``{9F3A...}``, upper case, or lower case; all mean the same element.
    A value that is not a GUID is kept (stripped, lower case) so references still match.

    Examples
    --------
    >>> normalize_guid("{9F3A0C1E-0000-4000-8000-00000000ABCD}")
    '9f3a0c1e-0000-4000-8000-00000000abcd'
    """
    if value is None:
        return ""
    return value.strip().strip("{}").strip().lower()


def is_guid(value: str) -> bool:
    """Is ``value`` (normalised) a GUID the REFI-QDA schema accepts?"""
    return _GUID_RE.fullmatch(value) is not None
