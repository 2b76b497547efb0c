"""Write a whole report to a folder: tables (CSV + XLSX), charts, HTML, Word appendix."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from qualcode import reports
from qualcode.codebook import Codebook
from qualcode.fileio import write_atomic
from qualcode.reports import Selection
from qualcode.schema import validate_codings, validate_turns
from qualcode.tables import write_table

logger = logging.getLogger(__name__)

#: file names inside the output folder
HTML_NAME = "report.html"
XLSX_NAME = "report_tables.xlsx"
DOCX_NAME = "appendix.docx"
TABLES_DIR = "tables"
CHARTS_DIR = "charts"


def write_report_workbook(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
) -> Path:
    """Write the report tables (:func:`qualcode.reports.report_tables`) to one .xlsx workbook.

    Returns
    -------
    Path
        The file written.
    """
    from qualcode.exchange.xlsx import write_workbook

    tables = reports.report_tables(
        turns, codings, codebook, coder=coder, min_score=min_score, spans=spans
    )
    return write_workbook(tables, path)


def write_report(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    lang: str = "en",
    title: str | None = None,
    chart_formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write the report tables, charts and the self-contained HTML report into ``out_dir``.

    Layout: ``tables/<name>.csv`` (one per table of :func:`qualcode.reports.report_tables`,
    machine column names), ``report_tables.xlsx`` (one sheet per table, readable headers),
    ``charts/<name>.png`` and ``.svg``, and ``report.html``.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook
        Code order, labels and colours.
    out_dir : str or Path
        Folder to write into (created).
    coder, min_score, spans
        As in :func:`qualcode.reports.report_tables`.
    lang : {"en", "id"}
        Language of the HTML headings and chart texts.
    title : str, optional
        Title of the HTML report.
    chart_formats : tuple of str
        File types of the chart files.

    Returns
    -------
    dict of str to Path
        ``"html"``, ``"xlsx"``, ``"csv:<table>"`` and ``"chart:<file name>"`` keys.
    """
    return _write_report(
        turns,
        codings,
        codebook,
        out_dir,
        coder=coder,
        min_score=min_score,
        spans=spans,
        lang=lang,
        title=title,
        chart_formats=chart_formats,
    )[0]


def _write_report(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    *,
    coder: Selection,
    min_score: float | None,
    spans: pd.DataFrame | None,
    lang: str,
    title: str | None,
    chart_formats: tuple[str, ...],
) -> tuple[dict[str, Path], dict[str, pd.DataFrame]]:
    from qualcode.exchange.html import render_html_report, report_charts
    from qualcode.exchange.xlsx import write_workbook

    out = Path(out_dir)
    turns = validate_turns(turns)
    codings = validate_codings(codings)
    tables = reports.report_tables(
        turns, codings, codebook, coder=coder, min_score=min_score, spans=spans
    )
    written: dict[str, Path] = {}
    for name, table in tables.items():
        written[f"csv:{name}"] = write_table(table, out / TABLES_DIR / f"{name}.csv")
    written["xlsx"] = write_workbook(tables, out / XLSX_NAME)
    svgs, chart_files = report_charts(
        tables, codebook, lang=lang, out_dir=out / CHARTS_DIR, formats=chart_formats
    )
    written.update(chart_files)
    html_text = render_html_report(tables, codebook, turns, charts=svgs, lang=lang, title=title)
    html_path = out / HTML_NAME
    write_atomic(html_path, lambda tmp: tmp.write_text(html_text, encoding="utf-8"))
    written["html"] = html_path
    logger.info("wrote report (%d files) to %s", len(written), out)
    return written, tables


def write_outputs(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    *,
    lang: str = "id",
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    title: str | None = None,
    chart_formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write everything for a coded project into one folder: report and Word appendix.

    That is :func:`write_report` (tables as CSV and XLSX, charts, HTML report) plus the Word
    appendix ``appendix.docx`` (:func:`qualcode.exchange.docx.write_docx_appendix`).

    Parameters
    ----------
    lang : {"id", "en"}, default "id"
        Language of the appendix and report headings.
    coder, min_score, spans, title, chart_formats
        As in :func:`write_report`.

    Returns
    -------
    dict of str to Path
        The keys of :func:`write_report` plus ``"docx"``.

    Examples
    --------
    >>> paths = write_outputs(turns, codings, codebook, "out", lang="id")  # doctest: +SKIP
    >>> paths["docx"]  # doctest: +SKIP
    PosixPath('out/appendix.docx')
    """
    from qualcode.exchange.docx import write_docx_appendix

    written, tables = _write_report(
        turns,
        codings,
        codebook,
        out_dir,
        coder=coder,
        min_score=min_score,
        spans=spans,
        lang=lang,
        title=title,
        chart_formats=chart_formats,
    )
    written["docx"] = write_docx_appendix(
        turns,
        codings,
        codebook,
        Path(out_dir) / DOCX_NAME,
        lang=lang,
        coder=coder,
        min_score=min_score,
        tables=tables,
    )
    return written
