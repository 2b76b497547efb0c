"""Public entry points: read transcripts of any supported format into the turns table.

The reading itself lives by job: :mod:`qualcode.transcripts.folders` finds the files,
:mod:`qualcode.transcripts.files` runs the reading loop (format by format, plain texts in
batches on the fast path), :mod:`qualcode.transcripts.collector` gathers the turns into one
table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from qualcode import schema
from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import FileInfo, interview_base
from qualcode.transcripts.collector import TurnsCollector, raw_from_text
from qualcode.transcripts.files import RolesArg, read_files
from qualcode.transcripts.folders import find_transcripts
from qualcode.transcripts.roles import assign_roles, parse_roles
from qualcode.transcripts.tabular import is_turns_table, read_frame

__all__ = [
    "TURNS_TABLE_SUFFIXES",
    "parse_transcript",
    "read_transcript",
    "read_transcripts",
    "read_transcripts_with_report",
    "read_turns",
]

#: suffixes :func:`read_turns` treats as possible turns tables
TURNS_TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet")


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
    out = TurnsCollector(
        [FileInfo(interview_base(source), source)], roles=mapping, merge_runs=not keep_paragraphs
    )
    if format == "text" and speakers is None:
        out.add_texts([(0, Path(source), text)], single_speaker=single_speaker)
    else:
        raw = raw_from_text(
            text,
            path=source,
            format=format,
            speakers=speakers,
            single_speaker=single_speaker,
            merge_runs=not keep_paragraphs,
        )
        out.add_raw(raw, 0, format, path=source)
    return out.frame()


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
    return read_files(
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
    return read_files(
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
    turns, reports = read_files(
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
