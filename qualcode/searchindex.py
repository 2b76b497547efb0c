"""The search index: a turns table tokenised once, searched and counted many times.

A search finds what a codebook keyword written the same way finds; the query syntax is described
in :mod:`qualcode.textsearch`.

:class:`SearchIndex` tokenises a turns table once and answers many queries (a query over
200,000 turns takes a fraction of a second). :mod:`qualcode.textsearch` has the functions
``search`` and ``word_frequencies``, which keep the index of the tables they were last given.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qualcode import schema
from qualcode.coding.morphology import CLITIC, EXACT, Lemmatizer, lemma_table
from qualcode.coding.rules import LEFT, MATCHED, RIGHT
from qualcode.coding.tokens import keyword_words
from qualcode.errors import QualcodeError
from qualcode.tokenindex import TokenIndex
from qualcode.wordcount import (
    ALL,
    DEFAULT_LANGUAGES,
    Lemmas,
    check_by,
    check_languages,
    count_words,
    countable,
    stop_words,
)

__all__ = ["ALTERNATIVE", "DEFAULT_CONTEXT", "META_COLUMNS", "SEARCH_COLUMNS", "SearchIndex"]
__all__ += ["parse_query"]

#: separates the alternatives of a query
ALTERNATIVE = "|"
#: words of context on each side of a hit
DEFAULT_CONTEXT = 8
#: columns of a search result, one row per hit
SEARCH_COLUMNS: tuple[str, ...] = (
    schema.TURN_ID,
    schema.INTERVIEW,
    schema.POSITION,
    schema.SPEAKER,
    schema.ROLE,
    schema.SPAN_START,
    schema.SPAN_END,
    LEFT,
    MATCHED,
    RIGHT,
)
#: the turn columns a search result repeats
META_COLUMNS = (schema.TURN_ID, schema.INTERVIEW, schema.POSITION, schema.SPEAKER, schema.ROLE)
_KEEP_RESULTS = 4  # search results kept per index
_MIN_ROOT = 3  # roots shorter than this are never found by affix stripping
_QUOTES = str.maketrans("", "", '"\u201c\u201d\u201e')

#: whitespace other than " " (str.isspace; the last such code point is U+3000), as an RE2 class
_OTHER_SPACE = "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace() and chr(c) != " ")
#: text whose context needs squashing: a newline, tab or other space, or two spaces in a row
_ODD_SPACE = f"[{_OTHER_SPACE}]|  "

Filter = str | Iterable[str] | None


def _odd_space(texts: pd.Series) -> np.ndarray:
    """Per text: has whitespace other than single spaces (with Arrow's regex engine, fast)."""
    found = pc.match_substring_regex(pa.array(texts, type=pa.string()), _ODD_SPACE)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _strings(values: list[str]) -> pd.api.extensions.ExtensionArray:
    """A "string" array from a list of str (through Arrow: several times faster for many)."""
    return pd.array(pa.array(values, type=pa.string()), dtype="string")


def parse_query(query: str) -> list[list[str]]:
    """Split a search query into alternatives, each a list of keyword words.

    Words are normalised as keywords are (lowercase; ``=word`` keeps its ``=``).

    Raises
    ------
    QualcodeError
        If the query has no word.

    Examples
    --------
    >>> parse_query('"Account Executive" | =klien')
    [['account', 'executive'], ['=klien']]
    """
    if not isinstance(query, str):
        msg = f"a search query must be text, got {type(query).__name__}"
        raise QualcodeError(msg)
    alternatives = []
    for part in query.translate(_QUOTES).split(ALTERNATIVE):
        words = keyword_words(part)
        if words:
            alternatives.append(words)
    if not alternatives:
        msg = (
            f"empty search query {query!r}; expected a word or phrase, for example klien, "
            '=client or "account executive"'
        )
        raise QualcodeError(msg)
    return alternatives


def _key(value: Filter) -> tuple[str, ...] | None:
    """A filter as a hashable key."""
    return None if value is None else tuple(_values(value) or ())


def _values(value: Filter) -> list[str] | None:
    """A filter as a list of values (None: no filter)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(v) for v in value]


class SearchIndex:
    """A turns table tokenised once, to search and count its words many times.

    Parameters
    ----------
    turns : DataFrame
        A turns table (see :mod:`qualcode.schema`). The index keeps its own copy of what it
        needs: later changes to the table are not seen.
    lang : str or sequence of str, default ("id", "en")
        spaCy language codes: words are matched by their lemmas in each, and stop words are
        those of each.

    Examples
    --------
    >>> turns = pd.DataFrame({"turn_id": ["t1", "t2"], "interview": "i", "position": [1, 2],
    ...     "speaker": ["P", "N1"], "role": ["interviewer", "participant"],
    ...     "text": ["Bagaimana dengan kliennya?", "Klien harus dipertahankan."]})
    >>> index = SearchIndex(turns)
    >>> index.search("klien")[["turn_id", "span_start", "span_end", "matched"]]
      turn_id  span_start  span_end   matched
    0      t1          17        25  kliennya
    1      t2           0         5     Klien
    """

    def __init__(self, turns: pd.DataFrame, *, lang: str | Sequence[str] = DEFAULT_LANGUAGES):
        self.languages = check_languages(lang)
        table = schema.validate_turns(turns)
        self._texts: list[str] = table[schema.TEXT].tolist()
        #: per turn: has whitespace other than single spaces (context must be squashed)
        self._odd_space = _odd_space(table[schema.TEXT])
        self._meta = table[list(META_COLUMNS)]
        self.tokens = TokenIndex(self._texts)
        self._lemmatizer = Lemmatizer(self.languages)
        self._stop = stop_words(self.languages)
        by_key: dict[str, list[int]] = {}
        for v, word in enumerate(self.tokens.vocabulary):
            for key in self._lemmatizer.keys(word):
                by_key.setdefault(key, []).append(v)
        self._by_key = by_key
        self._known_roots = frozenset(lemma_table("id").values())
        self._requery: OrderedDict[frozenset[str], tuple[Lemmatizer, dict[int, frozenset[str]]]]
        self._requery = OrderedDict()
        self._lock = threading.Lock()
        #: the last few results (a page of hits, then the next, then "code them all")
        self._results: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
        self._lemmas = Lemmas(self.tokens.vocabulary, self._lemmatizer)

    def __len__(self) -> int:
        """Number of turns."""
        return len(self._texts)

    def __repr__(self) -> str:
        langs = ", ".join(self.languages)
        return (
            f"SearchIndex({len(self)} turns, {len(self.tokens)} words, "
            f"{len(self.tokens.vocabulary)} distinct; {langs})"
        )

    # -- filters -------------------------------------------------------------------------------
    def _turn_mask(self, interview: Filter, speaker: Filter, role: Filter) -> np.ndarray | None:
        """Which turns the filters keep (None: all of them)."""
        mask: np.ndarray | None = None
        for column, value in ((schema.INTERVIEW, interview), (schema.SPEAKER, speaker)):
            wanted = _values(value)
            if wanted is None:
                continue
            col = self._meta[column]
            present = set(map(str, col.dropna().unique()))
            unknown = [w for w in wanted if w not in present]
            if unknown:
                some = ", ".join(sorted(present)[:10]) + (", ..." if len(present) > 10 else "")
                msg = f"no {column} {unknown[0]!r} in the turns; expected one of {some}"
                raise QualcodeError(msg)
            keep = col.isin(wanted).to_numpy(dtype=bool, na_value=False)
            mask = keep if mask is None else mask & keep
        roles = _values(role)
        if roles is not None:
            bad = [r for r in roles if r not in schema.ROLES]
            if bad:
                msg = f"unknown role {bad[0]!r}; expected one of {', '.join(schema.ROLES)}"
                raise QualcodeError(msg)
            keep = self._meta[schema.ROLE].isin(roles).to_numpy(dtype=bool, na_value=False)
            mask = keep if mask is None else mask & keep
        return mask

    # -- matching ------------------------------------------------------------------------------
    def _query_lemmatizer(
        self, roots: frozenset[str]
    ) -> tuple[Lemmatizer, dict[int, frozenset[str]]]:
        """The lemmatizer a keyword rule with these words uses, and the changed vocabulary keys.

        A keyword's words are roots for the Indonesian affix stripper ("handle" lets
        "dihandle" be found). Only words containing a new root (less its first letter, which
        a prefix may change) can get other keys than the index's; those are recomputed.
        """
        with self._lock:  # a web server may search from several threads
            got = self._requery.get(roots)
            if got is not None:
                self._requery.move_to_end(roots)
                return got
        lem = Lemmatizer(self.languages, extra_roots=roots)
        changed: dict[int, frozenset[str]] = {}
        new = [r for r in roots - self._known_roots if len(r) >= _MIN_ROOT]
        if new and "id" in self.languages:
            parts = [r[1:] for r in new]
            for v, word in enumerate(self.tokens.vocabulary):
                if any(p in word for p in parts):
                    keys = lem.keys(word)
                    if keys != self._lemmatizer.keys(word):
                        changed[v] = keys
        with self._lock:
            self._requery[roots] = (lem, changed)
            if len(self._requery) > 32:
                self._requery.popitem(last=False)
        return lem, changed

    def _word_mask(
        self, word: str, lem: Lemmatizer, changed: dict[int, frozenset[str]]
    ) -> np.ndarray:
        """Which vocabulary entries a keyword word matches."""
        mask = np.zeros(len(self.tokens.vocabulary), dtype=bool)
        if word.startswith(EXACT):
            mask[self._by_key.get(word, [])] = True
            return mask
        wanted = lem.keys(word)
        for key in wanted:
            mask[self._by_key.get(key, [])] = True
        for v, keys in changed.items():
            mask[v] = bool(keys & wanted)
        return mask

    def _check_stop_words(self, query: str, alternatives: list[list[str]]) -> None:
        for words in alternatives:
            plain = [w.removeprefix(EXACT) for w in words]
            if all(w in self._stop for w in plain):
                msg = (
                    f"search query {query!r}: {' '.join(plain)!r} has only stop words "
                    f"({', '.join(self.languages)}); expected a word that carries meaning, "
                    "or a phrase with one"
                )
                raise QualcodeError(msg)

    def _hits(self, alternatives: list[list[str]]) -> tuple[np.ndarray, ...]:
        """(text, first token, last token) of every hit, sorted, nested hits dropped."""
        roots: set[str] = set()
        for words in alternatives:
            for w in words:
                if not w.startswith(EXACT):
                    roots.add(w)
                    if w.endswith(CLITIC) and len(w) > len(CLITIC) + 2:
                        roots.add(w[: -len(CLITIC)])
        lem, changed = self._query_lemmatizer(frozenset(roots))
        ix = self.tokens
        norm, n_tok = ix.norm, len(ix.norm)
        firsts, lasts = [], []
        for words in alternatives:
            masks = [self._word_mask(w, lem, changed) for w in words]
            size = len(words)
            cand = np.flatnonzero(masks[0][norm])
            if size > 1:
                cand = cand[cand + size - 1 < n_tok]
                cand = cand[cand + size - 1 < ix.first[ix.text_of(cand) + 1]]
                for k in range(1, size):
                    cand = cand[masks[k][norm[cand + k]]]
            firsts.append(cand)
            lasts.append(cand + size - 1)
        first = np.concatenate(firsts)
        last = np.concatenate(lasts)
        text = ix.text_of(first)
        start = ix.start[first].astype(np.int64)
        end = ix.end[last].astype(np.int64)
        # in text order; at one start the longest first; drop a hit inside an earlier one
        order = np.lexsort((-end, start, text))
        text, first, last, start, end = (a[order] for a in (text, first, last, start, end))
        span = int(end.max()) + 1 if len(end) else 1
        key = text * span + end
        keep = np.ones(len(key), dtype=bool)
        keep[1:] = np.maximum.accumulate(key)[:-1] < key[1:]
        return text[keep], first[keep], last[keep]

    # -- public --------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        context: int = DEFAULT_CONTEXT,
        interview: Filter = None,
        speaker: Filter = None,
        role: Filter = None,
    ) -> pd.DataFrame:
        """Find a word or phrase in the turns, as keyword-in-context lines.

        Parameters
        ----------
        query : str
            Words, ``=word`` exact forms, phrases and ``|`` alternatives (see
            :mod:`qualcode.textsearch`).
        context : int, default 8
            Words of context on each side of a hit (within its turn).
        interview, speaker, role : str or list of str, optional
            Search only these interviews, speakers (labels) or roles.

        Returns
        -------
        DataFrame
            One row per hit, in table order then text order: ``turn_id``, ``interview``,
            ``position``, ``speaker``, ``role``, ``span_start``, ``span_end`` (code-point
            offsets of the hit in the turn text, as in a codings table), ``left``, ``matched``
            (the text of the hit), ``right`` (the context, whitespace squashed). A hit inside
            a longer hit of another alternative is not listed. The last few results are kept,
            so paging through the hits of one query, then coding them, searches once.

        Raises
        ------
        QualcodeError
            If the query is empty or only stop words, ``context`` is negative, or a filter
            names no interview, speaker or role of the table.
        """
        alternatives = parse_query(query)
        self._check_stop_words(query, alternatives)
        if not isinstance(context, int | np.integer) or context < 0:
            msg = f"context must be a number of words, 0 or more, got {context!r}"
            raise QualcodeError(msg)
        key = (query, int(context), *(_key(f) for f in (interview, speaker, role)))
        with self._lock:
            kept = self._results.get(key)
            if kept is not None:
                self._results.move_to_end(key)
        if kept is None:
            mask = self._turn_mask(interview, speaker, role)
            text, first, last = self._hits(alternatives)
            if mask is not None:
                keep = mask[text]
                text, first, last = text[keep], first[keep], last[keep]
            kept = self._kwic(text, first, last, int(context))
            with self._lock:
                self._results[key] = kept
                while len(self._results) > _KEEP_RESULTS:
                    self._results.popitem(last=False)
        return kept.copy()  # changing the copy leaves the kept one alone

    def _kwic(
        self, text: np.ndarray, first: np.ndarray, last: np.ndarray, context: int
    ) -> pd.DataFrame:
        ix = self.tokens
        start = ix.start[first].astype(np.int64)
        end = ix.end[last].astype(np.int64)
        lo, hi = ix.first[text], ix.first[text + 1]
        left_tok = first - context
        right_tok = last + context
        left_from = np.where(left_tok <= lo, 0, ix.start[np.maximum(left_tok, lo)])
        right_to = np.where(right_tok >= hi - 1, -1, ix.end[np.minimum(right_tok, hi - 1)])
        texts, odd = self._texts, self._odd_space
        lefts, matched, rights = [], [], []
        for t, a, s, e, b in zip(
            text.tolist(),
            left_from.tolist(),
            start.tolist(),
            end.tolist(),
            right_to.tolist(),
            strict=True,
        ):
            body = texts[t]
            matched.append(body[s:e])
            if not context:
                continue
            left, right = body[a:s], body[e:b] if b >= 0 else body[e:]
            if odd[t]:  # newlines, tabs or runs of spaces: squash them
                lefts.append(" ".join(left.split()))
                rights.append(" ".join(right.split()))
            else:
                lefts.append(left.strip(" "))
                rights.append(right.strip(" "))
        if not context:
            lefts = rights = [""] * len(matched)
        out = self._meta.take(text).reset_index(drop=True)
        out[schema.SPAN_START] = pd.array(start, dtype="Int64")
        out[schema.SPAN_END] = pd.array(end, dtype="Int64")
        out[LEFT] = _strings(lefts)
        out[MATCHED] = _strings(matched)
        out[RIGHT] = _strings(rights)
        return out[list(SEARCH_COLUMNS)]

    def word_frequencies(
        self,
        *,
        by: str | None = schema.INTERVIEW,
        stop_words: bool = True,
        extra_stop_words: Iterable[str] = (),
        lemmas: bool = False,
        top: int | None = None,
        interview: Filter = None,
        speaker: Filter = None,
        role: Filter = None,
    ) -> pd.DataFrame:
        """Count the words of the turns per interview, speaker or role.

        Parameters
        ----------
        by : {"interview", "speaker", "role", "all"} or None, default "interview"
            The groups counted apart; ``"all"`` or None counts every turn together (group
            ``"all"``). Speakers are grouped by their label across interviews.
        stop_words : bool, default True
            Leave out the stop words of the index's languages (see
            :func:`qualcode.wordcount.stop_words`).
        extra_stop_words : iterable of str, optional
            Further words to leave out (for example names or "mbak", "pak").
        lemmas : bool, default False
            Count lemmas ("klien" for "kliennya", "tahan" for "mempertahankan") instead of the
            word forms (lowercase, with ``-nya`` and reduplication as written).
        top : int, optional
            Keep the ``top`` most frequent words of each group.
        interview, speaker, role : str or list of str, optional
            Count only these interviews, speakers or roles.

        Returns
        -------
        DataFrame
            ``group``, ``word``, ``count``, ``share`` (of the words counted in the group); groups
            in table order, then the most frequent words first. Numbers are not words.
        """
        group_by = check_by(by)
        mask = self._turn_mask(interview, speaker, role)
        ix = self.tokens
        if group_by == ALL:
            turn_group = np.zeros(len(self), dtype=np.int64)
            labels: list[str] = [ALL]
        else:
            values = self._meta[group_by].astype("string").fillna("")
            codes, uniques = pd.factorize(values)
            turn_group, labels = codes.astype(np.int64), [str(u) for u in uniques]
        if lemmas:
            word_of, words = self._lemmas.mapping()
        else:
            word_of, words = np.arange(len(ix.vocabulary)), ix.vocabulary
        stop = (self._stop if stop_words else frozenset()) | {w.lower() for w in extra_stop_words}
        keep_word = countable(ix.vocabulary, word_of, words, stop)
        text = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(ix.first))
        keep = keep_word[ix.norm]
        if mask is not None:
            keep &= mask[text]
        return count_words(
            word_of[ix.norm[keep]],
            turn_group[text[keep]],
            vocabulary=words,
            labels=labels,
            top=top,
        )
