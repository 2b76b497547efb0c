"""Speaker labels, headings, timestamps and markup: the line-level facts every reader shares.

A *label* is the speaker name a transcript writes at the start of a turn (``P``, ``N1``,
``Interviewer``, ``MR. DAVIS``, ``Jane Doe``). :data:`LABEL_RE` finds a label candidate at the
start of a line in the shapes real transcripts use; :func:`label_strength` then says whether the
candidate looks like a speaker label at all (short, capitalised words, initials or codes) and
whether it is *strong* (a code, an all-caps name, a role word) or *weak* (a capitalised name that
could also be prose such as ``Catatan``). Weak labels count as speakers only when they recur in
the file (see :mod:`qualcode.transcripts.text`).

All regular expressions are anchored at the start of the line and every repetition is bounded,
so matching costs the same on a 50 MB line as on a short one.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "ALONE_RE",
    "ANNOTATIONS",
    "AT_CODE_RE",
    "CHAT_TIER_RE",
    "COMMENT_RE",
    "LABEL_RE",
    "MAX_LABEL_CHARS",
    "MAX_LABEL_WORDS",
    "OTTER_RE",
    "PROSE_STARTS",
    "ROLE_WORDS",
    "STRONG",
    "TS_NAME_RE",
    "WEAK",
    "clean_heading",
    "is_keyword_heading",
    "is_page_number",
    "is_title_like",
    "label_strength",
    "normalize_space",
    "parse_timestamp",
    "strip_markup",
]

#: longest label accepted (characters) and most words in it (not counting particles such as
#: ``van``/``bin`` and abbreviations such as ``Dr.``; at most two of those more)
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
#: between the two times of a range: ``[00:04 - 00:09]``, ``[00:04 --> 00:09]``
_TO = r"[ \t]{0,3}(?:-{1,2}>?|–|to)[ \t]{0,3}"

#: a label candidate at the start of a line: ``Name: text``, ``Name\t: text``, ``[Name] text``,
#: ``**Name:** text``, ``**Name** [0:18] text``, ``**[00:04] Name:** text`` (WhisperX
#: Markdown), ``[00:01:23] Name: text``, ``(00:01:23) Name:``, ``Name (00:01:23): text``,
#: ``[Name] 00:01:23`` alone on its line (Zoom's transcript blocks); the text may be empty (label
#: alone on its line).
LABEL_RE = re.compile(
    rf"""[ ]{{0,3}}
    (?:[\[(](?P<ts1>{_TS})(?:{_TO}{_TS})?[\])][ \t]*|(?P<ts0>{_TS})[ \t]+)?
    (?:
        \*\*(?:\[(?P<ts4>{_TS})(?:{_TO}{_TS})?\][ \t]*)?(?P<bold>[^*:\n]{{1,40}}?)[ \t]*
        (?::[ \t]*\*\*|\*\*(?:[ \t]*:)?)
      | \[(?P<brk>[^\[\]\n:]{{1,40}})\](?:[ \t]*:)?(?:[ \t]+(?P<ts5>{_TS})(?=[ \t]*$))?
      | (?P<name>[^\s:\[\]*<>()#>-][^:\t\n\[\]*<>]{{0,39}}?)(?P<tab>[ ]?\t)?[ \t]*
        (?:\((?P<ts2>{_TS})\)[ \t]*)?:
    )
    [ \t]*(?:[\[(](?P<ts3>{_TS})[\])])?[ \t]*
    (?P<rest>.*)""",
    re.VERBOSE,
)

#: an Otter.ai speaker header: ``Jane Doe  0:03`` alone on its line, the speech below
OTTER_RE = re.compile(
    rf"(?P<name>[^\s:\[\]*<>()#-][^:\t\n\[\]*<>]{{0,39}}?)[ \t]+(?P<ts>{_TS})[ \t]*$"
)

#: a timestamp, then the speaker, alone on its line (Word's Transcribe export:
#: ``00:00:03 Speaker 1``), the speech below
TS_NAME_RE = re.compile(
    rf"[ ]{{0,3}}(?P<ts>{_TS})[ \t]+(?P<name>[^\s:\[\]*<>()#-][^:\t\n\[\]*<>]{{0,39}}?)[ \t]*$"
)

#: a speaker code after ``@`` at the start of a line, then the speech (spoken corpora:
#: ``@dg1985m so where did you grow up``); CHAT headers (``@Languages:``) do not match
AT_CODE_RE = re.compile(r"@(?P<name>[A-Za-z0-9][\w.-]{0,39})[ \t]+(?P<rest>\S.*)")

#: a CHAT main tier (CHILDES, TalkBank): ``*CHI:\ttext``
CHAT_TIER_RE = re.compile(r"\*(?P<name>[A-Z0-9]{2,8}):[ \t]+(?P<rest>.*)")

#: lines that are not speech: ``# key = value`` metadata (CoNLL-U style spoken corpora), CHAT
#: headers and dependent tiers (``@Begin``, ``@Participants:``, ``%mor:``)
COMMENT_RE = re.compile(
    r"[ ]{0,3}(?:#[ \t]*[\w.-]{1,30}(?:[ \t][\w.-]{1,30})?[ \t]*=(?:[ \t].*)?$"
    r"|@(?:Begin|End|UTF8)[ \t]*$|@[\w ]{1,30}:|%[a-z]{2,8}:)"
)

#: a label alone on its line without a colon (``INTERVIEWER``, ``Jane Doe``), speech below
ALONE_RE = re.compile(r"[ ]{0,3}(?P<name>[^\s:\[\]*<>()#-][^:\t\n\[\]*<>]{0,39})[ \t]*$")

_CODE_RE = re.compile(r"[A-Z]{1,4}\d{0,3}[a-z]?|[A-Z]\d{1,3}")
#: lower-case speaker codes with digits (``id1``, ``spk_2``, ``dg1985m``): weak labels
_LOWER_CODE_RE = re.compile(r"[a-z]{1,6}[_-]?\d{1,4}[a-z]?")
_GENERIC_RE = re.compile(
    r"(?i)(?:speaker|sprecher|pembicara|participant|partisipan|respondent|responden|"
    r"informan|informant|narasumber|interviewer|interviewee|person|voice|moderator)"
    r"[ _-]?(?:\d{1,3}|[a-z]|\?)?"
)
_TS_RE = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")

#: words that, lower-cased, are labels by themselves (roles and common speaker codes)
ROLE_WORDS = frozenset(
    {
        "interviewer", "interviewee", "respondent", "participant", "moderator", "facilitator",
        "fasilitator", "researcher", "peneliti", "pewawancara", "narasumber", "informan",
        "informant", "responden", "host", "guest", "mod", "int", "resp", "unknown",
        "transcriber", "note taker", "observer", "translator", "interpreter", "speaker ?",
    }
)  # fmt: skip

#: first words of prose lead-ins that look like ``Label: text`` but are not speakers
PROSE_STARTS = frozenset(
    {
        "catatan", "note", "notes", "nb", "ps", "contoh", "example", "examples", "misalnya",
        "misal", "yaitu", "yakni", "yang", "jadi", "tapi", "tetapi", "dan", "atau", "karena",
        "intinya", "kesimpulan", "kesimpulannya", "pertama", "kedua", "ketiga", "terakhir",
        "pertanyaan", "jawaban", "tujuan", "hasil", "keterangan", "question", "answer", "but",
        "and", "so", "the", "this", "that", "these", "because", "however", "also", "first",
        "second", "third", "finally", "result", "results", "summary", "conclusion", "tip",
        "warning", "update", "subject", "date", "time", "location", "tanggal", "waktu",
        "tempat", "lokasi", "hari", "topik", "topic", "agenda", "durasi", "duration", "page",
        "halaman", "http", "https", "www", "re", "fwd", "well", "ok", "okay", "oke", "yes",
        "no", "ya", "iya", "nah", "terus", "lalu", "kalau", "misalkan", "seperti", "maksudnya",
    }
)  # fmt: skip

#: bracketed annotations that are not speakers (``[Laughter]``, ``[Inaudible]``)
ANNOTATIONS = frozenset(
    {
        "laughter", "laughs", "laughing", "inaudible", "crosstalk", "cross talk", "pause",
        "silence", "music", "applause", "unclear", "noise", "background noise", "tertawa",
        "tidak jelas", "jeda", "overlap", "overlapping", "coughs", "sighs", "end",
        "end of recording", "recording ends", "recording starts", "break",
    }
)  # fmt: skip

_PARTICLES = frozenset(
    {"van", "de", "der", "den", "von", "da", "di", "du", "dos", "del", "la", "le", "bin", "binti",
     "al", "el", "ten", "ter", "y"}
)  # fmt: skip

STRONG = 2
WEAK = 1


def label_strength(label: str) -> int:
    """Say whether ``label`` looks like a speaker label.

    Returns
    -------
    int
        :data:`STRONG` (codes such as ``P``/``N1``/``Q``, all-caps names such as ``MR. DAVIS``,
        role words, ``Speaker 2``), :data:`WEAK` (capitalised names that could be prose) or 0
        (not a label: lower-case prose, too long, punctuation, a known prose lead-in).
    """
    if not label or len(label) > MAX_LABEL_CHARS:
        return 0
    words = label.split()
    main_words = [w for w in words if w.lower() not in _PARTICLES and not w.endswith(".")]
    if not words or len(main_words) > MAX_LABEL_WORDS or len(words) > MAX_LABEL_WORDS + 2:
        return 0
    low = label.lower()
    if low in ROLE_WORDS:
        return STRONG
    if not label[0].isalpha():
        return 0
    if _LOWER_CODE_RE.fullmatch(label):
        return WEAK
    if words[0].lower().rstrip(".") in PROSE_STARTS or low in ANNOTATIONS:
        return 0
    if any(ch in label for ch in ',;!"“”…'):
        return 0
    if label[-1] == "?" and not _GENERIC_RE.fullmatch(label):
        return 0
    if _CODE_RE.fullmatch(label) or _GENERIC_RE.fullmatch(label):
        return STRONG
    for i, word in enumerate(words):
        head = word.lstrip("(")
        if not head:
            return 0
        c = head[0]
        if c.isupper() or (i > 0 and (c.isdigit() or word.lower() in _PARTICLES)):
            continue
        return 0
    letters = [ch for ch in label if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 1:
        return STRONG
    return WEAK


def parse_timestamp(value: str) -> float | None:
    """Parse ``h:mm:ss(.fff)``, ``mm:ss`` or ``m:ss,fff`` into seconds (None if not a time)."""
    m = _TS_RE.match(value.strip())
    if m is None:
        return None
    hours, minutes, seconds, frac = m.groups()
    total = int(minutes) * 60 + int(seconds)
    if hours is not None:
        total += int(hours) * 3600
    if frac:
        return total + int(frac) / 10 ** len(frac)
    return float(total)


_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]{0,15})(?:\s[^<>]{0,500})?/?>")
_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4",
     "h5", "h6", "blockquote", "hr", "section", "article"}
)  # fmt: skip
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _tag_sub(m: re.Match[str]) -> str:
    return " " if m.group(1).lower() in _BLOCK_TAGS else ""


def strip_markup(line: str) -> str:
    """Remove HTML tags and decode HTML entities (``<p>``, ``<i>``, ``&amp;``)."""
    if "<" in line:
        line = _TAG_RE.sub(_tag_sub, line)
    if "&" in line and _ENTITY_RE.search(line):
        line = html.unescape(line)
    return line


_WS_RE = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends."""
    return _WS_RE.sub(" ", text).strip()


_PAGE_RE = re.compile(
    r"(?i)\s{0,20}(?:[-–—]\s{0,3})?(?:(?:page|halaman|hal\.|seite|p\.)\s{0,3})?\d{1,4}"
    r"(?:\s{0,3}(?:of|/|dari|von)\s{0,3}\d{1,4})?(?:\s{0,3}[-–—])?\s{0,20}"
)


def is_page_number(line: str) -> bool:
    """Say whether ``line`` is a page number or ``Page 3 of 10`` footer."""
    return len(line) <= 40 and _PAGE_RE.fullmatch(line) is not None


_HEADING_WORDS_RE = re.compile(
    r"(?i)(?:interview|wawancara|narasumber|informan|responden|respondent|participant|"
    r"partisipan|transcript|transkrip|session|sesi|fgd|focus group|diskusi|gesprä?ch|"
    r"teilnehmer|day|hari|part|bagian)\b"
)
_SENTENCE_END = frozenset(".,;!?…")


def is_title_like(line: str) -> bool:
    """Say whether a stripped line could be a heading: short, capitalised, no sentence end."""
    if not line or len(line) > 80 or line[-1] in _SENTENCE_END:
        return False
    c = line[0]
    if not (c.isupper() or c.isdigit()):
        return False
    return len(line.split()) <= 10


def is_keyword_heading(line: str) -> bool:
    """Say whether a title-like line starts with a word that names an interview or part."""
    return _HEADING_WORDS_RE.match(line) is not None


def clean_heading(line: str) -> str:
    """Return a heading's text without markdown ``#``/bold markers and a trailing colon."""
    text = line.strip().lstrip("#").strip().strip("*_").strip()
    return normalize_space(text.rstrip(":").strip())
