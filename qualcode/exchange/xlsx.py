"""Excel workbook of report tables: one sheet per table, readable column headers."""

from __future__ import annotations

import io
import logging
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qualcode.codingframe import object_values
from qualcode.errors import QualcodeError
from qualcode.fileio import atomic_path
from qualcode.languages import (
    COLUMN_LABELS,
    COLUMN_LABELS_ID,
    SHEET_NAMES,
    SHEET_NAMES_ID,
    check_language,
)

__all__ = ["OWN_COLUMNS", "WORKBOOK_DROP", "write_workbook"]

logger = logging.getLogger(__name__)

#: columns left out of a sheet (kept in the CSV files): the plain text repeats "marked_text",
#: spans and question ids are for programs
WORKBOOK_DROP: dict[str, tuple[str, ...]] = {
    "segments": ("text", "spans", "question_turn_id"),
}

#: sheets whose columns are the user's own (case attributes may be called "position" or
#: "turns"): only these columns get readable headers there
OWN_COLUMNS: dict[str, dict[str, str]] = {"cases": {"case": "Case"}}

_PERCENT = {"share", "agreement"}
_WIDE = {"text": 80, "marked_text": 80, "question": 50, "evidence": 30, "decision": 14}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_CELL = 32767
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)[:_MAX_CELL]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    return value


def _sheet_name(name: str, used: set[str], names: Mapping[str, str] = SHEET_NAMES) -> str:
    base = _BAD_SHEET.sub(" ", names.get(name, SHEET_NAMES.get(name, name)))[:31] or "Sheet"
    title, i = base, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(title.lower())
    return title


def write_workbook(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    choices: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    lang: str = "en",
) -> Path:
    """Write tables to one .xlsx workbook, one sheet each, with readable headers.

    Headers come from :data:`COLUMN_LABELS` (other columns keep their names; the sheets of
    :data:`OWN_COLUMNS`, such as the case attributes, keep the user's names), the header row
    is bold and frozen, shares are formatted as percentages and long text columns wrap. The
    columns in :data:`WORKBOOK_DROP` are left out (the segments sheet shows the text with its
    evidence marked, not a second plain copy).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Sheet key (e.g. ``"segments"``, named by :data:`SHEET_NAMES`) to table, in order.
    path : str or Path
        The .xlsx file.
    choices : mapping, optional
        Sheet key -> {column: allowed values}: those cells get a drop-down list of the values
        (Excel data validation; other values are refused with a message).
    lang : {"en", "id"}, default "en"
        Language of the sheet names and headers (Indonesian ones from
        :data:`qualcode.languages.COLUMN_LABELS_ID`; English where it has none).

    Returns
    -------
    Path
        The file written.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        msg = f"the workbook must be an .xlsx file, got {p.name!r}"
        raise QualcodeError(msg)
    if not tables:
        msg = "no tables to write to the workbook"
        raise QualcodeError(msg)
    check_language(lang)
    labels, sheet_names, own = COLUMN_LABELS, SHEET_NAMES, OWN_COLUMNS
    if lang == "id":
        labels = {**COLUMN_LABELS, **COLUMN_LABELS_ID}
        sheet_names = {**SHEET_NAMES, **SHEET_NAMES_ID}
        own = {k: {c: labels.get(c, h) for c, h in v.items()} for k, v in OWN_COLUMNS.items()}
    used: set[str] = set()
    sheets: list[tuple[str, str]] = []  # (title, part name)
    with (
        atomic_path(p) as tmp,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
    ):
        for n, (name, table) in enumerate(tables.items(), start=1):
            df = table.drop(columns=[c for c in WORKBOOK_DROP.get(name, ()) if c in table.columns])
            title = _sheet_name(name, used, sheet_names)
            part = f"xl/worksheets/sheet{n}.xml"
            with zf.open(part, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
                _write_sheet(
                    out,
                    df,
                    own.get(name, labels),
                    choices=(choices or {}).get(name, {}),
                )
            sheets.append((title, part))
        _write_package(zf, sheets)
    logger.info("wrote workbook %s", p)
    return p


# --- SpreadsheetML -----------------------------------------------------------------------
# A small writer of its own: inline strings, three cell styles (bold header, percent, wrapped
# text). Tens of thousands of segment rows take seconds here instead of tens of seconds
# through a cell-object library.
_STYLE_HEADER, _STYLE_PERCENT, _STYLE_WRAP = 1, 2, 3


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _string_cell(ref: str, text: str, style: int) -> str:
    style_attr = f' s="{style}"' if style else ""
    return (
        f'<c r="{ref}" t="inlineStr"{style_attr}><is><t xml:space="preserve">'
        f"{escape(text)}</t></is></c>"
    )


def _validations(
    columns: list[str], letters: list[str], n_rows: int, choices: Mapping[str, Sequence[str]]
) -> str:
    """The ``<dataValidations>`` element: a drop-down list for each column in ``choices``."""
    items = []
    for col, letter in zip(columns, letters, strict=True):
        if col not in choices:
            continue
        listed = escape(",".join(choices[col]), {'"': "&quot;"})
        allowed = escape(", ".join(choices[col]))
        items.append(
            f'<dataValidation type="list" allowBlank="1" showInputMessage="1" '
            f'showErrorMessage="1" errorTitle="Not allowed" error="Choose one of: {allowed}" '
            f'sqref="{letter}2:{letter}{max(2, n_rows + 1)}"><formula1>&quot;{listed}'
            "&quot;</formula1></dataValidation>"
        )
    if not items:
        return ""
    return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'


#: rows assembled at once. The cells of a column are built for the whole column with Arrow's
#: string kernels: a cell at a time in Python was the writer's whole cost on sheets of hundreds
#: of thousands of rows (a review sheet of a large project)
_CHUNK_ROWS = 20_000


def _column_cells(series: pd.Series, letter: str, style: int, numbers: pa.Array) -> pa.Array:
    """The ``<c>`` element of each value of a column (null for missing values)."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    ref = pc.binary_join_element_wise(f'<c r="{letter}', numbers, "")
    missing = pa.array(series.isna().to_numpy(dtype=bool))
    if kind in ("string", "empty"):
        text = pa.array(series.astype(object).where(series.notna(), None), type=pa.string())
        if pc.any(pc.match_substring_regex(text, _ILLEGAL.pattern)).as_py():
            text = pc.replace_substring_regex(text, _ILLEGAL.pattern, "")
        text = pc.utf8_slice_codeunits(text, 0, _MAX_CELL)
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = pc.replace_substring(text, char, entity)
        style_attr = f' s="{style}"' if style else ""
        head = f'" t="inlineStr"{style_attr}><is><t xml:space="preserve">'
        return pc.binary_join_element_wise(ref, head, text, "</t></is></c>", "")
    if kind == "boolean":
        flags = np.where(series.fillna(False).to_numpy(dtype=bool), "1", "0")
        shown = pc.if_else(missing, pa.scalar(None, pa.string()), pa.array(flags))
        return pc.binary_join_element_wise(ref, '" t="b"><v>', shown, "</v></c>", "")
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        numeric = pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(numeric)
        if kind == "integer":
            text = np.nan_to_num(numeric).astype(np.int64).astype(str)
        else:
            text = numeric.astype(str)
        shown = pc.if_else(pa.array(~finite), pa.scalar(None, pa.string()), pa.array(text))
        style_attr = f' s="{style}"' if style == _STYLE_PERCENT else ""
        return pc.binary_join_element_wise(ref, f'"{style_attr}><v>', shown, "</v></c>", "")
    cells = [  # mixed values: one at a time
        _one_cell(f"{letter}{k + 2}", _cell_value(v), style) if v is not None else None
        for k, v in enumerate(object_values(series))
    ]
    return pa.array(cells, type=pa.string())


