"""GUIDs for REFI-QDA: stable ones to write, and the spellings other tools use, to read.

Every element qualcode writes gets a name-based UUID (version 5) from a namespace and a key that
says what the element is (``code\\x1fretain``, ``coding\\x1f<turn id>\\x1f<code>\\x1f<coder>...``),
so exporting the same project twice gives the same GUIDs and another tool sees the same codes,
sources and codings again rather than new ones.
"""

from __future__ import annotations

import hashlib
import re
import uuid

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
    # uuid.uuid5 without building UUID objects (a third of the export time for a million
    # codings): SHA-1 of namespace + name, version and variant bits set, as RFC 4122 says
    digest = bytearray(hashlib.sha1(namespace.bytes + key.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


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
