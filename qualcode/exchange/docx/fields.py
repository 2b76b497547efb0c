"""Word fields that every viewer shows: page numbers, caption numbers and a filled-in contents.

A Word field has an instruction (``TOC``, ``SEQ Table``, ``PAGE``) and a result, the text shown
until the field is updated. Word updates fields when asked; LibreOffice's conversion to PDF,
Word's protected view, Google Docs and scripts that read the text show the stored result only.
So every field written here carries the result it would compute: the caption's number, and for
the table of contents one entry per heading (levels 1-3), each a hyperlink to a bookmark on its
heading. The contents stay a ``TOC`` field, so Word can refresh it and add page numbers.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

__all__ = [
    "TOC_INSTR",
    "add_complex_field",
    "add_simple_field",
    "add_toc",
    "fill_toc",
    "update_fields_on_open",
]

#: the table of contents field: heading levels 1-3, hyperlinks, no page numbers in web view
TOC_INSTR = 'TOC \\o "1-3" \\h \\z \\u'
#: heading style ids and their level in the contents
_HEADING_LEVELS = {"Heading1": 1, "Heading2": 2, "Heading3": 3}
#: indent (cm) per contents level
_TOC_INDENT_CM = 0.6


def add_simple_field(paragraph: Paragraph, instr: str, shown: str = "1") -> None:
    """Append a Word field (``w:fldSimple``) whose stored result is ``shown``."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _char_run(kind: str, *, dirty: bool = False) -> Any:
    run = OxmlElement("w:r")
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    if dirty:
        fld.set(qn("w:dirty"), "true")
    run.append(fld)
    return run


def add_complex_field(paragraph: Paragraph, instr: str, shown: str) -> None:
    """Append a complex field (begin, instruction, separate, shown text, end), marked dirty."""
    paragraph._p.append(_char_run("begin", dirty=True))
    run = OxmlElement("w:r")
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    run.append(instr_el)
    paragraph._p.append(run)
    paragraph._p.append(_char_run("separate"))
    shown_run = OxmlElement("w:r")
    shown_text = OxmlElement("w:t")
    shown_text.text = shown
    shown_run.append(shown_text)
    paragraph._p.append(shown_run)
    paragraph._p.append(_char_run("end"))


def update_fields_on_open(doc: DocumentObject) -> None:
    """Ask Word to update the fields (page numbers in the contents) when it opens the file."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _toc_styles(doc: DocumentObject) -> None:
    """Word's built-in "toc 1" to "toc 3" paragraph styles (missing from the default template)."""
    names = {s.name for s in doc.styles}
    for level in (1, 2, 3):
        name = f"toc {level}"
        if name in names:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Cm(_TOC_INDENT_CM * (level - 1))
        style.paragraph_format.space_after = Cm(0.1)
        style.font.bold = level == 1


def add_toc(doc: DocumentObject) -> Paragraph:
    """Add the paragraph the contents go into; :func:`fill_toc` writes them at the end."""
    _toc_styles(doc)
    return doc.add_paragraph(style="toc 1")


def _heading_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def fill_toc(doc: DocumentObject, placeholder: Paragraph, *, empty: str) -> int:
    """Bookmark each heading (levels 1-3) and write the contents as a filled-in TOC field.

    Parameters
    ----------
    doc : Document
        The finished document.
    placeholder : Paragraph
        The paragraph of :func:`add_toc`; it is replaced by the contents.
    empty : str
        Shown when the document has no headings.

    Returns
    -------
    int
        The number of entries written.
    """
    entries: list[tuple[int, str, str]] = []
    body = doc.element.body
    for p in body.iterchildren(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        level = _HEADING_LEVELS.get(style.get(qn("w:val")) if style is not None else "")
        if level is None:
            continue
        text = _heading_text(p)
        if not text.strip():
            continue
        n = len(entries) + 1
        anchor = f"_Toc{n:08d}"
        start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{n}" w:name="{anchor}"/>')
        end = parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{n}"/>')
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)
        entries.append((level, anchor, text))
    style_ids = {s.name: s.style_id for s in doc.styles}
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(TOC_INSTR)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    finish = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    paragraphs = []
    items = entries or [(1, "", empty)]
    for i, (level, anchor, text) in enumerate(items):
        runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        if anchor:
            runs = f'<w:hyperlink w:anchor="{anchor}" w:history="1">{runs}</w:hyperlink>'
        head = begin if i == 0 else ""
        tail = finish if i == len(items) - 1 else ""
        style = style_ids[f"toc {level}"]
        paragraphs.append(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            f"{head}{runs}{tail}</w:p>"
        )
    anchor_el = placeholder._p
    for xml in paragraphs:
        element = parse_xml(xml)
        anchor_el.addprevious(element)
    anchor_el.getparent().remove(anchor_el)
    return len(entries)
