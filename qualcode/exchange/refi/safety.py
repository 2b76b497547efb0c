"""Read archives and XML sent by other people without trusting them.

A ``.qdpx`` is a zip file written by another program, perhaps by someone who means harm. What
this module refuses, always with an :class:`~qualcode.errors.ExchangeError` naming the file and
entry:

- entries whose names escape the archive (``../x``, ``/etc/x``, ``C:\\x``);
- archives whose entries declare more than ``max_bytes`` unpacked in total or more than
  ``max_entry_bytes`` for one entry, and entries that unpack to more than they declared (a zip
  bomb lies in its headers, so the bytes are counted as they are read, a chunk at a time, not
  taken from the headers: no entry is ever read whole to find out, and the memory an import
  uses stays bounded by the limits);
- files that are not zip archives, or are truncated or corrupt (bad CRC, short data);
- XML with a DTD entity (billion laughs), an external entity (``file:///etc/passwd``) or an
  external DTD, and malformed XML.

XML goes through expat with the guards of :mod:`defusedxml` (entity declarations and external
references refused; see :func:`parse_xml`); nothing here ever touches the network.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any, NoReturn, Protocol
from xml.parsers import expat

from qualcode.errors import ExchangeError

__all__ = [
    "MAX_BYTES",
    "MAX_ENTRY_BYTES",
    "SafeArchive",
    "XmlHandler",
    "decode_text",
    "is_safe_name",
    "local_name",
    "parse_xml",
]

#: default limit on what one archive may unpack to (all entries together)
MAX_BYTES = 4 * 1024**3
#: default limit on what one entry may unpack to (a source's text is read whole)
MAX_ENTRY_BYTES = 1024**3
_CHUNK = 1 << 20

_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def is_safe_name(name: str) -> bool:
    """Is ``name`` a relative path that stays inside the archive?"""
    if not name or name.startswith(("/", "\\")) or _DRIVE_RE.match(name) or "\x00" in name:
        return False
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." not in parts


class _CountingReader(io.RawIOBase):
    """A read-only stream over a zip entry that stops at the bytes the archive may still use."""

    def __init__(self, archive: SafeArchive, raw: IO[bytes], entry: str, declared: int) -> None:
        self._archive = archive
        self._raw = raw
        self._entry = entry
        self._declared = declared
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:  # a chunk at a time: never the whole entry at once
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        try:
            data = self._raw.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
            msg = (
                f"entry {self._entry} is corrupt, truncated or not the size its header declares "
                f"({err}); expected a complete zip entry"
            )
            raise ExchangeError(msg, path=self._archive.path) from err
        self._seen += len(data)
        if self._seen > self._declared:
            msg = (
                f"entry {self._entry} unpacks to more than the {self._declared:,} bytes its "
                "header declares; refusing it (a zip bomb?)"
            )
            raise ExchangeError(msg, path=self._archive.path)
        self._archive.charge(len(data), self._entry)
        return data

    def close(self) -> None:
        self._raw.close()
        super().close()


class SafeArchive:
    """A zip archive opened for reading with the checks of this module.

    Parameters
    ----------
    path : str or Path
        The archive.
    max_bytes : int, default :data:`MAX_BYTES`
        Most bytes all entries together may unpack to.
    max_entry_bytes : int, default :data:`MAX_ENTRY_BYTES`
        Most bytes one entry may unpack to.

    Raises
    ------
    ExchangeError
        If the file is missing, not a zip, corrupt, has an entry whose name escapes the archive,
        or declares more than ``max_bytes`` in all or ``max_entry_bytes`` for one entry.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_bytes: int = MAX_BYTES,
        max_entry_bytes: int = MAX_ENTRY_BYTES,
    ) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._used = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError as err:
            raise ExchangeError("file not found", path=self.path) from err
        except IsADirectoryError as err:
            msg = "is a folder; expected a .qdpx file (a zip archive)"
            raise ExchangeError(msg, path=self.path) from err
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
            msg = f"not a zip archive or truncated ({err}); expected a .qdpx file (a zip archive)"
            raise ExchangeError(msg, path=self.path) from err
        declared = 0
        self._entries: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            if not is_safe_name(info.filename):
                self._zip.close()
                msg = (
                    f"entry {info.filename!r} has a path that escapes the archive; expected "
                    "relative paths such as project.qde and sources/<guid>.txt"
                )
                raise ExchangeError(msg, path=self.path)
            if info.file_size > max_entry_bytes:
                self._zip.close()
                msg = (
                    f"entry {info.filename} unpacks to {info.file_size:,} bytes, more than the "
                    f"limit of {max_entry_bytes:,} for one entry; refusing it (a zip bomb?)"
                )
                raise ExchangeError(msg, path=self.path)
            declared += info.file_size
            self._entries[info.filename.replace("\\", "/")] = info
        if declared > max_bytes:
            self._zip.close()
            msg = (
                f"the archive declares {declared:,} unpacked bytes, more than the limit of "
                f"{max_bytes:,}; refusing it"
            )
            raise ExchangeError(msg, path=self.path)

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self._zip.close()

    @property
    def names(self) -> list[str]:
        """Names of the files in the archive (``/`` separators), folders left out."""
        return [n for n, info in self._entries.items() if not info.is_dir()]

    def find(self, name: str) -> str | None:
        """Return the entry called ``name``, matched exactly, else ignoring case; or None."""
        name = name.replace("\\", "/").lstrip("/")
        if name in self._entries:
            return name
        folded = name.casefold()
        for entry in self._entries:
            if entry.casefold() == folded:
                return entry
        return None

    def charge(self, n: int, entry: str) -> None:
        """Count ``n`` more unpacked bytes against the limit."""
        self._used += n
        if self._used > self.max_bytes:
            msg = (
                f"unpacking {entry} goes past the limit of {self.max_bytes:,} bytes for the "
                "whole archive; refusing it"
            )
            raise ExchangeError(msg, path=self.path)

    def open(self, entry: str) -> IO[bytes]:
        """Open an entry as a byte stream whose reads are counted and checked."""
        info = self._entries[entry]
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as err:
            msg = f"cannot open entry {entry} ({err}); expected a readable zip entry"
            raise ExchangeError(msg, path=self.path) from err
        return io.BufferedReader(_CountingReader(self, raw, entry, info.file_size), 1 << 16)

    def read(self, entry: str) -> bytes:
        """Return the bytes of an entry (counted and checked like :meth:`open`)."""
        with self.open(entry) as fh:
            return fh.read()


