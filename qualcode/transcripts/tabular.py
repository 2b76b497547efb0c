"""Transcripts kept as tables: CSV, TSV or XLSX with a speaker and a text column.

Column names are found automatically (case and punctuation ignored) or given:

- speaker: Speaker, Speaker name, Name, Sprecher, Sprecherin, Pembicara, Penutur, Who
- text: Text, Transcript, Transcription, Utterance, Content, Words, Dialogue, Teks, Ucapan,
  Äußerung
- start / end (optional): Start, Start time, Begin, Von, Timestamp, Time, Waktu / End, End
  time, Stop, Bis; seconds or ``hh:mm:ss(.mmm)``. Oral-history tables write notes in their time
  column on a few rows (``[00:03:43] beginning of actual interview``, ``tape change``): the
  time in front of a note is read, the note itself is not speech and is left out of the turns
  table (the turns columns have no place for it; the reading report counts the notes). A cell
  that is neither a time nor a note (``zero``, ``12:7x``) is refused.
- interview (optional): Interview, Interview id, Document, Session, Wawancara

Speaker cells may end in a colon (``LG:``, as oral-history tables write them). Rows without a
speaker continue the previous turn; rows without text are skipped, and so are rows without a
speaker whose whole text is a stage note in brackets (``[Tape 1, Side A]``, ``(laughs)``).
Consecutive rows of one speaker are one turn (``merge_runs=False`` keeps every row a turn).
``line`` is the table row number as a spreadsheet shows it (the header is row 1). A table that
already is a turns table (it has the turns columns: turn_id, interview, position, speaker, role,
text) is returned as-is after validation.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qualcode import schema
from qualcode.errors import TableError, TranscriptParseError
from qualcode.tables import read_table
from qualcode.transcripts.builder import RawTurns
from qualcode.transcripts.encoding import read_text
from qualcode.transcripts.labels import normalize_space, parse_timestamp

__all__ = [
    "END_NAMES",
    "INTERVIEW_NAMES",
    "SPEAKER_NAMES",
    "START_NAMES",
    "TEXT_NAMES",
    "is_turns_table",
    "parse_frame",
    "read_frame",
]

SPEAKER_NAMES = (
    "speaker", "speakername", "sprecher", "sprecherin", "pembicara", "penutur", "name", "who",
    "participant", "person", "speakerlabel", "label", "role",
)  # fmt: skip
TEXT_NAMES = (
    "text", "transcript", "transcription", "utterance", "content", "dialogue", "dialog",
    "teks", "ucapan", "transkrip", "aussage", "äusserung", "ausserung", "message", "said", "line",
    "words", "speech", "segment",
)  # fmt: skip
#: ``hh:mm:ss:ff`` timecodes (frames dropped)
_TIMECODE_RE = re.compile(r"^(\d{1,2}:\d{2}:\d{2}):\d{2}$")
#: a cell that is a stage note, not speech: all in brackets or parentheses
_STAGE_NOTE_RE = re.compile(r"\[[^\[\]]*\]|\([^()]*\)")
START_NAMES = (
    "start", "starttime", "begin", "from", "von", "mulai", "timestamp", "time", "timecode", "tc",
    "in", "starttimecode", "waktu", "timestampnotes", "timenotes",
)  # fmt: skip
END_NAMES = ("end", "endtime", "stop", "to", "bis", "selesai")
INTERVIEW_NAMES = ("interview", "interviewid", "document", "session", "wawancara", "file")
#: a time in front of a note in a time column: ``[00:03:43] beginning of actual interview``
_TIME_NOTE_RE = re.compile(
    r"[\[(]?\s*(?P<time>\d{1,2}(?::\d{1,2}){1,3}(?:[.,]\d{1,3})?)\s*[\])]?[\s:;,.–—-]*(?P<note>.*)",
    re.DOTALL,
)
#: a time-column cell that is a note without a time: words, or text in brackets
_NOTE_RE = re.compile(r"(?s)[\[(].*[^\W\d_].*[\])]|.*[^\W\d_]\w*\s+\S.*")

logger = logging.getLogger(__name__)

_TURN_REQUIRED = (
    schema.TURN_ID,
    schema.INTERVIEW,
    schema.POSITION,
    schema.SPEAKER,
    schema.ROLE,
    schema.TEXT,
)


def _key(name: object) -> str:
    return re.sub(r"[\W_]+", "", str(name).casefold())


def _find(
    columns: Sequence[str], given: str | None, names: Sequence[str], what: str, path: Path
) -> str | None:
    if given is not None:
        if given in columns:
            return given
        folded = {_key(c): c for c in columns}
        if _key(given) in folded:
            return folded[_key(given)]
        msg = (
            f"no column {given!r} for the {what}; the table has columns "
            f"{', '.join(map(str, columns))}"
        )
        raise TranscriptParseError(msg, path=path, line=1)
    keys = {_key(c): c for c in columns}
    for name in names:
        if name in keys:
            return keys[name]
    return None


def is_turns_table(df: pd.DataFrame) -> bool:
    """Say whether ``df`` already has the turns columns."""
    return all(c in df.columns for c in _TURN_REQUIRED)


def _read_delimited(path: Path, encoding: str | None) -> pd.DataFrame:
    text = read_text(path, encoding=encoding)
    first = text.split("\n", 1)[0]
    if path.suffix.lower() == ".tsv":
        sep = "\t"
    else:
        try:
            sep = csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as err:
        m = re.search(r"line (\d+)", str(err))
        line = int(m.group(1)) if m else None
        msg = f"cannot read the table: {err}"
        m = re.search(r"EOF inside string starting at row (\d+)", str(err))
        if m is not None:
            line = _record_line(text, sep, int(m.group(1)))
            msg = (
                'a cell opened with a quote (") is never closed; expected a closing quote '
                "before the end of the file"
            )
        raise TranscriptParseError(msg, path=path, line=line) from err


def _record_line(text: str, sep: str, record: int) -> int | None:
    """The line on which record ``record`` (0 = the header) of a delimited text starts."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    try:
        for k, _row in enumerate(reader):
            if k == record:
                return start
            start = reader.line_num + 1
    except csv.Error:
        return None
    return None


