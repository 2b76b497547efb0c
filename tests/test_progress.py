"""Tests for qualcode.progress: when bars show, and that the long operations use them."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from _reportdata import make_codebook, make_codings, make_turns

from qualcode import progress as prog
from qualcode.cli import main
from qualcode.coding import rules
from qualcode.coding.rules import KeywordCoder
from tests._codingdata import make_data
from tests.test_evaluation import CODEBOOK as CV_CODEBOOK


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _automatic(monkeypatch):
    """Every test starts from the automatic policy, whatever the environment says."""
    monkeypatch.delenv(prog.ENV, raising=False)
    with prog.show_progress(None):
        yield


def _bar_text(n: int = 3) -> None:
    assert list(prog.progress(range(n), desc="counting", unit="thing")) == list(range(n))


def test_progress_off_when_stderr_is_not_a_terminal(capsys):
    assert not prog.progress_enabled()
    _bar_text()
    assert capsys.readouterr().err == ""


def test_progress_on_when_stderr_is_a_terminal(monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert prog.progress_enabled()
    _bar_text()
    assert "counting" in fake.getvalue() and "/3" in fake.getvalue()


def test_progress_forced_on_and_restored(capsys):
    with prog.show_progress(True):
        assert prog.progress_enabled()
        _bar_text()
    assert not prog.progress_enabled()
    err = capsys.readouterr().err
    assert "counting" in err and "/3" in err


def test_progress_forced_off_on_a_terminal(monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    with prog.show_progress(False):
        _bar_text()
    assert fake.getvalue() == ""


@pytest.mark.parametrize(("value", "on"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_progress_environment_variable(monkeypatch, value, on):
    monkeypatch.setenv(prog.ENV, value)
    assert prog.progress_enabled() is on


def test_progress_bar_by_hand(capsys):
    with prog.progress_bar(total=2, desc="steps") as bar:
        assert not bar.active
        bar.update(2)
    with prog.show_progress(True), prog.progress_bar(total=2, desc="steps") as bar:
        assert bar.active
        bar.update(2)
    assert "steps" in capsys.readouterr().err


def _parse_args(tmp_path):
    for k in range(3):
        (tmp_path / f"i{k}.txt").write_text(f"Q: Why {k}?\nA: Because.\n", encoding="utf-8")
    return ["parse", str(tmp_path), "--out", str(tmp_path / "out" / "turns.csv")]


def test_cli_quiet_silences_progress(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(prog.ENV, "1")  # would show
    assert main(_parse_args(tmp_path)) == 0
    assert "reading transcripts" in capsys.readouterr().err
    assert main(["--quiet", *_parse_args(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "3 file(s)" in captured.out  # the result line is not progress: it stays


def test_cli_quiet_on_a_terminal(tmp_path, monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["-q", *_parse_args(tmp_path)]) == 0
    assert fake.getvalue() == ""
    assert main(_parse_args(tmp_path)) == 0
    assert "reading transcripts" in fake.getvalue()


def test_keyword_coding_in_chunks_gives_the_same_codings(monkeypatch, capsys):
    turns, book = make_turns(), make_codebook()
    whole = KeywordCoder(book).code(turns)
    monkeypatch.setattr(rules, "PROGRESS_CHUNK", 2)
    with prog.show_progress(True):
        chunked = KeywordCoder(book).code(turns)
    pd.testing.assert_frame_equal(whole, chunked)
    assert "keyword coding" in capsys.readouterr().err


def test_evaluate_and_training_show_progress(capsys):
    from qualcode.evaluation import evaluate

    turns, codings = make_data(4, numbered=True)
    with prog.show_progress(True):
        evaluate(turns, codings, codebook=CV_CODEBOOK, folds=2, n_boot=0)
    err = capsys.readouterr().err
    assert "cross-validation" in err and "training" in err
    evaluate(turns, codings, codebook=CV_CODEBOOK, folds=2, n_boot=0)
    assert capsys.readouterr().err == ""  # not a terminal: nothing


def test_write_report_shows_progress(tmp_path, capsys):
    from qualcode.exchange.report import write_report

    with prog.show_progress(True):
        write_report(
            make_turns(), make_codings(), make_codebook(), tmp_path, chart_formats=("svg",)
        )
    assert "writing report" in capsys.readouterr().err


def test_importing_qualcode_does_not_import_tqdm():
    code = (
        "import sys, qualcode, qualcode.progress, qualcode.exchange.report; "
        "assert not [m for m in sys.modules if m.startswith('tqdm')], 'tqdm imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("kernel", [False, True])
def test_text_bars_nest_on_a_terminal_but_not_in_a_kernel(monkeypatch, kernel):
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(prog, "_in_kernel", lambda: kernel)
    monkeypatch.setattr(prog, "_has_widgets", lambda: False)
    with prog.show_progress(True):
        for _ in prog.progress(range(2), desc="outer", unit="fold"):
            with prog.progress_bar(total=2, desc="inner", unit="code") as inner:
                assert inner.active is not kernel
                inner.update(2)
        assert prog._open[0] == 0
        with prog.progress_bar(total=1, desc="after", unit="it") as after:
            assert after.active  # the outer bar closed: a new one shows again
    text = stream.getvalue()
    assert "outer" in text and "after" in text
    assert ("inner" in text) is not kernel and ("\x1b[A" in text) is not kernel
