"""Stop words and word counting: the choices and the arithmetic behind ``word_frequencies``.

Stop words are spaCy's lists (``spacy.lang.<code>.stop_words``, part of the spaCy package, no
model download) for each language asked for; Indonesian adds the colloquial Jakarta function
words, fillers and forms of address that interview transcripts are full of and the formal list
lacks (:data:`COLLOQUIAL_ID`: "gitu", "sih", "nggak", "udah", "mas", "mbak", ...). Numbers are
never counted as words.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow as pa

from qualcode import schema
from qualcode.coding.morphology import CLITIC, Lemmatizer, lemma_table
from qualcode.errors import QualcodeError

__all__ = [
    "ALL",
    "BY_CHOICES",
    "COLLOQUIAL_ID",
    "COUNT",
    "DEFAULT_LANGUAGES",
    "FREQUENCY_COLUMNS",
    "GROUP",
    "SHARE",
    "WORD",
    "Lemmas",
    "check_by",
    "check_languages",
    "count_words",
    "countable",
    "frequency_lines",
    "stop_words",
]

#: languages searched and counted when none are given: the Indonesian interviews with English
#: code-switching qualcode was first built for
DEFAULT_LANGUAGES: tuple[str, ...] = ("id", "en")
#: ``by`` value that counts all turns as one group (``by=None`` means the same)
ALL = "all"
#: the groupings of :func:`qualcode.textsearch.word_frequencies` (also the CLI's ``--by``)
BY_CHOICES: tuple[str, ...] = (schema.INTERVIEW, schema.SPEAKER, schema.ROLE, ALL)
#: columns of a word frequency table
GROUP, WORD, COUNT, SHARE = "group", "word", "count", "share"
FREQUENCY_COLUMNS: tuple[str, ...] = (GROUP, WORD, COUNT, SHARE)

#: colloquial Indonesian function words and fillers missing from spaCy's (formal) list, and the
#: forms of address an interviewer says in almost every turn ("Baik, mas")
COLLOQUIAL_ID = frozenset(
    {
        "aja",
        "ajah",
        "bu",
        "deh",
        "dong",
        "eh",
        "emang",
        "enggak",
        "ga",
        "gak",
        "gimana",
        "gini",
        "gitu",
        "gua",
        "gue",
        "iya",
        "kalo",
        "kayak",
        "lho",
        "lo",
        "loh",
        "lu",
        "mah",
        "mas",
        "mbak",
        "nah",
        "ngga",
        "nggak",
        "nih",
        "ok",
        "oke",
        "pak",
        "pas",
        "sih",
        "tuh",
        "udah",
        "ya",
        "yah",
        "yg",
    }
)

#: groups x words up to this many are counted in one dense array
_DENSE_CELLS = 1 << 24

_MIN_STEM = 3  # a -nya-less form must keep this many letters

_CODE_RE = re.compile(r"[a-z]{2,3}")


def check_languages(lang: str | Iterable[str]) -> tuple[str, ...]:
    """Return ``lang`` as a tuple of spaCy language codes, checked.

    Parameters
    ----------
    lang : str or iterable of str
        One code (``"id"``), codes separated by commas (``"id,en"``) or a sequence of codes.

    Raises
    ------
    QualcodeError
        If no language is given or a code is not a language spaCy has stop words for.

    Examples
    --------
    >>> check_languages("id,en")
    ('id', 'en')
    """
    items = lang.split(",") if isinstance(lang, str) else list(lang)
    codes = tuple(dict.fromkeys(str(c).strip().lower() for c in items if str(c).strip()))
    if not codes:
        msg = "no language given; expected spaCy language codes such as id, en"
        raise QualcodeError(msg)
    for code in codes:
        if not _CODE_RE.fullmatch(code) or _stop_word_file(code) is None:
            msg = (
                f"unknown language {code!r}; expected a spaCy language code with a stop word "
                f"list, such as {', '.join(DEFAULT_LANGUAGES)}"
            )
            raise QualcodeError(msg)
    return codes


def check_by(by: str | None) -> str:
    """Return the grouping ``by`` names (``None`` is ``"all"``), checked against BY_CHOICES."""
    got = ALL if by is None else by
    if got not in BY_CHOICES:
        msg = f"by must be one of {', '.join(BY_CHOICES)}, got {by!r}"
        raise QualcodeError(msg)
    return got


def _stop_word_file(code: str) -> Path | None:
    """The ``stop_words.py`` of spaCy's language ``code``, found without importing spaCy."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "lang" / code / "stop_words.py"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=32)
