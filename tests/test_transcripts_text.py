"""Plain-text and Markdown transcripts: label shapes, headings, prose colons, encodings."""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pytest

from qualcode import TranscriptParseError, parse_transcript, read_transcript
from qualcode.schema import INTERVIEW, LINE, ROLE, SPEAKER, START, TEXT

FIX = Path(__file__).parent / "fixtures" / "transcripts"


def st(turns):
    return [tuple(r) for r in turns[[SPEAKER, TEXT]].itertuples(index=False)]


def parse(text: str, **kw):
    return parse_transcript(textwrap.dedent(text).lstrip("\n"), **kw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane: Hello there?\nBob: Hi.\n", [("Jane", "Hello there?"), ("Bob", "Hi.")]),
        ("P\t: Halo?\nN1\t: Iya\n", [("P", "Halo?"), ("N1", "Iya")]),
        ("P : Halo?\nN1 : Iya\n", [("P", "Halo?"), ("N1", "Iya")]),
        ("[Jane] Hello?\n[Bob] Hi.\n", [("Jane", "Hello?"), ("Bob", "Hi.")]),
        ("**Jane:** Hello?\n**Bob:** Hi.\n", [("Jane", "Hello?"), ("Bob", "Hi.")]),
        ("Q: Why?\nA: Because.\n", [("Q", "Why?"), ("A", "Because.")]),
        ("I: Why?\nR: Because.\n", [("I", "Why?"), ("R", "Because.")]),
        (
            "Interviewer: Why?\nRespondent: Because.\n",
            [("Interviewer", "Why?"), ("Respondent", "Because.")],
        ),
        (
            "MOD: Why?\nP1: Because.\nP2: Me too.\n",
            [("MOD", "Why?"), ("P1", "Because."), ("P2", "Me too.")],
        ),
        (
            "MR. DAVIS: Where were you?\nMS. O'NEILL: At home.\n",
            [("MR. DAVIS", "Where were you?"), ("MS. O'NEILL", "At home.")],
        ),
        (
            "Dr. Maria van der Berg: Why?\nTom: Yes.\nDr. Maria van der Berg: Ok?\nTom: No.\n",
            [
                ("Dr. Maria van der Berg", "Why?"),
                ("Tom", "Yes."),
                ("Dr. Maria van der Berg", "Ok?"),
                ("Tom", "No."),
            ],
        ),
    ],
)
def test_text_label_shapes(text: str, expected) -> None:
    assert st(parse(text)) == expected


def test_text_label_alone_on_its_line_with_indented_speech() -> None:
    turns = parse(
        """
        INTERVIEWER
            How did you start?
            Tell me everything.

        PARTICIPANT
            By chance.

        INTERVIEWER:
        Really?
        """
    )
    assert st(turns) == [
        ("INTERVIEWER", "How did you start? Tell me everything."),
        ("PARTICIPANT", "By chance."),
        ("INTERVIEWER", "Really?"),
    ]
    assert list(turns[LINE]) == [1, 5, 8]


def test_text_bold_label_with_timestamp_and_speech_below() -> None:
    turns = parse(
        """
        **Ana** [0:18]
        Apa kabar?

        **Budi** [1:02:03]
        Baik.
        """
    )
    assert st(turns) == [("Ana", "Apa kabar?"), ("Budi", "Baik.")]
    assert list(turns[START]) == [18.0, 3723.0]


@pytest.mark.parametrize(
    "text",
    [
        "[00:01:23] Ana: Apa kabar?\n[00:01:30.5] Budi: Baik.\n",
        "(00:01:23) Ana: Apa kabar?\n(00:01:30.5) Budi: Baik.\n",
        "Ana (00:01:23): Apa kabar?\nBudi (00:01:30.5): Baik.\n",
        "00:01:23 Ana: Apa kabar?\n00:01:30.5 Budi: Baik.\n",
    ],
)
def test_text_timestamps_give_start_seconds(text: str) -> None:
    turns = parse(text)
    assert st(turns) == [("Ana", "Apa kabar?"), ("Budi", "Baik.")]
    assert list(turns[START]) == [83.0, 90.5]
    assert turns["end"].isna().all()


