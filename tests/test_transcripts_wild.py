"""Transcripts from the wild (issue 13): every export and archive layout in tests/fixtures.

Each fixture is written in the shape the tool or archive writes it (Word's Transcribe export,
Zoom's and Teams' text transcripts, WhisperX Markdown, oral histories saved as HTML or tables,
spoken corpora); the expected turns were read off the fixture by hand.
"""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import TranscriptParseError, parse_transcript, read_transcript, read_transcripts
from qualcode.schema import END, INTERVIEW, LINE, SPEAKER, START, TEXT
from qualcode.transcripts import fast
from qualcode.transcripts.api import read_transcripts_with_report
from qualcode.transcripts.detect import detect_format
from tests.conftest import SAMPLE_DOCX, SAMPLE_TXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def st_(turns: pd.DataFrame) -> list[tuple[str, str]]:
    return [(str(s), str(t)) for s, t in zip(turns[SPEAKER], turns[TEXT], strict=True)]


def col(turns: pd.DataFrame, name: str) -> list[object]:
    return [None if pd.isna(v) else v for v in turns[name]]


def test_word_transcribe_docx_main_part_from_relationships() -> None:
    path = FIX / "word_transcribe.docx"
    turns = read_transcript(path)
    assert st_(turns) == [
        ("Speaker 1", "Okay, we are recording. Thanks for doing this."),
        ("Speaker 2", "No problem, happy to help."),
        ("Speaker 1", "Let's start with your team. How many people report to you?"),
        (
            "Speaker 2",
            "Six at the moment. Two of them joined last month. We are still hiring a designer.",
        ),
        ("Speaker 1", "And how do you split the clients between them?"),
        ("Speaker 2", "By industry, mostly. Banking, retail and the rest."),
    ]
    assert col(turns, START) == [3.0, 7.0, 10.0, 16.0, 31.0, 36.0]
    # the "Audio file / name / Transcript" header is neither a turn nor an interview name
    assert set(turns[INTERVIEW]) == {"word_transcribe"}
    assert list(turns[LINE])[:2] == [6, 9]


def test_word_package_without_document_xml_is_detected_by_content(tmp_path: Path) -> None:
    odd = tmp_path / "export.transcript"
    odd.write_bytes((FIX / "word_transcribe.docx").read_bytes())
    assert detect_format(odd) == "docx"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "multiparagraph.srt",
            [
                (
                    "Interviewer",
                    "Thank you for taking the time. Could you start by describing your role?",
                ),
                (
                    "Participant",
                    "Sure. I lead the account team for two retail clients. Most of my day is spent "
                    "on calls with them, checking the campaign numbers. The rest is internal "
                    "coordination with the creative team.",
                ),
                ("Interviewer", "How often do you meet the clients in person?"),
                ("Participant", "Once a month at most. 2020 changed that for good."),
            ],
        ),
        (
            "multiparagraph.vtt",
            [
                ("Interviewer", "What does a normal week look like for you?"),
                (
                    "Participant",
                    "Monday is planning. Tuesday to Thursday are client calls, and Friday is for "
                    "reports. I try to keep Friday afternoons free.",
                ),
                ("Interviewer", "And when a client is unhappy?"),
                ("Participant", "I call them the same day. Never an email first."),
            ],
        ),
    ],
)
def test_captions_blank_lines_inside_a_cue_are_paragraphs(name: str, expected) -> None:
    turns = read_transcript(FIX / name)
    assert st_(turns) == expected
    assert len(turns) == 4


