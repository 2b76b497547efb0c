"""Collect turns as columns while readers parse, then build the turns table once.

Readers append one row per turn to :class:`RawTurns` (cheap list appends, no per-row
DataFrame work), or, on the fast path for plain ``Label: text`` transcripts, hand over Arrow
arrays directly (:class:`Block`). :func:`build_block` names the interviews, numbers the turns,
makes the stable turn ids and decides the roles for many files at a time with vectorised Arrow
and NumPy operations; :func:`frame_from_columns` makes the DataFrame once, with the final
dtypes, without copying the Arrow string data. The columns that repeat a few values (interview,
speaker, role, source) stay codes into their distinct values from parsing to the table's
categoricals: no string per row is ever made for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qualcode import schema
from qualcode.transcripts.arrowtext import (
    LARGE_STRING,
    POOL,
    StrArray,
    normalize_text_array,
    question_rows,
    string_array,
)
from qualcode.transcripts.roles import decide_speaker_roles

__all__ = [
    "STRING_COLUMNS",
    "UNKNOWN_SPEAKER",
    "Block",
    "FileInfo",
    "Labels",
    "RawTurns",
    "block_from_raw",
    "build_block",
    "frame_from_columns",
    "interview_base",
    "slugify",
]

#: speaker name used when a source names no speakers (subtitles, single-speaker mode)
UNKNOWN_SPEAKER = "unknown"


@dataclass
class RawTurns:
    """Turns found in one file, as parallel lists.

    ``heading`` is the interview heading a turn falls under (None before the first heading).
    ``text`` entries are already free of markup; whitespace is normalised in :func:`build_turns`.
    """

    heading: list[str | None] = field(default_factory=list)
    speaker: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    start: list[float | None] = field(default_factory=list)
    end: list[float | None] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    #: how the reader read the file (``"Zoom VTT, 'Name: text' cues"``), for the reading report
    layout: str = ""
    #: blocks read (paragraphs, cues, rows) before consecutive blocks of one speaker merged
    blocks: int = 0

    def add(
        self,
        heading: str | None,
        speaker: str,
        text: str,
        line: int,
        start: float | None = None,
        end: float | None = None,
    ) -> None:
        """Append one turn."""
        self.heading.append(heading)
        self.speaker.append(speaker)
        self.text.append(text)
        self.line.append(line)
        self.start.append(start)
        self.end.append(end)

    def __len__(self) -> int:
        return len(self.speaker)


#: string columns of the turns table (Arrow ``large_string`` chunks until the frame is made)
STRING_COLUMNS = (schema.TURN_ID, schema.TEXT)


@dataclass
class Labels:
    """A column of repeated values: ``names[codes[i]]`` is the value of row ``i``."""

    codes: np.ndarray
    names: list[str]

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: slice) -> Labels:
        return Labels(self.codes[rows], self.names)

    def tolist(self) -> list[str]:
        """The values, one per row."""
        return [self.names[k] for k in self.codes.tolist()]

    @classmethod
    def of(cls, values: Sequence[str]) -> Labels:
        """Encode a list of strings."""
        index: dict[str, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in values), np.int32, len(values)
        )
        return cls(codes, list(index))


@dataclass
class Block:
    """Turns of one or more consecutive files, as columns in transcript order.

    Rows fall into *segments*: runs of rows of one file under one heading (``seg_heading`` is
    None before a file's first heading). ``text`` is already whitespace-normalised; ``start``
    and ``end`` hold NaN where a turn has no time.
    """

    speaker: Labels
    text: StrArray
    line: np.ndarray
    start: np.ndarray
    end: np.ndarray
    seg_file: list[int]
    seg_heading: list[str | None]
    seg_size: list[int]

    def __len__(self) -> int:
        return len(self.line)


def block_from_raw(raws: Sequence[tuple[RawTurns, int]]) -> Block:
    """Make one :class:`Block` of the :class:`RawTurns` of consecutive files ``(raw, file)``."""
    seg_file: list[int] = []
    seg_heading: list[str | None] = []
    seg_size: list[int] = []
    speaker: list[str] = []
    text: list[str] = []
    line: list[int] = []
    start: list[float | None] = []
    end: list[float | None] = []
    for raw, f in raws:
        for heading, run in groupby(raw.heading):
            seg_file.append(f)
            seg_heading.append(heading)
            seg_size.append(sum(1 for _ in run))
        speaker.extend(raw.speaker)
        text.extend(raw.text)
        line.extend(raw.line)
        start.extend(raw.start)
        end.extend(raw.end)
    return Block(
        speaker=Labels.of(speaker),
        text=normalize_text_array(pa.array(text, type=LARGE_STRING, memory_pool=POOL)),
        line=np.asarray(line, dtype=np.int64),
        start=np.array(start, dtype=np.float64),
        end=np.array(end, dtype=np.float64),
        seg_file=seg_file,
        seg_heading=seg_heading,
        seg_size=seg_size,
    )


@dataclass(frozen=True)
class FileInfo:
    """What the turns table says about a file: its interview id prefix and source name."""

    base: str
    source: str


def slugify(value: str) -> str:
    """Return a lower-case ASCII slug of ``value`` (``Narasumber 1`` -> ``narasumber-1``)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


def interview_base(source: str | Path) -> str:
    """Return the interview id prefix for a source: the file stem (``<string>`` -> ``string``)."""
    stem = Path(str(source)).stem.strip("<>").strip()
    return stem or "transcript"


_ROLE_CODE = {role: k for k, role in enumerate(schema.ROLES)}


def _turn_ids(
    slugs: list[str], seg_iv: list[int], sizes: np.ndarray, position: np.ndarray
) -> pa.Array:
    """``<slug>-<position:04d>`` per row."""
    if len(position) and position.max() >= 10_000:
        digits = pc.cast(pa.array(position, memory_pool=POOL), LARGE_STRING, memory_pool=POOL)
        padded = pc.utf8_lpad(digits, width=4, padding="0", memory_pool=POOL)
        iv_row = np.repeat(np.asarray(seg_iv, dtype=np.int64), sizes)
        return pc.binary_join_element_wise(
            pc.take(pa.array(slugs, type=LARGE_STRING), pa.array(iv_row), memory_pool=POOL),
            padded,
            pa.scalar("-", type=LARGE_STRING),
            memory_pool=POOL,
        )
    # the stems segment by segment (one broadcast copy each), then the offsets and the digits
    # of all rows at once with 4-byte temporaries
    stems = [np.frombuffer((slugs[k] + "-0000").encode("utf-8"), np.uint8) for k in seg_iv]
    widths = np.fromiter(map(len, stems), np.int64, len(stems))
    data = np.empty(int(widths @ sizes), dtype=np.uint8)
    at = 0
    for stem, width, size in zip(stems, widths.tolist(), sizes.tolist(), strict=True):
        data[at : at + width * size].reshape(size, width)[:] = stem
        at += width * size
    offsets = np.zeros(len(position) + 1, dtype=np.int64)
    np.cumsum(np.repeat(widths.astype(np.int32), sizes), out=offsets[1:])
    index = np.int32 if len(data) < 2**31 else np.int64
    last = offsets[1:].astype(index) - 1  # the last digit of each id
    value = position.astype(np.int32)
    for _ in range(4):
        data[last] = (value % 10).astype(np.uint8) + ord("0")
        value //= 10
        np.subtract(last, 1, out=last)
    return string_array(offsets, data)


def _pairs(
    iv_row: np.ndarray, codes: np.ndarray, n_keys: int, n_names: int
) -> tuple[np.ndarray, np.ndarray]:
    """(interview, speaker) pairs in order of their first turn, and the pair of each row.

    Returns ``(inverse, uniq)`` as :func:`pandas.factorize` of ``iv_row * n_names + codes``
    would, with a hash table over the runs of one pair rather than over the rows.
    """
    dtype = np.dtype(np.int32 if n_keys < 2**31 else np.int64)
    key = iv_row.astype(dtype) * n_names + codes.astype(dtype, copy=False)
    # runs of one pair (a speaker's consecutive turns) are factorised once
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    run_pair, uniq = pd.factorize(key[starts])
    lengths = np.diff(np.r_[starts, len(key)])
    return np.repeat(run_pair.astype(np.int32), lengths), uniq


def _roles(block: Block, iv_row: np.ndarray, n_iv: int, roles: Mapping[str, str]) -> Labels:
    """Decide the role of every row, per interview (see :mod:`qualcode.transcripts.roles`)."""
    folded = {k.casefold(): v for k, v in roles.items()}
    codes, names = block.speaker.codes, block.speaker.names
    n_names = max(len(names), 1)
    inverse, uniq = _pairs(iv_row, codes, n_iv * n_names, n_names)
    pairs_of_iv: list[list[int]] = [[] for _ in range(n_iv)]
    for k, iv in enumerate((uniq // n_names).tolist()):
        pairs_of_iv[iv].append(k)
    pair_speaker = (uniq % n_names).tolist()
    counted: list[np.ndarray] = []

    def pair_counts() -> tuple[np.ndarray, np.ndarray]:
        if not counted:
            counted.append(np.bincount(inverse, minlength=len(uniq)))
            has_q = question_rows(block.text)
            counted.append(np.bincount(inverse[has_q], minlength=len(uniq)))
        return counted[0], counted[1]

    # interviews with the same speakers in the same order get the same roles, unless the
    # questions asked decide (then the decision is not reused)
    same: dict[tuple[str, ...], dict[str, str]] = {}
    role_of_pair = np.zeros(len(uniq), dtype=np.int8)
    for pairs in pairs_of_iv:
        if not pairs:
            continue
        pair_of = {names[pair_speaker[k]]: k for k in pairs}
        order = tuple(pair_of)
        decided = same.get(order)
        if decided is None:
            asked: list[bool] = []

            def stats(
                undecided: list[str], pair_of: dict[str, int] = pair_of, asked: list[bool] = asked
            ) -> tuple[dict[str, int], dict[str, int]]:
                asked.append(True)
                counts, questions = pair_counts()
                return (
                    {sp: int(questions[pair_of[sp]]) for sp in undecided},
                    {sp: int(counts[pair_of[sp]]) for sp in undecided},
                )

            decided = decide_speaker_roles(list(order), stats, roles, folded)
            if not asked:
                same[order] = decided
        for sp, k in pair_of.items():
            role_of_pair[k] = _ROLE_CODE[decided[sp]]
    return Labels(role_of_pair[inverse], list(schema.ROLES))


def build_block(
    block: Block,
    files: Sequence[FileInfo],
    *,
    roles: Mapping[str, str] | None = None,
    used_slugs: set[str] | None = None,
) -> dict[str, Any]:
    """Build the turns columns of a block of files.

    Parameters
    ----------
    block : Block
        The turns as parsed.
    files : sequence of FileInfo
        Interview id prefix (the file stem, made unique across files by the caller) and
        ``source`` name of each file, indexed by ``block.seg_file``.
    roles : mapping, optional
        Speaker label -> role given by the user; wins over the default rules.
    used_slugs : set of str, optional
        Interview slugs already used by other blocks (updated in place), so turn ids stay
        unique across files.

    Returns
    -------
    dict
        Column name -> Arrow array (turn_id, text), :class:`Labels` (interview, speaker,
        role, source) or NumPy array, the columns of
        :data:`qualcode.schema.TURN_COLUMNS` (make the table with :func:`frame_from_columns`).
        Interview ids are ``base`` for turns before any heading and ``base/heading`` after
        one; turn ids are ``<interview slug>-<position:04d>``.
    """
    used = used_slugs if used_slugs is not None else set()
    mapping = dict(roles or {})
    n = len(block)
    iv_names: list[str] = []
    iv_slugs: list[str] = []
    iv_index: dict[tuple[int, str], int] = {}
    counter: list[int] = []
    seg_iv: list[int] = []
    seg_first: list[int] = []
    for f, heading, size in zip(block.seg_file, block.seg_heading, block.seg_size, strict=True):
        base = files[f].base
        interview = base if heading is None else f"{base}/{heading}"
        k = iv_index.get((f, interview))
        if k is None:
            slug = candidate = slugify(interview)
            suffix = 2
            while candidate in used:
                candidate = f"{slug}-{suffix}"
                suffix += 1
            used.add(candidate)
            k = iv_index[(f, interview)] = len(iv_names)
            iv_names.append(interview)
            iv_slugs.append(candidate)
            counter.append(0)
        seg_iv.append(k)
        seg_first.append(counter[k] + 1)
        counter[k] += size
    sizes = np.asarray(block.seg_size, dtype=np.int64)
    seg_of_row = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    seg_row0 = np.cumsum(sizes) - sizes
    offset = np.asarray(seg_first, dtype=np.int64) - seg_row0
    position = np.arange(n, dtype=np.int64) + offset[seg_of_row]
    iv_row = np.asarray(seg_iv, dtype=np.int32)[seg_of_row]
    del seg_of_row
    sources = Labels.of([files[f].source for f in block.seg_file])
    return {
        schema.TURN_ID: _turn_ids(iv_slugs, seg_iv, sizes, position),
        schema.INTERVIEW: Labels(iv_row, iv_names),
        schema.POSITION: position,
        schema.SPEAKER: block.speaker,
        schema.ROLE: _roles(block, iv_row, len(iv_names), mapping),
        schema.TEXT: block.text,
        schema.START: block.start,
        schema.END: block.end,
        schema.SOURCE: Labels(np.repeat(sources.codes, sizes), sources.names),
        schema.LINE: block.line,
    }


def _string_array(parts: list[Any]) -> pd.api.extensions.ExtensionArray:
    chunks: list[pa.Array] = []
    for part in parts:
        chunks.extend(part.chunks if isinstance(part, pa.ChunkedArray) else [part])
    data = pa.chunked_array(
        [c.cast(LARGE_STRING, memory_pool=POOL) for c in chunks if len(c)], type=LARGE_STRING
    )
    if data.num_chunks > 64:
        data = pa.chunked_array([data.combine_chunks(memory_pool=POOL)], type=LARGE_STRING)
    return pd.arrays.ArrowStringArray(data)


def _categorical(parts: Sequence[Labels], extra: Sequence[str] = ()) -> pd.Categorical:
    """One categorical of the label columns of several blocks, categories sorted."""
    index: dict[str, int] = {}
    for part in parts:
        for v in part.names:
            index.setdefault(v, len(index))
    for v in extra:
        index.setdefault(v, len(index))
    names = list(index)
    order = sorted(range(len(names)), key=names.__getitem__)
    # the codes dtype pandas uses for this many categories: no copy in from_codes
    dtype = next(t for t in (np.int8, np.int16, np.int32, np.int64) if len(names) < np.iinfo(t).max)
    rank = np.empty(len(names), dtype=dtype)
    rank[order] = np.arange(len(names))
    codes = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = 0
    for part in parts:
        lut = rank[[index[v] for v in part.names]] if part.names else rank[:0]
        np.take(lut, part.codes, out=codes[at : at + len(part)])
        at += len(part)
    return schema.labels_from_codes(codes, [names[k] for k in order])


def frame_from_columns(blocks: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Make the turns table from the columns of one or more blocks (no copy of string data).

    The result has the columns and dtypes of :func:`qualcode.schema.normalize_turns`.
    """
    if not blocks:
        return schema.empty_turns()
    cols: dict[str, Any] = {}
    for name in schema.TURN_COLUMNS:
        parts = [b[name] for b in blocks]
        if name in STRING_COLUMNS:
            cols[name] = _string_array(parts)
        elif name in schema.LABEL_COLUMNS:
            cols[name] = _categorical(parts, schema.ROLES if name == schema.ROLE else ())
        elif name in (schema.START, schema.END):
            values = parts[0] if len(parts) == 1 else np.concatenate(parts)
            values = values.astype(np.float64, copy=False)
            cols[name] = pd.arrays.FloatingArray(values, np.isnan(values))
        else:
            values = parts[0] if len(parts) == 1 else np.concatenate(parts)
            values = values.astype(np.int64, copy=False)
            cols[name] = pd.arrays.IntegerArray(values, np.zeros(len(values), dtype=bool))
    return pd.DataFrame(cols, copy=False)
