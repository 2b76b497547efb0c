"""Atomic output files and clear errors for paths that cannot be written (qualcode.fileio)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

import qualcode.tables
from qualcode.fileio import OutputError, atomic_path, output_error, write_atomic
from qualcode.tables import read_table, write_table


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"turn_id": [f"t{k}" for k in range(n)], "text": ["halo"] * n})


def test_write_atomic_writes_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "notes.txt"
    assert write_atomic(target, lambda p: p.write_text("ok", encoding="utf-8")) == target
    assert target.read_text(encoding="utf-8") == "ok"
    assert [p.name for p in target.parent.iterdir()] == ["notes.txt"]


def test_atomic_path_failure_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("last good", encoding="utf-8")
    with pytest.raises(RuntimeError, match="crash"), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash")
    assert target.read_text(encoding="utf-8") == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("fail_at", ["write", "rename"])
def test_write_table_full_disk_keeps_previous_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, fail_at: str
) -> None:
    target = tmp_path / f"turns{suffix}"
    write_table(_table(3), target)
    before = target.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    if fail_at == "write":
        # the writer puts half a table on disk, then the disk is full
        def half_then_full(table: pd.DataFrame, path: Path, *args: object, **kw: object) -> None:
            Path(path).write_bytes(b"turn_id,text\nt0,ha")
            full_disk()

        if suffix in (".csv", ".tsv"):
            monkeypatch.setattr(qualcode.tables, "write_delimited", half_then_full)
        else:
            method = "to_excel" if suffix == ".xlsx" else "to_parquet"
            monkeypatch.setattr(pd.DataFrame, method, half_then_full)
    else:
        monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match=r"turns.* cannot write: the disk is full"):
        write_table(_table(5000), target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert len(read_table(target)) == 3
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_table_file_where_folder_expected(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="a file stands where a folder is expected"):
        write_table(_table(1), tmp_path / "afile" / "o.csv")


def test_write_table_target_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "turns.csv").mkdir()
    with pytest.raises(OutputError, match=r"turns.csv: cannot write: it is a folder"):
        write_table(_table(1), tmp_path / "turns.csv")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "read-only"),
        (errno.ENOENT, "does not exist and cannot be created"),
    ],
)
def test_output_error_names_path_and_reason(code: int, reason: str) -> None:
    err = output_error(OSError(code, "x", "/data/out"), "/data/out/turns.csv")
    assert isinstance(err, OutputError)
    assert str(err).startswith("/data/out/turns.csv: cannot write: ")
    assert reason in str(err) and "(/data/out)" in str(err)


def _full_disk_after_half(original: object) -> object:
    """A write that puts part of its bytes on disk, then finds the disk full."""

    def write(self: object, data: object, *args: object, **kwargs: object) -> None:
        original(self, data[: len(data) // 2], *args, **kwargs)  # type: ignore[operator,index]
        raise OSError(errno.ENOSPC, "No space left on device")

    return write


def test_saving_a_model_on_a_full_disk_keeps_the_model_saved_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from qualcode.coding.classifier import CodeClassifier, load_model

    texts = ["klien lama tetap setia", "cari klien baru", "jaga client", "pitching baru"] * 3
    labels = ["retain", "acquire", "retain", "acquire"] * 3
    first = CodeClassifier(random_state=0).fit(texts, labels).save(tmp_path / "m.qcm")
    before = first.read_bytes()
    monkeypatch.setattr(
        zipfile.ZipFile, "writestr", _full_disk_after_half(zipfile.ZipFile.writestr)
    )
    with pytest.raises(OutputError, match=r"m\.qcm: cannot write: the disk is full"):
        CodeClassifier(random_state=1, C=0.5).fit(texts, labels).save(first)
    monkeypatch.undo()
    assert first.read_bytes() == before
    assert load_model(first).classes_.tolist() == ["acquire", "retain"]
    assert [p.name for p in tmp_path.iterdir()] == ["m.qcm"]


def test_writing_a_codebook_on_a_full_disk_keeps_the_codebook_written_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.codebook import Codebook, read_codebook, write_codebook
    from qualcode.exchange.refi.qdc import read_qdc, write_qdc

    book = Codebook.from_code_names(["retain", "acquire"])
    yaml_path = write_codebook(book, tmp_path / "book.yaml")
    qdc_path = write_qdc(book, tmp_path / "book.qdc")
    before = {p: p.read_bytes() for p in (yaml_path, qdc_path)}
    bigger = Codebook.from_code_names([f"code {i}" for i in range(200)])
    monkeypatch.setattr(Path, "write_text", _full_disk_after_half(Path.write_text))
    with pytest.raises(OutputError, match=r"book\.yaml: cannot write: the disk is full"):
        write_codebook(bigger, yaml_path)
    monkeypatch.undo()
    import qualcode.exchange.refi.qdc as qdc

    real_codes = qdc.write_codes

    def codes_then_full(*args: object) -> object:
        pieces = list(real_codes(*args))  # type: ignore[arg-type]
        yield from pieces[: len(pieces) // 2]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qdc, "write_codes", codes_then_full)
    with pytest.raises(OutputError, match=r"book\.qdc: cannot write: the disk is full"):
        write_qdc(bigger, qdc_path)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in before} == before
    assert read_codebook(yaml_path) == book
    assert read_qdc(qdc_path).codebook.code_names == ("retain", "acquire")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.qdc", "book.yaml"]
