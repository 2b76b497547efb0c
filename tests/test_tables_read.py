"""Tables as people save them: CSV in UTF-8, UTF-16 (Excel's "Unicode text") or cp1252 (Excel's
"CSV" on Windows) read the same; binary or empty files get one clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from qualcode.errors import TableError
from qualcode.tables import read_table
from tests.conftest import ROOT

CODER_A = ROOT / "data" / "codings" / "coder_a.csv"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
)
def test_read_table_csv_in_the_encodings_people_save(tmp_path: Path, encoding: str) -> None:
    text = CODER_A.read_text(encoding="utf-8").replace(
        "coder_a,1.0,,,", "coder_a,1.0,catatan: pelanggan setia — café,,", 1
    )
    path = tmp_path / "codings.csv"
    path.write_bytes(text.encode(encoding))
    expected = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    got = read_table(path)
    pd.testing.assert_frame_equal(got, expected)
    assert got["evidence"].iloc[0] == "catatan: pelanggan setia — café"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"the file is empty; expected a table with a header row"),
        (bytes(range(256)) * 8, r"not a text table \(it holds NUL bytes: a binary file\?\)"),
        (b"\xff\xfe" + b"t\x00u\x00" + b"\x00", r"not readable as UTF-16 text"),
    ],
)
def test_read_table_refuses_what_is_not_a_table(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "codings.csv"
    path.write_bytes(data)
    with pytest.raises(TableError, match=rf"^{path}: {message}"):
        read_table(path)
