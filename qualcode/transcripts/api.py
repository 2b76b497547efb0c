"""Public entry points: read transcripts of any supported format into the turns table.

Plain-text files are read in batches: :func:`qualcode.transcripts.fast.parse_batch` reads the
common ``Label: text`` files of a batch together in a few whole-text passes, and the files it
cannot read exactly as the general reader would go to
:func:`qualcode.transcripts.text.parse_text`. Plain-text files over :data:`STREAM_BYTES` are
read a block at a time (the decoded text of a large file is never held whole unless the
general reader needs it). The turns of all files are built into one table at the end
(:mod:`qualcode.transcripts.builder`).
"""

from __future__ import annotations

import codecs
import logging
import os
import stat
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError, TableError, TranscriptParseError, TranscriptWarning
from qualcode.transcripts.builder import (
    Block,
    FileInfo,
    RawTurns,
    block_from_raw,
    build_block,
    frame_from_columns,
    interview_base,
    slugify,
)
from qualcode.transcripts.detect import EXTENSIONS, FORMATS, detect_format, sniff
from qualcode.transcripts.encoding import (
    NeedsWholeFile,
    decode_bytes,
    iter_utf8_blocks,
    read_bytes,
    read_text,
)
from qualcode.transcripts.fast import (
    CHUNK_CHARS,
    FastResult,
    parse_batch,
    parse_pieces,
    stream_pieces,
)
from qualcode.transcripts.htmlpage import parse_html
from qualcode.transcripts.roles import assign_roles, parse_roles
from qualcode.transcripts.sanity import check_structure
from qualcode.transcripts.subtitles import parse_captions
from qualcode.transcripts.tabular import is_turns_table, parse_frame, read_frame
from qualcode.transcripts.text import parse_text

logger = logging.getLogger(__name__)

#: the layout the fast path reads, as the reading report names it
FAST_LAYOUT = "text, 'Label: text' lines"
#: file suffixes a folder is searched for
TRANSCRIPT_SUFFIXES = tuple(s for s in EXTENSIONS if s != ".parquet")
#: suffixes :func:`read_turns` treats as possible turns tables
TURNS_TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet")

RolesArg = Mapping[str, str] | str | None

#: characters of plain-text transcripts read before the fast path parses them together
_BATCH_CHARS = 4 * CHUNK_CHARS
#: plain-text files larger than this are read a block at a time (:meth:`_Collector.add_stream`)
STREAM_BYTES = _BATCH_CHARS


def _raw_from_text(
    text: str,
    *,
    path: str | Path,
    format: str,
    speakers: Collection[str] | None,
    single_speaker: bool,
    merge_runs: bool = True,
) -> RawTurns:
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


@dataclass
class FileReport:
    """How one file was read: the format and layout chosen, blocks read, turns made."""

    source: str
    format: str
    layout: str
    blocks: int
    turns: int


