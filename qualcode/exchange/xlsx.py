"""Excel workbook of report tables: one sheet per table, readable column headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from qualcode.errors import QualcodeError

logger = logging.getLogger(__name__)

#: readable headers for the columns of the report tables (machine names stay in CSV files)
COLUMN_LABELS: dict[str, str] = {
    "theme": "Theme",
    "theme_label": "Theme label",
    "code": "Code",
    "code_label": "Code label",
    "interview": "Interview",
    "position": "Turn no.",
    "turn_id": "Turn id",
    "speaker": "Speaker",
    "role": "Role",
    "coder": "Coder",
    "score": "Score",
    "evidence": "Evidence",
    "question": "Question asked before",
    "question_turn_id": "Question turn id",
    "text": "Text",
    "marked_text": "Text (evidence «marked»)",
    "spans": "Evidence spans (character offsets)",
    "source": "Source file",
    "line": "Line",
    "turns": "Coded turns",
    "base_turns": "Turns counted",
    "share": "Share of turns",
    "interviews": "Interviews with the code",
    "interviews_total": "Interviews",
    "speakers": "Speakers with the code",
    "speakers_total": "Speakers",
    "code_a": "Code A",
    "code_a_label": "Code A label",
    "code_b": "Code B",
    "code_b_label": "Code B label",
    "both": "Turns with both",
    "turns_a": "Turns with A",
    "turns_b": "Turns with B",
    "either": "Turns with either",
    "jaccard": "Jaccard index",
    "coder_a": "Coder A",
    "coder_b": "Coder B",
    "only_a": "Only coder A",
    "only_b": "Only coder B",
    "neither": "Neither coder",
    "agreement": "Percent agreement",
    "kappa": "Cohen's kappa",
}

#: sheet names for the tables of :func:`qualcode.reports.report_tables`
SHEET_NAMES: dict[str, str] = {
    "segments": "Coded segments",
    "code_frequencies": "Code frequencies",
    "theme_frequencies": "Theme frequencies",
    "by_interview": "By interview",
    "by_speaker": "By speaker",
    "by_role": "By role",
    "code_by_interview": "Code x interview",
    "cooccurrence": "Co-occurrence",
    "coder_counts": "Coders",
    "coder_agreement": "Coder agreement",
}

_PERCENT = {"share", "agreement"}
_WIDE = {"text": 80, "marked_text": 80, "question": 50, "evidence": 30}
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


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", SHEET_NAMES.get(name, name))[:31] or "Sheet"
    title, i = base, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(title.lower())
    return title


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write tables to one .xlsx workbook, one sheet each, with readable headers.

    Headers come from :data:`COLUMN_LABELS` (other columns keep their names), the header row
    is bold and frozen, shares are formatted as percentages and long text columns wrap.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Sheet key (e.g. ``"segments"``, named by :data:`SHEET_NAMES`) to table, in order.
    path : str or Path
        The .xlsx file.

    Returns
    -------
    Path
        The file written.
    """
    import xlsxwriter

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        msg = f"the workbook must be an .xlsx file, got {p.name!r}"
        raise QualcodeError(msg)
    if not tables:
        msg = "no tables to write to the workbook"
        raise QualcodeError(msg)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(p), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    percent = wb.add_format({"num_format": "0.0%"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    for name, df in tables.items():
        ws = wb.add_worksheet(_sheet_name(name, used))
        ws.freeze_panes(1, 0)
        columns = [str(c) for c in df.columns]
        for i, col in enumerate(columns):
            header = COLUMN_LABELS.get(col, col)
            fmt = percent if col in _PERCENT else wrap if col in _WIDE else None
            ws.set_column(i, i, _WIDE.get(col, min(40, max(10, len(header) + 2))), fmt)
            ws.write_string(0, i, header, bold)
        arrays = [df[col].to_numpy(dtype=object, na_value=None) for col in df.columns]
        for r, values in enumerate(zip(*arrays, strict=True), start=1):
            for i, v in enumerate(values):
                value = _cell_value(v)
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, i, value)
                elif isinstance(value, bool):
                    ws.write_boolean(r, i, value)
                else:
                    ws.write_number(r, i, value)  # type: ignore[arg-type]
    wb.close()
    logger.info("wrote workbook %s", p)
    return p
