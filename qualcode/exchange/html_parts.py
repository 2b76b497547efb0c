"""The pieces of the HTML report: escaping, inline SVG, marked text, tables, coders' names,
the filterable table of coded segments, and the page's inline style and script.

Every piece of transcript text (and every label) goes through :func:`e`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from qualcode import reports
from qualcode.codingframe import object_values
from qualcode.exchange._attributes import attribute_matrices, attribute_title
from qualcode.provenance import KIND, SUGGESTED_TURNS, SUGGESTION
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
)
from qualcode.schema import (
    CASE,
    CODE,
    CODER,
    INTERVIEW,
    MODEL_CODER,
    POSITION,
    RULES_CODER,
    SCORE,
    SPEAKER,
    TEXT,
)

__all__ = [
    "CSS",
    "FILTER_JS",
    "attributes_html",
    "coder_name",
    "e",
    "frequency_table",
    "html_table",
    "inline_svg",
    "marked_html",
    "segments_html",
]

#: the report's style sheet (inline: the file needs nothing else)
CSS = """
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

#: the segments table's filters (inline)
FILTER_JS = """
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


def html_table(
    df: pd.DataFrame, columns: Mapping[str, str], *, percent: tuple[str, ...] = ()
) -> str:
    """A table of ``columns`` (name -> header) of ``df``; numbers right-aligned, ``percent``
    as percentages."""
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


def frequency_table(code_freq: pd.DataFrame, theme_freq: pd.DataFrame, t: dict[str, str]) -> str:
    """The code and theme frequencies as one table, each theme's row over its codes."""
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


def attributes_html(tables: Mapping[str, pd.DataFrame], t: dict[str, str]) -> list[str]:
    """The cases with their attributes and one code x value table per attribute."""
    cases = tables["cases"]
    columns = {str(c): attribute_title(str(c)) for c in cases.columns}
    columns[CASE] = t["case"]
    parts = [
        f'<section id="attributes"><h3>{e(t["attributes"])}</h3>',
        f"<h4>{e(t['caption_cases'])}</h4>",
        html_table(cases, columns),
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


def segments_html(seg: pd.DataFrame, meta: pd.DataFrame, t: dict[str, str]) -> str:
    """The coded segments as a table, with filters by code and interview."""
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


def coder_name(coder: object, t: Mapping[str, str], kind: object = None) -> str:
    """A coder as a reader should see it: machine coders (``rules``, ``model``) marked, and
    marked as suggestions not yet reviewed when ``kind`` is ``"suggestion"``."""
    name = str(coder)
    if kind == SUGGESTION:
        return t["coder_suggestion"].format(coder=name)
    if name in (RULES_CODER, MODEL_CODER):
        return t["coder_machine"].format(coder=name)
    return name
