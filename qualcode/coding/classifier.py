"""CodeClassifier: a scikit-learn estimator that learns a codebook from a researcher's coding.

Input ``X``
    Either a sequence of turn texts (no context), or a table with the columns ``text``,
    ``context`` (text of the turn before: in an interview usually the interviewer's question),
    ``speaker_change`` (1 if that turn was by another speaker, 0 if by the same one, empty for
    the first turn of an interview), ``after`` and ``after_change`` (the same for the turn
    after); a 2-D array gives them by position (the first one or more). :func:`turn_context`
    builds the table from a turns table, and a turns table passed as ``X`` is converted with it.
    Context comes from the texts only, never from codes, so it exists for new transcripts too.
    Build it on the whole turns table *before* splitting rows into folds.
Target ``y``
    The 0/1 table, shape (n_samples, n_codes): a DataFrame whose columns are code names or an
    array whose columns follow the codebook. A 1-D sequence of code names is also accepted: it
    means one mutually exclusive theme, and ``predict`` then returns code names.

Model
    Features are tf-idf of word 1-2-grams (tokens are words, one-letter words included, and
    single punctuation marks; n-grams include the turn's start and end, so "<start> uh" and
    "? <end>" are features) and of character 3-4-grams within words (robust to Indonesian
    affixes, clitics such as ``-nya`` and code-switching), sublinear tf; the word n-grams of the
    turns before and after, kept apart by whether the speaker changed; the pairs "last token of
    the turn before | first token of this turn" (and this turn's last | the next one's first);
    the turn's length in tokens (binned); optionally the hit counts of the codebook's keyword
    rules. Each distinct text is featurised once (a neighbour's features are its own rows), so
    context costs little; see :class:`_TextEncoder` for how tokens and n-grams are counted
    without per-n-gram Python work.
    Independent codes get one balanced logistic regression each (one-vs-rest), with
    Platt-calibrated probabilities and a decision threshold that maximises F1 on out-of-fold
    predictions. A mutually exclusive theme gets one multiclass linear model (plus a "none of
    these" class when some turns have none of its codes); its probabilities are a softmax of
    the decision scores with a temperature and per-code offsets fitted on held-out data
    (vector scaling: the offsets restore code frequencies a one-vs-rest SVM under-states).
    Its decision is, by default (``decision="kappa"``), the argmax of the log-probabilities
    plus per-code offsets chosen on the same held-out predictions to maximise Cohen's kappa
    with the human codes; ``decision="argmax"`` takes the most probable code. ``class_weight``
    can rebalance rare codes fully (``"balanced"``) or partly (a strength between 0 and 1).
    When ``X`` carries the turns' interview and position (as :func:`turn_context` gives) and
    neighbouring turns were coded, an exclusive theme is also decoded along the conversation
    (``sequence=True``, :mod:`qualcode.coding.sequence`): which code follows which, learned
    from the training codes, weighs each turn's code with its neighbours' predicted codes; the
    strength is chosen on held-out predictions and is zero when it does not raise kappa there.

Saved models (:meth:`CodeClassifier.save`, :func:`load_model`) are a zip of JSON and a NumPy
``.npz`` read with ``allow_pickle=False`` plus a checksum, with the codebook inside: nothing is
unpickled, and a modified file is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.sequence import (
    Links,
    SequenceModel,
    choose_sequence,
    class_frequencies,
    find_links,
    transition_table,
)
from qualcode.errors import ModelError, QualcodeError
from qualcode.fileio import write_atomic
from qualcode.schema import INTERVIEW, POSITION, SPEAKER, TEXT

__all__ = ["CodeClassifier", "load_model", "turn_context"]

log = logging.getLogger(__name__)

CONTEXT = "context"
SPEAKER_CHANGE = "speaker_change"
AFTER = "after"
AFTER_CHANGE = "after_change"
FORMAT = "qualcode-model"
FORMAT_VERSION = 4  # 4: sequence decoding of exclusive themes (3 is read: no sequence);
#                    3: per-code calibration and decision offsets of exclusive themes;
#                    2: own word/character encoder; 1: sklearn TfidfVectorizer state
READABLE_VERSIONS = (3, 4)
_NONE = -1  # "none of the codes of this exclusive theme"

#: the "auto" solver uses SGD above this many training samples (lbfgs below)
SGD_ABOVE = 5000

#: fewer positive (or negative) examples than this: no calibration or threshold tuning (out-of-
#: fold estimates from a handful of turns are noise); probability = the balanced model's, cut 0.5
MIN_TUNING_EXAMPLES = 5

#: fewer held-out turns of a code than this: its decision offset stays 0 (an offset that moves a
#: decision is fitted to the few turns near the boundary; from a dozen turns it fits noise)
MIN_OFFSET_EXAMPLES = 20


# --- input ------------------------------------------------------------------------------------
def turn_context(turns: pd.DataFrame) -> pd.DataFrame:
    """Return the classifier input for a turns table: the text and its neighbours' texts.

    Parameters
    ----------
    turns : DataFrame
        A turns table (``interview``, ``position``, ``speaker``, ``text``), any row order.

    Returns
    -------
    DataFrame
        Aligned with ``turns``; columns ``text``; ``context`` (text of the turn before in the same
        interview, ``""`` for the first) and ``speaker_change`` (1.0 if that turn was by another
        speaker, 0.0 if by the same one, NaN for the first); ``after`` and ``after_change`` the
        same for the turn after (a complete transcript has it; no codes are used);
        ``interview`` and ``position`` as given, so the classifier can link neighbouring rows
        (see :mod:`qualcode.coding.sequence`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"interview": ["i", "i"], "position": [1, 2],
    ...                   "speaker": ["Q", "A"], "text": ["Why?", "Because."]})
    >>> turn_context(t)[["context", "after"]].values.tolist()
    [['', 'Because.'], ['Why?', '']]
    """
    n = len(turns)
    interview = pd.factorize(turns[INTERVIEW], sort=True)[0]
    position = pd.to_numeric(turns[POSITION]).to_numpy(dtype=float, na_value=np.nan)
    order = np.lexsort((position, interview))  # stable: by interview, then position
    text = np.asarray(_strings(turns[TEXT]), dtype=object)[order]
    speaker = pd.factorize(turns[SPEAKER])[0][order]
    iv = interview[order]
    same = np.zeros(n, dtype=bool)  # row k and row k + 1 (in order) share an interview
    same[:-1] = iv[1:] == iv[:-1]
    changed = np.zeros(n)  # row k + 1 is by another speaker than row k
    changed[:-1] = speaker[1:] != speaker[:-1]
    context, after = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    context[1:][same[:-1]] = text[:-1][same[:-1]]
    after[:-1][same[:-1]] = text[1:][same[:-1]]
    before_change = np.full(n, np.nan)
    before_change[1:] = np.where(same[:-1], changed[:-1], np.nan)
    columns = {
        TEXT: text,
        CONTEXT: context,
        SPEAKER_CHANGE: before_change,
        AFTER: after,
        AFTER_CHANGE: np.where(same, changed, np.nan),
    }
    back = np.empty(n, dtype=np.int64)
    back[order] = np.arange(n)  # each row's place in the order
    out = pd.DataFrame({k: v[back] for k, v in columns.items()})
    out[INTERVIEW] = turns[INTERVIEW].reset_index(drop=True)
    out[POSITION] = position
    return out


@dataclass
class _Input:
    """Texts and (optionally) the texts around them with speaker-change flags."""

    texts: list[str]
    before: list[str] | None = None
    before_change: np.ndarray | None = None
    after: list[str] | None = None
    after_change: np.ndarray | None = None
    interview: np.ndarray | None = None  # integer ids, -1 unknown
    position: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def links(self) -> Links | None:
        """Which row is the turn right before each row (None without interview, position
        and context columns)."""
        if (
            self.interview is None
            or self.position is None
            or self.before is None
            or self.before_change is None
        ):
            return None
        return find_links(
            self.interview, self.position, self.texts, self.before, self.before_change
        )

    def plus(self, quotes: list[str]) -> _Input:
        """Append stand-alone texts (example quotes: no neighbours)."""
        k = len(quotes)
        nan = np.full(k, np.nan)
        return _Input(
            self.texts + quotes,
            None if self.before is None else self.before + [""] * k,
            None if self.before_change is None else np.r_[self.before_change, nan],
            None if self.after is None else self.after + [""] * k,
            None if self.after_change is None else np.r_[self.after_change, nan],
            None if self.interview is None else np.r_[self.interview, np.full(k, -1)],
            None if self.position is None else np.r_[self.position, nan],
        )


_X_COLUMNS = (TEXT, CONTEXT, SPEAKER_CHANGE, AFTER, AFTER_CHANGE)


def _strings(values: Any) -> list[str]:
    """Python strings of a column or sequence, missing values as ``""``."""
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.StringDtype):  # one conversion, no per-value checks
            return values.fillna("").tolist()
        values = values.to_numpy(dtype=object)
    return [
        "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
        for v in values
    ]


def _split_x(X: Any) -> _Input:
    """Read ``X``: texts, or a table with the columns of :func:`turn_context` (or a turns table)."""
    if isinstance(X, pd.DataFrame):
        if TEXT in X.columns and SPEAKER in X.columns and CONTEXT not in X.columns:
            X = turn_context(X)
        if TEXT not in X.columns:
            X = X.to_numpy(dtype=object)
        else:
            cols: dict[str, Any] = {}
            for name in _X_COLUMNS:
                if name not in X.columns:
                    cols[name] = None
                elif name in (SPEAKER_CHANGE, AFTER_CHANGE):
                    cols[name] = pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=float)
                else:
                    cols[name] = _strings(X[name])
            inp = _Input(*cols.values())
            if INTERVIEW in X.columns and POSITION in X.columns:
                inp.interview = pd.factorize(X[INTERVIEW])[0].astype(np.int64)
                inp.position = pd.to_numeric(X[POSITION], errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            return inp
    if isinstance(X, str):
        msg = "X must be a sequence of texts, not a single string"
        raise QualcodeError(msg)
    arr = np.asarray(X, dtype=object)
    if arr.ndim == 1:
        return _Input(_strings(arr))
    if arr.ndim == 2 and 1 <= arr.shape[1] <= len(_X_COLUMNS):
        parts: list[Any] = []
        for k, name in enumerate(_X_COLUMNS):
            if k >= arr.shape[1]:
                parts.append(None)
            elif name in (SPEAKER_CHANGE, AFTER_CHANGE):
                parts.append(pd.to_numeric(pd.Series(arr[:, k]), errors="coerce").to_numpy(float))
            else:
                parts.append(_strings(arr[:, k]))
        return _Input(*parts)
    msg = (
        "X must be a sequence of texts or a table with columns "
        f"{', '.join(_X_COLUMNS)} (the first one or more); got shape {arr.shape}"
    )
    raise QualcodeError(msg)


# --- codebook (de)serialisation ----------------------------------------------------------------
def _codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    data = asdict(codebook)
    data.pop("source", None)
    return data


def _codebook_from_dict(data: dict[str, Any]) -> Codebook:
    themes = []
    for t in data["themes"]:
        codes = []
        for c in t["codes"]:
            fields = dict(c)
            for key in ("examples", "keywords", "patterns", "exclude_patterns"):
                fields[key] = tuple(fields.get(key, ()))
            fields["translations"] = _translations(fields.get("translations"))
            codes.append(Code(**fields))
        tfields = {k: v for k, v in t.items() if k != "codes"}
        tfields["translations"] = _translations(tfields.get("translations"))
        themes.append(Theme(**tfields, codes=tuple(codes)))
    return Codebook(
        name=data["name"],
        description=data.get("description", ""),
        languages=tuple(data.get("languages", ("en",))),
        themes=tuple(themes),
        language=data.get("language"),
        translations=_translations(data.get("translations")),
    )


def _translations(items: Any) -> tuple[tuple[str, str, str], ...]:
    """(field, language, text) triples from JSON lists (absent in older model files)."""
    return tuple((str(f), str(lang), str(text)) for f, lang, text in items or ())


def _structure(codebook: Codebook) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    return codebook.code_names, codebook.exclusive_groups


def _has_rules(codebook: Codebook) -> bool:
    return any(c.keywords or c.patterns for c in codebook.codes)


# --- features -------------------------------------------------------------------------------
#: a token is a run of word characters or one punctuation character: "?", ",", "-" and one-letter
#: words ("i", "a") carry much of what a turn does (question, hedge, backchannel)
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
#: the same tokens for ASCII text, a third faster (explicit classes; ``\s`` stays Unicode)
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9_]+|[^a-z0-9_\s]")
_UNK, _BOS, _EOS = 0, 1, 2  # word columns of rare words and of the turn's start and end
_SPECIAL = ("<rare>", "<start>", "<end>")
_LENGTH_EDGES = np.array([1, 2, 3, 5, 9, 17])
_LENGTH_LABELS = ("0", "1", "2", "3-4", "5-8", "9-16", "17+")


#: value of a "last token before x first token now" pair feature (tf-idf rows have norm 1)
_PAIR_WEIGHT = 0.5
_PAIR_STATES = ("other speaker", "same speaker", "no turn")
_SEP = "\x01"  # joins texts for one regex pass; a punctuation token, so it splits them


def _length_bins(n_tokens: np.ndarray) -> sp.csr_matrix:
    """One-hot length of each text in tokens (tf-idf rows are normalised and lose it)."""
    n = len(n_tokens)
    cols = np.searchsorted(_LENGTH_EDGES, n_tokens, side="right")
    data = np.ones(n, dtype=np.float32)
    return sp.csr_matrix((data, cols, np.arange(n + 1)), shape=(n, len(_LENGTH_LABELS)))


#: (sample, code) pairs whose evidence terms are worked out together (bounds the memory used)
_EXPLAIN_CHUNK = 20_000


def _top_terms(
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


def _tokenize(texts: Sequence[str]) -> list[str]:
    """Lower-cased tokens of all ``texts`` in one regex pass, texts separated by ``_SEP``."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):
        joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    joined = joined.lower()
    return (_ASCII_TOKEN_RE if joined.isascii() else _TOKEN_RE).findall(joined)


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


