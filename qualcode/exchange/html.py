"""A self-contained HTML report: summary, charts, frequency tables and coded segments.

One file, no external resources and no network: CSS and the small filter script are inline and
charts are inline SVG. Every piece of transcript text (and every label) is escaped. The pieces
(tables, segments, escaping) are in :mod:`qualcode.exchange.html_parts`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcode import reports
from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.exchange._prepare import (
    CaseLabelsArg,
    PseudonymsArg,
    TitlesArg,
    prepare_inputs,
    prepared_tables,
)
from qualcode.exchange.html_parts import (
    CSS,
    FILTER_JS,
    attributes_html,
    coder_name,
    e,
    frequency_table,
    html_table,
    inline_svg,
    segments_html,
)
from qualcode.fileio import write_atomic
from qualcode.languages import texts
from qualcode.provenance import SUGGESTION, coder_kinds
from qualcode.reports import (
    CODE_LABEL,
    TURNS,
    Selection,
)
from qualcode.schema import (
    CODE,
    CODER,
    INTERVIEW,
    PARTICIPANT,
    ROLE,
)

if TYPE_CHECKING:
    from qualcode.exchange.charts import DrawnChart

__all__ = ["chart_svgs", "render_html_report", "report_charts", "write_html_report"]

logger = logging.getLogger(__name__)


def render_html_report(
    tables: Mapping[str, pd.DataFrame],
    codebook: Codebook,
    turns: pd.DataFrame,
    *,
    charts: Mapping[str, tuple[str, bytes | str]] | None = None,
    lang: str = "en",
    title: str | None = None,
) -> str:
    """Return the HTML text of a report from its tables (see :func:`reports.report_tables`).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        At least ``segments``, ``code_frequencies`` and ``theme_frequencies``; ``coder_counts``,
        ``coder_agreement`` and the case tables (``cases``, ``code_by_attribute``,
        ``theme_by_attribute``) are shown when present.
    codebook : Codebook
        Code order and labels.
    turns : DataFrame
        The turns table (for the summary line).
    charts : mapping of name to (caption, SVG), optional
        Charts to inline, in order.
    lang : {"en", "id"}
        Language of headings.
    title : str, optional
        Page title.
    """
    t = texts(lang)
    title = title or f"{t['report_title']}: {codebook.name}"
    seg = tables["segments"]
    meta = reports.code_table(codebook, seg)
    codings_n = len(seg)
    coders = list(dict.fromkeys(seg[CODER])) if len(seg) else []
    if "coders_shown" in tables:  # in the order of the codings
        coders = [c for c in tables["coders_shown"][CODER] if c in set(coders)]
    kinds = coder_kinds(seg) if len(seg) else {}
    if SUGGESTION in kinds.values():  # suggestions nobody reviewed are said to be so
        charts = {k: (c + t["includes_suggestions"], svg) for k, (c, svg) in (charts or {}).items()}
    summary = t["summary_line"].format(
        interviews=turns[INTERVIEW].nunique(),
        turns=len(turns),
        participant=int((turns[ROLE] == PARTICIPANT).sum()),
        codings=codings_n,
        coders=", ".join(coder_name(c, t, kinds.get(str(c))) for c in coders) or "-",
        codebook=codebook.name,
        codes=len(codebook.codes),
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<nav><a href="#summary">{e(t["summary"])}</a><a href="#charts">{e(t["charts"])}</a>'
        f'<a href="#segments-section">{e(t["segments"])}</a></nav>',
        f'<section id="summary"><h2>{e(t["summary"])}</h2><p>{e(summary)}</p>',
        f"<h3>{e(t['frequencies'])}</h3>",
        frequency_table(tables["code_frequencies"], tables["theme_frequencies"], t),
    ]
    if "cases" in tables:
        parts += attributes_html(tables, t)
    if "coder_counts" in tables and len(coders) > 1:
        counts = tables["coder_counts"]
        wide = counts.pivot_table(index=CODE, columns=CODER, values=TURNS, aggfunc="sum")
        wide = wide.reindex(index=list(dict.fromkeys(counts[CODE]))).fillna(0).astype(int)
        wide.insert(0, CODE_LABEL, [meta.at[c, CODE_LABEL] for c in wide.index])
        named = {c: coder_name(c, t, kinds.get(str(c))) for c in wide.columns if c != CODE_LABEL}
        cols = {CODE_LABEL: t["code"], **named}
        parts += [f"<h3>{e(t['coders'])}</h3>", html_table(wide.reset_index(drop=True), cols)]
    if "coder_agreement" in tables and len(tables["coder_agreement"]):
        agree = tables["coder_agreement"]
        cols = {
            "coder_a": "A",
            "coder_b": "B",
            CODE_LABEL: t["code"],
            "both": "A & B",
            "only_a": "A",
            "only_b": "B",
            "neither": "-",
            "agreement": "%",
            "kappa": "kappa",
        }
        parts += [
            f"<h3>{e(t['agreement'])}</h3>",
            html_table(agree, cols, percent=("agreement",)),
        ]
    parts.append("</section>")
    parts.append(f'<section id="charts"><h2>{e(t["charts"])}</h2>')
    for i, (name, (caption, svg)) in enumerate((charts or {}).items()):
        parts.append(
            f'<figure id="chart-{e(name)}">{inline_svg(svg, f"c{i}")}'
            f"<figcaption>{e(caption)}</figcaption></figure>"
        )
    parts.append("</section>")
    parts.append(f'<section id="segments-section"><h2>{e(t["segments"])}</h2>')
    parts.append(segments_html(seg, meta, t) if len(seg) else f"<p>{e(t['no_segments'])}</p>")
    parts.append(f"</section><script>{FILTER_JS}</script></body></html>")
    return "\n".join(parts)


def report_charts(
    tables: Mapping[str, pd.DataFrame],
    codebook: Codebook,
    *,
    lang: str = "en",
    out_dir: Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
    cooccurrence: str = "count",
) -> tuple[dict[str, tuple[str, bytes]], dict[str, Path]]:
    """Draw the report charts; return (name -> (caption, SVG bytes), files written).

    The charts are :func:`qualcode.exchange.charts.report_chart_list`'s, every text in
    ``lang``. With ``out_dir``, each is also saved there in ``formats``. ``cooccurrence``
    ("count" or "jaccard") is what the co-occurrence chart's colours show.
    """
    from qualcode.exchange.charts import draw_charts, report_chart_list

    charts = report_chart_list(tables, codebook, lang=lang, cooccurrence=cooccurrence)
    drawn = draw_charts(charts, out_dir, formats)
    return chart_svgs(drawn.values(), lang), {
        k: p for d in drawn.values() for k, p in d.files.items()
    }


def chart_svgs(drawn: Iterable[DrawnChart], lang: str) -> dict[str, tuple[str, bytes]]:
    """The ``charts`` argument of :func:`render_html_report`: name -> (caption, SVG)."""
    from qualcode.exchange.charts import CHART_CAPTIONS

    t = texts(lang)
    return {d.name: (t[CHART_CAPTIONS[d.name]], d.svg) for d in drawn}


def write_html_report(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    lang: str | None = None,
    coder: Selection = None,
    min_score: float | None = None,
    spans: pd.DataFrame | None = None,
    title: str | None = None,
    charts: bool = True,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
) -> Path:
    """Write a self-contained HTML report (no external files, works offline).

    It holds a summary, the frequency (and coder) tables, the charts as inline SVG, and every
    coded segment with its evidence highlighted (``<mark>``), filterable by code and
    interview. All transcript text is escaped.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook
        Code order, labels and colours.
    path : str or Path
        The .html file to write.
    lang : {"en", "id"}, optional
        Language of headings, labels and captions (default: the codebook's study language).
    coder, min_score, spans
        As in :func:`qualcode.reports.report_tables`.
    title : str, optional
        Page title.
    charts : bool, default True
        Include the charts.
    cases, attributes
        A cases table and the attributes to tabulate codes by, as in
        :func:`qualcode.reports.report_tables`.
    pseudonyms, titles, case_labels
        As in :func:`qualcode.exchange.report.write_report`.

    Returns
    -------
    Path
        The file written.
    """
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        msg = f"the HTML report must be an .html file, got {p.name!r}"
        raise QualcodeError(msg)
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
    turns, codebook, lang = ready.turns, ready.codebook, ready.lang
    svgs = report_charts(tables, codebook, lang=lang)[0] if charts else {}
    text = render_html_report(tables, codebook, turns, charts=svgs, lang=lang, title=title)
    write_atomic(p, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    logger.info("wrote HTML report %s", p)
    return p
