"""The report's charts drawn in a second process: the same files, and complete whatever it does."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from qualcode import read_codebook, read_transcripts
from qualcode.coding.job import code_turns
from qualcode.exchange import charts, write_outputs
from tests.conftest import CODEBOOK, SAMPLE_TXT

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="the chart process is used on Linux with two cores or more",
)


@pytest.fixture(scope="module")
def coded() -> tuple:
    turns = read_transcripts([SAMPLE_TXT])
    book = read_codebook(CODEBOOK)
    return turns, code_turns(turns, codebook=book), book


def _record_pids(monkeypatch: pytest.MonkeyPatch, log: Path, child: object = None) -> None:
    """Make every chart drawn append "name pid" to ``log``; in a child, call ``child`` first."""
    parent = os.getpid()
    real = charts.Chart.draw

    def draw(self: charts.Chart, out_dir: Path | None, formats: object) -> charts.DrawnChart:
        if os.getpid() != parent and callable(child):
            child()
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{self.name} {os.getpid()}\n")
        return real(self, out_dir, formats)  # type: ignore[arg-type]

    monkeypatch.setattr(charts.Chart, "draw", draw)
    # pytest may run threads of its own (a fork is refused then): this test's fork is safe
    monkeypatch.setattr(charts, "_can_fork", lambda: True)


def _drawn_by(log: Path) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        name, pid = line.split()
        out.setdefault(name, []).append(int(pid))
    return out


def _files(folder: Path) -> dict[str, bytes]:
    """The report's files, with the images of the appendix instead of the Word and Excel files
    (they hold the time of writing)."""
    got = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix not in (".docx", ".xlsx")
    }
    with zipfile.ZipFile(folder / "appendix.docx") as z:
        for name in z.namelist():
            if name.startswith("word/media/"):
                got[f"appendix.docx:{name}"] = z.read(name)
    return got


@pytest.fixture(scope="module")
def drawn_here(coded: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The report written with every chart drawn in this process."""
    out = tmp_path_factory.mktemp("here")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(charts, "PARALLEL", False)
        assert charts.ChartProcess.start() is None
        write_outputs(*coded, out)
    return _files(out)


def test_charts_drawn_in_a_second_process_give_the_same_report(
    coded: tuple, drawn_here: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_pids(monkeypatch, tmp_path / "pids.log")
    written = write_outputs(*coded, tmp_path / "out")
    by = _drawn_by(tmp_path / "pids.log")
    assert by["theme_frequencies"] == [os.getpid()]  # here: the appendix needs it first
    others = {pid for name in ("code_by_interview", "cooccurrence") for pid in by[name]}
    assert len(others) == 1 and os.getpid() not in others  # one other process drew the rest
    assert _files(tmp_path / "out") == drawn_here
    assert {"chart:cooccurrence.png", "chart:code_by_interview.svg", "html", "docx"} <= set(written)
    assert list(written)[-2:] == ["html", "docx"]


@pytest.mark.parametrize(
    ("child", "says"),
    [
        (lambda: 1 / 0, "the chart process failed (ZeroDivisionError"),
        (lambda: os._exit(3), "the chart process ended"),
    ],
    ids=["raises", "dies"],
)
def test_a_failing_chart_process_leaves_the_report_complete(
    coded: tuple,
    drawn_here: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    child: object,
    says: str,
) -> None:
    _record_pids(monkeypatch, tmp_path / "pids.log", child=child)
    with caplog.at_level(logging.WARNING, logger=charts.__name__):
        write_outputs(*coded, tmp_path / "out")
    assert says in caplog.text and "drawing its charts here" in caplog.text
    assert set(_drawn_by(tmp_path / "pids.log")) == {
        "theme_frequencies",
        "code_by_interview",
        "cooccurrence",
    }
    assert _files(tmp_path / "out") == drawn_here


def test_a_hung_chart_process_is_ended_and_its_charts_drawn_here(
    coded: tuple,
    drawn_here: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _record_pids(monkeypatch, tmp_path / "pids.log", child=lambda: time.sleep(120))
    monkeypatch.setattr(charts, "TIMEOUT", 1.0)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=charts.__name__):
        write_outputs(*coded, tmp_path / "out")
    assert time.monotonic() - started < 60
    assert "the chart process took too long" in caplog.text
    assert _files(tmp_path / "out") == drawn_here
    children = subprocess.run(
        ["ps", "--ppid", str(os.getpid()), "-o", "pid=,comm="],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "qualcode-charts" not in children  # ended, not left behind


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert charts.ChartProcess.start() is None
    finally:
        stop.set()
        thread.join()


def test_the_command_line_uses_the_chart_process_with_its_progress_bars() -> None:
    # a fresh qualcode process has no thread that would stop the fork, even with a progress
    # bar open (tqdm's monitor thread is off)
    code = (
        "import qualcode.cli, qualcode.exchange.charts as c\n"
        "from qualcode.progress import progress_bar\n"
        "with progress_bar(total=2, desc='writing report') as bar:\n"
        "    bar.update(1)\n"
        "    print(bar.active, c._can_fork())\n"
    )
    env = dict(os.environ, QUALCODE_PROGRESS="1")
    got = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert got.split() == ["True", "True"]
