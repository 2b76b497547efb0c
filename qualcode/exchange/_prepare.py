"""What every writer does first: the language, readable interview titles and pseudonyms.

:func:`prepare_inputs` returns the tables a report, the HTML report, the workbook or the Word
appendix is written from: the codebook in the report's language
(:func:`qualcode.codebook.texts.report_codebook`, warning once about texts missing in it),
interviews named by their titles (:func:`qualcode.titles.apply_titles`) and, with pseudonyms,
every name replaced (:meth:`qualcode.pseudonyms.Pseudonyms.apply`). The tables given are not
changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.case_labels import CaseLabels, read_case_labels
from qualcode.codebook import Codebook
from qualcode.codebook.texts import report_codebook
from qualcode.pseudonyms import Pseudonyms, read_pseudonyms
from qualcode.reports import Selection, report_tables
from qualcode.schema import TITLE, validate_codings, validate_turns
from qualcode.titles import apply_titles

__all__ = [
    "CaseLabelsArg",
    "Prepared",
    "PseudonymsArg",
    "TitlesArg",
    "as_pseudonyms",
    "prepare_inputs",
    "prepared_tables",
]

#: what the ``pseudonyms`` option of a writer takes
PseudonymsArg = Pseudonyms | str | Path | None
#: what the ``case_labels`` option takes: labels, the path of a label file, or None
CaseLabelsArg = CaseLabels | str | Path | None
#: what the ``titles`` option takes: True (readable titles), False (ids), or titles by id
TitlesArg = Mapping[str, str] | bool


@dataclass(frozen=True)
class Prepared:
    """The inputs of a writer, ready to write."""

    turns: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    cases: pd.DataFrame | None
    lang: str
    attributes: Selection


def as_pseudonyms(pseudonyms: PseudonymsArg) -> Pseudonyms | None:
    """A :class:`Pseudonyms` from itself or the path of a pseudonym file."""
    if pseudonyms is None or isinstance(pseudonyms, Pseudonyms):
        return pseudonyms
    return read_pseudonyms(pseudonyms)


def prepare_inputs(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    cases: pd.DataFrame | None,
    lang: str | None,
    pseudonyms: PseudonymsArg,
    titles: TitlesArg,
    case_labels: CaseLabelsArg = None,
    attributes: Selection = None,
) -> Prepared:
    """Check the turns and codings, and return the inputs in the report's language, with titles
    and pseudonyms applied.

    With ``case_labels`` the cases' attributes and values are labelled in the language, and
    ``attributes`` (a selection by attribute name) is returned with the labels.
    """
    turns, codings = validate_turns(turns), validate_codings(codings)
    book, lang = report_codebook(codebook, lang)
    if titles is not False:
        given = titles if isinstance(titles, Mapping) else None
        turns, cases = apply_titles(turns, cases, titles=given)
    elif cases is not None:
        cases = cases.drop(columns=[TITLE], errors="ignore")  # never an attribute
    ps = as_pseudonyms(pseudonyms)
    if ps is not None:
        done = ps.apply(turns, codings=codings, cases=cases, codebook=book)
        turns, cases = done.turns, done.cases
        assert done.codings is not None and done.codebook is not None
        codings, book = done.codings, done.codebook
    if case_labels is not None and cases is not None:
        labels = (
            case_labels if isinstance(case_labels, CaseLabels) else read_case_labels(case_labels)
        )
        cases, names = labels.apply(cases, lang)
        if attributes is not None:
            chosen = [attributes] if isinstance(attributes, str) else list(attributes)
            attributes = [names.get(a, a) for a in chosen]
    return Prepared(turns, codings, book, cases, lang, attributes)


def prepared_tables(
    ready: Prepared, *, coder: Selection, min_score: float | None, spans: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """The report's tables (:func:`qualcode.reports.report_tables`) of prepared inputs."""
    return report_tables(
        ready.turns,
        ready.codings,
        ready.codebook,
        coder=coder,
        min_score=min_score,
        spans=spans,
        cases=ready.cases,
        attributes=ready.attributes,
    )