def test_text_otter_export() -> None:
    turns = read_transcript(FIX / "otter.txt")
    assert st(turns) == [
        ("Jane Doe", "Thanks for joining. Can you tell me how you started?"),
        ("Sam Lee", "Sure. I started as an intern in 2015. Then I moved to accounts."),
        ("Jane Doe", "What changed after that?"),
        ("Sam Lee", "Everything, honestly."),
    ]
    assert list(turns[START]) == [3.0, 9.0, 75.0, 3680.0]
    assert list(turns[ROLE]) == ["interviewer", "participant", "interviewer", "participant"]
    assert list(turns[LINE]) == [1, 4, 8, 11]


def test_text_lines_without_label_continue_the_turn() -> None:
    turns = parse("P: Pertanyaan satu?\nlanjutan baris\n\n\tbaris dengan tab\nN1: Jawab.\nya mas\n")
    assert st(turns) == [
        ("P", "Pertanyaan satu? lanjutan baris baris dengan tab"),
        ("N1", "Jawab. ya mas"),
    ]


def test_text_prose_colons_are_not_speakers() -> None:
    turns = parse(
        """
        P: Apa strateginya?
        N1: Ada dua.
        Yang pertama itu: komunikasi.
        Catatan: ini penting.
        Jadi intinya: kepercayaan.
        P: Oke, terima kasih?
        N1: Sama-sama.
        """
    )
    assert st(turns) == [
        ("P", "Apa strateginya?"),
        (
            "N1",
            "Ada dua. Yang pertama itu: komunikasi. Catatan: ini penting. "
            "Jadi intinya: kepercayaan.",
        ),
        ("P", "Oke, terima kasih?"),
        ("N1", "Sama-sama."),
    ]


def test_text_name_seen_once_is_continuation_but_recurring_name_is_a_speaker() -> None:
    text = "Jane: How?\nBob: Well.\nMeanwhile: it rained.\nJane: And?\nBob: Done.\n"
    assert st(parse(text))[1] == ("Bob", "Well. Meanwhile: it rained.")
    # explicit speakers= decide when the heuristic cannot
    assert st(parse(text, speakers=["Jane", "Bob", "Meanwhile"]))[2] == ("Meanwhile", "it rained.")


def test_text_html_fragments_and_entities_removed() -> None:
    turns = parse(
        "<p>P : Kalau <i>client</i>-nya &amp; tim?</p>\n"
        "<p>N1 : Iya&nbsp;<b>betul</b> &lt;3</p>\n"
        "<p>P : Oke</p><p>lanjut</p>\n"
    )
    assert st(turns) == [
        ("P", "Kalau client-nya & tim?"),
        ("N1", "Iya betul <3"),
        ("P", "Oke lanjut"),
    ]


def test_text_headings_split_interviews_and_title_is_dropped() -> None:
    turns = parse(
        """
        Interview Transcripts

        Interview 1

        Q: First?
        A: One.

        Follow-up session (3 May):

        Participant B

        Q: Second?
        A: Two.
        """,
        source="study.txt",
    )
    assert list(dict.fromkeys(turns[INTERVIEW])) == [
        "study/Interview 1",
        "study/Follow-up session (3 May) - Participant B",
    ]
    assert list(turns["position"]) == [1, 2, 1, 2]
    assert list(turns["turn_id"]) == [
        "study-interview-1-0001",
        "study-interview-1-0002",
        "study-follow-up-session-3-may-participant-b-0001",
        "study-follow-up-session-3-may-participant-b-0002",
    ]


