"""Tables of the Word appendix: the page's text width, column widths, header rows, captions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from qualcode.errors import QualcodeError
from qualcode.exchange.docx.fields import add_simple_field
from qualcode.exchange.docx.runs import append_xml, cell_xml, clean_text

__all__ = [
    "ATTRIBUTE_CODE_CM",
    "ATTRIBUTE_VALUE_CM",
    "CODEBOOK_WIDTHS",
    "FREQUENCY_WIDTHS",
    "MARGIN_CM",
    "TABLE_FONT_PT",
    "TABLE_STYLE",
    "TRANSCRIPT_STYLE",
    "TRANSCRIPT_WIDTHS",
    "TWIPS_PER_CM",
    "Captions",
    "add_rows",
    "column_twips",
    "header_table",
    "set_prop",
    "text_width_twips",
]

#: table styles of the default Word template used here
TRANSCRIPT_STYLE = "Table Grid"
TABLE_STYLE = "Light Grid Accent 1"
#: page margins (cm) on every side of the A4 page
MARGIN_CM = 2.54
#: column widths (cm) of the tables; ``None`` is the text column, which takes the rest of the
#: text width (the page width less the margins), so that every table spans the text width
CODEBOOK_WIDTHS: tuple[float | None, ...] = (2.0, 3.0, None, 4.0)  # Tema, Kode, Definisi, Contoh
TRANSCRIPT_WIDTHS: tuple[float | None, ...] = (1.0, 2.5, None, 3.0)  # No, Pembicara, Teks, Kode
FREQUENCY_WIDTHS: tuple[float | None, ...] = (None, 2.0, 3.5, 3.0)  # Kode, Giliran, %, Wawancara
#: code x attribute tables: at most this width (cm) per value, at least this for the code column
ATTRIBUTE_VALUE_CM = 3.2
ATTRIBUTE_CODE_CM = 4.5
#: font size (points) of table text, set in the table styles (body text is 11 pt)
TABLE_FONT_PT = 10
TWIPS_PER_CM = 1440 / 2.54
TWIPS_PER_EMU = 1 / 635


class Captions:
    """Numbered captions: "Table 1: ..." with a SEQ field, style Caption."""

    def __init__(self, doc: DocumentObject, t: dict[str, str]) -> None:
        self.doc, self.t = doc, t
        self.count = {"Table": 0, "Figure": 0}

    def add(self, kind: str, text: str) -> Paragraph:
        """Add the next caption of ``kind`` ("Table" or "Figure") saying ``text``."""
        self.count[kind] += 1
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = kind == "Table"  # a table's caption stays with it
        p.add_run(f"{self.t['table' if kind == 'Table' else 'figure']} ")
        add_simple_field(p, f"SEQ {kind} \\* ARABIC", str(self.count[kind]))
        p.add_run(f": {clean_text(text)}")
        return p


def text_width_twips(doc: DocumentObject) -> int:
    """The usable width of the page (page width less the left and right margins) in twips."""
    section = doc.sections[-1]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    return round(width * TWIPS_PER_EMU)


def column_twips(widths: Iterable[float | None], total: int) -> list[int]:
    """Column widths in twips that sum to ``total``: the ``None`` column takes the rest.

    Without a ``None`` column the widths are scaled to ``total``.
    """
    widths = list(widths)
    fixed = [round(w * TWIPS_PER_CM) for w in widths if w is not None]
    if None in widths:
        rest = total - sum(fixed)
        if rest <= 0:
            msg = f"the fixed columns ({sum(fixed)} twips) do not fit the text width {total}"
            raise QualcodeError(msg)
        return [rest if w is None else round(w * TWIPS_PER_CM) for w in widths]
    scaled = [round(f * total / sum(fixed)) for f in fixed]
    scaled[-1] += total - sum(scaled)
    return scaled


def set_prop(parent: Any, tag: str, **attrs: str) -> Any:
    """Replace the child ``tag`` of ``parent`` with a new one carrying ``attrs`` (w: names)."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def header_table(
    doc: DocumentObject, headers: list[str], widths: Iterable[float | None], style: str
) -> tuple[Table, list[int]]:
    """A table with a repeating header row and fixed column widths spanning the text width.

    The widths are written everywhere Word and LibreOffice look for them: the table width
    (``w:tblW``), fixed layout (``w:tblLayout``), the grid (``w:gridCol``) and each cell
    (``w:tcW``, also in the rows :func:`add_rows` appends).
    """
    twips = column_twips(widths, text_width_twips(doc))
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles[style]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout type="fixed"
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:  # schema order: right after tblStyle, before jc and tblLayout
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.find(qn("w:tblStyle")).addnext(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(twips)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, width in zip(table.columns, twips, strict=True):
        col.width = Twips(width)
    for cell, head, width in zip(table.rows[0].cells, headers, twips, strict=True):
        cell.width = Twips(width)
        cell.paragraphs[0].add_run(head).bold = True
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    set_prop(tr_pr, "w:cantSplit", val="true")
    set_prop(tr_pr, "w:tblHeader", val="true")  # repeated at the top of each page
    return table, twips


def add_rows(
    table: Table,
    rows: list[list[str | list[str]]],
    twips: list[int],
    *,
    keep: list[bool] | None = None,
) -> None:
    """Append rows of pre-built run XML (per cell: one paragraph's runs or a list of them).

    ``keep`` marks rows that must not break across pages.
    """
    keep_row = '<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>'
    fragments = [
        (keep_row if keep is not None and keep[i] else "<w:tr>")
        + "".join(cell_xml(c, w) for c, w in zip(row, twips, strict=True))
        + "</w:tr>"
        for i, row in enumerate(rows)
    ]
    append_xml(table._tbl, fragments, "tbl")