def test_captions_blank_line_before_next_cue_still_ends_the_cue() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nA: one\n\n\n2\n00:00:03,000 --> 00:00:04,000\nB: two\n"
    )
    turns = parse_transcript(text, format="srt")
    assert st_(turns) == [("A", "one"), ("B", "two")]
    assert col(turns, END) == [2.0, 4.0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bracket_ids.txt",
            [
                (
                    "id1",
                    "hello, thanks for agreeing to talk with me today. can you tell me how you "
                    "started?",
                ),
                ("id2", "i started as an intern in 2018 and stayed on after graduating."),
                ("id1", "and what do you do now?"),
                ("id2", "now i manage three accounts, mostly in banking."),
            ],
        ),
        (
            "bracket_participants.txt",
            [
                ("Interviewer", "Welcome, everyone. Let's go round the table first."),
                ("Participant 3", "I'm Dewi, I work in the finance team."),
                ("Participant 7", "I'm Arif, sales."),
                ("Interviewer", "What made you choose this agency?"),
                ("Participant 3", "Mostly their reporting. We get numbers every week."),
            ],
        ),
        (
            "diarised.txt",
            [
                (
                    "SPEAKER_00",
                    "So let's begin. Can you describe your first project with the client?",
                ),
                ("SPEAKER_01", "The first one was a product launch, back in March."),
                ("SPEAKER_00", "What went well?"),
                ("SPEAKER_01", "The timeline. We delivered two days early."),
            ],
        ),
        (
            "spoken_corpus.txt",
            [
                ("dg1985m", "so where did you grow up"),
                ("ks1990f", "in a small village near the coast"),
                ("dg1985m", "and you moved to the city when"),
                ("ks1990f", "when i was eighteen for university"),
                ("dg1985m", "right"),
            ],
        ),
    ],
)
def test_text_label_shapes_from_the_wild(name: str, expected) -> None:
    turns = read_transcript(FIX / name)
    assert st_(turns) == expected
    assert turns[INTERVIEW].nunique() == 1  # comment lines are not interview headings


def test_bracket_annotations_are_still_not_speakers() -> None:
    turns = parse_transcript("[id1] hello there\n[laughter] yes\n[id2] hi\n")
    assert st_(turns) == [("id1", "hello there [laughter] yes"), ("id2", "hi")]


def test_whisperx_markdown_time_inside_bold_label() -> None:
    turns = read_transcript(FIX / "whisperx.md")
    assert list(turns[SPEAKER]) == [
        "SPEAKER_04",
        "SPEAKER_01",
        "SPEAKER_04",
        "SPEAKER_01",
        "SPEAKER_04",
    ]
    assert col(turns, START) == [4.0, 9.0, 15.0, 19.0, 62.0]
    assert (
        turns[TEXT].iloc[0]
        == "Okay, it's recording now. So first, how long have you been at the company?"
    )


def test_speaker_headings_with_speech_below_merge_runs() -> None:
    turns = read_transcript(FIX / "speaker_headings.md")
    assert st_(turns) == [
        ("Interviewer", "Thank you for joining. Could you introduce yourself?"),
        (
            "Participant",
            "Sure. I'm a senior account executive and I've been here for three years. Before "
            "that I worked at a smaller agency in Bandung. Most of my clients are in "
            "fast-moving consumer goods.",
        ),
        ("Interviewer", "How do you keep those clients?"),
        ("Participant", "By answering quickly. Clients forgive mistakes, not silence."),
    ]
    assert list(turns[LINE]) == [3, 7, 17, 21]
    assert set(turns[INTERVIEW]) == {"speaker_headings/Interview with a senior account executive"}


def test_interview_headings_followed_by_turns_stay_headings() -> None:
    text = "# Interview 1\n\nP: Halo?\nN1: Iya.\n\n# Interview 2\n\nP: Lagi?\nN2: Ya.\n"
    turns = parse_transcript(text)
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["string/Interview 1", "string/Interview 2"]


def test_chat_main_tiers_and_headers() -> None:
    text = textwrap.dedent(
        """\
        @UTF8
        @Begin
        @Languages:\teng
        @Participants:\tINV Investigator, PAR Participant
        *INV:\twhere did you work before ?
        %mor:\tpro|where v|do pro|you v|work adv|before ?
        *PAR:\tat the harbour office .
        @End
        """
    )
    assert st_(parse_transcript(text)) == [
        ("INV", "where did you work before ?"),
        ("PAR", "at the harbour office ."),
    ]


def test_html_oral_history_saved_from_word() -> None:
    turns = read_transcript(FIX / "senate_oral_history.htm")
    assert st_(turns) == [
        ("Ritchie", "I thought we might begin with your background. Where were you born?"),
        (
            "MSM",
            "I was born in Butte, Montana, in 1931. My father worked in the mines. We moved to "
            "Missoula when I was ten.",
        ),
        ("Ritchie", "What brought you to Washington?"),
        (
            "MSM",
            "A job offer I couldn\u2019t refuse \u2014 the senator called my dean & asked for "
            '"someone who can write." [End of Interview #1]',
        ),
    ]
    assert list(turns[LINE]) == [35, 38, 42, 44]
    text = " ".join(turns[TEXT])
    assert "mso" not in text and "Senate Historical Office" not in text  # head and XML skipped


