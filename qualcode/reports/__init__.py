"""Report tables: coded segments, frequencies, co-occurrence and coder comparison.

Every function here is pure: it takes the ``turns`` and ``codings`` tables (see
:mod:`qualcode.schema`) and a :class:`~qualcode.codebook.Codebook`, and returns a DataFrame.
Codes are ordered as in the codebook everywhere and carry their labels (``Code.display``);
codes found in the codings but missing from the codebook are kept, after the codebook's
codes, under the theme ``""``.

Counting unit is the turn: a turn coded twice with the same code (two sentences, two
coders pooled) counts once.

One module per job: :mod:`~qualcode.reports.spans` (the ``spans`` column, marking text),
:mod:`~qualcode.reports.segments`, :mod:`~qualcode.reports.frequencies`,
:mod:`~qualcode.reports.attributes` (codes by case attribute),
:mod:`~qualcode.reports.co_occurrence`, :mod:`~qualcode.reports.coders` and
:mod:`~qualcode.reports.tables` (all tables of a report). The validated inputs and the column
names they share are in :mod:`qualcode.codingframe`; the coders' agreement table
(:func:`coder_agreement`) is in :mod:`qualcode.agreement`.
"""

from __future__ import annotations

from qualcode.agreement import coder_agreement
from qualcode.codingframe import (
    AGREEMENT,
    ATTRIBUTE,
    BASE_TURNS,
    BOTH,
    CASES,
    CASES_TOTAL,
    CODE_A,
    CODE_B,
    CODE_LABEL,
    CODER_A,
    CODER_B,
    EITHER,
    INTERVIEWS,
    INTERVIEWS_TOTAL,
    JACCARD,
    KAPPA,
    MARKED_TEXT,
    NEITHER,
    ONLY_A,
    ONLY_B,
    OTHER_THEME,
    QUESTION,
    QUESTION_TURN_ID,
    SHARE,
    SPANS,
    SPEAKERS,
    SPEAKERS_TOTAL,
    THEME,
    THEME_LABEL,
    TURNS,
    TURNS_A,
    TURNS_B,
    VALUE,
    Selection,
    code_table,
)
from qualcode.reports.attributes import code_attribute_frequencies, code_attribute_matrix
from qualcode.reports.co_occurrence import cooccurrence, cooccurrence_matrix
from qualcode.reports.coders import coder_counts
from qualcode.reports.frequencies import code_frequencies, code_interview_matrix, theme_frequencies
from qualcode.reports.segments import coded_segments, previous_questions
from qualcode.reports.spans import (
    MARKS,
    SPAN_SEP,
    evidence_spans,
    format_spans,
    mark_text,
    merge_spans,
    parse_spans,
)
from qualcode.reports.tables import report_tables

__all__ = [
    "AGREEMENT",
    "ATTRIBUTE",
    "BASE_TURNS",
    "BOTH",
    "CASES",
    "CASES_TOTAL",
    "CODER_A",
    "CODER_B",
    "CODE_A",
    "CODE_B",
    "CODE_LABEL",
    "EITHER",
    "INTERVIEWS",
    "INTERVIEWS_TOTAL",
    "JACCARD",
    "KAPPA",
    "MARKED_TEXT",
    "MARKS",
    "NEITHER",
    "ONLY_A",
    "ONLY_B",
    "OTHER_THEME",
    "QUESTION",
    "QUESTION_TURN_ID",
    "SHARE",
    "SPANS",
    "SPAN_SEP",
    "SPEAKERS",
    "SPEAKERS_TOTAL",
    "THEME",
    "THEME_LABEL",
    "TURNS",
    "TURNS_A",
    "TURNS_B",
    "VALUE",
    "Selection",
    "code_attribute_frequencies",
    "code_attribute_matrix",
    "code_frequencies",
    "code_interview_matrix",
    "code_table",
    "coded_segments",
    "coder_agreement",
    "coder_counts",
    "cooccurrence",
    "cooccurrence_matrix",
    "evidence_spans",
    "format_spans",
    "mark_text",
    "merge_spans",
    "parse_spans",
    "previous_questions",
    "report_tables",
    "theme_frequencies",
]
