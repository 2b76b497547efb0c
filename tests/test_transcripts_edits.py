"""Random edits of a valid transcript of each family: turns, or one located error; nothing else.

Whatever a user's editor, a truncated download or a careless search-and-replace does to a
transcript, reading it either gives a valid turns table or raises
:class:`~qualcode.errors.TranscriptParseError` naming the file and, where the file has lines, the
line: never another exception (a traceback).
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import docx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import schema
from qualcode.errors import QualcodeWarning, TranscriptParseError
from qualcode.transcripts import read_transcript
from tests.conftest import SAMPLE_TXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"

#: one valid file of each family the readers know
FAMILIES = {
    "thesis text": SAMPLE_TXT,
    "old Teams .txt": FIX / "teams_old_id.txt",
    "old Stream .txt": FIX / "stream_old_en.txt",
    "Otter text": FIX / "otter.txt",
    "Zoom transcript text": FIX / "zoom_transcript.txt",
    "Markdown headings": FIX / "speaker_headings.md",
    "Zoom WebVTT": FIX / "zoom.vtt",
    "Teams WebVTT": FIX / "teams.vtt",
    "SRT": FIX / "interview.srt",
    "oral-history CSV with time notes": FIX / "oral_history_notes.csv",
    "Indonesian oral-history CSV": FIX / "sejarah_lisan.csv",
    "oral-history TSV": FIX / "oral_history.tsv",
    "HTML page": FIX / "plain_oral_history.html",
}

#: pieces that matter to some reader: separators, timings, labels, quotes, bad bytes
TOKENS = [
    b":", b"\n", b"\r\n", b"\r", b" --> ", b"-->", b"[", b"]", b"(", b")", b"#", b"# ", b",",
    b";", b'"', b"\t", b"**", b"@", b"*", b"%", b"<v ", b"</v>", b"<p>", b"</p>", b"<", b"&",
    b"&amp;", b"WEBVTT\n", b"NOTE\n", b"0:0:1.0 --> 0:0:2.0\n", b"00:00:01,000", b"99:99:99.999",
    b"1\n", b"P\t: ", b"N1: ", b"Schmidt, Anna\n", b"\n\n", b"[00:03:43] catatan", b"nan", b"inf",
    b"-1", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xe2\x80\xa8", b"\x0c", b"\x00", b"\\",
]  # fmt: skip

#: errors about a whole file, which no line of it can locate
WHOLE_FILE = re.compile(
    r"empty file|no cues found|holds no text|not a Word|cannot open the Word document"
    r"|no speaker turns found \(only headings or page numbers\)"
)


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, float, float, bytes]]:
    """One to six edits: (kind, where, how much, what)."""
    kinds = st.sampled_from(["insert", "delete", "truncate", "swap", "duplicate", "bytes"])
    fraction = st.floats(0, 1, allow_nan=False)
    what = st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=6))
    return draw(st.lists(st.tuples(kinds, fraction, fraction, what), min_size=1, max_size=6))


def apply_edits(data: bytes, steps: list[tuple[str, float, float, bytes]]) -> bytes:
    """Apply byte-level edits to a file's content."""
    out = bytearray(data)
    for kind, where, size, what in steps:
        pos = int(where * len(out))
        if kind == "insert":
            out[pos:pos] = what
        elif kind == "delete":
            del out[pos : pos + 1 + int(size * 60)]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "bytes":
            out[pos : pos + len(what)] = what
        else:
            lines = bytes(out).split(b"\n")
            i, j = int(where * (len(lines) - 1)), int(size * (len(lines) - 1))
            if kind == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(i, lines[j])
            out = bytearray(b"\n".join(lines))
    return bytes(out)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="qualcode-edits-") as name:
        yield Path(name)


def check_read(path: Path, lines: int) -> pd.DataFrame | None:
    """Read ``path``: a valid turns table, or a TranscriptParseError naming it (else fail)."""
    try:
        with warnings.catch_warnings():
            # an edited file may well look implausible: the warning is not the point here
            warnings.simplefilter("ignore", QualcodeWarning)
            turns = read_transcript(path)
    except TranscriptParseError as err:
        assert err.path == path, str(err)
        assert str(err).startswith(f"{path}"), str(err)
        if err.line is None:
            assert WHOLE_FILE.search(err.reason), f"no line in: {err}"
        else:
            assert 1 <= err.line <= lines + 1, str(err)
        return None
    assert len(turns) > 0
    pd.testing.assert_frame_equal(schema.validate_turns(turns.copy()), turns)
    assert turns[schema.TEXT].str.strip().str.len().gt(0).all()
    assert turns[schema.SPEAKER].astype(str).str.strip().str.len().gt(0).all()
    return turns


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_unedited_family_file_reads(family: str) -> None:
    path = FAMILIES[family]
    assert check_read(path, path.read_bytes().count(b"\n")) is not None


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(family=st.sampled_from(sorted(FAMILIES)), steps=edits())
def test_edited_transcript_reads_or_names_file_and_line(
    workdir: Path, family: str, steps: list[tuple[str, float, float, bytes]]
) -> None:
    source = FAMILIES[family]
    data = apply_edits(source.read_bytes(), steps)
    path = workdir / f"edited{source.suffix}"
    path.write_bytes(data)
    check_read(path, data.count(b"\n") + data.count(b"\r"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "duplicate", "replace"]),
            st.floats(0, 1, allow_nan=False),
            st.sampled_from([t.decode("utf-8", "replace") for t in TOKENS if b"\x00" not in t]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_edited_word_transcript_reads_or_names_file(
    workdir: Path, steps: list[tuple[str, float, str]]
) -> None:
    # a Teams transcript kept in Word, one paragraph per line, edited paragraph by paragraph
    paragraphs = (FIX / "teams_old_id.txt").read_text(encoding="utf-8").splitlines()
    for kind, where, what in steps:
        i = int(where * (len(paragraphs) - 1))
        if kind == "insert":
            paragraphs.insert(i, what)
        elif kind == "delete" and len(paragraphs) > 1:
            del paragraphs[i]
        elif kind == "duplicate":
            paragraphs.insert(i, paragraphs[-1 - i])
        else:
            paragraphs[i] = what + paragraphs[i][len(what) :]
    doc = docx.Document()
    for text in paragraphs:
        # Word keeps no control characters in text: python-docx refuses them
        doc.add_paragraph(re.sub(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]", "", text))
    path = workdir / "edited.docx"
    doc.save(str(path))
    check_read(path, len(paragraphs) + 1)


@pytest.mark.parametrize("cut", [0, 10, 1000, -200])
def test_truncated_word_file_is_one_error_naming_it(workdir: Path, cut: int) -> None:
    data = (FIX / "word_transcribe.docx").read_bytes()
    path = workdir / "truncated.docx"
    path.write_bytes(data[:cut])
    assert check_read(path, 0) is None


def test_edited_markdown_of_only_a_tag_names_the_whole_file(workdir: Path) -> None:
    # found by the random edits above: a file whose only line is markup has no turns, and the
    # error is about the whole file (no line of it can say more)
    path = workdir / "only_tag.md"
    path.write_bytes(b"</v>")
    assert check_read(path, 1) is None
