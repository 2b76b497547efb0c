"""The classifier's input: the table ``X`` (a turn's text and its neighbours') and the target ``y``.

:func:`turn_context` builds ``X`` from a turns table; :func:`split_x` reads any accepted ``X``
(texts, a table, a 2-D array) into a :class:`TurnInput`; :func:`read_targets` reads ``y`` into
a 0/1 matrix in codebook order. See :mod:`qualcode.coding.classifier` for what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.coding.sequence import Links, find_links
from qualcode.errors import QualcodeError
from qualcode.schema import INTERVIEW, POSITION, SPEAKER, TEXT

__all__ = [
    "AFTER",
    "AFTER_CHANGE",
    "CONTEXT",
    "SPEAKER_CHANGE",
    "X_COLUMNS",
    "TurnInput",
    "read_targets",
    "split_x",
    "turn_context",
    "with_examples",
]

CONTEXT = "context"
SPEAKER_CHANGE = "speaker_change"
AFTER = "after"
AFTER_CHANGE = "after_change"


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
class TurnInput:
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

    def plus(self, quotes: list[str]) -> TurnInput:
        """Append stand-alone texts (example quotes: no neighbours)."""
        k = len(quotes)
        nan = np.full(k, np.nan)
        return TurnInput(
            self.texts + quotes,
            None if self.before is None else self.before + [""] * k,
            None if self.before_change is None else np.r_[self.before_change, nan],
            None if self.after is None else self.after + [""] * k,
            None if self.after_change is None else np.r_[self.after_change, nan],
            None if self.interview is None else np.r_[self.interview, np.full(k, -1)],
            None if self.position is None else np.r_[self.position, nan],
        )


X_COLUMNS = (TEXT, CONTEXT, SPEAKER_CHANGE, AFTER, AFTER_CHANGE)


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


def split_x(X: Any) -> TurnInput:
    """Read ``X``: texts, or a table with the columns of :func:`turn_context` (or a turns table)."""
    if isinstance(X, pd.DataFrame):
        if TEXT in X.columns and SPEAKER in X.columns and CONTEXT not in X.columns:
            X = turn_context(X)
        if TEXT not in X.columns:
            X = X.to_numpy(dtype=object)
        else:
            cols: dict[str, Any] = {}
            for name in X_COLUMNS:
                if name not in X.columns:
                    cols[name] = None
                elif name in (SPEAKER_CHANGE, AFTER_CHANGE):
                    cols[name] = pd.to_numeric(X[name], errors="coerce").to_numpy(dtype=float)
                else:
                    cols[name] = _strings(X[name])
            inp = TurnInput(*cols.values())
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
        return TurnInput(_strings(arr))
    if arr.ndim == 2 and 1 <= arr.shape[1] <= len(X_COLUMNS):
        parts: list[Any] = []
        for k, name in enumerate(X_COLUMNS):
            if k >= arr.shape[1]:
                parts.append(None)
            elif name in (SPEAKER_CHANGE, AFTER_CHANGE):
                parts.append(pd.to_numeric(pd.Series(arr[:, k]), errors="coerce").to_numpy(float))
            else:
                parts.append(_strings(arr[:, k]))
        return TurnInput(*parts)
    msg = (
        "X must be a sequence of texts or a table with columns "
        f"{', '.join(X_COLUMNS)} (the first one or more); got shape {arr.shape}"
    )
    raise QualcodeError(msg)


def read_targets(
    y: Any, *, codebook: Codebook | None, exclusive: bool
) -> tuple[np.ndarray, Codebook, bool]:
    """Return the 0/1 matrix in codebook order, the codebook, and whether y was 1-D."""
    if isinstance(y, pd.Series) or (not isinstance(y, pd.DataFrame) and np.ndim(y) == 1):
        labels = [str(v) for v in np.asarray(y, dtype=object)]
        if codebook is not None:
            cb = codebook
            if len(cb.exclusive_groups) != 1 or set(cb.exclusive_groups[0]) != set(cb.code_names):
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
        if codebook is not None:
            cb = codebook
            extra = sorted(set(cols) - set(cb.code_names))
            if extra:
                msg = f"y has columns that are not codebook codes: {', '.join(extra)}"
                raise QualcodeError(msg)
            frame = y.copy()
            frame.columns = cols
            Y = frame.reindex(columns=list(cb.code_names), fill_value=0).to_numpy()
        else:
            cb = Codebook.from_code_names(cols, exclusive=exclusive)
            Y = y.to_numpy()
    else:
        Y = np.asarray(y)
        if Y.ndim != 2:
            msg = f"y must be a 0/1 table (n_samples, n_codes), got shape {Y.shape}"
            raise QualcodeError(msg)
        if codebook is not None:
            cb = codebook
            if Y.shape[1] != len(cb.code_names):
                msg = f"y has {Y.shape[1]} columns but the codebook has {len(cb.code_names)} codes"
                raise QualcodeError(msg)
        else:
            names = [f"code_{i}" for i in range(Y.shape[1])]
            cb = Codebook.from_code_names(names, exclusive=exclusive)
    Y = np.asarray(pd.DataFrame(Y).apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy())
    if not np.isin(Y, (0, 1)).all():
        msg = "y must hold only 0 and 1"
        raise QualcodeError(msg)
    return Y.astype(np.int8), cb, False


def with_examples(
    inp: TurnInput, Y: np.ndarray, codebook: Codebook
) -> tuple[TurnInput, np.ndarray]:
    """Append the codebook's example quotes (stand-alone texts) and their codes to ``inp``, ``Y``.

    Returns
    -------
    tuple
        The input and the 0/1 table, with one more row per non-blank example quote.
    """
    extra = [(q, c.name) for c in codebook.codes for q in c.examples if q.strip()]
    if extra:
        index = {c: i for i, c in enumerate(codebook.code_names)}
        EY = np.zeros((len(extra), len(index)), dtype=np.int8)
        EY[np.arange(len(extra)), [index[c] for _, c in extra]] = 1
        inp = inp.plus([q for q, _ in extra])
        Y = np.vstack([Y, EY])
    return inp, Y
