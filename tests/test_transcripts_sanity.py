"""Files that read into implausible "transcripts" are named in one warning, not passed silently."""

from __future__ import annotations

import random
import string
import warnings
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.cli.notices import plain_warnings
from qualcode.errors import TranscriptWarning
from qualcode.transcripts import parse_transcript, read_transcript, read_transcripts
from qualcode.transcripts.sanity import check_structure
from tests.conftest import SAMPLE_TXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


@pytest.fixture(scope="module")
def garbage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 KB of random printable characters, as a user's mistaken file might hold."""
    rng = random.Random(20)
    path = tmp_path_factory.mktemp("garbage") / "recording_notes.txt"
    path.write_text("".join(rng.choices(string.printable, k=400_000)), encoding="utf-8")
    return path


def test_random_characters_warn_naming_the_file(garbage: Path) -> None:
    with pytest.warns(TranscriptWarning) as caught:
        turns = read_transcript(garbage)
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert msg.startswith(f"{garbage}: read into ")
    assert "different speaker labels" in msg and "of them with a single turn" in msg
    assert "does not look like an interview transcript" in msg
    assert len(turns) > 0  # a warning, not a refusal


def test_headings_splitting_into_hundreds_of_one_turn_interviews_warn() -> None:
    text = "".join(
        f"## Bagian {k}\n\nsatu baris saja tanpa label nomor {k}.\nP: ya\n\n" for k in range(150)
    )
    with pytest.warns(TranscriptWarning, match=r"headings split it into 150 interviews, 150 of"):
        parse_transcript(text, source="potongan.txt")


def test_real_transcripts_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TranscriptWarning)
        read_transcripts([SAMPLE_TXT, *sorted(FIX.glob("*.txt")), *sorted(FIX.glob("*.csv"))])
    # a focus group: 25 people who each speak three times
    group = "".join(f"Peserta {k % 25 + 1}: pendapat nomor {k}.\n" for k in range(75))
    assert parse_transcript(group)["speaker"].nunique() == 25


def test_check_structure_thresholds() -> None:
    assert check_structure([f"S{k}" for k in range(19)], [None] * 19) is None
    assert check_structure([f"S{k}" for k in range(20)] * 2, [None] * 40) is None
    assert check_structure([f"S{k}" for k in range(20)], [None] * 20) == (
        "20 turns by 20 different speaker labels, 20 of them with a single turn"
    )
    assert check_structure(["A"] * 99, [str(k) for k in range(99)]) is None


def test_parse_cli_prints_the_warning_as_one_plain_line(
    garbage: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "turns.csv"
    assert main(["parse", str(garbage), str(SAMPLE_TXT), "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"Warning: {garbage}: read into ")
    assert out.exists()


def test_plain_warnings_shows_other_warnings_as_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with plain_warnings():
        warnings.simplefilter("always", UserWarning)
        warnings.warn("first line\n  second line", UserWarning, stacklevel=1)
    assert capsys.readouterr().err == "Warning: UserWarning: first line second line\n"
