"""The project's safety promises, broken as a user would: kill -9 mid-write, two writers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, people_codings, state
from tests.conftest import ROOT

# A writer that stops inside its transaction, after its rows are written and before COMMIT:
# it prints "inside" and sleeps, so the test can kill it (or write beside it) at that moment.
PAUSED_WRITER = textwrap.dedent(
    """
    import sys, time
    import pandas as pd
    from qualcode.project import Project, rows

    original = rows.insert

    def paused_insert(con, table, columns, *, batch):
        ids = original(con, table, columns, batch=batch)
        if table == sys.argv[4]:
            print("inside", flush=True)
            time.sleep(float(sys.argv[3]))
        return ids

    rows.insert = paused_insert
    project = Project.open(sys.argv[1])
    if sys.argv[2] == "code":
        project.code(method="rules")
    elif sys.argv[2] == "review":
        s = project.suggestions().head(20)
        project.decide(s.assign(decision="accept")[["suggestion_id", "decision"]], coder="kim")
    elif sys.argv[2] == "codings":
        turns = project.turns()
        ids = turns.loc[turns["role"] == "participant", "turn_id"].head(30)
        project.add_codings(pd.DataFrame({"turn_id": ids, "code": "retain", "coder": "kim"}))
    elif sys.argv[2] == "add":
        project.add_transcripts([sys.argv[5]])
    elif sys.argv[2] == "import":
        from qualcode.exchange.refi.project import import_project_qdpx

        import_project_qdpx(sys.argv[5], sys.argv[1])
    print("done", flush=True)
    """
)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _start(
    project: Path, what: str, pause: float, *, table: str = "codings", arg: str = ""
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WRITER, str(project), what, str(pause), table, arg],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "inside":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"writer did not reach its transaction: {line!r} {err}")
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    """kill -9 the writer and close its pipes."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


@pytest.fixture
def project_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = copy_project(tmp_path, tmp_path_factory)
    with Project.open(path) as p:
        p.add_codings(people_codings(p), who="ana")
        s = p.suggestions().head(5)
        p.decide(s.assign(decision="reject")[["suggestion_id", "decision"]], coder="ana")
    return path


def _other_transcript(folder: Path) -> str:
    other = folder / "second_interview.txt"
    other.write_text("P: Bagaimana menjaga klien?\nN1: Kami rutin meeting mingguan.\n")
    return str(other)


def _qdpx_of_the_demo(folder: Path) -> str:
    import importlib.resources

    pytest.importorskip("qualitative_coding")
    return str(importlib.resources.files("qualitative_coding") / "demo.qdpx")


@pytest.mark.parametrize(
    ("what", "table", "arg"),
    [
        ("code", "codings", None),
        ("review", "codings", None),
        ("codings", "codings", None),
        ("add", "turns", _other_transcript),
        ("import", "codings", _qdpx_of_the_demo),
    ],
)
def test_kill_9_mid_write_leaves_the_project_as_it_was(
    project_path: Path, tmp_path: Path, what: str, table: str, arg: object
) -> None:
    with Project.open(project_path) as p:
        before = state(p)
        n_batches = len(p.log())
    extra = arg(tmp_path) if callable(arg) else ""
    proc = _start(project_path, what, pause=60, table=table, arg=extra)
    _kill(proc)
    assert proc.returncode == -signal.SIGKILL
    check = sqlite3.connect(project_path).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"
    with Project.open(project_path) as p:
        assert_same_state(before, state(p))
        assert len(p.log()) == n_batches
        # and the project takes the next write as usual
        p.add_memo("still fine")
        assert p.memos()["text"].tolist() == ["still fine"]


def test_two_writers_at_once_both_succeed(project_path: Path) -> None:
    proc = _start(project_path, "review", pause=1.5)
    # a second writer while the first holds the lock: it waits, then writes
    with Project.open(project_path, busy_timeout=30) as p:
        added = p.add_codings(people_codings(p, coder="budi"), who="budi")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "done" in out
    with Project.open(project_path) as p:
        assert added == 12
        assert len(p.codings(coder="budi")) == 12
        assert len(p.decisions().query("coder == 'kim'")) == 20
        actions = p.log()["action"].tolist()
        assert actions[-2:] in (["review", "codings"], ["codings", "review"])


def test_second_writer_past_the_busy_timeout_gets_a_clear_error(
    project_path: Path, tmp_path: Path
) -> None:
    proc = _start(project_path, "code", pause=20)
    try:
        with Project.open(project_path) as p:
            before = state(p)
            sheet = tmp_path / "budi.csv"
            people_codings(p, coder="budi").to_csv(sheet, index=False)
        result = subprocess.run(
            [sys.executable, "-m", "qualcode", "add", str(project_path), "--codings", str(sheet)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_env(QUALCODE_BUSY_TIMEOUT="0.5"),
            timeout=120,
        )
        assert result.returncode == 1
        assert "project is busy" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        _kill(proc)
    with Project.open(project_path) as p:
        assert_same_state(before, state(p))
        assert p.codings(coder="budi").empty


def test_readers_see_the_last_commit_while_a_writer_works(project_path: Path) -> None:
    with Project.open(project_path) as p:
        before = state(p)
    proc = _start(project_path, "codings", pause=3)
    try:
        with Project.open(project_path) as reader:
            assert_same_state(before, state(reader))  # no wait, no half-written rows
    finally:
        out, _ = proc.communicate(timeout=60)
    assert "done" in out
    with Project.open(project_path) as p:
        assert len(p.codings(coder="kim")) == 30
        assert len(p.codings(coder="ana")) == len(before["codings"].query("coder == 'ana'"))
