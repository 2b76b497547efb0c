"""The Word appendix: codebook, transcripts, coded segments and theme frequencies.

The document uses Word's own structure so that it drops into a thesis: heading styles
(Heading 1/2/3), a table of contents field that Word updates when the file is opened, page
numbers in the footer (a PAGE field), table styles and captions with SEQ fields, laid out like
the "Transkrip Wawancara" appendix of a thesis (No, speaker, text, codes).

Large transcript and segment sections are written as WordprocessingML directly (one parse per
block of rows) because building tens of thousands of cells through python-docx's object API
is slow.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from qualcode import reports
from qualcode.cases import attribute_names, case_attributes, case_of_turns, validate_cases
from qualcode.codebook import Codebook
from qualcode.codingframe import object_values, prepare
from qualcode.errors import QualcodeError
from qualcode.exchange._attributes import attribute_matrices, attribute_title
from qualcode.exchange._docx_fields import (
    TOC_INSTR as TOC_INSTR,
)
from qualcode.exchange._docx_fields import (
    add_simple_field,
    add_toc,
    fill_toc,
    update_fields_on_open,
)
from qualcode.exchange._i18n import texts
from qualcode.exchange._prepare import (
    CaseLabelsArg,
    PseudonymsArg,
    TitlesArg,
    prepare_inputs,
)
from qualcode.exchange.shown import shown_line, with_suggestion_captions
from qualcode.fileio import write_atomic
from qualcode.provenance import (
    KIND,
    SUGGESTED_TURNS,
    SUGGESTION,
    add_suggested_counts,
    coder_kinds,
    coding_kinds,
)
from qualcode.reports import (
    CODE_LABEL,
    INTERVIEWS,
    INTERVIEWS_TOTAL,
    SHARE,
    SPANS,
    THEME,
    THEME_LABEL,
    TURNS,
    Selection,
)
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    MODEL_CODER,
    POSITION,
    RULES_CODER,
    SCORE,
    SPEAKER,
    TEXT,
    TURN_ID,
    validate_codings,
    validate_turns,
)

logger = logging.getLogger(__name__)

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
#: font size (half points) of the keyword list in the codebook table
_KEYWORD_SIZE = 16
#: transcript rows with less text than this are kept on one page (longer ones may split)
_KEEP_ROW_CHARS = 350
_TWIPS_PER_CM = 1440 / 2.54
_TWIPS_PER_EMU = 1 / 635

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_PARSE = 2000


def _clean(text: object) -> str:
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
    cleaned = _clean(text).replace("\r\n", "\n").replace("\r", "\n")
    found = (_LINE_BREAK.sub(" ", part).strip() for part in _BLANK_LINE.split(cleaned))
    return [part for part in found if part]


def _objects(series: pd.Series) -> list[object]:
    """Values as Python objects, missing -> None (iterating Arrow strings is slow)."""
    return list(object_values(series))


class _Captions:
    """Numbered captions: "Table 1: ..." with a SEQ field, style Caption."""

    def __init__(self, doc: DocumentObject, t: dict[str, str]) -> None:
        self.doc, self.t = doc, t
        self.count = {"Table": 0, "Figure": 0}

    def add(self, kind: str, text: str) -> Paragraph:
        self.count[kind] += 1
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = kind == "Table"  # a table's caption stays with it
        p.add_run(f"{self.t['table' if kind == 'Table' else 'figure']} ")
        add_simple_field(p, f"SEQ {kind} \\* ARABIC", str(self.count[kind]))
        p.add_run(f": {_clean(text)}")
        return p


# --- raw XML helpers ---------------------------------------------------------------------
def _run_xml(
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
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(_clean(text))}</w:t></w:r>'


def _marked_runs(text: str, spans: Iterable[tuple[int, int]], *, italic: bool = False) -> str:
    pieces, last = [], 0
    for start, end in reports.merge_spans(spans, len(text)):
        if start > last:
            pieces.append(_run_xml(text[last:start], italic=italic))
        pieces.append(_run_xml(text[start:end], bold=True, highlight=True, italic=italic))
        last = end
    if last < len(text) or not pieces:
        pieces.append(_run_xml(text[last:], italic=italic))
    return "".join(pieces)


_CELL_P = "<w:p>"
_CELL_P_SPACED = '<w:p><w:pPr><w:spacing w:after="80"/></w:pPr>'


def _cell_xml(content: str | list[str], twips: int) -> str:
    """A table cell of width ``twips``; ``content`` is the runs of one paragraph or a list."""
    paragraphs = [content] if isinstance(content, str) else content or [""]
    last = len(paragraphs) - 1
    body = "".join(
        f"{_CELL_P if i == last else _CELL_P_SPACED}{runs}</w:p>"
        for i, runs in enumerate(paragraphs)
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr>{body}</w:tc>'


def _append_xml(parent: object, fragments: list[str], wrapper: str) -> None:
    """Parse ``fragments`` inside a ``wrapper`` element and move the children to ``parent``."""
    for i in range(0, len(fragments), _ROWS_PER_PARSE):
        chunk = "".join(fragments[i : i + _ROWS_PER_PARSE])
        holder = parse_xml(f"<w:{wrapper} {nsdecls('w')}>{chunk}</w:{wrapper}>")
        for child in list(holder):
            parent.append(child)  # type: ignore[attr-defined]


def _body_append(doc: DocumentObject, fragments: list[str]) -> None:
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


def text_width_twips(doc: DocumentObject) -> int:
    """The usable width of the page (page width less the left and right margins) in twips."""
    section = doc.sections[-1]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    return round(width * _TWIPS_PER_EMU)


def column_twips(widths: Iterable[float | None], total: int) -> list[int]:
    """Column widths in twips that sum to ``total``: the ``None`` column takes the rest.

    Without a ``None`` column the widths are scaled to ``total``.
    """
    widths = list(widths)
    fixed = [round(w * _TWIPS_PER_CM) for w in widths if w is not None]
    if None in widths:
        rest = total - sum(fixed)
        if rest <= 0:
            msg = f"the fixed columns ({sum(fixed)} twips) do not fit the text width {total}"
            raise QualcodeError(msg)
        return [rest if w is None else round(w * _TWIPS_PER_CM) for w in widths]
    scaled = [round(f * total / sum(fixed)) for f in fixed]
    scaled[-1] += total - sum(scaled)
    return scaled


def _set_prop(parent: Any, tag: str, **attrs: str) -> Any:
    """Replace the child ``tag`` of ``parent`` with a new one carrying ``attrs`` (w: names)."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def _header_table(
    doc: DocumentObject, headers: list[str], widths: Iterable[float | None], style: str
) -> tuple[Table, list[int]]:
    """A table with a repeating header row and fixed column widths spanning the text width.

    The widths are written everywhere Word and LibreOffice look for them: the table width
    (``w:tblW``), fixed layout (``w:tblLayout``), the grid (``w:gridCol``) and each cell
    (``w:tcW``, also in the rows :func:`_add_rows` appends).
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
    _set_prop(tr_pr, "w:cantSplit", val="true")
    _set_prop(tr_pr, "w:tblHeader", val="true")  # repeated at the top of each page
    return table, twips


def _add_rows(
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
        + "".join(_cell_xml(c, w) for c, w in zip(row, twips, strict=True))
        + "</w:tr>"
        for i, row in enumerate(rows)
    ]
    _append_xml(table._tbl, fragments, "tbl")


# --- sections ----------------------------------------------------------------------------
def _setup(doc: DocumentObject, t: dict[str, str], title: str | None) -> Paragraph:
    """Page, styles, footer, title and the contents' place (returned, filled at the end)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    # body text is 11 pt through the document defaults, not the Normal style, so that the
    # table styles' smaller size applies in table cells (a paragraph style would override it)
    doc.styles["Normal"].font.size = None
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_prop(run_defaults, "w:sz", val="22")  # 11 pt
    for style in (TABLE_STYLE, TRANSCRIPT_STYLE):
        doc.styles[style].font.size = Pt(TABLE_FONT_PT)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{t['page']} ")
    add_simple_field(footer, "PAGE", "1")
    doc.core_properties.title = title or t["appendix"]
    doc.add_heading(title or t["appendix"], level=0)
    doc.add_paragraph(t["contents"], style="TOC Heading")
    toc = add_toc(doc)
    update_fields_on_open(doc)  # Word then adds the page numbers
    doc.add_page_break()
    return toc


