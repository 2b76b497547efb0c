"""Plain-text and Markdown transcripts with speaker labels.

Shapes read (one turn starts at each label; lines without a label continue the current turn):

- ``Name: text``, ``Name\\t: text`` (the thesis appendix), ``Name : text``, ``MR. DAVIS: text``
- a label alone on its line (``Interviewer:``, ``INTERVIEWER``, ``**Jane**``), speech below,
  indented or not
- ``[Name] text``, ``**Name:** text``, ``**Name** [0:18] text``
- Otter.ai exports: ``Jane Doe  0:03`` on its own line, the speech below
- timestamps: ``[00:01:23] Name: text``, ``(00:01:23) Name: text``, ``Name (00:01:23): text``
- ``Q:``/``A:``, ``I:``/``R:``, ``Interviewer:``/``Respondent:``, ``P1:``, ``SPEAKER_00:``
- ``[id1] text``, ``[Participant 3] text`` (bracket labels without a colon)
- WhisperX / diarised Markdown: ``**[00:04] SPEAKER_04:** text``
- Zoom's transcript blocks: ``[Jane Doe] 00:01:02`` on its own line, the speech below
- Word's Transcribe export: ``00:00:03 Speaker 1`` on its own line, the speech below (the header
  "Audio file / <name> / Transcript" is skipped)
- Teams' and Stream's old .txt (and .docx): a ``0:0:0.0 --> 0:0:4.820`` timing line, the
  speaker line, the speech (start and end times from the timing line), with or without blank
  lines between blocks; speaker lines of any shape (``Schmidt, Anna``, an e-mail address) when
  they recur or start most blocks (:meth:`_Parser._teams_speakers`)
- captions saved as text without their header: timing lines over ``Name: text``
- speaker headings: ``### Interviewer`` over the speech, when such a heading recurs
- spoken corpora: ``@dg1985m text`` speaker codes; CHAT ``*CHI:\ttext`` tiers. Lines that are
  not speech are skipped: ``# key = value`` metadata, CHAT headers and dependent tiers
  (``@Begin``, ``@Participants:``, ``%mor:``)

Consecutive blocks of one speaker are one turn (``merge_runs=True``, see :func:`parse_lines`):
paragraphs that each repeat the label, in a file that writes its turns as paragraphs; speaker
header lines (Zoom, Otter, Word Transcribe, speaker headings) and Teams timing blocks. Label
lines that follow each other directly are separate turns (one utterance per line).

How a label is told apart from prose such as ``Catatan: ...`` or ``Yang pertama itu: ...``:
a label is at most 4 words and 40 characters of capitalised words, initials or codes
(:func:`~qualcode.transcripts.labels.label_strength`). Codes (``P``, ``N1``, ``Q``), all-caps
names and role words count as labels wherever they occur; a capitalised name (``Jane``) counts
only if it recurs as a label in the file, or is written in a marked shape (``[Jane]``,
``**Jane:**``, with a timestamp, or ``Jane\\t: text``). A label seen once that looks like prose is
continuation text. Pass ``speakers=[...]`` to name the labels yourself.

Headings split a file into interviews: Markdown ``#`` headings; short title-like lines that
name an interview (``Narasumber 1``, ``Interview 2:``, ``Wawancara tambahan (22 Mei 2023):``)
followed by a turn; and other short, capitalised lines without a sentence end that stand
between blank lines before a turn. Consecutive headings form one interview name joined with
`` - ``, except that the first group of headings in a file drops its first line, the document's
title (``Transkrip Wawancara``). Page numbers (``12``, ``Page 3 of 10``) and running page
headers (the same heading-like line three or more times) are skipped. Text before the first
label of an interview (a date, a place) is not a turn; it is logged.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Collection, Mapping
from pathlib import Path

from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import UNKNOWN_SPEAKER, RawTurns
from qualcode.transcripts.labels import (
    ALONE_RE,
    AT_CODE_RE,
    CHAT_TIER_RE,
    COMMENT_RE,
    LABEL_RE,
    OTTER_RE,
    STRONG,
    TS_NAME_RE,
    clean_heading,
    is_keyword_heading,
    is_page_number,
    is_title_like,
    label_strength,
    parse_timestamp,
    strip_markup,
)

logger = logging.getLogger(__name__)

# candidate shapes: ``_TSNAME`` is ``00:00:03 Speaker 1`` alone on its line, ``_ZOOM``
# ``[Name] 00:01:02`` alone on its line, ``_ATCODE`` ``@code text``, ``_CHAT`` ``*CHI:\ttext``;
# ``_TEAMS`` (the speaker line after a Teams timing line) and ``_HEADLABEL`` (a Markdown heading
# that names a speaker) certainly start a block
(_COLON, _TAB, _MARKED, _OTTER, _ALONE, _FORCED, _TSNAME, _ZOOM, _ATCODE, _CHAT, _TEAMS,
 _HEADLABEL, _CUE) = range(13)  # fmt: skip
#: shapes accepted whatever the label's strength, and those that always start a block
_MARKED_SHAPES = (_MARKED, _OTTER, _ZOOM, _ATCODE, _CHAT, _CUE)
_BLOCK_SHAPES = (_TEAMS, _HEADLABEL)
_GROUPS = ("name", "tab", "rest", "ts1", "ts0", "ts2", "ts3", "bold", "brk", "ts4", "ts5")
#: how each shape is described in the reading report (``qualcode parse --explain``)
SHAPE_NAMES = {
    _COLON: "'Label: text' lines",
    _TAB: "'Label<TAB>: text' lines",
    _MARKED: "marked labels ([Name], **Name:**, [hh:mm] Name:)",
    _ZOOM: "'[Name] hh:mm:ss' blocks (Zoom transcript)",
    _ATCODE: "'@code text' lines (spoken corpus)",
    _CHAT: "'*CODE:' main tiers (CHAT)",
    _TEAMS: "timing, speaker and text blocks (Teams .txt)",
    _CUE: "timing lines over 'Name: text' (captions saved as text)",
    _HEADLABEL: "speaker headings with the speech below",
    _OTTER: "speaker and time header lines (Otter)",
    _ALONE: "labels alone on their line",
    _FORCED: "speaker | text table rows",
    _TSNAME: "'hh:mm:ss Speaker' header lines (Word Transcribe)",
}
# forced line kinds (from the Word reader)
HEADING = "heading"
TITLE = "title"
CONTINUATION = "continuation"
#: a line that is not speech (``# key = value`` metadata, CHAT headers and tiers)
COMMENT = "comment"
#: a Teams ``0:0:0.0 --> 0:0:4.820`` timing line (its times are in ``_Parser.timings``)
TIMING = "timing"

#: line kinds that separate paragraphs as a blank line does
_SPACERS = (HEADING, TITLE, COMMENT, TIMING)

#: the timing line of Teams' old .txt transcripts (hours, minutes and seconds without padding)
_TEAMS_TIMING_RE = re.compile(
    r"[ ]{0,3}(?P<a>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,7})?)[ \t]*-->[ \t]*"
    r"(?P<b>\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,7})?)[ \t]*$"
)


#: a line that may name a speaker under a Teams timing line (see :meth:`_Parser._teams_speakers`):
#: up to 60 characters and 6 words, no colon, not ending like a sentence, not starting like a
#: caption's sound note or dialogue dash (``[Music]``, ``(laughs)``, ``- Hi``, ``>> Hi``, ``♪``)
_TEAMS_NAME_RE = re.compile(
    r"(?=.{1,60}$)(?![\[(\-–—>♪])[^\s:]+(?:[ \t]+[^\s:]+){0,5}(?<![?!…])(?<!\w{5}\.)"
)


def _clock_seconds(value: str) -> float:
    h, m, sec = value.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(sec.replace(",", ".")), 3)


_RULE_RE = re.compile(r"\s{0,3}(?:-{3,}|\*{3,}|_{3,}|={3,})\s*")
#: lines transcription services append that are not speech
_BOILERPLATE_RE = re.compile(r"(?i)transcribed by https?://(?:www\.)?otter\.ai\S*$")
_MD_EMPHASIS_RE = re.compile(r"\*\*|__")
_MD_HEADING_RE = re.compile(r"\s{0,3}#{1,6}\s")
#: first characters of lines :meth:`_Parser._special` reads
_SPECIAL_LEADS = frozenset("#@%*")


def _first_lines(items: list[tuple[int, str]]) -> str:
    return "; ".join(f"line {ln}: {text[:60]!r}" for ln, text in items[:3])


class _Parser:
    """Two passes over the lines: find label candidates and count them, then build turns."""

    def __init__(
        self,
        lines: list[str],
        *,
        path: str | Path,
        linenos: list[int] | None,
        forced: Mapping[int, object] | None,
        markdown: bool,
        speakers: Collection[str] | None,
        merge_runs: bool = True,
        paragraph_starts: Collection[int] = (),
    ) -> None:
        self.lines = lines
        self.merge_runs = merge_runs
        self.paragraph_starts = paragraph_starts
        self.timings: dict[int, tuple[float, float]] = {}
        #: label lines accepted in the last build, and how many of each shape
        self.blocks = 0
        self.shapes: Counter[int] = Counter()
        self.path = path
        self.linenos = linenos
        self.forced = forced or {}
        self.markdown = markdown
        self.speakers = set(speakers) if speakers is not None else None
        #: accept weak labels seen once (used when the strict reading finds no turn at all)
        self.relaxed = False
        self.cands: list[tuple[str, str, float | None, int] | str | None] = []
        self.colon_counts: Counter[str] = Counter()
        self.alone_counts: Counter[str] = Counter()
        self.speaking: set[str] = set()
        self.short_counts: Counter[str] = Counter()
        self._ok: dict[tuple[str, int], bool] = {}
        self._heading_memo: dict[int, bool] = {}

    # -- pass 1 ---------------------------------------------------------------------------
    def scan(self) -> None:
        lines = self.lines
        forced = self.forced
        markdown = self.markdown
        cands: list[tuple[str, str, float | None, int] | str | None] = [None] * len(lines)
        seen_labels: list[str] = []
        labels_append = seen_labels.append
        speaking = self.speaking
        label_re_match = LABEL_RE.match
        after_timing = False
        teams_names: list[int] = []
        for i, line in enumerate(lines):
            under_timing, after_timing = after_timing, False
            if forced:
                kind = forced.get(i)
                if kind is not None:
                    if isinstance(kind, tuple):
                        speaker, text = kind
                        cands[i] = (speaker, text, None, _FORCED)
                        speaking.add(speaker)
                    else:
                        cands[i] = str(kind)
                    continue
            if "<" in line or "&" in line:
                line = lines[i] = strip_markup(line)
            if markdown and line[:1] == ">":
                line = lines[i] = line.lstrip(">").lstrip()
            head = line[:72]
            lead = head[:4].lstrip()[:1]
            if lead in _SPECIAL_LEADS:
                got = self._special(i, line, lead)
                if got is not None:
                    cands[i] = got
                    if isinstance(got, tuple):
                        labels_append(got[0])
                        if got[1]:
                            speaking.add(got[0])
                    continue
            elif "-->" in head:
                m = _TEAMS_TIMING_RE.match(line)
                if m is not None:
                    cands[i] = TIMING
                    self.timings[i] = (_clock_seconds(m["a"]), _clock_seconds(m["b"]))
                    after_timing = True
                    continue
            if under_timing:
                s = line.strip()
                m = ALONE_RE.match(line) if s else None
                if m is not None and label_strength(" ".join(s.split())):
                    label = " ".join(s.split())
                    cands[i] = (label, "", None, _TEAMS)
                    labels_append(label)
                    continue
                if s and _TEAMS_NAME_RE.fullmatch(s):
                    teams_names.append(i)  # decided by _teams_speakers() after the scan
            if lead.isdigit() and len(line) <= 72:
                m = TS_NAME_RE.match(line)
                if m is not None:
                    label = " ".join(m.group("name").split())
                    if label_strength(label):
                        cands[i] = (label, "", parse_timestamp(m.group("ts")), _TSNAME)
                        labels_append(label)
                        continue
            if len(line) <= 64 and line.rstrip()[-1:].isdigit():
                m = OTTER_RE.match(line.strip())
                if m is not None:
                    label = " ".join(m.group("name").split())
                    if label_strength(label):
                        cands[i] = (label, "", parse_timestamp(m.group("ts")), _OTTER)
                        labels_append(label)
                        continue
            if ":" in head or head[:4].lstrip()[:1] in ("[", "*"):
                m = label_re_match(line)
                if m is not None:
                    name, tab, rest, ts1, ts0, ts2, ts3, bold, brk, ts4, ts5 = m.group(*_GROUPS)
                    shape = _COLON
                    if name is None:
                        name = bold or brk
                        shape = _MARKED
                    elif tab is not None:
                        shape = _TAB
                    if "  " in name or "\t" in name:
                        name = " ".join(name.split())
                    ts = ts1 or ts0 or ts2 or ts3 or ts4 or ts5
                    start = None
                    if ts is not None:
                        start = parse_timestamp(ts)
                        if shape == _COLON:
                            shape = _MARKED
                        elif ts5 is not None:
                            shape = _ZOOM
                    elif under_timing and shape == _COLON:
                        shape = _CUE  # a caption's 'Name: text' under its timing line
                    cands[i] = (name, rest, start, shape)
                    labels_append(name)
                    if rest and (rest[0] != " " or rest.strip()):
                        speaking.add(name)
                    continue
            if head[:1] == "#" and _MD_HEADING_RE.match(head):
                cands[i] = HEADING
                continue
            s = line.strip()
            if not s:
                continue
            if len(s) <= 60:
                if len(s) <= 40 and line[:1] != "\t":
                    m = ALONE_RE.match(line)
                    if m is not None:
                        label = " ".join(s.strip("*").split())
                        if label and label_strength(label):
                            cands[i] = (label, "", None, _ALONE)
                            self.alone_counts[label] += 1
                self.short_counts[s] += 1
        self.cands = cands
        self.colon_counts.update(seen_labels)
        if self.timings:
            self._teams_speakers(teams_names)
        self._audio_file_header()
        self._speaker_headings()

    def _special(self, i: int, line: str, lead: str) -> tuple[str, str, None, int] | str | None:
        """Read a line starting with ``#``, ``@``, ``%`` or ``*``: a comment, a speaker code."""
        if COMMENT_RE.match(line) is not None:
            return COMMENT
        if lead == "@":
            m = AT_CODE_RE.match(line.lstrip(" "))
            if m is not None:
                return (m["name"], m["rest"], None, _ATCODE)
        elif lead == "*":
            m = CHAT_TIER_RE.match(line.lstrip(" "))
            if m is not None:
                return (m["name"], m["rest"], None, _CHAT)
        return None

    def _teams_speakers(self, names: list[int]) -> None:
        """Settle the speaker lines under Teams timing lines.

        The line under a timing line names the speaker. One that does not look like a label
        (``Schmidt, Anna``, ``anna schmidt``, an e-mail address, a name of five words) is taken
        as the speaker's when it stands under a timing line with speech below it at least twice
        in the file, or when at least half the timing blocks start with a speaker line taken so:
        a caption text that merely follows a timing line does neither. A speaker line with no
        speech below it (a timing line, a blank or the end follows) is read as speech unless
        the name speaks elsewhere.
        """
        lines, cands = self.lines, self.cands
        n = len(lines)

        def speech_below(i: int) -> bool:
            return i + 1 < n and cands[i + 1] != TIMING and bool(lines[i + 1].strip())

        def is_teams(i: int) -> bool:
            c = cands[i]
            return c.__class__ is tuple and c[3] == _TEAMS  # type: ignore[index]

        spoken = [i for i in names if speech_below(i)]
        recurring = Counter(" ".join(lines[i].split()) for i in spoken)
        blocks = [t + 1 for t in self.timings if speech_below(t + 1)]
        taken = sum(is_teams(i) or recurring[" ".join(lines[i].split())] >= 2 for i in blocks)
        most = taken * 2 >= len(blocks)
        for i in spoken:
            label = " ".join(lines[i].split())
            if most or recurring[label] >= 2:
                cands[i] = (label, "", None, _TEAMS)
                self.colon_counts[label] += 1
        teams = [i for i in range(n) if is_teams(i)]
        speaking = {cands[i][0] for i in teams if speech_below(i)}  # type: ignore[index]
        for i in teams:
            if not speech_below(i) and cands[i][0] not in speaking:  # type: ignore[index]
                cands[i] = None
        for i in names:
            label = " ".join(lines[i].split())
            if not speech_below(i) and label in speaking:
                cands[i] = (label, "", None, _TEAMS)

    def _audio_file_header(self) -> None:
        """Mark the header of Word's Transcribe export ("Audio file", a name, "Transcript")."""
        nonblank = [j for j in range(min(len(self.lines), 12)) if self.lines[j].strip()][:4]
        words = [self.lines[j].strip().casefold() for j in nonblank]
        if words[:1] == ["audio file"] and "transcript" in words[1:]:
            for j in nonblank[: words.index("transcript") + 1]:
                self.cands[j] = TITLE

    def _speaker_headings(self) -> None:
        """Read Markdown headings that name a speaker (``### Interviewer``, speech below).

        A heading is a speaker's when its text is a label, the next line is speech (not a label
        or another heading), and the same heading stands over speech at least twice in the
        file; interview headings are followed by labelled turns and are left alone.
        """
        cands = self.cands
        found: dict[str, list[int]] = {}
        for i, c in enumerate(cands):
            if c != HEADING:
                continue
            label = clean_heading(self.lines[i])
            if not label or not label_strength(label):
                continue
            j = self.next_nonblank(i)
            if j is None or cands[j] is not None:
                continue
            found.setdefault(label, []).append(i)
        for label, rows in found.items():
            if len(rows) >= 2:
                for i in rows:
                    cands[i] = (label, "", None, _HEADLABEL)
                    self.colon_counts[label] += 1

    # -- label acceptance -----------------------------------------------------------------
    def ok(self, label: str, shape: int) -> bool:
        key = (label, shape)
        got = self._ok.get(key)
        if got is not None:
            return got
        if shape == _FORCED or shape in _BLOCK_SHAPES:
            res = True
        elif self.speakers is not None:
            res = label in self.speakers
        elif shape == _TAB:
            res = True
        else:
            strength = label_strength(label)
            if strength == 0:
                res = False
            elif strength == STRONG or shape in _MARKED_SHAPES:
                res = True
            elif shape == _TSNAME:
                res = self.colon_counts[label] >= 2
            elif shape == _ALONE:
                res = self.alone_counts[label] >= 2 or self.colon_counts[label] >= 2
            else:
                res = self.colon_counts[label] >= (1 if self.relaxed else 2)
        self._ok[key] = res
        return res

    def is_label_line(self, j: int) -> bool:
        c = self.cands[j]
        return isinstance(c, tuple) and self.ok(c[0], c[3])

    def next_nonblank(self, i: int) -> int | None:
        lines = self.lines
        for j in range(i + 1, len(lines)):
            if lines[j].strip() or self.cands[j] is not None:
                return j
        return None

    def heading_at(self, i: int, prev_blank: bool) -> bool:
        """Say whether the (title-like, non-label) line ``i`` is a heading."""
        memo = self._heading_memo.get(i)
        if memo is not None:
            return memo
        self._heading_memo[i] = False  # guards against cycles
        s = self.lines[i].strip()
        res = False
        if self.short_counts[s] >= 3 and not is_keyword_heading(s):
            res = False  # a running page header
        elif is_title_like(s):
            j = self.next_nonblank(i)
            if j is None:
                nxt = False
            elif self.cands[j] == HEADING or self.is_label_line(j):
                nxt = True
            else:
                nxt = is_title_like(self.lines[j].strip()) and self.heading_at(
                    j, j > i + 1 or i + 1 >= len(self.lines)
                )
            if nxt:
                if is_keyword_heading(s) or s.endswith(":"):
                    res = True
                else:
                    after_blank = i + 1 >= len(self.lines) or not self.lines[i + 1].strip()
                    res = prev_blank and (after_blank or (j is not None and j > i + 1))
        self._heading_memo[i] = res
        return res

    def paragraph_layout(self) -> bool:
        """Say whether the file writes its ``Label: text`` turns as paragraphs.

        True when (nearly) every such label line stands after a blank line or a heading, as in
        files that repeat the label on every paragraph; False for files with one utterance per
        line (the thesis transcripts, corpora), where a label after a blank line (a page
        break) still starts a new turn.
        """
        lines, cands = self.lines, self.cands
        spaced = adjacent = 0
        for i, c in enumerate(cands):
            if c.__class__ is not tuple or not c[1] or not self.ok(c[0], c[3]):  # type: ignore[index]
                continue
            before = cands[i - 1] if i else None
            if (
                i == 0
                or (before is None and not lines[i - 1].strip())
                or before in _SPACERS
                or i in self.paragraph_starts
            ):
                spaced += 1
            else:
                adjacent += 1
        return spaced >= 2 and adjacent * 10 <= spaced

    # -- pass 2 ---------------------------------------------------------------------------
    def build(self) -> tuple[RawTurns, list[tuple[int, str]]]:
        raw = RawTurns()
        lines = self.lines
        cands = self.cands
        linenos = self.linenos
        markdown = self.markdown
        stack: list[str] = []
        first_stack = True
        heading: str | None = None
        used_names: Counter[str] = Counter()
        unread: list[tuple[int, str]] = []
        dropped = 0
        sp: str | None = None
        parts: list[str] = []
        t_line = 0
        t_start: float | None = None
        t_end: float | None = None
        timing: tuple[float, float] | None = None  # of a Teams timing line before the label
        prev_blank = True
        ok = self.ok
        add = raw.add
        merge_runs = self.merge_runs
        paragraphs = merge_runs and self.paragraph_layout()
        self.blocks = 0
        shapes = self.shapes
        shapes.clear()
        paragraph_starts = self.paragraph_starts

        def flush() -> None:
            if sp is not None and parts:
                text = " ".join(parts)
                if markdown:
                    text = _MD_EMPHASIS_RE.sub("", text)
                if text.strip():
                    raw.add(heading, sp, text, t_line, t_start, t_end)

        for i, line in enumerate(lines):
            c = cands[i]
            if c is None:
                s = line.strip()
                if not s:
                    prev_blank = True
                    continue
            elif c.__class__ is tuple:
                label, rest, start, shape = c  # type: ignore[misc]
                if ok(label, shape):
                    if (
                        not rest
                        and shape in (_ALONE, _COLON, _MARKED, _ZOOM)
                        and label not in (self.speaking)
                    ):
                        j = self.next_nonblank(i)
                        s = line.strip()
                        if (j is None or self.is_label_line(j) or cands[j] == HEADING) and (
                            is_title_like(s)
                        ):
                            flush()
                            sp, parts = None, []
                            stack.append(clean_heading(s))
                            prev_blank = False
                            continue
                    self.blocks += 1
                    shapes[shape] += 1
                    if (
                        merge_runs
                        and label == sp
                        and not stack
                        and (
                            ((prev_blank or i in paragraph_starts) and paragraphs)
                            or not rest
                            or timing is not None
                            or shape in _BLOCK_SHAPES
                        )
                    ):
                        # the same speaker's next block (paragraph, Zoom/Teams block): one turn
                        if rest:
                            parts.append(rest)
                        if timing is not None:
                            t_end = timing[1]
                            timing = None
                        prev_blank = False
                        continue
                    if sp is not None and parts:  # flush(), inlined on the hot path
                        text = parts[0] if len(parts) == 1 else " ".join(parts)
                        if markdown:
                            text = _MD_EMPHASIS_RE.sub("", text)
                        if text and (text[0] != " " or text.strip()):
                            add(heading, sp, text, t_line, t_start, t_end)
                    if stack:
                        name = " - ".join(stack[1:] if first_stack and len(stack) > 1 else stack)
                        stack = []
                        used_names[name] += 1
                        heading = name if used_names[name] == 1 else f"{name} ({used_names[name]})"
                    first_stack = False
                    sp = label
                    parts = [rest] if rest else []
                    t_line = linenos[i] if linenos is not None else i + 1
                    t_start = start
                    t_end = None
                    if timing is not None:
                        if t_start is None:
                            t_start = timing[0]
                        t_end = timing[1]
                        timing = None
                    prev_blank = False
                    continue
                s = line.strip()
            elif c == TIMING:
                timing = self.timings[i]
                continue
            elif c == COMMENT:
                continue
            elif c == HEADING:
                flush()
                sp, parts = None, []
                stack.append(clean_heading(line))
                prev_blank = False
                continue
            elif c == TITLE:
                prev_blank = False
                continue
            else:  # CONTINUATION from the Word reader
                s = line.strip()
                if sp is not None:
                    parts.append(s)
                continue
            # a line that is not an accepted label
            if is_title_like(s) and self.heading_at(i, prev_blank):
                flush()
                sp, parts = None, []
                stack.append(clean_heading(s))
                prev_blank = False
                continue
            prev_blank = False
            if _RULE_RE.fullmatch(s) or _BOILERPLATE_RE.match(s):
                continue
            if len(s) <= 40 and is_page_number(s):
                continue
            if len(s) <= 80 and self.short_counts[s] >= 3 and is_title_like(s):
                continue  # running page header
            if sp is None:
                dropped += 1
                if len(unread) < 3:
                    unread.append((linenos[i] if linenos is not None else i + 1, s))
                continue
            parts.append(s)
        flush()
        if dropped and raw.speaker:
            logger.info(
                "%s: %d line(s) before the first speaker label of an interview were not "
                "read as turns (%s)",
                self.path,
                dropped,
                _first_lines(unread),
            )
        return raw, unread


