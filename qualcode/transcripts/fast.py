"""Fast path for the most common transcript shape: ``Label: text`` lines, blanks and headings.

Most transcripts (and every exported corpus) hold one turn per line, ``Label: text``, with blank
lines and Markdown ``#`` headings between interviews. For those files this module gives exactly
the turns of :func:`qualcode.transcripts.text.parse_text`, in a few whole-text passes done in
C++ by Arrow instead of a Python loop over the lines:

1. pieces of whole lines (many small files together, or blocks of a large file read a block
   at a time, :func:`stream_pieces`) are joined into one string of about
   :data:`CHUNK_CHARS` characters and split into lines (``split_pattern``);
2. one RE2 pass (``extract_regex``) finds the ``Label: text`` lines (ASCII label, no ``<``/``&``);
3. the few other lines (blank lines, headings, lines with markup or non-ASCII labels) are
   classified in Python with the rules of the general reader;
4. a file takes the fast path only if every line is a label line, a blank line or a heading,
   and every label is one the general reader accepts (a strong label, or a weak one seen at
   least twice in the file); otherwise :func:`parse_batch` reports it and the caller reads it
   with the general reader.

Turn texts stay in Arrow memory (no Python string per line), which keeps memory near the size
of the input.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qualcode.transcripts.arrowtext import (
    LARGE_STRING,
    POOL,
    byte_slices,
    normalize_text_array,
    rows_of,
    string_buffers,
)
from qualcode.transcripts.builder import Labels
from qualcode.transcripts.labels import STRONG, clean_heading, label_strength, strip_markup

__all__ = [
    "CHUNK_CHARS",
    "LABEL_START_RE2",
    "FastResult",
    "Piece",
    "parse_batch",
    "parse_pieces",
    "stream_pieces",
]

#: characters per piece of text handled by one round of Arrow calls
CHUNK_CHARS = 1 << 18

#: the start of a ``Label: text`` line as the general reader reads it (RE2 syntax): an ASCII
#: label, a colon, spaces or tabs, and text that starts with a printable ASCII character other
#: than ``[``/``(`` (a timestamp could follow) and ``<``/``&``. Lines holding markup (``<``,
#: ``&``) and other label lines are read in Python.
LABEL_START_RE2 = (
    r"^(?P<label>[A-Za-z][A-Za-z0-9]{0,15}):[ \t]+[\x21-\x25\x27\x29-\x3b\x3d-\x5a\x5c-\x7e]"
)
#: the same shape in Python syntax (Unicode labels), for the lines RE2 leaves
_LABEL_LINE = re.compile(r"([^\W\d_][^\W_]{0,15}):[ \t]+([^\s\[(].*)")
_MD_HEADING = re.compile(r"#{1,6}\s")


@dataclass
class _FileState:
    """What the passes learn about one file."""

    ok: bool = True
    labels: Counter[str] = field(default_factory=Counter)
    headings: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class FastResult:
    """Turns of a batch of files read by the fast path.

    ``speaker``, ``text`` and ``line`` hold the turns of all files, in order;
    ``rows[f]:rows[f + 1]`` are the turns of file ``f``. ``segments[f]`` lists
    ``(heading, number of turns)`` runs of file ``f``, or is None when the file must be read
    by the general reader.
    """

    speaker: Labels
    text: pa.ChunkedArray
    line: np.ndarray
    rows: list[int]
    segments: list[list[tuple[str | None, int]] | None]


def _classify(line: str) -> tuple[str, ...] | None:
    """Read a line RE2 did not take as a label line, as the general reader would.

    Returns ``("b",)`` for a blank line, ``("h", heading)``, ``("l", label, text)``, or None for
    any other line (which sends the file to the general reader).
    """
    if "<" in line or "&" in line:
        line = strip_markup(line)
    if not line.strip():
        return ("b",)
    if line[:1] == "#" and _MD_HEADING.match(line[:72]):
        return ("h", clean_heading(line))
    m = _LABEL_LINE.fullmatch(line)
    if m is not None:
        return ("l", m[1], m[2])
    return None


Piece = tuple[int, int, str, int]


def _pieces(texts: list[str]) -> Iterator[Piece]:
    """Cut texts into pieces of whole lines.

    Yields (file, 1-based line number of the first line, text, number of lines).
    """
    for f, text in enumerate(texts):
        end = len(text) - 1 if text.endswith("\n") else len(text)
        if end <= CHUNK_CHARS:
            piece = text if end == len(text) else text[:end]
            yield (f, 1, piece, piece.count("\n") + 1)
            continue
        a = 0
        line = 1
        while a <= end:
            b = text.find("\n", a + CHUNK_CHARS, end)
            if b == -1:
                b = end
            piece = text[a:b]
            n_lines = piece.count("\n") + 1
            yield (f, line, piece, n_lines)
            line += n_lines
            a = b + 1


def _chunks(pieces: Iterable[Piece]) -> Iterator[list[Piece]]:
    """Group pieces into chunks of about :data:`CHUNK_CHARS` characters."""
    group: list[Piece] = []
    size = 0
    for piece in pieces:
        group.append(piece)
        size += len(piece[2]) + 1
        if size >= CHUNK_CHARS:
            yield group
            group = []
            size = 0
    if group:
        yield group


def _append(arr: pa.Array, values: list[str], order: pa.Array) -> pa.Array:
    """``arr`` followed by ``values``, reordered by ``order``."""
    more = pa.array(values, type=LARGE_STRING, memory_pool=POOL)
    return pc.take(pa.concat_arrays([arr, more], memory_pool=POOL), order, memory_pool=POOL)


def parse_batch(texts: list[str], *, merge_runs: bool = True) -> FastResult:
    """Read plain-text transcripts (``\\n`` line ends) with the fast path.

    Parameters
    ----------
    texts : list of str
        The decoded texts of consecutive files.

    Returns
    -------
    FastResult
        The turns of the files the fast path can read; the others are marked for the general
        reader.
    """
    return parse_pieces(_pieces(texts), len(texts), merge_runs=merge_runs)


def stream_pieces(blocks: Iterable[str], file: int = 0) -> Iterator[Piece]:
    """Pieces of one file given as blocks of whole lines.

    Each block but the last ends with ``\\n`` (as
    :func:`qualcode.transcripts.encoding.iter_utf8_blocks` yields them).
    """
    line = 1
    for block in blocks:
        piece = block[:-1] if block.endswith("\n") else block
        n_lines = piece.count("\n") + 1
        yield (file, line, piece, n_lines)
        line += n_lines


def parse_pieces(pieces: Iterable[Piece], n_files: int, *, merge_runs: bool = True) -> FastResult:
    """Read plain-text transcripts given as pieces of whole lines, in file order.

    Parameters
    ----------
    pieces : iterable of (file, first line, text, number of lines)
        The files ``0 .. n_files - 1`` cut into pieces (:func:`parse_batch` cuts texts held
        in memory, :func:`stream_pieces` reads a large file a block at a time).
    n_files : int
        Number of files.
    merge_runs : bool, default True
        As for :func:`qualcode.transcripts.text.parse_lines`: in a file that writes its turns
        as paragraphs, a speaker's label after blank lines that follows their own turn
        continues it.

    Returns
    -------
    FastResult
        As :func:`parse_batch`.
    """
    states = [_FileState() for _ in range(n_files)]
    bodies: list[pa.Array] = []
    lines_out: list[np.ndarray] = []
    files_out: list[np.ndarray] = []
    codes_out: list[np.ndarray] = []
    name_index: dict[str, int] = {}
    runs = _Runs(n_files)
    hits_out: list[np.ndarray] = []  # per label row: continues its speaker's paragraph run
    for group in _chunks(pieces):
        if all(not states[p[0]].ok for p in group):
            continue
        joined = group[0][2] if len(group) == 1 else "\n".join(p[2] for p in group)
        markup = "<" in joined or "&" in joined
        try:
            whole = pa.array([joined], type=LARGE_STRING, memory_pool=POOL)
        except (UnicodeError, pa.ArrowException):  # lone surrogates: not UTF-8
            for p in group:
                states[p[0]].ok = False
            continue
        del joined
        lines = pc.split_pattern(whole, "\n", memory_pool=POOL).flatten()
        del whole
        counts = np.fromiter((p[3] for p in group), np.int64, len(group))
        piece_row0 = np.cumsum(counts) - counts
        piece_file = np.fromiter((p[0] for p in group), np.int64, len(group))
        piece_line0 = np.fromiter((p[1] for p in group), np.int64, len(group))
        offsets, data = string_buffers(lines)

        found = pc.extract_regex(lines, LABEL_START_RE2, memory_pool=POOL)
        take = np.array(pc.is_valid(found, memory_pool=POOL), dtype=bool)
        if markup:
            lo, hi = int(offsets[0]), int(offsets[-1])
            part = data[lo:hi]
            pos = np.flatnonzero((part == ord("<")) | (part == ord("&"))) + lo
            take[rows_of(offsets, pos)] = False
        fast_rows = np.flatnonzero(take)
        label = pc.filter(found.field("label"), pa.array(take), memory_pool=POOL)
        del found
        # the text starts after the label, the colon and the spaces or tabs
        start = offsets[fast_rows] + np.asarray(pc.binary_length(label, memory_pool=POOL)) + 2
        while True:
            more = (data[start] == ord(" ")) | (data[start] == ord("\t"))
            if not more.any():
                break
            start += more
        rest = byte_slices(lines, start, offsets[fast_rows + 1])
        del start
        other = np.flatnonzero(~take & (offsets[1:] > offsets[:-1]))
        # what separates label lines, for merging runs: 1 a blank line, 2 a heading
        spacer = (offsets[1:] == offsets[:-1]).astype(np.int8)
        if len(other):
            extra_idx: list[int] = []
            extra_label: list[str] = []
            extra_rest: list[str] = []
            which = np.searchsorted(piece_row0, other, side="right") - 1
            for i, p, text in zip(
                other.tolist(),
                which.tolist(),
                pc.take(lines, pa.array(other), memory_pool=POOL).to_pylist(),
                strict=True,
            ):
                state = states[group[p][0]]
                if not state.ok:
                    continue
                kind = _classify(text)
                if kind is None:
                    state.ok = False
                elif kind[0] == "b":
                    spacer[i] = 1
                elif kind[0] == "h":
                    spacer[i] = 2
                    line_no = int(piece_line0[p] + i - piece_row0[p])
                    state.headings.append((line_no, kind[1]))
                elif kind[0] == "l":
                    extra_idx.append(i)
                    extra_label.append(kind[1])
                    extra_rest.append(kind[2])
            if extra_idx:
                # merge the label lines read in Python in line order
                all_rows = np.concatenate([fast_rows, np.asarray(extra_idx, dtype=np.int64)])
                order = pa.array(np.argsort(all_rows, kind="stable"), memory_pool=POOL)
                fast_rows = all_rows[order.to_numpy()]
                label = _append(label, extra_label, order)
                rest = _append(rest, extra_rest, order)
        del lines
        which = np.searchsorted(piece_row0, fast_rows, side="right") - 1
        row_file = piece_file[which]
        # labels per file, to check them against the general reader's rules
        enc = pc.dictionary_encode(label, memory_pool=POOL)
        names = enc.dictionary.to_pylist()
        codes = enc.indices.to_numpy(zero_copy_only=False)
        if names:
            key = row_file * len(names) + codes
            uniq, n = np.unique(key, return_counts=True)
            for k, c in zip(uniq.tolist(), n.tolist(), strict=True):
                states[k // len(names)].labels[names[k % len(names)]] += c
            lut = np.array(
                [name_index.setdefault(x, len(name_index)) for x in names], dtype=np.int32
            )
            codes_out.append(lut[codes])
        if merge_runs:
            first = np.zeros(len(spacer), dtype=bool)
            first[piece_row0[piece_line0 == 1]] = True
            hits_out.append(
                runs.add(row_file, lut[codes] if names else codes, fast_rows, spacer, first)
            )
        del label
        bodies.append(normalize_text_array(rest))
        del rest
        lines_out.append(piece_line0[which] + fast_rows - piece_row0[which])
        files_out.append(row_file.astype(np.int32))
    line = np.concatenate(lines_out) if lines_out else np.zeros(0, dtype=np.int64)
    row_file = np.concatenate(files_out) if files_out else np.zeros(0, dtype=np.int32)
    codes = np.concatenate(codes_out) if codes_out else np.zeros(0, dtype=np.int32)
    text = pa.chunked_array(bodies, type=LARGE_STRING)
    if hits_out:
        merge = np.concatenate(hits_out) & runs.paragraphs()[row_file]
        if merge.any():
            text, keep = _merge_rows(text, merge)
            line, row_file, codes = line[keep], row_file[keep], codes[keep]
    bounds = np.searchsorted(row_file, np.arange(n_files + 1)).tolist()
    segments: list[list[tuple[str | None, int]] | None] = []
    for f, state in enumerate(states):
        ok = state.ok and bool(state.labels)
        for lab, n_lab in state.labels.items() if ok else ():
            strength = _strength(lab)
            if not (strength == STRONG or (strength and n_lab >= 2)):
                ok = False
                break
        segments.append(_segments(line[bounds[f] : bounds[f + 1]], state.headings) if ok else None)
    return FastResult(
        speaker=Labels(codes, list(name_index)),
        text=text,
        line=line,
        rows=bounds,
        segments=segments,
    )


def _merge_rows(text: pa.ChunkedArray, merge: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Join each row marked in ``merge`` to the row before it (text joined with a space).

    Returns the joined texts and the rows kept (the first of each run), in one Arrow pass.
    """
    keep = np.flatnonzero(~merge)
    offsets = pa.array(np.r_[keep, len(merge)].astype(np.int64))
    values = text.combine_chunks(memory_pool=POOL)
    groups = pa.LargeListArray.from_arrays(offsets, values, pool=POOL)
    joined = pc.binary_join(groups, pa.scalar(" ", type=LARGE_STRING), memory_pool=POOL)
    return joined, keep


