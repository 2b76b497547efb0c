"""The classifier's features: the union of text, context, pair, length and rule-hit blocks.

:class:`TurnFeatures` stacks them for a :class:`~qualcode.coding.inputs.TurnInput` (the text
blocks come from :class:`~qualcode.coding.tfidf.TextEncoder`); :func:`top_terms` ranks the
features that weighed most, for :meth:`CodeClassifier.explain
<qualcode.coding.classifier.CodeClassifier.explain>`.
"""

from __future__ import annotations

from itertools import chain, pairwise
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from qualcode.codebook import Codebook
from qualcode.coding.inputs import TurnInput
from qualcode.coding.tfidf import TextEncoder

__all__ = ["TurnFeatures", "top_terms"]

_LENGTH_EDGES = np.array([1, 2, 3, 5, 9, 17])
_LENGTH_LABELS = ("0", "1", "2", "3-4", "5-8", "9-16", "17+")


#: value of a "last token before x first token now" pair feature (tf-idf rows have norm 1)
_PAIR_WEIGHT = 0.5
_PAIR_STATES = ("other speaker", "same speaker", "no turn")


def _length_bins(n_tokens: np.ndarray) -> sp.csr_matrix:
    """One-hot length of each text in tokens (tf-idf rows are normalised and lose it)."""
    n = len(n_tokens)
    cols = np.searchsorted(_LENGTH_EDGES, n_tokens, side="right")
    data = np.ones(n, dtype=np.float32)
    return sp.csr_matrix((data, cols, np.arange(n + 1)), shape=(n, len(_LENGTH_LABELS)))


#: (sample, code) pairs whose evidence terms are worked out together (bounds the memory used)
_EXPLAIN_CHUNK = 20_000


def top_terms(
    F: sp.csr_matrix,
    rows: np.ndarray,
    weight_rows: np.ndarray,
    coef: np.ndarray,
    readable: np.ndarray,
    names: np.ndarray,
    n_terms: int,
) -> list[str]:
    """The ``n_terms`` readable features with the largest positive ``value x weight`` of each
    (row of ``F``, row of ``coef``) pair, largest first, joined by ``"; "`` ("" for a pair
    whose weight row is -1). Equal products (features that always occur together get equal
    weights) keep feature-column order.

    Chunks of pairs are ranked at once (one sort of all their products); the only Python work
    per pair is joining its few terms.
    """
    out: list[str] = []
    for a in range(0, len(rows), _EXPLAIN_CHUNK):
        r, w = rows[a : a + _EXPLAIN_CHUNK], weight_rows[a : a + _EXPLAIN_CHUNK]
        X = F[r]
        X.sort_indices()  # feature-column order within each pair: the order of equal products
        pair = np.repeat(np.arange(len(r)), np.diff(X.indptr))
        keep = readable[X.indices] & (w[pair] >= 0)
        pair, cols = pair[keep], X.indices[keep]
        contrib = X.data[keep] * coef[w[pair], cols]
        pos = contrib > 0
        pair, cols, contrib = pair[pos], cols[pos], contrib[pos]
        order = _rank_within_pairs(pair, contrib)
        pair, cols = pair[order], cols[order]
        first = np.searchsorted(pair, np.arange(len(r) + 1))
        top = np.arange(len(pair)) - first[pair] < n_terms
        pair, cols = pair[top], cols[top]
        bounds = np.searchsorted(pair, np.arange(len(r) + 1)).tolist()
        labels = names[cols].tolist()
        out += ["; ".join(labels[s:e]) for s, e in pairwise(bounds)]
    return out


def _rank_within_pairs(pair: np.ndarray, contrib: np.ndarray) -> np.ndarray:
    """Order by ``pair`` (non-decreasing already), then by ``contrib`` (all > 0) largest first,
    equal products kept in their given order: ``np.lexsort((-contrib, pair))``, but as one
    stable sort of int64 keys (a lexsort of the two keys was 70% of the time of explaining).

    A positive IEEE float's bits, read as an unsigned integer of the same width, grow with its
    value; a float32 product's 31 bits fit below the pair number in one int64.
    """
    if contrib.dtype != np.float32 or not len(pair) or pair[-1] >= 2**31:
        return np.lexsort((-contrib, pair))
    bits = contrib.view(np.int32).astype(np.int64)
    key = (pair.astype(np.int64) << 31) | (0x7FFFFFFF - bits)
    return np.argsort(key, kind="stable")


