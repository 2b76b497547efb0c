"""Two coders in one project: agreement (turns, characters), disagreements, adjudication."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from qualcode import schema
from qualcode.cli import main
from qualcode.errors import CodingsError, ReviewSheetError, UndefinedStatisticWarning
from qualcode.exchange.adjudication import import_adjudication_sheet, write_adjudication_sheet
from qualcode.project import Project
from tests._codingdata import coding_row
from tests._projectdata import assert_same_state, copy_project, state

ONE = "magnus_interviews/Narasumber 1"
TWO = "magnus_interviews/Narasumber 2"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def answers(project: Project, interview: str) -> list[str]:
    turns = project.turns()
    keep = (turns[schema.INTERVIEW] == interview) & (turns[schema.ROLE] == schema.PARTICIPANT)
    return turns.loc[keep, schema.TURN_ID].tolist()


def long_answer(project: Project) -> str:
    """A turn of interview 1 (after the first 15 answers) long enough for 50-character spans."""
    turns = project.turns().set_index(schema.TURN_ID)
    return next(t for t in answers(project, ONE)[15:] if len(turns.loc[t, schema.TEXT]) > 60)


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The thesis project (rules suggestions) coded by ana (interviews 1 and 2) and budi (1)."""
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    one, two = answers(p, ONE), answers(p, TWO)
    rows = [coding_row(t, "retain", "ana") for t in one[0:10]]
    rows += [coding_row(t, "retain", "budi") for t in one[5:15]]
    rows += [coding_row(t, "identify", "ana") for t in two[0:5]]  # budi never coded interview 2
    long = long_answer(p)
    rows += [
        coding_row(long, "enhance", "ana", (0, 30)),
        coding_row(long, "enhance", "budi", (10, 50)),
    ]
    p.add_codings(pd.DataFrame(rows), who="setup")
    yield p
    p.close()


def test_project_agreement_turns_by_hand(project: Project) -> None:
    with pytest.warns(UndefinedStatisticWarning) as caught:
        table = project.agreement().set_index(schema.CODE)
    assert any("'identify': no variation" in str(w.message) for w in caught)
    n = len(answers(project, ONE))  # only the interview both coded
    retain = table.loc["retain"]
    # both 5, ana only 5, budi only 5, neither n - 15
    po = (n - 10) / n
    pe = (10 / n) ** 2 + ((n - 10) / n) ** 2
    assert retain["n_units"] == n
    assert retain["kappa"] == pytest.approx((po - pe) / (1 - pe))
    # alpha, two coders, no missing: 1 - (2n - 1) * o01 / (n0 * n1)
    n0, n1 = 2 * (n - 15) + 10, 2 * 5 + 10
    assert retain["alpha"] == pytest.approx(1 - (2 * n - 1) * 10 / (n0 * n1))
    # ana's codings of interview 2 are not compared: budi did not code there
    assert table.loc["identify", "n_coded"] == 5 and np.isnan(table.loc["identify", "kappa"])


