"""Tests for the review sheet: suggestions out to Excel, decisions back, bad sheets refused."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from qualcode import schema
from qualcode.errors import ReviewSheetError
from qualcode.exchange.review import import_review_sheet, review_table, write_review_sheet
from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, state
from tests.conftest import SAMPLE_TXT

DECISION_COL = 11  # column K


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    yield p
    p.close()


def _sheet(project: Project, tmp_path: Path, **options: object) -> Path:
    return write_review_sheet(project, tmp_path / "review.xlsx", **options)  # type: ignore[arg-type]


def _edit(path: Path, cells: dict[tuple[int, int], object], out: Path | None = None) -> Path:
    """Change cells as a person does in Excel (openpyxl rewrites the file as Excel would)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for (row, col), value in cells.items():
        ws.cell(row, col).value = value
    target = out or path
    wb.save(target)
    return target


def test_review_sheet_has_one_row_per_suggestion_with_context(
    project: Project, tmp_path: Path
) -> None:
    path = _sheet(project, tmp_path)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Suggestion", "Turn id", "Interview"]
    assert "Question asked before" in header and "Evidence" in header
    assert header[DECISION_COL - 1] == "Decision (accept / reject)"
    assert ws.max_row - 1 == len(project.suggestions())
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert all(r[DECISION_COL - 1] is None for r in rows)
    first = project.suggestions().iloc[0]
    turn = project.turns().set_index(schema.TURN_ID).loc[first[schema.TURN_ID]]
    assert rows[0][1] == first[schema.TURN_ID] and rows[0][5] == turn[schema.TEXT]
    assert rows[0][4]  # the question asked before the answer
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"accept,reject"'
    assert str(validation.sqref) == f"K2:K{ws.max_row}"


def test_review_sheet_filters_by_code_and_coder(project: Project, tmp_path: Path) -> None:
    table = review_table(project, code="retain")
    assert set(table[schema.CODE]) == {"retain"}
    import_review_sheet(
        _edit(_sheet(project, tmp_path, code="retain"), {(2, DECISION_COL): "accept"}),
        project,
        coder="ana",
    )
    assert len(review_table(project, code="retain", coder="ana")) == len(table) - 1
    assert len(review_table(project, code="retain", coder="budi")) == len(table)


def test_review_import_stores_decisions(project: Project, tmp_path: Path) -> None:
    path = _edit(
        _sheet(project, tmp_path),
        {(2, DECISION_COL): "accept", (3, DECISION_COL): " Reject ", (4, DECISION_COL): "ACCEPT"},
    )
    result = import_review_sheet(path, project, coder="ana")
    assert (result["accepted"], result["rejected"]) == (2, 1)
    assert len(project.codings(coder="ana")) == 2
    decisions = project.decisions()
    assert decisions["coder"].unique().tolist() == ["ana"]
    again = import_review_sheet(path, project, coder="ana")
    assert again["unchanged"] == 3 and again["accepted"] == again["rejected"] == 0


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            {(2, DECISION_COL): "maybe"},
            r"row 2: unknown decision 'maybe'; expected accept or reject",
        ),
        (
            {(2, DECISION_COL): "accept", (3, DECISION_COL): "reject", (3, 1): "12b"},
            r"row 3: suggestion '12b' is not a number",
        ),
        (
            {(3, DECISION_COL): "reject", (3, 1): None},
            r"row 3: the Suggestion cell is empty",
        ),
        (
            {(2, DECISION_COL): "accept", (2, 2): "magnus-interviews-narasumber-2-0005"},
            r"row 2: turn 'magnus-interviews-narasumber-2-0005' is not the turn of suggestion",
        ),
    ],
)
def test_review_import_refuses_bad_rows_and_imports_nothing(
    project: Project, tmp_path: Path, cells: dict[tuple[int, int], object], message: str
) -> None:
    path = _edit(_sheet(project, tmp_path), {**cells, (5, DECISION_COL): "accept"})
    before = state(project)
    with pytest.raises(ReviewSheetError, match=rf"nothing was imported: .*{message}"):
        import_review_sheet(path, project, coder="ana")
    assert_same_state(before, state(project))


def test_review_import_refuses_duplicated_rows(project: Project, tmp_path: Path) -> None:
    path = _sheet(project, tmp_path)
    ws = openpyxl.load_workbook(path).active
    copied = [c.value for c in ws[3]]
    cells = {(4, k + 1): v for k, v in enumerate(copied)}
    cells[(3, DECISION_COL)] = "accept"
    cells[(4, DECISION_COL)] = "reject"
    _edit(path, cells)
    before = state(project)
    with pytest.raises(ReviewSheetError, match=r"row 3: duplicated row: .* row\(s\) \[4\]"):
        import_review_sheet(path, project, coder="ana")
    assert_same_state(before, state(project))


def test_review_import_lists_every_bad_row(project: Project, tmp_path: Path) -> None:
    cells = {(r, DECISION_COL): "ok?" for r in range(2, 16)}
    path = _edit(_sheet(project, tmp_path), cells)
    with pytest.raises(ReviewSheetError, match=r"14 row\(s\) cannot be imported.*and 4 more"):
        import_review_sheet(path, project, coder="ana")


def test_review_import_refuses_rows_whose_turn_is_gone(project: Project, tmp_path: Path) -> None:
    path = _sheet(project, tmp_path)
    ws = openpyxl.load_workbook(path).active
    last = ws.max_row  # a suggestion in the last interview's last answers
    _edit(path, {(last, DECISION_COL): "accept", (2, DECISION_COL): "accept"})
    # the transcript is replaced by a version without its last interview
    text = (tmp_path / SAMPLE_TXT.name).read_text(encoding="utf-8")
    cut = text[: text.index("Wawancara tambahan")]
    (tmp_path / SAMPLE_TXT.name).write_text(cut, encoding="utf-8")
    project.add_transcripts([tmp_path / SAMPLE_TXT.name], replace=True)
    with pytest.raises(ReviewSheetError, match=rf"row {last}: turn '.*' no longer exists"):
        import_review_sheet(path, project, coder="ana")
    # a row whose suggestion was carried over to the new version is still found
    ok = _edit(path, {(last, DECISION_COL): None}, out=tmp_path / "ok.xlsx")
    assert import_review_sheet(ok, project, coder="ana")["accepted"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"PK\x03\x04 not really a zip", "cannot read the review sheet"),
    ],
)
def test_review_import_unreadable_file(
    project: Project, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "sheet.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReviewSheetError, match=message):
        import_review_sheet(path, project, coder="ana")


def test_review_import_needs_the_decision_column(project: Project, tmp_path: Path) -> None:
    path = _edit(_sheet(project, tmp_path), {(1, DECISION_COL): "My verdict"})
    with pytest.raises(ReviewSheetError, match=r"line 1: no column 'Decision \(accept / reject\)'"):
        import_review_sheet(path, project, coder="ana")
