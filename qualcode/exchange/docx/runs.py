"""WordprocessingML written as text: runs, cells and rows, parsed in blocks into the document.

Large transcript and segment sections are written this way (one parse per block of rows)
because building tens of thousands of cells through python-docx's object API is slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pandas as pd
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from qualcode import reports
from qualcode.codingframe import object_values

__all__ = [
    "append_xml",
    "body_append",
    "cell_xml",
    "clean_text",
    "marked_runs",
    "objects",
    "reflow_paragraphs",
    "run_xml",
]

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_PARSE = 2000


def clean_text(text: object) -> str:
    """Text safe for XML (control characters removed)."""
    if text is None or text is pd.NA or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _ILLEGAL_XML.sub("", str(text))


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def reflow_paragraphs(text: object) -> list[str]:
    """Split codebook text into paragraphs, undoing the hard line breaks of YAML blocks.

    A single newline inside a paragraph becomes a space; one or more blank lines separate
    paragraphs. Empty paragraphs are dropped.

    Parameters
    ----------
    text : str
        Text as written in the codebook (e.g. a ``|-`` block).

    Returns
    -------
    list of str
        The paragraphs, each on one line.

    Examples
    --------
    >>> reflow_paragraphs("Getting to know\nthe client.\n\nThesis: ...")
    ['Getting to know the client.', 'Thesis: ...']
    """
    cleaned = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    found = (_LINE_BREAK.sub(" ", part).strip() for part in _BLANK_LINE.split(cleaned))
    return [part for part in found if part]


def objects(series: pd.Series) -> list[object]:
    """Values as Python objects, missing -> None (iterating Arrow strings is slow)."""
    return list(object_values(series))


def run_xml(
    text: str,
    *,
    bold: bool = False,
    highlight: bool = False,
    italic: bool = False,
    size: int | None = None,
) -> str:
    props = ""
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    if highlight:
        props += '<w:highlight w:val="yellow"/>'
    if size is not None:
        props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(clean_text(text))}</w:t></w:r>'


def marked_runs(text: str, spans: Iterable[tuple[int, int]], *, italic: bool = False) -> str:
    pieces, last = [], 0
    for start, end in reports.merge_spans(spans, len(text)):
        if start > last:
            pieces.append(run_xml(text[last:start], italic=italic))
        pieces.append(run_xml(text[start:end], bold=True, highlight=True, italic=italic))
        last = end
    if last < len(text) or not pieces:
        pieces.append(run_xml(text[last:], italic=italic))
    return "".join(pieces)


_CELL_P = "<w:p>"
_CELL_P_SPACED = '<w:p><w:pPr><w:spacing w:after="80"/></w:pPr>'


def cell_xml(content: str | list[str], twips: int) -> str:
    """A table cell of width ``twips``; ``content`` is the runs of one paragraph or a list."""
    paragraphs = [content] if isinstance(content, str) else content or [""]
    last = len(paragraphs) - 1
    body = "".join(
        f"{_CELL_P if i == last else _CELL_P_SPACED}{runs}</w:p>"
        for i, runs in enumerate(paragraphs)
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr>{body}</w:tc>'


def append_xml(parent: object, fragments: list[str], wrapper: str) -> None:
    """Parse ``fragments`` inside a ``wrapper`` element and move the children to ``parent``."""
    for i in range(0, len(fragments), _ROWS_PER_PARSE):
        chunk = "".join(fragments[i : i + _ROWS_PER_PARSE])
        holder = parse_xml(f"<w:{wrapper} {nsdecls('w')}>{chunk}</w:{wrapper}>")
        for child in list(holder):
            parent.append(child)  # type: ignore[attr-defined]


def body_append(doc: DocumentObject, fragments: list[str]) -> None:
    """Append paragraphs (XML) to the body, before the final section properties."""
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    for i in range(0, len(fragments), _ROWS_PER_PARSE):
        chunk = "".join(fragments[i : i + _ROWS_PER_PARSE])
        holder = parse_xml(f"<w:body {nsdecls('w')}>{chunk}</w:body>")
        for child in list(holder):
            if sect is not None:
                sect.addprevious(child)
            else:
                body.append(child)