def test_project_agreement_characters_against_sklearn(project: Project) -> None:
    with pytest.warns(UndefinedStatisticWarning):
        table = project.agreement(unit="character").set_index(schema.CODE)
    turns = project.turns()
    compared = turns[(turns[schema.INTERVIEW] == ONE) & (turns[schema.ROLE] == schema.PARTICIPANT)]
    lengths = compared[schema.TEXT].str.len().to_numpy()
    target = long_answer(project)
    at = int(np.flatnonzero(compared[schema.TURN_ID].to_numpy() == target)[0])
    start = int(lengths[:at].sum())
    a = np.zeros(int(lengths.sum()), dtype=int)
    b = a.copy()
    a[start : start + 30] = 1
    b[start + 10 : start + 50] = 1
    assert table.loc["enhance", "n_units"] == len(a)
    assert table.loc["enhance", "kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_project_disagreements_list_each_cell(project: Project) -> None:
    diff = project.disagreements()
    one = answers(project, ONE)
    retain = diff[diff[schema.CODE] == "retain"]
    assert retain[schema.TURN_ID].tolist() == one[0:5] + one[10:15]
    assert retain["coded_by"].tolist() == ["ana"] * 5 + ["budi"] * 5
    assert set(diff[schema.INTERVIEW]) == {ONE}
    assert diff.loc[diff[schema.TURN_ID] == one[0], schema.TEXT].iloc[0]


def test_project_agreement_counts_accepted_suggestions_as_the_persons(project: Project) -> None:
    suggestions = project.suggestions()
    one = set(answers(project, ONE))
    mine = suggestions[suggestions[schema.TURN_ID].isin(one)]
    pending = mine[mine[schema.CODE] != "retain"].head(2)
    accept, reject = pending.iloc[0], pending.iloc[1]
    project.decide(
        pd.DataFrame(
            {
                "suggestion_id": [accept["suggestion_id"], reject["suggestion_id"]],
                "decision": ["accept", "reject"],
            }
        ),
        coder="budi",
    )
    diff = project.disagreements()
    cell = diff[
        (diff[schema.TURN_ID] == accept[schema.TURN_ID])
        & (diff[schema.CODE] == accept[schema.CODE])
    ]
    assert cell["coded_by"].tolist() == ["budi"]
    rejected = diff[
        (diff[schema.TURN_ID] == reject[schema.TURN_ID])
        & (diff[schema.CODE] == reject[schema.CODE])
    ]
    assert rejected.empty  # nobody coded it: a rejection is not a coding


def test_project_agreement_picks_two_of_three_coders(project: Project) -> None:
    one = answers(project, ONE)
    project.add_codings(pd.DataFrame([coding_row(t, "retain", "citra") for t in one[0:10]]))
    with pytest.warns(UndefinedStatisticWarning):
        pair = project.agreement(coders=["ana", "citra"]).set_index(schema.CODE)
    assert pair.loc["retain", "kappa"] == pytest.approx(1.0)
    with pytest.raises(
        CodingsError, match="no codings by dewi in the project; coders there: ana, budi, citra"
    ):
        project.agreement(coders=["ana", "dewi"])


def test_project_agreement_one_person_says_how_to_compare(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with Project.open(copy_project(tmp_path, tmp_path_factory)) as p:
        p.add_codings(pd.DataFrame([coding_row(answers(p, ONE)[0], "retain", "ana")]))
        with pytest.raises(CodingsError, match="--coders ana rules"):
            p.agreement()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedStatisticWarning)
            table = p.agreement(coders=["ana", "rules"], seen="all")
        assert list(table[schema.CODE])[-1] == "(overall)"


def test_cli_agree_project_turn_and_character(
    project: Project, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_csv = tmp_path / "agree.csv"
    code, out, err = run(capsys, "agree", "--project", project.path, "--out", out_csv)
    assert code == 0, err
    assert "Agreement of 2 coders (ana, budi) over participant turns" in out
    assert "suggestions they accepted" in out
    assert "10 disagreement(s)" in out
    written = pd.read_csv(out_csv).set_index(schema.CODE)
    with pytest.warns(UndefinedStatisticWarning):
        expected = project.agreement().set_index(schema.CODE)
    assert written.loc["retain", "kappa"] == pytest.approx(expected.loc["retain", "kappa"])
    code, out, err = run(
        capsys, "agree", "--project", project.path, "--unit", "character", "--coders", "budi", "ana"
    )
    assert code == 0, err
    assert "Agreement of 2 coders (budi, ana) over the characters of participant turns" in out
    # the enhance turn both coded, with spans 0-30 and 10-50: 10 + 20 characters differ
    assert "11 disagreement(s) (turns whose characters were coded differently)." in out
    assert "enhance budi; ana  30" in out and "characters" in out
    code, _, err = run(capsys, "agree", "--project", project.path, "--unit", "word")
    assert code == 1 and "--unit must be turn or character, got 'word'" in err


# --- adjudication ------------------------------------------------------------------------
def _fill(
    path: Path, finals: dict[int, object], cells: dict[tuple[int, int], object] | None = None
) -> Path:
    """Fill in the final column (and other cells) as a person does in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Adjudication"]
    header = [c.value for c in ws[1]]
    final_col = header.index("Final decision (coded / not coded)") + 1
    for row, value in finals.items():
        ws.cell(row, final_col).value = value
    for (row, col), value in (cells or {}).items():
        ws.cell(row, col).value = value
    wb.save(path)
    return path


def test_adjudication_sheet_has_both_decisions_text_and_a_drop_down(
    project: Project, tmp_path: Path
) -> None:
    path = write_adjudication_sheet(project, tmp_path / "adj.xlsx", coders=["ana", "budi"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Adjudication"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Turn id",
        "Interview",
        "Speaker",
        "Question asked before",
        "Text",
        "Code",
        "ana (coder A)",
        "budi (coder B)",
        "Final decision (coded / not coded)",
        "Note",
    ]
    assert ws.max_row == 1 + 10  # the retain cells; both coded the enhance turn
    first = [c.value for c in ws[2]]
    assert first[5] == "retain" and first[6:9] == ["coded", "not coded", None]
    assert first[4]  # the turn's text
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"coded,not coded"' and str(validation.sqref).startswith("I2")
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2)}
    assert about["coder_a"] == "ana" and about["consensus"] == "consensus"


def test_adjudication_round_trip_agreed_cells_and_settled_ones(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "adj.xlsx"
    code, out, err = run(
        capsys,
        "adjudicate",
        project.path,
        "--coders",
        "ana",
        "budi",
        "--as",
        "final",
        "--out",
        sheet,
    )
    assert code == 0, err
    assert "Wrote 10 disagreement(s) between ana and budi" in out
    one = answers(project, ONE)
    _fill(sheet, {2: "coded", 3: "not coded", 7: "Coded"})  # rows 2-6 ana's, 7-11 budi's cells
    before = state(project)
    code, out, err = run(capsys, "adjudicate", "import", project.path, sheet)
    assert code == 0, err
    assert "6 cell(s) both coders coded and 2 settled as coded became final's codings" in out
    final = project.codings(coder="final")
    cells = set(zip(final[schema.TURN_ID], final[schema.CODE], strict=True))
    agreed = {(t, "retain") for t in one[5:10]} | {(long_answer(project), "enhance")}
    assert cells == agreed | {(one[0], "retain"), (one[10], "retain")}
    # an agreed cell coded with spans keeps both coders' spans
    spans = final[final[schema.CODE] == "enhance"][[schema.SPAN_START, schema.SPAN_END]]
    assert sorted(map(tuple, spans.astype(int).to_numpy().tolist())) == [(0, 30), (10, 50)]
    # ana's and budi's own codings are untouched
    assert len(project.codings(coder="ana")) == 10 + 5 + 1
    log = project.log()
    assert log["action"].iloc[-1] == "adjudicate"
    # importing the same sheet again changes nothing and logs nothing
    code, out, err = run(capsys, "adjudicate", "import", project.path, sheet)
    assert code == 0 and "Nothing changed: final's codings already hold this sheet." in out
    assert len(project.log()) == len(log)
    project.undo()
    assert_same_state(state(project), before)


def test_adjudication_later_sheet_settles_not_coded_and_retires(
    project: Project, tmp_path: Path
) -> None:
    sheet = write_adjudication_sheet(project, tmp_path / "adj.xlsx", coders=["ana", "budi"])
    import_adjudication_sheet(_fill(sheet, {2: "coded"}), project)
    first = project.codings(coder="consensus")
    assert len(first) == 5 + 2 + 1  # agreed retain, the enhance spans, row 2
    again = write_adjudication_sheet(project, tmp_path / "again.xlsx", coders=["ana", "budi"])
    result = import_adjudication_sheet(_fill(again, {2: "not coded"}), project)
    assert result["retired"] == 1 and result["not_coded"] == 1
    assert len(project.codings(coder="consensus")) == 5 + 2


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"finals": {2: "maybe", 4: "coded"}},
            r"row 2: final 'maybe' is not 'coded' or 'not coded'",
        ),
        (
            {"cells": {(3, 6): "acquire"}},
            r"row 3: turn '.*' with code 'acquire' is not a cell ana and budi disagree on",
        ),
        (
            {"cells": {(4, 7): "not coded"}},
            r"row 4: ana's decision says 'not coded' but ana has coded it now",
        ),
        (
            {
                "cells": {(5, 1): "magnus-interviews-narasumber-1-0002", (5, 6): "retain"},
                "copy": (2, 5),
            },
            r"row 5: duplicated row: the same cell as row 2",
        ),
    ],
)
def test_adjudication_badly_edited_sheet_is_refused_whole(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: dict, message: str
) -> None:
    sheet = write_adjudication_sheet(project, tmp_path / "adj.xlsx", coders=["ana", "budi"])
    cells = dict(edit.get("cells", {}))
    if "copy" in edit:
        src, dst = edit["copy"]
        ws = openpyxl.load_workbook(sheet)["Adjudication"]
        cells = {(dst, col): ws.cell(src, col).value for col in range(1, 9)}
    _fill(sheet, {3: "coded", **edit.get("finals", {})}, cells)
    before = state(project)
    with pytest.raises(ReviewSheetError, match=message) as info:
        import_adjudication_sheet(sheet, project)
    assert str(sheet) in str(info.value) and "nothing was imported" in str(info.value)
    assert_same_state(state(project), before)
    assert project.codings(coder="consensus").empty
    code, _, err = run(capsys, "adjudicate", "import", project.path, sheet)
    assert code == 1 and err.startswith(f"Error: {sheet}:") and "Traceback" not in err


def test_adjudication_refuses_a_coder_as_consensus_and_a_missing_about_sheet(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "adjudicate",
        project.path,
        "--coders",
        "ana",
        "budi",
        "--as",
        "ana",
        "--out",
        tmp_path / "a.xlsx",
    )
    assert code == 1 and "needs a name of its own" in err
    sheet = write_adjudication_sheet(project, tmp_path / "adj.xlsx", coders=["ana", "budi"])
    wb = openpyxl.load_workbook(sheet)
    del wb["About"]
    wb.save(sheet)
    with pytest.raises(
        ReviewSheetError, match=r"no sheet 'About'.*; expected the workbook written by"
    ):
        import_adjudication_sheet(sheet, project)
    code, _, err = run(capsys, "adjudicate", project.path, "--out", tmp_path / "b.xlsx")
    assert code == 1 and "give the project, --coders A B and --out" in err


def test_adjudication_table_marks_what_a_span_coder_coded(project: Project) -> None:
    turn = long_answer(project)
    text = project.turns().set_index(schema.TURN_ID).loc[turn, schema.TEXT]
    project.add_codings(pd.DataFrame([coding_row(turn, "acquire", "budi", (5, 25))]))
    table = project.adjudication_table(coders=["ana", "budi"])
    row = table[(table[schema.TURN_ID] == turn) & (table[schema.CODE] == "acquire")].iloc[0]
    assert row[schema.TEXT] == text[:5] + "«" + text[5:25] + "»" + text[25:]
    assert (row["decision_a"], row["decision_b"]) == ("not coded", "coded")


def test_adjudicate_through_the_project_with_a_table(project: Project) -> None:
    table = project.adjudication_table(coders=["ana", "budi"])
    table["final"] = "not coded"
    result = project.adjudicate(table, coders=["ana", "budi"], consensus="agreed")
    assert result["not_coded"] == 10 and result["agreed"] == 6 and result["open"] == 0
    assert len(project.codings(coder="agreed")) == 7