def test_html_plain_paragraphs_and_br() -> None:
    turns = read_transcript(FIX / "plain_oral_history.html")
    assert list(turns[SPEAKER]) == ["KELLY", "FAHEY", "KELLY", "FAHEY", "KELLY"]
    assert turns[TEXT].iloc[1] == (
        "In September of 1946. I had forty-two children in my first class. Forty-two! And no "
        "aide, of course."
    )
    assert set(turns[INTERVIEW]) == {
        "plain_oral_history/Interview with Dorothy Fahey, conducted by Mark Kelly"
    }


def test_html_folder_and_doc_saved_as_web_page(tmp_path: Path) -> None:
    (tmp_path / "a.htm").write_bytes((FIX / "senate_oral_history.htm").read_bytes())
    (tmp_path / "b.doc").write_bytes((FIX / "plain_oral_history.html").read_bytes())
    assert detect_format(tmp_path / "b.doc") == "html"
    turns = read_transcripts([tmp_path, tmp_path / "b.doc"])
    assert list(dict.fromkeys(turns["source"])) == ["a.htm", "b.doc"]


def test_html_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    with pytest.raises(TranscriptParseError, match=r"empty.html: the HTML page holds no text"):
        read_transcript(path)


def test_oral_history_tsv_words_column_colon_speakers_stage_notes() -> None:
    turns = read_transcript(FIX / "oral_history.tsv")
    assert st_(turns) == [
        (
            "LG",
            "This is Linda Green, interviewing Mr. Samuel Ortiz on March 3rd, 1998, at his home.",
        ),
        ("SO", "Glad to have you."),
        ("LG", "Could you tell me where you were born?"),
        ("SO", "I was born in Laredo, in 1921. My father worked for the railroad there."),
        ("LG", "And your mother?"),
        ("SO", "She kept the house and sold tamales on Saturdays."),
    ]
    assert list(turns[LINE]) == [3, 4, 5, 6, 9, 10]


def test_oral_history_csv_utterance_column_and_same_speaker_rows() -> None:
    turns = read_transcript(FIX / "oral_history.csv")
    assert st_(turns) == [
        ("INTERVIEWER", "When did you first come to the valley?"),
        ("NARRATOR", "In 1952. We came up from Fresno. The whole family in one truck."),
        ("INTERVIEWER", "What work did you find?"),
        ("NARRATOR", "Picking peaches at first. Later I drove a truck for the cannery."),
    ]
    kept = read_transcript(FIX / "oral_history.csv", keep_paragraphs=True)
    assert list(kept[SPEAKER])[-2:] == ["NARRATOR", "NARRATOR"]


def test_zoom_block_transcript_merges_runs_keeping_first_line_and_time() -> None:
    turns = read_transcript(FIX / "zoom_transcript.txt")
    assert st_(turns) == [
        ("Maria Lopez", "Hi, thanks for joining. Can you hear me?"),
        ("Tom Becker", "Yes, loud and clear."),
        (
            "Maria Lopez",
            "Great. So I'd like to start with your background. How did you end up working "
            "in marketing?",
        ),
        (
            "Tom Becker",
            "Honestly by accident. I studied biology. Then a friend needed help with a campaign "
            "and I never left.",
        ),
    ]
    assert list(turns[LINE]) == [1, 4, 7, 13]
    assert col(turns, START) == [2.0, 5.0, 8.0, 17.0]


def test_teams_old_txt_timing_blocks_without_blank_lines() -> None:
    turns = read_transcript(FIX / "teams_old.txt")
    assert st_(turns) == [
        (
            "Anna Schmidt",
            "Good morning, thanks for making the time. I would like to ask about your onboarding.",
        ),
        ("Ben Carter", "Sure, it was fairly quick. Two weeks of shadowing, then my own clients."),
        ("Anna Schmidt", "Was that enough?"),
    ]
    assert col(turns, START) == [0.0, 9.41, 21.53]
    assert col(turns, END) == [9.41, 21.53, 24.1]
    assert list(turns[LINE]) == [2, 8, 14]