def _spacy_stop_words(code: str) -> frozenset[str]:
    path = _stop_word_file(code)
    if path is None:
        return frozenset()
    # the file is a plain set literal; loading it alone spares importing spaCy (about 0.6 s)
    spec = importlib.util.spec_from_file_location(f"_qualcode_stop_words_{code}", path)
    if spec is None or spec.loader is None:  # pragma: no cover - find_spec found the file
        module: ModuleType = importlib.import_module(f"spacy.lang.{code}.stop_words")
    else:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return frozenset(w.lower() for w in module.STOP_WORDS)


def stop_words(lang: str | Iterable[str] = DEFAULT_LANGUAGES) -> frozenset[str]:
    """Return the stop words of the languages ``lang`` (lowercase).

    spaCy's list of each language; Indonesian adds :data:`COLLOQUIAL_ID`.

    Examples
    --------
    >>> words = stop_words(["id", "en"])
    >>> {"yang", "gitu", "the"} <= words, "klien" in words
    (True, False)
    """
    out: set[str] = set()
    for code in check_languages(lang):
        out |= _spacy_stop_words(code)
        if code == "id":
            out |= COLLOQUIAL_ID
    return frozenset(out)


def count_words(
    words: np.ndarray,
    groups: np.ndarray,
    *,
    vocabulary: Sequence[str],
    labels: Sequence[str],
    top: int | None = None,
) -> pd.DataFrame:
    """Count words per group into a tidy frequency table.

    Parameters
    ----------
    words : ndarray of int
        Index into ``vocabulary`` of each word occurrence to count.
    groups : ndarray of int
        Index into ``labels`` of the group of each occurrence (same length as ``words``).
    vocabulary, labels : sequence of str
        The words and the group names.
    top : int, optional
        Keep only the ``top`` most frequent words of each group.

    Returns
    -------
    DataFrame
        ``group``, ``word``, ``count`` and ``share`` (the word's share of the words counted in
        its group); groups in the order of ``labels``, then most frequent first, ties in
        alphabetical order. Groups without words have no rows.
    """
    n_words = len(vocabulary)
    keys = groups.astype(np.int64) * n_words + words
    if len(labels) * n_words <= _DENSE_CELLS:
        cells = np.bincount(keys)
        nonzero = np.flatnonzero(cells)
        count = cells[nonzero]
    else:  # many groups and words: count only the cells that occur
        nonzero, count = np.unique(keys, return_counts=True)
    group, word = np.divmod(nonzero, n_words)
    totals = np.bincount(group, weights=count, minlength=len(labels))
    vocab = np.asarray(vocabulary, dtype=object)
    rank = np.empty(n_words, dtype=np.int64)  # alphabetical rank of each word
    rank[np.argsort(vocab, kind="stable")] = np.arange(n_words)
    order = np.lexsort((rank[word], -count, group))
    group, word, count = group[order], word[order], count[order]
    if top is not None:
        if top < 1:
            msg = f"top must be a positive number of words, got {top}"
            raise QualcodeError(msg)
        starts = np.searchsorted(group, group, side="left")
        keep = np.arange(len(group)) - starts < top
        group, word, count = group[keep], word[keep], count[keep]
    return pd.DataFrame(
        {
            GROUP: pd.array(pa.array(labels, type=pa.string()).take(group), dtype="string"),
            WORD: pd.array(pa.array(vocab[word], type=pa.string()), dtype="string"),
            COUNT: count.astype(np.int64),
            SHARE: count / totals[group] if len(group) else np.zeros(0),
        },
        columns=list(FREQUENCY_COLUMNS),
    )


