"""The fast path for ``Label: text`` transcripts gives exactly what the general reader gives."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import (
    TranscriptParseError,
    parse_transcript,
    read_transcript,
    read_transcripts,
    schema,
)
from qualcode.schema import INTERVIEW, LINE, POSITION, ROLE, SPEAKER, TEXT, TURN_ID, normalize_turns
from qualcode.transcripts import fast
from qualcode.transcripts.arrowtext import normalize_text_array
from qualcode.transcripts.builder import (
    FileInfo,
    block_from_raw,
    build_block,
    frame_from_columns,
)
from qualcode.transcripts.folders import find_transcripts
from qualcode.transcripts.labels import normalize_space
from qualcode.transcripts.text import parse_text


def general(text: str, source: str = "t.txt") -> pd.DataFrame:
    """The turns the general (line-by-line) reader gives."""
    raw = parse_text(text, path=source)
    info = [FileInfo(Path(source).stem, source)]
    return frame_from_columns([build_block(block_from_raw([(raw, 0)]), info)])


def took_fast_path(text: str) -> bool:
    return fast.parse_batch([text]).segments[0] is not None


_LABELS = ["A", "B", "P", "N1", "Jane", "Bob", "Ana", "Catatan", "Meanwhile", "Ωmega", "Zoë", "I"]
_WORDS = [
    "word", "kata?", "ok.", "x  y", "tab\there", "nbsp\u00a0x", "em\u2003dash", "<b>bold</b>",
    "a &amp; b", "[0:18]", "(aside)", "¿Qué?", "tail ", "Yes: no", "3 < 4",
]  # fmt: skip
_OTHER = [
    "", "   ", "\t", "# Interview 1", "## Part 2", "#", "# ", "Interview 2", "12", "<br>",
    "continued prose", "  indented", "Page 3 of 10", "---",
]  # fmt: skip


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    # half of the texts in the shapes the fast path takes, half in any shape
    simple = draw(st.booleans())
    labels = ["A", "B", "P", "N1", "I", "Ana", "Zoë"] if simple else _LABELS
    seps = [": ", ":  ", ":\t", ": \t "] if simple else [": ", ":  ", ":\t", ":", " : "]
    other = ["", "   ", "# Interview 1", "## Part 2", "<br>"] if simple else _OTHER
    lines = []
    for _ in range(draw(st.integers(1, 14))):
        if draw(st.integers(0, 9)) < (9 if simple else 7):
            label = draw(st.sampled_from(labels))
            sep = draw(st.sampled_from(seps))
            words = draw(st.lists(st.sampled_from(_WORDS), min_size=int(simple), max_size=4))
            if simple and words and words[0][:1] in "[(":
                words[0] = "so " + words[0]
            lines.append(label + sep + " ".join(words))
        else:
            lines.append(draw(st.sampled_from(other)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _same(text: str, source: str = "t.txt") -> None:
    try:
        expected = general(text, source)
    except TranscriptParseError as err:
        with pytest.raises(TranscriptParseError) as info:
            parse_transcript(text, source=source)
        assert str(info.value) == str(err)
        return
    got = parse_transcript(text, source=source)
    pd.testing.assert_frame_equal(got, expected)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_fast_path_equals_general_reader_property(text: str) -> None:
    _same(text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(transcripts(), min_size=1, max_size=6))
def test_fast_path_equals_general_reader_in_tiny_chunks(monkeypatch, texts: list[str]) -> None:
    # chunks of a few characters: files split across chunks and chunks holding many files
    monkeypatch.setattr(fast, "CHUNK_CHARS", 16)
    for text in texts:
        _same(text)
    result = fast.parse_batch(texts)
    for k, text in enumerate(texts):
        if result.segments[k] is not None:
            a, b = result.rows[k], result.rows[k + 1]
            expected = general(text)
            assert result.speaker[a:b].tolist() == list(expected[SPEAKER])
            assert result.text[a:b].to_pylist() == list(expected[TEXT])
            assert result.line[a:b].tolist() == list(expected[LINE])


def test_fast_path_takes_simple_files_and_leaves_the_others() -> None:
    assert took_fast_path("A: Hi?\nB: Hello.\n\n# Part 2\n\nA: <i>Again</i>?\nB: Ja &amp; nee.\n")
    assert took_fast_path("Zoë: Ça va?\nÉmile: ¿Bien?\nZoë: Oui.\nÉmile: Sí.\n")
    assert not took_fast_path("A: Hi?\nthis line continues the turn\nB: Hello.\n")
    assert not took_fast_path("Jane: Hi?\nBob: Hello.\n")  # weak labels seen once
    assert not took_fast_path("A: [0:18] Hi?\nB: Hello.\n")  # a timestamp
    assert not took_fast_path("INTERVIEWER\nHi?\nB: Hello.\n")  # a label alone on its line


def test_text_with_lone_surrogate_is_refused_with_its_line() -> None:
    text = "A: Hi?\nB: bad \ud800 char\n"
    assert not took_fast_path(text)
    with pytest.raises(TranscriptParseError, match="lone surrogate") as info:
        parse_transcript(text, source="s.txt")
    assert info.value.line == 2


def test_fast_path_headings_line_numbers_and_ids_across_chunks(monkeypatch) -> None:
    monkeypatch.setattr(fast, "CHUNK_CHARS", 40)
    parts = ["Transkrip Wawancara", "", "# Narasumber 1", ""]
    for k in range(30):
        parts.append(f"P: Pertanyaan {k}?")
        parts.append(f"N1: Jawaban  {k}.")
        if k == 14:
            parts += ["", "# Narasumber 1", "# Bagian B", ""]
    text = "\n".join(parts[2:]) + "\n"
    assert took_fast_path(text)
    turns = parse_transcript(text, source="study.txt")
    pd.testing.assert_frame_equal(turns, general(text, "study.txt"))
    assert list(dict.fromkeys(turns[INTERVIEW])) == [
        "study/Narasumber 1",
        "study/Narasumber 1 - Bagian B",
    ]
    assert turns[TURN_ID].iloc[0] == "study-narasumber-1-0001"
    assert turns[TURN_ID].iloc[-1] == "study-narasumber-1-bagian-b-0030"
    assert turns[LINE].iloc[-1] == text.count("\n")
    assert turns[TEXT].iloc[1] == "Jawaban 0."


def test_fast_path_first_heading_group_drops_document_title() -> None:
    text = "# Transcripts\n## Interview 1\n\nQ: a?\nA: b\n\n# Interview 1\n\nQ: c?\nA: d\n"
    assert took_fast_path(text)
    turns = parse_transcript(text, source="x.txt")
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["x/Interview 1", "x/Interview 1 (2)"]
    pd.testing.assert_frame_equal(turns, general(text, "x.txt"))


def test_read_transcripts_mixed_readers_keep_file_order_and_ids(tmp_path: Path) -> None:
    files = {
        "a.txt": "Q: Why?\nA: Because.\n",
        "b.txt": "Q: Why?\nA: Because\nof the rain.\n",  # continuation: general reader
        "c.vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Jane>Hi?</v>\n",
        "d.txt": "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Bob>Yes.</v>\n",  # captions in .txt
        "e.md": "**Ana:** Halo?\n**Budi:** Ya.\n",
        "f.txt": "P: Halo?\nN1: Ya.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    turns = read_transcripts(tmp_path)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["a", "b", "c", "d", "e", "f"]
    assert list(turns[SPEAKER]) == ["Q", "A", "Q", "A", "Jane", "Bob", "Ana", "Budi", "P", "N1"]
    assert turns.loc[3, TEXT] == "Because of the rain."
    one_by_one = normalize_turns(
        pd.concat([read_transcript(tmp_path / name) for name in files], ignore_index=True)
    )
    pd.testing.assert_frame_equal(turns, one_by_one)
    assert turns[TURN_ID].is_unique


def test_fast_path_table_has_turns_dtypes() -> None:
    turns = parse_transcript("A: x?\nB: y\n" * 50)
    pd.testing.assert_frame_equal(turns, schema.validate_turns(turns))
    assert turns[TEXT].dtype == "string"
    assert list(turns[ROLE].unique()) == ["participant"]


def test_fast_path_turn_ids_past_position_9999() -> None:
    turns = parse_transcript("A: x?\nB: y\n" * 5001, source="long.txt")
    assert list(turns[TURN_ID].iloc[[0, 9998, 9999, 10001]]) == [
        "long-0001",
        "long-9999",
        "long-10000",
        "long-10002",
    ]
    assert turns[POSITION].iloc[-1] == 10002


def test_roles_decided_by_questions_per_interview_not_reused() -> None:
    text = (
        "# One\n\nAna: Why?\nBudi: Because.\nAna: Really?\nBudi: Yes.\n\n"
        "# Two\n\nAna: Fine.\nBudi: How so?\nAna: Well.\nBudi: And then?\n"
    )
    assert took_fast_path(text)
    turns = parse_transcript(text)
    roles = turns.groupby(INTERVIEW, sort=False).apply(
        lambda g: dict(zip(g[SPEAKER], g[ROLE], strict=True)), include_groups=False
    )
    assert list(roles) == [
        {"Ana": "interviewer", "Budi": "participant"},
        {"Ana": "participant", "Budi": "interviewer"},
    ]


_SPACES = [" ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x85", "\xa0", "\u2003", "\u3000"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from([*_SPACES, "a", "é", "字", "?", "\u200b", "\x00x"]), max_size=12
        ).map("".join),
        max_size=20,
    )
)
def test_normalize_text_array_equals_normalize_space(texts: list[str]) -> None:
    got = normalize_text_array(pa.array(texts, type=pa.large_string())).to_pylist()
    assert got == [normalize_space(t) for t in texts]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"P: halo\nN1: ok\x01\n", 2),
        ("P: halo\nN1: ok\u0085\n".encode(), 2),  # a C1 control character
        (b"P: halo\nN1: ok\x7f\n", 2),
    ],
)
def test_decode_refuses_control_characters(tmp_path: Path, data: bytes, line: int) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.raises(TranscriptParseError, match="control character") as info:
        read_transcript(path)
    assert info.value.line == line


def test_decode_accepts_no_break_space(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("P: halo\u00a0mas?\nN1: ok\n".encode())
    assert list(read_transcript(path)[TEXT]) == ["halo mas?", "ok"]


def test_find_transcripts_drops_the_same_file_given_twice(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Q: a?\nA: b\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Q: a?\nA: b\n", encoding="utf-8")
    os.symlink(tmp_path / "a.txt", tmp_path / "link.txt")
    found = find_transcripts([tmp_path / "b.txt", tmp_path, tmp_path / "a.txt"])
    assert [p.name for p in found] == ["b.txt", "a.txt"]
