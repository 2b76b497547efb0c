"""Map REFI-QDA character selections of a source text onto the turns read from it.

A turn's text is the source's text with the label, markup and line breaks taken out and the
spaces normalised, so each turn is first located in the source: exactly (``str.find`` after the
turn's label, the case for qualcode's own exports), else allowing any run of whitespace where the
turn has one space (hard-wrapped transcripts), else character by character skipping what the
parser removed (markup). This gives, for every character of a turn, its offset in the source.

A selection then codes each turn of which it covers at least one letter or digit (so a selection
that runs a few spaces or a full stop into the next turn does not code it). Covered characters
become the span, stripped of surrounding spaces; a span covering the whole text is a coding of
the whole turn (no span). Offsets count characters (code points) of the text as the source file
holds it, without its byte-order mark.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

__all__ = ["TurnMap", "line_starts"]

_WORD_RE = re.compile(r"[^\W_]")
_LINE_END_RE = re.compile(r"\r\n|\r|\n")
#: what may stand between a label and its text for the text to count as found exactly
_GAP_RE = re.compile(r"[\s:.\-\u2013\u2014)\]*>]*")
#: how far the character-by-character walk skips ahead for one character (removed markup)
_SKIP = 400


def line_starts(text: str) -> np.ndarray:
    """Offsets where each line starts (CRLF, CR and LF all end a line, as the parser reads)."""
    ends = [m.end() for m in _LINE_END_RE.finditer(text)]
    return np.array([0, *ends], dtype=np.int64)


def _walk_whitespace(src: str, t: str, a: int) -> np.ndarray:
    """Offsets of ``t``'s characters in ``src[a:]``, equal to ``t`` but for whitespace runs."""
    pos = np.empty(len(t), dtype=np.int64)
    j = a
    n = len(src)
    for i, ch in enumerate(t):
        pos[i] = j
        if ch == " ":
            while j < n and src[j].isspace():
                j += 1
        else:
            j += 1
    return pos


def _walk_skipping(src: str, t: str, a: int) -> np.ndarray | None:
    """Offsets of ``t``'s characters found in order in ``src[a:]``, skipping removed markup."""
    pos = np.empty(len(t), dtype=np.int64)
    j = a
    n = len(src)
    for i, ch in enumerate(t):
        if ch == " ":
            pos[i] = j
            while j < n and src[j].isspace():
                j += 1
            continue
        k = src.find(ch, j, j + _SKIP)
        if k < 0:
            return None
        pos[i] = k
        j = k + 1
    return pos


@dataclass
class TurnMap:
    """Where the turns of one source lie in its text.

    Attributes
    ----------
    first, stop : ndarray
        Offset of each turn's first character and just past its last (-1 if not found).
    base : ndarray
        For turns found exactly, the offset of their first character; else -1 (see ``pos``).
    pos : list
        Per turn, None (found exactly) or the offset of each of its characters.
    """

    texts: list[str]
    first: np.ndarray
    stop: np.ndarray
    base: np.ndarray
    pos: list[np.ndarray | None]
    reach: np.ndarray  # running maximum of ``stop`` (sorted, for the search)

    @classmethod
    def build(
        cls, src: str, texts: list[str], speakers: list[str], lines: list[int | None]
    ) -> TurnMap:
        """Locate turns (their texts, labels and 1-based start lines) in the source text."""
        n = len(texts)
        first = np.full(n, -1, dtype=np.int64)
        stop = np.full(n, -1, dtype=np.int64)
        base = np.full(n, -1, dtype=np.int64)
        pos: list[np.ndarray | None] = [None] * n
        starts = line_starts(src)
        cursor = 0
        for k, t in enumerate(texts):
            if not t:
                continue
            line = lines[k] or 0
            if 1 <= line <= len(starts):
                cursor = max(cursor, int(starts[line - 1]))
            eol = src.find("\n", cursor)
            label = src.find(speakers[k], cursor, eol if eol >= 0 else len(src))
            a = label + len(speakers[k]) if speakers[k] and label >= 0 else cursor
            at = src.find(t, a)
            if at >= 0 and _GAP_RE.fullmatch(src, a, at):
                base[k] = first[k] = at
                stop[k] = at + len(t)
                cursor = int(stop[k])
                continue
            pattern = r"\s+".join(re.escape(w) for w in t.split(" "))
            m = re.compile(pattern).search(src, a)
            p = _walk_whitespace(src, t, m.start()) if m is not None else None
            if p is None:
                p = _walk_skipping(src, t, a)
            if p is None:
                continue
            pos[k] = p
            first[k] = p[0]
            stop[k] = p[-1] + 1
            cursor = int(stop[k])
        return cls(texts, first, stop, base, pos, np.maximum.accumulate(stop) if n else stop)

    def covered(self, starts: list[int], ends: list[int]) -> list[list[tuple[int, int, int]]]:
        """Return, per selection, ``(turn, span_start, span_end)`` for each turn it codes.

        ``span_start``/``span_end`` are -1 for a whole turn. One search for all selections,
        then plain Python per selection (NumPy scalars cost more than they save here).
        """
        n = len(self.texts)
        if not n or not (self.first >= 0).any():
            return [[] for _ in starts]
        firsts = np.searchsorted(self.reach, np.asarray(starts, dtype=np.int64), side="right")
        first = self.first.tolist()
        base = self.base.tolist()
        texts = self.texts
        pos = [p.tolist() if p is not None else None for p in self.pos]
        word = _WORD_RE.search
        out: list[list[tuple[int, int, int]]] = []
        for start, end, k in zip(starts, ends, firsts.tolist(), strict=True):
            hits: list[tuple[int, int, int]] = []
            out.append(hits)
            while k < n:
                f = first[k]
                if f < 0:
                    k += 1
                    continue
                if f >= end:
                    break
                t = texts[k]
                length = len(t)
                p = pos[k]
                if p is None:
                    a = start - base[k]
                    a = 0 if a < 0 else a
                    b = end - base[k]
                    b = length if b > length else b
                else:
                    a = bisect_left(p, start)
                    b = bisect_left(p, end)
                while a < b and t[a].isspace():
                    a += 1
                while b > a and t[b - 1].isspace():
                    b -= 1
                if b > a and word(t, a, b):
                    hits.append((k, -1, -1) if a == 0 and b == length else (k, a, b))
                k += 1
        return out
