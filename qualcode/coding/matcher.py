"""Find keyword and pattern hits in many texts at once (the engine behind ``KeywordCoder``).

The matching rules are those of :mod:`qualcode.coding.rules` (see docs/codebook.md); this module
only makes them fast on large corpora. Texts are processed in batches of about two million
characters, joined with single spaces:

1. numpy finds the raw tokens (the matches of ``TOKEN_RE``, words joined by hyphens) from a
   per-character word/non-word table, and packs every token of up to eight Latin-1 characters
   into one 64-bit integer (its bytes), looked up in a hash index; longer tokens and tokens with
   other characters are looked up by their string. No Python code runs per word.
2. Every distinct raw token is analysed once and remembered across calls: its normalised
   tokens (``-nya``, reduplication, hyphens: :func:`word_tokens`), their lemma keys, and which
   keyword words they can stand for (a *signature*, the sorted tuple of matching keyword-word
   classes; most tokens match none).
3. Only tokens that match some keyword word are expanded, with their character offsets and
   positions in the normalised token stream; one-word keywords are read off a table per
   signature, multi-word keywords off a table of signature pairs of consecutive tokens of the
   same text.
4. Regular expressions run only on texts that contain one of the literal strings every match
   of the pattern must contain (found by parsing the pattern) or that are not ASCII, else on
   every text.
5. Hits are sorted per (text, code) and hits nested in another hit of the same code dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.morphology import CLITIC, EXACT, TOKEN_RE, Lemmatizer, _split_hyphenated

__all__ = ["Hits", "KeywordMatcher", "keyword_words", "required_literals", "word_tokens"]

#: characters of text handled per batch (bounds memory on large corpora)
BATCH_CHARS = 1 << 21
#: shortest literal worth prefiltering a pattern on
_MIN_LITERAL = 3

_I64 = np.int64
#: hit columns as parallel arrays: unit, code, start, end, rule, evidence
_Columns = tuple[np.ndarray, ...]
#: signature ids are packed in pairs as ``a * _SIG_BASE + b``
_SIG_BASE = 1 << 31


@dataclass(frozen=True)
class Hits:
    """Keyword and pattern hits, one entry per hit, as parallel arrays.

    Sorted by text, then code (codebook order), then start offset, longest hit first; hits
    contained in another hit of the same code and text are already removed.

    Attributes
    ----------
    unit, code, start, end, rule, evidence : ndarray of int64
        Index of the text, index of the code in ``codebook.codes``, character offsets in the
        text, index into :attr:`KeywordMatcher.rules` (the keyword as written, or
        ``/pattern/``) and into :attr:`KeywordMatcher.evidence` (the keyword as written, or
        the text a pattern matched).
    """

    unit: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rule: np.ndarray
    evidence: np.ndarray

    def __len__(self) -> int:
        return len(self.unit)


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
            for norm, s, e in _split_hyphenated(low):
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


# --- literal prefilter for regular expressions ---------------------------------------------------


def _regex_parser() -> Any:
    try:
        from re import _parser  # type: ignore[attr-defined]  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as _parser
    return _parser


def _best(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two literal requirements (longest shortest literal)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if min(map(len, a)) >= min(map(len, b)) else b


def _required(items: Any) -> frozenset[str] | None:
    """Literals one of which every match of the parsed sequence ``items`` contains, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:
            best = _best(best, frozenset({"".join(run)}))
            run = []
        sub: frozenset[str] | None = None
        if name == "SUBPATTERN":
            sub = _required(av[-1])
        elif name == "ATOMIC_GROUP":
            sub = _required(av)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, body = av
            sub = _required(body) if low >= 1 else None
        elif name == "BRANCH":
            subs = [_required(branch) for branch in av[1]]
            if subs and all(s is not None for s in subs):
                sub = frozenset().union(*subs)  # type: ignore[arg-type]
        best = _best(best, sub)
    if run:
        best = _best(best, frozenset({"".join(run)}))
    return best