def parse_transcript(
    text: str,
    *,
    source: str = "<string>",
    format: str = "text",
    roles: RolesArg = None,
    single_speaker: bool = False,
    speakers: Collection[str] | None = None,
    keep_paragraphs: bool = False,
) -> pd.DataFrame:
    """Parse transcript text held in a string into speaker turns.

    Parameters
    ----------
    text : str
        The transcript (plain text, Markdown, WebVTT or SRT).
    source : str, default "<string>"
        Name for the ``source`` column and errors; its stem prefixes interview ids
        (``"<string>"`` gives ``string``).
    format : {"text", "markdown", "vtt", "srt"}, default "text"
        How to read ``text``.
    roles : mapping or str, optional
        Speaker label -> role (``interviewer``, ``participant``, ``other``); wins over the
        default rules of :mod:`qualcode.transcripts.roles`.
    single_speaker : bool, default False
        Read a text without speaker labels as one ``unknown`` speaker (one turn per
        paragraph) instead of raising.
    speakers : collection of str, optional
        Accept exactly these labels as speakers.
    keep_paragraphs : bool, default False
        Keep each block a file writes (a paragraph, a caption cue, a Zoom or Teams block, a
        table row) as its own turn. By default consecutive blocks of one speaker are one turn
        (see :func:`read_transcript`).

    Returns
    -------
    DataFrame
        The turns table: turn_id, interview, position, speaker, role, text, start, end,
        source, line.

    Raises
    ------
    TranscriptParseError
        If no turns can be read (with the line that could not be read).

    Examples
    --------
    >>> turns = parse_transcript("Interviewer: How did it start?\\nRespondent: By chance.")
    >>> for row in turns[["speaker", "role", "text"]].itertuples(index=False):
    ...     print(*row, sep=" | ")
    Interviewer | interviewer | How did it start?
    Respondent | participant | By chance.
    """
    if format not in ("text", "markdown", "vtt", "srt", "html"):
        msg = f"parse_transcript reads text, markdown, vtt, srt or html, not {format!r}"
        raise TranscriptParseError(msg, path=source)
    mapping = parse_roles(roles)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        msg = (
            f"the text holds {text[err.start]!r}, a lone surrogate that is not a character; "
            "expected valid Unicode text"
        )
        line = text.count("\n", 0, err.start) + 1
        raise TranscriptParseError(msg, path=source, line=line) from err
    out = _Collector(
        [FileInfo(interview_base(source), source)], roles=mapping, merge_runs=not keep_paragraphs
    )
    if format == "text" and speakers is None:
        out.add_texts([(0, Path(source), text)], single_speaker=single_speaker)
    else:
        raw = _raw_from_text(
            text,
            path=source,
            format=format,
            speakers=speakers,
            single_speaker=single_speaker,
            merge_runs=not keep_paragraphs,
        )
        out.add_raw(raw, 0, format, path=source)
    return out.frame()


class _Collector:
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


def _read_one(
    path: Path,
    *,
    file: int,
    format: str,
    roles: Mapping[str, str],
    single_speaker: bool,
    encoding: str | None,
    speakers: Collection[str] | None,
    table_options: Mapping[str, str | None],
    out: _Collector,
    texts: list[tuple[int, Path, str]],
) -> None:
    """Read one file into ``out``; plain texts for the fast path are queued in ``texts``."""
    if speakers is None and (
        format == "text" or (format == "auto" and EXTENSIONS.get(path.suffix.lower()) == "text")
    ):
        if _streams(path, encoding):
            head = read_bytes(path, limit=512)
            if format == "text" or sniff(head) is None:
                _flush_texts(out, texts, single_speaker=single_speaker)
                out.add_stream(file, path, encoding=encoding, single_speaker=single_speaker)
                return
        # one read: the content decides between text and captions saved as .txt
        data = read_bytes(path)
        kind = "text" if format == "text" else sniff(data[:512]) or "text"
        text = decode_bytes(data, path=path, encoding=encoding)
        del data
        if kind == "text":
            texts.append((file, path, text))
            return
        _flush_texts(out, texts, single_speaker=single_speaker)
        out.add_raw(
            parse_captions(text, path=path, kind=kind, merge_runs=out.merge_runs),
            file,
            kind,
            path=path,
        )
        return
    if not path.exists():
        msg = "file not found"
        raise TranscriptParseError(msg, path=path)
    if path.is_dir():
        msg = "is a folder; use read_transcripts() for folders"
        raise TranscriptParseError(msg, path=path)
    fmt = detect_format(path, format=format)
    if fmt == "text" and speakers is None:
        texts.append((file, path, read_text(path, encoding=encoding)))
        return
    _flush_texts(out, texts, single_speaker=single_speaker)
    if fmt == "docx":
        from qualcode.transcripts.word import parse_docx

        raw = parse_docx(
            path,
            speakers=list(speakers) if speakers else None,
            single_speaker=single_speaker,
            merge_runs=out.merge_runs,
        )
    elif fmt == "table":
        df = read_frame(path, encoding=encoding)
        if is_turns_table(df):
            try:
                turns = schema.validate_turns(df, source=path)
            except TableError as err:
                raise TranscriptParseError(err.reason, path=path, line=err.line) from err
            out.add_frame(assign_roles(turns, roles=roles) if roles else turns, file)
            return
        if path.suffix.lower() == ".parquet":
            msg = "a Parquet file must be a turns table (turn_id, interview, position, ...)"
            raise TranscriptParseError(msg, path=path)
        raw = parse_frame(df, path=path, merge_runs=out.merge_runs, **table_options)
    else:
        text = read_text(path, encoding=encoding)
        raw = _raw_from_text(
            text,
            path=path,
            format=fmt,
            speakers=speakers,
            single_speaker=single_speaker,
            merge_runs=out.merge_runs,
        )
    out.add_raw(raw, file, fmt, path=path)


