"""Codings that cannot be counted as given (a score that is not a number, a code the codebook
lacks) are refused naming the file, the row and the column: never a traceback, never dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode.cli import main
from qualcode.errors import TableError
from qualcode.schema import validate_codings, validate_turns
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT

CODER_A = ROOT / "data" / "codings" / "coder_a.csv"


@pytest.fixture(scope="module")
def turns_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("turns") / "turns.csv"
    assert main(["parse", str(SAMPLE_TXT), "--out", str(out)]) == 0
    return out


def _bad_score(folder: Path, value: str = "abc", row: int = 3) -> Path:
    table = pd.read_csv(CODER_A, dtype=str, keep_default_na=False)
    table.loc[row - 2, "score"] = value
    path = folder / "codings.csv"
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("column", "value", "kind"),
    [
        ("score", "abc", "number"),
        ("span_start", "1.5", "whole number"),
        ("span_end", "x", "whole number"),
    ],
)
def test_validate_codings_names_row_and_column(column: str, value: str, kind: str) -> None:
    table = pd.read_csv(CODER_A, dtype=str, keep_default_na=False).head(6)
    table.loc[4, column] = value
    with pytest.raises(
        TableError, match=rf"c.csv line 6: row 6, column '{column}': '{value}' is not a {kind}"
    ):
        validate_codings(table, source="c.csv")


def test_validate_turns_names_row_and_column(turns_csv: Path) -> None:
    table = pd.read_csv(turns_csv, dtype=str).head(5)
    table.loc[2, "start"] = "ten past"
    with pytest.raises(TableError, match=r"row 4, column 'start': 'ten past' is not a number"):
        validate_turns(table, source=turns_csv)


@pytest.mark.parametrize("command", ["train", "report", "evaluate", "agree"])
def test_cli_non_numeric_score_is_an_error_line(
    turns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    bad = _bad_score(tmp_path)
    inputs = ["--turns", str(turns_csv), "--codings", str(bad), "--codebook", str(CODEBOOK)]
    args = {
        "train": ["train", *inputs, "--out", str(tmp_path / "m.model")],
        "report": ["report", *inputs, "--out", str(tmp_path / "rep")],
        "evaluate": ["evaluate", *inputs],
        "agree": ["agree", str(CODER_A), str(bad)],
    }[command]
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"Error: {bad} line 3: row 3, column 'score': 'abc' is not a number; "
        "expected a number or an empty cell\n"
    )
    assert not (tmp_path / "m.model").exists() and not (tmp_path / "rep").exists()


def test_cli_report_refuses_codes_not_in_the_codebook(
    turns_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = pd.read_csv(CODER_A, dtype=str, keep_default_na=False)
    table.loc[[3, 7], "code"] = ["loyalty", "Retain"]
    bad = tmp_path / "codings.csv"
    table.to_csv(bad, index=False)
    inputs = ["--turns", str(turns_csv), "--codings", str(bad), "--codebook", str(CODEBOOK)]
    for args in (["report", *inputs, "--out", str(tmp_path / "rep")],
                 ["export", "xlsx", *inputs, "--out", str(tmp_path / "t.xlsx")]):  # fmt: skip
        capsys.readouterr()
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.startswith(
            f"Error: {bad} line 5: 2 coding(s) use codes that are not in the codebook: "
            "row 5 ('loyalty'), row 9 ('Retain'); expected one of identify,"
        ), err
    assert not (tmp_path / "rep").exists() and not (tmp_path / "t.xlsx").exists()


def test_cli_project_with_a_codebook_lacking_its_codes_is_refused(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from qualcode.codebook import Codebook, write_codebook
    from tests._projectdata import copy_project

    project = copy_project(tmp_path, tmp_path_factory)
    book = Codebook.from_code_names(["identify", "interact", "acquire"])
    smaller = write_codebook(book, tmp_path / "smaller.yaml")
    capsys.readouterr()
    # the project's codings with 'retain' are open suggestions: shown with --include-suggestions
    args = ["--project", str(project), "--codebook", str(smaller), "--include-suggestions"]
    assert main(["report", *args, "--out", str(tmp_path / "rep")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {smaller}: the project has ")
    assert "codes this codebook does not have: " in err and "'retain' (" in err
    assert not (tmp_path / "rep").exists()
