"""The command line's last word: a bug is one line and a log file (exit 2), Ctrl-C says what was
kept (exit 130), bad input is an ``Error:`` line (exit 1)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.project import Project
from tests._projectdata import copy_project
from tests.conftest import SAMPLE_TXT


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path, tmp_path_factory)


def _log_rows(path: Path) -> list[tuple[object, ...]]:
    with Project.open(path) as p:
        return [tuple(r) for r in p.log().itertuples(index=False)]


def test_main_bug_is_one_line_and_a_log_file(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("QUALCODE_LOG_DIR", str(logs))

    def broken(self: Project) -> dict[str, object]:
        raise RuntimeError("status table went missing\nsecond line")

    monkeypatch.setattr(Project, "status", broken)
    assert main(["status", str(project)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    m = re.fullmatch(
        r"Internal error \(a bug in qualcode\): RuntimeError: status table went missing; "
        r"the full traceback is in (.+); please report it\n",
        err,
    )
    assert m is not None, err
    log = Path(m.group(1))
    assert log.parent == logs
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "second line" in text
    assert f"qualcode status {project}" in text


def test_main_bug_log_falls_back_to_the_temporary_folder(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("QUALCODE_LOG_DIR", str(blocker / "logs"))  # cannot be made
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR

    def broken(self: Project) -> object:
        raise KeyError("turn")

    monkeypatch.setattr(Project, "log", broken)
    assert main(["log", str(project)]) == 2
    err = capsys.readouterr().err
    assert f"the full traceback is in {tmp_path / 'tmp' / 'qualcode'}" in err


def test_main_oserror_without_a_file_is_a_bug_not_a_traceback(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUALCODE_LOG_DIR", str(tmp_path / "logs"))

    def broken(self: Project) -> object:
        raise OSError("socket closed")

    monkeypatch.setattr(Project, "status", broken)
    assert main(["status", str(project)]) == 2
    assert "Internal error (a bug in qualcode): OSError: socket closed" in capsys.readouterr().err


def test_main_ctrl_c_in_a_write_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.project import rows

    before = _log_rows(project)
    real = rows.insert

    def interrupted(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # the row is written inside the transaction, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(rows, "insert", interrupted)
    assert main(["memo", str(project), "a thought"]) == 130
    assert capsys.readouterr().err == "Interrupted: nothing was changed\n"
    monkeypatch.undo()
    assert _log_rows(project) == before
    with Project.open(project) as p:
        assert p.memos().empty


def test_main_ctrl_c_says_which_changes_were_kept(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = tmp_path / "second.txt"
    shutil.copy(SAMPLE_TXT, other)
    cases = tmp_path / "cases.csv"
    cases.write_text("case,interview\nA,second/Narasumber 1\n", encoding="utf-8")

    def interrupted(self: Project, *args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(Project, "set_cases", interrupted)
    assert main(["add", str(project), str(other), "--cases", str(cases)]) == 130
    err = capsys.readouterr().err
    with Project.open(project) as p:
        batch = int(p.log()["batch"].iloc[-1])
        assert p.log()["action"].iloc[-1] == "add"
    assert err == (
        f"Interrupted: nothing half-done was kept; kept change {batch} (add) to {project} "
        f"(`qualcode undo {project}` takes it back)\n"
    )


def test_main_ctrl_c_names_the_files_written_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import qualcode.cli.code_cmd as code_cmd

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(code_cmd, "coding_run_text", interrupted)  # after both tables
    out = tmp_path / "out"
    args = ["code", str(SAMPLE_TXT), "--codebook", str(Path("codebooks/crm_idic.yaml"))]
    assert main([*args, "--out", str(out), "--report"]) == 130
    err = capsys.readouterr().err
    assert err.startswith("Interrupted: nothing half-done was kept; kept 2 complete file(s)")
    assert str(out / "turns.csv") in err and str(out / "codings.csv") in err
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_describe_interruption_groups_changes_by_project() -> None:
    from qualcode.cli.crash import describe_interruption

    many = [(Path("s.qualcode"), k, "review") for k in range(3, 8)]
    assert describe_interruption(many, []) == (
        "Interrupted: nothing half-done was kept; kept changes 2 more and 5 (review), "
        "6 (review), 7 (review) to s.qualcode (`qualcode undo s.qualcode` takes back the latest)"
    )
    assert describe_interruption([], []) == "Interrupted: nothing was changed"
