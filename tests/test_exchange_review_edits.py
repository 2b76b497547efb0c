"""A review sheet edited by a person: only the decisions count, every other edit of a decided row
is refused whole (never silently turned into a decision on something else)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualcode import schema
from qualcode.cli import main
from qualcode.errors import ReviewSheetError
from qualcode.exchange.review import import_review_sheet, review_table, write_review_table
from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, state


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("review-edits"), tmp_path_factory)


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    shutil.copy(template, tmp_path / "study.qualcode")
    p = Project.open(tmp_path / "study.qualcode")
    yield p
    p.close()


def _other_code(code: str, codes: list[str]) -> str:
    return next(c for c in codes if c != code)


def test_review_import_refuses_an_edited_code_listing_the_rows(
    project: Project, tmp_path: Path
) -> None:
    table = review_table(project)
    codes = list(project.codebook().code_names)
    table.loc[:4, "decision"] = "accept"
    for k in (1, 3):
        table.at[k, schema.CODE] = _other_code(table.at[k, schema.CODE], codes)
    path = write_review_table(table, tmp_path / "review.xlsx")
    before = state(project)
    with pytest.raises(
        ReviewSheetError,
        match=r"2 row\(s\) cannot be imported, so nothing was imported: "
        r"row 3: the code was changed from '\w+' to '\w+'.*; row 5: the code was changed",
    ):
        import_review_sheet(path, project, coder="ana")
    assert_same_state(before, state(project))


def test_review_import_ignores_an_edited_code_on_an_undecided_row(
    project: Project, tmp_path: Path
) -> None:
    table = review_table(project)
    codes = list(project.codebook().code_names)
    table.at[0, "decision"] = "reject"
    table.at[1, schema.CODE] = _other_code(table.at[1, schema.CODE], codes)  # no decision
    path = write_review_table(table, tmp_path / "review.xlsx")
    assert import_review_sheet(path, project, coder="ana")["rejected"] == 1


def test_review_import_of_an_unchanged_sheet_logs_nothing(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = review_table(project)
    table.loc[:2, "decision"] = ["accept", "reject", "accept"]
    path = write_review_table(table, tmp_path / "review.xlsx")
    first = import_review_sheet(path, project, coder="ana")
    log = project.log()
    assert first["batch"] == int(log["batch"].iloc[-1]) and log["action"].iloc[-1] == "review"
    capsys.readouterr()
    args = ["review", "import", str(project.path), str(path), "--coder", "ana"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "0 accepted, 0 rejected, 3 unchanged" in out
    assert "Nothing changed, so nothing was logged" in out
    pd.testing.assert_frame_equal(project.log(), log)
    undone = project.undo()
    assert undone.id == first["batch"]  # undo takes back the import the user made


# -- random edits: the intended change exactly, or nothing ---------------------------------------

_EDITS = ("accept", "reject", "garbage", "code", "turn", "id", "text", "note", "drop", "copy")
_BAD = {"garbage", "code", "turn", "id", "copy"}


@st.composite
def _sheet_edits(draw: st.DrawFn) -> list[tuple[int, str, bool]]:
    """Edits of the first rows of a sheet: (row, edit, whether the row also gets a decision)."""
    rows = draw(st.lists(st.integers(0, 14), min_size=1, max_size=8, unique=True))
    return [(r, draw(st.sampled_from(_EDITS)), draw(st.booleans())) for r in rows]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=_sheet_edits())
def test_review_import_random_edits_import_exactly_or_nothing(
    template: Path, edits: list[tuple[int, str, bool]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.qualcode"
        shutil.copy(template, path)
        with Project.open(path) as project:
            _check_edits(project, Path(folder), edits)


def _check_edits(project: Project, folder: Path, edits: list[tuple[int, str, bool]]) -> None:
    table = review_table(project)
    codes = list(project.codebook().code_names)
    intended: dict[int, str] = {}
    refused = False
    dropped: set[int] = set()
    copies = []
    for row, edit, decide in edits:
        verdict = "reject" if edit == "reject" else "accept"
        decided = decide or edit in ("accept", "reject", "garbage")
        if decided:
            table.at[row, "decision"] = "maybe" if edit == "garbage" else verdict
        other = (row + 20) % len(table)  # a row no edit touches
        changed = True
        if edit == "code":
            table.at[row, schema.CODE] = _other_code(table.at[row, schema.CODE], codes)
        elif edit == "turn":  # another suggestion's turn (the same turn is no edit)
            changed = table.at[row, schema.TURN_ID] != table.at[other, schema.TURN_ID]
            table.at[row, schema.TURN_ID] = table.at[other, schema.TURN_ID]
        elif edit == "id":
            table.at[row, "suggestion_id"] = table.at[other, "suggestion_id"]
        elif edit == "text":
            table.at[row, schema.TEXT] = "edited in Excel"
        elif edit == "note":
            table.at[row, "note"] = "looks right"
        elif edit == "drop":
            dropped.add(row)
        elif edit == "copy":
            copies.append(table.loc[[row]])
        if edit == "drop" or not decided:
            continue
        if edit in _BAD and changed:
            refused = True
        else:
            intended[int(table.at[row, "suggestion_id"])] = verdict
    sheet = pd.concat([table.drop(index=list(dropped)), *copies], ignore_index=True)
    path = write_review_table(sheet, folder / "review.xlsx")
    before = state(project)
    event("refused" if refused else "imported")
    if refused:
        with pytest.raises(ReviewSheetError, match="nothing was imported"):
            import_review_sheet(path, project, coder="ana")
        assert_same_state(before, state(project))
        return
    import_review_sheet(path, project, coder="ana")
    got = project.decisions()
    mine = dict(zip(got["suggestion_id"].astype(int), got["decision"], strict=True))
    expected = {sid: ("accepted" if v == "accept" else "rejected") for sid, v in intended.items()}
    assert mine == expected
