"""WebVTT and SRT captions: Zoom, Teams, YouTube and SRT shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import TranscriptParseError, parse_transcript, read_transcript
from qualcode.schema import END, LINE, ROLE, SPEAKER, START, TEXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def rows(turns, *cols):
    return [tuple(r) for r in turns[list(cols)].itertuples(index=False)]


def test_vtt_zoom_names_and_merged_cues() -> None:
    turns = read_transcript(FIX / "zoom.vtt")
    assert rows(turns, SPEAKER, START, END) == [
        ("Jane Smith", 1.34, 4.12),
        ("Budi Santoso", 4.8, 12.0),
        ("Jane Smith", 12.5, 15.0),
        ("Budi Santoso", 15.2, 21.0),
    ]
    assert turns[TEXT].iloc[1] == (
        "Sure. I'm Budi, I work as an account executive. I've been there for two years."
    )
    # a cue without a speaker continues the previous speaker
    assert turns[TEXT].iloc[3] == "Mostly WhatsApp groups. and weekly calls."
    assert list(turns[ROLE]) == ["interviewer", "participant", "interviewer", "participant"]
    assert list(turns[LINE]) == [4, 8, 16, 20]


def test_vtt_teams_voice_spans_with_commas() -> None:
    turns = read_transcript(FIX / "teams.vtt")
    assert rows(turns, SPEAKER, TEXT, START, END) == [
        ("Doe, Jane", "Good morning, everyone. Shall we start with your role?", 0.0, 6.48),
        (
            "Pratama, Rizky",
            "I lead the account team & handle two brands. Most of the work is weekly updates.",
            6.9,
            62.5,
        ),
    ]


def test_vtt_youtube_word_timings_removed_and_no_speaker_is_unknown() -> None:
    turns = read_transcript(FIX / "youtube.vtt")
    assert rows(turns, SPEAKER, TEXT, START, END) == [
        ("unknown", "so today we talk about clients", 0.0, 5.0)
    ]
    assert turns[ROLE].iloc[0] == "participant"  # the only voice is the data


def test_srt_labels_continuations_and_tags() -> None:
    turns = read_transcript(FIX / "interview.srt")
    assert rows(turns, SPEAKER, TEXT, START, END) == [
        ("INTERVIEWER", "How long have you worked there?", 1.0, 3.5),
        (
            "RESPONDENT",
            "About three years. Before that I was at another agency. Mostly retail clients.",
            4.0,
            9.0,
        ),
        ("INTERVIEWER", "Retail, I see.", 9.1, 10.0),
    ]
    assert list(turns[ROLE]) == ["interviewer", "participant", "interviewer"]


def test_vtt_multiple_voices_in_one_cue() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>Hi?</v>\n<v.loud Ben>Hello!</v>\n"
    turns = parse_transcript(text, format="vtt")
    assert rows(turns, SPEAKER, TEXT, START, END) == [
        ("Ana", "Hi?", 1.0, 2.0),
        ("Ben", "Hello!", 1.0, 2.0),
    ]


def test_vtt_prose_colon_is_not_a_speaker() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: Ada dua hal.\n\n"
        "00:00:02.000 --> 00:00:03.000\nYang pertama itu: komunikasi.\n\n"
        "00:00:03.000 --> 00:00:04.000\nAna: Lalu kepercayaan.\n"
    )
    turns = parse_transcript(text, format="vtt")
    assert rows(turns, SPEAKER, TEXT) == [
        ("Ana", "Ada dua hal. Yang pertama itu: komunikasi. Lalu kepercayaan.")
    ]


@pytest.mark.parametrize(
    ("text", "fmt", "match", "line"),
    [
        ("00:00:01.000 --> 00:00:02.000\nAna: hi\n", "vtt", "expected 'WEBVTT'", 1),
        ("WEBVTT\n\n00:00:01 --> 00:00:02\nAna: hi\n", "vtt", "malformed cue timing", 3),
        ("WEBVTT\n\nhello there\nAna: hi\n", "vtt", "expected a cue timing line", 3),
        ("WEBVTT\n", "vtt", "no cues found", None),
        ("1\n00:00:01,000 --> 00:00:02,000\n\n", "srt", "no text", 2),
    ],
)
def test_captions_bad_input_raises_with_line(text, fmt, match, line) -> None:
    with pytest.raises(TranscriptParseError, match=match) as info:
        parse_transcript(text, format=fmt, source="bad." + fmt)
    assert info.value.line == line
    assert str(info.value.path) == "bad." + fmt
