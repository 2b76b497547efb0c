"""read_transcripts, detection, the writer round trip, bad input, and `qualcode parse`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode import (
    TranscriptParseError,
    format_transcript,
    parse_transcript,
    read_transcript,
    read_transcripts,
    write_transcript,
)
from qualcode.cli import main
from qualcode.schema import INTERVIEW, POSITION, ROLE, SOURCE, SPEAKER, START, TEXT, TURN_ID
from qualcode.tables import read_table
from qualcode.transcripts import detect_format, summarize_interviews
from tests.conftest import SAMPLE_TXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


# --- read_transcripts ----------------------------------------------------------------------
def test_read_transcripts_ids_unique_across_equal_stems(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("Q: Why?\nA: Because.\n", encoding="utf-8")
    (tmp_path / "a" / "x.vtt").write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\nQ: Why?\n", encoding="utf-8"
    )
    turns = read_transcripts([tmp_path / "a" / "x.txt", tmp_path / "b", tmp_path / "a" / "x.vtt"])
    assert turns[TURN_ID].is_unique
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["a-x-txt", "b-x", "a-x-vtt"]
    assert list(turns[SOURCE]) == ["x.txt", "x.txt", "x.txt", "x.txt", "x.vtt"]
    again = read_transcripts([tmp_path / "a" / "x.txt", tmp_path / "b", tmp_path / "a" / "x.vtt"])
    assert again[TURN_ID].equals(turns[TURN_ID])


def test_read_transcripts_folder_sorted_and_supported_only(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Q: b?\nA: b\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Q: a?\nA: a\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "~$lock.docx").write_bytes(b"junk")
    seen: list[str] = []
    turns = read_transcripts(tmp_path, progress=lambda p: seen.append(p.name))
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["a", "b"]
    assert seen == ["a.md", "b.txt"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("x.txt", b"Q: a\n", "text"),
        ("x.md", b"Q: a\n", "markdown"),
        ("x.vtt", b"", "vtt"),
        ("x.srt", b"", "srt"),
        ("x.csv", b"", "table"),
        ("x.docx", b"", "docx"),
        ("x.txt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nQ: a\n", "vtt"),
        ("x.txt", b"1\n00:00:01,000 --> 00:00:02,000\nQ: a\n", "srt"),
        ("x.captions", b"WEBVTT\n", "vtt"),
    ],
)
def test_detect_format_from_extension_and_content(tmp_path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(path) == expected


def test_format_override(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_text("Q: Why?\nA: Because.\n", encoding="utf-8")
    with pytest.raises(TranscriptParseError, match=r"unknown transcript extension '\.log'"):
        read_transcript(path)
    assert list(read_transcript(path, format="text")[SPEAKER]) == ["Q", "A"]
    with pytest.raises(TranscriptParseError, match="unknown format 'pdf'"):
        read_transcript(path, format="pdf")


# --- writer round trip ---------------------------------------------------------------------
def test_format_transcript_sample_round_trip(tmp_path: Path) -> None:
    turns = read_transcript(SAMPLE_TXT)
    path = write_transcript(turns, tmp_path / "magnus_interviews.txt")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Narasumber 1\n\nP: Halo, benar dengan mbak Juliana ya?\n")
    again = read_transcript(path)
    cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, ROLE, TEXT]
    assert again[cols].equals(turns[cols])


def test_format_transcript_keeps_start_times_and_odd_labels() -> None:
    turns = parse_transcript(
        "WEBVTT\n\n00:00:01.500 --> 00:00:02.000\n<v Doe, Jane>Why?</v>\n\n"
        "00:01:02.250 --> 00:01:03.000\n<v catatan>Note.</v>\n",
        format="vtt",
    )
    text = format_transcript(turns)
    assert "[00:00:01.500] Doe, Jane\t: Why?" in text
    again = parse_transcript(text)
    assert list(again[SPEAKER]) == ["Doe, Jane", "catatan"]
    assert list(again[START]) == [1.5, 62.25]


def test_format_transcript_refuses_unwritable_label() -> None:
    turns = parse_transcript("Q: Why?\nA: Because.\n")
    # a label column takes a new value once it is a plain string column
    turns[SPEAKER] = turns[SPEAKER].astype("string")
    turns.loc[0, SPEAKER] = "A: B"
    with pytest.raises(Exception, match="cannot be written"):
        format_transcript(turns)


_NAMES = st.sampled_from(
    ["P", "N1", "Q", "A", "Interviewer", "Respondent", "Ana", "Budi Santoso", "MR. DAVIS",
     "Dr. Sari", "Jane", "Doe, Jane", "Speaker 2", "catatan", "MOD"]
)  # fmt: skip
_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789áéüß.,?!'-:()",
    min_size=1,
    max_size=12,
)
_TEXT = st.lists(_WORD, min_size=1, max_size=12).map(" ".join)
_HEADING = st.sampled_from(["Interview 1", "Narasumber 2", "Session (3 May)", "Wawancara B"])


@st.composite
def turns_tables(draw):
    n_interviews = draw(st.integers(1, 3))
    headings = draw(st.lists(_HEADING, min_size=n_interviews, max_size=n_interviews, unique=True))
    rows = []
    for heading in headings:
        for pos, (sp, text) in enumerate(
            draw(st.lists(st.tuples(_NAMES, _TEXT), min_size=1, max_size=6)), start=1
        ):
            rows.append(
                {
                    TURN_ID: f"t{len(rows)}",
                    INTERVIEW: f"rt/{heading}",
                    POSITION: pos,
                    SPEAKER: sp,
                    ROLE: "other",
                    TEXT: text,
                }
            )
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(turns_tables())
def test_format_transcript_round_trip_property(turns: pd.DataFrame) -> None:
    text = format_transcript(turns)
    again = parse_transcript(text, source="rt.txt")
    assert list(again[INTERVIEW]) == list(turns[INTERVIEW])
    assert list(again[POSITION]) == list(turns[POSITION])
    assert list(again[SPEAKER]) == list(turns[SPEAKER])
    assert list(again[TEXT]) == list(turns[TEXT])
    # and once more: the written form is a fixed point, roles included
    third = parse_transcript(format_transcript(again), source="rt.txt")
    assert third.drop(columns=["line"]).equals(again.drop(columns=["line"]))


# --- bad input: library and CLI ------------------------------------------------------------
def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str, int | None]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"P: hi\n" + bytes(range(256)) * 4)
    unknown = tmp_path / "interview.xyz"
    unknown.write_text("Q: a\n", encoding="utf-8")
    undecodable = tmp_path / "undecodable.txt"
    undecodable.write_bytes(b"P: halo\nN1: caf\x81\x8d\n")
    nolabels = tmp_path / "nolabels.txt"
    nolabels.write_text("\n\nthis is just prose, no speakers\nmore prose\n", encoding="utf-8")
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "readme.pdf").write_bytes(b"%PDF")
    return {
        "empty": (empty, "empty file", None),
        "binary": (binary, "binary", 2),
        "unknown extension": (unknown, "unknown transcript extension", None),
        "undecodable": (undecodable, "undecodable", 2),
        "no labels": (nolabels, "no speaker labels found.*line 3: 'this is just prose", 3),
        "empty folder": (folder, "folder holds no transcript files", None),
        "missing": (tmp_path / "missing.txt", "file not found", None),
    }


@pytest.mark.parametrize(
    "case",
    ["empty", "binary", "unknown extension", "undecodable", "no labels", "empty folder", "missing"],
)
def test_bad_input_library_error_names_path_and_line(tmp_path: Path, case: str) -> None:
    path, match, line = _bad_files(tmp_path)[case]
    with pytest.raises(TranscriptParseError, match=match) as info:
        read_transcripts([path])
    assert info.value.path == path
    assert info.value.line == line
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "case",
    ["empty", "binary", "unknown extension", "undecodable", "no labels", "empty folder", "missing"],
)
def test_bad_input_cli_exit_1_with_error(tmp_path: Path, case: str, capsys) -> None:
    path, _match, line = _bad_files(tmp_path)[case]
    code = main(["parse", str(path), "--out", str(tmp_path / "turns.csv")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("Error: ")
    assert str(path) in captured.err
    if line is not None:
        assert f"line {line}" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "turns.csv").exists()


def test_cli_single_speaker_flag(tmp_path: Path, capsys) -> None:
    path = tmp_path / "diary.txt"
    path.write_text("Hari pertama saya bekerja.\n\nHari kedua.\n", encoding="utf-8")
    out = tmp_path / "turns.csv"
    assert main(["parse", str(path), "--out", str(out), "--single-speaker"]) == 0
    assert list(read_table(out)[SPEAKER]) == ["unknown", "unknown"]


def test_cli_bad_roles_and_out(tmp_path: Path, capsys) -> None:
    assert main(["parse", str(SAMPLE_TXT), "--out", str(tmp_path / "t.csv"), "--roles", "P"]) == 1
    assert "Error: roles: 'P' has no '='" in capsys.readouterr().err
    assert main(["parse", str(SAMPLE_TXT), "--out", str(tmp_path / "t.json")]) == 1
    assert "unknown table type '.json'" in capsys.readouterr().err


# --- CLI ------------------------------------------------------------------------------------
def test_cli_parse_sample_writes_table_and_summary(tmp_path: Path, capsys) -> None:
    out = tmp_path / "turns.csv"
    code = main(["parse", str(SAMPLE_TXT), "--out", str(out), "--roles", "R=participant"])
    captured = capsys.readouterr()
    assert code == 0
    assert "1 file(s), 4 interview(s), 5 speaker(s), 173 turns" in captured.out
    expected = "Narasumber 2: 57 turns; P (interviewer), N2 (participant), R (participant)"
    assert f"magnus_interviews/{expected}" in captured.out
    turns = read_table(out)
    assert len(turns) == 173
    assert turns[TURN_ID].iloc[0] == "magnus-interviews-narasumber-1-0001"


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_cli_parse_other_table_types(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"turns{suffix}"
    assert main(["parse", str(FIX / "zoom.vtt"), "--out", str(out)]) == 0
    assert list(read_table(out)[SPEAKER]) == ["Jane Smith", "Budi Santoso"] * 2


def test_cli_parse_many_files_shows_progress_on_stderr(tmp_path: Path, capsys, monkeypatch) -> None:
    for k in range(7):
        (tmp_path / f"i{k}.txt").write_text(f"Q: Why {k}?\nA: Because.\n", encoding="utf-8")
    out = tmp_path / "out" / "turns.csv"
    assert main(["parse", str(tmp_path), "--out", str(out), "--format", "text"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal: no bar
    monkeypatch.setenv("QUALCODE_PROGRESS", "1")
    assert main(["parse", str(tmp_path), "--out", str(out), "--format", "text"]) == 0
    captured = capsys.readouterr()
    assert "reading transcripts" in captured.err and "/7" in captured.err
    assert "7 file(s), 7 interview(s)" in captured.out
    assert len(read_table(out)) == 14


def test_summarize_interviews_columns() -> None:
    summary = summarize_interviews(read_transcript(FIX / "otter.txt"))
    assert summary.to_dict("records") == [
        {
            "interview": "otter",
            "source": "otter.txt",
            "turns": 4,
            "speakers": "Jane Doe (interviewer), Sam Lee (participant)",
        }
    ]


def test_summarize_interviews_interleaved_interviews_and_sources() -> None:
    turns = pd.DataFrame(
        {
            "turn_id": [f"t{i}" for i in range(6)],
            "interview": pd.Categorical(["b", "a", "b", "a", "b", "c"]),
            "position": [1, 1, 2, 2, 3, 1],
            "speaker": ["P", "N1", "N2", "P", "P", "N3"],
            "role": [
                "interviewer",
                "participant",
                "participant",
                "interviewer",
                "interviewer",
                "participant",
            ],
            "text": ["x"] * 6,
            "source": ["b1.txt", "a.txt", "b2.txt", None, "b1.txt", None],
        }
    )
    summary = summarize_interviews(turns)
    assert summary.to_dict("records") == [
        {
            "interview": "b",
            "source": "b1.txt, b2.txt",
            "turns": 3,
            "speakers": "P (interviewer), N2 (participant)",
        },
        {
            "interview": "a",
            "source": "a.txt",
            "turns": 2,
            "speakers": "N1 (participant), P (interviewer)",
        },
        {"interview": "c", "source": "", "turns": 1, "speakers": "N3 (participant)"},
    ]
