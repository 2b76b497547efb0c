"""The classifier's text encoder: tf-idf of word n-grams and of character n-grams within words.

Hand-written rather than scikit-learn's ``TfidfVectorizer``: each text is tokenised once with one
regex, and n-grams are integer keys, so there is no per-n-gram Python work (see
:class:`TextEncoder`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from qualcode.errors import ModelError, QualcodeError

__all__ = ["ASCII_TOKEN_RE", "TOKEN_RE", "TextEncoder", "tokenize"]

#: a token is a run of word characters or one punctuation character: "?", ",", "-" and one-letter
#: words ("i", "a") carry much of what a turn does (question, hedge, backchannel)
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
#: the same tokens for ASCII text, a third faster (explicit classes; ``\s`` stays Unicode)
ASCII_TOKEN_RE = re.compile(r"[a-z0-9_]+|[^a-z0-9_\s]")
_UNK, _BOS, _EOS = 0, 1, 2  # word columns of rare words and of the turn's start and end
_SPECIAL = ("<rare>", "<start>", "<end>")
_SEP = "\x01"  # joins texts for one regex pass; a punctuation token, so it splits them


def tokenize(texts: Sequence[str]) -> list[str]:
    """Lower-cased tokens of all ``texts`` in one regex pass, texts separated by ``_SEP``."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):
        joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    joined = joined.lower()
    return (ASCII_TOKEN_RE if joined.isascii() else TOKEN_RE).findall(joined)