class _Runs:
    """Find the label lines that the general reader joins to the turn before them.

    As :meth:`qualcode.transcripts.scan.LineScan.paragraph_layout` and its merging rule: a file
    writes paragraphs when at least two label lines stand after a blank line or a heading (or
    first in the file) and at most one in ten directly after another line; there a label of the
    previous turn's speaker after blank lines only (no heading) continues that turn. Fed chunk
    by chunk; what separates the last label line of a chunk from the next chunk's first is
    carried over. The layout is known only at the end (:meth:`paragraphs`).
    """

    def __init__(self, n_files: int) -> None:
        self.spaced = np.zeros(n_files, dtype=np.int64)
        self.adjacent = np.zeros(n_files, dtype=np.int64)
        self.last_file = -1
        self.last_code = -1
        self.gap = 0  # after the last label line: 0 nothing, 1 blank lines, 2 a heading
        self.last_spacer = True  # the last line read is blank or a heading (or none yet)

    def add(
        self,
        row_file: np.ndarray,
        codes: np.ndarray,
        rows: np.ndarray,
        spacer: np.ndarray,
        first: np.ndarray,
    ) -> np.ndarray:
        """Add a chunk: label ``rows`` (their file and speaker code) among its lines.

        Returns, per label row, whether it continues the previous label row's speaker after
        blank lines (merged if its file turns out to write paragraphs).
        """
        n = len(spacer)
        hits = np.zeros(len(rows), dtype=bool)
        if n == 0:
            return hits
        if len(rows) and self.gap == 0 and not spacer.any():
            # label lines only (most corpora): nothing merges here; the first line of a file
            # is spaced, every other label line adjacent
            spaced = first[rows]
            self.spaced += np.bincount(row_file[spaced], minlength=len(self.spaced))
            self.adjacent += np.bincount(row_file[~spaced], minlength=len(self.spaced))
            self.last_file, self.last_code = int(row_file[-1]), int(codes[-1])
            self.gap = int(rows[-1] + 1 < n)
            self.last_spacer = False
            return hits
        heads = np.r_[0, np.cumsum(spacer == 2)]  # headings among lines [0, k)
        if len(rows):
            prev = rows - 1
            spaced = np.where(prev >= 0, spacer[np.maximum(prev, 0)] > 0, self.last_spacer)
            spaced |= first[rows]
            n_files = len(self.spaced)
            self.spaced += np.bincount(row_file[spaced], minlength=n_files)
            self.adjacent += np.bincount(row_file[~spaced], minlength=n_files)
            # what stands between each label line and the one before it
            gap = np.empty(len(rows), dtype=np.int8)
            lead_heading = heads[rows[0]] > 0
            gap[0] = 2 if self.gap == 2 or lead_heading else max(self.gap, int(rows[0] > 0))
            if len(rows) > 1:
                between = heads[rows[1:]] - heads[rows[:-1] + 1] > 0
                gap[1:] = np.where(between, 2, (np.diff(rows) > 1).astype(np.int8))
            prev_file = np.r_[self.last_file, row_file[:-1]]
            prev_code = np.r_[self.last_code, codes[:-1]]
            hits = (prev_file == row_file) & (prev_code == codes) & (gap == 1)
            self.last_file, self.last_code = int(row_file[-1]), int(codes[-1])
            after = rows[-1] + 1
            self.gap = 2 if heads[n] - heads[after] > 0 else int(after < n)
        else:
            self.gap = 2 if self.gap == 2 or heads[n] > 0 else max(self.gap, 1)
        self.last_spacer = bool(spacer[n - 1] > 0)
        return hits

    def paragraphs(self) -> np.ndarray:
        """Per file: does it write its turns as paragraphs (so runs merge)?"""
        return (self.spaced >= 2) & (self.adjacent * 10 <= self.spaced)


