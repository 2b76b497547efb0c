"""Every command whose output cannot be written says so in an ``Error:`` line and exits 1."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from qualcode.cli import main
from tests.conftest import CODEBOOK, SAMPLE_TXT


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("coded")
    assert main(["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(out)]) == 0
    return out


def _commands(coded: Path, bad: str) -> dict[str, list[str]]:
    turns, codings = str(coded / "turns.csv"), str(coded / "codings.csv")
    inputs = ["--turns", turns, "--codings", codings, "--codebook", str(CODEBOOK)]
    return {
        "parse": ["parse", str(SAMPLE_TXT), "--out", f"{bad}/turns.csv"],
        "code": ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", bad],
        "report": ["report", *inputs, "--out", bad],
        "export docx": ["export", "docx", *inputs, "--out", f"{bad}/appendix.docx"],
        "export xlsx": ["export", "xlsx", *inputs, "--out", f"{bad}/tables.xlsx"],
    }


@pytest.mark.parametrize("command", ["parse", "code", "report", "export docx", "export xlsx"])
@pytest.mark.parametrize("where", ["file as folder", "missing parent under /proc"])
def test_unwritable_out_is_an_error_line(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, where: str
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    bad = str(afile) if where == "file as folder" else "/proc/qualcode-missing/x"
    capsys.readouterr()
    assert main(_commands(coded, bad)[command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "Traceback" not in err
    assert "cannot write" in err
    assert afile.read_text(encoding="utf-8") == "not a folder"


def test_parse_full_disk_keeps_the_last_good_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "turns.csv"
    assert main(["parse", str(SAMPLE_TXT), "--out", str(out)]) == 0
    good = out.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    capsys.readouterr()
    assert main(["parse", str(SAMPLE_TXT), "--keep-paragraphs", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    reason = "cannot write: the disk is full; expected a path in a folder you can write to"
    assert err == f"Error: {out}: {reason}\n"
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["turns.csv"]


def test_parse_explain_names_format_and_merging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fix = Path(__file__).parent / "fixtures" / "transcripts"
    args = ["parse", str(fix / "zoom.vtt"), str(fix / "teams_old.txt"), "--explain"]
    assert main([*args, "--out", str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert (
        "zoom.vtt: read as Zoom WebVTT, 'Name: text' cues (vtt, by its extension); 2 speaker(s), "
        "merged 6 blocks into 4 turns" in out
    )
    assert "teams_old.txt: read as text, timing, speaker and text blocks (Teams .txt)" in out