def _streams(path: Path, encoding: str | None) -> bool:
    """Is ``path`` a plain-text file large enough to be read a block at a time?"""
    if encoding is not None:
        try:
            if codecs.lookup(encoding).name != "utf-8":
                return False
        except LookupError:
            return False  # decode_bytes reports it
    try:
        info = path.stat()
    except OSError:
        return False  # read_bytes reports it
    return stat.S_ISREG(info.st_mode) and info.st_size > STREAM_BYTES


def _flush_texts(
    out: _Collector, texts: list[tuple[int, Path, str]], *, single_speaker: bool
) -> None:
    if texts:
        batch = list(texts)
        texts.clear()
        out.add_texts(batch, single_speaker=single_speaker)  # empties batch


def read_transcript(
    path: str | Path,
    *,
    format: str = "auto",
    roles: RolesArg = None,
    single_speaker: bool = False,
    encoding: str | None = None,
    speakers: Collection[str] | None = None,
    speaker_column: str | None = None,
    text_column: str | None = None,
    start_column: str | None = None,
    end_column: str | None = None,
    interview_column: str | None = None,
    keep_paragraphs: bool = False,
) -> pd.DataFrame:
    """Read one transcript file into speaker turns.

    Parameters
    ----------
    path : str or Path
        A ``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``, ``.csv``, ``.tsv`` or ``.xlsx`` file
        (see :mod:`qualcode.transcripts.detect`).
    format : {"auto", "text", "markdown", "docx", "vtt", "srt", "table"}, default "auto"
        Reader to use; "auto" decides from the extension and content.
    roles : mapping or str, optional
        Speaker label -> role; wins over the default rules (decided per interview).
    single_speaker : bool, default False
        Read a text without speaker labels as one ``unknown`` speaker instead of raising.
    encoding : str, optional
        Text encoding; by default UTF-8 (with or without BOM), UTF-16 with BOM, then cp1252.
    speakers : collection of str, optional
        Accept exactly these labels as speakers (text and Word paragraph transcripts).
    speaker_column, text_column, start_column, end_column, interview_column : str, optional
        Column names of a table transcript (found automatically when not given).
    keep_paragraphs : bool, default False
        Keep every block the file writes as its own turn. By default consecutive blocks of
        one speaker are one turn: paragraphs that each repeat the label (after a blank line),
        Zoom ``[Name] 00:01:02`` and Teams timing blocks, speaker headings, caption cues and
        table rows; the turn keeps the first block's line and start time. ``Label: text``
        lines that follow each other directly are separate turns either way.

    Returns
    -------
    DataFrame
        The turns table: turn_id, interview, position, speaker, role, text, start, end,
        source, line. Interview ids are the file stem, or ``stem/heading`` when headings
        split the file (``magnus_interviews/Narasumber 1``); turn ids are
        ``<interview slug>-<position:04d>`` (``magnus_interviews-narasumber-1-0001``).

    Raises
    ------
    TranscriptParseError
        For a missing, empty, binary or undecodable file, an unknown format, or a file in
        which no speaker turns can be read; ``.path`` and ``.line`` say where.
    """
    return _read_files(
        [Path(path)],
        format=format,
        roles=roles,
        single_speaker=single_speaker,
        encoding=encoding,
        speakers=speakers,
        table_options={
            "speaker_column": speaker_column,
            "text_column": text_column,
            "start_column": start_column,
            "end_column": end_column,
            "interview_column": interview_column,
        },
        progress=None,
        keep_paragraphs=keep_paragraphs,
    )[0]


