"""Turn the bytes of a transcript file into text: encodings, byte-order marks and line ends.

Accepted: UTF-8 with or without a byte-order mark, UTF-16 (LE/BE) with a byte-order mark, and
cp1252 / latin-1 as a fallback for files that are not UTF-8. CRLF and CR line ends become LF.
Binary files and text with control characters (what undecodable bytes turn into) are refused
with a :class:`~qualcode.errors.TranscriptParseError` naming the file and line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from qualcode.errors import TranscriptParseError

__all__ = [
    "NeedsWholeFile",
    "binary_kind",
    "decode_bytes",
    "iter_utf8_blocks",
    "read_bytes",
    "read_text",
]

#: control characters that never occur in a transcript (tab, LF, VT, FF and CR are allowed)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: the same characters as UTF-8 bytes: single bytes, and U+0080-U+009F after a 0xC2 lead byte
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"


def _utf8_has_no_control(data: bytes) -> bool:
    """Say (fast, in C) that UTF-8 ``data`` holds none of :data:`_CONTROL_RE`'s characters.

    False means "maybe": the caller then searches the decoded text. Checked in slices of
    :data:`_CHECK_BYTES`, so no copy of a large file is made.
    """
    if b"\xc2" in data:
        return False
    view = memoryview(data)
    for a in range(0, len(data), _CHECK_BYTES):
        part = view[a : a + _CHECK_BYTES].tobytes()
        if len(part.translate(None, _CONTROL_BYTES)) != len(part):
            return False
    return True


#: bytes checked at a time by :func:`_utf8_has_no_control`
_CHECK_BYTES = 1 << 16


#: signatures of binary formats people save transcripts in by mistake
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word .doc (or other OLE) file"),
    (b"PK\x03\x04", "a zip archive (.docx/.xlsx?)"),
    (b"%PDF", "a PDF file"),
    (b"{\\rtf", "an RTF file"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def binary_kind(data: bytes) -> str | None:
    """Return a description of a binary file format recognised in ``data``, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _guess_bomless_utf16(sample: bytes) -> str | None:
    """Return utf-16-le/be when ``sample`` looks like BOM-less UTF-16 text of Latin script."""
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, path: str | Path, encoding: str | None = None) -> str:
    """Decode a transcript file's bytes to text with LF line ends.

    Parameters
    ----------
    data : bytes
        The file's contents.
    path : str or Path
        The file, named in errors.
    encoding : str, optional
        Force an encoding; by default the byte-order mark decides, then UTF-8, then cp1252,
        then latin-1.

    Returns
    -------
    str
        The text, without a byte-order mark, with ``\\n`` line ends.

    Raises
    ------
    TranscriptParseError
        If the file is empty, binary, or its bytes cannot be decoded as text.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        msg = "empty file; expected a transcript with speaker turns"
        raise TranscriptParseError(msg, path=path)
    kind = binary_kind(data)
    if kind is not None and encoding is None:
        hint = " Open it in Word and save it as .docx." if "Word" in kind else ""
        msg = f"this is {kind}, not a text transcript.{hint}"
        raise TranscriptParseError(msg, path=path)
    text: str | None = None
    utf8 = False  # decoded as UTF-8 without a byte-order mark
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError as err:
            msg = f"unknown encoding {encoding!r}"
            raise TranscriptParseError(msg, path=path) from err
        except UnicodeDecodeError as err:
            line = _line_of(data, err.start)
            msg = (
                f"cannot decode byte {data[err.start : err.start + 1]!r} as {encoding}; "
                "expected UTF-8, UTF-16 with a byte-order mark, or cp1252 text "
                "(leave encoding unset to detect it)"
            )
            raise TranscriptParseError(msg, path=path, line=line) from err
        text = text.removeprefix("\ufeff")
    else:
        for bom, enc in _BOMS:
            if data.startswith(bom):
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError as err:
                    line = _line_of(data, err.start)
                    msg = f"file starts with a {enc} byte-order mark but is not valid {enc}"
                    raise TranscriptParseError(msg, path=path, line=line) from err
                text = text.removeprefix("\ufeff")
                break
        if text is None:
            if b"\x00" in data[:4096]:
                guess = _guess_bomless_utf16(data[:4096])
                if guess is None:
                    msg = "binary file (contains NUL bytes); expected a text transcript"
                    line = _line_of(data, data.index(b"\x00"))
                    raise TranscriptParseError(msg, path=path, line=line)
                text = data.decode(guess, errors="replace")
            else:
                for enc in ("utf-8", "cp1252", "latin-1"):
                    try:
                        text = data.decode(enc)
                    except UnicodeDecodeError:
                        continue
                    utf8 = enc == "utf-8"
                    break
    assert text is not None  # latin-1 decodes every byte string
    bad = None if utf8 and _utf8_has_no_control(data) else _CONTROL_RE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        msg = (
            f"undecodable or binary content (control character {bad.group()!r}); "
            "expected UTF-8, UTF-16 with a byte-order mark, or cp1252 text"
        )
        raise TranscriptParseError(msg, path=path, line=line)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """Read a file's bytes (only the first ``limit`` if given).

    Raises
    ------
    TranscriptParseError
        Naming ``path``, if it is missing, a folder or unreadable.
    """
    try:
        if limit is None:
            return path.read_bytes()
        with path.open("rb") as fh:
            return fh.read(limit)
    except FileNotFoundError as err:
        msg = "file not found"
        raise TranscriptParseError(msg, path=path) from err
    except IsADirectoryError as err:
        msg = "is a folder; use read_transcripts() for folders"
        raise TranscriptParseError(msg, path=path) from err
    except OSError as err:
        msg = f"cannot read file: {err.strerror or err}"
        raise TranscriptParseError(msg, path=path) from err


def read_text(path: str | Path, *, encoding: str | None = None) -> str:
    """Read a text file with :func:`decode_bytes` (errors name ``path``)."""
    p = Path(path)
    return decode_bytes(read_bytes(p), path=p, encoding=encoding)


class NeedsWholeFile(Exception):
    """Raised by :func:`iter_utf8_blocks` for content only :func:`decode_bytes` can read."""


def _decode_block(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:  # cp1252 or broken: decided on the whole file
        raise NeedsWholeFile from err
    if not _utf8_has_no_control(data) and _CONTROL_RE.search(text):
        raise NeedsWholeFile  # an error with its line number, from decode_bytes
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def iter_utf8_blocks(fh: BinaryIO, *, block_bytes: int) -> Iterator[str]:
    """Decode a UTF-8 text file a block of whole lines at a time, as :func:`decode_bytes` would.

    Memory stays near ``block_bytes`` whatever the size of the file.

    Parameters
    ----------
    fh : binary file
        Open at the start of the file.
    block_bytes : int
        Bytes read at a time; a block ends at the last line end read.

    Yields
    ------
    str
        Text with ``\\n`` line ends and without a byte-order mark; every block but the last
        ends with ``\\n``.

    Raises
    ------
    NeedsWholeFile
        For anything but UTF-8 text (another byte-order mark, NUL bytes, bytes that are not
        UTF-8, control characters): :func:`decode_bytes` then reads the file, falls back to
        other encodings or reports the error with its line.
    """
    carry = bytearray()  # the start of a line longer than a block
    first = True
    while True:
        data = fh.read(block_bytes)
        if first:
            first = False
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
            elif (
                data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                or binary_kind(data) is not None
                or b"\x00" in data[:4096]
            ):
                raise NeedsWholeFile
        if not data:
            if carry:
                yield _decode_block(bytes(carry))
            return
        cut = data.rfind(b"\n") + 1
        if cut == 0:  # no line end yet: read on
            carry += data
            continue
        block = bytes(carry) + data[:cut] if carry else data[:cut]
        carry = bytearray(data[cut:])
        yield _decode_block(block)
