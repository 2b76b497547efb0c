"""write_table's CSV/TSV writer (pyarrow kernels) writes what pandas' to_csv writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qualcode.tables
from qualcode.tables import read_table, write_table


def _awkward() -> pd.DataFrame:
    """Cells a transcript table really holds: commas, quotes, line breaks, tabs, non-ASCII."""
    rng = np.random.default_rng(7)
    n = 500
    texts = [
        "Okay, uh,",
        'He said "customize" twice',
        "line one\nline two",
        "tab\there",
        "kalau kita sih, ya — lebih ke retain",
        "",
        None,
    ]
    scores = np.concatenate(
        [
            rng.random(n - 12),
            [1.0, 0.0, -0.0, 3.0, 1e-05, 0.0001, 1e16, 123456789.5, 2.5e20, np.inf, np.nan, 0.5],
        ]
    )
    return pd.DataFrame(
        {
            "turn_id": [f"t{i:05d}" for i in range(n)],
            "text": [texts[i % len(texts)] for i in range(n)],
            "role": pd.Categorical(["interviewer", "participant", None, "participant"] * (n // 4)),
            "position": np.arange(n, dtype=np.int64),
            "score": scores,
            "kept": [True, False] * (n // 2),
            "empty": [None] * n,
        }
    )


@pytest.mark.parametrize("suffix,sep", [(".csv", ","), (".tsv", "\t")])
def test_same_bytes_as_pandas(tmp_path: Path, suffix: str, sep: str) -> None:
    df = _awkward()
    path = write_table(df, tmp_path / f"t{suffix}")
    assert path.read_text(encoding="utf-8") == df.to_csv(index=False, sep=sep)


def test_rows_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qualcode.tables, "CSV_CHUNK_ROWS", 7)
    df = _awkward()
    path = write_table(df, tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8") == df.to_csv(index=False)
    back = read_table(path)
    assert back["turn_id"].tolist() == df["turn_id"].tolist()
    assert back["text"].fillna("").tolist() == df["text"].fillna("").tolist()


def test_other_column_types_written_by_pandas(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "at": pd.to_datetime(["2023-05-22 10:00:00", None]),
            "score": np.array([0.1, 2.0], dtype=np.float32),
            "mixed": [1, "a"],
        }
    )
    path = write_table(df, tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8") == df.to_csv(index=False)


def test_one_column_table_keeps_its_empty_rows(tmp_path: Path) -> None:
    df = pd.DataFrame({"code": ["identify", None, "retain"]})
    path = write_table(df, tmp_path / "t.csv")
    assert read_table(path)["code"].tolist()[::2] == ["identify", "retain"]
    assert len(read_table(path)) == 3


def test_carriage_return_is_quoted_and_read_back(tmp_path: Path) -> None:
    # Python 3.11's csv module leaves a lone "\r" unquoted; a reader then splits the row there
    df = pd.DataFrame({"turn_id": ["t1", "t2"], "text": ["carriage\rreturn", "plain"]})
    path = write_table(df, tmp_path / "t.csv")
    assert read_table(path)["text"].tolist() == ["carriage\rreturn", "plain"]