def required_literals(pattern: str) -> frozenset[str] | None:
    """Return lowercase ASCII strings one of which every match of ``pattern`` contains.

    Used to skip texts a pattern cannot match (searched case-insensitively, as the coder
    does). None when there is no such set worth using (no literal of at least three
    characters in every alternative, or non-ASCII literals).

    Examples
    --------
    >>> sorted(required_literals(r"\\b(?:pitching|tender)\\s+ulang\\b"))
    ['pitching', 'tender']
    >>> required_literals(r"\\w+") is None
    True
    """
    try:
        parsed = _regex_parser().parse(pattern)
        found = _required(parsed)
    except Exception:  # any surprise from the (private) parser: simply do not prefilter
        return None
    if not found or min(map(len, found)) < _MIN_LITERAL:
        return None
    lowered = frozenset(s.lower() for s in found)
    if not all(s.isascii() for s in lowered):
        return None
    return lowered


# --- growable numpy columns -------------------------------------------------------------------


class _Column:
    """An int64 array that grows by appending (amortised doubling)."""

    def __init__(self) -> None:
        self._data = np.zeros(1024, dtype=_I64)
        self._size = 0

    def extend(self, values: Sequence[int]) -> None:
        need = self._size + len(values)
        if need > len(self._data):
            grown = np.zeros(max(need, 2 * len(self._data)), dtype=_I64)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : need] = values
        self._size = need

    @property
    def data(self) -> np.ndarray:
        return self._data[: self._size]


#: ``\w`` for the code points below 256 (``\w`` is str.isalnum() or "_")
_WORD_LATIN1 = np.array([chr(i).isalnum() or i == ord("_") for i in range(256)])
_HYPHEN = ord("-")
#: raw tokens of up to this many Latin-1 characters are looked up by their packed bytes
_KEY_BYTES = 8
_KEY_MASK = np.array(
    [(1 << (8 * k)) - 1 for k in range(_KEY_BYTES)] + [(1 << 64) - 1], dtype=np.uint64
)


def _raw_tokens(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Find the ``TOKEN_RE`` matches of ``text`` with numpy.

    Returns start and end offsets, the text's code points as bytes (low byte, followed by
    ``_KEY_BYTES`` zero bytes) and, per token, whether all its code points are below 256.
    A token is a maximal run of word characters and hyphens that have a word character on
    both sides, which is what ``\w+(?:-\w+)*`` matches.
    """
    try:
        raw = text.encode("latin-1")
        codes = np.frombuffer(raw + bytes(_KEY_BYTES), dtype=np.uint8)
        wide_at = None
        word = _WORD_LATIN1[codes]
    except UnicodeEncodeError:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        wide_at = np.flatnonzero(points > 255)
        word = np.zeros(len(points) + _KEY_BYTES, dtype=bool)
        low = points <= 255
        word[: len(points)][low] = _WORD_LATIN1[points[low]]
        distinct, inverse = np.unique(points[wide_at], return_inverse=True)
        alnum = np.array([chr(c).isalnum() for c in distinct.tolist()], dtype=bool)
        word[wide_at] = alnum[inverse]
        codes = np.zeros(len(points) + _KEY_BYTES, dtype=np.uint8)
        codes[: len(points)] = points & 0xFF
        codes[wide_at] = 0  # tokens with such characters are looked up by string, not bytes
    inside = word
    if "-" in text:  # a hyphen with word characters on both sides joins them
        inside = word.copy()
        inside[1:-1] |= (codes[1:-1] == _HYPHEN) & word[:-2] & word[2:]
    edges = np.flatnonzero(inside[1:] != inside[:-1]) + 1
    if inside[0]:
        edges = np.concatenate([np.zeros(1, dtype=edges.dtype), edges])
    starts, ends = edges[0::2].astype(_I64), edges[1::2].astype(_I64)
    narrow = np.ones(len(starts), dtype=bool)
    if wide_at is not None and len(wide_at) and len(starts):
        tok = np.searchsorted(starts, wide_at, side="right") - 1
        inside_tok = (tok >= 0) & (wide_at < ends[np.maximum(tok, 0)])
        narrow[tok[inside_tok]] = False
    return starts, ends, codes, narrow


def _token_keys(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Pack each token's (at most ``_KEY_BYTES``) bytes into an integer, zero-padded."""
    # every byte offset viewed as the start of a little-endian 8-byte integer
    packed = np.ndarray(
        shape=(len(codes) - _KEY_BYTES + 1,), dtype="<u8", buffer=codes, strides=(1,)
    )
    keys: np.ndarray = packed[starts]
    return keys & _KEY_MASK[lengths]


