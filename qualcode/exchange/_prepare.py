"""What every writer does first: the language, readable interview titles and pseudonyms.

:func:`prepare_inputs` returns the tables a report, the HTML report, the workbook or the Word
appendix is written from: the codebook in the report's language
(:func:`qualcode.codebook_texts.report_codebook`, warning once about texts missing in it),
interviews named by their titles (:func:`qualcode.titles.apply_titles`) and, with pseudonyms,
every name replaced (:meth:`qualcode.pseudonyms.Pseudonyms.apply`). The tables given are not
changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codebook_texts import report_codebook
from qualcode.pseudonyms import Pseudonyms, read_pseudonyms
from qualcode.titles import apply_titles

#: what the ``pseudonyms`` option of a writer takes
PseudonymsArg = Pseudonyms | str | Path | None
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
) -> Prepared:
    """Return the inputs in the report's language, with titles and pseudonyms applied."""
    book, lang = report_codebook(codebook, lang)
    if titles is not False:
        given = titles if isinstance(titles, Mapping) else None
        turns, cases = apply_titles(turns, cases, titles=given)
    ps = as_pseudonyms(pseudonyms)
    if ps is not None:
        done = ps.apply(turns, codings=codings, cases=cases, codebook=book)
        turns, cases = done.turns, done.cases
        assert done.codings is not None and done.codebook is not None
        codings, book = done.codings, done.codebook
    return Prepared(turns, codings, book, cases, lang)