def test_paragraphs_that_repeat_the_label_are_one_turn() -> None:
    turns = read_transcript(FIX / "repeated_labels.txt")
    assert list(turns[SPEAKER]) == ["Interviewer", "Interviewee", "Interviewer", "Interviewee"]
    assert turns[TEXT].iloc[1].startswith("It usually starts with a brief from the client. Then we")
    assert turns[TEXT].iloc[1].endswith("wrap-up meeting with the numbers.")
    assert list(turns[LINE]) == [1, 3, 13, 15]


@pytest.mark.parametrize(
    ("name", "merged", "kept"),
    [
        ("repeated_labels.txt", 4, 8),
        ("zoom_transcript.txt", 4, 6),
        ("teams_old.txt", 3, 5),
        ("speaker_headings.md", 4, 5),
        ("word_transcribe.docx", 6, 7),
        ("zoom.vtt", 4, 6),
    ],
)
def test_keep_paragraphs_keeps_each_block(name: str, merged: int, kept: int) -> None:
    assert len(read_transcript(FIX / name)) == merged
    assert len(read_transcript(FIX / name, keep_paragraphs=True)) == kept


def test_one_utterance_per_line_files_keep_repeated_labels_apart() -> None:
    # the thesis writes 'P\t: ...' twice in a row; SwDA-like files repeat labels line by line
    sample = read_transcript(SAMPLE_TXT)
    assert len(sample) == 173
    assert len(read_transcript(SAMPLE_DOCX)) == 173
    assert st_(parse_transcript("A: one\nA: two\nB: three\n\nB: four\n")) == [
        ("A", "one"),
        ("A", "two"),
        ("B", "three"),
        ("B", "four"),
    ]


def test_legacy_doc_refused_with_how_to_convert() -> None:
    path = FIX / "legacy_interview.doc"
    with pytest.raises(TranscriptParseError, match=r"soffice --headless --convert-to docx") as info:
        read_transcript(path)
    assert info.value.path == path


def test_report_names_format_layout_and_merging() -> None:
    files = [
        FIX / "zoom.vtt",
        FIX / "teams_old.txt",
        FIX / "oral_history.tsv",
        FIX / "diarised.txt",
    ]
    turns, report = read_transcripts_with_report(files)
    assert len(turns) == report["turns"].sum()
    rows = report.set_index("source")
    assert rows.loc["zoom.vtt", "layout"] == "Zoom WebVTT, 'Name: text' cues"
    assert (rows.loc["zoom.vtt", "blocks"], rows.loc["zoom.vtt", "turns"]) == (6, 4)
    assert "Teams .txt" in rows.loc["teams_old.txt", "layout"]
    assert "stage note" in rows.loc["oral_history.tsv", "layout"]
    assert rows.loc["diarised.txt", "layout"] == "text, 'Label: text' lines"
    assert list(rows["speakers"]) == [2, 2, 2, 2]


_PARA_LABELS = ["A", "B", "N1", "P"]  # strong labels: each counts even when seen once


@st.composite
def paragraph_transcripts(draw: st.DrawFn) -> str:
    """Label paragraphs separated by blank lines, speakers often repeating."""
    paras = []
    for _ in range(draw(st.integers(2, 12))):
        label = draw(st.sampled_from(_PARA_LABELS))
        words = draw(
            st.lists(st.sampled_from(["ok", "well.", "yes?", "a  b"]), min_size=1, max_size=3)
        )
        paras.append(f"{label}: {' '.join(words)}")
    return "\n\n".join(paras) + "\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(paragraph_transcripts())
def test_merging_same_on_fast_and_general_paths(monkeypatch, text: str) -> None:
    monkeypatch.setattr(fast, "CHUNK_CHARS", 16)  # runs cut across chunks
    from qualcode.transcripts.text import parse_text

    raw = parse_text(text)
    got = parse_transcript(text)
    assert list(got[SPEAKER]) == raw.speaker
    assert list(got[LINE]) == raw.line
    speakers = list(got[SPEAKER])
    assert all(a != b for a, b in itertools.pairwise(speakers))
    assert len(parse_transcript(text, keep_paragraphs=True)) == text.count(":")


