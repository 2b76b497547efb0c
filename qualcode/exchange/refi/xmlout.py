"""Small helpers to write XML text a piece at a time.

A project of a million codings is a few hundred megabytes of XML: building an ElementTree for it
would take gigabytes, and :class:`xml.sax.saxutils.XMLGenerator` costs a method call and an
escape per attribute. The writers here format strings themselves; every value that is not a
GUID or an integer goes through :func:`attr` or :func:`text`, which escape it and drop the
characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

__all__ = ["attr", "clean", "element", "text"]

# characters XML 1.0 does not allow at all (C0 controls but tab, LF, CR; lone surrogates; FFFE/F)
_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """Drop the characters XML 1.0 cannot represent."""
    return _INVALID_RE.sub("", value)


def attr(value: object) -> str:
    """Return ``value`` as a quoted, escaped attribute value (newlines and tabs kept)."""
    return quoteattr(clean(str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def text(value: object) -> str:
    """Return ``value`` escaped as element text."""
    return escape(clean(str(value)))


def element(tag: str, content: str = "", **attrs: object) -> str:
    """Return ``<tag a="..">content</tag>`` (or ``<tag a=".."/>`` with no content).

    Attributes whose value is None are left out; ``content`` is inserted as given (escape it
    with :func:`text` first).
    """
    parts = "".join(f" {k}={attr(v)}" for k, v in attrs.items() if v is not None)
    if content:
        return f"<{tag}{parts}>{content}</{tag}>"
    return f"<{tag}{parts}/>"
