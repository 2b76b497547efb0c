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
from itertools import pairwise

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.hits import HIT_FIELDS, Columns, Hits, empty_hits
from qualcode.coding.morphology import CLITIC, EXACT, Lemmatizer
from qualcode.coding.prefilter import pattern_hits, required_literals
from qualcode.coding.tokens import (
    KEY_BYTES,
    IntColumn,
    TokenVocabulary,
    expand_ranges,
    keyword_words,
    raw_tokens,
    token_keys,
    word_tokens,
)

__all__ = ["BATCH_CHARS", "KeywordMatcher"]

#: characters of text handled per batch (bounds memory on large corpora)
BATCH_CHARS = 1 << 21

_I64 = np.int64
#: signature ids are packed in pairs as ``a * _SIG_BASE + b``
_SIG_BASE = 1 << 31


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
        self._tokens = TokenVocabulary()
        self._key_index = pd.Index(np.zeros(0, dtype=np.uint64))
        self._key_rid = IntColumn()
        self._p_ntok = IntColumn()
        # per raw token: its normalised tokens, and those with a signature ("parts")
        self._p_first = IntColumn()  # index of the raw token's first part
        self._p_nparts = IntColumn()  # number of parts
        self._part_sig = IntColumn()
        self._part_start = IntColumn()
        self._part_end = IntColumn()
        self._part_index = IntColumn()  # index of the part among the raw token's normalised tokens

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
            return empty_hits()
        lengths = np.fromiter(map(len, texts), dtype=_I64, count=n)
        ends = np.cumsum(lengths + 1)
        bounds = [0]
        while bounds[-1] < n:
            limit = (ends[bounds[-1] - 1] if bounds[-1] else 0) + BATCH_CHARS
            bounds.append(max(bounds[-1] + 1, int(np.searchsorted(ends, limit, side="right"))))
        parts = [self._find_batch(texts[a:b], lengths[a:b], a) for a, b in pairwise(bounds)]
        parts = [p for p in parts if len(p)]
        if not parts:
            return empty_hits()
        if len(parts) == 1:
            return parts[0]
        return Hits(*(np.concatenate([getattr(p, f) for p in parts]) for f in HIT_FIELDS))

    def _find_batch(self, texts: Sequence[str], unit_len: np.ndarray, offset: int) -> Hits:
        joined = " ".join(texts)
        unit_start = np.cumsum(unit_len + 1) - (unit_len + 1)
        found = [
            *self._keyword_hits(joined, unit_start),
            *self._pattern_hits(texts, joined, unit_start),
        ]
        if not found:
            return empty_hits()
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
        starts, ends, codes, narrow = raw_tokens(joined)
        rid = np.empty(len(starts), dtype=_I64)
        lengths = ends - starts
        short = (lengths <= KEY_BYTES) & narrow
        at = np.flatnonzero(short)
        if len(at):
            keys = token_keys(codes, starts[at], lengths[at])
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

    def _keyword_hits(self, joined: str, unit_start: np.ndarray) -> list[Columns]:
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
        part = expand_ranges(self._p_first.data[rid[cand]], counts)
        sig = self._part_sig.data[part]
        base = tstart[token]
        start = base + self._part_start.data[part]
        end = base + self._part_end.data[part]
        pos = tok_before[token] + self._part_index.data[part]
        unit = np.searchsorted(unit_start, start, side="right") - 1
        start -= unit_start[unit]
        end -= unit_start[unit]
        n_single, single_off, single_flat, first_ok, second_ok = self._signature_arrays()
        out: list[Columns] = []
        # one-word keywords
        ns = n_single[sig]
        has = np.flatnonzero(ns)
        if len(has):
            reps = ns[has]
            kid = single_flat[expand_ranges(single_off[sig[has]], reps)]
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
    ) -> list[Columns]:
        entry = self._pair_entries(sig[adj] * _SIG_BASE + sig[adj + 1])
        n_two, two_off, two_flat, has_longer = self._pair_two
        out: list[Columns] = []
        reps = n_two[entry]
        if reps.any():
            kid = two_flat[expand_ranges(two_off[entry], reps)]
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
    ) -> list[Columns]:
        """Pattern hits of one batch (see :func:`~qualcode.coding.prefilter.pattern_hits`)."""
        return pattern_hits(self._patterns, texts, joined, unit_start, self._intern)
