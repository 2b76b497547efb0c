"""All tables of a report, keyed by a short file-friendly name."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qualcode import provenance
from qualcode.agreement import coder_agreement
from qualcode.cases import case_attributes, select_attributes, validate_cases
from qualcode.codebook import Codebook
from qualcode.codingframe import CODE_LABEL, Selection, as_list, checked_inputs, unique
from qualcode.reports.attributes import code_attribute_frequencies
from qualcode.reports.co_occurrence import cooccurrence
from qualcode.reports.coders import coder_counts
from qualcode.reports.frequencies import code_frequencies, code_interview_matrix, theme_frequencies
from qualcode.reports.segments import coded_segments
from qualcode.schema import CODE, CODER, INTERVIEW, ROLE, SPEAKER, validate_codings, validate_turns

__all__ = ["report_tables"]


def report_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    coder: Selection = None,
    min_score: float | None = None,
    context: bool = True,
    spans: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
) -> dict[str, pd.DataFrame]:
    """Build every table of a report, keyed by a short file-friendly name.

    Parameters
    ----------
    coder : str or list of str, optional
        Coders reported (default: all; the frequency and co-occurrence tables pool them,
        counting a turn once). With two or more coders the coders are compared.
    min_score, context, spans
        As in :func:`coded_segments` / :func:`code_frequencies`.
    cases : DataFrame, optional
        A cases table (:func:`qualcode.cases.read_cases`): adds the cases and, when they have
        attributes, the codes and themes counted per attribute value.
    attributes : str or list of str, optional
        The attributes counted by (default: all of them).

    Returns
    -------
    dict of str to DataFrame
        ``segments``, ``code_frequencies``, ``theme_frequencies``, ``by_interview``,
        ``by_speaker``, ``by_role``, ``code_by_interview`` (matrix with a ``code`` column),
        ``cooccurrence``, ``coder_counts``, with two or more coders ``coder_agreement``, and
        with cases ``cases`` (:func:`qualcode.cases.case_attributes`), ``code_by_attribute``
        and ``theme_by_attribute`` (:func:`code_attribute_frequencies`).
    """
    turns = validate_turns(turns)
    codings = validate_codings(codings)
    with checked_inputs(turns, codings):
        return _report_tables(
            turns,
            codings,
            codebook,
            coder=coder,
            min_score=min_score,
            context=context,
            spans=spans,
            cases=cases,
            attributes=attributes,
        )


def _report_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    *,
    coder: Selection,
    min_score: float | None,
    context: bool,
    spans: pd.DataFrame | None,
    cases: pd.DataFrame | None,
    attributes: Selection,
) -> dict[str, pd.DataFrame]:
    common: dict[str, Any] = {"coder": coder, "min_score": min_score}
    tables = {
        "segments": coded_segments(
            turns,
            codings,
            codebook,
            coders=coder,
            min_score=min_score,
            context=context,
            spans=spans,
        ),
        "code_frequencies": code_frequencies(turns, codings, codebook, **common),
        "theme_frequencies": theme_frequencies(turns, codings, codebook, **common),
        "by_interview": code_frequencies(turns, codings, codebook, by=INTERVIEW, **common),
        "by_speaker": code_frequencies(turns, codings, codebook, by=SPEAKER, **common),
        "by_role": code_frequencies(turns, codings, codebook, by=ROLE, **common),
    }
    matrix = code_interview_matrix(turns, codings, codebook, **common)
    labels = matrix.attrs.pop("labels")
    flat = matrix.reset_index()
    flat.insert(1, CODE_LABEL, flat[CODE].map(labels).astype("string"))
    flat.columns = [str(col) for col in flat.columns]
    tables["code_by_interview"] = flat
    tables["cooccurrence"] = cooccurrence(turns, codings, codebook, **common)
    tables["coder_counts"] = coder_counts(
        turns, codings, codebook, coders=coder, min_score=min_score
    )
    coders = as_list(coder) or unique(codings[CODER])
    if len(coders) > 1:
        tables["coder_agreement"] = coder_agreement(
            turns, codings, codebook, coders=coders, min_score=min_score
        )
    if cases is not None:
        checked_cases = validate_cases(cases)
        tables["cases"] = case_attributes(checked_cases)
        if select_attributes(checked_cases, attributes):
            for level in ("code", "theme"):
                tables[f"{level}_by_attribute"] = code_attribute_frequencies(
                    turns,
                    codings,
                    checked_cases,
                    codebook,
                    attributes=attributes,
                    level=level,
                    **common,
                )
    _mark_kinds(
        tables,
        turns,
        codings,
        codebook,
        coder=coder,
        min_score=min_score,
        cases=cases,
        attributes=attributes,
    )
    # the first table says whose codings the report shows (a workbook's first sheet)
    shown = provenance.coders_shown(tables["segments"])
    order = pd.Index(pd.unique(codings[CODER].astype(str).to_numpy(dtype=object)))
    shown = shown.iloc[np.argsort(order.get_indexer(pd.Index(shown[CODER])), kind="stable")]
    return {"coders_shown": shown.reset_index(drop=True), **tables}


def _mark_kinds(
    tables: dict[str, pd.DataFrame],
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook | None,
    **options: Any,
) -> None:
    """Say who made the codings (:mod:`qualcode.provenance`): a ``kind`` column on the segments
    and coder counts, and with open suggestions a ``suggested_turns`` column on the counts."""
    kinds = provenance.coder_kinds(codings)
    for name in ("segments", "coder_counts"):
        table = tables[name]
        table[provenance.KIND] = table[CODER].astype(str).map(kinds).astype("string")
    if provenance.SUGGESTION not in kinds.values():
        return
    people = codings[provenance.coding_kinds(codings) != provenance.SUGGESTION]
    chosen = as_list(options["coder"])
    if chosen is not None:
        chosen = [c for c in chosen if kinds.get(c) != provenance.SUGGESTION] or None
        if chosen is None:
            people = people.iloc[:0]
    plain = _report_tables(
        turns, people, codebook, **{**options, "coder": chosen}, context=False, spans=None
    )
    provenance.add_suggested_counts(tables, plain)
