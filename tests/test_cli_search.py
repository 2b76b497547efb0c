"""Tests for ``qualcode search`` and ``qualcode words``, and for coding search hits in a project."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import qualcode as qc
from qualcode import schema
from qualcode.cli import main
from qualcode.project import Project
from tests._projectdata import copy_project, template
from tests._readonly import read_only
from tests.conftest import SAMPLE_TXT


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return qc.read_transcript(SAMPLE_TXT)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return template(tmp_path_factory)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_search_cli_prints_keyword_in_context_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["search", "pertahankan", str(SAMPLE_TXT), "--context", "4"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "4 hits for 'pertahankan' in 3 turns of 3 interviews:"
    assert lines[1] == "magnus_interviews/Narasumber 1"
    shown = "P #5 dilakukan oleh AE untuk [mempertahankan] hubungan dengan klien"
    assert lines[2].split() == shown.split(" ")
    assert out.count("[mempertahankan]") == 4


def test_search_cli_writes_every_hit(
    tmp_path: Path, turns: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv = tmp_path / "hits.csv"
    args = ["search", "klien | client", str(SAMPLE_TXT), "--limit", "3", "--out", str(out_csv)]
    code, out, err = run(args, capsys)
    assert code == 0, err
    expected = qc.search(turns, "klien | client")
    assert "... and" in out and out.count("[") == 3
    assert f"Wrote {len(expected)} hits to {out_csv}" in out
    written = pd.read_csv(out_csv)
    assert written[schema.SPAN_START].tolist() == expected[schema.SPAN_START].tolist()
    assert written["matched"].tolist() == expected["matched"].tolist()
    xlsx = tmp_path / "hits.xlsx"
    assert main(["search", "=klien", str(SAMPLE_TXT), "--out", str(xlsx)]) == 0
    again = qc.read_table(xlsx)
    assert set(again["matched"].str.lower()) == {"klien", "kliennya"}


def test_search_cli_reads_a_turns_table_and_filters(
    tmp_path: Path, turns: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "turns.csv"
    qc.write_table(turns, table)
    out_csv = tmp_path / "hits.csv"
    args = ["search", "client", str(table), "--role", "participant", "--speaker", "N2"]
    code, _, err = run([*args, "--out", str(out_csv)], capsys)
    assert code == 0, err
    written = pd.read_csv(out_csv)
    assert set(written[schema.SPEAKER]) == {"N2"}
    assert len(written) == len(qc.search(turns, "client", speaker="N2"))


def test_search_cli_on_a_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, by_path, err = run(["search", "pertahankan", str(project)], capsys)
    assert code == 0, err
    code, by_option, err = run(["search", "pertahankan", "--project", str(project)], capsys)
    assert code == 0, err
    assert by_path == by_option
    assert "4 hits for 'pertahankan'" in by_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "yang", str(SAMPLE_TXT)], "has only stop words"),
        (["search", "", str(SAMPLE_TXT)], "empty search query"),
        (["search", "klien"], "give transcript files, folders, a turns table or a project"),
        (["search", "klien", "missing.txt"], "missing.txt: file not found"),
        (["search", "klien", str(SAMPLE_TXT), "--role", "boss"], "unknown role 'boss'"),
        (["search", "klien", str(SAMPLE_TXT), "--context", "-2"], "context must be a number"),
        (["search", "klien", str(SAMPLE_TXT), "--lang", "xx"], "unknown language 'xx'"),
        (["search", "klien", str(SAMPLE_TXT), "--out", "hits.docx"], "unknown table type"),
        (["search", "klien", str(SAMPLE_TXT), "--limit", "-1"], "--limit must be 0 (all) or more"),
        (["search", "klien", str(SAMPLE_TXT), "--project", "p.qualcode"], "not both"),
        (["words", str(SAMPLE_TXT), "--by", "coder"], "by must be one of interview, speaker"),
        (["words", str(SAMPLE_TXT), "--top", "0"], "top must be a positive number"),
    ],
)
def test_search_cli_bad_input_exits_1_with_an_error_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(args, capsys)
    assert code == 1
    assert err.startswith("Error: ") and message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_words_cli_prints_and_writes_frequencies(
    tmp_path: Path, turns: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv = tmp_path / "words.csv"
    args = ["words", str(SAMPLE_TXT), "--by", "role", "--top", "5", "--out", str(out_csv)]
    code, out, err = run(args, capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("interviewer: ") and "the 5 most frequent" in lines[0]
    assert lines[1].split()[:2] == ["client", "48"]
    written = pd.read_csv(out_csv)
    expected = qc.word_frequencies(turns, by="role", top=5)
    assert written["word"].tolist() == expected["word"].tolist()
    assert written["count"].tolist() == expected["count"].tolist()


def test_words_cli_options(
    tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv = tmp_path / "words.csv"
    args = ["words", "--project", str(project), "--by", "all", "--lemmas", "--keep-stop-words"]
    code, _, err = run([*args, "--stop-word", "client", "--out", str(out_csv)], capsys)
    assert code == 0, err
    words = pd.read_csv(out_csv)
    assert set(words["group"]) == {"all"}
    assert "yang" in set(words["word"]) and "client" not in set(words["word"])
    assert "kliennya" not in set(words["word"])


def test_search_hits_coded_at_once_in_a_project(tmp_path: Path, project: Path) -> None:
    path = tmp_path / "study.qualcode"
    path.write_bytes(project.read_bytes())
    with Project.open(path) as p:
        turns = p.turns()
        hits = qc.search(turns, "pertahankan | trust")
        codings = hits[[schema.TURN_ID, schema.SPAN_START, schema.SPAN_END]].assign(
            code="retain", coder="ana"
        )
        assert p.add_codings(codings, who="ana") == len(hits)
        stored = p.codings(coder="ana")
    text = turns.set_index(schema.TURN_ID)[schema.TEXT]
    got = sorted(
        text[r.turn_id][r.span_start : r.span_end].lower() for r in stored.itertuples(index=False)
    )
    assert got == sorted(hits["matched"].str.lower())


@pytest.mark.parametrize("what", ["file", "folder"])
def test_search_and_words_read_a_project_they_cannot_write(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    what: str,
) -> None:
    (tmp_path / "shared").mkdir()
    path = copy_project(tmp_path / "shared", tmp_path_factory)
    out = tmp_path / "out"
    out.mkdir()
    with read_only(path if what == "file" else path.parent):
        code, printed, err = run(["search", "pertahankan", str(path)], capsys)
        assert code == 0, err
        assert "4 hits for 'pertahankan'" in printed
        code, _, err = run(["words", "--project", str(path), "--out", str(out / "w.csv")], capsys)
        assert code == 0, err
    assert (out / "w.csv").is_file()
    if what == "folder":  # nothing written beside the project
        assert sorted(f.name for f in path.parent.iterdir()) == sorted([path.name, SAMPLE_TXT.name])
