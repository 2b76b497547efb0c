"""Transcripts to speaker turns: readers for text, Markdown, Word, HTML, WebVTT/SRT and tables.

Every reader returns the ``turns`` table of :mod:`qualcode.schema`. Modules: ``encoding``
(bytes to text), ``labels`` (speaker labels, headings, timestamps), ``text`` (plain text and
Markdown; its first pass in ``scan``, the label shapes and line kinds in ``shapes``),
``fast`` (the same reading of ``Label: text`` files, in whole-text Arrow passes), ``builder``
(turns columns and the table), ``word`` (.docx), ``htmlpage`` (.htm/.html), ``subtitles``
(.vtt/.srt), ``tabular`` (.csv/.tsv/.xlsx), ``detect`` (format detection), ``roles``
(interviewer/participant/other), ``writer`` (turns back to text), ``folders`` (finding the
files), ``files`` (the reading loop), ``collector`` (turns gathered into one table) and
``api`` (the functions below).
"""

from __future__ import annotations

from qualcode.transcripts.api import (
    parse_transcript,
    read_transcript,
    read_transcripts,
    read_transcripts_with_report,
    read_turns,
)
from qualcode.transcripts.detect import FORMATS, detect_format
from qualcode.transcripts.folders import find_transcripts
from qualcode.transcripts.roles import assign_roles, parse_roles
from qualcode.transcripts.summary import summarize_interviews
from qualcode.transcripts.writer import format_transcript, write_transcript

__all__ = [
    "FORMATS",
    "assign_roles",
    "detect_format",
    "find_transcripts",
    "format_transcript",
    "parse_roles",
    "parse_transcript",
    "read_transcript",
    "read_transcripts",
    "read_transcripts_with_report",
    "read_turns",
    "summarize_interviews",
    "write_transcript",
]