class _Vocabulary(dict[str, int]):
    """Raw token -> id; a token not seen before gets the next id and is queued in ``new``."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, key: str) -> int:
        got = self[key] = len(self)
        self.new.append(key)
        return got


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every (s, c) pair."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=_I64)
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(total, dtype=_I64)


def _empty_hits() -> Hits:
    z = np.zeros(0, dtype=_I64)
    return Hits(z, z, z, z, z, z)


# --- the matcher ---------------------------------------------------------------------------------


class KeywordMatcher:
    """Find the keyword and pattern hits of a codebook in texts.

    Parameters
    ----------
    codebook : Codebook
        Its codes' ``keywords`` and ``patterns`` are matched.
    languages : sequence of str
        spaCy language codes used to lemmatise text and keywords.

    Attributes
    ----------
    rules : list of str
        Keyword texts (keyword ids first) then ``/pattern/`` texts; indexed by ``Hits.rule``.
    evidence : list of str
        Evidence strings indexed by ``Hits.evidence``: keyword texts, then the texts patterns
        matched (added as they are found).
    """

    def __init__(self, codebook: Codebook, languages: Sequence[str]) -> None:
        codes = codebook.codes
        kw: list[tuple[int, str, list[str]]] = []
        roots: set[str] = set()
        for ci, code in enumerate(codes):
            for keyword in code.keywords:
                words = keyword_words(keyword)
                if not words:
                    continue
                kw.append((ci, keyword, words))
                for w in words:
                    if w.startswith(EXACT):
                        continue
                    roots.add(w)
                    if w.endswith(CLITIC) and len(w) > len(CLITIC) + 2:
                        roots.add(w[: -len(CLITIC)])
        self.lemmatizer = Lemmatizer(languages, extra_roots=roots)
        class_ids: dict[str, int] = {}
        self._class_of_key: dict[str, set[int]] = {}
        self._kw_classes: list[tuple[int, ...]] = []
        self._by_first: dict[int, list[int]] = {}
        self._by_pair: dict[tuple[int, int], list[int]] = {}
        self._firsts: set[int] = set()
        self._seconds: set[int] = set()
        for kid, (_ci, _kw, words) in enumerate(kw):
            seq = []
            for w in words:
                cid = class_ids.get(w)
                if cid is None:
                    cid = class_ids[w] = len(class_ids)
                    keys = frozenset({w}) if w.startswith(EXACT) else self.lemmatizer.keys(w)
                    for k in keys:
                        self._class_of_key.setdefault(k, set()).add(cid)
                seq.append(cid)
            self._kw_classes.append(tuple(seq))
            if len(seq) == 1:
                self._by_first.setdefault(seq[0], []).append(kid)
            else:
                self._by_pair.setdefault((seq[0], seq[1]), []).append(kid)
                self._firsts.add(seq[0])
                self._seconds.add(seq[1])
        self._kw_code = np.array([ci for ci, _, _ in kw], dtype=_I64)
        self._kw_len = np.array([len(w) for _, _, w in kw], dtype=_I64)
        self.rules: list[str] = [k for _, k, _ in kw]
        self.evidence: list[str] = []
        self._evidence_id: dict[str, int] = {}
        self._kw_evidence = np.array([self._intern(k) for _, k, _ in kw], dtype=_I64)
        self._patterns: list[tuple[int, int, re.Pattern[str], frozenset[str] | None]] = []
        for ci, code in enumerate(codes):
            for p in code.patterns:
                rule = len(self.rules)
                self.rules.append(f"/{p}/")
                self._patterns.append((ci, rule, re.compile(p, re.IGNORECASE), None))
        self._patterns = [
            (ci, rule, rx, required_literals(rx.pattern)) for ci, rule, rx, _ in self._patterns
        ]
        # signatures: distinct sorted tuples of keyword-word classes a token matches
        self._sig_id: dict[tuple[int, ...], int] = {}
        self._sig_classes: list[frozenset[int]] = []
        self._sig_singles: list[tuple[int, ...]] = []
        self._sig_arrays: tuple[np.ndarray, ...] | None = None
        self._signature(())  # signature 0: matches nothing
        self._norm_sig: dict[str, int] = {}
        # pair table: sorted keys sig_a * _SIG_BASE + sig_b of consecutive candidate tokens,
        # with the keywords each can start: (key, 2-word keyword ids, longer keyword ids)
        self._pair_list: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
        self._pair_keys = np.zeros(0, dtype=_I64)
        self._pair_two: tuple[np.ndarray, ...] = ()
        # raw tokens (TOKEN_RE matches, original case) seen so far: string -> id, and for the
        # short Latin-1 ones their bytes packed into an integer key -> id
        self._tokens = _Vocabulary()
        self._key_index = pd.Index(np.zeros(0, dtype=np.uint64))
        self._key_rid = _Column()
        self._p_ntok = _Column()
        # per raw token: its normalised tokens, and those with a signature ("parts")
        self._p_first = _Column()  # index of the raw token's first part
        self._p_nparts = _Column()  # number of parts
        self._part_sig = _Column()
        self._part_start = _Column()
        self._part_end = _Column()
        self._part_index = _Column()  # index of the part among the raw token's normalised tokens

    # -- vocabulary ----------------------------------------------------------------------------
    def _intern(self, text: str) -> int:
        got = self._evidence_id.get(text)
        if got is None:
            got = self._evidence_id[text] = len(self.evidence)
            self.evidence.append(text)
        return got

    def _signature(self, classes: tuple[int, ...]) -> int:
        sid = self._sig_id.get(classes)
        if sid is None:
            sid = self._sig_id[classes] = len(self._sig_classes)
            self._sig_classes.append(frozenset(classes))
            self._sig_singles.append(
                tuple(kid for c in classes for kid in self._by_first.get(c, ()))
            )
            self._sig_arrays = None
        return sid

    def _norm_signature(self, norm: str) -> int:
        sid = self._norm_sig.get(norm)
        if sid is None:
            keys = self._class_of_key.keys() & self.lemmatizer.keys(norm)
            if not keys:  # the common case: matches no keyword word
                sid = self._norm_sig[norm] = 0
                return sid
            found: set[int] = set()
            for key in keys:
                found |= self._class_of_key[key]
            sid = self._norm_sig[norm] = self._signature(tuple(sorted(found)))
        return sid

    def _register(self, raw_tokens: list[str]) -> None:
        """Analyse new raw tokens (in id order): their normalised tokens, signatures, offsets."""
        ntoks, firsts, nparts = [], [], []
        sigs, starts, ends, index = [], [], [], []
        first = len(self._part_sig.data)
        norm_sig = self._norm_sig
        for word in raw_tokens:
            size = len(word)
            firsts.append(first)
            if word.isalnum():  # the common case, one plain word: see word_tokens
                low = word.lower()
                if len(low) == size and low != CLITIC:
                    sid = norm_sig.get(low)
                    if sid is None:
                        sid = self._norm_signature(low)
                    ntoks.append(1)
                    if sid:
                        sigs.append(sid)
                        starts.append(0)
                        ends.append(size)
                        index.append(0)
                        first += 1
                    nparts.append(1 if sid else 0)
                    continue
            toks = word_tokens(word)
            n = 0
            for j, (norm, s, e) in enumerate(toks):
                sid = self._norm_signature(norm)
                if sid:
                    sigs.append(sid)
                    starts.append(s)
                    ends.append(e)
                    index.append(j)
                    n += 1
            ntoks.append(len(toks))
            nparts.append(n)
            first += n
        self._p_ntok.extend(ntoks)
        self._p_first.extend(firsts)
        self._p_nparts.extend(nparts)
        self._part_sig.extend(sigs)
        self._part_start.extend(starts)
        self._part_end.extend(ends)
        self._part_index.extend(index)

    def _signature_arrays(self) -> tuple[np.ndarray, ...]:
        if self._sig_arrays is None:
            n_single = np.array([len(s) for s in self._sig_singles], dtype=_I64)
            single_off = np.zeros(len(n_single), dtype=_I64)
            np.cumsum(n_single[:-1], out=single_off[1:])
            flat = np.array([k for s in self._sig_singles for k in s], dtype=_I64)
            first_ok = np.array([bool(c & self._firsts) for c in self._sig_classes])
            second_ok = np.array([bool(c & self._seconds) for c in self._sig_classes])
            self._sig_arrays = (n_single, single_off, flat, first_ok, second_ok)
        return self._sig_arrays

    def _pair_keywords(self, sig_a: int, sig_b: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Multi-word keywords whose first two words match signatures a, b: (2-word, longer)."""
        kids = [
            kid
            for c in sorted(self._sig_classes[sig_a])
            for c1 in sorted(self._sig_classes[sig_b])
            for kid in self._by_pair.get((c, c1), ())
        ]
        return (
            tuple(k for k in kids if self._kw_len[k] == 2),
            tuple(k for k in kids if self._kw_len[k] > 2),
        )

    def _pair_entries(self, keys: np.ndarray) -> np.ndarray:
        """Index into the pair table of each signature-pair key, adding unknown keys first."""
        known = self._pair_keys
        loc = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
        missing = ~(known[loc] == keys) if len(known) else np.ones(len(keys), dtype=bool)
        if missing.any():
            new = np.unique(keys[missing]).tolist()
            self._pair_list.extend(
                (k, *self._pair_keywords(k // _SIG_BASE, k % _SIG_BASE)) for k in new
            )
            self._pair_list.sort()
            self._pair_keys = np.array([e[0] for e in self._pair_list], dtype=_I64)
            n_two = np.array([len(e[1]) for e in self._pair_list], dtype=_I64)
            off = np.zeros(len(n_two), dtype=_I64)
            np.cumsum(n_two[:-1], out=off[1:])
            self._pair_two = (
                n_two,
                off,
                np.array([k for e in self._pair_list for k in e[1]], dtype=_I64),
                np.array([bool(e[2]) for e in self._pair_list], dtype=bool),
            )
            loc = np.searchsorted(self._pair_keys, keys)
        return loc

    # -- scanning ------------------------------------------------------------------------------
    def find(self, texts: Sequence[str]) -> Hits:
        """Return the hits of every keyword and pattern in ``texts``.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        Hits
            With ``unit`` indexing ``texts``.
        """
        n = len(texts)
        if n == 0:
            return _empty_hits()
        lengths = np.fromiter(map(len, texts), dtype=_I64, count=n)
        ends = np.cumsum(lengths + 1)
        bounds = [0]
        while bounds[-1] < n:
            limit = (ends[bounds[-1] - 1] if bounds[-1] else 0) + BATCH_CHARS
            bounds.append(max(bounds[-1] + 1, int(np.searchsorted(ends, limit, side="right"))))
        parts = [self._find_batch(texts[a:b], lengths[a:b], a) for a, b in pairwise(bounds)]
        parts = [p for p in parts if len(p)]
        if not parts:
            return _empty_hits()
        if len(parts) == 1:
            return parts[0]
        return Hits(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))

    def _find_batch(self, texts: Sequence[str], unit_len: np.ndarray, offset: int) -> Hits:
        joined = " ".join(texts)
        unit_start = np.cumsum(unit_len + 1) - (unit_len + 1)
        found = [
            *self._keyword_hits(joined, unit_start),
            *self._pattern_hits(texts, joined, unit_start),
        ]
        if not found:
            return _empty_hits()
        cols = [np.concatenate([f[i] for f in found]) for i in range(6)]
        unit, code, start, end, rule, evidence = cols
        # order by unit, code, start, longest first; ties keep the order hits were found in
        # (keywords before patterns, then in text order), as the sorts are stable
        span = int(unit_len.max()) + 1
        group = unit * (int(code.max()) + 1) + code
        if (int(group.max()) + 1) * span * span < 2**62:
            order = np.argsort((group * span + start) * span + (span - 1 - end), kind="stable")
        else:  # pragma: no cover - only for enormous batches
            order = np.lexsort((-end, start, group))
        unit, code, start, end, rule, evidence, group = (c[order] for c in (*cols, group))
        # drop a hit contained in an earlier hit of the same (unit, code): sorted by start,
        # longest first, so it is contained iff some earlier hit of its group ends at or after it
        key = group * span + end
        running = np.maximum.accumulate(key)
        keep = np.ones(len(key), dtype=bool)
        keep[1:] = running[:-1] < key[1:]
        return Hits(
            unit[keep] + offset, code[keep], start[keep], end[keep], rule[keep], evidence[keep]
        )

    def _token_ids(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        """Start offsets and vocabulary ids of the raw tokens (``TOKEN_RE`` matches) of a text."""
        starts, ends, codes, narrow = _raw_tokens(joined)
        rid = np.empty(len(starts), dtype=_I64)
        lengths = ends - starts
        short = (lengths <= _KEY_BYTES) & narrow
        at = np.flatnonzero(short)
        if len(at):
            keys = _token_keys(codes, starts[at], lengths[at])
            slot = self._key_index.get_indexer(pd.Index(keys))
            new = np.flatnonzero(slot < 0)
            if len(new):
                fresh, first = np.unique(keys[new], return_index=True)
                words = [
                    joined[a:b]
                    for a, b in zip(
                        starts[at[new[first]]].tolist(), ends[at[new[first]]].tolist(), strict=True
                    )
                ]
                self._key_rid.extend([self._tokens[w] for w in words])
                self._key_index = self._key_index.append(pd.Index(fresh))
                slot[new] = self._key_index.get_indexer(pd.Index(keys[new]))
            rid[at] = self._key_rid.data[slot]
        rest = np.flatnonzero(~short)
        if len(rest):  # long or non-Latin-1 tokens: look up the string itself
            words = [
                joined[a:b] for a, b in zip(starts[rest].tolist(), ends[rest].tolist(), strict=True)
            ]
            rid[rest] = np.fromiter(
                map(self._tokens.__getitem__, words), dtype=_I64, count=len(words)
            )
        if self._tokens.new:
            self._register(self._tokens.new)
            self._tokens.new = []
        return starts, rid

    def _keyword_hits(self, joined: str, unit_start: np.ndarray) -> list[_Columns]:
        """Keyword hits of one batch: (unit, code, start, end, rule, evidence) arrays."""
        tstart, rid = self._token_ids(joined)
        nparts = self._p_nparts.data[rid]
        cand = np.flatnonzero(nparts)
        if not len(cand):
            return []
        ntok = self._p_ntok.data[rid]
        tok_before = np.cumsum(ntok) - ntok
        counts = nparts[cand]
        token = np.repeat(cand, counts)
        part = _expand(self._p_first.data[rid[cand]], counts)
        sig = self._part_sig.data[part]
        base = tstart[token]
        start = base + self._part_start.data[part]
        end = base + self._part_end.data[part]
        pos = tok_before[token] + self._part_index.data[part]
        unit = np.searchsorted(unit_start, start, side="right") - 1
        start -= unit_start[unit]
        end -= unit_start[unit]
        n_single, single_off, single_flat, first_ok, second_ok = self._signature_arrays()
        out: list[_Columns] = []
        # one-word keywords
        ns = n_single[sig]
        has = np.flatnonzero(ns)
        if len(has):
            reps = ns[has]
            kid = single_flat[_expand(single_off[sig[has]], reps)]
            tok = np.repeat(has, reps)
            out.append(
                (
                    unit[tok],
                    self._kw_code[kid],
                    start[tok],
                    end[tok],
                    kid,
                    self._kw_evidence[kid],
                )
            )
        # multi-word keywords: first two words on consecutive tokens of one unit
        if len(sig) > 1 and self._by_pair:
            adj = np.flatnonzero(
                (pos[1:] == pos[:-1] + 1)
                & (unit[1:] == unit[:-1])
                & first_ok[sig[:-1]]
                & second_ok[sig[1:]]
            )
            if len(adj):
                out.extend(self._multi_hits(adj, sig, pos, unit, start, end))
        return out

    def _multi_hits(
        self,
        adj: np.ndarray,
        sig: np.ndarray,
        pos: np.ndarray,
        unit: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
    ) -> list[_Columns]:
        entry = self._pair_entries(sig[adj] * _SIG_BASE + sig[adj + 1])
        n_two, two_off, two_flat, has_longer = self._pair_two
        out: list[_Columns] = []
        reps = n_two[entry]
        if reps.any():
            kid = two_flat[_expand(two_off[entry], reps)]
            first = np.repeat(adj, reps)
            out.append(
                (
                    unit[first],
                    self._kw_code[kid],
                    start[first],
                    end[first + 1],
                    kid,
                    self._kw_evidence[kid],
                )
            )
        chosen = has_longer[entry]
        if chosen.any():
            rows: list[tuple[int, int, int, int, int, int]] = []
            n = len(sig)
            for i, e in zip(adj[chosen].tolist(), entry[chosen].tolist(), strict=True):
                for kid in self._pair_list[e][2]:
                    seq = self._kw_classes[kid]
                    last = i + len(seq) - 1
                    if last >= n or pos[last] != pos[i] + len(seq) - 1 or unit[last] != unit[i]:
                        continue
                    if all(seq[j] in self._sig_classes[sig[i + j]] for j in range(2, len(seq))):
                        rows.append(
                            (
                                int(unit[i]),
                                int(self._kw_code[kid]),
                                int(start[i]),
                                int(end[last]),
                                kid,
                                int(self._kw_evidence[kid]),
                            )
                        )
            if rows:
                out.append(tuple(np.array(c, dtype=_I64) for c in zip(*rows, strict=True)))
        return out

    def _pattern_hits(
        self, texts: Sequence[str], joined: str, unit_start: np.ndarray
    ) -> list[_Columns]:
        """Pattern hits of one batch, running each pattern only where it can match."""
        if not self._patterns:
            return []
        n = len(texts)
        everything = range(n)
        lowered = joined.lower()
        exact = len(lowered) == len(joined)
        wide: list[int] = []
        if exact and not joined.isascii():
            wide = [i for i, t in enumerate(texts) if not t.isascii()]
        rows: list[tuple[int, int, int, int, int, int]] = []
        for ci, rule, rx, literals in self._patterns:
            units: Sequence[int] = everything
            if literals is not None and exact:
                units = _units_containing(lowered, literals, unit_start, wide, limit=n // 4)
            for u in units:
                text = texts[u]
                for m in rx.finditer(text):
                    if m.end() > m.start():
                        rows.append((u, ci, m.start(), m.end(), rule, self._intern(m.group())))
        if not rows:
            return []
        return [tuple(np.array(c, dtype=_I64) for c in zip(*rows, strict=True))]


_FIELDS = ("unit", "code", "start", "end", "rule", "evidence")


def _units_containing(
    lowered: str, literals: frozenset[str], unit_start: np.ndarray, wide: list[int], *, limit: int
) -> Sequence[int]:
    """Units of a lowercased joined batch containing a literal, plus the non-ASCII units.

    Falls back to every unit when the literals occur in more than ``limit`` places.
    """
    found: list[int] = []
    for lit in literals:
        at = lowered.find(lit)
        while at >= 0:
            found.append(at)
            if len(found) > limit:
                return range(len(unit_start))
            at = lowered.find(lit, at + 1)
    units = np.searchsorted(unit_start, np.array(found, dtype=_I64), side="right") - 1
    return sorted(set(units.tolist()) | set(wide))
