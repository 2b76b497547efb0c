"""The thesis interviews in data/transcripts/, read from the .txt and from the Word version.

Expected values were counted by reading magnus_interviews.txt by hand (and with awk): four
interviews, turns per speaker, first and last turn of each.
"""

from __future__ import annotations

import pytest

from qualcode import read_transcript
from qualcode.schema import INTERVIEW, LINE, POSITION, ROLE, SPEAKER, TEXT, TURN_ID
from tests.conftest import SAMPLE_DOCX, SAMPLE_TXT

INTERVIEWS = [
    "magnus_interviews/Narasumber 1",
    "magnus_interviews/Narasumber 2",
    "magnus_interviews/Narasumber 3",
    "magnus_interviews/Wawancara tambahan (22 Mei 2023) - Narasumber 1",
]
TURNS = {INTERVIEWS[0]: 57, INTERVIEWS[1]: 57, INTERVIEWS[2]: 45, INTERVIEWS[3]: 14}
SPEAKER_TURNS = {
    INTERVIEWS[0]: {"P": 29, "N1": 28},
    INTERVIEWS[1]: {"P": 27, "N2": 29, "R": 1},
    INTERVIEWS[2]: {"P": 23, "N3": 22},
    INTERVIEWS[3]: {"P": 7, "N1": 7},
}
ROLES = {
    INTERVIEWS[0]: {"P": "interviewer", "N1": "participant"},
    INTERVIEWS[1]: {"P": "interviewer", "N2": "participant", "R": "interviewer"},
    INTERVIEWS[2]: {"P": "interviewer", "N3": "participant"},
    INTERVIEWS[3]: {"P": "interviewer", "N1": "participant"},
}
FIRST_LAST = {
    INTERVIEWS[0]: ("Halo, benar dengan mbak Juliana ya?", "Iya sama-sama."),
    INTERVIEWS[1]: (
        "Aku perkenalan diri dulu ya mas. Namaku Rickxen, mahasiswa Ilkom Atma Jaya "
        "Yogyakarta angkatan 2016.",
        "No worries Rick, kabarin aja kalau ada yang kurang ya.",
    ),
    INTERVIEWS[2]: (
        "Halo mas Vito, perkenalkan saya Rickxen. Hari ini saya akan melakukan wawancara untuk "
        "kebutuhan penelitian saya. Saya izin rekam percakapannya ya mas. Mas boleh mulai "
        "dengan perkenalan diri dan di Magnus sebagai apa.",
        "Makasih Rick",
    ),
    INTERVIEWS[3]: (
        "Halo mas Vito, maaf mengganggu waktunya sekali lagi untuk melengkapi analisis data "
        "penelitian saya mas.. Hari ini cukup singkat untuk wawancaranya, hanya menanyakan "
        "mengenai komunikasi eksternal",
        "Makasih Rick",
    ),
}


@pytest.fixture(scope="module", params=["txt", "docx"])
def sample(request: pytest.FixtureRequest):
    path = SAMPLE_TXT if request.param == "txt" else SAMPLE_DOCX
    return read_transcript(path)


def test_sample_interviews_in_order(sample) -> None:
    assert list(dict.fromkeys(sample[INTERVIEW])) == INTERVIEWS


def test_sample_turns_per_interview(sample) -> None:
    assert sample.groupby(INTERVIEW, sort=False).size().to_dict() == TURNS
    assert len(sample) == 173


def test_sample_speakers_per_interview(sample) -> None:
    for interview, counts in SPEAKER_TURNS.items():
        speakers = sample[sample[INTERVIEW] == interview][SPEAKER]
        got = speakers.value_counts().loc[lambda n: n > 0].to_dict()
        assert got == counts, interview


def test_sample_roles_per_interview(sample) -> None:
    for interview, roles in ROLES.items():
        g = sample[sample[INTERVIEW] == interview]
        assert dict(zip(g[SPEAKER], g[ROLE], strict=True)) == roles, interview


def test_sample_first_and_last_turn(sample) -> None:
    for interview, (first, last) in FIRST_LAST.items():
        g = sample[sample[INTERVIEW] == interview]
        assert g[TEXT].iloc[0] == first
        assert g[TEXT].iloc[-1] == last
        assert g[SPEAKER].iloc[0] == "P"
        assert list(g[POSITION]) == list(range(1, len(g) + 1))


def test_sample_markup_removed_and_page_breaks_joined(sample) -> None:
    text = " ".join(sample[TEXT])
    assert "<i>" not in text and "<p>" not in text and "</p>" not in text
    # a turn continued across a page break (blank line, then an HTML paragraph)
    joined = sample[sample[TEXT].str.contains("di luar pekerjaan kita. Tapi issue", regex=False)]
    assert list(joined[SPEAKER]) == ["N1"]
    # "ya mas" on its own line continues the interviewer's turn
    tail = sample[sample[INTERVIEW] == INTERVIEWS[3]][TEXT].iloc[-2]
    assert tail.endswith("terima kasih banyak atas waktunya ya mas")
    # the tab-indented line continues N3's turn
    assert sample[TEXT].str.contains("sebagai seorang kan harus bangunnya", regex=False).sum() == 1


def test_sample_txt_lines_and_ids() -> None:
    turns = read_transcript(SAMPLE_TXT)
    first = turns.iloc[0]
    assert (first[LINE], first[TURN_ID]) == (5, "magnus-interviews-narasumber-1-0001")
    stray = turns[turns[SPEAKER] == "R"].iloc[0]
    assert stray[LINE] == 93
    assert turns[TURN_ID].is_unique
    assert read_transcript(SAMPLE_TXT)[TURN_ID].equals(turns[TURN_ID])  # stable ids


def test_sample_docx_same_turns_as_txt() -> None:
    cols = [TURN_ID, INTERVIEW, POSITION, SPEAKER, ROLE, TEXT]
    txt = read_transcript(SAMPLE_TXT)
    doc = read_transcript(SAMPLE_DOCX)
    assert doc[cols].equals(txt[cols])
    assert doc["source"].iloc[0] == "magnus_interviews.docx"
