"""Tests for the Dask engine on a 2-worker LocalCluster: same rows as the local engine, faults."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

from distributed import Client, LocalCluster

from qualcode import read_codebook, read_transcripts, read_turns, schema
from qualcode.cli import main
from qualcode.codebook import Code, Codebook, Theme, write_codebook
from qualcode.coding.classifier import CodeClassifier
from qualcode.coding.job import CodingJob, code_turns
from qualcode.coding.training import train_model
from qualcode.engine import dask as engine_dask
from qualcode.engine.dask import cluster as dask_cluster
from qualcode.engine.dask import (
    code_on_dask,
    collect_codings,
    parse_on_dask,
    read_parts,
)
from qualcode.engine.dask import parquet as dask_parquet
from qualcode.errors import QualcodeError
from qualcode.summaries import coding_run_table
from qualcode.transcripts import find_transcripts, summarize_interviews
from tests.conftest import CODEBOOK, SAMPLE_TXT, SWDA

#: the SwDA dialogue-act tags kept as codes (one exclusive theme; other turns have none)
TAGS = ("sd", "b", "sv", "aa", "qy")
ENGLISH = Codebook(
    name="talk",
    languages=("en",),
    themes=(
        Theme(
            name="talk",
            codes=(
                Code(name="family", keywords=("family", "kids", "children"), theme="talk"),
                Code(name="money", keywords=("money", "pay", "cost"), theme="talk"),
                Code(name="work", keywords=("job", "work", "company"), theme="talk"),
            ),
        ),
    ),
)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=":0",
            protocol="tcp",
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def swda(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], pd.DataFrame]:
    """Six SwDA test dialogues as ``A: text`` transcripts, and their dialogue-act codings."""
    if not SWDA.exists():
        pytest.skip(f"shared SwDA corpus not found at {SWDA}")
    folder = tmp_path_factory.mktemp("swda")
    tags: list[str] = []
    for dialogue in sorted((SWDA / "test").glob("*.txt"))[:6]:
        lines = []
        for line in dialogue.read_text(encoding="utf-8").splitlines():
            speaker, text, tag = line.split("|")
            lines.append(f"{speaker}: {text}")
            tags.append(tag)
        (folder / f"{dialogue.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = find_transcripts(folder)
    turns = read_transcripts(files)
    assert len(turns) == len(tags)
    coded = pd.DataFrame({schema.TURN_ID: turns[schema.TURN_ID], schema.CODE: tags})
    coded = coded[coded[schema.CODE].isin(TAGS)].assign(**{schema.CODER: "swda"})
    return files, schema.normalize_codings(coded)


def _tags_codebook() -> Codebook:
    theme = Theme(name="act", exclusive=True, codes=tuple(Code(name=t, theme="act") for t in TAGS))
    return Codebook(name="swda", languages=("en",), themes=(theme,))


def _run(turns: pd.DataFrame, job: CodingJob, out: Path, client: Client, n: int) -> pd.DataFrame:
    run = code_on_dask(turns, job, out, client=client, partitions=n, progress=False)
    assert run.partitions == n
    assert len(list(run.codings_dir.glob("part-*.parquet"))) == n
    summary = coding_run_table(turns, collect_codings(run, turns), job.codebook, all_speakers=False)
    pd.testing.assert_frame_equal(run.summary, summary)
    return collect_codings(run, turns)


def test_code_on_dask_sample_equals_local(client: Client, tmp_path: Path) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    book = read_codebook(CODEBOOK)
    local = code_turns(turns, codebook=book)
    got = _run(turns, CodingJob.plan(turns, codebook=book), tmp_path, client, 3)
    pd.testing.assert_frame_equal(got, local)
    # the partitioned output holds the same rows (in partition order)
    assert len(read_parts(tmp_path / "codings")) == len(local)
    parts = read_parts(tmp_path / "turns")
    assert sorted(parts[schema.TURN_ID]) == sorted(turns[schema.TURN_ID])


@pytest.fixture(scope="module")
def swda_model(swda: tuple[list[Path], pd.DataFrame]) -> CodeClassifier:
    """A model of the dialogue acts and the keyword codes (SGD: trained in a fraction of a s)."""
    files, coded = swda
    # the keyword codes join the dialogue acts so the hybrid has rules to merge
    book = Codebook(name="swda", languages=("en",), themes=_tags_codebook().themes + ENGLISH.themes)
    return train_model(read_transcripts(files), coded, codebook=book, solver="sgd", max_iter=5)


@pytest.mark.parametrize("method", ["model", "hybrid"])
def test_code_on_dask_swda_model_equals_local(
    client: Client,
    swda: tuple[list[Path], pd.DataFrame],
    swda_model: CodeClassifier,
    tmp_path: Path,
    method: str,
) -> None:
    turns = read_transcripts(swda[0])
    book = swda_model.codebook_
    local = code_turns(turns, codebook=book, model=swda_model, method=method)
    job = CodingJob.plan(turns, codebook=book, model=swda_model, method=method)
    assert job.model is swda_model
    got = _run(turns, job, tmp_path, client, 4)
    pd.testing.assert_frame_equal(got, local)
    coders = set(local[schema.CODER])
    assert coders == ({"model"} if method == "model" else {"model", "rules"})


def test_parse_on_dask_equals_local(client: Client, swda: tuple[list[Path], pd.DataFrame]) -> None:
    files, _ = swda
    local = read_transcripts(files)
    got = parse_on_dask(files, client=client, partitions=3, progress=False)
    pd.testing.assert_frame_equal(got, local)


def test_parse_on_dask_same_stem_in_two_folders(client: Client, tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(f"Q: Why {folder}?\nA: Because.\n")
    files = [tmp_path / "one" / "a.txt", tmp_path / "two" / "a.txt"]
    got = parse_on_dask(files, client=client, partitions=2, progress=False)
    pd.testing.assert_frame_equal(got, read_transcripts(files))
    assert got[schema.INTERVIEW].nunique() == 2


def test_cli_code_engine_dask_with_scheduler(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = client.scheduler.address
    base = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out"]
    assert main([*base, str(tmp_path / "local")]) == 0
    local_out = capsys.readouterr().out
    argv = [*base, str(tmp_path / "dask"), "--engine", "dask", "--scheduler", address]
    assert main([*argv, "--partitions", "2", "--csv"]) == 0
    captured = capsys.readouterr()
    assert f"Dask scheduler {address}: 2 worker(s)" in captured.err
    for name in ("turns.csv", "codings.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    table = local_out.split("Wrote")[0]
    assert captured.out.startswith(table)  # same summary table
    assert "(2 Parquet partitions)" in captured.out
    # without --csv: the Parquet partitions only
    assert main([*argv, "--out", str(tmp_path / "pq")]) == 0
    assert not (tmp_path / "pq" / "codings.csv").exists()
    assert len(read_parts(tmp_path / "pq" / "codings")) == len(
        pd.read_csv(tmp_path / "local" / "codings.csv")
    )


def test_cli_parse_engine_dask(
    client: Client, swda: tuple[list[Path], pd.DataFrame], tmp_path: Path
) -> None:
    folder = str(swda[0][0].parent)
    assert main(["parse", folder, "--out", str(tmp_path / "local.parquet")]) == 0
    dask_args = ["--engine", "dask", "--scheduler", client.scheduler.address]
    argv = ["parse", folder, "--out", str(tmp_path / "dask.parquet"), *dask_args]
    assert main([*argv, "--partitions", "3"]) == 0
    pd.testing.assert_frame_equal(
        read_turns([tmp_path / "dask.parquet"]), read_turns([tmp_path / "local.parquet"])
    )
    # the workers wrote one part per group, streamed into the file as row groups; no part,
    # staging folder or temporary file is left beside it
    assert pq.ParquetFile(tmp_path / "dask.parquet").metadata.num_row_groups == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.parquet", "local.parquet"]
    # a CSV output is written from the gathered table, the same as the local engine's
    assert main(["parse", folder, "--out", str(tmp_path / "local.csv")]) == 0
    assert main(["parse", folder, "--out", str(tmp_path / "dask.csv"), *dask_args]) == 0
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_cli_parse_engine_dask_prints_what_the_local_engine_prints(
    client: Client,
    swda: tuple[list[Path], pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = str(swda[0][0].parent)
    assert main(["parse", folder, "--out", str(tmp_path / "t.parquet")]) == 0
    local = capsys.readouterr().out
    dask_args = ["--engine", "dask", "--scheduler", client.scheduler.address]
    assert main(["parse", folder, "--out", str(tmp_path / "t.parquet"), *dask_args]) == 0
    got = capsys.readouterr().out
    # the same lines, but for the local reader's account of how it read each file
    assert got == "".join(x for x in local.splitlines(keepends=True) if ": read as " not in x)
    assert "6 file(s), 6 interview(s), 12 speaker(s)" in got


def test_parse_to_parquet_equals_local_across_groups(client: Client, tmp_path: Path) -> None:
    # groups whose label columns have different categories (speakers, roles, sources) and
    # numbers of them: the parts' dictionaries differ, the table read back does not
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(7):
        speakers = [f"N{k}" for k in range(1, 2 + i * 40)]  # 1 to 241 participants: int8/int16
        lines = [f"P: Pertanyaan {i}?"] + [f"{s}: jawaban {s} di wawancara {i}." for s in speakers]
        (folder / f"wawancara_{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = find_transcripts(folder)
    run = engine_dask.parse_to_parquet(
        files, tmp_path / "out" / "turns.parquet", client=client, partitions=4, progress=False
    )
    local = read_transcripts(files)
    pd.testing.assert_frame_equal(read_turns([run.path]), local)
    assert (run.turns, run.speakers) == (len(local), sum(2 + i * 40 for i in range(7)))
    pd.testing.assert_frame_equal(run.summary, summarize_interviews(local))
    assert all(not keys for keys in client.has_what().values())


def _four_interviews(folder: Path) -> list[Path]:
    files = []
    for i in range(4):
        path = folder / f"iv{i}.txt"
        path.write_text(f"P: Pertanyaan {i}?\nN1: Jawaban {i}.\n", encoding="utf-8")
        files.append(path)
    return files


def test_parse_to_parquet_failure_keeps_the_old_table_and_leaves_nothing(
    client: Client, tmp_path: Path
) -> None:
    files = _four_interviews(tmp_path)
    out = tmp_path / "out" / "turns.parquet"
    first = engine_dask.parse_to_parquet(files, out, client=client, partitions=2, progress=False)
    before = out.read_bytes()
    damaged = tmp_path / "iv4.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a Word file")
    with pytest.raises(QualcodeError, match=r"file group 2 of 2 \(iv2.txt to iv4.docx\): .*iv4"):
        engine_dask.parse_to_parquet(
            [*files, damaged], out, client=client, partitions=2, progress=False
        )
    assert out.read_bytes() == before  # the table of the run before is untouched
    assert [p.name for p in out.parent.iterdir()] == ["turns.parquet"]
    assert all(not keys for keys in client.has_what().values())
    assert first.turns == 8


def _kill_a_worker_during(
    run: Callable[[Client], object], started: Callable[[], bool]
) -> tuple[object, bool]:
    """Run ``run(client)`` on a fresh 2-worker cluster and SIGKILL a worker once ``started()``
    says some of its tasks are done; return its result and whether the run was still going."""
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as c,
    ):
        pids = c.run(os.getpid)
        done: dict[str, object] = {}

        def target() -> None:
            try:
                done["run"] = run(c)
            except BaseException as err:  # reported below
                done["error"] = err

        thread = threading.Thread(target=target)
        thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not started():
            time.sleep(0.01)
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)
        mid_run = thread.is_alive()
        thread.join(120)
        assert "error" not in done, done.get("error")
        assert victim not in c.run(os.getpid).values()  # the nanny started a new worker
    return done["run"], mid_run


def _copies(files: list[Path], folder: Path, n: int) -> list[Path]:
    """``n`` copies of ``files`` under new names in ``folder`` (a corpus of many files)."""
    folder.mkdir()
    for k in range(n):
        for f in files:
            (folder / f"{f.stem}_{k:02d}.txt").write_bytes(f.read_bytes())
    return find_transcripts(folder)


def test_parse_worker_killed_mid_run_loses_and_duplicates_nothing(
    swda: tuple[list[Path], pd.DataFrame], tmp_path: Path
) -> None:
    files = _copies(swda[0], tmp_path / "in", 40)
    out = tmp_path / "turns.parquet"
    _, mid_run = _kill_a_worker_during(
        lambda c: engine_dask.parse_to_parquet(files, out, client=c, partitions=40, progress=False),
        lambda: any(tmp_path.glob(".turns.tmp-*")),  # the first parts are in the output
    )
    assert mid_run
    pd.testing.assert_frame_equal(read_turns([out]), read_transcripts(files))


def test_parse_to_parquet_no_files(client: Client, tmp_path: Path) -> None:
    run = engine_dask.parse_to_parquet([], tmp_path / "t.parquet", client=client, progress=False)
    assert run.turns == 0 and run.summary.empty
    pd.testing.assert_frame_equal(read_turns([run.path]), schema.empty_turns())


def _parts(folder: Path) -> list[pd.DataFrame]:
    return [pd.read_parquet(f) for f in sorted(folder.glob("part-*.parquet"))]


def test_code_parquet_reads_its_rows_on_the_workers(
    client: Client,
    swda: tuple[list[Path], pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a table with a row group per file group: partitions straddle row groups
    folder = str(swda[0][0].parent)
    dask_args = ["--engine", "dask", "--scheduler", client.scheduler.address]
    table = tmp_path / "turns.parquet"
    assert main(["parse", folder, "--out", str(table), *dask_args, "--partitions", "4"]) == 0
    assert pq.ParquetFile(table).metadata.num_row_groups == 4
    turns = read_turns([table])
    job = CodingJob.plan(turns, codebook=ENGLISH, method="rules", all_speakers=True)
    whole = code_on_dask(turns, job, tmp_path / "whole", client=client, partitions=3)
    capsys.readouterr()
    # the command codes the file without reading the table here
    import qualcode.engine.run as run_module

    def no_table(*args: object) -> None:
        raise AssertionError("the turns table was read by the driver")

    monkeypatch.setattr(run_module, "read_input", no_table)
    book = tmp_path / "talk.yaml"
    write_codebook(ENGLISH, book)
    argv = ["code", str(table), "--codebook", str(book), "--all-speakers", "--out"]
    assert main([*argv, str(tmp_path / "direct"), *dask_args, "--partitions", "3"]) == 0
    out = capsys.readouterr().out
    assert "(3 Parquet partitions)" in out
    assert out.startswith(f"Coded {int(whole.summary['coded'].iloc[-1])} of {len(turns)} turns")
    for sub in ("turns", "codings"):
        for got, want in zip(
            _parts(tmp_path / "direct" / sub), _parts(tmp_path / "whole" / sub), strict=True
        ):
            pd.testing.assert_frame_equal(got, want)


def test_code_parquet_falls_back_when_it_cannot_read_rows(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    job = CodingJob.plan(turns, codebook=read_codebook(CODEBOOK), method="rules")
    apart = tmp_path / "apart.parquet"
    turns.iloc[::-1].to_parquet(apart)  # the same rows, interviews in one run each...
    mixed = pd.concat([turns.iloc[::2], turns.iloc[1::2]])  # ...and an interview's rows apart
    mixed.to_parquet(tmp_path / "mixed.parquet")
    assert (
        engine_dask.code_parquet_on_dask(
            tmp_path / "mixed.parquet", job, tmp_path / "o", client=client, partitions=3
        )
        is None
    )
    twice = pd.concat([turns, turns])
    twice.to_parquet(tmp_path / "twice.parquet")
    assert (
        engine_dask.code_parquet_on_dask(
            tmp_path / "twice.parquet", job, tmp_path / "o", client=client, partitions=3
        )
        is None
    )
    pd.DataFrame({"text": ["not a turns table"]}).to_parquet(tmp_path / "other.parquet")
    assert (
        engine_dask.code_parquet_on_dask(
            tmp_path / "other.parquet", job, tmp_path / "o", client=client
        )
        is None
    )
    # the command then reads the table and says what is wrong with it
    argv = ["code", str(tmp_path / "twice.parquet"), "--codebook", str(CODEBOOK), "--out"]
    dask_args = ["--engine", "dask", "--scheduler", client.scheduler.address]
    assert main([*argv, str(tmp_path / "o"), *dask_args]) == 1
    run = engine_dask.code_parquet_on_dask(apart, job, tmp_path / "o", client=client, partitions=3)
    assert run is not None and run.partitions == 3
    # a task would decode far more rows than its own (the file is one big row group)
    monkeypatch.setattr(dask_parquet, "MAX_EXTRA_ROWS", 10)
    assert (
        engine_dask.code_parquet_on_dask(apart, job, tmp_path / "o", client=client, partitions=3)
        is None
    )


def test_code_parquet_row_groups_of_whole_interviews_are_the_partitions(
    client: Client, swda: tuple[list[Path], pd.DataFrame], tmp_path: Path
) -> None:
    files = swda[0]
    table = engine_dask.parse_to_parquet(
        files, tmp_path / "t.parquet", client=client, partitions=4, progress=False
    ).path
    job = CodingJob.plan(read_turns([table]), codebook=ENGLISH, method="rules", all_speakers=True)
    run = engine_dask.code_parquet_on_dask(table, job, tmp_path / "o", client=client)
    assert run is not None and run.partitions == 4
    groups = pq.ParquetFile(table)
    for i, part in enumerate(_parts(run.turns_dir)):
        want = groups.read_row_group(i).to_pandas()[schema.TURN_ID].astype(str).tolist()
        assert part[schema.TURN_ID].astype(str).tolist() == want
    local = job.code(read_turns([table]))
    pd.testing.assert_frame_equal(collect_codings(run, read_turns([table])), local)


def test_code_parquet_id_in_two_partitions_is_refused_and_a_collision_is_not(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    job = CodingJob.plan(turns, codebook=read_codebook(CODEBOOK), method="rules")
    # the same turn ids under another interview: each partition alone is valid
    copy = turns.assign(**{schema.INTERVIEW: turns[schema.INTERVIEW].astype(str) + " (copy)"})
    pd.concat([turns, copy], ignore_index=True).to_parquet(tmp_path / "twice.parquet")
    out = tmp_path / "o"
    assert (
        engine_dask.code_parquet_on_dask(
            tmp_path / "twice.parquet", job, out, client=client, partitions=2, progress=False
        )
        is None
    )
    assert not list((out / "codings").glob("part-*")) and not list((out / "turns").glob("part-*"))
    argv = ["code", str(tmp_path / "twice.parquet"), "--codebook", str(CODEBOOK), "--out"]
    dask_args = ["--engine", "dask", "--scheduler", client.scheduler.address]
    assert main([*argv, str(out), *dask_args]) == 1
    # equal hashes of different ids (forced here) cost the exact check, not the run
    turns.to_parquet(tmp_path / "once.parquet")
    monkeypatch.setattr(dask_parquet, "id_hashes", lambda ids: np.zeros(len(ids), np.uint64))
    run = engine_dask.code_parquet_on_dask(
        tmp_path / "once.parquet", job, out, client=client, partitions=3, progress=False
    )
    assert run is not None
    pd.testing.assert_frame_equal(collect_codings(run, turns), job.code(turns))


def test_code_parquet_bad_role_names_the_partition_and_file(client: Client, tmp_path: Path) -> None:
    turns = read_transcripts([SAMPLE_TXT]).astype({schema.ROLE: "string"})
    last = turns[schema.INTERVIEW] == turns[schema.INTERVIEW].iloc[-1]
    bad = int(last.to_numpy().nonzero()[0][0])
    turns.loc[bad, schema.ROLE] = "moderator"
    turns.to_parquet(tmp_path / "t.parquet")
    # the message names the row of the file, as reading the whole table does
    with pytest.raises(QualcodeError, match=rf"t\.parquet line {bad + 2}: unknown role"):
        read_turns([tmp_path / "t.parquet"])
    job = CodingJob.plan(read_transcripts([SAMPLE_TXT]), codebook=read_codebook(CODEBOOK))
    with pytest.raises(
        QualcodeError,
        match=rf"partition 3 of 3 \(interviews? .*\): .*t\.parquet line {bad + 2}: .*'moderator'",
    ):
        engine_dask.code_parquet_on_dask(
            tmp_path / "t.parquet",
            job,
            tmp_path / "o",
            client=client,
            partitions=3,
            progress=False,
        )


def test_cli_bad_scheduler_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_cluster, "CONNECT_TIMEOUT", "1s")
    argv = ["code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK), "--out", str(tmp_path)]
    assert main([*argv, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: --scheduler tcp://127.0.0.1:9: cannot connect")


@dataclass
class FailingJob(CodingJob):
    """A job that fails on one interview (as a damaged input would)."""

    fail_on: str = ""

    def code(self, turns: pd.DataFrame) -> pd.DataFrame:
        if self.fail_on in set(turns[schema.INTERVIEW].astype(str)):
            msg = "cannot code this"
            raise QualcodeError(msg)
        return super().code(turns)


def test_failed_partition_names_interview_and_file(client: Client, tmp_path: Path) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    interviews = list(dict.fromkeys(turns[schema.INTERVIEW].astype(str)))
    job = FailingJob(codebook=read_codebook(CODEBOOK), method="rules", fail_on=interviews[1])
    want = (
        rf"partition 2 of 3 \(interview '{interviews[1]}'; file magnus_interviews.txt\): "
        "cannot code this"
    )
    with pytest.raises(QualcodeError, match=want):
        code_on_dask(turns, job, tmp_path, client=client, partitions=3, progress=False)


def test_partitions_must_be_positive(client: Client, tmp_path: Path) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    job = CodingJob.plan(turns, codebook=read_codebook(CODEBOOK), method="rules")
    with pytest.raises(QualcodeError, match="--partitions must be a positive number, got 0"):
        code_on_dask(turns, job, tmp_path, client=client, partitions=0)


def test_job_scattered_once_and_stale_parts_removed(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    job = CodingJob.plan(turns, codebook=read_codebook(CODEBOOK), method="rules")
    scattered: list[object] = []
    real = client.scatter

    def scatter(data: object, **kwargs: object) -> object:
        scattered.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(client, "scatter", scatter)
    code_on_dask(turns, job, tmp_path, client=client, partitions=3, progress=False)
    assert scattered == [job]  # the job once for all partitions, not once per task
    code_on_dask(turns, job, tmp_path, client=client, partitions=2, progress=False)
    assert sorted(p.name for p in (tmp_path / "codings").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]


def test_worker_killed_mid_run_loses_and_duplicates_nothing(
    swda: tuple[list[Path], pd.DataFrame], tmp_path: Path
) -> None:
    files, _ = swda
    turns = read_transcripts(files)
    big = pd.concat([turns.assign(**{
        schema.TURN_ID: turns[schema.TURN_ID].astype(str) + f"-{k}",
        schema.INTERVIEW: turns[schema.INTERVIEW].astype(str) + f"-{k}",
    }) for k in range(4)], ignore_index=True)  # fmt: skip
    big = schema.validate_turns(big)
    job = CodingJob.plan(big, codebook=ENGLISH, method="rules", all_speakers=True)
    local = job.code(big)
    parts = tmp_path / "codings"
    written: list[int] = []

    def started() -> bool:
        written[:] = [len(list(parts.glob("part-*")))] if parts.exists() else [0]
        return written[0] > 0

    run, mid_run = _kill_a_worker_during(
        lambda c: code_on_dask(big, job, tmp_path, client=c, partitions=20, progress=False),
        started,
    )
    assert mid_run and 0 < written[0] < 20  # some partitions written, most not
    got = collect_codings(run, big)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, local)


def test_code_parquet_worker_killed_mid_run_loses_and_duplicates_nothing(
    client: Client, swda: tuple[list[Path], pd.DataFrame], tmp_path: Path
) -> None:
    files = _copies(swda[0], tmp_path / "in", 20)
    table = tmp_path / "turns.parquet"
    engine_dask.parse_to_parquet(files, table, client=client, partitions=24, progress=False)
    turns = read_turns([table])
    job = CodingJob.plan(turns, codebook=ENGLISH, method="rules", all_speakers=True)
    parts = tmp_path / "out" / "codings"
    run, mid_run = _kill_a_worker_during(
        lambda c: engine_dask.code_parquet_on_dask(
            table, job, tmp_path / "out", client=c, progress=False
        ),
        lambda: parts.exists() and any(parts.glob("part-*")),
    )
    assert mid_run and run is not None and run.partitions == 24  # the row groups
    pd.testing.assert_frame_equal(collect_codings(run, turns), job.code(turns))  # type: ignore[arg-type]


def test_parse_on_dask_damaged_file_names_its_group_and_file(
    client: Client, tmp_path: Path
) -> None:
    files = _four_interviews(tmp_path)
    damaged = tmp_path / "iv4.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a Word file")
    files.append(damaged)
    with pytest.raises(QualcodeError, match=r"file group 2 of 2 \(iv2.txt to iv4.docx\): .*iv4"):
        parse_on_dask(files, client=client, partitions=2, progress=False)
    assert all(not keys for keys in client.has_what().values())  # nothing left on workers


def test_parse_on_dask_leaves_no_results_on_the_workers(
    client: Client, swda: tuple[list[Path], pd.DataFrame]
) -> None:
    files, _ = swda
    parse_on_dask(files[:60], client=client, partitions=6, progress=False)
    assert all(not keys for keys in client.has_what().values())
