"""Old Teams / Stream transcripts: timing line, speaker line, speech, no blank lines."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from qualcode.cli import main
from qualcode.errors import TranscriptParseError
from qualcode.schema import END, LINE, SPEAKER, START, TEXT
from qualcode.transcripts import parse_transcript, read_transcript, read_transcripts_with_report

FIX = Path(__file__).parent / "fixtures" / "transcripts"
RIZKY = "Pratama, Rizky (Universitas Padjadjaran)"
DEWI = "Dewi Ayu Lestari Putri Wulandari"
BUDI = "Santoso, Budi"
JORDAN = "jordan.lee@northwind-research.org"


def test_teams_txt_reads_directory_names_and_five_word_names() -> None:
    turns = read_transcript(FIX / "teams_old_id.txt")
    interview = [RIZKY, DEWI, RIZKY, DEWI, RIZKY, DEWI, BUDI, RIZKY, DEWI, BUDI, RIZKY, DEWI]
    assert list(turns[SPEAKER]) == interview
    # consecutive cues of one speaker are one turn, as the caption reader does
    assert turns[TEXT].iloc[0] == (
        "Selamat siang, Mbak. Terima kasih sudah meluangkan waktu. Rekamannya sudah saya mulai ya."
    )
    assert turns[TEXT].iloc[3].startswith("Biasanya kami mulai dari brief klien, lalu riset")
    assert turns[TEXT].iloc[3].endswith("kebutuhan yang tidak tertulis di brief.")
    assert list(turns[START])[:4] == [0.0, 6.12, 8.9, 15.3]
    assert list(turns[END])[:4] == [6.12, 8.9, 15.3, 31.5]
    # unpadded hours: 1:0:3.210 is an hour in
    assert list(turns[START])[-2:] == [3598.0, 3603.21]
    assert list(turns[END])[-1] == 3605.0
    # the line of the first speaker line of each turn (CRLF file)
    assert list(turns[LINE])[:4] == [2, 8, 11, 14]


def test_teams_txt_reads_addresses_lowercase_names_and_speech_on_two_lines() -> None:
    turns = read_transcript(FIX / "stream_old_en.txt")
    assert list(turns[SPEAKER]) == [JORDAN, "sam okafor", JORDAN, "sam okafor", JORDAN]
    assert turns[TEXT].iloc[0] == (
        "Hi. Thanks for joining. Can you tell me how a new client account starts?"
    )
    assert (
        turns[TEXT]
        .iloc[1]
        .endswith("to learn about their business. We keep notes on who decides what.")
    )
    assert list(turns[START]) == [0.0, 6.3, 14.12, 19.0, 28.41]
    assert list(turns[END]) == [6.3, 14.12, 19.0, 28.41, 30.0]


def test_teams_txt_keep_paragraphs_keeps_each_cue() -> None:
    turns = read_transcript(FIX / "teams_old_id.txt", keep_paragraphs=True)
    assert len(turns) == 15
    assert list(turns[START])[:3] == [0.0, 3.41, 6.12]


def test_teams_txt_found_by_auto_detection_in_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "turns.csv"
    files = [str(FIX / "teams_old_id.txt"), str(FIX / "stream_old_en.txt")]
    assert main(["parse", *files, "--out", str(out), "--format", "auto"]) == 0
    got = capsys.readouterr().out
    assert "teams_old_id.txt: read as text, timing, speaker and text blocks (Teams .txt)" in got
    assert "stream_old_en.txt: read as text, timing, speaker and text blocks (Teams .txt)" in got
    assert "2 file(s), 2 interview(s), 5 speaker(s), 17 turns" in got


def test_teams_docx_with_directory_names(tmp_path: Path) -> None:
    # Teams wrote the same shape into .docx, one paragraph per line
    path = tmp_path / "teams_meeting.docx"
    doc = docx.Document()
    for line in (FIX / "teams_old_id.txt").read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    doc.save(str(path))
    from_docx = read_transcript(path)
    from_txt = read_transcript(FIX / "teams_old_id.txt")
    assert list(from_docx[SPEAKER]) == list(from_txt[SPEAKER])
    assert list(from_docx[TEXT]) == list(from_txt[TEXT])
    assert list(from_docx[START]) == list(from_txt[START])


def test_teams_txt_speaker_line_without_speech_is_not_a_lost_turn() -> None:
    text = (
        "0:0:0.0 --> 0:0:2.0\nPratama, Rizky\nApa kabar?\n"
        "0:0:2.0 --> 0:0:4.0\nSantoso, Budi\nBaik, Mas.\n"
        "0:0:4.0 --> 0:0:5.0\nSantoso, Budi\n"  # Teams wrote a cue with no words
        "0:0:5.0 --> 0:0:7.0\nPratama, Rizky\nKita mulai.\n"
    )
    turns = parse_transcript(text)
    assert list(turns[SPEAKER]) == ["Pratama, Rizky", "Santoso, Budi", "Pratama, Rizky"]
    assert list(turns[TEXT]) == ["Apa kabar?", "Baik, Mas.", "Kita mulai."]
    assert list(turns[END]) == [2.0, 5.0, 7.0]


CAPTIONS = (
    "00:00:01.000 --> 00:00:04.000\nWell, I think that\nwas fine for us.\n\n"
    "00:00:04.000 --> 00:00:06.500\nAnd then we moved\nto the next client.\n\n"
    "00:00:06.500 --> 00:00:09.000\nIt took a while\nbut it worked.\n"
)


def test_captions_without_names_are_not_mistaken_for_teams_speakers() -> None:
    with pytest.raises(TranscriptParseError, match=r"line 2: no speaker labels found"):
        parse_transcript(CAPTIONS)
    turns = parse_transcript(CAPTIONS, single_speaker=True)
    assert list(turns[SPEAKER]) == ["unknown"] * 3
    # the timing lines give times and are not read as speech
    assert list(turns[TEXT]) == [
        "Well, I think that was fine for us.",
        "And then we moved to the next client.",
        "It took a while but it worked.",
    ]
    assert list(turns[START]) == [1.0, 4.0, 6.5]
    assert list(turns[END]) == [4.0, 6.5, 9.0]


def test_captions_with_name_colon_text_under_timing_lines(tmp_path: Path) -> None:
    # a WebVTT file saved as .txt without its header: each name speaks once and is still read
    path = tmp_path / "zoom_captions.txt"
    path.write_text(
        "00:00:01.000 --> 00:00:04.000\nAnna Schmidt: Halo semua.\n"
        "00:00:04.000 --> 00:00:06.500\nBudi Santoso: Iya, halo.\n",
        encoding="utf-8",
    )
    turns, report = read_transcripts_with_report([path])
    assert list(turns[SPEAKER]) == ["Anna Schmidt", "Budi Santoso"]
    assert list(turns[TEXT]) == ["Halo semua.", "Iya, halo."]
    assert list(turns[START]) == [1.0, 4.0]
    assert "captions saved as text" in report["layout"].iloc[0]


def test_captions_whose_cues_open_with_a_sound_note_have_no_speaker_named_after_it() -> None:
    text = (
        "00:00:01.000 --> 00:00:03.000\n[Music]\nWelcome back to the channel.\n\n"
        "00:00:03.000 --> 00:00:06.000\n[Music]\nToday we talk about keeping clients.\n\n"
        "00:00:06.000 --> 00:00:08.000\n- So how do you keep them?\nWith trust.\n"
    )
    with pytest.raises(TranscriptParseError, match=r"line 2: no speaker labels found"):
        parse_transcript(text)
    turns = parse_transcript(text, single_speaker=True)
    assert set(turns[SPEAKER]) == {"unknown"}