def _codebook_section(
    doc: DocumentObject, codebook: Codebook, meta: pd.DataFrame, t: dict[str, str], cap: _Captions
) -> None:
    doc.add_heading(t["codebook"], level=1)
    for paragraph in reflow_paragraphs(codebook.description):
        doc.add_paragraph(paragraph)
    cap.add("Table", t["caption_codebook"])
    headers = [t["theme"], t["code"], t["definition"], t["examples"]]
    table, twips = _header_table(doc, headers, CODEBOOK_WIDTHS, TABLE_STYLE)
    rows: list[list[str | list[str]]] = []
    for code_name, row in meta.iterrows():
        code = codebook.code(str(code_name)) if code_name in codebook.code_names else None
        theme = row[THEME_LABEL] or t["other_theme"]
        name_runs = _run_xml(row[CODE_LABEL], bold=True)
        if row[CODE_LABEL] != code_name:
            name_runs += _run_xml(f" ({code_name})")
        definition: list[str] = []
        examples: list[str] = []
        if code is not None:
            definition = [_run_xml(part) for part in reflow_paragraphs(code.description)]
            for key, note in (("include", code.include), ("exclude", code.exclude)):
                for i, part in enumerate(reflow_paragraphs(note)):
                    label = _run_xml(f"{t[key]}: ", italic=True) if i == 0 else ""
                    definition.append(label + _run_xml(part))
            if code.keywords:
                definition.append(
                    _run_xml(f"{t['keywords']}: ", italic=True, size=_KEYWORD_SIZE)
                    # "=word" (exact form only) is codebook notation, not for the reader
                    + _run_xml(", ".join(k.lstrip("=") for k in code.keywords), size=_KEYWORD_SIZE)
                )
            for example in code.examples:
                parts = reflow_paragraphs(example)
                if parts:
                    examples.append(_run_xml(f"“{' '.join(parts)}”", italic=True))
        rows.append([_run_xml(theme), name_runs, definition, examples])
    _add_rows(table, rows, twips)


