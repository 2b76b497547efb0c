"""Tests for qualcode.engine without a cluster: partitions, the job, row order, missing Dask."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualcode import read_codebook, read_transcript, schema
from qualcode.cli import main
from qualcode.coding.job import CodingJob, code_turns
from qualcode.engine import check_engine
from qualcode.engine.partition import default_partitions, order_codings, split_by_interview
from qualcode.errors import QualcodeError
from qualcode.summaries import coding_run_table
from tests.conftest import CODEBOOK, SAMPLE_TXT


def _table(interviews: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.INTERVIEW: interviews,
            schema.SOURCE: [f"{iv}.txt" for iv in interviews],
        }
    )


@pytest.mark.parametrize("n", [1, 2, 3, 5, 50])
@pytest.mark.parametrize(
    "interviews",
    [
        ["a"] * 5 + ["b"] * 2 + ["c"] * 7 + ["d"],
        ["a", "b", "a", "c", "b", "c", "d", "a"],  # interleaved rows
        ["x"] * 4,
    ],
)
def test_split_by_interview_keeps_interviews_whole(interviews: list[str], n: int) -> None:
    parts = split_by_interview(_table(interviews), n)
    rows = np.concatenate([p.rows for p in parts])
    assert sorted(rows.tolist()) == list(range(len(interviews)))  # every row once
    owner: dict[str, int] = {}
    for p in parts:
        assert list(p.rows) == sorted(p.rows)  # table order inside a partition
        for r in p.rows:
            assert owner.setdefault(interviews[r], p.index) == p.index  # never cut
        assert p.interviews == tuple(dict.fromkeys(interviews[r] for r in p.rows))
    assert len(parts) == min(n, len(set(interviews)))
    assert [p.index for p in parts] == list(range(len(parts)))


def test_split_by_interview_balances_turns() -> None:
    parts = split_by_interview(_table([f"i{k // 10}" for k in range(1000)]), 4)
    assert [len(p.rows) for p in parts] == [250, 250, 250, 250]


def test_split_by_interview_empty_table() -> None:
    assert split_by_interview(_table([]), 3) == []


def test_partition_label_names_interviews_and_files() -> None:
    parts = split_by_interview(_table(["a", "a", "b", "c"]), 2)
    assert parts[0].label(2) == "partition 1 of 2 (interview 'a'; file a.txt)"
    assert parts[1].label(2) == (
        "partition 2 of 2 (interviews 'b' to 'c' (2 interviews); file b.txt, c.txt)"
    )


@pytest.mark.parametrize(
    ("n_turns", "n_workers", "expected"), [(10, 2, 4), (1_000_000, 2, 20), (0, 0, 2)]
)
def test_default_partitions(n_turns: int, n_workers: int, expected: int) -> None:
    assert default_partitions(n_turns, n_workers) == expected


def test_check_engine_rejects_unknown() -> None:
    assert check_engine("dask") == "dask"
    with pytest.raises(QualcodeError, match="--engine must be one of local, dask, got 'spark'"):
        check_engine("spark")


def test_check_engine_dask_options_need_dask() -> None:
    assert check_engine("dask", scheduler="tcp://h:8786", partitions=4, csv=True) == "dask"
    assert check_engine("local", scheduler=None, partitions=None, csv=False) == "local"
    with pytest.raises(QualcodeError, match="--scheduler and --csv need --engine dask"):
        check_engine("local", scheduler="tcp://h:8786", partitions=None, csv=True)


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, object]:
    return read_transcript(SAMPLE_TXT), read_codebook(CODEBOOK)


@pytest.mark.parametrize("method", ["rules", "model", "hybrid"])
def test_job_on_partitions_gives_local_rows(sample: tuple, method: str) -> None:
    turns, book = sample
    local = code_turns(turns, codebook=book, method=method)
    job = CodingJob.plan(turns, codebook=book, method=method)
    parts = split_by_interview(turns, 3)
    assert len(parts) > 1
    # partitions in reverse order: order_codings restores the local order anyway
    pieces = [job.code(turns.iloc[p.rows].reset_index(drop=True)) for p in reversed(parts)]
    merged = order_codings(pd.concat(pieces, ignore_index=True), turns[schema.TURN_ID])
    pd.testing.assert_frame_equal(schema.normalize_codings(merged), local)
    assert (local[schema.CODER] == schema.MODEL_CODER).any() == (method == "model")


def test_job_pickles_without_compiled_coders(sample: tuple) -> None:
    import pickle

    turns, book = sample
    job = CodingJob.plan(turns, codebook=book, method="rules")
    first = job.code(turns)
    assert job.rules_coder() is job.rules_coder()  # compiled once per thread
    copy = pickle.loads(pickle.dumps(job))
    assert getattr(copy._local, "coder", None) is None
    pd.testing.assert_frame_equal(copy.code(turns), first)


def test_summarize_counts_per_interview(sample: tuple) -> None:
    turns, book = sample
    codings = code_turns(turns, codebook=book, method="rules")
    table = coding_run_table(turns, codings, book, all_speakers=False)
    assert list(table.index[:-1]) == list(dict.fromkeys(turns[schema.INTERVIEW].astype(str)))
    participant = turns[turns[schema.ROLE] == schema.PARTICIPANT]
    assert table.loc["total", "turns"] == len(participant)
    assert table.loc["total", "coded"] == codings[schema.TURN_ID].nunique()
    first = table.index[0]
    ids = set(turns.loc[turns[schema.INTERVIEW] == first, schema.TURN_ID])
    mine = codings[codings[schema.TURN_ID].isin(ids)]
    assert table.loc[first, "coded"] == mine[schema.TURN_ID].nunique()
    per_code = mine.drop_duplicates([schema.TURN_ID, schema.CODE])[schema.CODE].value_counts()
    for code, n in per_code.items():
        assert table.loc[first, code] == n


@pytest.fixture
def no_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("dask", "dask.dataframe", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError


@pytest.mark.parametrize("command", ["code", "parse"])
def test_engine_dask_without_dask_says_how_to_install(
    no_dask: None, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if command == "code":
        argv = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(tmp_path)]
    else:
        argv = ["parse", str(SAMPLE_TXT), "--out", str(tmp_path / "t.parquet")]
    assert main([*argv, "--engine", "dask"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: --engine dask needs Dask")
    assert "pip install 'qualcode[dask]'" in err
    # the local engine does not need it
    assert main(argv) == 0


def test_hybrid_without_learnable_codes_skips_the_model(
    sample: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.coding import job

    turns, book = sample  # the sample codebook has fewer than MIN_LEARNED quotes per code
    assert not job.model_can_decide(book, None)
    rules = code_turns(turns, codebook=book, method="rules")

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained a model the hybrid would not use")

    monkeypatch.setattr(job, "train_model", fail)
    pd.testing.assert_frame_equal(code_turns(turns, codebook=book), rules)
    assert CodingJob.plan(turns, codebook=book).method == "rules"


@pytest.mark.parametrize(
    ("interviews", "size", "expected"),
    [
        (["a", "a", "b", "b", "b", "c"], 2, [(0, 2), (2, 5), (5, 6)]),
        (["a", "a", "b", "b", "b", "c"], 4, [(0, 5), (5, 6)]),
        (["a", "a", "b", "b", "b", "c"], 10, [(0, 6)]),
        (["a", "b", "a", "b"], 1, [(0, 4)]),  # interleaved: not split
    ],
)
def test_interview_chunks_keep_interviews_whole(
    interviews: list[str], size: int, expected: list[tuple[int, int]]
) -> None:
    from qualcode.coding.job import interview_chunks

    got = interview_chunks(pd.Series(interviews), size)
    assert [(c.start, c.stop) for c in got] == expected


def test_model_codings_in_chunks_equal_all_at_once(
    sample: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.coding import job

    turns, book = sample
    whole = code_turns(turns, codebook=book, method="model")
    monkeypatch.setattr(job, "MODEL_CHUNK_TURNS", 20)
    assert len(job.interview_chunks(turns[schema.INTERVIEW], 20)) > 1
    pd.testing.assert_frame_equal(code_turns(turns, codebook=book, method="model"), whole)


def _many_interviews(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"iv{i:03d}.txt").write_text(
            "P: Bagaimana Magnus retain klien?\nN1: Kami jaga hubungan, retain lewat meeting.\n",
            encoding="utf-8",
        )
    return folder


def test_code_prints_first_and_last_interviews_of_a_long_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _many_interviews(tmp_path / "many", 45)
    assert (
        main(["code", str(folder), "--codebook", str(CODEBOOK), "--out", str(tmp_path / "o")]) == 0
    )
    out = capsys.readouterr().out
    assert "(45 interviews; the first and last 20 rows shown)" in out
    assert "iv000" in out and "iv044" in out and "iv022" not in out
    lines = out.splitlines()
    note = lines.index("(45 interviews; the first and last 20 rows shown)")
    assert lines[note - 1].startswith("total")
    table = pd.read_csv(tmp_path / "o" / "turns.csv")
    assert table[schema.INTERVIEW].nunique() == 45  # all coded, only the print is shortened


def test_parse_lists_the_first_interviews_of_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _many_interviews(tmp_path / "many", 45)
    assert main(["parse", str(folder), "--out", str(tmp_path / "turns.csv")]) == 0
    out = capsys.readouterr().out
    assert "  iv039: 2 turns; P (interviewer), N1 (participant)" in out
    assert "iv040:" not in out
    assert "  ... and 5 more interviews" in out