def _single_speaker(
    lines: list[str], *, linenos: list[int] | None, forced: Mapping[int, object] | None
) -> RawTurns:
    """One turn per paragraph by the ``unknown`` speaker; Markdown/keyword headings split.

    A Teams timing line ends a paragraph and gives the next its start and end times.
    """
    raw = RawTurns()
    forced = forced or {}
    heading: str | None = None
    stack: list[str] = []
    parts: list[str] = []
    t_line = 0
    timing: tuple[float | None, float | None] = (None, None)

    def flush() -> None:
        if parts:
            raw.add(heading, UNKNOWN_SPEAKER, " ".join(parts), t_line, *timing)

    n = len(lines)
    for i, line in enumerate(lines):
        kind = forced.get(i)
        s = strip_markup(line).strip()
        if kind == TITLE:
            continue
        m = _TEAMS_TIMING_RE.match(line) if "-->" in line[:72] else None
        if m is not None:
            flush()
            parts = []
            timing = (_clock_seconds(m["a"]), _clock_seconds(m["b"]))
            continue
        blank_before = i == 0 or not lines[i - 1].strip()
        blank_after = i + 1 >= n or not lines[i + 1].strip()
        is_heading = kind == HEADING or (
            kind is None
            and (
                _MD_HEADING_RE.match(line) is not None
                or (
                    is_title_like(s)
                    and blank_before
                    and blank_after
                    and (is_keyword_heading(s) or s.endswith(":"))
                )
            )
        )
        if is_heading:
            flush()
            parts = []
            stack.append(clean_heading(s))
            continue
        if not s or (kind is None and (is_page_number(s) or _RULE_RE.fullmatch(s))):
            flush()
            parts = []
            timing = (None, None)
            continue
        if isinstance(kind, tuple):
            s = " ".join(str(k) for k in kind if k)
        if not parts:
            if stack:
                heading = " - ".join(stack)
                stack = []
            t_line = linenos[i] if linenos is not None else i + 1
        parts.append(s)
    flush()
    return raw


