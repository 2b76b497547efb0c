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

Why there are two readers of ``Label: text`` files: this module is the general reader, a
line-by-line scan (:mod:`qualcode.transcripts.scan`) and build that carries every shape above.
:mod:`qualcode.transcripts.fast` reads only the commonest shape (one ``Label: text`` turn per
line, blanks and Markdown headings) in whole-text Arrow passes, about ten times faster and in
memory near the input's size, and hands every file it cannot read exactly as this reader would
back to it. The fast path cannot carry the other shapes (they need the counts of a whole file
and look-ahead over lines, which a vectorised pass does not give), so both exist: this one
decides what a file means, the fast one is an optimisation of it for the common case, and the
property tests in ``tests/test_transcripts_fast.py`` keep them equal.
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
    clean_heading,
    is_keyword_heading,
    is_page_number,
    is_title_like,
    strip_markup,
)
from qualcode.transcripts.scan import LineScan
from qualcode.transcripts.shapes import (
    ALONE,
    BLOCK_SHAPES,
    COLON,
    COMMENT,
    HEADING,
    MARKED,
    MD_HEADING_RE,
    TEAMS_TIMING_RE,
    TIMING,
    TITLE,
    ZOOM,
    clock_seconds,
    describe_shapes,
)

__all__ = ["parse_lines", "parse_text"]

logger = logging.getLogger(__name__)

_RULE_RE = re.compile(r"\s{0,3}(?:-{3,}|\*{3,}|_{3,}|={3,})\s*")
#: lines transcription services append that are not speech
_BOILERPLATE_RE = re.compile(r"(?i)transcribed by https?://(?:www\.)?otter\.ai\S*$")
_MD_EMPHASIS_RE = re.compile(r"\*\*|__")


def _first_lines(items: list[tuple[int, str]]) -> str:
    return "; ".join(f"line {ln}: {text[:60]!r}" for ln, text in items[:3])


class _Parser(LineScan):
    """Two passes over the lines: find label candidates and count them, then build turns."""

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
                        and shape in (ALONE, COLON, MARKED, ZOOM)
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
                            or shape in BLOCK_SHAPES
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
        m = TEAMS_TIMING_RE.match(line) if "-->" in line[:72] else None
        if m is not None:
            flush()
            parts = []
            timing = (clock_seconds(m["a"]), clock_seconds(m["b"]))
            continue
        blank_before = i == 0 or not lines[i - 1].strip()
        blank_after = i + 1 >= n or not lines[i + 1].strip()
        is_heading = kind == HEADING or (
            kind is None
            and (
                MD_HEADING_RE.match(line) is not None
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
        parser.relax()
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
