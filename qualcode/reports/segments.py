"""Coded segments: every coded turn per code, with its evidence marked in the text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codingframe import (
    CODE_LABEL,
    MARKED_TEXT,
    QUESTION,
    QUESTION_TURN_ID,
    SPANS,
    THEME,
    THEME_LABEL,
    Selection,
    as_list,
    base_turns,
    interview_order,
    isin,
    object_values,
    ordered,
    prepare,
    select_codes,
    with_meta,
)
from qualcode.reports.spans import MARKS, evidence_spans, format_spans, mark_merged, merge_spans
from qualcode.schema import (
    CODE,
    CODER,
    EVIDENCE,
    EVIDENCE_SEP,
    INTERVIEW,
    INTERVIEWER,
    LINE,
    POSITION,
    ROLE,
    SCORE,
    SOURCE,
    SPAN_END,
    SPAN_START,
    SPEAKER,
    TEXT,
    TURN_ID,
)

__all__ = ["coded_segments", "previous_questions"]


def previous_questions(turns: pd.DataFrame) -> pd.DataFrame:
    """For each turn, the closest earlier interviewer turn of the same interview."""
    t = turns[[TURN_ID, INTERVIEW, ROLE, TEXT]]
    is_q = t[ROLE] == INTERVIEWER
    q_text = t[TEXT].where(is_q)
    q_id = t[TURN_ID].where(is_q)
    prev = pd.DataFrame({QUESTION: q_text, QUESTION_TURN_ID: q_id, INTERVIEW: t[INTERVIEW]})
    shifted = prev.groupby(INTERVIEW, sort=False)[[QUESTION, QUESTION_TURN_ID]].shift(1)
    shifted[INTERVIEW] = t[INTERVIEW]
    filled = shifted.groupby(INTERVIEW, sort=False)[[QUESTION, QUESTION_TURN_ID]].ffill()
    filled.index = t[TURN_ID].to_numpy()
    return filled.astype("string")


def coded_segments(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    codes: Selection = None,
    themes: Selection = None,
    interviews: Selection = None,
    speakers: Selection = None,
    roles: Selection = None,
    coders: Selection = None,
    min_score: float | None = None,
    context: bool = False,
    spans: pd.DataFrame | None = None,
    mark_evidence: bool = True,
    marks: tuple[str, str] = MARKS,
) -> pd.DataFrame:
    """List every coded turn per code, with its evidence marked in the text.

    Several codings rows for the same turn, code and coder (for example one per coded
    sentence) become one segment whose spans are all marked.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook, optional
        Gives the order, labels and themes of the codes (default: codes in order of
        appearance, no themes).
    codes, themes, interviews, speakers, roles, coders : str or list of str, optional
        Keep only segments with these values.
    min_score : float, optional
        Keep only codings with at least this score.
    context : bool, default False
        Add the question asked before the turn (the previous interviewer turn of the
        interview) as ``question`` and ``question_turn_id``.
    spans : DataFrame, optional
        Extra evidence spans, e.g. ``KeywordCoder.explain(turns)``: columns ``turn_id``,
        ``code``, ``span_start``, ``span_end`` (and ``coder`` to restrict to one coder).
    mark_evidence : bool, default True
        Also mark where the items of the ``evidence`` cell (matched keywords, model terms)
        occur in the text.
    marks : (str, str), default ("«", "»")
        What to put before and after each marked span in ``marked_text``.

    Returns
    -------
    DataFrame
        One row per (code, turn, coder), codes in codebook order, then interview and turn
        order. Columns ``theme``, ``theme_label``, ``code``, ``code_label``, ``interview``,
        ``position``, ``turn_id``, ``speaker``, ``role``, ``coder``, ``score``, ``evidence``,
        [``question``, ``question_turn_id``], ``text``, ``marked_text``, ``spans``
        (``"start-end; ..."`` offsets into ``text``), ``source``, ``line``.

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["t1", "t2"], "interview": "N1", "position": [1, 2],
    ...     "speaker": ["P", "N1"], "role": ["interviewer", "participant"],
    ...     "text": ["Bagaimana AE mendapatkan klien?", "Lewat referensi dari klien lama."]})
    >>> codings = pd.DataFrame({"turn_id": ["t2"], "code": ["acquire"], "coder": ["rules"],
    ...     "evidence": ["referensi"]})
    >>> seg = coded_segments(turns, codings, context=True)
    >>> seg.loc[0, "question"], seg.loc[0, "marked_text"]
    ('Bagaimana AE mendapatkan klien?', 'Lewat «referensi» dari klien lama.')
    """
    frame = prepare(turns, codings, codebook, coder=coders, min_score=min_score)
    selected = select_codes(frame, codes, themes)
    c = frame.codings[isin(frame.codings[CODE], selected)]
    t = frame.turns
    for col, value in ((INTERVIEW, interviews), (SPEAKER, speakers)):
        wanted = as_list(value)
        if wanted is not None:
            t = t[isin(t[col], wanted)]
    t = base_turns(t, roles)
    c = c[isin(c[TURN_ID], t[TURN_ID])]

    keys = [TURN_ID, CODE, CODER]
    # one entry per (turn, code, coder): best score, evidence items, spans
    entries: dict[tuple[str, str, str], tuple[list[float], list[str], list[tuple[int, int]]]] = {}
    arrays = [object_values(c[col]) for col in (*keys, SCORE, EVIDENCE, SPAN_START, SPAN_END)]
    for tid, code, coder, score, evidence, start, end in zip(*arrays, strict=True):
        entry = entries.get((tid, code, coder))
        if entry is None:
            entry = entries[(tid, code, coder)] = ([], [], [])
        if score is not None and score == score:  # not NaN
            entry[0].append(float(score))
        if isinstance(evidence, str) and evidence:
            entry[1].extend(i.strip() for i in evidence.split(EVIDENCE_SEP.strip()) if i.strip())
        if start is not None and end is not None:
            entry[2].append((int(start), int(end)))
    extra_map: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    extra_by_coder = False
    if spans is not None and len(spans):
        extra_by_coder = CODER in spans.columns
        cols = [TURN_ID, CODE, CODER] if extra_by_coder else [TURN_ID, CODE]
        ok = spans[spans[SPAN_START].notna() & spans[SPAN_END].notna()]
        for row in ok[[*cols, SPAN_START, SPAN_END]].itertuples(index=False):
            extra_map.setdefault(tuple(map(str, row[:-2])), []).append((int(row[-2]), int(row[-1])))

    grouped = pd.DataFrame(
        {
            TURN_ID: pd.array([k[0] for k in entries], dtype="string"),
            CODE: pd.array([k[1] for k in entries], dtype="string"),
            CODER: pd.array([k[2] for k in entries], dtype="string"),
            SCORE: np.array([max(v[0]) if v[0] else np.nan for v in entries.values()], float),
            EVIDENCE: pd.array(
                [EVIDENCE_SEP.join(dict.fromkeys(v[1])) for v in entries.values()], dtype="string"
            ),
        }
    )
    turn_cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, ROLE, TEXT, SOURCE, LINE]
    seg = grouped.merge(t[turn_cols], on=TURN_ID, how="inner")
    all_spans, marked = [], []
    rows = zip(*(object_values(seg[col]) for col in (*keys, TEXT, EVIDENCE)), strict=True)
    for tid, code, coder, text, evidence in rows:
        found = list(entries[(tid, code, coder)][2])
        found += extra_map.get((tid, code, coder) if extra_by_coder else (tid, code), [])
        if mark_evidence and evidence:
            found += evidence_spans(text, evidence)
        merged = merge_spans(found, len(text))
        all_spans.append(format_spans(merged))
        marked.append(mark_merged(text, merged, marks))
    seg[MARKED_TEXT] = pd.array(marked, dtype="string")
    seg[SPANS] = pd.array(all_spans, dtype="string")
    if context:
        questions = previous_questions(frame.turns)
        seg[QUESTION] = questions[QUESTION].reindex(seg[TURN_ID]).to_numpy()
        seg[QUESTION_TURN_ID] = questions[QUESTION_TURN_ID].reindex(seg[TURN_ID]).to_numpy()

    order_code = ordered(seg[CODE], frame.codes)
    order_int = ordered(seg[INTERVIEW], interview_order(frame.turns))
    seg = (
        seg.assign(_c=order_code, _i=order_int)
        .sort_values(["_c", "_i", POSITION, CODER], kind="stable")
        .drop(columns=["_c", "_i"])
    )
    seg = with_meta(seg, frame.meta)
    columns: list[str] = [
        THEME,
        THEME_LABEL,
        CODE,
        CODE_LABEL,
        INTERVIEW,
        POSITION,
        TURN_ID,
        SPEAKER,
        ROLE,
        CODER,
        SCORE,
        EVIDENCE,
        *([QUESTION, QUESTION_TURN_ID] if context else []),
        TEXT,
        MARKED_TEXT,
        SPANS,
        SOURCE,
        LINE,
    ]
    out = seg[columns].reset_index(drop=True)
    for col in (QUESTION, QUESTION_TURN_ID, EVIDENCE):
        if col in out.columns:
            out[col] = out[col].astype("string")
    return out
