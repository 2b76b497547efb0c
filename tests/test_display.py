"""Tests for qualcode.display and qualcode.summaries: HTML escaped, text readable, figures right."""

from __future__ import annotations

import html.parser
import warnings

import numpy as np
import pandas as pd
import pytest
from _reportdata import make_codebook, make_codings, make_turns
from conftest import CODEBOOK, SAMPLE_TXT

import qualcode as qc
from qualcode import display
from qualcode.errors import UndefinedStatisticWarning
from qualcode.summaries import kappa_strength

EVIL = '<script>alert("x")</script> & "quotes"'


class _Parser(html.parser.HTMLParser):
    """Collects the tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Parser:
    p = _Parser()
    p.feed(fragment)
    return p


# --- helpers -----------------------------------------------------------------------------
def test_escape_and_format_value():
    assert display.escape(EVIL) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;"
    )
    assert display.escape(None) == display.escape(float("nan")) == display.escape(pd.NA) == ""
    assert display.format_value(0.71234) == "0.712"
    assert display.format_value(0.25, percent=True) == "25.0%"
    assert display.format_value(np.nan) == "–"
    assert display.format_value(np.float32(0.5)) == "0.500"
    assert display.format_value(np.int64(3)) == "3"
    assert display.format_value("x" * 500).endswith("…")
    assert len(display.format_value("x" * 500)) == display.MAX_CELL


def test_html_table_escapes_every_cell_and_header():
    df = pd.DataFrame({EVIL: [EVIL, "ok"], "n": [1, 2]})
    out = display.html_table(df, caption=EVIL)
    parsed = _parse(out)
    assert "script" not in parsed.tags
    assert parsed.tags.count("tr") == 3 and parsed.tags.count("td") == 4
    assert EVIL in "".join(parsed.text)  # the text survives, as text
    assert '<td class="num">1</td>' in out


def test_html_table_cuts_long_tables_and_shows_percentages():
    df = pd.DataFrame({"share": np.linspace(0, 1, 30)})
    out = display.html_table(df, max_rows=5, percent=["share"])
    assert out.count("<tr>") == 6 and "… 25 more rows" in out and "100.0%" not in out
    assert "0.0%" in out


def test_text_table_aligns_columns_and_cuts_cells():
    df = pd.DataFrame({"code": ["a", "bbbb"], "kappa": [0.5, np.nan], "text": ["y" * 100, "z"]})
    lines = display.text_table(df, caption="Per code", width=20).splitlines()
    assert lines[0] == "Per code"
    assert lines[1].split() == ["code", "kappa", "text"]
    assert lines[2].startswith("a     ") and "0.500" in lines[2] and lines[2].endswith("…")
    assert "–" in lines[3]
    assert len({line.index("kappa") for line in lines[1:2]}) == 1


def test_html_section_escapes_title_and_note_not_fragments():
    table = display.html_table(pd.DataFrame({"a": [1]}))
    out = display.html_section(EVIL, table, note=EVIL, level=2)
    assert out.count("<table>") == 1 and "<h2>&lt;script" in out and "<script>" not in out


def test_summary_renders_html_and_text():
    s = display.Summary(
        title="T <b>",
        facts={"turns": 3, "kappa": 0.5},
        tables={"Per code": pd.DataFrame({"code": ["a"], "share": [0.5]})},
        notes=("note <i>",),
        percent=("share",),
    )
    out = s._repr_html_()
    assert "<b>" not in out and "<i>" not in out
    assert "T &lt;b&gt;" in out and "note &lt;i&gt;" in out and "50.0%" in out
    text = str(s)
    assert text.splitlines()[0] == "T <b>" and "turns : 3" in text and "50.0%" in text
    assert repr(s) == text


# --- codebook ----------------------------------------------------------------------------
def test_codebook_displays():
    book = qc.read_codebook(CODEBOOK)
    out = book._repr_html_()
    assert out.count("<tr>") == 1 + len(book.codes) + 1  # facts row, header, codes
    assert "Identify" in out and "Retain" in out
    text = str(book)
    assert f"{len(book.themes)} themes, {len(book.codes)} codes" in text.splitlines()[0]
    assert all(c.name in text for c in book.codes)
    assert repr(book).startswith("<Codebook ") and "7 codes" in repr(book)
    assert "\n" not in repr(book)


def test_codebook_html_is_escaped():
    evil = qc.Codebook(
        name=EVIL,
        themes=(qc.Theme(name="t", codes=(qc.Code(name="c", label=EVIL, theme="t"),)),),
    )
    assert "<script>" not in evil._repr_html_()


# --- summaries ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    return turns, book, qc.KeywordCoder(book).code(turns)


def test_summarize_turns_counts(sample):
    turns, _, _ = sample
    s = qc.summarize_turns(turns)
    assert s.n_turns == len(turns) and s.n_interviews == turns["interview"].nunique()
    assert s.n_participant_turns == int((turns["role"] == "participant").sum())
    assert s.table["turns"].sum() == len(turns)
    assert s.table["words"].sum() == s.n_words == sum(len(t.split()) for t in turns["text"])
    assert "participant_turns" in s.table.columns
    assert "Narasumber 1" in s._repr_html_() and "Narasumber 1" in str(s)


def test_summarize_codings_counts_per_code_and_coder(sample):
    turns, book, codings = sample
    s = qc.summarize_codings(codings, codebook=book)
    assert s.coders == ("rules",)
    assert list(s.table["code"]) == list(book.code_names)
    freq = qc.code_frequencies(turns, codings, book)
    assert s.table["rules"].tolist() == freq["turns"].tolist()
    assert s.n_turns_coded == codings["turn_id"].nunique()
    assert "Interaction" in s._repr_html_()


def _two_coders():
    codings = make_codings()
    return codings, make_turns(), make_codebook()


def test_summarize_agreement_matches_the_tables():
    codings, turns, book = _two_coders()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedStatisticWarning)
        s = qc.summarize_agreement(codings, turns=turns, codebook=book)
        table = qc.agreement_table(codings, turns=turns, codebook=book)
    pd.testing.assert_frame_equal(s.table, table)
    assert s.coders == ("rules", "rickxen")
    assert s.disagreements is not None and len(s.disagreements) > 0
    assert s.overall["kappa"] == table["kappa"].iloc[-1]
    out = s._repr_html_()
    assert "Disagreements" in out and "Cohen" in out
    text = str(s)
    assert "Krippendorff" in text and kappa_strength(s.overall["kappa"]) in text


def test_summarize_agreement_warns_as_agreement_table_does():
    codings, turns, book = _two_coders()
    with pytest.warns(UndefinedStatisticWarning):
        qc.summarize_agreement(codings, turns=turns, codebook=book)


@pytest.mark.parametrize(
    ("kappa", "name"),
    [
        (-0.1, "poor"),
        (0.1, "slight"),
        (0.3, "fair"),
        (0.5, "moderate"),
        (0.7, "substantial"),
        (0.9, "almost perfect"),
        (1.0, "almost perfect"),
        (np.nan, "undefined"),
    ],
)
def test_kappa_strength(kappa, name):
    assert kappa_strength(kappa) == name


def test_summarize_evaluation():
    from qualcode.evaluation import evaluate
    from tests._codingdata import make_data
    from tests.test_evaluation import CODEBOOK as CV_CODEBOOK

    turns, codings = make_data(4, numbered=True)
    scores = evaluate(turns, codings, codebook=CV_CODEBOOK, folds=2, n_boot=20)
    s = qc.summarize_evaluation(scores)
    assert s.method == "model" and s.n_folds == 2 and s.table is scores
    text = str(s)
    assert "kappa (micro)" in text and "F1 (macro)" in text and "folds" in text
    assert "<table>" in s._repr_html_()
    rules = qc.summarize_evaluation(
        evaluate(turns, codings, codebook=CV_CODEBOOK, method="rules", n_boot=0)
    )
    assert rules.method == "rules" and rules.n_folds == 0


# --- the project ---------------------------------------------------------------------------
def _evil_project(tmp_path):
    book = qc.Codebook.from_code_names(["retain", "acquire"], name=EVIL)
    project = qc.Project.create(tmp_path / "study.qualcode", book, who=EVIL)
    source = tmp_path / "a.txt"
    source.write_text("P: Bagaimana?\nN1: Kami menjaga klien.\nP: Lalu?\nN1: Pitching.\n")
    project.add_transcripts([source], who="ana")
    turns = project.turns()
    answers = turns.loc[turns["role"] == "participant", "turn_id"].tolist()
    project.add_codings(
        pd.DataFrame({"turn_id": answers, "code": ["retain", "acquire"], "coder": EVIL}),
        who=EVIL,
    )
    return project


def test_project_repr_stays_the_path(tmp_path):
    project = _evil_project(tmp_path)
    assert repr(project) == f"Project({str(project.path)!r})"


def test_project_html_shows_what_it_holds_escaped(tmp_path):
    project = _evil_project(tmp_path)
    out = project._repr_html_()
    assert "<script>" not in out and "&lt;script&gt;" in out
    parsed = _parse(out)
    assert "script" not in parsed.tags
    text = " ".join(t.strip() for t in parsed.text)
    assert "Project study.qualcode" in text
    assert "Codings by coder, origin and status" in text and "Latest changes (3 of 3)" in text
    assert EVIL in text  # shown as text, not as markup
    assert "keeps the machine's origin" in text  # the note that reads the codings table
    facts = project.summary().facts
    assert (facts["transcripts"], facts["interviews"], facts["turns"]) == (1, 1, 4)
    assert facts["codes"] == 2 and facts["codebook"] == EVIL
    codings = project.summary().tables["Codings by coder, origin and status"]
    assert codings.to_dict("records") == [
        {"coder": EVIL, "origin": "person", "status": "accepted", "codings": 2}
    ]


def test_project_text_lists_codings_and_latest_changes(tmp_path):
    project = _evil_project(tmp_path)
    for _ in range(4):
        project.add_memo("a note")
    project.undo()
    text = str(project)
    assert text.startswith("Project study.qualcode\n")
    assert "memos                : 3" in text
    assert "Latest changes (5 of 8)" in text  # init, add, codings, 4 memos, the undo
    lines = text.splitlines()
    start = lines.index("Latest changes (5 of 8)") + 1
    latest = lines[start : lines.index("", start)]
    assert latest[0].split()[:4] == ["batch", "at", "who", "action"] and "undone" in latest[0]
    assert [row.split()[0] for row in latest[1:]] == ["4", "5", "6", "7", "8"]
    assert latest[4].endswith("by batch 8") and " undo " in latest[5]  # the last memo undone


def test_project_without_codings_says_so(tmp_path):
    project = qc.Project.create(tmp_path / "s.qualcode", qc.Codebook.from_code_names(["a"]))
    summary = project.summary()
    assert list(summary.tables) == ["Latest changes (1 of 1)"]
    assert summary.notes and "No codings yet" in summary.notes[0]
