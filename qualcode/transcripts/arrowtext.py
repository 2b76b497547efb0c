"""Arrow string arrays as the readers use them: buffers, rows of byte positions, clean text.

The fast path (:mod:`qualcode.transcripts.fast`) and the building of the turns table
(:mod:`qualcode.transcripts.builder`) work on the bytes of Arrow ``large_string`` arrays with
NumPy, without making a Python string per row.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "LARGE_STRING",
    "POOL",
    "StrArray",
    "byte_slices",
    "normalize_text_array",
    "question_rows",
    "rows_of",
    "string_array",
    "string_buffers",
]

#: the string type of the readers' arrays
LARGE_STRING = pa.large_string()
#: Arrow memory for the reader's arrays: the system allocator (the default pool, mimalloc,
#: keeps memory it has freed and grows the process by several times what the reader needs)
POOL = pa.system_memory_pool()

#: a string column: one Arrow array or a chunked one
StrArray: TypeAlias = pa.Array | pa.ChunkedArray


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (int64, one more than rows) and all data bytes of a string array, zero-copy."""
    if arr.type != LARGE_STRING:
        arr = arr.cast(LARGE_STRING, memory_pool=POOL)
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8)
        if bufs[2] is not None and bufs[2].size
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


def rows_of(offsets: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Rows whose bytes hold the given byte positions."""
    return np.searchsorted(offsets, positions, side="right") - 1


def string_array(
    offsets: np.ndarray, data: bytes | bytearray | memoryview | np.ndarray
) -> pa.Array:
    """Make a ``large_string`` array from int64 offsets and UTF-8 bytes (no copy)."""
    return pa.LargeStringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
    )


def _offsets(lengths: np.ndarray) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


#: ASCII whitespace other than the space (what str.isspace counts)
_ASCII_WS = tuple(bytes([c]) for c in (9, 10, 11, 12, 13, 28, 29, 30, 31))


def normalize_text_array(arr: pa.Array) -> pa.Array:
    """Collapse whitespace runs to one space and strip the ends, for every string of ``arr``.

    The same as :func:`~qualcode.transcripts.labels.normalize_space` on each value (``arr``
    has no nulls), but only the rows that need it, found with NumPy over the string bytes, are
    rewritten in Python.
    """
    arr = arr.cast(LARGE_STRING, memory_pool=POOL)
    if len(arr) == 0:
        return arr
    offsets, data = string_buffers(arr)
    lo, hi = int(offsets[0]), int(offsets[-1])
    seg = data[lo:hi]
    if not len(seg):
        return arr
    rel = offsets - lo
    starts, ends = rel[:-1], rel[1:]
    nonempty = np.flatnonzero(ends > starts)
    edge = nonempty[(seg[starts[nonempty]] == 32) | (seg[ends[nonempty] - 1] == 32)]
    raw = seg.tobytes()
    space = seg == 32
    double = space[1:] & space[:-1]
    del space
    if raw.isascii():
        # whitespace other than single spaces: double spaces and (rare) ASCII controls
        hits: list[int] = []
        for char in _ASCII_WS:
            if char in raw:
                k = raw.find(char)
                while k != -1:
                    hits.append(k)
                    k = raw.find(char, k + 1)
        found = np.concatenate([np.flatnonzero(double), np.asarray(hits, dtype=np.int64)])
    else:
        # ASCII controls, double spaces, and lead bytes of U+0085/U+00A0 (0xC2), U+1680 (0xE1),
        # U+2000-U+205F (0xE2) and U+3000 (0xE3)
        flags = (seg < 32) | (seg == 0xC2) | ((seg >= 0xE1) & (seg <= 0xE3))
        flags[1:] |= double
        found = np.flatnonzero(flags)
    del raw
    rows = np.union1d(edge, rows_of(rel, found)) if len(found) else edge
    if not len(rows):
        return arr
    texts = pc.take(arr, pa.array(rows, memory_pool=POOL), memory_pool=POOL).to_pylist()
    fixed = [" ".join(t.split()).encode("utf-8") for t in texts]
    view = memoryview(seg)  # type: ignore[arg-type]
    pieces: list[bytes | memoryview] = []
    prev = 0
    for r, b in zip(rows.tolist(), fixed, strict=True):
        pieces.append(view[prev : starts[r]])
        pieces.append(b)
        prev = int(ends[r])
    pieces.append(view[prev:])
    lengths = ends - starts
    lengths[rows] = np.fromiter(map(len, fixed), np.int64, len(fixed))
    return string_array(_offsets(lengths), b"".join(pieces))


def question_rows(text: StrArray) -> np.ndarray:
    """Boolean per row: does the text hold a ``?``."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    out = []
    for chunk in chunks:
        offsets, data = string_buffers(chunk)
        flag = np.zeros(len(chunk), dtype=bool)
        pos = np.flatnonzero(data[offsets[0] : offsets[-1]] == ord("?")) + offsets[0]
        flag[rows_of(offsets, pos)] = True
        out.append(flag)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def byte_slices(lines: pa.Array, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The bytes ``starts[i]:ends[i]`` of the data buffer of ``lines`` as a string array.

    Made as an Arrow ``string_view`` array pointing into the buffer, then cast (one copy) to
    ``large_string``.
    """
    data_buf = lines.buffers()[2]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    n = len(starts)
    lengths = ends - starts
    views = np.zeros((n, 4), dtype=np.int32)
    views[:, 0] = lengths
    raw = views.view(np.uint8)
    short = lengths <= 12
    rows = np.flatnonzero(~short)
    if len(rows):  # a 4-byte prefix, buffer 0 and the offset
        at = starts[rows]
        raw[rows, 4:8] = data[at[:, None] + np.arange(4)]
        views[rows, 3] = at
    rows = np.flatnonzero(short)
    if len(rows):  # the bytes inline, zero-padded
        idx = starts[rows][:, None] + np.arange(12)
        np.minimum(idx, len(data) - 1, out=idx)
        head = data[idx]
        head[np.arange(12) >= lengths[rows][:, None]] = 0
        raw[rows, 4:] = head
    arr = pa.Array.from_buffers(pa.string_view(), n, [None, pa.py_buffer(views), data_buf])
    return arr.cast(LARGE_STRING, memory_pool=POOL)
