"""The keyword rules' tokeniser: the one place text becomes word tokens.

:func:`word_tokens` gives the normalised tokens of a text (lowercased, ``-nya`` and
reduplication handled, hyphenated words split: :mod:`qualcode.coding.morphology`);
:func:`keyword_words` the words of a keyword. :func:`raw_tokens` finds the raw tokens
(``\\w+(?:-\\w+)*``) of a long joined text with numpy, no Python per word; the keyword matcher
(:mod:`qualcode.coding.matcher`) and the search index (:mod:`qualcode.tokenindex`) both use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qualcode.coding.morphology import CLITIC, EXACT, TOKEN_RE, split_hyphenated

__all__ = [
    "HYPHEN",
    "KEY_BYTES",
    "WORD_LATIN1",
    "IntColumn",
    "TokenVocabulary",
    "expand_ranges",
    "keyword_words",
    "raw_tokens",
    "token_keys",
    "word_tokens",
]


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Normalised tokens of ``text`` as (norm, start, end), dropping standalone clitics.

    The same tokens as :func:`qualcode.coding.morphology.tokenize`, as plain tuples.
    """
    if text.isalnum():  # one plain word (``\w`` is alphanumerics and "_"): skip the regex
        low = text.lower()
        if len(low) == len(text):
            return [] if low == CLITIC else [(low, 0, len(text))]
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        low = word.lower()
        if len(low) != len(word):  # rare case mapping that changes length: keep offsets exact
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in word)
        if "-" in low:
            for norm, s, e in split_hyphenated(low):
                if norm and norm != CLITIC:
                    out.append((norm, m.start() + s, m.start() + e))
        elif low != CLITIC:
            out.append((low, m.start(), m.end()))
    return out


def keyword_words(keyword: str) -> list[str]:
    """Normalised words of a keyword; a word written ``=word`` keeps its exact form."""
    words = []
    for norm, start, _end in word_tokens(keyword):
        exact = start > 0 and keyword[start - 1] == EXACT
        words.append(EXACT + norm if exact else norm)
    return words


#: ``\w`` for the code points below 256 (``\w`` is str.isalnum() or "_")
WORD_LATIN1 = np.array([chr(i).isalnum() or i == ord("_") for i in range(256)])
HYPHEN = ord("-")
#: raw tokens of up to this many Latin-1 characters are looked up by their packed bytes
KEY_BYTES = 8
KEY_MASK = np.array(
    [(1 << (8 * k)) - 1 for k in range(KEY_BYTES)] + [(1 << 64) - 1], dtype=np.uint64
)


def raw_tokens(
    text: str, *, pad: int = KEY_BYTES
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Find the ``TOKEN_RE`` matches of ``text`` with numpy.

    Returns start and end offsets, the text's code points as bytes (low byte, followed by
    ``pad`` zero bytes) and, per token, whether all its code points are below 256.
    A token is a maximal run of word characters and hyphens that have a word character on
    both sides, which is what ``\w+(?:-\w+)*`` matches.
    """
    try:
        raw = text.encode("latin-1")
        codes = np.frombuffer(raw + bytes(pad), dtype=np.uint8)
        wide_at = None
        word = WORD_LATIN1[codes]
    except UnicodeEncodeError:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        wide_at = np.flatnonzero(points > 255)
        word = np.zeros(len(points) + pad, dtype=bool)
        low = points <= 255
        word[: len(points)][low] = WORD_LATIN1[points[low]]
        distinct, inverse = np.unique(points[wide_at], return_inverse=True)
        alnum = np.array([chr(c).isalnum() for c in distinct.tolist()], dtype=bool)
        word[wide_at] = alnum[inverse]
        codes = np.zeros(len(points) + pad, dtype=np.uint8)
        codes[: len(points)] = points & 0xFF
        codes[wide_at] = 0  # tokens with such characters are looked up by string, not bytes
    inside = word
    if "-" in text:  # a hyphen with word characters on both sides joins them
        inside = word.copy()
        inside[1:-1] |= (codes[1:-1] == HYPHEN) & word[:-2] & word[2:]
    edges = np.flatnonzero(inside[1:] != inside[:-1]) + 1
    if inside[0]:
        edges = np.concatenate([np.zeros(1, dtype=edges.dtype), edges])
    starts, ends = edges[0::2].astype(np.int64), edges[1::2].astype(np.int64)
    narrow = np.ones(len(starts), dtype=bool)
    if wide_at is not None and len(wide_at) and len(starts):
        tok = np.searchsorted(starts, wide_at, side="right") - 1
        inside_tok = (tok >= 0) & (wide_at < ends[np.maximum(tok, 0)])
        narrow[tok[inside_tok]] = False
    return starts, ends, codes, narrow


def token_keys(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Pack each token's (at most ``KEY_BYTES``) bytes into an integer, zero-padded."""
    # every byte offset viewed as the start of a little-endian 8-byte integer
    packed = np.ndarray(
        shape=(len(codes) - KEY_BYTES + 1,), dtype="<u8", buffer=codes, strides=(1,)
    )
    keys: np.ndarray = packed[starts]
    return keys & KEY_MASK[lengths]


class TokenVocabulary(dict[str, int]):
    """Raw token -> id; a token not seen before gets the next id and is queued in ``new``."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, key: str) -> int:
        got = self[key] = len(self)
        self.new.append(key)
        return got


def expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every (s, c) pair."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(total, dtype=np.int64)


class IntColumn:
    """An int64 array that grows by appending (amortised doubling)."""

    def __init__(self) -> None:
        self._data = np.zeros(1024, dtype=np.int64)
        self._size = 0

    def extend(self, values: Sequence[int]) -> None:
        need = self._size + len(values)
        if need > len(self._data):
            grown = np.zeros(max(need, 2 * len(self._data)), dtype=np.int64)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : need] = values
        self._size = need

    @property
    def data(self) -> np.ndarray:
        return self._data[: self._size]
