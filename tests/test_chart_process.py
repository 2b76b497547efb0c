"""The chart process: a report drawn by a second process is the report drawn here, and a chart
process that dies (kill -9) costs time, never a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode import read_codebook, read_transcript
from qualcode.coding.rules import KeywordCoder
from qualcode.exchange import write_outputs
from qualcode.exchange.chart_process import ENV_VAR, chart_process
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT

#: files whose bytes do not depend on the process that drew the charts (the .docx and .xlsx
#: zips carry their own timestamps)
SAME_BYTES = ("charts", "tables", "report.html")


@pytest.fixture(scope="module")
def coded() -> tuple:
    book = read_codebook(CODEBOOK)
    turns = read_transcript(SAMPLE_TXT)
    return turns, KeywordCoder(book).code(turns), book


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and str(p.relative_to(out)).startswith(SAME_BYTES)
    }


@pytest.fixture(scope="module")
def drawn_here(coded: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("here")
    write_outputs(*coded, out, lang="id")
    return _files(out)


def test_report_drawn_by_the_chart_process_is_the_same(
    coded: tuple, drawn_here: dict[str, bytes], tmp_path: Path
) -> None:
    with chart_process() as executor:
        assert executor is not None  # this machine has two cores
        paths = write_outputs(*coded, tmp_path, lang="id", executor=executor)
    assert paths["docx"].exists() and paths["html"].exists()
    assert sorted(k for k in paths if k.startswith("chart:")) == [
        f"chart:{name}.{fmt}"
        for name in ("code_by_interview", "cooccurrence", "theme_frequencies")
        for fmt in ("png", "svg")
    ]
    drawn = _files(tmp_path)
    assert drawn.keys() == drawn_here.keys()
    assert [k for k in drawn if drawn[k] != drawn_here[k]] == []


def test_killed_chart_process_leaves_a_whole_report(
    coded: tuple, drawn_here: dict[str, bytes], tmp_path: Path
) -> None:
    with chart_process() as executor:
        assert executor is not None
        assert executor._processes  # type: ignore[attr-defined]  # started at once
        for pid in list(executor._processes):  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        paths = write_outputs(*coded, tmp_path, lang="id", executor=executor)
    assert paths["docx"].exists()
    drawn = _files(tmp_path)
    assert drawn.keys() == drawn_here.keys()
    assert [k for k in drawn if drawn[k] != drawn_here[k]] == []


def test_no_chart_process_when_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "0")
    with chart_process() as executor:
        assert executor is None


def test_python_m_qualcode_runs_once_with_a_chart_process(tmp_path: Path) -> None:
    # the spawned chart process imports qualcode.__main__; it must not run the command again
    done = subprocess.run(
        [sys.executable, "-m", "qualcode", "code", str(SAMPLE_TXT), "--codebook", str(CODEBOOK),
         "--out", str(tmp_path), "--report"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg"),
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert done.stdout.count("Coded ") == 1
    assert (tmp_path / "appendix.docx").exists() and (tmp_path / "report.html").exists()
    assert len(list((tmp_path / "charts").iterdir())) == 6