_STRENGTH: dict[str, int] = {}


def _strength(label: str) -> int:
    got = _STRENGTH.get(label)
    if got is None:
        got = _STRENGTH[label] = label_strength(label)
    return got


def _segments(
    line_nos: np.ndarray, headings: list[tuple[int, str]]
) -> list[tuple[str | None, int]]:
    """Runs of turns under one heading, named as the general reader names them.

    Headings between two turns form one group; the group before the first turn drops its
    first heading (the document title) when it has more than one; a name used again gets
    `` (2)``, `` (3)``...; headings after the last turn are ignored.
    """
    n = len(line_nos)
    groups: dict[int, list[str]] = {}
    if headings:
        at = np.searchsorted(line_nos, [h[0] for h in headings]).tolist()
        for r, (_, name) in zip(at, headings, strict=True):
            groups.setdefault(r, []).append(name)
    out: list[tuple[str | None, int]] = []
    used: Counter[str] = Counter()
    current: str | None = None
    prev = 0
    for r, stack in groups.items():
        if r >= n:
            break
        if r > prev:
            out.append((current, r - prev))
        name = " - ".join(stack[1:] if r == 0 and len(stack) > 1 else stack)
        used[name] += 1
        current = name if used[name] == 1 else f"{name} ({used[name]})"
        prev = r
    out.append((current, n - prev))
    return out
