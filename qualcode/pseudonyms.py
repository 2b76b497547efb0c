"""Pseudonyms: informants' and other people's names replaced in everything that leaves a project.

A pseudonym file is a CSV with ``name`` and ``pseudonym`` columns. Each name is replaced as a
whole word, in any letter case, in turn texts, speaker labels, interview titles, case names,
attribute values, evidence and the codebook's texts of the tables handed to a writer; the
tables given (and a project's stored text) are never changed. Character offsets of codings
(``span_start``, ``span_end``) are moved with the text, so highlighted evidence stays on the
same words. :attr:`Pseudonyms.counts` says how many replacements of each name were made.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import TableError
from qualcode.schema import EVIDENCE, INTERVIEW, SPAN_END, SPAN_START, SPEAKER, TEXT, TURN_ID
from qualcode.tables import read_text_csv

__all__ = ["Pseudonymized", "Pseudonyms", "read_pseudonyms"]

NAME = "name"
PSEUDONYM = "pseudonym"


class Pseudonymized(NamedTuple):
    """The tables of :meth:`Pseudonyms.apply`, names replaced."""

    turns: pd.DataFrame
    codings: pd.DataFrame | None
    cases: pd.DataFrame | None
    codebook: Codebook | None


@dataclass
class Pseudonyms:
    """Names and their pseudonyms, and how often each name was replaced.

    Parameters
    ----------
    names : dict of str to str
        Name -> pseudonym, matched as whole words in any letter case.
    source : Path, optional
        The file they were read from.

    Attributes
    ----------
    counts : Counter
        Replacements made of each name (as given in ``names``) by :meth:`apply` so far.
    """

    names: dict[str, str]
    source: Path | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._by_key = {n.casefold(): n for n in self.names}
        ordered = sorted(self.names, key=len, reverse=True)  # "Ana Maria" before "Ana"
        alternatives = "|".join(re.escape(n) for n in ordered if n) or r"(?!)"  # none: no match
        self._regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    @property
    def not_found(self) -> list[str]:
        """The names never replaced so far, in file order."""
        return [n for n in self.names if not self.counts[n]]

    def replace_text(self, text: str) -> str:
        """Return ``text`` with every name replaced (counted in :attr:`counts`)."""
        return self._sub(text)[0]

    def _sub(self, text: str) -> tuple[str, list[tuple[int, int, int]]]:
        """Replace names; also return (start, end, new length) of each replacement."""
        edits: list[tuple[int, int, int]] = []

        def one(match: re.Match[str]) -> str:
            name = self._by_key[match.group(0).casefold()]
            self.counts[name] += 1
            new = self.names[name]
            edits.append((match.start(), match.end(), len(new)))
            return new

        return self._regex.sub(one, text), edits

    def _labels(self, series: pd.Series) -> pd.Series:
        """A label column (categorical or text) with names replaced in each distinct value."""
        if isinstance(series.dtype, pd.CategoricalDtype):
            cats = [self.replace_text(str(c)) for c in series.cat.categories]
            if len(set(cats)) == len(cats):
                return series.cat.rename_categories(cats)
            return series.astype("string").map(self.replace_text).astype("category")
        values = series.astype("string")
        mapping = {v: self.replace_text(v) for v in values.dropna().unique()}
        return values.map(mapping, na_action="ignore").astype(series.dtype)

    def apply(
        self,
        turns: pd.DataFrame,
        *,
        codings: pd.DataFrame | None = None,
        cases: pd.DataFrame | None = None,
        codebook: Codebook | None = None,
    ) -> Pseudonymized:
        """Return copies of the tables with every name replaced; the inputs are not changed.

        Parameters
        ----------
        turns : DataFrame
            Names are replaced in ``text``, ``speaker`` and ``interview``.
        codings : DataFrame, optional
            ``evidence`` gets the names replaced and ``span_start``/``span_end`` move with the
            turn text they point into.
        cases : DataFrame, optional
            Every text column (case names, join columns, attribute values, titles).
        codebook : Codebook, optional
            Definitions, notes and example quotes.

        Returns
        -------
        Pseudonymized
            ``turns``, ``codings``, ``cases``, ``codebook`` (``None`` where not given).
        """
        turns = turns.copy()
        shifts: dict[str, _Shift] = {}
        if len(turns) and self.names:
            texts = turns[TEXT].astype("string")
            hit = texts.str.contains(self._regex, na=False).to_numpy()
            if hit.any():
                new = list(texts.astype(object).where(texts.notna(), None))
                ids = turns[TURN_ID].astype("string").to_numpy(dtype=object)
                for i in hit.nonzero()[0].tolist():
                    new[i], edits = self._sub(str(new[i]))
                    shifts[str(ids[i])] = _offsets(edits)
                turns[TEXT] = pd.Series(new, index=turns.index).astype(turns[TEXT].dtype)
            for col in (SPEAKER, INTERVIEW):
                if col in turns.columns:
                    turns[col] = self._labels(turns[col])
        if codings is not None:
            codings = self._codings(codings, shifts)
        if cases is not None:
            cases = cases.copy()
            for col in cases.columns:
                if cases[col].dtype == object or pd.api.types.is_string_dtype(cases[col]):
                    cases[col] = self._labels(cases[col])
        if codebook is not None:
            codebook = self._codebook(codebook)
        return Pseudonymized(turns, codings, cases, codebook)

    def _codings(self, codings: pd.DataFrame, shifts: dict[str, _Shift]) -> pd.DataFrame:
        codings = codings.copy()
        if EVIDENCE in codings.columns and len(codings):
            codings[EVIDENCE] = self._labels(codings[EVIDENCE])
        if not shifts or not len(codings):
            return codings
        ids = codings[TURN_ID].astype("string")
        moved = ids.isin(list(shifts)).to_numpy()
        for col, is_end in ((SPAN_START, False), (SPAN_END, True)):
            if col not in codings.columns:
                continue
            column = codings[col]
            values = list(column.astype(object).where(column.notna(), None))
            for i in moved.nonzero()[0].tolist():
                if values[i] is not None:
                    values[i] = _move(int(values[i]), shifts[str(ids.iat[i])], end=is_end)
            codings[col] = pd.Series(values, index=codings.index).astype(column.dtype)
        return codings

    def _codebook(self, codebook: Codebook) -> Codebook:
        r = self.replace_text
        themes = tuple(
            replace(
                theme,
                codes=tuple(
                    replace(
                        c,
                        description=r(c.description),
                        include=r(c.include),
                        exclude=r(c.exclude),
                        examples=tuple(r(e) for e in c.examples),
                        translations=tuple((f, lg, r(t)) for f, lg, t in c.translations),
                    )
                    for c in theme.codes
                ),
            )
            for theme in codebook.themes
        )
        return replace(codebook, themes=themes)


_Shift = tuple[list[int], list[tuple[int, int, int]]]


def _offsets(edits: list[tuple[int, int, int]]) -> _Shift:
    """Ends and (start, end, new length) of a text's replacements, for :func:`_move`."""
    return [e[1] for e in edits], edits


