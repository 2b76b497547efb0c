"""One reader for every workbook: damaged files get one clear error in every command."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.cli import main
from qualcode.errors import TableError
from qualcode.tables import read_table, read_workbook, write_table
from tests._projectdata import copy_project
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT

CASES = ROOT / "data" / "cases.csv"
CODER_A = ROOT / "data" / "codings" / "coder_a.csv"


def _damaged(kind: str, folder: Path) -> Path:
    """A file named .xlsx that is not a workbook, as users really send them."""
    path = folder / f"{kind}.xlsx"
    if kind == "random":
        path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    elif kind == "renamed-csv":
        path.write_bytes(CASES.read_bytes())
    elif kind == "truncated":
        good = write_table(pd.read_csv(CASES, dtype=str), folder / "good.xlsx")
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize("kind", ["random", "renamed-csv", "truncated", "empty"])
def test_read_workbook_refuses_a_file_that_is_not_a_workbook(tmp_path: Path, kind: str) -> None:
    path = _damaged(kind, tmp_path)
    with pytest.raises(TableError, match=rf"{kind}.xlsx: not a readable Excel workbook \("):
        read_workbook(path)
    with pytest.raises(TableError, match=r"expected an \.xlsx file saved by Excel"):
        read_table(path)


def test_read_workbook_names_a_missing_sheet(tmp_path: Path) -> None:
    path = write_table(pd.DataFrame({"case": ["A"]}), tmp_path / "c.xlsx", sheet_name="cases")
    with pytest.raises(TableError, match=r"no sheet 'people'; the workbook has 'cases'"):
        read_workbook(path, sheet="people")
    with pytest.raises(TableError, match=r"no sheet number 3; the workbook has 1 sheet"):
        read_table(path, sheet=2)


def test_read_table_reads_a_workbook_as_pandas_read_excel_does(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["turn_id", "score", "turn_id", None, "when", "flag"])
    ws.append(["007", 1, "a", None, dt.datetime(2023, 5, 22, 9, 30), True])
    ws.append([None, None, None, None, None, None])
    ws.append(["t2", 0.25, None, "x", dt.date(2023, 5, 23), False])
    ws.append(["t3", 3.0, "b", None, None, None])
    path = tmp_path / "sheet.xlsx"
    wb.save(path)
    expected = pd.read_excel(path, dtype=str, engine="openpyxl")
    pd.testing.assert_frame_equal(read_table(path), expected)


_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1950, 1, 1), dt.date(2060, 1, 1)),
)


@settings(max_examples=25, deadline=None)
@given(
    header=st.lists(
        st.one_of(st.none(), st.sampled_from(["turn_id", "code", "score", "Teks", "a"])),
        min_size=1,
        max_size=5,
    ),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=5), min_size=0, max_size=6),
)
def test_read_table_reads_any_sheet_as_pandas_does(
    header: list[str | None], rows: list[list[object]]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet.xlsx"
        wb.save(path)
        if all(v is None for v in header) and all(v is None for r in rows for v in r):
            assert read_table(path).empty
            return
        expected = pd.read_excel(path, dtype=str, engine="openpyxl")
        pd.testing.assert_frame_equal(read_table(path), expected)


@pytest.mark.parametrize("kind", ["random", "renamed-csv", "truncated"])
@pytest.mark.parametrize(
    "command", ["parse", "code", "code --train", "code --cases", "agree", "add", "add --cases"]
)
def test_cli_damaged_workbook_is_an_error_line(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    command: str,
    kind: str,
) -> None:
    bad = str(_damaged(kind, tmp_path))
    out = str(tmp_path / "out")
    code = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", out]
    project = str(copy_project(tmp_path, tmp_path_factory)) if command.startswith("add") else ""
    args = {
        "parse": ["parse", bad, "--out", f"{out}/turns.csv"],
        "code": ["code", bad, "--codebook", str(CODEBOOK), "--out", out],
        "code --train": [*code, "--method", "model", "--train", bad],
        "code --cases": [*code, "--report", "--cases", bad],
        "agree": ["agree", str(CODER_A), bad],
        "add": ["add", project, bad],
        "add --cases": ["add", project, "--cases", bad],
    }[command]
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {bad}: not a readable Excel workbook"), err
    assert "Traceback" not in err
    assert not Path(out).exists()