def countable(
    vocabulary: Sequence[str], word_of: np.ndarray, words: Sequence[str], stop: frozenset[str]
) -> np.ndarray:
    """Per vocabulary entry: is it counted (a word, neither a number nor a stop word)?

    ``word_of[v]`` indexes ``words``, what entry ``v`` is counted as (itself or its lemma); an
    entry is left out when its form, its ``-nya``-less form or what it is counted as is in
    ``stop``.
    """
    out = np.ones(len(vocabulary), dtype=bool)
    for v, form in enumerate(vocabulary):
        if not any(c.isalpha() for c in form):
            out[v] = False
        elif stop:
            base = form[: -len(CLITIC)] if form.endswith(CLITIC) else form
            out[v] = not ({form, base, words[word_of[v]]} & stop)
    return out


class Lemmas:
    """The lemma of every word of a vocabulary, worked out once when first asked for.

    Parameters
    ----------
    vocabulary : sequence of str
        Normalised word forms.
    lemmatizer : Lemmatizer
        Its languages, in order, say which language's lemma a word gets.
    """

    def __init__(self, vocabulary: Sequence[str], lemmatizer: Lemmatizer) -> None:
        self.vocabulary = vocabulary
        self.lemmatizer = lemmatizer
        self._lock = threading.Lock()
        self._mapping: tuple[np.ndarray, list[str]] | None = None
        self._values: dict[str, frozenset[str]] = {}

    def mapping(self) -> tuple[np.ndarray, list[str]]:
        """Per vocabulary entry the index of its lemma, and the lemmas."""
        with self._lock:
            if self._mapping is None:
                ids: dict[str, int] = {}
                of = np.zeros(len(self.vocabulary), dtype=np.int64)
                for v, form in enumerate(self.vocabulary):
                    of[v] = ids.setdefault(self.lemma(form), len(ids))
                self._mapping = (of, list(ids))
            return self._mapping

    def lemma(self, form: str) -> str:
        """The lemma of a word in the first language that knows it (else its ``-nya``-less form).

        A language knows a word its lemma table lists, as a form or as a lemma, or (Indonesian)
        one whose affixes strip to a known root: "mas" stays "mas" in Indonesian, although
        English would make it "ma".

        Examples
        --------
        >>> lemmas = Lemmas([], Lemmatizer(["id", "en"]))
        >>> lemmas.lemma("kliennya"), lemmas.lemma("clients"), lemmas.lemma("mempertahankan")
        ('klien', 'client', 'tahan')
        """
        bases = [form]
        if form.endswith(CLITIC) and len(form) - len(CLITIC) >= _MIN_STEM:
            bases.append(form[: -len(CLITIC)])
        for base in bases:
            for lang in self.lemmatizer.languages:
                table = lemma_table(lang)
                if base in table:
                    return table[base]
                if base in self._lemma_values(lang):
                    return base
                if lang == "id":
                    lemma = self.lemmatizer.lemma(base, lang)
                    if lemma != base:
                        return lemma
        return bases[-1]

    def _lemma_values(self, lang: str) -> frozenset[str]:
        got = self._values.get(lang)
        if got is None:
            got = self._values[lang] = frozenset(lemma_table(lang).values())
        return got


def frequency_lines(freq: pd.DataFrame, *, shown: int = 20) -> list[str]:
    """Return word frequencies as the lines ``qualcode words`` prints, group by group.

    Parameters
    ----------
    freq : DataFrame
        A table of :meth:`qualcode.textsearch.SearchIndex.word_frequencies` (``group``,
        ``word``, ``count``, ``share``).
    shown : int, default 20
        Most frequent words listed per group.

    Returns
    -------
    list of str
        For each group a heading (the words it counted, from the first row's count and share)
        and one line per word shown.
    """
    lines = []
    for group, part in freq.groupby("group", sort=False):
        first = part.iloc[0]
        total = round(first["count"] / first["share"])  # every word of the group, not only top
        lines.append(f"{group}: {total} words counted; the {min(shown, len(part))} most frequent")
        for row in part.head(shown).itertuples(index=False):
            lines.append(f"  {row.word:<24} {row.count:>7}  {row.share:6.1%}")
    return lines
