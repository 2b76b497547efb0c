"""Oral-history tables whose time column holds notes on a few rows and is empty on most."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.errors import TranscriptParseError
from qualcode.schema import LINE, ROLE, SPEAKER, START, TEXT
from qualcode.transcripts import read_transcript, read_transcripts_with_report

FIX = Path(__file__).parent / "fixtures" / "transcripts"
NOTES = (
    "recording begins",
    "beginning of actual interview",
    "tape change",
    "Side B",
    "end of interview",
)


def _starts(turns: pd.DataFrame) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in turns[START]]


def test_oral_history_time_notes_give_times_and_stay_out_of_the_text() -> None:
    turns, report = read_transcripts_with_report([FIX / "oral_history_notes.csv"])
    assert list(turns[SPEAKER]) == ["INTERVIEWER", "NARRATOR"] * 4 + ["INTERVIEWER"]
    # the narrator is the person interviewed
    assert set(turns.loc[turns[SPEAKER] == "NARRATOR", ROLE]) == {"participant"}
    assert _starts(turns) == [5.0, None, None, None, 310.0, None, 1862.0, None, 3520.0]
    assert list(turns[LINE]) == [3, 4, 5, 8, 10, 11, 13, 14, 15]
    for note in NOTES:
        assert not turns[TEXT].str.contains(note, regex=False).any(), note
    assert turns[TEXT].iloc[3] == (
        "In Jalisco, in a little town near Ameca. We came north in 1952. "
        "The whole family in one truck, my father drove the whole way."
    )
    assert (
        report["layout"]
        .iloc[0]
        .endswith("3 stage note row(s) skipped, 4 note(s) in the time column left out")
    )


def test_oral_history_time_note_on_a_row_kept_as_its_own_turn() -> None:
    turns = read_transcript(FIX / "oral_history_notes.csv", keep_paragraphs=True)
    row7 = turns.loc[turns[LINE] == 7].iloc[0]
    assert row7[TEXT] == "So let's start at the beginning. Where were you born?"
    assert row7[START] == 223.0


def test_oral_history_indonesian_semicolon_table_with_waktu_column() -> None:
    turns = read_transcript(FIX / "sejarah_lisan.csv")
    assert list(turns[SPEAKER]) == ["P", "N1", "P", "N1", "P", "N1", "P"]
    assert _starts(turns) == [12.0, None, 150.0, None, 255.0, None, 1265.0]
    assert not turns[TEXT].str.contains("wawancara selesai|rekaman dimulai").any()
    assert turns[TEXT].iloc[3].endswith("langsung kami tanggapi hari itu juga.")


@pytest.mark.parametrize(
    ("cell", "row"),
    [("zero", 3), ("12:7x", 4), ("1:2:3:4 x", 4), ("inf", 3)],
)
def test_oral_history_cell_neither_time_nor_note_is_refused(
    tmp_path: Path, cell: str, row: int
) -> None:
    path = tmp_path / "bad.csv"
    cells = ["", "[00:00:05] start"]
    cells.insert(row - 2, cell)
    path.write_text(
        "Speaker,Text,Timestamp\n"
        f"INTERVIEWER:,Where were you born?,{cells[0]}\n"
        f"NARRATOR:,In Jalisco.,{cells[1]}\n"
        f",We came north in 1952.,{cells[2]}\n",
        encoding="utf-8",
    )
    msg = rf"bad.csv line {row}: cannot read time '{cell}' in column 'Timestamp'; expected seconds"
    with pytest.raises(TranscriptParseError, match=msg):
        read_transcript(path)


def test_oral_history_parse_cli_reads_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "turns.csv"
    assert main(["parse", str(FIX / "oral_history_notes.csv"), "--out", str(out)]) == 0
    got = capsys.readouterr().out
    assert "4 note(s) in the time column left out" in got
    assert "1 file(s), 1 interview(s), 2 speaker(s), 9 turns" in got
    again = read_transcript(out)
    assert _starts(again) == [5.0, None, None, None, 310.0, None, 1862.0, None, 3520.0]


def test_oral_history_unclosed_quote_names_the_line_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    text = (FIX / "oral_history_notes.csv").read_text(encoding="utf-8")
    # a download cut inside the quoted cell of row 14, after the two-line cell of row 8
    cut = text.index('"They did, mostly.') + 20
    path.write_text(text[:cut].replace("came north", "came\nnorth"), encoding="utf-8")
    msg = r"cut.csv line 15: a cell opened with a quote \(\"\) is never closed; expected a closing"
    with pytest.raises(TranscriptParseError, match=msg):
        read_transcript(path)