class _TextEncoder:
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
        number of tokens of each text; ``flat`` is :func:`_tokenize`'s output."""
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
        flat = _tokenize(texts)
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
        tid, lens, new = self._ids(_tokenize(texts), n)
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


class _Features:
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
        self.word = _TextEncoder(
            word_ngrams=word_ngrams,  # type: ignore[arg-type]
            char_ngrams=char_ngrams,
            min_df=min_df,
        )
        self._rules: Any = None
        self.pair_keys: list[np.ndarray] | None = None

    def _distinct(self, inp: _Input) -> tuple[list[str], dict[str, int]]:
        """Every distinct text of the turns and (with context) of their neighbours."""
        parts: list[list[str]] = [inp.texts]
        if self.context:
            parts += [p for p in (inp.before, inp.after) if p is not None]
        uniq = list(dict.fromkeys(chain.from_iterable(parts)))
        return uniq, {s: i for i, s in enumerate(uniq)}

    def fit_transform(self, inp: _Input) -> sp.csr_matrix:
        """Learn the vocabularies and idf weights from the distinct texts; return features.

        ``min_df`` counts distinct texts.
        """
        uniq, where = self._distinct(inp)
        word_u, char_u, lens = self.word.fit_transform(uniq)
        self.pair_keys = None
        return self._assemble(inp, where, word_u, char_u, lens)

    def transform(self, inp: _Input) -> sp.csr_matrix:
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
        inp: _Input,
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

    def _pairs(self, inp: _Input, where: dict[str, int], text_rows: np.ndarray) -> sp.csr_matrix:
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
    ) -> _Features:
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


