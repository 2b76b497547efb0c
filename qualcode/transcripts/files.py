"""Read a list of transcript files into one turns table: the reading loop behind the readers.

Each file goes to its reader by format (:mod:`qualcode.transcripts.detect`). Plain-text files
are read in batches: :func:`qualcode.transcripts.fast.parse_batch` reads the common
``Label: text`` files of a batch together in a few whole-text passes, and the files it cannot
read exactly as the general reader would go to :func:`qualcode.transcripts.text.parse_text`.
Plain-text files over :data:`STREAM_BYTES` are read a block at a time (the decoded text of a
large file is never held whole unless the general reader needs it). The turns of all files are
built into one table at the end (:class:`~qualcode.transcripts.collector.TurnsCollector`).
"""

from __future__ import annotations

import codecs
import logging
import stat
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import pandas as pd

from qualcode import schema
from qualcode.errors import QualcodeError, TableError, TranscriptParseError
from qualcode.transcripts.builder import FileInfo
from qualcode.transcripts.collector import FileReport, TurnsCollector, raw_from_text
from qualcode.transcripts.detect import EXTENSIONS, FORMATS, detect_format, require_file, sniff
from qualcode.transcripts.encoding import decode_bytes, read_bytes, read_text
from qualcode.transcripts.fast import CHUNK_CHARS
from qualcode.transcripts.folders import interview_bases
from qualcode.transcripts.roles import assign_roles, parse_roles
from qualcode.transcripts.subtitles import parse_captions
from qualcode.transcripts.tabular import is_turns_table, parse_frame, read_frame

__all__ = ["STREAM_BYTES", "RolesArg", "read_files"]

logger = logging.getLogger(__name__)

RolesArg = Mapping[str, str] | str | None

#: characters of plain-text transcripts read before the fast path parses them together
_BATCH_CHARS = 4 * CHUNK_CHARS
#: plain-text files larger than this are read a block at a time
#: (:meth:`~qualcode.transcripts.collector.TurnsCollector.add_stream`)
STREAM_BYTES = _BATCH_CHARS


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
    out: TurnsCollector,
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
    require_file(path, folder="is a folder; use read_transcripts() for folders")
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
        raw = raw_from_text(
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
    out: TurnsCollector, texts: list[tuple[int, Path, str]], *, single_speaker: bool
) -> None:
    if texts:
        batch = list(texts)
        texts.clear()
        out.add_texts(batch, single_speaker=single_speaker)  # empties batch


def read_files(
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
    """Read ``files`` into one turns table; return it with how each file was read, by index."""
    if format not in FORMATS:
        msg = f"unknown format {format!r}; expected one of {', '.join(FORMATS)}"
        raise TranscriptParseError(msg)
    mapping = parse_roles(roles)
    if progress is None and len(files) > 1:
        from qualcode.progress import progress_bar

        with progress_bar(total=len(files), desc="reading transcripts", unit="file") as bar:
            return read_files(
                files,
                format=format,
                roles=roles,
                single_speaker=single_speaker,
                encoding=encoding,
                speakers=speakers,
                table_options=table_options,
                progress=lambda _f: bar.update(1),
            )
    out = TurnsCollector(
        [FileInfo(base, f.name) for f, base in zip(files, interview_bases(files), strict=True)],
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