def read_frame(
    path: str | Path, *, encoding: str | None = None, sheet: str | int = 0
) -> pd.DataFrame:
    """Read a CSV/TSV/XLSX/Parquet file into a DataFrame of text cells."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _read_delimited(p, encoding)
    try:
        return read_table(p, sheet=sheet)
    except TableError as err:
        raise TranscriptParseError(err.reason, path=p, line=err.line) from err


def parse_frame(
    df: pd.DataFrame,
    *,
    path: str | Path,
    speaker_column: str | None = None,
    text_column: str | None = None,
    start_column: str | None = None,
    end_column: str | None = None,
    interview_column: str | None = None,
    merge_runs: bool = True,
) -> RawTurns:
    """Turn a speaker/text table into raw turns (see the module docstring).

    Raises
    ------
    TranscriptParseError
        If the speaker or text column cannot be found, a time is not a number or
        ``hh:mm:ss``, or the first row with text has no speaker.
    """
    p = Path(path)
    columns = [str(c) for c in df.columns]
    df = df.set_axis(columns, axis=1)
    sp_col = _find(columns, speaker_column, SPEAKER_NAMES, "speaker", p)
    tx_col = _find(columns, text_column, TEXT_NAMES, "text", p)
    if sp_col is None or tx_col is None:
        missing = "speaker" if sp_col is None else "text"
        msg = (
            f"cannot find the {missing} column among {', '.join(columns) or '(no columns)'}; "
            f"name it (e.g. Speaker / Text) or pass {missing}_column="
        )
        raise TranscriptParseError(msg, path=p, line=1)
    st_col = _find(columns, start_column, START_NAMES, "start time", p)
    en_col = _find(columns, end_column, END_NAMES, "end time", p)
    iv_col = _find(columns, interview_column, INTERVIEW_NAMES, "interview", p)

    def cells(col: str | None) -> list[str]:
        if col is None:
            return [""] * len(df)
        return ["" if pd.isna(v) else str(v) for v in df[col].tolist()]

    speakers, texts = cells(sp_col), cells(tx_col)
    starts, ends, ivs = cells(st_col), cells(en_col), cells(iv_col)

    time_notes: list[int] = []  # rows whose time cell holds a note

    def time(value: str, row: int, col: str | None) -> float | None:
        value = value.strip()
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isnan(number):
                return None  # 'NaN', as some tools write a missing time
            if math.isfinite(number):
                return number
        seconds = parse_timestamp(_TIMECODE_RE.sub(r"\1", value.strip("[]() ")))
        if seconds is not None:
            return seconds
        m = _TIME_NOTE_RE.match(value)
        if m is not None and m["note"].strip():
            seconds = parse_timestamp(_TIMECODE_RE.sub(r"\1", m["time"]))
            if seconds is not None:
                time_notes.append(row)
                return seconds
        if _NOTE_RE.fullmatch(value):
            time_notes.append(row)
            return None
        msg = (
            f"cannot read time {value!r} in column {col!r}; expected seconds or hh:mm:ss, "
            "or a note after the time ('[00:03:43] beginning of the interview')"
        )
        raise TranscriptParseError(msg, path=p, line=row)

    raw = RawTurns()
    cur: str | None = None
    heading: str | None = None
    blocks = notes = 0
    orphans: list[int] = []  # rows with text but no speaker and no turn to continue
    for k in range(len(df)):
        row = k + 2
        text = normalize_space(texts[k])
        speaker = normalize_space(speakers[k]).removesuffix(":").rstrip()
        interview = normalize_space(ivs[k]) or None
        if interview is not None and interview != heading:
            heading, cur = interview, None
        if not text:
            continue
        blocks += 1
        if not speaker and _STAGE_NOTE_RE.fullmatch(text):
            notes += 1
            continue
        if speaker and speaker == cur and merge_runs and raw.heading[-1] == heading:
            speaker = ""  # the same speaker's next row continues the turn
        if not speaker:
            if cur is None or not len(raw) or raw.heading[-1] != heading:
                # an introduction before the first turn (oral histories open with one)
                orphans.append(row)
                continue
            raw.text[-1] += " " + text
            time(starts[k], row, st_col)  # checked (and its note counted); the turn's start stays
            end = time(ends[k], row, en_col)
            if end is not None:
                raw.end[-1] = end
            continue
        cur = speaker
        raw.add(
            heading, speaker, text, row, time(starts[k], row, st_col), time(ends[k], row, en_col)
        )
    if orphans and not len(raw):
        msg = (
            f"row has text but no speaker and there is no previous turn to continue; "
            f"expected a speaker in column {sp_col!r}"
        )
        raise TranscriptParseError(msg, path=p, line=orphans[0])
    if not len(raw):
        msg = f"the table has no rows with text in column {tx_col!r}"
        raise TranscriptParseError(msg, path=p, line=1)
    if orphans:
        logger.info(
            "%s: %d row(s) without a speaker before the first turn were not read as turns "
            "(rows %s)",
            p,
            len(orphans),
            ", ".join(map(str, orphans[:5])),
        )
    raw.blocks = blocks
    raw.layout = f"table, speaker column {sp_col!r}, text column {tx_col!r}"
    if notes:
        raw.layout += f", {notes} stage note row(s) skipped"
    if time_notes:
        raw.layout += f", {len(time_notes)} note(s) in the time column left out"
        logger.info(
            "%s: %d note(s) in the time column(s) are not speech and were left out (rows %s)",
            p,
            len(time_notes),
            ", ".join(map(str, time_notes[:5])),
        )
    return raw