# --- the estimator -------------------------------------------------------------------------
def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_scaling(
    scores: np.ndarray, target: np.ndarray, *, prior: float = 20.0
) -> tuple[float, np.ndarray]:
    """Temperature ``T`` and per-class offsets ``b`` minimising the log loss of
    ``softmax(scores / T + b)`` ("vector scaling" with one shared slope).

    The offsets correct the class frequencies the linear scores imply (a one-vs-rest SVM
    under-predicts mid-frequency codes). The penalty ``prior * |b|^2`` on the summed log loss
    keeps them near 0 when there are few held-out rows and finite for codes absent from them.
    """
    from scipy.optimize import minimize

    n, k = scores.shape
    rows = np.arange(n)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = theta[0], theta[1:]
        z = scores * a + b
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        g = np.exp(log_p)
        g[rows, target] -= 1.0
        g /= n
        f = -log_p[rows, target].mean() + prior / n * float(b @ b)
        return float(f), np.r_[float((g * scores).sum()), g.sum(axis=0) + 2 * prior / n * b]

    start = np.r_[1.0 / _fit_temperature(scores, target), np.zeros(k)]
    res = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=[(0.05, 20.0)] + [(-20, 20)] * k
    )
    return float(1.0 / res.x[0]), np.asarray(res.x[1:], dtype=float)


def _fit_temperature(scores: np.ndarray, target: np.ndarray) -> float:
    """Temperature T minimising the log loss of softmax(scores / T)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = _softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(target)), target] + 1e-12)))

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(res.x))


def _kappa(agree: np.ndarray, dot: np.ndarray, n: int) -> np.ndarray:
    """Cohen's kappa from the number of agreements and ``sum_c true_c * predicted_c``."""
    pe = dot / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pe < 1.0, (agree / n - pe) / (1.0 - pe), 0.0)


def _kappa_biases(
    log_p: np.ndarray, target: np.ndarray, *, min_count: int = 5, rounds: int = 3
) -> np.ndarray:
    """Per-class offsets ``b`` such that ``argmax(log_p + b)`` maximises Cohen's kappa on
    (held-out) rows with true classes ``target``.

    Coordinate ascent: for one class at a time, every offset that changes a decision is a
    point where that class's score crosses the best other one; sorting those points gives
    kappa for all of them in one cumulative sum. Classes with fewer than ``min_count`` rows
    keep offset 0 (a handful of rows would only fit noise); ties go to the smallest change.
    """
    n, k = log_p.shape
    b = np.zeros(k)
    if n == 0 or k < 2:
        return b
    true = np.bincount(target, minlength=k).astype(float)
    tunable = np.flatnonzero(true >= min_count)
    all_rows = np.arange(n)
    for _ in range(rounds):
        changed = False
        for c in tunable:
            z = log_p + b
            z[:, c] = -np.inf
            other = z.argmax(axis=1)
            cross = z[all_rows, other] - log_p[:, c]  # class c wins iff b[c] > cross
            order = np.argsort(cross, kind="stable")
            cuts, t_sorted, o_sorted = cross[order], target[order], other[order]
            agree = (
                float(np.sum(target == other))
                + np.r_[0.0, np.cumsum((t_sorted == c).astype(float) - (t_sorted == o_sorted))]
            )
            dot = (
                float(true @ np.bincount(other, minlength=k))
                + np.r_[0.0, np.cumsum(true[c] - true[o_sorted])]
            )
            kap = _kappa(agree, dot, n)
            # candidate offsets: half-way between consecutive crossing points
            lo = np.r_[cuts[0] - 1.0, cuts]
            hi = np.r_[cuts, cuts[-1] + 1.0]
            mid = (lo + hi) / 2
            valid = np.r_[True, cuts[1:] > cuts[:-1], True] if n > 1 else np.ones(2, dtype=bool)
            kap = np.where(valid, kap, -np.inf)
            current = kap[int(np.searchsorted(cuts, b[c], side="left"))]
            best = kap.max()
            if best > current + 1e-9:
                pick = np.flatnonzero(kap >= best - 1e-12)
                b[c] = float(mid[pick[np.argmin(np.abs(mid[pick]))]])
                changed = True
        if not changed:
            break
    return b


