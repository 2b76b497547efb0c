"""Keyword and pattern coding: apply a codebook's keywords and regular expressions to turns.

Matching rules (see docs/codebook.md, "How keywords match"):

* Keywords match whole words, case-insensitively, over the tokens of
  :func:`qualcode.coding.morphology.tokenize`: punctuation and markup glued to words do not hide a
  match, ``-nya`` ("kliennya", "client-nya", "client -nya") and reduplication ("klien-klien")
  are normalised away.
* A keyword token matches a text token when they share a lemma in one of the coder's languages
  (``mempertahankan`` in the codebook matches ``dipertahankan`` in the text: both have the root
  ``tahan``). Multi-word keywords match consecutive tokens.
* ``patterns`` are regular expressions searched case-insensitively in the original text;
  ``exclude_patterns`` veto their code in a unit where they match.
* Score of a code in a unit: ``1 - 0.5 ** n`` for ``n`` distinct hits (a hit inside a longer hit
  of the same code is not counted): 0.5 for one hit, 0.75 for two, 0.875 for three.
* In a mutually exclusive theme only the strongest code of a unit is kept (most hits; ties go to
  the code that comes first in the codebook).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.coding.morphology import CLITIC, EXACT, TOKEN_RE, Lemmatizer, _split_hyphenated
from qualcode.errors import QualcodeError

logger = logging.getLogger(__name__)

__all__ = [
    "EXPLAIN_COLUMNS",
    "KEYWORD",
    "LEFT",
    "MATCHED",
    "RIGHT",
    "STATUS",
    "UNITS",
    "KeywordCoder",
    "score_from_hits",
]

#: columns of :meth:`KeywordCoder.explain` besides the schema's turn_id/code/span columns
KEYWORD = "keyword"
MATCHED = "matched"
LEFT = "left"
RIGHT = "right"
STATUS = "status"
EXPLAIN_COLUMNS: tuple[str, ...] = (
    schema.TURN_ID,
    schema.CODE,
    KEYWORD,
    MATCHED,
    schema.SPAN_START,
    schema.SPAN_END,
    LEFT,
    RIGHT,
    STATUS,
)
#: values of the ``status`` column of :meth:`KeywordCoder.explain`
CODED, EXCLUDED, OUTRANKED = "coded", "excluded", "outranked"

UNITS: tuple[str, ...] = ("turn", "sentence")


def score_from_hits(n_hits: int) -> float:
    """Return the rule strength of a code with ``n_hits`` hits in a unit: ``1 - 0.5 ** n``.

    Examples
    --------
    >>> score_from_hits(1), score_from_hits(2)
    (0.5, 0.75)
    """
    return 1.0 - 0.5**n_hits


@dataclass(frozen=True)
class _Hit:
    code: int  # index into the codebook's codes
    rule: str  # the keyword as written, or "/pattern/"
    evidence: str  # the keyword as written, or the text a pattern matched
    start: int
    end: int


@dataclass
class _Compiled:
    lemmatizer: Lemmatizer
    class_of_key: dict[str, set[int]]  # lemma key -> keyword-token classes
    class_keys: list[frozenset[str]]  # keys of each keyword-token class
    by_first: dict[int, list[int]]  # class of a one-word keyword -> keyword ids
    by_pair: dict[tuple[int, int], list[int]]  # classes of the first two words -> keyword ids
    kw_classes: list[tuple[int, ...]]  # keyword id -> its token classes
    kw_code: list[int]
    kw_text: list[str]
    patterns: list[tuple[int, str, re.Pattern[str]]]
    excludes: dict[int, list[re.Pattern[str]]]
    exclusive: list[list[int]]  # code indices of each exclusive theme


class KeywordCoder:
    """Code turns with a codebook's keywords and patterns.

    Parameters
    ----------
    codebook : Codebook
        Codes with ``keywords``, ``patterns`` and ``exclude_patterns``.
    languages : sequence of str, optional
        spaCy language codes used to lemmatise (default: the codebook's ``languages``). Every
        token is lemmatised in each language; a keyword matches if any lemma matches, so
        code-switched turns are handled.
    all_speakers : bool, default False
        Code every turn; by default only participant turns (``role == "participant"``).
    unit : {"turn", "sentence"}, default "turn"
        ``"sentence"`` splits each turn into sentences (spaCy's rule-based sentencizer) and codes
        each sentence on its own: a turn can then get several rows for one code, one per coded
        sentence, each with ``span_start``/``span_end`` giving the sentence's offsets in the turn.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualcode.codebook import parse_codebook
    >>> cb = parse_codebook('''
    ... languages: [id, en]
    ... themes:
    ...   - name: crm
    ...     codes:
    ...       - name: retain
    ...         keywords: [mempertahankan, trust]
    ... ''')
    >>> turns = pd.DataFrame({"turn_id": ["t1"], "interview": ["i"], "position": [1],
    ...     "speaker": ["N1"], "role": ["participant"],
    ...     "text": ["Klien harus dipertahankan, karena trust-nya penting."]})
    >>> KeywordCoder(cb).code(turns)[["turn_id", "code", "score", "evidence"]]
      turn_id    code  score                 evidence
    0      t1  retain   0.75  mempertahankan; trust
    """

    def __init__(
        self,
        codebook: Codebook,
        *,
        languages: Sequence[str] | None = None,
        all_speakers: bool = False,
        unit: str = "turn",
    ) -> None:
        self.codebook = codebook
        self.languages = languages
        self.all_speakers = all_speakers
        self.unit = unit
        self._compiled: _Compiled | None = None
        self._token_cache: dict[str, tuple[int, ...]] = {}

    # -- compilation ---------------------------------------------------------------------------
    @property
    def languages_(self) -> tuple[str, ...]:
        """The languages used for lemmatisation."""
        return tuple(self.languages) if self.languages else tuple(self.codebook.languages)

    def _compile(self) -> _Compiled:
        if self._compiled is not None:
            return self._compiled
        if self.unit not in UNITS:
            msg = f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}"
            raise QualcodeError(msg)
        codes = self.codebook.codes
        kw_tokens: list[tuple[int, str, list[str]]] = []
        roots: set[str] = set()
        for ci, code in enumerate(codes):
            for kw in code.keywords:
                words = _keyword_words(kw)
                if words:
                    kw_tokens.append((ci, kw, words))
                    for w in words:
                        if w.startswith(EXACT):
                            continue
                        roots.add(w)
                        if w.endswith(CLITIC) and len(w) > len(CLITIC) + 2:
                            roots.add(w[: -len(CLITIC)])
        lem = Lemmatizer(self.languages_, extra_roots=roots)
        class_ids: dict[str, int] = {}
        class_keys: list[frozenset[str]] = []
        class_of_key: dict[str, set[int]] = {}
        kw_classes: list[tuple[int, ...]] = []
        by_first: dict[int, list[int]] = {}
        by_pair: dict[tuple[int, int], list[int]] = {}
        for kid, (_ci, _kw, words) in enumerate(kw_tokens):
            seq = []
            for w in words:
                cid = class_ids.get(w)
                if cid is None:
                    cid = class_ids[w] = len(class_keys)
                    keys = frozenset({w}) if w.startswith(EXACT) else lem.keys(w)
                    class_keys.append(keys)
                    for k in keys:
                        class_of_key.setdefault(k, set()).add(cid)
                seq.append(cid)
            kw_classes.append(tuple(seq))
            if len(seq) == 1:
                by_first.setdefault(seq[0], []).append(kid)
            else:
                by_pair.setdefault((seq[0], seq[1]), []).append(kid)
        patterns = []
        excludes: dict[int, list[re.Pattern[str]]] = {}
        for ci, code in enumerate(codes):
            for p in code.patterns:
                patterns.append((ci, p, re.compile(p, re.IGNORECASE)))
            if code.exclude_patterns:
                excludes[ci] = [re.compile(p, re.IGNORECASE) for p in code.exclude_patterns]
        index = {name: i for i, name in enumerate(self.codebook.code_names)}
        exclusive = [[index[n] for n in group] for group in self.codebook.exclusive_groups]
        self._compiled = _Compiled(
            lemmatizer=lem,
            class_of_key=class_of_key,
            class_keys=class_keys,
            by_first=by_first,
            by_pair=by_pair,
            kw_classes=kw_classes,
            kw_code=[ci for ci, _, _ in kw_tokens],
            kw_text=[kw for _, kw, _ in kw_tokens],
            patterns=patterns,
            excludes=excludes,
            exclusive=exclusive,
        )
        self._token_cache = {CLITIC: ()}
        return self._compiled

    def _classes(self, word: str) -> tuple[int, ...]:
        """Keyword-token classes a normalised token matches (cached per distinct token)."""
        comp = self._compiled
        assert comp is not None
        found: set[int] = set()
        for key in comp.lemmatizer.keys(word):
            cls = comp.class_of_key.get(key)
            if cls:
                found |= cls
        out = tuple(sorted(found))
        self._token_cache[word] = out
        return out

    # -- scanning ------------------------------------------------------------------------------
    def _scan(self, text: str) -> list[_Hit]:
        """Return every keyword and pattern hit in ``text`` (offsets into ``text``)."""
        comp = self._compile()
        low = text.lower()
        if "-" in low or len(low) != len(text):
            found = self._tokens_slow(text)
        else:
            found = self._tokens_fast(low)
        hits: list[_Hit] = []
        if found:
            self._match(found, hits)
        for ci, p, rx in comp.patterns:
            for pm in rx.finditer(text):
                if pm.end() > pm.start():
                    hits.append(_Hit(ci, f"/{p}/", pm.group(), pm.start(), pm.end()))
        return hits

    def _tokens_fast(self, low: str) -> list[tuple[int, tuple[int, ...], int, int]]:
        """Tokens with keyword classes of a lowercased text without hyphens (the common case)."""
        words = TOKEN_RE.findall(low)
        get = self._token_cache.get
        classes = [get(w) for w in words]
        if None in classes:
            classes_of = self._classes
            classes = [
                c if c is not None else classes_of(w) for w, c in zip(words, classes, strict=True)
            ]
        hit_idx = [i for i, c in enumerate(classes) if c]
        if not hit_idx:
            return []
        if CLITIC in words:  # standalone "nya" does not count as a token: renumber
            return self._tokens_slow(low)
        spans = [m.span() for m in TOKEN_RE.finditer(low)]
        return [(i, classes[i], *spans[i]) for i in hit_idx]  # type: ignore[misc]

    def _tokens_slow(self, text: str) -> list[tuple[int, tuple[int, ...], int, int]]:
        """Tokens with keyword classes, handling hyphens, reduplication and clitics."""
        cache = self._token_cache
        classes_of = self._classes
        found: list[tuple[int, tuple[int, ...], int, int]] = []
        for i, (norm, start, end) in enumerate(_tokens(text)):
            cl = cache.get(norm)
            if cl is None:
                cl = classes_of(norm)
            if cl:
                found.append((i, cl, start, end))
        return found

    def _match(self, found: list[tuple[int, tuple[int, ...], int, int]], hits: list[_Hit]) -> None:
        """Find keyword occurrences among the tokens that match some keyword word."""
        comp = self._compiled
        assert comp is not None
        by_index = {f[0]: f for f in found} if len(found) > 1 else None
        singles = comp.by_first
        pairs = comp.by_pair
        kw_classes = comp.kw_classes
        for idx, cl, start, end in found:
            for c in cl:
                for kid in singles.get(c, ()):
                    kw = comp.kw_text[kid]
                    hits.append(_Hit(comp.kw_code[kid], kw, kw, start, end))
            if by_index is None:
                continue
            nxt = by_index.get(idx + 1)
            if nxt is None:
                continue
            for c in cl:
                for c1 in nxt[1]:
                    for kid in pairs.get((c, c1), ()):
                        seq = kw_classes[kid]
                        last_end = nxt[3]
                        ok = True
                        for j in range(2, len(seq)):
                            tok = by_index.get(idx + j)
                            if tok is None or seq[j] not in tok[1]:
                                ok = False
                                break
                            last_end = tok[3]
                        if ok:
                            kw = comp.kw_text[kid]
                            hits.append(_Hit(comp.kw_code[kid], kw, kw, start, last_end))

    # -- public API -----------------------------------------------------------------------------
    def _units(self, turns: pd.DataFrame) -> list[tuple[str, str, int, int]]:
        """Return (turn_id, unit text, unit start, unit end) for the turns to code."""
        df = schema.validate_turns(turns)
        if not self.all_speakers:
            df = df[df[schema.ROLE] == schema.PARTICIPANT]
        ids = df[schema.TURN_ID].tolist()
        texts = [str(t) for t in df[schema.TEXT].tolist()]
        self._compile()
        if self.unit == "turn":
            return [(tid, text, 0, len(text)) for tid, text in zip(ids, texts, strict=True)]
        out: list[tuple[str, str, int, int]] = []
        for tid, text, spans in zip(ids, texts, self._sentences(texts), strict=True):
            out.extend((tid, text, s, e) for s, e in spans)
        return out

    def _sentences(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        nlp = _sentencizer()
        out: list[list[tuple[int, int]]] = []
        for doc in nlp.pipe(texts):
            spans = []
            for sent in doc.sents:
                start, end = sent.start_char, sent.end_char
                if doc.text[start:end].strip():
                    spans.append((start, end))
            out.append(spans)
        return out

    def _decide(self, hits: list[_Hit]) -> dict[int, tuple[list[_Hit], str]]:
        """Group a unit's hits by code, drop nested hits, apply vetoes and exclusivity.

        Returns code index -> (its hits, status), status being coded/excluded/outranked.
        """
        by_code: dict[int, list[_Hit]] = {}
        for h in hits:
            by_code.setdefault(h.code, []).append(h)
        out = {ci: (_outermost(hs), CODED) for ci, hs in by_code.items()}
        return out

    def _unit_result(self, text: str, start: int, end: int) -> dict[int, tuple[list[_Hit], str]]:
        comp = self._compile()
        unit_text = text[start:end]
        hits = [
            _Hit(h.code, h.rule, h.evidence, h.start + start, h.end + start)
            for h in self._scan(unit_text)
        ]
        decided = self._decide(hits)
        for ci, (hs, _status) in list(decided.items()):
            vetoes = comp.excludes.get(ci)
            if vetoes and any(rx.search(unit_text) for rx in vetoes):
                decided[ci] = (hs, EXCLUDED)
        for group in comp.exclusive:
            live = [ci for ci in group if ci in decided and decided[ci][1] == CODED]
            if len(live) > 1:
                best = max(live, key=lambda ci: (len(decided[ci][0]), -ci))
                for ci in live:
                    if ci != best:
                        decided[ci] = (decided[ci][0], OUTRANKED)
        return decided

    def code(self, turns: pd.DataFrame) -> pd.DataFrame:
        """Code turns with the codebook's keywords and patterns.

        Parameters
        ----------
        turns : DataFrame
            A turns table (see :mod:`qualcode.schema`).

        Returns
        -------
        DataFrame
            The codings table: ``turn_id``, ``code``, ``coder`` (``"rules"``), ``score``
            (``1 - 0.5 ** hits``), ``evidence`` (the keywords and pattern matches found, joined
            by ``"; "``), ``span_start``/``span_end`` (the first hit's offsets in the turn text;
            with ``unit="sentence"`` the coded sentence's offsets). One row per (turn, code), or
            per (turn, code, sentence) with ``unit="sentence"``; in turn order, then codebook
            order.
        """
        names = self.codebook.code_names
        rows: dict[str, list[Any]] = {c: [] for c in schema.CODING_COLUMNS}
        for tid, text, start, end in self._units(turns):
            decided = self._unit_result(text, start, end)
            for ci in sorted(decided):
                hs, status = decided[ci]
                if status != CODED:
                    continue
                evidence = list(dict.fromkeys(h.evidence for h in hs))
                rows[schema.TURN_ID].append(tid)
                rows[schema.CODE].append(names[ci])
                rows[schema.CODER].append(schema.RULES_CODER)
                rows[schema.SCORE].append(score_from_hits(len(hs)))
                rows[schema.EVIDENCE].append(schema.EVIDENCE_SEP.join(evidence))
                if self.unit == "sentence":
                    rows[schema.SPAN_START].append(start)
                    rows[schema.SPAN_END].append(end)
                else:
                    rows[schema.SPAN_START].append(hs[0].start)
                    rows[schema.SPAN_END].append(hs[0].end)
        return schema.normalize_codings(pd.DataFrame(rows))

    def explain(self, turns: pd.DataFrame, *, context: int = 40) -> pd.DataFrame:
        """List every keyword and pattern hit with its context (keyword in context).

        Parameters
        ----------
        turns : DataFrame
            A turns table.
        context : int, default 40
            Characters of context on each side.

        Returns
        -------
        DataFrame
            One row per hit: ``turn_id``, ``code``, ``keyword`` (the keyword as written in the
            codebook, or ``/pattern/``), ``matched`` (the text matched), ``span_start``,
            ``span_end`` (offsets in the turn text), ``left``, ``right`` (context),
            ``status``: ``coded``, ``excluded`` (vetoed by an exclude pattern) or
            ``outranked`` (another code of an exclusive theme was stronger).
        """
        names = self.codebook.code_names
        rows: list[tuple[Any, ...]] = []
        for tid, text, start, end in self._units(turns):
            decided = self._unit_result(text, start, end)
            for ci in sorted(decided):
                hs, status = decided[ci]
                for h in hs:
                    rows.append(
                        (
                            tid,
                            names[ci],
                            h.rule,
                            text[h.start : h.end],
                            h.start,
                            h.end,
                            _squash(text[max(0, h.start - context) : h.start]),
                            _squash(text[h.end : h.end + context]),
                            status,
                        )
                    )
        df = pd.DataFrame(rows, columns=list(EXPLAIN_COLUMNS))
        for col in (schema.TURN_ID, schema.CODE, KEYWORD, MATCHED, LEFT, RIGHT, STATUS):
            df[col] = df[col].astype("string")
        for col in (schema.SPAN_START, schema.SPAN_END):
            df[col] = df[col].astype("Int64")
        return df

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """Count keyword and pattern hits per code in each text.

        Parameters
        ----------
        texts : iterable of str

        Returns
        -------
        ndarray of shape (n_texts, n_codes)
            Hit counts (a hit nested in a longer hit of the same code is not counted), codes
            in codebook order. Exclude patterns and exclusive themes are not applied: these are
            raw features (for example for :class:`qualcode.coding.CodeClassifier`).
        """
        self._compile()
        texts = list(texts)
        out = np.zeros((len(texts), len(self.codebook.codes)), dtype=np.int64)
        for row, text in enumerate(texts):
            hits = self._scan(str(text))
            if not hits:
                continue
            by_code: dict[int, list[_Hit]] = {}
            for h in hits:
                by_code.setdefault(h.code, []).append(h)
            for ci, hs in by_code.items():
                out[row, ci] = len(_outermost(hs)) if len(hs) > 1 else 1
        return out


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    """spaCy's rule-based sentencizer on the multi-language tokenizer (cached).

    The sentencizer splits on sentence-final punctuation whatever the language; the light
    ``xx`` tokenizer avoids the seconds that loading the Indonesian language data takes.
    """
    import spacy  # heavy: only for the sentence unit

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Normalised tokens of ``text`` as (norm, start, end), dropping standalone clitics."""
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        low = word.lower()
        if len(low) != len(word):
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in word)
        if "-" in low:
            for norm, s, e in _split_hyphenated(low):
                if norm and norm != CLITIC:
                    out.append((norm, m.start() + s, m.start() + e))
        elif low != CLITIC:
            out.append((low, m.start(), m.end()))
    return out


def _keyword_words(keyword: str) -> list[str]:
    """Normalised words of a keyword; a word written ``=word`` keeps its exact form."""
    words = []
    for norm, start, _end in _tokens(keyword):
        exact = start > 0 and keyword[start - 1] == EXACT
        words.append(EXACT + norm if exact else norm)
    return words


def _outermost(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits contained in another hit of the list; keep text order."""
    if len(hits) == 1:
        return hits
    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    out: list[_Hit] = []
    for h in ordered:
        if out and h.start >= out[-1].start and h.end <= out[-1].end:
            continue
        out.append(h)
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())
