"""The project workflow on the command line: init, add, code, review, report, undo, log."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.project import Project
from tests._projectdata import copy_project, people_codings
from tests.conftest import CODEBOOK, SAMPLE_TXT


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_project_workflow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "study.qualcode"
    assert run(capsys, "init", p, "--codebook", CODEBOOK, "--who", "ana")[0] == 0
    code, out, _ = run(capsys, "add", p, SAMPLE_TXT)
    assert code == 0 and "173 turns stored" in out
    code, out, _ = run(capsys, "add", p, SAMPLE_TXT)
    assert "1 unchanged" in out
    code, out, _ = run(capsys, "code", "--project", p, "--method", "rules")
    assert code == 0 and "Stored 106 suggestion(s)" in out
    sheet = tmp_path / "review.xlsx"
    code, out, _ = run(capsys, "review", "export", p, "--out", sheet, "--code", "retain")
    assert code == 0 and "suggestion(s) to" in out
    wb = openpyxl.load_workbook(sheet)
    ws = wb.active
    ws.cell(2, 11).value = "accept"
    ws.cell(3, 11).value = "reject"
    wb.save(sheet)
    code, out, _ = run(capsys, "review", "import", p, sheet, "--coder", "ana")
    assert code == 0 and "1 accepted, 1 rejected" in out
    code, out, _ = run(capsys, "status", p)
    assert "173 turns" in out and "suggested" in out and "accepted" in out
    code, out, _ = run(capsys, "log", p)
    assert [w for w in ("init", "add", "code", "review") if w in out] == [
        "init",
        "add",
        "code",
        "review",
    ]
    report = tmp_path / "report"
    code, out, err = run(capsys, "report", "--project", p, "--out", report)
    assert code == 0, err
    segments = pd.read_csv(report / "tables" / "segments.csv")
    assert "ana" in set(segments["coder"])
    code, out, _ = run(capsys, "undo", p)
    assert code == 0 and "Undid batch 4 (review" in out
    with Project.open(p) as proj:
        assert proj.decisions().empty


def test_cli_code_project_with_report(tmp_path: Path, capsys, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    p = copy_project(tmp_path, tmp_path_factory)
    out_dir = tmp_path / "out"
    code, _, err = run(
        capsys, "code", "--project", p, "--out", out_dir, "--report", "--method", "rules"
    )
    assert code == 0, err
    assert (out_dir / "codings.csv").exists() and (out_dir / "report.html").exists()


def test_cli_table_commands_take_a_project(tmp_path: Path, capsys, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    p = copy_project(tmp_path, tmp_path_factory)
    with Project.open(p) as proj:
        proj.add_codings(people_codings(proj, n=40))
    code, out, err = run(capsys, "agree", "--project", p)
    assert code == 1 and "--coders ana rules" in err  # one person: name the machine to compare
    code, out, err = run(capsys, "agree", "--project", p, "--coders", "rules", "ana")
    assert code == 0, err
    assert "Agreement of 2 coders (rules, ana)" in out
    docx = tmp_path / "appendix.docx"
    assert run(capsys, "export", "docx", "--project", p, "--out", docx)[0] == 0
    assert docx.stat().st_size > 10_000
    xlsx = tmp_path / "tables.xlsx"
    assert run(capsys, "export", "xlsx", "--project", p, "--out", xlsx)[0] == 0
    model = tmp_path / "model.qcm"
    code, out, err = run(capsys, "train", "--project", p, "--out", model)
    assert code == 0, err
    assert "Trained on 40 codings" in out
    code, out, err = run(capsys, "suggest", "--project", p, "--next", "3")
    assert code == 0, err
    assert "Code these 3 turn(s) next" in out


def test_cli_codes_commands(tmp_path: Path, capsys, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    p = copy_project(tmp_path, tmp_path_factory)
    assert run(capsys, "codes", "rename", p, "retain", "keep")[0] == 0
    code, _, err = run(capsys, "codes", "delete", p, "keep")
    assert code == 1 and "--force" in err
    assert run(capsys, "codes", "merge", p, "keep", "enhance")[0] == 0
    with Project.open(p) as proj:
        assert "keep" not in proj.codebook().code_names
    assert run(capsys, "undo", p)[0] == 0
    assert run(capsys, "undo", p)[0] == 0
    with Project.open(p) as proj:
        assert "retain" in proj.codebook().code_names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "{tmp}/missing.qualcode"], "no such project; create one with `qualcode init"),
        (["add", "{p}"], "nothing to add"),
        (["add", "{p}", "{tmp}/nope.txt"], "nope.txt: file not found"),
        (["code", "--project", "{p}", SAMPLE_TXT], "give transcripts or --project, not both"),
        (["code", "--project", "{p}", "--codebook", CODEBOOK], "its own codebook"),
        (["report", "--out", "{tmp}/r"], "give --turns, --codings and --codebook, or --project"),
        (["review", "import", "{p}", "{tmp}/none.xlsx", "--coder", "ana"], "file not found"),
        (["codes", "rename", "{p}", "nope", "x"], "no code named 'nope'"),
        (["init", "{p}", "--codebook", CODEBOOK], "exists already"),
    ],
)
def test_cli_project_errors_are_one_line(
    tmp_path: Path,
    capsys,
    tmp_path_factory,
    args: list[str],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    p = copy_project(tmp_path, tmp_path_factory)
    filled = [str(a).format(tmp=tmp_path, p=p) for a in args]
    code, _, err = run(capsys, *filled)
    assert code == 1
    assert message in err
    assert err.startswith("Error: ") and "Traceback" not in err


def test_cli_add_codings_and_replace(tmp_path: Path, capsys, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    p = copy_project(tmp_path, tmp_path_factory)
    with Project.open(p) as proj:
        sheet = tmp_path / "ana.csv"
        people_codings(proj).to_csv(sheet, index=False)
    code, out, _ = run(capsys, "add", p, "--codings", sheet)
    assert code == 0 and "Stored 12 new coding(s)" in out
    changed = tmp_path / SAMPLE_TXT.name
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("Iya boleh-boleh", "Iya, boleh."), encoding="utf-8")
    code, _, err = run(capsys, "add", p, changed)
    assert code == 1 and "--replace" in err
    code, out, _ = run(capsys, "add", p, changed, "--replace")
    assert code == 0 and "Replaced 1" in out and "differentiate   ana Iya boleh-boleh" in out


def test_cli_add_cases_and_report_uses_them(tmp_path: Path, capsys, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import ROOT

    p = copy_project(tmp_path, tmp_path_factory)
    code, out, err = run(capsys, "add", p, "--cases", ROOT / "data" / "cases.csv")
    assert code == 0, err
    assert "Stored 3 case(s)" in out
    report = tmp_path / "report"
    code, _, err = run(
        capsys, "report", "--project", p, "--out", report, "--attribute", "seniority"
    )
    assert code == 0, err
    table = pd.read_csv(report / "tables" / "code_by_attribute.csv")
    assert set(table["value"]) == {"executive", "managerial"}


@pytest.mark.parametrize(("flag", "turns"), [([], 4), (["--keep-paragraphs"], 6)])
def test_cli_add_keeps_paragraphs_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: list[str], turns: int
) -> None:
    from tests.conftest import ROOT

    p = tmp_path / "p.qualcode"
    assert run(capsys, "init", p, "--codebook", CODEBOOK)[0] == 0
    zoom = ROOT / "tests" / "fixtures" / "transcripts" / "zoom.vtt"
    code, out, _ = run(capsys, "add", p, zoom, *flag)
    assert code == 0 and f"{turns} turns stored" in out