def _fit_sequence(
    log_p: np.ndarray,
    target: np.ndarray,
    held: np.ndarray,
    links: Links,
    group: Sequence[str],
    *,
    kappa: bool,
    random_state: int | None,
) -> SequenceModel | None:
    """Sequence decoding of an exclusive theme, or None when it does not help.

    ``log_p`` are the log-probabilities of all ``target`` rows, those of the ``held`` rows from
    a model that did not see them (all rows for cross-validated predictions). The strength is
    chosen on the held-out rows (with cross-fitted kappa offsets when ``kappa``) and
    transitions counted on the other rows; the model kept counts them on all rows.
    """
    k = log_p.shape[1]
    train_rows = np.flatnonzero(held if held.all() else ~held)
    log_prior = np.log(class_frequencies(target, k))

    def offsets(z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return _kappa_biases(z, t, min_count=MIN_OFFSET_EXAMPLES // 2)

    weight, prior_weight, before, after = choose_sequence(
        log_p,
        target,
        links,
        transition_table(target[train_rows], links.subset(train_rows), k),
        log_prior,
        judge=held,
        fit_offsets=offsets if kappa else None,
        random_state=random_state,
    )
    name = ", ".join(group[:3]) + (", ..." if len(group) > 3 else "")
    if weight == 0:
        log.info("sequence decoding of (%s): not used (held-out kappa %.3f)", name, before)
        return None
    log.info(
        "sequence decoding of (%s): held-out kappa %.3f -> %.3f (weight %g, prior weight %g)",
        name,
        before,
        after,
        weight,
        prior_weight,
    )
    return SequenceModel(weight, prior_weight, transition_table(target, links, k), log_prior)


def _platt(scores: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e4)
    lr.fit(scores.reshape(-1, 1), target)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _best_threshold(prob: np.ndarray, target: np.ndarray) -> float:
    """Threshold on ``prob`` maximising F1; cuts lie half-way between observed probabilities.

    Ties go to the cut closest to 0.5.
    """
    u = np.unique(prob)
    candidates = np.unique(np.clip(np.r_[(u[:-1] + u[1:]) / 2, 0.5], 0.02, 0.98))
    best, best_f1 = 0.5, -1.0
    n_true = int(np.sum(target == 1))
    for t in candidates:
        pred = prob >= t
        tp = float(np.sum(pred & (target == 1)))
        denom = int(pred.sum()) + n_true
        f1 = 2 * tp / denom if denom else 0.0
        if f1 > best_f1 + 1e-12 or (abs(f1 - best_f1) <= 1e-12 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(t), f1
    return best


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Predict codebook codes for speaker turns, learning from human codings.

    Parameters
    ----------
    codebook : Codebook, optional
        Gives the codes (in order), which themes are mutually exclusive, the example quotes
        (extra training text when ``use_examples``) and the keyword rules (features when
        ``use_rules``). Without it the codes are the columns of ``y``.
    exclusive : bool, default False
        Without a codebook: treat all codes as one mutually exclusive theme.
    context : bool, default True
        Use the context columns of ``X`` (previous turn text, speaker change) when present.
    word_ngrams : tuple of int, default (1, 2)
    char_ngrams : tuple of int or None, default (3, 4)
        Character n-grams within words (each word padded with a space on both sides); None
        turns them off.
    min_df : int, default 1
        Drop n-grams seen in fewer training texts.
    use_rules : bool, default True
        Add the codebook keyword-rule hit counts as features (if it has keywords).
    use_examples : bool, default True
        Train on the codebook's example quotes as well.
    class_weight : {"balanced"}, float or None, default "balanced"
        Weighting of rare codes. ``"balanced"`` weights each class by
        ``n_samples / (n_classes * count)``; a number ``s`` between 0 and 1 is a partial
        rebalancing, weights ``(n_samples / (n_classes * count)) ** s`` (1 = balanced, 0 = none):
        useful when rare codes matter but fully balanced weights over-predict them; None gives
        every turn the same weight.
    C : float, default 1.0
        Inverse regularisation strength.
    cv : int, default 3
        Folds used inside ``fit`` for calibration, per-code thresholds and (exclusive themes
        of up to 5,000 turns) the decision offsets.
    solver : {"auto", "lbfgs", "sgd"}, default "auto"
        Multiclass learner of exclusive themes: ``lbfgs`` (multinomial logistic regression),
        ``sgd`` (one-vs-rest linear SVM trained by averaged SGD on 90% of the turns, its softmax
        temperature and offsets fitted on the other 10%: for tens of thousands of turns and
        more). ``auto`` picks ``sgd`` above 5,000 samples (and lbfgs above 5,000 fits its
        offsets on a held-out 10% too, then refits on all turns).
    max_iter : int, default 5
        Epochs of the SGD solver (averaged SGD converges in few).
    decision : {"kappa", "argmax"}, default "kappa"
        How an exclusive theme picks its code. ``argmax``: the most probable one (maximises
        accuracy). ``kappa``: the most probable after adding a per-code offset to the
        log-probabilities, the offsets chosen on the held-out predictions ``fit`` already makes
        (the 10% slice or the cross-validation folds) to maximise Cohen's kappa with the
        human codes; it trades a little accuracy on frequent codes for agreement on the others
        (kappa discounts agreement on frequent codes). Codes with fewer than 20 held-out turns
        keep offset 0.
    sequence : bool, default True
        Decode an exclusive theme along the conversation: learn which code follows which
        (apart for a change of speaker) and weigh each turn's codes by those of the turns
        before and after it (:mod:`qualcode.coding.sequence`). Needs ``X`` with the
        ``interview`` and ``position`` columns of :func:`turn_context`; its strength is chosen
        on the held-out predictions (and is 0, no sequence, unless it raises held-out kappa).
    random_state : int or None, default None

    Attributes
    ----------
    codebook_ : Codebook
        The codebook used (given, or built from the codes of ``y``).
    classes_ : ndarray of str
        Code names, the column order of ``predict`` and ``predict_proba``.
    thresholds_ : ndarray of float
        Decision threshold per code (NaN for codes of exclusive themes: see ``decision``).
    n_features_ : int

    Examples
    --------
    >>> X = ["we keep our clients", "new clients come", "we retain them", "we win new ones"]
    >>> y = ["retain", "acquire", "retain", "acquire"]
    >>> clf = CodeClassifier(random_state=0).fit(X, y)
    >>> list(clf.classes_)
    ['acquire', 'retain']
    """

    def __init__(
        self,
        *,
        codebook: Codebook | None = None,
        exclusive: bool = False,
        context: bool = True,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 4),
        min_df: int = 1,
        use_rules: bool = True,
        use_examples: bool = True,
        class_weight: str | float | None = "balanced",
        C: float = 1.0,
        cv: int = 3,
        solver: str = "auto",
        max_iter: int = 5,
        decision: str = "kappa",
        sequence: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.codebook = codebook
        self.exclusive = exclusive
        self.context = context
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.use_rules = use_rules
        self.use_examples = use_examples
        self.class_weight = class_weight
        self.C = C
        self.cv = cv
        self.solver = solver
        self.max_iter = max_iter
        self.decision = decision
        self.sequence = sequence
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags

    # -- target handling
    def _targets(self, y: Any, n: int) -> tuple[np.ndarray, Codebook, bool]:
        """Return the 0/1 matrix in codebook order, the codebook, and whether y was 1-D."""
        if isinstance(y, pd.Series) or (not isinstance(y, pd.DataFrame) and np.ndim(y) == 1):
            labels = [str(v) for v in np.asarray(y, dtype=object)]
            if self.codebook is not None:
                cb = self.codebook
                if len(cb.exclusive_groups) != 1 or set(cb.exclusive_groups[0]) != set(
                    cb.code_names
                ):
                    msg = (
                        "a 1-D y (one code per turn) needs a codebook with one exclusive theme; "
                        "give the 0/1 table instead"
                    )
                    raise QualcodeError(msg)
            else:
                cb = Codebook.from_code_names(sorted(set(labels)), exclusive=True)
            names = list(cb.code_names)
            unknown = sorted(set(labels) - set(names))
            if unknown:
                msg = f"y has codes not in the codebook: {', '.join(unknown[:10])}"
                raise QualcodeError(msg)
            index = {c: i for i, c in enumerate(names)}
            Y = np.zeros((len(labels), len(names)), dtype=np.int8)
            Y[np.arange(len(labels)), [index[v] for v in labels]] = 1
            return Y, cb, True
        if isinstance(y, pd.DataFrame):
            cols = [str(c) for c in y.columns]
            if self.codebook is not None:
                cb = self.codebook
                extra = sorted(set(cols) - set(cb.code_names))
                if extra:
                    msg = f"y has columns that are not codebook codes: {', '.join(extra)}"
                    raise QualcodeError(msg)
                frame = y.copy()
                frame.columns = cols
                Y = frame.reindex(columns=list(cb.code_names), fill_value=0).to_numpy()
            else:
                cb = Codebook.from_code_names(cols, exclusive=self.exclusive)
                Y = y.to_numpy()
        else:
            Y = np.asarray(y)
            if Y.ndim != 2:
                msg = f"y must be a 0/1 table (n_samples, n_codes), got shape {Y.shape}"
                raise QualcodeError(msg)
            if self.codebook is not None:
                cb = self.codebook
                if Y.shape[1] != len(cb.code_names):
                    msg = (
                        f"y has {Y.shape[1]} columns but the codebook has "
                        f"{len(cb.code_names)} codes"
                    )
                    raise QualcodeError(msg)
            else:
                names = [f"code_{i}" for i in range(Y.shape[1])]
                cb = Codebook.from_code_names(names, exclusive=self.exclusive)
        Y = np.asarray(pd.DataFrame(Y).apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy())
        if not np.isin(Y, (0, 1)).all():
            msg = "y must hold only 0 and 1"
            raise QualcodeError(msg)
        return Y.astype(np.int8), cb, False

    # -- fitting
    def fit(self, X: Any, y: Any) -> CodeClassifier:
        """Learn the codes from texts ``X`` and the 0/1 table ``y``.

        Returns
        -------
        CodeClassifier
            self.
        """
        inp = _split_x(X)
        Y, cb, one_d = self._targets(y, len(inp))
        if len(inp) != len(Y):
            msg = f"X has {len(inp)} samples but y has {len(Y)}"
            raise QualcodeError(msg)
        if self.use_examples:
            extra = [(q, c.name) for c in cb.codes for q in c.examples if q.strip()]
            if extra:
                index = {c: i for i, c in enumerate(cb.code_names)}
                EY = np.zeros((len(extra), len(index)), dtype=np.int8)
                EY[np.arange(len(extra)), [index[c] for _, c in extra]] = 1
                inp = inp.plus([q for q, _ in extra])
                Y = np.vstack([Y, EY])
        texts = inp.texts
        if len(texts) == 0:
            msg = "nothing to learn from: no coded turns and no codebook example quotes"
            raise QualcodeError(msg)
        self.codebook_ = cb
        self.classes_ = np.array(cb.code_names, dtype=object)
        self.one_d_ = one_d
        self.solver_ = (
            self.solver if self.solver != "auto" else ("sgd" if len(texts) > SGD_ABOVE else "lbfgs")
        )
        if self.solver_ not in ("lbfgs", "sgd"):
            msg = f"solver must be 'auto', 'lbfgs' or 'sgd', got {self.solver!r}"
            raise QualcodeError(msg)
        if self.decision not in ("kappa", "argmax"):
            msg = f"decision must be 'kappa' or 'argmax', got {self.decision!r}"
            raise QualcodeError(msg)
        cw = self.class_weight
        if not (
            cw is None
            or cw == "balanced"
            or (isinstance(cw, int | float) and not isinstance(cw, bool) and 0 <= cw <= 1)
        ):
            msg = (
                "class_weight must be 'balanced', None or a rebalancing strength between 0 "
                f"and 1, got {cw!r}"
            )
            raise QualcodeError(msg)
        self.features_ = _Features(
            word_ngrams=self.word_ngrams,
            char_ngrams=self.char_ngrams,
            min_df=self.min_df,
            context=self.context and (inp.before is not None or inp.after is not None),
            codebook=cb if self.use_rules and _has_rules(cb) else None,
        )
        F = self.features_.fit_transform(inp)
        self.n_features_ = F.shape[1]
        n_codes = len(cb.code_names)
        coef = np.zeros((0, F.shape[1]), dtype=np.float32)
        rows: list[np.ndarray] = []
        intercepts: list[float] = []
        self.heads_: list[dict[str, Any]] = []
        self.thresholds_ = np.full(n_codes, np.nan)
        index = {c: i for i, c in enumerate(cb.code_names)}
        in_group: set[int] = set()
        links = inp.links() if self.sequence else None
        from qualcode.progress import progress_bar

        grouped = {index[c] for group in cb.exclusive_groups for c in group}
        n_heads = len(cb.exclusive_groups) + n_codes - len(grouped)
        with progress_bar(total=n_heads, desc="training", unit="code") as bar:
            for group in cb.exclusive_groups:
                idx = [index[c] for c in group]
                in_group.update(idx)
                head = self._fit_group(F, Y[:, idx], idx, rows, intercepts, group, links=links)
                self.heads_.append(head)
                bar.update(1)
            for j in range(n_codes):
                if j in in_group:
                    continue
                head = self._fit_binary(F, Y[:, j], j, rows, intercepts)
                self.heads_.append(head)
                self.thresholds_[j] = head["threshold"]
                bar.update(1)
        coef = np.vstack(rows).astype(np.float32) if rows else coef
        self.coef_ = coef
        self.intercept_ = np.asarray(intercepts, dtype=np.float64)
        return self

    def _fit_binary(
        self, F: sp.csr_matrix, t: np.ndarray, j: int, rows: list, intercepts: list
    ) -> dict[str, Any]:
        n_pos, n_neg = int(t.sum()), int(len(t) - t.sum())
        head: dict[str, Any] = {"kind": "binary", "code": j, "row": len(rows), "n_pos": n_pos}
        if n_pos == 0 or n_neg == 0:
            rows.append(np.zeros(F.shape[1]))
            intercepts.append(0.0)
            const = 0.0 if n_pos == 0 else 1.0
            head.update(constant=const, a=0.0, b=0.0, threshold=0.5)
            return head

        weights = self._class_weights(t)

        def model() -> LogisticRegression:
            return LogisticRegression(
                C=self.C,
                class_weight=weights,
                solver="liblinear",
                random_state=self.random_state,
            )

        a, b, threshold = 1.0, 0.0, 0.5
        k = min(self.cv, n_pos, n_neg)
        if k >= 2 and min(n_pos, n_neg) >= MIN_TUNING_EXAMPLES:
            oof = np.zeros(len(t))
            splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.random_state)
            for tr, te in splits.split(np.zeros(len(t)), t):
                oof[te] = model().fit(F[tr], t[tr]).decision_function(F[te])
            a, b = _platt(oof, t)
            threshold = _best_threshold(_sigmoid(a * oof + b), t)
        final = model().fit(F, t)
        rows.append(final.coef_[0])
        intercepts.append(float(final.intercept_[0]))
        head.update(constant=None, a=a, b=b, threshold=threshold)
        return head

    def _class_weights(self, target: np.ndarray) -> dict[int, float] | str | None:
        """``class_weight`` for scikit-learn: a strength ``s`` becomes the balanced weights to
        the power ``s``."""
        cw = self.class_weight
        if cw is None or isinstance(cw, str):
            return cw
        classes, counts = np.unique(target, return_counts=True)
        balanced = len(target) / (len(classes) * counts)
        return {int(c): float(w) for c, w in zip(classes, balanced ** float(cw), strict=True)}

    def _multi_model(self, n: int, target: np.ndarray) -> Any:
        weights = self._class_weights(target)
        if self.solver_ == "sgd":
            return SGDClassifier(
                loss="hinge",
                alpha=1.0 / (self.C * max(n, 1)),
                max_iter=self.max_iter,
                tol=None,
                average=True,
                class_weight=weights,
                random_state=self.random_state,
                n_jobs=2,
            )
        return LogisticRegression(
            C=self.C,
            class_weight=weights,
            max_iter=1000,
        )

    def _fit_group(
        self,
        F: sp.csr_matrix,
        Yg: np.ndarray,
        idx: list[int],
        rows: list,
        intercepts: list,
        group: Sequence[str],
        *,
        links: Links | None = None,
    ) -> dict[str, Any]:
        many = np.flatnonzero(Yg.sum(axis=1) > 1)
        if len(many):
            msg = (
                f"{len(many)} training turn(s) have more than one code of the exclusive theme "
                f"({', '.join(group)}), e.g. sample {int(many[0])}"
            )
            raise QualcodeError(msg)
        labels = np.where(Yg.sum(axis=1) == 1, Yg.argmax(axis=1), _NONE)
        present = sorted(set(labels.tolist()))
        head: dict[str, Any] = {
            "kind": "group",
            "codes": [idx[c] if c != _NONE else _NONE for c in present],
            "n_pos": [int(np.sum(labels == c)) for c in present],
        }
        if len(present) == 1:
            head.update(
                rows=[],
                constant=present[0] if present[0] == _NONE else idx[present[0]],
                temperature=1.0,
                bias=[],
                decision_bias=[],
            )
            return head
        to_class = {c: k for k, c in enumerate(present)}
        target = np.array([to_class[v] for v in labels])
        n = len(target)
        counts = np.bincount(target)
        m = None
        held_scores: np.ndarray | None = None
        held_target = target
        held = np.ones(n, dtype=bool)  # the rows of held_scores
        all_scores = None  # every row's, for sequence decoding (held rows' held-out)
        if self.solver_ == "sgd" or n > 5000:
            # calibration and decision offsets from a held-out 10% slice; the SGD solver (large
            # data) keeps the model fitted on the other 90%, the others refit on everything
            rng = np.random.default_rng(self.random_state)
            held = rng.random(n) < 0.1
            if held.any() and (~held).any() and len(set(target[~held])) == len(present):
                m90 = self._multi_model(int((~held).sum()), target[~held])
                m90.fit(F[~held], target[~held])
                if links is not None and links.n_pairs:
                    all_scores = self._scores(m90, F)
                    held_scores = all_scores[held]
                else:
                    held_scores = self._scores(m90, F[held])
                held_target = target[held]
                if self.solver_ == "sgd":
                    m = m90
        elif counts.min() >= 2:
            k = min(self.cv, int(counts.min()))
            oof = np.zeros((n, len(present)))
            splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.random_state)
            for tr, te in splits.split(np.zeros(n), target):
                fold_model = self._multi_model(len(tr), target[tr]).fit(F[tr], target[tr])
                oof[np.ix_(te, fold_model.classes_)] = self._scores(fold_model, F[te])
            held_scores = all_scores = oof
        temperature, bias = 1.0, np.zeros(len(present))
        decision_bias = np.zeros(len(present))
        sequence = None
        if held_scores is not None:
            temperature, bias = _fit_scaling(held_scores, held_target)
            kappa = self.decision == "kappa"
            if kappa:
                log_p = _log_softmax(held_scores / temperature + bias)
                decision_bias = _kappa_biases(log_p, held_target, min_count=MIN_OFFSET_EXAMPLES)
            if links is not None and all_scores is not None:
                sequence = _fit_sequence(
                    _log_softmax(all_scores / temperature + bias),
                    target,
                    held,
                    links,
                    group,
                    kappa=kappa,
                    random_state=self.random_state,
                )
        if m is None:
            m = self._multi_model(n, target).fit(F, target)
        W = m.coef_ if len(present) > 2 else np.vstack([-m.coef_[0] / 2, m.coef_[0] / 2])
        c0 = m.intercept_ if len(present) > 2 else np.r_[-m.intercept_[0] / 2, m.intercept_[0] / 2]
        head["rows"] = list(range(len(rows), len(rows) + len(present)))
        head.update(
            constant=None,
            temperature=temperature,
            bias=bias.tolist(),
            decision_bias=decision_bias.tolist(),
            sequence=sequence.to_dict() if sequence is not None else None,
        )
        rows.extend(np.asarray(W))
        intercepts.extend(float(v) for v in c0)
        return head

    @staticmethod
    def _scores(m: Any, F: sp.csr_matrix) -> np.ndarray:
        s = m.decision_function(F)
        if s.ndim == 1:
            s = np.c_[-s / 2, s / 2]
        return np.asarray(s)

    # -- prediction
    def _features(self, X: Any) -> sp.csr_matrix:
        return self.features_.transform(_split_x(X))

    def _prepare(self, X: Any) -> tuple[sp.csr_matrix, Links | None]:
        """Features of ``X`` and the links between its rows (for sequence decoding)."""
        inp = _split_x(X)
        return self.features_.transform(inp), self._links(inp)

    def _links(self, inp: _Input) -> Links | None:
        if not any(h.get("sequence") for h in self.heads_ if h["kind"] == "group"):
            return None
        return inp.links()

    def links(self, X: Any) -> Links | None:
        """The links between the rows of ``X`` that sequence decoding uses (None when the
        model has no sequence decoding or ``X`` lacks the columns)."""
        check_is_fitted(self)
        return self._links(_split_x(X))

    def _sequence_of(self, head: dict[str, Any]) -> SequenceModel | None:
        data = head.get("sequence")
        if not data:
            return None
        cache = self.__dict__.setdefault("_sequences", {})
        key = id(data)
        if key not in cache or cache[key][0] is not data:
            cache[key] = (data, SequenceModel.from_dict(data))
        return cache[key][1]

    def _decision(self, F: sp.csr_matrix) -> np.ndarray:
        """Linear scores ``F @ coef_.T + intercept_`` (a contiguous copy of ``coef_.T`` is kept:
        scipy would otherwise copy the transposed weights on every call)."""
        cached = getattr(self, "_coef_t", None)
        if cached is None or cached[0] is not self.coef_:
            cached = (self.coef_, np.ascontiguousarray(self.coef_.T))
            self._coef_t = cached
        return np.asarray(F @ cached[1], dtype=np.float64) + self.intercept_

    def _scores_of(self, F: sp.csr_matrix) -> np.ndarray | None:
        return self._decision(F) if self.coef_.shape[0] else None

    def _proba_from_features(self, F: sp.csr_matrix, S: np.ndarray | None) -> np.ndarray:
        P = np.zeros((F.shape[0], len(self.classes_)))
        for head in self.heads_:
            if head["kind"] == "binary":
                j = head["code"]
                if head["constant"] is not None:
                    P[:, j] = head["constant"]
                else:
                    assert S is not None
                    P[:, j] = _sigmoid(head["a"] * S[:, head["row"]] + head["b"])
            else:
                codes = head["codes"]
                if head["constant"] is not None:
                    if head["constant"] != _NONE:
                        P[:, head["constant"]] = 1.0
                    continue
                assert S is not None
                z = S[:, head["rows"]] / head["temperature"] + np.asarray(head["bias"])
                probs = _softmax(z)
                for k, j in enumerate(codes):
                    if j != _NONE:
                        P[:, j] = probs[:, k]
        return P

    def _decide(self, P: np.ndarray, links: Links | None = None) -> np.ndarray:
        """0/1 decisions from the probabilities of :meth:`predict_proba` (as
        :meth:`_decide_scores`; an exclusive theme's code maximises ``p * exp(decision
        offset)``, or with ``links`` its sequence-decoding weight)."""
        D = np.zeros(P.shape, dtype=np.int8)
        for head in self.heads_:
            if head["kind"] == "binary":
                j = head["code"]
                D[:, j] = P[:, j] >= head["threshold"]
                continue
            all_codes = head["codes"]
            if not [j for j in all_codes if j != _NONE]:
                continue
            best = np.asarray(all_codes)[self._group_weights(head, P, links).argmax(axis=1)]
            pick = best != _NONE
            D[np.flatnonzero(pick), best[pick]] = 1
        return D

    def _group_weights(
        self, head: dict[str, Any], P: np.ndarray, links: Links | None = None
    ) -> np.ndarray:
        """What an exclusive theme's decision compares: ``p * exp(decision offset)`` per code,
        columns in ``head["codes"]`` order ("none of these" = 1 - the others), rows summing
        to 1. The code with the largest weight is the decision; the gap between the two
        largest says how close the decision is (:func:`qualcode.coding.suggest.suggest_turns`).
        """
        all_codes = head["codes"]
        Pg = np.clip(P[:, [max(j, 0) for j in all_codes]], 0.0, None)
        if _NONE in all_codes:
            none = all_codes.index(_NONE)
            Pg[:, none] = np.clip(1.0 - (Pg.sum(axis=1) - Pg[:, none]), 0.0, None)
        offsets = np.asarray(head.get("decision_bias") or np.zeros(len(all_codes)), dtype=float)
        if offsets.any():  # argmax(log p + offset) = argmax(p * exp(offset))
            Pg = Pg * np.exp(offsets)
        sequence = self._sequence_of(head)
        if sequence is not None and links is not None:
            Pg = sequence.weights(np.log(np.clip(Pg, 1e-300, None)), links).astype(float)
        total = Pg.sum(axis=1, keepdims=True)
        return np.divide(Pg, total, out=np.full_like(Pg, 1.0 / Pg.shape[1]), where=total > 0)

    def _decide_scores(
        self, S: np.ndarray | None, n: int, links: Links | None = None
    ) -> np.ndarray:
        """0/1 decisions from the linear scores ``S``: a binary code where its calibrated
        probability reaches its threshold; an exclusive theme's code by the argmax of
        ``S / T + calibration offset + decision offset`` = log-probability + decision offset
        (the "none of these" class is a row of its own)."""
        D = np.zeros((n, len(self.classes_)), dtype=np.int8)
        for head in self.heads_:
            if head["kind"] == "binary":
                j = head["code"]
                if head["constant"] is not None:
                    D[:, j] = head["constant"] >= head["threshold"]
                else:
                    assert S is not None
                    p = _sigmoid(head["a"] * S[:, head["row"]] + head["b"])
                    D[:, j] = p >= head["threshold"]
            elif head["constant"] is not None:
                if head["constant"] != _NONE:
                    D[:, head["constant"]] = 1
            else:
                assert S is not None
                offsets = np.asarray(head["bias"]) + np.asarray(head["decision_bias"])
                z = S[:, head["rows"]] / head["temperature"] + offsets
                sequence = self._sequence_of(head)
                if sequence is not None and links is not None:
                    z = sequence.weights(z, links)
                best = np.asarray(head["codes"])[z.argmax(axis=1)]
                pick = best != _NONE
                D[np.flatnonzero(pick), best[pick]] = 1
        return D

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the probability of each code, shape (n_samples, n_codes) in ``classes_`` order.

        For codes of an exclusive theme the probabilities of the theme sum to at most 1 (the rest
        is "none of these").
        """
        check_is_fitted(self)
        F = self._features(X)
        return self._proba_from_features(F, self._scores_of(F))

    def predict(self, X: Any) -> np.ndarray:
        """Return the 0/1 decisions, shape (n_samples, n_codes); code names if fitted on 1-D y."""
        check_is_fitted(self)
        F, links = self._prepare(X)
        D = self._decide_scores(self._scores_of(F), F.shape[0], links)
        if self.one_d_:
            return self.classes_[D.argmax(axis=1)]
        return D

    def explain(self, X: Any, *, n_terms: int = 5, threshold: bool = True) -> pd.DataFrame:
        """Return, for every predicted (sample, code), the terms that weighed most.

        Parameters
        ----------
        X
            As for :meth:`predict`.
        n_terms : int, default 5
            Terms kept per (sample, code).
        threshold : bool, default True
            Only the codes ``predict`` gives; False: every code with probability > 0.

        Returns
        -------
        DataFrame
            Columns ``row`` (position in X), ``code``, ``probability`` and ``terms`` (the word
            n-grams, context n-grams and rule hits with the largest positive contribution
            ``feature value x weight``, largest first, joined by ``"; "``).
        """
        check_is_fitted(self)
        F, links = self._prepare(X)
        S = self._scores_of(F)
        P = self._proba_from_features(F, S)
        D = self._decide_scores(S, F.shape[0], links) if threshold else (P > 0).astype(np.int8)
        names = np.array(self.features_.feature_names(), dtype=object)
        readable = self.features_.readable_mask()
        row_of: dict[int, int] = {}
        for head in self.heads_:
            if head["kind"] == "binary" and head["constant"] is None:
                row_of[head["code"]] = head["row"]
            elif head["kind"] == "group" and head["constant"] is None:
                for j, r in zip(head["codes"], head["rows"], strict=True):
                    if j != _NONE:
                        row_of[j] = r
        rows, codes = np.nonzero(D)
        weight_row = np.array([row_of.get(int(j), -1) for j in range(D.shape[1])], dtype=np.int64)
        terms = _top_terms(F, rows, weight_row[codes], self.coef_, readable, names, n_terms)
        out = {
            "row": rows.astype(np.int64),
            "code": self.classes_[codes],
            "probability": P[rows, codes].astype(float),
            "terms": terms,
        }
        return pd.DataFrame(out, columns=["row", "code", "probability", "terms"])

    # -- persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model and its codebook to ``path`` (a zip of JSON + npz, no pickle).

        Returns
        -------
        Path
            The file written.
        """
        check_is_fitted(self)
        fmeta, farrays = self.features_.state()
        params = {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in self.get_params().items()
            if k != "codebook"
        }
        arrays = {"coef": self.coef_, "intercept": self.intercept_, **farrays}
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
        blob = buf.getvalue()
        meta = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": params,
            "codebook": _codebook_to_dict(self.codebook_),
            "given_codebook": self.codebook is not None,
            "features": fmeta,
            "heads": self.heads_,
            "thresholds": [None if np.isnan(t) else float(t) for t in self.thresholds_],
            "one_d": bool(self.one_d_),
            "solver": self.solver_,
            "arrays_sha256": hashlib.sha256(blob).hexdigest(),
        }

        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("model.json", json.dumps(meta))
                zf.writestr("arrays.npz", blob)

        # through a temporary file renamed into place: a crash or a full disk while saving
        # leaves the model saved before intact, never half a model
        return write_atomic(path, write)

    @classmethod
    def load(cls, path: str | Path, *, codebook: Codebook | None = None) -> CodeClassifier:
        """Read a model written by :meth:`save`; see :func:`load_model`."""
        return load_model(path, codebook=codebook)


_MAX_MEMBER = 2 * 1024**3


def load_model(path: str | Path, *, codebook: Codebook | None = None) -> CodeClassifier:
    """Read a saved :class:`CodeClassifier` safely (JSON + ``npz`` without pickle, checksum).

    Parameters
    ----------
    path : str or Path
        A file written by :meth:`CodeClassifier.save`.
    codebook : Codebook, optional
        The codebook the caller works with; it must have the same codes (names, order) and
        exclusive themes as the one the model was trained on.

    Returns
    -------
    CodeClassifier
        Fitted; ``codebook_`` is the codebook stored in the file.

    Raises
    ------
    ModelError
        Not a qualcode model, modified after saving, holds pickled objects, or trained on
        another codebook.
    """
    p = Path(path)
    if not p.exists():
        raise ModelError("model file not found", path=p)
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            if names != {"model.json", "arrays.npz"}:
                msg = (
                    f"not a qualcode model: expected model.json and arrays.npz inside, "
                    f"found {', '.join(sorted(names)) or 'nothing'}"
                )
                raise ModelError(msg, path=p)
            if any(i.file_size > _MAX_MEMBER for i in zf.infolist()):
                raise ModelError("not a qualcode model: member too large", path=p)
            meta = json.loads(zf.read("model.json").decode("utf-8"))
            blob = zf.read("arrays.npz")
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"not a qualcode model file (expected a zip of model.json and arrays.npz): {err}"
        raise ModelError(msg, path=p) from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError("not a qualcode model (format marker missing)", path=p)
    if meta.get("version") not in READABLE_VERSIONS:
        msg = (
            f"model format version {meta.get('version')!r} is not supported "
            f"(expected {' or '.join(map(str, READABLE_VERSIONS))})"
        )
        raise ModelError(msg, path=p)
    if hashlib.sha256(blob).hexdigest() != meta.get("arrays_sha256"):
        msg = "the model's arrays do not match their checksum: the file was modified or damaged"
        raise ModelError(msg, path=p)
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k]) for k in npz.files}
    except ValueError as err:
        msg = f"the model holds data that would need unpickling; refused ({err})"
        raise ModelError(msg, path=p) from err
    try:
        stored = _codebook_from_dict(meta["codebook"])
        if codebook is not None and _structure(codebook) != _structure(stored):
            missing = [c for c in stored.code_names if c not in codebook.code_names]
            extra = [c for c in codebook.code_names if c not in stored.code_names]
            detail = []
            if missing:
                detail.append(f"codes only in the model: {', '.join(missing)}")
            if extra:
                detail.append(f"codes only in the codebook given: {', '.join(extra)}")
            if not detail:
                detail.append("same codes, but different order or exclusive themes")
            msg = (
                f"the model was trained on another codebook ({stored.name!r}); "
                + "; ".join(detail)
                + ". Retrain it with `qualcode train` on this codebook."
            )
            raise ModelError(msg, path=p)
        params = dict(meta["params"])
        for key in ("word_ngrams", "char_ngrams"):
            if params.get(key) is not None:
                params[key] = tuple(params[key])
        model = CodeClassifier(codebook=stored if meta.get("given_codebook") else None, **params)
        model.codebook_ = stored
        model.classes_ = np.array(stored.code_names, dtype=object)
        model.one_d_ = bool(meta["one_d"])
        model.solver_ = str(meta["solver"])
        model.features_ = _Features.from_state(meta["features"], arrays, stored)
        model.heads_ = list(meta["heads"])
        for head in model.heads_:
            if head.get("sequence"):
                k = len(head["codes"])
                seq = SequenceModel.from_dict(head["sequence"])
                if seq.transitions.shape != (2, k, k) or seq.log_prior.shape != (k,):
                    raise ModelError("the model's sequence tables do not match its codes", path=p)
        model.thresholds_ = np.array(
            [np.nan if t is None else float(t) for t in meta["thresholds"]], dtype=float
        )
        model.coef_ = arrays["coef"].astype(np.float32)
        model.intercept_ = arrays["intercept"].astype(np.float64)
        model.n_features_ = int(model.coef_.shape[1])
        if model.coef_.shape[1] != model.features_.n_features:
            raise ModelError("the model's weights do not match its vocabulary", path=p)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, ModelError):
            raise
        msg = f"damaged qualcode model: {err!r}"
        raise ModelError(msg, path=p) from err
    return model
