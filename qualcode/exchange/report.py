"""Write a whole report to a folder: tables (CSV + XLSX), charts, HTML, Word appendix."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.exchange._prepare import (
    CaseLabelsArg,
    PseudonymsArg,
    TitlesArg,
    prepare_inputs,
    prepared_tables,
)
from qualcode.fileio import write_atomic
from qualcode.progress import ProgressBar, progress_bar
from qualcode.reports import Selection
from qualcode.tables import write_table

if TYPE_CHECKING:
    from qualcode.exchange.charts import DrawnChart

__all__ = [
    "CHARTS_DIR",
    "COOCCURRENCE_MEASURES",
    "DOCX_NAME",
    "HTML_NAME",
    "REPORT_STEPS",
    "TABLES_DIR",
    "XLSX_NAME",
    "write_outputs",
    "write_report",
    "write_report_workbook",
]

logger = logging.getLogger(__name__)

#: file names inside the output folder
HTML_NAME = "report.html"
XLSX_NAME = "report_tables.xlsx"
DOCX_NAME = "appendix.docx"
TABLES_DIR = "tables"
CHARTS_DIR = "charts"
#: what the co-occurrence chart can show
COOCCURRENCE_MEASURES = ("count", "jaccard")
#: steps of the progress bar of :func:`write_report`: tables, CSV, XLSX, charts, HTML
REPORT_STEPS = 5


def write_report_workbook(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    lang: str | None = None,
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
) -> Path:
    """Write the report tables (:func:`qualcode.reports.report_tables`) to one .xlsx workbook.

    With ``cases`` (a cases table) the workbook also holds the cases and the codes and themes
    counted per attribute value (all attributes, or ``attributes``). ``lang``, ``pseudonyms``
    and ``titles`` are as in :func:`write_report` (the codebook's labels in ``lang``).

    Returns
    -------
    Path
        The file written.
    """
    from qualcode.exchange.xlsx import write_workbook

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
    tables = prepared_tables(ready, coder=coder, min_score=min_score, spans=spans)
    return write_workbook(tables, path, lang=ready.lang)


def write_report(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    lang: str | None = None,
    title: str | None = None,
    chart_formats: tuple[str, ...] = ("png", "svg"),
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    cooccurrence: str = "count",
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
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
    lang : {"en", "id"}, optional
        Language of the headings, captions, chart texts and the codebook's labels (default:
        the codebook's study language, else English); texts the codebook lacks in it come
        from its study language, with one warning.
    title : str, optional
        Title of the HTML report.
    chart_formats : tuple of str
        File types of the chart files.
    cases : DataFrame, optional
        A cases table (:func:`qualcode.cases.read_cases`): the report also holds the cases
        and, per attribute, the codes counted by its values (coded turns, "n of N cases").
    attributes : str or list of str, optional
        The attributes to tabulate (default: all of them).
    cooccurrence : {"count", "jaccard"}
        What the co-occurrence chart's colours show: turns with both codes, or the Jaccard
        index (both / either), which does not favour the most frequent codes.
    pseudonyms : Pseudonyms or str or Path, optional
        Names replaced in everything written (:mod:`qualcode.pseudonyms`); the tables given
        are not changed.
    case_labels : CaseLabels or str or Path, optional
        Labels of the cases' attributes and values in each language
        (:func:`qualcode.case_labels.read_case_labels`).
    titles : bool or mapping of str to str, default True
        Readable interview titles (:func:`qualcode.titles.interview_titles`), or ids.

    Returns
    -------
    dict of str to Path
        ``"html"``, ``"xlsx"``, ``"csv:<table>"`` and ``"chart:<file name>"`` keys.
    """
    options = _ReportOptions(
        coder=coder,
        min_score=min_score,
        spans=spans,
        lang=lang,
        title=title,
        chart_formats=chart_formats,
        cases=cases,
        attributes=attributes,
        cooccurrence=cooccurrence,
        pseudonyms=pseudonyms,
        titles=titles,
        case_labels=case_labels,
    )
    with progress_bar(total=REPORT_STEPS, desc="writing report", unit="step") as bar:
        return _write_report(turns, codings, codebook, out_dir, options, bar=bar, appendix=False)


@dataclass(frozen=True)
class _ReportOptions:
    """The options :func:`write_report` and :func:`write_outputs` share."""

    coder: Selection
    min_score: float | None
    spans: pd.DataFrame | None
    lang: str | None
    title: str | None
    chart_formats: tuple[str, ...]
    cases: pd.DataFrame | None
    attributes: Selection
    cooccurrence: str
    pseudonyms: PseudonymsArg
    titles: TitlesArg
    case_labels: CaseLabelsArg


def _write_report(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    options: _ReportOptions,
    *,
    bar: ProgressBar,
    appendix: bool,
) -> dict[str, Path]:
    """Tables, CSV, XLSX, charts, the HTML report and with ``appendix`` the Word appendix.

    The charts but the first are drawn in a second process, when one can be used
    (:class:`qualcode.exchange.charts.ChartProcess`), while this one writes the tables, the
    first chart and the appendix; anything that process does not deliver is drawn here.
    """
    from qualcode.exchange.charts import ChartProcess, draw_charts, report_chart_list
    from qualcode.exchange.html import chart_svgs, render_html_report
    from qualcode.exchange.xlsx import write_workbook

    o = options
    if o.cooccurrence not in COOCCURRENCE_MEASURES:
        msg = (
            f"unknown co-occurrence measure {o.cooccurrence!r}; "
            f"expected one of {', '.join(COOCCURRENCE_MEASURES)}"
        )
        raise QualcodeError(msg)
    out = Path(out_dir)
    helper = ChartProcess.start()  # it imports matplotlib while the tables are built
    try:
        ready = prepare_inputs(
            turns,
            codings,
            codebook,
            cases=o.cases,
            lang=o.lang,
            pseudonyms=o.pseudonyms,
            titles=o.titles,
            case_labels=o.case_labels,
            attributes=o.attributes,
        )
        turns, codings, codebook = ready.turns, ready.codings, ready.codebook
        o = replace(
            o,
            lang=ready.lang,
            cases=ready.cases,
            attributes=ready.attributes,
            pseudonyms=None,
            titles=False,
            case_labels=None,
        )
        lang = ready.lang
        tables = prepared_tables(ready, coder=o.coder, min_score=o.min_score, spans=o.spans)
        bar.update(1)
        charts = report_chart_list(tables, codebook, lang=lang, cooccurrence=o.cooccurrence)
        charts_dir = out / CHARTS_DIR
        here = charts
        if helper is not None:
            helper.draw(charts[1:], charts_dir, o.chart_formats)
            here = charts[:1]  # the theme chart, which the appendix needs first
        written: dict[str, Path] = {}
        for name, table in tables.items():
            written[f"csv:{name}"] = write_table(table, out / TABLES_DIR / f"{name}.csv")
        bar.update(1)
        written["xlsx"] = write_workbook(tables, out / XLSX_NAME, lang=lang)
        bar.update(1)
        drawn = draw_charts(here, charts_dir, o.chart_formats)
        docx = (
            _write_appendix(turns, codings, codebook, out, o, tables, drawn) if appendix else None
        )
        if docx is not None:
            bar.update(1)
        if helper is not None:
            drawn.update(helper.collect())
            drawn.update(
                draw_charts([c for c in charts if c.name not in drawn], charts_dir, o.chart_formats)
            )
    finally:
        if helper is not None:
            helper.close()
    ordered = [drawn[c.name] for c in charts]
    for chart in ordered:
        written.update(chart.files)
    bar.update(1)
    svgs = chart_svgs(ordered, lang)
    html_text = render_html_report(tables, codebook, turns, charts=svgs, lang=lang, title=o.title)
    html_path = out / HTML_NAME
    write_atomic(html_path, lambda tmp: tmp.write_text(html_text, encoding="utf-8"))
    written["html"] = html_path
    bar.update(1)
    if docx is not None:
        written["docx"] = docx
    logger.info("wrote report (%d files) to %s", len(written), out)
    return written


def _write_appendix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out: Path,
    o: _ReportOptions,
    tables: dict[str, pd.DataFrame],
    drawn: dict[str, DrawnChart],
) -> Path:
    """The Word appendix, with the theme chart's PNG if it was drawn (not drawn again)."""
    from qualcode.exchange.docx import write_docx_appendix

    theme = drawn.get("theme_frequencies")
    png = theme.file(".png") if theme is not None else None
    return write_docx_appendix(
        turns,
        codings,
        codebook,
        out / DOCX_NAME,
        lang=o.lang,
        coder=o.coder,
        min_score=o.min_score,
        tables=tables,
        cases=o.cases,
        attributes=o.attributes,
        chart_png=png.read_bytes() if png is not None else None,
        titles=False,  # the tables are ready: titles and pseudonyms applied
    )


