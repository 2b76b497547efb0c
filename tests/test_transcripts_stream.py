"""Large plain-text files are read a block at a time: the same turns and errors as a whole read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import TranscriptParseError, read_transcript, read_transcripts
from qualcode.schema import INTERVIEW, LINE, SPEAKER, TEXT
from qualcode.transcripts import collector, encoding, fast, files
from tests.test_transcripts_fast import transcripts


@pytest.fixture
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream every file over 64 bytes, in blocks of 32 bytes (many block boundaries)."""
    monkeypatch.setattr(files, "STREAM_BYTES", 64)
    monkeypatch.setattr(collector, "CHUNK_CHARS", 32)
    monkeypatch.setattr(fast, "CHUNK_CHARS", 32)


def _whole(path: Path, **opts: object) -> pd.DataFrame:
    """The turns of ``path`` read whole (streaming off)."""
    saved = files.STREAM_BYTES
    files.STREAM_BYTES = 1 << 40
    try:
        return read_transcript(path, **opts)  # type: ignore[arg-type]
    finally:
        files.STREAM_BYTES = saved


def _streamed(path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """Read ``path`` and check it went through the stream reader."""
    calls: list[Path] = []
    original = collector.TurnsCollector.add_stream

    def spy(self: collector.TurnsCollector, file: int, p: Path, **kw: object) -> None:
        calls.append(p)
        original(self, file, p, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(collector.TurnsCollector, "add_stream", spy)
    turns = read_transcript(path)
    assert calls == [path]
    return turns


SAMPLE = (
    "# Interview 1\n\nP: Sejak kapan Anda bekerja di sini?\nN1: Sudah  tiga tahun, kak.\n"
    "P: Apa tugas Anda?\nN1: Account executive, handle klien.\n\n"
    "# Interview 2\n\nP: Bagaimana dengan klien baru?\nN2: Kami pitching dulu.\n"
)


@pytest.mark.usefixtures("tiny_blocks")
def test_stream_reads_the_same_turns_as_a_whole_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE * 5, encoding="utf-8")
    turns = _streamed(path, monkeypatch)
    pd.testing.assert_frame_equal(turns, _whole(path))
    assert len(turns) == 30
    assert turns[INTERVIEW].iloc[-1] == "big/Interview 2 (5)"
    assert turns.loc[1, TEXT] == "Sudah tiga tahun, kak."
    assert turns[LINE].iloc[-1] == SAMPLE.count("\n") * 5


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("crlf", SAMPLE.replace("\n", "\r\n").encode("utf-8") * 3),
        ("bom", codecs.BOM_UTF8 + SAMPLE.encode("utf-8") * 3),
        ("no final line end", (SAMPLE * 3).rstrip("\n").encode("utf-8")),
        ("cp1252", (SAMPLE * 3).replace("kak", "café").encode("cp1252")),
        ("utf-16", codecs.BOM_UTF16_LE + (SAMPLE * 3).encode("utf-16-le")),
        ("continuation lines", (SAMPLE + "yang panjang\n").encode("utf-8") * 3),
        ("one long line", b"P: " + b"kata " * 100 + b"\nN1: ya\n"),
    ],
)
@pytest.mark.usefixtures("tiny_blocks")
def test_stream_matches_whole_read_for_every_encoding_and_shape(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    pd.testing.assert_frame_equal(read_transcript(path), _whole(path))


@pytest.mark.parametrize(
    ("data", "match", "line"),
    [
        (b" \n\t\n" * 40, "empty file", None),
        (SAMPLE.encode() * 3 + b"P: bad \x01 byte\n", "control character", 34),
        (b"P: halo\n" * 10 + b"\x00\x01\x02" * 30, "binary file", 11),
        (b"Just prose without any speaker labels at all.\n" * 5, "no speaker", None),
    ],
)
@pytest.mark.usefixtures("tiny_blocks")
def test_stream_reports_the_same_errors(
    tmp_path: Path, data: bytes, match: str, line: int | None
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    with pytest.raises(TranscriptParseError, match=match) as info:
        read_transcript(path)
    assert info.value.path == path
    if line is not None:
        assert info.value.line == line


@pytest.mark.usefixtures("tiny_blocks")
def test_stream_keeps_captions_saved_as_txt_and_file_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("P: halo?\nN1: ya.\n", encoding="utf-8")  # small: batched
    (tmp_path / "b.txt").write_text(SAMPLE * 2, encoding="utf-8")  # streamed
    cues = [
        f"00:00:{k:02d}.000 --> 00:00:{k:02d}.900\n<v {'Ana' if k % 2 else 'Budi'}>kata {k}</v>\n"
        for k in range(1, 9)
    ]
    vtt = "WEBVTT\n\n" + "\n".join(cues)
    (tmp_path / "c.txt").write_text(vtt, encoding="utf-8")  # captions in a .txt
    turns = read_transcripts(tmp_path)
    assert list(dict.fromkeys(turns[INTERVIEW].astype(str)))[:2] == ["a", "b/Interview 1"]
    assert turns[SPEAKER].iloc[-1] == "Budi"
    assert turns[turns[INTERVIEW] == "c"]["start"].notna().all()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(transcripts(), min_size=1, max_size=8), st.integers(8, 64))
def test_stream_equals_whole_read_property(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], block: int
) -> None:
    path = tmp_path_factory.mktemp("stream") / "t.txt"
    path.write_text("".join(t if t.endswith("\n") else t + "\n" for t in texts), encoding="utf-8")
    try:
        expected: pd.DataFrame | str = _whole(path)
    except TranscriptParseError as err:
        expected = str(err)
    saved = (files.STREAM_BYTES, fast.CHUNK_CHARS, collector.CHUNK_CHARS)
    files.STREAM_BYTES, fast.CHUNK_CHARS, collector.CHUNK_CHARS = 0, block, block
    try:
        got: pd.DataFrame | str = read_transcript(path)
    except TranscriptParseError as err:
        got = str(err)
    finally:
        files.STREAM_BYTES, fast.CHUNK_CHARS, collector.CHUNK_CHARS = saved
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
    else:
        pd.testing.assert_frame_equal(got, expected)


def test_iter_utf8_blocks_cuts_at_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(codecs.BOM_UTF8 + "a: é\r\nb: ü\nc".encode())
    with path.open("rb") as fh:
        blocks = list(encoding.iter_utf8_blocks(fh, block_bytes=4))
    assert blocks == ["a: é\n", "b: ü\n", "c"]
    assert list(fast.stream_pieces(blocks)) == [
        (0, 1, "a: é", 1),
        (0, 2, "b: ü", 1),
        (0, 3, "c", 1),
    ]
