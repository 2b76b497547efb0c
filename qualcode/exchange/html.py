"""A self-contained HTML report: summary, charts, frequency tables and coded segments.

One file, no external resources and no network: CSS and the small filter script are inline and
charts are inline SVG. Every piece of transcript text (and every label) is escaped.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcode import reports
from qualcode.codebook import Codebook
from qualcode.codingframe import object_values
from qualcode.errors import QualcodeError
from qualcode.exchange._attributes import attribute_matrices, attribute_title
from qualcode.exchange._prepare import (
    CaseLabelsArg,
    PseudonymsArg,
    TitlesArg,
    prepare_inputs,
)
from qualcode.fileio import write_atomic
from qualcode.languages import texts
from qualcode.provenance import KIND, SUGGESTED_TURNS, SUGGESTION, coder_kinds
from qualcode.reports import (
    CODE_LABEL,
    INTERVIEWS,
    INTERVIEWS_TOTAL,
    QUESTION,
    SHARE,
    SPANS,
    THEME,
    THEME_LABEL,
    TURNS,
    Selection,
)
from qualcode.schema import (
    CASE,
    CODE,
    CODER,
    INTERVIEW,
    MODEL_CODER,
    PARTICIPANT,
    POSITION,
    ROLE,
    RULES_CODER,
    SCORE,
    SPEAKER,
    TEXT,
    validate_codings,
    validate_turns,
)

logger = logging.getLogger(__name__)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:70rem;padding:1rem 2rem;color:#222;line-height:1.45}
h1{border-bottom:2px solid #1f77b4;padding-bottom:.3rem}
nav a{margin-right:1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#eef3f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.theme td{font-weight:600;background:#f7f7f7}
figure{margin:1rem 0 2rem}
figure svg{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#555}
mark{background:#ffe066;padding:0 .1em}
.question{color:#666;font-size:.88rem;margin-bottom:.2rem}
.filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ddd}
.filters label{margin-right:1rem}
#segments td.text{max-width:40rem}
"""

_JS = """
(function () {
  var code = document.getElementById("filter-code");
  var interview = document.getElementById("filter-interview");
  var count = document.getElementById("filter-count");
  var rows = document.querySelectorAll("#segments tbody tr");
  function apply() {
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!code.value || r.getAttribute("data-code") === code.value) &&
               (!interview.value || r.getAttribute("data-interview") === interview.value);
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = shown + " / " + rows.length;
  }
  code.addEventListener("change", apply);
  interview.addEventListener("change", apply);
  apply();
})();
"""

_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
_SVG_ID = re.compile(r'\bid="([^"]+)"')