def _transcripts_section(
    doc: DocumentObject,
    turns: pd.DataFrame,
    codes_of_turn: pd.Series,
    t: dict[str, str],
    cap: _Captions,
) -> None:
    doc.add_heading(t["transcripts"], level=1)
    headers = [t["no"], t["speaker"], t["text"], t["codes"]]
    for interview, group in turns.groupby(INTERVIEW, sort=False):
        doc.add_heading(_clean(interview), level=2)
        cap.add("Table", t["caption_transcript"].format(interview=interview))
        table, twips = _header_table(doc, headers, TRANSCRIPT_WIDTHS, TRANSCRIPT_STYLE)
        codes = codes_of_turn.reindex(group[TURN_ID]).fillna("").to_numpy()
        rows: list[list[str | list[str]]] = []
        keep: list[bool] = []
        for pos, spk, txt, cds in zip(
            _objects(group[POSITION].astype("string").fillna("")),
            _objects(group[SPEAKER].astype("string").fillna("")),
            _objects(group[TEXT].fillna("")),
            codes,
            strict=True,
        ):
            text = str(txt)
            rows.append(
                [_run_xml(str(pos)), _run_xml(str(spk)), _run_xml(text), _run_xml(str(cds))]
            )
            keep.append(len(text) < _KEEP_ROW_CHARS)
        _add_rows(table, rows, twips, keep=keep)