def test_markdown_headings_and_emphasis() -> None:
    text = (
        "# Study\n\n## Interview 1\n\n**Ana:** I *think* it **was** fine?\n> **Ben:** Yes.\n\n"
        "---\n\n## Interview 2\n\nAna: Again?\nBen: No.\n"
    )
    turns = parse_transcript(text, format="markdown", source="notes.md")
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["notes/Interview 1", "notes/Interview 2"]
    assert st(turns)[:2] == [("Ana", "I *think* it was fine?"), ("Ben", "Yes.")]


def test_text_turns_before_first_heading_use_the_file_stem() -> None:
    turns = parse("Q: a?\nA: b\n\nInterview 2\n\nQ: c?\nA: d\n", source="x.txt")
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["x", "x/Interview 2"]


def test_text_repeated_heading_names_are_disambiguated() -> None:
    turns = parse("Interview\n\nQ: a?\nA: b\n\nInterview\n\nQ: c?\nA: d\n", source="x.txt")
    assert list(dict.fromkeys(turns[INTERVIEW])) == ["x/Interview", "x/Interview (2)"]


def test_text_page_numbers_and_running_headers_are_not_turns() -> None:
    turns = parse(
        """
        Confidential draft

        P: Satu?
        N1: Dua

        12

        tiga

        Confidential draft

        P: Empat?
        N1: Lima
        Page 3 of 10

        Confidential draft

        N1: Enam
        - 14 -
        """
    )
    assert st(turns) == [
        ("P", "Satu?"),
        ("N1", "Dua tiga"),
        ("P", "Empat?"),
        ("N1", "Lima"),
        ("N1", "Enam"),
    ]
    assert turns[INTERVIEW].nunique() == 1


def test_text_single_speaker_mode_one_turn_per_paragraph() -> None:
    text = "Saya mulai bekerja tahun 2015.\nLalu pindah.\n\nSekarang saya AE.\n"
    with pytest.raises(TranscriptParseError, match="no speaker labels found") as info:
        parse_transcript(text, source="diary.txt")
    assert info.value.line == 1
    assert "Saya mulai bekerja" in str(info.value)
    turns = parse_transcript(text, source="diary.txt", single_speaker=True)
    assert st(turns) == [
        ("unknown", "Saya mulai bekerja tahun 2015. Lalu pindah."),
        ("unknown", "Sekarang saya AE."),
    ]
    assert list(turns[LINE]) == [1, 4]
    assert set(turns[ROLE]) == {"participant"}


SAMPLE = "P\t: Apa kabar, café?\nN1\t: Baik — terima kasih.\n"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8 BOM"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le BOM"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be BOM"),
        (SAMPLE.encode("cp1252"), "cp1252"),
        (SAMPLE.replace("\n", "\r\n").encode("utf-8"), "CRLF"),
        (SAMPLE.replace("\n", "\r").encode("utf-8"), "CR"),
    ],
)
def test_text_encodings_and_line_ends(tmp_path: Path, data: bytes, label: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    turns = read_transcript(path)
    assert st(turns) == [("P", "Apa kabar, café?"), ("N1", "Baik — terima kasih.")], label
    assert list(turns[LINE]) == [1, 2]


def test_text_latin1_fallback(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("P: Grüße?\nN1: Ça va.\n".encode("latin-1"))
    assert st(read_transcript(path)) == [("P", "Grüße?"), ("N1", "Ça va.")]


def test_text_huge_single_line_does_not_hang(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (50 * 1024 * 1024))
    with pytest.raises(TranscriptParseError, match="no speaker labels found") as info:
        read_transcript(path)
    assert info.value.line == 1


def test_text_huge_single_turn_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    word = b"kata " * (2 * 1024 * 1024)
    path.write_bytes(b"Ana: " + word + b"\nBudi: selesai\n")
    turns = read_transcript(path)
    assert list(turns[SPEAKER]) == ["Ana", "Budi"]
    assert len(turns[TEXT].iloc[0]) == len(word) - 1
