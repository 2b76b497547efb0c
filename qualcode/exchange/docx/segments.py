"""The coded segments of the Word appendix: quotes under their codes, cited as a thesis cites."""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape

import pandas as pd
from docx.document import Document as DocumentObject

from qualcode import reports
from qualcode.codingframe import object_values
from qualcode.exchange.docx.runs import body_append, clean_text, marked_runs, objects
from qualcode.provenance import KIND, SUGGESTION
from qualcode.reports import CODE_LABEL, SPANS, THEME, THEME_LABEL
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
)

__all__ = ["cite", "merge_coders", "segments_section"]


def merge_coders(seg: pd.DataFrame) -> pd.DataFrame:
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


def segments_section(
    doc: DocumentObject,
    seg: pd.DataFrame,
    meta: pd.DataFrame,
    t: dict[str, str],
    case_of: Mapping[str, str],
) -> None:
    """The coded segments by theme and code: each quote, its spans marked, and its source."""
    doc.add_heading(t["segments"], level=1)
    merged = merge_coders(seg)
    by_code = {code: g for code, g in merged.groupby(CODE, sort=False)} if len(merged) else {}
    theme_of = meta[THEME]
    for theme in dict.fromkeys(theme_of):
        codes = [c for c in meta.index if theme_of[c] == theme]
        if not any(c in by_code for c in codes):
            continue
        label = meta.loc[codes[0], THEME_LABEL] or t["other_theme"]
        doc.add_heading(clean_text(label), level=2)
        for code in codes:
            if code not in by_code:
                continue
            doc.add_heading(clean_text(meta.at[code, CODE_LABEL]), level=3)
            fragments = []
            group = by_code[code]
            columns = (TEXT, SPANS, INTERVIEW, SPEAKER, POSITION, "coders", TURN_ID, SUGGESTION)
            for text, spans, interview, speaker, position, coders, turn_id, open_ in zip(
                *(objects(group[c]) for c in columns), strict=True
            ):
                runs = marked_runs(str(text), reports.parse_spans(spans), italic=False)
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
                    f"({escape(clean_text(source))})</w:t></w:r></w:p>"
                )
            body_append(doc, fragments)
    if merged.empty:
        doc.add_paragraph(t["no_segments"])