def _merge_coders(seg: pd.DataFrame) -> pd.DataFrame:
    """One segment per code and turn; coders listed, spans pooled, best score kept."""
    firsts = [THEME, THEME_LABEL, CODE_LABEL, INTERVIEW, POSITION, SPEAKER, TEXT]
    if seg.empty:
        return seg[[CODE, TURN_ID, *firsts, SCORE, SPANS]].assign(coders=pd.Series(dtype="string"))
    cols = {c: object_values(seg[c]) for c in seg.columns}
    keys = list(zip(cols[CODE], cols[TURN_ID], strict=True))
    first: dict[tuple[str, str], int] = {}
    coders: dict[tuple[str, str], list[str]] = {}
    spans: dict[tuple[str, str], list[str]] = {}
    score: dict[tuple[str, str], float] = {}
    for i, key in enumerate(keys):
        if key not in first:
            first[key] = i
            coders[key], spans[key], score[key] = [], [], float("nan")
        coders[key].append(str(cols[CODER][i]))
        if cols[SPANS][i]:
            spans[key].append(str(cols[SPANS][i]))
        value = cols[SCORE][i]
        if value is not None and value == value and not value <= score[key]:
            score[key] = float(value)
    rows = list(first.values())
    merged = seg.iloc[rows][[CODE, TURN_ID, *firsts]].reset_index(drop=True)
    merged[SCORE] = [score[k] for k in first]
    merged["coders"] = [", ".join(dict.fromkeys(coders[k])) for k in first]
    kinds = cols.get(KIND)
    open_ = (
        {key for key, kind in zip(keys, kinds, strict=True) if kind == SUGGESTION}
        if kinds is not None
        else set()
    )
    merged[SUGGESTION] = [k in open_ for k in first]
    merged[SPANS] = ["; ".join(spans[k]) for k in first]
    return merged


def cite(
    who: str,
    interview: str,
    position: object,
    coders: str,
    t: Mapping[str, str],
    *,
    suggested: bool = False,
) -> str:
    """A quote's reference as a thesis cites an informant: who, interview, turn, and by whom.

    ``who`` is the case (or the speaker); the interview is left out where it is named like
    the case. Machine coders (``rules``, ``model``) read "coded automatically", or with
    ``suggested`` (a suggestion nobody reviewed, :mod:`qualcode.provenance`) "suggestion, not
    yet reviewed".

    Examples
    --------
    >>> cite("Narasumber 2", "Narasumber 2", 7, "rules", texts("id"))
    'Narasumber 2, giliran 7; dikodekan otomatis'
    """
    if who == interview or not interview:
        source = t["source_short"].format(who=who, position=position)
    else:
        source = t["source"].format(who=who, interview=interview, position=position)
    names = [c for c in dict.fromkeys(coders.split(", ")) if c]
    people = [c for c in names if c not in (RULES_CODER, MODEL_CODER)]
    parts = [t["coded_by"].format(coders=", ".join(people))] if people else []
    if len(people) < len(names):
        parts.append(t["coded_suggestion" if suggested else "coded_auto"])
    return "; ".join([source, *parts])


def _segments_section(
    doc: DocumentObject,
    seg: pd.DataFrame,
    meta: pd.DataFrame,
    t: dict[str, str],
    case_of: Mapping[str, str],
) -> None:
    doc.add_heading(t["segments"], level=1)
    merged = _merge_coders(seg)
    by_code = {code: g for code, g in merged.groupby(CODE, sort=False)} if len(merged) else {}
    theme_of = meta[THEME]
    for theme in dict.fromkeys(theme_of):
        codes = [c for c in meta.index if theme_of[c] == theme]
        if not any(c in by_code for c in codes):
            continue
        label = meta.loc[codes[0], THEME_LABEL] or t["other_theme"]
        doc.add_heading(_clean(label), level=2)
        for code in codes:
            if code not in by_code:
                continue
            doc.add_heading(_clean(meta.at[code, CODE_LABEL]), level=3)
            fragments = []
            group = by_code[code]
            columns = (TEXT, SPANS, INTERVIEW, SPEAKER, POSITION, "coders", TURN_ID, SUGGESTION)
            for text, spans, interview, speaker, position, coders, turn_id, open_ in zip(
                *(_objects(group[c]) for c in columns), strict=True
            ):
                runs = _marked_runs(str(text), reports.parse_spans(spans), italic=False)
                # the quote is kept on the page of its source line
                quote = '<w:p><w:pPr><w:pStyle w:val="Quote"/><w:keepNext/></w:pPr>'
                fragments.append(f"{quote}{runs}</w:p>")
                who = case_of.get(str(turn_id)) or str(speaker)
                source = cite(
                    who, str(interview or ""), position, str(coders), t, suggested=bool(open_)
                )
                fragments.append(
                    '<w:p><w:pPr><w:jc w:val="right"/><w:spacing w:after="200"/></w:pPr>'
                    f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">'
                    f"({escape(_clean(source))})</w:t></w:r></w:p>"
                )
            _body_append(doc, fragments)
    if merged.empty:
        doc.add_paragraph(t["no_segments"])


