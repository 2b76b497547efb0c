"""Keyword and pattern coding: apply a codebook's keywords and regular expressions to turns.

Matching rules (see docs/codebook.md, "How keywords match"):

* Keywords match whole words, case-insensitively, over the tokens of
  :func:`qualcode.coding.morphology.tokenize`: punctuation and markup glued to words do not hide a
  match, ``-nya`` ("kliennya", "client-nya", "client -nya") and reduplication ("klien-klien")
  are normalised away.
* A keyword token matches a text token when they share a lemma in one of the coder's languages
  (``mempertahankan`` in the codebook matches ``dipertahankan`` in the text: both have the root
  ``tahan``). Multi-word keywords match consecutive tokens.
* ``patterns`` are regular expressions searched case-insensitively in the original text;
  ``exclude_patterns`` veto their code in a unit where they match.
* Score of a code in a unit: ``1 - 0.5 ** n`` for ``n`` distinct hits (a hit inside a longer hit
  of the same code is not counted): 0.5 for one hit, 0.75 for two, 0.875 for three.
* In a mutually exclusive theme only the strongest code of a unit is kept (most hits; ties go to
  the code that comes first in the codebook).

The hits are found by :class:`qualcode.coding.matcher.KeywordMatcher`, which works on a whole
table of turns at once (see that module for how it stays fast on large corpora); this module turns
hits into codings, explanations and feature counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.coding.hits import Hits
from qualcode.coding.matcher import KeywordMatcher
from qualcode.coding.tokens import expand_ranges
from qualcode.errors import QualcodeError

logger = logging.getLogger(__name__)

__all__ = [
    "EXPLAIN_COLUMNS",
    "KEYWORD",
    "LEFT",
    "MATCHED",
    "RIGHT",
    "STATUS",
    "UNITS",
    "KeywordCoder",
    "score_from_hits",
]

#: with a progress bar, :meth:`KeywordCoder.code` codes tables longer than this in chunks of
#: this many turns (same codings)
PROGRESS_CHUNK = 20_000
#: columns of :meth:`KeywordCoder.explain` besides the schema's turn_id/code/span columns
KEYWORD = "keyword"
MATCHED = "matched"
LEFT = "left"
RIGHT = "right"
STATUS = "status"
EXPLAIN_COLUMNS: tuple[str, ...] = (
    schema.TURN_ID,
    schema.CODE,
    KEYWORD,
    MATCHED,
    schema.SPAN_START,
    schema.SPAN_END,
    LEFT,
    RIGHT,
    STATUS,
)
#: values of the ``status`` column of :meth:`KeywordCoder.explain`
CODED, EXCLUDED, OUTRANKED = "coded", "excluded", "outranked"

UNITS: tuple[str, ...] = ("turn", "sentence")


def score_from_hits(n_hits: int) -> float:
    """Return the rule strength of a code with ``n_hits`` hits in a unit: ``1 - 0.5 ** n``.

    Examples
    --------
    >>> score_from_hits(1), score_from_hits(2)
    (0.5, 0.75)
    """
    return 1.0 - 0.5**n_hits


class KeywordCoder:
    """Code turns with a codebook's keywords and patterns.

    Parameters
    ----------
    codebook : Codebook
        Codes with ``keywords``, ``patterns`` and ``exclude_patterns``.
    languages : sequence of str, optional
        spaCy language codes used to lemmatise (default: the codebook's ``languages``). Every
        token is lemmatised in each language; a keyword matches if any lemma matches, so
        code-switched turns are handled.
    all_speakers : bool, default False
        Code every turn; by default only participant turns (``role == "participant"``).
    unit : {"turn", "sentence"}, default "turn"
        ``"sentence"`` splits each turn into sentences (spaCy's rule-based sentencizer) and codes
        each sentence on its own: a turn can then get several rows for one code, one per coded
        sentence, each with ``span_start``/``span_end`` giving the sentence's offsets in the turn.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualcode.codebook import parse_codebook
    >>> cb = parse_codebook('''
    ... languages: [id, en]
    ... themes:
    ...   - name: crm
    ...     codes:
    ...       - name: retain
    ...         keywords: [mempertahankan, trust]
    ... ''')
    >>> turns = pd.DataFrame({"turn_id": ["t1"], "interview": ["i"], "position": [1],
    ...     "speaker": ["N1"], "role": ["participant"],
    ...     "text": ["Klien harus dipertahankan, karena trust-nya penting."]})
    >>> KeywordCoder(cb).code(turns)[["turn_id", "code", "score", "evidence"]]
      turn_id    code  score               evidence
    0      t1  retain   0.75  mempertahankan; trust
    """

    def __init__(
        self,
        codebook: Codebook,
        *,
        languages: Sequence[str] | None = None,
        all_speakers: bool = False,
        unit: str = "turn",
    ) -> None:
        self.codebook = codebook
        self.languages = languages
        self.all_speakers = all_speakers
        self.unit = unit
        self._matcher: KeywordMatcher | None = None
        self._tables: _Compiled | None = None
        self._compiled_for: tuple[Any, ...] | None = None

    @property
    def languages_(self) -> tuple[str, ...]:
        """The languages used for lemmatisation."""
        return tuple(self.languages) if self.languages else tuple(self.codebook.languages)

    def _compile(self) -> _Compiled:
        """Check the options and build (or reuse) the matcher and per-code tables."""
        if self.unit not in UNITS:
            msg = f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}"
            raise QualcodeError(msg)
        state = (self.codebook, self.languages_)
        if self._matcher is None or self._compiled_for != state:
            codes = self.codebook.codes
            index = {name: i for i, name in enumerate(self.codebook.code_names)}
            group = np.full(len(codes), -1, dtype=np.int64)
            for g, names in enumerate(self.codebook.exclusive_groups):
                for name in names:
                    group[index[name]] = g
            self._matcher = KeywordMatcher(self.codebook, self.languages_)
            self._tables = _Compiled(
                excludes={
                    ci: [re.compile(p, re.IGNORECASE) for p in code.exclude_patterns]
                    for ci, code in enumerate(codes)
                    if code.exclude_patterns
                },
                exclusive_group=group,
                names=pd.array(list(self.codebook.code_names), dtype="string"),
            )
            self._compiled_for = state
        assert self._tables is not None
        return self._tables

    # -- units -----------------------------------------------------------------------------------
    def _units(self, turns: pd.DataFrame) -> _Units:
        """The turns to code, split into the texts to code (turns or sentences)."""
        df = schema.validate_turns(turns)
        if not self.all_speakers:
            participant = df[schema.ROLE] == schema.PARTICIPANT
            if not participant.all():
                df = df[participant]
        self._compile()
        ids = df[schema.TURN_ID].array
        texts: list[str] = df[schema.TEXT].tolist()
        if self.unit == "turn":
            n = len(texts)
            zero = np.zeros(n, dtype=np.int64)
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
            return _Units(ids, texts, np.arange(n, dtype=np.int64), zero, lengths, texts)
        turn, start, end, unit_texts = [], [], [], []
        for ti, (text, spans) in enumerate(zip(texts, _sentences(texts), strict=True)):
            for s, e in spans:
                turn.append(ti)
                start.append(s)
                end.append(e)
                unit_texts.append(text[s:e])
        return _Units(
            ids,
            texts,
            np.array(turn, dtype=np.int64),
            np.array(start, dtype=np.int64),
            np.array(end, dtype=np.int64),
            unit_texts,
        )

    def _decide(self, units: _Units) -> tuple[Hits, _Groups]:
        """Find the hits of every unit, group them by (unit, code), apply vetoes and exclusivity."""
        tables = self._compile()
        assert self._matcher is not None
        hits = self._matcher.find(units.unit_texts)
        n = len(hits)
        breaks = np.flatnonzero((np.diff(hits.unit) != 0) | (np.diff(hits.code) != 0)) + 1
        first = np.concatenate([np.zeros(min(n, 1), dtype=np.int64), breaks])
        count = np.diff(np.append(first, n))
        unit, code = hits.unit[first], hits.code[first]
        status = np.zeros(len(first), dtype=np.int64)
        for gi in np.flatnonzero(np.isin(code, list(tables.excludes))).tolist():
            text = units.unit_texts[unit[gi]]
            if any(rx.search(text) for rx in tables.excludes[int(code[gi])]):
                status[gi] = _EXCLUDED
        group = tables.exclusive_group[code]
        live = np.flatnonzero((group >= 0) & (status == _CODED))
        if len(live):
            # per (unit, exclusive theme): most hits first, then codebook order; keep the first
            live = live[np.lexsort((code[live], -count[live], group[live], unit[live]))]
            same = (unit[live][1:] == unit[live][:-1]) & (group[live][1:] == group[live][:-1])
            status[live[1:][same]] = _OUTRANKED
        return hits, _Groups(first, count, unit, code, status)

    # -- public API -----------------------------------------------------------------------------
    def code(self, turns: pd.DataFrame) -> pd.DataFrame:
        """Code turns with the codebook's keywords and patterns.

        Parameters
        ----------
        turns : DataFrame
            A turns table (see :mod:`qualcode.schema`).

        Returns
        -------
        DataFrame
            The codings table: ``turn_id``, ``code``, ``coder`` (``"rules"``), ``score``
            (``1 - 0.5 ** hits``), ``evidence`` (the keywords and pattern matches found, joined
            by ``"; "``), ``span_start``/``span_end`` (the first hit's offsets in the turn text;
            with ``unit="sentence"`` the coded sentence's offsets). One row per (turn, code), or
            per (turn, code, sentence) with ``unit="sentence"``; in turn order, then codebook
            order.
        """
        from qualcode.progress import progress, progress_enabled

        if len(turns) > PROGRESS_CHUNK and progress_enabled():
            starts = range(0, len(turns), PROGRESS_CHUNK)
            parts = [
                self._code(turns.iloc[i : i + PROGRESS_CHUNK])
                for i in progress(starts, desc="keyword coding", unit="chunk")
            ]
            return schema.normalize_codings(pd.concat(parts, ignore_index=True))
        return self._code(turns)

    def _code(self, turns: pd.DataFrame) -> pd.DataFrame:
        units = self._units(turns)
        hits, groups = self._decide(units)
        sel = np.flatnonzero(groups.status == _CODED)
        unit = groups.unit[sel]
        if self.unit == "sentence":
            span_start, span_end = units.start[unit], units.end[unit]
        else:
            first = groups.first[sel]
            span_start = hits.start[first] + units.start[unit]
            span_end = hits.end[first] + units.start[unit]
        tables = self._compile()
        out = pd.DataFrame(
            {
                schema.TURN_ID: units.turn_ids.take(units.turn[unit]),
                schema.CODE: tables.names.take(groups.code[sel]),
                schema.CODER: schema.RULES_CODER,
                schema.SCORE: 1.0 - 0.5 ** groups.count[sel].astype(np.float64),
                schema.EVIDENCE: self._evidence(hits, groups, sel),
                schema.SPAN_START: span_start,
                schema.SPAN_END: span_end,
            },
            columns=list(schema.CODING_COLUMNS),
        )
        return schema.normalize_codings(out)

    def _evidence(self, hits: Hits, groups: _Groups, sel: np.ndarray) -> np.ndarray:
        """Evidence cell of each selected group: its distinct evidence strings in hit order."""
        assert self._matcher is not None
        strings = np.array(self._matcher.evidence, dtype=object)
        first, count = groups.first[sel], groups.count[sel]
        out = strings[hits.evidence[first]]
        several = np.flatnonzero(count > 1)
        if len(several):
            # hits of the groups with several hits; drop repeated evidence within a group
            idx = expand_ranges(first[several], count[several])
            gid = np.repeat(several, count[several])
            ev = hits.evidence[idx]
            order = np.lexsort((ev, gid))  # stable: first occurrence first
            repeat = np.zeros(len(idx), dtype=bool)
            repeat[order[1:]] = (gid[order[1:]] == gid[order[:-1]]) & (
                ev[order[1:]] == ev[order[:-1]]
            )
            kept = np.flatnonzero(~repeat)
            n_kept = np.bincount(gid[kept], minlength=len(sel))[several]
            at = np.cumsum(n_kept) - n_kept
            kept_strings = strings[ev[kept]].tolist()
            sep = schema.EVIDENCE_SEP
            for i, a, k in zip(several.tolist(), at.tolist(), n_kept.tolist(), strict=True):
                if k > 1:
                    out[i] = sep.join(kept_strings[a : a + k])
        return out

    def explain(self, turns: pd.DataFrame, *, context: int = 40) -> pd.DataFrame:
        """List every keyword and pattern hit with its context (keyword in context).

        Parameters
        ----------
        turns : DataFrame
            A turns table.
        context : int, default 40
            Characters of context on each side.

        Returns
        -------
        DataFrame
            One row per hit: ``turn_id``, ``code``, ``keyword`` (the keyword as written in the
            codebook, or ``/pattern/``), ``matched`` (the text matched), ``span_start``,
            ``span_end`` (offsets in the turn text), ``left``, ``right`` (context),
            ``status``: ``coded``, ``excluded`` (vetoed by an exclude pattern) or
            ``outranked`` (another code of an exclusive theme was stronger).
        """
        units = self._units(turns)
        hits, groups = self._decide(units)
        assert self._matcher is not None
        names = self.codebook.code_names
        rules = self._matcher.rules
        labels = (CODED, EXCLUDED, OUTRANKED)
        rows: list[tuple[Any, ...]] = []
        for gi, (first, count) in enumerate(zip(groups.first, groups.count, strict=True)):
            u = int(groups.unit[gi])
            turn = int(units.turn[u])
            text = units.texts[turn]
            offset = int(units.start[u])
            for h in range(first, first + count):
                start, end = int(hits.start[h]) + offset, int(hits.end[h]) + offset
                rows.append(
                    (
                        units.turn_ids[turn],
                        names[int(groups.code[gi])],
                        rules[int(hits.rule[h])],
                        text[start:end],
                        start,
                        end,
                        _squash(text[max(0, start - context) : start]),
                        _squash(text[end : end + context]),
                        labels[int(groups.status[gi])],
                    )
                )
        df = pd.DataFrame(rows, columns=list(EXPLAIN_COLUMNS))
        for col in (schema.TURN_ID, schema.CODE, KEYWORD, MATCHED, LEFT, RIGHT, STATUS):
            df[col] = df[col].astype("string")
        for col in (schema.SPAN_START, schema.SPAN_END):
            df[col] = df[col].astype("Int64")
        return df

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """Count keyword and pattern hits per code in each text.

        Parameters
        ----------
        texts : iterable of str

        Returns
        -------
        ndarray of shape (n_texts, n_codes)
            Hit counts (a hit nested in a longer hit of the same code is not counted), codes
            in codebook order. Exclude patterns and exclusive themes are not applied: these are
            raw features (for example for :class:`qualcode.coding.CodeClassifier`).
        """
        self._compile()
        assert self._matcher is not None
        texts = [str(t) for t in texts]
        n_codes = len(self.codebook.codes)
        hits = self._matcher.find(texts)
        counts = np.bincount(hits.unit * n_codes + hits.code, minlength=len(texts) * n_codes)
        return counts.reshape(len(texts), n_codes).astype(np.int64)


_CODED, _EXCLUDED, _OUTRANKED = 0, 1, 2


@dataclass(frozen=True)
class _Compiled:
    excludes: dict[int, list[re.Pattern[str]]]  # code index -> its exclude patterns
    exclusive_group: np.ndarray  # code index -> index of its exclusive theme, or -1
    names: Any  # code names as a pandas string array


@dataclass(frozen=True)
class _Units:
    turn_ids: Any  # pandas string array of the coded turns' ids
    texts: list[str]  # the coded turns' texts
    turn: np.ndarray  # unit -> index of its turn
    start: np.ndarray  # unit -> offset of the unit in its turn's text
    end: np.ndarray
    unit_texts: list[str]


@dataclass(frozen=True)
class _Groups:
    """Hits grouped by (unit, code): one entry per group, in unit then codebook order."""

    first: np.ndarray  # index of the group's first hit
    count: np.ndarray  # number of hits (nested hits already dropped)
    unit: np.ndarray
    code: np.ndarray
    status: np.ndarray  # _CODED, _EXCLUDED or _OUTRANKED


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    """spaCy's rule-based sentencizer on the multi-language tokenizer (cached).

    The sentencizer splits on sentence-final punctuation whatever the language; the light
    ``xx`` tokenizer avoids the seconds that loading the Indonesian language data takes.
    """
    import spacy  # heavy: only for the sentence unit

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _sentences(texts: list[str]) -> list[list[tuple[int, int]]]:
    """Character spans of the non-blank sentences of each text."""
    out: list[list[tuple[int, int]]] = []
    for doc in _sentencizer().pipe(texts):
        spans = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            if doc.text[start:end].strip():
                spans.append((start, end))
        out.append(spans)
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())