def _char_grams(token: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of a word padded with spaces (as ``char_wb``); none for punctuation."""
    if not token[0].isalnum() and token[0] != "_":
        return []
    w = f" {token} "
    if len(w) <= lo:
        return [w]
    return [w[i : i + n] for n in range(lo, min(hi, len(w)) + 1) for i in range(len(w) - n + 1)]


def _tfidf(m: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, rows scaled to unit length (in place on ``m``)."""
    m.data = (1.0 + np.log(m.data, dtype=np.float32)) * idf[m.indices]
    sq = np.add.reduceat(np.r_[m.data * m.data, 0], m.indptr[:-1]) if m.nnz else None
    if sq is not None:
        sq[np.diff(m.indptr) == 0] = 1.0
        m.data /= np.repeat(np.sqrt(sq), np.diff(m.indptr)).astype(np.float32)
    return m


def _first_in_row(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each (row, col) pair."""
    order = np.lexsort((cols, rows))
    r, c = rows[order], cols[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    out = np.zeros(len(r), dtype=bool)
    out[order] = first
    return out


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


class TextEncoder:
    """Fast tf-idf of word n-grams and of character n-grams within words.

    Each text is tokenised once with one compiled regex; tokens become integer ids through one
    dict, word n-grams (padded with start/end markers, so "<start> uh" and "? <end>" are
    features) are integer keys looked up in a hash index, and character
    n-grams are a sparse product: (texts x token types) @ (token types x character n-grams),
    computed per token type once. Only tokens not seen in training get their character n-grams
    computed at prediction time.
    """

    def __init__(
        self, *, word_ngrams: tuple[int, int], char_ngrams: tuple[int, int] | None, min_df: int
    ) -> None:
        self.word_ngrams = (int(word_ngrams[0]), int(word_ngrams[1]))
        self.char_ngrams = (int(char_ngrams[0]), int(char_ngrams[1])) if char_ngrams else None
        self.gram_keys: list[np.ndarray] = []
        self.min_df = min_df
        lo, hi = self.word_ngrams
        if not 1 <= lo <= hi <= 3:
            msg = f"word_ngrams must be a range within 1..3, got {word_ngrams}"
            raise QualcodeError(msg)
        if self.char_ngrams and not 1 <= self.char_ngrams[0] <= self.char_ngrams[1] <= 8:
            msg = f"char_ngrams must be a range within 1..8, got {char_ngrams}"
            raise QualcodeError(msg)

    # -- learned state: types (all training tokens), type_word (type -> word column),
    #    words (word column names), gram_keys (per n >= 2: sorted keys), word_idf;
    #    chars (character n-gram names), type_chars (types x chars), char_idf
    @property
    def n_word(self) -> int:
        return len(self.words) + sum(len(k) for k in self.gram_keys)

    @property
    def n_char(self) -> int:
        return len(self.chars) if self.char_ngrams else 0

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Word n-gram -> column (n-grams joined by a space)."""
        return {name: i for i, name in enumerate(self.word_names())}

    def word_names(self) -> list[str]:
        names = list(self.words)
        base = len(self.words)
        for g, keys in zip(range(2, self.word_ngrams[1] + 1), self.gram_keys, strict=True):
            parts = [(keys // base ** (g - 1 - k)) % base for k in range(g)]
            names += [" ".join(self.words[int(p[i])] for p in parts) for i in range(len(keys))]
        return names

    def _ids(self, flat: list[str], n_docs: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Token type id of every token (new types numbered after the known ones) and the
        number of tokens of each text; ``flat`` is :func:`tokenize`'s output."""
        get = self.type_index.get
        tid = np.fromiter(map(get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        unknown = np.flatnonzero(tid == -1)
        new: list[str] = []
        if len(unknown):
            fresh = dict.fromkeys(flat[i] for i in unknown)
            new = list(fresh)
            base = len(self.types)
            index = {t: base + k for k, t in enumerate(new)}
            tid[unknown] = [index[flat[i]] for i in unknown]
        seps = np.flatnonzero(tid == -2)
        lens = np.diff(np.r_[-1, seps, len(tid)]) - 1 if n_docs else np.zeros(0, dtype=np.int64)
        return tid[tid != -2], lens.astype(np.int64), new

    def _word_counts(
        self, wid: np.ndarray, lens: np.ndarray, learn: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every word n-gram occurrence; learns the n-gram vocabulary if asked."""
        n = len(lens)
        lo, hi = self.word_ngrams
        rows_parts, cols_parts = [], []
        if lo == 1:
            rows_parts.append(np.repeat(np.arange(n), lens))
            cols_parts.append(wid)
        if hi >= 2:
            plen = lens + 2
            ends = np.cumsum(plen)
            starts = ends - plen
            pad = np.empty(int(ends[-1]) if n else 0, dtype=np.int64)
            inner = np.ones(len(pad), dtype=bool)
            inner[starts] = False
            inner[ends - 1] = False
            pad[starts], pad[ends - 1], pad[inner] = _BOS, _EOS, wid
            prow = np.repeat(np.arange(n), plen)
            base = len(self.words)
            offset = base
            keys_out = []
            for g in range(2, hi + 1):
                m = len(pad) - g + 1
                if m <= 0:
                    keys_out.append(np.zeros(0, dtype=np.int64))
                    continue
                key = np.zeros(m, dtype=np.int64)
                for k in range(g):
                    key = key * base + pad[k : k + m]
                r = prow[:m]
                ok = r == prow[g - 1 : g - 1 + m]
                key, r = key[ok], r[ok]
                if learn:
                    first = _first_in_row(r, key)
                    uk, df = np.unique(key[first], return_counts=True)
                    keep = uk[df >= self.min_df] if g >= lo else uk[:0]
                    keys_out.append(keep)
                    vocab = keep
                else:
                    vocab = self.gram_keys[g - 2]
                if len(vocab):
                    pos = self._lookup(g, vocab).get_indexer(key)  # type: ignore[arg-type]
                    hit = pos >= 0
                    rows_parts.append(r[hit])
                    cols_parts.append(pos[hit] + offset)
                offset += len(vocab)
            if learn:
                self.gram_keys = keys_out
        if not rows_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows_parts), np.concatenate(cols_parts)

    def _lookup(self, g: int, vocab: np.ndarray) -> pd.Index:
        """Hash index of the ``g``-gram keys (built once)."""
        cache = self.__dict__.setdefault("_lookups", {})
        if g not in cache or cache[g][0] is not vocab:
            cache[g] = (vocab, pd.Index(vocab))
        return cache[g][1]

    def _type_chars(self, types: Sequence[str], index: dict[str, int]) -> sp.csr_matrix:
        """Counts of the (known) character n-grams of each token type."""
        assert self.char_ngrams is not None
        lo, hi = self.char_ngrams
        get = index.get
        cols: list[int] = []
        lens = np.zeros(len(types), dtype=np.int64)
        for k, t in enumerate(types):
            c = [j for j in map(get, _char_grams(t, lo, hi)) if j is not None]
            cols.extend(c)
            lens[k] = len(c)
        indptr = np.r_[0, np.cumsum(lens)]
        m = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), np.asarray(cols, dtype=np.int64), indptr),
            shape=(len(types), len(index)),
        )
        m.sum_duplicates()
        return m

    def _edges(self, wid: np.ndarray, lens: np.ndarray) -> None:
        """Word column of the first and of the last token of each text (end/start if empty)."""
        starts = np.cumsum(lens) - lens
        some = lens > 0
        self.first_word = np.full(len(lens), _EOS, dtype=np.int64)
        self.last_word = np.full(len(lens), _BOS, dtype=np.int64)
        self.first_word[some] = wid[starts[some]]
        self.last_word[some] = wid[starts[some] + lens[some] - 1]

    def _index_types(self) -> None:
        self.type_index = {t: i for i, t in enumerate(self.types)}
        self.type_index[_SEP] = -2

    def fit_transform(
        self, texts: list[str]
    ) -> tuple[sp.csr_matrix, sp.csr_matrix | None, np.ndarray]:
        """Learn vocabularies and idf weights from ``texts`` (distinct texts); return features."""
        flat = tokenize(texts)
        self.types = [t for t in dict.fromkeys(flat) if t != _SEP]
        self._index_types()
        n = len(texts)
        tid, lens, _ = self._ids(flat, n)
        row = np.repeat(np.arange(n), lens)
        first = _first_in_row(row, tid)
        type_df = np.bincount(tid[first], minlength=len(self.types))
        kept = np.flatnonzero(type_df >= self.min_df)
        self.words = [*_SPECIAL, *(self.types[i] for i in kept)]
        self.type_word = np.full(len(self.types), _UNK, dtype=np.int64)
        self.type_word[kept] = np.arange(len(_SPECIAL), len(_SPECIAL) + len(kept))
        self.gram_keys = []
        wid = self.type_word[tid]
        self._edges(wid, lens)
        r, c = self._word_counts(wid, lens, learn=True)
        word = self._matrix(r, c, n, self.n_word)
        df = np.bincount(word.indices, minlength=self.n_word)
        self.word_idf = _idf(df, n)
        char = None
        if self.char_ngrams:
            lo, hi = self.char_ngrams
            grams = dict.fromkeys(chain.from_iterable(_char_grams(t, lo, hi) for t in self.types))
            index = {g: i for i, g in enumerate(grams)}
            tc = self._type_chars(self.types, index)
            counts = self._matrix(row, tid, n, len(self.types)) @ tc
            cdf = np.bincount(counts.indices, minlength=len(index))
            keep = np.flatnonzero(cdf >= self.min_df)
            names = list(grams)
            self.chars = [names[i] for i in keep]
            self.char_index = {g: i for i, g in enumerate(self.chars)}
            self.type_chars = sp.csr_matrix(tc[:, keep])
            counts = sp.csr_matrix(counts[:, keep])
            self.char_idf = _idf(cdf[keep], n)
            char = _tfidf(counts, self.char_idf)
        return _tfidf(word, self.word_idf), char, lens

    @staticmethod
    def _matrix(rows: np.ndarray, cols: np.ndarray, n: int, d: int) -> sp.csr_matrix:
        m = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, d), dtype=np.float32
        )
        m.sum_duplicates()
        return m

    def transform(self, texts: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix | None, np.ndarray]:
        """Features of ``texts`` with the vocabularies and weights learned."""
        n = len(texts)
        tid, lens, new = self._ids(tokenize(texts), n)
        known = tid < len(self.types)
        wid = np.full(len(tid), _UNK, dtype=np.int64)
        wid[known] = self.type_word[tid[known]]
        self._edges(wid, lens)
        r, c = self._word_counts(wid, lens, learn=False)
        word = _tfidf(self._matrix(r, c, n, self.n_word), self.word_idf)
        char = None
        if self.char_ngrams:
            tc = self.type_chars
            if new:
                tc = sp.vstack([tc, self._type_chars(new, self.char_index)], format="csr")
            row = np.repeat(np.arange(n), lens)
            counts = self._matrix(row, tid, n, tc.shape[0]) @ tc
            char = _tfidf(sp.csr_matrix(counts), self.char_idf)
        return word, char, lens

    # -- persistence
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta: dict[str, Any] = {
            "types": self.types,
            "type_word": self.type_word.tolist(),
            "words": self.words,
        }
        arrays = {"word_idf": self.word_idf}
        for g, keys in enumerate(self.gram_keys, start=2):
            arrays[f"gram_keys_{g}"] = keys
        if self.char_ngrams:
            meta["chars"] = self.chars
            arrays["char_idf"] = self.char_idf
        return meta, arrays

    def restore(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.types = [str(t) for t in meta["types"]]
        self._index_types()
        self.type_word = np.asarray(meta["type_word"], dtype=np.int64)
        self.words = [str(w) for w in meta["words"]]
        self.gram_keys = [
            np.asarray(arrays[f"gram_keys_{g}"], dtype=np.int64)
            for g in range(2, self.word_ngrams[1] + 1)
        ]
        self.word_idf = np.asarray(arrays["word_idf"], dtype=np.float32)
        if len(self.type_word) != len(self.types) or len(self.word_idf) != self.n_word:
            msg = "word vocabulary and weights differ in length"
            raise ModelError(msg)
        if self.char_ngrams:
            self.chars = [str(c) for c in meta["chars"]]
            self.char_index = {g: i for i, g in enumerate(self.chars)}
            self.char_idf = np.asarray(arrays["char_idf"], dtype=np.float32)
            if len(self.char_idf) != len(self.chars):
                msg = "character vocabulary and weights differ in length"
                raise ModelError(msg)
            self.type_chars = self._type_chars(self.types, self.char_index)
