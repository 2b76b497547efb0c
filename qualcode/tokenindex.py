"""The word tokens of many texts at once, with their offsets: the index behind search and counts.

:class:`TokenIndex` tokenises a table's texts once into flat arrays (one entry per normalised
token: its vocabulary id and its code-point offsets in its text), the same tokens the keyword
rules match (:func:`qualcode.coding.tokens.word_tokens`: lowercased, ``-nya`` dropped,
reduplication folded, other hyphenated words split). It is built for large tables (200,000
turns take about a second):

1. Texts are joined with spaces in batches of about two million characters; numpy finds the
   raw tokens (the matches of ``\\w+(?:-\\w+)*``) from a per-character word/non-word table
   (:func:`qualcode.coding.tokens.raw_tokens`, the keyword matcher's tokeniser).
2. Raw tokens of up to sixteen Latin-1 characters are told apart by their bytes packed into two
   64-bit integers (hashed by pandas, no Python string per token); longer ones and tokens with
   other characters by their string.
3. Each distinct raw token is split into normalised tokens once (``word_tokens``), and the
   result is spread over its occurrences with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from qualcode.coding.tokens import expand_ranges, raw_tokens, word_tokens

__all__ = ["TokenIndex"]

#: characters of text tokenised per batch (bounds the memory of the temporary arrays)
BATCH_CHARS = 1 << 21
#: raw tokens of up to this many Latin-1 characters are told apart by their packed bytes
_PACK = 16
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


class TokenIndex:
    """Normalised word tokens of a sequence of texts, as flat arrays in text order.

    Parameters
    ----------
    texts : sequence of str
        The texts; offsets refer to them unchanged.

    Attributes
    ----------
    vocabulary : list of str
        The distinct normalised tokens; ``norm`` indexes it.
    norm : ndarray of int32
        Vocabulary id of every token, text after text, in text order.
    start, end : ndarray of int32
        Code-point offsets of every token in its own text (``text[start:end]`` is the token as
        written, including a glued ``-nya`` or the second half of a reduplication).
    first : ndarray of int64
        ``first[i]:first[i + 1]`` are the tokens of text ``i`` (length ``len(texts) + 1``).

    Examples
    --------
    >>> index = TokenIndex(["Klien-klien kami", "client -nya"])
    >>> [index.vocabulary[i] for i in index.norm]
    ['klien', 'kami', 'client']
    >>> index.first.tolist(), index.end.tolist()
    ([0, 2, 3], [11, 16, 6])
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.vocabulary: list[str] = []
        self._norm_id: dict[str, int] = {}
        self._raw_id: dict[str, int] = {}
        # per distinct raw token: its normalised tokens ("parts") as flat lists
        self._raw_first: list[int] = []
        self._raw_count: list[int] = []
        self._part_norm: list[int] = []
        self._part_start: list[int] = []
        self._part_end: list[int] = []
        norms: list[np.ndarray] = []
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        cum = np.cumsum(lengths + 1)
        bounds = [0]
        while bounds[-1] < n:
            limit = (cum[bounds[-1] - 1] if bounds[-1] else 0) + BATCH_CHARS
            bounds.append(max(bounds[-1] + 1, int(np.searchsorted(cum, limit, side="right"))))
        for a, b in pairwise(bounds):
            got = self._batch(texts[a:b], lengths[a:b])
            for out, arr in zip((norms, starts, ends, counts), got, strict=True):
                out.append(arr)
        empty = [np.zeros(0, dtype=np.int32)]
        self.norm = np.concatenate(norms or empty)
        self.start = np.concatenate(starts or empty)
        self.end = np.concatenate(ends or empty)
        per_text = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
        self.first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(per_text, out=self.first[1:])

    def __len__(self) -> int:
        """Number of tokens."""
        return len(self.norm)

    @property
    def n_texts(self) -> int:
        """Number of texts indexed."""
        return len(self.first) - 1

    def text_of(self, tokens: np.ndarray) -> np.ndarray:
        """Return the index of the text each token (an index into ``norm``) belongs to."""
        return np.searchsorted(self.first, tokens, side="right") - 1

    # -- building ------------------------------------------------------------------------------
    def _register(self, raw: str) -> int:
        """Id of a raw token, splitting it into normalised tokens the first time it is seen."""
        rid = self._raw_id.get(raw)
        if rid is not None:
            return rid
        rid = self._raw_id[raw] = len(self._raw_first)
        parts = word_tokens(raw)
        self._raw_first.append(len(self._part_norm))
        self._raw_count.append(len(parts))
        for norm, s, e in parts:
            nid = self._norm_id.get(norm)
            if nid is None:
                nid = self._norm_id[norm] = len(self.vocabulary)
                self.vocabulary.append(norm)
            self._part_norm.append(nid)
            self._part_start.append(s)
            self._part_end.append(e)
        return rid

    def _batch(
        self, texts: Sequence[str], lengths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Tokens of one batch of texts: (norm, start, end) per token, token count per text."""
        joined = " ".join(texts)
        text_start = np.cumsum(lengths + 1) - (lengths + 1)
        starts, ends, packed, narrow = raw_tokens(joined, pad=_PACK)
        rid = np.empty(len(starts), dtype=np.int64)
        short = narrow & (ends - starts <= _PACK)
        at = np.flatnonzero(short)
        if len(at):
            assert packed is not None
            local, first_seen = _factorize_packed(packed, starts[at], ends[at] - starts[at])
            ids = np.array(
                [self._register(joined[starts[at[j]] : ends[at[j]]]) for j in first_seen.tolist()],
                dtype=np.int64,
            )
            rid[at] = ids[local]
        rest = np.flatnonzero(~short)
        if len(rest):
            rid[rest] = [
                self._register(joined[s:e])
                for s, e in zip(starts[rest].tolist(), ends[rest].tolist(), strict=True)
            ]
        count = np.asarray(self._raw_count, dtype=np.int64)[rid]
        token = np.repeat(np.arange(len(rid), dtype=np.int64), count)
        part = expand_ranges(np.asarray(self._raw_first, dtype=np.int64)[rid], count)
        base = starts[token]
        start = base + np.asarray(self._part_start, dtype=np.int64)[part]
        end = base + np.asarray(self._part_end, dtype=np.int64)[part]
        unit = np.searchsorted(text_start, base, side="right") - 1
        per_text = np.bincount(unit, minlength=len(texts)).astype(np.int64)
        norm = np.asarray(self._part_norm, dtype=np.int32)[part]
        local = text_start[unit]
        return norm, (start - local).astype(np.int32), (end - local).astype(np.int32), per_text


def _factorize_packed(
    codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Tell tokens of at most ``_PACK`` bytes apart by their bytes.

    Returns the distinct-token number of each token and the position of each distinct token's
    first occurrence.
    """
    words = np.ndarray(shape=(len(codes) - 7,), dtype="<u8", buffer=codes, strides=(1,))
    low = words[starts] & _MASKS[np.minimum(lengths, 8)]
    high = words[starts + 8] & _MASKS[np.clip(lengths - 8, 0, 8)]
    a, _ = pd.factorize(low)
    b, _ = pd.factorize(high)
    pair = a.astype(np.int64) * (int(b.max()) + 1) + b
    local, uniques = pd.factorize(pair)
    # factorize numbers tokens in order of appearance: token k first occurs where the running
    # maximum of the numbers first reaches k
    local = local.astype(np.int64)
    new = np.ones(len(local), dtype=bool)
    new[1:] = local[1:] > np.maximum.accumulate(local)[:-1]
    first_seen = np.flatnonzero(new)
    assert len(first_seen) == len(uniques)
    return local, first_seen