def _frequency_section(
    doc: DocumentObject,
    code_freq: pd.DataFrame,
    theme_freq: pd.DataFrame,
    codebook: Codebook,
    t: dict[str, str],
    cap: _Captions,
    *,
    chart: bool,
    chart_png: bytes | None,
) -> None:
    doc.add_heading(t["frequencies"], level=1)
    cap.add("Table", t["caption_frequencies"])
    headers = [t["code"], t["turns"], t["share"], t["interviews"]]
    widths = FREQUENCY_WIDTHS
    # with suggestions nobody reviewed, a column says how many turns only they count
    suggested = SUGGESTED_TURNS in code_freq.columns and SUGGESTED_TURNS in theme_freq.columns
    if suggested:
        headers.insert(2, t["suggested_turns"])
        widths = (*FREQUENCY_WIDTHS[:2], 2.5, *FREQUENCY_WIDTHS[2:])
    table, twips = _header_table(doc, headers, widths, TABLE_STYLE)

    def cells(row: pd.Series, label: str, *, bold: bool) -> list[str | list[str]]:
        share = "" if pd.isna(row[SHARE]) else f"{row[SHARE]:.1%}"
        presence = t["of"].format(n=row[INTERVIEWS], total=row[INTERVIEWS_TOTAL])
        extra = [_run_xml(str(row[SUGGESTED_TURNS]), bold=bold)] if suggested else []
        return [
            _run_xml(label, bold=bold),
            _run_xml(str(row[TURNS]), bold=bold),
            *extra,
            _run_xml(share, bold=bold),
            _run_xml(presence, bold=bold),
        ]

    rows: list[list[str | list[str]]] = []
    themes = theme_freq.set_index(THEME)
    for theme, group in code_freq.groupby(THEME, sort=False):
        label = themes.at[theme, THEME_LABEL] or t["other_theme"]
        theme_row = themes.loc[str(theme)]
        assert isinstance(theme_row, pd.Series)
        rows.append(cells(theme_row, t["all_codes"].format(theme=label), bold=True))
        rows += [cells(row, "    " + row[CODE_LABEL], bold=False) for _, row in group.iterrows()]
    _add_rows(table, rows, twips)
    if chart and len(code_freq):
        png = chart_png
        if png is None:
            from qualcode import plots

            png = plots.render_chart(
                plots.plot_theme_frequencies,
                code_freq,
                format="png",
                dpi=200,
                codebook=codebook,
                lang=t["lang"],
            )
        assert png is not None
        doc.add_paragraph()
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
        cap.add("Figure", t["caption_chart"])