def e(value: object) -> str:
    """Escape any value for HTML text or attributes (missing -> empty)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def inline_svg(svg: bytes | str, prefix: str) -> str:
    """Make a matplotlib SVG fit for inlining: no XML header or metadata, ids prefixed.

    Prefixing keeps the ids (glyphs, clip paths) of several charts in one page apart.
    """
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    text = _SVG_HEAD.sub("", text, count=1)
    text = _SVG_METADATA.sub("", text)
    ids = set(_SVG_ID.findall(text))
    if ids:
        text = _SVG_ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
        text = re.sub(
            r'(href="#|url\(#)([^")]+)',
            lambda m: m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2)),
            text,
        )
    return text


def marked_html(text: str, spans: object) -> str:
    """Escape ``text`` and wrap the evidence spans (a ``spans`` cell) in ``<mark>``."""
    out, last = [], 0
    for start, end in reports.merge_spans(reports.parse_spans(spans), len(text)):
        out += [e(text[last:start]), "<mark>", e(text[start:end]), "</mark>"]
        last = end
    out.append(e(text[last:]))
    return "".join(out)


def _table(df: pd.DataFrame, columns: Mapping[str, str], *, percent: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{e(label)}</th>" for label in columns.values())
    body = []
    for _, row in df.iterrows():
        cells = []
        for col in columns:
            value = row[col]
            if col in percent and pd.notna(value):
                cells.append(f'<td class="num">{float(value):.1%}</td>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                shown = (
                    "" if pd.isna(value) else f"{value:g}" if isinstance(value, float) else value
                )
                cells.append(f'<td class="num">{e(shown)}</td>')
            else:
                cells.append(f"<td>{e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _frequency_table(code_freq: pd.DataFrame, theme_freq: pd.DataFrame, t: dict[str, str]) -> str:
    # with suggestions nobody reviewed, a column says how many turns only they count
    suggested = SUGGESTED_TURNS in code_freq.columns and SUGGESTED_TURNS in theme_freq.columns
    names = [t["code"], t["turns"], *([t["suggested_turns"]] if suggested else [])]
    head = "".join(f"<th>{e(x)}</th>" for x in (*names, t["share"], t["interviews"]))
    themes = theme_freq.set_index(THEME)
    rows = []

    def row_html(row: pd.Series, label: str, cls: str) -> str:
        share = "" if pd.isna(row[SHARE]) else f"{row[SHARE]:.1%}"
        presence = t["of"].format(n=row[INTERVIEWS], total=row[INTERVIEWS_TOTAL])
        extra = f'<td class="num">{e(row[SUGGESTED_TURNS])}</td>' if suggested else ""
        return (
            f'<tr class="{cls}"><td>{e(label)}</td><td class="num">{e(row[TURNS])}</td>{extra}'
            f'<td class="num">{e(share)}</td><td class="num">{e(presence)}</td></tr>'
        )

    for theme, group in code_freq.groupby(THEME, sort=False):
        label = themes.at[theme, THEME_LABEL] or t["other_theme"]
        theme_row = themes.loc[str(theme)]
        assert isinstance(theme_row, pd.Series)
        rows.append(row_html(theme_row, t["all_codes"].format(theme=label), "theme"))
        rows += [row_html(r, r[CODE_LABEL], "code") for _, r in group.iterrows()]
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _attributes_html(tables: Mapping[str, pd.DataFrame], t: dict[str, str]) -> list[str]:
    """The cases with their attributes and one code x value table per attribute."""
    cases = tables["cases"]
    columns = {str(c): attribute_title(str(c)) for c in cases.columns}
    columns[CASE] = t["case"]
    parts = [
        f'<section id="attributes"><h3>{e(t["attributes"])}</h3>',
        f"<h4>{e(t['caption_cases'])}</h4>",
        _table(cases, columns),
    ]
    for matrix in attribute_matrices(tables, t):
        head = "".join(f"<th>{e(h)}</th>" for h in matrix.headers)
        rows = "".join(
            f'<tr class="{"theme" if theme else "code"}"><td>{e(label)}</td>'
            + "".join(f'<td class="num">{e(cell)}</td>' for cell in cells)
            + "</tr>"
            for theme, label, cells in matrix.rows
        )
        caption = t["caption_attribute"].format(attribute=matrix.title)
        anchor = "attribute-" + re.sub(r"\s+", "-", matrix.attribute)
        parts += [
            f'<h4 id="{e(anchor)}">{e(matrix.title)}</h4>',
            f"<p>{e(caption)}</p>",
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
        ]
    parts.append("</section>")
    return parts


def _segments_html(seg: pd.DataFrame, meta: pd.DataFrame, t: dict[str, str]) -> str:
    code_opts = "".join(
        f'<option value="{e(code)}">{e(label)}</option>'
        for code, label in meta[CODE_LABEL].items()
        if code in set(seg[CODE])
    )
    int_opts = "".join(
        f'<option value="{e(i)}">{e(i)}</option>' for i in dict.fromkeys(seg[INTERVIEW])
    )
    filters = (
        '<div class="filters">'
        f'<label>{e(t["code"])} <select id="filter-code"><option value="">{e(t["all"])}</option>'
        f"{code_opts}</select></label>"
        f'<label>{e(t["interview"])} <select id="filter-interview"><option value="">'
        f"{e(t['all'])}</option>{int_opts}</select></label>"
        f'<span id="filter-count">{len(seg)} / {len(seg)}</span> {e(t["shown"])}</div>'
    )
    head = "".join(
        f"<th>{e(x)}</th>"
        for x in (
            t["code"],
            t["interview"],
            t["speaker"],
            t["turn"],
            t["coder"],
            t["score_header"],
            t["text"],
        )
    )
    rows = []
    has_q = QUESTION in seg.columns
    names = [CODE, CODE_LABEL, INTERVIEW, SPEAKER, POSITION, CODER, SCORE, TEXT, SPANS]
    if KIND in seg.columns:
        names.append(KIND)
    if has_q:
        names.append(QUESTION)
    arrays = [object_values(seg[c]) for c in names]
    for values in zip(*arrays, strict=True):
        r = dict(zip(names, values, strict=True))
        question = ""
        if has_q and pd.notna(r[QUESTION]) and r[QUESTION]:
            question = f'<div class="question">{e(t["question"])}: {e(r[QUESTION])}</div>'
        score = "" if pd.isna(r[SCORE]) else f"{float(r[SCORE]):.2f}"
        who = coder_name(r[CODER], t, r.get(KIND))
        rows.append(
            f'<tr data-code="{e(r[CODE])}" data-interview="{e(r[INTERVIEW])}">'
            f"<td>{e(r[CODE_LABEL])}</td><td>{e(r[INTERVIEW])}</td><td>{e(r[SPEAKER])}</td>"
            f'<td class="num">{e(r[POSITION])}</td><td>{e(who)}</td>'
            f'<td class="num">{score}</td>'
            f'<td class="text">{question}{marked_html(str(r[TEXT]), r[SPANS])}</td></tr>'
        )
    table = (
        f'<table id="segments"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return filters + table


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
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<nav><a href="#summary">{e(t["summary"])}</a><a href="#charts">{e(t["charts"])}</a>'
        f'<a href="#segments-section">{e(t["segments"])}</a></nav>',
        f'<section id="summary"><h2>{e(t["summary"])}</h2><p>{e(summary)}</p>',
        f"<h3>{e(t['frequencies'])}</h3>",
        _frequency_table(tables["code_frequencies"], tables["theme_frequencies"], t),
    ]
    if "cases" in tables:
        parts += _attributes_html(tables, t)
    if "coder_counts" in tables and len(coders) > 1:
        counts = tables["coder_counts"]
        wide = counts.pivot_table(index=CODE, columns=CODER, values=TURNS, aggfunc="sum")
        wide = wide.reindex(index=list(dict.fromkeys(counts[CODE]))).fillna(0).astype(int)
        wide.insert(0, CODE_LABEL, [meta.at[c, CODE_LABEL] for c in wide.index])
        named = {c: coder_name(c, t, kinds.get(str(c))) for c in wide.columns if c != CODE_LABEL}
        cols = {CODE_LABEL: t["code"], **named}
        parts += [f"<h3>{e(t['coders'])}</h3>", _table(wide.reset_index(drop=True), cols)]
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
            _table(agree, cols, percent=("agreement",)),
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
    parts.append(_segments_html(seg, meta, t) if len(seg) else f"<p>{e(t['no_segments'])}</p>")
    parts.append(f"</section><script>{_JS}</script></body></html>")
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


def coder_name(coder: object, t: Mapping[str, str], kind: object = None) -> str:
    """A coder as a reader should see it: machine coders (``rules``, ``model``) marked, and
    marked as suggestions not yet reviewed when ``kind`` is ``"suggestion"``."""
    name = str(coder)
    if kind == SUGGESTION:
        return t["coder_suggestion"].format(coder=name)
    if name in (RULES_CODER, MODEL_CODER):
        return t["coder_machine"].format(coder=name)
    return name


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
        validate_turns(turns),
        validate_codings(codings),
        codebook,
        cases=cases,
        lang=lang,
        pseudonyms=pseudonyms,
        titles=titles,
        case_labels=case_labels,
        attributes=attributes,
    )
    turns, codebook, lang = ready.turns, ready.codebook, ready.lang
    tables = reports.report_tables(
        turns,
        ready.codings,
        codebook,
        coder=coder,
        min_score=min_score,
        spans=spans,
        cases=ready.cases,
        attributes=ready.attributes,
    )
    svgs = report_charts(tables, codebook, lang=lang)[0] if charts else {}
    text = render_html_report(tables, codebook, turns, charts=svgs, lang=lang, title=title)
    write_atomic(p, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    logger.info("wrote HTML report %s", p)
    return p


if TYPE_CHECKING:
    from qualcode.exchange.charts import DrawnChart

__all__ = [
    "chart_svgs",
    "inline_svg",
    "marked_html",
    "render_html_report",
    "report_charts",
    "write_html_report",
]
