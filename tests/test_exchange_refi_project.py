"""A project to and from REFI-QDA: export, import (one undo), round trip, hostile files."""

from __future__ import annotations

import importlib.resources
import zipfile
from pathlib import Path

import pytest

from qualcode import schema
from qualcode.cli import main
from qualcode.errors import ExchangeError
from qualcode.exchange.refi import read_qdpx
from qualcode.exchange.refi.project import (
    export_project_qdpx,
    import_project_qdc,
    import_project_qdpx,
)
from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, people_codings, state
from tests._refidata import coding_rows, same_turns, validate_qde, zip_fixture
from tests.conftest import ROOT

pytest.importorskip("qualitative_coding")
DEMO = Path(str(importlib.resources.files("qualitative_coding") / "demo.qdpx"))


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    p.add_codings(people_codings(p, n=30), who="ana")
    s = p.suggestions().head(10)
    p.decide(s.assign(decision="accept")[["suggestion_id", "decision"]], coder="budi")
    from qualcode.cases import read_cases

    p.set_cases(read_cases(ROOT / "data" / "cases.csv"))
    yield p
    p.close()


def test_export_writes_peoples_codings_and_validates(project: Project, tmp_path: Path) -> None:
    path = export_project_qdpx(project, tmp_path / "study.qdpx")
    validate_qde(path)
    back = read_qdpx(path)
    assert coding_rows(back.codings) == coding_rows(project.codings(people=True))
    assert set(back.codings[schema.CODER]) == {"ana", "budi"}
    with_suggestions = read_qdpx(
        export_project_qdpx(project, tmp_path / "all.qdpx", suggestions=True)
    )
    assert "rules" in set(with_suggestions.codings[schema.CODER])


def test_export_keeps_guids_across_exports_and_renames(project: Project, tmp_path: Path) -> None:
    first = read_qdpx(export_project_qdpx(project, tmp_path / "a.qdpx")).code_guids
    project.rename_code("retain", "keep")
    second = read_qdpx(export_project_qdpx(project, tmp_path / "b.qdpx")).code_guids
    assert second["keep"] == first["retain"]
    assert {k: v for k, v in first.items() if k != "retain"}.items() <= second.items()


def test_round_trip_through_a_new_project(project: Project, tmp_path: Path) -> None:
    path = export_project_qdpx(project, tmp_path / "study.qdpx")
    with import_project_qdpx(path, tmp_path / "copy.qualcode", who="ana") as copy:
        assert same_turns(copy.turns(), project.turns())
        assert copy.codebook().code_names == project.codebook().code_names
        assert coding_rows(copy.codings(people=True)) == coding_rows(project.codings(people=True))
        assert copy.code_guids() == {
            k: v for k, v in project.code_guids().items() if k in copy.code_guids()
        }
        cases = copy.cases()
        assert sorted(cases["case"].unique()) == sorted(project.cases()["case"].unique())
        assert copy.log()["action"].tolist() == ["init", "import"]


def test_import_twice_changes_nothing_and_undo_removes_the_import(
    project: Project, tmp_path: Path
) -> None:
    path = export_project_qdpx(project, tmp_path / "study.qdpx")
    target = tmp_path / "copy.qualcode"
    import_project_qdpx(path, target).close()
    with Project.open(target) as copy:
        before = state(copy)
    with import_project_qdpx(path, target) as copy:
        assert_same_state(before, state(copy))
        copy.undo()  # the second import (nothing) or the first: undo the first one fully
        while copy.log()["action"].iloc[-1] == "undo" and len(copy.turns()):
            copy.undo()
        assert copy.turns().empty and copy.codings().empty


def test_import_demo_project_into_an_existing_project(project: Project) -> None:
    before_codes = set(project.codebook().code_names)
    import_project_qdpx(DEMO, project.path, who="ana").close()
    with Project.open(project.path) as p:
        cp = p.codings(coder="cp")
        assert len(cp) == 205
        assert before_codes < set(p.codebook().code_names)
        assert {"board_2017", "admin-1"} <= set(p.turns()[schema.INTERVIEW].astype(str))
        # the sample's own codings are untouched
        assert len(p.codings(coder="ana")) == 30
        p.undo()
        assert set(p.codebook().code_names) == before_codes
        assert p.codings(coder="cp").empty


@pytest.mark.parametrize("tool", ["atlasti", "maxqda", "nvivo", "qualcoder"])
def test_import_tool_shaped_files_into_a_new_project(tmp_path: Path, tool: str) -> None:
    archive = zip_fixture(tool, tmp_path / f"{tool}.qdpx")
    expected = read_qdpx(archive)
    with import_project_qdpx(archive, tmp_path / "p.qualcode") as p:
        assert len(p.turns()) == len(expected.turns)
        assert coding_rows(p.codings()) == coding_rows(expected.codings)


def test_hostile_file_imports_nothing(project: Project, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.qdpx"
    qde = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    with zipfile.ZipFile(bomb, "w") as zf:
        zf.writestr("project.qde", qde)
    before = state(project)
    with pytest.raises(ExchangeError):
        import_project_qdpx(bomb, project.path)
    assert_same_state(before, state(project))
    assert not (tmp_path / "new.qualcode").exists()
    with pytest.raises(ExchangeError):
        import_project_qdpx(bomb, tmp_path / "new.qualcode")
    assert not (tmp_path / "new.qualcode").exists()


def test_import_qdc_adds_new_codes(project: Project, tmp_path: Path) -> None:
    from qualcode.codebook import Codebook
    from qualcode.exchange.refi import write_qdc

    extra = Codebook.from_code_names(["trust", "retain"], name="extra")
    qdc = write_qdc(extra, tmp_path / "extra.qdc")
    import_project_qdc(qdc, project.path).close()
    with Project.open(project.path) as p:
        names = p.codebook().code_names
        assert names.count("retain") == 1 and "trust" in names


def test_cli_export_and_import_qdpx(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qdpx = tmp_path / "out.qdpx"
    assert main(["export", "qdpx", "--project", str(project.path), "--out", str(qdpx)]) == 0
    target = tmp_path / "in.qualcode"
    assert main(["import", "qdpx", str(qdpx), "--project", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Created" in out and "173 turns" in out
    assert main(["export", "qdc", "--project", str(target), "--out", str(tmp_path / "c.qdc")]) == 0
    assert main(["import", "qdpx", str(tmp_path / "missing.qdpx"), "--project", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "missing.qdpx" in err
    assert (tmp_path / "c.qdc").read_bytes().startswith(b"<?xml")
