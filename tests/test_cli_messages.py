"""Messages a user reads: help without Python types, headers that match what was done, errors
that name the user's file (never a temporary), library wording that suits the command line."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest
import typer.main

from qualcode.cli import app, main
from qualcode.fileio import output_error
from tests._projectdata import copy_project
from tests._readonly import read_only
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT


def _commands() -> list[list[str]]:
    """Every command of the app, discovered (so commands added later are covered too)."""
    found: list[list[str]] = []

    def walk(command: object, name: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for sub_name, sub in subs.items():
                walk(sub, [*name, sub_name])
        else:
            found.append(name)

    walk(typer.main.get_command(app), [])
    return found


def test_help_of_every_command_shows_no_python_types(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    commands = _commands()
    assert ["parse"] in commands and ["codes", "delete"] in commands
    for name in [[], *commands]:
        assert main([*name, "--help"]) == 0
        out = capsys.readouterr().out
        assert "Usage: qualcode" in out, name
        for python in ("<bool>", "<list[", "<str>", "<path>", "<int>", "<float>"):
            assert python not in out, (name, python)
    assert main(["parse", "--help"]) == 0
    out = capsys.readouterr().out
    assert "PATH...  Transcript files" in out
    assert "--single-speaker   " in out and "--out" in out and "PATH " in out


def test_evaluate_header_says_the_folds_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turns = tmp_path / "turns.csv"
    assert main(["parse", str(SAMPLE_TXT), "--out", str(turns)]) == 0
    coder_a = pd.read_csv(ROOT / "data" / "codings" / "coder_a.csv", dtype=str)
    two = coder_a[~coder_a["turn_id"].str.contains("narasumber-3|tambahan")]  # 2 interviews
    codings = tmp_path / "codings.csv"
    two.to_csv(codings, index=False)
    capsys.readouterr()
    args = ["evaluate", "--turns", str(turns), "--codings", str(codings)]
    assert main([*args, "--codebook", str(CODEBOOK), "--folds", "5"]) == 0
    captured = capsys.readouterr()
    assert "only 2 coded interviews: using 2 folds instead of 5" in captured.err
    assert "Method model, 2-fold CV by interview:" in captured.out
    assert "5-fold" not in captured.out


def test_export_qdpx_makes_its_folder_and_never_names_a_temporary(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(copy_project(tmp_path, tmp_path_factory))
    out = tmp_path / "missing" / "dir" / "s.qdpx"
    assert main(["export", "qdpx", "--project", project, "--out", str(out)]) == 0
    assert out.is_file() and [p.name for p in out.parent.iterdir()] == ["s.qdpx"]
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        capsys.readouterr()
        target = locked / "s.qdpx"
        assert main(["export", "qdpx", "--project", project, "--out", str(target)]) == 1
        err = capsys.readouterr().err
    assert err == (
        f"Error: {target}: cannot write: permission denied; expected a path in a folder you "
        "can write to\n"
    )
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("temporary", [".s.qdpx.5c12xe0g", ".s.tmp-1a2b3c4d.qdpx"])
def test_output_error_never_names_a_writers_temporary(tmp_path: Path, temporary: str) -> None:
    err = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / temporary))
    message = str(output_error(err, tmp_path / "s.qdpx"))
    assert message == (
        f"{tmp_path / 's.qdpx'}: cannot write: the disk is full; expected a path in a folder "
        "you can write to"
    )


def test_codes_delete_message_speaks_command_line(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(copy_project(tmp_path, tmp_path_factory))
    assert main(["codes", "delete", project, "retain"]) == 1
    err = capsys.readouterr().err
    assert "delete it with --force to delete them too" in err
    assert "force=True" not in err
