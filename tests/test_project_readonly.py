"""A project this process cannot write: reading commands work, writing ones say why they cannot.

Read-only paths are made by :func:`tests._readonly.read_only` (``chattr +i`` as root, where
``chmod`` stops nothing; ``chmod`` otherwise), which checks that a write really fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.errors import ProjectError
from qualcode.exchange.review import review_table, write_review_table
from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, people_codings, state
from tests._readonly import read_only


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with some decisions, and a review sheet with new decisions for it."""
    folder = tmp_path_factory.mktemp("decided")
    path = copy_project(folder, tmp_path_factory)
    with Project.open(path) as p:
        p.add_codings(people_codings(p, "ana", n=20))
        p.add_codings(people_codings(p, "budi", n=20).iloc[::-1].reset_index(drop=True))
        table = review_table(p)
        table.loc[:3, "decision"] = "accept"
        sheet = write_review_table(table, folder / "review.xlsx")
    return path, sheet


def _copy(src: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(src, folder / src.name))


WRITERS = {
    "memo": lambda p, sheet: ["memo", p, "a thought"],
    "code": lambda p, sheet: ["code", "--project", p],
    "review import": lambda p, sheet: ["review", "import", p, sheet, "--coder", "ana"],
    "undo": lambda p, sheet: ["undo", p],
    "codes rename": lambda p, sheet: ["codes", "rename", p, "retain", "keep"],
}
READERS = {
    "status": lambda p, out: ["status", p],
    "log": lambda p, out: ["log", p],
    "report": lambda p, out: ["report", "--project", p, "--out", f"{out}/report"],
    "export xlsx": lambda p, out: ["export", "xlsx", "--project", p, "--out", f"{out}/t.xlsx"],
    "export qdpx": lambda p, out: ["export", "qdpx", "--project", p, "--out", f"{out}/s.qdpx"],
    "agree": lambda p, out: ["agree", "--project", p],
}


@pytest.mark.parametrize("what", ["file", "folder"])
def test_project_read_only_reads_and_refuses_every_change(
    decided: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
) -> None:
    path = _copy(decided[0], tmp_path / "shared")
    with Project.open(path) as p:
        before = state(p)
    out = tmp_path / "out"
    out.mkdir()
    with read_only(path if what == "file" else path.parent):
        for name, args in READERS.items():
            if what == "file" and name in ("report", "export qdpx"):
                continue  # slow, and the connection is the same as for the others
            capsys.readouterr()
            code = main(args(str(path), str(out)))
            assert code == 0, (name, capsys.readouterr().err)
        why = (
            "the file is read-only" if what == "file" else f"its folder {path.parent} is read-only"
        )
        for name, args in WRITERS.items():
            capsys.readouterr()
            assert main(args(str(path), str(decided[1]))) == 1, name
            err = capsys.readouterr().err
            assert err.startswith(f"Error: {path}: cannot change the project: {why}"), (name, err)
            assert "reading commands (status, log, report, export, agree) still work" in err
        with Project.open(path) as p:
            assert_same_state(before, state(p))
            assert p._db.read_only == what
    if what == "folder":
        assert (out / "report" / "report.html").is_file() and (out / "s.qdpx").is_file()
        assert sorted(f.name for f in path.parent.iterdir()) == [path.name]


def test_project_read_only_folder_with_unsaved_changes_says_so(
    decided: tuple[Path, Path], tmp_path: Path
) -> None:
    live = _copy(decided[0], tmp_path / "live")
    writer = Project.open(live)  # an open writer keeps its latest changes in the -wal file
    writer.add_memo("not yet in the main file")
    folder = tmp_path / "shared"  # the two files as a copy or a crash leaves them, no -shm
    path = _copy(live, folder)
    _copy(live.with_name(f"{live.name}-wal"), folder)
    writer.close()
    assert (folder / f"{path.name}-wal").stat().st_size > 0
    with read_only(folder), pytest.raises(ProjectError, match=r"latest changes are in .*-wal"):
        Project.open(path)