def write_outputs(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    out_dir: str | Path,
    *,
    lang: str | None = None,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    title: str | None = None,
    chart_formats: tuple[str, ...] = ("png", "svg"),
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    cooccurrence: str = "count",
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
) -> dict[str, Path]:
    """Write everything for a coded project into one folder: report and Word appendix.

    That is :func:`write_report` (tables as CSV and XLSX, charts, HTML report) plus the Word
    appendix ``appendix.docx`` (:func:`qualcode.exchange.docx.write_docx_appendix`).

    Parameters
    ----------
    lang : {"id", "en"}, optional
        Language of the appendix and the report (default: the codebook's study language,
        else English).
    coder, min_score, spans, title, chart_formats, cases, attributes, cooccurrence
    pseudonyms, titles, case_labels
        As in :func:`write_report`; with ``cases`` the report and the appendix hold the code x
        attribute tables.

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
    options = _ReportOptions(
        coder=coder,
        min_score=min_score,
        spans=spans,
        lang=lang,
        title=title,
        chart_formats=chart_formats,
        cases=cases,
        attributes=attributes,
        cooccurrence=cooccurrence,
        pseudonyms=pseudonyms,
        titles=titles,
        case_labels=case_labels,
    )
    with progress_bar(total=REPORT_STEPS + 1, desc="writing report", unit="step") as bar:
        return _write_report(turns, codings, codebook, out_dir, options, bar=bar, appendix=True)