def decode_text(data: bytes, *, path: Path, entry: str) -> str:
    """Decode a plain-text source: a byte-order mark decides, else UTF-8, else cp1252.

    Line ends are kept as written (REFI offsets count the characters of the file; see
    :mod:`qualcode.exchange.refi.align`). The byte-order mark is not part of the text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                msg = f"entry {entry} starts with a {codec} byte-order mark but is not {codec}"
                raise ExchangeError(msg, path=path) from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class XmlHandler(Protocol):
    """What :func:`parse_xml` calls: element starts and ends by local name."""

    def start(self, name: str | None, attrs: dict[str, str]) -> None:
        """An element starts; ``name`` is None for elements outside REFI-QDA's namespaces."""

    def end(self, name: str | None, text: str) -> None:
        """An element ends; ``text`` is its character data (for leaf elements)."""


class _Forbidden(Exception):
    pass


def _forbid(*args: object) -> NoReturn:
    raise _Forbidden


def local_name(tag: str) -> str | None:
    """The local name of a REFI-QDA element, or None for elements of other namespaces.

    Any ``urn:QDA-XML:...`` namespace (project or codebook, version 1.0 or older drafts) and
    no namespace at all count as REFI-QDA; other namespaces are extensions to skip. Tags are
    ``namespace}local`` (expat) or ``{namespace}local`` (ElementTree).
    """
    ns, sep, name = tag.rpartition("}")
    if not sep:
        return tag
    return name if ns.lstrip("{").startswith("urn:QDA-XML:") else None


def parse_xml(stream: IO[bytes], handler: XmlHandler, *, path: Path, entry: str) -> None:
    """Parse untrusted XML from ``stream``, calling ``handler`` for each element.

    Expat is used directly with the guards :mod:`defusedxml` installs (any entity declaration,
    unparsed entity or external reference raises), because building ElementTree elements for
    the millions of ``Coding`` elements of a large project takes several times as long as the
    parse itself. Byte-order marks and the declared encoding are handled by expat.

    Raises
    ------
    ExchangeError
        For malformed XML (with its line), entity declarations or external references.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    names: dict[str, str | None] = {}
    text: list[str] = []
    start, end = handler.start, handler.end

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        try:
            name = names[tag]
        except KeyError:
            name = names[tag] = local_name(tag)
        text.clear()
        start(name, attrs)

    def on_end(tag: str) -> None:
        end(names[tag], "".join(text))
        text.clear()

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = text.append
    try:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Forbidden as err:
        msg = (
            f"{entry} declares XML entities or refers to external files; refusing it "
            "(REFI-QDA files need neither)"
        )
        raise ExchangeError(msg, path=path) from err
    except expat.ExpatError as err:
        msg = (
            f"{entry} is not well-formed XML ({expat.errors.messages[err.code]}, column "
            f"{err.offset + 1}); expected a REFI-QDA XML document"
        )
        raise ExchangeError(msg, path=path, line=err.lineno) from err