def find_transcripts(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the transcript files to read.

    A folder is searched (not recursively) for files with a transcript extension, sorted by
    name; hidden files and Word lock files (``~$...``) are skipped. Files given explicitly are
    kept whatever their extension. Duplicates are dropped.

    Raises
    ------
    TranscriptParseError
        If a path does not exist, or a folder holds no transcript files.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        msg = "no transcript paths given"
        raise TranscriptParseError(msg)
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()  # (device, inode): the same file by any path
    for item in items:
        p = Path(item)
        try:
            st = p.stat()
        except OSError as err:
            msg = "file not found"
            raise TranscriptParseError(msg, path=p) from err
        if stat.S_ISDIR(st.st_mode):
            with os.scandir(p) as entries:
                names = sorted(
                    (e.name, e)
                    for e in entries
                    if os.path.splitext(e.name)[1].lower() in TRANSCRIPT_SUFFIXES
                    and not e.name.startswith((".", "~$"))
                    and e.is_file()
                )
            if not names:
                msg = (
                    "folder holds no transcript files; expected files ending in "
                    f"{', '.join(TRANSCRIPT_SUFFIXES)}"
                )
                raise TranscriptParseError(msg, path=p)
            for name, entry in names:
                est = entry.stat()
                key = (est.st_dev, est.st_ino)
                if key not in seen:
                    seen.add(key)
                    out.append(p / name)
        elif (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            out.append(p)
    return out


def _bases(files: list[Path]) -> list[str]:
    """Interview id prefixes: file stems, disambiguated by folder and suffix when equal."""
    stems = [interview_base(f) for f in files]
    result = list(stems)
    counts = Counter(stems)
    dup = {s for s, n in counts.items() if n > 1}
    if dup:
        for k, f in enumerate(files):
            if stems[k] in dup:
                result[k] = f"{f.resolve().parent.name}-{stems[k]}"
        counts = Counter(result)
        dup2 = {s for s, n in counts.items() if n > 1}
        for k, f in enumerate(files):
            if result[k] in dup2:
                result[k] = f"{result[k]}-{f.suffix.lstrip('.').lower() or k + 1}"
        seen: dict[str, int] = {}
        for k, name in enumerate(result):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                result[k] = f"{name}-{seen[name]}"
    return result


def read_transcripts(
    paths: str | Path | Iterable[str | Path],
    *,
    format: str = "auto",
    roles: RolesArg = None,
    single_speaker: bool = False,
    encoding: str | None = None,
    speakers: Collection[str] | None = None,
    speaker_column: str | None = None,
    text_column: str | None = None,
    start_column: str | None = None,
    end_column: str | None = None,
    interview_column: str | None = None,
    progress: Callable[[Path], None] | None = None,
    keep_paragraphs: bool = False,
) -> pd.DataFrame:
    """Read many transcript files (or folders of them) into one turns table.

    Parameters
    ----------
    paths : str, Path or iterable of them
        Files and folders (see :func:`find_transcripts`).
    progress : callable, optional
        Called with each file's path after it is read (for a progress bar).
    **options
        As for :func:`read_transcript`.

    Returns
    -------
    DataFrame
        One turns table, files in the order given (folders sorted by name). Turn and interview
        ids are unique across files: files with the same stem get the folder name (and, if
        still equal, the extension) in their interview ids.

    Raises
    ------
    TranscriptParseError
        As for :func:`read_transcript`, naming the file that failed.
    """
    return _read_files(
        find_transcripts(paths),
        format=format,
        roles=roles,
        single_speaker=single_speaker,
        encoding=encoding,
        speakers=speakers,
        table_options={
            "speaker_column": speaker_column,
            "text_column": text_column,
            "start_column": start_column,
            "end_column": end_column,
            "interview_column": interview_column,
        },
        progress=progress,
        keep_paragraphs=keep_paragraphs,
    )[0]


def read_transcripts_with_report(
    paths: str | Path | Iterable[str | Path], **options: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read transcripts as :func:`read_transcripts` does, and say how each file was read.

    Returns
    -------
    turns : DataFrame
        The turns table.
    report : DataFrame
        One row per file, in order: ``source``, ``format`` (the reader: text, markdown,
        docx, html, vtt, srt, table), ``layout`` (the shape detected, e.g. ``"text, speaker
        and time header lines (Otter)"``), ``blocks`` (labelled blocks, cues or rows read),
        ``turns`` (after merging consecutive blocks of one speaker) and ``speakers``.
    """
    files = find_transcripts(paths)
    table_options = {
        k: options.pop(k, None)
        for k in ("speaker_column", "text_column", "start_column", "end_column", "interview_column")
    }
    turns, reports = _read_files(
        files,
        format=options.pop("format", "auto"),
        roles=options.pop("roles", None),
        single_speaker=options.pop("single_speaker", False),
        encoding=options.pop("encoding", None),
        speakers=options.pop("speakers", None),
        table_options=table_options,
        progress=options.pop("progress", None),
        keep_paragraphs=options.pop("keep_paragraphs", False),
    )
    if options:
        msg = f"unknown option(s) {', '.join(sorted(options))} for reading transcripts"
        raise TypeError(msg)
    speakers = turns.groupby(schema.SOURCE, sort=False, observed=True)[schema.SPEAKER].nunique()
    rows = [
        {**vars(r), "speakers": int(speakers.get(r.source, 0))} for _, r in sorted(reports.items())
    ]
    report = pd.DataFrame(
        rows, columns=["source", "format", "layout", "blocks", "turns", "speakers"]
    )
    return turns, report


def _read_files(
    files: list[Path],
    *,
    format: str,
    roles: RolesArg,
    single_speaker: bool,
    encoding: str | None,
    speakers: Collection[str] | None,
    table_options: Mapping[str, str | None],
    progress: Callable[[Path], None] | None,
    keep_paragraphs: bool = False,
) -> tuple[pd.DataFrame, dict[int, FileReport]]:
    if format not in FORMATS:
        msg = f"unknown format {format!r}; expected one of {', '.join(FORMATS)}"
        raise TranscriptParseError(msg)
    mapping = parse_roles(roles)
    if progress is None and len(files) > 1:
        from qualcode.progress import progress_bar

        with progress_bar(total=len(files), desc="reading transcripts", unit="file") as bar:
            return _read_files(
                files,
                format=format,
                roles=roles,
                single_speaker=single_speaker,
                encoding=encoding,
                speakers=speakers,
                table_options=table_options,
                progress=lambda _f: bar.update(1),
            )
    out = _Collector(
        [FileInfo(base, f.name) for f, base in zip(files, _bases(files), strict=True)],
        roles=mapping,
        merge_runs=not keep_paragraphs,
    )
    texts: list[tuple[int, Path, str]] = []  # plain texts waiting for the fast path
    chars = 0
    current = files[0] if files else Path()
    try:
        for k, f in enumerate(files):
            current = f
            _read_one(
                f,
                file=k,
                format=format,
                roles=mapping,
                single_speaker=single_speaker,
                encoding=encoding,
                speakers=speakers,
                table_options=table_options,
                out=out,
                texts=texts,
            )
            if texts:
                chars += len(texts[-1][2])
                if chars >= _BATCH_CHARS:
                    chars = 0
                    _flush_texts(out, texts, single_speaker=single_speaker)
            logger.debug("read %s", f)
            if progress is not None:
                progress(f)
        _flush_texts(out, texts, single_speaker=single_speaker)
    except TranscriptParseError:
        raise
    except QualcodeError as err:
        raise TranscriptParseError(str(err), path=current) from err
    except (OSError, UnicodeError) as err:
        msg = f"cannot read transcript: {err}"
        raise TranscriptParseError(msg, path=current) from err
    return out.frame(), out.reports


def read_turns(paths: str | Path | Iterable[str | Path], **opts: object) -> pd.DataFrame:
    """Read a turns table, or transcripts into one: what every qualcode command accepts.

    Parameters
    ----------
    paths : str, Path or iterable of them
        A single turns table (CSV/TSV/XLSX/Parquet with the turns columns), or transcript
        files and folders.
    **opts
        Options for :func:`read_transcripts` (format, roles, ...).

    Returns
    -------
    DataFrame
        A validated turns table.

    Raises
    ------
    TranscriptParseError
        If the files cannot be read as transcripts.
    TableError
        If a turns table is invalid (duplicate turn ids, unknown roles...).
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if len(items) == 1:
        p = Path(items[0])
        if p.is_file() and p.suffix.lower() in TURNS_TABLE_SUFFIXES:
            df = read_frame(p, encoding=opts.get("encoding"))  # type: ignore[arg-type]
            if is_turns_table(df):
                turns = schema.validate_turns(df, source=p)
                roles = opts.get("roles")
                return assign_roles(turns, roles=roles) if roles else turns  # type: ignore[arg-type]
    return read_transcripts(items, **opts)  # type: ignore[arg-type]