def _move(offset: int, shift: _Shift, *, end: bool) -> int:
    """Where ``offset`` of the original text is in the text with the names replaced.

    An offset inside a replaced name moves to the start of its pseudonym (a span's start) or
    its end (a span's end), so a span never cuts a pseudonym.
    """
    ends, edits = shift
    delta = 0
    done = bisect_right(ends, offset)  # replacements that end at or before the offset
    for s, e, n in edits[:done]:
        delta += n - (e - s)
    if done < len(edits) and edits[done][0] < offset:  # inside a replaced name
        s, _e, n = edits[done]
        return s + delta + (n if end else 0)
    return offset + delta


def read_pseudonyms(path: str | Path) -> Pseudonyms:
    """Read a pseudonym file: a CSV with ``name`` and ``pseudonym`` columns.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8); one row per name; other columns (a note) are ignored.

    Returns
    -------
    Pseudonyms

    Raises
    ------
    TableError
        If the file is missing or unreadable, lacks a column, or a row has an empty name or
        pseudonym, or a name is given twice (in any letter case).

    Examples
    --------
    >>> ps = read_pseudonyms("data/pseudonyms.csv")  # doctest: +SKIP
    >>> ps.replace_text("Saya Juliana")  # doctest: +SKIP
    'Saya Sari'
    """
    p = Path(path)
    df = read_text_csv(
        p,
        what="pseudonym",
        expected="expected a CSV with name,pseudonym",
        folder="expected a pseudonym .csv file, got a folder",
    )
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in (NAME, PSEUDONYM) if c not in df.columns]
    if missing:
        msg = (
            f"the pseudonym file has no {' or '.join(repr(m) for m in missing)} column; "
            f"expected columns name,pseudonym (got {', '.join(map(str, df.columns))})"
        )
        raise TableError(msg, path=p, line=1)
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i, (name, pseudonym) in enumerate(zip(df[NAME], df[PSEUDONYM], strict=True)):
        line = i + 2
        name, pseudonym = str(name).strip(), str(pseudonym).strip()
        if not name or not pseudonym:
            msg = "empty name or pseudonym; expected both on every row"
            raise TableError(msg, path=p, line=line)
        if name.casefold() in seen:
            msg = f"the name {name!r} is given twice (first on line {seen[name.casefold()]})"
            raise TableError(msg, path=p, line=line)
        seen[name.casefold()] = line
        names[name] = pseudonym
    if not names:
        raise TableError("the pseudonym file lists no names; expected name,pseudonym rows", path=p)
    return Pseudonyms(names, source=p)