def _one_cell(ref: str, value: object, style: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _string_cell(ref, value, style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        style_attr = f' s="{style}"' if style == _STYLE_PERCENT else ""
        return f'<c r="{ref}"{style_attr}><v>{value!r}</v></c>'
    return _string_cell(ref, str(value), style)


def _write_sheet(
    out: io.TextIOWrapper,
    df: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    choices: Mapping[str, Sequence[str]],
) -> None:
    columns = [str(c) for c in df.columns]
    letters = [_column_letter(i) for i in range(len(columns))]
    styles = [
        _STYLE_PERCENT if c in _PERCENT else _STYLE_WRAP if c in _WIDE else 0 for c in columns
    ]
    out.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
    )
    if columns:
        out.write("<cols>")
        for i, col in enumerate(columns, start=1):
            header = labels.get(col, col)
            width = _WIDE.get(col, min(40, max(10, len(header) + 2)))
            out.write(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
        out.write("</cols>")
    out.write('<sheetData><row r="1">')
    for letter, col in zip(letters, columns, strict=True):
        out.write(_string_cell(f"{letter}1", labels.get(col, col), _STYLE_HEADER))
    out.write("</row>")
    numbers = pa.array(np.arange(2, len(df) + 2).astype(str))
    cells = [
        _column_cells(df[col], letter, style, numbers)
        for col, letter, style in zip(df.columns, letters, styles, strict=True)
    ]
    for start in range(0, len(df), _CHUNK_ROWS):
        part = [c.slice(start, _CHUNK_ROWS) for c in cells]
        head = pc.binary_join_element_wise('<row r="', numbers.slice(start, _CHUNK_ROWS), '">', "")
        rows = pc.binary_join_element_wise(
            head, *part, "</row>", "", null_handling="replace", null_replacement=""
        )
        out.write("".join(rows.to_pylist()))
    out.write("</sheetData>")
    out.write(_validations(columns, letters, len(df), choices))
    out.write("</worksheet>")


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_NS_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _write_package(zf: zipfile.ZipFile, sheets: list[tuple[str, str]]) -> None:
    overrides = "".join(
        f'<Override PartName="/{part}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for _, part in sheets
    )
    zf.writestr(
        "[Content_Types].xml",
        _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + overrides + "</Types>",
    )
    zf.writestr(
        "_rels/.rels",
        _XML_HEAD + f'<Relationships xmlns="{_NS_PKG_REL}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    sheet_list = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (title, _) in enumerate(sheets, start=1)
    )
    zf.writestr(
        "xl/workbook.xml",
        _XML_HEAD + f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        f"<sheets>{sheet_list}</sheets></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="{part[3:]}"/>'
        for i, (_, part) in enumerate(sheets, start=1)
    )
    rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
    zf.writestr(
        "xl/_rels/workbook.xml.rels",
        _XML_HEAD + f'<Relationships xmlns="{_NS_PKG_REL}">{rels}</Relationships>',
    )
    zf.writestr("xl/styles.xml", _STYLES)
