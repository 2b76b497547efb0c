"""The shapes of speaker labels and the kinds of lines the plain-text reader tells apart.

Shared by the two passes of the general plain-text reader (the scan,
:mod:`qualcode.transcripts.scan`, and the building of turns, :mod:`qualcode.transcripts.text`)
and by the readers that hand it lines (:mod:`qualcode.transcripts.word`,
:mod:`qualcode.transcripts.htmlpage`).
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = [
    "ALONE",
    "ATCODE",
    "BLOCK_SHAPES",
    "CHAT",
    "COLON",
    "COMMENT",
    "CONTINUATION",
    "CUE",
    "FORCED",
    "HEADING",
    "HEADLABEL",
    "MARKED",
    "MARKED_SHAPES",
    "MD_HEADING_RE",
    "OTTER",
    "SHAPE_NAMES",
    "SPACERS",
    "TAB",
    "TEAMS",
    "TEAMS_TIMING_RE",
    "TIMING",
    "TITLE",
    "TSNAME",
    "ZOOM",
    "clock_seconds",
    "describe_shapes",
]

# candidate shapes: ``TSNAME`` is ``00:00:03 Speaker 1`` alone on its line, ``ZOOM``
# ``[Name] 00:01:02`` alone on its line, ``ATCODE`` ``@code text``, ``CHAT`` ``*CHI:\ttext``;
# ``TEAMS`` (the speaker line after a Teams timing line) and ``HEADLABEL`` (a Markdown heading
# that names a speaker) certainly start a block
(COLON, TAB, MARKED, OTTER, ALONE, FORCED, TSNAME, ZOOM, ATCODE, CHAT, TEAMS,
 HEADLABEL, CUE) = range(13)  # fmt: skip
#: shapes accepted whatever the label's strength, and those that always start a block
MARKED_SHAPES = (MARKED, OTTER, ZOOM, ATCODE, CHAT, CUE)
BLOCK_SHAPES = (TEAMS, HEADLABEL)
#: how each shape is described in the reading report (``qualcode parse --explain``)
SHAPE_NAMES = {
    COLON: "'Label: text' lines",
    TAB: "'Label<TAB>: text' lines",
    MARKED: "marked labels ([Name], **Name:**, [hh:mm] Name:)",
    ZOOM: "'[Name] hh:mm:ss' blocks (Zoom transcript)",
    ATCODE: "'@code text' lines (spoken corpus)",
    CHAT: "'*CODE:' main tiers (CHAT)",
    TEAMS: "timing, speaker and text blocks (Teams .txt)",
    CUE: "timing lines over 'Name: text' (captions saved as text)",
    HEADLABEL: "speaker headings with the speech below",
    OTTER: "speaker and time header lines (Otter)",
    ALONE: "labels alone on their line",
    FORCED: "speaker | text table rows",
    TSNAME: "'hh:mm:ss Speaker' header lines (Word Transcribe)",
}
# forced line kinds (from the Word reader)
HEADING = "heading"
TITLE = "title"
CONTINUATION = "continuation"
#: a line that is not speech (``# key = value`` metadata, CHAT headers and tiers)
COMMENT = "comment"
#: a Teams ``0:0:0.0 --> 0:0:4.820`` timing line (its times are in ``LineScan.timings``)
TIMING = "timing"

#: line kinds that separate paragraphs as a blank line does
SPACERS = (HEADING, TITLE, COMMENT, TIMING)

#: the timing line of Teams' old .txt transcripts (hours, minutes and seconds without padding)
TEAMS_TIMING_RE = re.compile(
    r"[ ]{0,3}(?P<a>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,7})?)[ \t]*-->[ \t]*"
    r"(?P<b>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,7})?)[ \t]*$"
)


def clock_seconds(value: str) -> float:
    """Seconds of an ``h:m:s.f`` clock time (comma or point before the fraction)."""
    h, m, sec = value.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(sec.replace(",", ".")), 3)


#: a Markdown heading line
MD_HEADING_RE = re.compile(r"\s{0,3}#{1,6}\s")


def describe_shapes(shapes: Counter[int], *, markdown: bool = False) -> str:
    """Name the label shapes a file was read by, most used first (for the reading report)."""
    kind = "Markdown" if markdown else "text"
    if not shapes:
        return kind
    names = [SHAPE_NAMES[shape] for shape, _ in shapes.most_common(2)]
    return f"{kind}, " + " and ".join(names)
