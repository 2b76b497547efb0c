"""Collect the turns of files as they are read, in file order, into one turns table.

:class:`TurnsCollector` takes each file's turns in the form its reader gives them: the column
blocks of the fast ``Label: text`` path (:mod:`qualcode.transcripts.fast`), the
:class:`~qualcode.transcripts.builder.RawTurns` of a general reader, or a whole turns table;
it records how each file was read (:class:`FileReport`) and builds the table at the end
(:mod:`qualcode.transcripts.builder`). Plain texts are tried on the fast path first and go to
the general reader (:func:`qualcode.transcripts.text.parse_text`) only when the fast path
cannot read them exactly as it would.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError, TranscriptParseError, TranscriptWarning
from qualcode.transcripts.builder import (
    Block,
    FileInfo,
    RawTurns,
    block_from_raw,
    build_block,
    frame_from_columns,
    slugify,
)
from qualcode.transcripts.encoding import NeedsWholeFile, iter_utf8_blocks, read_text
from qualcode.transcripts.fast import (
    CHUNK_CHARS,
    FastResult,
    parse_batch,
    parse_pieces,
    stream_pieces,
)
from qualcode.transcripts.htmlpage import parse_html
from qualcode.transcripts.sanity import check_structure
from qualcode.transcripts.subtitles import parse_captions
from qualcode.transcripts.text import parse_text

__all__ = ["FAST_LAYOUT", "FileReport", "TurnsCollector", "raw_from_text"]

#: the layout the fast path reads, as the reading report names it
FAST_LAYOUT = "text, 'Label: text' lines"


@dataclass
class FileReport:
    """How one file was read: the format and layout chosen, blocks read, turns made."""

    source: str
    format: str
    layout: str
    blocks: int
    turns: int


def raw_from_text(
    text: str,
    *,
    path: str | Path,
    format: str,
    speakers: Collection[str] | None,
    single_speaker: bool,
    merge_runs: bool = True,
) -> RawTurns:
    """Read ``text`` of a general (not fast-path) ``format`` into raw turns."""
    if format in ("vtt", "srt"):
        return parse_captions(text, path=path, kind=format, merge_runs=merge_runs)
    if format == "html":
        return parse_html(
            text, path=path, speakers=speakers, single_speaker=single_speaker, merge_runs=merge_runs
        )
    return parse_text(
        text,
        path=path,
        markdown=format == "markdown",
        speakers=speakers,
        single_speaker=single_speaker,
        merge_runs=merge_runs,
    )


class TurnsCollector:
    """The turns of files read so far, in file order: column blocks and whole tables."""

    def __init__(
        self, files: list[FileInfo], *, roles: Mapping[str, str], merge_runs: bool = True
    ) -> None:
        self.files = files
        self.roles = roles
        self.merge_runs = merge_runs
        #: how each file was read, by file index
        self.reports: dict[int, FileReport] = {}
        self.used: set[str] = set()
        self.parts: list[pd.DataFrame | dict[str, Any]] = []
        self.raws: list[tuple[RawTurns, int]] = []

    def _build(self, block: Block) -> None:
        if len(block):
            self.parts.append(
                build_block(block, self.files, roles=self.roles, used_slugs=self.used)
            )

    def _close_raws(self) -> None:
        if self.raws:
            raws, self.raws = self.raws, []
            self._build(block_from_raw(raws))

    def _add_block(self, block: Block) -> None:
        self._close_raws()
        self._build(block)

    def add_raw(self, raw: RawTurns, file: int, format: str, *, path: str | Path) -> None:
        """Add the turns of one file read by a general reader (at ``path``).

        Warns (:class:`~qualcode.errors.TranscriptWarning`) when the turns do not look like a
        transcript (:func:`qualcode.transcripts.sanity.check_structure`).
        """
        problem = check_structure(raw.speaker, raw.heading)
        if problem is not None:
            msg = (
                f"{path}: read into {problem}; this does not look like an interview transcript "
                "(expected a few speakers with many turns each): check that it is the file you "
                "meant and how it was read (qualcode parse --explain)"
            )
            warnings.warn(msg, TranscriptWarning, stacklevel=2)
        self.raws.append((raw, file))
        self.reports[file] = FileReport(
            self.files[file].source, format, raw.layout, raw.blocks or len(raw), len(raw)
        )

    def add_frame(self, turns: pd.DataFrame, file: int) -> None:
        """Add a turns table read as is."""
        self.reports[file] = FileReport(
            self.files[file].source, "table", "turns table", len(turns), len(turns)
        )
        self._close_raws()
        self.parts.append(turns)
        self.used.update(slugify(str(iv)) for iv in turns[schema.INTERVIEW].unique())

    def add_texts(
        self,
        texts: list[tuple[int, Path, str]],
        *,
        single_speaker: bool,
    ) -> None:
        """Add plain-text transcripts ``(file, path, text)``: fast path, else general reader.

        ``texts`` is emptied as the texts are read, to free their memory early.
        """
        if not texts:
            return
        fast = parse_batch([t for _, _, t in texts], merge_runs=self.merge_runs)
        kept = {k: texts[k] for k, seg in enumerate(fast.segments) if seg is None}
        files = [file for file, _, _ in texts]
        texts.clear()

        def general(k: int) -> None:
            file, path, text = kept.pop(k)
            self._add_general(file, path, text, single_speaker=single_speaker)

        self._add_fast(fast, files, general)

    def add_stream(
        self, file: int, path: Path, *, encoding: str | None, single_speaker: bool
    ) -> None:
        """Add a large plain-text transcript read a block at a time (memory: the turns only).

        Files the fast path cannot read, and content only :func:`decode_bytes` handles
        (other encodings, control characters), are read whole as :meth:`add_texts` does.
        """
        try:
            with path.open("rb") as fh:
                blocks = iter_utf8_blocks(fh, block_bytes=CHUNK_CHARS)
                fast = parse_pieces(stream_pieces(blocks), 1, merge_runs=self.merge_runs)
        except NeedsWholeFile:
            self.add_texts(
                [(file, path, read_text(path, encoding=encoding))], single_speaker=single_speaker
            )
            return

        def general(_: int) -> None:
            text = read_text(path, encoding=encoding)
            self._add_general(file, path, text, single_speaker=single_speaker)

        self._add_fast(fast, [file], general)

    def _add_general(self, file: int, path: Path, text: str, *, single_speaker: bool) -> None:
        try:
            raw = parse_text(
                text, path=path, single_speaker=single_speaker, merge_runs=self.merge_runs
            )
        except TranscriptParseError:
            raise
        except QualcodeError as err:
            raise TranscriptParseError(str(err), path=path) from err
        self.add_raw(raw, file, "text", path=path)

    def _add_fast(self, fast: FastResult, files: list[int], general: Callable[[int], None]) -> None:
        """Add the turns the fast path read, in file order; ``general(k)`` reads the others."""
        run: list[int] = []  # consecutive texts read by the fast path

        def close_run() -> None:
            if not run:
                return
            a, b = fast.rows[run[0]], fast.rows[run[-1] + 1]
            seg_file: list[int] = []
            seg_heading: list[str | None] = []
            seg_size: list[int] = []
            for k in run:
                for heading, size in fast.segments[k] or ():
                    seg_file.append(files[k])
                    seg_heading.append(heading)
                    seg_size.append(size)
            self._add_block(
                Block(
                    speaker=fast.speaker[a:b],
                    text=fast.text[a:b],
                    line=fast.line[a:b],
                    start=np.full(b - a, np.nan),
                    end=np.full(b - a, np.nan),
                    seg_file=seg_file,
                    seg_heading=seg_heading,
                    seg_size=seg_size,
                )
            )
            run.clear()

        for k, segments in enumerate(fast.segments):
            if segments is not None:
                n = fast.rows[k + 1] - fast.rows[k]
                self.reports[files[k]] = FileReport(
                    self.files[files[k]].source, "text", FAST_LAYOUT, n, n
                )
                run.append(k)
                continue
            close_run()
            general(k)
        close_run()

    def frame(self) -> pd.DataFrame:
        """The turns table of everything added."""
        self._close_raws()
        frames: list[pd.DataFrame] = []
        columns: list[dict[str, Any]] = []
        for part in self.parts:
            if isinstance(part, pd.DataFrame):
                if columns:
                    frames.append(frame_from_columns(columns))
                    columns = []
                frames.append(part)
            else:
                columns.append(part)
        if columns:
            frames.append(frame_from_columns(columns))
        if not frames:
            return schema.empty_turns()
        if len(frames) == 1:
            return frames[0]
        return schema.validate_turns(pd.concat(frames, ignore_index=True))