def parse_lines(
    lines: list[str],
    *,
    path: str | Path = "<string>",
    linenos: list[int] | None = None,
    forced: Mapping[int, object] | None = None,
    markdown: bool = False,
    speakers: Collection[str] | None = None,
    single_speaker: bool = False,
    merge_runs: bool = True,
    paragraph_starts: Collection[int] = (),
) -> RawTurns:
    """Parse transcript lines into raw turns.

    Parameters
    ----------
    lines : list of str
        The lines (modified in place: markup is stripped).
    path : str or Path
        Named in errors.
    linenos : list of int, optional
        Line numbers to report for each line (default: 1-based index).
    forced : mapping, optional
        Line index -> :data:`HEADING`, :data:`TITLE`, :data:`CONTINUATION` or a
        ``(speaker, text)`` turn, for readers that know the structure (Word tables/styles).
    markdown : bool
        Also strip ``>`` quote markers and ``**``/``__`` emphasis.
    speakers : collection of str, optional
        Accept exactly these labels as speakers (no heuristics).
    single_speaker : bool
        When no speaker label is found, read the text as one ``unknown`` speaker, one turn per
        paragraph, instead of raising.
    merge_runs : bool, default True
        Join the next block of the same speaker to the turn: a label that starts a paragraph
        (after a blank line), a speaker header line (``[Name] 00:01:02``, ``Name  0:03``,
        ``00:00:03 Speaker 1``, a speaker heading) or a Teams timing block. ``Label: text``
        lines that follow each other directly stay separate turns (one utterance per line, as
        in the thesis transcripts). The merged turn keeps the first block's line and start
        time and the last block's end time.
    paragraph_starts : collection of int, optional
        Lines that start a paragraph although no blank line stands before them (Word
        paragraphs; table rows are not paragraphs).

    Raises
    ------
    TranscriptParseError
        If no turn is found (naming the first lines that could not be read).
    """
    parser = _Parser(
        lines,
        path=path,
        linenos=linenos,
        forced=forced,
        markdown=markdown,
        speakers=speakers,
        merge_runs=merge_runs,
        paragraph_starts=paragraph_starts,
    )
    parser.scan()
    raw, unread = parser.build()
    if not len(raw) and speakers is None:
        # a short file where every name occurs once: take capitalised names as labels
        parser.relaxed = True
        parser._ok.clear()
        parser._heading_memo.clear()
        raw, unread = parser.build()
    if len(raw):
        raw.blocks = parser.blocks
        raw.layout = describe_shapes(parser.shapes, markdown=markdown)
        return raw
    if single_speaker:
        raw = _single_speaker(lines, linenos=linenos, forced=forced)
        if len(raw):
            raw.blocks = len(raw)
            raw.layout = "text without speaker labels (one turn per paragraph)"
            return raw
    if unread:
        msg = (
            f"no speaker labels found ({_first_lines(unread)}); expected lines such as "
            "'Interviewer: text' or 'P\\t: text', or use single-speaker mode "
            "(single_speaker=True / --single-speaker) for a text without labels"
        )
        raise TranscriptParseError(msg, path=path, line=unread[0][0])
    msg = "no speaker turns found (only headings or page numbers); expected 'Speaker: text' lines"
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and linenos is not None:
        first = linenos[first] - 1
    raise TranscriptParseError(msg, path=path, line=None if first is None else first + 1)


def describe_shapes(shapes: Counter[int], *, markdown: bool = False) -> str:
    """Name the label shapes a file was read by, most used first (for the reading report)."""
    kind = "Markdown" if markdown else "text"
    if not shapes:
        return kind
    names = [SHAPE_NAMES[shape] for shape, _ in shapes.most_common(2)]
    return f"{kind}, " + " and ".join(names)


def parse_text(
    text: str,
    *,
    path: str | Path = "<string>",
    markdown: bool = False,
    speakers: Collection[str] | None = None,
    single_speaker: bool = False,
    merge_runs: bool = True,
) -> RawTurns:
    """Parse a plain-text or Markdown transcript (``\\n`` line ends) into raw turns.

    This is the general reader, line by line; :mod:`qualcode.transcripts.fast` reads the
    common ``Label: text`` files the same way, faster, and leaves the others to this function.
    """
    return parse_lines(
        text.split("\n"),
        path=path,
        markdown=markdown,
        speakers=speakers,
        single_speaker=single_speaker,
        merge_runs=merge_runs,
    )
