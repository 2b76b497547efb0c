"""One speaker count for ``parse``: distinct labels per file, the same in every line it prints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.transcripts import read_transcript, read_transcripts
from qualcode.transcripts.summary import count_speakers
from tests.conftest import SAMPLE_TXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def test_count_speakers_counts_a_label_once_per_file() -> None:
    turns = read_transcript(SAMPLE_TXT)  # P, N1, N2, R, N3 over four interviews
    assert turns["interview"].nunique() == 4
    assert count_speakers(turns) == 5


def test_count_speakers_adds_files(tmp_path: Path) -> None:
    copy = tmp_path / "again.txt"
    shutil.copy(SAMPLE_TXT, copy)
    both = read_transcripts([SAMPLE_TXT, copy, FIX / "teams_old_id.txt"])
    assert count_speakers(both) == 5 + 5 + 3
    assert count_speakers(both.iloc[:0]) == 0


def test_parse_prints_one_speaker_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SAMPLE_TXT), "--out", str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert "1 file(s), 4 interview(s), 5 speaker(s), 173 turns" in out
    assert "(text, by its extension); 5 speaker(s), 173 turns" in out
    assert "9 speaker(s)" not in out
