"""The sections of the Word appendix: page setup, codebook, transcripts, frequencies, cases.

The coded segments, with their citations, are in :mod:`qualcode.exchange.docx.segments`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from qualcode.codebook import Codebook
from qualcode.exchange._attributes import attribute_matrices, attribute_title
from qualcode.exchange.docx.fields import add_simple_field, add_toc, update_fields_on_open
from qualcode.exchange.docx.runs import clean_text, objects, reflow_paragraphs, run_xml
from qualcode.exchange.docx.tables import (
    ATTRIBUTE_CODE_CM,
    ATTRIBUTE_VALUE_CM,
    CODEBOOK_WIDTHS,
    FREQUENCY_WIDTHS,
    MARGIN_CM,
    TABLE_FONT_PT,
    TABLE_STYLE,
    TRANSCRIPT_STYLE,
    TRANSCRIPT_WIDTHS,
    TWIPS_PER_CM,
    Captions,
    add_rows,
    header_table,
    set_prop,
    text_width_twips,
)
from qualcode.provenance import SUGGESTED_TURNS
from qualcode.reports import (
    CODE_LABEL,
    INTERVIEWS,
    INTERVIEWS_TOTAL,
    SHARE,
    THEME,
    THEME_LABEL,
    TURNS,
)
from qualcode.schema import INTERVIEW, POSITION, SPEAKER, TEXT, TURN_ID

__all__ = [
    "attributes_section",
    "codebook_section",
    "frequency_section",
    "setup_document",
    "transcripts_section",
]

#: font size (half points) of the keyword list in the codebook table
KEYWORD_SIZE = 16
#: transcript rows with less text than this are kept on one page (longer ones may split)
KEEP_ROW_CHARS = 350


def setup_document(doc: DocumentObject, t: dict[str, str], title: str | None) -> Paragraph:
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
    set_prop(run_defaults, "w:sz", val="22")  # 11 pt
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


def codebook_section(
    doc: DocumentObject, codebook: Codebook, meta: pd.DataFrame, t: dict[str, str], cap: Captions
) -> None:
    """The codebook: one row per code (theme, code, definition and keywords, examples)."""
    doc.add_heading(t["codebook"], level=1)
    for paragraph in reflow_paragraphs(codebook.description):
        doc.add_paragraph(paragraph)
    cap.add("Table", t["caption_codebook"])
    headers = [t["theme"], t["code"], t["definition"], t["examples"]]
    table, twips = header_table(doc, headers, CODEBOOK_WIDTHS, TABLE_STYLE)
    rows: list[list[str | list[str]]] = []
    for code_name, row in meta.iterrows():
        code = codebook.code(str(code_name)) if code_name in codebook.code_names else None
        theme = row[THEME_LABEL] or t["other_theme"]
        name_runs = run_xml(row[CODE_LABEL], bold=True)
        if row[CODE_LABEL] != code_name:
            name_runs += run_xml(f" ({code_name})")
        definition: list[str] = []
        examples: list[str] = []
        if code is not None:
            definition = [run_xml(part) for part in reflow_paragraphs(code.description)]
            for key, note in (("include", code.include), ("exclude", code.exclude)):
                for i, part in enumerate(reflow_paragraphs(note)):
                    label = run_xml(f"{t[key]}: ", italic=True) if i == 0 else ""
                    definition.append(label + run_xml(part))
            if code.keywords:
                definition.append(
                    run_xml(f"{t['keywords']}: ", italic=True, size=KEYWORD_SIZE)
                    # "=word" (exact form only) is codebook notation, not for the reader
                    + run_xml(", ".join(k.lstrip("=") for k in code.keywords), size=KEYWORD_SIZE)
                )
            for example in code.examples:
                parts = reflow_paragraphs(example)
                if parts:
                    examples.append(run_xml(f"“{' '.join(parts)}”", italic=True))
        rows.append([run_xml(theme), name_runs, definition, examples])
    add_rows(table, rows, twips)


def transcripts_section(
    doc: DocumentObject,
    turns: pd.DataFrame,
    codes_of_turn: pd.Series,
    t: dict[str, str],
    cap: Captions,
) -> None:
    """The transcripts: one table per interview (no, speaker, text, codes)."""
    doc.add_heading(t["transcripts"], level=1)
    headers = [t["no"], t["speaker"], t["text"], t["codes"]]
    for interview, group in turns.groupby(INTERVIEW, sort=False):
        doc.add_heading(clean_text(interview), level=2)
        cap.add("Table", t["caption_transcript"].format(interview=interview))
        table, twips = header_table(doc, headers, TRANSCRIPT_WIDTHS, TRANSCRIPT_STYLE)
        codes = codes_of_turn.reindex(group[TURN_ID]).fillna("").to_numpy()
        rows: list[list[str | list[str]]] = []
        keep: list[bool] = []
        for pos, spk, txt, cds in zip(
            objects(group[POSITION].astype("string").fillna("")),
            objects(group[SPEAKER].astype("string").fillna("")),
            objects(group[TEXT].fillna("")),
            codes,
            strict=True,
        ):
            text = str(txt)
            rows.append([run_xml(str(pos)), run_xml(str(spk)), run_xml(text), run_xml(str(cds))])
            keep.append(len(text) < KEEP_ROW_CHARS)
        add_rows(table, rows, twips, keep=keep)


def frequency_section(
    doc: DocumentObject,
    code_freq: pd.DataFrame,
    theme_freq: pd.DataFrame,
    codebook: Codebook,
    t: dict[str, str],
    cap: Captions,
    *,
    chart: bool,
    chart_png: bytes | None,
) -> None:
    """The code and theme frequencies table, and the theme chart."""
    doc.add_heading(t["frequencies"], level=1)
    cap.add("Table", t["caption_frequencies"])
    headers = [t["code"], t["turns"], t["share"], t["interviews"]]
    widths = FREQUENCY_WIDTHS
    # with suggestions nobody reviewed, a column says how many turns only they count
    suggested = SUGGESTED_TURNS in code_freq.columns and SUGGESTED_TURNS in theme_freq.columns
    if suggested:
        headers.insert(2, t["suggested_turns"])
        widths = (*FREQUENCY_WIDTHS[:2], 2.5, *FREQUENCY_WIDTHS[2:])
    table, twips = header_table(doc, headers, widths, TABLE_STYLE)

    def cells(row: pd.Series, label: str, *, bold: bool) -> list[str | list[str]]:
        share = "" if pd.isna(row[SHARE]) else f"{row[SHARE]:.1%}"
        presence = t["of"].format(n=row[INTERVIEWS], total=row[INTERVIEWS_TOTAL])
        extra = [run_xml(str(row[SUGGESTED_TURNS]), bold=bold)] if suggested else []
        return [
            run_xml(label, bold=bold),
            run_xml(str(row[TURNS]), bold=bold),
            *extra,
            run_xml(share, bold=bold),
            run_xml(presence, bold=bold),
        ]

    rows: list[list[str | list[str]]] = []
    themes = theme_freq.set_index(THEME)
    for theme, group in code_freq.groupby(THEME, sort=False):
        label = themes.at[theme, THEME_LABEL] or t["other_theme"]
        theme_row = themes.loc[str(theme)]
        assert isinstance(theme_row, pd.Series)
        rows.append(cells(theme_row, t["all_codes"].format(theme=label), bold=True))
        rows += [cells(row, "    " + row[CODE_LABEL], bold=False) for _, row in group.iterrows()]
    add_rows(table, rows, twips)
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


def attributes_section(
    doc: DocumentObject, tables: Mapping[str, pd.DataFrame], t: dict[str, str], cap: Captions
) -> None:
    """The cases with their attributes, then one code x value matrix per attribute."""
    cases = tables["cases"]
    doc.add_heading(t["attributes"], level=1)
    cap.add("Table", t["caption_cases"])
    headers = [t["case"], *(attribute_title(str(c)) for c in cases.columns[1:])]
    table, twips = header_table(doc, headers, [1.0] * len(headers), TABLE_STYLE)
    rows: list[list[str | list[str]]] = [
        [run_xml("" if v is None else str(v)) for v in values]
        for values in zip(*(objects(cases[c]) for c in cases.columns), strict=True)
    ]
    add_rows(table, rows, twips)
    width_cm = text_width_twips(doc) / TWIPS_PER_CM
    for matrix in attribute_matrices(tables, t):
        doc.add_heading(clean_text(matrix.title), level=2)
        cap.add("Table", t["caption_attribute"].format(attribute=matrix.title))
        n_values = len(matrix.headers) - 1
        value_cm = min(ATTRIBUTE_VALUE_CM, (width_cm - ATTRIBUTE_CODE_CM) / max(n_values, 1))
        widths: list[float | None] = [None, *([value_cm] * n_values)]
        table, twips = header_table(doc, matrix.headers, widths, TABLE_STYLE)
        rows = [
            [
                run_xml(label if theme else "    " + label, bold=theme),
                *(run_xml(cell, bold=theme) for cell in cells),
            ]
            for theme, label, cells in matrix.rows
        ]
        add_rows(table, rows, twips)