class TurnFeatures:
    """Word + character tf-idf of the text, word tf-idf of the turns before and after (by
    whether the speaker changed), speaker change, text length, keyword rule hits."""

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int],
        char_ngrams: tuple[int, int] | None,
        min_df: int,
        context: bool,
        codebook: Codebook | None,
        context_weight: float = 1.0,
    ) -> None:
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.min_df = min_df
        self.context = context
        self.context_weight = context_weight
        self.codebook = codebook  # set only when keyword rule hits are features
        self.word = TextEncoder(
            word_ngrams=word_ngrams,  # type: ignore[arg-type]
            char_ngrams=char_ngrams,
            min_df=min_df,
        )
        self._rules: Any = None
        self.pair_keys: list[np.ndarray] | None = None

    def _distinct(self, inp: TurnInput) -> tuple[list[str], dict[str, int]]:
        """Every distinct text of the turns and (with context) of their neighbours."""
        parts: list[list[str]] = [inp.texts]
        if self.context:
            parts += [p for p in (inp.before, inp.after) if p is not None]
        uniq = list(dict.fromkeys(chain.from_iterable(parts)))
        return uniq, {s: i for i, s in enumerate(uniq)}

    def fit_transform(self, inp: TurnInput) -> sp.csr_matrix:
        """Learn the vocabularies and idf weights from the distinct texts; return features.

        ``min_df`` counts distinct texts.
        """
        uniq, where = self._distinct(inp)
        word_u, char_u, lens = self.word.fit_transform(uniq)
        self.pair_keys = None
        return self._assemble(inp, where, word_u, char_u, lens)

    def transform(self, inp: TurnInput) -> sp.csr_matrix:
        """Features of new turns (vocabularies and weights as learned)."""
        uniq, where = self._distinct(inp)
        word_u, char_u, lens = self.word.transform(uniq)
        return self._assemble(inp, where, word_u, char_u, lens)

    @property
    def n_word(self) -> int:
        return self.word.n_word

    @property
    def n_char(self) -> int:
        return self.word.n_char

    @property
    def n_rules(self) -> int:
        return len(self.codebook.codes) if self.codebook is not None else 0

    def rule_hits(self, texts: list[str]) -> np.ndarray:
        if self._rules is None:
            from qualcode.coding.rules import KeywordCoder  # lazy: spaCy lookups

            assert self.codebook is not None
            self._rules = KeywordCoder(self.codebook, all_speakers=True)
        return np.asarray(self._rules.transform(texts), dtype=np.float32)

    def _assemble(
        self,
        inp: TurnInput,
        where: dict[str, int],
        word_u: sp.csr_matrix,
        char_u: sp.csr_matrix | None,
        lens: np.ndarray,
    ) -> sp.csr_matrix:
        """Stack the feature blocks; ``word_u``/``char_u`` are the features of the distinct texts
        (row ``where[text]``)."""
        texts = inp.texts
        n = len(texts)
        text_rows = np.fromiter(map(where.__getitem__, texts), dtype=np.int64, count=n)
        blocks: list[sp.spmatrix] = [word_u[text_rows]]
        if char_u is not None:
            blocks.append(char_u[text_rows])
        if self.context:
            around = ((inp.before, inp.before_change), (inp.after, inp.after_change))
            for k, (ctx, change) in enumerate(around):
                chg = np.full(n, np.nan) if change is None else np.asarray(change, dtype=float)
                other = np.nan_to_num(chg, nan=0.0)
                same = np.where(np.isnan(chg), 0.0, 1.0 - chg)
                if ctx is not None:
                    rows = np.fromiter(map(where.__getitem__, ctx), dtype=np.int64, count=n)
                    near = word_u[rows]
                    w = np.float32(self.context_weight)
                    blocks.append(sp.diags((other * w).astype(np.float32)) @ near)
                    blocks.append(sp.diags((same * w).astype(np.float32)) @ near)
                else:
                    empty = sp.csr_matrix((n, self.n_word), dtype=np.float32)
                    blocks += [empty, empty]
                if k == 0:
                    edge = np.isnan(chg).astype(float) if change is not None else np.zeros(n)
                    blocks.append(sp.csr_matrix(np.c_[other, same, edge].astype(np.float32)))
        if self.context:
            blocks.append(self._pairs(inp, where, text_rows))
        blocks.append(_length_bins(lens[text_rows]))
        if self.codebook is not None:
            blocks.append(sp.csr_matrix(np.log1p(self.rule_hits(texts))))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def _pairs(self, inp: TurnInput, where: dict[str, int], text_rows: np.ndarray) -> sp.csr_matrix:
        """Last token of the turn before x first token of this turn (and this turn's last x
        the next one's first), with whether the speaker changed: "? <end>" before "<start> yes"
        is an answer, before "<start> what" a question back. Pairs seen fewer than
        ``max(min_df, 2)`` times in training are dropped. Uses the first/last tokens of the
        distinct texts from the encoder's last call."""
        n = len(text_rows)
        W = len(self.word.words)
        first, last = self.word.first_word, self.word.last_word
        parts = []
        learn = self.pair_keys is None
        keys_out = []
        offset = 0
        around = ((inp.before, inp.before_change), (inp.after, inp.after_change))
        for k, (ctx, change) in enumerate(around):
            if ctx is None or change is None:
                keys = np.full(n, -1, dtype=np.int64)
            else:
                rows = np.fromiter(map(where.__getitem__, ctx), dtype=np.int64, count=n)
                state = np.where(np.isnan(change), 2, 1 - np.nan_to_num(change)).astype(np.int64)
                if k == 0:
                    keys = (last[rows] * W + first[text_rows]) * 3 + state
                else:
                    keys = (last[text_rows] * W + first[rows]) * 3 + state
            if learn:
                uk, cnt = np.unique(keys[keys >= 0], return_counts=True)
                vocab = uk[cnt >= max(self.min_df, 2)]
                keys_out.append(vocab)
            else:
                assert self.pair_keys is not None
                vocab = self.pair_keys[k]
            pos = pd.Index(vocab).get_indexer(keys) if len(vocab) else np.full(n, -1)  # type: ignore[arg-type]
            hit = pos >= 0
            parts.append((np.flatnonzero(hit), pos[hit] + offset))
            offset += len(vocab)
        if learn:
            self.pair_keys = keys_out
        r = np.concatenate([p[0] for p in parts])
        c = np.concatenate([p[1] for p in parts])
        data = np.full(len(r), _PAIR_WEIGHT, dtype=np.float32)
        return sp.csr_matrix((data, (r, c)), shape=(n, offset))

    @property
    def n_pairs(self) -> int:
        keys = self.pair_keys
        return sum(len(k) for k in keys) if self.context and keys is not None else 0

    def _pair_names(self) -> list[str]:
        assert self.pair_keys is not None
        words = self.word.words
        W = len(words)
        names = []
        for k, keys in enumerate(self.pair_keys):
            where = ("before", "after")[k]
            for key in keys.tolist():
                state, ab = key % 3, key // 3
                a, b = words[ab // W], words[ab % W]
                names.append(f"{where} ({_PAIR_STATES[state]}): {a} | {b}")
        return names

    def feature_names(self) -> list[str]:
        """Name of every feature column (built once, then cached)."""
        cached: list[str] | None = getattr(self, "_names", None)
        if cached is None:
            cached = self._feature_names()
            self._names = cached
        return cached

    def _feature_names(self) -> list[str]:
        words = self.word.word_names()
        names = list(words)
        if self.word.char_ngrams:
            names += [f"char:{c!r}" for c in self.word.chars]
        if self.context:
            names += [f"before (other speaker): {w}" for w in words]
            names += [f"before (same speaker): {w}" for w in words]
            names += ["speaker changed", "same speaker", "first turn"]
            names += [f"after (other speaker): {w}" for w in words]
            names += [f"after (same speaker): {w}" for w in words]
            names += self._pair_names()
        names += [f"length: {label} tokens" for label in _LENGTH_LABELS]
        if self.codebook is not None:
            names += [f"rule:{c}" for c in self.codebook.code_names]
        return names

    @property
    def n_features(self) -> int:
        n = self.n_word + self.n_char + len(_LENGTH_LABELS) + self.n_rules
        return n + (4 * self.n_word + 3 + self.n_pairs if self.context else 0)

    def readable_mask(self) -> np.ndarray:
        """Features worth showing as evidence: word n-grams (text and context) and rules."""
        mask = np.zeros(self.n_features, dtype=bool)
        mask[: self.n_word] = True
        start = self.n_word + self.n_char
        if self.context:
            mask[start : start + 2 * self.n_word] = True
            start += 2 * self.n_word + 3
            mask[start : start + 2 * self.n_word + self.n_pairs] = True
            start += 2 * self.n_word + self.n_pairs
        start += len(_LENGTH_LABELS)
        mask[start : start + self.n_rules] = True
        return mask

    # persistence: vocabularies as JSON lists, idf weights and n-gram keys as arrays
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        wmeta, arrays = self.word.state()
        if self.context:
            assert self.pair_keys is not None
            arrays = {**arrays, "pair_keys_0": self.pair_keys[0], "pair_keys_1": self.pair_keys[1]}
        meta: dict[str, Any] = {
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "min_df": self.min_df,
            "context": self.context,
            "context_weight": self.context_weight,
            "rules": self.codebook is not None,
            **wmeta,
        }
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, np.ndarray], codebook: Codebook
    ) -> TurnFeatures:
        feats = cls(
            word_ngrams=tuple(meta["word_ngrams"]),  # type: ignore[arg-type]
            char_ngrams=tuple(meta["char_ngrams"]) if meta["char_ngrams"] else None,  # type: ignore[arg-type]
            min_df=int(meta["min_df"]),
            context=bool(meta["context"]),
            codebook=codebook if meta["rules"] else None,
            context_weight=float(meta["context_weight"]),
        )
        feats.word.restore(meta, arrays)
        if feats.context:
            feats.pair_keys = [
                np.asarray(arrays[f"pair_keys_{k}"], dtype=np.int64) for k in range(2)
            ]
        return feats
