"""A change that changes nothing is not logged; a memo names something the project has."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.errors import ProjectError
from qualcode.project import Project
from tests._projectdata import copy_project, people_codings
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    yield p
    p.close()


def test_batch_that_changes_nothing_is_not_logged(project: Project) -> None:
    log = project.log()
    with project.batch("nothing"):
        pass
    codings = people_codings(project)
    project.add_codings(codings, who="ana")
    after_first = project.log()
    assert len(after_first) == len(log) + 1
    assert project.add_codings(codings, who="ana") == 0  # the same codings again
    pd.testing.assert_frame_equal(project.log(), after_first)
    assert project.undo().action == "codings"  # undo takes back what the user saw happen


def test_batch_with_a_change_is_logged_whole(project: Project) -> None:
    with project.batch("tidy codes"):
        project.rename_code("retain", "keep")
        project.rename_code("keep", "retain")  # back where it was, but rows changed
    assert project.log()["action"].iloc[-1] == "tidy codes"


def test_memo_on_an_unknown_case_is_refused(project: Project) -> None:
    with pytest.raises(ProjectError, match=r"no case 'Vito' in the project; it has no cases yet"):
        project.add_memo("talks about retention", case="Vito")
    from qualcode.cases import read_cases

    project.set_cases(read_cases(ROOT / "data" / "cases.csv"))
    with pytest.raises(
        ProjectError, match=r"no case 'Vito' in the project; its cases are 'Narasumber 1', "
    ):
        project.add_memo("talks about retention", case="Vito")
    assert project.memos().empty
    project.add_memo("talks about retention", case="Narasumber 2")
    assert project.memos()["target"].tolist() == ["Narasumber 2"]


def test_cli_memo_unknown_case_is_an_error_line(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    log = project.log()
    assert main(["memo", str(project.path), "a thought", "--case", "Nobody"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {project.path}: no case 'Nobody' in the project")
    pd.testing.assert_frame_equal(project.log(), log)