def _attributes_section(
    doc: DocumentObject, tables: Mapping[str, pd.DataFrame], t: dict[str, str], cap: _Captions
) -> None:
    """The cases with their attributes, then one code x value matrix per attribute."""
    cases = tables["cases"]
    doc.add_heading(t["attributes"], level=1)
    cap.add("Table", t["caption_cases"])
    headers = [t["case"], *(attribute_title(str(c)) for c in cases.columns[1:])]
    table, twips = _header_table(doc, headers, [1.0] * len(headers), TABLE_STYLE)
    rows: list[list[str | list[str]]] = [
        [_run_xml("" if v is None else str(v)) for v in values]
        for values in zip(*(_objects(cases[c]) for c in cases.columns), strict=True)
    ]
    _add_rows(table, rows, twips)
    width_cm = text_width_twips(doc) / _TWIPS_PER_CM
    for matrix in attribute_matrices(tables, t):
        doc.add_heading(_clean(matrix.title), level=2)
        cap.add("Table", t["caption_attribute"].format(attribute=matrix.title))
        n_values = len(matrix.headers) - 1
        value_cm = min(ATTRIBUTE_VALUE_CM, (width_cm - ATTRIBUTE_CODE_CM) / max(n_values, 1))
        widths: list[float | None] = [None, *([value_cm] * n_values)]
        table, twips = _header_table(doc, matrix.headers, widths, TABLE_STYLE)
        rows = [
            [
                _run_xml(label if theme else "    " + label, bold=theme),
                *(_run_xml(cell, bold=theme) for cell in cells),
            ]
            for theme, label, cells in matrix.rows
        ]
        _add_rows(table, rows, twips)


def _codes_of_turns(codings: pd.DataFrame, meta: pd.DataFrame) -> pd.Series:
    """Code labels per turn id, in codebook order, comma-separated."""
    if codings.empty:
        return pd.Series(dtype="string")
    pairs = codings[[TURN_ID, CODE]].drop_duplicates()
    order = {c: i for i, c in enumerate(meta.index)}
    pairs = pairs.assign(_o=pairs[CODE].map(order), _l=pairs[CODE].map(meta[CODE_LABEL]))
    pairs = pairs.sort_values("_o", kind="stable")
    return pairs.groupby(TURN_ID, sort=False)["_l"].agg(", ".join)


def _case_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    cases: pd.DataFrame,
    attributes: Selection,
) -> dict[str, pd.DataFrame]:
    """The cases, code_by_attribute and theme_by_attribute tables of a report."""
    cases = validate_cases(cases)
    out = {"cases": case_attributes(cases)}
    if attribute_names(cases):
        for level in ("code", "theme"):
            out[f"{level}_by_attribute"] = reports.code_attribute_frequencies(
                turns, codings, cases, codebook, attributes=attributes, level=level
            )
    return out