def test_diarised_time_ranges_before_and_inside_bold_labels() -> None:
    text = (
        "[00:04 - 00:09] SPEAKER_04: hello\n"
        "[00:10 --> 00:12] SPEAKER_01: hi\n"
        "**[00:13 - 00:15] SPEAKER_04:** again\n"
    )
    turns = parse_transcript(text)
    assert st_(turns) == [("SPEAKER_04", "hello"), ("SPEAKER_01", "hi"), ("SPEAKER_04", "again")]
    assert col(turns, START) == [4.0, 10.0, 13.0]


def test_timing_blocks_with_srt_commas_in_a_txt() -> None:
    text = (
        "00:00:01,000 --> 00:00:02,500\nAnna Smith\nHello.\n\n"
        "00:00:03,000 --> 00:00:04,000\nBob Jones\nHi.\n"
    )
    turns = parse_transcript(text)
    assert st_(turns) == [("Anna Smith", "Hello."), ("Bob Jones", "Hi.")]
    assert col(turns, END) == [2.5, 4.0]


def test_html_preformatted_transcript() -> None:
    page = (
        "<html><body><pre>\nQ: Born where?\nA: In Ohio,\n   near Dayton.\n\n"
        "Q: When?\nA: 1950.\n</pre></body></html>"
    )
    turns = parse_transcript(page, format="html")
    assert st_(turns) == [
        ("Q", "Born where?"),
        ("A", "In Ohio, near Dayton."),
        ("Q", "When?"),
        ("A", "1950."),
    ]
    assert list(turns[LINE]) == [2, 3, 6, 7]


def test_table_intro_rows_timecodes_and_role_column(tmp_path: Path) -> None:
    path = tmp_path / "oral.csv"
    path.write_text(
        "Timecode,Speaker,Transcript\n"
        ",,This interview was recorded for the county archive.\n"
        "[00:00:05],INT:,Where did you grow up?\n"
        "00:00:09:12,RESP:,On a farm.\n",
        encoding="utf-8",
    )
    turns = read_transcript(path)
    assert st_(turns) == [("INT", "Where did you grow up?"), ("RESP", "On a farm.")]
    assert col(turns, START) == [5.0, 9.0]
    assert list(turns[LINE]) == [3, 4]


def test_word_paragraphs_that_repeat_the_label_are_one_turn(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    for par in [
        "Interviewer: Okay.",
        "Interviewee: It starts with a brief.",  # short paragraphs: no blank line is kept
        "Interviewee: Then kick-off.",
        "Interviewee: Then a timeline.",
        "Interviewer: Longest step?",
        "Interviewee: Approval.",
    ]:
        doc.add_paragraph(par)
    path = tmp_path / "rep.docx"
    doc.save(str(path))
    turns = read_transcript(path)
    assert st_(turns)[1] == (
        "Interviewee",
        "It starts with a brief. Then kick-off. Then a timeline.",
    )
    assert list(turns[LINE]) == [1, 2, 5, 6]
    assert len(read_transcript(path, keep_paragraphs=True)) == 6


@st.composite
def mixed_layouts(draw: st.DrawFn) -> str:
    """Label lines with 0-2 blank lines or a heading between them."""
    out = []
    for _ in range(draw(st.integers(1, 16))):
        gap = draw(st.sampled_from(["", "", "\n", "\n\n", "\n# Part\n\n", "\n   \n"]))
        label = draw(st.sampled_from(_PARA_LABELS))
        out.append(f"{gap}{label}: {draw(st.sampled_from(['ok', 'yes  no', 'well?']))}")
    return "\n".join(out) + "\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mixed_layouts(), st.sampled_from([16, 64, 1 << 18]))
def test_fast_path_merges_as_the_general_reader(monkeypatch, text: str, chunk: int) -> None:
    from qualcode.transcripts.text import parse_text

    monkeypatch.setattr(fast, "CHUNK_CHARS", chunk)
    raw = parse_text(text)
    got = parse_transcript(text)
    assert list(got[SPEAKER]) == raw.speaker
    assert list(got[LINE]) == raw.line
    assert list(got[TEXT]) == [" ".join(t.split()) for t in raw.text]
    assert list(got[INTERVIEW]) == ["string" if h is None else f"string/{h}" for h in raw.heading]
