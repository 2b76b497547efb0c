"""Table transcripts (CSV/TSV/XLSX) and turns tables read as-is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode import TranscriptParseError, parse_transcript, read_transcript, read_turns
from qualcode.errors import TableError
from qualcode.schema import END, INTERVIEW, LINE, ROLE, SPEAKER, START, TEXT, TURN_ID

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def st(turns):
    return [tuple(r) for r in turns[[SPEAKER, TEXT]].itertuples(index=False)]


def test_table_csv_autodetect_times_and_continuation_rows() -> None:
    turns = read_transcript(FIX / "interview.csv")
    assert st(turns) == [
        ("Interviewer", "How did you start working with this client?"),
        ("Participant", "Through a referral, actually. They had worked with my old boss."),
        ("Interviewer", "Interesting?"),
    ]
    assert list(turns[START]) == [0.0, 4.5, 12.5]
    assert list(turns[END]) == [4.5, 12.25, 14.0]
    assert list(turns[LINE]) == [2, 3, 5]
    assert list(turns[ROLE]) == ["interviewer", "participant", "interviewer"]


@pytest.mark.parametrize(
    ("header", "sep"),
    [("Sprecher;Äußerung", ";"), ("Pembicara\tTeks", "\t"), ("Name,Utterance", ",")],
)
def test_table_common_column_names(tmp_path: Path, header: str, sep: str) -> None:
    path = tmp_path / ("t.tsv" if sep == "\t" else "t.csv")
    path.write_text(f"{header}\nAna{sep}Apa kabar?\nBudi{sep}Baik.\n", encoding="utf-8")
    assert st(read_transcript(path)) == [("Ana", "Apa kabar?"), ("Budi", "Baik.")]


def test_table_xlsx_with_named_columns_and_interview(tmp_path: Path) -> None:
    path = tmp_path / "coded.xlsx"
    pd.DataFrame(
        {
            "Wer": ["Q", "A", "Q", "A"],
            "Was": ["Why?", "Because.", "How?", "Slowly."],
            "Doc": ["i1", "i1", "i2", "i2"],
        }
    ).to_excel(path, index=False)
    turns = read_transcript(path, speaker_column="Wer", text_column="was", interview_column="Doc")
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["coded/i1", "coded/i2"]
    assert list(turns["position"]) == [1, 2, 1, 2]
    with pytest.raises(TranscriptParseError, match="no column 'Nope' for the speaker"):
        read_transcript(path, speaker_column="Nope", text_column="Was")
    with pytest.raises(TranscriptParseError, match="cannot find the speaker column") as info:
        read_transcript(path)
    assert info.value.line == 1


def test_table_bad_rows_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Speaker,Text,Start\nAna,hi,zero\n", encoding="utf-8")
    with pytest.raises(TranscriptParseError, match="cannot read time 'zero'") as info:
        read_transcript(path)
    assert info.value.line == 2
    path.write_text("Speaker,Text\n,orphan text\n", encoding="utf-8")
    with pytest.raises(TranscriptParseError, match="no speaker") as info:
        read_transcript(path)
    assert info.value.line == 2


def test_table_turns_table_is_read_as_is(tmp_path: Path) -> None:
    turns = parse_transcript("Q: Why?\nA: Because.\n", source="x.txt")
    for suffix in (".csv", ".xlsx", ".parquet"):
        path = tmp_path / f"turns{suffix}"
        from qualcode.tables import write_table

        write_table(turns, path)
        again = read_turns(path)
        assert again[TURN_ID].tolist() == turns[TURN_ID].tolist()
        assert again[TEXT].tolist() == turns[TEXT].tolist()
        assert read_transcript(path)[TURN_ID].tolist() == turns[TURN_ID].tolist()


def test_table_turns_table_is_validated(tmp_path: Path) -> None:
    turns = parse_transcript("Q: Why?\nA: Because.\n", source="x.txt")
    bad = turns.copy()
    bad.loc[1, TURN_ID] = bad.loc[0, TURN_ID]
    path = tmp_path / "turns.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(TableError, match="appears more than once"):
        read_turns(path)
    with pytest.raises(TranscriptParseError, match="appears more than once") as info:
        read_transcript(path)
    assert info.value.line == 2  # the first row holding the repeated id


def test_read_turns_reads_transcripts_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Q: Why?\nA: Because.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Q: How?\nA: Slowly.\n", encoding="utf-8")
    turns = read_turns(tmp_path)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["a", "b"]
    assert read_turns([tmp_path / "a.txt"], roles={"A": "other"})[ROLE].tolist() == [
        "interviewer",
        "other",
    ]