def write_docx_appendix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    lang: str | None = None,
    coder: Selection = None,
    min_score: float | None = None,
    title: str | None = None,
    transcripts: bool = True,
    segments: bool = True,
    chart: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    chart_png: bytes | None = None,
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
) -> Path:
    """Write the Word appendix: codebook, transcripts, coded segments and theme frequencies.

    With ``cases`` it ends with the cases and their attributes and, per attribute, a table of
    codes against the attribute's values (coded turns, and cases with the code of the cases
    with the value).

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook
        Order, labels, definitions and examples of the codes.
    path : str or Path
        The .docx file to write (folders are created).
    lang : {"en", "id"}, optional
        Language of headings, captions and the codebook's labels and texts ("Lampiran",
        "Transkrip Wawancara", ... for "id"); default: the codebook's study language, else
        English. Texts the codebook lacks in it are taken from its study language, with one
        :class:`~qualcode.codebook.texts.MissingTextWarning`.
    coder : str or list of str, optional
        Whose codings to show (default: all coders; a segment lists who coded it).
    min_score : float, optional
        Leave out codings scored lower.
    title : str, optional
        Document title (default "Appendix" / "Lampiran").
    transcripts, segments, chart : bool, default True
        Include the transcript tables, the coded segments, the theme chart.
    tables : mapping of str to DataFrame, optional
        Tables already built by :func:`qualcode.reports.report_tables` with the same
        ``coder`` and ``min_score`` (``segments``, ``code_frequencies``,
        ``theme_frequencies`` are reused instead of computed again; with ``cases``, also
        ``cases``, ``code_by_attribute`` and ``theme_by_attribute``).
    cases : DataFrame, optional
        A cases table (:func:`qualcode.cases.read_cases`).
    attributes : str or list of str, optional
        The attributes to tabulate (default: all of them).
    chart_png : bytes, optional
        The theme chart as PNG, already drawn (``charts/theme_frequencies.png`` of
        :func:`qualcode.exchange.report.write_report` in the same language); default: drawn
        here at 200 dpi.
    pseudonyms : Pseudonyms or str or Path, optional
        Names to replace (:func:`qualcode.pseudonyms.read_pseudonyms`) in every text written;
        its ``counts`` say how many replacements were made.
    titles : bool or mapping of str to str, default True
        Name interviews by readable titles (:func:`qualcode.titles.interview_titles`; a
        cases table's ``title`` column, or titles by interview id given here); ``False``
        keeps the interview ids.
    case_labels : CaseLabels or str or Path, optional
        Labels of the cases' attributes and values per language
        (:func:`qualcode.case_labels.read_case_labels`).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> write_docx_appendix(turns, codings, codebook, "appendix.docx", lang="id")  # doctest: +SKIP
    PosixPath('appendix.docx')
    """
    p = Path(path)
    if p.suffix.lower() != ".docx":
        msg = f"the Word appendix must be a .docx file, got {p.name!r}"
        raise QualcodeError(msg)
    turns = validate_turns(turns)
    codings = validate_codings(codings)
    ready = prepare_inputs(
        turns,
        codings,
        codebook,
        cases=cases,
        lang=lang,
        pseudonyms=pseudonyms,
        titles=titles,
        case_labels=case_labels,
        attributes=attributes,
    )
    turns, codings, codebook, cases = ready.turns, ready.codings, ready.codebook, ready.cases
    attributes = ready.attributes
    t = texts(ready.lang)
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    meta = frame.meta
    kept = frame.codings
    t = with_suggestion_captions(t, kept)  # suggestions nobody reviewed are said to be so
    tables = tables or {}
    code_freq = tables.get("code_frequencies")
    if code_freq is None:
        code_freq = reports.code_frequencies(turns, kept, codebook)
    theme_freq = tables.get("theme_frequencies")
    if theme_freq is None:
        theme_freq = reports.theme_frequencies(turns, kept, codebook)
    if SUGGESTED_TURNS not in code_freq.columns and SUGGESTION in coder_kinds(kept).values():
        people = kept[coding_kinds(kept) != SUGGESTION]
        code_freq, theme_freq = code_freq.copy(), theme_freq.copy()
        add_suggested_counts(
            {"code_frequencies": code_freq, "theme_frequencies": theme_freq},
            {
                "code_frequencies": reports.code_frequencies(turns, people, codebook),
                "theme_frequencies": reports.theme_frequencies(turns, people, codebook),
            },
        )

    doc = Document()
    cap = _Captions(doc, t)
    toc = _setup(doc, t, title)
    doc.add_paragraph(shown_line(kept, t))
    _codebook_section(doc, codebook, meta, t, cap)
    if transcripts:
        _transcripts_section(doc, turns, _codes_of_turns(kept, meta), t, cap)
    if segments:
        seg = tables.get("segments")
        if seg is None:
            seg = reports.coded_segments(turns, kept, codebook)
        if KIND not in seg.columns:  # who made each coding (suggestions are cited as such)
            seg = seg.assign(**{KIND: seg[CODER].astype(str).map(coder_kinds(kept))})
        case_of: dict[str, str] = {}
        if cases is not None:
            found = case_of_turns(turns, validate_cases(cases), unmatched="ignore")
            case_of = {
                str(k): str(v)
                for k, v in zip(turns[TURN_ID], found, strict=True)
                if v is not None and not pd.isna(v)
            }
        _segments_section(doc, seg, meta, t, case_of)
    _frequency_section(
        doc, code_freq, theme_freq, codebook, t, cap, chart=chart, chart_png=chart_png
    )
    if cases is not None:
        if "cases" not in tables:
            tables = {**tables, **_case_tables(turns, kept, codebook, cases, attributes)}
        _attributes_section(doc, tables, t, cap)
    fill_toc(doc, toc, empty=t["toc_empty"])
    write_atomic(p, lambda tmp: doc.save(str(tmp)))
    logger.info("wrote Word appendix %s", p)
    return p
