"""WebVTT and SRT captions (Zoom, Microsoft Teams, YouTube, transcription services).

- Zoom writes the speaker into the cue text: ``Jane Doe: text``.
- Teams writes voice spans: ``<v Jane Doe>text</v>``, names may contain commas
  (``<v Doe, Jane>``).
- YouTube writes word timings: ``<00:00:01.500><c>word</c>``; these tags are removed, and a cue
  line that repeats the previous cue's last line (YouTube's rolling captions) is dropped.

A cue without a speaker continues the previous speaker. Consecutive cues by one speaker merge
into one turn (start of the first, end of the last), unless ``merge_runs=False``. A blank line
ends a cue only when a new cue (a timing line, or a cue number or identifier above one), a
NOTE/STYLE/REGION block or the end of the file follows: AI interview tools write cues of
several paragraphs. A file that names no speaker at all gives
one ``unknown`` speaker. ``start``/``end`` are seconds; ``line`` is the line of the cue's timing
line. NOTE, STYLE and REGION blocks are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import TranscriptParseError
from qualcode.transcripts.builder import UNKNOWN_SPEAKER, RawTurns
from qualcode.transcripts.labels import (
    LABEL_RE,
    STRONG,
    label_strength,
    normalize_space,
    strip_markup,
)

__all__ = ["parse_captions"]

_TIMING_RE = re.compile(
    r"\s*(?P<a>(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<b>(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s.*)?$"
)
_TIME_RE = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_VOICE_RE = re.compile(r"<v(?:\.[\w.-]{1,50})?[ \t]+([^>]{1,100})>")
_YOUTUBE_RE = re.compile(r"<\d{1,3}:\d{2}(?::\d{2})?[.,]\d{1,3}><c>")
_VTT_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>|<\d{1,3}:\d{2}(?::\d{2})?[.,]\d{1,3}>")


def _seconds(value: str) -> float:
    m = _TIME_RE.fullmatch(value.strip())
    assert m is not None  # guaranteed by _TIMING_RE
    hours, minutes, seconds, frac = m.groups()
    total = int(minutes) * 60 + int(seconds) + int(frac) / 10 ** len(frac)
    if hours:
        total += int(hours) * 3600
    return round(total, 3)


def _ends_block(lines: list[str], i: int) -> bool:
    """Say whether line ``i`` ends a cue block.

    A blank line (empty or spaces only) does when the next non-blank line starts a new cue
    (a timing line, or a cue number/identifier with a timing line below it) or a
    NOTE/STYLE/REGION block, or when no line follows; otherwise it is part of the payload
    (YouTube writes ``" "`` lines inside cues, AI tools blank lines between paragraphs).
    """
    if lines[i].strip():
        return False
    n = len(lines)
    j = i + 1
    while j < n and not lines[j].strip():
        j += 1
    if j >= n:
        return True
    nxt = lines[j]
    if "-->" in nxt or nxt.startswith(("NOTE", "STYLE", "REGION")):
        return True
    return j + 1 < n and "-->" in lines[j + 1]


def _payload_items(payload: list[str]) -> list[tuple[str | None, str, bool]]:
    """Split cue payload lines into (speaker or None, text, explicit voice) items."""
    items: list[tuple[str | None, str, bool]] = []
    for raw_line in payload:
        line = raw_line
        pieces = _VOICE_RE.split(line)
        # pieces: [before, name1, after1, name2, after2, ...]
        before = pieces[0]
        if before.strip():
            items.append((None, before, False))
        for k in range(1, len(pieces), 2):
            items.append((normalize_space(pieces[k]), pieces[k + 1], True))
    out: list[tuple[str | None, str, bool]] = []
    for speaker, text, voiced in items:
        clean = _VTT_TAG_RE.sub("", text)
        clean = strip_markup(clean).strip()
        if clean.startswith(">>"):
            clean = clean.lstrip(">").strip()
        if clean.startswith("- "):
            clean = clean[2:]
        out.append((speaker, clean, voiced))
    return out


def parse_captions(
    text: str, *, path: str | Path = "<string>", kind: str = "vtt", merge_runs: bool = True
) -> RawTurns:
    """Parse WebVTT (``kind="vtt"``) or SRT (``kind="srt"``) text into raw turns.

    Raises
    ------
    TranscriptParseError
        If a VTT file lacks its ``WEBVTT`` header, a timing line is malformed, or there are no
        cues.
    """
    youtube = _YOUTUBE_RE.search(text) is not None
    lines = text.split("\n")
    n = len(lines)
    i = 0
    while i < n and not lines[i].strip():
        i += 1
    if kind == "vtt":
        if i >= n or not lines[i].lstrip("\ufeff").startswith("WEBVTT"):
            got = lines[i][:40] if i < n else ""
            msg = f"expected 'WEBVTT' on the first line of a WebVTT file, got {got!r}"
            raise TranscriptParseError(msg, path=path, line=i + 1)
        while i < n and lines[i].strip():  # header block
            i += 1
    # cues: (timing line number, start, end, payload lines)
    cues: list[tuple[int, float, float, list[str]]] = []
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < n and not _ends_block(lines, i):
            block.append(lines[i])
            i += 1
        first = block[0].strip()
        if kind == "vtt" and first.split(" ", 1)[0] in ("NOTE", "STYLE", "REGION"):
            continue
        t = 0 if "-->" in first else 1 if len(block) > 1 and "-->" in block[1] else -1
        if t < 0:
            msg = (
                f"expected a cue timing line such as '00:00:01.000 --> 00:00:04.000', "
                f"got {first[:60]!r}"
            )
            raise TranscriptParseError(msg, path=path, line=block_start + 1)
        m = _TIMING_RE.match(block[t])
        if m is None:
            msg = (
                f"malformed cue timing {block[t].strip()[:60]!r}; expected "
                "'HH:MM:SS.mmm --> HH:MM:SS.mmm'"
            )
            raise TranscriptParseError(msg, path=path, line=block_start + t + 1)
        cues.append((block_start + t + 1, _seconds(m["a"]), _seconds(m["b"]), block[t + 1 :]))
    if not cues:
        msg = "no cues found; expected timed cues such as '00:00:01.000 --> 00:00:04.000'"
        raise TranscriptParseError(msg, path=path)

    # pass 1: per cue items, and Zoom-style 'Name: text' label candidates with counts
    parsed: list[tuple[int, float, float, list[tuple[str | None, str, bool]]]] = []
    counts: dict[str, int] = {}
    for line_no, start, end, payload in cues:
        items = _payload_items(payload)
        parsed.append((line_no, start, end, items))
        for speaker, clean, _voiced in items:
            if speaker is None:
                m = LABEL_RE.match(clean)
                if m is not None and m["name"] is not None and m["rest"].strip():
                    label = normalize_space(m["name"])
                    counts[label] = counts.get(label, 0) + 1

    def accepted(label: str) -> bool:
        strength = label_strength(label)
        return strength == STRONG or (strength > 0 and counts.get(label, 0) >= 2)

    raw = RawTurns()
    cur: str | None = None
    parts: list[str] = []
    t_line = 0
    t_start = 0.0
    t_end = 0.0
    voices = labelled = cues_read = 0
    for line_no, start, end, items in parsed:
        if not merge_runs and cur is not None and parts:
            raw.add(None, cur, " ".join(parts), t_line, t_start, t_end)
            parts = []
            t_line, t_start = line_no, start
        cues_read += any(clean.strip() for _, clean, _ in items)
        for speaker, clean, voiced in items:
            text = clean
            voices += voiced
            if not voiced:
                m = LABEL_RE.match(clean)
                if m is not None and m["name"] is not None and m["rest"].strip():
                    label = normalize_space(m["name"])
                    if accepted(label):
                        speaker, text = label, m["rest"]
                        labelled += 1
            if speaker is None:
                speaker = cur if cur is not None else UNKNOWN_SPEAKER
            if not text.strip():
                if speaker != cur:
                    # an empty voice span still changes the speaker
                    if cur is not None and parts:
                        raw.add(None, cur, " ".join(parts), t_line, t_start, t_end)
                    cur, parts, t_line, t_start = speaker, [], line_no, start
                t_end = end
                continue
            if speaker == cur:
                if not parts:
                    t_line, t_start = line_no, start
                if not parts or parts[-1] != text.strip():
                    parts.append(text.strip())
                t_end = end
                continue
            if cur is not None and parts:
                raw.add(None, cur, " ".join(parts), t_line, t_start, t_end)
            cur, parts, t_line, t_start, t_end = speaker, [text.strip()], line_no, start, end
    if cur is not None and parts:
        raw.add(None, cur, " ".join(parts), t_line, t_start, t_end)
    if not len(raw):
        msg = "the captions contain no text"
        raise TranscriptParseError(msg, path=path, line=cues[0][0])
    name = "WebVTT" if kind == "vtt" else "SRT"
    if voices:
        raw.layout = f"Teams {name}, <v Name> voice spans"
    elif labelled:
        raw.layout = (
            f"Zoom {name}, 'Name: text' cues" if kind == "vtt" else f"{name}, 'Name: text' cues"
        )
    elif youtube:
        raw.layout = f"YouTube {name}, word timings, no speaker names"
    else:
        raw.layout = f"{name} without speaker names"
    raw.blocks = cues_read
    return raw
