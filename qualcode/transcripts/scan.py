"""The first pass of the general plain-text reader: find and count the label candidates.

:class:`LineScan` reads every line once, marks what each could be (a label of some shape, a
heading, a comment, a Teams timing line), counts the labels, and then decides which labels are
accepted (:meth:`LineScan.ok`), which title-like lines are headings and whether the file writes
its turns as paragraphs. The second pass, building the turns, is
the parser of :mod:`qualcode.transcripts.text`, a subclass.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from pathlib import Path

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
    is_title_like,
    label_strength,
    parse_timestamp,
    strip_markup,
)
from qualcode.transcripts.shapes import (
    ALONE,
    ATCODE,
    BLOCK_SHAPES,
    CHAT,
    COLON,
    COMMENT,
    CUE,
    FORCED,
    HEADING,
    HEADLABEL,
    MARKED,
    MARKED_SHAPES,
    MD_HEADING_RE,
    OTTER,
    SPACERS,
    TAB,
    TEAMS,
    TEAMS_TIMING_RE,
    TIMING,
    TITLE,
    TSNAME,
    ZOOM,
    clock_seconds,
)

__all__ = ["LineScan"]

_GROUPS = ("name", "tab", "rest", "ts1", "ts0", "ts2", "ts3", "bold", "brk", "ts4", "ts5")


#: a line that may name a speaker under a Teams timing line (see :meth:`LineScan._teams_speakers`):
#: up to 60 characters and 6 words, no colon, not ending like a sentence, not starting like a
#: caption's sound note or dialogue dash (``[Music]``, ``(laughs)``, ``- Hi``, ``>> Hi``, ``♪``)
_TEAMS_NAME_RE = re.compile(
    r"(?=.{1,60}$)(?![\[(\-–—>♪])[^\s:]+(?:[ \t]+[^\s:]+){0,5}(?<![?!…])(?<!\w{5}\.)"
)

#: first characters of lines :meth:`LineScan._special` reads
_SPECIAL_LEADS = frozenset("#@%*")


class LineScan:
    """The lines of a file, their label candidates and counts (pass 1), and label acceptance."""

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
        """Pass 1: mark each line's candidate (label, heading, comment, timing) and count them."""
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
                        cands[i] = (speaker, text, None, FORCED)
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
                m = TEAMS_TIMING_RE.match(line)
                if m is not None:
                    cands[i] = TIMING
                    self.timings[i] = (clock_seconds(m["a"]), clock_seconds(m["b"]))
                    after_timing = True
                    continue
            if under_timing:
                s = line.strip()
                m = ALONE_RE.match(line) if s else None
                if m is not None and label_strength(" ".join(s.split())):
                    label = " ".join(s.split())
                    cands[i] = (label, "", None, TEAMS)
                    labels_append(label)
                    continue
                if s and _TEAMS_NAME_RE.fullmatch(s):
                    teams_names.append(i)  # decided by _teams_speakers() after the scan
            if lead.isdigit() and len(line) <= 72:
                m = TS_NAME_RE.match(line)
                if m is not None:
                    label = " ".join(m.group("name").split())
                    if label_strength(label):
                        cands[i] = (label, "", parse_timestamp(m.group("ts")), TSNAME)
                        labels_append(label)
                        continue
            if len(line) <= 64 and line.rstrip()[-1:].isdigit():
                m = OTTER_RE.match(line.strip())
                if m is not None:
                    label = " ".join(m.group("name").split())
                    if label_strength(label):
                        cands[i] = (label, "", parse_timestamp(m.group("ts")), OTTER)
                        labels_append(label)
                        continue
            if ":" in head or head[:4].lstrip()[:1] in ("[", "*"):
                m = label_re_match(line)
                if m is not None:
                    name, tab, rest, ts1, ts0, ts2, ts3, bold, brk, ts4, ts5 = m.group(*_GROUPS)
                    shape = COLON
                    if name is None:
                        name = bold or brk
                        shape = MARKED
                    elif tab is not None:
                        shape = TAB
                    if "  " in name or "\t" in name:
                        name = " ".join(name.split())
                    ts = ts1 or ts0 or ts2 or ts3 or ts4 or ts5
                    start = None
                    if ts is not None:
                        start = parse_timestamp(ts)
                        if shape == COLON:
                            shape = MARKED
                        elif ts5 is not None:
                            shape = ZOOM
                    elif under_timing and shape == COLON:
                        shape = CUE  # a caption's 'Name: text' under its timing line
                    cands[i] = (name, rest, start, shape)
                    labels_append(name)
                    if rest and (rest[0] != " " or rest.strip()):
                        speaking.add(name)
                    continue
            if head[:1] == "#" and MD_HEADING_RE.match(head):
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
                            cands[i] = (label, "", None, ALONE)
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
                return (m["name"], m["rest"], None, ATCODE)
        elif lead == "*":
            m = CHAT_TIER_RE.match(line.lstrip(" "))
            if m is not None:
                return (m["name"], m["rest"], None, CHAT)
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
            return c.__class__ is tuple and c[3] == TEAMS  # type: ignore[index]

        spoken = [i for i in names if speech_below(i)]
        recurring = Counter(" ".join(lines[i].split()) for i in spoken)
        blocks = [t + 1 for t in self.timings if speech_below(t + 1)]
        taken = sum(is_teams(i) or recurring[" ".join(lines[i].split())] >= 2 for i in blocks)
        most = taken * 2 >= len(blocks)
        for i in spoken:
            label = " ".join(lines[i].split())
            if most or recurring[label] >= 2:
                cands[i] = (label, "", None, TEAMS)
                self.colon_counts[label] += 1
        teams = [i for i in range(n) if is_teams(i)]
        speaking = {cands[i][0] for i in teams if speech_below(i)}  # type: ignore[index]
        for i in teams:
            if not speech_below(i) and cands[i][0] not in speaking:  # type: ignore[index]
                cands[i] = None
        for i in names:
            label = " ".join(lines[i].split())
            if not speech_below(i) and label in speaking:
                cands[i] = (label, "", None, TEAMS)

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
                    cands[i] = (label, "", None, HEADLABEL)
                    self.colon_counts[label] += 1

    def relax(self) -> None:
        """Accept weak labels seen once from now on, forgetting the decisions made so far."""
        self.relaxed = True
        self._ok.clear()
        self._heading_memo.clear()

    # -- label acceptance -----------------------------------------------------------------
    def ok(self, label: str, shape: int) -> bool:
        """Say whether ``label``, written in ``shape``, is accepted as a speaker label."""
        key = (label, shape)
        got = self._ok.get(key)
        if got is not None:
            return got
        if shape == FORCED or shape in BLOCK_SHAPES:
            res = True
        elif self.speakers is not None:
            res = label in self.speakers
        elif shape == TAB:
            res = True
        else:
            strength = label_strength(label)
            if strength == 0:
                res = False
            elif strength == STRONG or shape in MARKED_SHAPES:
                res = True
            elif shape == TSNAME:
                res = self.colon_counts[label] >= 2
            elif shape == ALONE:
                res = self.alone_counts[label] >= 2 or self.colon_counts[label] >= 2
            else:
                res = self.colon_counts[label] >= (1 if self.relaxed else 2)
        self._ok[key] = res
        return res

    def is_label_line(self, j: int) -> bool:
        """Say whether line ``j`` starts a turn (an accepted label)."""
        c = self.cands[j]
        return isinstance(c, tuple) and self.ok(c[0], c[3])

    def next_nonblank(self, i: int) -> int | None:
        """The next line after ``i`` that is not blank (or has a candidate), or None."""
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
                or before in SPACERS
                or i in self.paragraph_starts
            ):
                spaced += 1
            else:
                adjacent += 1
        return spaced >= 2 and adjacent * 10 <= spaced
