"""Search turns for a word or phrase as the keyword rules match it, and count their words.

A search finds what a codebook keyword written the same way finds (see docs/codebook.md, "How
keywords match", and :mod:`qualcode.coding.rules`): whole words, case-insensitively, by lemma in
each language (``klien`` finds "kliennya" and "klien-klien", ``pertahankan`` finds
"mempertahankan" and "dipertahankan", ``client`` finds "clients", ``handle`` finds "dihandle").

Query syntax
------------
* ``word``: the word in any of its forms (shared lemma in one of the languages).
* ``=word``: only this form (case-insensitive; a glued ``-nya`` and reduplication still count,
  as for keywords): ``=klien`` finds "klien" and "kliennya" but not "klienan".
* ``several words``: a phrase, each word matched as above, on consecutive words, in order
  (punctuation between them does not break a phrase).
* ``a | b``: any of the alternatives (each a word or a phrase).
* Double quotes are ignored: ``"account executive"`` is the phrase ``account executive``. On the
  command line, quote the whole query so that the shell passes it as one argument.

A query (or an alternative) made only of stop words is refused: it would list most turns.

:class:`~qualcode.searchindex.SearchIndex` tokenises a turns table once and answers many queries
(a query over 200,000 turns takes a fraction of a second); :func:`search` and
:func:`word_frequencies` keep the index of the tables they were last given, so repeating them on
the same table is fast as well.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError
from qualcode.searchindex import (
    ALTERNATIVE,
    DEFAULT_CONTEXT,
    META_COLUMNS,
    SEARCH_COLUMNS,
    Filter,
    SearchIndex,
    parse_query,
)
from qualcode.wordcount import DEFAULT_LANGUAGES, check_languages

__all__ = [
    "ALTERNATIVE",
    "DEFAULT_CONTEXT",
    "SEARCH_COLUMNS",
    "SearchIndex",
    "parse_query",
    "search",
    "word_frequencies",
]


# -- the functions, with an index kept per table ------------------------------------------------

#: the last few tables searched: (weak reference, languages, snapshot of the columns, index)
_RECENT: list[tuple[Any, tuple[str, ...], pd.DataFrame, SearchIndex]] = []
_KEEP = 2
#: re-entrant: a table freed during a look-up calls _forget in the same thread
_RECENT_LOCK = threading.RLock()
_INDEXED = (*META_COLUMNS, schema.TEXT)


def _index_for(turns: pd.DataFrame, lang: str | Sequence[str]) -> SearchIndex:
    """The index of ``turns``: kept from an earlier call if the table has not changed."""
    langs = check_languages(lang)
    if not isinstance(turns, pd.DataFrame):
        msg = f"expected a turns table (a DataFrame), got {type(turns).__name__}"
        raise QualcodeError(msg)
    with _RECENT_LOCK:
        return _kept_index(turns, langs)


def _kept_index(turns: pd.DataFrame, langs: tuple[str, ...]) -> SearchIndex:
    for entry in list(_RECENT):
        held, held_langs, snapshot, index = entry
        if held() is turns and held_langs == langs:
            _RECENT[:] = [e for e in _RECENT if e is not entry]
            cols = [c for c in _INDEXED if c in turns.columns]
            if cols == list(snapshot.columns) and turns[cols].equals(snapshot):
                _RECENT.insert(0, entry)
                return index
            break
    index = SearchIndex(turns, lang=langs)
    snapshot = turns[[c for c in _INDEXED if c in turns.columns]].copy()
    _RECENT.insert(0, (weakref.ref(turns, _forget), langs, snapshot, index))
    del _RECENT[_KEEP:]
    return index


def _forget(ref: weakref.ref[pd.DataFrame]) -> None:
    """Drop the index of a table that no longer exists (its memory is freed with it)."""
    with _RECENT_LOCK:
        _RECENT[:] = [e for e in _RECENT if e[0] is not ref]


def search(
    turns: pd.DataFrame,
    query: str,
    *,
    lang: str | Sequence[str] = DEFAULT_LANGUAGES,
    context: int = DEFAULT_CONTEXT,
    interview: Filter = None,
    speaker: Filter = None,
    role: Filter = None,
) -> pd.DataFrame:
    """Find a word or phrase in a turns table, matched as keyword rules match.

    The same as ``SearchIndex(turns, lang=lang).search(query, ...)``; the index of the last
    tables searched is kept, so searching the same table again is fast. ``Project.turns()``
    makes a new table on each call: keep it in a variable (or build a ``SearchIndex``) to
    search a project many times.

    Parameters
    ----------
    turns : DataFrame
        A turns table.
    query : str
        A word (any of its forms), ``=word`` (this form only), a phrase, or alternatives
        separated by ``|``; see :mod:`qualcode.textsearch`.
    lang : str or sequence of str, default ("id", "en")
        Languages whose lemmas and stop words are used.
    context : int, default 8
        Words of context on each side.
    interview, speaker, role : str or list of str, optional
        Search only these.

    Returns
    -------
    DataFrame
        One row per hit: ``turn_id``, ``interview``, ``position``, ``speaker``, ``role``,
        ``span_start``, ``span_end``, ``left``, ``matched``, ``right``; see
        :meth:`SearchIndex.search`.

    Examples
    --------
    >>> import qualcode as qc
    >>> turns = qc.read_transcript("data/transcripts/magnus_interviews.txt")  # doctest: +SKIP
    >>> qc.search(turns, "pertahankan", role="participant")  # doctest: +SKIP
    """
    return _index_for(turns, lang).search(
        query, context=context, interview=interview, speaker=speaker, role=role
    )


def word_frequencies(
    turns: pd.DataFrame,
    *,
    by: str | None = schema.INTERVIEW,
    lang: str | Sequence[str] = DEFAULT_LANGUAGES,
    stop_words: bool = True,
    extra_stop_words: Iterable[str] = (),
    lemmas: bool = False,
    top: int | None = None,
    interview: Filter = None,
    speaker: Filter = None,
    role: Filter = None,
) -> pd.DataFrame:
    """Count the words of a turns table per interview, speaker or role.

    Parameters
    ----------
    turns : DataFrame
        A turns table.
    by : {"interview", "speaker", "role", "all"} or None, default "interview"
        Groups counted apart (None or "all": one group).
    lang : str or sequence of str, default ("id", "en")
        Languages whose stop words are left out (and lemmas used with ``lemmas=True``).
    stop_words : bool, default True
        Leave out stop words (spaCy's lists; Indonesian adds colloquial fillers).
    extra_stop_words : iterable of str, optional
        Further words to leave out.
    lemmas : bool, default False
        Count lemmas instead of word forms.
    top : int, optional
        Keep the ``top`` most frequent words per group.
    interview, speaker, role : str or list of str, optional
        Count only these.

    Returns
    -------
    DataFrame
        ``group``, ``word``, ``count``, ``share``; see :meth:`SearchIndex.word_frequencies`.
    """
    return _index_for(turns, lang).word_frequencies(
        by=by,
        stop_words=stop_words,
        extra_stop_words=extra_stop_words,
        lemmas=lemmas,
        top=top,
        interview=interview,
        speaker=speaker,
        role=role,
    )
